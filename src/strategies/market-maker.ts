// The Avellaneda–Stoikov market maker as a venue-agnostic controller: it is fed book snapshots, public trades (with
// the mid just before each, the aggressive order behind each and whether it was an auction uncrossing) and its own
// fills, and answers with one bid and one ask — fair price (mid, microprice or VAMP, falling back to a reference price
// on an empty or one-sided book), online σ (over the time inventory is held) and (A, κ) (from arrivals, auctions
// skipped) with priors, GLFT (default) or finite-horizon quotes, perpetual funding carry over the model's own horizon,
// sizes shaped by η, a position limit (reduce-only beyond it), quantised to tick and lot, never crossing the book —
// and with the seed's order management: refresh only after `orderRefreshSeconds` and outside a tolerance (sizes
// compared in whole lots), wait `filledOrderDelaySeconds` after a fill, replace anything older than
// `maxOrderAgeSeconds`, and replace at once, whatever its age, an order the fair price has moved through or that
// would cross the maker's other quote. Units: price units, size units, seconds (see avellaneda-stoikov.ts).
import {
  expectedFillSeconds,
  finiteHorizonQuotes,
  fundingCarry,
  glftCarryHorizon,
  glftCoefficients,
  glftQuotes,
  quantiseLots,
  quantisePrices,
  shapedSizes,
  type ModelParams,
  type QuoteLeg,
  type RawQuotes,
  type VenueRules,
} from './avellaneda-stoikov.ts';
import {
  IntensityEstimator,
  VolatilityEstimator,
  type IntensityConfig,
  type IntensityState,
  type VolatilityConfig,
  type VolatilityState,
} from './estimators.ts';
import { fairPrice, type BookSnapshot, type FairPriceKind } from './fair-price.ts';

export type QuoteSide = 'bid' | 'ask';

export interface MakerConfig {
  /** 'glft': infinite horizon (perpetuals); 'finite': Avellaneda–Stoikov with T − t = horizon − (t mod horizon) */
  readonly model: 'glft' | 'finite';
  /** finite model: the horizon cycle, seconds */
  readonly horizonSeconds: number;
  /** γ, per (price unit × size unit) */
  readonly gamma: number;
  /** η ≥ 0, per size unit */
  readonly eta: number;
  /** φ (and the GLFT Δ), size units */
  readonly orderSize: number;
  /** smallest total spread, price units */
  readonly minSpread: number;
  readonly fairPrice: FairPriceKind;
  /** VAMP depth, levels per side */
  readonly vampLevels: number;
  readonly volatility: VolatilityConfig;
  readonly intensity: IntensityConfig;
  readonly orderRefreshSeconds: number;
  readonly filledOrderDelaySeconds: number;
  readonly maxOrderAgeSeconds: number;
  /** a resting order within this many ticks of the new quote (and of the same size) is kept */
  readonly refreshToleranceTicks: number;
  /** move the quotes by the funding carry over the model's horizon (finite: T − t; GLFT: ω/(γσ²)) */
  readonly fundingCarry: boolean;
}

/** The seed's defaults where it has one (order size 1, γ 1, min spread 0, refresh 60 s, fill delay 60 s, age 1800 s). */
export const SEED_DEFAULTS = {
  model: 'glft',
  gamma: 1,
  orderSize: 1,
  minSpread: 0,
  orderRefreshSeconds: 60,
  filledOrderDelaySeconds: 60,
  maxOrderAgeSeconds: 1800,
} as const;

export interface MakerContext {
  /** seconds */
  readonly time: number;
  /** the book without the maker's own orders */
  readonly book: BookSnapshot;
  /** fallback fair price (mark, last trade, oracle) for an empty or one-sided book */
  readonly reference?: number;
  /** signed position, size units */
  readonly inventory: number;
  /** largest |position| allowed, size units (Infinity: no limit) */
  readonly maxPosition: number;
  /** perpetuals: the current funding rate per period (longs pay when > 0) */
  readonly funding?: { readonly rate: number; readonly periodSeconds: number };
  readonly rules: VenueRules;
}

