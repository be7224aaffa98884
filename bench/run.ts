// `npm run bench -- [--json FILE] [options]`: the order book benchmark (perpsim's OrderBook against the
// nodejs-order-book package on one seeded 1,000,000-operation stream) and the full engine benchmark. Prints a table,
// then the results as one line of JSON ({"book":{"opsPerSec","baselineOpsPerSec","ratio",…},"engine":{"ordersPerSec",
// …}}), also written to FILE with --json. Figures are the best of the measured runs (the fastest run is the least
// disturbed by the machine; medians are reported alongside). Nothing here asserts on timings; a run fails only when
// a book or the engine misbehaves (the books disagree with the reference, or the engine is not deterministic).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { materialiseBaseline, pinnedBaselineRef } from './baseline.ts';
import { compare, type Measurement } from './compare.ts';
import { checkSummary, replayBaseline, replayPerpsim, type ReplayResult } from './book-bench.ts';
import { generateEngineStream, runEngine, type EngineResult } from './engine-bench.ts';
import { generateWorkload, type Workload } from './workload.ts';

const USAGE = `usage: npm run bench -- [--json FILE] [--ops N] [--runs N] [--engine-commands N] [--seed N]
  --json FILE          also write the results to FILE
  --ops N              book workload size (default 1000000)
  --runs N             measured runs (at least 3) of each book and of the engine; the best is reported (default 3)
  --engine-commands N  engine workload size (default 50000)
  --seed N             workload seed (default 42)
  --baseline REF       git ref of the previous engine (default: the pinned commit in bench/baseline.json)
  --no-baseline        measure only this checkout
  --sim-days N         simulated days of the default scenario in the simulation benchmark (default 1)
  --compare-only       only the simulation and engine comparisons against the baseline (no book, no venue)`;

interface Options {
  json: string | undefined;
  ops: number;
  runs: number;
  engineCommands: number;
  seed: number;
  baseline: string | undefined;
  simDays: number;
  compareOnly: boolean;
}

/** A bad command line: reported with the usage, no stack. */
class UsageError extends Error {}

