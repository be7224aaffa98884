// One AMM pool (spec 0090-VAMM): its configuration, its two curves, its status, and what it quotes — the fair
// price, the best price and volume on each side, the volume it trades against an incoming order up to a price,
// the price of that volume. The pool reads its position through a function (the market's positions engine);
// during the matching of one incoming order it keeps an ephemeral position as if its generated orders had traded.
// Prices are in asset precision (market price × price factor), volumes in position precision.
import { Decimal } from '../num/decimal.ts';
import type { OracleSource } from '../config/market.ts';
import type { Side } from '../types.ts';
import {
  type Curve,
  emptyCurve,
  fairPrice,
  generateCurve,
  positionAt,
  priceForVolume,
  singleVolumePrice,
} from './curve.ts';

export type AmmStatus = 'ACTIVE' | 'REJECTED' | 'CANCELLED' | 'STOPPED' | 'REDUCE_ONLY' | 'PENDING';
export type AmmStatusReason = 'UNSPECIFIED' | 'CANNOT_REBASE' | 'CANNOT_FILL' | 'PARTY_CLOSED_OUT' | 'MARKET_CLOSED';

/** Concentrated-liquidity parameters, prices in market precision. A missing bound means no range on that side. */
export interface AmmParameters {
  readonly base: bigint;
  readonly lowerBound?: bigint;
  readonly upperBound?: bigint;
  readonly leverageAtLowerBound?: Decimal;
  readonly leverageAtUpperBound?: Decimal;
}

/** An AMM pool as clients and events see it. */
export interface AmmPoolView {
  readonly id: string;
  readonly owner: string;
  readonly subAccount: string;
  readonly marketId: string;
  readonly commitment: bigint;
  readonly proposedFee: Decimal;
  readonly status: AmmStatus;
  readonly reason: AmmStatusReason;
  /** base 0 while the pool waits for its first oracle price */
  readonly params: AmmParameters;
}

/** An oracle-driven base price: the market data source whose values rebase the pool, and the least relative move. */
export interface AmmBaseSource {
  readonly source: OracleSource;
  readonly minimumPriceChangeTrigger?: Decimal;
}

/** The market's price scale: asset price = market price × factor ÷ divisor (one of the two is 1). */
export interface PriceScale {
  readonly priceFactor: bigint;
  readonly priceDivisor: bigint;
}

/** Market-precision price to asset precision, truncated. */
export const assetPrice = (s: PriceScale, p: bigint): bigint => (p * s.priceFactor) / s.priceDivisor;

/** Asset-precision price to market precision, truncated (Vega's priceToMarketPrecision). */
export const marketPrice = (s: PriceScale, p: bigint): bigint => (p * s.priceDivisor) / s.priceFactor;

/** One price tick of the AMM in asset precision: one market price unit, at least one asset unit. */
export const oneTick = (s: PriceScale): bigint => {
  const t = s.priceFactor / s.priceDivisor;
  return t > 0n ? t : 1n;
};

/** A rejection with Vega's reason string. */
export class AmmError extends Error {}

/** What the market's risk configuration gives the curves. */
export interface AmmRiskInputs {
  readonly riskFactorLong: Decimal;
  readonly riskFactorShort: Decimal;
  readonly initialFactor: Decimal;
  readonly linearSlippage: Decimal;
  /** market price × priceFactor ÷ priceDivisor = asset-precision price (truncated) */
  readonly priceFactor: bigint;
  readonly priceDivisor: bigint;
  /** 10^position decimal places */
  readonly positionFactor: Decimal;
  /** price levels allowed without volume before the curve is too sparse (`allowed empty amm levels`) */
  readonly allowedEmptyLevels: number;
}

export class AmmPool {
  readonly id: string;
  readonly owner: string;
  readonly subAccount: string;
  readonly marketId: string;
  commitment: bigint;
  proposedFee: Decimal;
  slippage: Decimal;
  params: AmmParameters;
  /** where the base price comes from when it follows an oracle */
  baseSource: AmmBaseSource | undefined;
  status: AmmStatus = 'ACTIVE';
  reason: AmmStatusReason = 'UNSPECIFIED';
  lower: Curve;
  upper: Curve;
  /** one price tick in asset precision */
  readonly oneTick: bigint;
  /** the market's price scale */
  readonly scale: PriceScale;
  /** position during the matching of one incoming order */
  private eph: bigint | undefined;
  private readonly positionOf: (party: string) => bigint;

