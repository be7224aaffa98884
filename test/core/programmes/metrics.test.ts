// The position-based reward metrics (0056-REWA) and the distribution rules, with numbers worked by hand from the
// spec's formulas and Vega's integer time weights (weights tₙ/t scaled by 10⁷ and truncated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { MarketActivity } from '../../../src/core/programmes/activity.ts';
import { activityMetric, lastNotional, notionalTraded, takerFeesPaid } from '../../../src/core/programmes/metrics.ts';
import { parseRankTable, payouts, shares } from '../../../src/core/programmes/distribution.ts';

const S = 1_000_000_000n; // ns per second
const d = (v: string) => Decimal.parse(v);

test('time-weighted position and notional: P̄ ← P̄(1 − tₙ/t) + |Pₙ|tₙ/t, the notional revalued at the mark price', () => {
  const a = new MarketActivity('USD', Decimal.ONE);
  // epoch [0 s, 100 s]: 'a' buys 10 at 100 at 20 s, so holds 10 for 80 of the 100 s
  a.onTrade('a', 'b', 10, 100n, 20n * S, 0n);
  a.setMarkPrice(110n);
  a.closeEpoch(0n, 100n * S);
  const e = a.closed[0]!;
  // P̄ = 10 × 80/100 = 8 (scaled by 10⁷)
  assert.equal(e.twPosition.get('a'), 80_000_000n);
  // notional 10 × 100 = 1000 revalued at the mark price 110: 1100 × 80/100 = 880
  assert.equal(e.twNotional.get('a'), 880n);
  assert.equal(lastNotional([a], 'a'), 880n);
  // average notional metric over a window of 1: 880 / 10⁷ (Vega descales the time weight)
  assert.equal(activityMetric('AVERAGE_NOTIONAL', [a], 'a', 1)!.toString(), '0.000088');
  assert.equal(activityMetric('AVERAGE_NOTIONAL', [a], 'nobody', 1), undefined);
});

test('a position change mid-epoch weights both positions, each update truncated', () => {
  const a = new MarketActivity('USD', Decimal.ONE);
  a.onTrade('a', 'b', 10, 100n, 20n * S, 0n);
  // at 60 s 'a' sells 5: weight 40/60 = 0.6666666 → P̄ = 10 × 0.6666666 = 6.666666
  a.onTrade('b', 'a', 5, 100n, 60n * S, 0n);
  a.closeEpoch(0n, 100n * S);
  // at 100 s: weight 40/100 = 0.4 → 6.666666 × 0.6 + 5 × 0.4 = 3.9999996 + 2 = 5.9999996 (exactly: 6)
  assert.equal(a.closed[0]!.twPosition.get('a'), 59_999_996n);
});

test('relative return r = (wins − losses) / P̄, averaged over the window; volatility 1 / variance of the returns', () => {
  const a = new MarketActivity('USD', Decimal.ONE);
  a.onTrade('a', 'b', 10, 100n, 20n * S, 0n);
  a.onMarkToMarket('a', 50n);
  a.onMarkToMarket('a', -10n);
  a.closeEpoch(0n, 100n * S);
  // (50 − 10) / 8 = 5
  assert.equal(a.closed[0]!.returns.get('a')!.toString(), '5');
  // the next epoch 'a' holds 10 all along: P̄ = 10; a win of 30 → r = 3
  a.onMarkToMarket('a', 30n);
  a.closeEpoch(100n * S, 200n * S);
  assert.equal(a.closed[1]!.returns.get('a')!.toString(), '3');
  // relative return over 2 epochs: (5 + 3) / 2 = 4; over a window of 3 still divided by 3: 8/3
  assert.equal(activityMetric('RELATIVE_RETURN', [a], 'a', 2)!.toString(), '4');
  assert.equal(activityMetric('RELATIVE_RETURN', [a], 'a', 3)!.toString(), '2.6666666666666667');
  // volatility: returns {5, 3}, mean 4, variance ((1)² + (−1)²)/2 = 1 → 1 / 1 = 1
  assert.equal(activityMetric('RETURN_VOLATILITY', [a], 'a', 2)!.toString(), '1');
  // a single return is not enough for a variance
  assert.equal(activityMetric('RETURN_VOLATILITY', [a], 'a', 1), undefined);
});

test('realised returns: funding plus the PnL of reductions against the average entry price', () => {
  const a = new MarketActivity('USD', Decimal.ONE);
  a.onTrade('a', 'b', 10, 100n, 1n * S, 0n);
  a.onTrade('a', 'b', 10, 120n, 2n * S, 0n); // long 20 at an average entry of 110
  a.onTrade('b', 'a', 5, 130n, 3n * S, 0n); // reduces 5: (130 − 110) × 5 = 100
  a.onFunding('a', -30n);
  a.closeEpoch(0n, 10n * S);
  assert.equal(activityMetric('REALISED_RETURN', [a], 'a', 1)!.toString(), '70');
  // the short side: 'b' sold 20 at an average of 110 and bought back 5 at 130: (110 − 130) × 5 = −100
  assert.equal(activityMetric('REALISED_RETURN', [a], 'b', 1)!.toString(), '-100');
});

