// `perpsim live`: one command for what the seed's scripts.sh starts — the venue (the LINK/USD perpetual), the default
// scenario's agents as a background market, the market maker bot as a party trading the venue, and the dashboard at
// `/`. The bot's book, trades and user stream come from Redis when `--redis` is given (the seed's design; then
// `redis-cli PSUBSCRIBE 'LOB::*'` shows the stream), else from the venue's WebSocket API. It posts its quotes, fair
// price, inventory and P&L split to the venue (`POST /v1/bots/state`), which the live page shows.
// The XBT/MYR spot pair is served by the Luno-compatible facade under /api and quoted by a second bot, party
// `mm-spot`, through its ccxt adapter: the real ccxt `luno` class pointed at the facade, as `perpsim mm --venue ccxt`
// runs it. Its opening auction is given one trade (party `spot-open` buys 0.01 XBT from `mm-spot` at `--spot-price`),
// the last trade the spot bot then quotes around. SIGINT/SIGTERM: the bots cancel their orders, then the venue stops
// and flushes its journal.
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CcxtVenueAdapter } from '../live/bot/ccxt-adapter.ts';
import { BotConfigError, type BotConfig } from '../live/bot/config.ts';
import { PerpsimVenueAdapter } from '../live/bot/perpsim-adapter.ts';
import { MarketMakerBot } from '../live/bot/runner.ts';
import { BotStatePoster } from '../live/bot/state-poster.ts';
import {
  DEFAULT_CONFIG,
  DEFAULT_SPOT_ASSETS,
  DEFAULT_SPOT_PROPOSAL,
  startVenue,
  type RunningVenue,
} from '../live/server.ts';
import { DEFAULT_SCENARIO } from '../sim/scenario.ts';
import { loadBotConfig } from './mm.ts';

/** The bot's embedded defaults for a rehearsal on the local venue (the file and --set go over them). */
export const LIVE_BOT_DEFAULTS: Readonly<Record<string, unknown>> = {
  gamma: 0.1,
  order_size: 20,
  order_refresh_rate_s: 5,
  filled_order_delay_s: 2,
  max_order_age_s: 60,
  update_balance_interval_s: 2,
  max_position: 400,
  stale_book_s: 30,
  pnl_every_s: 1,
};

/** The spot bot's embedded defaults (XBT/MYR: sizes in XBT, prices in MYR); --spot-set goes over them. */
export const LIVE_SPOT_BOT_DEFAULTS: Readonly<Record<string, unknown>> = {
  gamma: 0.1,
  order_size: 0.01,
  order_refresh_rate_s: 5,
  filled_order_delay_s: 2,
  max_order_age_s: 60,
  update_balance_interval_s: 2,
  max_position: 0.2,
  stale_book_s: 30,
  pnl_every_s: 1,
};

const SPOT_BOT_PARTY = 'mm-spot';
const SPOT_BOT_DEPOSITS: readonly [string, string][] = [
  ['XBT', '2'],
  ['MYR', '1000000'],
];
const SPOT_OPEN_PARTY = 'spot-open';
const SPOT_OPEN_SIZE = '0.01';

const LUNO_PARTY = 'luno';
const LUNO_DEPOSITS: readonly [string, string][] = [
  ['XBT', '10'],
  ['MYR', '1000000'],
];
const BOT_PARTY = 'mm-bot';
const BOT_DEPOSIT = '500000';

interface LiveOptions {
  host: string;
  port: number;
  redis?: string;
  journal?: string;
  agents: string;
  openingAuction: number;
  mmConfig?: string;
  set: string[];
  pnlCsv: string;
  seed: string;
  statusEvery: number;
  spotSet: string[];
  spotPrice: number;
}

function nonNegativeInteger(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a non-negative integer.');
  return Number(v);
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!/^\d*\.?\d+$/.test(v) || !(n > 0)) throw new InvalidArgumentError('must be a positive number.');
  return n;
}

function collect(v: string, acc: string[]): string[] {
  return [...acc, v];
}

const stamp = () => new Date().toISOString();

async function deposit(url: string, key: string, asset: string, amount: string, who: string): Promise<void> {
  const r = await fetch(`${url}/v1/deposit`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ asset, amount }),
  });
  if (!r.ok) throw new Error(`the ${who} party's ${asset} deposit was refused: HTTP ${r.status} ${await r.text()}`);
}

