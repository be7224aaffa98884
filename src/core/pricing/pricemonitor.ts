// Price monitoring (spec 0032-PRIM; vega-formulas.md section 3). Triggers sorted by horizon, then probability
// descending; bounds = [ceil(ref × down), floor(ref × up)] in asset precision from per-trigger factors that the risk
// model derives; reference price = the last past average at or before now − horizon (else the earliest, else the
// first price of the current instant). Only mark prices are recorded; prices of one instant are averaged. A breach
// consumes one trigger at a time (the first active violated one in sort order).
import { Decimal } from '../num/decimal.ts';
import type { PriceMonitoringTrigger } from '../config/market.ts';
import { DEFAULT_BOUND_FACTORS, type BoundFactors } from '../risk/quant.ts';
import { NS } from '../types.ts';

export interface MonitorTrigger {
  readonly horizon: number;
  readonly horizonNs: bigint;
  readonly probability: Decimal;
  readonly auctionExtension: number;
  active: boolean;
  factors: BoundFactors;
}

export interface PriceBounds {
  readonly trigger: MonitorTrigger;
  readonly ref: Decimal;
  readonly min: bigint;
  readonly max: bigint;
  /** ref × down and ref × up before rounding, and the factors they came from */
  readonly down: Decimal;
  readonly up: Decimal;
  readonly factorDown: Decimal;
  readonly factorUp: Decimal;
}

export class PriceMonitor {
  triggers: MonitorTrigger[];
  private past: { time: bigint; price: Decimal }[] = [];
  private nowTime = -1n;
  private nowPrices: bigint[] = [];
  /** true once a price has been seen (opening-auction first indicative price or later) */
  initialised = false;
  private maxHorizonNs: bigint;
  private readonly lastBounds = new WeakMap<MonitorTrigger, { ref: Decimal; bounds: PriceBounds }>();

  constructor(triggers: readonly PriceMonitoringTrigger[]) {
    this.triggers = PriceMonitor.makeTriggers(triggers);
    this.maxHorizonNs = this.triggers.reduce((m, t) => (t.horizonNs > m ? t.horizonNs : m), 0n);
  }

  private static makeTriggers(triggers: readonly PriceMonitoringTrigger[]): MonitorTrigger[] {
    return triggers
      .map((t) => ({
        horizon: t.horizon,
        horizonNs: BigInt(t.horizon) * NS,
        probability: t.probability,
        auctionExtension: t.auctionExtension,
        active: true,
        factors: { ...DEFAULT_BOUND_FACTORS },
      }))
      .sort((a, b) => a.horizon - b.horizon || b.probability.cmp(a.probability));
  }

  /**
   * New triggers or a new risk model (market update): default factors until the next calculation; the price history
   * is kept. During a price-monitoring auction the new triggers start inactive, so the auction ends as scheduled
   * instead of being extended by bounds that did not start it (spec 0032-PRIM-014).
   */
  updateTriggers(triggers: readonly PriceMonitoringTrigger[], inPriceAuction = false): void {
    this.triggers = PriceMonitor.makeTriggers(triggers);
    this.maxHorizonNs = this.triggers.reduce((m, t) => (t.horizonNs > m ? t.horizonNs : m), 0n);
    if (inPriceAuction) for (const t of this.triggers) t.active = false;
  }

  get enabled(): boolean {
    return this.triggers.length > 0;
  }

  /** Records a mark price at `now` (prices of one instant are averaged). */
  record(price: bigint, now: bigint): void {
    this.roll(now);
    this.nowTime = now;
    this.nowPrices.push(price);
    this.initialised = true;
  }

  /** Moves the prices of a past instant into the history and prunes what no horizon can reach. */
  roll(now: bigint): void {
    if (this.nowPrices.length > 0 && this.nowTime < now) {
      let sum = 0n;
      for (const p of this.nowPrices) sum += p;
      this.past.push({
        time: this.nowTime,
        price: Decimal.fromBigInt(sum).div(Decimal.fromInt(this.nowPrices.length)),
      });
      this.nowPrices = [];
    }
    const cutoff = now - this.maxHorizonNs;
    let drop = 0;
    while (drop < this.past.length - 1 && this.past[drop + 1]!.time <= cutoff) drop++;
    if (drop > 0) this.past.splice(0, drop);
  }

  /** Forgets the history and starts again from `price` (leaving an auction; opening-auction indicative price). */
  reset(price: bigint, now: bigint): void {
    this.past = [];
    this.nowPrices = [price];
    this.nowTime = now;
    this.initialised = true;
    for (const t of this.triggers) t.active = true;
  }

  reactivateAll(): void {
    for (const t of this.triggers) t.active = true;
  }

  /** Reference price for a horizon, undefined when nothing was ever recorded. */
  refPrice(horizonNs: bigint, now: bigint): Decimal | undefined {
    const target = now - horizonNs;
    // the last past average at or before the target (the history is in time order: binary search)
    const past = this.past;
    let lo = 0;
    let hi = past.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (past[mid]!.time <= target) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) return past[lo - 1]!.price;
    if (this.past.length > 0) return this.past[0]!.price;
    if (this.nowPrices.length > 0) return Decimal.fromBigInt(this.nowPrices[0]!);
    return undefined;
  }

  bounds(t: MonitorTrigger, now: bigint): PriceBounds | undefined {
    const ref = this.refPrice(t.horizonNs, now);
    if (!ref) return undefined;
    // a pure function of the reference price and the two factors (immutable decimals, replaced when they change):
    // the last bounds of the trigger are reused while none was replaced (most calls: every block asks)
    const f = t.factors;
    const last = this.lastBounds.get(t);
    if (last !== undefined && last.ref === ref && last.bounds.factorDown === f.down && last.bounds.factorUp === f.up)
      return last.bounds;
    const down = ref.mul(f.down);
    const up = ref.mul(f.up);
    const bounds: PriceBounds = {
      trigger: t,
      ref,
      min: down.ceil(),
      max: up.floor(),
      down,
      up,
      factorDown: f.down,
      factorUp: f.up,
    };
    this.lastBounds.set(t, { ref, bounds });
    return bounds;
  }

  /** Bounds of every trigger, active or consumed, in sort order (what the market data lists). */
  allBounds(now: bigint): (PriceBounds & { active: boolean })[] {
    const out: (PriceBounds & { active: boolean })[] = [];
    for (const t of this.triggers) {
      const b = this.bounds(t, now);
      if (b) out.push({ ...b, active: t.active });
    }
    return out;
  }

  /** Bounds of the active triggers, in sort order. */
  activeBounds(now: bigint): PriceBounds[] {
    const out: PriceBounds[] = [];
    for (const t of this.triggers) {
      if (!t.active) continue;
      const b = this.bounds(t, now);
      if (b) out.push(b);
    }
    return out;
  }

  /** The first active trigger (in sort order) that one of the prices breaches, without consuming it. */
  findBreach(prices: readonly bigint[], now: bigint): MonitorTrigger | undefined {
    if (!this.initialised || prices.length === 0) return undefined;
    for (const b of this.activeBounds(now)) {
      for (const p of prices) if (p < b.min || p > b.max) return b.trigger;
    }
    return undefined;
  }

  /** Recomputes every trigger's factors from its current reference price (the state-variable calculation). */
  recalculate(now: bigint, factorsFor: (ref: Decimal, t: MonitorTrigger) => BoundFactors): void {
    for (const t of this.triggers) {
      const ref = this.refPrice(t.horizonNs, now);
      if (!ref || ref.isZero()) continue;
      t.factors = factorsFor(ref, t);
    }
  }
}
