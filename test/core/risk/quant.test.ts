// Tests for src/core/risk/quant.ts: fdlibm erf/erfc, normal CDF/quantile (AS241), log-normal risk factors, price ranges,
// price-monitoring bound factors (through to the integer bounds of 5206-price-bound-rounding.feature), the simple risk
// model and the log-normal probability of trading. Spec: vega-formulas.md sections 0, 1, 3.2, 3.3, 6.7, 11.
//
// Where a reference number says "python3", it was computed independently with CPython 3.11.7 on Linux:
// math.erf / math.erfc / math.log are glibc's libm, statistics.NormalDist().inv_cdf is CPython's own AS241 code.
// Those agree with this implementation to 1-2 ulp (glibc's exp/log are not fdlibm's), hence the 1e-15 tolerances.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../src/core/num/decimal.ts';
import {
  DEFAULT_BOUND_FACTORS,
  LOG_NORMAL_DEFAULT_RISK_FACTORS,
  SECONDS_PER_YEAR,
  boundFactorsFromRange,
  erf,
  erfc,
  horizonYearFraction,
  ln,
  logNormalCdf,
  logNormalDistribution,
  logNormalEsLower,
  logNormalEsUpper,
  logNormalPriceRange,
  logNormalPriceRangeDecimal,
  logNormalQuantile,
  logNormalRiskFactors,
  logNormalRiskFactorsDecimal,
  normCdf,
  normQuantile,
  priceMonitoringBoundFactors,
  probabilityOfTrading,
  simpleBoundFactors,
  simplePriceRange,
  simpleProbabilityOfTrading,
  simpleRiskFactors,
  type LogNormalRiskModel,
  type SimpleRiskModelParams,
} from '../../../src/core/risk/quant.ts';

/** |actual − expected| <= rel·|expected| (or exact equality when expected is 0). */
function assertRel(actual: number, expected: number, rel: number, what = ''): void {
  const err = Math.abs(actual - expected);
  const tol = rel * Math.abs(expected);
  assert.ok(
    err <= tol,
    `${what}: ${actual} vs ${expected} (rel err ${expected === 0 ? err : err / Math.abs(expected)})`,
  );
}

function assertAbs(actual: number, expected: number, abs: number, what = ''): void {
  assert.ok(
    Math.abs(actual - expected) <= abs,
    `${what}: ${actual} vs ${expected} (abs err ${Math.abs(actual - expected)})`,
  );
}

const TAU_1H = 0.00011407711613050422; // 1/(365.25·24), the tau of the default-*-risk-model files

/** Named log-normal models from /work/shared/vega/defaults/risk-model/log-normal. */
const DEFAULT_LOG_NORMAL: LogNormalRiskModel = { riskAversionParameter: 0.001, tau: TAU_1H, mu: 0, r: 0.016, sigma: 2 };
const DEFAULT_ST: LogNormalRiskModel = { riskAversionParameter: 0.001, tau: TAU_1H, mu: 0, r: 0.016, sigma: 1.5 };
const CLOSEOUT_ST: LogNormalRiskModel = { riskAversionParameter: 0.001, tau: 0.01, mu: 0, r: 0, sigma: 1.2 };

