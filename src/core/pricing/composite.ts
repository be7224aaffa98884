// Composite mark price (spec 0009-MRKP mark price, 0089-COMP composing prices; notes R7): price sources
//   0        trades since the last calculation, size-weighted with time decay over the mark-price period δ,
//   1        the book: the time-weighted average of samples of the price at which a leveraged cash amount trades,
//   2 … n+1  oracle prices (asset precision, timestamped at receipt),
//   n+2      the median of the fresh sources above,
// each usable while fresh (now − last update ≤ its staleness tolerance), combined by weights or by median. The
// last-traded-price method (LAST_TRADE) is its own class (pricing/mark.ts); both implement `MarkPriceMethod`. The
// calculator only proposes candidates: the market decides whether a candidate becomes the mark price (price
// monitoring may refuse it).
//
// Rounding follows Vega's decimal library: every division keeps 16 fractional digits (half away from zero) and
// conversions to integers truncate.
import type { MarkPriceConfig, OracleValueType } from '../config/market.ts';
import { Decimal } from '../num/decimal.ts';
import { medianBig } from '../num/bigint.ts';
import { scaleToAsset, specMatches, type OracleData } from '../products/oracle.ts';
import type { Side } from '../types.ts';

/** What the book source needs from the order book; prices in asset precision, volumes in position units. */
export interface BookView {
  best(side: Side): bigint | undefined;
  /**
   * Volume-weighted average price of the best `volume` units of a side, truncated; the best price for volume 0;
   * undefined when the side holds less than `volume`.
   */
  vwap(side: Side, volume: bigint): bigint | undefined;
}

/** Margin parameters of the book source's leveraged notional. */
export interface BookFactors {
  /** the margin calculator's initial-margin scaling factor */
  readonly initialMargin: Decimal;
  readonly linearSlippage: Decimal;
  readonly riskFactorLong: Decimal;
  readonly riskFactorShort: Decimal;
}

export interface PriceSource {
  readonly name: string;
  readonly price: bigint;
  /** ns */
  readonly lastUpdated: bigint;
}

export interface TradeSample {
  readonly price: bigint;
  readonly size: bigint;
  readonly time: bigint;
}

const ONE = Decimal.ONE;

/** Vega's book price of a leveraged cash amount (spec 0089-COMP "price from the order book"); undefined: no sample. */
export function bookPrice(cash: bigint, view: BookView, f: BookFactors): bigint | undefined {
  const bid = view.best('buy');
  const ask = view.best('sell');
  if (bid === undefined || ask === undefined || bid <= 0n || ask <= 0n) return undefined;
  const c = Decimal.fromBigInt(cash);
  // notional N = C / (f × (s + rf)); volume = trunc(N / best price), two 16-digit divisions
  const notional = (rf: Decimal) => {
    const den = f.initialMargin.mul(f.linearSlippage.add(rf));
    return den.isZero() ? undefined : c.div(den);
  };
  const nBuy = notional(f.riskFactorShort);
  const nSell = notional(f.riskFactorLong);
  if (nBuy === undefined || nSell === undefined) return undefined;
  const vBuy = nBuy.div(Decimal.fromBigInt(bid)).trunc();
  const vSell = nSell.div(Decimal.fromBigInt(ask)).trunc();
  const buy = view.vwap('buy', vBuy);
  const sell = view.vwap('sell', vSell);
  if (buy === undefined || sell === undefined) return undefined;
  // each VWAP truncated first, then the integer mid
  return (buy + sell) / 2n;
}

/**
 * Trade-size weighted price with time decay (spec 0089-COMP "price from trades"): K_i = 1 − α·((t − t_i)/δ)^p
 * (floored at 0; 1 when α = 0), weights K_i × size_i/Σsize, P = trunc(Σ w_i·p_i / Σ w_i). Undefined when δ = 0,
 * there are no trades or every weight is 0.
 */
