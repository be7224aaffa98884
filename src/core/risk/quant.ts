// Floating-point "quant" maths of Vega's risk models: erf/erfc (fdlibm algorithm), the standard normal CDF and quantile
// (Wichura AS241), the log-normal (Black-Scholes forward) risk factors, price range and probability of trading, the
// simple risk model, and the price monitor's pipeline from a model's price range to decimal bound factors.
// Spec: vega-formulas.md sections 0, 1.1, 1.2, 1.6, 3.2, 3.3, 6.7 (protocol 0018-RSKM, 0019-MCAL, 0032-PRIM, 0042-LIQF).
// Behaviour reproduced: vegaprotocol/quant v0.2.5 on gonum distuv (Normal/LogNormal CDF = 0.5·erfc(−z/√2)) and
// vega core/risk/models/{lognormal,simple}.go, core/monitor/price/{statevar,pricemonitoring}.go. Own code from the
// published formulas; no Go source is copied.
//
// Floating-point fidelity: every expression keeps Go's evaluation order (left to right, no fused multiply-add) and
// logarithms use `ln`, which performs the same operations as Go's math.Log, so results match Vega bit for bit whenever
// Math.exp agrees with Go's math.Exp. V8's Math.exp is fdlibm's; Go's is platform-specific (amd64 assembly with a
// CPU-dependent FMA path, arm64 assembly, pure Go elsewhere), so a last-ulp difference in a factor is possible and
// cannot be removed for every platform at once. Vega validators only agree these floats to 1e-6.
import { Decimal } from '../num/decimal.ts';

// ---------------------------------------------------------------------------------------------------------------
// erf / erfc: the fdlibm (Sun Microsystems, 1993) rational approximations. Coefficients are fdlibm's s_erf.c (written
// here as the shortest decimal of the same double, which keeps the linter's no-loss-of-precision rule quiet):
// "Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at SunPro, a Sun Microsystems, Inc.
// business. Permission to use, copy, modify, and distribute this software is freely granted, provided that this
// notice is preserved."
// The sign is folded out first and re-applied at the end (the order Go's math.Erf/Erfc use), which for erfc of a
// negative argument differs in rounding from the C original; Vega runs the Go version.
// ---------------------------------------------------------------------------------------------------------------

const ERX = 8.45062911510467529297e-1;
// erf(x) = x + x·P(x²)/Q(x²) on [0, 0.84375)
const EFX = 1.28379167095512586316e-1;
const EFX8 = 1.02703333676410069053;
const PP0 = 1.28379167095512558561e-1;
const PP1 = -3.2504210724700149937e-1;
const PP2 = -2.84817495755985104766e-2;
const PP3 = -5.77027029648944159157e-3;
const PP4 = -2.37630166566501626084e-5;
const QQ1 = 3.97917223959155352819e-1;
const QQ2 = 6.50222499887672944485e-2;
const QQ3 = 5.08130628187576562776e-3;
const QQ4 = 1.32494738004321644526e-4;
const QQ5 = -3.9602282787753681232e-6;
// erf(1+s) − ERX = P1(s)/Q1(s) on [0.84375, 1.25)
const PA0 = -2.36211856075265944077e-3;
const PA1 = 4.14856118683748331666e-1;
const PA2 = -3.72207876035701323847e-1;
const PA3 = 3.18346619901161753674e-1;
const PA4 = -1.10894694282396677476e-1;
const PA5 = 3.54783043256182359371e-2;
const PA6 = -2.166375594868790843e-3;
const QA1 = 1.06420880400844228286e-1;
const QA2 = 5.40397917702171048937e-1;
const QA3 = 7.18286544141962662868e-2;
const QA4 = 1.26171219808761642112e-1;
const QA5 = 1.36370839120290507362e-2;
const QA6 = 1.1984499846799107417e-2;
// erfc(x) = exp(−x² − 0.5625 + R1/S1)/x on [1.25, 1/0.35)
const RA0 = -9.86494403484714822705e-3;
const RA1 = -6.93858572707181764372e-1;
const RA2 = -1.05586262253232909814e1;
const RA3 = -6.23753324503260060396e1;
const RA4 = -1.62396669462573470355e2;
const RA5 = -1.84605092906711035994e2;
const RA6 = -8.12874355063065934246e1;
const RA7 = -9.81432934416914548592;
const SA1 = 1.96512716674392571292e1;
const SA2 = 1.376577541435190426e2;
const SA3 = 4.34565877475229228821e2;
const SA4 = 6.45387271733267880336e2;
const SA5 = 4.29008140027567833386e2;
const SA6 = 1.08635005541779435134e2;
const SA7 = 6.57024977031928170135;
const SA8 = -6.04244152148580987438e-2;
// erfc(x) = exp(−x² − 0.5625 + R2/S2)/x on [1/0.35, 28)
const RB0 = -9.86494292470009928597e-3;
const RB1 = -7.99283237680523006574e-1;
const RB2 = -1.77579549177547519889e1;
const RB3 = -1.60636384855821916062e2;
const RB4 = -6.37566443368389627722e2;
const RB5 = -1.02509513161107724954e3;
const RB6 = -4.83519191608651397019e2;
const SB1 = 3.03380607434824582924e1;
const SB2 = 3.25792512996573918826e2;
const SB3 = 1.53672958608443695994e3;
const SB4 = 3.19985821950859553908e3;
const SB5 = 2.55305040643316442583e3;
const SB6 = 4.74528541206955367215e2;
const SB7 = -2.24409524465858183362e1;

