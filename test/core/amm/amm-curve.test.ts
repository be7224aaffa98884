// The AMM curve maths against hand computations from spec 0090-VAMM's formulas (an independent float
// evaluation of the same formulas, written out below) and against Vega's own published numbers (the
// geometric-mean average price of a full range from the spec's worked example; the best bid/offer volumes of
// features/amm/0090-VAMM-basic.feature).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal, riskFactors } from '../../../src/core/index.ts';
import {
  fairPrice,
  generateCurve,
  leverageFactor,
  positionAt,
  priceForVolume,
  singleVolumePrice,
  sqrtPrice,
  volumeBetween,
  emptyCurve,
} from '../../../src/core/amm/curve.ts';

const d = (s: string): Decimal => Decimal.parse(s);

// Spec example: base 1000, lower 900, upper 1100, in asset precision with 3 decimals (×1000), positions with
// 3 decimals (position factor 1000), commitment 1000.000, leverage 0.25 at both bounds (below the market's
// worst case 1 / ((0.1 + 0.1) · 1.2) = 4.1667, so r_f = 0.25).
function specCurves() {
  const common = {
    commitment: 1_000_000n,
    initialFactor: d('1.2'),
    linearSlippage: d('0.1'),
    leverage: d('0.25'),
    positionFactor: d('1000'),
  };
  const lower = generateCurve({ ...common, low: 900_000n, high: 1_000_000n, riskFactor: d('0.1'), isLower: true });
  const upper = generateCurve({ ...common, low: 1_000_000n, high: 1_100_000n, riskFactor: d('0.1'), isLower: false });
  return { lower, upper };
}

test('square roots are truncated to 16 digits', () => {
  assert.equal(sqrtPrice(4n).toString(), '2');
  assert.equal(sqrtPrice(2n).toString(), '1.414213562373095');
  assert.equal(sqrtPrice(1_000_000n).toString(), '1000');
});

test('leverage factor: min(leverage at bound, 1 / ((risk factor + linear slippage) · initial factor))', () => {
  // 1 / ((0.1 + 0.1) · 1.2) = 4.1666666666666667 (16 digits, half away from zero)
  assert.equal(leverageFactor(d('0.1'), d('0.1'), d('1.2')).toString(), '4.1666666666666667');
  assert.equal(leverageFactor(d('0.1'), d('0.1'), d('1.2'), d('0.25')).toString(), '0.25');
  assert.equal(leverageFactor(d('0.1'), d('0.1'), d('1.2'), d('10')).toString(), '4.1666666666666667');
});

test('virtual liquidity of each range (hand: P_v and L = P_v · L_u from the spec formulas)', () => {
  const { lower, upper } = specCurves();
  // lower: L_u = √1e6·√9e5/(√1e6 − √9e5) = 18486.833…, p_a = 948683.298, P_v = 0.25·1e6/(9e5·0.75 + 0.25·p_a)
  // = 274.0714713536 (×1000 position factor already applied through the commitment in asset precision: 274.071)
  assert.equal(lower.pv.toFixedRounded(6), '274.071471');
  assert.equal(upper.pv.toFixedRounded(6), '224.658966');
  assert.equal(lower.l.trunc(), 5066713n);
  assert.equal(upper.l.trunc(), 4827491n);
});

test('the average price of trading a whole range is the geometric mean of its bounds (spec worked example)', () => {
  const { lower, upper } = specCurves();
  // selling the full long range into the AMM: 274 units (P_v truncated) at 948695.99 → 948695 (truncated);
  // with the exact P_v it would be √(900000 · 1000000) = 948683.298 (spec: 948.683)
  assert.equal(priceForVolume(lower, upper, 0n, 1_000_000n, 274n, 'SELL'), 948695n);
  // buying the full short range: 224 units at 1048658.72 → 1048658 (full P_v: √(1e6 · 1.1e6) = 1048808.848,
  // spec: 1048.809)
  assert.equal(priceForVolume(lower, upper, 0n, 1_000_000n, 224n, 'BUY'), 1048658n);
});

