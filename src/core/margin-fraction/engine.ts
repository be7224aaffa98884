// The margin-fraction family (seed 001) as the engine's margin, mark-price and funding variant, chosen once when a
// market is built (`MarketConfig.marginFraction`): the margin model (risk/margin-model.ts `createMarginModel`), the
// mark-price method (market/base.ts) and the perpetual's funding state (products/product.ts `createProduct`). Each
// piece replaces one of Vega's mechanisms behind the same interface, so the market's flows — order entry, margin top-up and release, mark-to-market, close-outs by the
// network, loss socialisation, funding exchange — and their events and double-entry transfers are unchanged:
//
//  - margin levels (`MarginFractionMarginModel`, `marginFractionLevels`): in a single-collateral market the account value is the party's money
//    in the market (margin + general account, after mark-to-market) and its position notional |V| × index, so
//      maintenance = ceil(|V| × index × MMF)              (close-out below it: AV < PN × MMF)
//      initial     = ceil(max(|V + B|, |V − S|) × index × IMF)   (orders accepted while OMF ≥ IMF)
//      search      = maintenance (top up only when money in the margin account falls under maintenance)
//      release     = initial (money above the initial level goes back to the general account: cross collateral)
//    with B, S the live buy and sell volume; index is the perpetual's latest oracle price (the mark price before the
//    first one, and for non-perpetual products).
//  - mark price (`MarginFractionMark`): the book's mid (floored), or one side times (1 ∓ m), read at
//    each mark-price time; an empty book keeps the last mark (no candidate).
//  - funding (`MarginFractionPerpetual`): the period's TWAP of the spot rate mark / index − 1 (auction time left
//    out), paid per unit as TWAP × index (truncated toward zero like Vega's payment); no clamps, interest or
//    scaling (the seed has none).
import { Decimal } from '../num/decimal.ts';
import type { MarkPriceConfig, PerpetualProduct } from '../config/market.ts';
import type { Order } from '../book/order.ts';
import type { Position } from '../positions/positions.ts';
import type { MarginLevels } from '../risk/margin.ts';
import type { BookView, PriceSource, TradeSample } from '../pricing/composite.ts';
import {
  PerpetualState,
  type FundingData,
  type FundingPeriodEvent,
  type FundingDataPoint,
} from '../products/perpetual.ts';
import { NS } from '../types.ts';
import { markPrice } from './pricing.ts';
import type { MarginFractionParams } from './params.ts';

export interface MarginFractionInput {
  /** signed open volume, position units */
  readonly openVolume: number;
  readonly buyOrders: number;
  readonly sellOrders: number;
  /** index price (asset precision) */
  readonly price: bigint;
  /** 10^PDP */
  readonly positionFactor: Decimal;
}

/** Margin levels of the margin-fraction rules (see the module comment); every level rounded up (ceil). */
export function marginFractionLevels(m: MarginFractionInput, p: MarginFractionParams): MarginLevels {
  const v = BigInt(m.openVolume);
  const abs = v < 0n ? -v : v;
  const long = v + BigInt(m.buyOrders);
  const short = v - BigInt(m.sellOrders);
  const absLong = long < 0n ? -long : long;
  const absShort = short < 0n ? -short : short;
  const open = absLong > absShort ? absLong : absShort;
  const price = Decimal.fromBigInt(m.price);
  const maintenance = Decimal.fromBigInt(abs).mul(price).mul(p.maintenanceFraction).div(m.positionFactor).ceil();
  const initial = Decimal.fromBigInt(open).mul(price).mul(p.initialFraction).div(m.positionFactor).ceil();
  return { maintenance, search: maintenance, initial, release: initial };
}

/**
 * The seed's mark price as the market's mark-price method (the shape of pricing/mark.ts `MarkPriceMethod`): the live
 * book read at each calculation. Trades, book samples and oracle data are not used (the price is the book at the
 * calculation time).
 */
