import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderBook, type BookOrder } from '../../../src/core/book/orderbook.ts';
import { markBookView } from '../../../src/core/pricing/mark.ts';
import type { Side } from '../../../src/core/types.ts';

let seq = 0;
function order(side: Side, price: number, size: number, peak = 0): BookOrder {
  return {
    id: `o${++seq}`,
    party: 'p',
    side,
    price,
    remaining: size,
    displayed: peak ? Math.min(peak, size) : size,
    peakSize: peak,
    minPeakSize: 0,
    bookLevel: null,
    bookPos: 0,
  };
}

test('mark book view: best prices and displayed-volume VWAP in asset precision (factor 100)', () => {
  const book = new OrderBook<BookOrder>();
  const view = markBookView(book, 100n);
  assert.equal(view.best('buy'), undefined, 'empty side has no best price');
  assert.equal(view.vwap('sell', 1n), undefined);
  // asks: 3 at 101, an iceberg of 10 showing 2 at 102, 5 at 104; bids: 4 at 99
  book.insert(order('sell', 101, 3));
  book.insert(order('sell', 102, 10, 2));
  book.insert(order('sell', 104, 5));
  book.insert(order('buy', 99, 4));
  assert.equal(view.best('sell'), 10100n);
  assert.equal(view.best('buy'), 9900n);
  assert.equal(view.vwap('sell', 0n), 10100n, 'volume 0 gives the best price');
  // 6 units: 3 × 10100 + 2 × 10200 (only the shown peak) + 1 × 10400 = 30300 + 20400 + 10400 = 61100; / 6 = 10183.33
  assert.equal(view.vwap('sell', 6n), 10183n);
  // the side shows 3 + 2 + 5 = 10 units: 11 is more than it holds
  assert.equal(view.vwap('sell', 10n), (30300n + 20400n + 52000n) / 10n);
  assert.equal(view.vwap('sell', 11n), undefined);
  assert.equal(view.vwap('buy', 4n), 9900n);
});
