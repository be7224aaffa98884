// Sweeps across machines on BullMQ: the worker's side (`perpsim worker`). Two BullMQ workers on one connection:
// - runs: `concurrency` at a time, each computed on a worker thread with a heap limit (sweep-pool.ts, sweep-job.ts)
//   while this thread keeps the job's lock renewed, so a long run is never taken for stalled; a process that dies
//   (SIGKILL, a lost machine) stops renewing, and after `lockDuration` BullMQ's stalled-job check on another worker
//   puts its runs back in the queue.
// - sweeps: the flow's parent, released by BullMQ once every run has completed; it gathers the runs' rows with
//   getChildrenValues and checks that every run is there exactly once.
import { Worker, type Job } from 'bullmq';
import { parseRedisUrl, RUNS_QUEUE, sweepJobSchema, SWEEPS_QUEUE, type SweepResult } from './sweep-jobs.ts';
import { processRunJob } from './sweep-job.ts';
import { RunPool } from './sweep-pool.ts';
import type { SweepRow } from './sweep-rows.ts';

export interface QueueWorkerOptions {
  readonly url: string;
  /** runs at a time (worker threads) */
  readonly concurrency: number;
  /** heap limit of each run's thread, MB */
  readonly memoryMb: number;
  /** lock of a run in progress, ms: how long a dead worker's run waits before it is taken elsewhere */
  readonly lockDurationMs: number;
  readonly log?: (line: string) => void;
}

export interface QueueWorker {
  close(): Promise<void>;
}

/** The parent's processor: every run's row, in run order, each run exactly once. */
export async function gatherSweep(job: Job): Promise<SweepResult> {
  const data = sweepJobSchema.parse(job.data);
  const values = (await job.getChildrenValues()) as Record<string, SweepRow>;
  const rows = Object.values(values).sort((a, b) => a.index - b.index);
  const missing: number[] = [];
  for (let i = 0; i < data.total; i++) if (rows[i]?.index !== i) missing.push(i);
  if (rows.length !== data.total || missing.length)
    throw new Error(
      `sweep ${data.sweepId}: ${rows.length} rows for ${data.total} runs` +
        (missing.length ? ` (missing or repeated from run ${missing[0]})` : ''),
    );
  return { rows };
}

export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const log = o.log ?? (() => {});
  const connection = { ...parseRedisUrl(o.url), maxRetriesPerRequest: null };
  const pool = new RunPool(o.memoryMb);
  const runs = new Worker(RUNS_QUEUE, (job: Job) => processRunJob(job, pool), {
    connection,
    concurrency: o.concurrency,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.lockDurationMs,
    maxStalledCount: 2,
  });
  const sweeps = new Worker(SWEEPS_QUEUE, gatherSweep, { connection, concurrency: 1 });
  const what = (job: Job | undefined) =>
    job ? `run ${(job.data as { index?: number }).index} of ${(job.data as { sweepId?: string }).sweepId}` : 'a run';
  runs.on('active', (job) => log(`${what(job)}: started (attempt ${job.attemptsMade + 1})`));
  runs.on('completed', (job) => log(`${what(job)}: done`));
  runs.on('failed', (job, err) => log(`${what(job)}: failed: ${err.message}`));
  runs.on('stalled', (jobId) => log(`job ${jobId}: its worker stopped; back in the queue`));
  runs.on('error', (err) => log(`runs queue: ${err.message}`));
  sweeps.on('completed', (job) => log(`sweep ${job.id}: all ${(job.data as { total?: number }).total} runs gathered`));
  sweeps.on('failed', (job, err) => log(`sweep ${job?.id}: ${err.message}`));
  sweeps.on('error', (err) => log(`sweeps queue: ${err.message}`));
  await Promise.all([runs.waitUntilReady(), sweeps.waitUntilReady()]);
  return {
    async close() {
      await Promise.all([runs.close(), sweeps.close()]);
      await pool.close();
    },
  };
}
