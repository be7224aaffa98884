// Stop-order pool (spec 0014-ORDT; R5 §B5, §B8): inclusive price triggers against the last traded price, falls-below
// by trigger descending then rises-above ascending, trailing triggers from the high/low-water mark since placement,
// expiry by time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec } from '../../../src/core/num/decimal.ts';
import { StopOrderPool, type StopDirection, type StopOrder } from '../../../src/core/book/stoporders.ts';

let seq = 0;
function stop(direction: StopDirection, trigger: StopOrder['trigger'], expiresAt?: bigint): StopOrder {
  const id = `${direction === 'FALLS_BELOW' ? 'fb' : 'ra'}${trigger.kind === 'price' ? trigger.price : '~'}#${++seq}`;
  return {
    id,
    marketId: 'M',
    party: 'p',
    direction,
    submission: { marketId: 'M', party: 'p', side: 'sell', size: 1, type: 'MARKET', tif: 'IOC', reduceOnly: true },
    ocoLink: undefined,
    expiresAt,
    expiryStrategy: 'CANCELS',
    trigger,
    sizeOverride: undefined,
    status: 'PENDING',
    createdAt: 0n,
    updatedAt: 0n,
    orderId: undefined,
    rejectionReason: undefined,
  };
}
const price = (direction: StopDirection, p: bigint, expiresAt?: bigint) =>
  stop(direction, { kind: 'price', price: p }, expiresAt);
const trailing = (direction: StopDirection, offset: string) =>
  stop(direction, { kind: 'trailing', offset: dec(offset) });

test('price triggers are inclusive: falls below at ≤ trigger, rises above at ≥ trigger', () => {
  const pool = new StopOrderPool();
  const fb = price('FALLS_BELOW', 100n);
  const ra = price('RISES_ABOVE', 110n);
  pool.add(fb);
  pool.add(ra);
  assert.deepEqual(pool.priceUpdated(101n), []);
  assert.deepEqual(pool.priceUpdated(100n), [fb]);
  assert.deepEqual(pool.priceUpdated(110n), [ra]);
  assert.deepEqual(pool.all(), []); // fired orders leave the pool
});

test('firing order: falls-below by trigger descending, then rises-above ascending', () => {
  // the pool unit test in R5 §B5: price 13 fires FB 15/14/13 and RA 10..13, in that order
  const pool = new StopOrderPool();
  for (const p of [13n, 15n, 12n, 14n]) pool.add(price('FALLS_BELOW', p));
  for (const p of [12n, 10n, 14n, 13n, 11n]) pool.add(price('RISES_ABOVE', p));
  const fired = pool
    .priceUpdated(13n)
    .map((s) => (s.trigger.kind === 'price' ? `${s.direction[0]}${s.trigger.price}` : '?'));
  assert.deepEqual(fired, ['F15', 'F14', 'F13', 'R10', 'R11', 'R12', 'R13']);
  assert.equal(pool.all().length, 2); // FB 12 and RA 14 still pending
});

test('trailing falls-below: 5% from the high of 60 fires at 57, not at 58', () => {
  const pool = new StopOrderPool();
  pool.priceUpdated(50n);
  const s = trailing('FALLS_BELOW', '0.05'); // reference: the last price seen, 50
  pool.add(s);
  assert.deepEqual(pool.priceUpdated(60n), []); // new high-water mark 60
  assert.deepEqual(pool.priceUpdated(58n), []); // 60 × 0.95 = 57
  assert.deepEqual(pool.priceUpdated(57n), [s]);
});

test('trailing rises-above: 5% from the low of 40 fires at 42, not at 41', () => {
  const pool = new StopOrderPool();
  pool.priceUpdated(50n);
  const s = trailing('RISES_ABOVE', '0.05');
  pool.add(s);
  assert.deepEqual(pool.priceUpdated(40n), []); // new low-water mark 40
  assert.deepEqual(pool.priceUpdated(41n), []); // 40 × 1.05 = 42
  assert.deepEqual(pool.priceUpdated(42n), [s]);
});

test('trailing triggers never fire at submission; price triggers do when already reached', () => {
  assert.equal(StopOrderPool.firesAt(price('FALLS_BELOW', 100n), 100n), true);
  assert.equal(StopOrderPool.firesAt(price('RISES_ABOVE', 100n), 99n), false);
  assert.equal(StopOrderPool.firesAt(price('RISES_ABOVE', 100n), undefined), false);
  assert.equal(StopOrderPool.firesAt(trailing('FALLS_BELOW', '0.05'), 1n), false);
});

test('due(now) lists the orders expiring at or before now, earliest first, without removing them', () => {
  const pool = new StopOrderPool();
  const a = price('FALLS_BELOW', 1n, 10n);
  const b = price('FALLS_BELOW', 1n, 5n);
  const c = price('FALLS_BELOW', 1n, 20n);
  const never = price('FALLS_BELOW', 1n);
  [a, b, c, never].forEach((s) => pool.add(s));
  assert.deepEqual(pool.due(10n), [b, a]);
  assert.equal(pool.all().length, 4);
  assert.equal(pool.countFor('p'), 4);
  assert.equal(pool.remove(a.id), a);
  assert.deepEqual(pool.due(10n), [b]);
});
