// What a sweep puts on its BullMQ queues, shared by the side that enqueues (sweep-queue.ts) and the workers
// (sweep-queue-worker.ts, sweep-job.ts): the queue names, the Redis URL, and the job data with its schemas. A run's
// job carries its scenario document and every file the document names (market proposals, historical price CSVs),
// under plain names the document is rewritten to, so a worker needs nothing but the job.
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import * as z from 'zod';
import { ScenarioError } from './scenario.ts';
import type { LoadedSweep } from './sweep.ts';
import type { GridValue, SweepRow, SweepRun } from './sweep-rows.ts';

/** The queue of single runs (children of a sweep's flow). */
export const RUNS_QUEUE = 'perpsim-sweep-runs';
/** The queue of sweeps (the flow's parent job, which gathers its runs' rows). */
export const SWEEPS_QUEUE = 'perpsim-sweeps';

export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  readonly tls?: Record<string, never>;
}

/** Reads `redis://[user:password@]host[:port][/db]` (or rediss:// for TLS); the error names the flag. */
export function parseRedisUrl(url: string, flag = '--queue'): RedisConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`${flag} ${url}: not a URL (expected redis://HOST:PORT)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`${flag} ${url}: the scheme must be redis:// or rediss://, not ${u.protocol}//`);
  if (!u.hostname) throw new Error(`${flag} ${url}: no host (expected redis://HOST:PORT)`);
  const port = u.port ? Number(u.port) : 6379;
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw new Error(`${flag} ${url}: the path must be a database number`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(path ? { db: Number(path) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

const gridValue = z.union([z.number(), z.string(), z.boolean()]);
/** File names inside a job: plain names, never a path. */
const fileName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'a plain file name');

export const runJobSchema = z.strictObject({
  sweepId: z.string().min(1),
  index: z.number().int().min(0),
  seed: z.string(),
  params: z.record(z.string(), gridValue),
  doc: z.record(z.string(), z.unknown()),
  files: z.record(fileName, z.string()),
  /** the scenario file on the sweep's machine, for messages */
  source: z.string(),
});
export type RunJobData = z.infer<typeof runJobSchema>;

export const sweepJobSchema = z.strictObject({
  sweepId: z.string().min(1),
  total: z.number().int().positive(),
  source: z.string(),
  scenarioPath: z.string(),
  grid: z.record(z.string(), z.array(gridValue)),
  out: z.string().optional(),
});
export type SweepJobData = z.infer<typeof sweepJobSchema>;

/** The parent job's result: every run's row, in run order. */
export interface SweepResult {
  readonly rows: readonly SweepRow[];
}

/** The run job of `run`: its document with file references renamed to the files it carries. */
export function runJobData(sweep: LoadedSweep, run: SweepRun, sweepId: string, cache: Map<string, string>): RunJobData {
  const doc = structuredClone(run.doc) as Record<string, unknown>;
  const files: Record<string, string> = {};
  const names = new Map<string, string>();
  const carry = (p: unknown, field: string): string | undefined => {
    if (typeof p !== 'string') return undefined;
    const abs = isAbsolute(p) ? p : resolve(sweep.baseDir, p);
    let name = names.get(abs);
    if (name === undefined) {
      name = `f${names.size}-${basename(abs).replace(/[^A-Za-z0-9_.-]/g, '_')}`;
      names.set(abs, name);
    }
    let text = cache.get(abs);
    if (text === undefined) {
      try {
        text = readFileSync(abs, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ScenarioError([`${field}: cannot read ${abs}${code ? ` (${code})` : ''}`], sweep.scenarioPath);
      }
      cache.set(abs, text);
    }
    files[name] = text;
    return name;
  };
  const markets = Array.isArray(doc['markets']) ? (doc['markets'] as Record<string, unknown>[]) : [];
  markets.forEach((m, i) => {
    if (typeof m !== 'object' || m === null) return;
    const proposal = carry(m['proposal'], `markets[${i}].proposal`);
    if (proposal !== undefined) m['proposal'] = proposal;
    const price = m['price'] as Record<string, unknown> | undefined;
    if (price && price['process'] === 'csv') {
      const f = carry(price['file'], `markets[${i}].price.file`);
      if (f !== undefined) price['file'] = f;
    }
  });
  return {
    sweepId,
    index: run.index,
    seed: run.seed,
    params: run.params as Record<string, GridValue>,
    doc,
    files,
    source: sweep.scenarioPath,
  };
}
