// Concentrated-liquidity curve maths of an AMM (spec 0090-VAMM, "Determining Volumes and Prices"): the virtual
// liquidity of each of the two ranges from the commitment and leverage at the bound, the position implied by a
// fair price, the fair price implied by a position, the volume between two prices, the price to trade a volume
// and the price one unit of volume away. Prices here are in asset precision (market price × price factor);
// positions are integers in position precision. Arithmetic is the Decimal of num/ (16-digit division, half
// away from zero, as Vega's decimal library); each conversion to an integer names its rounding.
import { Decimal } from '../num/decimal.ts';
import { pow10 } from '../num/bigint.ts';

/** Fractional digits of a square root (the same precision as a division). */
const SQRT_DIGITS = 16;
const SQRT_SCALE = pow10(2 * SQRT_DIGITS);

function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('square root of a negative number');
  if (n < 2n) return n;
  // Newton's method from above: x decreases to floor(√n)
  let x = n;
  let y = (x + 1n) >> 1n;
  while (y < x) {
    x = y;
    y = (x + n / x) >> 1n;
  }
  return x;
}

const sqrtCache = new Map<bigint, Decimal>();

/** √p for a non-negative integer price, truncated to 16 fractional digits. */
export function sqrtPrice(p: bigint): Decimal {
  let s = sqrtCache.get(p);
  if (s === undefined) {
    s = Decimal.of(isqrt(p * SQRT_SCALE), SQRT_DIGITS).reduce();
    if (sqrtCache.size > 100_000) sqrtCache.clear();
    sqrtCache.set(p, s);
  }
  return s;
}

/** Cap a decimal's digits so long chains of products stay small (no effect on results at 16 digits). */
const tidy = (d: Decimal): Decimal => d.truncateTo(32).reduce();

/** One of the two ranges of an AMM: [base, upper] (short side) or [lower, base] (long side). */
export interface Curve {
  /** virtual liquidity L */
  readonly l: Decimal;
  /** lower price of the range (asset precision) */
  readonly low: bigint;
  /** upper price of the range (asset precision) */
  readonly high: bigint;
  /** theoretical position at the far bound of the range (position precision, unsigned): Pv */
  readonly pv: Decimal;
  /** true when the range has no bound and so no liquidity */
  readonly empty: boolean;
  /** the long range (below base) rather than the short range (above base) */
  readonly isLower: boolean;
  readonly sqrtHigh: Decimal;
}

export interface CurveInputs {
  /** commitment in asset precision */
  readonly commitment: bigint;
  /** range bounds in asset precision */
  readonly low: bigint;
  readonly high: bigint;
  /** the market's risk factor for the side (long for the lower range, short for the upper range) */
  readonly riskFactor: Decimal;
  /** the market's initial margin scaling factor */
  readonly initialFactor: Decimal;
  readonly linearSlippage: Decimal;
  /** leverage at the bound, when the submission sets one */
  readonly leverage?: Decimal;
  /** 10^position decimal places */
  readonly positionFactor: Decimal;
  readonly isLower: boolean;
}

export function emptyCurve(base: bigint, isLower: boolean): Curve {
  return { l: Decimal.ZERO, low: base, high: base, pv: Decimal.ZERO, empty: true, isLower, sqrtHigh: Decimal.ZERO };
}

/**
 * The leverage factor r_f = min(l_b, 1 / ((f_s + f_l) · f_i)), where l_b is the leverage at the bound when set.
 */
export function leverageFactor(
  riskFactor: Decimal,
  linearSlippage: Decimal,
  initialFactor: Decimal,
  leverage?: Decimal,
): Decimal {
  const worst = Decimal.ONE.div(initialFactor.mul(riskFactor.add(linearSlippage)));
  return leverage === undefined ? worst : Decimal.min(worst, leverage);
}

/**
 * Builds a range from the commitment (spec: L_u, p_a, P_v and L = P_v · L_u). P_v is scaled by the position
 * factor so every later quantity is in position precision.
 */
export function generateCurve(c: CurveInputs): Curve {
  const rf = leverageFactor(c.riskFactor, c.linearSlippage, c.initialFactor, c.leverage);
  const sh = sqrtPrice(c.high);
  const sl = sqrtPrice(c.low);
  // L_u = √pu·√pl / (√pu − √pl)
  const lu = sh.mul(sl).div(sh.sub(sl));
  // p_a = L_u · √pu · (1 − L_u / (L_u + √pu))
  const pa = Decimal.ONE.sub(lu.div(lu.add(sh)))
    .mul(lu)
    .mul(sh);
  const cc = Decimal.fromBigInt(c.commitment);
  let pv: Decimal;
  if (c.isLower) {
    // P_vl = r_f·b / (p_l·(1 − r_f) + r_f·p_a)
    const den = Decimal.fromBigInt(c.low).mul(Decimal.ONE.sub(rf)).add(pa.mul(rf));
    pv = cc.mul(rf).div(den);
  } else {
    // P_vu = r_f·b / (p_u·(1 + r_f) − r_f·p_a)
    const den = Decimal.fromBigInt(c.high).mul(Decimal.ONE.add(rf)).sub(pa.mul(rf));
    pv = cc.mul(rf).div(den).abs();
  }
  pv = tidy(pv.mul(c.positionFactor));
  const l = tidy(pv.mul(lu));
  return { l, low: c.low, high: c.high, pv, empty: false, isLower: c.isLower, sqrtHigh: sh };
}

