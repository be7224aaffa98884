// Vega's reasons for entry and amendment failures that depend on the order of its checks. Market as in
// flows.test.ts: asset and market decimals 0, PDP 0, simple risk model 0.1/0.1, linear slippage 0.1, scaling
// 1.1 / 1.2 / 1.4, so a resting buy of size 1 with the mark at 1000 needs initial margin 1.2 × 0.1 × 1000 = 120.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import { type FeeConfig, type MarketConfig } from '../../../src/core/config/market.ts';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';
import { NS } from '../../../src/core/types.ts';
import { plainMarket } from './plain-market.ts';

const T0 = 1_700_000_000n * NS;
const RICH = 1_000_000n;

// maker and infrastructure fees of 10% each: a fill of 1 at 1010 costs the aggressor ceil(101) + ceil(101) = 202
const FEES: FeeConfig = {
  makerFee: dec('0.1'),
  infrastructureFee: dec('0.1'),
  liquidityFee: Decimal.ZERO,
  buyBackFee: Decimal.ZERO,
  treasuryFee: Decimal.ZERO,
  liquidityFeeMethod: 'MARGINAL_COST',
};

const config = (fees: FeeConfig): MarketConfig => plainMarket(fees);

function opened(parties: Record<string, bigint>) {
  const ex = new Exchange({ now: T0, params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS } });
  ex.registerAsset({ id: 'USD', decimals: 0, quantum: Decimal.ONE });
  const market = ex.createMarket(config(FEES));
  for (const [party, amount] of Object.entries({ A: RICH, B: RICH, S: RICH, ...parties }))
    assert.deepEqual(ex.deposit(party, 'USD', amount), {});
  const place = (party: string, side: 'buy' | 'sell', price: number) => {
    const r = ex.submitOrder({ marketId: 'M', party, side, size: 1, price, type: 'LIMIT', tif: 'GTC' });
    assert.equal(r.error, undefined, `${party} ${side} @${price}: ${r.error}`);
    return r.order!;
  };
  place('A', 'buy', 1000);
  place('B', 'sell', 1000);
  ex.advanceTo(T0 + 2n * NS);
  assert.equal(market.tradingMode, 'CONTINUOUS');
  assert.equal(market.markPrice, 1000n);
  return { ex, market, place };
}

test('an amendment that would trade when the party cannot pay the fees: "party has insufficient funds to cover fees"', () => {
  // P holds 125: its buy at 990 takes 120 of initial margin; amended to 1010 it would take S's sell at 1010 and
  // owe 202 of fees, more than its 125 of general and margin together
  const { ex, market, place } = opened({ P: 125n });
  place('S', 'sell', 1010);
  const o = place('P', 'buy', 990);
  const r = ex.amendOrder({ orderId: o.id, marketId: 'M', party: 'P', price: 1010 });
  assert.equal(r.error, 'party has insufficient funds to cover fees');
  assert.equal(market.bestBid(), 990, 'the order keeps its price');
  assert.equal(market.bestAsk(), 1010, 'nothing traded');
  // a new order of P's that would trade is refused by its margin check (a second 120 of initial margin) first
  const n = ex.submitOrder({ marketId: 'M', party: 'P', side: 'buy', size: 1, price: 1010, type: 'LIMIT', tif: 'GTC' });
  assert.equal(n.error, 'margin check failed');
});

test('a reduce-only market order that would not reduce gets the reduce-only reason before the persistence check', () => {
  // Vega's submitValidatedOrder checks reduce-only right after registering the order, before the matching engine's
  // validation that refuses a GTC/GTT market order as "Invalid Persistence"
  const { ex } = opened({ P: RICH });
  const market = (tif: 'GTC' | 'GTT' | 'IOC', reduceOnly: boolean) =>
    ex.submitOrder({
      marketId: 'M',
      party: 'P',
      side: 'buy',
      size: 1,
      type: 'MARKET',
      tif,
      reduceOnly,
      ...(tif === 'GTT' ? { expiresAt: T0 + 100n * NS } : {}),
    });
  for (const tif of ['GTC', 'GTT', 'IOC'] as const) {
    const r = market(tif, true);
    assert.equal(r.error, 'OrderError: reduce only order would not reduce position', tif);
  }
  assert.equal(market('GTC', false).error, 'OrderError: Invalid Persistence');
  assert.equal(market('GTT', false).error, 'OrderError: Invalid Persistence');
});