  constructor(
    init: {
      id: string;
      owner: string;
      subAccount: string;
      marketId: string;
      commitment: bigint;
      proposedFee: Decimal;
      slippage: Decimal;
      params: AmmParameters;
      baseSource?: AmmBaseSource;
    },
    risk: AmmRiskInputs,
    positionOf: (party: string) => bigint,
  ) {
    this.id = init.id;
    this.owner = init.owner;
    this.subAccount = init.subAccount;
    this.marketId = init.marketId;
    this.commitment = init.commitment;
    this.proposedFee = init.proposedFee;
    this.slippage = init.slippage;
    this.params = init.params;
    this.baseSource = init.baseSource;
    this.positionOf = positionOf;
    this.oneTick = oneTick(risk);
    this.scale = { priceFactor: risk.priceFactor, priceDivisor: risk.priceDivisor };
    if (init.params.base === 0n) {
      // no base price yet (an oracle-driven base before its first value): no curves, nothing quoted
      this.status = 'PENDING';
      this.lower = emptyCurve(0n, true);
      this.upper = emptyCurve(0n, false);
      return;
    }
    const curves = AmmPool.curves(init.commitment, init.params, risk);
    this.lower = curves.lower;
    this.upper = curves.upper;
  }

  /** The two curves of a configuration; throws AmmError('commitment amount too low') for a too-sparse curve. */
  static curves(commitment: bigint, params: AmmParameters, risk: AmmRiskInputs): { lower: Curve; upper: Curve } {
    const base = assetPrice(risk, params.base);
    const common = {
      commitment,
      initialFactor: risk.initialFactor,
      linearSlippage: risk.linearSlippage,
      positionFactor: risk.positionFactor,
    };
    const lower =
      params.lowerBound === undefined
        ? emptyCurve(base, true)
        : generateCurve({
            ...common,
            low: assetPrice(risk, params.lowerBound),
            high: base,
            riskFactor: risk.riskFactorLong,
            ...(params.leverageAtLowerBound ? { leverage: params.leverageAtLowerBound } : {}),
            isLower: true,
          });
    const upper =
      params.upperBound === undefined
        ? emptyCurve(base, false)
        : generateCurve({
            ...common,
            low: base,
            high: assetPrice(risk, params.upperBound),
            riskFactor: risk.riskFactorShort,
            ...(params.leverageAtUpperBound ? { leverage: params.leverageAtUpperBound } : {}),
            isLower: false,
          });
    const tick = oneTick(risk);
    for (const c of [lower, upper]) AmmPool.checkCurve(c, tick, risk.allowedEmptyLevels);
    return { lower, upper };
  }

  /**
   * A curve is too sparse when its theoretical volume is below one unit, or when one unit of volume away from the
   * base price is more than `allowedEmptyLevels + 1` ticks.
   */
  private static checkCurve(c: Curve, tick: bigint, allowedEmptyLevels: number): void {
    if (c.empty) return;
    if (c.pv.lt(Decimal.ONE)) throw new AmmError('commitment amount too low');
    // measured at the base end of the curve, where its volume is quoted first
    const delta = c.isLower
      ? c.high - singleVolumePrice(c, c.high, 'BUY')
      : singleVolumePrice(c, c.low, 'SELL') - c.low;
    if (delta > tick * BigInt(allowedEmptyLevels + 1)) throw new AmmError('commitment amount too low');
  }

  get base(): bigint {
    return this.lower.high;
  }

  isClosing(): boolean {
    return this.status === 'REDUCE_ONLY';
  }

  position(): bigint {
    return this.eph ?? this.positionOf(this.subAccount);
  }

  /** Starts tracking a matching position (first call of a match only). */
  beginMatch(): void {
    if (this.eph === undefined) this.eph = this.positionOf(this.subAccount);
  }

  endMatch(): void {
    this.eph = undefined;
  }

