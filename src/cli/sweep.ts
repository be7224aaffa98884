// `perpsim sweep SWEEP.yaml [--out DIR] [--workers N]`: runs a grid of scenario parameters on all cores (worker
// threads) and writes sweep.csv (one row per run), sweep.json and sweep.html (a chart of the P&L across the grid).
import { Command, InvalidArgumentError } from 'commander';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { ScenarioError } from '../sim/scenario.ts';
import { loadSweep, runSweep, writeSweep } from '../sim/sweep.ts';

interface SweepOptions {
  out?: string;
  workers?: number;
}

function positiveInteger(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a positive integer.');
  return Number(v);
}

export function sweepCommand(setStatus: (code: number) => void, track: (p: Promise<void>) => void): Command {
  return new Command('sweep')
    .description('run a grid of scenario parameters on all cores and write one row per run plus a chart')
    .argument('<sweep>', 'sweep file (YAML or JSON): scenario, grid of parameter paths and values, seeds, days')
    .option('--out <dir>', 'results directory (default: the sweep file\'s "out", else out/sweep-<name>)')
    .option(
      '--workers <n>',
      `worker threads (default: the sweep file's, else ${availableParallelism()})`,
      positiveInteger,
    )
    .action((file: string, o: SweepOptions) => {
      let sweep;
      try {
        sweep = loadSweep(file);
      } catch (e) {
        console.error(`perpsim sweep: ${e instanceof ScenarioError ? e.message : ((e as Error).stack ?? e)}`);
        setStatus(1);
        return;
      }
      const out = o.out ?? sweep.spec.out ?? `out/sweep-${basename(file).replace(/\.(ya?ml|json)$/i, '')}`;
      const total = sweep.runs.length;
      const started = performance.now();
      console.error(
        `perpsim sweep: ${total} runs on ${Math.min(total, o.workers ?? sweep.spec.workers ?? availableParallelism())} worker threads`,
      );
      track(
        runSweep(sweep, {
          ...(o.workers !== undefined ? { workers: o.workers } : {}),
          onRow: (row, done) => {
            const p = Object.entries(row.params)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ');
            const what = row.summary
              ? `${row.summary.trades} trades, ${row.summary.blocksPerSecond} blocks/s`
              : `failed: ${row.error}`;
            console.error(`  [${done}/${total}] run ${row.index} seed ${row.seed} ${p}: ${what}`);
          },
        }).then(
          (rows) => {
            const files = writeSweep(sweep, rows, out);
            const failed = rows.filter((r) => !r.summary).length;
            const s = ((performance.now() - started) / 1000).toFixed(1);
            console.log(`perpsim sweep: ${total - failed}/${total} runs in ${s} s; ${files.csv}, ${files.report}`);
            setStatus(failed ? 1 : 0);
          },
          (e: unknown) => {
            console.error(`perpsim sweep: ${(e as Error).stack ?? e}`);
            setStatus(1);
          },
        ),
      );
    });
}