/** A limit order through the Luno facade; a refusal by the spam budget (a young venue has few blocks) is retried. */
async function lunoLimit(url: string, party: string, key: string, form: Record<string, string>): Promise<void> {
  for (let i = 0; ; i++) {
    const r = await fetch(`${url}/api/1/postorder`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${party}:${key}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
    });
    if (r.ok) return;
    if (r.status !== 429 || i >= 40) throw new Error(`${party}: postorder refused: HTTP ${r.status} ${await r.text()}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

/** The spot pair's bot: funded, the opening trade placed, then quoting through ccxt once the auction is over. */
async function startSpotBot(
  venue: RunningVenue,
  cfg: BotConfig,
  o: LiveOptions,
  stopped: () => boolean,
): Promise<MarketMakerBot | undefined> {
  const spot = venue.venue.markets.find((m) => m.product === 'spot');
  if (!spot) return undefined;
  const key = venue.keys.issue(SPOT_BOT_PARTY);
  for (const [asset, amount] of SPOT_BOT_DEPOSITS) await deposit(venue.url, key, asset, amount, SPOT_BOT_PARTY);
  const price = String(o.spotPrice);
  // a new venue's opening auction gets one trade (a journal's replayed venue may have opened already)
  if (spot.market.tradingMode === 'OPENING_AUCTION') {
    const openKey = venue.keys.issue(SPOT_OPEN_PARTY);
    const notional = (BigInt(o.spotPrice) * 2n).toString(); // enough MYR for 0.01 XBT with its fees
    await deposit(venue.url, openKey, 'MYR', notional, SPOT_OPEN_PARTY);
    // the opening auction uncrosses this pair of orders at --spot-price
    await lunoLimit(venue.url, SPOT_BOT_PARTY, key, { pair: spot.pair, type: 'ASK', volume: SPOT_OPEN_SIZE, price });
    await lunoLimit(venue.url, SPOT_OPEN_PARTY, openKey, {
      pair: spot.pair,
      type: 'BID',
      volume: SPOT_OPEN_SIZE,
      price,
    });
  }
  console.log(
    `  spot bot: party ${SPOT_BOT_PARTY}, key ${key} (${SPOT_BOT_DEPOSITS.map(([a, n]) => `${n} ${a}`).join(', ')}); opening trade ${SPOT_OPEN_SIZE} XBT at ${price} MYR`,
  );
  if (!(await continuousTrading(venue.url, spot.id, stopped))) return undefined;
  const adapter = new CcxtVenueAdapter({
    apiKey: SPOT_BOT_PARTY,
    secret: key,
    market: spot.pair,
    baseUrl: venue.url,
    pollMs: 1000,
  });
  const dir = dirname(o.pnlCsv);
  const bot = new MarketMakerBot({
    config: cfg,
    adapter,
    pnlCsv: join(dir, 'pnl-spot.csv'),
    log: (line) => console.log(`${stamp()} spot ${line}`),
  });
  const info = await bot.start();
  console.log(
    `  spot bot quoting ${info.pair} through ccxt's luno class at ${venue.url}/api (order size ${cfg.order_size}, max position ${cfg.max_position}); P&L split → ${join(dir, 'pnl-spot.csv')}`,
  );
  return bot;
}

/** Waits until the market has left its opening auction (the bot quotes a continuous book). */
async function continuousTrading(url: string, market: string, stopped: () => boolean): Promise<boolean> {
  for (;;) {
    if (stopped()) return false;
    const r = await fetch(`${url}/v1/markets/${encodeURIComponent(market)}/data`);
    const d = (await r.json()) as { tradingMode?: string };
    if (d.tradingMode === 'CONTINUOUS') return true;
    await new Promise((res) => setTimeout(res, 500));
  }
}

