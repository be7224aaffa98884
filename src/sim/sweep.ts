// Parameter sweeps: a grid of scenario parameters (and seeds) run in parallel on worker threads, one row per run.
// A sweep file (YAML or JSON) names a scenario (relative to the sweep file), optional overrides (days), the seeds,
// and the grid: each key is a path into the scenario document — `markets[0].price.volatility`, or for agents by
// name `agents.mm-bold.gamma` — and each value the list of values to try. Every combination is validated as a
// scenario before anything runs, so a bad path or value fails at once with the field named. Keys that would reach
// an object's prototype (`__proto__`, `constructor`, `prototype`) are refused, and the number of runs is bounded up
// front. A run that fails — an error, or a worker thread that runs out of its memory limit — becomes a row with its
// error; the other runs go on.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { parseScenario, ScenarioError } from './scenario.ts';
import { renderSweepReport } from './sweep-report.ts';
import { rowRecord, sweepCsv, type GridValue, type SweepMeta, type SweepRow, type SweepRun } from './sweep-rows.ts';

export { rowRecord, sweepCsv };
export type { GridValue, SweepMeta, SweepRow, SweepRun };

/** The most runs one sweep may have (grid combinations × seeds). */
export const MAX_SWEEP_RUNS = 20_000;
/** Default heap limit of one run's worker thread, MB (`memoryMb` in the sweep file). */
export const DEFAULT_RUN_MEMORY_MB = 2048;

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
  /** heap limit of each run's worker thread, MB: a run above it fails alone, with its error in its row */
  memoryMb: z.number().int().min(16).optional(),
  /** results directory relative to the working directory (the command's --out wins) */
  out: z.string().optional(),
});

export type SweepSpec = z.infer<typeof sweepSchema>;

export interface LoadedSweep extends SweepMeta {
  readonly spec: SweepSpec;
  readonly source: string;
  readonly scenarioPath: string;
  readonly baseDir: string;
  readonly runs: readonly SweepRun[];
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

/** Path segments that would reach an object's prototype instead of a scenario field. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** Splits `markets[0].price.volatility` / `agents.mm-bold.gamma` into segments, resolving agent names. */
function resolveKey(doc: unknown, key: string): Seg[] {
  const raw: Seg[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[\]]*)((\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`"${key}": cannot read the path at "${part}"`);
    if (m[1]) {
      if (FORBIDDEN_SEGMENTS.has(m[1]))
        throw new Error(`"${key}": "${m[1]}" is not a scenario field (prototype keys are refused)`);
      raw.push(m[1]);
    }
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) raw.push(Number(idx[1]));
  }
  if (raw.length === 0) throw new Error(`"${key}": empty path`);
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
      // own properties only: an inherited name is not a field of the scenario
      if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, seg))
        throw new Error(`"${key}": the scenario has nothing at ${formatSegs(out)}`);
      cur = (cur as Record<Seg, unknown>)[seg];
    } else if (typeof cur !== 'object' || cur === null) {
      throw new Error(`"${key}": the scenario has no object at ${formatSegs(out.slice(0, -1))}`);
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
  // a data property of the object itself, never a setter inherited through the prototype chain
  Object.defineProperty(cur, segs[segs.length - 1]!, { value, writable: true, enumerable: true, configurable: true });
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
  // bounded before anything is expanded: the product of the value counts and the seeds
  const count = keys.reduce((n, k) => n * spec.grid[k]!.length, seeds.length);
  if (count > MAX_SWEEP_RUNS)
    throw new ScenarioError(
      [
        `grid: ${keys.map((k) => spec.grid[k]!.length).join(' × ')} values × ${seeds.length} seeds = ${count} runs, ` +
          `more than the limit of ${MAX_SWEEP_RUNS} runs per sweep`,
      ],
      source,
    );
  // cartesian product, the first key varying slowest
  let combos: Record<string, GridValue>[] = [{}];
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

/** The error of a run whose worker thread stopped: out of memory is said so, with the limit. */
export function workerFailure(err: Error | undefined, exitCode: number | undefined, memoryMb: number): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap limit/i.test(err?.message ?? ''))
    return `out of memory: the run went past its ${memoryMb} MB heap limit (memoryMb)`;
  if (err) return `worker thread failed: ${err.message}`;
  return `worker thread exited with code ${exitCode}`;
}

/** Runs every run of a sweep on `workers` threads; rows come back in run order, a failed run as a row with its error. */
export async function runSweep(
  sweep: LoadedSweep,
  opts: { workers?: number; memoryMb?: number; onRow?: (row: SweepRow, done: number, total: number) => void } = {},
): Promise<SweepRow[]> {
  const total = sweep.runs.length;
  const n = Math.max(1, Math.min(opts.workers ?? sweep.spec.workers ?? availableParallelism(), total));
  const memoryMb = opts.memoryMb ?? sweep.spec.memoryMb ?? DEFAULT_RUN_MEMORY_MB;
  const rows: SweepRow[] = new Array(total);
  let next = 0;
  let done = 0;
  const entry = new URL('./sweep-worker-entry.mjs', import.meta.url);
  const record = (row: SweepRow) => {
    rows[row.index] = row;
    done++;
    opts.onRow?.(row, done, total);
  };
  // one lane: a worker thread fed one run at a time; a thread that dies takes only its current run with it, and
  // the lane goes on with a fresh thread
  const lane = () =>
    new Promise<void>((resolveLane) => {
      const start = () => {
        if (next >= total) return resolveLane();
        const w = new Worker(entry, { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
        let current: SweepRun | undefined;
        let failure: Error | undefined;
        const feed = () => {
          if (next >= total) {
            current = undefined;
            void w.terminate();
            return;
          }
          current = sweep.runs[next++]!;
          w.postMessage({ run: current, source: sweep.scenarioPath, baseDir: sweep.baseDir });
        };
        w.on('message', (row: SweepRow) => {
          current = undefined;
          record(row);
          feed();
        });
        w.on('error', (e) => {
          failure = e;
        });
        w.on('exit', (exitCode) => {
          if (current) {
            const run = current;
            current = undefined;
            record({
              index: run.index,
              seed: run.seed,
              params: run.params,
              error: workerFailure(failure, exitCode, memoryMb),
            });
            start();
          } else if (next < total) start();
          else resolveLane();
        });
        w.once('online', feed);
      };
      start();
    });
  await Promise.all(Array.from({ length: n }, lane));
  return rows;
}

export interface SweepFiles {
  readonly csv: string;
  readonly json: string;
  readonly report: string;
}

export function writeSweep(sweep: SweepMeta, rows: readonly SweepRow[], dir: string): SweepFiles {
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