export interface QuoteDecision {
  readonly bid?: QuoteLeg;
  readonly ask?: QuoteLeg;
  readonly fair?: number;
  readonly fairSource: 'book' | 'reference' | 'one-sided' | 'none';
  readonly raw?: RawQuotes;
  /** the funding carry subtracted from both quotes, price units */
  readonly carry: number;
  /** the horizon the carry was taken over, seconds (the model's; 0 without funding) */
  readonly carryHorizon: number;
  /** expected seconds a unit of inventory is held (1/λ at the half spread): σ's sampling interval */
  readonly holdingSeconds?: number;
  readonly model: ModelParams;
  /** why a side is not quoted or was moved */
  readonly notes: readonly string[];
}

/** What is known about a public trade besides its price. */
export interface TradeInfo {
  /** the aggressive order's id (its trades are one arrival); unknown: each trade is an arrival */
  readonly arrival?: string;
  /** an auction uncrossing trade (skipped by the intensity estimator) */
  readonly auction?: boolean;
}

export interface RestingQuote {
  readonly ticks: number;
  /** remaining size in whole lots */
  readonly lots: number;
  /** seconds */
  readonly placedAt: number;
}

/** Why a resting order is cancelled. */
/** unquoted: the model has no order on that side; age: older than the maximum; moved: the price left the tolerance;
 *  resized: same price, another whole number of lots; crossed: fair moved through it; own-cross: it would cross the
 *  maker's other quote */
export type CancelReason = 'unquoted' | 'age' | 'moved' | 'resized' | 'crossed' | 'own-cross';

export interface MakerPlan {
  /** sides whose resting order goes */
  readonly cancel: readonly QuoteSide[];
  /** why, per cancelled side */
  readonly reasons: Partial<Record<QuoteSide, CancelReason>>;
  /** orders to place (after the cancels) */
  readonly place: readonly { readonly side: QuoteSide; readonly leg: QuoteLeg }[];
  readonly decision: QuoteDecision;
}

export interface MakerState {
  readonly volatility: VolatilityState;
  readonly intensity: IntensityState;
  readonly lastFill?: number;
}

/** Why a negative η (the seed's default of −0.005) is refused. */
export const NEGATIVE_ETA_REASON =
  'a negative η grows the order on the side that adds to the inventory (bid φ·exp(−η·q) when long), ' +
  "the opposite of the seed's order-shape rule; use η ≥ 0";

function checkConfig(c: MakerConfig): void {
  const positive: [string, number][] = [
    ['gamma', c.gamma],
    ['orderSize', c.orderSize],
    ['vampLevels', c.vampLevels],
  ];
  for (const [k, v] of positive) if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${k}: must be > 0`);
  if (!(c.eta >= 0) || !Number.isFinite(c.eta))
    throw new RangeError(`eta: must be >= 0 (got ${c.eta}): ${NEGATIVE_ETA_REASON}`);
  const nonNegative: [string, number][] = [
    ['minSpread', c.minSpread],
    ['orderRefreshSeconds', c.orderRefreshSeconds],
    ['filledOrderDelaySeconds', c.filledOrderDelaySeconds],
    ['maxOrderAgeSeconds', c.maxOrderAgeSeconds],
    ['refreshToleranceTicks', c.refreshToleranceTicks],
  ];
  for (const [k, v] of nonNegative) if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${k}: must be >= 0`);
  if (c.model === 'finite' && !(c.horizonSeconds > 0)) throw new RangeError('horizonSeconds: must be > 0');
}

export class AvellanedaStoikovMaker {
  readonly volatility: VolatilityEstimator;
  readonly intensity: IntensityEstimator;
  private lastFill: number | undefined;
  private lastFair: number | undefined;
  /** σ's sampling interval is at most an eighth of its forgetting half-life (enough changes to measure) */
  private readonly maxSigmaInterval: number;

