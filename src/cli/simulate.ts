// `perpsim simulate [SCENARIO] [--days N] [--seed S] [--out DIR]`: runs an agent-based simulation (default: the
// 7-day LINK/USD perpetual scenario, scenarios/default.scenario.yaml) with a progress bar on the terminal, prints
// the summary table and writes summary.json, report.html and the CSV time series into DIR.
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { dirname, join, relative } from 'node:path';
import { profileSync, renderSelfTime, topSelfTime, writeProfile } from './cpu-profile.ts';
import { fileSafe, resultJson, writeResults } from '../sim/output.ts';
import { runSimulation, type RunResult } from '../sim/runner.ts';
import { PriceCsvError } from '../sim/price-process.ts';
import { checkRun, DEFAULT_SCENARIO, loadScenarioFile, ScenarioError, type LoadedScenario } from '../sim/scenario.ts';
import { checkOutDir, OutDirError } from './output-dir.ts';
import { renderSummary } from '../sim/summary.ts';

interface SimulateOptions {
  days?: number;
  seed?: string;
  out?: string;
  progress: boolean;
  json?: boolean;
  /** true: write the CPU profile into the results folder; a string: to that file */
  profile?: boolean | string;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!/^\d*\.?\d+$/.test(v) || !(n > 0)) throw new InvalidArgumentError('must be a positive number.');
  if (n > 3650) throw new InvalidArgumentError('at most 3650 (ten years).');
  return n;
}

function seedText(v: string): string {
  if (v.length === 0 || v.length > 1000) throw new InvalidArgumentError('must be 1 to 1000 characters.');
  return v;
}

/** Progress on stderr: a bar on a terminal, a line every 10% otherwise (logs). */
function progressReporter(label: string): { update: (done: number, total: number) => void; stop: () => void } {
  const started = performance.now();
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} blocks | {speed} blocks/s | eta {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    });
    let begun = false;
    return {
      update(done, total) {
        const speed = Math.round(done / Math.max(1e-3, (performance.now() - started) / 1000)).toLocaleString('en-US');
        if (!begun) {
          bar.start(total, done, { speed });
          begun = true;
        } else bar.update(done, { speed });
      },
      stop() {
        if (begun) bar.stop();
      },
    };
  }
  let nextPct = 10;
  return {
    update(done, total) {
      const pct = (100 * done) / total;
      if (pct >= nextPct && done < total) {
        const s = (performance.now() - started) / 1000;
        process.stderr.write(`${label}: ${Math.floor(pct)}% (${done}/${total} blocks, ${s.toFixed(1)} s)\n`);
        while (nextPct <= pct) nextPct += 10;
      }
    },
    stop() {},
  };
}

export function runSimulateCommand(file: string | undefined, o: SimulateOptions): RunResult {
  const loaded: LoadedScenario = loadScenarioFile(file ?? DEFAULT_SCENARIO);
  if (o.days !== undefined) {
    const problems = checkRun(loaded.scenario, Math.round(o.days * 86_400)).map((p) => `${p} (with --days ${o.days})`);
    if (problems.length) throw new ScenarioError(problems, loaded.source);
  }
  const out = o.out ?? `out/${fileSafe(loaded.scenario.name)}`;
  // before the run: a long simulation must not lose its results to an unwritable folder at the end
  checkOutDir(out, o.out !== undefined ? '--out' : 'output folder (scenario name)');
  if (typeof o.profile === 'string') {
    if (o.profile.trim() === '') throw new OutDirError('--profile: must name a file');
    checkOutDir(dirname(o.profile), `--profile ${o.profile}: folder`);
  }
  const progress = o.progress ? progressReporter('simulating') : undefined;
  const run = () =>
    runSimulation(loaded, {
      ...(o.days !== undefined ? { days: o.days } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(progress ? { onProgress: progress.update, progressEvery: 1000 } : {}),
    });
  let result: RunResult;
  let profiled: ReturnType<typeof profileSync<RunResult>>['profile'] | undefined;
  try {
    if (o.profile) ({ result, profile: profiled } = profileSync(run));
    else result = run();
  } finally {
    progress?.stop();
  }
  writeResults(result, out);
  if (profiled) {
    const file = typeof o.profile === 'string' ? o.profile : join(out, 'simulation.cpuprofile');
    writeProfile(profiled, file);
    // on stderr, so that --json still prints only the summary on stdout
    console.error(`CPU profile: ${file} (open in Chrome DevTools or VS Code)\nTop 15 functions by self time:`);
    console.error(renderSelfTime(topSelfTime(profiled, 15)));
  }
  const shown = relative(process.cwd(), out) || '.';
  console.log(o.json ? resultJson(result) : renderSummary(result, shown.startsWith('..') ? out : shown));
  return result;
}

export function simulateCommand(setStatus: (code: number) => void): Command {
  return new Command('simulate')
    .description(
      'run an agent-based simulation of a scenario (default: 7 days of the LINK/USD perpetual with market makers, LPs and traders) and write its report',
    )
    .argument('[scenario]', 'scenario file, YAML or JSON (default: scenarios/default.scenario.yaml)')
    .option('--days <n>', "simulated days (default: the scenario's)", positiveNumber)
    .option('--seed <s>', "random seed (default: the scenario's)", seedText)
    .option('--out <dir>', 'results directory (default: out/<scenario name>)')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print summary.json instead of the summary table')
    .option(
      '--profile [file]',
      'write a V8 CPU profile of the run (default: <out>/simulation.cpuprofile) and print the top 15 functions by self time',
    )
    .action((file: string | undefined, o: SimulateOptions) => {
      try {
        const r = runSimulateCommand(file, o);
        setStatus(r.summary.conservation.ok ? 0 : 2);
      } catch (e) {
        const known = e instanceof ScenarioError || e instanceof OutDirError || e instanceof PriceCsvError;
        const msg = e instanceof Error ? e.message : String(e);
        console.error(`perpsim simulate: ${known ? msg : `the run stopped: ${msg}`}`);
        if (!known && process.env['PERPSIM_DEBUG']) console.error((e as Error).stack);
        setStatus(1);
      }
    });
}
