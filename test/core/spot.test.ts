// Spot markets (spec 0080-SPOT) on the Exchange API: holdings put aside for resting orders, a continuous trade's
// base and quote deliveries and fees in quote, the funds checks with Vega's reasons (nothing changes on a refusal),
// cancellation and amendment releases, auction fee cover, and conservation of every asset. Expected amounts are
// computed by hand in the comments from the spec's rules (0080-SPOT §7, 0029-FEES: fees rounded up).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../src/core/exchange/exchange.ts';
import { Decimal, dec } from '../../src/core/num/decimal.ts';
import { NS } from '../../src/core/types.ts';
import { T0 } from './fixtures.ts';
import { spotSpec } from './spot-fixture.ts';

// base BTC with 2 decimals, quote ETH with 2 decimals; prices and sizes with 0 decimals: a size of 1 is 100 BTC
// units (10^(2-0)), a price of 1000 is 100000 ETH units (10^(2-0)), a trade of 1 at 1000 moves 100000 ETH units
const BTC = { id: 'BTC', decimals: 2, quantum: Decimal.ONE };
const ETH = { id: 'ETH', decimals: 2, quantum: Decimal.ONE };

const limit = (party: string, side: 'buy' | 'sell', size: number, price: number, tif: 'GTC' | 'GFA' = 'GTC') => ({
  marketId: 'BTC/ETH',
  party,
  side,
  size,
  price,
  type: 'LIMIT' as const,
  tif,
});

function bal(ex: Exchange, party: string, type: 'GENERAL' | 'HOLDING', asset: string): bigint {
  return ex.ledger.get(party, type, asset)?.balance ?? 0n;
}

function balances(ex: Exchange): string[] {
  return [...ex.ledger.all()].map((a) => `${a.id}=${a.balance}`).sort();
}

/** Every asset's accounts (EXTERNAL excluded) sum to its net deposits. */
function assertConserved(ex: Exchange): void {
  for (const asset of ['BTC', 'ETH']) assert.equal(ex.ledger.totalHeld(asset), ex.ledger.netDeposits(asset), asset);
}

/** A market out of its opening auction with no trade, `seller` holding 5 BTC, `buyer` 10000 ETH. */
function setup() {
  const ex = new Exchange({ now: T0, params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS } });
  ex.registerAsset(BTC);
  ex.registerAsset(ETH);
  ex.createSpotMarket(spotSpec());
  assert.deepEqual(ex.deposit('seller', 'BTC', 500n), {});
  assert.deepEqual(ex.deposit('buyer', 'ETH', 1_000_000n), {});
  // the opening auction uncrosses one unit at 1000 between two other parties (no fees in an opening auction)
  assert.deepEqual(ex.deposit('a', 'ETH', 100_000n), {});
  assert.deepEqual(ex.deposit('b', 'BTC', 100n), {});
  assert.equal(ex.submitOrder(limit('a', 'buy', 1, 1000, 'GFA')).error, undefined);
  assert.equal(ex.submitOrder(limit('b', 'sell', 1, 1000)).error, undefined);
  ex.nextBlock(2n * NS);
  assert.equal(ex.market('BTC/ETH')!.tradingMode, 'CONTINUOUS');
  // a: paid 100000 ETH units for 100 BTC units; b: the reverse
  assert.equal(bal(ex, 'a', 'GENERAL', 'BTC'), 100n);
  assert.equal(bal(ex, 'b', 'GENERAL', 'ETH'), 100_000n);
  assert.equal(bal(ex, 'a', 'HOLDING', 'ETH'), 0n);
  return ex;
}

test('resting orders put their value aside: quote for a buy, base for a sell', () => {
  const ex = setup();
  assert.equal(ex.submitOrder(limit('buyer', 'buy', 2, 900)).error, undefined);
  // 2 × 900 × 100 = 180000 ETH units held
  assert.equal(bal(ex, 'buyer', 'HOLDING', 'ETH'), 180_000n);
  assert.equal(bal(ex, 'buyer', 'GENERAL', 'ETH'), 820_000n);
  assert.equal(ex.submitOrder(limit('seller', 'sell', 3, 1100)).error, undefined);
  // 3 × 100 BTC units
  assert.equal(bal(ex, 'seller', 'HOLDING', 'BTC'), 300n);
  assert.equal(bal(ex, 'seller', 'GENERAL', 'BTC'), 200n);
  assertConserved(ex);
});

