// The dashboard's data, loaded from what a finished simulation or sweep wrote (src/sim/output.ts, src/sim/sweep.ts):
// a run directory's summary.json and its CSV tables (series, agents, funding periods, trades, final book, auctions),
// or a sweep directory's sweep.json. Series are thinned for the page to at most `maxPoints` rows: each bucket keeps
// the first open, the highest high, the lowest low and the last close of its rows, sums the per-interval counts
// (trades, volume) and takes the other columns at the bucket's last row, so candles and volumes stay true to the
// data. Bad input is reported as a DashboardInputError naming the file and what is wrong.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';

export class DashboardInputError extends Error {}

/** A column per name; `time` in unix seconds; null where there is no value. */
export type Series = Record<string, (number | null)[]>;

export interface MarketView {
  readonly id: string;
  readonly name: string;
  readonly product: string;
  readonly asset: string;
  readonly series: Series;
  /** [start, end] unix seconds; end null when the auction had not ended */
  readonly auctions: [number, number | null, string][];
  readonly funding: { seq: number; end: number; rate: number | null; payment: number | null }[];
  readonly book: { bids: [number, number][]; asks: [number, number][] } | null;
  readonly trades: { time: number; price: number; size: number; aggressor: string }[];
}

export interface AgentView {
  readonly party: string;
  readonly kind: string;
  readonly series: Series;
  /** liquidity providers: per epoch, the share of samples with orders on the book, LP fees and penalties earned */
  readonly epochs?: LpEpoch[];
}

export interface LpEpoch {
  readonly epoch: number;
  readonly samples: number;
  /** fraction of the epoch's samples at which the LP had orders on the book */
  readonly onBook: number;
  readonly fees: number;
  readonly penalties: number;
}

/** Per epoch, from an LP's unthinned rows (cumulative lp_fees and penalties; live orders per sample). */
export function lpEpochs(rows: readonly Record<string, string>[]): LpEpoch[] {
  const out: LpEpoch[] = [];
  let prevFees = 0;
  let prevPen = 0;
  let cur: { epoch: number; samples: number; on: number; fees: number; pen: number } | undefined;
  const flush = () => {
    if (!cur) return;
    out.push({
      epoch: cur.epoch,
      samples: cur.samples,
      onBook: cur.samples ? cur.on / cur.samples : 0,
      fees: cur.fees - prevFees,
      penalties: cur.pen - prevPen,
    });
    prevFees = cur.fees;
    prevPen = cur.pen;
  };
  for (const r of rows) {
    const epoch = Number(r['epoch']);
    if (!Number.isFinite(epoch)) continue;
    if (!cur || cur.epoch !== epoch) {
      flush();
      cur = { epoch, samples: 0, on: 0, fees: prevFees, pen: prevPen };
    }
    cur.samples++;
    if (Number(r['orders']) > 0) cur.on++;
    cur.fees = numOrNull(r['lp_fees']) ?? cur.fees;
    cur.pen = numOrNull(r['penalties']) ?? cur.pen;
  }
  flush();
  return out;
}

export interface RunData {
  readonly kind: 'simulation';
  readonly dir: string;
  /** unix seconds */
  readonly start: number;
  readonly end: number;
  readonly summary: RunSummary;
  readonly markets: MarketView[];
  readonly agents: AgentView[];
  /** with programmes (programmes.csv): each party's cumulative programme lines at each epoch end */
  readonly programmes?: readonly ProgrammeEpochView[];
}

export interface ProgrammeEpochView {
  readonly epoch: number;
  readonly party: string;
  readonly discounts: number;
  readonly rebates: number;
  readonly referralRewards: number;
  readonly rewards: number;
  readonly vested: number;
}

export interface SweepData {
  readonly kind: 'sweep';
  readonly dir: string;
  readonly source: string;
  readonly scenario: string;
  readonly grid: Record<string, unknown[]>;
  readonly rows: Record<string, unknown>[];
}