export function tradePrice(
  trades: readonly TradeSample[],
  t: bigint,
  delta: bigint,
  decayWeight: Decimal,
  decayPower: Decimal,
): bigint | undefined {
  if (delta <= 0n || trades.length === 0) return undefined;
  let total = 0n;
  for (const tr of trades) total += tr.size;
  if (total === 0n) return undefined;
  const totalD = Decimal.fromBigInt(total);
  const deltaD = Decimal.fromBigInt(delta);
  let w = Decimal.ZERO;
  let s = Decimal.ZERO;
  for (const tr of trades) {
    let k = ONE;
    if (!decayWeight.isZero()) {
      const age = Decimal.fromBigInt(t - tr.time).div(deltaD);
      k = ONE.sub(decayWeight.mul(age.pow(decayPower)));
      if (k.isNegative()) k = Decimal.ZERO;
    }
    const wi = k.mul(Decimal.fromBigInt(tr.size).div(totalD));
    w = w.add(wi);
    s = s.add(wi.mul(Decimal.fromBigInt(tr.price)));
  }
  if (w.isZero()) return undefined;
  return s.div(w).trunc();
}

/**
 * Time-weighted average of book samples taken at or after t − δ: each sample holds until the next one, the last
 * until t; weights are durations / (t − first key) at 16 digits; a single sample at t has weight 1. Undefined
 * without samples in the window.
 */
export function timeWeightedBookPrice(
  samples: ReadonlyMap<bigint, bigint>,
  t: bigint,
  delta: bigint,
): bigint | undefined {
  const keys = [...samples.keys()].filter((k) => k >= t - delta && k <= t).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return undefined;
  const first = keys[0]!;
  if (t === first) return samples.get(first)!;
  const span = Decimal.fromBigInt(t - first);
  let sum = Decimal.ZERO;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const next = i + 1 < keys.length ? keys[i + 1]! : t;
    const weight = Decimal.fromBigInt(next - k).div(span);
    sum = sum.add(weight.mulBig(samples.get(k)!));
  }
  return sum.trunc();
}

/** A composite mark-price method (WEIGHTED or MEDIAN over trades, book, oracles and their median). */
export class CompositePriceCalculator {
  cfg: MarkPriceConfig;
  /** the current composite price (undefined until one is known) */
  price: bigint | undefined;
  private trades: TradeSample[] = [];
  private bookSamples = new Map<bigint, bigint>();
  /** per source: value (undefined = never set) and last update (ns) */
  private values: (bigint | undefined)[] = [];
  private updated: bigint[] = [];

  constructor(
    cfg: MarkPriceConfig,
    private readonly assetDecimals: number,
    /** carried over from the previous method when a market update changes the method (trades and price kept) */
    carried?: { trades: readonly TradeSample[]; price: bigint | undefined },
  ) {
    this.cfg = cfg;
    this.resetSources();
    if (carried) {
      this.trades = [...carried.trades];
      this.price = carried.price;
    }
  }

  /** the book source samples the book */
  readonly samplesBook = true;

  /** The trades kept since the last calculation (carried over to a new method). */
  tradeSamples(): readonly TradeSample[] {
    return this.trades;
  }

  /** Number of sources: the length of the staleness-tolerance list (trades, book, oracles…, median). */
  private get count(): number {
    return this.cfg.sourceStalenessToleranceNs.length;
  }

  private get medianIndex(): number {
    return this.count - 1;
  }

  /** New configuration (market update): every source value and time is forgotten; trades, samples, price kept. */
  updateConfig(cfg: MarkPriceConfig): void {
    this.cfg = cfg;
    this.resetSources();
  }

  private resetSources(): void {
    this.values = new Array<bigint | undefined>(this.count).fill(undefined);
    this.updated = new Array<bigint>(this.count).fill(0n);
  }

  /** A trade (not a network close-out): kept until the next calculation; the trade source's time moves to it. */
  newTrade(price: bigint, size: number, time: bigint): void {
    this.trades.push({ price, size: BigInt(size), time });
    if (this.count > 0) this.updated[0] = time;
  }

  get hasTrades(): boolean {
    return this.trades.length > 0;
  }

  /** A book sample at t (composite prices only); no sample when a side is empty or too thin. */
  sampleBook(t: bigint, view: BookView, f: BookFactors): void {
    if (this.count < 2) return;
    const p = bookPrice(this.cfg.cashAmount, view, f);
    if (p === undefined) return;
    this.setBookPriceAt(t, p);
  }