const TWO_POW_M28 = 2 ** -28;
const TWO_POW_M56 = 2 ** -56;
const VERY_TINY = 2.848094538889218e-306; // 0x0080000000000000
const ONE_OVER_035 = 1 / 0.35;

const bitsView = new DataView(new ArrayBuffer(8));

/** x with the low 32 bits of its IEEE-754 representation cleared (fdlibm's "pseudo-single" copy of x). */
function clearLowWord(x: number): number {
  bitsView.setFloat64(0, x);
  bitsView.setUint32(4, 0);
  return bitsView.getFloat64(0);
}

/** P(z)/Q(z) of the [0, 0.84375) interval, z = x². */
function smallRatio(z: number): number {
  const r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
  const s = 1 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
  return r / s;
}

/** P1(s) and Q1(s) of the [0.84375, 1.25) interval, s = |x| − 1. */
function midPQ(s: number): [number, number] {
  const p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
  const q = 1 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
  return [p, q];
}

/** erfc(ax)·ax for 1.25 <= ax < 28, i.e. exp(−ax² − 0.5625 + R/S) evaluated in two exp factors for accuracy. */
function tailTimesX(ax: number): number {
  const s = 1 / (ax * ax);
  let rr: number;
  let ss: number;
  if (ax < ONE_OVER_035) {
    rr = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
    ss = 1 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
  } else {
    rr = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
    ss = 1 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
  }
  const z = clearLowWord(ax);
  return Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + rr / ss);
}

