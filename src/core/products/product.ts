// The market's product, chosen once when the market is built (spec 0016-PFUT futures, 0053-PERP perpetuals): what
// the oracle data means (settlement price, trading termination, funding cues), the funding series and periods, the
// price cap. The product computes and returns signals; the market sequences the consequences (termination, final
// settlement, funding exchange, events).
//
// Adding spot (spec 0080-SPOT) means a third implementation: no positions and no margin (the market would pick the
// "no margin" margin model, risk/margin-model.ts), no settlement data (`settlementValue` returns {}), no termination
// by oracle (`onOracle`/`onTime` return {}), no funding (`fundingStarted` false, `cue` undefined); it will also need
// base/quote assets, which is a market-level change (holding accounts instead of margin accounts), not a product hook.
import type {
  FutureCap,
  FutureProduct as FutureConfig,
  PerpetualProduct as PerpetualConfig,
  ProductConfig,
} from '../config/market.ts';
import type { Decimal } from '../num/decimal.ts';
import { NS } from '../types.ts';
import { specMatches, type OracleData } from './oracle.ts';
import { MarginFractionPerpetual } from '../margin-fraction/engine.ts';
import type { MarginFractionParams } from '../margin-fraction/params.ts';
import { PerpetualState, type FundingData, type FundingDataPoint, type FundingPeriodEvent } from './perpetual.ts';

/** What an oracle data point or the protocol time means for the product: terminate trading, or a funding cue at t. */
export interface ProductSignal {
  readonly terminate?: true;
  readonly cue?: bigint;
}

/** The perpetual's funding estimate as of now (market data). */
export interface FundingEstimate {
  internalTwap: bigint;
  externalTwap: bigint;
  fundingPayment?: bigint;
  fundingRate?: string;
}

/** The perpetual's market-data fields that come from the product itself. */
export interface FundingView {
  underlyingIndexPrice: bigint;
  fundingPeriodSeq: number;
  fundingPeriodStart: bigint;
}

export interface Product {
  readonly kind: 'future' | 'perpetual' | 'spot';
  /** a capped future's cap, if any (market precision) */
  readonly cap: FutureCap | undefined;
  /** a funding period has started (perpetuals): data points are announced */
  readonly fundingStarted: boolean;
  /** the final settlement price received (futures, asset precision) */
  readonly settlementPrice: bigint | undefined;
  /** a product update from governance (same kind) */
  update(cfg: ProductConfig): void;
  /** whether a settlement price (asset precision) is acceptable (capped futures: inside the cap; binary: 0 or cap) */
  settlementWithinCap(value: bigint): boolean;
  /** the market leaves its opening auction (or opens without one): the first funding period, if any */
  opened(now: bigint): FundingPeriodEvent | undefined;
  auctionStarted(now: bigint): void;
  /** a non-opening auction ended */
  auctionEnded(now: bigint): void;
  /** an internal (mark or internal composite) price: a funding data point, if the product keeps that series */
  addInternal(now: bigint, price: bigint): FundingDataPoint | undefined;
  /**
   * A settlement-data value (asset precision) at the data's timestamp: a future keeps it as its settlement price
   * (`settle` true), a perpetual adds it to the external series.
   */
  settlementValue(value: bigint, t: bigint): { settle?: true; dataPoint?: FundingDataPoint };
  /** an oracle data point on the termination (futures) or schedule (perpetuals) spec; `terminated` is the market's */
  onOracle(data: OracleData, terminated: boolean): ProductSignal;
  /** the protocol's built-in time */
  onTime(now: bigint, data: OracleData, terminated: boolean): ProductSignal;
  /** the data points of the current funding period (announced when it starts) */
  periodPoints(): FundingDataPoint[];
  /** the end of a funding period at t: the funding to exchange, the period's end and the next period */
  cue(t: bigint): { funding: FundingData | undefined; end: FundingPeriodEvent; seq: number } | undefined;
  startNext(t: bigint): FundingPeriodEvent | undefined;
  /** trading terminated: no further funding periods */
  terminated(): void;
  /** the margin add-on per unit (perpetuals: funding as if the period ended now × margin funding factor) */
  marginIncrease(now: bigint): Decimal | undefined;
  fundingEstimate(now: bigint): FundingEstimate | undefined;
  /** the perpetual's own market-data fields (undefined: not a perpetual) */
  fundingView(): FundingView | undefined;
  /** state the product adds to the market's state hash (another family's funding accumulator); none for Vega's */
  hashParts?(): string[];
}

const NONE: ProductSignal = {};