test('position at a price and fair price at a position (hand computation)', () => {
  const { lower, upper } = specCurves();
  assert.equal(positionAt(lower, upper, 1_000_000n), 0n);
  // L·(√pu − √p)/(√pu·√p) at 950000 on the lower range: 131.62 → 131
  assert.equal(positionAt(lower, upper, 950_000n), 131n);
  // upper range at 1050000: −(224.659 − 108.317) = −116.34 → −116 (toward zero)
  assert.equal(positionAt(lower, upper, 1_050_000n), -116n);
  // beyond the bounds the position stays at the bound
  assert.equal(positionAt(lower, upper, 800_000n), 274n);
  assert.equal(positionAt(lower, upper, 1_200_000n), -224n);
  assert.equal(volumeBetween(lower, upper, 950_000n, 1_050_000n), 247n);
  // fair price: √p_f = √pu / (P_v·√pu/L + 1); long 274 → 900024.09 truncated; short 224 → 1099685.10 rounded up
  assert.equal(fairPrice(lower, upper, 274n), 900024n);
  assert.equal(fairPrice(lower, upper, -224n), 1099686n);
  assert.equal(fairPrice(lower, upper, 0n), 1_000_000n);
});

test('the price one unit of volume away from the fair price (hand: (L·√p/(L ± √p))²)', () => {
  const { lower, upper } = specCurves();
  assert.equal(singleVolumePrice(lower, 1_000_000n, 'BUY'), 999605n);
  assert.equal(singleVolumePrice(upper, 1_000_000n, 'SELL'), 1000415n);
  assert.throws(() => singleVolumePrice(emptyCurve(1_000_000n, true), 1_000_000n, 'BUY'));
});

test('volume from 100 to 110 in one step equals the sum of ten steps of 1 (0090-VAMM-028/029)', () => {
  const common = { commitment: 1000n, initialFactor: d('1.2'), linearSlippage: d('0.1'), leverage: d('0.25') };
  const pf = { positionFactor: d('1000000') };
  const lower = generateCurve({ ...common, ...pf, low: 85n, high: 100n, riskFactor: d('0.1'), isLower: true });
  const upper = generateCurve({ ...common, ...pf, low: 100n, high: 150n, riskFactor: d('0.1'), isLower: false });
  let up = 0n;
  let down = 0n;
  for (let p = 100n; p < 110n; p++) up += volumeBetween(lower, upper, p, p + 1n);
  for (let p = 100n; p > 90n; p--) down += volumeBetween(lower, upper, p, p - 1n);
  const upOne = volumeBetween(lower, upper, 100n, 110n);
  const downOne = volumeBetween(lower, upper, 100n, 90n);
  // each step truncates once, so the sums may lose at most one unit per step
  assert.ok(upOne - up >= 0n && upOne - up <= 10n, `${upOne} vs ${up}`);
  assert.ok(downOne - down >= 0n && downOne - down <= 10n, `${downOne} vs ${down}`);
});

test("Vega's best bid/offer volumes of 0090-VAMM-basic.feature (commitment 100000, 95 / 100 / 105)", () => {
  const rf = riskFactors({
    kind: 'logNormal',
    riskAversionParameter: 0.001,
    tau: Number('0.0011407711613050422'),
    mu: 0,
    r: 0.9,
    sigma: 3,
  });
  const common = { commitment: 100000n, initialFactor: d('1.5'), linearSlippage: d('1'), positionFactor: d('1') };
  const lower = generateCurve({ ...common, low: 95n, high: 100n, riskFactor: rf.long, isLower: true });
  const upper = generateCurve({ ...common, low: 100n, high: 105n, riskFactor: rf.short, isLower: false });
  // the feature: best bid 99 volume 103, best offer 101 volume 92
  assert.equal(positionAt(lower, upper, 99n), 103n);
  assert.equal(positionAt(lower, upper, 101n), -92n);
});