// Natural logarithm with fdlibm's e_log.c method (same Sun notice as above), in the reduced form Go's math.Log uses
// on every platform Vega runs (pure Go and the amd64 assembly perform the same operations): x = 2^k·(1+f) with
// √2/2 <= 1+f < √2, s = f/(2+f), log(1+f) = f − (hfsq − s·(hfsq + R(s))), R an even degree-14 polynomial.
const LN2_HI = 6.9314718036912381649e-1; // 0x3fe62e42fee00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef35793c76
const LG1 = 6.66666666666673513e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** Natural logarithm, bit-identical to Go's math.Log for positive normal x (fdlibm reduction); V8's Math.log can differ by 1 ulp. */
export function ln(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x < 0) return NaN;
  if (x === 0) return -Infinity;
  // frexp: x = f1·2^k with f1 in [0.5, 1)
  let k = 0;
  let y = x;
  if (y < 2 ** -1022) {
    y *= 2 ** 54;
    k = -54;
  }
  bitsView.setFloat64(0, y);
  const hi = bitsView.getUint32(0);
  k += ((hi >>> 20) & 0x7ff) - 1022;
  bitsView.setUint32(0, (hi & 0x800fffff) | (1022 << 20));
  let f1 = bitsView.getFloat64(0);
  if (f1 < Math.SQRT2 / 2) {
    f1 *= 2;
    k--;
  }
  const f = f1 - 1;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (LG1 + s4 * (LG3 + s4 * (LG5 + s4 * LG7)));
  const t2 = s4 * (LG2 + s4 * (LG4 + s4 * LG6));
  const rr = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + rr) + k * LN2_LO) - f);
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt (fdlibm algorithm, in the same operations as Go's math.Erf). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return -1;
  const neg = x < 0;
  const ax = neg ? -x : x;
  let v: number;
  if (ax < 0.84375) {
    if (ax < TWO_POW_M28) v = ax < VERY_TINY ? 0.125 * (8.0 * ax + EFX8 * ax) : ax + EFX * ax;
    else v = ax + ax * smallRatio(ax * ax);
    return neg ? -v : v;
  }
  if (ax < 1.25) {
    const [p, q] = midPQ(ax - 1);
    return neg ? -ERX - p / q : ERX + p / q;
  }
  if (ax >= 6) return neg ? -1 : 1;
  const r = tailTimesX(ax);
  return neg ? r / ax - 1 : 1 - r / ax;
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in the right tail (same operations as Go's math.Erfc). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  const neg = x < 0;
  const ax = neg ? -x : x;
  if (ax < 0.84375) {
    let t: number;
    if (ax < TWO_POW_M56) t = ax;
    else {
      const y = smallRatio(ax * ax);
      t = ax < 0.25 ? ax + ax * y : 0.5 + (ax * y + (ax - 0.5));
    }
    return neg ? 1 + t : 1 - t;
  }
  if (ax < 1.25) {
    const [p, q] = midPQ(ax - 1);
    return neg ? 1 + ERX + p / q : 1 - ERX - p / q;
  }
  if (ax < 28) {
    if (neg && ax > 6) return 2; // erfc(x) rounds to 2 for x < −6
    const r = tailTimesX(ax);
    return neg ? 2 - r / ax : r / ax;
  }
  return neg ? 2 : 0;
}

/**
 * Standard normal CDF Φ(x), computed as gonum's distuv.UnitNormal.CDF does since gonum PR #580 (2018; Vega's gonum is
 * newer): 0.5·erfc(−x/√2). Mathematically equal to 0.5·(1 + erf(x/√2)) but without the cancellation in the left tail.
 */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Horner evaluation c[0]·zⁿ + … + c[n], in the same operation order as AS241's published code and gonum. */
function horner(c: readonly number[], z: number): number {
  let acc = c[0]!;
  for (let i = 1; i < c.length; i++) acc = acc * z + c[i]!;
  return acc;
}

// Wichura (1988), Algorithm AS 241 "The percentage points of the normal distribution" (PPND16), Applied Statistics
// 37(3), 477-484. Coefficients from the paper (as the shortest decimals of their doubles), highest degree first.
const AS241_A = [
  2509.0809287301227, 33430.57558358813, 67265.7709270087, 45921.95393154987, 13731.69376550946, 1971.5909503065513,
  133.14166789178438, 3.3871328727963665,
];
const AS241_B = [
  5226.495278852854, 28729.085735721943, 39307.89580009271, 21213.794301586597, 5394.196021424751, 687.1870074920579,
  42.31333070160091, 1.0,
];
const AS241_C = [
  0.0007745450142783414, 0.022723844989269184, 0.2417807251774506, 1.2704582524523684, 3.6478483247632045,
  5.769497221460691, 4.630337846156546, 1.4234371107496835,
];
const AS241_D = [
  1.0507500716444169e-9, 0.0005475938084995345, 0.015198666563616457, 0.14810397642748008, 0.6897673349851,
  1.6763848301838038, 2.053191626637759, 1.0,
];
const AS241_E = [
  2.0103343992922881e-7, 0.000027115555687434876, 0.0012426609473880784, 0.026532189526576124, 0.29656057182850487,
  1.7848265399172913, 5.463784911164114, 6.657904643501103,
];
const AS241_F = [
  2.0442631033899397e-15, 1.421511758316446e-7, 0.000018463183175100548, 0.0007868691311456133, 0.014875361290850615,
  0.1369298809227358, 0.599832206555888, 1.0,
];

/** Standard normal quantile Φ⁻¹(p) by Wichura's AS241 (as gonum mathext.NormalQuantile); ±Infinity at 0/1, throws outside [0, 1]. */
export function normQuantile(p: number): number {
  if (Number.isNaN(p)) return NaN;
  if (p < 0 || p > 1) throw new RangeError(`normQuantile: probability ${p} is outside [0, 1]`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(AS241_A, r)) / horner(AS241_B, r);
  }
  const r = Math.sqrt(-ln(p < 0.5 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    const z = r - 1.6;
    x = horner(AS241_C, z) / horner(AS241_D, z);
  } else {
    const z = r - 5;
    x = horner(AS241_E, z) / horner(AS241_F, z);
  }
  return p < 0.5 ? -x : x;
}

// ---------------------------------------------------------------------------------------------------------------
// Log-normal risk model (vega-formulas 1.1, 1.2, 1.6)
// ---------------------------------------------------------------------------------------------------------------

/** Black-Scholes parameters of a log-normal risk model (`params` of logNormalRiskModel). r is carried but unused. */
export interface LogNormalParams {
  mu: number;
  r: number;
  sigma: number;
}

/** A log-normal risk model as configured on a market: λ (riskAversionParameter), τ (year fraction) and the BS params. */
export interface LogNormalRiskModel extends LogNormalParams {
  riskAversionParameter: number;
  tau: number;
}

/** A pair of margin risk factors. */
export interface RiskFactors<T> {
  long: T;
  short: T;
}

/** Risk factors a log-normal market uses before the first state-variable consensus (LogNormal.DefaultRiskFactors). */
export const LOG_NORMAL_DEFAULT_RISK_FACTORS: Readonly<RiskFactors<Decimal>> = Object.freeze({
  long: Decimal.ONE,
  short: Decimal.ONE,
});

/** Lower-tail expected shortfall of LogNormal(mu, sigma) at level λ (negative: −E[X | X ≤ VaR_λ]); quant LogNormalEs. */
export function logNormalEsLower(mu: number, sigma: number, lambda: number): number {
  const z = normQuantile(lambda);
  return -(1.0 / lambda) * Math.exp(mu + sigma * sigma * 0.5) * normCdf(z - sigma);
}

/** Upper-tail expected shortfall of LogNormal(mu, sigma) at level λ (E[X | X ≥ its (1−λ)-quantile]); quant NegativeLogNormalEs. */
export function logNormalEsUpper(mu: number, sigma: number, lambda: number): number {
  const z = normQuantile(1.0 - lambda);
  return (1.0 / lambda) * Math.exp(mu + sigma * sigma * 0.5) * (1 - normCdf(z - sigma));
}

/** Margin risk factors of the log-normal model (quant RiskFactorsForward): long = ES_low + 1, short = ES_up − 1, floats. */
export function logNormalRiskFactors(model: LogNormalRiskModel): RiskFactors<number> {
  const { riskAversionParameter: lambda, tau, mu, sigma } = model;
  const muBar = (mu - 0.5 * sigma * sigma) * tau;
  const sigmaBar = Math.sqrt(tau) * sigma;
  return {
    long: logNormalEsLower(muBar, sigmaBar, lambda) + 1.0,
    short: logNormalEsUpper(muBar, sigmaBar, lambda) - 1.0,
  };
}

/** The factors as Vega's LogNormal.CalculateRiskFactors hands them on: each float wrapped with num.DecimalFromFloat. */
export function logNormalRiskFactorsDecimal(model: LogNormalRiskModel): RiskFactors<Decimal> {
  const f = logNormalRiskFactors(model);
  return { long: Decimal.fromFloat(f.long), short: Decimal.fromFloat(f.short) };
}

/** Parameters (m, s) of ln S_τ for the model's GBM started at `price`: m = ln S + (μ − σ²/2)τ, s = σ√τ (quant GetProbabilityDistribution). */
export function logNormalDistribution(
  price: number,
  yearFraction: number,
  params: LogNormalParams,
): { m: number; s: number } {
  return {
    m: ln(price) + (params.mu - 0.5 * params.sigma * params.sigma) * yearFraction,
    s: params.sigma * Math.sqrt(yearFraction),
  };
}

/** Quantile of LogNormal(m, s) at probability p: exp(m + s·Φ⁻¹(p)) (gonum distuv.LogNormal.Quantile). */
export function logNormalQuantile(m: number, s: number, p: number): number {
  return Math.exp(m + s * normQuantile(p));
}

/** CDF of LogNormal(m, s) at x: 0.5·erfc(−(ln x − m)/(√2·s)) (gonum distuv.LogNormal.CDF); 0 for x = 0. */
export function logNormalCdf(m: number, s: number, x: number): number {
  return 0.5 * erfc(-(ln(x) - m) / (Math.SQRT2 * s));
}

/** Float price range [Q((1−α)/2), Q(α + (1−α)/2)] of the price after `yearFraction` (quant PriceRange on the model's distribution). */
export function logNormalPriceRange(
  price: number,
  yearFraction: number,
  probability: number,
  params: LogNormalParams,
): { min: number; max: number } {
  const { m, s } = logNormalDistribution(price, yearFraction, params);
  const x = (1 - probability) / 2;
  return { min: logNormalQuantile(m, s, x), max: logNormalQuantile(m, s, probability + x) };
}

/** Vega's LogNormal.PriceRange: decimals converted to float64 (correctly rounded), the float range, then num.DecimalFromFloat. */
export function logNormalPriceRangeDecimal(
  price: Decimal,
  yearFraction: Decimal,
  probability: Decimal,
  params: LogNormalParams,
): { min: Decimal; max: Decimal } {
  const r = logNormalPriceRange(price.toNumber(), yearFraction.toNumber(), probability.toNumber(), params);
  return { min: Decimal.fromFloat(r.min), max: Decimal.fromFloat(r.max) };
}

/** Inputs of the log-normal probability of trading (all floats; Vega converts its decimals with InexactFloat64/Float64). */
export interface ProbabilityOfTradingInput {
  /** price the distribution starts from (the best static bid, resp. ask, in the LP ladder) */
  currentPrice: number;
  orderPrice: number;
  /** lower truncation price; negative values are raised to 0 as Vega does */
  minPrice: number;
  maxPrice: number;
  /** horizon as a year fraction; Vega passes the model's τ × market.liquidity.probabilityOfTrading.tau.scaling */
  yearFraction: number;
  isBid: boolean;
  applyMinMax: boolean;
}

/**
 * Probability of trading of an order under the log-normal model (Vega LogNormal.ProbabilityOfTrading → quant
 * ProbabilityOfTrading): with applyMinMax, 0 outside [min, max], else F truncated to [min, max]: bid
 * (F(p) − F(min))/(F(max) − F(min)), ask (F(max) − F(p))/(F(max) − F(min)), so 1 at the touch. Without it, F(p) /
 * 1 − F(p). (Later versions of quant return 0.5 exactly at min or max; the LP fee shares of
 * verified/0034-PROB-liquidity_TauScaling.feature show that the version Vega v0.79 runs does not.)
 * Vega wraps the result with num.DecimalFromFloat. The LP probability ladder (formulas 1.6/6.7) calls it with
 * applyMinMax for bids as (current = best bid, min 0, max best bid) and for asks as (current = best ask, min best ask,
 * max 6 × best ask), stepping the order price by 0.1 % of best bid/ask until the probability is <= 1e-8.
 */
export function probabilityOfTrading(input: ProbabilityOfTradingInput, params: LogNormalParams): number {
  const { m, s } = logNormalDistribution(input.currentPrice, input.yearFraction, params);
  const minPrice = Math.max(input.minPrice, 0);
  const maxPrice = input.maxPrice;
  const price = input.orderPrice;
  let lo = 0.0;
  let hi = 1.0;
  let z = 1.0;
  if (input.applyMinMax) {
    if (price < minPrice || price > maxPrice) return 0;
    lo = logNormalCdf(m, s, minPrice);
    hi = logNormalCdf(m, s, maxPrice);
    z = hi - lo;
  }
  // like quant, no guard for F(max) = F(min): the division then yields NaN or ±Infinity
  return input.isBid ? (logNormalCdf(m, s, price) - lo) / z : (hi - logNormalCdf(m, s, price)) / z;
}

// ---------------------------------------------------------------------------------------------------------------
// Price-monitoring bound factors (vega-formulas 3.2, 3.3)
// ---------------------------------------------------------------------------------------------------------------

/** Seconds in a year as the price monitor counts them (365.25 days). */
export const SECONDS_PER_YEAR = 31_557_600;

/** Decimal bound factors of one price-monitoring trigger: bounds are ceil(ref × down) and floor(ref × up). */
export interface BoundFactors {
  down: Decimal;
  up: Decimal;
}

/** Factors used before the first bound-factor consensus (pricemonitoring.go defaults). */
export const DEFAULT_BOUND_FACTORS: Readonly<BoundFactors> = Object.freeze({
  down: Decimal.parse('0.9'),
  up: Decimal.parse('1.1'),
});

/** A trigger horizon in seconds as the year fraction the monitor passes to the model: horizon / 31557600, a decimal rounded to 16 dp. */
export function horizonYearFraction(horizonSeconds: number | bigint): Decimal {
  const h = typeof horizonSeconds === 'bigint' ? Decimal.fromBigInt(horizonSeconds) : Decimal.fromInt(horizonSeconds);
  return h.div(Decimal.fromInt(SECONDS_PER_YEAR));
}

/** Bound factors from a model's decimal price range around `refPrice`: min/ref and max/ref, decimal divisions (16 dp). */
export function boundFactorsFromRange(range: { min: Decimal; max: Decimal }, refPrice: Decimal): BoundFactors {
  return { down: range.min.div(refPrice), up: range.max.div(refPrice) };
}

function toDecimal(v: Decimal | number | string, what: string): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === 'number') return Decimal.fromFloat(v);
  return Decimal.parse(v, what);
}

