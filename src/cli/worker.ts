// `perpsim worker --queue redis://HOST:PORT [--concurrency N]`: takes the runs of queued sweeps (`perpsim sweep
// --queue`) from BullMQ, `concurrency` at a time on worker threads, and stores each run's row in Redis; the scenario
// and proposal files come inside each job, so a worker needs no disk shared with the sweep's machine. It logs each
// run it takes and finishes, and runs until SIGINT/SIGTERM, then lets its runs in progress finish.
import { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { DEFAULT_RUN_MEMORY_MB } from '../sim/sweep.ts';
import { checkRedis } from '../sim/sweep-queue.ts';
import { startQueueWorker } from '../sim/sweep-queue-worker.ts';
import { positiveInteger } from './sweep.ts';

interface WorkerOptions {
  queue: string;
  concurrency?: number;
  memoryMb?: number;
  lockDuration?: number;
  quiet?: boolean;
}

export function workerCommand(setStatus: (code: number) => void, track: (p: Promise<void>) => void): Command {
  return new Command('worker')
    .description('take the runs of queued sweeps (perpsim sweep --queue) from BullMQ and run them')
    .requiredOption('--queue <url>', 'Redis of the queue: redis://HOST:PORT')
    .option('--concurrency <n>', `runs at a time (default: ${availableParallelism()}, the cores)`, positiveInteger)
    .option('--memory-mb <mb>', `heap limit of each run, MB (default ${DEFAULT_RUN_MEMORY_MB})`, positiveInteger)
    .option(
      '--lock-duration <ms>',
      'lock of a run in progress, ms: after it, a dead worker’s runs are taken elsewhere (default 30000)',
      positiveInteger,
    )
    .option('--quiet', 'no log of runs taken and finished')
    .action((o: WorkerOptions) => {
      const log = (line: string) => {
        if (!o.quiet) console.log(`perpsim worker: ${line}`);
      };
      const concurrency = o.concurrency ?? availableParallelism();
      const run = async () => {
        await checkRedis(o.queue);
        const w = await startQueueWorker({
          url: o.queue,
          concurrency,
          memoryMb: o.memoryMb ?? DEFAULT_RUN_MEMORY_MB,
          lockDurationMs: o.lockDuration ?? 30_000,
          log,
        });
        log(`ready on ${o.queue}, ${concurrency} run${concurrency === 1 ? '' : 's'} at a time (pid ${process.pid})`);
        await new Promise<void>((resolve) => {
          const stop = (sig: string) => {
            log(`${sig}: finishing the runs in progress`);
            void w.close().then(resolve);
          };
          process.once('SIGINT', () => stop('SIGINT'));
          process.once('SIGTERM', () => stop('SIGTERM'));
        });
        log('stopped');
      };
      track(
        run().then(
          () => setStatus(0),
          (e: unknown) => {
            console.error(`perpsim worker: ${e instanceof Error ? e.message : String(e)}`);
            setStatus(1);
          },
        ),
      );
    });
}