test('a continuous trade delivers base and quote; the aggressor pays the fees in quote, the maker gets its fee', () => {
  const ex = setup();
  assert.equal(ex.submitOrder(limit('seller', 'sell', 2, 1100)).error, undefined);
  const res = ex.submitOrder(limit('buyer', 'buy', 2, 1100));
  assert.equal(res.error, undefined);
  assert.equal(res.trades.length, 1);
  // value 2 × 1100 × 100 = 220000; maker fee ceil(0.005 × 220000) = 1100, infrastructure ceil(0.002 × 220000) = 440
  assert.equal(bal(ex, 'buyer', 'GENERAL', 'ETH'), 1_000_000n - 220_000n - 1100n - 440n);
  assert.equal(bal(ex, 'buyer', 'GENERAL', 'BTC'), 200n);
  assert.equal(bal(ex, 'seller', 'GENERAL', 'ETH'), 220_000n + 1100n);
  assert.equal(bal(ex, 'seller', 'HOLDING', 'BTC'), 0n);
  assert.equal(bal(ex, 'seller', 'GENERAL', 'BTC'), 300n);
  assertConserved(ex);
});

test('a seller as aggressor pays its fees out of the quote it receives (0080-SPOT-010)', () => {
  const ex = setup();
  assert.equal(ex.submitOrder(limit('buyer', 'buy', 1, 1000)).error, undefined);
  const res = ex.submitOrder(limit('seller', 'sell', 1, 1000));
  assert.equal(res.trades.length, 1);
  // the seller had no ETH: it receives 100000 and pays ceil(500) + ceil(200) = 700
  assert.equal(bal(ex, 'seller', 'GENERAL', 'ETH'), 100_000n - 700n);
  // the buyer's holding went to the seller and it received the maker fee of 500
  assert.equal(bal(ex, 'buyer', 'HOLDING', 'ETH'), 0n);
  assert.equal(bal(ex, 'buyer', 'GENERAL', 'ETH'), 1_000_000n - 100_000n + 500n);
  assertConserved(ex);
});

test('orders the party cannot cover are refused with Vega reasons and change nothing', () => {
  const ex = setup();
  const before = balances(ex);
  // 10 × 1000 × 100 = 1000000 plus fees on it: more than the 1000000 held
  const buy = ex.submitOrder(limit('buyer', 'buy', 10, 1000));
  assert.equal(buy.error, 'party does not have sufficient balance to cover the trade and fees');
  // 6 BTC = 600 units, 500 held
  const sell = ex.submitOrder(limit('seller', 'sell', 6, 2000));
  assert.equal(sell.error, 'party does not have sufficient balance to cover the trade and fees');
  // no general account in the base asset at all
  const none = ex.submitOrder(limit('buyer', 'sell', 1, 2000));
  assert.equal(none.error, 'party has insufficient balance in asset');
  assert.deepEqual(balances(ex), before);
  assert.equal(ex.market('BTC/ETH')!.liveOrderCount(), 0);
});

