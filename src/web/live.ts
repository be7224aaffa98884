// The live dashboard, served by the venue at `/`: the shared page shell with the live page's layout; its browser side
// (src/web/assets/live.js) reads the venue's HTTP API and follows its WebSocket, reconnecting by itself. Price
// (candles with volume from the trades, mark, index, last trade, price-monitoring bounds, auctions shaded), order book
// (ladder, depth, trades tape), funding (estimate, each ended period's last estimate, mark and index TWAPs), open
// interest, target vs supplied stake, and — with a party key — that party's margin levels against its balances, its
// own best quotes against the mid and its position (the bot's key shows the bot), and its accounts. A market-making
// bot's own view — quotes against its fair and reservation price, inventory, P&L split — from what it posts to the
// venue (`GET /v1/bots`). The insurance pool, each LP's figures per epoch and, with the admin token, every party's
// margins (src/web/assets/live-venue.js).
import type { FastifyInstance } from 'fastify';
import { assetScript, escapeHtml, renderPage } from './shell.ts';

const card = (title: string, inner: string, cls = '') =>
  `<section class="card ${cls}"><h3>${escapeHtml(title)}</h3>${inner}</section>`;
const tile = (id: string, k: string) =>
  `<div class="tile"><div class="k">${escapeHtml(k)}</div><div class="v" id="${id}">–</div></div>`;

export function renderLivePage(): string {
  const body = `<h2 id="market-name">…</h2>
<div class="tiles">
${tile('t-mark', 'mark')}${tile('t-index', 'index')}${tile('t-last', 'last trade')}${tile('t-funding', 'funding estimate')}
${tile('t-oi', 'open interest')}${tile('t-stake', 'supplied / target stake')}${tile('t-bounds', 'price-monitoring bounds')}${tile('t-mode', 'trading mode')}
</div>
<div class="grid">
${card('Price: one-minute candles with volume, mark, price-monitoring bounds; auctions shaded', '<div id="c-candles-0"></div>', 'wide')}
${card('Mark, index, mid and last trade, every block', '<div id="c-prices-0"></div>', 'wide')}
</div>
<h2>Order book</h2>
<div class="grid narrow">
${card('Ladder', '<div id="ladder-0"></div>')}
${card('Depth', '<div id="c-depth-0"></div>')}
${card('Trades tape (latest first)', '<div class="scroll"><div id="tape-0"></div></div>')}
</div>
<h2>Funding</h2>
<div class="grid">
${card('Funding rate estimate (the current period’s rate if it ended now)', '<div id="c-funding-0"></div><p class="note">Empty until both the mark and the index (oracle) series of the period have a price.</p>')}
${card('Funding rate per period (the last estimate before each period ended)', '<div id="c-funding-history-0"></div>')}
${card('Mark and index TWAPs of the current funding period', '<div id="c-twaps-0"></div>')}
</div>
<h2>Open interest and liquidity</h2>
<div class="grid">
${card('Open interest', '<div id="c-oi-0"></div>')}
${card('Target vs supplied stake', '<div id="c-stake-0"></div>')}
</div>
<h2>Insurance pool and liquidity providers</h2>
<div class="grid">
${card('Insurance pool of the market, at each block end', '<div id="c-insurance-0"></div><div id="insurance-figures"></div>')}
${card(
  'Liquidity providers per epoch: bond, time on book, LP fees, SLA penalties',
  '<div id="lp-epochs" class="scroll"><p class="note">loading…</p></div>',
)}
</div>
<h2>Market-making bot</h2>
<div class="grid">
${card('Bot quotes vs fair and reservation price, resting orders, inventory', '<div id="c-bot-quotes"></div>')}
${card('Bot P&L split (spread, inventory, funding, fees) and total', '<div id="c-bot-pnl"></div>')}
${card('Bot state', '<div id="bot-state"><p class="note">No bot has posted its state yet (<code>perpsim live</code> runs one; <code>perpsim mm</code> posts too).</p></div>')}
</div>
<h2>Your party</h2>
<div class="grid">
${card(
  'Margin levels vs balances',
  `<p><input id="party-key" type="password" placeholder="party key" size="40"> <button id="party-use" type="button">follow</button>
<span class="note">party: <b id="party-name">none</b> (the key stays in this browser)</span></p><div id="c-party"></div>`,
)}
${card('Quotes vs the mid, and inventory (a bot’s key shows the bot)', '<div id="c-quotes"></div>')}
${card('Accounts', '<div id="party-accounts" class="scroll"><p class="note">Enter a party key to follow its accounts.</p></div>')}
</div>
<h2>Every party’s margins (admin)</h2>
<div class="grid">
${card(
  'Margin levels against balances, every party with a position (parties below maintenance in red)',
  `<p><input id="admin-token" type="password" placeholder="admin token" size="40"> <button id="admin-use" type="button">show</button>
<span class="note">the venue’s --admin-token (kept in this browser)</span></p><div id="admin-margins" class="scroll"><p class="note">Enter the admin token to see every party’s margins.</p></div>`,
  'wide',
)}
</div>`;
  return renderPage({
    title: 'perpsim live',
    subtitle: 'the venue, as it trades',
    headerExtra: '<span id="live-status" class="status">connecting…</span><span id="live-block" class="sub"></span>',
    body,
    script: `${assetScript('dashboard.js')}\n${assetScript('live-venue.js')}\n${assetScript('live.js')}`,
  });
}

/** Serves the live dashboard at `/` (rendered once: the page is static, its data comes from the API). */
export function registerDashboard(app: FastifyInstance): void {
  let html: string | undefined;
  app.get('/', async (_req, reply) => {
    html ??= renderLivePage();
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  });
  // browsers ask for an icon; an empty answer keeps their consoles free of 404s
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
}
