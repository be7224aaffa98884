// AMMs in auctions (src/core/amm/auction.ts): without pools the indicative uncrossing must equal the book's own
// (an independent implementation, orderbook.ts), on seeded random crossed books; a pool's expanded orders must add
// up, from any price to its fair price, to the volume its curve trades there (pool.volumeUpTo); and an uncrossing
// trades exactly the indicative volume. Pool: features/amm/0090-VAMM-auction.feature's vamm1 (commitment 100000,
// base 100, bounds 90 / 110, the feature's log-normal risk model, initial factor 1.5, linear slippage 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal, riskFactors } from '../../../src/core/index.ts';
import { AmmEngine } from '../../../src/core/amm/engine.ts';
import type { AmmRiskInputs } from '../../../src/core/amm/pool.ts';
import { ammIndicative, ammUncross, poolShape } from '../../../src/core/amm/auction.ts';
import { OrderBook, type BookOrder } from '../../../src/core/book/orderbook.ts';
import type { Side } from '../../../src/core/types.ts';

const rf = riskFactors({
  kind: 'logNormal',
  riskAversionParameter: 0.001,
  tau: Number('0.0011407711613050422'),
  mu: 0,
  r: 0.9,
  sigma: 3,
});
const risk: AmmRiskInputs = {
  riskFactorLong: rf.long,
  riskFactorShort: rf.short,
  initialFactor: Decimal.parse('1.5'),
  linearSlippage: Decimal.ONE,
  priceFactor: 1n,
  priceDivisor: 1n,
  positionFactor: Decimal.ONE,
  allowedEmptyLevels: 100,
};
const scale = { priceFactor: 1n, priceDivisor: 1n };

let seq = 0;
function order(party: string, side: Side, price: number, size: number): BookOrder {
  return {
    id: `o${++seq}`,
    party,
    side,
    price,
    remaining: size,
    displayed: size,
    peakSize: 0,
    minPeakSize: 0,
    bookLevel: null,
    bookPos: 0,
  };
}

function engineWithPool(base: bigint, positions = new Map<string, bigint>()) {
  const eng = new AmmEngine('M', (p) => positions.get(p) ?? 0n);
  const pool = eng.create(
    {
      party: 'vamm1',
      marketId: 'M',
      commitment: 100000n,
      slippageTolerance: Decimal.parse('0.05'),
      proposedFee: Decimal.parse('0.03'),
      params: { base, lowerBound: base - 10n, upperBound: base + 10n },
    },
    risk,
    { quantum: Decimal.ONE, minCommitmentQuantum: Decimal.ONE, available: 1_000_000n },
  );
  eng.confirm(pool);
  return { eng, pool };
}

test('without pools the indicative uncrossing is the book’s own (seeded random crossed books)', () => {
  let s = 12345;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
  const eng = new AmmEngine('M', () => 0n);
  let compared = 0;
  for (let i = 0; i < 300; i++) {
    const book = new OrderBook<BookOrder>();
    for (let k = 0; k < 1 + rnd(8); k++) book.insert(order('b', 'buy', 95 + rnd(10), 1 + rnd(20)));
    for (let k = 0; k < 1 + rnd(8); k++) book.insert(order('s', 'sell', 95 + rnd(10), 1 + rnd(20)));
    const ref = book.indicative();
    const got = ammIndicative(book, eng, scale);
    if (!ref) {
      assert.equal(got, undefined);
      continue;
    }
    compared++;
    assert.ok(got);
    assert.equal(got.volume, ref.volume);
    assert.equal(got.price, BigInt(Math.floor((ref.lo + ref.hi) / 2)));
    assert.equal(got.side, ref.side);
  }
  assert.ok(compared > 100, `only ${compared} crossed books`);
});

test('a pool’s expanded orders add up to the volume its curve trades between a price and its fair price', () => {
  const { pool } = engineWithPool(100n);
  const shape = poolShape(pool, 93n, 107n);
  assert.ok(shape.buys.length > 0 && shape.sells.length > 0);
  for (let p = 93n; p < 100n; p++) {
    const bids = shape.buys.filter((o) => o.price >= p).reduce((a, o) => a + o.size, 0n);
    assert.equal(bids, pool.volumeUpTo('sell', p), `bids at or above ${p}`);
  }
  for (let p = 101n; p <= 107n; p++) {
    const asks = shape.sells.filter((o) => o.price <= p).reduce((a, o) => a + o.size, 0n);
    assert.equal(asks, pool.volumeUpTo('buy', p), `offers at or below ${p}`);
  }
  // no order at the fair price, none outside the region
  assert.ok(shape.buys.every((o) => o.price >= 93n && o.price < 100n));
  assert.ok(shape.sells.every((o) => o.price > 100n && o.price <= 107n));
});

test('a crossed book and pool uncross for exactly the indicative volume, every trade crossing the price', () => {
  const { eng, pool } = engineWithPool(100n);
  const book = new OrderBook<BookOrder>();
  book.insert(order('lp1', 'buy', 105, 50));
  book.insert(order('lp1', 'buy', 102, 50));
  const ind = ammIndicative(book, eng, scale);
  assert.ok(ind);
  // the book's bids above the pool's fair price meet the pool's offers between its fair price and the price
  assert.equal(BigInt(ind.volume), pool.volumeUpTo('buy', ind.price));
  const made: BookOrder[] = [];
  const matches = ammUncross(book, eng, ind, scale, (p, side, size) => {
    const o = order(p.subAccount, side, Number(ind.price), 0);
    o.remaining = 0;
    made.push(o);
    assert.equal(size > 0, true);
    return o;
  });
  assert.equal(
    matches.reduce((a, m) => a + m.size, 0),
    ind.volume,
  );
  for (const m of matches) {
    assert.equal(m.aggressor.side === 'buy' ? m.passive.side : m.aggressor.side, 'sell');
    assert.ok(m.aggressor.party === 'lp1' || m.passive.party === 'lp1');
  }
  // the pool's ephemeral position is released: it reads the positions engine again
  assert.equal(pool.position(), 0n);
});
