// The live dashboard, served by the venue at `/`: the shared page shell with the live page's layout; its browser side
// (src/web/assets/live.js) reads the venue's HTTP API and follows its WebSocket, reconnecting by itself. Price
// (candles with volume from the trades, mark, index, last trade, price-monitoring bounds, auctions shaded), order book
// (ladder, depth, trades tape), funding (estimate, each ended period's last estimate, mark and index TWAPs), open
// interest, target vs supplied stake, and — with a party key — that party's margin levels against its balances, its
// own best quotes against the mid and its position (the bot's key shows the bot), and its accounts. A market-making
// bot's own view — quotes against its fair and reservation price, inventory, P&L split — from what it posts to the
// venue (`GET /v1/bots`).
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
</div>`;
  return renderPage({
    title: 'perpsim live',
    subtitle: 'the venue, as it trades',
    headerExtra: '<span id="live-status" class="status">connecting…</span><span id="live-block" class="sub"></span>',
    body,
    script: `${assetScript('dashboard.js')}\n${assetScript('live.js')}`,
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