function parseOptions(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'string' },
        ops: { type: 'string' },
        runs: { type: 'string' },
        'engine-commands': { type: 'string' },
        seed: { type: 'string' },
        baseline: { type: 'string' },
        'no-baseline': { type: 'boolean' },
        'sim-days': { type: 'string' },
        'compare-only': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (v: string | undefined, dflt: number, name: string, min: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name}: "${v}" must be an integer >= ${min}`);
    return n;
  };
  return {
    json: values.json,
    ops: int(values.ops, 1_000_000, 'ops', 1),
    runs: int(values.runs, 3, 'runs', 3),
    engineCommands: int(values['engine-commands'], 50_000, 'engine-commands', 1),
    seed: int(values.seed, 42, 'seed', 0),
    baseline: values['no-baseline'] ? undefined : (values.baseline ?? pinnedBaselineRef()),
    simDays: simDays(values['sim-days']),
    compareOnly: values['compare-only'] === true,
  };
}

function simDays(v: string | undefined): number {
  if (v === undefined) return 1;
  const n = Number(v);
  if (!/^\d*\.?\d+$/.test(v) || !(n > 0) || n > 30)
    throw new UsageError(`--sim-days: "${v}" must be a number in (0, 30]`);
  return n;
}

/** A full garbage collection between measured runs, so that no run pays for the garbage of the one before. */
function gcFunction(): () => void {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    // not available: runs simply start with whatever garbage is left
  }
  return () => {};
}

const perSec = (count: number, ns: bigint): number => count / (Number(ns) / 1e9);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pad = (s: string, w: number): string => s.padStart(w);

function baselineVersion(): string {
  const path = createRequire(import.meta.url).resolve('nodejs-order-book/package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function checkedReplay(name: string, replay: (w: Workload) => ReplayResult, w: Workload): ReplayResult {
  const r = replay(w);
  checkSummary(name, r.summary, w.expected);
  return r;
}

function bookAndEngine(opts: Options): Record<string, unknown> {
  const gc = gcFunction();
  const baselineName = `nodejs-order-book@${baselineVersion()}`;
  const log = (s = '') => console.log(s);

  // ------------------------------------------------------------------ book
  log(`perpsim benchmark: node ${process.version}, seed ${opts.seed}, best of ${opts.runs} run(s)`);
  log();
  const w = generateWorkload({ ops: opts.ops, seed: opts.seed });
  const e = w.expected;
  log(
    `Book workload: ${fmt(w.length)} operations = ${fmt(w.mix.rest)} resting limit orders, ${fmt(w.mix.cross)} crossing limit orders ` +
      `(${fmt(w.mix.cross - w.crossRested)} filled in full, ${fmt(w.crossRested)} took all they could and rested the remainder), ${fmt(w.mix.cancel)} cancels`,
  );
  log(
    `  traded ${fmt(e.traded)}; book at the end: ${fmt(e.liveOrders)} orders on ${fmt(e.bidLevels + e.askLevels)} levels ` +
      `(peak ${fmt(w.peakLiveOrders)} orders), best ${e.bestBid ?? '-'} / ${e.bestAsk ?? '-'}`,
  );

  // warm-up on a smaller, separately seeded stream (checked like the measured runs)
  const warm = generateWorkload({ ops: Math.max(1, Math.min(250_000, opts.ops >> 2)), seed: opts.seed + 1 });
  for (let i = 0; i < 2; i++) {
    checkedReplay('perpsim OrderBook (warm-up)', replayPerpsim, warm);
    checkedReplay(`${baselineName} (warm-up)`, replayBaseline, warm);
  }

  // measured runs, alternating the two books; every run must reproduce the reference book exactly
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < opts.runs; r++) {
    gc();
    ours.push(perSec(w.length, checkedReplay('perpsim OrderBook', replayPerpsim, w).ns));
    gc();
    theirs.push(perSec(w.length, checkedReplay(baselineName, replayBaseline, w).ns));
  }
  const opsPerSec = Math.max(...ours);
  const baselineOpsPerSec = Math.max(...theirs);
  const ratio = opsPerSec / baselineOpsPerSec;
  log();
  log(`${'book (ops/s)'.padEnd(28)}${pad('best', 12)}${pad('median', 12)}   runs`);
  log(
    `${'perpsim OrderBook'.padEnd(28)}${pad(fmt(opsPerSec), 12)}${pad(fmt(median(ours)), 12)}   ${ours.map(fmt).join(', ')}`,
  );
  log(
    `${baselineName.padEnd(28)}${pad(fmt(baselineOpsPerSec), 12)}${pad(fmt(median(theirs)), 12)}   ${theirs.map(fmt).join(', ')}`,
  );
  log(
    `${'ratio'.padEnd(28)}${pad(`${ratio.toFixed(2)}x`, 12)}${pad(`${(median(ours) / median(theirs)).toFixed(2)}x`, 12)}`,
  );
  log('  both books reproduced the reference book exactly (resting orders, priority, traded volume) on every run');

  // ------------------------------------------------------------------ engine
  const stream = generateEngineStream({ commands: opts.engineCommands, seed: opts.seed });
  runEngine(
    generateEngineStream({ commands: Math.max(1, Math.min(5_000, opts.engineCommands >> 3)), seed: opts.seed + 1 }),
  );
  const engineRuns: EngineResult[] = [];
  for (let r = 0; r < opts.runs; r++) {
    gc();
    const res = runEngine(stream);
    if (engineRuns.length > 0 && res.stats.stateHash !== engineRuns[0]!.stats.stateHash) {
      throw new Error(`engine run ${r + 1} ended in a different state from run 1: the engine is not deterministic`);
    }
    engineRuns.push(res);
  }
  const rates = engineRuns.map((r) => perSec(stream.length, r.ns));
  const ordersPerSec = Math.max(...rates);
  const st = engineRuns[0]!.stats;
  log();
  log(
    `Engine workload: ${fmt(st.commands)} commands (${fmt(st.submits)} limit orders, ${fmt(st.cancels)} cancels) from ${stream.parties} parties, ` +
      `${fmt(st.blocks)} blocks of ${stream.blockEvery} commands (1 s each, mark-to-market at every block end)`,
  );
  log(`${'engine (orders/s)'.padEnd(28)}${pad('best', 12)}${pad('median', 12)}   runs`);
  log(
    `${'perpsim Exchange'.padEnd(28)}${pad(fmt(ordersPerSec), 12)}${pad(fmt(median(rates)), 12)}   ${rates.map(fmt).join(', ')}`,
  );
  log('  orders/s counts every order command (submission or cancel); block ends are inside the timed loop');
  const reasons = Object.entries(st.rejectionReasons)
    .map(([k, v]) => `${k}: ${fmt(v)}`)
    .join(', ');
  log(
    `  rejections ${fmt(st.rejections)}${reasons ? ` (${reasons})` : ''}; self-trade stops ${fmt(st.selfTradeStops)}; idle cancels ${fmt(st.idleCancels)}`,
  );
  log(
    `  ${fmt(st.trades)} trades, volume ${fmt(st.tradedVolume)}; at the end ${fmt(st.liveOrdersAtEnd)} live orders, ` +
      `${st.openPositionsAtEnd} open positions, mark price ${st.markPrice}; identical state hash on every run`,
  );

  // ------------------------------------------------------------------ results
  const results = {
    book: {
      opsPerSec: Math.round(opsPerSec),
      baselineOpsPerSec: Math.round(baselineOpsPerSec),
      ratio: round2(ratio),
      statistic: 'best',
      medianOpsPerSec: Math.round(median(ours)),
      baselineMedianOpsPerSec: Math.round(median(theirs)),
      baseline: baselineName,
      ops: w.length,
      runs: opts.runs,
      seed: opts.seed,
    },
    engine: {
      ordersPerSec: Math.round(ordersPerSec),
      statistic: 'best',
      medianOrdersPerSec: Math.round(median(rates)),
      commands: st.commands,
      submits: st.submits,
      cancels: st.cancels,
      blocks: st.blocks,
      trades: st.trades,
      rejections: st.rejections,
      selfTradeStops: st.selfTradeStops,
      runs: opts.runs,
      seed: opts.seed,
    },
  };
  return results;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Best and median of one side's rates (and of its secondary rate, commands/s for the simulation). */
function stats(xs: Measurement[]) {
  const r = xs.map((m) => m.rate);
  const s = xs.map((m) => m.secondaryRate ?? 0);
  const c = xs.map((m) => m.count / m.cpuSeconds);
  return {
    best: Math.max(...r),
    median: median(r),
    bestCpu: Math.max(...c),
    medianCpu: median(c),
    bestSecondary: Math.max(...s),
    medianSecondary: median(s),
    runs: r,
  };
}

/** The simulation and engine benchmarks against the previous engine, in child processes, alternating. */
function comparisons(opts: Options): Record<string, unknown> {
  const log = (s = '') => console.log(s);
  let baselineRoot: string | undefined;
  let baselineCommit: string | undefined;
  log();
  if (opts.baseline === undefined) log('Previous engine: not measured (--no-baseline)');
  else {
    const b = materialiseBaseline(opts.baseline);
    if (b.ok) {
      baselineRoot = b.root;
      baselineCommit = b.commit;
      log(`Previous engine: ${b.commit.slice(0, 12)} (${opts.baseline}), checked out in ${b.root}`);
    } else log(`Previous engine: not measured, ${b.reason}; measuring this checkout only`);
  }
  const out: Record<string, unknown> = { baselineCommit: baselineCommit ?? null };
  const table = (
    title: string,
    unit: string,
    cur: ReturnType<typeof stats>,
    base: ReturnType<typeof stats> | undefined,
    secondary?: string,
  ) => {
    log(`${`${title} (${unit})`.padEnd(36)}${pad('best', 12)}${pad('median', 12)}   runs`);
    const row = (name: string, st: ReturnType<typeof stats>) =>
      log(`${name.padEnd(36)}${pad(fmt(st.best), 12)}${pad(fmt(st.median), 12)}   ${st.runs.map(fmt).join(', ')}`);
    row('  this checkout', cur);
    if (base) {
      row(`  previous engine ${baselineCommit!.slice(0, 7)}`, base);
      log(
        `${'  ratio'.padEnd(36)}${pad(`${(cur.best / base.best).toFixed(2)}x`, 12)}${pad(`${(cur.median / base.median).toFixed(2)}x`, 12)}`,
      );
    }
    // per CPU second: the rates the process achieved while it had a core (other jobs disturb them far less)
    log(
      `  per CPU second: this checkout best ${fmt(cur.bestCpu)}, median ${fmt(cur.medianCpu)}` +
        (base
          ? `; previous engine best ${fmt(base.bestCpu)}, median ${fmt(base.medianCpu)}; ratio ${(cur.bestCpu / base.bestCpu).toFixed(2)}x (median ${(cur.medianCpu / base.medianCpu).toFixed(2)}x)`
          : ''),
    );
    if (secondary) {
      log(
        `  ${secondary}: this checkout best ${fmt(cur.bestSecondary)}, median ${fmt(cur.medianSecondary)}` +
          (base ? `; previous engine best ${fmt(base.bestSecondary)}, median ${fmt(base.medianSecondary)}` : ''),
      );
    }
  };

  const progress = (side: string, m: Measurement) =>
    process.stderr.write(`  ${side}: ${fmt(m.rate)}/s (${m.seconds.toFixed(2)} s)\n`);

  log(`Simulation: the default scenario for ${opts.simDays} day(s), ${opts.runs} alternating runs of each engine`);
  const sim = compare('sim', ['--days', String(opts.simDays)], opts.runs, baselineRoot, progress);
  const sc = stats(sim.current);
  const sb = sim.baseline ? stats(sim.baseline) : undefined;
  table('simulation', 'blocks/s', sc, sb, 'commands/s (order submissions and cancels)');
  const sameSim = sim.baseline ? sim.baseline[0]!.stateHash === sim.current[0]!.stateHash : undefined;
  if (sameSim !== undefined)
    log(
      `  state hash ${sameSim ? 'identical to' : 'DIFFERENT from'} the previous engine's: ${sim.current[0]!.stateHash.slice(0, 16)}…`,
    );
  out['simulation'] = {
    days: opts.simDays,
    blocks: sim.current[0]!.count,
    blocksPerSec: Math.round(sc.best),
    medianBlocksPerSec: Math.round(sc.median),
    commandsPerSec: Math.round(sc.bestSecondary),
    baselineBlocksPerSec: sb ? Math.round(sb.best) : null,
    baselineMedianBlocksPerSec: sb ? Math.round(sb.median) : null,
    ratio: sb ? round2(sc.best / sb.best) : null,
    medianRatio: sb ? round2(sc.median / sb.median) : null,
    cpuBlocksPerSec: Math.round(sc.bestCpu),
    baselineCpuBlocksPerSec: sb ? Math.round(sb.bestCpu) : null,
    cpuRatio: sb ? round2(sc.bestCpu / sb.bestCpu) : null,
    sameStateHash: sameSim ?? null,
  };

  log();
  log(`Engine: ${fmt(opts.engineCommands)} commands (seed ${opts.seed}), ${opts.runs} alternating runs of each engine`);
  const eng = compare(
    'engine',
    ['--commands', String(opts.engineCommands), '--seed', String(opts.seed)],
    opts.runs,
    baselineRoot,
    progress,
  );
  const ec = stats(eng.current);
  const eb = eng.baseline ? stats(eng.baseline) : undefined;
  table('engine', 'orders/s', ec, eb);
  const sameEng = eng.baseline ? eng.baseline[0]!.stateHash === eng.current[0]!.stateHash : undefined;
  if (sameEng !== undefined) log(`  state hash ${sameEng ? 'identical to' : 'DIFFERENT from'} the previous engine's`);
  out['engineVsBaseline'] = {
    commands: opts.engineCommands,
    ordersPerSec: Math.round(ec.best),
    medianOrdersPerSec: Math.round(ec.median),
    baselineOrdersPerSec: eb ? Math.round(eb.best) : null,
    baselineMedianOrdersPerSec: eb ? Math.round(eb.median) : null,
    ratio: eb ? round2(ec.best / eb.best) : null,
    medianRatio: eb ? round2(ec.median / eb.median) : null,
    cpuOrdersPerSec: Math.round(ec.bestCpu),
    baselineCpuOrdersPerSec: eb ? Math.round(eb.bestCpu) : null,
    cpuRatio: eb ? round2(ec.bestCpu / eb.bestCpu) : null,
    sameStateHash: sameEng ?? null,
  };
  return out;
}

function main(): void {
  const opts = parseOptions(process.argv.slice(2));
  const results = { ...(opts.compareOnly ? {} : bookAndEngine(opts)), ...comparisons(opts) };
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(results, null, 2)}\n`);
  console.log();
  console.log(JSON.stringify(results));
  if (!opts.compareOnly) return;
  process.exit(0);
}

try {
  main();
  await (await import('./venue-bench.ts')).runVenueBench(); // the live venue under load (bench/venue-bench.ts)
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`bench: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  throw e;
}
