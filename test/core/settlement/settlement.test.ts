// Mark-to-market settlement (spec 0003-MTMK; vega-formulas.md §2.8, R3 §2.2–2.3):
//   mtm = [V_prev × (M − M_prev) + Σ size × (M − price)] / positionFactor, |mtm| truncated toward zero;
//   losses first, then wins and zeros (each in positions order); a truncation remainder goes one unit to each
//   zero-share winner that traded or holds a position, then the rest to the first largest exact winner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { Positions } from '../../../src/core/positions/positions.ts';
import { SettlementEngine, type MtmResult } from '../../../src/core/settlement/settlement.ts';
import { NETWORK_PARTY } from '../../../src/core/types.ts';

function setup(positionFactor = Decimal.ONE) {
  const positions = new Positions();
  const engine = new SettlementEngine(positionFactor);
  const trade = (buyer: string, seller: string, price: bigint, size: number) => {
    positions.applyTrade(buyer, seller, size, false, false, price);
    engine.addTrade(buyer, seller, price, size);
  };
  const settle = (mark: bigint) => engine.settleMTM(mark, positions.all());
  return { positions, engine, trade, settle };
}

const amounts = (r: MtmResult) => r.entries.map((e) => [e.party, e.amount]);

test('MTM counts the prior position from the last mark and each trade from its price', () => {
  const { trade, settle } = setup();
  trade('A', 'B', 100n, 10);
  settle(100n);
  trade('A', 'B', 110n, 5);
  // A: 10 × (120 − 100) + 5 × (120 − 110) = 200 + 50 = 250; B is the mirror image
  assert.deepEqual(amounts(settle(120n)), [
    ['B', -250n],
    ['A', 250n],
  ]);
});

test('amounts are truncated toward zero, for losses as well as wins', () => {
  const { trade, settle } = setup(Decimal.fromInt(10)); // PDP 1
  trade('A', 'B', 100n, 3);
  // ±3 × (107 − 100) / 10 = ±2.1 → ±2 (a floor would give −3 for B)
  const r = settle(107n);
  assert.deepEqual(amounts(r), [
    ['B', -2n],
    ['A', 2n],
  ]);
  assert.equal(r.entries[0]!.total, -21n); // −2.1 before truncation, times the position factor 10
});

test('losses come first, then wins and zero amounts, each in positions order', () => {
  const { positions, trade, settle } = setup();
  trade('W1', 'L1', 100n, 2);
  positions.registerOrder('C', 'buy', 1); // orders only: a zero entry among the wins
  trade('W2', 'L2', 100n, 1);
  // at 105: W1 +2×5 = 10, L1 −10, C 0, W2 +1×5 = 5, L2 −5
  assert.deepEqual(amounts(settle(105n)), [
    ['L1', -10n],
    ['L2', -5n],
    ['W1', 10n],
    ['C', 0n],
    ['W2', 5n],
  ]);
});

test('remainder: one unit to each zero-share winner, the rest to the largest exact winner', () => {
  const { positions, trade, settle } = setup(Decimal.fromInt(10));
  trade('W1', 'L', 100n, 1);
  trade('W2', 'L', 100n, 3);
  trade('W3', 'L', 100n, 2);
  positions.registerOrder('C', 'buy', 1); // no trade and no position: never gets a unit
  // at 109 (÷10): W1 0.9 → 0, W2 2.7 → 2, W3 1.8 → 1, L −5.4 → −5; delta = 5 − 3 = 2
  // → W1 (zero share) +1, then the last unit to W2 (largest exact win 2.7)
  assert.deepEqual(amounts(settle(109n)), [
    ['L', -5n],
    ['W1', 1n],
    ['W2', 3n],
    ['W3', 1n],
    ['C', 0n],
  ]);
});

test('remainder: among equal largest winners the first one in positions order gets it', () => {
  const { trade, settle } = setup(Decimal.fromInt(10));
  trade('W1', 'L', 100n, 2);
  trade('W2', 'L', 100n, 2);
  // at 109: W1 = W2 = 1.8 → 1, L −3.6 → −3; delta 1 → W1
  assert.deepEqual(amounts(settle(109n)), [
    ['L', -3n],
    ['W1', 2n],
    ['W2', 1n],
  ]);
});

test('positionFactor: PDP 2 divides by 100, PDP −3 multiplies by 1000', () => {
  const pdp2 = setup(Decimal.fromInt(100));
  pdp2.trade('A', 'B', 1000n, 150); // 1.50 contracts
  // 150 × (1010 − 1000) / 100 = 15
  assert.deepEqual(amounts(pdp2.settle(1010n)), [
    ['B', -15n],
    ['A', 15n],
  ]);

  const pdpMinus3 = setup(Decimal.ONE.div(Decimal.fromInt(1000)));
  pdpMinus3.trade('A', 'B', 1000n, 2); // 2000 contracts
  // 2 × (1001 − 1000) / 0.001 = 2000
  assert.deepEqual(amounts(pdpMinus3.settle(1001n)), [
    ['B', -2000n],
    ['A', 2000n],
  ]);
});

test('no trades and an unchanged mark: no MTM entry, but every position still gets settle-position data', () => {
  const { engine, trade, settle } = setup();
  trade('A', 'B', 100n, 1);
  settle(100n);
  assert.equal(engine.hasTraded(), false);
  const r = settle(100n);
  assert.deepEqual(r.entries, []);
  assert.deepEqual(r.settled, [
    { party: 'A', trades: [] },
    { party: 'B', trades: [] },
  ]);
});

test("a close-out is left out of the network's settle-position trades but marked from its price", () => {
  for (const networkSize of [5, -5]) {
    const { positions, engine, settle } = setup();
    const [buyer, seller] = networkSize > 0 ? [NETWORK_PARTY, 'X'] : ['X', NETWORK_PARTY];
    positions.applyTrade(buyer, seller, 5, false, false, 100n);
    positions.remove('X');
    engine.addCloseOut(networkSize, 100n, NETWORK_PARTY);
    // long 5 from 100 marked at 110: +50; short 5 from 100 marked at 90: +50
    const mark = networkSize > 0 ? 110n : 90n;
    const r = settle(mark);
    assert.deepEqual(r.settled, [{ party: NETWORK_PARTY, trades: [] }]);
    assert.deepEqual(amounts(r), [[NETWORK_PARTY, 50n]]);
  }
});
