// Simulation scenarios (YAML or JSON), validated with zod; every error names the field path and the reason. A
// scenario names its markets (governance proposal JSON files, relative to the scenario file: new-market proposals
// for futures and perpetuals, new-spot-market proposals for spot markets, see spot.ts), the underlying's price
// process and the oracle's cadence for each, the assets, block time, duration, seed, and the agents: counts,
// deposits and parameters. Amounts are in quote units (USDT), prices in quote units per contract, times in seconds;
// annual figures (drift, volatility) are per year of 365 days.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import * as z from 'zod';
import { parseDuration, Decimal } from '../core/index.ts';
import { checkProgrammes, programmesSchema } from './programmes.ts';

/** The scenario `perpsim simulate` and `npm start` run when none is given. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../scenarios/default.scenario.yaml', import.meta.url));

// Bounds (perpsim's, named in each message and in README "What the commands refuse"): amounts and prices stay where
// float quote units convert exactly enough to integer asset units and bigint arithmetic stays meaningful; annual
// drift and volatility where a year's path stays within floating point; counts and durations where a run fits in
// memory and in a working day.
/** Largest scenario file read. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** Largest amount in quote units (deposits, commitments, notionals): 10^12. */
export const MAX_AMOUNT = 1e12;
/** Largest starting price in quote units. */
export const MAX_PRICE = 1e9;
/** Smallest starting price in quote units. */
export const MIN_PRICE = 1e-6;
/** Largest |annual drift| and annual volatility (10 = 1000% a year). */
export const MAX_ANNUAL_RATE = 10;
/** Most jumps a day, largest |mean| and standard deviation of the log jump size. */
export const MAX_JUMPS_PER_DAY = 1000;
export const MAX_LOG_JUMP = 5;
/** Most parties of one agent entry, and in all. */
export const MAX_AGENT_COUNT = 10_000;
/** Longest run and longest interval of any agent setting: ten years. */
export const MAX_SECONDS = 3650 * 86_400;
/** Most blocks in a run. */
export const MAX_BLOCKS = 50_000_000;
/** Most time-series samples (market rows, and agent rows = samples × parties) a run records. */
export const MAX_MARKET_SAMPLES = 2_000_000;
export const MAX_AGENT_SAMPLES = 10_000_000;

const show = (x: number) => (Math.abs(x) >= 1e6 ? x.toExponential(0) : String(x));
const bounded = (max: number, what: string) =>
  z.number().max(max, { error: (iss) => `${what}: at most ${show(max)}, got ${String(iss.input)}` });
const positive = () => bounded(MAX_AMOUNT, 'amount').positive();
const nonNegative = () => bounded(MAX_AMOUNT, 'amount').nonnegative();
const seconds = () => bounded(MAX_SECONDS, 'seconds (ten years)').positive();
const nonNegativeSeconds = () => bounded(MAX_SECONDS, 'seconds (ten years)').nonnegative();
const fraction = () => z.number().min(0).max(1);
const startPrice = () =>
  z
    .number()
    .min(MIN_PRICE, { error: (iss) => `starting price: at least ${MIN_PRICE}, got ${String(iss.input)}` })
    .max(MAX_PRICE, { error: (iss) => `starting price: at most ${show(MAX_PRICE)}, got ${String(iss.input)}` });
const annualRate = (what: string) =>
  z
    .number()
    .min(-MAX_ANNUAL_RATE, { error: (iss) => `${what}: at least -${MAX_ANNUAL_RATE} a year, got ${String(iss.input)}` })
    .max(MAX_ANNUAL_RATE, {
      error: (iss) => `${what}: at most ${MAX_ANNUAL_RATE} a year (1000%), got ${String(iss.input)}`,
    });

const gbm = z.strictObject({
  process: z.literal('gbm'),
  /** starting price, quote units */
  start: startPrice(),
  /** annual drift */
  drift: annualRate('drift').default(0),
  /** annual volatility */
  volatility: annualRate('volatility').nonnegative(),
});