describe('erf / erfc (fdlibm)', () => {
  // python3: math.erf(x)
  const erfRef: [number, number][] = [
    [1e-310, 1.1283791670955e-310],
    [1e-300, 1.1283791670955126e-300],
    [1e-10, 1.1283791670955126e-10],
    [1e-5, 1.1283791670579e-5],
    [0.1, 0.1124629160182849],
    [0.25, 0.2763263901682369],
    [0.5, 0.5204998778130465],
    [0.84375, 0.7672256612323416],
    [1.0, 0.8427007929497149],
    [1.25, 0.9229001282564582],
    [2.5, 0.999593047982555],
    [3.0, 0.9999779095030014],
    [4.0, 0.9999999845827421],
    [5.9, 0.9999999999999999],
    [-0.5, -0.5204998778130465],
    [-2.0, -0.9953222650189527],
  ];
  test('matches python3 math.erf to 1e-15 relative', () => {
    for (const [x, y] of erfRef) assertRel(erf(x), y, 1e-15, `erf(${x})`);
  });

  // python3: math.erfc(x)
  const erfcRef: [number, number][] = [
    [1e-20, 1.0],
    [0.1, 0.8875370839817152],
    [0.3, 0.6713732405408726],
    [0.5, 0.4795001221869535],
    [0.8, 0.2578990352923395],
    [1.2, 0.08968602177036465],
    [2.0, 0.004677734981047265],
    [3.0, 2.2090496998585438e-5],
    [5.0, 1.5374597944280351e-12],
    [10.0, 2.088487583762545e-45],
    [20.0, 5.3958656116079005e-176],
    [26.0, 5.663192408856143e-296],
    [-0.1, 1.1124629160182848],
    [-0.3, 1.3286267594591274],
    [-0.5, 1.5204998778130465],
    [-1.0, 1.842700792949715],
    [-3.0, 1.9999779095030015],
  ];
  test('matches python3 math.erfc to 1e-15 relative, including the far right tail', () => {
    for (const [x, y] of erfcRef) assertRel(erfc(x), y, 1e-15, `erfc(${x})`);
  });

  test('special values and saturation', () => {
    assert.equal(erf(0), 0);
    assert.ok(Object.is(erf(-0), -0));
    assert.equal(erf(Infinity), 1);
    assert.equal(erf(-Infinity), -1);
    assert.ok(Number.isNaN(erf(NaN)));
    assert.equal(erf(6), 1);
    assert.equal(erf(-10), -1);
    assert.equal(erfc(0), 1);
    assert.equal(erfc(Infinity), 0);
    assert.equal(erfc(-Infinity), 2);
    assert.ok(Number.isNaN(erfc(NaN)));
    assert.equal(erfc(28), 0);
    assert.equal(erfc(30), 0);
    assert.equal(erfc(-7), 2);
    // python3: math.erfc(27.0) = 5.23705e-319 (subnormal, still non-zero below 28)
    assertRel(erfc(27), 5.23705e-319, 1e-5, 'erfc(27)');
  });

  test('symmetry: erf is odd exactly, erfc(x) + erfc(−x) = 2', () => {
    for (let x = -7; x <= 7; x += 0.0625) {
      assert.equal(erf(-x), -erf(x), `erf(-${x})`);
      assertAbs(erfc(x) + erfc(-x), 2, 4.5e-16, `erfc(${x}) + erfc(-${x})`);
      assertAbs(erf(x) + erfc(x), 1, 2.3e-16, `erf + erfc at ${x}`);
    }
  });

  test('monotone across the interval boundaries (0.84375, 1.25, 1/0.35, 6)', () => {
    let prevErf = -Infinity;
    let prevErfc = Infinity;
    for (let x = -8; x <= 8; x += 1 / 512) {
      const e = erf(x);
      const c = erfc(x);
      assert.ok(e >= prevErf, `erf not monotone at ${x}`);
      assert.ok(c <= prevErfc, `erfc not monotone at ${x}`);
      prevErf = e;
      prevErfc = c;
    }
  });
});

describe('ln (fdlibm reduction, as Go math.Log)', () => {
  test('exact and python3 reference values', () => {
    assert.equal(ln(1), 0);
    assert.equal(ln(2), Math.LN2);
    assert.equal(ln(0), -Infinity);
    assert.equal(ln(Infinity), Infinity);
    assert.ok(Number.isNaN(ln(-1)));
    assert.ok(Number.isNaN(ln(NaN)));
    // python3: math.log(977142640e12)
    assertRel(ln(977142640e12), 48.33116431323186, 1e-16, 'ln(ref price)');
    // python3: math.log(5e-324) = -744.4400719213812 (subnormal input)
    assert.equal(ln(5e-324), -744.4400719213812);
    // 1−0.99 = 0.010000000000000009: the exact log lies almost half-way between two floats; fdlibm's (and Go's)
    // reduction returns the lower neighbour, glibc (python3: -4.605170185988091) the upper one.
    assert.equal(ln(1 - 0.99), -4.60517018598809);
  });
});