test('a cancellation releases the holding; an amendment re-holds for the new price and size', () => {
  const ex = setup();
  const o = ex.submitOrder(limit('buyer', 'buy', 2, 900)).order!;
  assert.equal(bal(ex, 'buyer', 'HOLDING', 'ETH'), 180_000n);
  assert.equal(ex.amendOrder({ marketId: 'BTC/ETH', party: 'buyer', orderId: o.id, price: 800 }).error, undefined);
  // 2 × 800 × 100
  assert.equal(bal(ex, 'buyer', 'HOLDING', 'ETH'), 160_000n);
  assert.equal(ex.amendOrder({ marketId: 'BTC/ETH', party: 'buyer', orderId: o.id, sizeDelta: -1 }).error, undefined);
  assert.equal(bal(ex, 'buyer', 'HOLDING', 'ETH'), 80_000n);
  // up to 20 at 800 would hold 1600000: refused, nothing changes
  const before = balances(ex);
  const up = ex.amendOrder({ marketId: 'BTC/ETH', party: 'buyer', orderId: o.id, sizeDelta: 19 });
  assert.equal(up.error, 'party does not have sufficient balance to cover the trade and fees');
  assert.deepEqual(balances(ex), before);
  assert.equal(ex.cancelOrder('buyer', 'BTC/ETH', o.id).error, undefined);
  assert.equal(bal(ex, 'buyer', 'HOLDING', 'ETH'), 0n);
  assert.equal(bal(ex, 'buyer', 'GENERAL', 'ETH'), 1_000_000n);
  // a sell that grows beyond the base held
  const s = ex.submitOrder(limit('seller', 'sell', 4, 1500)).order!;
  const grow = ex.amendOrder({ marketId: 'BTC/ETH', party: 'seller', orderId: s.id, sizeDelta: 2 });
  assert.equal(grow.error, 'party does not have sufficient balance to cover the new size');
  assert.equal(bal(ex, 'seller', 'HOLDING', 'BTC'), 400n);
  assertConserved(ex);
});

test('entering a price auction holds the auction fees of resting buys; leaving releases them', () => {
  const ex = new Exchange({ now: T0, params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS } });
  ex.registerAsset(BTC);
  ex.registerAsset(ETH);
  // a trigger that any move of more than 1% breaches (simple model: bounds at ±1% of 1000)
  ex.createSpotMarket(
    spotSpec({
      riskModel: {
        kind: 'simple',
        factorLong: dec('0.1'),
        factorShort: dec('0.1'),
        maxMoveUp: dec('10'),
        minMoveDown: dec('-10'),
        probabilityOfTrading: dec('0.1'),
      },
      priceMonitoringTriggers: [{ horizon: 60, probability: dec('0.95'), auctionExtension: 60 }],
    }),
  );
  for (const [p, a, n] of [
    ['a', 'ETH', 1_000_000n],
    ['b', 'BTC', 1000n],
    ['c', 'ETH', 100_000n],
  ] as const)
    assert.deepEqual(ex.deposit(p, a, n), {});
  assert.equal(ex.submitOrder(limit('a', 'buy', 1, 1000, 'GFA')).error, undefined);
  assert.equal(ex.submitOrder(limit('b', 'sell', 1, 1000)).error, undefined);
  ex.nextBlock(2n * NS);
  // c rests a buy of 1 at 990: 99000 held
  assert.equal(ex.submitOrder(limit('c', 'buy', 1, 990)).error, undefined);
  assert.equal(bal(ex, 'c', 'HOLDING', 'ETH'), 99_000n);
  // a trade at 1020 is outside the ±10 bounds: b's sell rests, a's persistent buy starts the auction
  assert.equal(ex.submitOrder(limit('b', 'sell', 1, 1020)).error, undefined);
  assert.equal(ex.submitOrder(limit('a', 'buy', 1, 1020)).error, undefined);
  assert.equal(ex.market('BTC/ETH')!.tradingMode, 'MONITORING_AUCTION');
  // c's half of the auction infrastructure fee on 99000: ceil(ceil(0.002 × 99000) / 2) = ceil(198 / 2) = 99
  assert.equal(bal(ex, 'c', 'HOLDING', 'ETH'), 99_000n + 99n);
  ex.nextBlock(61n * NS);
  ex.nextBlock(NS);
  assert.equal(ex.market('BTC/ETH')!.tradingMode, 'CONTINUOUS');
  // c's order did not trade (990 < the uncrossing price): its fee cover is released
  assert.equal(bal(ex, 'c', 'HOLDING', 'ETH'), 99_000n);
  assertConserved(ex);
});

test('a spot market needs two different, registered assets', () => {
  const ex = new Exchange({ now: T0 });
  ex.registerAsset(BTC);
  assert.throws(() => ex.createSpotMarket(spotSpec()), /quoteAsset: asset "ETH" is not registered/);
  ex.registerAsset(ETH);
  assert.throws(
    () => ex.createSpotMarket(spotSpec({ quoteAsset: 'BTC' })),
    /baseAsset: must differ from the quote asset/,
  );
  assert.equal(ex.market('BTC/ETH'), undefined);
});