const pnlSchema = z
  .object({
    spread: z.number(),
    inventory: z.number(),
    funding: z.number(),
    fees: z.number(),
    lpFees: z.number(),
    penalties: z.number(),
    other: z.number(),
    total: z.number(),
  })
  .loose();

const agentSchema = z
  .object({
    party: z.string(),
    kind: z.string(),
    market: z.string(),
    deposit: z.number(),
    position: z.number(),
    trades: z.number(),
    volume: z.number(),
    closedOut: z.number(),
    pnl: pnlSchema,
    strategy: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const summarySchema = z
  .object({
    scenario: z.string(),
    seed: z.string(),
    start: z.string(),
    days: z.number(),
    blockSeconds: z.number(),
    blocks: z.number(),
    wallSeconds: z.number(),
    blocksPerSecond: z.number(),
    agents: z.number(),
    trades: z.number(),
    networkTrades: z.number(),
    volume: z.number(),
    notional: z.number(),
    auctions: z.object({ total: z.number(), byTrigger: z.record(z.string(), z.number()) }).loose(),
    closeOuts: z.object({ total: z.number(), parties: z.number() }).loose(),
    funding: z.object({ periods: z.number(), paid: z.number(), meanRate: z.number().nullable() }).loose(),
    fees: z.object({ maker: z.number(), infrastructure: z.number(), liquidity: z.number() }).loose(),
    liquidity: z
      .object({
        lpFees: z.number(),
        bonus: z.number(),
        feePenalties: z.number(),
        bondPenalties: z.number(),
        provisions: z.array(
          z.object({ party: z.string(), commitment: z.number(), fee: z.string(), status: z.string() }).loose(),
        ),
      })
      .loose(),
    commands: z
      .object({
        submitted: z.number(),
        rejected: z.number(),
        cancels: z.number(),
        topRejections: z.array(z.tuple([z.string(), z.number()])),
      })
      .loose(),
    markets: z.array(
      z
        .object({
          id: z.string(),
          name: z.string(),
          product: z.string(),
          priceProcess: z.string(),
          finalMark: z.number(),
          finalIndex: z.number(),
          openInterest: z.number(),
          insurancePool: z.number(),
          targetStake: z.number(),
          suppliedStake: z.number(),
        })
        .loose(),
    ),
    byKind: z.record(z.string(), z.object({ parties: z.number(), pnl: z.number(), volume: z.number() }).loose()),
    stateHash: z.string(),
    conservation: z.object({ ok: z.boolean() }).loose(),
    agentsDetail: z.array(agentSchema),
  })
  .loose();

export type RunSummary = z.infer<typeof summarySchema>;
export type AgentDetail = z.infer<typeof agentSchema>;

function zodMessage(e: z.ZodError): string {
  return e.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DashboardInputError(
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DashboardInputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** A CSV file's rows as records of strings (header row names the columns); [] when the file does not exist. */
function readCsv(file: string): Record<string, string>[] {
  if (!existsSync(file)) return [];
  try {
    return parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (e) {
    throw new DashboardInputError(`${file}: not a readable CSV table (${(e as Error).message})`);
  }
}

const numOrNull = (v: string | undefined): number | null => {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** Rounded to 7 significant digits: the page's JSON stays small and charts lose nothing visible. */
const r7 = (v: number | null): number | null => (v === null ? null : Number(v.toPrecision(7)));

const FIRST = new Set(['open']);
const MAX = new Set(['high']);
const MIN = new Set(['low']);
const LAST_PRESENT = new Set(['close']);
const SUM = new Set(['trades', 'volume']);

/** Thins columns to at most `maxPoints` rows (see the module comment for how each column is aggregated). */
export function thinSeries(cols: Series, maxPoints: number): Series {
  const n = cols['time']?.length ?? 0;
  const step = Math.max(1, Math.ceil(n / maxPoints));
  // times stay exact (unix seconds need 10 digits)
  const round = (k: string) => (k === 'time' ? (v: number | null) => v : r7);
  if (step === 1) return Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v.map(round(k))]));
  const out: Series = {};
  for (const [k, v] of Object.entries(cols)) {
    const o: (number | null)[] = [];
    for (let i = 0; i < n; i += step) {
      const j1 = Math.min(n, i + step);
      let acc: number | null = null;
      if (FIRST.has(k)) {
        for (let j = i; j < j1 && acc === null; j++) acc = v[j] ?? null;
      } else if (MAX.has(k) || MIN.has(k)) {
        for (let j = i; j < j1; j++) {
          const x = v[j];
          if (x === null || x === undefined) continue;
          acc = acc === null ? x : MAX.has(k) ? Math.max(acc, x) : Math.min(acc, x);
        }
      } else if (LAST_PRESENT.has(k)) {
        for (let j = j1 - 1; j >= i && acc === null; j--) acc = v[j] ?? null;
      } else if (SUM.has(k)) {
        acc = 0;
        for (let j = i; j < j1; j++) acc += v[j] ?? 0;
      } else acc = v[j1 - 1] ?? null;
      o.push(round(k)(acc));
    }
    out[k] = o;
  }
  return out;
}

function columnsOf(rows: readonly Record<string, string>[], skip: readonly string[], startS: number): Series {
  const out: Series = {};
  if (!rows.length) return out;
  for (const k of Object.keys(rows[0]!)) {
    if (skip.includes(k)) continue;
    out[k] = rows.map((r) => numOrNull(r[k]));
  }
  if (out['time']) out['time'] = out['time'].map((t) => (t === null ? null : t + startS));
  return out;
}

/** Columns every agent keeps on the page; market makers and LPs keep all of them. */
const LIGHT_AGENT_COLUMNS = ['time', 'position', 'pnl', 'general', 'margin', 'order_margin', 'maintenance', 'initial'];
const INDIVIDUAL_KINDS = new Set(['avellaneda-stoikov', 'liquidity-provider']);

/** The data of a finished simulation's directory. */
export function loadRunDir(dir: string, opts: { maxPoints?: number; maxAgentPoints?: number } = {}): RunData {
  const maxPoints = opts.maxPoints ?? 2500;
  const maxAgentPoints = opts.maxAgentPoints ?? 800;
  const file = join(dir, 'summary.json');
  if (!existsSync(file))
    throw new DashboardInputError(`${dir}: no summary.json (not the output directory of perpsim simulate)`);
  const parsed = summarySchema.safeParse(readJson(file));
  if (!parsed.success) throw new DashboardInputError(`${file}: ${zodMessage(parsed.error)}`);
  const summary = parsed.data;
  const startMs = Date.parse(summary.start);
  if (!Number.isFinite(startMs)) throw new DashboardInputError(`${file}: start: not an ISO time (${summary.start})`);
  const start = startMs / 1000;
  const end = start + summary.days * 86_400;
  const files = readdirSync(dir);
  const auctionRows = readCsv(join(dir, 'auctions.csv'));
  const markets: MarketView[] = summary.markets.map((m) => {
    const safe =
      m.id
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'market';
    const seriesFile = join(dir, `series-${safe}.csv`);
    if (!files.includes(`series-${safe}.csv`))
      throw new DashboardInputError(`${seriesFile}: missing (the series of market ${m.id})`);
    const series = thinSeries(columnsOf(readCsv(seriesFile), ['time_utc', 'market'], start), maxPoints);
    const bookRows = readCsv(join(dir, `book-${safe}.csv`));
    const book = files.includes(`book-${safe}.csv`)
      ? {
          bids: bookRows
            .filter((r) => r['side'] === 'buy')
            .map((r) => [Number(r['price']), Number(r['size'])] as [number, number]),
          asks: bookRows
            .filter((r) => r['side'] === 'sell')
            .map((r) => [Number(r['price']), Number(r['size'])] as [number, number]),
        }
      : null;
    return {
      id: m.id,
      name: m.name,
      product: m.product,
      asset: '',
      series,
      auctions: auctionRows
        .filter((a) => a['market'] === m.id)
        .map((a) => {
          const e = numOrNull(a['end']);
          return [start + Number(a['start']), e === null ? null : start + e, a['trigger'] ?? ''] as [
            number,
            number | null,
            string,
          ];
        }),
      funding: readCsv(join(dir, `funding-${safe}.csv`)).map((r) => ({
        seq: Number(r['seq']),
        end: start + Number(r['end']),
        rate: numOrNull(r['rate']),
        payment: numOrNull(r['payment']),
      })),
      book,
      trades: readCsv(join(dir, `trades-${safe}.csv`)).map((r) => ({
        time: start + Number(r['time']),
        price: Number(r['price']),
        size: Number(r['size']),
        aggressor: r['aggressor'] ?? '',
      })),
    };
  });
  const agentRows = readCsv(join(dir, 'agents.csv'));
  const byParty = new Map<string, Record<string, string>[]>();
  for (const r of agentRows) {
    const p = r['party'] ?? '';
    let list = byParty.get(p);
    if (!list) byParty.set(p, (list = []));
    list.push(r);
  }
  const agents: AgentView[] = summary.agentsDetail.map((a) => {
    const rows = byParty.get(a.party) ?? [];
    const all = columnsOf(rows, ['time_utc', 'party', 'kind'], start);
    const keep = INDIVIDUAL_KINDS.has(a.kind)
      ? all
      : Object.fromEntries(Object.entries(all).filter(([k]) => LIGHT_AGENT_COLUMNS.includes(k)));
    return {
      party: a.party,
      kind: a.kind,
      series: thinSeries(keep, maxAgentPoints),
      ...(a.kind === 'liquidity-provider' ? { epochs: lpEpochs(rows) } : {}),
    };
  });
  const programmes = readCsv(join(dir, 'programmes.csv')).map((r) => ({
    epoch: Number(r['epoch']),
    party: r['party'] ?? '',
    discounts: Number(r['discounts']),
    rebates: Number(r['rebates']),
    referralRewards: Number(r['referral_rewards']),
    rewards: Number(r['rewards']),
    vested: Number(r['vested']),
  }));
  return {
    kind: 'simulation',
    dir,
    start,
    end,
    summary,
    markets,
    agents,
    ...(programmes.length ? { programmes } : {}),
  };
}

/** The data of a finished sweep's directory (sweep.json). */
export function loadSweepDir(dir: string): SweepData {
  const file = join(dir, 'sweep.json');
  const schema = z.object({
    sweep: z.string(),
    scenario: z.string(),
    grid: z.record(z.string(), z.array(z.unknown())),
    rows: z.array(z.record(z.string(), z.unknown())),
  });
  const parsed = schema.safeParse(readJson(file));
  if (!parsed.success) throw new DashboardInputError(`${file}: ${zodMessage(parsed.error)}`);
  return {
    kind: 'sweep',
    dir,
    source: parsed.data.sweep,
    scenario: parsed.data.scenario,
    grid: parsed.data.grid,
    rows: parsed.data.rows,
  };
}

/** A simulation's or a sweep's directory. */
export function loadOutputDir(dir: string): RunData | SweepData {
  if (!existsSync(dir)) throw new DashboardInputError(`${dir}: no such directory`);
  if (existsSync(join(dir, 'summary.json'))) return loadRunDir(dir);
  if (existsSync(join(dir, 'sweep.json'))) return loadSweepDir(dir);
  throw new DashboardInputError(
    `${dir}: neither summary.json (perpsim simulate) nor sweep.json (perpsim sweep) is there`,
  );
}
