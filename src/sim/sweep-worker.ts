// A sweep worker thread: runs the scenarios it is sent, one at a time, and answers each with the run's row. Asked
// for it, it reports the run's progress first (`{ progress: [blocks done, blocks] }` messages).
import { parentPort } from 'node:worker_threads';
import type { SweepRun } from './sweep-rows.ts';
import { runSweepRun } from './sweep-run.ts';

parentPort!.on('message', (msg: { run: SweepRun; source: string; baseDir: string; progress?: boolean }) => {
  const onProgress = msg.progress
    ? (done: number, total: number) => parentPort!.postMessage({ progress: [done, total] })
    : undefined;
  parentPort!.postMessage(runSweepRun(msg.run, msg.source, msg.baseDir, onProgress));
});
