// The network's disposal order (spec 0012-POSR liquidation strategy), worked out by hand: mid 1000 from a 990 / 1010
// book (price factor 1), slippage range 10 %, full disposal up to 20, half above it, at most half of the volume the
// book offers within the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disposalOrder, type DisposalBook } from '../../../src/core/liquidation/disposal.ts';
import { dec } from '../../../src/core/num/decimal.ts';
import type { Side } from '../../../src/core/types.ts';

const STRATEGY = {
  disposalTimeStep: 10,
  disposalFraction: dec('0.5'),
  fullDisposalSize: 20n,
  maxFractionConsumed: dec('0.5'),
  disposalSlippageRange: dec('0.1'),
};

/** A book offering `volume` to any order, recording the limits it was asked about. */
function book(volume: number) {
  const asked: [Side, number][] = [];
  const b: DisposalBook = {
    availableVolume: (side, price) => {
      asked.push([side, price]);
      return volume;
    },
  };
  return { b, asked };
}

test('a long network sells: limit mid × 0.9, half of a position above the full-disposal size, capped by the book', () => {
  const { b, asked } = book(30);
  // 50 > 20 → ceil(50 × 0.5) = 25; the book offers 30 within 900 → at most ceil(30 × 0.5) = 15
  assert.deepEqual(disposalOrder(STRATEGY, 50, 990n, 1010n, [], 1n, b), { side: 'sell', limit: 900, size: 15n });
  assert.deepEqual(asked, [['sell', 900]]);
});

test('a short network buys its whole position when it is small, up to mid × 1.1', () => {
  const { b } = book(100);
  assert.deepEqual(disposalOrder(STRATEGY, -10, 990n, 1010n, [], 1n, b), { side: 'buy', limit: 1100, size: 10n });
});

test('price-monitoring bounds narrow the limit; an empty book within it offers nothing', () => {
  const { b, asked } = book(0);
  assert.equal(disposalOrder(STRATEGY, 5, 990n, 1010n, [{ min: 950n, max: 1040n }], 1n, b), undefined);
  assert.deepEqual(asked, [['sell', 950]]);
  const short = book(8);
  // buy limit min(1100, 1040) = 1040; 6 ≤ 20 in full, the book's 8 allow ceil(4) = 4
  assert.deepEqual(disposalOrder(STRATEGY, -6, 990n, 1010n, [{ min: 950n, max: 1040n }], 1n, short.b), {
    side: 'buy',
    limit: 1040,
    size: 4n,
  });
});

test('limits are converted to market precision: a sell limit rounds up, a buy limit down', () => {
  // price factor 1000: mid 1,000,500 asset units → sell limit ceil(900,450 / 1000) = 901, buy floor(1,100,550 / 1000) = 1100
  assert.deepEqual(disposalOrder(STRATEGY, 1, 1_000_000n, 1_001_000n, [], 1000n, book(10).b)?.limit, 901);
  assert.deepEqual(disposalOrder(STRATEGY, -1, 1_000_000n, 1_001_000n, [], 1000n, book(10).b)?.limit, 1100);
});