  constructor(readonly cfg: MakerConfig) {
    checkConfig(cfg);
    this.maxSigmaInterval = cfg.volatility.halfLifeSeconds > 0 ? cfg.volatility.halfLifeSeconds / 8 : 3600;
    this.volatility = new VolatilityEstimator(cfg.volatility);
    this.intensity = new IntensityEstimator(cfg.intensity);
  }

  /** A book observation: samples the fair price for σ and moves the intensity clock. */
  observeBook(time: number, book: BookSnapshot): void {
    const f = fairPrice(book, this.cfg.fairPrice, this.cfg.vampLevels);
    if (f !== undefined) {
      this.volatility.observe(time, f);
      this.lastFair = f;
    }
    this.intensity.advance(time);
  }

  /**
   * A public trade at `price`, with the mid of the book just before it (undefined: unknown, the trade is skipped).
   * `arrival` names the aggressive order (its trades are one arrival); auction uncrossing trades are not arrivals of
   * aggressive orders at a distance from a mid and are skipped.
   */
  observeTrade(time: number, price: number, midBefore: number | undefined, info: TradeInfo = {}): void {
    if (info.auction === true) return;
    if (midBefore === undefined || !Number.isFinite(midBefore) || !Number.isFinite(price)) return;
    this.intensity.observe(time, Math.abs(price - midBefore), 1, info.arrival);
  }

  /** One of the maker's own orders traded. */
  observeFill(time: number): void {
    this.lastFill = time;
  }

  state(): MakerState {
    return {
      volatility: this.volatility.state(),
      intensity: this.intensity.estimate(),
      ...(this.lastFill !== undefined ? { lastFill: this.lastFill } : {}),
    };
  }

  /** The model parameters now: σ from the fair price, A and κ from trades, each with its prior. */
  model(): ModelParams {
    const i = this.intensity.estimate();
    return { sigma: this.volatility.sigma(), A: i.A, kappa: i.kappa };
  }