/**
 * Bound factors of one trigger for a log-normal market, as the monitor's state-variable calculation derives them:
 * τ_h = horizon/31557600 (decimal, 16 dp); {min, max} = LogNormal.PriceRange(ref, τ_h, α) (floats → DecimalFromFloat);
 * down = min/ref, up = max/ref (decimal, 16 dp). `refPrice` is the trigger's reference price in asset precision
 * (the last past VWAP at or before now − horizon, else the earliest, else the current block's first price).
 * The factors depend on ref only through float rounding; the bounds are then ceil(ref' × down), floor(ref' × up) with the
 * reference price ref' current at check time. Throws (like Vega's decimal division panics) if refPrice is 0.
 */
export function priceMonitoringBoundFactors(
  refPrice: Decimal,
  horizonSeconds: number | bigint,
  probability: Decimal | number | string,
  params: LogNormalParams,
): BoundFactors {
  const range = logNormalPriceRangeDecimal(
    refPrice,
    horizonYearFraction(horizonSeconds),
    toDecimal(probability, 'probability'),
    params,
  );
  return boundFactorsFromRange(range, refPrice);
}

// ---------------------------------------------------------------------------------------------------------------
// Simple risk model (core/risk/models/simple.go): everything is decimal, nothing is computed in floats.
// ---------------------------------------------------------------------------------------------------------------

