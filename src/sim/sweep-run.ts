// One run of a sweep, wherever it runs (a local worker thread or a queue worker's sandbox): the scenario document is
// validated and simulated, and the outcome — the summary, or the error — becomes the run's row.
import { runSimulation } from './runner.ts';
import { parseScenario } from './scenario.ts';
import type { SweepRow, SweepRun } from './sweep-rows.ts';

export function runSweepRun(
  run: SweepRun,
  source: string,
  baseDir: string,
  onProgress?: (done: number, total: number) => void,
): SweepRow {
  try {
    const loaded = parseScenario(run.doc, source, baseDir);
    const r = runSimulation(loaded, onProgress ? { onProgress } : {});
    return {
      index: run.index,
      seed: run.seed,
      params: run.params,
      summary: r.summary,
      agents: r.agents.map((a) => ({ party: a.party, kind: a.kind, pnl: { ...a.pnl } })),
    };
  } catch (e) {
    return { index: run.index, seed: run.seed, params: run.params, error: (e as Error).message };
  }
}
