// One market: composes the order book, positions, margins, mark-to-market settlement, close-outs, price monitoring,
// auctions, fees and liquidity commitments (spec 0001-MKTF market framework, 0008-TRAD trading workflow).
// Transactions (submit, amend, cancel, liquidity provision) change positions but never settle: the mark price,
// mark-to-market, margin search/release and close-outs run at block end (and when an auction is left), as in Vega.
import type { CompositePriceType, MarketConfig, FeeConfig } from './config/market.ts';
import type { NetworkParams } from './config/network.ts';
import type { EngineEvent, EventSink, FeeBreakdown, SettleTrade, Trade, TradeType } from './events.ts';
import { NO_FEES } from './events.ts';
import type { Account, Ledger } from './ledger/ledger.ts';
import type { ElsState } from './liquidity/els.ts';
import { Decimal } from './num/decimal.ts';
import { pow10, minBig, maxBig } from './num/bigint.ts';
import {
  OrderBook,
  NO_LIMIT_BUY,
  NO_LIMIT_SELL,
  type Fill,
  type Indicative,
  type MatchResult,
} from './book/orderbook.ts';
import { StopOrderPool, type StopDirection, type StopOrder } from './book/stoporders.ts';
import { isNonPersistentForMonitoring, isPersistent, snapshot, type Order } from './book/order.ts';
import { Positions, Position } from './positions/positions.ts';
import { OpenInterestHistory } from './liquidity/oi-history.ts';
import { SettlementEngine } from './settlement/settlement.ts';
import {
  crossMarginLevels,
  maintenanceMarginDecimal,
  scaleMargins,
  ZERO_MARGIN,
  type MarginLevels,
  type RiskFactors,
} from './risk/margin.ts';
import { boundFactors, modelProbabilityOfTrading, riskFactors } from './risk/models.ts';
import { LiquidityEngine, type LpOrderView, type ValidPriceRange } from './liquidity/engine.ts';
import { isolatedOrderMargin, isolatedRelease } from './risk/isolated.ts';
import { PriceMonitor, type MonitorTrigger } from './pricing/pricemonitor.ts';
import { CompositePriceCalculator, type BookFactors, type BookView, type PriceSource } from './pricing/composite.ts';
import { auctionFeesPerSide, continuousFees, totalFee, type FeeFactors } from './fees/fees.ts';
import {
  PerpetualState,
  type FundingData,
  type FundingDataPoint,
  type FundingPeriodEvent,
} from './products/perpetual.ts';
import { scaleToAsset, specMatches, type OracleData } from './products/oracle.ts';
import type { AuctionTrigger, MarketState, Side, TimeInForce, TradingMode, TransferType } from './types.ts';
import { NETWORK_PARTY, NS, SYSTEM_OWNER, otherSide } from './types.ts';
import {
  OrderRejection,
  pegError,
  type MarketChanges,
  type OrderAmendment,
  type OrderResult,
  type OrderSubmission,
  type StopOrderSpec,
} from './commands.ts';

/** A market's state as a successor inherits it (Vega's checkpointed market state). */
export interface SuccessionState {
  readonly state: MarketState;
  readonly shares: readonly ElsState[];
  readonly tradeValue: bigint;
}

export interface MarketContext {
  readonly ledger: Ledger;
  readonly params: NetworkParams;
  readonly sink: EventSink;
  now(): bigint;
  nextId(kind: 'order' | 'trade'): string;
  assetQuantum(asset: string): Decimal;
}

export interface AuctionState {
  readonly opening: boolean;
  readonly trigger: AuctionTrigger;
  extensionTrigger: AuctionTrigger;
  readonly start: bigint;
  end: bigint;
}

export interface MarketData {
  readonly marketId: string;
  readonly markPrice: bigint;
  readonly lastTradedPrice: bigint;
  readonly bestBidPrice: bigint;
  readonly bestBidVolume: number;
  readonly bestOfferPrice: bigint;
  readonly bestOfferVolume: number;
  readonly bestStaticBidPrice: bigint;
  readonly bestStaticBidVolume: number;
  readonly bestStaticOfferPrice: bigint;
  readonly bestStaticOfferVolume: number;
  readonly midPrice: bigint;
  readonly staticMidPrice: bigint;
  readonly openInterest: number;
  readonly indicativePrice: bigint;
  readonly indicativeVolume: number;
  readonly auctionStart: bigint;
  readonly auctionEnd: bigint;
  readonly tradingMode: TradingMode;
  readonly state: MarketState;
  readonly trigger: AuctionTrigger;
  readonly extensionTrigger: AuctionTrigger;
  readonly targetStake: bigint;
  readonly suppliedStake: bigint;
  readonly markPriceType: CompositePriceType;
  /** the mark-price sources holding a value (composite mark prices) */
  readonly markPriceSources: readonly PriceSource[];
  /** ns; when the mark price is next recalculated */
  readonly nextMarkToMarket: bigint;
  /** perpetuals: the internal composite price (the funding's internal series), its sources and next calculation */
  readonly perpetual?: {
    readonly internalCompositePrice: bigint;
    readonly internalCompositePriceType: CompositePriceType;
    readonly internalCompositePriceSources: readonly PriceSource[];
    readonly nextInternalCompositePriceCalc: bigint;
    /** the latest external (oracle) price point: the underlying index price */
    readonly underlyingIndexPrice: bigint;
    readonly fundingPeriodSeq: number;
    readonly fundingPeriodStart: bigint;
  };
  /** every trigger's bounds; `active` false once a breach consumed the trigger (until it is reset) */
  readonly priceMonitoringBounds: readonly {
    horizon: number;
    minValidPrice: bigint;
    maxValidPrice: bigint;
    referencePrice: Decimal;
    active: boolean;
  }[];
  readonly timestamp: bigint;
}

/** Margin moves an isolated aggressor needs after its trades (planned before the trades are committed). */
interface IsolatedPlan {
  /** general → margin when positive, margin → general when negative */
  readonly marginDelta: bigint;
  /** the order margin to hold afterwards */
  readonly orderMargin: bigint;
  readonly levels: MarginLevels;
  /** an amend: a positive marginDelta comes out of the order-margin account */
  readonly fromOrderMargin: boolean;
  /** what would rest needs more order margin than general can add (the trades alone are affordable) */
  readonly orderMarginShort: boolean;
}

interface Aggression {
  readonly sim: MatchResult<Order>;
  readonly fees: { readonly perTrade: FeeBreakdown[]; readonly total: bigint };
  readonly breach: MonitorTrigger | undefined;
}

const FIVE_DP = pow10(5);

/** One fill per passive order: the hidden part of an iceberg trades in the same trade as its visible part. */
function mergeFills<O extends Order>(fills: readonly Fill<O>[]): Fill<O>[] {
  if (fills.length < 2) return fills as Fill<O>[];
  const out: Fill<O>[] = [];
  const at = new Map<O, number>();
  for (const f of fills) {
    const i = at.get(f.passive);
    if (i === undefined) {
      at.set(f.passive, out.length);
      out.push(f);
    } else out[i] = { ...out[i]!, size: out[i]!.size + f.size };
  }
  return out;
}

export class Market {
  readonly id: string;
  cfg: MarketConfig;
  readonly asset: string;
  readonly assetDecimals: number;
  /** 10^(asset decimals − market decimals): market precision → asset precision */
  readonly priceFactor: bigint;
  /** 10^PDP as a decimal */
  readonly positionFactor: Decimal;
  tickSize: number;

  state: MarketState = 'PENDING';
  tradingMode: TradingMode = 'OPENING_AUCTION';
  auction: AuctionState | null = null;

  readonly book = new OrderBook<Order>();
  /** live orders: on the book or parked */
  readonly orders = new Map<string, Order>();
  private readonly ordersByParty = new Map<string, Set<Order>>();
  /** pegged orders in bookkeeping order (live and parked) */
  private pegged: Order[] = [];
  private peggedRefs: { bid?: number; ask?: number; midBuy?: number; midSell?: number } = {};
  readonly positions = new Positions();
  readonly settlement: SettlementEngine;
  readonly priceMonitor: PriceMonitor;
  riskFactors: RiskFactors;

  markPrice = 0n;
  lastTradedPrice = 0n;
  /**
   * The order book's own last traded price (asset precision), which the SLA range uses during auctions: set by
   * continuous matching only, so an auction uncrossing leaves it as it was (0 until the first continuous trade).
   */
  private bookLastTradedPrice = 0n;
  private nextMTM = 0n;
  /** the mark price methodology (last trade or composite, spec 0009-MRKP): trades, book samples, oracle prices */
  private readonly markCalc: CompositePriceCalculator;
  /** trades of the current transaction (settlement and events) */
  private marginBuffer = new Map<string, EngineEvent & { type: 'marginLevels' }>();
  /** parties that have placed orders or held positions in this market (margin accounts exist) */
  private readonly parties = new Set<string>();
  /** pending stop orders, and every stop order by id */
  private readonly stopPool = new StopOrderPool();
  private readonly stopOrders = new Map<string, StopOrder>();
  /** trigger evaluation is running (orders it submits do not evaluate again) */
  private evaluatingStops = false;
  /** isolated-margin parties and their margin factor (a party is in isolated mode iff it has an entry) */
  private readonly marginFactors = new Map<string, Decimal>();

  readonly insurance: Account;
  readonly settlementAccount: Account;
  readonly liquidityFeeAccount: Account;
  readonly makerFeeAccount: Account;
  readonly infrastructureFeeAccount: Account;

  // network position disposal
  private networkNextStep = 0n;

  // products
  /** perpetual funding state (perpetual markets) */
  readonly perp: PerpetualState | undefined;
  /** perpetuals: the internal composite price methodology (the internal funding series) and its next calculation */
  private readonly internalCalc: CompositePriceCalculator | undefined;
  private nextInternalCalc = 0n;
  /** futures: the settlement price received (asset precision), used when trading terminates */
  private settlementPrice: bigint | undefined;
  /** built-in time trigger of a perpetual's funding schedule: next cue (ns) */
  private nextScheduledCue: bigint | undefined;
  /** settled, closed, cancelled or rejected: the exchange removes the market at its next tick */
  closed = false;

  // succession (spec 0081-SUCM)
  /** the market this one succeeds, until it takes over or the parent's state expires */
  parentMarketId: string | undefined;
  /** share of the parent's insurance pool moved here when this market leaves its opening auction */
  insurancePoolFraction: Decimal;
  /** a successor has taken over from this market: its insurance pool is not kept for another one */
  succeeded = false;

  // liquidity
  readonly liquidity: LiquidityEngine;
  readonly bonusAccount: Account;
  liquidityFee: Decimal;
  /** (time, open interest) samples for target stake */
  private readonly oiHistory = new OpenInterestHistory();
  private openedAt = -1n;
  private factorsDueAt = 0n;