  /** The pool's position changes by `delta` as if a generated order had traded. */
  trade(delta: bigint): void {
    this.beginMatch();
    this.eph = this.eph! + delta;
  }

  fairPrice(): bigint {
    return fairPrice(this.lower, this.upper, this.position());
  }

  /** Whether the pool takes the other side of an incoming order of side `incoming`. */
  canTrade(incoming: Side): boolean {
    if (this.status === 'PENDING') return false;
    if (!this.isClosing()) return true;
    const pos = this.position();
    return (pos > 0n && incoming === 'buy') || (pos < 0n && incoming === 'sell');
  }

  /**
   * The volume the pool trades with an incoming order from its fair price up to `price` (asset precision): the
   * change of its position between its fair price and `price` (positions at prices truncated toward zero). A
   * reduce-only pool never crosses zero.
   */
  volumeUpTo(incoming: Side, price: bigint): bigint {
    return this.volumeTo(incoming, positionAt(this.lower, this.upper, price));
  }

  /** volumeUpTo with the curve's position at `price` given */
  private volumeTo(incoming: Side, at: bigint): bigint {
    if (!this.canTrade(incoming)) return 0n;
    const pos = this.position();
    let target = at;
    if (this.isClosing()) target = pos > 0n ? (target > 0n ? target : 0n) : target < 0n ? target : 0n;
    // an incoming sell makes the pool longer (its position rises to the target), a buy makes it shorter
    const v = incoming === 'sell' ? target - pos : pos - target;
    return v > 0n ? v : 0n;
  }

  /**
   * The orders the pool would place at each price tick within [min, max] (asset precision) and its own range (spec
   * 0090-VAMM "Determining Liquidity Contribution"): bids below its fair price, asks above it, each level's volume
   * the change of position between the level and the one a tick nearer the fair price.
   */
  shape(min: bigint, max: bigint): readonly { price: bigint; size: bigint; side: Side }[] {
    // a pure function of the range, the position and the curves: the last result is reused while they are unchanged
    const pos = this.position();
    const c = this.shapeCache;
    if (c && c.min === min && c.max === max && c.pos === pos && c.lower === this.lower && c.upper === this.upper)
      return c.out;
    const out: { price: bigint; size: bigint; side: Side }[] = [];
    const tick = this.oneTick;
    const fp = this.fairPrice();
    const lowest = this.lower.empty ? fp : this.lower.low;
    const highest = this.upper.empty ? fp : this.upper.high;
    // the curve's position at a price does not depend on the pool's position: memoised while the curves are the same
    if (this.atMemo?.lower !== this.lower || this.atMemo.upper !== this.upper || this.atMemo.at.size > 50_000)
      this.atMemo = { lower: this.lower, upper: this.upper, at: new Map() };
    const memo = this.atMemo.at;
    const at = (p: bigint): bigint => {
      let v = memo.get(p);
      if (v === undefined) memo.set(p, (v = positionAt(this.lower, this.upper, p)));
      return v;
    };
    let prev = 0n;
    for (let p = fp - tick; p >= min && p >= lowest && p > 0n; p -= tick) {
      const v = this.volumeTo('sell', at(p));
      if (p <= max && v > prev) out.push({ price: p, size: v - prev, side: 'buy' });
      prev = v;
    }
    prev = 0n;
    for (let p = fp + tick; p <= max && p <= highest; p += tick) {
      const v = this.volumeTo('buy', at(p));
      if (p >= min && v > prev) out.push({ price: p, size: v - prev, side: 'sell' });
      prev = v;
    }
    this.shapeCache = { min, max, pos, lower: this.lower, upper: this.upper, out };
    return out;
  }

  private atMemo: { lower: Curve; upper: Curve; at: Map<bigint, bigint> } | undefined;

  private shapeCache:
    | {
        min: bigint;
        max: bigint;
        pos: bigint;
        lower: Curve;
        upper: Curve;
        out: readonly { price: bigint; size: bigint; side: Side }[];
      }
    | undefined;

  /** The price of trading `volume` with an incoming order (x·y constant, truncated). */
  priceFor(volume: bigint, incoming: Side): bigint {
    const pos = this.position();
    return priceForVolume(this.lower, this.upper, pos, this.fairPrice(), volume, incoming === 'buy' ? 'BUY' : 'SELL');
  }

