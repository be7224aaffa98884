// Worker threads for the runs a queue worker takes: each run is computed in a thread of its own heap limit while
// the caller's thread stays free (BullMQ renews the run's lock from it, so a long run is never taken for stalled).
// A thread that dies — out of its heap limit — fails only its run, with the reason; idle threads are kept for the
// next run. (BullMQ's own sandbox on worker threads crashes the whole process when a thread runs out of memory —
// its thread's 'error' event has no listener — so runs are not given to it.)
import { Worker } from 'node:worker_threads';
import { workerFailure } from './sweep.ts';
import type { SweepRow, SweepRun } from './sweep-rows.ts';

/** A run whose thread stopped (out of memory, crashed): the run did not produce a row. */
export class RunCrash extends Error {
  override readonly name = 'RunCrash';
}

export class RunPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Set<Worker>();
  private readonly entry = new URL('./sweep-worker-entry.mjs', import.meta.url);

  constructor(private readonly memoryMb: number) {}

  private thread(): Worker {
    const idle = this.idle.pop();
    if (idle) return idle;
    const w = new Worker(this.entry, { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: this.memoryMb } });
    // an idle thread that stops leaves the pool; its error is not the process's
    w.on('error', () => {});
    w.on('exit', () => {
      const i = this.idle.indexOf(w);
      if (i >= 0) this.idle.splice(i, 1);
    });
    return w;
  }

  /** Runs one run; rejects with RunCrash if its thread stops. */
  run(
    run: SweepRun,
    source: string,
    baseDir: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<SweepRow> {
    const w = this.thread();
    this.busy.add(w);
    return new Promise<SweepRow>((resolve, reject) => {
      let failure: Error | undefined;
      const onMessage = (m: SweepRow | { progress: [number, number] }) => {
        if ('progress' in m) return onProgress?.(m.progress[0], m.progress[1]);
        finish();
        this.idle.push(w);
        resolve(m);
      };
      const onError = (e: Error) => {
        failure = e;
      };
      const onExit = (code: number) => {
        finish();
        reject(new RunCrash(workerFailure(failure, code, this.memoryMb)));
      };
      const finish = () => {
        this.busy.delete(w);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ run, source, baseDir, progress: onProgress !== undefined });
    });
  }

  /** Stops the idle threads (runs in progress are left to finish). */
  async close(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
  }
}