  constructor(
    cfg: MarketConfig,
    assetDecimals: number,
    private readonly ctx: MarketContext,
    proposed = false,
  ) {
    this.id = cfg.id;
    this.cfg = cfg;
    this.asset = cfg.settlementAsset;
    this.parentMarketId = cfg.successor?.parentMarketId;
    this.insurancePoolFraction = cfg.successor?.insurancePoolFraction ?? Decimal.ZERO;
    this.assetDecimals = assetDecimals;
    this.priceFactor = pow10(assetDecimals - cfg.decimalPlaces);
    this.positionFactor =
      cfg.positionDecimalPlaces >= 0
        ? Decimal.fromBigInt(pow10(cfg.positionDecimalPlaces))
        : Decimal.ONE.div(Decimal.fromBigInt(pow10(-cfg.positionDecimalPlaces)));
    if (cfg.tickSize > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('tickSize: too large');
    this.tickSize = Number(cfg.tickSize);
    this.settlement = new SettlementEngine(this.positionFactor);
    this.priceMonitor = new PriceMonitor(cfg.priceMonitoringTriggers);
    this.riskFactors = riskFactors(cfg.riskModel);
    this.liquidityFee = cfg.fees.liquidityFee;
    this.perp = cfg.product.kind === 'perpetual' ? new PerpetualState(cfg.product) : undefined;
    this.markCalc = new CompositePriceCalculator(cfg.markPrice, assetDecimals);
    this.internalCalc =
      cfg.product.kind === 'perpetual' && cfg.product.internalCompositePrice
        ? new CompositePriceCalculator(cfg.product.internalCompositePrice, assetDecimals)
        : undefined;
    const l = ctx.ledger;
    this.insurance = l.getOrCreate(SYSTEM_OWNER, 'INSURANCE', this.asset, this.id);
    this.settlementAccount = l.getOrCreate(SYSTEM_OWNER, 'SETTLEMENT', this.asset, this.id);
    this.liquidityFeeAccount = l.getOrCreate(SYSTEM_OWNER, 'FEES_LIQUIDITY', this.asset, this.id);
    this.makerFeeAccount = l.getOrCreate(SYSTEM_OWNER, 'FEES_MAKER', this.asset, this.id);
    this.infrastructureFeeAccount = l.getOrCreate(SYSTEM_OWNER, 'FEES_INFRASTRUCTURE', this.asset, '');
    this.bonusAccount = l.getOrCreate(SYSTEM_OWNER, 'LIQUIDITY_FEES_BONUS_DISTRIBUTION', this.asset, this.id);
    this.liquidity = new LiquidityEngine(this.liquidityHost(), cfg.sla);
    if (proposed) {
      // a proposal that has not passed yet: no trading, liquidity commitments accepted (spec 0043-MKTL)
      this.state = 'PROPOSED';
      this.tradingMode = 'NO_TRADING';
      this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
      return;
    }
    this.startOpeningAuction();
  }

  /** The proposal is enacted: the opening auction starts now (straight to continuous trading without one). */
  startOpeningAuction(): void {
    const now = this.ctx.now();
    const cfg = this.cfg;
    if (cfg.openingAuctionDuration > 0) {
      const end = now + BigInt(cfg.openingAuctionDuration) * NS;
      this.auction = { opening: true, trigger: 'OPENING', extensionTrigger: 'UNSPECIFIED', start: now, end };
      this.applyMinimumDuration();
      this.state = 'PENDING';
      this.tradingMode = 'OPENING_AUCTION';
    } else {
      this.state = 'ACTIVE';
      this.tradingMode = 'CONTINUOUS';
      this.openedAt = now;
    }
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
    // without an opening auction the first funding period starts with the market
    if (this.perp && this.state === 'ACTIVE') {
      const ev = this.perp.start(now);
      if (ev) this.startedFundingPeriod(ev);
    }
  }

  // ------------------------------------------------------------------ helpers

  private emit(e: EngineEvent): void {
    this.ctx.sink.emit(e);
  }

  private get now(): bigint {
    return this.ctx.now();
  }

  get inAuction(): boolean {
    return this.auction !== null;
  }

  toAsset(p: number): bigint {
    return BigInt(p) * this.priceFactor;
  }

  toMarket(p: bigint): bigint {
    return p / this.priceFactor;
  }

  canTrade(): boolean {
    return (
      this.state === 'ACTIVE' ||
      this.state === 'PENDING' ||
      this.state === 'SUSPENDED' ||
      this.state === 'SUSPENDED_VIA_GOVERNANCE'
    );
  }

  /** A capped future's price cap (market precision), if any. */
  private get cap() {
    return this.cfg.product.kind === 'future' ? this.cfg.product.cap : undefined;
  }

  /** Positions and orders fully collateralised (capped futures): no leverage, no close-outs. */
  get fullyCollateralised(): boolean {
    return this.cap?.fullyCollateralised === true;
  }

  /** Whether a settlement price (asset precision) is acceptable under the cap (binary markets: 0 or the cap only). */
  private settlementWithinCap(value: bigint): boolean {
    const cap = this.cap;
    if (!cap) return true;
    const max = this.toAsset(Number(cap.maxPrice));
    if (value < 0n || value > max) return false;
    return !cap.binarySettlement || value === 0n || value === max;
  }

  private feeFactors(): FeeFactors {
    const f: FeeConfig = this.cfg.fees;
    const p = this.ctx.params;
    return {
      makerFee: p.makerFee ?? f.makerFee,
      infrastructureFee: p.infrastructureFee ?? f.infrastructureFee,
      liquidityFee: this.liquidityFee,
      buyBackFee: p.buyBackFee ?? f.buyBackFee,
      treasuryFee: p.treasuryFee ?? f.treasuryFee,
    };
  }

  /** Re-applies market.auction.minimumDuration to the current auction (never shortens it). */
  applyMinimumDuration(): void {
    if (!this.auction) return;
    const min = this.auction.start + this.ctx.params.auctionMinimumDuration;
    if (min > this.auction.end) this.auction.end = min;
  }

  private general(party: string): Account | undefined {
    return this.ctx.ledger.get(party, 'GENERAL', this.asset);
  }

  private marginAccount(party: string): Account {
    return this.ctx.ledger.getOrCreate(party, 'MARGIN', this.asset, this.id);
  }

  private bond(party: string): Account | undefined {
    return this.ctx.ledger.get(party, 'BOND', this.asset, this.id);
  }

  private transfer(from: Account, to: Account, amount: bigint, type: TransferType): void {
    this.ctx.ledger.transfer(from, to, amount, type);
  }

  private addPartyOrder(o: Order): void {
    let s = this.ordersByParty.get(o.party);
    if (!s) this.ordersByParty.set(o.party, (s = new Set()));
    s.add(o);
    this.orders.set(o.id, o);
  }

  private dropOrder(o: Order): void {
    this.orders.delete(o.id);
    this.ordersByParty.get(o.party)?.delete(o);
    if (o.peg) this.pegged = this.pegged.filter((x) => x !== o);
  }

  partyOrders(party: string): Order[] {
    return [...(this.ordersByParty.get(party) ?? [])];
  }

  private emitOrder(o: Order): void {
    this.emit({ type: 'order', order: snapshot(o) });
  }

  /** What the liquidity engine sees of this market. */
  private liquidityHost() {
    const l = this.ctx.ledger;
    return {
      marketId: this.id,
      asset: this.asset,
      ledger: l,
      priceFactor: this.priceFactor,
      positionFactor: this.positionFactor,
      now: () => this.now,
      params: () => this.ctx.params,
      emit: (e: EngineEvent) => this.emit(e),
      insurance: () => this.insurance,
      feeAccount: () => this.liquidityFeeAccount,
      bonusAccount: () => this.bonusAccount,
      marginAccount: (party: string) => this.marginAccount(party),
      general: (party: string) => this.general(party),
      isOpeningAuction: () => this.auction?.opening === true || this.state === 'PROPOSED',
      inAuction: () => this.inAuction,
      activeOrders: (party: string) => this.lpOrderViews(party),
      bestStatic: () => {
        const bid = this.staticBest('buy');
        const ask = this.staticBest('sell');
        return {
          bid: bid === undefined ? undefined : this.toAsset(bid),
          ask: ask === undefined ? undefined : this.toAsset(ask),
        };
      },
      lastTradedPrice: () => this.bookLastTradedPrice,
      indicativePrice: () => this.indicativePrice(),
      validPriceRange: () => this.validPriceRange(),
      riskPoT: (current: Decimal, price: Decimal, min: Decimal, max: Decimal, isBid: boolean, applyMinMax: boolean) =>
        modelProbabilityOfTrading(
          this.cfg.riskModel,
          this.ctx.params.probabilityOfTradingTauScaling,
          current,
          price,
          min,
          max,
          isBid,
          applyMinMax,
        ),
    };
  }

  /** A party's orders on the book (pegged orders on the book included, parked ones not), asset precision. */
  private lpOrderViews(party: string): LpOrderView[] {
    const out: LpOrderView[] = [];
    for (const o of this.ordersByParty.get(party) ?? []) {
      if (o.status !== 'ACTIVE' || o.bookLevel === null) continue;
      out.push({
        side: o.side,
        price: this.toAsset(o.price),
        remaining: o.peakSize > 0 ? o.displayed : o.remaining,
        trueRemaining: o.remaining,
      });
    }
    return out;
  }

  /** The range of prices no active price-monitoring trigger would object to (asset precision). */
  private validPriceRange(): ValidPriceRange {
    let min = Decimal.ZERO;
    let minRep = 0n;
    let max: Decimal | undefined;
    let maxRep: bigint | undefined;
    for (const b of this.priceMonitor.activeBounds(this.now)) {
      if (b.min > minRep) {
        minRep = b.min;
        min = b.ref.mul(b.trigger.factors.down);
      }
      if (b.max !== 0n && (maxRep === undefined || b.max < maxRep)) {
        maxRep = b.max;
        max = b.ref.mul(b.trigger.factors.up);
      }
    }
    if (min.isNegative()) {
      min = Decimal.ZERO;
      minRep = 0n;
    }
    return { min, minRep, max, maxRep };
  }

  /** Mid of the best bid and ask (pegged orders included), asset precision, floored; 0 when a side is empty. */
  private midPrice(): bigint {
    const bid = this.book.bestBid();
    const ask = this.book.bestAsk();
    if (bid === undefined || ask === undefined) return 0n;
    return (this.toAsset(bid) + this.toAsset(ask)) / 2n;
  }

  // ------------------------------------------------------------------ margins

  private observablePrice(orderPrice?: bigint): bigint {
    if (this.auction?.opening) {
      const ind = this.indicativePrice();
      if (ind > 0n) return ind;
      return orderPrice ?? this.markPrice;
    }
    return this.markPrice;
  }

  /** Margin levels of a party from its position and live orders. */
  private levelsFor(pos: Position, price: bigint, extra?: Order): MarginLevels {
    if (this.fullyCollateralised) return this.fullCollateralLevels(pos, price, extra);
    const auction = this.auction && !this.canLeaveAuction() ? this.auctionOrderNotional(pos.party, extra) : undefined;
    return crossMarginLevels(
      {
        openVolume: pos.openVolume,
        buyOrders: pos.buy,
        sellOrders: pos.sell,
        price,
        positionFactor: this.positionFactor,
        riskFactors: this.riskFactors,
        linearSlippageFactor: this.cfg.linearSlippageFactor,
        quadraticSlippageFactor: this.cfg.quadraticSlippageFactor,
        ...(auction ? { auction } : {}),
        ...(this.fundingIncrease ? { fundingIncreasePerUnit: this.fundingIncrease } : {}),
      },
      this.cfg.marginScalingFactors,
    );
  }

  /**
   * Fully-collateralised margin (spec 0019-MCAL): a long position needs |V| × price, a short |V| × (cap − price); buy
   * orders price × size, sell orders (cap − price) × size, the larger side counting. Every level is the same, rounded
   * up. Price moves alone never leave a party short (mark-to-market moves the margin by as much as the level), but fees
   * paid out of margin can, and such a party is closed out as usual.
   */
  private fullCollateralLevels(pos: Position, price: bigint, extra?: Order): MarginLevels {
    const max = this.toAsset(Number(this.cap!.maxPrice));
    const pf = this.positionFactor;
    const v = BigInt(pos.openVolume);
    let total = Decimal.fromBigInt(v >= 0n ? v * price : -v * (max - price)).div(pf);
    // per side Σ price × size and Σ size; the orders are valued at the side's volume-weighted price, floored to an
    // integer (Vega quirk inferred from 0019-MCAL-154: buys 15@18 and 30@16 count as 45 × 16 = 720, not 750)
    let buyNotional = 0n;
    let buySize = 0n;
    let sellNotional = 0n;
    let sellSize = 0n;
    const add = (o: Order) => {
      if (o.remaining <= 0) return;
      const p = o.type === 'MARKET' ? (o.side === 'buy' ? max : 0n) : this.toAsset(o.price);
      const size = BigInt(o.remaining);
      if (o.side === 'buy') {
        buyNotional += p * size;
        buySize += size;
      } else {
        sellNotional += p * size;
        sellSize += size;
      }
    };
    const mine = this.ordersByParty.get(pos.party);
    for (const o of mine ?? []) if (o.status === 'ACTIVE' || o.status === 'PARKED') add(o);
    if (extra && !mine?.has(extra)) add(extra);
    const buy = buySize === 0n ? 0n : (buyNotional / buySize) * buySize;
    const sell = sellSize === 0n ? 0n : (max - sellNotional / sellSize) * sellSize;
    total = total.add(Decimal.fromBigInt(buy > sell ? buy : sell).div(pf));
    const level = total.ceil();
    return { maintenance: level, search: level, initial: level, release: level };
  }

  /** Perpetuals: the margin add-on per unit, funding as if the period ended now × margin funding factor. */
  private get fundingIncrease(): Decimal | undefined {
    return this.perp?.marginIncrease(this.now);
  }

  /**
   * Σ size × price of the party's live orders per side (plus `extra`, an order being checked or amended), and the
   * auction price max(mark price, indicative uncrossing price) the margin calculator values the volume at.
   */
  private auctionOrderNotional(party: string, extra?: Order) {
    let buyNotional = 0n;
    let sellNotional = 0n;
    const auctionPrice = maxBig(this.markPrice, this.indicativePrice());
    const add = (o: Order) => {
      const v = this.toAsset(o.price) * BigInt(o.remaining);
      if (o.side === 'buy') buyNotional += v;
      else sellNotional += v;
    };
    for (const o of this.ordersByParty.get(party) ?? []) {
      if (o.status !== 'ACTIVE' || (extra && o.id === extra.id)) continue;
      add(o);
    }
    if (extra) add(extra);
    return { auctionPrice, buyNotional, sellNotional };
  }

  private canLeaveAuction(): boolean {
    return false;
  }

  private bufferMargin(party: string, levels: MarginLevels, orderMargin = 0n): void {
    const factor = this.marginFactors.get(party);
    this.marginBuffer.set(party, {
      type: 'marginLevels',
      marketId: this.id,
      party,
      asset: this.asset,
      levels,
      orderMargin,
      mode: factor ? 'isolated' : 'cross',
      ...(factor ? { marginFactor: factor.toString() } : {}),
      timestamp: this.now,
    });
  }

  /** Emits the buffered margin levels sorted by party (end of every transaction). */
  flushMargins(): void {
    if (this.marginBuffer.size === 0) return;
    const parties = [...this.marginBuffer.keys()].sort();
    for (const p of parties) this.emit(this.marginBuffer.get(p)!);
    this.marginBuffer.clear();
  }

  /**
   * Pre-trade margin check (risk UpdateMarginOnNewOrder / UpdateMarginAuction): the position with the order must be
   * coverable by margin + general (initial level in continuous trading, maintenance in auctions); tops up to initial.
   * A market order counts as filled: its size is open volume, slippage term included.
   */
  private checkMarginForOrder(o: Order): boolean {
    const current = this.positions.getOrCreate(o.party);
    // cross margin values a market order as filled (see assumeFilled); fully-collateralised levels price it
    // as an order at the cap
    const pos = o.type === 'MARKET' && !this.fullyCollateralised ? assumeFilled(current, o) : current;
    const price = this.observablePrice(this.toAsset(o.price));
    const levels = this.levelsFor(pos, price, o);
    const margin = this.marginAccount(o.party);
    const general = this.general(o.party);
    // a liquidity provider's bond counts as available funds, and tops the margin up once the general account is
    // empty (Vega's margin event adds the bond to the general balance)
    const bond = this.ctx.ledger.get(o.party, 'BOND', this.asset, this.id);
    const available = margin.balance + (general?.balance ?? 0n) + (bond?.balance ?? 0n);
    const threshold = this.auction ? levels.maintenance : levels.initial;
    if (available < threshold) return false;
    this.bufferMargin(o.party, levels);
    if (margin.balance < levels.initial) {
      const need = levels.initial - margin.balance;
      const moved = general ? this.ctx.ledger.transferUpTo(general, margin, need, 'MARGIN_LOW') : 0n;
      if (moved < need && bond) {
        // the bond that covered the shortfall is slashed (market.liquidity.bondPenaltyParameter)
        const fromBond = this.ctx.ledger.transferUpTo(bond, margin, need - moved, 'MARGIN_LOW');
        this.liquidity.bondSlashing(o.party, fromBond);
      }
    }
    return true;
  }

  /** The order reduces exposure: opposite side to the position and the party's opposite orders do not flip it. */
  private reducesExposure(o: Order, pos: Position): boolean {
    if (pos.openVolume === 0) return false;
    const long = pos.openVolume > 0;
    if (long !== (o.side === 'sell')) return false;
    const abs = Math.abs(pos.openVolume);
    if (o.type === 'MARKET') return o.remaining <= abs;
    return (long ? pos.sell : pos.buy) <= abs;
  }

  /** Releases the whole margin of a party with no position, no orders and no trades waiting for settlement. */
  private releaseMarginExcess(party: string): void {
    if (party === NETWORK_PARTY) return;
    const pos = this.positions.get(party);
    if (pos && !pos.isEmpty()) return;
    if (this.settlement.hasPosition(party)) return;
    const margin = this.ctx.ledger.get(party, 'MARGIN', this.asset, this.id);
    if (!margin) return;
    const general = this.ctx.ledger.getOrCreate(party, 'GENERAL', this.asset);
    if (margin.balance > 0n) this.transfer(margin, general, margin.balance, 'MARGIN_HIGH');
    const om = this.ctx.ledger.get(party, 'ORDER_MARGIN', this.asset, this.id);
    if (om && om.balance > 0n) this.transfer(om, general, om.balance, 'ORDER_MARGIN_HIGH');
    this.bufferMargin(party, ZERO_MARGIN);
  }

  // ------------------------------------------------------------------ isolated margin

  isIsolated(party: string): boolean {
    return this.marginFactors.has(party);
  }

  marginFactor(party: string): Decimal | undefined {
    return this.marginFactors.get(party);
  }

  private orderMarginAccount(party: string): Account {
    return this.ctx.ledger.getOrCreate(party, 'ORDER_MARGIN', this.asset, this.id);
  }

  /** Isolated levels: position-only maintenance (with the funding add-on), initial from it; no search or release. */
  private isolatedLevels(openVolume: number, price: bigint): MarginLevels {
    const mm = maintenanceMarginDecimal({
      openVolume,
      buyOrders: 0,
      sellOrders: 0,
      price,
      positionFactor: this.positionFactor,
      riskFactors: this.riskFactors,
      linearSlippageFactor: this.cfg.linearSlippageFactor,
      quadraticSlippageFactor: this.cfg.quadraticSlippageFactor,
      ...(this.fundingIncrease ? { fundingIncreasePerUnit: this.fundingIncrease } : {}),
    });
    const lv = scaleMargins(mm.isNegative() ? 0n : mm.ceil(), this.cfg.marginScalingFactors);
    return { maintenance: lv.maintenance, search: 0n, initial: lv.initial, release: 0n };
  }

  /** The auction price isolated order margin uses in auctions: max(mark price, indicative uncrossing price). */
  private isolatedAuctionPrice(): bigint | undefined {
    return this.inAuction ? maxBig(this.markPrice, this.indicativePrice()) : undefined;
  }

  /** Order margin of a party's live non-pegged orders (plus `extra`, an order about to rest) at a position. */
  private isolatedOrderMarginOf(
    party: string,
    openVolume: number,
    auctionPrice?: bigint,
    extra?: { side: Side; price: bigint; size: number },
  ): bigint {
    const factor = this.marginFactors.get(party);
    if (!factor) return 0n;
    const orders = [];
    for (const o of this.ordersByParty.get(party) ?? []) {
      if (o.status !== 'ACTIVE' || o.peg) continue;
      orders.push({ side: o.side, price: this.toAsset(o.price), size: o.remaining });
    }
    if (extra && extra.size > 0) orders.push(extra);
    return isolatedOrderMargin(orders, openVolume, factor, this.positionFactor, auctionPrice);
  }

  /**
   * UpdateIsolatedMarginOnOrder: moves the order-margin account to what the party's orders need (plus `extra`, an
   * order being placed); false when general cannot cover an increase.
   */
  private updateIsolatedOrderMargin(party: string, extra?: Order): boolean {
    const pos = this.positions.getOrCreate(party);
    const auctionPrice = this.isolatedAuctionPrice();
    const om = this.isolatedOrderMarginOf(
      party,
      pos.openVolume,
      auctionPrice,
      extra ? { side: extra.side, price: this.toAsset(extra.price), size: extra.remaining } : undefined,
    );
    const acct = this.orderMarginAccount(party);
    const general = this.ctx.ledger.getOrCreate(party, 'GENERAL', this.asset);
    const need = om - acct.balance;
    if (need > 0n && need > general.balance) return false;
    this.bufferMargin(party, this.isolatedLevels(pos.openVolume, this.observablePrice()), om);
    if (need > 0n) this.transfer(general, acct, need, 'ORDER_MARGIN_LOW');
    else if (need < 0n) this.transfer(acct, general, -need, 'ORDER_MARGIN_HIGH');
    return true;
  }

  /**
   * UpdateIsolatedMarginOnAggressor, planned from the simulated fills: a growing position adds price × size × factor
   * from general, a shrinking one releases, a flip resets the margin to the factor times the new part; then the order
   * margin for what rests. Undefined when the party cannot afford the trades; `orderMarginShort` when it can afford
   * them but not the order margin of the rest.
   * An amend pays a position increase out of the order-margin account alone (what the amended order had reserved),
   * not general: Vega behaviour inferred from the features, 0019-MCAL-204 (general and order margin together would
   * cover the trade, the amend still fails) and 0019-MCAL-037 scenario 002 (general is empty, the trade is paid from
   * the order margin).
   */
  private planIsolatedAggressor(o: Order, agg: Aggression, isAmend = false): IsolatedPlan | undefined {
    const factor = this.marginFactors.get(o.party)!;
    const pf = this.positionFactor;
    const pos = this.positions.getOrCreate(o.party);
    const old = pos.openVolume;
    const filled = agg.sim.filled;
    const newV = old + (o.side === 'buy' ? filled : -filled);
    const marginBal = this.marginAccount(o.party).balance;
    const generalBal = this.general(o.party)?.balance ?? 0n;
    const omBal = this.orderMarginAccount(o.party).balance;
    const mark = this.observablePrice();
    const levels = this.isolatedLevels(newV, mark);
    let delta = 0n;
    if (filled > 0) {
      let notional = 0n;
      for (const f of agg.sim.fills) notional += this.toAsset(f.price) * BigInt(f.size);
      if (old === 0 || (Math.sign(newV) === Math.sign(old) && Math.abs(newV) > Math.abs(old))) {
        const add = Decimal.fromBigInt(notional).div(pf).mul(factor).floor();
        if (add + marginBal < levels.maintenance || add > (isAmend ? omBal : generalBal)) return undefined;
        delta = add;
      } else if (newV === 0 || Math.sign(newV) === Math.sign(old)) {
        const release = isolatedRelease(marginBal, notional / BigInt(filled), mark, old, filled, pf);
        delta = -minBig(release, marginBal);
      } else {
        let closeLeft = Math.abs(old);
        let beyond = 0n;
        for (const f of agg.sim.fills) {
          const c = Math.min(f.size, closeLeft);
          closeLeft -= c;
          beyond += this.toAsset(f.price) * BigInt(f.size - c);
        }
        const add = Decimal.fromBigInt(beyond).div(pf).mul(factor).floor();
        if (add + marginBal < levels.maintenance || add > generalBal + marginBal) return undefined;
        delta = add - marginBal;
      }
    }
    const rests = this.finalStatus(o, agg.sim) === 'ACTIVE' && !o.peg;
    const om = this.isolatedOrderMarginOf(
      o.party,
      newV,
      undefined,
      rests ? { side: o.side, price: this.toAsset(o.price), size: o.remaining - filled } : undefined,
    );
    const fromOrderMargin = isAmend && delta > 0n;
    const need = om - (fromOrderMargin ? omBal - delta : omBal);
    const orderMarginShort = need > 0n && need > generalBal - (fromOrderMargin ? 0n : delta);
    if (orderMarginShort && filled === 0) return undefined;
    return { marginDelta: delta, orderMargin: om, levels, fromOrderMargin, orderMarginShort };
  }

  /** Applies a plan; `positionOnly` leaves the order-margin account to the caller (an amend that failed it). */
  private applyIsolatedPlan(party: string, plan: IsolatedPlan, positionOnly = false): void {
    const l = this.ctx.ledger;
    const margin = this.marginAccount(party);
    const general = l.getOrCreate(party, 'GENERAL', this.asset);
    if (plan.marginDelta > 0n && plan.fromOrderMargin) {
      l.transferUpTo(this.orderMarginAccount(party), margin, plan.marginDelta, 'ISOLATED_MARGIN_LOW');
    } else if (plan.marginDelta > 0n) {
      const moved = l.transferUpTo(general, margin, plan.marginDelta, 'MARGIN_LOW');
      const bond = this.bond(party);
      if (moved < plan.marginDelta && bond) l.transferUpTo(bond, margin, plan.marginDelta - moved, 'MARGIN_LOW');
    } else if (plan.marginDelta < 0n) this.transfer(margin, general, -plan.marginDelta, 'MARGIN_HIGH');
    if (positionOnly) return;
    const acct = this.orderMarginAccount(party);
    const need = plan.orderMargin - acct.balance;
    if (need > 0n) l.transferUpTo(general, acct, need, 'ORDER_MARGIN_LOW');
    else if (need < 0n) this.transfer(acct, general, -need, 'ORDER_MARGIN_HIGH');
    this.bufferMargin(party, plan.levels, plan.orderMargin);
  }

  /** A passive isolated party's margin after one of its orders traded (the limit price was already reserved). */
  private isolatedPassiveTrade(party: string, old: number, signed: number, price: bigint, size: number): void {
    const factor = this.marginFactors.get(party)!;
    const pf = this.positionFactor;
    const l = this.ctx.ledger;
    const margin = this.marginAccount(party);
    const general = l.getOrCreate(party, 'GENERAL', this.asset);
    const om = this.orderMarginAccount(party);
    const newV = old + signed;
    const omBefore = om.balance;
    let first = 0n;
    if (old === 0 || (Math.sign(newV) === Math.sign(old) && Math.abs(newV) > Math.abs(old))) {
      first = Decimal.fromBigInt(price * BigInt(size))
        .div(pf)
        .mul(factor)
        .floor();
      l.transferUpTo(om, margin, first, 'ISOLATED_MARGIN_LOW');
    } else if (newV === 0 || Math.sign(newV) === Math.sign(old)) {
      first = minBig(isolatedRelease(margin.balance, price, this.observablePrice(), old, size, pf), margin.balance);
      if (first > 0n) this.transfer(margin, general, first, 'MARGIN_HIGH');
    } else {
      const beyond = BigInt(size - Math.abs(old));
      const target = Decimal.fromBigInt(price * beyond)
        .div(pf)
        .mul(factor)
        .floor();
      first = target - margin.balance;
      if (first > 0n) l.transferUpTo(general, margin, first, 'MARGIN_LOW');
      else if (first < 0n) this.transfer(margin, general, -first, 'MARGIN_HIGH');
    }
    const required = this.isolatedOrderMarginOf(party, newV);
    if (required === 0n && omBefore > 0n && omBefore > first && om.balance > 0n)
      this.transfer(om, general, om.balance, 'ORDER_MARGIN_HIGH');
    const levels = this.isolatedLevels(newV, this.observablePrice());
    this.bufferMargin(party, levels, required);
    if (margin.balance < levels.maintenance) this.stopIsolatedOrders(party);
  }

  /** An isolated party's amend failed its order-margin check: its orders are stopped and the amend reports it. */
  private failIsolatedAmend(party: string): never {
    this.stopIsolatedOrders(party);
    this.updateIsolatedOrderMargin(party);
    throw new OrderRejection('margin check failed');
  }

  /** Not enough isolated margin: every order of the party is stopped and its order margin released. */
  private stopIsolatedOrders(party: string): void {
    const now = this.now;
    for (const o of this.partyOrders(party)) {
      this.removeLive(o);
      o.status = 'STOPPED';
      o.updatedAt = now;
      this.emitOrder(o);
    }
    const om = this.ctx.ledger.get(party, 'ORDER_MARGIN', this.asset, this.id);
    if (om && om.balance > 0n)
      this.transfer(om, this.ctx.ledger.getOrCreate(party, 'GENERAL', this.asset), om.balance, 'ORDER_MARGIN_HIGH');
  }

  /**
   * Switches a party between cross and isolated margin or changes its isolated margin factor (spec 0019-MCAL).
   * Returns Vega's error string on refusal.
   */
  updateMarginMode(party: string, mode: 'cross' | 'isolated', factor: Decimal): string | undefined {
    if (mode === 'isolated') {
      const rf = Decimal.max(this.riskFactors.long, this.riskFactors.short).add(this.cfg.linearSlippageFactor);
      if (factor.lte(rf)) {
        return `margin factor (${factor.toString()}) must be greater than max(riskFactorLong (${this.riskFactors.long.toString()}), riskFactorShort (${this.riskFactors.short.toString()})) + linearSlippageFactor (${this.cfg.linearSlippageFactor.toString()})`;
      }
    }
    if (mode === 'isolated' && this.fullyCollateralised)
      return 'isolated margin not permitted on fully collateralised markets';
    const current = this.marginFactors.get(party);
    if ((mode === 'cross' && !current) || (mode === 'isolated' && current && current.eq(factor))) return undefined;
    this.parties.add(party);
    const margin = this.marginAccount(party);
    const observable = this.observablePrice();
    if (observable === 0n) return 'no market observable price';
    const l = this.ctx.ledger;
    const general = l.getOrCreate(party, 'GENERAL', this.asset);
    const pos = this.positions.getOrCreate(party);
    if (mode === 'cross') {
      const om = this.orderMarginAccount(party);
      this.marginFactors.delete(party);
      if (om.balance > 0n) this.transfer(om, margin, om.balance, 'ISOLATED_MARGIN_LOW');
      this.bufferMargin(party, this.levelsFor(pos, observable));
      this.flushMargins();
      return undefined;
    }
    const levels = this.isolatedLevels(pos.openVolume, observable);
    let notional = 0n;
    for (const o of this.ordersByParty.get(party) ?? [])
      if (o.status === 'ACTIVE' && !o.peg) notional += this.toAsset(o.price) * BigInt(o.remaining);
    const reqPos = Decimal.fromBigInt(pos.averageEntryPrice * BigInt(Math.abs(pos.openVolume)))
      .mul(factor)
      .div(this.positionFactor);
    const reqOrd = Decimal.fromBigInt(notional).mul(factor).div(this.positionFactor);
    const om = this.orderMarginAccount(party);
    if (
      reqPos
        .add(reqOrd)
        .sub(Decimal.fromBigInt(margin.balance + om.balance))
        .gt(Decimal.fromBigInt(general.balance))
    ) {
      return 'insufficient balance in general account to cover for required order margin';
    }
    if (!reqPos.isZero() && reqPos.lte(Decimal.fromBigInt(levels.initial)))
      return 'required position margin must be greater than initial margin';
    const pm = reqPos.floor();
    if (pm > margin.balance) {
      const moved = l.transferUpTo(general, margin, pm - margin.balance, 'MARGIN_LOW');
      const bond = this.bond(party);
      if (bond && moved < pm - margin.balance) l.transferUpTo(bond, margin, pm - margin.balance - moved, 'MARGIN_LOW');
    } else if (pm < margin.balance) this.transfer(margin, general, margin.balance - pm, 'MARGIN_HIGH');
    const ordTarget = reqOrd.floor();
    if (ordTarget > om.balance) this.transfer(general, om, ordTarget - om.balance, 'ORDER_MARGIN_LOW');
    else if (ordTarget < om.balance) this.transfer(om, general, om.balance - ordTarget, 'ORDER_MARGIN_HIGH');
    this.marginFactors.set(party, factor);
    this.bufferMargin(party, levels, this.isolatedOrderMarginOf(party, pos.openVolume, this.isolatedAuctionPrice()));
    // pegged orders are not allowed in isolated mode
    for (const o of this.partyOrders(party)) if (o.peg) this.cancel(o, 'CANCELLED');
    this.flushMargins();
    return undefined;
  }

  // ------------------------------------------------------------------ order entry

  submitOrder(sub: OrderSubmission): OrderResult {
    const now = this.now;
    if (!this.canTrade()) return { trades: [], error: 'trading not allowed' };
    const o: Order = {
      id: this.ctx.nextId('order'),
      marketId: this.id,
      party: sub.party,
      side: sub.side,
      type: sub.type,
      tif: sub.tif,
      status: 'ACTIVE',
      price: sub.peg ? 0 : (sub.price ?? 0),
      size: sub.size,
      remaining: sub.size,
      displayed: sub.size,
      peakSize: sub.iceberg?.peakSize ?? 0,
      minPeakSize: sub.iceberg?.minimumVisibleSize ?? 0,
      reference: sub.reference ?? '',
      createdAt: now,
      updatedAt: now,
      expiresAt: sub.tif === 'GTT' ? (sub.expiresAt ?? 0n) : (sub.expiresAt ?? 0n),
      postOnly: !!sub.postOnly,
      reduceOnly: !!sub.reduceOnly,
      peg: sub.peg ? { ...sub.peg } : undefined,
      version: 1,
      reason: undefined,
      bookLevel: null,
      bookPos: 0,
    };
    try {
      const trades = this.submitValidated(o);
      return { order: snapshot(o), trades };
    } catch (e) {
      if (e instanceof OrderRejection) return { order: snapshot(o), trades: [], error: e.message };
      throw e;
    } finally {
      this.triggerStopOrders();
      this.flushMargins();
    }
  }

  private reject(o: Order, error: string, status: 'REJECTED' | 'STOPPED' = 'REJECTED'): never {
    o.status = status;
    o.reason = error;
    this.emitOrder(o);
    throw new OrderRejection(error);
  }

  private validateOrder(o: Order): void {
    const inAuction = this.inAuction;
    if (inAuction && o.tif === 'GFN') this.reject(o, 'gfn order received during auction trading');
    if (inAuction && o.tif === 'IOC') this.reject(o, 'ioc order received during auction trading');
    if (inAuction && o.tif === 'FOK') this.reject(o, 'fok order received during auction trading');
    if (!inAuction && o.tif === 'GFA') this.reject(o, 'gfa order received during continuous trading');
    if (o.expiresAt > 0n && o.expiresAt < o.createdAt) this.reject(o, 'invalid expiresAt time');
    if (o.type === 'NETWORK') this.reject(o, 'invalid order type');
    if (o.peg && this.marginFactors.has(o.party))
      this.reject(o, 'OrderError: pegged orders not allowed in isolated margin mode');
    if (o.peg) {
      if (o.type !== 'LIMIT' || !(o.tif === 'GTC' || o.tif === 'GTT' || o.tif === 'GFN'))
        this.reject(o, 'invalid OrderError');
      const error = pegError(o.side, o.peg.reference, o.peg.offset);
      if (error) this.reject(o, error);
      if (o.peg.offset % this.tickSize !== 0) this.reject(o, 'OrderError: price not in tick size');
    } else if (o.type === 'LIMIT' && o.price % this.tickSize !== 0) {
      this.reject(o, 'OrderError: price not in tick size');
    }
    const cap = this.cap;
    // capped futures: order prices stay below the cap (the conformance corpus never rests an order at the cap itself)
    if (cap && !o.peg && o.type === 'LIMIT' && BigInt(o.price) >= cap.maxPrice) this.reject(o, 'invalid order price');
  }

  /** Matching-engine validation (core/matching validation). */
  private validateForBook(o: Order): void {
    if (o.remaining <= 0) this.reject(o, 'OrderError: Invalid Remaining Size');
    if (o.tif === 'GTT' && o.expiresAt === 0n) this.reject(o, 'OrderError: Invalid Expiration Datetime');
    if (o.size <= 0) this.reject(o, 'OrderError: Invalid Size');
    if (o.type === 'MARKET' && (o.tif === 'GTT' || o.tif === 'GTC')) this.reject(o, 'OrderError: Invalid Persistence');
    if (o.type === 'MARKET' && o.expiresAt > 0n) this.reject(o, 'OrderError: Invalid Expiration Datetime');
  }

  private submitValidated(o: Order): Trade[] {
    this.validateOrder(o);
    if (!this.sizeFits(o.party, o.side, o.remaining)) this.reject(o, 'OrderError: Invalid Size');
    if (!this.general(o.party)) this.reject(o, 'party has insufficient balance in asset');
    this.marginAccount(o.party);
    this.parties.add(o.party);
    if (o.peakSize > 0) o.displayed = Math.min(o.peakSize, o.remaining);

    if (o.peg) {
      this.pegged.push(o);
      this.addPartyOrder(o);
      if (this.inAuction || !this.repricePegged(o)) {
        o.status = 'PARKED';
        this.emitOrder(o);
        return [];
      }
    }

    const pos = this.positions.registerOrder(o.party, o.side, o.remaining);
    let heldBack = 0;
    if (o.reduceOnly) {
      const v = pos.openVolume;
      const reduces = v !== 0 && (v > 0 ? o.side === 'sell' : o.side === 'buy');
      const extra = Math.max(0, o.remaining - Math.abs(v));
      if (!reduces || (o.tif === 'FOK' && extra > 0)) {
        this.positions.unregisterOrder(o.party, o.side, o.remaining);
        this.dropOrder(o);
        this.reject(o, 'OrderError: reduce only order would not reduce position', 'STOPPED');
      }
      heldBack = extra;
    }

    const isolated = this.marginFactors.has(o.party);
    if (!isolated && !o.reduceOnly && !this.reducesExposure(o, pos)) {
      if (!this.checkMarginForOrder(o)) {
        this.positions.unregisterOrder(o.party, o.side, o.remaining);
        this.dropOrder(o);
        this.reject(o, 'margin check failed');
      }
    }

    try {
      if (this.inAuction) {
        this.unregisterIfFails(o, () => this.validateForBook(o));
        if (isolated && !this.updateIsolatedOrderMargin(o.party, o)) {
          this.unregisterIfFails(o, () => this.reject(o, 'margin check failed'));
        }
        this.rest(o);
        return [];
      }
      return this.matchContinuous(o, heldBack);
    } finally {
      this.releaseMarginExcess(o.party);
    }
  }

  private unregisterIfFails(o: Order, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.positions.unregisterOrder(o.party, o.side, o.remaining);
      this.dropOrder(o);
      throw e;
    }
  }