/** A cash-settled future: settlement data, termination by oracle or time, an optional price cap. */
export class FutureProductImpl implements Product {
  readonly kind = 'future';
  readonly fundingStarted = false;
  settlementPrice: bigint | undefined;

  constructor(
    private cfg: FutureConfig,
    /** 10^(asset decimals − market decimals), as factor / divisor (the divisor is 1 unless the factor is below 1) */
    private readonly priceFactor: bigint,
    private readonly priceDivisor: bigint = 1n,
  ) {}

  get cap(): FutureCap | undefined {
    return this.cfg.cap;
  }

  update(cfg: ProductConfig): void {
    if (cfg.kind === 'future') this.cfg = cfg;
  }

  settlementWithinCap(value: bigint): boolean {
    const cap = this.cfg.cap;
    if (!cap) return true;
    const max = (cap.maxPrice * this.priceFactor) / this.priceDivisor;
    if (value < 0n || value > max) return false;
    return !cap.binarySettlement || value === 0n || value === max;
  }

  opened(): FundingPeriodEvent | undefined {
    return undefined;
  }
  auctionStarted(): void {}
  auctionEnded(): void {}
  addInternal(): FundingDataPoint | undefined {
    return undefined;
  }

  settlementValue(value: bigint): { settle?: true } {
    // capped futures ignore settlement data outside the cap (binary: anything but 0 and the cap)
    if (!this.settlementWithinCap(value)) return {};
    this.settlementPrice = value;
    return { settle: true };
  }

  onOracle(data: OracleData, terminated: boolean): ProductSignal {
    return !terminated && specMatches(this.cfg.tradingTermination, data) ? { terminate: true } : NONE;
  }

  onTime(_now: bigint, data: OracleData, terminated: boolean): ProductSignal {
    const t = this.cfg.tradingTermination;
    return !terminated && t.property.startsWith('vegaprotocol.builtin') && specMatches(t, data)
      ? { terminate: true }
      : NONE;
  }

  periodPoints(): FundingDataPoint[] {
    return [];
  }
  cue(): undefined {
    return undefined;
  }
  startNext(): undefined {
    return undefined;
  }
  terminated(): void {}
  marginIncrease(): undefined {
    return undefined;
  }
  fundingEstimate(): undefined {
    return undefined;
  }
  fundingView(): undefined {
    return undefined;
  }
}

/** A perpetual: internal and external series, funding periods on an oracle or built-in time schedule. */
export class PerpetualProductImpl implements Product {
  readonly kind = 'perpetual';
  readonly cap = undefined;
  readonly settlementPrice = undefined;
  private readonly state: PerpetualState;
  /** built-in time trigger of the funding schedule: next cue (ns) */
  private nextScheduledCue: bigint | undefined;

  /** `state`: the funding state of another family of rules (margin-fraction/engine.ts), else Vega's */
  constructor(
    private cfg: PerpetualConfig,
    state?: PerpetualState,
  ) {
    this.state = state ?? new PerpetualState(cfg);
  }

  get fundingStarted(): boolean {
    return this.state.started;
  }

  update(cfg: ProductConfig): void {
    if (cfg.kind !== 'perpetual') return;
    this.cfg = cfg;
    this.state.update(cfg);
  }

  settlementWithinCap(): boolean {
    return true;
  }

  opened(now: bigint): FundingPeriodEvent | undefined {
    return this.state.start(now);
  }
  auctionStarted(now: bigint): void {
    this.state.auctionStarted(now);
  }
  auctionEnded(now: bigint): void {
    this.state.auctionEnded(now);
  }
  addInternal(now: bigint, price: bigint): FundingDataPoint | undefined {
    return this.state.addInternal(now, price);
  }

  settlementValue(value: bigint, t: bigint): { dataPoint?: FundingDataPoint } {
    if (value <= 0n) return {};
    const p = this.state.addExternal(t, value);
    return p ? { dataPoint: p } : {};
  }

  onOracle(data: OracleData): ProductSignal {
    const s = this.cfg.settlementSchedule;
    if (s.kind !== 'oracle' || !specMatches(s, data)) return NONE;
    const v = data.properties[s.property]!;
    return /^\d+$/.test(v) ? { cue: BigInt(v) * NS } : NONE;
  }

