// `perpsim live`: one command for what the seed's scripts.sh starts — the venue (the LINK/USD perpetual), the default
// scenario's agents as a background market, the market maker bot as a party trading the venue, and the dashboard at
// `/`. The bot's book, trades and user stream come from Redis when `--redis` is given (the seed's design; then
// `redis-cli PSUBSCRIBE 'LOB::*'` shows the stream), else from the venue's WebSocket API. It posts its quotes, fair
// price, inventory and P&L split to the venue (`POST /v1/bots/state`), which the live page shows. SIGINT/SIGTERM: the
// bot cancels its orders, then the venue stops and flushes its journal.
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BotConfigError } from '../live/bot/config.ts';
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
        .join(', ')}; no background market quotes them)`,
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
