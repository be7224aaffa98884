// Starting and stopping a whole venue: the engine with its journal and block timer, the HTTP/WebSocket API and,
// when asked, the Redis publisher. `perpsim serve`, the tests and the benchmark all start it through here.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadScenarioFile, resolvePath, type LoadedScenario } from '../sim/scenario.ts';
import { buildApi } from './api.ts';
import { Decimal } from './engine.ts';
import { registerLuno } from './luno/routes.ts';
import type { AssetInfo } from '../proposal/index.ts';
import { registerDashboard } from '../web/live.ts';
import { KeyStore, SpamLimiter, VEGA_SPAM_DEFAULTS, type SpamLimits } from './auth.ts';
import { makeGenesis, type MarketSource } from './genesis.ts';
import type { FsyncMode } from './journal.ts';
import { DEFAULT_PRICE_MODEL, type OracleConfig, type PriceModel } from './oracle.ts';
import { RedisPublisher } from './redis.ts';
import type { FaucetConfig } from './service.ts';
import { Venue, wallClockNs } from './venue.ts';
import type { WsHub } from './ws.ts';

export const DEFAULT_PROPOSAL = fileURLToPath(new URL('../../scenarios/link-usd-perp.proposal.json', import.meta.url));
/** The default spot pair (XBT/MYR, Luno's pair) and its two assets, which no Vega network defines. */
export const DEFAULT_SPOT_PROPOSAL = fileURLToPath(
  new URL('../../scenarios/xbt-myr-spot.proposal.json', import.meta.url),
);
export const DEFAULT_SPOT_ASSETS: Record<string, AssetInfo> = {
  XBT: { symbol: 'XBT', decimals: 8, quantum: Decimal.parse('100000') },
  MYR: { symbol: 'MYR', decimals: 6, quantum: Decimal.parse('1000000') },
};

export interface VenueConfig {
  readonly host: string;
  /** 0: any free port */
  readonly port: number;
  /** proposal files (ignored with `agents`, whose scenario names its markets) */
  readonly markets: readonly string[];
  /** spot proposal files (newSpotMarket), run beside the markets (with `agents` too) */
  readonly spot?: readonly string[];
  /** assets the proposals name beyond Vega's registry (by id) */
  readonly assets?: Record<string, AssetInfo>;
  readonly openingAuctionSeconds: number;
  readonly blockMs: number;
  readonly journalDir?: string;
  readonly fsync: FsyncMode;
  /** with a journal: a snapshot every this many blocks (0 or absent: none; a restart replays the whole journal) */
  readonly snapshotEvery?: number;
  readonly agents?: string;
  /** 'model' (the scenario's process, or the default jump-diffusion), 'csv:FILE', or 'push' */
  readonly oracle: string;
  readonly oracleEverySeconds?: number;
  readonly oracleKey?: string;
  readonly partiesFile?: string;
  readonly adminToken?: string;
  readonly faucet: FaucetConfig;
  /** undefined: no rate limit */
  readonly spam?: SpamLimits;
  readonly bodyLimit: number;
  readonly bookMs: number;
  readonly redisUrl?: string;
  readonly lobMs: number;
  readonly lobLevels: number;
  readonly streamMaxLen: number;
  readonly seed: string;
  readonly network: Record<string, string>;
  /** tests: a clock of their own, and no block timer (they end blocks themselves) */
  readonly clock?: () => bigint;
  readonly manualBlocks?: boolean;
  /** the Luno streams' `""` keepalive period, ms (default 30 s) */
  readonly lunoKeepaliveMs?: number;
}

export const DEFAULT_CONFIG: VenueConfig = {
  host: '127.0.0.1',
  port: 8080,
  markets: [DEFAULT_PROPOSAL],
  openingAuctionSeconds: 30,
  blockMs: 1000,
  fsync: 'block',
  oracle: 'model',
  faucet: { maxPerRequest: '1000000' },
  spam: VEGA_SPAM_DEFAULTS,
  bodyLimit: 64 * 1024,
  bookMs: 100,
  lobMs: 100,
  lobLevels: 10,
  streamMaxLen: 10_000,
  seed: '1',
  network: {},
};

export interface RunningVenue {
  readonly venue: Venue;
  readonly app: FastifyInstance;
  readonly hub: WsHub;
  readonly keys: KeyStore;
  readonly redis: RedisPublisher | undefined;
  readonly url: string;
  close(): Promise<void>;
}