  onTime(now: bigint, data: OracleData): ProductSignal {
    const sched = this.cfg.settlementSchedule;
    if (sched.kind !== 'timeTrigger' || !this.state.started) return NONE;
    if (this.nextScheduledCue === undefined) {
      this.nextScheduledCue =
        sched.initial !== undefined ? BigInt(sched.initial) * NS : this.state.startedAt + BigInt(sched.every) * NS;
    }
    if (now < this.nextScheduledCue) return NONE;
    const trigger = 'vegaprotocol.builtin.timetrigger';
    const spec = { signers: [], property: trigger, filters: [{ property: trigger, type: 'TIMESTAMP' as const }] };
    const due =
      !sched.conditions?.length ||
      specMatches({ ...spec, filters: [{ ...spec.filters[0]!, conditions: sched.conditions }] }, data);
    while (this.nextScheduledCue <= now) this.nextScheduledCue += BigInt(sched.every) * NS;
    return due ? { cue: now } : NONE;
  }

  periodPoints(): FundingDataPoint[] {
    return this.state.periodPoints();
  }

  cue(t: bigint): { funding: FundingData | undefined; end: FundingPeriodEvent; seq: number } | undefined {
    if (!this.state.started || this.state.terminated) return undefined;
    const r = this.state.cue(t);
    return r ? { ...r, seq: this.state.seq } : undefined;
  }

  startNext(t: bigint): FundingPeriodEvent | undefined {
    return this.state.startNext(t);
  }

  terminated(): void {
    this.state.terminated = true;
  }

  marginIncrease(now: bigint): Decimal | undefined {
    return this.state.marginIncrease(now);
  }

  hashParts(): string[] {
    return this.state.hashParts();
  }

  fundingEstimate(now: bigint): FundingEstimate | undefined {
    const perp = this.state;
    if (!perp.started) return undefined;
    // the funding as if the period ended now carries both TWAPs at this second (it is undefined exactly when one of
    // them is), and is itself cached per state and second: the estimate is built once per funding value
    const f = perp.fundingAt(now);
    if (!f) return undefined;
    const last = this.lastEstimate;
    if (last && last.funding === f) return last.estimate;
    const estimate: FundingEstimate = {
      internalTwap: f.internalTwap,
      externalTwap: f.externalTwap,
      fundingPayment: f.payment,
      fundingRate: f.rate.toString(),
    };
    this.lastEstimate = { funding: f, estimate };
    return estimate;
  }

  private lastEstimate: { funding: FundingData; estimate: FundingEstimate } | undefined;

  fundingView(): FundingView {
    return {
      underlyingIndexPrice: this.state.lastExternalPrice(),
      fundingPeriodSeq: this.state.seq,
      fundingPeriodStart: this.state.startedAt,
    };
  }
}

/**
 * A spot product (spec 0080-SPOT): base for quote, delivered at each trade. No settlement data, no termination by
 * oracle (a spot market closes through governance), no funding; the base and quote assets and the holding accounts
 * are the spot market's own (spot/market.ts).
 */
export class SpotProductImpl implements Product {
  readonly kind = 'spot';
  readonly cap = undefined;
  readonly fundingStarted = false;
  readonly settlementPrice = undefined;
  update(): void {}
  settlementWithinCap(): boolean {
    return true;
  }
  opened(): FundingPeriodEvent | undefined {
    return undefined;
  }
  auctionStarted(): void {}
  auctionEnded(): void {}
  addInternal(): FundingDataPoint | undefined {
    return undefined;
  }
  settlementValue(): { settle?: true; dataPoint?: FundingDataPoint } {
    return {};
  }
  onOracle(): ProductSignal {
    return NONE;
  }
  onTime(): ProductSignal {
    return NONE;
  }
  periodPoints(): FundingDataPoint[] {
    return [];
  }
  cue(): undefined {
    return undefined;
  }
  startNext(): FundingPeriodEvent | undefined {
    return undefined;
  }
  terminated(): void {}
  marginIncrease(): Decimal | undefined {
    return undefined;
  }
  fundingEstimate(): FundingEstimate | undefined {
    return undefined;
  }
  fundingView(): FundingView | undefined {
    return undefined;
  }
}

/**
 * The product of a market configuration, chosen once when the market is built; a perpetual under the margin-fraction
 * rules pays the seed's funding (margin-fraction/engine.ts).
 */
export function createProduct(
  cfg: ProductConfig,
  priceFactor: bigint,
  priceDivisor: bigint = 1n,
  marginFraction?: MarginFractionParams,
): Product {
  if (cfg.kind === 'spot') return new SpotProductImpl();
  if (cfg.kind === 'future') return new FutureProductImpl(cfg, priceFactor, priceDivisor);
  return new PerpetualProductImpl(cfg, marginFraction ? new MarginFractionPerpetual(cfg) : undefined);
}