const jumpDiffusion = z.strictObject({
  process: z.literal('jump-diffusion'),
  start: startPrice(),
  drift: annualRate('drift').default(0),
  volatility: annualRate('volatility').nonnegative(),
  jumps: z.strictObject({
    /** expected jumps per day */
    perDay: bounded(MAX_JUMPS_PER_DAY, 'jumps per day').nonnegative(),
    /** mean and standard deviation of the log jump size */
    meanLog: bounded(MAX_LOG_JUMP, 'log jump size').min(-MAX_LOG_JUMP).default(0),
    sigmaLog: bounded(MAX_LOG_JUMP, 'log jump size').nonnegative(),
  }),
});

const historical = z.strictObject({
  process: z.literal('csv'),
  /** `time,price` rows; the path is relative to the scenario file */
  file: z.string().min(1),
});

const priceProcess = z.discriminatedUnion('process', [gbm, jumpDiffusion, historical]);

const market = z.strictObject({
  /** governance proposal JSON (relative to the scenario file) */
  proposal: z.string().min(1),
  /** market id in the engine (default: the instrument code) */
  id: z.string().min(1).optional(),
  /** opening auction length when the proposal has no timestamps, seconds */
  openingAuctionSeconds: z.number().int().min(0).max(MAX_SECONDS).default(1800),
  price: priceProcess,
  oracle: z
    .strictObject({
      /** seconds between settlement-data oracle publications */
      everySeconds: z.number().int().positive().default(300),
    })
    .default({ everySeconds: 300 }),
  /** money put into the market's insurance pool at the start, quote units */
  insurancePool: nonNegative().default(0),
});

const agentCommon = {
  /** party name prefix; parties are `name` (count 1) or `name-1` … `name-N` */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
    .optional(),
  count: z
    .number()
    .int()
    .positive()
    .max(MAX_AGENT_COUNT, { error: (iss) => `at most ${MAX_AGENT_COUNT} parties, got ${String(iss.input)}` })
    .default(1),
  /** deposit of each party, quote units */
  deposit: positive(),
  /** spot markets only: the base asset each party starts with, base units (default 0) */
  baseDeposit: nonNegative().optional(),
  /** market id (default: the first market) */
  market: z.string().optional(),
};

const marketMaker = z.strictObject({
  type: z.literal('avellaneda-stoikov'),
  ...agentCommon,
  /** γ, per (quote unit × contract) */
  gamma: positive(),
  /** η, per contract (order-size shape) */
  eta: nonNegative().default(0.005),
  /** φ: largest order size, contracts */
  orderSize: positive(),
  model: z.enum(['glft', 'finite']).default('glft'),
  /** finite model: horizon cycle, seconds */
  horizonSeconds: seconds().default(28_800),
  fairPrice: z.enum(['mid', 'microprice', 'vamp']).default('mid'),
  vampLevels: z.number().int().positive().default(5),
  /** smallest total spread, quote units */
  minSpread: nonNegative().default(0),
  /** σ prior as an annual relative volatility (converted at the starting price) */
  sigmaPriorAnnual: positive().default(0.8),
  sigmaHalfLifeSeconds: nonNegativeSeconds().default(3600),
  /** A prior, trades per second near the mid */
  aPrior: positive().default(0.2),
  /** κ prior, per quote unit */
  kappaPrior: positive().default(50),
  intensityHalfLifeSeconds: nonNegativeSeconds().default(3600),
  orderRefreshSeconds: nonNegativeSeconds().default(15),
  filledOrderDelaySeconds: nonNegativeSeconds().default(5),
  maxOrderAgeSeconds: nonNegativeSeconds().default(600),
  refreshToleranceTicks: z.number().int().min(0).default(1),
  /** lean on the funding carry over the model's own horizon (finite: T − t; GLFT: ω/(γσ²)) */
  fundingCarry: z.boolean().default(true),
  /** share of equity the position limit may use as initial margin */
  marginUtilisation: fraction().default(0.5),
  /** seconds between looks at the market */
  wakeSeconds: seconds().default(2),
});

