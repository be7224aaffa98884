// Perpetual futures product (spec 0053-PERP; vega-formulas.md section 5): funding periods, the internal (mark /
// composite) and external (oracle) price series, their time-weighted averages with auction time left out, and the
// funding payment per unit of position.
import { Decimal } from '../num/decimal.ts';
import type { PerpetualProduct } from '../config/market.ts';
import { NS } from '../types.ts';

/** 365 days in nanoseconds: the year funding uses (price monitoring uses 365.25 days). */
export const YEAR_NS = 365n * 24n * 3600n * NS;

interface Point {
  readonly t: bigint;
  readonly price: bigint;
}

export interface FundingData {
  /** funding payment per unit of position (asset precision), truncated toward zero */
  readonly payment: bigint;
  /** the exact funding payment before truncation */
  readonly exact: Decimal;
  readonly rate: Decimal;
  readonly internalTwap: bigint;
  readonly externalTwap: bigint;
}

/** A price point of one of the funding series, with the series' TWAP at its time (FundingPeriodDataPoint). */
export interface FundingDataPoint {
  readonly seq: number;
  readonly source: 'internal' | 'external';
  readonly price: bigint;
  /** ns, whole seconds */
  readonly t: bigint;
  readonly twap: bigint;
}

export interface FundingPeriodEvent {
  readonly seq: number;
  readonly start: bigint;
  readonly end?: bigint;
  readonly payment?: bigint;
  readonly rate?: string;
  readonly internalTwap?: bigint;
  readonly externalTwap?: bigint;
}

const truncSeconds = (t: bigint) => (t / NS) * NS;

/**
 * The closed segments of a series' TWAP, summed once and extended as time moves on: segments [p_i, p_i+1) for
 * i < k, each price × (span − auction time in it). Exact (bigint sums), so the same TWAP as a full pass; dropped
 * whenever a point is inserted before the end, the auctions change or a period starts.
 */
interface TwapPrefix {
  k: number;
  sum: bigint;
  elapsed: bigint;
}

export class PerpetualState {
  started = false;
  seq = 0;
  startedAt = 0n;
  terminated = false;
  private internal: Point[] = [];
  private external: Point[] = [];
  /** [start, end) auction intervals in the current period; end undefined while the auction lasts */
  private auctions: { start: bigint; end?: bigint }[] = [];
  inAuction = false;
  /** closed-segment sums of each series (see TwapPrefix); undefined: recompute from the first point */
  private prefix: { internal?: TwapPrefix; external?: TwapPrefix } = {};
  /** bumped on every change of the series, auctions, period or configuration; keys the funding cache */
  private version = 0;
  private fundingCache: { version: number; t: bigint; value: FundingData | undefined } | undefined;
  private marginIncreaseCache: { funding: FundingData; factor: Decimal; value: Decimal } | undefined;

  constructor(private cfg: PerpetualProduct) {}

  update(cfg: PerpetualProduct): void {
    this.cfg = cfg;
    this.version++;
  }

  /** Drops the cached sums (a change that can affect segments already summed). */
  private invalidate(): void {
    this.prefix = {};
    this.version++;
  }

  /** Starts the first funding period (opening auction end) with the internal points seen so far. */
  start(now: bigint): FundingPeriodEvent | undefined {
    if (this.started) return undefined;
    this.started = true;
    this.seq = 0;
    this.startedAt = truncSeconds(now);
    this.invalidate();
    return { seq: 0, start: this.startedAt };
  }

  /** An internal (market) price point; within one second only the first counts. Returns the point if kept. */
  addInternal(t: bigint, price: bigint): FundingDataPoint | undefined {
    if (price <= 0n) return undefined;
    return this.insert('internal', { t: truncSeconds(t), price });
  }

  /**
   * An external (oracle) price point, at the data's timestamp. Ignored before the first period starts. Returns the
   * point if kept.
   */
  addExternal(t: bigint, price: bigint): FundingDataPoint | undefined {
    if (!this.started || price <= 0n) return undefined;
    return this.insert('external', { t: truncSeconds(t), price });
  }

  private insert(source: 'internal' | 'external', p: Point): FundingDataPoint | undefined {
    const series = source === 'internal' ? this.internal : this.external;
    // the usual case: a point after the last one (the series is sorted by time, so no duplicate is possible)
    const last = series[series.length - 1];
    if (last !== undefined && p.t > last.t) {
      series.push(p);
      this.version++;
      return this.dataPoint(source, p);
    }
    if (last !== undefined && p.t === last.t) return undefined;
    if (series.some((x) => x.t === p.t)) return undefined;
    // a point older than the carried pre-period point is too old
    if (this.started && series.length > 0 && p.t < this.startedAt && p.t < series[0]!.t) return undefined;
    let i = series.length;
    while (i > 0 && series[i - 1]!.t > p.t) i--;
    series.splice(i, 0, p);
    this.invalidate();
    return this.dataPoint(source, p);
  }