describe('normCdf / normQuantile', () => {
  // python3: 0.5 * math.erfc(-x / math.sqrt(2))  (gonum's formula)
  const cdfRef: [number, number][] = [
    [0.5, 0.6914624612740131],
    [-0.5, 0.3085375387259869],
    [1.96, 0.9750021048517795],
    [-1.96, 0.024997895148220435],
    [-3.0, 0.0013498980316300957],
    [-5.0, 2.866515718791946e-7],
    [-8.0, 6.220960574271819e-16],
    [-10.0, 7.619853024160593e-24],
    [-20.0, 2.7536241186063314e-89],
    [-37.0, 5.725571222525139e-300],
  ];
  test('matches python3 0.5·erfc(−x/√2) to 1e-15 relative, deep into the left tail', () => {
    assert.equal(normCdf(0), 0.5);
    for (const [x, y] of cdfRef) assertRel(normCdf(x), y, 1e-15, `normCdf(${x})`);
  });

  test('agrees with python3 statistics.NormalDist().cdf (the erf form) where that form has no cancellation', () => {
    // python3: NormalDist().cdf(x) = 0.5·(1 + erf(x/√2))
    assertAbs(normCdf(1.0), 0.8413447460685429, 2.3e-16, 'cdf(1)');
    assertAbs(normCdf(-1.0), 0.15865525393145707, 2.3e-16, 'cdf(-1)');
    assertAbs(normCdf(3.0), 0.9986501019683699, 2.3e-16, 'cdf(3)');
    // …and the erf form collapses in the tail: NormalDist().cdf(-10) == 0.0, NormalDist().cdf(-8) = 6.106e-16
    assert.ok(normCdf(-10) > 0);
  });

  // python3: statistics.NormalDist().inv_cdf(p)
  const quantileRef: [number, number][] = [
    [1e-300, -37.0470962993612],
    [1e-100, -21.27345356096532],
    [1e-20, -9.262340089798405],
    [1e-10, -6.361340902404056],
    [1e-8, -5.61200124417479],
    [1e-6, -4.753424308822899],
    [0.001, -3.090232306167813],
    [0.025, -1.9599639845400538],
    [0.075, -1.4395314709384557],
    [0.0751, -1.4388253927525398],
    [0.3, -0.5244005127080407],
    [0.7, 0.5244005127080407],
    [0.925, 1.439531470938456],
    [0.975, 1.9599639845400536],
    [0.99, 2.3263478740408408],
    [0.999, 3.090232306167813],
    [1 - 1e-10, 6.361340889697421],
    [1 - 2 ** -53, 8.209536151601386],
  ];
  test('matches python3 NormalDist().inv_cdf (also AS241) to 1e-15 relative', () => {
    for (const [p, z] of quantileRef) assertRel(normQuantile(p), z, 1e-15, `normQuantile(${p})`);
  });

  test('edge cases: p = 0.5, 0, 1, out of range, NaN', () => {
    assert.equal(normQuantile(0.5), 0);
    assert.equal(normQuantile(0), -Infinity);
    assert.equal(normQuantile(1), Infinity);
    assert.throws(() => normQuantile(-0.1), RangeError);
    assert.throws(() => normQuantile(1.5), RangeError);
    assert.ok(Number.isNaN(normQuantile(NaN)));
    assert.ok(Number.isFinite(normQuantile(Number.MIN_VALUE)));
  });

  test('antisymmetry Φ⁻¹(1−p) = −Φ⁻¹(p) exactly when 1−p is exact', () => {
    for (const p of [0.25, 0.125, 0.0625, 0.075, 2 ** -10, 2 ** -20, 2 ** -40, 0.4]) {
      if (1 - (1 - p) !== p) continue;
      assert.equal(normQuantile(1 - p), -normQuantile(p), `p=${p}`);
    }
  });

  test('Φ(x) + Φ(−x) = 1 and Φ is monotone', () => {
    let prev = -1;
    for (let x = -40; x <= 40; x += 1 / 64) {
      const c = normCdf(x);
      assert.ok(c >= prev, `normCdf not monotone at ${x}`);
      prev = c;
      if (Math.abs(x) < 8) assertAbs(c + normCdf(-x), 1, 3.4e-16, `symmetry at ${x}`);
    }
  });

  test('Φ⁻¹ is strictly increasing and Φ(Φ⁻¹(p)) = p across the range, tails included', () => {
    let prev = -Infinity;
    const ps: number[] = [];
    for (let e = -300; e <= -1; e += 1) ps.push(10 ** e);
    for (let p = 0.02; p < 0.99; p += 0.01) ps.push(p);
    for (let e = -2; e >= -15; e -= 1) ps.push(1 - 10 ** e);
    ps.sort((a, b) => a - b);
    let prevP = -1;
    for (const p of ps) {
      if (p - prevP < 1e-12 * p) continue; // grid points closer than this need not give distinct quantiles
      prevP = p;
      const z = normQuantile(p);
      assert.ok(z > prev, `normQuantile not increasing at ${p}`);
      prev = z;
      // relative error of p is about z²·ulp in the left tail; compare the smaller tail probability
      if (p < 0.5) assertRel(normCdf(z), p, 1e-12, `round trip at ${p}`);
      else assertRel(1 - normCdf(z), 1 - p, 1e-10, `round trip at ${p}`);
    }
  });
});