  /** Puts an order on the book (ACTIVE), registering its GTT expiry. */
  private rest(o: Order): void {
    o.status = 'ACTIVE';
    this.book.insert(o);
    this.addPartyOrder(o);
    this.emitOrder(o);
  }

  private matchContinuous(o: Order, heldBack: number): Trade[] {
    this.unregisterIfFails(o, () => this.validateForBook(o));
    const prep = this.prepareAggression(o, o.price, o.remaining, heldBack);
    if ('error' in prep) this.unregisterIfFails(o, () => this.reject(o, prep.error, prep.status));
    const agg = prep as Aggression;
    let plan: IsolatedPlan | undefined;
    if (this.marginFactors.has(o.party) && !agg.breach) {
      plan = this.planIsolatedAggressor(o, agg);
      if (!plan || plan.orderMarginShort) this.unregisterIfFails(o, () => this.reject(o, 'margin check failed'));
    }
    const trades = this.commitAggression(o, agg, heldBack);
    if (plan) this.applyIsolatedPlan(o.party, plan);
    return trades;
  }

  /** The status an aggressive order ends with after the simulated fills. */
  private finalStatus(o: Order, sim: MatchResult<Order>): Order['status'] {
    const remaining = o.remaining - sim.filled;
    if (remaining === 0) return 'FILLED';
    if (sim.selfTrade) return sim.filled > 0 ? 'PARTIALLY_FILLED' : 'STOPPED';
    if (o.tif === 'IOC' || o.tif === 'FOK' || o.type === 'MARKET')
      return sim.filled > 0 ? 'PARTIALLY_FILLED' : 'STOPPED';
    if (o.reduceOnly) return 'STOPPED';
    return 'ACTIVE';
  }

  /**
   * What an aggressive order would do (checkPriceAndGetTrades): the fills, post-only, price monitoring and whether
   * the aggressor can pay the fees. Changes nothing.
   */
  private prepareAggression(
    o: Order,
    price: number,
    remaining: number,
    heldBack: number,
  ): Aggression | { error: string; status: 'REJECTED' | 'STOPPED' } {
    const limit = o.type === 'MARKET' ? (o.side === 'buy' ? NO_LIMIT_BUY : NO_LIMIT_SELL) : price;
    const wanted = remaining - heldBack;
    let sim = this.book.simulate(o.party, o.side, limit, wanted);
    if (o.tif === 'FOK' && (sim.filled < wanted || sim.selfTrade))
      sim = { fills: [], filled: 0, selfTrade: sim.selfTrade };
    sim = { ...sim, fills: mergeFills(sim.fills) };
    if (o.postOnly && sim.fills.length > 0)
      return { error: 'OrderError: post only order would trade', status: 'STOPPED' };
    const breach = this.priceMonitor.findBreach(
      sim.fills.map((f) => this.toAsset(f.price)),
      this.now,
    );
    if (breach) {
      if (isNonPersistentForMonitoring(o) || !isPersistent(o)) {
        return { error: 'OrderError: non-persistent order trades out of price bounds', status: 'STOPPED' };
      }
      return { sim, fees: { perTrade: [], total: 0n }, breach };
    }
    const fees = this.computeContinuousFees(sim.fills);
    if (fees.total > 0n) {
      const g = this.general(o.party)?.balance ?? 0n;
      const m = this.ctx.ledger.get(o.party, 'MARGIN', this.asset, this.id)?.balance ?? 0n;
      if (g + m < fees.total) return { error: 'margin check failed', status: 'REJECTED' };
    }
    return { sim, fees, breach: undefined };
  }

  /** Applies a prepared aggression: trades, fees, the aggressor's final status, resting, events. */
  private commitAggression(o: Order, prep: Aggression, heldBack: number): Trade[] {
    if (prep.breach) {
      // a persistent order that would trade outside the bounds starts a price auction and rests in it
      this.enterPriceAuction(prep.breach);
      if (o.peg) {
        // entering the auction parked the market's live pegged orders, normally this one too
        if (o.status === 'ACTIVE') this.parkPegged(o);
        return [];
      }
      this.rest(o);
      return [];
    }
    const { sim, fees } = prep;
    this.book.apply(sim.fills);
    o.remaining -= sim.filled;
    o.displayed = o.peakSize > 0 ? Math.min(o.peakSize, o.remaining) : o.remaining;
    const trades = this.makeTrades(o, sim.fills, fees.perTrade);
    o.remaining += sim.filled;
    o.status = this.finalStatus(o, sim);
    o.remaining -= sim.filled;
    if (sim.selfTrade && o.remaining > 0) o.reason = 'OrderError: Self trading';
    if (o.status === 'ACTIVE') {
      this.book.insert(o);
      this.addPartyOrder(o);
    } else {
      // what did not trade leaves the potential position (a reduce-only order's held-back size included)
      if (o.remaining > 0) this.positions.unregisterOrder(o.party, o.side, o.remaining);
      this.dropOrder(o);
    }
    void heldBack;
    this.payContinuousFees(o.party, fees.perTrade, trades);
    this.emitOrder(o);
    this.confirmTrades(trades, sim.fills);
    if (!this.inAuction) this.checkForReferenceMoves(false);
    return trades;
  }

  private computeContinuousFees(fills: readonly Fill<Order>[]): { perTrade: FeeBreakdown[]; total: bigint } {
    const f = this.feeFactors();
    let total = 0n;
    const perTrade = fills.map((fl) => {
      const fee = continuousFees(f, this.toAsset(fl.price), fl.size, this.positionFactor);
      total += totalFee(fee);
      return fee;
    });
    return { perTrade, total };
  }

  private makeTrades(
    aggressor: Order,
    fills: readonly Fill<Order>[],
    fees: readonly FeeBreakdown[],
    type: TradeType = 'DEFAULT',
  ): Trade[] {
    return fills.map((f, i) => {
      const price = this.toAsset(f.price);
      const buy = aggressor.side === 'buy';
      return {
        id: this.ctx.nextId('trade'),
        marketId: this.id,
        price,
        marketPrice: BigInt(f.price),
        size: f.size,
        buyer: buy ? aggressor.party : f.passive.party,
        seller: buy ? f.passive.party : aggressor.party,
        aggressor: aggressor.side,
        buyOrder: buy ? aggressor.id : f.passive.id,
        sellOrder: buy ? f.passive.id : aggressor.id,
        timestamp: this.now,
        type,
        buyerFee: buy ? fees[i]! : NO_FEES,
        sellerFee: buy ? NO_FEES : fees[i]!,
      };
    });
  }

  /**
   * Fee transfers of continuous trading (fee engine order): per trade the maker, buy-back and treasury fees, then
   * the infrastructure and liquidity fees of all trades together, then the makers receive theirs. The aggressor
   * pays from general, then margin.
   */
  private payContinuousFees(payer: string, fees: readonly FeeBreakdown[], trades: readonly Trade[]): void {
    let infra = 0n;
    let liquidity = 0n;
    fees.forEach((fee) => {
      this.payFrom(payer, fee.makerFee, this.makerFeeAccount, 'MAKER_FEE_PAY');
      this.payFrom(payer, fee.buyBackFee, this.buyBackAccount(), 'BUY_BACK_FEE_PAY');
      this.payFrom(payer, fee.treasuryFee, this.treasuryAccount(), 'TREASURY_FEE_PAY');
      infra += fee.infrastructureFee;
      liquidity += fee.liquidityFee;
    });
    this.payFrom(payer, infra, this.infrastructureFeeAccount, 'INFRASTRUCTURE_FEE_PAY');
    this.payFrom(payer, liquidity, this.liquidityFeeAccount, 'LIQUIDITY_FEE_PAY');
    fees.forEach((fee, i) => {
      const t = trades[i]!;
      this.receiveMakerFee(t.buyer === payer ? t.seller : t.buyer, fee.makerFee);
    });
  }

  /** Auction uncrossing fees: for each trade the seller, then the buyer, pays half of each fee (no maker fee). */
  private payAuctionFees(trades: readonly Trade[]): void {
    for (const t of trades) {
      for (const [party, fee] of [
        [t.seller, t.sellerFee],
        [t.buyer, t.buyerFee],
      ] as const) {
        this.payFrom(party, fee.infrastructureFee, this.infrastructureFeeAccount, 'INFRASTRUCTURE_FEE_PAY');
        this.payFrom(party, fee.liquidityFee, this.liquidityFeeAccount, 'LIQUIDITY_FEE_PAY');
        this.payFrom(party, fee.buyBackFee, this.buyBackAccount(), 'BUY_BACK_FEE_PAY');
        this.payFrom(party, fee.treasuryFee, this.treasuryAccount(), 'TREASURY_FEE_PAY');
      }
    }
  }

