// `perpsim mm`: the live market maker — the simulator's Avellaneda–Stoikov maker with the seed's parameters — on the
// perpsim venue (`perpsim serve --redis …`): the book and trades from Redis (`REDIS_HOST`, `REDIS_PORT` from .env, as
// the seed names them, or flags), orders through the venue's API with the party's key (`PERPSIM_KEY`), fills and
// balances from `ORDER_UPDATES`. Parameters from a YAML/JSON file (`--config`) and `--set name=value`, with the seed's
// names (order_size, gamma, eta, min_spread, order_refresh_rate_s, filled_order_delay_s, max_order_age_s,
// update_balance_interval_s) and the risk limits; the P&L split is written as CSV. Runs until SIGINT/SIGTERM or
// `--duration`, then cancels its orders.
// `--venue ccxt`: the same bot on a spot exchange through the real ccxt package (`--exchange`, Luno by default, the
// seed's venue), with the seed's credentials (LUNO_KEY_ID, LUNO_KEY_SECRET from .env) and `--base-url` to point ccxt
// at another host with the exchange's API — the perpsim venue's Luno-compatible facade.
import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseEnv } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { VenueAdapter } from '../live/bot/adapter.ts';
import { CcxtVenueAdapter } from '../live/bot/ccxt-adapter.ts';
import { BotConfigError, parseBotConfig, type BotConfig } from '../live/bot/config.ts';
import { PerpsimVenueAdapter } from '../live/bot/perpsim-adapter.ts';
import { MarketMakerBot } from '../live/bot/runner.ts';
import { BotStatePoster } from '../live/bot/state-poster.ts';

interface MmOptions {
  venue: string;
  exchange: string;
  baseUrl?: string;
  pollMs: number;
  feed: 'redis' | 'ws';
  api?: string;
  key?: string;
  market?: string;
  redisHost?: string;
  redisPort?: string;
  env: string;
  config?: string;
  set: string[];
  pnlCsv: string;
  deposit?: string;
  duration?: number;
  statusEvery: number;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!/^\d*\.?\d+$/.test(v) || !(n > 0)) throw new InvalidArgumentError('must be a positive number.');
  return n;
}

function collect(v: string, acc: string[]): string[] {
  return [...acc, v];
}

/** `--set name=value`: numbers and booleans as such, anything else a string. */
function setting(s: string): [string, unknown] {
  const i = s.indexOf('=');
  if (i <= 0) throw new BotConfigError([`--set ${s}: expected name=value`]);
  const k = s.slice(0, i).trim();
  const v = s.slice(i + 1).trim();
  if (v === 'true' || v === 'false') return [k, v === 'true'];
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v)) return [k, Number(v)];
  return [k, v];
}

/** The bot's configuration: the defaults, over them the file's, then the --set overrides; errors name the file or the parameter. */
export function loadBotConfig(
  file: string | undefined,
  sets: readonly string[],
  defaults: Readonly<Record<string, unknown>> = {},
): BotConfig {
  let base: Record<string, unknown> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new BotConfigError([`--config ${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? e}`]);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (e) {
      throw new BotConfigError([`--config ${file}: not YAML/JSON: ${(e as Error).message.split('\n')[0]}`]);
    }
    if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed)))
      throw new BotConfigError([`--config ${file}: expected a mapping of parameter names to values`]);
    base = (parsed as Record<string, unknown>) ?? {};
  }
  base = { ...defaults, ...base };
  for (const s of sets) {
    const [k, v] = setting(s);
    base[k] = v;
  }
  return parseBotConfig(base);
}

