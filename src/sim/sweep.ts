// Parameter sweeps: a grid of scenario parameters (and seeds) run in parallel on worker threads, one row per run.
// A sweep file (YAML or JSON) names a scenario (relative to the sweep file), optional overrides (days), the seeds,
// and the grid: each key is a path into the scenario document — `markets[0].price.volatility`, or for agents by
// name `agents.mm-bold.gamma` — and each value the list of values to try. Every combination is validated as a
// scenario before anything runs, so a bad path or value fails at once with the field named.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { parseScenario, ScenarioError } from './scenario.ts';
import type { Summary } from './runner.ts';
import { renderSweepReport } from './sweep-report.ts';

const sweepSchema = z.strictObject({
  /** scenario file, relative to the sweep file */
  scenario: z.string().min(1),
  days: z.number().positive().optional(),
  seeds: z
    .array(z.union([z.string().min(1), z.number().int()]))
    .min(1)
    .optional(),
  grid: z.record(z.string(), z.array(z.union([z.number(), z.string(), z.boolean()])).min(1)),
  /** worker threads (default: all cores) */
  workers: z.number().int().positive().optional(),
  /** results directory relative to the working directory (the command's --out wins) */
  out: z.string().optional(),
});

export type SweepSpec = z.infer<typeof sweepSchema>;

export interface SweepRun {
  readonly index: number;
  readonly seed: string;
  /** grid key → value */
  readonly params: Readonly<Record<string, number | string | boolean>>;
  /** the scenario document with the values applied */
  readonly doc: unknown;
}

export interface LoadedSweep {
  readonly spec: SweepSpec;
  readonly source: string;
  readonly scenarioPath: string;
  readonly baseDir: string;
  readonly runs: readonly SweepRun[];
}

/** The outcome of one run, as a worker sends it back. */
export interface SweepRow {
  readonly index: number;
  readonly seed: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly summary?: Summary;
  /** party → P&L split total etc. */
  readonly agents?: readonly { party: string; kind: string; pnl: Record<string, number> }[];
  readonly error?: string;
}

function readDoc(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScenarioError([`cannot read the file${code ? ` (${code})` : ''}`], path);
  }
  try {
    return /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ScenarioError([`cannot parse: ${(e as Error).message.split('\n')[0]}`], path);
  }
}

type Seg = string | number;

/** Splits `markets[0].price.volatility` / `agents.mm-bold.gamma` into segments, resolving agent names. */
function resolveKey(doc: unknown, key: string): Seg[] {
  const raw: Seg[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[\]]*)((\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`"${key}": cannot read the path at "${part}"`);
    if (m[1]) raw.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) raw.push(Number(idx[1]));
  }
  const out: Seg[] = [];
  let cur: unknown = doc;
  for (let i = 0; i < raw.length; i++) {
    const seg = raw[i]!;
    if (Array.isArray(cur) && typeof seg === 'string') {
      // agents (or markets) addressed by name
      const j = cur.findIndex((x) => typeof x === 'object' && x !== null && (x as { name?: unknown }).name === seg);
      if (j < 0) throw new Error(`"${key}": no entry named "${seg}" in ${out.join('.') || 'the document'}`);
      out.push(j);
      cur = cur[j];
      continue;
    }
    out.push(seg);
    if (i < raw.length - 1) {
      if (typeof cur !== 'object' || cur === null || !(seg in (cur as object)))
        throw new Error(`"${key}": the scenario has nothing at ${formatSegs(out)}`);
      cur = (cur as Record<Seg, unknown>)[seg];
    }
  }
  return out;
}

function formatSegs(segs: readonly Seg[]): string {
  return segs.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');
}

function setPath(doc: unknown, segs: readonly Seg[], value: unknown): void {
  let cur = doc as Record<Seg, unknown>;
  for (let i = 0; i < segs.length - 1; i++) cur = cur[segs[i]!] as Record<Seg, unknown>;
  cur[segs[segs.length - 1]!] = value;
}

