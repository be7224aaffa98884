// Positions engine (spec 0006-POSI): signed open volume, potential buy/sell volume of live orders, and the average
// entry price (floored VWAP of the opening trades; kept on reduce, reset on flip, 0 when flat).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Positions } from '../../../src/core/positions/positions.ts';

test('a trade moves open volume: the buyer up, the seller down', () => {
  const p = new Positions();
  p.applyTrade('A', 'B', 7, false, false, 100n);
  assert.equal(p.get('A')!.openVolume, 7);
  assert.equal(p.get('B')!.openVolume, -7);
  assert.equal(p.openInterest(), 7);
});

test('potentials: orders add to buy/sell, matched order volume and cancels take it away', () => {
  const p = new Positions();
  p.registerOrder('A', 'buy', 10);
  p.registerOrder('B', 'sell', 4);
  // B's resting sell fills 4 of A's buy: both matched from orders
  p.applyTrade('A', 'B', 4, true, true, 100n);
  assert.deepEqual([p.get('A')!.buy, p.get('B')!.sell], [6, 0]);
  p.unregisterOrder('A', 'buy', 6);
  assert.equal(p.get('A')!.buy, 0);
  assert.equal(p.get('B')!.isEmpty(), false); // still short 4
  assert.throws(() => p.unregisterOrder('A', 'buy', 1), /negative/);
});

test('average entry price is re-averaged (floored) when the position grows', () => {
  const p = new Positions();
  p.applyTrade('A', 'B', 100, false, false, 50n);
  p.applyTrade('A', 'B', 25, false, false, 100n);
  // (100 × 50 + 25 × 100) / 125 = 60
  assert.equal(p.get('A')!.averageEntryPrice, 60n);
  p.applyTrade('A', 'B', 1, false, false, 61n);
  // (125 × 60 + 1 × 61) / 126 = 7561 / 126 = 60.007… → 60
  assert.equal(p.get('A')!.averageEntryPrice, 60n);
  assert.equal(p.get('B')!.averageEntryPrice, 60n); // shorts average the same way
});

test('average entry price is kept on a reduce, reset on a flip and 0 when flat', () => {
  const p = new Positions();
  p.applyTrade('A', 'B', 100, false, false, 50n);
  p.applyTrade('B', 'A', 25, false, false, 100n); // A sells 25: reduce
  assert.deepEqual([p.get('A')!.openVolume, p.get('A')!.averageEntryPrice], [75, 50n]);
  p.applyTrade('B', 'A', 100, false, false, 70n); // A sells 100: long 75 → short 25
  assert.deepEqual([p.get('A')!.openVolume, p.get('A')!.averageEntryPrice], [-25, 70n]);
  p.applyTrade('A', 'B', 25, false, false, 80n); // back to flat
  assert.deepEqual([p.get('A')!.openVolume, p.get('A')!.averageEntryPrice], [0, 0n]);
});

test('positions iterate in first-seen order; remove forgets a party', () => {
  const p = new Positions();
  p.registerOrder('C', 'buy', 1);
  p.applyTrade('A', 'B', 1, false, false, 1n);
  assert.deepEqual(
    [...p.all()].map((x) => x.party),
    ['C', 'A', 'B'],
  );
  p.remove('A');
  assert.equal(p.get('A'), undefined);
  assert.equal(p.size, 2);
});
