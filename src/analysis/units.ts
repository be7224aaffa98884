// Unit helpers shared by the analysers: exact decimal scaling between asset base units, asset units and market
// precision, and readable durations and percentages for the text output.
import { Decimal, pow10 } from '../core/index.ts';

/** d × 10^-n, exactly (n >= 0). */
export function shiftDown(d: Decimal, n: number): Decimal {
  return Decimal.of(d.coef, d.scale + n).reduce();
}

/** d × 10^n, exactly (n >= 0). */
export function shiftUp(d: Decimal, n: number): Decimal {
  return Decimal.of(d.coef * pow10(n), d.scale).reduce();
}

/** The position factor 10^PDP as the engine builds it (a division for negative PDP). */
export function positionFactor(pdp: number): Decimal {
  return pdp >= 0 ? Decimal.fromBigInt(pow10(pdp)) : Decimal.ONE.div(Decimal.fromBigInt(pow10(-pdp)));
}

/** The smallest order size the position decimals allow, in contracts: 10^-PDP. */
export function smallestSize(pdp: number): Decimal {
  return pdp >= 0 ? Decimal.of(1n, pdp) : Decimal.fromBigInt(pow10(-pdp));
}

/** A duration in seconds as text, to 0.1 s: 28800 → "8h", 1800 → "30m", 3597.5 → "59m 57.5s", 20.5 → "20.5s". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const tenths = Math.round(seconds * 10);
  if (tenths < 600) return `${trimNumber(tenths / 10, 1)}s`;
  const parts: string[] = [];
  let rest = tenths;
  for (const [unit, size] of [
    ['d', 864000],
    ['h', 36000],
    ['m', 600],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  if (rest > 0) parts.push(`${trimNumber(rest / 10, 1)}s`);
  return parts.join(' ');
}

/** A number with at most `digits` decimals, trailing zeros removed. */
export function trimNumber(x: number, digits: number): string {
  return x
    .toFixed(digits)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/** A number with `sig` significant digits in plain notation where that is readable. */
export function sig(x: number, digits = 4): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e12) {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
    return trimNumber(x, Math.min(decimals, 20));
  }
  return x.toPrecision(digits);
}

/** A fraction as a percentage: 0.0001 → "0.01%". */
export function pct(fraction: number, digits = 4): string {
  return `${sig(fraction * 100, digits)}%`;
}

/** A decimal string rounded (half away from zero) to at most `places` fractional digits, trailing zeros removed. */
export function trimDecimal(s: string, places: number): string {
  return Decimal.of(Decimal.parse(s).mulBig(pow10(places)).round(), places).toString();
}
