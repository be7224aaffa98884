// Sweeps across machines on BullMQ: the sweep's side. A sweep becomes one flow — a parent job on the sweeps queue
// and one child job per run on the runs queue — added with BullMQ's FlowProducer. `perpsim worker` processes on any
// number of machines take the runs (sweep-queue-worker.ts); when every child has completed, BullMQ releases the
// parent, whose processor gathers the children's rows (getChildrenValues). Children carry failParentOnFailure, so a
// run that fails for good fails the sweep with that run's error instead of leaving it waiting; they are retried
// with exponential backoff, and a run whose worker dies is put back by BullMQ's stalled-job check and counted once
// (one child, one value). This file enqueues, reports progress, fetches results, and cancels.
import { FlowProducer, Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { LoadedSweep } from './sweep.ts';
import {
  parseRedisUrl,
  runJobData,
  RUNS_QUEUE,
  sweepJobSchema,
  SWEEPS_QUEUE,
  type RedisConnection,
  type SweepJobData,
  type SweepResult,
} from './sweep-jobs.ts';
import type { SweepMeta, SweepRow } from './sweep-rows.ts';

/** How often a run is tried by default (the first time and the retries) before it fails the sweep. */
export const RUN_ATTEMPTS = 3;
/** First retry delay, ms; doubled at each retry. */
export const RUN_BACKOFF_MS = 2000;

export interface SweepStatus {
  readonly id: string;
  /** the parent job's state: waiting-children while runs remain, then waiting/active, completed or failed */
  readonly state: string;
  readonly total: number;
  readonly done: number;
  readonly running: number;
  readonly failed: number;
  readonly waiting: number;
  /** the run that failed the sweep, with its error */
  readonly failure?: string;
}

export interface SweepResults {
  readonly meta: SweepMeta;
  readonly out?: string;
  readonly rows: readonly SweepRow[];
  readonly failure?: string;
}

/** Connects once to Redis, with no retries, so that a wrong --queue fails at once with the address named. */
export async function checkRedis(url: string, flag = '--queue'): Promise<RedisConnection> {
  const conn = parseRedisUrl(url, flag);
  const r = new Redis({
    ...conn,
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause: Error | undefined;
  r.on('error', (e: Error) => {
    cause ??= e; // the socket's error (ECONNREFUSED …); connect() itself only says the connection closed
  });
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? (e as NodeJS.ErrnoException).code;
    throw new Error(
      `${flag} ${url}: cannot reach Redis at ${conn.host}:${conn.port} (${code ?? (e as Error).message})`,
    );
  } finally {
    r.disconnect();
  }
  return conn;
}

export class SweepQueue {
  private readonly runs: Queue;
  private readonly sweeps: Queue;
  private readonly flows: FlowProducer;

  constructor(readonly conn: RedisConnection) {
    const connection = { ...conn };
    this.runs = new Queue(RUNS_QUEUE, { connection });
    this.sweeps = new Queue(SWEEPS_QUEUE, { connection });
    this.flows = new FlowProducer({ connection });
  }

  static async open(url: string, flag = '--queue'): Promise<SweepQueue> {
    return new SweepQueue(await checkRedis(url, flag));
  }

  async close(): Promise<void> {
    await Promise.all([this.runs.close(), this.sweeps.close(), this.flows.close()]);
  }

  /** Adds the sweep's flow; returns its id (the parent job's id). */
  async enqueue(sweep: LoadedSweep, opts: { out?: string; attempts?: number } = {}): Promise<string> {
    const id = `sweep-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
    const files = new Map<string, string>();
    const data: SweepJobData = {
      sweepId: id,
      total: sweep.runs.length,
      source: sweep.source,
      scenarioPath: sweep.scenarioPath,
      grid: Object.fromEntries(Object.entries(sweep.spec.grid).map(([k, v]) => [k, [...v]])),
      ...(opts.out !== undefined ? { out: opts.out } : {}),
    };
    await this.flows.add({
      name: 'sweep',
      queueName: SWEEPS_QUEUE,
      data,
      opts: { jobId: id },
      children: sweep.runs.map((run) => ({
        name: 'run',
        queueName: RUNS_QUEUE,
        data: runJobData(sweep, run, id, files),
        opts: {
          jobId: runJobId(id, run.index),
          failParentOnFailure: true,
          attempts: opts.attempts ?? RUN_ATTEMPTS,
          backoff: { type: 'exponential', delay: RUN_BACKOFF_MS },
          // the row lives on in the parent's processed values; the job itself (document, files) is not kept
          removeOnComplete: true,
        },
      })),
    });
    return id;
  }

  private async parent(id: string): Promise<{ job: Job; data: SweepJobData }> {
    const job = await Job.fromId(this.sweeps, id);
    if (!job) throw new Error(`sweep ${id}: not found on the queue (finished sweeps stay until removed)`);
    const data = sweepJobSchema.safeParse(job.data);
    if (!data.success) throw new Error(`job ${id}: not a perpsim sweep`);
    return { job, data: data.data };
  }

  /** The run that failed the sweep, from the parent's failedReason (`child <queue key>:<id> failed`). */
  private async failure(job: Job): Promise<{ text: string; row?: SweepRow } | undefined> {
    if (!job.failedReason) return undefined;
    const m = /([^:\s]+) failed$/.exec(job.failedReason.trim());
    const child = m ? await Job.fromId(this.runs, m[1]!) : undefined;
    if (!child) return { text: job.failedReason };
    const d = child.data as { index: number; seed: string; params: Record<string, number | string | boolean> };
    const text = child.failedReason || job.failedReason;
    return { text, row: { index: d.index, seed: d.seed, params: d.params, error: text } };
  }

  async status(id: string): Promise<SweepStatus> {
    const { job, data } = await this.parent(id);
    const state = await job.getState();
    const deps = await job.getDependenciesCount();
    const active = await this.runs.getJobs(['active']);
    const running = active.filter((j) => j.id?.startsWith(`${id}-r`)).length;
    const done = state === 'completed' ? data.total : (deps.processed ?? 0);
    const failure = state === 'failed' ? await this.failure(job) : undefined;
    const failed = failure ? 1 : (deps.failed ?? 0);
    const waiting = Math.max(0, data.total - done - running - failed);
    return {
      id,
      state,
      total: data.total,
      done,
      running,
      failed,
      waiting,
      ...(failure ? { failure: failure.text } : {}),
    };
  }

  /** Polls the sweep until it completes or fails, calling `onStatus` at each poll. */
  async wait(id: string, onStatus: (s: SweepStatus) => void, everyMs = 500): Promise<SweepStatus> {
    for (;;) {
      const s = await this.status(id);
      onStatus(s);
      if (s.state === 'completed' || s.state === 'failed') return s;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /**
   * The rows of a finished sweep: the parent's aggregate when it completed; when it failed, the rows of the runs that
   * completed, the failed run with its error, and every other run marked as not run (their jobs are removed).
   */
  async results(id: string): Promise<SweepResults> {
    const { job, data } = await this.parent(id);
    const state = await job.getState();
    const meta: SweepMeta = { source: data.source, scenarioPath: data.scenarioPath, spec: { grid: data.grid } };
    const out = data.out !== undefined ? { out: data.out } : {};
    if (state === 'completed') return { meta, ...out, rows: (job.returnvalue as SweepResult).rows };
    if (state !== 'failed') throw new Error(`sweep ${id}: not finished (${state})`);
    await job.removeUnprocessedChildren();
    const failure = await this.failure(job);
    const values = (await job.getChildrenValues()) as Record<string, SweepRow>;
    const byIndex = new Map<number, SweepRow>();
    for (const r of Object.values(values)) byIndex.set(r.index, r);
    if (failure?.row) byIndex.set(failure.row.index, failure.row);
    const rows: SweepRow[] = [];
    for (let i = 0; i < data.total; i++) {
      const row = byIndex.get(i) ?? (await this.notRun(id, i, failure?.text ?? 'the sweep failed'));
      rows.push(row);
    }
    return { meta, ...out, rows, failure: failure?.text ?? job.failedReason };
  }

  private async notRun(id: string, index: number, why: string): Promise<SweepRow> {
    const child = await Job.fromId(this.runs, runJobId(id, index));
    const d = (child?.data ?? {}) as { seed?: string; params?: Record<string, number | string | boolean> };
    return { index, seed: d.seed ?? '', params: d.params ?? {}, error: `not run: the sweep failed (${why})` };
  }

  /**
   * Cancels a sweep: runs not yet started are removed at once; runs in progress finish, then the sweep and its
   * runs are removed. Returns how many runs were still waiting.
   */
  async cancel(id: string, opts: { timeoutMs?: number; onWait?: (running: number) => void } = {}): Promise<number> {
    const before = await this.status(id);
    const { job } = await this.parent(id);
    await job.removeUnprocessedChildren();
    const deadline = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
    for (;;) {
      if ((await this.sweeps.remove(id, { removeChildren: true })) === 1) return before.waiting;
      if (Date.now() > deadline) throw new Error(`sweep ${id}: runs still in progress; cancel again later`);
      const active = (await this.runs.getJobs(['active'])).filter((j) => j.id?.startsWith(`${id}-r`)).length;
      opts.onWait?.(active);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export function runJobId(sweepId: string, index: number): string {
  return `${sweepId}-r${index}`;
}
