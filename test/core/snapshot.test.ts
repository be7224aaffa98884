// Exchange.snapshot() / Exchange.restore() (issue 11): random command streams with snapshot + restore (through JSON
// text) at random points must give the uninterrupted run's results, events and state hash after every later command
// in a window after the cut, then every 100 commands and at the end. Two streams: the engine property test's
// (futures and a perpetual with funding, close-outs, liquidity provisions, oracle data; test/core/property) and a
// spot market with AMM pools on a futures market (test/core/snapshot/spot-amm.ts). Later cuts snapshot an exchange
// that was itself restored. A snapshot of another format or version, a damaged one and one whose state does not
// hash to the recorded value are refused with a clear error.
// SNAPSHOT_COMMANDS=<n> and SNAPSHOT_SEED=<n> run longer streams or other seeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../src/core/exchange/exchange.ts';
import type { EngineEvent, EventSink } from '../../src/core/events.ts';
import { Decimal } from '../../src/core/num/decimal.ts';
import { Rng, TEST_PARAMS, newExchange } from './fixtures.ts';
import { execute, type Command } from './property/commands.ts';
import { Generator } from './property/generator.ts';
import { setupMarkets } from './property/run.ts';
import { executeSpotAmm, nextSpotAmm, spotAmmExchange, type SpotAmmCommand } from './snapshot/spot-amm.ts';

const N = Number(process.env.SNAPSHOT_COMMANDS ?? 12_000);
const SEED = Number(process.env.SNAPSHOT_SEED ?? 0x51a9);
const WINDOW = 150;

/** Events as text (bigints and decimals written out), captured per command. */
class Recorder implements EventSink {
  lines: string[] = [];
  on = true;
  emit(e: EngineEvent): void {
    if (!this.on) return;
    this.lines.push(
      JSON.stringify(e, (_k, v: unknown) =>
        typeof v === 'bigint' ? `${v}n` : v instanceof Decimal ? `${v.toString()}d` : v,
      ),
    );
  }
  take(): string[] {
    const out = this.lines;
    this.lines = [];
    return out;
  }
}

interface Stream<C> {
  readonly make: (sink: EventSink) => Exchange;
  readonly next: (main: Exchange, i: number) => C;
  readonly execute: (ex: Exchange, c: C) => string | undefined;
  /** called with each command's result on the main exchange (to aim later commands) */
  readonly after?: (c: C, main: Exchange) => void;
}

interface Follower {
  readonly ex: Exchange;
  readonly sink: Recorder;
  readonly from: number;
}

/** Runs the stream; snapshots and restores at `cuts`; returns what it checked. */
function runWithCuts<C>(s: Stream<C>, n: number, cuts: readonly number[]) {
  const sink = new Recorder();
  const main = s.make(sink);
  sink.take();
  const followers: Follower[] = [];
  let compared = 0;
  let snapshotBytes = 0;
  for (let i = 0; i < n; i++) {
    if (cuts.includes(i)) {
      // the first cut snapshots the uninterrupted exchange, later ones the last restored exchange
      const source = followers.length === 0 ? main : followers[followers.length - 1]!.ex;
      const text = JSON.stringify(source.snapshot());
      snapshotBytes = Math.max(snapshotBytes, text.length);
      const fs = new Recorder();
      const ex = Exchange.restore(JSON.parse(text), { sink: fs });
      assert.equal(ex.stateHash(), main.stateHash(), `state hash right after the restore at command ${i}`);
      assert.equal(ex.now(), main.now());
      followers.push({ ex, sink: fs, from: i });
    }
    const c = s.next(main, i);
    sink.on = followers.some((f) => i - f.from < WINDOW);
    const err = s.execute(main, c);
    s.after?.(c, main);
    const events = sink.take();
    for (const f of followers) {
      const inWindow = i - f.from < WINDOW;
      f.sink.on = inWindow;
      assert.equal(s.execute(f.ex, c), err, `command ${i} after the cut at ${f.from}: result`);
      const fe = f.sink.take();
      if (inWindow) assert.deepEqual(fe, events, `command ${i} after the cut at ${f.from}: events`);
      if (inWindow || i % 100 === 0 || i === n - 1) {
        assert.equal(f.ex.stateHash(), main.stateHash(), `command ${i} after the cut at ${f.from}: state hash`);
        compared++;
      }
    }
  }
  return { main, compared, snapshotBytes };
}

function cutsFor(rng: Rng, n: number, k: number): number[] {
  const out = new Set<number>();
  while (out.size < k) out.add(rng.int(1, n - WINDOW));
  return [...out].sort((a, b) => a - b);
}