describe('log-normal risk factors (quant RiskFactorsForward)', () => {
  test('quant forwards_test vector: λ=0.01, τ=1/365/24/60, σ=1.5 → long 5.5011137953e-3, short 5.5276558362e-3', () => {
    const f = logNormalRiskFactors({ riskAversionParameter: 0.01, tau: 1.0 / 365 / 24 / 60, mu: 0, r: 0, sigma: 1.5 });
    // the vector has 11 significant digits: agree to half a unit of the last one
    assertAbs(f.long, 5.5011137953e-3, 5e-14, 'long');
    assertAbs(f.short, 5.5276558362e-3, 5e-14, 'short');
  });

  test('quant riskmeasures_test ES tables (11 significant digits)', () => {
    const lower: [number, number, number, number][] = [
      [0.0, 0.1, 0.01, -7.6640460826e-1],
      [0.0, 0.1, 0.05, -8.1416417294e-1],
      [0.0, 1.0, 0.01, -7.2537170781e-2],
      [1.0, 2.0, 0.01, -1.5225031293e-2],
    ];
    const upper: [number, number, number, number][] = [
      [0.0, 0.1, 0.01, 1.3060584483],
      [0.0, 0.1, 0.05, 1.2299511311],
      [0.0, 1.0, 0.01, 1.5227960301e1],
      [1.0, 2.0, 0.01, 7.4734383372e2],
    ];
    for (const [m, s, l, es] of lower) assertRel(logNormalEsLower(m, s, l), es, 5e-11, `ES_low(${m},${s},${l})`);
    for (const [m, s, l, es] of upper) assertRel(logNormalEsUpper(m, s, l), es, 5e-11, `ES_up(${m},${s},${l})`);
  });

  test('console market-info vector: λ=1e-6, τ=1/8766, σ=1 → 0.05153 / 0.05421, 19.405x / 18.445x, initial 12.937x / 12.296x', () => {
    const f = logNormalRiskFactors({ riskAversionParameter: 1e-6, tau: TAU_1H, mu: 0, r: 0, sigma: 1 });
    const trunc = (x: number, dp: number): number => Math.trunc(x * 10 ** dp) / 10 ** dp;
    assert.equal(trunc(f.long, 5), 0.05153);
    assert.equal(trunc(f.short, 5), 0.05421);
    assert.equal(trunc(1 / f.long, 3), 19.405);
    assert.equal(trunc(1 / f.short, 3), 18.445);
    assert.equal(trunc(1 / f.long / 1.5, 3), 12.937);
    assert.equal(trunc(1 / f.short / 1.5, 3), 12.296);
  });

  test('integration-test vector: λ=1e-6, τ=0.1, σ=1 → short ≈ 3.5569036 (long 0.8007282)', () => {
    const f = logNormalRiskFactors({ riskAversionParameter: 1e-6, tau: 0.1, mu: 0, r: 0, sigma: 1 });
    assertAbs(f.short, 3.5569036, 5e-8, 'short');
    // python3 (same closed form with math.erfc / NormalDist().inv_cdf): 3.556903591579342 / 0.8007282079844139
    assertRel(f.short, 3.556903591579342, 1e-13, 'short vs python3');
    assertRel(f.long, 0.8007282079844139, 1e-13, 'long vs python3');
  });

  test('0019-MCAL-margin_calculator-risk_parameters.feature: short factors printed by Vega to 15 digits', () => {
    const cases: [number, number, number, string][] = [
      [1e-6, 0.001, 1.0, '0.168823688613152'],
      [1e-6, 0.001, 2.0, '0.364832368677682'],
      [1e-6, 0.002, 1.0, '0.246490344053441'],
      [0.0001, 0.001, 1.0, '0.132813400256394'],
    ];
    for (const [l, t, s, short] of cases) {
      const f = logNormalRiskFactors({ riskAversionParameter: l, tau: t, mu: 0, r: 0, sigma: s });
      assert.equal(f.short.toPrecision(15), short, `λ=${l} τ=${t} σ=${s}`);
    }
  });

  test('risk-parameters-ranges-test.feature: λ=0.1, τ=0.1, σ=1 → short 0.67191327433, long 0.44953951995', () => {
    const f = logNormalRiskFactors({ riskAversionParameter: 0.1, tau: 0.1, mu: 0, r: 0, sigma: 1 });
    assertAbs(f.short, 0.67191327433, 5e-12, 'short');
    assertAbs(f.long, 0.44953951995, 5e-12, 'long');
  });

  test('default-log-normal-risk-model (λ=0.001, τ=1/8766, μ=0, r=0.016, σ=2) against python3', () => {
    const f = logNormalRiskFactors(DEFAULT_LOG_NORMAL);
    // python3: the closed form with math.erfc and NormalDist().inv_cdf → 0.06959789775479663 / 0.07434701114450526
    assertRel(f.long, 0.06959789775479663, 1e-13, 'long');
    assertRel(f.short, 0.07434701114450526, 1e-13, 'short');
    const d = logNormalRiskFactorsDecimal(DEFAULT_LOG_NORMAL);
    assert.equal(d.long.toString(), String(f.long));
    assert.equal(d.short.toString(), String(f.short));
  });

  test('default-st-risk-model (σ=1.5) and closeout-st-risk-model (τ=0.01, σ=1.2) against python3', () => {
    const st = logNormalRiskFactors(DEFAULT_ST);
    // python3: 0.0526284506210587 / 0.05529953589167391
    assertRel(st.long, 0.0526284506210587, 1e-13, 'st long');
    assertRel(st.short, 0.05529953589167391, 1e-13, 'st short');
    const co = logNormalRiskFactors(CLOSEOUT_ST);
    // python3: 0.3368613079295404 / 0.4878731379586174 (feature comments: short 0.4878731)
    assertRel(co.long, 0.3368613079295404, 1e-13, 'closeout long');
    assertRel(co.short, 0.4878731379586174, 1e-13, 'closeout short');
    assertAbs(co.short, 0.4878731, 5e-8, 'closeout short vs feature comment');
  });

  test('r is ignored; short >= long; factors grow with σ, τ and 1/λ', () => {
    const base = { riskAversionParameter: 0.001, tau: TAU_1H, mu: 0, sigma: 1.5 };
    assert.deepEqual(logNormalRiskFactors({ ...base, r: 0 }), logNormalRiskFactors({ ...base, r: 1 }));
    let prev = logNormalRiskFactors({ ...base, r: 0 });
    for (const sigma of [1.6, 2, 3, 5, 10, 50]) {
      const f = logNormalRiskFactors({ ...base, r: 0, sigma });
      assert.ok(f.short >= f.long, `short < long at σ=${sigma}`);
      assert.ok(f.long > prev.long && f.short > prev.short, `not increasing in σ at ${sigma}`);
      prev = f;
    }
    const lo = logNormalRiskFactors({ ...base, r: 0, riskAversionParameter: 0.01 });
    const hi = logNormalRiskFactors({ ...base, r: 0, riskAversionParameter: 1e-8 });
    assert.ok(hi.long > lo.long && hi.short > lo.short);
    for (const tau of [1e-8, 1e-4, 0.01, 0.5, 1]) {
      const f = logNormalRiskFactors({ ...base, r: 0, tau });
      assert.ok(f.long > 0 && f.long < 1 && f.short > f.long, `τ=${tau}`);
    }
  });

  test('defaults before consensus are 1 / 1', () => {
    assert.ok(LOG_NORMAL_DEFAULT_RISK_FACTORS.long.eq(Decimal.ONE));
    assert.ok(LOG_NORMAL_DEFAULT_RISK_FACTORS.short.eq(Decimal.ONE));
  });
});

