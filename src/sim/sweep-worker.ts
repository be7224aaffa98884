// A sweep worker thread: runs the scenarios it is sent, one at a time, and answers each with the run's summary.
import { parentPort } from 'node:worker_threads';
import { runSimulation } from './runner.ts';
import { parseScenario } from './scenario.ts';
import type { SweepRow, SweepRun } from './sweep.ts';

parentPort!.on('message', (msg: { run: SweepRun; source: string; baseDir: string }) => {
  const { run } = msg;
  let row: SweepRow;
  try {
    const loaded = parseScenario(run.doc, msg.source, msg.baseDir);
    const r = runSimulation(loaded);
    row = {
      index: run.index,
      seed: run.seed,
      params: run.params,
      summary: r.summary,
      agents: r.agents.map((a) => ({ party: a.party, kind: a.kind, pnl: { ...a.pnl } })),
    };
  } catch (e) {
    row = { index: run.index, seed: run.seed, params: run.params, error: (e as Error).message };
  }
  parentPort!.postMessage(row);
});