const liquidityProvider = z.strictObject({
  type: z.literal('liquidity-provider'),
  ...agentCommon,
  /** bond, quote units */
  commitment: positive(),
  /** nominated liquidity fee factor: [0, market.liquidity.maximumLiquidityFeeFactorLevel] (checked in parseScenario) */
  fee: z.string().regex(/^\d*\.?\d+$/, 'a decimal such as "0.001"'),
  /** orders per side */
  levels: z.number().int().positive().default(4),
  /** closest and furthest level, as fractions of the mid (inside the SLA price range) */
  nearest: positive().default(0.002),
  furthest: positive().default(0.02),
  /** notional quoted per side as a multiple of the commitment (the SLA needs at least 1 × stakeToCcyVolume) */
  coverage: positive().default(1.6),
  refreshSeconds: seconds().default(20),
  /** re-centre the ladder when the mid moved this fraction */
  recenter: positive().default(0.004),
  /** position beyond which the LP hedges back toward flat, as notional / commitment */
  maxPositionRatio: positive().default(2),
});

const noise = z.strictObject({
  type: z.literal('noise'),
  ...agentCommon,
  /** mean seconds between one trader's orders */
  meanIntervalSeconds: seconds().default(600),
  marketOrderProbability: fraction().default(0.5),
  /** order notional: log-normal with this median (quote units) and log standard deviation */
  notionalMedian: positive().default(300),
  notionalSigma: nonNegative().default(1),
  /** limit orders: offset from the mid up to this many ticks (either side of the touch) */
  limitOffsetTicks: z.number().int().min(0).default(10),
  limitLifetimeSeconds: seconds().default(900),
  /** largest position notional as a multiple of equity */
  maxLeverage: positive().default(3),
});

const momentum = z.strictObject({
  type: z.literal('momentum'),
  ...agentCommon,
  wakeSeconds: seconds().default(60),
  /** EMA time constants of the mark price, seconds */
  fastSeconds: seconds().default(300),
  slowSeconds: seconds().default(3600),
  /** relative gap between the EMAs that makes a trend */
  threshold: nonNegative().default(0.002),
  /** target position notional in a trend, quote units */
  positionNotional: positive(),
  /** most notional per order, quote units */
  orderNotional: positive().default(2000),
});

const informed = z.strictObject({
  type: z.literal('informed'),
  ...agentCommon,
  /** mean seconds between looks */
  meanIntervalSeconds: seconds().default(20),
  /** trades when the book is this fraction away from the true price */
  edge: nonNegative().default(0.002),
  maxPositionNotional: positive(),
  orderNotional: positive().default(3000),
});

const arbitrageur = z.strictObject({
  type: z.literal('arbitrageur'),
  ...agentCommon,
  wakeSeconds: seconds().default(10),
  /** trades when the mid is this fraction away from the oracle */
  threshold: nonNegative().default(0.0015),
  maxPositionNotional: positive(),
  orderNotional: positive().default(3000),
});

/** An AMM liquidity provider (spec 0090-VAMM): a concentrated-liquidity pool around the mid, re-based when it drifts. */
const ammProvider = z.strictObject({
  type: z.literal('amm-provider'),
  ...agentCommon,
  /** commitment moved into the pool's sub-account, quote units */
  commitment: positive(),
  /** the pool's range on each side of its base, as a fraction of the base price */
  width: positive().max(0.9).default(0.1),
  /** leverage at both bounds (the market's worst case when omitted) */
  leverage: positive().optional(),
  /** proposed liquidity fee factor */
  fee: z
    .string()
    .regex(/^\d*\.?\d+$/, 'a decimal such as "0.001"')
    .default('0.001'),
  /** slippage tolerance of the rebasing trade when the pool is created or re-based */
  slippage: positive().max(1).default(0.05),
  /** re-base the pool at the mid when the mid is this fraction of the width away from the base (0: never) */
  rebaseAt: fraction().default(0.5),
  refreshSeconds: seconds().default(300),
});