/** `.env` (the seed's REDIS_HOST, REDIS_PORT; PERPSIM_API, PERPSIM_KEY, PERPSIM_MARKET), under the environment. */
function readEnv(file: string): Record<string, string | undefined> {
  let fromFile: Record<string, string> = {};
  if (existsSync(file)) {
    try {
      fromFile = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch (e) {
      throw new BotConfigError([`--env ${file}: ${(e as Error).message}`]);
    }
  }
  return { ...fromFile, ...process.env };
}

/** `--venue ccxt`: the bot on an exchange through ccxt; credentials from the environment or .env (the seed's names). */
async function runCcxt(o: MmOptions, cfg: BotConfig, env: Record<string, string | undefined>): Promise<void> {
  const prefix = o.exchange.toUpperCase();
  const apiKey = o.key ?? env[`${prefix}_KEY_ID`];
  const secret = env[`${prefix}_KEY_SECRET`];
  if (!apiKey || !secret)
    throw new BotConfigError([
      `${prefix}_KEY_ID and ${prefix}_KEY_SECRET: required in the environment or ${o.env} (the ${o.exchange} API key id and secret)`,
    ]);
  const market = o.market ?? env['PERPSIM_MARKET'];
  if (!market) throw new BotConfigError(['--market: required with --venue ccxt (a symbol such as BTC/MYR, or XBTMYR)']);
  let adapter: CcxtVenueAdapter;
  try {
    adapter = new CcxtVenueAdapter({
      exchange: o.exchange,
      apiKey,
      secret,
      market,
      pollMs: o.pollMs,
      ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}),
    });
  } catch (e) {
    throw new BotConfigError([`--exchange ${o.exchange}: ${(e as Error).message}`]);
  }
  await runBot(o, cfg, adapter, `${o.exchange}${o.baseUrl ? ` at ${o.baseUrl}` : ''} through ccxt`);
}

async function run(o: MmOptions): Promise<void> {
  if (o.venue !== 'perpsim' && o.venue !== 'ccxt')
    throw new BotConfigError([`--venue ${o.venue}: must be perpsim or ccxt`]);
  if (o.baseUrl !== undefined && !/^https?:\/\/[^/]+/.test(o.baseUrl))
    throw new BotConfigError([`--base-url ${o.baseUrl}: must be an http(s) URL`]);
  const cfg = loadBotConfig(o.config, o.set);
  const env = readEnv(o.env);
  if (o.venue === 'ccxt') return runCcxt(o, cfg, env);
  const api = (o.api ?? env['PERPSIM_API'] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = o.key ?? env['PERPSIM_KEY'];
  if (!key) throw new BotConfigError(['--key: required (or PERPSIM_KEY in the environment or .env): the party key']);
  const redisHost = o.redisHost ?? env['REDIS_HOST'] ?? '127.0.0.1';
  const portText = o.redisPort ?? env['REDIS_PORT'] ?? '6379';
  const redisPort = Number(portText);
  if (!Number.isInteger(redisPort) || redisPort < 1 || redisPort > 65_535)
    throw new BotConfigError([`REDIS_PORT / --redis-port: "${portText}" is not a TCP port`]);
  let market = o.market ?? env['PERPSIM_MARKET'];
  if (market === undefined) {
    const r = await fetch(`${api}/v1/markets`).catch((e: unknown) => {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`venue ${api} unreachable: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    });
    const list = (await r.json()) as { pair: string }[];
    market = list[0]?.pair;
    if (!market) throw new Error(`venue ${api} has no markets`);
  }
  if (o.deposit !== undefined) {
    const r = await fetch(`${api}/v1/deposit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: o.deposit }),
    });
    const body = (await r.json()) as { ok?: boolean; error?: unknown };
    if (!r.ok || body.ok === false) throw new Error(`--deposit ${o.deposit}: refused: ${JSON.stringify(body)}`);
  }
  const adapter = new PerpsimVenueAdapter({ api, key, market, feed: o.feed, redisHost, redisPort });
  await runBot(o, cfg, adapter, `${api} (${o.feed === 'ws' ? 'WebSocket feed' : `redis ${redisHost}:${redisPort}`})`, {
    api,
    key,
  });
}