describe('log-normal price range and price-monitoring bound factors', () => {
  test('horizon → year fraction is a 16-dp decimal division by 31557600 s', () => {
    assert.equal(SECONDS_PER_YEAR, 365.25 * 24 * 3600);
    assert.equal(horizonYearFraction(5).toString(), '0.0000001584404391'); // 5/31557600 = 1.58440439070…e-7, rounded half up
    assert.equal(horizonYearFraction(1000n).toString(), '0.000031688087814');
    assert.equal(horizonYearFraction(31557600).toString(), '1');
  });

  test('distribution helpers: quantile and CDF are inverse, the median is S·e^{(μ−σ²/2)τ}', () => {
    const params = { mu: 0, r: 0, sigma: 1.5 };
    const { m, s } = logNormalDistribution(1000, 0.01, params);
    assertRel(Math.exp(m), 1000 * Math.exp(-0.5 * 1.5 * 1.5 * 0.01), 1e-15, 'median');
    assertRel(s, 0.15, 1e-15, 'sd');
    for (const p of [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999]) {
      assertRel(logNormalCdf(m, s, logNormalQuantile(m, s, p)), p, 1e-12, `round trip ${p}`);
    }
    assert.equal(logNormalCdf(m, s, 0), 0);
  });

  test('float price range brackets the price and widens with α and the horizon', () => {
    const params = { mu: 0, r: 0, sigma: 1.5 };
    const a = logNormalPriceRange(100, 1e-4, 0.95, params);
    const b = logNormalPriceRange(100, 1e-4, 0.99, params);
    const c = logNormalPriceRange(100, 1e-3, 0.95, params);
    assert.ok(a.min < 100 && a.max > 100);
    assert.ok(b.min < a.min && b.max > a.max);
    assert.ok(c.min < a.min && c.max > a.max);
    // python3: math.exp(m + s·NormalDist().inv_cdf(x)) with ref 1000, τ=0.000031688087814, σ=1, α=0.99
    const r = logNormalPriceRange(1000, 0.000031688087814, 0.99, { mu: 0, r: 0, sigma: 1 });
    assertRel(r.min, 985.5890985252641, 1e-15, 'min');
    assertRel(r.max, 1014.5894611765683, 1e-15, 'max');
  });

  test('5206-price-bound-rounding.feature: ref 977142640 (mdp 6, adp 18), h=5s, α=0.95 → bounds 975999651 / 978286619', () => {
    // st-log-normal-risk-model of the feature: λ=0.001, τ=0.00011407711613050422, μ=0, r=0.016, σ=1.5
    const params = { mu: 0, r: 0.016, sigma: 1.5 };
    const priceFactor = 10n ** BigInt(18 - 6);
    const ref = Decimal.fromBigInt(977142640n * priceFactor); // reference price in asset precision

    // the floats Vega's LogNormal.PriceRange produces (python3: 9.759996502068019e+20 / 9.782866195941449e+20)
    const range = logNormalPriceRangeDecimal(ref, horizonYearFraction(5), Decimal.parse('0.95'), params);
    assert.equal(range.min.toString(), '975999650206801900000');
    assert.equal(range.max.toString(), '978286619594144900000');

    // state variable: decimal factors at 16 dp (python3 decimal: 0.9988302733435130 / 1.0011707396108974)
    const f = priceMonitoringBoundFactors(ref, 5, '0.95', params);
    assert.equal(f.down.toString(), '0.998830273343513');
    assert.equal(f.up.toString(), '1.0011707396108974');
    assert.deepEqual(boundFactorsFromRange(range, ref), f);

    // bounds in asset precision: min = ceil(ref × down), max = floor(ref × up)
    const minAsset = ref.mul(f.down).ceil();
    const maxAsset = ref.mul(f.up).floor();
    assert.equal(minAsset, 975999650206801919695n);
    assert.equal(maxAsset, 978286619594144858205n);

    // market data in market precision: max = floor(max / pf); min = floor(min / pf) + 1 (Vega adds one whenever
    // pf ≠ 1, a ceiling that is off by one when min is an exact multiple of pf)
    assert.equal(minAsset / priceFactor + 1n, 975999651n);
    assert.equal(maxAsset / priceFactor, 978286619n);

    // the trades of the feature: 975999650 breaches (< min), the bounds themselves do not
    const toAsset = (p: bigint): bigint => p * priceFactor;
    assert.ok(toAsset(975999650n) < minAsset);
    assert.ok(toAsset(975999651n) >= minAsset && toAsset(978286619n) <= maxAsset);
  });

  test('0019-MCAL-margin_calculator-risk_parameters.feature: ref 1000, h=1000s, α=0.99 → 986/1014 (σ=1), 972/1029 (σ=2)', () => {
    const ref = Decimal.fromInt(1000);
    for (const [sigma, lo, hi] of [
      [1, 986n, 1014n],
      [2, 972n, 1029n],
    ] as const) {
      const f = priceMonitoringBoundFactors(ref, 1000, Decimal.parse('0.99'), { mu: 0, r: 0, sigma });
      assert.equal(ref.mul(f.down).ceil(), lo, `min σ=${sigma}`);
      assert.equal(ref.mul(f.up).floor(), hi, `max σ=${sigma}`);
    }
  });

  test('log-normal factors barely depend on the reference price and straddle 1', () => {
    const params = { mu: 0, r: 0, sigma: 1.5 };
    const a = priceMonitoringBoundFactors(Decimal.fromInt(1000), 60, 0.99, params);
    const b = priceMonitoringBoundFactors(Decimal.parse('123456789.5'), 60, 0.99, params);
    assert.ok(a.down.lt(Decimal.ONE) && a.up.gt(Decimal.ONE));
    assertRel(a.down.toNumber(), b.down.toNumber(), 1e-14, 'down');
    assertRel(a.up.toNumber(), b.up.toNumber(), 1e-14, 'up');
    assert.throws(() => priceMonitoringBoundFactors(Decimal.ZERO, 60, 0.99, params));
  });

  test('default bound factors before consensus are 0.9 / 1.1', () => {
    assert.equal(DEFAULT_BOUND_FACTORS.down.toString(), '0.9');
    assert.equal(DEFAULT_BOUND_FACTORS.up.toString(), '1.1');
  });
});