function oracleConfig(cfg: VenueConfig, scenario: LoadedScenario | undefined): OracleConfig {
  if (cfg.oracle === 'push') return { mode: 'push' };
  let fallback: PriceModel = DEFAULT_PRICE_MODEL;
  if (cfg.oracle.startsWith('csv:')) fallback = { process: 'csv', file: cfg.oracle.slice(4) };
  else if (cfg.oracle !== 'model') throw new Error(`--oracle: "${cfg.oracle}" must be model, csv:FILE or push`);
  const models = new Map<string, PriceModel>();
  let every = cfg.oracleEverySeconds;
  if (scenario && cfg.oracle === 'model') {
    const sc = scenario.scenario;
    sc.markets.forEach((m, i) => {
      const p = m.price;
      const model: PriceModel = p.process === 'csv' ? { process: 'csv', file: resolvePath(scenario, p.file) } : p;
      if (i === 0) fallback = model;
      if (m.id) models.set(m.id, model);
    });
    every ??= sc.markets[0]?.oracle.everySeconds;
  }
  return { mode: 'model', models, fallback, everySeconds: every ?? 60, seed: cfg.seed };
}

/** Opens the venue (replaying its journal), starts the API and, with a Redis URL, the publisher. */
export async function startVenue(cfg: VenueConfig): Promise<RunningVenue> {
  const scenario = cfg.agents ? loadScenarioFile(cfg.agents) : undefined;
  const clock = cfg.clock ?? wallClockNs;
  const network: Record<string, string> = {
    // a live venue's opening auction is short: the minimum auction length follows it
    'market.auction.minimumDuration': `${cfg.openingAuctionSeconds}s`,
    ...(scenario?.scenario.network ?? {}),
    ...cfg.network,
  };
  const sources: MarketSource[] = scenario
    ? scenario.scenario.markets.map((m) => ({
        proposal: resolvePath(scenario, m.proposal),
        openingAuctionSeconds: cfg.openingAuctionSeconds,
        ...(m.id ? { marketId: m.id } : {}),
        ...(m.insurancePool > 0 ? { insurancePool: m.insurancePool } : {}),
      }))
    : cfg.markets.map((p) => ({ proposal: p, openingAuctionSeconds: cfg.openingAuctionSeconds }));
  for (const p of cfg.spot ?? []) sources.push({ proposal: p, openingAuctionSeconds: cfg.openingAuctionSeconds });
  const genesis = makeGenesis(clock(), sources, network, cfg.assets);
  const venue = new Venue({
    genesis,
    blockMs: cfg.blockMs,
    fsync: cfg.fsync,
    ...(cfg.snapshotEvery ? { snapshotEvery: cfg.snapshotEvery } : {}),
    oracle: oracleConfig(cfg, scenario),
    ...(cfg.journalDir ? { journalDir: cfg.journalDir } : {}),
    ...(scenario ? { agents: scenario, agentSeed: cfg.seed } : {}),
    clock,
  });
  const keys = new KeyStore(cfg.journalDir ? join(cfg.journalDir, 'parties.json') : undefined);
  if (cfg.partiesFile) keys.load(cfg.partiesFile);
  const { app, hub, service } = await buildApi(venue, {
    keys,
    faucet: cfg.faucet,
    bodyLimit: cfg.bodyLimit,
    bookMs: cfg.bookMs,
    ...(cfg.adminToken ? { adminToken: cfg.adminToken } : {}),
    ...(cfg.oracleKey ? { oracleKey: cfg.oracleKey } : {}),
    ...(cfg.spam ? { limiter: new SpamLimiter(cfg.spam) } : {}),
  });
  registerDashboard(app);
  registerLuno(app, venue, keys, service, cfg.lunoKeepaliveMs ? { keepaliveMs: cfg.lunoKeepaliveMs } : {});
  let redis: RedisPublisher | undefined;
  if (cfg.redisUrl) {
    redis = new RedisPublisher(venue, {
      url: cfg.redisUrl,
      lobMs: cfg.lobMs,
      levels: cfg.lobLevels,
      streamMaxLen: cfg.streamMaxLen,
    });
    await redis.connect();
    venue.addListener(redis);
  }
  const address = await app.listen({ host: cfg.host, port: cfg.port });
  if (!cfg.manualBlocks) venue.start();
  let closed = false;
  return {
    venue,
    app,
    hub,
    keys,
    redis,
    url: address,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      venue.close();
      await redis?.close();
    },
  };
}
