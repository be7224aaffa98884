// The processor of one queued sweep run, loaded by BullMQ into a sandbox (a worker thread of `perpsim worker`, see
// sweep-job-entry.mjs): the scenario's files travel inside the job, so they are written to a private folder named by
// their content's hash and the run resolves its paths there — the worker needs no disk shared with the sweep's
// machine. A run whose scenario fails is a deterministic failure, so it is thrown as BullMQ's UnrecoverableError (no
// retry; the sweep fails with it); a thread that dies (out of memory) is an ordinary failure, retried with backoff.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { runJobSchema, type RunJobData } from './sweep-jobs.ts';
import type { SweepRow } from './sweep-rows.ts';
import { runSweepRun } from './sweep-run.ts';

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
export function processRun(data: RunJobData, onProgress?: (done: number, total: number) => void): SweepRow {
  const dir = materialiseFiles(data.files);
  const row = runSweepRun(
    { index: data.index, seed: data.seed, params: data.params, doc: data.doc },
    data.source,
    dir,
    onProgress,
  );
  if (row.error !== undefined) {
    const what = Object.entries(data.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    throw new UnrecoverableError(`run ${data.index} (seed ${data.seed}${what ? `, ${what}` : ''}): ${row.error}`);
  }
  return { index: row.index, seed: row.seed, params: row.params, ...(row.summary ? { summary: row.summary } : {}) };
}

export default function sandboxedRun(job: SandboxedJob): Promise<SweepRow> {
  const parsed = runJobSchema.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(
      `job ${job.id}: not a perpsim sweep run: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  let last = -1;
  const row = processRun(parsed.data, (done, total) => {
    const pct = Math.floor((100 * done) / Math.max(1, total));
    if (pct !== last) {
      last = pct;
      void job.updateProgress(pct);
    }
  });
  return Promise.resolve(row);
}
