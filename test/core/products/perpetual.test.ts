// Perpetual funding (spec 0053-PERP; vega-formulas.md §5, R4 §4): TWAPs where each point holds until the next,
// over [max(period start, first point), t] without auction time, floored; funding payment per unit
// fp = F − S (+ clamp((1 + r·Δt)·S − F) when r ≠ 0) × (1 − auction/Δ) × scaling, rate bounded, truncated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';
import { PerpetualState } from '../../../src/core/products/perpetual.ts';
import type { PerpetualProduct } from '../../../src/core/config/market.ts';
import { NS } from '../../../src/core/types.ts';

const T0 = 1_700_000_000n * NS;
const t = (s: number) => T0 + BigInt(s) * NS;

function perp(overrides: Partial<PerpetualProduct> = {}): PerpetualState {
  return new PerpetualState({
    kind: 'perpetual',
    settlementData: { signers: ['0xO'], property: 'price', decimals: 0 },
    settlementSchedule: { kind: 'timeTrigger', every: 3600 },
    marginFundingFactor: dec('0.5'),
    interestRate: Decimal.ZERO,
    clampLowerBound: Decimal.ZERO,
    clampUpperBound: Decimal.ZERO,
    ...overrides,
  });
}

/** A started period at T0 with constant internal F and external S points at T0. */
function constant(F: bigint, S: bigint, overrides: Partial<PerpetualProduct> = {}): PerpetualState {
  const p = perp(overrides);
  p.start(T0);
  p.addInternal(T0, F);
  p.addExternal(T0, S);
  return p;
}

test('TWAP: each point holds until the next one; floored', () => {
  const p = perp();
  p.start(T0);
  p.addInternal(t(0), 100n);
  p.addInternal(t(10), 101n);
  assert.equal(p.twap('internal', t(0)), 100n); // at the window start: the first price
  assert.equal(p.twap('internal', t(10)), 100n);
  // (100 × 10 + 101 × 20) / 30 = 100.67 → 100
  assert.equal(p.twap('internal', t(30)), 100n);
});

test('TWAP window starts at max(period start, first point)', () => {
  const late = perp();
  late.start(T0);
  late.addInternal(t(10), 100n);
  late.addInternal(t(20), 130n);
  // nothing before the first point: (100 × 10 + 130 × 10) / 20 = 115
  assert.equal(late.twap('internal', t(30)), 115n);

  const early = perp();
  early.addInternal(t(-10), 50n); // before the period: counts from the period start only
  early.start(T0);
  early.addInternal(t(10), 80n);
  // (50 × 10 + 80 × 10) / 20 = 65
  assert.equal(early.twap('internal', t(20)), 65n);
});

test('internal points are truncated to seconds (first one wins); external ones wait for the period', () => {
  const p = perp();
  p.addExternal(t(0), 999n); // before the first period: dropped
  p.start(T0);
  p.addInternal(T0 + NS / 2n, 100n);
  p.addInternal(T0 + (9n * NS) / 10n, 999n); // same second: ignored
  assert.equal(p.twap('internal', t(10)), 100n);
  assert.equal(p.twap('external', t(10)), undefined);
});

test('auction time is excluded from the TWAP', () => {
  const p = perp();
  p.start(T0);
  p.addInternal(t(0), 100n);
  p.auctionStarted(t(10));
  p.auctionEnded(t(20));
  p.addInternal(t(20), 200n);
  // (100 × 10 + 200 × 10) / (30 − 10) = 150, not (100 × 20 + 200 × 10) / 30 = 133
  assert.equal(p.twap('internal', t(30)), 150n);
});

test('funding payment is F − S without interest; rate = fp / S', () => {
  const f = constant(110n, 100n).fundingAt(t(60))!;
  assert.deepEqual([f.payment, f.rate.toString(), f.internalTwap, f.externalTwap], [10n, '0.1', 110n, 100n]);
  assert.equal(perp().fundingAt(t(60)), undefined); // no period yet
});

