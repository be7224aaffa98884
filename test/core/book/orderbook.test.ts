import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderBook, NO_LIMIT_BUY, type BookOrder } from '../../../src/core/book/orderbook.ts';
import type { Side } from '../../../src/core/types.ts';

let seq = 0;
function order(party: string, side: Side, price: number, size: number, peak = 0, minPeak = 0): BookOrder {
  return {
    id: `o${++seq}`,
    party,
    side,
    price,
    remaining: size,
    displayed: peak ? Math.min(peak, size) : size,
    peakSize: peak,
    minPeakSize: minPeak,
    bookLevel: null,
    bookPos: 0,
  };
}

test('price then time priority', () => {
  const b = new OrderBook<BookOrder>();
  const a1 = order('a', 'sell', 101, 5);
  const a2 = order('b', 'sell', 100, 5);
  const a3 = order('c', 'sell', 100, 5);
  [a1, a2, a3].forEach((o) => b.insert(o));
  assert.equal(b.bestAsk(), 100);
  const r = b.match('x', 'buy', 101, 12);
  assert.deepEqual(
    r.fills.map((f) => [f.passive.id, f.size, f.price]),
    [
      [a2.id, 5, 100],
      [a3.id, 5, 100],
      [a1.id, 2, 101],
    ],
  );
  assert.equal(r.filled, 12);
  assert.equal(b.volumeAt('sell', 100), 0);
  assert.equal(b.volumeAt('sell', 101), 3);
  assert.equal(b.bestAsk(), 101);
});

test('limit stops matching and market orders sweep', () => {
  const b = new OrderBook<BookOrder>();
  b.insert(order('a', 'buy', 99, 5));
  b.insert(order('a', 'buy', 98, 5));
  assert.equal(b.match('x', 'sell', 99, 20).filled, 5);
  assert.equal(b.match('x', 'sell', 0, 20).filled, 5);
  assert.ok(b.isEmpty());
});

test('cancel removes volume and empty levels, lazily compacting queues', () => {
  const b = new OrderBook<BookOrder>();
  const os = Array.from({ length: 200 }, () => order('a', 'buy', 50, 1));
  os.forEach((o) => b.insert(o));
  os.slice(0, 150).forEach((o) => b.remove(o));
  assert.equal(b.volumeAt('buy', 50), 50);
  const r = b.match('x', 'sell', 50, 1);
  assert.equal(r.fills[0]!.passive, os[150]);
  os.slice(151).forEach((o) => b.remove(o));
  assert.equal(b.bestBid(), undefined);
});

test('self-trade stops the aggressor at its own order', () => {
  const b = new OrderBook<BookOrder>();
  b.insert(order('a', 'sell', 100, 2));
  b.insert(order('x', 'sell', 100, 2));
  b.insert(order('b', 'sell', 100, 2));
  const r = b.match('x', 'buy', NO_LIMIT_BUY, 6);
  assert.equal(r.filled, 2);
  assert.ok(r.selfTrade);
});

test('simulate does not change the book', () => {
  const b = new OrderBook<BookOrder>();
  b.insert(order('a', 'sell', 100, 2));
  const r = b.simulate('x', 'buy', 100, 5);
  assert.equal(r.filled, 2);
  assert.equal(b.volumeAt('sell', 100), 2);
});

test('icebergs: visible volume first, then hidden split pro rata by remaining (0014-ORDT spec example)', () => {
  const b = new OrderBook<BookOrder>();
  const i1 = order('a', 'sell', 100, 210, 10, 5);
  const i2 = order('b', 'sell', 100, 110, 10, 5);
  const i3 = order('c', 'sell', 100, 110, 10, 5);
  [i1, i2, i3].forEach((o) => b.insert(o));
  assert.equal(b.volumeAt('sell', 100), 430); // depth shows the full size
  const r = b.match('x', 'buy', 100, 330);
  // 30 displayed, then 300 split 200:100:100 -> 150, 75, 75
  const byOrder = new Map<string, number>();
  for (const f of r.fills) byOrder.set(f.passive.id, (byOrder.get(f.passive.id) ?? 0) + f.size);
  assert.deepEqual([byOrder.get(i1.id), byOrder.get(i2.id), byOrder.get(i3.id)], [160, 85, 85]);
  assert.deepEqual([i1.remaining, i2.remaining, i3.remaining], [50, 25, 25]);
  // refreshed in the order they became eligible, displayed back to the peak
  assert.deepEqual([i1.displayed, i2.displayed, i3.displayed], [10, 10, 10]);
});

test('an iceberg refresh loses time priority', () => {
  const b = new OrderBook<BookOrder>();
  const berg = order('a', 'sell', 100, 50, 10, 5);
  const plain = order('b', 'sell', 100, 10);
  b.insert(berg);
  b.insert(plain);
  b.match('x', 'buy', 100, 6); // berg displayed 10 -> 4 < 5: refresh to the back
  const r = b.match('x', 'buy', 100, 1);
  assert.equal(r.fills[0]!.passive, plain);
});
