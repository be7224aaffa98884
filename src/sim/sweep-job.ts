// The processor of one queued sweep run (`perpsim worker`). The scenario's files travel inside the job, so they are
// written to a private folder named by their content's hash and the run resolves its paths there — the worker needs
// no disk shared with the sweep's machine. The run is computed on a thread of the pool (sweep-pool.ts) and reports
// its progress to the job. A run whose scenario fails is a deterministic failure: it is thrown as BullMQ's
// UnrecoverableError (no retry; the sweep fails with it). A thread that dies (out of memory) is an ordinary
// failure, retried with backoff — perhaps on a worker with more memory — before it fails the sweep.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, type Job } from 'bullmq';
import { runJobSchema } from './sweep-jobs.ts';
import type { RunPool } from './sweep-pool.ts';
import type { SweepRow } from './sweep-rows.ts';

/** Writes the job's files once per content into a folder of their own; returns the folder. */
export function materialiseFiles(files: Readonly<Record<string, string>>): string {
  const names = Object.keys(files).sort();
  const hash = createHash('sha256');
  for (const n of names) hash.update(`${n}\0${files[n]}\0`);
  const root = join(tmpdir(), 'perpsim-sweep-files');
  const dir = join(root, hash.digest('hex').slice(0, 24));
  if (existsSync(dir)) return dir;
  mkdirSync(root, { recursive: true });
  // written aside and renamed into place, so a concurrent run never sees half the files
  const tmp = mkdtempSync(join(root, 'tmp-'));
  for (const n of names) writeFileSync(join(tmp, n), files[n]!);
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run put the same files in place first
  }
  return dir;
}

/** Runs one queued run and returns its row (the summary; the per-agent detail stays out of the queue). */
export async function processRunJob(job: Job, pool: RunPool): Promise<SweepRow> {
  const parsed = runJobSchema.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(
      `job ${job.id}: not a perpsim sweep run: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const data = parsed.data;
  const what = Object.entries(data.params)
    .map(([k, v]) => `, ${k}=${v}`)
    .join('');
  const label = `run ${data.index} (seed ${data.seed}${what})`;
  let last = -1;
  let row: SweepRow;
  try {
    row = await pool.run(
      { index: data.index, seed: data.seed, params: data.params, doc: data.doc },
      data.source,
      materialiseFiles(data.files),
      (done, total) => {
        const pct = Math.floor((100 * done) / Math.max(1, total));
        if (pct !== last) {
          last = pct;
          void job.updateProgress(pct).catch(() => {});
        }
      },
    );
  } catch (e) {
    throw new Error(`${label}: ${(e as Error).message}`);
  }
  if (row.error !== undefined) throw new UnrecoverableError(`${label}: ${row.error}`);
  return { index: row.index, seed: row.seed, params: row.params, ...(row.summary ? { summary: row.summary } : {}) };
}