test('0019-MCAL-026: s=1600, f=1590, δt=0.002y, r=0.05, wide clamps → 0.16', () => {
  const cfg = { interestRate: dec('0.05'), clampLowerBound: dec('-1'), clampUpperBound: dec('1') };
  // δt = 0.002 × 365 × 86400 s = 63072 s; fp = −10 + ((1 + 0.05 × 0.002) × 1600 − 1590) = −10 + 10.16 = 0.16
  const f = constant(1590n, 1600n, cfg).fundingAt(t(63072))!;
  assert.deepEqual([f.exact.toString(), f.payment, f.rate.toString()], ['0.16', 0n, '0.0001']);
  // the same in 3-dp asset units: 160, as in 0019-MCAL_fundingMargin2
  assert.equal(constant(1_590_000n, 1_600_000n, cfg).fundingAt(t(63072))!.payment, 160n);
});

test('the clamp bounds the interest term, and is skipped when the interest rate is 0', () => {
  // clamp to [0, 0.0005 × 1600 = 0.8]: fp = −10 + 0.8 = −9.2 → −9 (toward zero)
  const clamped = constant(1590n, 1600n, {
    interestRate: dec('0.05'),
    clampLowerBound: Decimal.ZERO,
    clampUpperBound: dec('0.0005'),
  });
  assert.deepEqual(
    [clamped.fundingAt(t(63072))!.exact.toString(), clamped.fundingAt(t(63072))!.payment],
    ['-9.2', -9n],
  );
  // r = 0: a lower clamp of 0.0005 × 1600 = 0.8 would apply if the term were evaluated; fp stays F − S = −10
  const noRate = constant(1590n, 1600n, { clampLowerBound: dec('0.0005'), clampUpperBound: dec('0.001') });
  assert.equal(noRate.fundingAt(t(63072))!.exact.toString(), '-10');
});

test('scaling factor, then rate bounds (fp = bound × S)', () => {
  // (110 − 100) × 2 = 20, rate 0.2
  assert.equal(constant(110n, 100n, { fundingRateScalingFactor: dec('2') }).fundingAt(t(60))!.payment, 20n);
  // rate 0.1 above 0.05 → fp = 0.05 × 100 = 5
  const up = constant(110n, 100n, { fundingRateUpperBound: dec('0.05') }).fundingAt(t(60))!;
  assert.deepEqual([up.payment, up.rate.toString()], [5n, '0.05']);
  // rate (80 − 100) / 100 = −0.2 below −0.05 → fp = −5
  const down = constant(80n, 100n, { fundingRateLowerBound: dec('-0.05') }).fundingAt(t(60))!;
  assert.deepEqual([down.payment, down.rate.toString()], [-5n, '-0.05']);
});

test('the payment is scaled by the fraction of the period outside auctions', () => {
  const p = constant(1100n, 100n);
  p.auctionStarted(t(40));
  p.auctionEnded(t(60));
  // (1100 − 100) × (1 − 20 / 100) = 800
  assert.equal(p.fundingAt(t(100))!.payment, 800n);
});

test('a cue at the period start pays nothing; a later one pays; no data on one side pays nothing', () => {
  const p = constant(110n, 100n);
  const atStart = p.cue(T0)!;
  assert.equal(atStart.funding, undefined);
  assert.equal(atStart.end.payment, undefined);
  const later = p.cue(t(60))!;
  assert.deepEqual([later.funding!.payment, later.end.payment, later.end.end], [10n, 10n, t(60)]);

  const internalOnly = perp();
  internalOnly.start(T0);
  internalOnly.addInternal(T0, 110n);
  const r = internalOnly.cue(t(60))!;
  assert.deepEqual([r.funding, r.end.internalTwap, r.end.externalTwap], [undefined, 110n, undefined]);
});

