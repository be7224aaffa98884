// The network's take-over of distressed positions (spec 0012-POSR): the whole open volume of each distressed party
// trades with the network at the mark price, the network on the other side, no fees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkTakeOverTrades } from '../../../src/core/liquidation/closeout.ts';
import { NETWORK_PARTY } from '../../../src/core/types.ts';

function host(volumes: Record<string, number>) {
  let n = 0;
  return {
    marketId: 'M',
    markPrice: 150_000n,
    priceFactor: 100n,
    now: 7n,
    openVolume: (p: string) => volumes[p] ?? 0,
    nextTradeId: () => `t${++n}`,
  };
}

test('a long party sells its 3 to the network and a short party buys its 2 back, both at the mark price', () => {
  const trades = networkTakeOverTrades(['long', 'flat', 'short'], host({ long: 3, short: -2, flat: 0 }));
  assert.deepEqual(
    trades.map((t) => [t.id, t.buyer, t.seller, t.size, t.price, t.marketPrice, t.aggressor, t.type]),
    [
      ['t1', NETWORK_PARTY, 'long', 3, 150_000n, 1500n, 'buy', 'NETWORK_CLOSE_OUT_BAD'],
      ['t2', 'short', NETWORK_PARTY, 2, 150_000n, 1500n, 'sell', 'NETWORK_CLOSE_OUT_BAD'],
    ],
  );
  for (const t of trades) {
    assert.equal(t.buyerFee.makerFee + t.buyerFee.infrastructureFee + t.buyerFee.liquidityFee, 0n);
    assert.equal(t.timestamp, 7n);
  }
});

test('a party listed twice is taken over once', () => {
  assert.equal(networkTakeOverTrades(['a', 'a'], host({ a: -5 })).length, 1);
});