/** P_i = L · (√pu − √p) / (√pu · √p): the curve-space position at fair price p (unsigned, unrounded). */
export function impliedPosition(sqrtP: Decimal, sqrtHigh: Decimal, l: Decimal): Decimal {
  return sqrtHigh.sub(sqrtP).mul(l).div(sqrtHigh.mul(sqrtP));
}

/**
 * The AMM's (signed) position if its fair price were `price`, truncated toward zero: positive on the lower
 * range, and on the upper range the curve-space position shifted by P_vu (0 at base, −P_vu at the upper bound).
 */
export function positionAtPrice(c: Curve, price: bigint): bigint {
  const pos = impliedPosition(sqrtPrice(price), c.sqrtHigh, c.l);
  if (c.isLower) return pos.trunc();
  return -c.pv.sub(pos).trunc();
}

/**
 * The fair price of an AMM with position `pos`: √p_f = √pu / (P_v·√pu / L + 1), squared; P_v = pos on the
 * lower range, pos + P_vu on the upper range. Short positions round up (away from base, so no volume is implied
 * beyond the bound), long positions truncate.
 */
export function fairPrice(lower: Curve, upper: Curve, pos: bigint): bigint {
  if (pos === 0n) return lower.high;
  const cu = pos < 0n ? upper : lower;
  if (cu.empty) throw new RangeError('no fair price on a side without a range');
  const pv = pos < 0n ? cu.pv.add(Decimal.fromBigInt(pos)) : Decimal.fromBigInt(pos);
  const den = pv.mul(cu.sqrtHigh).div(cu.l).add(Decimal.ONE);
  const s = cu.sqrtHigh.div(den);
  const fp = s.mul(s);
  return pos < 0n ? fp.ceil() : fp.trunc();
}

/**
 * The price one unit of volume away from p on a range: (L·√p / (L ± √p))², + for an AMM buying (below p,
 * truncated), − for an AMM selling (above p, rounded up so it moves away from p).
 */
export function singleVolumePrice(c: Curve, p: bigint, ammSide: 'BUY' | 'SELL'): bigint {
  if (c.empty) throw new RangeError('no volume on a side without a range');
  const sp = sqrtPrice(p);
  const den = ammSide === 'BUY' ? c.l.add(sp) : c.l.sub(sp);
  const np = c.l.mul(sp).div(den);
  const sq = np.mul(np);
  return ammSide === 'SELL' ? sq.ceil() : sq.trunc();
}

/**
 * The AMM's virtual balances (x contracts, y cash) at position `pos` and fair price fp. With pos = 0 the range
 * is the one the trade moves into: an incoming buy makes the AMM short (upper range).
 */
export function virtualBalances(
  lower: Curve,
  upper: Curve,
  pos: bigint,
  fp: bigint,
  incoming: 'BUY' | 'SELL',
): { x: Decimal; y: Decimal } {
  const short = pos < 0n || (pos === 0n && incoming === 'BUY');
  const cu = short ? upper : lower;
  if (cu.empty) throw new RangeError('no balances on a side without a range');
  // x = P (+ P_vu on the short side) + L/√pu; y = L·√p_f
  let x = Decimal.fromBigInt(pos).add(cu.l.div(cu.sqrtHigh));
  if (short) x = x.add(cu.pv);
  const y = cu.l.mul(sqrtPrice(fp));
  return { x, y };
}

/**
 * The price at which the AMM trades `volume` with an incoming order of side `incoming`, from x·y constant:
 * Δy = x·y / (x − Δx) − y, price = |Δy / Δx| truncated. Δx is negative for an incoming sell (the AMM buys).
 */
export function priceForVolume(
  lower: Curve,
  upper: Curve,
  pos: bigint,
  fp: bigint,
  volume: bigint,
  incoming: 'BUY' | 'SELL',
): bigint {
  if (volume <= 0n) throw new RangeError('price for a zero volume');
  const { x, y } = virtualBalances(lower, upper, pos, fp, incoming);
  const dx = Decimal.fromBigInt(incoming === 'SELL' ? -volume : volume);
  const dy = x.mul(y).div(x.sub(dx)).sub(y);
  return dy.div(dx).abs().trunc();
}

/**
 * The signed position at fair price p over both ranges (0 at base; clamped to the bounds; 0 on a side that
 * has no range).
 */
export function positionAt(lower: Curve, upper: Curve, p: bigint): bigint {
  const base = lower.high;
  if (p > base) return upper.empty ? 0n : positionAtPrice(upper, p < upper.high ? p : upper.high);
  if (p < base) return lower.empty ? 0n : positionAtPrice(lower, p > lower.low ? p : lower.low);
  return 0n;
}

/** The volume between two fair prices (spec: |P_i(p_s) − P_i(p_e)|), across base if needed. */
export function volumeBetween(lower: Curve, upper: Curve, p1: bigint, p2: bigint): bigint {
  const a = positionAt(lower, upper, p1);
  const b = positionAt(lower, upper, p2);
  return a > b ? a - b : b - a;
}
