// A child process of `npm run bench`: measures one run of one benchmark against the engine found under --root (this
// checkout, or a baseline checkout materialised by bench/baseline.ts) and prints one line of JSON. The parent
// alternates current and baseline children, so both engines run under the same machine conditions.
//   node --import tsx bench/measure.ts --root DIR --kind sim|engine [--days N] [--commands N] [--seed N]
// Only APIs present in both trees are used: runSimulation/loadScenarioFile (src/sim) and runEngine (bench/).
// Besides the wall-clock time, each run reports its CPU time (user + system, process.cpuUsage): on a machine shared
// with other jobs the wall clock also counts the time the process waited for a core.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    kind: { type: 'string' },
    days: { type: 'string', default: '1' },
    commands: { type: 'string', default: '50000' },
    seed: { type: 'string', default: '42' },
  },
  strict: true,
});
const root = resolve(values.root ?? process.cwd());
const mod = (p: string) => pathToFileURL(resolve(root, p)).href;

if (values.kind === 'sim') {
  const scenario = (await import(mod('src/sim/scenario.ts'))) as {
    DEFAULT_SCENARIO: string;
    loadScenarioFile: (p: string) => unknown;
  };
  const runner = (await import(mod('src/sim/runner.ts'))) as {
    runSimulation: (
      l: unknown,
      o: { days: number },
    ) => {
      summary: {
        blocks: number;
        stateHash: string;
        commands: { submitted: number; cancels: number };
        conservation: { ok: boolean };
      };
    };
  };
  const loaded = scenario.loadScenarioFile(scenario.DEFAULT_SCENARIO);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const r = runner.runSimulation(loaded, { days: Number(values.days) });
  const cpu = process.cpuUsage(c0);
  const ns = Number(process.hrtime.bigint() - t0);
  const s = r.summary;
  const commands = s.commands.submitted + s.commands.cancels;
  console.log(
    JSON.stringify({
      kind: 'sim',
      blocks: s.blocks,
      commands,
      seconds: ns / 1e9,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      blocksPerSec: s.blocks / (ns / 1e9),
      commandsPerSec: commands / (ns / 1e9),
      stateHash: s.stateHash,
      conserved: s.conservation.ok,
    }),
  );
} else if (values.kind === 'engine') {
  const eb = (await import(mod('bench/engine-bench.ts'))) as {
    generateEngineStream: (o: { commands: number; seed: number }) => { length: number };
    runEngine: (s: unknown) => { ns: bigint; stats: { stateHash: string } };
  };
  const n = Number(values.commands);
  const seed = Number(values.seed);
  eb.runEngine(eb.generateEngineStream({ commands: Math.max(1, Math.min(5_000, n >> 3)), seed: seed + 1 })); // warm-up
  const stream = eb.generateEngineStream({ commands: n, seed });
  const c0 = process.cpuUsage();
  const r = eb.runEngine(stream);
  const cpu = process.cpuUsage(c0);
  const seconds = Number(r.ns) / 1e9;
  console.log(
    JSON.stringify({
      kind: 'engine',
      commands: stream.length,
      seconds,
      // CPU time of the run (the exchange set-up and the final state hash included): the process's own work, which other
      // jobs on a shared machine disturb far less than the wall clock
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      ordersPerSec: stream.length / seconds,
      stateHash: r.stats.stateHash,
    }),
  );
} else {
  console.error(`measure: --kind must be sim or engine (got ${String(values.kind)})`);
  process.exit(2);
}