  /**
   * The pool's quote on one side (its own side: 'buy' is its bid) and the volume there: one tick from its fair
   * price, or, for a sparse curve, the price one unit of volume away with volume 1. Undefined at a bound.
   */
  bestQuote(side: Side): { price: bigint; volume: bigint } | undefined {
    if (this.status === 'PENDING') return undefined;
    const pos = this.position();
    const fp = this.fairPrice();
    if (side === 'sell') {
      const cu = pos > 0n ? this.lower : this.upper;
      if (pos <= 0n && (this.isClosing() || cu.empty || -pos >= cu.pv.trunc())) return undefined;
      const np = singleVolumePrice(cu, fp, 'SELL');
      const tickPrice = fp + this.oneTick < this.upper.high ? fp + this.oneTick : this.upper.high;
      const price = np > fp + this.oneTick ? np : fp + this.oneTick;
      const quoted = price < this.upper.high ? price : this.upper.high;
      if (quoted > tickPrice) return { price: quoted, volume: 1n };
      return { price: tickPrice, volume: this.volumeUpTo('buy', tickPrice) };
    }
    const cu = pos < 0n ? this.upper : this.lower;
    if (pos >= 0n && (this.isClosing() || cu.empty || pos >= cu.pv.trunc())) return undefined;
    const np = singleVolumePrice(cu, fp, 'BUY');
    const down = fp - this.oneTick;
    const tickPrice = down > this.lower.low ? down : this.lower.low;
    const price = np < down ? np : down;
    const quoted = price > this.lower.low ? price : this.lower.low;
    if (quoted < tickPrice) return { price: quoted, volume: 1n };
    return { price: tickPrice, volume: this.volumeUpTo('sell', tickPrice) };
  }

  /**
   * The pool's best price on its own side before volume is counted (Vega's BestPrice): one tick, or one unit of
   * volume for a sparse curve, away from its fair price, within its bounds. Undefined at a bound.
   */
  bestPrice(side: Side): bigint | undefined {
    if (this.status === 'PENDING') return undefined;
    const pos = this.position();
    const fp = this.fairPrice();
    if (side === 'sell') {
      const cu = pos > 0n ? this.lower : this.upper;
      if (pos <= 0n && (this.isClosing() || cu.empty || -pos >= cu.pv.trunc())) return undefined;
      const np = singleVolumePrice(cu, fp, 'SELL');
      const price = np > fp + this.oneTick ? np : fp + this.oneTick;
      return price < this.upper.high ? price : this.upper.high;
    }
    const cu = pos < 0n ? this.upper : this.lower;
    if (pos >= 0n && (this.isClosing() || cu.empty || pos >= cu.pv.trunc())) return undefined;
    const np = singleVolumePrice(cu, fp, 'BUY');
    const down = fp - this.oneTick;
    const price = np < down ? np : down;
    return price > this.lower.low ? price : this.lower.low;
  }

  /** Whether the pool's position fits its curves (an amendment may not leave it outside its bounds). */
  positionFits(): boolean {
    const pos = this.position();
    if (pos > 0n && (this.lower.empty || pos > this.lower.pv.trunc())) return false;
    if (pos < 0n && (this.upper.empty || -pos > this.upper.pv.trunc())) return false;
    return true;
  }

  view(): AmmPoolView {
    return {
      id: this.id,
      owner: this.owner,
      subAccount: this.subAccount,
      marketId: this.marketId,
      commitment: this.commitment,
      proposedFee: this.proposedFee,
      status: this.status,
      reason: this.reason,
      params: this.params,
    };
  }

  hashParts(): string[] {
    const p = this.params;
    return [
      `amm:${this.owner}:${this.subAccount}:${this.commitment}:${this.status}:${p.base}:${p.lowerBound ?? '-'}:` +
        `${p.upperBound ?? '-'}:${p.leverageAtLowerBound?.toString() ?? '-'}:${p.leverageAtUpperBound?.toString() ?? '-'}:` +
        `${this.proposedFee.toString()}:${this.lower.l.toString()}:${this.upper.l.toString()}`,
    ];
  }
}
