// Batch market instructions (spec 0074-BTCH) on the Exchange API: processing order, per-instruction errors, funds
// released by a cancellation available to a later submission, duplicate amendments, a failed margin-mode change and
// the batch size limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../src/core/exchange/exchange.ts';
import { dec } from '../../src/core/num/decimal.ts';
import { NS } from '../../src/core/types.ts';
import { T0, USD, plainMarket } from './fixtures.ts';

function setup(funds = 10n ** 12n) {
  const ex = new Exchange({ now: T0, params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS } });
  ex.registerAsset(USD);
  ex.createMarket(plainMarket('M'));
  for (const p of ['a', 'b']) assert.deepEqual(ex.deposit(p, USD.id, 10n ** 12n), {});
  assert.deepEqual(ex.deposit('mm', USD.id, funds), {});
  const limit = (side: 'buy' | 'sell', price: number, size = 1, reference = '') => ({
    marketId: 'M',
    side,
    size,
    price,
    type: 'LIMIT' as const,
    tif: 'GTC' as const,
    reference,
  });
  for (const [p, s, px] of [
    ['a', 'buy', 1000],
    ['b', 'sell', 1000],
    ['a', 'buy', 900],
    ['b', 'sell', 1100],
  ] as const)
    assert.equal(ex.submitOrder({ ...limit(s, px), party: p }).error, undefined);
  ex.nextBlock(2n * NS);
  return { ex, limit };
}

test('cancellations, then amendments, then submissions, each validated when its turn comes', () => {
  const { ex, limit } = setup();
  const a = ex.submitOrder({ ...limit('buy', 950, 1, 'A'), party: 'mm' }).order!;
  const b = ex.submitOrder({ ...limit('buy', 940, 1, 'B'), party: 'mm' }).order!;
  const res = ex.batch({
    party: 'mm',
    // listed out of order on purpose: the batch still cancels first, amends second, submits last
    submissions: [limit('sell', 1050, 2, 'C')],
    amendments: [
      { marketId: 'M', orderId: b.id, price: 945 },
      { marketId: 'M', orderId: b.id, price: 946 },
      { marketId: 'M', orderId: a.id, price: 960 },
    ],
    cancellations: [{ marketId: 'M', orderId: a.id }],
  });
  assert.equal(res.error, undefined);
  assert.deepEqual(
    res.results.map((r) => [r.kind, r.index, r.error]),
    [
      ['cancel', 0, undefined],
      ['amend', 0, undefined],
      ['amend', 1, 'OrderError: order already amended in batch'],
      // A was cancelled by the first instruction, so its amendment fails when its turn comes
      ['amend', 2, ex.amendOrder({ marketId: 'M', orderId: a.id, party: 'mm', price: 1 }).error],
      ['submit', 0, undefined],
    ],
  );
  assert.ok(res.results[3]!.error);
  const live = [...ex.market('M')!.liveOrders()].filter((o) => o.party === 'mm');
  assert.deepEqual(live.map((o) => [o.reference, o.price]).sort(), [
    ['B', 945],
    ['C', 1050],
  ]);
});

test('funds released by a cancellation are available to a later submission of the same batch', () => {
  const { ex, limit } = setup();
  const m = ex.market('M')!;
  const need = ex.submitOrder({ ...limit('buy', 990, 400, 'one'), party: 'mm' });
  assert.equal(need.error, undefined);
  const held = ex.ledger.get('mm', 'MARGIN', USD.id, 'M')!.balance;
  // give mm just enough for what it holds now plus a little: a second order of the same size fails on its own…
  const general = ex.ledger.get('mm', 'GENERAL', USD.id)!.balance;
  assert.deepEqual(ex.withdraw('mm', USD.id, general - held / 10n), {});
  assert.equal(ex.submitOrder({ ...limit('buy', 980, 400, 'two'), party: 'mm' }).error, 'margin check failed');
  // …but replacing the first one in a batch works: the cancellation releases its margin before the submission
  const res = ex.batch({
    party: 'mm',
    cancellations: [{ marketId: 'M', orderId: need.order!.id }],
    submissions: [limit('buy', 980, 400, 'two')],
  });
  assert.deepEqual(
    res.results.map((r) => r.error),
    [undefined, undefined],
  );
  assert.deepEqual(
    [...m.liveOrders()].filter((o) => o.party === 'mm').map((o) => o.reference),
    ['two'],
  );
});

test('a failed margin-mode change stops the later submissions for its market; empty and oversized batches are refused', () => {
  const { ex, limit } = setup();
  const res = ex.batch({
    party: 'mm',
    // a factor below the risk factor + slippage is refused
    marginMode: { marketId: 'M', mode: 'isolated', marginFactor: dec('0.01') },
    submissions: [limit('buy', 950)],
  });
  assert.equal(res.results.length, 2);
  assert.ok(res.results[0]!.error);
  assert.deepEqual([res.results[1]!.kind, res.results[1]!.error], ['submit', 'margin mode update failed']);
  assert.deepEqual(ex.batch({ party: 'mm' }), { error: 'batch: empty', results: [] });
  ex.setNetworkParameter('spam.protection.max.batchSize', '2');
  const big = ex.batch({ party: 'mm', submissions: [limit('buy', 1), limit('buy', 2), limit('buy', 3)] });
  assert.deepEqual(big, { error: 'batch: 3 instructions exceed the limit of 2', results: [] });
  assert.equal([...ex.market('M')!.liveOrders()].filter((o) => o.party === 'mm').length, 0);
});