  /** Network disposal trades: the network pays every fee from the insurance pool; the counterparties get the maker fee. */
  private payNetworkFees(fees: readonly FeeBreakdown[], trades: readonly Trade[]): void {
    const total = fees.reduce(
      (a, f) => ({
        ...a,
        makerFee: a.makerFee + f.makerFee,
        infrastructureFee: a.infrastructureFee + f.infrastructureFee,
        liquidityFee: a.liquidityFee + f.liquidityFee,
        buyBackFee: a.buyBackFee + f.buyBackFee,
        treasuryFee: a.treasuryFee + f.treasuryFee,
      }),
      NO_FEES,
    );
    this.payFrom(NETWORK_PARTY, total.makerFee, this.makerFeeAccount, 'MAKER_FEE_PAY');
    this.payFrom(NETWORK_PARTY, total.infrastructureFee, this.infrastructureFeeAccount, 'INFRASTRUCTURE_FEE_PAY');
    this.payFrom(NETWORK_PARTY, total.liquidityFee, this.liquidityFeeAccount, 'LIQUIDITY_FEE_PAY');
    this.payFrom(NETWORK_PARTY, total.buyBackFee, this.buyBackAccount(), 'BUY_BACK_FEE_PAY');
    this.payFrom(NETWORK_PARTY, total.treasuryFee, this.treasuryAccount(), 'TREASURY_FEE_PAY');
    fees.forEach((fee, i) => {
      const t = trades[i]!;
      this.receiveMakerFee(t.buyer === NETWORK_PARTY ? t.seller : t.buyer, fee.makerFee);
    });
  }

  private buyBackAccount(): Account {
    return this.ctx.ledger.getOrCreate(SYSTEM_OWNER, 'BUY_BACK_FEES', this.asset);
  }

  private treasuryAccount(): Account {
    return this.ctx.ledger.getOrCreate(SYSTEM_OWNER, 'NETWORK_TREASURY', this.asset);
  }

  /** Pays an amount from a party's general then margin account (the network: its insurance pool). */
  private payFrom(payer: string, amount: bigint, to: Account, type: TransferType): void {
    const l = this.ctx.ledger;
    if (amount <= 0n) {
      // Vega sends every fee transfer of a trade, including the ones of amount 0
      const from = payer === NETWORK_PARTY ? this.insurance : this.general(payer);
      if (from && amount === 0n) l.transfer(from, to, 0n, type, { recordZero: true });
      return;
    }
    if (payer === NETWORK_PARTY) {
      l.transferUpTo(this.insurance, to, amount, type);
      return;
    }
    let left = amount;
    const g = this.general(payer);
    if (g) left -= l.transferUpTo(g, to, left, type);
    if (left > 0n) l.transferUpTo(this.marginAccount(payer), to, left, type);
  }

  private receiveMakerFee(maker: string, amount: bigint): void {
    const to = maker === NETWORK_PARTY ? this.insurance : this.ctx.ledger.getOrCreate(maker, 'GENERAL', this.asset);
    if (amount === 0n) {
      // like the fee payments, a maker fee of 0 is still a transfer
      this.ctx.ledger.transfer(this.makerFeeAccount, to, 0n, 'MAKER_FEE_RECEIVE', { recordZero: true });
      return;
    }
    if (amount < 0n || this.makerFeeAccount.balance === 0n) return;
    this.ctx.ledger.transferUpTo(this.makerFeeAccount, to, amount, 'MAKER_FEE_RECEIVE');
  }

  /**
   * handleConfirmation: passive order events, last traded price, trade events, positions, open interest and the
   * settlement queue.
   */
  private confirmTrades(trades: readonly Trade[], fills: readonly Fill<Order>[] | null): void {
    if (fills) {
      const seen = new Set<Order>();
      for (const f of fills) {
        const p = f.passive;
        if (seen.has(p)) continue;
        seen.add(p);
        if (p.remaining === 0) {
          p.status = 'FILLED';
          this.dropOrder(p);
        }
        p.updatedAt = this.now;
        this.emitOrder(p);
      }
    }
    if (trades.length === 0) return;
    const networkTrade = trades[0]!.type !== 'DEFAULT';
    if (!networkTrade) this.lastTradedPrice = trades[trades.length - 1]!.price;
    if (!this.inAuction) this.bookLastTradedPrice = trades[trades.length - 1]!.price;
    // traded value for the market-value windows (asset precision, truncated per confirmation)
    let traded = 0n;
    for (const t of trades) traded += t.price * BigInt(t.size);
    this.liquidity.windows.addTradeValue(Decimal.fromBigInt(traded).div(this.positionFactor).trunc());
    for (const t of trades) {
      this.emit({ type: 'trade', trade: t });
      const buyerBefore = this.positions.get(t.buyer)?.openVolume ?? 0;
      const sellerBefore = this.positions.get(t.seller)?.openVolume ?? 0;
      this.positions.applyTrade(t.buyer, t.seller, t.size, true, true, t.price);
      // isolated parties whose resting orders traded (uncrossing: both sides)
      if (t.aggressor !== 'buy' && this.marginFactors.has(t.buyer))
        this.isolatedPassiveTrade(t.buyer, buyerBefore, t.size, t.price, t.size);
      if (t.aggressor !== 'sell' && this.marginFactors.has(t.seller))
        this.isolatedPassiveTrade(t.seller, sellerBefore, -t.size, t.price, t.size);
      this.settlement.addTrade(t.buyer, t.seller, t.price, t.size);
      // the price sources see every trade but network close-outs (and anything the network party takes part in)
      if (t.type === 'DEFAULT' && t.buyer !== NETWORK_PARTY && t.seller !== NETWORK_PARTY) {
        this.markCalc.newTrade(t.price, t.size, t.timestamp);
        this.internalCalc?.newTrade(t.price, t.size, t.timestamp);
      }
    }
    this.recordOpenInterest();
  }

  private recordOpenInterest(): void {
    const oi = this.positions.openInterest();
    const now = this.now;
    this.oiHistory.record(now, oi);
  }

  // ------------------------------------------------------------------ amend and cancel

  amendOrder(a: OrderAmendment): OrderResult {
    try {
      return this.amend(a);
    } catch (e) {
      if (e instanceof OrderRejection) return { trades: [], error: e.message };
      throw e;
    } finally {
      this.triggerStopOrders();
      this.flushMargins();
    }
  }

  private amend(a: OrderAmendment): OrderResult {
    if (!this.canTrade()) throw new OrderRejection('trading not allowed');
    const o = this.orders.get(a.orderId);
    if (!o) throw new OrderRejection('OrderError: Invalid Order ID');
    if (o.party !== a.party) throw new OrderRejection('OrderError: Invalid Party ID');
    const now = this.now;
    if (a.tif === 'GTT' && (a.expiresAt === undefined || a.expiresAt === 0n)) {
      throw new OrderRejection('OrderError: Cannot amend order to GTT without an expiryAt field');
    }
    if (a.tif === 'GTC' && a.expiresAt !== undefined && a.expiresAt !== 0n)
      throw new OrderRejection('OrderError: Cannot set ExpiryAt and GTC');
    if (a.tif === 'FOK' || a.tif === 'IOC') throw new OrderRejection('OrderError: Cannot amend TIF to FOK or IOC');
    if (a.tif === 'GTT' && a.expiresAt !== undefined && a.expiresAt <= o.createdAt) {
      throw new OrderRejection('OrderError: ExpiryAt field must not be before CreatedAt');
    }
    if (a.tif !== undefined && a.tif !== o.tif && (a.tif === 'GFA' || a.tif === 'GFN'))
      throw new OrderRejection('OrderError: Cannot amend TIF to GFA or GFN');
    if (a.tif !== undefined && a.tif !== o.tif && (o.tif === 'GFA' || o.tif === 'GFN'))
      throw new OrderRejection('OrderError: Cannot amend TIF from GFA or GFN');
    if ((a.peggedOffset !== undefined || a.peggedReference !== undefined) && !o.peg) {
      throw new OrderRejection('OrderError: cannot amend pegged details on a non pegged order');
    }
    if (a.price !== undefined && o.peg) throw new OrderRejection('invalid OrderError');
    if (a.price !== undefined && a.price % this.tickSize !== 0)
      throw new OrderRejection('OrderError: price not in tick size');
    if (a.price !== undefined && this.cap && BigInt(a.price) >= this.cap.maxPrice)
      throw new OrderRejection('invalid order price');
    if (a.peggedOffset !== undefined && a.peggedOffset % this.tickSize !== 0)
      throw new OrderRejection('OrderError: price not in tick size');
    if (o.peg) {
      const error = pegError(o.side, a.peggedReference ?? o.peg.reference, a.peggedOffset ?? o.peg.offset);
      if (error) throw new OrderRejection(error);
    }

    // the amended copy
    let newSize = o.size;
    let newRemaining = o.remaining;
    if (a.sizeDelta !== undefined && a.sizeDelta !== 0) {
      newSize = o.size + a.sizeDelta;
      newRemaining = o.remaining + a.sizeDelta;
    }
    if (a.size !== undefined) {
      newRemaining = o.remaining + (a.size - o.size);
      newSize = a.size;
    }
    if (!Number.isSafeInteger(newSize) || !this.sizeFits(o.party, o.side, Math.max(0, newRemaining - o.remaining)))
      throw new OrderRejection('OrderError: Invalid Size');
    const newPrice = a.price !== undefined ? a.price : o.price;
    const newTif = a.tif ?? o.tif;
    let newExpiry = a.expiresAt !== undefined && a.expiresAt !== 0n ? a.expiresAt : o.expiresAt;
    if (newTif !== 'GTT') newExpiry = 0n;

    if (newRemaining <= 0) {
      this.cancel(o, 'CANCELLED');
      return { order: snapshot(o), trades: [] };
    }
    if (newExpiry !== 0n && newExpiry < now) {
      // expires at once, keeping the amended details
      this.removeLive(o);
      o.price = newPrice;
      o.size = newSize;
      o.remaining = newRemaining;
      o.tif = newTif;
      o.expiresAt = newExpiry;
      o.status = 'EXPIRED';
      o.updatedAt = now;
      o.version++;
      this.emitOrder(o);
      this.releaseMarginExcess(o.party);
      return { order: snapshot(o), trades: [] };
    }

    if (o.peg && (a.peggedOffset !== undefined || a.peggedReference !== undefined)) {
      return this.amendPegged(o, a, newSize, newRemaining, newTif, newExpiry);
    }

    // margin check with the amended potential position
    const pos = this.positions.getOrCreate(o.party);
    const delta = newRemaining - o.remaining;
    const live = o.status === 'ACTIVE';
    const isolated = this.marginFactors.has(o.party);
    if (live) {
      if (o.side === 'buy') pos.buy += delta;
      else pos.sell += delta;
      const trial: Order = { ...o, price: newPrice, remaining: newRemaining, size: newSize };
      if (!isolated && !this.checkMarginForOrder(trial)) {
        if (o.side === 'buy') pos.buy -= delta;
        else pos.sell -= delta;
        throw new OrderRejection('margin check failed');
      }
    }

    const priceChanged = newPrice !== o.price;
    const sizeUp = newRemaining > o.remaining && o.peakSize === 0;
    o.tif = newTif;
    o.expiresAt = newExpiry;
    o.updatedAt = now;
    o.version++;
    if (!live || (!priceChanged && !sizeUp)) {
      // in place: keeps time priority
      o.size = newSize;
      if (live) this.book.setRemaining(o, newRemaining);
      else o.remaining = newRemaining;
      if (o.peakSize > 0 && newRemaining > o.displayed && o.displayed === 0)
        o.displayed = Math.min(o.peakSize, newRemaining);
      this.emitOrder(o);
      if (isolated) {
        if (!this.updateIsolatedOrderMargin(o.party)) this.failIsolatedAmend(o.party);
      } else if (live && delta < 0) {
        // a size decrease re-evaluates margins at once, which can release collateral
        this.recheckMargin(pos);
      }
      return { order: snapshot(o), trades: [] };
    }
    // cancel-replace: loses priority, may trade. Check first so that a failure leaves the order as it was.
    if (!this.inAuction) {
      const prep = this.prepareAggression(o, newPrice, newRemaining, 0);
      if ('error' in prep) {
        if (o.side === 'buy') pos.buy -= delta;
        else pos.sell -= delta;
        throw new OrderRejection(prep.error === 'margin check failed' ? prep.error : "couldn't insert order in book");
      }
      this.book.remove(o);
      o.price = newPrice;
      o.size = newSize;
      o.remaining = newRemaining;
      this.dropOrder(o);
      if (o.peg) this.pegged.push(o);
      let plan: IsolatedPlan | undefined;
      if (isolated && !prep.breach) {
        plan = this.planIsolatedAggressor(o, prep, true);
        if (!plan) {
          this.positions.unregisterOrder(o.party, o.side, o.remaining);
          o.status = 'STOPPED';
          this.emitOrder(o);
          this.failIsolatedAmend(o.party);
        }
      }
      // the simulation ran against the unchanged opposite side: it still holds
      const trades = this.commitAggression(o, prep, 0);
      if (plan?.orderMarginShort) {
        // spec 0019-MCAL "placing an order": what traded stands with its margin, what would rest cannot be
        // covered, so the party's orders are stopped and the amend fails (0019-MCAL-037 scenario 002)
        this.applyIsolatedPlan(o.party, plan, true);
        this.failIsolatedAmend(o.party);
      }
      if (plan) this.applyIsolatedPlan(o.party, plan);
      return { order: snapshot(o), trades };
    }
    this.book.remove(o);
    o.price = newPrice;
    o.size = newSize;
    o.remaining = newRemaining;
    o.displayed = o.peakSize > 0 ? Math.min(o.peakSize, newRemaining) : newRemaining;
    this.rest(o);
    if (isolated && !this.updateIsolatedOrderMargin(o.party)) this.failIsolatedAmend(o.party);
    return { order: snapshot(o), trades: [] };
  }

  private amendPegged(
    o: Order,
    a: OrderAmendment,
    size: number,
    remaining: number,
    tif: TimeInForce,
    expiry: bigint,
  ): OrderResult {
    const peg = o.peg!;
    if (a.peggedOffset !== undefined) peg.offset = a.peggedOffset;
    if (a.peggedReference !== undefined) peg.reference = a.peggedReference;
    o.tif = tif;
    o.expiresAt = expiry;
    o.updatedAt = this.now;
    o.version++;
    const wasLive = o.status === 'ACTIVE';
    if (wasLive) {
      this.book.remove(o);
      this.positions.unregisterOrder(o.party, o.side, o.remaining);
    }
    o.size = size;
    o.remaining = remaining;
    if (this.inAuction || !this.repricePegged(o) || this.wouldCross(o)) {
      o.status = 'PARKED';
      this.emitOrder(o);
      return { order: snapshot(o), trades: [] };
    }
    this.positions.registerOrder(o.party, o.side, o.remaining);
    o.displayed = o.peakSize > 0 ? Math.min(o.peakSize, o.remaining) : o.remaining;
    this.rest(o);
    return { order: snapshot(o), trades: [] };
  }

  cancelOrder(party: string, orderId: string): OrderResult {
    try {
      if (!this.canTrade()) throw new OrderRejection('trading not allowed');
      const o = this.orders.get(orderId);
      if (!o) throw new OrderRejection('unable to find the order in the market');
      if (o.party !== party) throw new OrderRejection('OrderError: Invalid Party ID');
      this.cancel(o, 'CANCELLED');
      return { order: snapshot(o), trades: [] };
    } catch (e) {
      if (e instanceof OrderRejection) return { trades: [], error: e.message };
      throw e;
    } finally {
      this.flushMargins();
    }
  }

