// Decimals of a margin-fraction market (seed 001, `settle()`): a base token with `baseDecimals` balance decimals,
// a quote token with `quoteDecimals`, and a market that counts sizes in units of 10^-marketSizeDecimals base and
// prices in units of 10^-marketPriceDecimals quote per base. A fill of `sizeMantissa` at `priceMantissa` moves
//   base  = sizeMantissa × 10^baseDecimals / 10^marketSizeDecimals                       (to the long)
//   quote = sizeMantissa × priceMantissa × 10^quoteDecimals / 10^(marketSizeDecimals + marketPriceDecimals)
//                                                                                         (to the short)
// in token balance units. Exact in bigint; where the quotient is not whole the balance delta is truncated toward
// zero (the seller of base is never credited quote it was not paid) and the remainder is reported, so a market can
// refuse sizes that do not map to whole token units.
//
// Seed bug (documented, corrected here): the seed divides with Python's float `/`, so it prints fractional token
// units (SHIB size mantissa 1 → base 0.001 units and quote 1e-9 units; USDT size mantissa 1 → 0.001 units of each)
// and its "half price" mantissa `10**12 / 2` is a float. Balances are integers of the token's smallest unit: those
// fills move 0 units (remainder reported), and the half price is the integer 5×10^11.
import { pow10 } from '../num/bigint.ts';

export interface MarketDecimals {
  /** decimals of the base token's balance unit (≤ the token contract's decimals) */
  readonly baseDecimals: number;
  /** decimals of the quote token's balance unit */
  readonly quoteDecimals: number;
  /** decimals of the market's size mantissa */
  readonly marketSizeDecimals: number;
  /** decimals of the market's price mantissa (quote per base) */
  readonly marketPriceDecimals: number;
}

export interface Settlement {
  /** base balance units the long receives (and the short delivers), truncated toward zero */
  readonly base: bigint;
  /** quote balance units the short receives (and the long pays), truncated toward zero */
  readonly quote: bigint;
  /** the exact base amount as numerator / denominator of balance units */
  readonly baseExact: { readonly num: bigint; readonly den: bigint };
  readonly quoteExact: { readonly num: bigint; readonly den: bigint };
  /** true when both deltas are whole balance units (nothing truncated) */
  readonly exact: boolean;
}

function checkDecimals(d: MarketDecimals): void {
  for (const k of ['baseDecimals', 'quoteDecimals', 'marketSizeDecimals', 'marketPriceDecimals'] as const) {
    const v = d[k];
    if (!Number.isInteger(v) || v < 0 || v > 36) throw new RangeError(`${k}: ${v} is not an integer in [0, 36]`);
  }
}

/** The seed's `settle()`: balance deltas of a fill of `sizeMantissa` at `priceMantissa` (both market units). */
export function settle(d: MarketDecimals, priceMantissa: bigint, sizeMantissa: bigint): Settlement {
  checkDecimals(d);
  if (priceMantissa < 0n) throw new RangeError(`priceMantissa: ${priceMantissa} is negative`);
  if (sizeMantissa < 0n) throw new RangeError(`sizeMantissa: ${sizeMantissa} is negative`);
  const baseNum = sizeMantissa * pow10(d.baseDecimals);
  const baseDen = pow10(d.marketSizeDecimals);
  const quoteNum = sizeMantissa * priceMantissa * pow10(d.quoteDecimals);
  const quoteDen = pow10(d.marketSizeDecimals + d.marketPriceDecimals);
  return {
    // trunc toward zero (the operands are non-negative, so this is floor)
    base: baseNum / baseDen,
    quote: quoteNum / quoteDen,
    baseExact: { num: baseNum, den: baseDen },
    quoteExact: { num: quoteNum, den: quoteDen },
    exact: baseNum % baseDen === 0n && quoteNum % quoteDen === 0n,
  };
}

/** The smallest size mantissa whose base delta is a whole balance unit: 10^max(0, sizeDecimals − baseDecimals). */
export function minWholeBaseSize(d: MarketDecimals): bigint {
  checkDecimals(d);
  return pow10(Math.max(0, d.marketSizeDecimals - d.baseDecimals));
}

/** Renders numerator/denominator of balance units as a decimal string of whole tokens (`decimals` of the token). */
export function formatUnits(num: bigint, den: bigint, decimals: number): string {
  // value in tokens = num / (den × 10^decimals); shown exactly when the denominator is a power of ten
  const scaleDen = den * pow10(decimals);
  let digits = 0;
  let d = scaleDen;
  while (d > 1n && d % 10n === 0n) {
    d /= 10n;
    digits++;
  }
  if (d !== 1n) throw new RangeError('formatUnits: denominator is not a power of ten');
  const neg = num < 0n;
  const s = (neg ? -num : num).toString().padStart(digits + 1, '0');
  const whole = s.slice(0, s.length - digits);
  const frac = s.slice(s.length - digits).replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}
