// Integer helpers for money and sizes (bigint). Rounding is always named: floor, ceil, trunc (toward zero).

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 80; i++, p *= 10n) POW10.push(p);

/** 10^n as a bigint (n >= 0). */
export function pow10(n: number): bigint {
  if (n < 0) throw new RangeError(`pow10: negative exponent ${n}`);
  return n < POW10.length ? POW10[n]! : 10n ** BigInt(n);
}

export function absBig(a: bigint): bigint {
  return a < 0n ? -a : a;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** floor(a / b) for any signs (b != 0). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** ceil(a / b) for any signs (b != 0). */
export function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n === b < 0n ? q + 1n : q;
}

/** Parses a decimal integer string strictly (optional leading '-'); throws on anything else. */
export function parseBigInt(s: string, what = 'value'): bigint {
  const t = s.trim();
  if (!/^-?\d+$/.test(t)) throw new RangeError(`${what}: "${s}" is not an integer`);
  return BigInt(t);
}

/** Median as Vega computes it: sort, and for an even count floor((a+b)/2) of the two middle values. */
export function medianBig(values: readonly bigint[]): bigint {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const s = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = s.length >> 1;
  if (s.length % 2 === 1) return s[mid]!;
  return floorDiv(s[mid - 1]! + s[mid]!, 2n);
}