  /** Cancels every order of a party in this market, sorted by order id. */
  cancelAllOrders(party: string): OrderResult {
    try {
      if (!this.canTrade()) throw new OrderRejection('trading not allowed');
      const os = this.partyOrders(party).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const o of os) this.cancel(o, 'CANCELLED', false);
      if (os.length) this.emit({ type: 'cancelledOrders', marketId: this.id, party, orderIds: os.map((o) => o.id) });
      this.releaseMarginExcess(party);
      if (!this.inAuction) this.checkForReferenceMoves(false);
      return { trades: [] };
    } catch (e) {
      if (e instanceof OrderRejection) return { trades: [], error: e.message };
      throw e;
    } finally {
      this.flushMargins();
    }
  }

  /** Takes a live order off the book (or parked list) and out of the position's potential volume. */
  private removeLive(o: Order): void {
    if (o.status === 'ACTIVE') {
      this.book.remove(o);
      this.positions.unregisterOrder(o.party, o.side, o.remaining);
    }
    this.dropOrder(o);
  }

  private cancel(o: Order, status: 'CANCELLED' | 'STOPPED' | 'EXPIRED', after = true): void {
    this.removeLive(o);
    o.status = status;
    o.updatedAt = this.now;
    this.emitOrder(o);
    if (after) {
      if (this.marginFactors.has(o.party)) this.updateIsolatedOrderMargin(o.party);
      this.releaseMarginExcess(o.party);
      if (!this.inAuction) this.checkForReferenceMoves(false);
    }
  }

  // ------------------------------------------------------------------ stop orders

  private emitStop(st: StopOrder): void {
    this.emit({
      type: 'stopOrder',
      id: st.id,
      marketId: this.id,
      party: st.party,
      status: st.status,
      reference: st.submission.reference ?? '',
      ...(st.ocoLink ? { ocoLink: st.ocoLink } : {}),
      ...(st.orderId ? { orderId: st.orderId } : {}),
      ...(st.rejectionReason ? { rejectionReason: st.rejectionReason } : {}),
    });
  }

  /** Last traded price in market precision (undefined before the first trade). */
  private ltpMarket(): bigint | undefined {
    return this.lastTradedPrice === 0n ? undefined : this.lastTradedPrice / this.priceFactor;
  }

  /**
   * Stop-order submission (one leg or an OCO pair: falls-below and rises-above). Rejections mark both legs
   * REJECTED; otherwise the legs are pooled, or one fires at once when the last traded price is already past its
   * price trigger (outside auctions).
   */
  submitStopOrders(party: string, fallsBelow?: StopOrderSpec, risesAbove?: StopOrderSpec): OrderResult {
    const now = this.now;
    const legs: StopOrder[] = [];
    const make = (spec: StopOrderSpec, direction: StopDirection): StopOrder => ({
      id: this.ctx.nextId('order'),
      marketId: this.id,
      party,
      direction,
      submission: spec.submission,
      ocoLink: undefined,
      expiresAt: spec.expiresAt,
      expiryStrategy: spec.expiryStrategy ?? 'CANCELS',
      trigger: spec.trigger,
      sizeOverride: spec.sizeOverride ? { fraction: spec.sizeOverride.fraction ?? Decimal.ONE } : undefined,
      status: 'PENDING',
      createdAt: now,
      updatedAt: now,
      orderId: undefined,
      rejectionReason: undefined,
    });
    const fb = fallsBelow ? make(fallsBelow, 'FALLS_BELOW') : undefined;
    const ra = risesAbove ? make(risesAbove, 'RISES_ABOVE') : undefined;
    if (fb && ra) {
      (fb as { ocoLink: string }).ocoLink = ra.id;
      (ra as { ocoLink: string }).ocoLink = fb.id;
    }
    for (const l of [fb, ra]) if (l) legs.push(l);
    const finish = (error?: string, result?: OrderResult): OrderResult => {
      for (const l of legs) {
        if (error) {
          l.status = 'REJECTED';
          l.rejectionReason = error;
        } else if (l.status === 'PENDING') this.stopPool.add(l);
        this.stopOrders.set(l.id, l);
        this.emitStop(l);
      }
      this.flushMargins();
      return error ? { trades: [], error } : (result ?? { trades: [] });
    };
    if (legs.length === 0) return { trades: [], error: 'stop order submission must have a trigger' };
    if (this.auction?.opening) return finish('stop orders are not accepted during the opening auction');
    if (!this.canTrade()) return finish('trading not allowed');
    for (const l of legs) {
      if (l.expiresAt !== undefined && l.expiresAt < now) return finish('stop order expiry in the past');
      if (!l.submission.reduceOnly) return finish('stop order must be reduce only');
    }
    if (fb && ra && fb.expiresAt !== undefined && fb.expiresAt === ra.expiresAt)
      return finish('stop order OCOs must not have the same expiry time');
    if (this.stopPool.countFor(party) + legs.length > this.ctx.params.maxStopOrdersPerMarket)
      return finish('max stop orders per party reached');
    if (!this.positions.get(party)) return finish('stop order submission not allowed without existing position');
    for (const l of legs) {
      const f = l.sizeOverride?.fraction;
      if (f && (f.lte(Decimal.ZERO) || f.gt(Decimal.ONE)))
        return finish('stop order size override percentage value is invalid');
    }
    const ltp = this.ltpMarket();
    const firing = this.inAuction ? undefined : [fb, ra].find((l) => l && StopOrderPool.firesAt(l, ltp));
    if (!firing) return finish();
    // trigger at submission: the firing leg submits its order, the other leg is stopped
    firing.status = 'TRIGGERED';
    for (const l of legs) if (l !== firing) l.status = 'STOPPED';
    const result = this.submitTriggered(firing);
    this.triggerStopOrders();
    return finish(undefined, result ?? { trades: [] });
  }

  /** Submits a fired (or expiring) stop order's wrapped order, applying a position size override. */
  private submitTriggered(st: StopOrder): OrderResult | undefined {
    let sub = st.submission;
    if (st.sizeOverride) {
      const pos = this.positions.get(st.party)?.openVolume ?? 0;
      const size = Decimal.fromInt(pos).mul(st.sizeOverride.fraction).round();
      if (size === 0n) return undefined;
      if ((size > 0n && sub.side !== 'sell') || (size < 0n && sub.side !== 'buy')) return undefined;
      sub = { ...sub, size: Number(size < 0n ? -size : size) };
    }
    const prev = this.evaluatingStops;
    this.evaluatingStops = true;
    try {
      const res = this.submitOrder(sub);
      if (res.order && !res.error) st.orderId = res.order.id;
      return res;
    } finally {
      this.evaluatingStops = prev;
    }
  }

  /**
   * Trigger evaluation after every order submission and amend, and on auction ticks: fired orders submit their
   * wrapped order, their OCO partners stop, position-override orders that no longer close the position are
   * cancelled; repeats until nothing fires.
   */
  private triggerStopOrders(): void {
    if (this.evaluatingStops || !this.canTrade()) return;
    this.evaluatingStops = true;
    try {
      for (let guard = 0; guard < 100; guard++) {
        const ltp = this.ltpMarket();
        if (ltp === undefined) return;
        const fired = this.stopPool.priceUpdated(ltp);
        const closing: StopOrder[] = [];
        for (const f of fired) {
          f.status = 'TRIGGERED';
          f.updatedAt = this.now;
          if (f.ocoLink) {
            const partner = this.stopPool.remove(f.ocoLink);
            if (partner) {
              partner.status = 'STOPPED';
              partner.updatedAt = this.now;
              closing.push(partner);
            }
          }
        }
        for (const st of this.stopPool.all()) {
          if (!st.sizeOverride) continue;
          const pos = this.positions.get(st.party)?.openVolume ?? 0;
          if ((pos > 0 && st.submission.side === 'buy') || (pos < 0 && st.submission.side === 'sell')) {
            this.stopPool.remove(st.id);
            st.status = 'CANCELLED';
            st.updatedAt = this.now;
            closing.push(st);
          }
        }
        for (const c of closing) this.emitStop(c);
        if (fired.length === 0) return;
        for (const f of fired) {
          this.submitTriggered(f);
          this.emitStop(f);
        }
      }
    } finally {
      this.evaluatingStops = false;
    }
  }

  /** Stop orders past their expiry: submitted (strategy SUBMIT, continuous trading only) or just expired. */
  private expireStopOrders(now: bigint): void {
    for (const st of this.stopPool.due(now)) {
      if (!this.stopPool.get(st.id)) continue;
      this.stopPool.remove(st.id);
      st.status = 'EXPIRED';
      st.updatedAt = now;
      if (st.ocoLink) {
        const partner = this.stopPool.remove(st.ocoLink);
        if (partner) {
          partner.status = 'STOPPED';
          partner.updatedAt = now;
          this.emitStop(partner);
        }
      }
      if (!this.inAuction && st.expiryStrategy === 'SUBMIT') this.submitTriggered(st);
      this.emitStop(st);
    }
  }

  /** Cancels one stop order (and its OCO partner). */
  cancelStopOrder(party: string, id: string): string | undefined {
    if (!this.canTrade()) return 'trading not allowed';
    const mine = this.stopPool.all().filter((s) => s.party === party);
    if (mine.length === 0) return undefined;
    const st = this.stopPool.get(id);
    if (!st || st.party !== party) return 'stop order not found';
    for (const s of [st, st.ocoLink ? this.stopPool.get(st.ocoLink) : undefined]) {
      if (!s) continue;
      this.stopPool.remove(s.id);
      s.status = 'CANCELLED';
      s.updatedAt = this.now;
      this.emitStop(s);
    }
    return undefined;
  }

  /** Cancels every pending stop order of a party (in id order). */
  cancelAllStopOrders(party: string): string | undefined {
    if (!this.canTrade()) return 'trading not allowed';
    for (const s of this.stopPool
      .all()
      .filter((x) => x.party === party)
      .sort((a, b) => (a.id < b.id ? -1 : 1))) {
      this.stopPool.remove(s.id);
      s.status = 'CANCELLED';
      s.updatedAt = this.now;
      this.emitStop(s);
    }
    return undefined;
  }

  // ------------------------------------------------------------------ pegged orders

  private staticBest(side: Side): number | undefined {
    const s = this.book.side(side);
    for (let i = s.levels.length - 1; i >= 0; i--) {
      for (const o of s.levels[i]!.orders()) if (!o.peg) return s.levels[i]!.price;
    }
    return undefined;
  }

  /** Sets a pegged order's price from the static book; false when it cannot be priced (parked). */
  private repricePegged(o: Order): boolean {
    const peg = o.peg!;
    const bid = this.staticBest('buy');
    const ask = this.staticBest('sell');
    const pf = this.priceFactor;
    const tick = BigInt(this.tickSize);
    let ref: bigint | undefined;
    if (peg.reference === 'BEST_BID') ref = bid === undefined ? undefined : BigInt(bid);
    else if (peg.reference === 'BEST_ASK') ref = ask === undefined ? undefined : BigInt(ask);
    else if (bid !== undefined && ask !== undefined) {
      // static mid in asset precision: buy floor((b + a + pf)/2), sell floor((b + a)/2); to market precision
      const b = BigInt(bid) * pf;
      const a = BigInt(ask) * pf;
      const midAsset = o.side === 'buy' ? (b + a + pf) / 2n : (b + a) / 2n;
      ref = midAsset / pf;
    }
    if (ref === undefined) return false;
    const off = BigInt(peg.offset);
    let price: bigint;
    if (o.side === 'buy') {
      price = ref - off;
      // round up to a tick multiple
      const r = ((price % tick) + tick) % tick;
      if (r !== 0n) price += tick - r;
      if (price <= 0n) return false;
    } else {
      price = ref + off;
      price -= ((price % tick) + tick) % tick;
    }
    // capped futures: a pegged price at or above the cap is held at the highest tick below it
    const cap = this.cap;
    if (cap && price >= cap.maxPrice) {
      price = cap.maxPrice - 1n;
      price -= ((price % tick) + tick) % tick;
    }
    if (price > BigInt(Number.MAX_SAFE_INTEGER)) return false;
    o.price = Number(price);
    return true;
  }

  /**
   * Whether `extra` more volume on `side` keeps the party's potential position (open volume plus live orders on
   * that side) within the safe integer range that sizes are held in.
   */
  private sizeFits(party: string, side: Side, extra: number): boolean {
    const p = this.positions.get(party);
    const held = p ? Math.abs(p.openVolume) + (side === 'buy' ? p.buy : p.sell) : 0;
    return Number.isSafeInteger(held + extra);
  }

  /** Whether a (repriced) pegged order would cross the opposite side of the book. */
  private wouldCross(o: Order): boolean {
    const oppBest = o.side === 'buy' ? this.book.bestAsk() : this.book.bestBid();
    return oppBest !== undefined && (o.side === 'buy' ? o.price >= oppBest : o.price <= oppBest);
  }

  private parkPegged(o: Order): void {
    if (o.status === 'ACTIVE') {
      this.book.remove(o);
      this.positions.unregisterOrder(o.party, o.side, o.remaining);
    }
    o.status = 'PARKED';
    this.emitOrder(o);
    // as Vega's parkOrder: a party left with no position and no orders on the book gets its margin back
    this.releaseMarginExcess(o.party);
  }

  /** Reprices pegged orders whose reference moved (all of them when forced), looping until stable. */
  private checkForReferenceMoves(force: boolean): void {
    if (this.pegged.length === 0) return;
    const bid = this.staticBest('buy');
    const ask = this.staticBest('sell');
    // static mids per side in asset precision, as the pegs use them (buy rounds up, sell down)
    const pf = this.priceFactor;
    const both = bid !== undefined && ask !== undefined;
    const midBuy = both ? Number((BigInt(bid) * pf + BigInt(ask) * pf + pf) / 2n / pf) : undefined;
    const midSell = both ? Number((BigInt(bid) * pf + BigInt(ask) * pf) / 2n / pf) : undefined;
    const refs = this.peggedRefs;
    const bidMoved = force || bid !== refs.bid;
    const askMoved = force || ask !== refs.ask;
    const midMoved = force || midBuy !== refs.midBuy || midSell !== refs.midSell;
    this.peggedRefs = { bid, ask, midBuy, midSell };
    if (!bidMoved && !askMoved && !midMoved) return;
    const moved = (o: Order) =>
      o.peg!.reference === 'MID' ? midMoved : o.peg!.reference === 'BEST_BID' ? bidMoved : askMoved;
    // every affected pegged order leaves the book first (live ones in book order, then parked ones), then the
    // repriced ones are put back together, so that no order is checked against another's stale price
    const affected = [
      ...this.pegged.filter((o) => o.status === 'ACTIVE' && moved(o)),
      ...this.pegged.filter((o) => o.status === 'PARKED' && moved(o)),
    ];
    const toSubmit: Order[] = [];
    const parked = new Set<string>();
    for (const o of affected) {
      const wasLive = o.status === 'ACTIVE';
      if (wasLive) {
        this.book.remove(o);
        this.positions.unregisterOrder(o.party, o.side, o.remaining);
      }
      if (!this.repricePegged(o)) {
        if (wasLive) {
          o.status = 'PARKED';
          this.emitOrder(o);
          parked.add(o.party);
        }
        continue;
      }
      toSubmit.push(o);
    }
    for (const o of toSubmit) {
      if (this.wouldCross(o)) {
        // cannot happen with pegs on static prices; kept as a guard against a crossed book
        o.status = 'PARKED';
        this.emitOrder(o);
        continue;
      }
      this.positions.registerOrder(o.party, o.side, o.remaining);
      o.status = 'ACTIVE';
      if (o.peakSize > 0) o.displayed = Math.min(o.peakSize, o.remaining);
      this.book.insert(o);
      this.emitOrder(o);
    }
    // as Vega's parkOrder: a party left with no position and no order on the book gets its margin back
    for (const party of [...parked].sort()) this.releaseMarginExcess(party);
    // the parties whose pegged orders went back on the book have their margins updated at once (general, then bond);
    // a party that cannot reach its maintenance margin has those orders cancelled
    const resubmitted = toSubmit.filter((o) => o.status === 'ACTIVE');
    if (resubmitted.length === 0 || this.markPrice === 0n) return;
    const parties = [...new Set(resubmitted.map((o) => o.party))].sort();
    // (Vega ignores the bond penalties of this margin update)
    const distressed = this.updateMarginsOnSettlement(parties, false);
    for (const party of distressed) {
      for (const o of resubmitted) if (o.party === party && o.status === 'ACTIVE') this.cancel(o, 'CANCELLED');
    }
  }

  // ------------------------------------------------------------------ auctions

  indicative(): Indicative | undefined {
    return this.inAuction ? this.book.indicative() : undefined;
  }

  /** Indicative uncrossing price in asset precision (0 when the book does not cross). */
  indicativePrice(): bigint {
    const ind = this.book.indicative();
    if (!ind) return 0n;
    return (BigInt(ind.lo) * this.priceFactor + BigInt(ind.hi) * this.priceFactor) / 2n;
  }

  private enterPriceAuction(trigger: MonitorTrigger): void {
    trigger.active = false;
    const duration = maxBig(BigInt(trigger.auctionExtension) * NS, this.ctx.params.auctionMinimumDuration);
    this.startAuction('PRICE', 'MONITORING_AUCTION', duration);
  }

  /**
   * A (non-opening) auction starts now for `duration`: the market is suspended, GFN orders are cancelled and pegged
   * orders parked.
   */
  private startAuction(trigger: AuctionTrigger, mode: TradingMode, duration: bigint): void {
    const now = this.now;
    this.auction = { opening: false, trigger, extensionTrigger: 'UNSPECIFIED', start: now, end: now + duration };
    this.perp?.auctionStarted(now);
    this.state = 'SUSPENDED';
    this.tradingMode = mode;
    for (const o of [...this.book.allOrders()]) if (o.tif === 'GFN') this.cancel(o, 'CANCELLED', false);
    for (const o of [...this.pegged]) {
      if (o.status === 'PARKED' && o.tif === 'GFN') this.cancel(o, 'CANCELLED', false);
      else if (o.status === 'ACTIVE') this.parkPegged(o);
    }
    this.emitAuction(true);
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
  }

  /** The auction event of the running auction: its start (`started`) or an extension. */
  private emitAuction(started: boolean): void {
    const a = this.auction!;
    this.emit({
      type: 'auction',
      marketId: this.id,
      started,
      leave: false,
      trigger: a.trigger,
      extensionTrigger: a.extensionTrigger,
      start: a.start,
      end: a.end,
    });
  }

  /**
   * A network-wide long-block auction of `duration` ns (spec 0094-PRAC): a market in continuous trading enters one;
   * a market already in a (non-opening, non-governance) auction that would end sooner has it extended so that it
   * lasts, from its start, until now + duration (whole seconds), with LONG_BLOCK as extension trigger. Markets in
   * their opening auction, suspended by governance or not trading are unaffected.
   */
  enterLongBlockAuction(duration: bigint): void {
    if (!this.canTrade() || this.state === 'SUSPENDED_VIA_GOVERNANCE') return;
    const a = this.auction;
    if (a) {
      if (a.opening || a.trigger === 'GOVERNANCE_SUSPENSION' || a.extensionTrigger === 'GOVERNANCE_SUSPENSION') return;
      const effective = this.now / NS + duration / NS - a.start / NS;
      if ((a.end - a.start) / NS > effective) return;
      a.end = a.start + effective * NS;
      a.extensionTrigger = 'LONG_BLOCK';
      this.emitAuction(false);
      return;
    }
    this.startAuction('LONG_BLOCK', 'LONG_BLOCK_AUCTION', duration);
    this.flushMargins();
  }

  /** Auction checks of OnTick: leave the opening auction or a price auction when due. */
  private checkAuction(now: bigint): void {
    if (!this.auction) return;
    try {
      this.checkAuctionNow(now);
    } finally {
      // stop orders are evaluated on every tick of an auction, including the one that ends it
      this.triggerStopOrders();
    }
  }

  private checkAuctionNow(now: bigint): void {
    const a = this.auction;
    if (!a) return;
    if (a.opening) {
      // market.auction.maximumDuration: a market that cannot leave its opening auction in time is cancelled
      const max = this.ctx.params.auctionMaximumDuration;
      if (max > 0n && now > a.start + max) {
        this.cancelMarket();
        return;
      }
      if (!this.priceMonitor.initialised) {
        const ip = this.indicativePrice();
        if (ip > 0n) {
          this.priceMonitor.reset(ip, now);
          this.recalculateFactors(now);
        }
      }
      if (now <= a.end) return;
      if (!this.book.indicative()) return;
      this.leaveAuction(now);
      return;
    }
    if (now <= a.end) return;
    const ip = this.indicativePrice();
    if (ip > 0n) {
      const breach = this.priceMonitor.findBreach([ip], now);
      if (breach) {
        breach.active = false;
        a.end += BigInt(breach.auctionExtension) * NS;
        a.extensionTrigger = 'PRICE';
        this.emitAuction(false);
        return;
      }
    }
    this.leaveAuction(now);
  }

  private leaveAuction(now: bigint): void {
    const a = this.auction!;
    // bonds below their commitment are refilled from general before trading starts
    if (a.opening) this.liquidity.topUpBonds();
    const ind = this.book.indicative();
    const uncrossPrice = ind ? (BigInt(ind.lo) * this.priceFactor + BigInt(ind.hi) * this.priceFactor) / 2n : 0n;
    const trades: Trade[] = [];
    if (ind) {
      const matches = this.book.uncross(ind);
      const feeF = this.feeFactors();
      const touched: Order[] = [];
      for (const m of matches) {
        const buy = m.aggressor.side === 'buy';
        const fees = a.opening ? NO_FEES : auctionFeesPerSide(feeF, uncrossPrice, m.size, this.positionFactor);
        const t: Trade = {
          id: this.ctx.nextId('trade'),
          marketId: this.id,
          price: uncrossPrice,
          marketPrice: uncrossPrice / this.priceFactor,
          size: m.size,
          buyer: buy ? m.aggressor.party : m.passive.party,
          seller: buy ? m.passive.party : m.aggressor.party,
          aggressor: undefined,
          buyOrder: buy ? m.aggressor.id : m.passive.id,
          sellOrder: buy ? m.passive.id : m.aggressor.id,
          timestamp: now,
          type: 'DEFAULT',
          buyerFee: fees,
          sellerFee: fees,
        };
        trades.push(t);
        if (!touched.includes(m.aggressor)) touched.push(m.aggressor);
        if (!touched.includes(m.passive)) touched.push(m.passive);
      }
      if (!a.opening) this.payAuctionFees(trades);
      for (const o of touched) {
        if (o.remaining === 0) {
          o.status = 'FILLED';
          this.dropOrder(o);
        }
        o.updatedAt = now;
        this.emitOrder(o);
      }
      this.confirmTrades(trades, null);
    }
    // GFA orders are cancelled
    for (const o of [...this.book.allOrders()]) if (o.tif === 'GFA') this.cancel(o, 'CANCELLED', false);
    const wasOpening = a.opening;
    this.auction = null;
    this.state = 'ACTIVE';
    this.tradingMode = 'CONTINUOUS';
    if (wasOpening) this.openedAt = now;
    // mark price (spec 0009-MRKP): the book source takes the uncrossing price, then the methodology runs at now
    // (the perpetual's internal composite price also samples the book as it stands after the uncrossing:
    // 0053-PERP-033/035 need the post-auction book, 0009-MRKP-022 needs the mark price not to)
    if (uncrossPrice > 0n) {
      this.markCalc.setBookPriceAt(now, uncrossPrice);
      this.internalCalc?.setBookPriceAt(now, uncrossPrice);
    }
    if (this.internalCalc) this.sampleBook(this.internalCalc, now);
    const candidate = this.markCalc.calculate(now, this.ctx.params.markPriceUpdateMaximumFrequency);
    this.endMarkCalculation(this.markCalc, now);
    if (wasOpening) {
      // leaving the opening auction: the candidate is not checked; without one, the last traded price. The
      // price history restarts at the first mark price.
      if (candidate !== undefined && candidate > 0n) this.markPrice = candidate;
      if (this.markPrice === 0n) this.markPrice = this.lastTradedPrice;
      if (this.markPrice > 0n) this.priceMonitor.reset(this.markPrice, now);
      else this.priceMonitor.reactivateAll();
    } else {
      // price history restarts at the uncrossing price; a candidate out of the new bounds puts the market
      // straight back into a monitoring auction (no MTM, no auction-left event)
      if (uncrossPrice > 0n) this.priceMonitor.reset(uncrossPrice, now);
      else this.priceMonitor.reactivateAll();
      if (candidate !== undefined && candidate > 0n) {
        const breach = this.priceMonitor.findBreach([candidate], now);
        if (breach) {
          this.enterPriceAuction(breach);
          return;
        }
        this.markPrice = candidate;
        if (candidate !== uncrossPrice) this.priceMonitor.record(candidate, now);
      }
    }
    if (this.markPrice > 0n) this.emit({ type: 'markPrice', marketId: this.id, price: this.markPrice, timestamp: now });
    if (this.perp) {
      // the internal composite price at the auction end is an internal funding data point
      let internal = this.markPrice;
      if (this.internalCalc) {
        const c = this.internalCalc.calculate(now, this.ctx.params.internalCompositePriceUpdateFrequency);
        this.endMarkCalculation(this.internalCalc, now);
        if (c !== undefined && c > 0n) this.internalCalc.price = c;
        if (!this.internalCalc.price) this.internalCalc.price = this.lastTradedPrice;
        internal = this.internalCalc.price;
      }
      if (internal > 0n) this.emitDataPoint(this.perp.addInternal(now, internal));
    }
    this.checkForReferenceMoves(true);
    this.liquidity.topUpBonds();
    this.emit({
      type: 'auction',
      marketId: this.id,
      started: false,
      leave: true,
      trigger: a.trigger,
      extensionTrigger: a.extensionTrigger,
      start: a.start,
      end: now,
    });
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
    if (this.markPrice > 0n) this.confirmMTM();
    this.nextMTM = now + this.ctx.params.markPriceUpdateMaximumFrequency;
    if (this.perp) {
      if (wasOpening) {
        const ev = this.perp.start(now);
        if (ev) this.startedFundingPeriod(ev);
      } else this.perp.auctionEnded(now);
    }
    this.recalculateFactors(now);
    this.checkNetwork(now);
    this.updateLiquidityFee();
    // the end of the opening auction starts the SLA epoch and the market-value windows; pending provisions apply
    if (wasOpening) this.liquidity.openingAuctionEnded(now, this.markPrice, this.midPrice(), this.targetStake());
  }

  // ------------------------------------------------------------------ time

  /** OnTick: network disposal, GTT expiry, price monitor time, auction checks. */
  onTick(now: bigint): void {
    // floating-point state variables are recalculated before the market's own tick
    if (now >= this.factorsDueAt) this.recalculateFactors(now);
    if (this.canTrade()) {
      this.checkNetwork(now);
      this.removeExpiredOrders(now);
      this.expireStopOrders(now);
    }
    this.priceMonitor.roll(now);
    if (!this.canTrade()) return;
    // liquidity: fee allocation or a liquidity-score sample
    this.liquidity.onTick(now);
    if (!this.inAuction) this.liquidity.topUpBonds();
    this.checkAuction(now);
    if (!this.closed && this.canTrade()) {
      this.liquidity.updateMarketValue(now);
      this.updateLiquidityFee();
    }
    this.flushMargins();
  }

  /** State-variable calculation: price-monitoring bound factors from the current reference prices. */
  private recalculateFactors(now: bigint): void {
    this.factorsDueAt = now + this.ctx.params.floatingPointUpdatesDelay;
    this.liquidity.recalculatePoT();
    const model = this.cfg.riskModel;
    this.priceMonitor.recalculate(now, (ref, t) => boundFactors(model, ref, t.horizon, t.probability));
  }

  private removeExpiredOrders(now: bigint): void {
    const expired: Order[] = [];
    for (const o of this.orders.values())
      if (o.tif === 'GTT' && o.expiresAt > 0n && o.expiresAt <= now) expired.push(o);
    if (expired.length === 0) return;
    expired.sort((a, b) => (a.expiresAt < b.expiresAt ? -1 : a.expiresAt > b.expiresAt ? 1 : 0));
    for (const o of expired) {
      this.removeLive(o);
      o.status = 'EXPIRED';
      o.updatedAt = now;
    }
    this.emit({ type: 'expiredOrders', marketId: this.id, orderIds: expired.map((o) => o.id) });
    for (const o of expired) this.emitOrder(o);
    for (const p of new Set(expired.map((o) => o.party))) this.releaseMarginExcess(p);
    if (!this.inAuction) this.checkForReferenceMoves(false);
  }

  /** BlockEnd: book samples, the perpetual's internal price, the mark price, then mark-to-market when due. */
  onBlockEnd(): void {
    const now = this.now;
    if (!this.canTrade()) return;
    // the book sources sample the book at every block end outside auctions
    if (!this.inAuction) {
      this.sampleBook(this.markCalc, now);
      if (this.internalCalc) this.sampleBook(this.internalCalc, now);
    }
    const calc = this.internalCalc;
    if (this.perp && calc && (this.nextInternalCalc === 0n || (this.nextInternalCalc <= now && !this.inAuction))) {
      // perpetuals: the internal composite price, on its own schedule, is an internal funding data point
      const prev = calc.price;
      const c = this.inAuction ? undefined : calc.calculate(now, this.ctx.params.markPriceUpdateMaximumFrequency);
      this.endMarkCalculation(calc, now);
      if (c !== undefined && c > 0n) calc.price = c;
      this.nextInternalCalc = now + this.ctx.params.internalCompositePriceUpdateFrequency;
      if ((calc.price !== prev || this.settlement.hasTraded()) && calc.price && !this.inAuction)
        this.emitDataPoint(this.perp.addInternal(now, calc.price));
    }
    if (this.nextMTM === 0n || (this.nextMTM <= now && !this.inAuction)) {
      const prev = this.markPrice;
      this.updateMarkPrice(now);
      this.nextMTM = now + this.ctx.params.markPriceUpdateMaximumFrequency;
      if ((this.markPrice !== prev || this.settlement.hasTraded()) && this.markPrice !== 0n && !this.inAuction) {
        // perpetuals without an internal composite price use the mark price as the internal series
        if (this.perp && !this.internalCalc) this.emitDataPoint(this.perp.addInternal(now, this.markPrice));
        this.confirmMTM();
        for (const p of [...this.positions.all()]) {
          if (p.isEmpty() && p.party !== NETWORK_PARTY && !this.settlement.hasPosition(p.party)) {
            this.positions.remove(p.party);
            this.releaseMarginExcess(p.party);
            this.cancelAllStopOrders(p.party);
          }
        }
      }
    }
    for (const p of [...this.positions.all()]) this.releaseMarginExcess(p.party);
    this.flushMargins();
    // SLA: whether each LP meets its obligation at the end of this block
    this.liquidity.onBlockEnd(this.markPrice, this.midPrice());
  }

  /**
   * One run of the mark-price methodology at now: the candidate is checked by price monitoring (a breach starts
   * an auction and the mark price stays); in an auction there is no candidate.
   */
  private updateMarkPrice(now: bigint): void {
    const candidate = this.inAuction
      ? undefined
      : this.markCalc.calculate(now, this.ctx.params.markPriceUpdateMaximumFrequency);
    this.endMarkCalculation(this.markCalc, now);
    if (candidate === undefined || candidate <= 0n) return;
    // capped futures: a candidate above the cap is ignored
    if (this.cap && candidate > this.toAsset(Number(this.cap.maxPrice))) return;
    const breach = this.priceMonitor.findBreach([candidate], now);
    if (breach) {
      this.enterPriceAuction(breach);
      return;
    }
    this.markPrice = candidate;
    this.priceMonitor.record(candidate, now);
    this.emit({ type: 'markPrice', marketId: this.id, price: candidate, timestamp: now });
  }

  /** After a calculation: trades and book samples are dropped and the book is sampled again at now. */
  private endMarkCalculation(calc: CompositePriceCalculator, now: bigint): void {
    calc.endCalculation();
    if (this.inAuction) {
      const ip = this.indicativePrice();
      if (ip > 0n) calc.setBookPriceAt(now, ip);
    } else this.sampleBook(calc, now);
  }

  private sampleBook(calc: CompositePriceCalculator, now: bigint): void {
    if (calc.isLastTrade) return;
    calc.sampleBook(now, this.bookView, this.bookFactors());
  }

  private bookFactors(): BookFactors {
    return {
      initialMargin: this.cfg.marginScalingFactors.initialMargin,
      linearSlippage: this.cfg.linearSlippageFactor,
      riskFactorLong: this.riskFactors.long,
      riskFactorShort: this.riskFactors.short,
    };
  }

  /** The order book as the book price source sees it: asset-precision prices, displayed volumes. */
  private readonly bookView: BookView = {
    best: (side) => {
      const p = side === 'buy' ? this.book.bestBid() : this.book.bestAsk();
      return p === undefined ? undefined : this.toAsset(p);
    },
    vwap: (side, volume) => {
      const levels = this.book.side(side).levels;
      if (levels.length === 0) return undefined;
      if (volume === 0n) return this.toAsset(levels[levels.length - 1]!.price);
      let left = volume;
      let notional = 0n;
      for (let i = levels.length - 1; i >= 0 && left > 0n; i--) {
        const l = levels[i]!;
        let shown = 0n;
        for (const o of l.orders()) shown += BigInt(o.displayed);
        const take = shown < left ? shown : left;
        notional += this.toAsset(l.price) * take;
        left -= take;
      }
      return left > 0n ? undefined : notional / volume;
    },
  };

  // ------------------------------------------------------------------ mark-to-market, margins, close-outs

  private confirmMTM(skipRecheck = false): void {
    const mark = this.markPrice;
    const res = this.settlement.settleMTM(mark, this.positions.all());
    for (const s of res.settled) {
      this.emit({
        type: 'settlePosition',
        marketId: this.id,
        party: s.party,
        markPrice: mark,
        positionFactor: this.positionFactor,
        trades: s.trades as SettleTrade[],
      });
    }
    const marginOrder = this.collectAndPayMTM(res.entries);
    const closed = this.updateMarginsOnSettlement(marginOrder);
    if (closed.length) this.resolveClosedOut(closed);
    if (!skipRecheck) this.recheckMargins();
  }

  /** Moves MTM money: losses into the settlement account, then (socialised if short) wins out of it. */
  private collectAndPayMTM(entries: { party: string; amount: bigint }[]): string[] {
    return this.settleCashFlows(entries, { loss: 'MTM_LOSS', win: 'MTM_WIN', funding: false });
  }

  /**
   * Mark-to-market-like cash flows (MTM, funding, final settlement; collateral mtmOrFundingSettlement): losses, in
   * order, from margin → general → bond → market insurance pool (the network: the pool only) into the settlement
   * account; if less was collected than the wins expect, each win is floored pro rata (the remainder to the network's
   * win, else the last win) and loss-socialisation events are emitted; wins go to margin accounts (the network's to
   * the pool). Returns the parties in the order processed.
   */
  private settleCashFlows(
    entries: { party: string; amount: bigint }[],
    kind: { loss: TransferType; win: TransferType; funding: boolean },
  ): string[] {
    const l = this.ctx.ledger;
    const order: string[] = [];
    let expected = 0n;
    for (const e of entries) if (e.amount > 0n) expected += e.amount;
    for (const e of entries) {
      order.push(e.party);
      if (e.amount >= 0n) continue;
      let left = -e.amount;
      if (e.party === NETWORK_PARTY) {
        left -= l.transferUpTo(this.insurance, this.settlementAccount, left, kind.loss);
        continue;
      }
      const isolated = this.marginFactors.has(e.party);
      for (const src of [
        this.marginAccount(e.party),
        isolated ? undefined : this.general(e.party),
        this.bond(e.party),
        this.insurance,
      ]) {
        if (!src || left === 0n) continue;
        left -= l.transferUpTo(src, this.settlementAccount, left, kind.loss);
      }
      if (left > 0n)
        this.emit({
          type: 'lossSocialisation',
          marketId: this.id,
          party: e.party,
          amount: left,
          funding: kind.funding,
        });
    }
    const collected = this.settlementAccount.balance;
    const wins = entries.filter((e) => e.amount > 0n);
    if (collected < expected && wins.length > 0) {
      const ratio = Decimal.fromBigInt(collected).div(Decimal.fromBigInt(expected));
      let paid = 0n;
      const reduced = wins.map((w) => {
        const nw = Decimal.fromBigInt(w.amount).mul(ratio).floor();
        paid += nw;
        return { w, original: w.amount, nw };
      });
      const mismatch = collected - paid;
      const net = reduced.find((r) => r.w.party === NETWORK_PARTY);
      if (mismatch !== 0n) {
        if (net) net.nw += mismatch;
        else reduced[reduced.length - 1]!.nw += mismatch;
      }
      for (const r of reduced) {
        r.w.amount = r.nw;
        if (r.w.party !== NETWORK_PARTY) {
          this.emit({
            type: 'lossSocialisation',
            marketId: this.id,
            party: r.w.party,
            amount: r.nw - r.original,
            funding: kind.funding,
          });
        }
      }
    }
    for (const w of wins) {
      const to = w.party === NETWORK_PARTY ? this.insurance : this.marginAccount(w.party);
      let left = w.amount;
      // a win socialised down to nothing is still paid, as a transfer of 0 (Vega records it)
      if (left === 0n) l.transfer(this.settlementAccount, to, 0n, kind.win, { recordZero: true });
      left -= l.transferUpTo(this.settlementAccount, to, left, kind.win);
      if (left > 0n && to !== this.insurance) left -= l.transferUpTo(this.insurance, to, left, kind.win);
    }
    return order;
  }

  /**
   * UpdateMarginsOnSettlement + MarginUpdate for the parties in MTM order: release everything for flat parties,
   * search (top up to initial, partial allowed) below the search level, release down to initial above the release
   * level. A party that cannot reach maintenance is returned as distressed.
   */
  private updateMarginsOnSettlement(parties: string[], slashBonds = true): string[] {
    const closed: string[] = [];
    const shortfalls: { party: string; amount: bigint }[] = [];
    const l = this.ctx.ledger;
    for (const party of parties) {
      if (party === NETWORK_PARTY) continue;
      const pos = this.positions.get(party);
      if (!pos) continue;
      const margin = this.marginAccount(party);
      const general = l.getOrCreate(party, 'GENERAL', this.asset);
      if (this.marginFactors.has(party)) {
        // isolated: no search or release; margin below maintenance means close-out
        const lv = this.isolatedLevels(pos.openVolume, this.markPrice);
        this.bufferMargin(party, lv, this.isolatedOrderMarginOf(party, pos.openVolume));
        if (pos.openVolume !== 0 && margin.balance < lv.maintenance) closed.push(party);
        continue;
      }
      if (pos.isEmpty()) {
        if (margin.balance > 0n) this.transfer(margin, general, margin.balance, 'MARGIN_HIGH');
        this.bufferMargin(party, ZERO_MARGIN);
        continue;
      }
      const lv = this.levelsFor(pos, this.markPrice);
      this.bufferMargin(party, lv);
      const bal = margin.balance;
      if (bal < lv.search) {
        const want = lv.initial - bal;
        const minAmount = maxBig(0n, lv.maintenance - bal);
        const bond = this.bond(party);
        // an LP that needs its bond pays a penalty on the part general could not cover (after all top-ups)
        if (bond && want > general.balance) shortfalls.push({ party, amount: want - general.balance });
        let moved = l.transferUpTo(general, margin, want, 'MARGIN_LOW');
        if (moved < want && bond) moved += l.transferUpTo(bond, margin, want - moved, 'MARGIN_LOW');
        if (moved < minAmount) closed.push(party);
      } else if (bal >= lv.release && !this.inAuction) {
        this.transfer(margin, general, bal - lv.initial, 'MARGIN_HIGH');
      }
    }
    if (slashBonds) for (const s of shortfalls) this.liquidity.bondSlashing(s.party, s.amount);
    return closed;
  }

  /** Margin recheck for every position after MTM: no partial moves and no close-outs. */
  private recheckMargins(): void {
    for (const pos of this.positions.all()) this.recheckMargin(pos);
  }

  /**
   * Search and release for one party (MarginUpdateOnOrder): a party whose general, bond and margin balances together
   * fall short of the minimum top-up gets no transfer at all; nobody is closed out here.
   */
  private recheckMargin(pos: Position): void {
    const party = pos.party;
    if (party === NETWORK_PARTY || pos.isEmpty() || this.marginFactors.has(party)) return;
    const l = this.ctx.ledger;
    const margin = this.marginAccount(party);
    const general = l.getOrCreate(party, 'GENERAL', this.asset);
    const lv = this.levelsFor(pos, this.markPrice);
    this.bufferMargin(party, lv);
    const bal = margin.balance;
    if (bal < lv.search) {
      const want = lv.initial - bal;
      const minAmount = maxBig(0n, lv.maintenance - bal);
      const bond = this.bond(party);
      // Vega's guard (MarginUpdateOnOrder) compares general + bond + margin with the minimum top-up; past it, what
      // general and bond hold is moved and an LP pays the bond penalty on all general could not cover
      const avail = general.balance + (bond?.balance ?? 0n) + bal;
      if (avail < minAmount) return;
      const shortfall = bond && want > general.balance ? want - general.balance : 0n;
      const moved = l.transferUpTo(general, margin, want, 'MARGIN_LOW');
      if (moved < want && bond) l.transferUpTo(bond, margin, want - moved, 'MARGIN_LOW');
      if (shortfall > 0n) this.liquidity.bondSlashing(party, shortfall);
    } else if (bal >= lv.release && !this.inAuction) {
      this.transfer(margin, general, bal - lv.initial, 'MARGIN_HIGH');
    }
  }

  /** Position resolution (spec 0012-POSR): cancel orders, recheck, hand positions to the network. */
  private resolveClosedOut(candidates: string[]): void {
    const now = this.now;
    let removedOrders = false;
    for (const party of candidates) {
      if (this.marginFactors.has(party)) continue;
      for (const o of this.partyOrders(party)) {
        this.removeLive(o);
        o.status = 'STOPPED';
        o.updatedAt = now;
        this.emitOrder(o);
        removedOrders = true;
      }
    }
    let distressed = candidates;
    if (removedOrders) {
      const safe: string[] = [];
      distressed = [];
      for (const party of candidates) {
        const pos = this.positions.get(party)!;
        const lv = this.levelsFor(pos, this.lastTradedPrice);
        if (this.marginAccount(party).balance > lv.maintenance) safe.push(party);
        else distressed.push(party);
      }
      if (safe.length) this.emit({ type: 'distressedOrdersClosed', marketId: this.id, parties: safe });
    }
    if (distressed.length === 0) return;
    const netWasFlat = (this.positions.get(NETWORK_PARTY)?.openVolume ?? 0) === 0;
    if (netWasFlat || this.networkNextStep === 0n)
      this.networkNextStep = now + BigInt(this.cfg.liquidationStrategy.disposalTimeStep) * NS;
    const trades: Trade[] = [];
    for (const party of distressed) {
      const pos = this.positions.get(party)!;
      const size = Math.abs(pos.openVolume);
      if (size === 0) continue;
      const partyLong = pos.openVolume > 0;
      const t: Trade = {
        id: this.ctx.nextId('trade'),
        marketId: this.id,
        price: this.markPrice,
        marketPrice: this.markPrice / this.priceFactor,
        size,
        buyer: partyLong ? NETWORK_PARTY : party,
        seller: partyLong ? party : NETWORK_PARTY,
        aggressor: partyLong ? 'buy' : 'sell',
        buyOrder: '',
        sellOrder: '',
        timestamp: now,
        type: 'NETWORK_CLOSE_OUT_BAD',
        buyerFee: NO_FEES,
        sellerFee: NO_FEES,
      };
      trades.push(t);
      this.positions.applyTrade(t.buyer, t.seller, size, false, false, t.price);
      // the network's new position is marked to market from this price at the next MTM
      this.settlement.addCloseOut(partyLong ? size : -size, t.price, NETWORK_PARTY);
    }
    for (const t of trades) this.emit({ type: 'trade', trade: t });
    this.emit({ type: 'distressedPositions', marketId: this.id, distressed: [...distressed].sort(), safe: [] });
    const l = this.ctx.ledger;
    for (const party of distressed) {
      const margin = this.marginAccount(party);
      const general = this.general(party);
      const isolated = this.marginFactors.has(party);
      // the collateral the party loses: margin and general; an isolated party keeps its general account, which
      // its margin event does not carry (0019-MCAL-070 scenario 002: the positions API realised PnL)
      this.emit({
        type: 'settleDistressed',
        marketId: this.id,
        party,
        margin: margin.balance + (isolated ? 0n : (general?.balance ?? 0n)),
        price: this.markPrice,
      });
      this.settlement.removeParty(party);
      const pos = this.positions.get(party);
      if (!isolated || !pos || (pos.buy === 0 && pos.sell === 0)) this.positions.remove(party);
      const bond = this.bond(party);
      if (bond && bond.balance > 0n) this.transfer(bond, margin, bond.balance, 'MARGIN_LOW');
      if (!isolated && general && general.balance > 0n) this.transfer(general, margin, general.balance, 'MARGIN_LOW');
      if (margin.balance > 0n) l.transfer(margin, this.insurance, margin.balance, 'MARGIN_CONFISCATED');
      let orderMargin = isolated ? this.isolatedOrderMarginOf(party, 0) : 0n;
      if (orderMargin > this.orderMarginAccount(party).balance) {
        // an isolated party's orders stay after its close-out, but orders that reduced the position now need order
        // margin the account does not hold: all of them are stopped (spec 0019-MCAL-071, no search of general)
        this.stopIsolatedOrders(party);
        orderMargin = 0n;
        if (this.positions.get(party)?.isEmpty()) this.positions.remove(party);
      }
      this.bufferMargin(party, ZERO_MARGIN, orderMargin);
    }
    this.checkForReferenceMoves(false);
  }

  /** Network disposal (liquidation strategy): an IOC against the book within the slippage range. */
  private checkNetwork(now: bigint): void {
    const net = this.positions.get(NETWORK_PARTY);
    if (!net || net.openVolume === 0 || this.inAuction || this.networkNextStep > now) return;
    const bid = this.book.bestBid();
    const ask = this.book.bestAsk();
    if (bid === undefined || ask === undefined) return;
    const s = this.cfg.liquidationStrategy;
    const mid = Decimal.fromBigInt((this.toAsset(bid) + this.toAsset(ask)) / 2n);
    const maxP = mid.mul(Decimal.ONE.add(s.disposalSlippageRange)).floor();
    let minP = s.disposalSlippageRange.lt(Decimal.ONE) ? mid.mul(Decimal.ONE.sub(s.disposalSlippageRange)).floor() : 0n;
    let maxBound = maxP;
    for (const b of this.priceMonitor.activeBounds(now)) {
      minP = maxBig(minP, b.min);
      maxBound = minBig(maxBound, b.max);
    }
    const side: Side = net.openVolume > 0 ? 'sell' : 'buy';
    // limits in market precision: sells accept bids >= ceil(minP), buys accept asks <= floor(maxP)
    const limit =
      side === 'sell' ? Number((minP + this.priceFactor - 1n) / this.priceFactor) : Number(maxBound / this.priceFactor);
    let size = BigInt(Math.abs(net.openVolume));
    if (size > s.fullDisposalSize) size = Decimal.fromBigInt(size).mul(s.disposalFraction).ceil();
    const available = this.book.availableVolume(side, limit);
    if (available === 0) return;
    const cap = Decimal.fromInt(available).mul(s.maxFractionConsumed).ceil();
    size = minBig(size, cap);
    if (size === 0n) return;
    this.networkNextStep = now + BigInt(s.disposalTimeStep) * NS;
    const o: Order = {
      id: this.ctx.nextId('order'),
      marketId: this.id,
      party: NETWORK_PARTY,
      side,
      type: 'NETWORK',
      tif: 'IOC',
      status: 'ACTIVE',
      price: limit,
      size: Number(size),
      remaining: Number(size),
      displayed: Number(size),
      peakSize: 0,
      minPeakSize: 0,
      reference: 'LS',
      createdAt: now,
      updatedAt: now,
      expiresAt: 0n,
      postOnly: false,
      reduceOnly: false,
      peg: undefined,
      version: 1,
      reason: undefined,
      bookLevel: null,
      bookPos: 0,
    };
    this.positions.registerOrder(NETWORK_PARTY, side, o.remaining);
    this.emitOrder(o);
    const sim = this.book.simulate(NETWORK_PARTY, side, limit, o.remaining);
    this.book.apply(sim.fills);
    o.remaining -= sim.filled;
    o.status = o.remaining === 0 ? 'FILLED' : sim.filled > 0 ? 'PARTIALLY_FILLED' : 'STOPPED';
    if (o.remaining > 0) this.positions.unregisterOrder(NETWORK_PARTY, side, o.remaining);
    const f = this.feeFactors();
    const fees = sim.fills.map((fl) => continuousFees(f, this.toAsset(fl.price), fl.size, this.positionFactor));
    const trades = this.makeTrades(o, sim.fills, fees, 'NETWORK_CLOSE_OUT_GOOD');
    this.payNetworkFees(fees, trades);
    this.emitOrder(o);
    const ltp = this.lastTradedPrice;
    this.confirmTrades(trades, sim.fills);
    this.lastTradedPrice = ltp;
    if (this.positions.get(NETWORK_PARTY)?.openVolume === 0) this.networkNextStep = 0n;
    this.checkForReferenceMoves(false);
  }

  // ------------------------------------------------------------------ liquidity provisions

  /** Market states in which commitments may be submitted, amended or cancelled. */
  private canCommit(): boolean {
    return this.canTrade() || this.state === 'PROPOSED';
  }

  submitLiquidityProvision(
    id: string,
    party: string,
    commitment: bigint,
    fee: Decimal,
    reference = id,
  ): string | undefined {
    if (!this.canCommit()) return 'commitment submission not allowed';
    const error = this.liquidity.submit(id, party, commitment, fee, reference, this.ctx.assetQuantum(this.asset));
    if (!error) {
      this.marginAccount(party);
      this.parties.add(party);
    }
    return error;
  }

  amendLiquidityProvision(
    party: string,
    commitment: bigint | undefined,
    fee: Decimal | undefined,
    reference?: string,
  ): string | undefined {
    if (!this.canCommit()) return 'commitment submission not allowed';
    return this.liquidity.amend(party, commitment, fee, reference, this.ctx.assetQuantum(this.asset));
  }

  cancelLiquidityProvision(party: string): string | undefined {
    return this.liquidity.cancel(party);
  }

  /** Epoch start: SLA parameters and network values are taken up, pending commitments apply. */
  onEpochStart(): void {
    if (this.closed) return;
    this.liquidity.onEpochStart(this.markPrice, this.midPrice(), this.targetStake(), this.cfg.sla);
    this.updateLiquidityFee();
  }

  /** Epoch end: SLA penalties, LP fee distribution and bonuses. */
  onEpochEnd(): void {
    if (this.closed) return;
    this.liquidity.onEpochEnd();
    this.updateLiquidityFee();
  }

  /** Network parameters changed (a governance or harness update). */
  onNetworkParametersChanged(): void {
    this.liquidity.onNetworkParametersChanged();
  }

  suppliedStake(): bigint {
    return this.liquidity.suppliedStake();
  }

  /** Target stake (spec 0041-TSTK): max open interest in the window × price × max risk factor × scaling factor. */
  targetStake(): bigint {
    const now = this.now;
    let price = this.markPrice;
    let maxOi = 0;
    if (this.inAuction) {
      const ip = this.indicativePrice();
      if (ip > 0n) price = ip;
      maxOi = this.theoreticalOpenInterest();
    }
    const from = maxBig(now - BigInt(this.cfg.targetStake.timeWindow) * NS, this.openedAt < 0n ? now : this.openedAt);
    const windowMax = this.oiHistory.maxSince(from);
    if (windowMax > maxOi) maxOi = windowMax;
    const current = this.positions.openInterest();
    if (current > maxOi) maxOi = current;
    const value = Decimal.fromBigInt(price * BigInt(maxOi))
      .div(this.positionFactor)
      .floor();
    const rf = Decimal.max(this.riskFactors.long, this.riskFactors.short);
    const rfU = rf.mulBig(FIVE_DP).trunc();
    const sfU = this.cfg.targetStake.scalingFactor.mulBig(FIVE_DP).trunc();
    return (value * rfU * sfU) / (FIVE_DP * FIVE_DP);
  }

  /** Open interest after the indicative uncrossing (auctions). */
  private theoreticalOpenInterest(): number {
    const ind = this.book.indicative();
    const vols = new Map<string, number>();
    for (const p of this.positions.all()) vols.set(p.party, p.openVolume);
    if (ind) {
      // simulate the uncross on a copy of the volumes: the uncross side's orders in priority trade against the other side
      const own = this.book.side(ind.side);
      const opp = this.book.side(otherSide(ind.side));
      const take: { party: string; size: number }[] = [];
      let left = ind.volume;
      for (let i = own.levels.length - 1; i >= 0 && left > 0; i--) {
        for (const o of own.levels[i]!.orders()) {
          if (left === 0) break;
          const s = Math.min(o.remaining, left);
          take.push({ party: o.party, size: s });
          left -= s;
        }
      }
      const give: { party: string; size: number }[] = [];
      left = ind.volume;
      for (let i = opp.levels.length - 1; i >= 0 && left > 0; i--) {
        for (const o of opp.levels[i]!.orders()) {
          if (left === 0) break;
          const s = Math.min(o.remaining, left);
          give.push({ party: o.party, size: s });
          left -= s;
        }
      }
      const sign = ind.side === 'buy' ? 1 : -1;
      for (const t of take) vols.set(t.party, (vols.get(t.party) ?? 0) + sign * t.size);
      for (const g of give) vols.set(g.party, (vols.get(g.party) ?? 0) - sign * g.size);
    }
    let oi = 0;
    for (const v of vols.values()) if (v > 0) oi += v;
    return oi;
  }

  /**
   * Liquidity fee factor (spec 0042-LIQF): marginal cost (the fee of the LP at which the commitments, cheapest
   * first, reach the target stake; the highest fee if they never do), the commitment-weighted average, or a constant.
   * Pending changes do not count. A changed factor is published as a market update.
   */
  updateLiquidityFee(): void {
    const lps = this.liquidity.activeProvisions();
    const method = this.cfg.fees.liquidityFeeMethod;
    let fee: Decimal;
    if (lps.length === 0) {
      // without commitments every method gives 0
      fee = Decimal.ZERO;
    } else if (method === 'CONSTANT') {
      fee = this.cfg.fees.liquidityFeeConstant ?? Decimal.ZERO;
    } else if (method === 'WEIGHTED_AVERAGE') {
      let num = Decimal.ZERO;
      let den = 0n;
      for (const lp of lps) {
        num = num.add(lp.fee.mulBig(lp.commitment));
        den += lp.commitment;
      }
      fee = den > 0n ? num.divBig(den) : Decimal.ZERO;
    } else {
      const sorted = [...lps].sort((a, b) => a.fee.cmp(b.fee) || (a.party < b.party ? -1 : a.party > b.party ? 1 : 0));
      const target = this.targetStake();
      let cum = 0n;
      fee = sorted[sorted.length - 1]!.fee;
      for (const lp of sorted) {
        cum += lp.commitment;
        if (cum >= target) {
          fee = lp.fee;
          break;
        }
      }
    }
    if (!fee.eq(this.liquidityFee)) {
      this.liquidityFee = fee;
      this.emit({ type: 'marketUpdated', marketId: this.id, liquidityFee: fee.toString() });
    }
  }

  // ------------------------------------------------------------------ products: oracles, funding, settlement

  /** A data point of a started funding period (points before the first period are announced when it starts). */
  private emitDataPoint(p: FundingDataPoint | undefined): void {
    if (!p || !this.perp?.started) return;
    this.emit({
      type: 'fundingDataPoint',
      marketId: this.id,
      seq: p.seq,
      source: p.source === 'internal' ? 'INTERNAL' : 'EXTERNAL',
      price: p.price,
      timestamp: p.t,
      twap: p.twap,
    });
  }

  /** A period started: its event, then its (carried) data points. */
  private startedFundingPeriod(ev: FundingPeriodEvent): void {
    this.emitFundingPeriod(ev);
    for (const p of this.perp!.periodPoints()) this.emitDataPoint(p);
  }

  private emitFundingPeriod(ev: FundingPeriodEvent): void {
    this.emit({
      type: 'fundingPeriod',
      marketId: this.id,
      seq: ev.seq,
      start: ev.start,
      ...(ev.end !== undefined ? { end: ev.end } : {}),
      ...(ev.payment !== undefined ? { fundingPayment: ev.payment } : {}),
      ...(ev.rate !== undefined ? { fundingRate: ev.rate } : {}),
      ...(ev.internalTwap !== undefined ? { internalTwap: ev.internalTwap } : {}),
      ...(ev.externalTwap !== undefined ? { externalTwap: ev.externalTwap } : {}),
    });
  }

  /**
   * Oracle data: the settlement-data spec is served first, then the termination (futures) or schedule
   * (perpetuals) spec, as Vega subscribes them. Throws OracleError when a condition's value cannot be parsed.
   */
  onOracleData(data: OracleData): void {
    if (this.closed) return;
    const p = this.cfg.product;
    if (specMatches(p.settlementData, data)) {
      const type = p.settlementData.filters?.find((f) => f.property === p.settlementData.property)?.type ?? 'INTEGER';
      const value = scaleToAsset(
        data.properties[p.settlementData.property]!,
        type === 'DECIMAL' ? 'DECIMAL' : 'INTEGER',
        p.settlementData.decimals,
        this.assetDecimals,
      );
      // capped futures ignore settlement data outside the cap (binary: anything but 0 and the cap)
      if (value !== undefined && (p.kind !== 'future' || this.settlementWithinCap(value))) {
        if (p.kind === 'future') {
          this.settlementPrice = value;
          if (this.state === 'TRADING_TERMINATED') this.closeMarket('SETTLED', value);
        } else if (this.perp && value > 0n) this.emitDataPoint(this.perp.addExternal(data.timestamp, value));
      }
    }
    if (p.kind === 'future') {
      if (this.state !== 'TRADING_TERMINATED' && specMatches(p.tradingTermination, data)) this.terminate();
    } else if (p.settlementSchedule.kind === 'oracle' && specMatches(p.settlementSchedule, data)) {
      const v = data.properties[p.settlementSchedule.property]!;
      if (/^\d+$/.test(v)) this.fundingCue(BigInt(v) * NS);
    }
    // composite-price oracles: the value is kept with the time of receipt (not the data's own timestamp)
    if (!this.closed) {
      this.markCalc.onOracleData(data, this.now);
      this.internalCalc?.onOracleData(data, this.now);
    }
    this.flushMargins();
  }

  /** The protocol's built-in time source (spec 0048-DSRI), delivered before the market's tick. */
  onTime(now: bigint): void {
    const p = this.cfg.product;
    const seconds = (now / NS).toString();
    const data: OracleData = {
      signers: [],
      properties: { 'vegaprotocol.builtin.timestamp': seconds, 'vegaprotocol.builtin.timetrigger': seconds },
      timestamp: now,
    };
    if (p.kind === 'future') {
      if (
        this.state !== 'TRADING_TERMINATED' &&
        !this.closed &&
        p.tradingTermination.property.startsWith('vegaprotocol.builtin') &&
        specMatches(p.tradingTermination, data)
      ) {
        this.terminate();
      }
      return;
    }
    const sched = p.settlementSchedule;
    if (sched.kind !== 'timeTrigger' || !this.perp?.started) return;
    if (this.nextScheduledCue === undefined) {
      this.nextScheduledCue =
        sched.initial !== undefined ? BigInt(sched.initial) * NS : this.perp.startedAt + BigInt(sched.every) * NS;
    }
    if (now >= this.nextScheduledCue) {
      const trigger = 'vegaprotocol.builtin.timetrigger';
      const spec = { signers: [], property: trigger, filters: [{ property: trigger, type: 'TIMESTAMP' as const }] };
      if (
        !sched.conditions?.length ||
        specMatches({ ...spec, filters: [{ ...spec.filters[0]!, conditions: sched.conditions }] }, data)
      )
        this.fundingCue(now);
      while (this.nextScheduledCue <= now) this.nextScheduledCue += BigInt(sched.every) * NS;
    }
  }

  /** End of a funding period at time t: exchange funding, then start the next period. */
  private fundingCue(t: bigint): void {
    const perp = this.perp;
    if (!perp?.started || perp.terminated) return;
    const r = perp.cue(t);
    if (!r) return;
    if (r.funding && r.funding.payment !== 0n) this.exchangeFunding(r.funding, perp.seq);
    this.emitFundingPeriod(r.end);
    const next = perp.startNext(t);
    if (next) this.startedFundingPeriod(next);
  }

  /**
   * Funding exchange (settlementDataPerp): each position pays −size × payment / positionFactor (truncated), losses
   * then wins in positions order; collected like mark-to-market; the rounding residue goes to the insurance pool;
   * then margins are searched/released and distressed parties closed out.
   */
  private exchangeFunding(f: FundingData, seq: number): void {
    const losses: { party: string; amount: bigint }[] = [];
    const wins: { party: string; amount: bigint }[] = [];
    const zeros: { party: string; amount: bigint }[] = [];
    const payment = Decimal.fromBigInt(f.payment);
    let fracWins = Decimal.ZERO;
    let fracLosses = Decimal.ZERO;
    for (const pos of this.positions.all()) {
      const exact = Decimal.fromInt(-pos.openVolume).mul(payment).div(this.positionFactor);
      const amount = exact.trunc();
      const frac = exact.sub(Decimal.fromBigInt(amount)).abs();
      if (amount < 0n) {
        losses.push({ party: pos.party, amount });
        fracLosses = fracLosses.add(frac);
      } else if (amount > 0n) {
        wins.push({ party: pos.party, amount });
        fracWins = fracWins.add(frac);
      } else zeros.push({ party: pos.party, amount: 0n });
    }
    const entries = [...losses, ...(wins.length ? wins : zeros)];
    this.emit({
      type: 'fundingPayments',
      marketId: this.id,
      seq,
      payments: entries.map((e) => ({ party: e.party, amount: e.amount })),
    });
    const parties = this.settleCashFlows(entries, {
      loss: 'PERPETUALS_FUNDING_LOSS',
      win: 'PERPETUALS_FUNDING_WIN',
      funding: true,
    });
    // truncation residue stays in the settlement account: swept to the insurance pool
    if (this.settlementAccount.balance > 0n)
      this.transfer(this.settlementAccount, this.insurance, this.settlementAccount.balance, 'CLEAR_ACCOUNT');
    void fracWins;
    void fracLosses;
    const closed = this.updateMarginsOnSettlement(parties);
    if (closed.length) this.resolveClosedOut(closed);
    this.checkForReferenceMoves(false);
  }

  /** Trading terminates (futures oracle or governance): a final MTM if trades are pending, then no more trading. */
  terminate(settlementPrice?: bigint): void {
    if (this.closed || this.state === 'TRADING_TERMINATED') return;
    if (this.state === 'PENDING') {
      this.cancelMarket();
      return;
    }
    const now = this.now;
    if (this.settlement.hasTraded() && !this.inAuction) {
      this.updateMarkPrice(now);
      if (this.perp) {
        // the internal composite price (else the mark price) is a last internal data point
        let internal = this.markPrice;
        if (this.internalCalc) {
          const c = this.internalCalc.calculate(now, this.ctx.params.markPriceUpdateMaximumFrequency);
          this.endMarkCalculation(this.internalCalc, now);
          if (c !== undefined && c > 0n) this.internalCalc.price = c;
          internal = this.internalCalc.price ?? this.markPrice;
        }
        if (internal > 0n) this.emitDataPoint(this.perp.addInternal(now, internal));
      }
      if (this.markPrice > 0n) this.confirmMTM(true);
    }
    this.state = 'TRADING_TERMINATED';
    this.tradingMode = 'NO_TRADING';
    if (this.perp) {
      // a final funding cue at termination; no new period starts
      this.fundingCue(now);
      this.perp.terminated = true;
    }
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
    this.emit({ type: 'marketUpdated', marketId: this.id, liquidityFee: this.liquidityFee.toString() });
    const price = settlementPrice ?? this.settlementPrice;
    if (price !== undefined) this.closeMarket(settlementPrice !== undefined ? 'CLOSED' : 'SETTLED', price);
    this.flushMargins();
  }

  /**
   * Final settlement at price S (spec 0002-STTL): every position settled at the last mark-to-market pays
   * (S − last mark price) × size / positionFactor, truncated, in party-id order; then margins and bonds are
   * returned, remaining orders stopped and the market closed.
   */
  private closeMarket(finalState: 'SETTLED' | 'CLOSED', price: bigint): void {
    const l = this.ctx.ledger;
    const mark = this.settlement.lastMarkPrice;
    const sized = this.settlement
      .settledSizes()
      .filter(([, size]) => size !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const losses: { party: string; amount: bigint }[] = [];
    const wins: { party: string; amount: bigint }[] = [];
    let fractions = Decimal.ZERO;
    for (const [party, size] of sized) {
      const exact = Decimal.fromBigInt((price - mark) * BigInt(size)).div(this.positionFactor);
      const amount = exact.trunc();
      const frac = exact.sub(Decimal.fromBigInt(amount));
      if (amount < 0n) {
        losses.push({ party, amount });
        fractions = fractions.sub(frac.abs());
      } else {
        wins.push({ party, amount });
        fractions = fractions.add(frac.abs());
      }
    }
    this.settleCashFlows([...losses, ...wins], { loss: 'LOSS', win: 'WIN', funding: false });
    if (this.settlementAccount.balance > 0n) {
      const global = l.getOrCreate(SYSTEM_OWNER, 'GLOBAL_INSURANCE', this.asset);
      this.transfer(this.settlementAccount, global, this.settlementAccount.balance, 'CLEAR_ACCOUNT');
    }
    // final distribution of liquidity fees: an allocation, then the epoch-end penalties and bonuses
    this.liquidity.allocateFeesNow();
    this.liquidity.onEpochEnd();
    this.clearMarketAccounts();
    // a market a successor has taken over keeps no insurance pool for another one
    if (this.succeeded) this.clearInsurancePool();
    this.stopEverything();
    this.state = finalState;
    this.tradingMode = 'NO_TRADING';
    this.closed = true;
    this.markPrice = price;
    this.lastTradedPrice = price;
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
    this.emit({ type: 'settleMarket', marketId: this.id, price, positionFactor: this.positionFactor });
  }

  /** Margin, order margin and bond accounts back to general (party-id order); market fee accounts to the insurance pool. */
  private clearMarketAccounts(): void {
    const l = this.ctx.ledger;
    const parties = new Set<string>([
      ...this.parties,
      ...this.liquidity.provisions.keys(),
      ...this.liquidity.pending.keys(),
    ]);
    for (const party of [...parties].sort()) {
      if (party === NETWORK_PARTY) continue;
      const general = l.getOrCreate(party, 'GENERAL', this.asset);
      for (const type of ['MARGIN', 'ORDER_MARGIN', 'BOND'] as const) {
        const a = l.get(party, type, this.asset, this.id);
        // Vega clears every existing account, recording a transfer even when it is empty
        if (a) l.transfer(a, general, a.balance, 'CLEAR_ACCOUNT', { recordZero: true });
      }
      const lpFees = l.get(party, 'LP_LIQUIDITY_FEES', this.asset, this.id);
      if (lpFees && lpFees.balance > 0n) this.transfer(lpFees, this.insurance, lpFees.balance, 'CLEAR_ACCOUNT');
    }
    for (const a of [this.liquidityFeeAccount, this.makerFeeAccount, this.settlementAccount, this.bonusAccount]) {
      if (a.balance > 0n) this.transfer(a, this.insurance, a.balance, 'CLEAR_ACCOUNT');
    }
  }

  /** All remaining orders stopped, liquidity provisions stopped. */
  private stopEverything(): void {
    const now = this.now;
    for (const o of [...this.orders.values()]) {
      this.removeLive(o);
      o.status = 'STOPPED';
      o.updatedAt = now;
      this.emitOrder(o);
    }
    this.liquidity.stopAll();
  }

  /** Termination during the opening auction cancels the market: orders cancelled, money returned, pool to global. */
  private cancelMarket(): void {
    const now = this.now;
    for (const party of [...this.ordersByParty.keys()].sort()) {
      for (const o of this.partyOrders(party)) {
        this.removeLive(o);
        o.status = 'CANCELLED';
        o.updatedAt = now;
        this.emitOrder(o);
      }
    }
    this.closeUnsettled('CANCELLED');
  }

  /**
   * Closes a market that never settles (cancelled in its opening auction, or a rejected successor): money back to
   * general accounts, the insurance pool to the global pool, what is left of orders and provisions stopped.
   */
  private closeUnsettled(state: 'CANCELLED' | 'REJECTED'): void {
    this.clearMarketAccounts();
    this.clearInsurancePool();
    this.stopEverything();
    this.auction = null;
    this.state = state;
    this.tradingMode = 'NO_TRADING';
    this.closed = true;
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
  }

  // ------------------------------------------------------------------ succession (spec 0081-SUCM)

  /** What a successor inherits from this market: its state, LP equity-like shares and current traded value. */
  successionState(): SuccessionState {
    return { state: this.state, ...this.liquidity.successionState() };
  }

  /** Takes over the parent's LP state before a tick of the opening auction (nothing while the parent is pending). */
  inheritParent(parent: SuccessionState): void {
    if (parent.state === 'PENDING') return;
    this.liquidity.inheritParent(parent.shares, parent.tradeValue);
  }

  /** The opening auction goes on: the inherited state is undone. */
  rollbackInheritance(): void {
    if (this.state === 'PENDING') this.liquidity.rollbackInheritance();
  }

  /** The parent is gone for good: this market is a market like any other. */
  forgetParent(): void {
    this.parentMarketId = undefined;
    this.insurancePoolFraction = Decimal.ZERO;
  }

  /**
   * Another successor of the same parent left its opening auction first (spec 0081-SUCM-005/011): every order is
   * stopped, provisions stopped, margins and bonds returned to general accounts, the insurance pool moved to the
   * global pool, and the market is rejected.
   */
  rejectMarket(): void {
    if (!this.closed) this.closeUnsettled('REJECTED');
  }

  /** The market insurance pool goes to the asset's global insurance pool. */
  clearInsurancePool(): void {
    const l = this.ctx.ledger;
    for (const a of [this.liquidityFeeAccount, this.makerFeeAccount, this.settlementAccount]) {
      if (a.balance > 0n) this.transfer(a, this.insurance, a.balance, 'CLEAR_ACCOUNT');
    }
    if (this.insurance.balance > 0n)
      this.transfer(
        this.insurance,
        l.getOrCreate(SYSTEM_OWNER, 'GLOBAL_INSURANCE', this.asset),
        this.insurance.balance,
        'CLEAR_ACCOUNT',
      );
  }

  /**
   * Governance market state update (spec 0043-MKTL): TERMINATE settles at the given price (market precision),
   * SUSPEND starts a governance auction, RESUME ends it.
   */
  updateState(kind: 'TERMINATE' | 'SUSPEND' | 'RESUME', settlementPrice?: bigint): string | undefined {
    const now = this.now;
    if (kind === 'TERMINATE') {
      if (this.closed) return 'market is closed';
      if (this.state !== 'PENDING' && settlementPrice === undefined) return 'settlement price required';
      if (settlementPrice !== undefined && !this.settlementWithinCap(settlementPrice * this.priceFactor))
        return 'settlement data is outside of the price cap';
      if (this.auction && !this.auction.opening) this.uncrossNow(now);
      this.terminate(settlementPrice === undefined ? undefined : settlementPrice * this.priceFactor);
      return undefined;
    }
    if (kind === 'SUSPEND') {
      if (!this.canTrade()) return 'market cannot be suspended';
      if (this.state === 'SUSPENDED_VIA_GOVERNANCE') return undefined;
      this.suspendedFrom = { state: this.state, mode: this.tradingMode };
      if (this.auction) {
        this.auction.end += this.ctx.params.auctionMinimumDuration;
      } else {
        this.auction = {
          opening: false,
          trigger: 'GOVERNANCE_SUSPENSION',
          extensionTrigger: 'UNSPECIFIED',
          start: now,
          end: now,
        };
        this.perp?.auctionStarted(now);
        for (const o of [...this.book.allOrders()]) if (o.tif === 'GFN') this.cancel(o, 'CANCELLED', false);
        for (const o of [...this.pegged]) if (o.status === 'ACTIVE') this.parkPegged(o);
      }
      this.state = 'SUSPENDED_VIA_GOVERNANCE';
      this.tradingMode = 'SUSPENDED_VIA_GOVERNANCE';
      this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
      this.flushMargins();
      return undefined;
    }
    if (this.state !== 'SUSPENDED_VIA_GOVERNANCE') return 'market is not suspended';
    const from = this.suspendedFrom;
    this.suspendedFrom = undefined;
    if (this.auction?.trigger === 'GOVERNANCE_SUSPENSION') {
      this.leaveAuction(now);
    } else {
      this.state = from?.state ?? 'ACTIVE';
      this.tradingMode = from?.mode ?? 'CONTINUOUS';
      this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
      this.checkAuction(now);
    }
    this.flushMargins();
    return undefined;
  }

  private suspendedFrom: { state: MarketState; mode: TradingMode } | undefined;

  /** Uncross a running (non-opening) auction now, before a governance termination. */
  private uncrossNow(now: bigint): void {
    this.leaveAuction(now);
  }

  /** Perpetual product data as of now: TWAPs, funding payment and rate (undefined before both series have data). */
  productData():
    | {
        internalTwap: bigint;
        externalTwap: bigint;
        fundingPayment?: bigint;
        fundingRate?: string;
        internalCompositePrice: bigint;
      }
    | undefined {
    const perp = this.perp;
    if (!perp?.started) return undefined;
    const now = this.now;
    const internalTwap = perp.twap('internal', (now / NS) * NS);
    const externalTwap = perp.twap('external', (now / NS) * NS);
    if (internalTwap === undefined || externalTwap === undefined) return undefined;
    const f = perp.fundingAt(now);
    return {
      internalTwap,
      externalTwap,
      ...(f ? { fundingPayment: f.payment, fundingRate: f.rate.toString() } : {}),
      internalCompositePrice: this.internalCalc ? (this.internalCalc.price ?? 0n) : this.markPrice,
    };
  }

  // ------------------------------------------------------------------ governance

  /**
   * Market update (spec 0028-GOVE update market): slippage factors, risk model, price monitoring, target stake,
   * SLA, liquidity fee method, liquidation strategy, tick size. A new risk model gives new risk factors at once;
   * new price-monitoring triggers start from the default factors until the next calculation.
   */
  update(changes: MarketChanges): void {
    if (changes.product && changes.product.kind !== this.cfg.product.kind)
      throw new RangeError("product: cannot change a market's product kind");
    const next: MarketConfig = { ...this.cfg, ...changes };
    if (changes.liquidationStrategy && this.networkNextStep !== 0n) {
      // the next disposal keeps its anchor, the last one: last step time + the new time step
      const last = this.networkNextStep - BigInt(this.cfg.liquidationStrategy.disposalTimeStep) * NS;
      this.networkNextStep = last + BigInt(changes.liquidationStrategy.disposalTimeStep) * NS;
    }
    this.cfg = next;
    if (changes.riskModel) this.riskFactors = riskFactors(next.riskModel);
    if (changes.product && next.product.kind === 'perpetual') this.perp?.update(next.product);
    // a new mark-price configuration forgets every source value (trades, book samples and the price are kept)
    if (changes.markPrice) this.markCalc.updateConfig(next.markPrice);
    if (changes.priceMonitoringTriggers || changes.riskModel)
      this.priceMonitor.updateTriggers(
        next.priceMonitoringTriggers,
        this.auction !== null && !this.auction.opening && this.auction.trigger === 'PRICE',
      );
    if (changes.tickSize !== undefined) {
      if (changes.tickSize > BigInt(Number.MAX_SAFE_INTEGER) || changes.tickSize <= 0n)
        throw new RangeError('tickSize: must be a positive safe integer');
      this.tickSize = Number(changes.tickSize);
    }
    // the liquidity engine's probability table follows the new risk model / price monitoring
    if (changes.riskModel || changes.priceMonitoringTriggers) this.liquidity.resetPoT();
    this.updateLiquidityFee();
    // new SLA parameters take effect at the next epoch start, at once during the opening auction
    if (changes.sla && this.auction?.opening) this.liquidity.updateSlaParameters(next.sla);
    this.emit({ type: 'marketUpdated', marketId: this.id, liquidityFee: this.liquidityFee.toString() });
  }

  /**
   * The volume-weighted price (asset precision, floored) at which `volume` would fill against one side of the book,
   * best price first; undefined when the side holds less volume.
   */
  fillPrice(volume: number, side: Side): bigint | undefined {
    let left = BigInt(volume);
    let notional = 0n;
    const book = this.book.side(side);
    for (let i = book.levels.length - 1; i >= 0 && left > 0n; i--) {
      const l = book.levels[i]!;
      const take = BigInt(l.volume) < left ? BigInt(l.volume) : left;
      notional += take * this.toAsset(l.price);
      left -= take;
    }
    if (left > 0n || volume <= 0) return undefined;
    return notional / BigInt(volume);
  }

  // ------------------------------------------------------------------ market data

  marketData(): MarketData {
    const now = this.now;
    const bb = this.book.bestBid();
    const ba = this.book.bestAsk();
    const sbb = this.staticBest('buy');
    const sba = this.staticBest('sell');
    const mid = (b: number | undefined, a: number | undefined) =>
      b === undefined || a === undefined ? 0n : (this.toAsset(b) + this.toAsset(a)) / 2n;
    const staticVolume = (side: Side, price: number | undefined) => {
      if (price === undefined) return 0;
      let v = 0;
      for (const o of this.book.side(side).level(price)?.orders() ?? []) if (!o.peg) v += o.remaining;
      return v;
    };
    const ind = this.inAuction ? this.book.indicative() : undefined;
    const bounds = this.priceMonitor.allBounds(now);
    return {
      marketId: this.id,
      markPrice: this.markPrice,
      lastTradedPrice: this.lastTradedPrice,
      bestBidPrice: bb === undefined ? 0n : this.toAsset(bb),
      bestBidVolume: bb === undefined ? 0 : this.book.volumeAt('buy', bb),
      bestOfferPrice: ba === undefined ? 0n : this.toAsset(ba),
      bestOfferVolume: ba === undefined ? 0 : this.book.volumeAt('sell', ba),
      bestStaticBidPrice: sbb === undefined ? 0n : this.toAsset(sbb),
      bestStaticBidVolume: staticVolume('buy', sbb),
      bestStaticOfferPrice: sba === undefined ? 0n : this.toAsset(sba),
      bestStaticOfferVolume: staticVolume('sell', sba),
      midPrice: mid(bb, ba),
      staticMidPrice: mid(sbb, sba),
      openInterest: this.positions.openInterest(),
      indicativePrice: ind ? (BigInt(ind.lo) * this.priceFactor + BigInt(ind.hi) * this.priceFactor) / 2n : 0n,
      indicativeVolume: ind ? ind.volume : 0,
      auctionStart: this.auction?.start ?? 0n,
      auctionEnd: this.auction?.end ?? 0n,
      tradingMode: this.tradingMode,
      state: this.state,
      trigger: this.auction?.trigger ?? 'UNSPECIFIED',
      extensionTrigger: this.auction?.extensionTrigger ?? 'UNSPECIFIED',
      targetStake: this.targetStake(),
      suppliedStake: this.suppliedStake(),
      priceMonitoringBounds: bounds.map((b) => ({
        horizon: b.trigger.horizon,
        minValidPrice: b.min,
        maxValidPrice: b.max,
        referencePrice: b.ref,
        active: b.active,
      })),
      markPriceType: this.cfg.markPrice.type,
      markPriceSources: this.markCalc.sources(),
      nextMarkToMarket: this.nextMTM,
      ...(this.perp
        ? {
            perpetual: {
              internalCompositePrice: this.internalCalc ? (this.internalCalc.price ?? 0n) : this.markPrice,
              internalCompositePriceType: this.internalCalc?.cfg.type ?? this.cfg.markPrice.type,
              internalCompositePriceSources: this.internalCalc?.sources() ?? [],
              nextInternalCompositePriceCalc: this.internalCalc ? this.nextInternalCalc : this.nextMTM,
              underlyingIndexPrice: this.perp.lastExternalPrice(),
              fundingPeriodSeq: this.perp.seq,
              fundingPeriodStart: this.perp.startedAt,
            },
          }
        : {}),
      timestamp: now,
    };
  }

  /** Margin levels a party would have now (for queries; does not change state). */
  marginLevels(party: string): MarginLevels {
    const pos = this.positions.get(party);
    if (!pos) return ZERO_MARGIN;
    return this.levelsFor(pos, this.observablePrice());
  }
}

/**
 * The position as if a market order had filled in full: its size moves from the potential volume into the open
 * volume, where the slippage term applies. Vega quirk inferred from the features (596-margin-account-non-zero…,
 * 598-open-position-with-zero-margin, release-margins-issues): after a market order the aggressor's margin account
 * holds the initial margin of the filled position at the mark price from before the trade, slippage included.
 */
function assumeFilled(pos: Position, o: Order): Position {
  const filled = new Position(pos.party);
  const signed = o.side === 'buy' ? o.remaining : -o.remaining;
  filled.openVolume = pos.openVolume + signed;
  filled.buy = pos.buy - (o.side === 'buy' ? o.remaining : 0);
  filled.sell = pos.sell - (o.side === 'sell' ? o.remaining : 0);
  filled.averageEntryPrice = pos.averageEntryPrice;
  return filled;
}