/** Parameters of simpleRiskModel.params; numbers are read with Decimal.fromFloat, strings parsed exactly. */
export interface SimpleRiskModelParams {
  factorLong: Decimal | number | string;
  factorShort: Decimal | number | string;
  /** absolute upward move, in asset-precision price units */
  maxMoveUp: Decimal | number | string;
  /** absolute downward move, in asset-precision price units; its absolute value is used */
  minMoveDown: Decimal | number | string;
  probabilityOfTrading: Decimal | number | string;
}

/** The simple model's fixed risk factors (also its defaults before consensus), as exact decimals. */
export function simpleRiskFactors(params: SimpleRiskModelParams): RiskFactors<Decimal> {
  return {
    long: toDecimal(params.factorLong, 'factorLong'),
    short: toDecimal(params.factorShort, 'factorShort'),
  };
}

/**
 * The simple model's price range: [max(price − |minMoveDown|, 0), price + maxMoveUp], absolute moves that ignore the
 * horizon and probability (a negative maxMoveUp puts max below price).
 */
export function simplePriceRange(price: Decimal, params: SimpleRiskModelParams): { min: Decimal; max: Decimal } {
  const down = toDecimal(params.minMoveDown, 'minMoveDown').abs();
  const up = toDecimal(params.maxMoveUp, 'maxMoveUp');
  return { min: Decimal.max(price.sub(down), Decimal.ZERO), max: price.add(up) };
}

/**
 * Bound factors of a simple-model market (same for every trigger): (ref − |minMoveDown|)/ref and (ref + maxMoveUp)/ref
 * at 16 dp, computed with the reference price at calculation time. The monitor then applies them multiplicatively to
 * later reference prices, so the absolute moves become relative ones; maxMoveUp = minMoveDown = 0 gives factors 1/1,
 * i.e. bounds [ceil(ref), floor(ref)] and any other price breaches.
 */
export function simpleBoundFactors(refPrice: Decimal, params: SimpleRiskModelParams): BoundFactors {
  return boundFactorsFromRange(simplePriceRange(refPrice, params), refPrice);
}

/** The simple model's probability of trading: 0 outside [min, max] when applyMinMax, else the fixed parameter. */
export function simpleProbabilityOfTrading(
  orderPrice: Decimal,
  minPrice: Decimal,
  maxPrice: Decimal,
  applyMinMax: boolean,
  params: SimpleRiskModelParams,
): Decimal {
  if (applyMinMax && (orderPrice.lt(minPrice) || orderPrice.gt(maxPrice))) return Decimal.ZERO;
  return toDecimal(params.probabilityOfTrading, 'probabilityOfTrading');
}