  private dataPoint(source: 'internal' | 'external', p: Point): FundingDataPoint {
    return { seq: this.seq, source, price: p.price, t: p.t, twap: this.twap(source, p.t) ?? 0n };
  }

  /**
   * The points of the current period (carried ones included), external first, each with the TWAP at its time:
   * what is announced when a period starts.
   */
  periodPoints(): FundingDataPoint[] {
    return [
      ...this.external.map((p) => this.dataPoint('external', p)),
      ...this.internal.map((p) => this.dataPoint('internal', p)),
    ];
  }

  /** The latest external (oracle) price point, 0 before any: the underlying index price. */
  lastExternalPrice(): bigint {
    let best: Point | undefined;
    for (const p of this.external) if (!best || p.t >= best.t) best = p;
    return best?.price ?? 0n;
  }

  auctionStarted(now: bigint): void {
    if (this.inAuction) return;
    this.inAuction = true;
    if (this.started) this.auctions.push({ start: truncSeconds(now) });
    this.invalidate();
  }

  auctionEnded(now: bigint): void {
    if (!this.inAuction) return;
    this.inAuction = false;
    const open = this.auctions[this.auctions.length - 1];
    if (open && open.end === undefined) open.end = truncSeconds(now);
    this.invalidate();
  }

  /** Auction time within [from, to]. */
  private auctionTime(from: bigint, to: bigint): bigint {
    let total = 0n;
    for (const a of this.auctions) {
      const s = a.start > from ? a.start : from;
      const e = a.end === undefined ? to : a.end < to ? a.end : to;
      if (e > s) total += e - s;
    }
    return total;
  }

  /**
   * Time-weighted average of a series over [max(periodStart, first point), t], each price holding until the next
   * point, auction time excluded; floored. Undefined when the series has no point at or before t.
   */
  twap(series: 'internal' | 'external', t: bigint): bigint | undefined {
    const pts = series === 'internal' ? this.internal : this.external;
    if (pts.length === 0 || pts[0]!.t > t) return undefined;
    const from = pts[0]!.t > this.startedAt ? pts[0]!.t : this.startedAt;
    if (t === from) {
      // the first point's price (0 while in an auction)
      let last = pts[0]!;
      for (const p of pts) if (p.t <= t) last = p;
      return this.inAuction ? 0n : last.price;
    }
    // segments whose next point is before t are closed: their sums are kept and only extended (queries move
    // forward in time); a query behind the kept sums is computed in full
    let c = this.prefix[series];
    if (c === undefined || c.k > pts.length) c = this.prefix[series] = { k: 0, sum: 0n, elapsed: 0n };
    let sum = 0n;
    let elapsed = 0n;
    let i = 0;
    if (c.k === 0 || pts[c.k]!.t < t) {
      while (c.k + 1 < pts.length && pts[c.k + 1]!.t < t) {
        const p = pts[c.k]!;
        const next = pts[c.k + 1]!.t;
        const s = p.t > from ? p.t : from;
        if (next > s) {
          const span = next - s - this.auctionTime(s, next);
          c.sum += p.price * span;
          c.elapsed += span;
        }
        c.k++;
      }
      sum = c.sum;
      elapsed = c.elapsed;
      i = c.k;
    }
    for (; i < pts.length; i++) {
      const p = pts[i]!;
      if (p.t > t) break;
      const next = i + 1 < pts.length && pts[i + 1]!.t < t ? pts[i + 1]!.t : t;
      const s = p.t > from ? p.t : from;
      if (next <= s) continue;
      const span = next - s - this.auctionTime(s, next);
      sum += p.price * span;
      elapsed += span;
    }
    if (elapsed === 0n) return 0n;
    return sum / elapsed;
  }

  /** Funding as if the period ended at t (undefined without data on both sides). */
  fundingAt(t: bigint): FundingData | undefined {
    if (!this.started) return undefined;
    const tt = truncSeconds(t);
    // margins ask for it once per party at the same time: compute once per (state, second)
    const cached = this.fundingCache;
    if (cached && cached.version === this.version && cached.t === tt) return cached.value;
    const value = this.computeFunding(tt);
    this.fundingCache = { version: this.version, t: tt, value };
    return value;
  }