test('a new period carries the last point at or before its start and every later point', () => {
  const p = perp();
  p.start(T0);
  p.addInternal(t(0), 100n);
  p.addInternal(t(10), 200n);
  p.addInternal(t(30), 300n); // after the cue
  p.addExternal(t(0), 150n);
  const ev = p.startNext(t(20))!;
  // at its start the new period's TWAP is the carried point's price
  assert.deepEqual([ev.seq, ev.start, ev.internalTwap, ev.externalTwap], [1, t(20), 200n, 150n]);
  // (200 × 10 + 300 × 10) / 20 = 250: the 100 point is gone, the window starts at t(20)
  assert.equal(p.twap('internal', t(40)), 250n);
});

test('margin increase = trunc(funding payment now) × margin funding factor', () => {
  const cfg = { interestRate: dec('0.05'), clampLowerBound: dec('-1'), clampUpperBound: dec('1') };
  const p = constant(1_590_000n, 1_600_000n, cfg);
  // 63067 s in: fp = −10000 + 80000 × 63067/31536000 = 159.987… → 159; × 0.5 = 79.5
  assert.equal(p.fundingAt(t(63067))!.exact.toString(), '159.987316083208');
  assert.equal(p.marginIncrease(t(63067))!.toString(), '79.5');
  assert.equal(constant(110n, 100n, { marginFundingFactor: Decimal.ZERO }).marginIncrease(t(60)), undefined);
});

test('TWAPs and funding kept incrementally equal a replay from scratch (random points, auctions, periods)', () => {
  // a state that has answered many queries (sums kept and extended) against a fresh state that replays the same
  // operations and answers one query: out-of-order points, auctions and new periods must drop the kept sums
  let seed = 7;
  const rnd = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  type Op = { k: 'int' | 'ext'; s: number; price: bigint } | { k: 'auctionStart' | 'auctionEnd' | 'next'; s: number };
  const ops: Op[] = [];
  const apply = (p: PerpetualState, op: Op) => {
    if (op.k === 'int') p.addInternal(t(op.s), op.price);
    else if (op.k === 'ext') p.addExternal(t(op.s), op.price);
    else if (op.k === 'auctionStart') p.auctionStarted(t(op.s));
    else if (op.k === 'auctionEnd') p.auctionEnded(t(op.s));
    else {
      p.cue(t(op.s));
      p.startNext(t(op.s));
    }
  };
  const live = perp({ interestRate: dec('0.1'), clampLowerBound: dec('-0.01'), clampUpperBound: dec('0.01') });
  live.start(T0);
  let now = 0;
  let checked = 0;
  for (let step = 0; step < 600; step++) {
    now += 1 + Math.floor(rnd() * 5);
    const r = rnd();
    let op: Op | undefined;
    if (r < 0.4) op = { k: 'int', s: now, price: 1000n + BigInt(Math.floor(rnd() * 50)) };
    else if (r < 0.6) op = { k: 'ext', s: now - Math.floor(rnd() * 3), price: 1000n + BigInt(Math.floor(rnd() * 50)) };
    else if (r < 0.65)
      op = { k: 'int', s: now - 1 - Math.floor(rnd() * 40), price: 990n }; // late point
    else if (r < 0.68) op = { k: live.inAuction ? 'auctionEnd' : 'auctionStart', s: now };
    else if (r < 0.7) op = { k: 'next', s: now };
    if (op) {
      ops.push(op);
      apply(live, op);
    }
    for (const q of [now, now - Math.floor(rnd() * 20)]) {
      const fresh = perp({ interestRate: dec('0.1'), clampLowerBound: dec('-0.01'), clampUpperBound: dec('0.01') });
      fresh.start(T0);
      for (const o of ops) apply(fresh, o);
      for (const series of ['internal', 'external'] as const)
        assert.equal(live.twap(series, t(q)), fresh.twap(series, t(q)), `${series} TWAP at ${q}s (step ${step})`);
      assert.deepEqual(live.fundingAt(t(q)), fresh.fundingAt(t(q)), `funding at ${q}s (step ${step})`);
      checked++;
    }
  }
  assert.equal(checked, 1200);
});