export class MarginFractionMark {
  price: bigint | undefined;
  readonly samplesBook = false;

  constructor(
    public cfg: MarkPriceConfig,
    private readonly view: BookView,
    private readonly multiplier: Decimal,
  ) {}

  newTrade(_price: bigint, _size: number, _time: bigint): void {}
  sampleBook(): void {}
  setBookPriceAt(): void {}
  onOracleData(): void {}

  calculate(_t: bigint, _delta: bigint): bigint | undefined {
    const bid = this.view.best('buy');
    const ask = this.view.best('sell');
    if (bid === undefined && ask === undefined) return undefined;
    const p = markPrice({ lastMark: 0n, bestBid: bid, bestAsk: ask, oneSidedMultiplier: this.multiplier });
    return p > 0n ? p : undefined;
  }

  endCalculation(): void {}

  sources(): PriceSource[] {
    const p = this.calculate(0n, 0n);
    return p === undefined ? [] : [{ name: 'priceFromOrderBook', price: p, lastUpdated: 0n }];
  }

  updateConfig(cfg: MarkPriceConfig): void {
    this.cfg = cfg;
  }

  tradeSamples(): readonly TradeSample[] {
    return [];
  }
}

/** What the margin-fraction margin model reads from its market (the fields of risk/margin-model.ts `MarginHost`). */
export interface MarginFractionHost {
  readonly positionFactor: Decimal;
  /** the perpetual's latest index (oracle) price, asset precision; 0 before any (and for futures) */
  indexPrice(): bigint;
  /**
   * cross collateral (collateral.ts): the party's maintenance- minus initial-weighted token value, asset precision.
   * Its loan (in its money) is the maintenance-weighted value, so the initial level adds the difference.
   */
  collateralHaircut?(party: string): bigint;
}

/**
 * The margin model of the margin-fraction rules (the shape of risk/margin-model.ts `MarginModel`): levels on the
 * notional at the index price (the mark price passed in until an index is known). Orders are margined at their
 * size whatever their type (a market order's size is open volume once it fills, as the open size counts it), and
 * isolated margin is refused: the rules are cross-collateral by design.
 */
export class MarginFractionMarginModel {
  readonly assumesMarketOrdersFilled = true;
  readonly isolatedMarginRejection = 'isolated margin not permitted on margin-fraction markets';

  constructor(
    private readonly host: MarginFractionHost,
    private readonly params: MarginFractionParams,
  ) {}

  levels(pos: Position, price: bigint, _extra?: Order): MarginLevels {
    const index = this.host.indexPrice();
    const lv = marginFractionLevels(
      {
        openVolume: pos.openVolume,
        buyOrders: pos.buy,
        sellOrders: pos.sell,
        price: index > 0n ? index : price,
        positionFactor: this.host.positionFactor,
      },
      this.params,
    );
    const haircut = this.host.collateralHaircut?.(pos.party) ?? 0n;
    if (haircut <= 0n || lv.initial === 0n) return lv;
    return { ...lv, initial: lv.initial + haircut, release: lv.release + haircut };
  }
}

const truncSeconds = (t: bigint) => (t / NS) * NS;

/**
 * The perpetual's funding under the seed's rule. The period bookkeeping (start, cues, data points, auctions) is
 * Vega's; the funding amount is the TWAP of the spot rate mark / index − 1, integrated as each new price arrives.
 */
export class MarginFractionPerpetual extends PerpetualState {
  private mark = 0n;
  private index = 0n;
  /** time (ns, whole seconds) up to which the rate is integrated */
  private lastT = 0n;
  /** Σ rate × seconds and Σ seconds of the current period */
  private weighted = Decimal.ZERO;
  private seconds = 0n;
  private cache: { t: bigint; seconds: bigint; weighted: Decimal; value: FundingData | undefined } | undefined;

  constructor(cfg: PerpetualProduct) {
    super(cfg);
  }

