// Markets with more decimal places than their settlement asset (0070-MKTD: a price factor 10^(adp − mdp) below 1).
// Vega keeps prices in asset precision, truncating on the way in (trunc(p × 10^(adp − mdp))) and converting back for
// events and market data with ÷10^(adp − mdp). Here the asset USD has 5 decimals and the market 7: price factor
// 1/100, so market price 150 (0.0000150) is asset price trunc(1.5) = 1, which reads back as market price 100.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NS } from '../../../src/core/types.ts';
import { newExchange, plainMarket, USD, T0 } from '../fixtures.ts';

const RICH = 10n ** 12n;

function setup() {
  const ex = newExchange();
  const market = ex.createMarket(plainMarket('FINE', { decimalPlaces: USD.decimals + 2 }));
  for (const p of ['A', 'B', 'C', 'D']) assert.deepEqual(ex.deposit(p, 'USD', RICH), {});
  return { ex, market };
}

test('price factor below 1: conversions truncate into asset precision and scale back by 100', () => {
  const { market } = setup();
  assert.equal(market.toAsset(150), 1n);
  assert.equal(market.toAsset(199), 1n);
  assert.equal(market.toAsset(200), 2n);
  assert.equal(market.toAsset(99), 0n);
  assert.equal(market.toMarketPrice(1n), 100n);
  assert.equal(market.toMarketPrice(37n), 3700n);
});

test('price factor below 1: the opening auction uncrosses at the market price, the mark price is in asset units', () => {
  const { ex, market } = setup();
  const place = (party: string, side: 'buy' | 'sell', size: number, price: number) => {
    const r = ex.submitOrder({ marketId: 'FINE', party, side, size, price, type: 'LIMIT', tif: 'GTC' });
    assert.equal(r.error, undefined, `${party} ${side} ${size}@${price}: ${r.error}`);
    return r;
  };
  place('A', 'buy', 2, 100);
  place('A', 'sell', 1, 300);
  place('B', 'buy', 1, 150);
  place('C', 'sell', 1, 150);
  ex.advanceTo(T0 + 6n * NS);
  assert.equal(market.tradingMode, 'CONTINUOUS');
  // the trade at 150 is asset price trunc(1.5) = 1; market data reports it as 1 × 100 = 100
  assert.equal(market.markPrice, 1n);
  assert.equal(market.toMarketPrice(market.marketData().markPrice), 100n);
  // D's buy at 300 takes A's resting sell at 300: asset price 3
  const r = place('D', 'buy', 1, 300);
  assert.equal(r.trades.length, 1);
  assert.equal(r.trades[0]!.price, 3n, 'the passive price 300 is asset price 3');
  assert.equal(market.lastTradedPrice, 3n);
});

test('price factor below 1: a mid peg whose offset is below one asset unit is refused, a whole unit is taken', () => {
  const { ex } = setup();
  const peg = (party: string, side: 'buy' | 'sell', offset: number) =>
    ex.submitOrder({
      marketId: 'FINE',
      party,
      side,
      size: 1,
      type: 'LIMIT',
      tif: 'GTC',
      peg: { reference: 'MID', offset },
    });
  assert.equal(peg('A', 'buy', 99).error, 'invalid offset - pegged mid will cross');
  assert.equal(peg('A', 'sell', 1).error, 'invalid offset - pegged mid will cross');
  assert.equal(peg('A', 'buy', 100).error, undefined);
});