const agent = z.discriminatedUnion('type', [
  marketMaker,
  liquidityProvider,
  noise,
  momentum,
  informed,
  arbitrageur,
  ammProvider,
]);

const asset = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only'),
  symbol: z.string().min(1),
  decimals: z.number().int().min(0).max(30),
  /** quantum in asset base units (default 10^decimals) */
  quantum: z.string().regex(/^\d+$/, 'an integer amount').optional(),
});

export const scenarioSchema = z
  .strictObject({
    /** names the output folder out/<name> */
    name: z
      .string()
      .min(1)
      .max(200)
      .refine((n) => !/^\.*$/.test(n.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '')), {
        error: 'must contain a letter or digit: it names the output folder out/<name> (".", ".." would leave out/)',
      })
      .default('scenario'),
    description: z.string().optional(),
    seed: z.union([z.string().min(1), z.number().int()]).default(1),
    /** ISO-8601 start time */
    start: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO-8601 date-time')
      .default('2024-01-01T00:00:00Z'),
    blockSeconds: z.number().int().positive().max(86_400).default(1),
    /** duration in days (or durationSeconds) */
    days: bounded(MAX_SECONDS / 86_400, 'days (ten years)')
      .positive()
      .optional(),
    durationSeconds: z.number().int().positive().max(MAX_SECONDS).optional(),
    /** seconds between market time-series samples */
    sampleSeconds: z.number().int().positive().max(MAX_SECONDS).default(60),
    /** seconds between samples of every agent's position and P&L */
    agentSampleSeconds: z.number().int().positive().max(MAX_SECONDS).default(300),
    /** network parameters by their protocol names */
    network: z.record(z.string(), z.string()).default({}),
    assets: z.array(asset).default([]),
    markets: z.array(market).min(1),
    agents: z.array(agent).min(1),
    /** referral, volume discount and rebate programmes, reward transfers (src/sim/programmes.ts) */
    programmes: programmesSchema.optional(),
  })
  .refine((s) => s.days !== undefined || s.durationSeconds !== undefined, {
    message: 'give the duration as days or durationSeconds',
    path: ['days'],
  })
  .refine((s) => s.days === undefined || s.durationSeconds === undefined, {
    message: 'give either days or durationSeconds, not both',
    path: ['durationSeconds'],
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type AgentSpec = z.infer<typeof agent>;
export type MarketSpec = z.infer<typeof market>;
export type PriceSpec = z.infer<typeof priceProcess>;
export type MarketMakerSpec = z.infer<typeof marketMaker>;
export type LiquidityProviderSpec = z.infer<typeof liquidityProvider>;
export type AmmProviderSpec = z.infer<typeof ammProvider>;
export type NoiseSpec = z.infer<typeof noise>;
export type MomentumSpec = z.infer<typeof momentum>;
export type InformedSpec = z.infer<typeof informed>;
export type ArbitrageurSpec = z.infer<typeof arbitrageur>;

/** A scenario ready to run: validated, defaults filled, file paths absolute. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  /** the file it came from (undefined: built in code) */
  readonly source?: string;
  /** directory relative paths are resolved against */
  readonly baseDir: string;
}

/** Raised for a scenario that cannot be used; the message lists every problem with its field path. */
export class ScenarioError extends Error {
  constructor(
    readonly problems: readonly string[],
    source?: string,
  ) {
    super(`${source ? `${source}: ` : ''}invalid scenario\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out === '' ? '(document)' : out;
}

/** Validates a parsed document (YAML or JSON object). */
export function parseScenario(doc: unknown, source?: string, baseDir = process.cwd()): LoadedScenario {
  const r = scenarioSchema.safeParse(doc);
  if (!r.success) {
    const problems = r.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys')
        return `${formatPath(i.path)}: unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      return `${formatPath(i.path)}: ${i.message}`;
    });
    throw new ScenarioError(problems, source);
  }
  const s = r.data;
  const names = new Set<string>();
  const problems: string[] = [];
  s.agents.forEach((a, i) => {
    const base = a.name ?? a.type;
    for (const p of partyNames(base, a.count)) {
      if (names.has(p)) problems.push(`agents[${i}].name: party "${p}" is used by two agents`);
      names.add(p);
    }
  });
  if (names.size > MAX_AGENT_COUNT) problems.push(`agents: ${names.size} parties in all; at most ${MAX_AGENT_COUNT}`);
  problems.push(...crossChecks(s), ...checkRun(s, durationSeconds(s)));
  if (s.programmes) problems.push(...checkProgrammes(s.programmes, agentParties(s)));
  if (problems.length) throw new ScenarioError(problems, source);
  return { scenario: s, ...(source ? { source } : {}), baseDir };
}