  private computeFunding(tt: bigint): FundingData | undefined {
    const F = this.twap('internal', tt);
    const S = this.twap('external', tt);
    if (F === undefined || S === undefined) return undefined;
    const c = this.cfg;
    const Fd = Decimal.fromBigInt(F);
    const Sd = Decimal.fromBigInt(S);
    let fp = Fd.sub(Sd);
    const delta = tt - this.startedAt;
    if (!c.interestRate.isZero()) {
      const td = Decimal.fromBigInt(delta).div(Decimal.fromBigInt(YEAR_NS));
      const interest = Decimal.ONE.add(c.interestRate.mul(td)).mul(Sd).sub(Fd);
      const lo = c.clampLowerBound.mul(Sd);
      const hi = c.clampUpperBound.mul(Sd);
      fp = fp.add(interest.lt(lo) ? lo : interest.gt(hi) ? hi : interest);
    }
    const auction = this.auctionTime(this.startedAt, tt);
    if (auction > 0n && delta > 0n)
      fp = fp.mul(Decimal.ONE.sub(Decimal.fromBigInt(auction).div(Decimal.fromBigInt(delta))));
    if (c.fundingRateScalingFactor) fp = fp.mul(c.fundingRateScalingFactor);
    let rate = S === 0n ? Decimal.ZERO : fp.div(Sd);
    if (c.fundingRateUpperBound && rate.gt(c.fundingRateUpperBound)) {
      rate = c.fundingRateUpperBound;
      fp = rate.mul(Sd);
    }
    if (c.fundingRateLowerBound && rate.lt(c.fundingRateLowerBound)) {
      rate = c.fundingRateLowerBound;
      fp = rate.mul(Sd);
    }
    return { payment: fp.trunc(), exact: fp, rate, internalTwap: F, externalTwap: S };
  }

  /** State of another family of funding rules for the state hash (margin-fraction/engine.ts); Vega's adds none. */
  hashParts(): string[] {
    return [];
  }

  /** The margin add-on per unit of position: trunc(funding payment now) × margin funding factor. */
  marginIncrease(now: bigint): Decimal | undefined {
    if (this.cfg.marginFundingFactor.isZero()) return undefined;
    const f = this.fundingAt(now);
    if (!f) return undefined;
    // asked once per party at every margin calculation: kept while the funding (cached above) and factor are the same
    const last = this.marginIncreaseCache;
    if (last && last.funding === f && last.factor === this.cfg.marginFundingFactor) return last.value;
    const value = Decimal.fromBigInt(f.payment).mul(this.cfg.marginFundingFactor);
    this.marginIncreaseCache = { funding: f, factor: this.cfg.marginFundingFactor, value };
    return value;
  }

  /**
   * The end of a funding period at cue time t. Returns the funding to exchange (undefined: no payment) and the
   * period-end event; `startNext` must be called after the exchange.
   */
  cue(t: bigint): { funding: FundingData | undefined; end: FundingPeriodEvent } | undefined {
    if (!this.started) return undefined;
    const tt = truncSeconds(t);
    // a cue at the very start of the period pays nothing
    const funding = tt === this.startedAt ? undefined : this.fundingAt(tt);
    const internalTwap = this.twap('internal', tt);
    const externalTwap = this.twap('external', tt);
    const end: FundingPeriodEvent = {
      seq: this.seq,
      start: this.startedAt,
      end: tt,
      ...(funding ? { payment: funding.payment, rate: funding.rate.toString() } : {}),
      ...(internalTwap !== undefined ? { internalTwap } : {}),
      ...(externalTwap !== undefined ? { externalTwap } : {}),
    };
    return { funding, end };
  }

  /** Starts the next period at t, carrying the last point at or before t and every later point of each series. */
  startNext(t: bigint): FundingPeriodEvent | undefined {
    if (this.terminated) return undefined;
    const tt = truncSeconds(t);
    this.seq++;
    this.startedAt = tt;
    const carry = (pts: Point[]) => {
      let lastBefore = -1;
      for (let i = 0; i < pts.length; i++) if (pts[i]!.t <= tt) lastBefore = i;
      return lastBefore < 0 ? pts : pts.slice(lastBefore);
    };
    this.internal = carry(this.internal);
    this.external = carry(this.external);
    this.auctions = this.inAuction ? [{ start: tt }] : [];
    this.invalidate();
    const internalTwap = this.twap('internal', tt);
    const externalTwap = this.twap('external', tt);
    return {
      seq: this.seq,
      start: tt,
      ...(internalTwap !== undefined ? { internalTwap } : {}),
      ...(externalTwap !== undefined ? { externalTwap } : {}),
    };
  }
}