  /** The quotes the model wants now (no order management). */
  quote(ctx: MakerContext): QuoteDecision {
    const c = this.cfg;
    const notes: string[] = [];
    const m = this.model();
    const { tick } = ctx.rules;
    let fair = fairPrice(ctx.book, c.fairPrice, c.vampLevels);
    let fairSource: QuoteDecision['fairSource'] = 'book';
    if (fair === undefined) {
      if (ctx.reference !== undefined && Number.isFinite(ctx.reference) && ctx.reference > 0) {
        fair = ctx.reference;
        fairSource = 'reference';
      } else {
        const one = ctx.book.bids[0]?.price ?? ctx.book.asks[0]?.price ?? this.lastFair;
        if (one !== undefined && Number.isFinite(one) && one > 0) {
          fair = one;
          fairSource = 'one-sided';
        }
      }
    }
    if (fair === undefined || !(m.sigma >= 0) || !(m.kappa > 0) || !(m.A > 0)) {
      return {
        fairSource: 'none',
        carry: 0,
        carryHorizon: 0,
        model: m,
        notes: ['no fair price: empty book and no reference'],
      };
    }
    const q = ctx.inventory;
    const tau = c.horizonSeconds - (ctx.time % c.horizonSeconds);
    let raw =
      c.model === 'glft' ? glftQuotes(fair, q, c.gamma, m, c.orderSize) : finiteHorizonQuotes(fair, q, c.gamma, m, tau);
    // σ is measured over the time a unit of inventory is held: until the quote on the other side is hit, 1/λ(δ)
    const holdingSeconds = Math.min(expectedFillSeconds(m, raw.halfSpread), this.maxSigmaInterval);
    this.volatility.setInterval(holdingSeconds);
    let carryHorizon = 0;
    let carry = 0;
    if (ctx.funding && c.fundingCarry) {
      carryHorizon = c.model === 'glft' ? glftCarryHorizon(c.gamma, m, c.orderSize) : tau;
      carry = fundingCarry(ctx.funding.rate, fair, ctx.funding.periodSeconds, carryHorizon);
      // the GLFT drift is an inventory offset μ/(γσ²); beyond the position limit it would ask for inventory the maker
      // may not hold, so it is capped there
      if (c.model === 'glft' && Number.isFinite(ctx.maxPosition)) {
        const { omega } = glftCoefficients(c.gamma, m, c.orderSize);
        const cap = ctx.maxPosition * omega;
        if (Math.abs(carry) > cap) {
          carry = Math.sign(carry) * cap;
          notes.push('funding carry capped at the position limit');
        }
      }
      if (!Number.isFinite(carry)) carry = 0;
    }
    if (carry !== 0)
      raw = {
        reservation: raw.reservation - carry,
        halfSpread: raw.halfSpread,
        bid: raw.bid - carry,
        ask: raw.ask - carry,
      };
    if (raw.ask - raw.bid < c.minSpread) {
      const half = c.minSpread / 2;
      raw = {
        reservation: raw.reservation,
        halfSpread: half,
        bid: raw.reservation - half,
        ask: raw.reservation + half,
      };
    }
    if (!Number.isFinite(raw.bid) || !Number.isFinite(raw.ask) || !Number.isFinite(raw.reservation)) {
      return { fair, fairSource, carry, carryHorizon, model: m, notes: ['model gave a non-finite quote'] };
    }

    // prices: bid down, ask up to the tick, then post-only against the rest of the book
    let { bidTicks, askTicks } = quantisePrices(raw.bid, raw.ask, tick);
    const bestBid = ctx.book.bids[0]?.price;
    const bestAsk = ctx.book.asks[0]?.price;
    if (bestAsk !== undefined && bestAsk > 0) {
      const t = Math.round(bestAsk / tick);
      if (bidTicks >= t) {
        bidTicks = t - 1;
        notes.push('bid kept below the best ask');
      }
    }
    if (bestBid !== undefined && bestBid > 0) {
      const t = Math.round(bestBid / tick);
      if (askTicks <= t) {
        askTicks = t + 1;
        notes.push('ask kept above the best bid');
      }
    }
    if (askTicks <= bidTicks) askTicks = bidTicks + 1;

    // sizes: the seed's shape, capped by the room left under the position limit
    const shaped = shapedSizes(c.orderSize, c.eta, q);
    const roomBid = ctx.maxPosition - q;
    const roomAsk = ctx.maxPosition + q;
    const bid = this.leg('bid', bidTicks, shaped.bid, roomBid, ctx, notes);
    const ask = this.leg('ask', askTicks, shaped.ask, roomAsk, ctx, notes);
    const decision: { -readonly [K in keyof QuoteDecision]: QuoteDecision[K] } = {
      fair,
      fairSource,
      raw,
      carry,
      carryHorizon,
      holdingSeconds,
      model: m,
      notes,
    };
    if (bid) decision.bid = bid;
    if (ask) decision.ask = ask;
    return decision;
  }

  /** One side's order: at least one tick, sized within the room left under the position limit. */
  private leg(
    side: QuoteSide,
    ticks: number,
    wanted: number,
    room: number,
    ctx: MakerContext,
    notes: string[],
  ): QuoteLeg | undefined {
    const { lot, minSize } = ctx.rules;
    if (ticks < 1) {
      notes.push(`${side}: price below one tick`);
      return undefined;
    }
    if (!(room >= minSize)) {
      notes.push(`${side}: position limit ${ctx.maxPosition} reached (reduce-only)`);
      return undefined;
    }
    let lots = quantiseLots(Math.min(wanted, room), ctx.rules);
    const roomLots = Math.floor(room / lot + 1e-9);
    if (lots > roomLots) lots = roomLots;
    if (!(lots * lot >= minSize - 1e-9 * lot) || lots < 1) {
      notes.push(`${side}: size below the minimum`);
      return undefined;
    }
    return { ticks, price: ticks * ctx.rules.tick, size: lots * lot, lots };
  }

