// A sweep worker thread: runs the scenarios it is sent, one at a time, and answers each with the run's row.
import { parentPort } from 'node:worker_threads';
import type { SweepRun } from './sweep-rows.ts';
import { runSweepRun } from './sweep-run.ts';

parentPort!.on('message', (msg: { run: SweepRun; source: string; baseDir: string }) => {
  parentPort!.postMessage(runSweepRun(msg.run, msg.source, msg.baseDir));
});
