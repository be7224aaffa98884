// Price monitoring (spec 0032-PRIM; vega-formulas.md §3): triggers sorted by horizon then probability descending;
// the reference price of a horizon is the last averaged past price at or before now − horizon (else the earliest,
// else the first price of the current instant); bounds = [ceil(ref × down), floor(ref × up)], inclusive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec } from '../../../src/core/num/decimal.ts';
import { PriceMonitor } from '../../../src/core/pricing/pricemonitor.ts';
import { NS } from '../../../src/core/types.ts';

const T = (s: number) => BigInt(s) * NS;
const trig = (horizon: number, probability = '0.95') => ({
  horizon,
  probability: dec(probability),
  auctionExtension: 10,
});

test('triggers are sorted by horizon ascending, then probability descending', () => {
  const m = new PriceMonitor([trig(60, '0.95'), trig(5, '0.95'), trig(60, '0.99'), trig(5, '0.999')]);
  assert.deepEqual(
    m.triggers.map((t) => `${t.horizon}@${t.probability.toString()}`),
    ['5@0.999', '5@0.95', '60@0.99', '60@0.95'],
  );
});

test('reference price per horizon from the averaged history', () => {
  const m = new PriceMonitor([trig(5), trig(15)]);
  m.record(100n, T(0));
  m.record(101n, T(0)); // same instant: averaged to 100.5
  m.record(300n, T(10));
  m.record(400n, T(20)); // current instant, not yet history
  assert.equal(m.refPrice(T(5), T(20))!.toString(), '300'); // last ≤ 20 − 5 = 15 → t=10
  assert.equal(m.refPrice(T(15), T(20))!.toString(), '100.5'); // last ≤ 5 → t=0
  assert.equal(m.refPrice(T(60), T(20))!.toString(), '100.5'); // none ≤ −40 → the earliest
});

test('without history the reference is the first price of the current instant', () => {
  const m = new PriceMonitor([trig(5)]);
  assert.equal(m.refPrice(T(5), T(0)), undefined);
  assert.equal(m.findBreach([1n], T(0)), undefined); // nothing seen yet: no bounds
  m.record(500n, T(0));
  m.record(700n, T(0));
  assert.equal(m.refPrice(T(5), T(0))!.toString(), '500');
});

test('bounds are ceil(ref × down) and floor(ref × up), default factors 0.9 / 1.1', () => {
  const m = new PriceMonitor([trig(5)]);
  m.record(100n, T(0));
  m.record(101n, T(0));
  m.roll(T(1));
  const b = m.bounds(m.triggers[0]!, T(10))!;
  // ref 100.5: 100.5 × 0.9 = 90.45 → 91; 100.5 × 1.1 = 110.55 → 110
  assert.deepEqual([b.ref.toString(), b.min, b.max], ['100.5', 91n, 110n]);
});

function monitor() {
  const m = new PriceMonitor([trig(5), trig(60)]);
  m.reset(1000n, T(0));
  // the 5s trigger keeps 0.9/1.1 → [900, 1100]; the 60s trigger is narrowed to [950, 1050]
  m.triggers[1]!.factors = { down: dec('0.95'), up: dec('1.05') };
  return m;
}

test('findBreach: bounds are inclusive, the first active trigger in sort order is returned', () => {
  const m = monitor();
  const [t5, t60] = m.triggers;
  assert.equal(m.findBreach([950n, 1050n], T(0)), undefined);
  assert.equal(m.findBreach([1051n], T(0)), t60); // only the narrow one
  assert.equal(m.findBreach([1000n, 1101n], T(0)), t5); // both: the first in order wins
});

test('findBreach does not consume the trigger; reactivateAll and reset bring all back', () => {
  const m = monitor();
  const [t5, t60] = m.triggers;
  assert.equal(m.findBreach([1101n], T(0)), t5);
  assert.equal(t5!.active, true);
  assert.equal(m.findBreach([1101n], T(0)), t5);
  t5!.active = false; // consumed by the caller (auction entry)
  assert.equal(m.findBreach([1101n], T(0)), t60);
  m.reactivateAll();
  assert.equal(m.findBreach([1101n], T(0)), t5);
  t5!.active = false;
  t60!.active = false;
  m.reset(2000n, T(30)); // history restarts from 2000, all triggers active
  assert.equal(m.refPrice(T(60), T(30))!.toString(), '2000');
  assert.deepEqual(
    m.triggers.map((t) => t.active),
    [true, true],
  );
});

test('updateTriggers keeps the history and resets factors to 0.9 / 1.1', () => {
  const m = new PriceMonitor([trig(5)]);
  m.record(1000n, T(0));
  m.roll(T(10));
  m.recalculate(T(10), () => ({ down: dec('0.8'), up: dec('1.2') }));
  assert.equal(m.triggers[0]!.factors.up.toString(), '1.2');
  m.updateTriggers([trig(5), trig(10)]);
  assert.deepEqual(
    m.triggers.map((t) => `${t.factors.down.toString()}/${t.factors.up.toString()}`),
    ['0.9/1.1', '0.9/1.1'],
  );
  assert.equal(m.refPrice(T(5), T(10))!.toString(), '1000');
});

test('bounds follow new factors and a new reference price (the per-trigger reuse of the last bounds)', () => {
  const m = new PriceMonitor([trig(5)]);
  const t = m.triggers[0]!;
  m.record(1000n, T(0));
  m.roll(T(1));
  const first = m.bounds(t, T(1))!;
  assert.deepEqual([first.min, first.max], [900n, 1100n]);
  assert.equal(m.bounds(t, T(2)), first, 'nothing changed: the same bounds');
  // a state-variable calculation replaces the factors
  m.recalculate(T(2), () => ({ down: dec('0.8'), up: dec('1.25') }));
  const b = m.bounds(t, T(2))!;
  assert.deepEqual([b.min, b.max, b.down.toString(), b.up.toString()], [800n, 1250n, '800', '1250']);
  // the window moves on to a later average: the reference price, and so the bounds, change
  m.record(2000n, T(3));
  m.roll(T(4));
  const c = m.bounds(t, T(9))!;
  assert.deepEqual([c.ref.toString(), c.min, c.max], ['2000', 1600n, 2500n]);
});