/** Runs the bot until a signal or --duration; with the perpsim venue, its state goes to the venue's live page. */
async function runBot(
  o: MmOptions,
  cfg: BotConfig,
  adapter: VenueAdapter,
  where: string,
  poster?: { api: string; key: string },
): Promise<void> {
  mkdirSync(dirname(o.pnlCsv), { recursive: true });
  const bot = new MarketMakerBot({
    config: cfg,
    adapter,
    pnlCsv: o.pnlCsv,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  const info = await bot.start();
  // the bot's quotes, inventory and P&L split, for the venue's live page
  const board = poster
    ? new BotStatePoster(bot, {
        ...poster,
        everyMs: 1000,
        log: (line) => console.log(`${new Date().toISOString()} ${line}`),
      })
    : undefined;
  board?.start();
  console.log(
    `perpsim mm: quoting ${info.pair} on ${where}; γ ${cfg.gamma}, η ${cfg.eta}, order size ${cfg.order_size}; P&L → ${o.pnlCsv}`,
  );
  const status = setInterval(() => {
    const s = bot.status();
    const p = bot.pnlSplit();
    const money = p
      ? ` P&L ${p.total.toFixed(4)} (spread ${p.spread.toFixed(4)}, inventory ${p.inventory.toFixed(4)}, funding ${p.funding.toFixed(4)}, fees ${p.fees.toFixed(4)})`
      : '';
    console.log(
      `${new Date().toISOString()} mm: ${s.state}${s.kill ? ` (${s.kill})` : ''} position ${s.position} fills ${s.fills} placed ${s.placed}${money}`,
    );
  }, o.statusEvery * 1000);
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
    if (o.duration !== undefined) setTimeout(done, o.duration * 1000).unref();
  });
  clearInterval(status);
  await board?.stop(false);
  await bot.stop();
  await board?.post();
  const p = bot.pnlSplit();
  console.log(`perpsim mm: stopped; ${JSON.stringify({ status: bot.status(), pnl: p?.exact })}`);
}

export function mmCommand(setStatus: (code: number) => void, track: (p: Promise<void>) => void): Command {
  return new Command('mm')
    .description("run the Avellaneda–Stoikov market maker live on a venue (the seed's bot, with its user stream)")
    .option('--venue <name>', 'venue adapter: perpsim, or ccxt (a spot exchange through ccxt)', 'perpsim')
    .option(
      '--exchange <id>',
      'with --venue ccxt: the ccxt exchange id (credentials <ID>_KEY_ID, <ID>_KEY_SECRET)',
      'luno',
    )
    .option(
      '--base-url <url>',
      "with --venue ccxt: the exchange API's origin replaced by this (e.g. the perpsim venue's Luno facade)",
    )
    .option(
      '--poll-ms <ms>',
      'with --venue ccxt: ms between polls of the book, trades, orders and fills',
      positiveNumber,
      1000,
    )
    .addOption(
      new Option('--feed <feed>', "book, trades and user stream from Redis or the venue's WebSocket API")
        .choices(['redis', 'ws'])
        .default('redis'),
    )
    .option('--api <url>', 'venue HTTP API (default: PERPSIM_API, else http://127.0.0.1:8080)')
    .option('--key <key>', "the party's API key (default: PERPSIM_KEY; --venue ccxt: the API key id)")
    .option(
      '--market <pair>',
      "market id or pair code (default: PERPSIM_MARKET, else the venue's first market; --venue ccxt: BTC/MYR or XBTMYR)",
    )
    .option('--redis-host <host>', 'Redis host (default: REDIS_HOST, else 127.0.0.1)')
    .option('--redis-port <port>', 'Redis port (default: REDIS_PORT, else 6379)')
    .option('--env <file>', 'dotenv file with REDIS_HOST, REDIS_PORT, PERPSIM_API, PERPSIM_KEY', '.env')
    .option('--config <file>', "bot parameters (YAML/JSON) with the seed's names and the risk limits")
    .option('--set <name=value>', 'one parameter (repeatable), over the file', collect, [])
    .option('--pnl-csv <file>', 'P&L split CSV', 'out/mm/pnl.csv')
    .option('--deposit <amount>', "faucet deposit into the party's account before starting (test venues)")
    .option('--duration <s>', 'stop after this many seconds', positiveNumber)
    .option('--status-every <s>', 'seconds between status lines', positiveNumber, 10)
    .action((o: MmOptions) => {
      track(
        run(o).catch((e: unknown) => {
          console.error(`perpsim mm: ${(e as Error).message}`);
          setStatus(e instanceof BotConfigError ? 2 : 1);
        }),
      );
    });
}
