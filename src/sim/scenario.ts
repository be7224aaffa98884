// Simulation scenarios (YAML or JSON), validated with zod; every error names the field path and the reason. A
// scenario names its markets (governance proposal JSON files, relative to the scenario file), the underlying's price
// process and the oracle's cadence for each, the assets, block time, duration, seed, and the agents: counts,
// deposits and parameters. Amounts are in quote units (USDT), prices in quote units per contract, times in seconds;
// annual figures (drift, volatility) are per year of 365 days.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import * as z from 'zod';

/** The scenario `perpsim simulate` and `npm start` run when none is given. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../scenarios/default.scenario.yaml', import.meta.url));

const positive = () => z.number().positive();
const nonNegative = () => z.number().nonnegative();
const seconds = () => z.number().positive();
const fraction = () => z.number().min(0).max(1);

const gbm = z.strictObject({
  process: z.literal('gbm'),
  /** starting price, quote units */
  start: positive(),
  /** annual drift */
  drift: z.number().default(0),
  /** annual volatility */
  volatility: nonNegative(),
});

const jumpDiffusion = z.strictObject({
  process: z.literal('jump-diffusion'),
  start: positive(),
  drift: z.number().default(0),
  volatility: nonNegative(),
  jumps: z.strictObject({
    /** expected jumps per day */
    perDay: nonNegative(),
    /** mean and standard deviation of the log jump size */
    meanLog: z.number().default(0),
    sigmaLog: nonNegative(),
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
  openingAuctionSeconds: z.number().int().min(0).default(1800),
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
  count: z.number().int().positive().default(1),
  /** deposit of each party, quote units */
  deposit: positive(),
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
  sigmaHalfLifeSeconds: nonNegative().default(3600),
  /** A prior, trades per second near the mid */
  aPrior: positive().default(0.2),
  /** κ prior, per quote unit */
  kappaPrior: positive().default(50),
  intensityHalfLifeSeconds: nonNegative().default(3600),
  orderRefreshSeconds: nonNegative().default(15),
  filledOrderDelaySeconds: nonNegative().default(5),
  maxOrderAgeSeconds: nonNegative().default(600),
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
  /** nominated liquidity fee factor */
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

const agent = z.discriminatedUnion('type', [marketMaker, liquidityProvider, noise, momentum, informed, arbitrageur]);

const asset = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only'),
  symbol: z.string().min(1),
  decimals: z.number().int().min(0).max(30),
  /** quantum in asset base units (default 10^decimals) */
  quantum: z.string().regex(/^\d+$/, 'an integer amount').optional(),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).default('scenario'),
    description: z.string().optional(),
    seed: z.union([z.string().min(1), z.number().int()]).default(1),
    /** ISO-8601 start time */
    start: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO-8601 date-time')
      .default('2024-01-01T00:00:00Z'),
    blockSeconds: z.number().int().positive().default(1),
    /** duration in days (or durationSeconds) */
    days: positive().optional(),
    durationSeconds: z.number().int().positive().optional(),
    /** seconds between market time-series samples */
    sampleSeconds: z.number().int().positive().default(60),
    /** seconds between samples of every agent's position and P&L */
    agentSampleSeconds: z.number().int().positive().default(300),
    /** network parameters by their protocol names */
    network: z.record(z.string(), z.string()).default({}),
    assets: z.array(asset).default([]),
    markets: z.array(market).min(1),
    agents: z.array(agent).min(1),
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
  if (problems.length) throw new ScenarioError(problems, source);
  return { scenario: s, ...(source ? { source } : {}), baseDir };
}

/** Reads a scenario file (.yaml, .yml or .json). */
export function loadScenarioFile(path: string): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
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
    throw new ScenarioError([`not valid JSON: ${(e as Error).message}`], path);
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

/** Seconds the scenario runs. */
export function durationSeconds(s: Scenario): number {
  return s.durationSeconds ?? Math.round((s.days ?? 0) * 86_400);
}