test('notional traded and taker fees paid are summed over the window', () => {
  const a = new MarketActivity('USD', Decimal.ONE);
  a.onTradeValue(1000n);
  a.onFeesPaid('a', 7n);
  a.closeEpoch(0n, 10n * S);
  a.onTradeValue(500n);
  a.onFeesPaid('a', 3n);
  a.closeEpoch(10n * S, 20n * S);
  assert.equal(notionalTraded([a], 1), 500n);
  assert.equal(notionalTraded([a], 2), 1500n);
  assert.equal(takerFeesPaid([a], 2).get('a'), 10n);
});

test('pro rata shares after offsetting by the lowest negative metric (0056-REWA distribution)', () => {
  // metrics 20, 10, −30 → 50, 40, 0: 10000 × 50/90 = 5555.5…, 10000 × 40/90 = 4444.4…, floored
  const sh = shares(
    [
      ['a', d('20')],
      ['b', d('10')],
      ['c', d('-30')],
    ],
    () => Decimal.ONE,
  );
  assert.deepEqual(
    sh.map(([p]) => p),
    ['a', 'b'],
  );
  const paid = payouts(10000n, sh);
  assert.equal(paid.get('a'), 5555n);
  assert.equal(paid.get('b'), 4444n);
  // multipliers scale the metric: a × 2 → 100 vs 40
  const m = shares(
    [
      ['a', d('20')],
      ['b', d('10')],
      ['c', d('-30')],
    ],
    (p) => (p === 'a' ? d('2') : Decimal.ONE),
  );
  assert.equal(payouts(14000n, m).get('a'), 10000n);
});

test('rank shares: ties share a rank, the next rank skips; a zero metric is not ranked', () => {
  const table = parseRankTable('1:10,2:5,4:1');
  const sh = shares(
    [
      ['a', d('6')],
      ['b', d('4')],
      ['c', d('4')],
      ['e', d('1')],
      ['z', d('0')],
    ],
    () => Decimal.ONE,
    table,
  );
  // ratios 10, 5, 5 (tied at rank 2), 1 (rank 4): out of 21; shares are normalised at 16 digits as Vega's are, so
  // 2100 × 1/21 = 2100 × 0.0476190476190476 = 99.99999999999996, floored to 99
  const paid = payouts(2100n, sh);
  assert.deepEqual(
    [...paid].sort(([x], [y]) => (x < y ? -1 : 1)),
    [
      ['a', 1000n],
      ['b', 500n],
      ['c', 500n],
      ['e', 99n],
    ],
  );
  assert.throws(() => parseRankTable('2:5,1:10'), /increase/);
  assert.throws(() => parseRankTable('x'), /start_rank:share_ratio/);
});

test('reward cap: at most the multiple of the taker fees paid, the rest offered again, then left in the pool', () => {
  const half: [string, Decimal][] = [
    ['a', d('0.5')],
    ['b', d('0.5')],
  ];
  // a paid no fees: nothing; b paid 1000 with a cap of 1: 1000; 9000 stays (0057-TRAN-072)
  const fees = new Map([['b', d('1000')]]);
  const capped = payouts(10000n, half, { multiple: d('1'), feesPaid: (p) => fees.get(p) });
  assert.equal(capped.get('a'), undefined);
  assert.equal(capped.get('b'), 1000n);
  // both paid 100000 with a cap of 1: 5000 each, uncapped
  const both = new Map([
    ['a', d('100000')],
    ['b', d('100000')],
  ]);
  const p2 = payouts(19000n, half, { multiple: d('1'), feesPaid: (p) => both.get(p) });
  assert.equal(p2.get('a'), 9500n);
  // a capped at 2000: b receives the rest in the following rounds (5000 + 3000 × 0.5 + …) up to its cap
  const uneven = new Map([
    ['a', d('2000')],
    ['b', d('100000')],
  ]);
  const p3 = payouts(10000n, half, { multiple: d('1'), feesPaid: (p) => uneven.get(p) });
  assert.equal(p3.get('a'), 2000n);
  // round 1: a 2000, b 5000 (remaining 3000); round 2: b 5000 + 1500 = 6500 (remaining 1500); round 3: 7250
  // (750); round 4: 7625 (375); 5: 7812 (188); 6: 7906 (94); 7: 7953 (47); 8: 7976 (24); 9: 7988 (12); 10: 7994
  assert.equal(p3.get('b'), 7994n);
});
