// Exact decimal amounts for the bot's money paths: a venue's decimal strings (prices, sizes, balances, fees) are
// held as bigints at a fixed scale of 10^18 (exact for any venue with at most 18 decimals), products of two at 10^36.
// The strategy itself works in floats (statistics); every amount that is summed into P&L goes through here.

export const SCALE = 18;
export const ONE = 10n ** BigInt(SCALE);
export const ONE2 = ONE * ONE;

/** A decimal string ("-12.345", "7", "0.1") → bigint at 10^18; throws naming `what` on anything else. */
export function parseFixed(s: string, what = 'value'): bigint {
  const m = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m) throw new RangeError(`${what}: "${s}" is not a decimal number`);
  const frac = m[3] ?? '';
  if (frac.length > SCALE) {
    if (/[1-9]/.test(frac.slice(SCALE))) throw new RangeError(`${what}: "${s}" has more than ${SCALE} decimals`);
  }
  const v = BigInt(m[2]!) * ONE + BigInt((frac.slice(0, SCALE) || '0').padEnd(SCALE, '0'));
  return m[1] === '-' ? -v : v;
}

/** bigint at 10^(scale) → decimal string with the trailing zeros dropped. */
export function formatFixed(v: bigint, scale = SCALE): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const one = 10n ** BigInt(scale);
  const int = a / one;
  let frac = (a % one).toString().padStart(scale, '0').replace(/0+$/, '');
  if (frac) frac = '.' + frac;
  return `${neg && (int > 0n || frac) ? '-' : ''}${int}${frac}`;
}

/** The number a fixed amount stands for (for the strategy and reports, never summed back). */
export function toNumber(v: bigint, scale = SCALE): number {
  return Number(formatFixed(v, scale));
}

/** How many decimals a step such as "0.001" has (the venue's tick or lot). */
export function decimalsOf(step: string): number {
  const f = step.split('.')[1];
  return f ? f.replace(/0+$/, '').length : 0;
}

/** `n` steps of `step` (a decimal string) as an exact decimal string: ticks → price, lots → size. */
export function times(n: number, step: string): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not a whole number of steps`);
  return formatFixed(BigInt(n) * parseFixed(step));
}

/** How many whole steps a decimal amount is (rounded to the nearest: exact inputs give exact counts). */
export function stepsOf(amount: string, step: string): number {
  const a = parseFixed(amount);
  const s = parseFixed(step);
  if (s <= 0n) throw new RangeError(`step "${step}" must be > 0`);
  const q = (2n * a + (a >= 0n ? s : -s)) / (2n * s);
  return Number(q);
}
