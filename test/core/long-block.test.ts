// Network-wide long-block auctions (spec 0094-PRAC) on the Exchange API: the auction.LongBlock table, a market
// entering the auction, an auction in progress extended only when the long-block one ends later, markets in their
// opening auction left alone, and the table's validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../src/core/exchange/exchange.ts';
import { NS } from '../../src/core/types.ts';
import { T0, USD, plainMarket } from './fixtures.ts';

function setup() {
  const ex = new Exchange({
    now: T0,
    params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS },
  });
  ex.registerAsset(USD);
  for (const p of ['a', 'b']) assert.deepEqual(ex.deposit(p, USD.id, 10n ** 12n), {});
  const market = (id: string, opening = 1) => ex.createMarket(plainMarket(id, { openingAuctionDuration: opening }));
  const order = (m: string, party: string, side: 'buy' | 'sell', price: number) =>
    ex.submitOrder({ marketId: m, party, side, size: 1, price, type: 'LIMIT', tif: 'GTC' });
  const open = (m: string) => {
    order(m, 'a', 'buy', 1000);
    order(m, 'b', 'sell', 1000);
    order(m, 'a', 'buy', 900);
    order(m, 'b', 'sell', 1100);
  };
  return { ex, market, order, open };
}

test('a block longer than a threshold puts continuous markets into an auction of the matching duration', () => {
  const { ex, market, order, open } = setup();
  const m = market('M');
  open('M');
  ex.nextBlock(2n * NS);
  assert.equal(m.tradingMode, 'CONTINUOUS');
  const pending = market('P', 100); // still in its opening auction: unaffected
  // default table: 10s → 1m, 1m → 5m, …; 5 s is below every threshold
  ex.beginBlock(5n * NS);
  assert.equal(m.tradingMode, 'CONTINUOUS');
  // 90 s: the largest threshold below it is 1m, so a 5-minute auction
  ex.beginBlock(90n * NS);
  assert.equal(m.tradingMode, 'LONG_BLOCK_AUCTION');
  assert.equal(m.auction?.trigger, 'LONG_BLOCK');
  assert.equal(m.auction!.end - m.auction!.start, 300n * NS);
  assert.equal(pending.tradingMode, 'OPENING_AUCTION');
  assert.equal(pending.auction?.trigger, 'OPENING');
  // crossing orders do not trade during the auction
  assert.equal(order('M', 'a', 'buy', 1050).trades.length, 0);
  assert.equal(order('M', 'b', 'sell', 1050).trades.length, 0);
  for (let i = 0; i < 300; i++) ex.nextBlock(NS);
  assert.equal(m.tradingMode, 'LONG_BLOCK_AUCTION');
  ex.nextBlock(NS);
  assert.equal(m.tradingMode, 'CONTINUOUS');
  assert.equal(m.lastTradedPrice, 1050n);
});

test('an auction in progress is extended only when the long-block auction would end later', () => {
  const { ex, market, open } = setup();
  const m = market('M');
  open('M');
  ex.nextBlock(2n * NS);
  ex.setNetworkParameter(
    'auction.LongBlock',
    JSON.stringify({
      threshold_and_duration: [
        { threshold: '40s', duration: '10m' },
        { threshold: '3s', duration: '1m' },
      ],
    }),
  );
  // governance suspension: no other trigger affects the market (0094-PRAC-007)
  assert.deepEqual(ex.updateMarketState('M', 'SUSPEND'), {});
  ex.beginBlock(90n * NS);
  assert.equal(m.tradingMode, 'SUSPENDED_VIA_GOVERNANCE');
  assert.equal(m.auction?.extensionTrigger, 'UNSPECIFIED');
  assert.deepEqual(ex.updateMarketState('M', 'RESUME'), {});
  // a 1-minute long-block auction, 5 s in a 10-minute one: the longer one is extended to 5 s + 10 min from its start
  ex.beginBlock(5n * NS);
  const start = m.auction!.start;
  assert.equal(m.auction!.end, start + 60n * NS);
  for (let i = 0; i < 5; i++) ex.nextBlock(NS);
  ex.beginBlock(90n * NS);
  assert.equal(m.tradingMode, 'LONG_BLOCK_AUCTION');
  assert.equal(m.auction!.trigger, 'LONG_BLOCK');
  assert.equal(m.auction!.extensionTrigger, 'LONG_BLOCK');
  assert.equal(m.auction!.end, start + 605n * NS);
  // a shorter one changes nothing
  ex.beginBlock(5n * NS);
  assert.equal(m.auction!.end, start + 605n * NS);
});

test('auction.LongBlock is validated', () => {
  const { ex } = setup();
  assert.throws(() => ex.setNetworkParameter('auction.LongBlock', '{'), /auction\.LongBlock: not JSON/);
  assert.throws(
    () => ex.setNetworkParameter('auction.LongBlock', JSON.stringify({ threshold_and_duration: [{ threshold: 'x' }] })),
    /row 1 needs threshold and duration strings/,
  );
  assert.throws(
    () =>
      ex.setNetworkParameter(
        'auction.LongBlock',
        JSON.stringify({
          threshold_and_duration: [
            { threshold: '3s', duration: '1m' },
            { threshold: '3s', duration: '2m' },
          ],
        }),
      ),
    /duplicate threshold/,
  );
});