  /** A book price known at t (an auction's uncrossing price, an indicative price). */
  setBookPriceAt(t: bigint, price: bigint): void {
    if (this.count < 2 || price <= 0n) return;
    this.bookSamples.set(t, price);
    this.updated[1] = t;
  }

  /**
   * Oracle data: every configured oracle whose spec the data satisfies takes its value (scaled to asset decimals;
   * zero or unparsable values are ignored), timestamped at receipt.
   */
  onOracleData(data: OracleData, now: bigint): void {
    this.cfg.oracles.forEach((o, k) => {
      const index = 2 + k;
      if (index >= this.medianIndex) return;
      if (!specMatches(o, data)) return;
      const raw = data.properties[o.property];
      if (raw === undefined) return;
      const type: OracleValueType = o.filters?.find((f) => f.property === o.property)?.type ?? 'INTEGER';
      const v = scaleToAsset(raw, type === 'DECIMAL' ? 'DECIMAL' : 'INTEGER', o.decimals, this.assetDecimals);
      if (v === undefined || v <= 0n) return;
      this.values[index] = v;
      this.updated[index] = now;
    });
  }

  private fresh(i: number, t: bigint): boolean {
    const v = this.values[i];
    if (v === undefined || v === 0n) return false;
    return t - this.updated[i]! <= (this.cfg.sourceStalenessToleranceNs[i] ?? 0n);
  }

  /**
   * A calculation at t over the mark-price period δ: the candidate price (undefined: nothing usable). Source
   * values are refreshed; the caller decides on the candidate, then calls `endCalculation`.
   */
  calculate(t: bigint, delta: bigint): bigint | undefined {
    const n = this.count;
    if (n < 3) return undefined;
    const tp = tradePrice(this.trades, t, delta, this.cfg.decayWeight, this.cfg.decayPower);
    if (tp !== undefined && tp > 0n) this.values[0] = tp;
    const bp = timeWeightedBookPrice(this.bookSamples, t, delta);
    if (bp !== undefined && bp > 0n) this.values[1] = bp;
    // the median source: the median of the fresh inputs, stamped with the latest input time (only forward)
    const mi = this.medianIndex;
    const inputs: bigint[] = [];
    let latest = 0n;
    for (let i = 0; i < mi; i++) {
      if (this.updated[i]! > latest) latest = this.updated[i]!;
      if (this.fresh(i, t)) inputs.push(this.values[i]!);
    }
    if (inputs.length > 0) {
      this.values[mi] = medianBig(inputs);
      if (latest > this.updated[mi]!) this.updated[mi] = latest;
    }
    const freshIdx: number[] = [];
    for (let i = 0; i < n; i++) if (this.fresh(i, t)) freshIdx.push(i);
    if (freshIdx.length === 0) return undefined;
    if (this.cfg.type === 'MEDIAN') return medianBig(freshIdx.map((i) => this.values[i]!));
    // WEIGHTED: Σ trunc(P_i × w_i / W) over the fresh sources
    let total = Decimal.ZERO;
    for (const i of freshIdx) total = total.add(this.cfg.sourceWeights[i] ?? Decimal.ZERO);
    if (total.isZero()) return undefined;
    let price = 0n;
    for (const i of freshIdx) {
      const w = this.cfg.sourceWeights[i] ?? Decimal.ZERO;
      if (w.isZero()) continue;
      price += w.mulBig(this.values[i]!).div(total).trunc();
    }
    return price > 0n ? price : undefined;
  }

  /** After every calculation: trades and book samples are forgotten (the caller then re-samples the book at t). */
  endCalculation(): void {
    this.trades = [];
    this.bookSamples.clear();
  }

  /** The sources that hold a value, with Vega's names (market data). */
  sources(): PriceSource[] {
    const out: PriceSource[] = [];
    const n = this.count;
    for (let i = 0; i < n; i++) {
      const v = this.values[i];
      if (v === undefined) continue;
      const name =
        i === 0
          ? 'priceFromTrades'
          : i === 1
            ? 'priceFromOrderBook'
            : i === n - 1
              ? 'medianPrice'
              : `priceFromOracle${i - 1}`;
      out.push({ name, price: v, lastUpdated: this.updated[i]! });
    }
    return out;
  }
}
