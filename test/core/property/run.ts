// One property-test run (test/core/property.test.ts): generates (seed) or replays a command stream on a fresh
// exchange, checking the invariants after every command when asked.
import type { Exchange } from '../../../src/core/exchange/exchange.ts';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { Rng, TEST_PARAMS, futureMarket, logNormalMarket, newExchange, perpMarket, simpleMarket } from '../fixtures.ts';
import { CHECKPOINT_EVERY, SHORT_RUN, type Command, execute, kinds } from './commands.ts';
import { Generator } from './generator.ts';
import { Checker, type Counts, type ProblemKind } from './checker.ts';

// ------------------------------------------------------------------ runs

export interface RunResult {
  readonly commands: Command[];
  readonly errors: (string | undefined)[];
  readonly hashes: Map<number, string>;
  readonly finalHash: string;
  readonly problems: Record<ProblemKind, string[]>;
  readonly counts: Counts;
  readonly ms: number;
  readonly exchange: Exchange;
}

export function setupMarkets(ex: Exchange): void {
  ex.createMarket(simpleMarket());
  ex.createMarket(logNormalMarket());
  ex.createMarket(perpMarket());
  ex.createMarket(futureMarket());
}

/** Generates (seed) or replays (commands) a stream; `verify` turns the per-command invariant checks on. */
export function run(opts: { seed?: number; replay?: readonly Command[]; n: number; verify: boolean }): RunResult {
  const started = performance.now();
  const checker = new Checker(opts.verify);
  // LPs of this stream post no quotes: with Vega's stakeToCcyVolume of 1 they would miss the SLA every epoch and their
  // penalties would flood the insurance pools, so no close-out could ever reach loss socialisation. At 0 (as in Vega's
  // own test harness) an LP meets the SLA whenever the book has a mid price.
  // For the same reason SLA bond penalties are off (the fee penalties still run).
  const ex = newExchange({
    sink: checker,
    params: {
      ...TEST_PARAMS,
      stakeToCcyVolume: Decimal.ZERO,
      slaNonPerformanceBondPenaltySlope: Decimal.ZERO,
      slaNonPerformanceBondPenaltyMax: Decimal.ZERO,
    },
  });
  setupMarkets(ex);
  const gen = opts.replay ? undefined : new Generator(new Rng(opts.seed ?? 1), ex);
  const commands: Command[] = [];
  const errors: (string | undefined)[] = [];
  const hashes = new Map<number, string>();
  const net = checker.netDeposits;
  if (opts.verify) checker.check(ex);
  for (let i = 0; i < opts.n; i++) {
    const c = opts.replay ? opts.replay[i]! : gen!.next();
    commands.push(c);
    checker.index = i;
    checker.command = c;
    let error: string | undefined;
    try {
      error = execute(ex, c);
    } catch (e) {
      error = `THROWN ${(e as Error).message}`;
      checker.count('thrown');
      checker.problem('thrown', `unexpected exception: ${(e as Error).stack ?? String(e)}`);
    }
    errors.push(error);
    if (error) {
      checker.count('rejections');
      checker.count(`error:${error.startsWith('THROWN') ? 'THROWN' : error}`);
    } else {
      checker.count(`ok:${c.k}`);
      for (const kind of kinds(c)) checker.count(kind);
      if (c.k === 'deposit') net.set(c.asset, (net.get(c.asset) ?? 0n) + c.amount);
      else if (c.k === 'withdraw') net.set(c.asset, (net.get(c.asset) ?? 0n) - c.amount);
      else if (c.k === 'insurance') {
        const asset = ex.market(c.market)!.asset;
        net.set(asset, (net.get(asset) ?? 0n) + c.amount);
      }
    }
    if (opts.verify) checker.check(ex);
    if ((i + 1) % CHECKPOINT_EVERY === 0 || i + 1 === SHORT_RUN) hashes.set(i + 1, ex.stateHash());
  }
  return {
    commands,
    errors,
    hashes,
    finalHash: ex.stateHash(),
    problems: checker.problems,
    counts: checker.counts,
    ms: performance.now() - started,
    exchange: ex,
  };
}