/** A network parameter of the scenario as a duration in seconds, or the protocol's default. */
function networkSeconds(s: Scenario, name: string, dflt: number, problems: string[]): number {
  const v = s.network[name];
  if (v === undefined) return dflt;
  try {
    return Number(parseDuration(v, `network.${name}`) / 1_000_000_000n);
  } catch (e) {
    problems.push(`network.${name}: ${(e as Error).message.replace(/^network\.[^:]+: /, '')}`);
    return dflt;
  }
}

/**
 * The network parameters a proposal is validated against in this scenario (for loadProposalFile's `network`
 * option): market.auction.minimumDuration and maximumDuration when the scenario sets them.
 */
export function proposalNetwork(s: Scenario): { auctionMinimumDuration?: number; auctionMaximumDuration?: number } {
  const ignored: string[] = [];
  return {
    ...(s.network['market.auction.minimumDuration'] !== undefined
      ? { auctionMinimumDuration: networkSeconds(s, 'market.auction.minimumDuration', 1800, ignored) }
      : {}),
    ...(s.network['market.auction.maximumDuration'] !== undefined
      ? { auctionMaximumDuration: networkSeconds(s, 'market.auction.maximumDuration', 168 * 3600, ignored) }
      : {}),
  };
}

/** Rules that relate several fields: liquidity commitments, fees and the opening auction against the network. */
function crossChecks(s: Scenario): string[] {
  const problems: string[] = [];
  let maxFee = Decimal.ONE;
  const level = s.network['market.liquidity.maximumLiquidityFeeFactorLevel'];
  if (level !== undefined) {
    try {
      maxFee = Decimal.parse(level, 'market.liquidity.maximumLiquidityFeeFactorLevel');
    } catch (e) {
      problems.push(`network.market.liquidity.maximumLiquidityFeeFactorLevel: ${(e as Error).message}`);
    }
  }
  s.agents.forEach((a, i) => {
    if (a.type === 'amm-provider' && a.commitment > a.deposit)
      problems.push(
        `agents[${i}].commitment: ${a.commitment} is more than the deposit (${a.deposit}): the pool is funded from the deposit`,
      );
    if (a.type !== 'liquidity-provider') return;
    // Vega's liquidity provision rules (spec 0044-LIME, 0042-LIQF): the nominated fee is in
    // [0, market.liquidity.maximumLiquidityFeeFactorLevel]; the bond comes out of the general account
    if (Decimal.parse(a.fee).gt(maxFee))
      problems.push(
        `agents[${i}].fee: ${a.fee} is above market.liquidity.maximumLiquidityFeeFactorLevel (${maxFee.toString()}); Vega rejects the commitment`,
      );
    if (a.commitment > a.deposit)
      problems.push(
        `agents[${i}].commitment: ${a.commitment} is more than the deposit (${a.deposit}): the bond is paid from the deposit`,
      );
  });
  const minAuction = networkSeconds(s, 'market.auction.minimumDuration', 1800, problems);
  s.markets.forEach((m, i) => {
    if (m.openingAuctionSeconds < minAuction)
      problems.push(
        `markets[${i}].openingAuctionSeconds: ${m.openingAuctionSeconds} is shorter than market.auction.minimumDuration (${minAuction} s); Vega rejects such a market (lower the network parameter to run a shorter auction)`,
      );
  });
  return problems;
}