test('futures and perpetual stream: snapshot + restore at random points gives the uninterrupted run', () => {
  const rng = new Rng(SEED);
  let gen: Generator | undefined;
  const stream: Stream<Command> = {
    make: (sink) => {
      const ex = newExchange({
        sink,
        params: {
          ...TEST_PARAMS,
          stakeToCcyVolume: Decimal.ZERO,
          slaNonPerformanceBondPenaltySlope: Decimal.ZERO,
          slaNonPerformanceBondPenaltyMax: Decimal.ZERO,
        },
      });
      setupMarkets(ex);
      gen = new Generator(new Rng(SEED ^ 0x9e37), ex);
      return ex;
    },
    next: () => gen!.next(),
    execute,
  };
  const cuts = cutsFor(rng, N, 4);
  const r = runWithCuts(stream, N, cuts);
  assert.ok(r.compared >= 4 * WINDOW, `compared ${r.compared} hashes`);
  // the stream reached the state worth restoring: positions, resting orders, liquidity provisions
  const m = r.main.market('PERP')!;
  assert.ok(m.marketData().openInterest > 0n, 'open interest on PERP');
});

test('spot and AMM stream: snapshot + restore at random points gives the uninterrupted run', () => {
  const rng = new Rng(SEED + 1);
  const draw = new Rng(SEED + 2);
  const placed: [string, string, string][] = [];
  let lastOrderId: [string, string, string] | undefined;
  const stream: Stream<SpotAmmCommand> = {
    make: (sink) => spotAmmExchange(sink),
    next: () => nextSpotAmm(draw, placed),
    execute: (ex, c) => {
      if (c.k !== 'submit') return executeSpotAmm(ex, c);
      const res = ex.submitOrder(c.sub);
      lastOrderId = res.order ? [c.sub.party, c.sub.marketId, res.order.id] : undefined;
      return res.error;
    },
    after: (c) => {
      if (c.k === 'submit' && lastOrderId) placed.push(lastOrderId);
      if (placed.length > 200) placed.splice(0, 100);
    },
  };
  const n = Math.max(2_000, Math.floor(N / 2));
  const cuts = cutsFor(rng, n, 4);
  const r = runWithCuts(stream, n, cuts);
  assert.ok(r.compared >= 4 * WINDOW);
  const pools = ['vamm1', 'vamm2'].map((p) => r.main.ammPool('ETH/MAR22', p)).filter((p) => p !== undefined);
  assert.ok(pools.length > 0, 'an AMM pool took part');
  assert.ok((r.main.market('BTC/ETH')!.marketData().lastTradedPrice ?? 0n) > 0n, 'the spot market traded');
});

test('restore refuses another format or version, damaged snapshots and a state that does not match its hash', () => {
  const ex = spotAmmExchange();
  const snap = ex.snapshot();
  const text = JSON.stringify(snap);
  const copy = () => JSON.parse(text) as Record<string, unknown> & { state: { nodes: unknown[][] } };
  assert.equal(Exchange.restore(copy()).stateHash(), ex.stateHash());
  assert.throws(() => Exchange.restore({ ...copy(), version: 999 }), /snapshot: version: this engine reads version 1/);
  assert.throws(() => Exchange.restore({ ...copy(), format: 'other' }), /snapshot: format: expected/);
  assert.throws(() => Exchange.restore('nonsense'), /snapshot: not an object/);
  assert.throws(
    () => Exchange.restore({ ...copy(), state: { parts: [], nodes: 3 } }),
    /snapshot: state: not a part list/,
  );
  // a balance changed: restores, but the state no longer hashes to the recorded value
  const tampered = copy();
  const i = text.indexOf('"b","2000000"');
  assert.ok(i > 0);
  const bad = JSON.parse(text.slice(0, i) + '"b","2000001"' + text.slice(i + '"b","2000000"'.length));
  assert.throws(
    () => Exchange.restore(bad),
    /snapshot: the restored state hashes to [0-9a-f]{64}, the snapshot recorded/,
  );
  // a dangling reference and a malformed node
  const nodes = tampered.state.nodes;
  let at = nodes.length - 1;
  while (nodes[at]![0] !== 'O') at--;
  nodes[at] = ['O', { x: ['r', 10_000_000] }];
  assert.throws(() => Exchange.restore(tampered), /snapshot: .*reference 10000000 is outside the node table/);
  const tampered2 = copy();
  tampered2.state.nodes[3] = ['?'];
  assert.throws(() => Exchange.restore(tampered2), /snapshot: /);
  // the snapshot is JSON-safe text: parse(stringify) is the identity
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(JSON.parse(text))));
});