describe('simple risk model', () => {
  // /work/shared/vega/defaults/risk-model/simple/*.json
  const defaultSimple: SimpleRiskModelParams = {
    factorLong: 0.2,
    factorShort: 0.1,
    maxMoveUp: 0,
    minMoveDown: 0,
    probabilityOfTrading: 0.2,
  };
  const systemTest: SimpleRiskModelParams = {
    factorLong: '0.08628781058136630000',
    factorShort: 0.0937092234842849,
    maxMoveUp: 1,
    minMoveDown: -1,
    probabilityOfTrading: 0.1,
  };
  const simple4: SimpleRiskModelParams = { ...defaultSimple, factorLong: 0.1, maxMoveUp: -1, minMoveDown: -1 };

  test('risk factors are the configured decimals', () => {
    const f = simpleRiskFactors(defaultSimple);
    assert.equal(f.long.toString(), '0.2');
    assert.equal(f.short.toString(), '0.1');
    const g = simpleRiskFactors(systemTest);
    assert.equal(g.long.toString(), '0.0862878105813663');
    assert.equal(g.short.toString(), '0.0937092234842849');
  });

  test('price range: absolute moves, |minMoveDown|, floored at 0', () => {
    const p = Decimal.fromInt(1000);
    const r = simplePriceRange(p, systemTest);
    assert.equal(r.min.toString(), '999');
    assert.equal(r.max.toString(), '1001');
    const r4 = simplePriceRange(p, simple4);
    assert.equal(r4.min.toString(), '999');
    assert.equal(r4.max.toString(), '999'); // a negative maxMoveUp puts the max below the price
    const z = simplePriceRange(Decimal.fromInt(5), { ...defaultSimple, minMoveDown: 10 });
    assert.ok(z.min.isZero());
  });

  test('bound factors: range / ref at 16 dp; zero moves give 1 / 1 (bounds collapse onto the reference price)', () => {
    const ref = Decimal.fromInt(1000);
    const z = simpleBoundFactors(ref, defaultSimple);
    assert.ok(z.down.eq(Decimal.ONE) && z.up.eq(Decimal.ONE));
    const s = simpleBoundFactors(ref, systemTest);
    assert.equal(s.down.toString(), '0.999');
    assert.equal(s.up.toString(), '1.001');
    // applied to a later reference price the absolute moves become relative ones: ±1 at 1000 → ±2 at 2000
    const later = Decimal.fromInt(2000);
    assert.equal(later.mul(s.down).ceil(), 1998n);
    assert.equal(later.mul(s.up).floor(), 2002n);
  });

  test('16-dp factor rounding can narrow the bounds: ref 3, moves ±1 → bounds [3, 3], not [2, 4]', () => {
    const ref = Decimal.fromInt(3);
    const f = simpleBoundFactors(ref, { ...defaultSimple, maxMoveUp: 1, minMoveDown: 1 });
    assert.equal(f.down.toString(), '0.6666666666666667');
    assert.equal(f.up.toString(), '1.3333333333333333');
    assert.equal(ref.mul(f.down).ceil(), 3n);
    assert.equal(ref.mul(f.up).floor(), 3n);
  });

  test('probability of trading is fixed, 0 outside [min, max] when applyMinMax', () => {
    const d = (s: string): Decimal => Decimal.parse(s);
    assert.equal(simpleProbabilityOfTrading(d('100'), d('90'), d('110'), true, systemTest).toString(), '0.1');
    assert.ok(simpleProbabilityOfTrading(d('89'), d('90'), d('110'), true, systemTest).isZero());
    assert.ok(simpleProbabilityOfTrading(d('111'), d('90'), d('110'), true, systemTest).isZero());
    assert.equal(simpleProbabilityOfTrading(d('111'), d('90'), d('110'), false, systemTest).toString(), '0.1');
  });
});