async function run(o: LiveOptions): Promise<void> {
  // the configuration is checked before anything starts
  const cfg = loadBotConfig(o.mmConfig, o.set, LIVE_BOT_DEFAULTS);
  const spotCfg = loadBotConfig(undefined, o.spotSet, LIVE_SPOT_BOT_DEFAULTS);
  if (!Number.isSafeInteger(o.spotPrice) || o.spotPrice <= 0)
    throw new BotConfigError([`--spot-price ${o.spotPrice}: must be a positive whole number of MYR`]);
  let signalled = false;
  let wake: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => (wake = resolve));
  const onSignal = () => {
    signalled = true;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let venue: RunningVenue | undefined;
  let bot: MarketMakerBot | undefined;
  let spotBot: Promise<MarketMakerBot | undefined> | undefined;
  let closing = false;
  let poster: BotStatePoster | undefined;
  let status: NodeJS.Timeout | undefined;
  try {
    venue = await startVenue({
      ...DEFAULT_CONFIG,
      host: o.host,
      port: o.port,
      agents: o.agents,
      openingAuctionSeconds: o.openingAuction,
      seed: o.seed,
      // the scenario's network parameters are a simulation's (a 30-minute minimum auction); a rehearsal opens sooner
      network: { 'market.auction.minimumDuration': `${o.openingAuction}s` },
      // the XBT/MYR spot pair beside the scenario's perpetual, for the Luno-compatible facade under /api
      spot: [DEFAULT_SPOT_PROPOSAL],
      assets: DEFAULT_SPOT_ASSETS,
      ...(o.journal ? { journalDir: o.journal } : {}),
      ...(o.redis ? { redisUrl: o.redis } : {}),
    });
    const v = venue.venue;
    const market = v.markets[0]!;
    console.log(`perpsim live: venue on ${venue.url}  (dashboard ${venue.url}/ , API ${venue.url}/openapi.json)`);
    console.log(`  markets: ${v.markets.map((m) => `${m.id} (${m.pair})`).join(', ')}`);
    console.log(
      `  Luno-compatible facade: ${venue.url}/api (spot pairs ${v.markets
        .filter((m) => m.product === 'spot')
        .map((m) => m.pair)
        .join(', ')}; quoted by the spot bot through ccxt, streams at /api/1/stream/{pair} and /api/1/userstream)`,
    );
    console.log(`  background market: ${v.agents?.parties.length ?? 0} agents from ${o.agents}`);
    console.log(
      `  journal: ${v.journal ? `${v.journal.file} (replayed ${v.recovered.commands} commands)` : 'none (state is not kept across restarts)'}`,
    );
    console.log(`  redis: ${o.redis ?? "none (the bot reads the venue's WebSocket API)"}`);
    const key = venue.keys.issue(BOT_PARTY);
    const dep = await fetch(`${venue.url}/v1/deposit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: BOT_DEPOSIT }),
    });
    if (!dep.ok) throw new Error(`the bot's faucet deposit was refused: HTTP ${dep.status} ${await dep.text()}`);
    // a party for Luno clients (ccxt's luno class: apiKey = the party, secret = its key), funded on the spot pair
    const lunoKey = venue.keys.issue(LUNO_PARTY);
    for (const [asset, amount] of LUNO_DEPOSITS) {
      const r = await fetch(`${venue.url}/v1/deposit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${lunoKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ asset, amount }),
      });
      if (!r.ok) throw new Error(`the ${LUNO_PARTY} party's ${asset} deposit was refused: HTTP ${r.status}`);
    }
    console.log(
      `  Luno client: key id ${LUNO_PARTY}, secret ${lunoKey} (${LUNO_DEPOSITS.map(([a, n]) => `${n} ${a}`).join(', ')})`,
    );
    mkdirSync(dirname(o.pnlCsv), { recursive: true });
    // the spot bot starts on its own: a failure there is reported and does not stop the venue or the other bot
    spotBot = startSpotBot(venue, spotCfg, o, () => signalled || closing).catch((e: unknown) => {
      console.error(`perpsim live: the spot bot did not start: ${(e as Error).message}`);
      return undefined;
    });
    console.log(
      `  bot: party ${BOT_PARTY}, key ${key}; waiting for the opening auction (${o.openingAuction} s) to end`,
    );
    if (!(await continuousTrading(venue.url, market.id, () => signalled))) return;
    let redisHost: string | undefined;
    let redisPort: number | undefined;
    if (o.redis) {
      const u = new URL(o.redis);
      redisHost = u.hostname || '127.0.0.1';
      redisPort = u.port ? Number(u.port) : 6379;
    }
    const adapter = new PerpsimVenueAdapter({
      api: venue.url,
      key,
      market: market.id,
      ...(redisHost !== undefined && redisPort !== undefined
        ? { feed: 'redis', redisHost, redisPort }
        : { feed: 'ws' }),
    });
    mkdirSync(dirname(o.pnlCsv), { recursive: true });
    bot = new MarketMakerBot({
      config: cfg,
      adapter,
      pnlCsv: o.pnlCsv,
      log: (line) => console.log(`${stamp()} ${line}`),
    });
    const info = await bot.start();
    poster = new BotStatePoster(bot, {
      api: venue.url,
      key,
      everyMs: 1000,
      log: (l) => console.log(`${stamp()} ${l}`),
    });
    poster.start();
    console.log(
      `  bot quoting ${info.pair} (γ ${cfg.gamma}, η ${cfg.eta}, order size ${cfg.order_size}, max position ${cfg.max_position}); P&L split → ${o.pnlCsv}`,
    );
    const b = bot;
    status = setInterval(() => {
      const s = b.status();
      const p = b.pnlSplit();
      console.log(
        `${stamp()} mm: ${s.state}${s.kill ? ` (${s.kill})` : ''} position ${s.position} fills ${s.fills}${p ? ` P&L ${p.total.toFixed(2)} (spread ${p.spread.toFixed(2)}, inventory ${p.inventory.toFixed(2)}, funding ${p.funding.toFixed(2)}, fees ${p.fees.toFixed(2)})` : ''}`,
      );
    }, o.statusEvery * 1000);
    status.unref();
    await stopRequested;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (status) clearInterval(status);
    closing = true;
    const sb = await spotBot;
    if (sb) {
      await sb.stop();
      console.log(
        `perpsim live: spot bot stopped, its orders cancelled; P&L ${JSON.stringify(sb.pnlSplit()?.exact ?? null)}`,
      );
    }
    await poster?.stop(false);
    if (bot) {
      await bot.stop();
      await poster?.post();
      console.log(
        `perpsim live: bot stopped, its orders cancelled; P&L ${JSON.stringify(bot.pnlSplit()?.exact ?? null)}`,
      );
    }
    if (venue) {
      await venue.close();
      console.log(`perpsim live: venue stopped at block ${venue.venue.block}, state hash ${venue.venue.stateHash()}`);
    }
  }
}

export function liveCommand(setStatus: (code: number) => void, track: (p: Promise<void>) => void): Command {
  return new Command('live')
    .description('run the venue, a background market, the market maker bot and the dashboard in one command')
    .option('--host <host>', 'interface to listen on', DEFAULT_CONFIG.host)
    .option('--port <n>', 'TCP port (0: any free port)', nonNegativeInteger, DEFAULT_CONFIG.port)
    .option('--redis <url>', 'publish LOB::, TRADES:: and ORDER_UPDATES to Redis and feed the bot from them')
    .option('--journal <dir>', 'venue journal directory (state kept across restarts)')
    .option('--agents <scenario>', 'scenario whose agents are the background market', DEFAULT_SCENARIO)
    .option('--opening-auction <s>', 'opening auction length, seconds', nonNegativeInteger, 30)
    .option('--mm-config <file>', "the bot's parameters (YAML/JSON, the seed's names and the risk limits)")
    .option('--set <name=value>', 'one bot parameter (repeatable), over the file', collect, [])
    .option('--pnl-csv <file>', "the bot's P&L split CSV", 'out/live/pnl.csv')
    .option('--spot-set <name=value>', 'one spot bot parameter (repeatable), over its defaults', collect, [])
    .option('--spot-price <myr>', "the spot pair's opening trade price (whole MYR)", nonNegativeInteger, 250000)
    .option('--seed <seed>', 'seed of the price process and the agents', DEFAULT_CONFIG.seed)
    .option('--status-every <s>', 'seconds between status lines', positiveNumber, 10)
    .action((o: LiveOptions) => {
      track(
        run(o).catch((e: unknown) => {
          console.error(`perpsim live: ${(e as Error).message}`);
          setStatus(e instanceof BotConfigError ? 2 : 1);
        }),
      );
    });
}
