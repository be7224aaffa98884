// Runs one benchmark (the 1-day default simulation, or the engine workload) in child processes against this checkout
// and against a baseline checkout, alternating A B A B … so that both see the same machine conditions, and reports
// best and median of each with their ratio. Every child of one engine must end in the same state hash.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './baseline.ts';

export interface Measurement {
  readonly seconds: number;
  /** CPU time of the run (user + system) */
  readonly cpuSeconds: number;
  readonly rate: number;
  readonly secondaryRate?: number;
  readonly stateHash: string;
  readonly count: number;
}

export interface Side {
  readonly label: string;
  readonly root: string;
}

export interface Comparison {
  readonly current: Measurement[];
  readonly baseline: Measurement[] | undefined;
}

function measureOnce(root: string, kind: 'sim' | 'engine', args: string[]): Measurement {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'bench', 'measure.ts'), '--root', root, '--kind', kind, ...args],
    { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  const line = out.trim().split('\n').pop() ?? '';
  const j = JSON.parse(line) as Record<string, number | string | boolean>;
  if (kind === 'sim') {
    if (j['conserved'] !== true) throw new Error(`simulation in ${root}: money was not conserved`);
    return {
      seconds: j['seconds'] as number,
      cpuSeconds: j['cpuSeconds'] as number,
      rate: j['blocksPerSec'] as number,
      secondaryRate: j['commandsPerSec'] as number,
      stateHash: j['stateHash'] as string,
      count: j['blocks'] as number,
    };
  }
  return {
    seconds: j['seconds'] as number,
    cpuSeconds: j['cpuSeconds'] as number,
    rate: j['ordersPerSec'] as number,
    stateHash: j['stateHash'] as string,
    count: j['commands'] as number,
  };
}

/** `runs` alternating measurements of each side; the baseline side is skipped when `baselineRoot` is undefined. */
export function compare(
  kind: 'sim' | 'engine',
  args: string[],
  runs: number,
  baselineRoot: string | undefined,
  onRun?: (side: string, m: Measurement) => void,
): Comparison {
  const current: Measurement[] = [];
  const baseline: Measurement[] = [];
  const check = (name: string, xs: Measurement[]) => {
    if (xs.length > 1 && xs[xs.length - 1]!.stateHash !== xs[0]!.stateHash) {
      throw new Error(
        `${kind} benchmark: the ${name} engine ended in different states on two runs (not deterministic)`,
      );
    }
  };
  for (let r = 0; r < runs; r++) {
    const a = measureOnce(REPO_ROOT, kind, args);
    current.push(a);
    check('current', current);
    onRun?.('current', a);
    if (baselineRoot !== undefined) {
      const b = measureOnce(baselineRoot, kind, args);
      baseline.push(b);
      check('baseline', baseline);
      onRun?.('baseline', b);
    }
  }
  return { current, baseline: baselineRoot !== undefined ? baseline : undefined };
}