describe('log-normal probability of trading (LP scoring)', () => {
  // default-st-risk-model with the tau scaling at its default 1
  const params = { mu: 0, r: 0.016, sigma: 1.5 };
  const base = { yearFraction: TAU_1H, applyMinMax: true };

  test('bid ladder point: current = max = best bid 1000, min 0 (python3: F(990)/F(1000) = 0.5323094255033687)', () => {
    const p = probabilityOfTrading(
      { ...base, currentPrice: 1000, orderPrice: 990, minPrice: 0, maxPrice: 1000, isBid: true },
      params,
    );
    assertRel(p, 0.5323094255033687, 1e-14, 'bid 990');
    // python3: 0.9505105862494941
    const q = probabilityOfTrading(
      { ...base, currentPrice: 1000, orderPrice: 999, minPrice: 0, maxPrice: 1000, isBid: true },
      params,
    );
    assertRel(q, 0.9505105862494941, 1e-14, 'bid 999');
  });

  test('ask ladder point: current = min = best ask 1010, max 6 × 1010 (python3: 0.5367343085345899)', () => {
    const p = probabilityOfTrading(
      { ...base, currentPrice: 1010, orderPrice: 1020, minPrice: 1010, maxPrice: 6060, isBid: false },
      params,
    );
    assertRel(p, 0.5367343085345899, 1e-14, 'ask 1020');
  });

  test('without min/max: the plain CDF / survival (python3: 0.26785581378201295 / 0.732144186217987)', () => {
    const input = {
      currentPrice: 1000,
      orderPrice: 990,
      minPrice: 0,
      maxPrice: 0,
      yearFraction: TAU_1H,
      applyMinMax: false,
    };
    assertRel(probabilityOfTrading({ ...input, isBid: true }, params), 0.26785581378201295, 1e-14, 'bid');
    assertRel(probabilityOfTrading({ ...input, isBid: false }, params), 0.732144186217987, 1e-14, 'ask');
  });

  test('at min or max the truncated distribution gives 1 (or 0), 0 outside, negative min raised to 0', () => {
    // the version of quant that Vega v0.79 runs has no special case at the bounds (the LP tables of
    // verified/0034-PROB-liquidity_TauScaling.feature need a first row of 1)
    const bid = { ...base, currentPrice: 1000, minPrice: 0, maxPrice: 1000, isBid: true };
    assert.equal(probabilityOfTrading({ ...bid, orderPrice: 1000 }, params), 1);
    assert.equal(probabilityOfTrading({ ...bid, orderPrice: 1001 }, params), 0);
    assert.equal(probabilityOfTrading({ ...bid, orderPrice: 0 }, params), 0);
    assert.equal(probabilityOfTrading({ ...bid, minPrice: -5, orderPrice: 0 }, params), 0);
    assert.equal(probabilityOfTrading({ ...bid, minPrice: 900, orderPrice: 899 }, params), 0);
    const ask = { ...base, currentPrice: 1010, minPrice: 1010, maxPrice: 6060, isBid: false };
    assert.equal(probabilityOfTrading({ ...ask, orderPrice: 1010 }, params), 1);
    assert.equal(probabilityOfTrading({ ...ask, orderPrice: 6060 }, params), 0);
  });

  test('decreases monotonically away from the touch on both sides and drops below 1e-8 within the ladder', () => {
    let prevBid = 1;
    let bidSteps = 0;
    for (let p = 999; p > 0; p -= 1) {
      const v = probabilityOfTrading(
        { ...base, currentPrice: 1000, orderPrice: p, minPrice: 0, maxPrice: 1000, isBid: true },
        params,
      );
      assert.ok(v <= prevBid, `bid not decreasing at ${p}`);
      prevBid = v;
      bidSteps++;
      if (v <= 1e-8) break;
    }
    assert.ok(prevBid <= 1e-8 && bidSteps < 999);
    let prevAsk = 1;
    for (let p = 1011; p < 6060; p += 1) {
      const v = probabilityOfTrading(
        { ...base, currentPrice: 1010, orderPrice: p, minPrice: 1010, maxPrice: 6060, isBid: false },
        params,
      );
      assert.ok(v <= prevAsk, `ask not decreasing at ${p}`);
      prevAsk = v;
      if (v <= 1e-8) break;
    }
    assert.ok(prevAsk <= 1e-8);
  });
});
