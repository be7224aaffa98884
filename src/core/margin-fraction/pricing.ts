// Prices of a margin-fraction perpetual (seed 001 "Perpetual futures"): the mark price from the book, prices with a
// confidence interval (Pyth style), and funding from the spot rate mark / index − 1 averaged over time.
//
//   mark   = (best bid + best ask) / 2 with both sides, rounded down (floor) to a price unit;
//            best ask × (1 − m) with asks only, best bid × (1 + m) with bids only (m the one-sided multiplier,
//            0 < m < 1), both truncated to a price unit; the last mark with an empty book
//   spot funding rate r = mark / index − 1 (division to 16 decimals, half away from zero, as Decimal.div)
//   time-weighted: Σ r_k × Δt_k over the window / Σ Δt_k
//   funding payment of a position = size × TWAP rate × index (positive: the position pays; longs pay when the
//   perpetual trades above the index)
//
// Seed bugs (documented; corrected here):
//  - `mark_price` with asks only returns best_bid × (1 − m), but there is no bid; it is best_ask × (1 − m) (and
//    with bids only best_bid × (1 + m)).
//  - `test_funding_rate` expects spot_funding_rate(1.1, 1) == −0.111111; the rate is 1.1 / 1 − 1 = 0.1.
//  - The TWAP example's comment says "twap for 3 times periods" but starts the window at the first observation
//    (time 1, rate −0.2), so it averages periods 2–3: (−0.4 − (−0.2)) / (3 − 1) = −0.1 exactly. Its assertion
//    −0.1 < twap < −0.0998 passes only because `Decimal(0.8)` built from a float is 0.8000000000000000444…; with
//    exact prices the TWAP is exactly −0.1 and the strict bound fails. Over all three periods the TWAP is
//    −0.4 / 3 = −0.1333….
//  - `Price.__post_init__` checks |confidence| < |mantissa|, which accepts a negative confidence; a confidence is
//    a non-negative half-width: 0 ≤ confidence < |mantissa|.
import { Decimal } from '../num/decimal.ts';
import { floorDiv } from '../num/bigint.ts';

export interface MarkInput {
  /** market price units */
  readonly lastMark: bigint;
  readonly bestBid: bigint | undefined;
  readonly bestAsk: bigint | undefined;
  /** 0 < m < 1 */
  readonly oneSidedMultiplier: Decimal;
}

export function checkMultiplier(m: Decimal, what = 'oneSidedMultiplier'): void {
  if (!(m.isPositive() && m.lt(Decimal.ONE))) throw new RangeError(`${what}: ${m.toString()} is not in (0, 1)`);
}

export function markPrice(i: MarkInput): bigint {
  checkMultiplier(i.oneSidedMultiplier);
  const { bestBid: bid, bestAsk: ask } = i;
  if (bid !== undefined && ask !== undefined) return floorDiv(bid + ask, 2n);
  if (ask !== undefined) return Decimal.fromBigInt(ask).mul(Decimal.ONE.sub(i.oneSidedMultiplier)).trunc();
  if (bid !== undefined) return Decimal.fromBigInt(bid).mul(Decimal.ONE.add(i.oneSidedMultiplier)).trunc();
  return i.lastMark;
}

/** r = mark / index − 1. */
export function spotFundingRate(mark: Decimal, index: Decimal): Decimal {
  if (!index.isPositive()) throw new RangeError(`index price: ${index.toString()} is not positive`);
  return mark.div(index).sub(Decimal.ONE);
}

/** One observation: (Δt, r × Δt) for the interval (previous, now]. */
export function timedFundingRate(
  previous: bigint,
  now: bigint,
  mark: Decimal,
  index: Decimal,
): { readonly dt: bigint; readonly weighted: Decimal } {
  if (now <= previous) throw new RangeError(`funding observation: now ${now} is not after previous ${previous}`);
  const dt = now - previous;
  return { dt, weighted: spotFundingRate(mark, index).mulBig(dt) };
}

/** Cumulative (time, rate × time) counters; a TWAP is the difference of two snapshots. */
export class FundingAccumulator {
  time = 0n;
  rate = Decimal.ZERO;

  add(dt: bigint, weighted: Decimal): void {
    this.time += dt;
    this.rate = this.rate.add(weighted);
  }

  snapshot(): { readonly time: bigint; readonly rate: Decimal } {
    return { time: this.time, rate: this.rate };
  }
}

export function twapFundingRate(
  start: { readonly time: bigint; readonly rate: Decimal },
  end: { readonly time: bigint; readonly rate: Decimal },
): Decimal {
  if (end.time <= start.time) throw new RangeError('funding TWAP: empty window');
  return end.rate.sub(start.rate).divBig(end.time - start.time);
}

/** Amount the position pays (positive) or receives (negative), quote: size × TWAP rate × index. */
export function fundingPayment(size: Decimal, twapRate: Decimal, index: Decimal): Decimal {
  return size.mul(twapRate).mul(index);
}

/** A price with a confidence interval (Pyth): value = mantissa × 10^-decimals ± confidence × 10^-decimals. */
export class ConfidencePrice {
  readonly mantissa: bigint;
  readonly decimals: number;
  readonly confidence: bigint;

  constructor(mantissa: bigint, decimals: number, confidence: bigint) {
    if (!Number.isInteger(decimals) || decimals < 0 || decimals > 36)
      throw new RangeError(`decimals: ${decimals} is not an integer in [0, 36]`);
    if (confidence < 0n) throw new RangeError(`confidence: ${confidence} is negative`);
    const abs = mantissa < 0n ? -mantissa : mantissa;
    if (confidence >= abs) throw new RangeError(`confidence: ${confidence} is not below |price mantissa| ${abs}`);
    this.mantissa = mantissa;
    this.decimals = decimals;
    this.confidence = confidence;
  }

  get price(): Decimal {
    return Decimal.of(this.mantissa, this.decimals);
  }

  get conf(): Decimal {
    return Decimal.of(this.confidence, this.decimals);
  }

  /** price − confidence: what an asset held is worth at worst */
  get lower(): Decimal {
    return Decimal.of(this.mantissa - this.confidence, this.decimals);
  }

  /** price + confidence: what a debt costs at worst */
  get upper(): Decimal {
    return Decimal.of(this.mantissa + this.confidence, this.decimals);
  }

  /** confidence / |price|: the relative width, for refusing too-uncertain prices */
  get relativeWidth(): Decimal {
    const abs = this.mantissa < 0n ? -this.mantissa : this.mantissa;
    return Decimal.fromBigInt(this.confidence).divBig(abs);
  }
}
