// Reproductions of engine bugs the property test found (test/core/property.test.ts), each fixed: the exact command
// sequence that broke an invariant, on a small continuous market.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../src/core/exchange/exchange.ts';
import type { Market } from '../../src/core/market/market.ts';
import type { OrderSubmission } from '../../src/core/commands.ts';
import type { Side } from '../../src/core/types.ts';
import { NS } from '../../src/core/types.ts';
import { USD, continuousMarket, newExchange, simpleMarket } from './fixtures.ts';

function reproMarket(cfg: Partial<Parameters<typeof continuousMarket>[1]> = {}): { ex: Exchange; m: Market } {
  const ex = newExchange();
  const m = ex.createMarket(continuousMarket('M', cfg));
  for (const p of ['a', 'b', 'c', 'd']) assert.equal(ex.deposit(p, USD.id, 10n ** 12n).error, undefined);
  return { ex, m };
}

const lim = (party: string, side: Side, size: number, price: number): OrderSubmission => ({
  marketId: 'M',
  party,
  side,
  size,
  price,
  type: 'LIMIT',
  tif: 'GTC',
});
const crossed = (m: Market) => (m.bestBid() ?? 0) >= (m.bestAsk() ?? Infinity);

test('repro: amending a pegged sell to BEST_BID + 0 must not leave the book crossed', () => {
  const { ex, m } = reproMarket();
  ex.submitOrder(lim('a', 'buy', 100, 99000));
  ex.submitOrder(lim('b', 'sell', 100, 101000));
  const peg = ex.submitOrder({
    marketId: 'M',
    party: 'c',
    side: 'sell',
    size: 100,
    type: 'LIMIT',
    tif: 'GTC',
    peg: { reference: 'BEST_ASK', offset: 5 },
  });
  assert.equal(peg.order?.price, 101005);
  const r = ex.amendOrder({
    orderId: peg.order!.id,
    marketId: 'M',
    party: 'c',
    peggedReference: 'BEST_BID',
    peggedOffset: 0,
  });
  assert.equal(r.error, 'OrderError: sell cannot reference best bid price');
  assert.ok(!crossed(m), `book crossed: bid ${m.bestBid()} ask ${m.bestAsk()}`);
});

test('repro: amending a MID peg to offset 0 must not cross a one-tick spread', () => {
  const { ex, m } = reproMarket();
  ex.submitOrder(lim('a', 'buy', 100, 99995));
  ex.submitOrder(lim('b', 'sell', 100, 100000));
  const peg = ex.submitOrder({
    marketId: 'M',
    party: 'c',
    side: 'buy',
    size: 100,
    type: 'LIMIT',
    tif: 'GTC',
    peg: { reference: 'MID', offset: 5 },
  });
  assert.equal(peg.error, undefined);
  const r = ex.amendOrder({ orderId: peg.order!.id, marketId: 'M', party: 'c', peggedOffset: 0 });
  assert.equal(r.error, 'OrderError: offset must be greater than zero');
  assert.ok(!crossed(m), `book crossed: bid ${m.bestBid()} ask ${m.bestAsk()}`);
});

test('repro: a pegged order that trades on entry and starts a price auction must not throw', () => {
  const { ex, m } = reproMarket({ priceMonitoringTriggers: simpleMarket().priceMonitoringTriggers });
  ex.submitOrder(lim('a', 'buy', 100, 100000));
  ex.submitOrder(lim('b', 'sell', 100, 100000));
  ex.nextBlock(NS); // mark price 1000.00; price monitoring bounds ±5%
  ex.submitOrder(lim('a', 'buy', 100, 99000));
  ex.submitOrder(lim('b', 'sell', 100, 110000));
  const peg = ex.submitOrder({
    marketId: 'M',
    party: 'c',
    side: 'buy',
    size: 100,
    type: 'LIMIT',
    tif: 'GTC',
    peg: { reference: 'BEST_BID', offset: 0 },
  });
  ex.amendOrder({ orderId: peg.order!.id, marketId: 'M', party: 'c', peggedReference: 'BEST_ASK' }); // buy now at 1100.00
  const sell = {
    marketId: 'M',
    party: 'd',
    side: 'sell' as const,
    size: 100,
    type: 'LIMIT' as const,
    tif: 'GTC' as const,
    peg: { reference: 'BEST_ASK' as const, offset: 0 },
  };
  assert.doesNotThrow(() => ex.submitOrder(sell));
  const pos = m.position('d');
  assert.ok(!pos || (pos.buy >= 0 && pos.sell >= 0), `potential volume of d: ${pos?.buy}/${pos?.sell}`);
});