  /** Integrates the current rate up to t (no accumulation before the period starts or during an auction). */
  private integrate(t: bigint): void {
    const tt = truncSeconds(t);
    if (tt <= this.lastT) return;
    if (this.started && !this.inAuction && this.mark > 0n && this.index > 0n) {
      const dt = (tt - this.lastT) / NS;
      this.weighted = this.weighted.add(this.rate().mulBig(dt));
      this.seconds += dt;
    }
    this.lastT = tt;
  }

  /** The latest index (oracle) price in asset precision, 0 before any. */
  get indexPrice(): bigint {
    return this.index;
  }

  private rate(): Decimal {
    return Decimal.fromBigInt(this.mark).div(Decimal.fromBigInt(this.index)).sub(Decimal.ONE);
  }

  override addInternal(t: bigint, price: bigint): FundingDataPoint | undefined {
    const kept = super.addInternal(t, price);
    if (kept && truncSeconds(t) >= this.lastT) {
      this.integrate(t);
      this.mark = price;
    }
    return kept;
  }

  override addExternal(t: bigint, price: bigint): FundingDataPoint | undefined {
    const kept = super.addExternal(t, price);
    if (kept && truncSeconds(t) >= this.lastT) {
      this.integrate(t);
      this.index = price;
    }
    return kept;
  }

  override auctionStarted(now: bigint): void {
    this.integrate(now);
    super.auctionStarted(now);
  }

  override auctionEnded(now: bigint): void {
    this.integrate(now);
    super.auctionEnded(now);
  }

  override start(now: bigint): FundingPeriodEvent | undefined {
    const ev = super.start(now);
    if (ev) this.resetPeriod(now);
    return ev;
  }

  override startNext(t: bigint): FundingPeriodEvent | undefined {
    const ev = super.startNext(t);
    this.resetPeriod(t);
    return ev;
  }

  private resetPeriod(t: bigint): void {
    this.lastT = truncSeconds(t);
    this.weighted = Decimal.ZERO;
    this.seconds = 0n;
    this.cache = undefined;
  }

  /** The period's TWAP of mark / index − 1 up to t; undefined before any time with both prices. */
  twapRate(t: bigint): Decimal | undefined {
    const tt = truncSeconds(t);
    let weighted = this.weighted;
    let seconds = this.seconds;
    if (tt > this.lastT && this.started && !this.inAuction && this.mark > 0n && this.index > 0n) {
      const dt = (tt - this.lastT) / NS;
      weighted = weighted.add(this.rate().mulBig(dt));
      seconds += dt;
    }
    if (seconds === 0n) return undefined;
    return weighted.divBig(seconds);
  }

  override fundingAt(t: bigint): FundingData | undefined {
    if (!this.started) return undefined;
    const tt = truncSeconds(t);
    const c = this.cache;
    if (c && c.t === tt && c.seconds === this.seconds && c.weighted === this.weighted) return c.value;
    const rate = this.twapRate(tt);
    let value: FundingData | undefined;
    if (rate !== undefined && this.index > 0n) {
      const exact = rate.mulBig(this.index);
      value = {
        payment: exact.trunc(),
        exact,
        rate,
        internalTwap: this.twap('internal', tt) ?? 0n,
        externalTwap: this.twap('external', tt) ?? 0n,
      };
    }
    this.cache = { t: tt, seconds: this.seconds, weighted: this.weighted, value };
    return value;
  }

  /** The TWAP accumulator: the prices integrated, up to when, and Σ rate × seconds and Σ seconds of the period. */
  override hashParts(): string[] {
    return [
      `mf-funding mark=${this.mark} index=${this.index} t=${this.lastT} weighted=${this.weighted.toString()} seconds=${this.seconds}`,
    ];
  }

  /** The seed's rules hold no funding margin add-on. */
  override marginIncrease(_now: bigint): Decimal | undefined {
    return undefined;
  }
}
