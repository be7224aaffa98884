// Exact decimal arithmetic with the semantics of the decimal library Vega uses (a shopspring/decimal fork):
// add/sub/mul are exact, div rounds to 16 fractional digits half away from zero (DivisionPrecision = 16),
// conversions to integers name their rounding (floor, ceil, trunc). Spec: vega-formulas.md section 0.
import { pow10 } from './bigint.ts';

/** Fractional digits kept by division, as in shopspring/decimal's default DivisionPrecision. */
export const DIVISION_PRECISION = 16;

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export class Decimal {
  /** value = coef * 10^-scale, scale >= 0 */
  readonly coef: bigint;
  readonly scale: number;

  private constructor(coef: bigint, scale: number) {
    this.coef = coef;
    this.scale = scale;
  }

  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);

  static of(coef: bigint, scale = 0): Decimal {
    if (scale < 0) return new Decimal(coef * pow10(-scale), 0);
    return new Decimal(coef, scale);
  }

  static fromBigInt(v: bigint): Decimal {
    return new Decimal(v, 0);
  }

  static fromInt(v: number): Decimal {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not a safe integer: ${v}`);
    return new Decimal(BigInt(v), 0);
  }

  /** Parses "12", "-0.25", "1e-9", "1.5E+3". Throws a RangeError naming `what` on malformed input. */
  static parse(s: string, what = 'value'): Decimal {
    const m = DECIMAL_RE.exec(s.trim());
    if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      throw new RangeError(`${what}: "${s}" is not a decimal number`);
    }
    const sign = m[1] === '-' ? -1n : 1n;
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 10000)
      throw new RangeError(`${what}: exponent out of range in "${s}"`);
    let coef = BigInt((intPart + frac).replace(/^0+(?=\d)/, '') || '0') * sign;
    let scale = frac.length - exp;
    if (scale < 0) {
      coef *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(coef, scale);
  }

  /**
   * The decimal Vega gets from a float64 (num.DecimalFromFloat): the shortest decimal that round-trips,
   * which is what Number.prototype.toString produces.
   */
  static fromFloat(x: number): Decimal {
    if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
    return Decimal.parse(String(x));
  }

  // add, sub and cmp align the scales inline (no tuple per call: they are on every hot path)
  add(o: Decimal): Decimal {
    const sa = this.scale;
    const sb = o.scale;
    if (sa === sb) return new Decimal(this.coef + o.coef, sa);
    if (sa > sb) return new Decimal(this.coef + o.coef * pow10(sa - sb), sa);
    return new Decimal(this.coef * pow10(sb - sa) + o.coef, sb);
  }

  sub(o: Decimal): Decimal {
    const sa = this.scale;
    const sb = o.scale;
    if (sa === sb) return new Decimal(this.coef - o.coef, sa);
    if (sa > sb) return new Decimal(this.coef - o.coef * pow10(sa - sb), sa);
    return new Decimal(this.coef * pow10(sb - sa) - o.coef, sb);
  }

  mul(o: Decimal): Decimal {
    // not normalised: scales add (comparisons and sums align scales; division and toString reduce)
    return new Decimal(this.coef * o.coef, this.scale + o.scale);
  }

  mulBig(v: bigint): Decimal {
    return new Decimal(this.coef * v, this.scale);
  }

  /** Division rounded to `precision` fractional digits, half away from zero (shopspring DivRound). */
  div(o: Decimal, precision = DIVISION_PRECISION): Decimal {
    if (o.coef === 0n) throw new RangeError('decimal division by zero');
    // x / 1 is exact when x has no more digits than the precision: the same reduced value the long path gives
    if (o.coef === 1n && o.scale === 0 && this.scale <= precision) return this.reduce();
    // this/o = (a*10^-sa)/(b*10^-sb); scaled to 10^-precision: a * 10^(precision - sa + sb) / b
    const shift = precision - this.scale + o.scale;
    let num = this.coef;
    let den = o.coef;
    if (shift >= 0) num *= pow10(shift);
    else den *= pow10(-shift);
    let q = num / den;
    const r = num % den;
    if (r !== 0n) {
      const twiceR = (r < 0n ? -r : r) * 2n;
      const absDen = den < 0n ? -den : den;
      if (twiceR >= absDen) q += num < 0n !== den < 0n ? -1n : 1n;
    }
    return new Decimal(q, precision).reduce();
  }

  divBig(v: bigint, precision = DIVISION_PRECISION): Decimal {
    return this.div(new Decimal(v, 0), precision);
  }

  /**
   * Power with a decimal exponent, by shopspring/decimal's recursion (≤ v1.3): exact for integer exponents;
   * an exponent whose integer part is 0 gives 1, so a fractional exponent p behaves like the recursion on
   * halves of p (e.g. x^0.5 = 1, x^1.5 = x). Negative integer parts divide at 16 digits.
   */
  pow(e: Decimal): Decimal {
    const ip = e.trunc();
    if (ip === 0n) return Decimal.ONE;
    if (e.isInteger()) {
      // exact: square-and-multiply
      let base = new Decimal(this.coef, this.scale);
      let n = ip < 0n ? -ip : ip;
      let acc: Decimal = Decimal.ONE;
      while (n > 0n) {
        if (n & 1n) acc = acc.mul(base).reduce();
        base = base.mul(base).reduce();
        n >>= 1n;
      }
      return ip < 0n ? Decimal.ONE.div(acc) : acc;
    }
    const half = this.pow(e.div(Decimal.fromInt(2)));
    const sq = half.mul(half).reduce();
    if (ip % 2n === 0n) return sq;
    return ip > 0n ? sq.mul(this).reduce() : sq.div(this);
  }

  neg(): Decimal {
    return new Decimal(-this.coef, this.scale);
  }

  abs(): Decimal {
    return this.coef < 0n ? this.neg() : this;
  }

  sign(): -1 | 0 | 1 {
    return this.coef === 0n ? 0 : this.coef < 0n ? -1 : 1;
  }

  isZero(): boolean {
    return this.coef === 0n;
  }

  isNegative(): boolean {
    return this.coef < 0n;
  }

  isPositive(): boolean {
    return this.coef > 0n;
  }

  cmp(o: Decimal): -1 | 0 | 1 {
    const sa = this.scale;
    const sb = o.scale;
    let x = this.coef;
    let y = o.coef;
    if (sa > sb) y *= pow10(sa - sb);
    else if (sb > sa) x *= pow10(sb - sa);
    return x === y ? 0 : x < y ? -1 : 1;
  }

  eq(o: Decimal): boolean {
    return this.cmp(o) === 0;
  }

  lt(o: Decimal): boolean {
    return this.cmp(o) < 0;
  }

  lte(o: Decimal): boolean {
    return this.cmp(o) <= 0;
  }

  gt(o: Decimal): boolean {
    return this.cmp(o) > 0;
  }

  gte(o: Decimal): boolean {
    return this.cmp(o) >= 0;
  }

  static max(a: Decimal, b: Decimal): Decimal {
    return a.gte(b) ? a : b;
  }

  static min(a: Decimal, b: Decimal): Decimal {
    return a.lte(b) ? a : b;
  }

  /** Integer part, rounded toward zero (num.UintFromDecimal / IntFromDecimal). */
  trunc(): bigint {
    return this.scale === 0 ? this.coef : this.coef / pow10(this.scale);
  }

  /** Largest integer <= value. */
  floor(): bigint {
    if (this.scale === 0) return this.coef;
    const p = pow10(this.scale);
    const q = this.coef / p;
    return this.coef < 0n && this.coef % p !== 0n ? q - 1n : q;
  }

  /** Smallest integer >= value. */
  ceil(): bigint {
    if (this.scale === 0) return this.coef;
    const p = pow10(this.scale);
    const q = this.coef / p;
    return this.coef > 0n && this.coef % p !== 0n ? q + 1n : q;
  }

  /** Nearest integer, halves rounded away from zero (shopspring Round(0)). */
  round(): bigint {
    if (this.scale === 0) return this.coef;
    const p = pow10(this.scale);
    const neg = this.coef < 0n;
    const a = neg ? -this.coef : this.coef;
    let q = a / p;
    if ((a % p) * 2n >= p) q += 1n;
    return neg ? -q : q;
  }

  /** Rounds to `places` fractional digits, halves away from zero (shopspring Round(places)). */
  roundTo(places: number): Decimal {
    if (this.scale <= places) return this;
    const p = pow10(this.scale - places);
    const neg = this.coef < 0n;
    const a = neg ? -this.coef : this.coef;
    let q = a / p;
    if ((a % p) * 2n >= p) q += 1n;
    return new Decimal(neg ? -q : q, places);
  }

  /** Fixed number of fractional digits, rounded half away from zero (shopspring StringFixed). */
  toFixedRounded(places: number): string {
    const r = this.roundTo(places);
    return new Decimal(r.coef * pow10(places - r.scale), places).toFixed(places);
  }

  /** Rounds to `places` fractional digits toward zero (shopspring Truncate). */
  truncateTo(places: number): Decimal {
    if (this.scale <= places) return this;
    return new Decimal(this.coef / pow10(this.scale - places), places);
  }

  isInteger(): boolean {
    return this.scale === 0 || this.coef % pow10(this.scale) === 0n;
  }

  /** Removes trailing fractional zeros. */
  reduce(): Decimal {
    if (this.scale === 0 || this.coef === 0n) return this.coef === 0n ? Decimal.ZERO : this;
    let c = this.coef;
    let s = this.scale;
    if (c % 10n !== 0n) return this;
    // strip eight zeros at a time, then one at a time
    while (s >= 8 && c % 100_000_000n === 0n) {
      c /= 100_000_000n;
      s -= 8;
    }
    while (s > 0 && c % 10n === 0n) {
      c /= 10n;
      s--;
    }
    return s === this.scale ? this : new Decimal(c, s);
  }

  /** Lossy conversion for statistics and display only; never on a money path. */
  toNumber(): number {
    return Number(this.toString());
  }

  toString(): string {
    const r = this.reduce();
    if (r.scale === 0) return r.coef.toString();
    const neg = r.coef < 0n;
    const digits = (neg ? -r.coef : r.coef).toString().padStart(r.scale + 1, '0');
    const int = digits.slice(0, digits.length - r.scale);
    const frac = digits.slice(digits.length - r.scale);
    return `${neg ? '-' : ''}${int}.${frac}`;
  }

  /** Fixed number of fractional digits, truncated toward zero (for display). */
  toFixed(places: number): string {
    const t = this.truncateTo(places);
    const s = new Decimal(t.coef * pow10(places - Math.min(places, t.scale)), places);
    const neg = s.coef < 0n;
    const digits = (neg ? -s.coef : s.coef).toString().padStart(places + 1, '0');
    if (places === 0) return `${neg ? '-' : ''}${digits}`;
    return `${neg ? '-' : ''}${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places)}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Shorthand for Decimal.parse. */
export function dec(s: string | number | bigint): Decimal {
  if (typeof s === 'bigint') return Decimal.fromBigInt(s);
  if (typeof s === 'number') return Number.isInteger(s) ? Decimal.fromInt(s) : Decimal.fromFloat(s);
  return Decimal.parse(s);
}