/** Reads a sweep file and expands its grid into validated runs. */
export function loadSweep(path: string): LoadedSweep {
  const source = path;
  const parsed = sweepSchema.safeParse(readDoc(path));
  if (!parsed.success)
    throw new ScenarioError(
      parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(document)'}: ${i.message}`),
      source,
    );
  const spec = parsed.data;
  const sweepDir = dirname(resolve(path));
  const scenarioPath = resolve(sweepDir, spec.scenario);
  const base = readDoc(scenarioPath);
  const keys = Object.keys(spec.grid);
  const paths = new Map<string, Seg[]>();
  const problems: string[] = [];
  for (const k of keys) {
    try {
      paths.set(k, resolveKey(base, k));
    } catch (e) {
      problems.push(`grid.${(e as Error).message}`);
    }
  }
  if (problems.length) throw new ScenarioError(problems, source);
  const baseSeed = (base as { seed?: unknown }).seed;
  const seeds = (spec.seeds ?? [typeof baseSeed === 'number' || typeof baseSeed === 'string' ? baseSeed : 1]).map(
    String,
  );
  // cartesian product, the first key varying slowest
  let combos: Record<string, number | string | boolean>[] = [{}];
  for (const k of keys) combos = combos.flatMap((c) => spec.grid[k]!.map((v) => ({ ...c, [k]: v })));
  const runs: SweepRun[] = [];
  const baseDir = dirname(scenarioPath);
  for (const params of combos) {
    for (const seed of seeds) {
      const doc = structuredClone(base) as Record<string, unknown>;
      for (const k of keys) setPath(doc, paths.get(k)!, params[k]);
      if (spec.days !== undefined) {
        doc['days'] = spec.days;
        delete doc['durationSeconds'];
      }
      doc['seed'] = seed;
      try {
        parseScenario(doc, scenarioPath, baseDir);
      } catch (e) {
        const what = Object.entries(params)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        throw new ScenarioError([`run with ${what || 'no parameters'}: ${(e as Error).message}`], source);
      }
      runs.push({ index: runs.length, seed, params, doc });
    }
  }
  return { spec, source, scenarioPath, baseDir, runs };
}

/** Runs every run of a sweep on `workers` threads; rows come back in run order. */
export async function runSweep(
  sweep: LoadedSweep,
  opts: { workers?: number; onRow?: (row: SweepRow, done: number, total: number) => void } = {},
): Promise<SweepRow[]> {
  const total = sweep.runs.length;
  const n = Math.max(1, Math.min(opts.workers ?? sweep.spec.workers ?? availableParallelism(), total));
  const rows: SweepRow[] = new Array(total);
  let next = 0;
  let done = 0;
  const entry = new URL('./sweep-worker-entry.mjs', import.meta.url);
  const worker = () =>
    new Promise<void>((resolveWorker, rejectWorker) => {
      const w = new Worker(entry, { execArgv: [] });
      const feed = () => {
        if (next >= total) {
          void w.terminate();
          resolveWorker();
          return;
        }
        const run = sweep.runs[next++]!;
        w.postMessage({ run, source: sweep.scenarioPath, baseDir: sweep.baseDir });
      };
      w.on('message', (row: SweepRow) => {
        rows[row.index] = row;
        done++;
        opts.onRow?.(row, done, total);
        feed();
      });
      w.on('error', rejectWorker);
      w.once('online', feed);
    });
  await Promise.all(Array.from({ length: n }, worker));
  return rows;
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(12))) : '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The flat record of one run: parameters, headline figures, each market maker's and each agent type's P&L. */
export function rowRecord(row: SweepRow): Record<string, unknown> {
  const s = row.summary;
  const rec: Record<string, unknown> = { run: row.index, seed: row.seed, ...row.params };
  if (!s) return { ...rec, error: row.error ?? 'failed' };
  Object.assign(rec, {
    blocks: s.blocks,
    wallSeconds: s.wallSeconds,
    blocksPerSecond: s.blocksPerSecond,
    trades: s.trades,
    volume: s.volume,
    notional: s.notional,
    auctions: s.auctions.total,
    closeOuts: s.closeOuts.total,
    fundingPaid: s.funding.paid,
    lpFees: s.liquidity.lpFees,
    lpFeePenalties: s.liquidity.feePenalties,
    lpBondPenalties: s.liquidity.bondPenalties,
    finalMark: s.markets[0]?.finalMark,
    conservationOk: s.conservation.ok,
    stateHash: s.stateHash,
  });
  for (const mm of s.marketMakers) {
    rec[`${mm.party}.total`] = mm.pnl.total;
    rec[`${mm.party}.spread`] = mm.pnl.spread;
    rec[`${mm.party}.inventory`] = mm.pnl.inventory;
    rec[`${mm.party}.funding`] = mm.pnl.funding;
    rec[`${mm.party}.fees`] = mm.pnl.fees;
  }
  for (const [k, v] of Object.entries(s.byKind)) rec[`pnl.${k}`] = v.pnl;
  return rec;
}

export function sweepCsv(rows: readonly SweepRow[]): string {
  const recs = rows.map(rowRecord);
  const cols: string[] = [];
  for (const r of recs) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return [cols.join(','), ...recs.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}

export interface SweepFiles {
  readonly csv: string;
  readonly json: string;
  readonly report: string;
}

export function writeSweep(sweep: LoadedSweep, rows: readonly SweepRow[], dir: string): SweepFiles {
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, 'sweep.csv');
  writeFileSync(csv, sweepCsv(rows));
  const json = join(dir, 'sweep.json');
  writeFileSync(
    json,
    JSON.stringify(
      { sweep: sweep.source, scenario: sweep.scenarioPath, grid: sweep.spec.grid, rows: rows.map(rowRecord) },
      null,
      2,
    ) + '\n',
  );
  const report = join(dir, 'sweep.html');
  writeFileSync(report, renderSweepReport(sweep, rows));
  return { csv, json, report };
}