  /**
   * Order management: what to cancel and place given the maker's resting quotes. A resting order is kept while it is
   * younger than the refresh time, or within the tolerance of the new quote with the same number of lots; it is
   * replaced when older than the maximum age — and at once, whatever its age and even during the delay after a fill
   * (then only cancelled), when the fair price has moved through it (a bid at or above fair that the model now wants
   * lower, an ask at or below fair it wants higher) or it would cross the maker's quote on the other side.
   */
  plan(ctx: MakerContext, resting: { readonly bid?: RestingQuote; readonly ask?: RestingQuote }): MakerPlan {
    const c = this.cfg;
    const decision = this.quote(ctx);
    const cancel: QuoteSide[] = [];
    const reasons: Partial<Record<QuoteSide, CancelReason>> = {};
    const place: { side: QuoteSide; leg: QuoteLeg }[] = [];
    const waiting = this.lastFill !== undefined && ctx.time < this.lastFill + c.filledOrderDelaySeconds;
    const fairTicks = decision.fair !== undefined ? decision.fair / ctx.rules.tick : undefined;
    // plain calls rather than closures created per plan: under tsx every named closure pays a __name call
    const out: PlanDraft = { cancel, reasons, place, decision };
    for (const side of ['bid', 'ask'] as const) {
      const want = decision[side];
      const r = resting[side];
      if (!want) {
        if (r) dropQuote(out, waiting, side, 'unquoted');
        continue;
      }
      if (r && fairTicks !== undefined) {
        const crossed =
          side === 'bid'
            ? r.ticks >= fairTicks - 1e-9 && r.ticks > want.ticks
            : r.ticks <= fairTicks + 1e-9 && r.ticks < want.ticks;
        if (crossed) {
          dropQuote(out, waiting, side, 'crossed', want);
          continue;
        }
      }
      if (waiting) continue;
      if (!r) {
        place.push({ side, leg: want });
        continue;
      }
      const age = ctx.time - r.placedAt;
      const tooOld = age >= c.maxOrderAgeSeconds;
      const due = age >= c.orderRefreshSeconds;
      const moved = Math.abs(want.ticks - r.ticks) > c.refreshToleranceTicks;
      const resized = want.lots !== r.lots;
      if (tooOld) dropQuote(out, waiting, side, 'age', want);
      else if (due && moved) dropQuote(out, waiting, side, 'moved', want);
      else if (due && resized) dropQuote(out, waiting, side, 'resized', want);
    }
    // the book the maker leaves: a kept order must not cross the other side's order (kept or new)
    const fb = finalTicks(out, resting, 'bid');
    const fa = finalTicks(out, resting, 'ask');
    if (fb !== undefined && fa !== undefined && fb >= fa) {
      // replace whichever is a kept resting order (the new quotes never cross each other)
      for (const side of ['bid', 'ask'] as const)
        if (!cancel.includes(side) && resting[side]) dropQuote(out, waiting, side, 'own-cross', decision[side]);
    }
    return out;
  }
}

/** A plan being built (MakerPlan with mutable lists). */
interface PlanDraft {
  cancel: QuoteSide[];
  reasons: Partial<Record<QuoteSide, CancelReason>>;
  place: { side: QuoteSide; leg: QuoteLeg }[];
  decision: QuoteDecision;
}

/** A resting quote cancelled for `why`, replaced by `replaceWith` unless the maker waits after a fill. */
function dropQuote(
  plan: PlanDraft,
  waiting: boolean,
  side: QuoteSide,
  why: CancelReason,
  replaceWith?: QuoteLeg,
): void {
  plan.cancel.push(side);
  plan.reasons[side] = why;
  if (replaceWith && !waiting) plan.place.push({ side, leg: replaceWith });
}

/** The quote a side ends with after the plan: the new one, else the kept resting one (none if cancelled). */
function finalTicks(
  plan: PlanDraft,
  resting: { readonly bid?: RestingQuote; readonly ask?: RestingQuote },
  side: QuoteSide,
): number | undefined {
  for (const p of plan.place) if (p.side === side) return p.leg.ticks;
  return plan.cancel.includes(side) ? undefined : resting[side]?.ticks;
}