/**
 * Bounds of a run of `seconds`: blocks, samples, and an opening auction that ends before the run does. Used for the
 * scenario's own duration and again for a --days override.
 */
export function checkRun(s: Scenario, seconds: number): string[] {
  const problems: string[] = [];
  const where = s.durationSeconds !== undefined ? 'durationSeconds' : 'days';
  if (!(seconds >= s.blockSeconds))
    problems.push(`${where}: the run (${seconds} s) is shorter than one block (blockSeconds ${s.blockSeconds})`);
  if (seconds > MAX_SECONDS) problems.push(`${where}: at most ten years (${MAX_SECONDS} s), got ${seconds} s`);
  const blocks = seconds / s.blockSeconds;
  if (blocks > MAX_BLOCKS)
    problems.push(
      `blockSeconds: ${Math.round(blocks).toLocaleString('en-US')} blocks (${seconds} s / ${s.blockSeconds} s); at most ${MAX_BLOCKS.toLocaleString('en-US')}`,
    );
  const samples = (seconds / s.sampleSeconds) * s.markets.length;
  if (samples > MAX_MARKET_SAMPLES)
    problems.push(
      `sampleSeconds: ${Math.round(samples).toLocaleString('en-US')} market samples; at most ${MAX_MARKET_SAMPLES.toLocaleString('en-US')} (sample less often)`,
    );
  const parties = s.agents.reduce((n, a) => n + a.count, 0);
  const agentSamples = (seconds / s.agentSampleSeconds) * parties;
  if (agentSamples > MAX_AGENT_SAMPLES)
    problems.push(
      `agentSampleSeconds: ${Math.round(agentSamples).toLocaleString('en-US')} agent samples (${parties} parties); at most ${MAX_AGENT_SAMPLES.toLocaleString('en-US')} (sample less often)`,
    );
  s.markets.forEach((m, i) => {
    if (m.openingAuctionSeconds >= seconds)
      problems.push(
        `markets[${i}].openingAuctionSeconds: ${m.openingAuctionSeconds} s is not shorter than the run (${seconds} s): the market would never trade`,
      );
  });
  return problems;
}

/** Reads a scenario file (.yaml, .yml or .json). */
export function loadScenarioFile(path: string): LoadedScenario {
  let text: string;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new ScenarioError(['cannot read the scenario file (it is a directory)'], path);
    if (!st.isFile()) throw new ScenarioError(['cannot read the scenario file (not a regular file)'], path);
    if (st.size > MAX_SCENARIO_BYTES)
      throw new ScenarioError([`the scenario file is ${st.size} bytes; at most ${MAX_SCENARIO_BYTES} (1 MiB)`], path);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError([`cannot read the scenario file${code ? ` (${code})` : ''}`], path);
  }
  let doc: unknown;
  try {
    doc = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const where = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
      throw new ScenarioError([`not valid YAML${where}: ${e.message.split('\n')[0]}`], path);
    }
    throw new ScenarioError([`not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(e as Error).message}`], path);
  }
  return parseScenario(doc, path, dirname(resolve(path)));
}

/** A path in a scenario, resolved against the scenario's directory. */
export function resolvePath(loaded: LoadedScenario, p: string): string {
  return isAbsolute(p) ? p : resolve(loaded.baseDir, p);
}

/** Party names of an agent entry: the name itself for one party, name-1 … name-N for several. */
export function partyNames(base: string, count: number): string[] {
  if (count === 1) return [base];
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => `${base}-${String(i + 1).padStart(width, '0')}`);
}

/** Each agent entry's name (its `name` or type) → its parties. */
export function agentParties(s: Scenario): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const a of s.agents) {
    const base = a.name ?? a.type;
    m.set(base, [...(m.get(base) ?? []), ...partyNames(base, a.count)]);
  }
  return m;
}

/** Seconds the scenario runs. */
export function durationSeconds(s: Scenario): number {
  return s.durationSeconds ?? Math.round((s.days ?? 0) * 86_400);
}
