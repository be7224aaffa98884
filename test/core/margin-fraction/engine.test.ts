// The margin-fraction variant's engine pieces: margin levels, the book mark price and the seed's funding inside
// Vega's period bookkeeping. Expected values are computed by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';
import type { BookView } from '../../../src/core/pricing/composite.ts';
import { DEFAULT_MARK_PRICE } from '../../../src/core/config/market.ts';
import {
  MarginFractionMark,
  MarginFractionPerpetual,
  marginFractionLevels,
} from '../../../src/core/margin-fraction/engine.ts';
import { validateMarginFraction } from '../../../src/core/margin-fraction/params.ts';
import { NS } from '../../../src/core/types.ts';

const P = { initialFraction: dec('0.1'), maintenanceFraction: dec('0.05'), oneSidedMultiplier: dec('0.05') };

test('margin levels: maintenance on the position notional, initial on the riskiest open position (ceil)', () => {
  // long 10 with 5 bought and 30 sold in orders at index 2000: maintenance 10 × 2000 × 0.05 = 1000; open size
  // max(|10 + 5|, |10 − 30|) = 20 → initial 20 × 2000 × 0.1 = 4000
  const l = marginFractionLevels(
    { openVolume: 10, buyOrders: 5, sellOrders: 30, price: 2000n, positionFactor: Decimal.ONE },
    P,
  );
  assert.deepEqual(l, { maintenance: 1000n, search: 1000n, initial: 4000n, release: 4000n });
  // 1 position decimal: 15 = 1.5 units at 1001: 1.5 × 1001 × 0.05 = 75.075 → 76; initial 1.5 × 1001 × 0.1 =
  // 150.15 → 151
  const m = marginFractionLevels(
    { openVolume: -15, buyOrders: 0, sellOrders: 0, price: 1001n, positionFactor: dec('10') },
    P,
  );
  assert.deepEqual([m.maintenance, m.initial], [76n, 151n]);
});

test('margin-fraction parameters: invariants named by field', () => {
  assert.doesNotThrow(() => validateMarginFraction(P));
  assert.throws(
    () => validateMarginFraction({ ...P, maintenanceFraction: dec('0') }),
    /maintenanceFraction: 0 must be > 0/,
  );
  assert.throws(
    () => validateMarginFraction({ ...P, initialFraction: dec('0.01') }),
    /initialFraction: 0.01 must be ≥/,
  );
  assert.throws(
    () => validateMarginFraction({ ...P, initialFraction: dec('1.5') }),
    /initialFraction: 1.5 must be ≤ 1/,
  );
  assert.throws(
    () => validateMarginFraction({ ...P, oneSidedMultiplier: dec('1') }),
    /oneSidedMultiplier: 1 is not in/,
  );
});

test('mark price method: the live book mid, one side with the multiplier, no candidate on an empty book', () => {
  const best: { buy?: bigint; sell?: bigint } = {};
  const view: BookView = { best: (s) => best[s], vwap: () => undefined };
  const calc = new MarginFractionMark(DEFAULT_MARK_PRICE, view, dec('0.02'));
  assert.equal(calc.samplesBook, false);
  assert.equal(calc.calculate(0n, 0n), undefined);
  best.buy = 1500n;
  assert.equal(calc.calculate(0n, 0n), 1530n); // 1500 × 1.02
  best.sell = 1503n;
  assert.equal(calc.calculate(0n, 0n), 1501n); // floor(3003 / 2)
  delete best.buy;
  assert.equal(calc.calculate(0n, 0n), 1472n); // 1503 × 0.98 = 1472.94 → 1472
});

const T0 = 1_700_000_000n * NS;
const t = (s: number) => T0 + BigInt(s) * NS;

test('funding: TWAP of mark / index − 1 over the period, auction time left out, paid as TWAP × index', () => {
  const p = new MarginFractionPerpetual({
    kind: 'perpetual',
    settlementData: { signers: ['0xO'], property: 'price', decimals: 0 },
    settlementSchedule: { kind: 'timeTrigger', every: 3600 },
    marginFundingFactor: dec('0.5'),
    interestRate: Decimal.ZERO,
    clampLowerBound: Decimal.ZERO,
    clampUpperBound: Decimal.ZERO,
  });
  p.start(t(0));
  p.addExternal(t(0), 100n);
  p.addInternal(t(0), 110n); // rate 110 / 100 − 1 = 0.1
  p.addInternal(t(10), 90n); // rate −0.1 from 10 s
  // at 30 s: (0.1 × 10 − 0.1 × 20) / 30 = −1/30 = −0.0333333333333333 (16 digits); per unit × index 100 =
  // −3.33333333333333 → truncated −3 (longs receive)
  const f = p.fundingAt(t(30))!;
  assert.equal(f.rate.toString(), '-0.0333333333333333');
  assert.equal(f.payment, -3n);
  assert.equal(p.marginIncrease(t(30)), undefined);
  // an auction from 30 s to 40 s does not count: at 50 s (1 − 2 − 1) / 40 = −0.05 → −5 per unit
  p.auctionStarted(t(30));
  p.auctionEnded(t(40));
  assert.equal(p.fundingAt(t(50))!.rate.toString(), '-0.05');
  assert.equal(p.fundingAt(t(50))!.payment, -5n);
  // the index moves to 80 at 50 s: rate 90 / 80 − 1 = 0.125 for 10 s → (−2 + 1.25) / 50 = −0.015; × index 80 = −1.2
  p.addExternal(t(50), 80n);
  assert.equal(p.indexPrice, 80n);
  const g = p.cue(t(60))!;
  assert.equal(g.funding!.rate.toString(), '-0.015');
  assert.equal(g.funding!.payment, -1n);
  // the next period starts from nothing: at 70 s, 10 s of 0.125 → 0.125 × 80 = 10 per unit
  p.startNext(t(60));
  assert.equal(p.fundingAt(t(70))!.payment, 10n);
});
