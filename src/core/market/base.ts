// The market's state and the helpers every flow uses: configuration, trading mode, the mechanism instances (order
// book, positions, settlement, price monitor, mark-price calculators, liquidity engine, perpetual funding), the
// accounts and the order registry. The flows are layered on top of this class, one file each (market/*.ts), and the
// concrete Market is the last layer (market/market.ts).
import type { MarketConfig, FeeConfig } from '../config/market.ts';
import type { EngineEvent } from '../events.ts';
import type { Account } from '../ledger/ledger.ts';
import { Decimal } from '../num/decimal.ts';
import { pow10 } from '../num/bigint.ts';
import { OrderBook } from '../book/orderbook.ts';
import { StopOrderPool } from '../book/stoporders.ts';
import { snapshot, type Order } from '../book/order.ts';
import { Positions } from '../positions/positions.ts';
import { OpenInterestHistory } from '../liquidity/oi-history.ts';
import { SettlementEngine } from '../settlement/settlement.ts';
import type { RiskFactors } from '../risk/margin.ts';
import { modelProbabilityOfTrading, riskFactors } from '../risk/models.ts';
import { CashFlows } from '../collateral/cashflows.ts';
import { MarginMoves } from '../collateral/margin-moves.ts';
import { AccountClearing } from '../collateral/clearing.ts';
import { FeeTransfers } from '../collateral/fees.ts';
import { LiquidityEngine, type LpOrderView, type ValidPriceRange } from '../liquidity/engine.ts';
import { PriceMonitor } from '../pricing/pricemonitor.ts';
import { markBookView, markPriceMethod, type MarkPriceMethod } from '../pricing/mark.ts';
import { MarginFractionMark } from '../margin-fraction/engine.ts';
import type { FeeFactors } from '../fees/fees.ts';
import type { FundingPeriodEvent } from '../products/perpetual.ts';
import { createProduct, type Product } from '../products/product.ts';
import { createMarginModel, type MarginHost, type MarginModel } from '../risk/margin-model.ts';
import type { MarketState, Side, TradingMode, TransferType } from '../types.ts';
import { NS, SYSTEM_OWNER } from '../types.ts';
import type { AuctionState, MarketContext } from './types.ts';
import { AmmMarket } from '../amm/market-amm.ts';
import type { AmmPool } from '../amm/pool.ts';
import type { OrderResult, OrderSubmission } from '../commands.ts';

export abstract class MarketBase {
  // implemented by later layers
  protected abstract startedFundingPeriod(ev: FundingPeriodEvent): void;
  protected abstract staticBest(side: Side): number | undefined;
  abstract indicativePrice(): bigint;
  protected abstract marginHost(): MarginHost;
  abstract submitOrder(sub: OrderSubmission): OrderResult;
  protected abstract resolveClosedOut(candidates: string[]): void;

  readonly id: string;
  protected cfg: MarketConfig;
  readonly asset: string;
  readonly assetDecimals: number;
  /** 10^(asset decimals − market decimals) when that is ≥ 0, else 1: market precision → asset precision */
  readonly priceFactor: bigint;
  /** 10^(market decimals − asset decimals) when the market has more decimals than its asset, else 1 */
  readonly priceDivisor: bigint;
  /** 10^PDP as a decimal */
  protected readonly positionFactor: Decimal;
  protected _tickSize: number;
  /** the price tick (market precision) */
  get tickSize(): number {
    return this._tickSize;
  }

  protected _state: MarketState = 'PENDING';
  protected _tradingMode: TradingMode = 'OPENING_AUCTION';
  protected _auction: AuctionState | null = null;
  get state(): MarketState {
    return this._state;
  }
  get tradingMode(): TradingMode {
    return this._tradingMode;
  }
  /** the running auction (opening, price or liquidity monitoring, governance), null in continuous trading */
  get auction(): Readonly<AuctionState> | null {
    return this._auction;
  }

  protected readonly book = new OrderBook<Order>();
  /** live orders: on the book or parked */
  protected readonly orders = new Map<string, Order>();
  protected readonly ordersByParty = new Map<string, Set<Order>>();
  /** pegged orders in bookkeeping order (live and parked) */
  protected pegged: Order[] = [];
  protected peggedRefs: { bid?: number; ask?: number; midBuy?: number; midSell?: number } = {};
  protected readonly positions = new Positions();
  protected readonly settlement: SettlementEngine;
  protected readonly priceMonitor: PriceMonitor;
  protected riskFactors: RiskFactors;
  /** the margin model (standard calculator or fully collateralised), chosen from the configuration */
  protected marginModel: MarginModel;

  protected _markPrice = 0n;
  protected _lastTradedPrice = 0n;
  /** the mark price (asset precision) */
  get markPrice(): bigint {
    return this._markPrice;
  }
  /** the price of the market's last trade (asset precision) */
  get lastTradedPrice(): bigint {
    return this._lastTradedPrice;
  }
  /**
   * The order book's own last traded price (asset precision), which the SLA range uses during auctions: set by
   * continuous matching only, so an auction uncrossing leaves it as it was (0 until the first continuous trade).
   */
  protected bookLastTradedPrice = 0n;
  protected nextMTM = 0n;
  /** the mark price methodology (last trade or composite, spec 0009-MRKP): trades, book samples, oracle prices */
  protected markCalc: MarkPriceMethod;
  /** trades of the current transaction (settlement and events) */
  protected marginBuffer = new Map<string, EngineEvent & { type: 'marginLevels' }>();
  /** parties that have placed orders or held positions in this market (margin accounts exist) */
  protected readonly parties = new Set<string>();
  /** pending stop orders */
  protected readonly stopPool = new StopOrderPool();
  /** trigger evaluation is running (orders it submits do not evaluate again) */
  protected evaluatingStops = false;
  /** isolated-margin parties and their margin factor (a party is in isolated mode iff it has an entry) */
  protected readonly marginFactors = new Map<string, Decimal>();

  protected readonly insurance: Account;
  protected readonly settlementAccount: Account;
  protected readonly liquidityFeeAccount: Account;
  protected readonly makerFeeAccount: Account;
  protected readonly infrastructureFeeAccount: Account;

  // network position disposal
  protected networkNextStep = 0n;

  // products
  /** the product (future or perpetual), chosen once: oracle data, funding, settlement price, price cap */
  protected readonly product: Product;
  /** perpetuals: the internal composite price methodology (the internal funding series) and its next calculation */
  protected readonly internalCalc: MarkPriceMethod | undefined;
  protected nextInternalCalc = 0n;
  /** settled, closed, cancelled or rejected: the exchange removes the market at its next tick */
  protected _closed = false;
  get closed(): boolean {
    return this._closed;
  }

  // succession (spec 0081-SUCM)
  /** the market this one succeeds, until it takes over or the parent's state expires */
  protected _parentMarketId: string | undefined;
  get parentMarketId(): string | undefined {
    return this._parentMarketId;
  }
  /** share of the parent's insurance pool moved here when this market leaves its opening auction */
  protected _insurancePoolFraction: Decimal;
  get insurancePoolFraction(): Decimal {
    return this._insurancePoolFraction;
  }
  /** a successor has taken over from this market: its insurance pool is not kept for another one */
  protected _succeeded = false;
  get succeeded(): boolean {
    return this._succeeded;
  }
  /** A successor market took over from this one (exchange succession): its insurance pool stays with the successor. */
  markSucceeded(): void {
    this._succeeded = true;
  }

  // liquidity
  protected readonly liquidity: LiquidityEngine;
  /** the market's automated market makers (spec 0090-VAMM) */
  protected readonly amm: AmmMarket;
  /** fee payments of trades (collateral/fees.ts) */
  protected readonly feeTransfers: FeeTransfers;
  /** MTM, funding and settlement cash flows with loss socialisation (collateral/cashflows.ts) */
  protected readonly cashFlows: CashFlows;
  /** margin top-ups, search and release, and the isolated-margin account moves (collateral/margin-moves.ts) */
  protected readonly marginMoves: MarginMoves;
  /** settlement residue, closing-market and insurance-pool clearing (collateral/clearing.ts) */
  protected readonly clearing: AccountClearing;
  protected readonly bonusAccount: Account;
  protected _liquidityFee: Decimal;
  /** the liquidity fee factor in force (spec 0042-LIQF) */
  get liquidityFee(): Decimal {
    return this._liquidityFee;
  }
  /** (time, open interest) samples for target stake */
  protected readonly oiHistory = new OpenInterestHistory();
  protected openedAt = -1n;
  protected factorsDueAt = 0n;

  constructor(
    cfg: MarketConfig,
    assetDecimals: number,
    protected readonly ctx: MarketContext,
    proposed = false,
  ) {
    this.id = cfg.id;
    this.cfg = cfg;
    this.asset = cfg.settlementAsset;
    this._parentMarketId = cfg.successor?.parentMarketId;
    this._insurancePoolFraction = cfg.successor?.insurancePoolFraction ?? Decimal.ZERO;
    this.assetDecimals = assetDecimals;
    // 0070-MKTD: price factor 10^(adp − mdp); below 1 (more market decimals than the asset has) it is kept as a
    // divisor, and asset prices are truncated as Vega's UintFromDecimal(price × priceFactor) does
    this.priceFactor = assetDecimals >= cfg.decimalPlaces ? pow10(assetDecimals - cfg.decimalPlaces) : 1n;
    this.priceDivisor = assetDecimals >= cfg.decimalPlaces ? 1n : pow10(cfg.decimalPlaces - assetDecimals);
    this.positionFactor =
      cfg.positionDecimalPlaces >= 0
        ? Decimal.fromBigInt(pow10(cfg.positionDecimalPlaces))
        : Decimal.ONE.div(Decimal.fromBigInt(pow10(-cfg.positionDecimalPlaces)));
    if (cfg.tickSize > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('tickSize: too large');
    this._tickSize = Number(cfg.tickSize);
    this.settlement = new SettlementEngine(this.positionFactor);
    this.priceMonitor = new PriceMonitor(cfg.priceMonitoringTriggers);
    this.riskFactors = riskFactors(cfg.riskModel);
    this._liquidityFee = cfg.fees.liquidityFee;
    this.product = this.chooseProduct(cfg);
    this.markCalc = cfg.marginFraction
      ? new MarginFractionMark(
          cfg.markPrice,
          markBookView(this.book, this.priceFactor),
          cfg.marginFraction.oneSidedMultiplier,
        )
      : markPriceMethod(cfg.markPrice, assetDecimals);
    this.internalCalc =
      cfg.product.kind === 'perpetual' && cfg.product.internalCompositePrice
        ? markPriceMethod(cfg.product.internalCompositePrice, assetDecimals)
        : undefined;
    const l = ctx.ledger;
    this.insurance = l.getOrCreate(SYSTEM_OWNER, 'INSURANCE', this.asset, this.id);
    this.settlementAccount = l.getOrCreate(SYSTEM_OWNER, 'SETTLEMENT', this.asset, this.id);
    this.liquidityFeeAccount = l.getOrCreate(SYSTEM_OWNER, 'FEES_LIQUIDITY', this.asset, this.id);
    this.makerFeeAccount = l.getOrCreate(SYSTEM_OWNER, 'FEES_MAKER', this.asset, this.id);
    this.infrastructureFeeAccount = l.getOrCreate(SYSTEM_OWNER, 'FEES_INFRASTRUCTURE', this.asset, '');
    this.bonusAccount = l.getOrCreate(SYSTEM_OWNER, 'LIQUIDITY_FEES_BONUS_DISTRIBUTION', this.asset, this.id);
    this.marginModel = this.chooseMarginModel(cfg);
    this.liquidity = new LiquidityEngine(this.liquidityHost(), cfg.sla);
    this.amm = new AmmMarket(this.ammHost());
    this.feeTransfers = new FeeTransfers({
      ledger: l,
      asset: this.asset,
      insurance: this.insurance,
      makerFeeAccount: this.makerFeeAccount,
      infrastructureFeeAccount: this.infrastructureFeeAccount,
      liquidityFeeAccount: this.liquidityFeeAccount,
      general: (party) => this.general(party),
      marginAccount: (party) => this.marginAccount(party),
    });
    this.cashFlows = new CashFlows({
      ledger: l,
      marketId: this.id,
      insurance: this.insurance,
      settlementAccount: this.settlementAccount,
      marginAccount: (party) => this.marginAccount(party),
      general: (party) => this.general(party),
      bond: (party) => this.bond(party),
      isIsolated: (party) => this.marginFactors.has(party),
      emit: (e) => this.emit(e),
    });
    this.clearing = new AccountClearing({
      ledger: l,
      asset: this.asset,
      marketId: this.id,
      insurance: this.insurance,
      settlementAccount: this.settlementAccount,
      liquidityFeeAccount: this.liquidityFeeAccount,
      makerFeeAccount: this.makerFeeAccount,
      bonusAccount: this.bonusAccount,
    });
    this.marginMoves = new MarginMoves({
      ledger: l,
      asset: this.asset,
      marketId: this.id,
      marginAccount: (party) => this.marginAccount(party),
      bond: (party) => this.bond(party),
      bondSlashing: (party, amount) => this.liquidity.bondSlashing(party, amount),
    });
    if (proposed) {
      // a proposal that has not passed yet: no trading, liquidity commitments accepted (spec 0043-MKTL)
      this._state = 'PROPOSED';
      this._tradingMode = 'NO_TRADING';
      this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
      return;
    }
    this.startOpeningAuction();
  }

  /** The product variant of this market (a market kind with its own variant overrides this; called at construction). */
  protected chooseProduct(cfg: MarketConfig): Product {
    return createProduct(cfg.product, this.priceFactor, this.priceDivisor, cfg.marginFraction);
  }

  /** The margin-model variant of this market (a market kind with its own variant overrides this). */
  protected chooseMarginModel(cfg: MarketConfig): MarginModel {
    return createMarginModel(cfg, this.marginHost());
  }

  /** The proposal is enacted: the opening auction starts now (straight to continuous trading without one). */
  startOpeningAuction(): void {
    const now = this.ctx.now();
    const cfg = this.cfg;
    if (cfg.openingAuctionDuration > 0) {
      const end = now + BigInt(cfg.openingAuctionDuration) * NS;
      this._auction = { opening: true, trigger: 'OPENING', extensionTrigger: 'UNSPECIFIED', start: now, end };
      this.applyMinimumDuration();
      this._state = 'PENDING';
      this._tradingMode = 'OPENING_AUCTION';
    } else {
      this._state = 'ACTIVE';
      this._tradingMode = 'CONTINUOUS';
      this.openedAt = now;
    }
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
    // without an opening auction the first funding period starts with the market
    if (this.state === 'ACTIVE') {
      const ev = this.product.opened(now);
      if (ev) this.startedFundingPeriod(ev);
    }
  }

  // ------------------------------------------------------------------ helpers

  protected emit(e: EngineEvent): void {
    this.ctx.sink.emit(e);
  }

  protected get now(): bigint {
    return this.ctx.now();
  }

  get inAuction(): boolean {
    return this.auction !== null;
  }

  /** Market-precision price to asset precision: trunc(p × 10^(adp − mdp)). */
  toAsset(p: number | bigint): bigint {
    return (BigInt(p) * this.priceFactor) / this.priceDivisor;
  }

  /** Asset-precision price to market precision: trunc(p ÷ 10^(adp − mdp)) (Vega's priceToMarketPrecision). */
  toMarketPrice(p: bigint): bigint {
    return (p * this.priceDivisor) / this.priceFactor;
  }

  /** One market price unit in asset precision, truncated (0 when the market has more decimals than the asset). */
  get assetPriceUnit(): bigint {
    return this.priceFactor / this.priceDivisor;
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
  protected get cap() {
    return this.product.cap;
  }

  /** Whether a settlement price (asset precision) is acceptable under the cap (binary markets: 0 or the cap only). */
  protected settlementWithinCap(value: bigint): boolean {
    return this.product.settlementWithinCap(value);
  }

  protected feeFactors(): FeeFactors {
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
    if (!this._auction) return;
    const min = this._auction.start + this.ctx.params.auctionMinimumDuration;
    if (min > this._auction.end) this._auction.end = min;
  }

  protected general(party: string): Account | undefined {
    return this.ctx.ledger.get(party, 'GENERAL', this.asset);
  }

  protected marginAccount(party: string): Account {
    return this.ctx.ledger.getOrCreate(party, 'MARGIN', this.asset, this.id);
  }

  protected bond(party: string): Account | undefined {
    return this.ctx.ledger.get(party, 'BOND', this.asset, this.id);
  }

  protected addPartyOrder(o: Order): void {
    let s = this.ordersByParty.get(o.party);
    if (!s) this.ordersByParty.set(o.party, (s = new Set()));
    s.add(o);
    this.orders.set(o.id, o);
    this.noteExpiry(o);
  }

  /**
   * A lower bound of the expiry times of the live GTT orders (null: none), so that the expiry scan at each tick runs
   * only when an order may have expired. Lowered by every order added or amended; recomputed by the scan.
   */
  protected expiryBound: bigint | null = null;

  protected noteExpiry(o: Order): void {
    if (o.tif === 'GTT' && o.expiresAt > 0n && (this.expiryBound === null || o.expiresAt < this.expiryBound))
      this.expiryBound = o.expiresAt;
  }

  protected dropOrder(o: Order): void {
    this.orders.delete(o.id);
    this.ordersByParty.get(o.party)?.delete(o);
    if (o.peg) this.pegged = this.pegged.filter((x) => x !== o);
  }

  partyOrders(party: string): Order[] {
    return [...(this.ordersByParty.get(party) ?? [])];
  }

  protected emitOrder(o: Order): void {
    this.emit({ type: 'order', order: snapshot(o) });
  }

  /** What the AMMs see of this market (spec 0090-VAMM). */
  protected ammHost() {
    return {
      marketId: this.id,
      asset: this.asset,
      ledger: this.ctx.ledger,
      canTrade: () => this.canTrade() && this.state !== 'TRADING_TERMINATED',
      inAuction: () => this.inAuction,
      riskInputs: () => ({
        riskFactorLong: this.riskFactors.long,
        riskFactorShort: this.riskFactors.short,
        initialFactor: this.cfg.marginScalingFactors.initialMargin,
        linearSlippage: this.cfg.linearSlippageFactor,
        priceFactor: this.priceFactor,
        priceDivisor: this.priceDivisor,
        positionFactor: this.positionFactor,
        allowedEmptyLevels: this.cfg.allowedEmptyAmmLevels ?? 100,
      }),
      assetQuantum: () => this.ctx.assetQuantum(this.asset),
      minCommitmentQuantum: () => this.ctx.params.ammMinCommitmentQuantum,
      positionOf: (party: string) => BigInt(this.positions.get(party)?.openVolume ?? 0),
      transfer: (from: Account, to: Account, amount: bigint, type: TransferType) =>
        this.ctx.ledger.transfer(from, to, amount, type),
      bookVolumeUpTo: (side: Side, price: number) => this.book.availableVolume(side, price),
      bestPrices: () => ({ bid: this.bestWithAmm('buy'), ask: this.bestWithAmm('sell') }),
      submitRebaseOrder: (party: string, side: Side, size: number, price: number) => {
        this.parties.add(party);
        const res = this.submitOrder({ marketId: this.id, party, side, type: 'LIMIT', tif: 'IOC', size, price });
        return res.error ? 0 : res.trades.reduce((a, t) => a + t.size, 0);
      },
      closeOut: (party: string) => this.resolveClosedOut([party]),
      insurance: () => this.insurance,
      emitPool: (pool: AmmPool) => this.emit({ type: 'ammPool', pool: pool.view() }),
    };
  }

  /** Best price on a side across the book and the AMMs (market precision). */
  protected bestWithAmm(side: Side): number | undefined {
    const book = side === 'buy' ? this.book.bestBid() : this.book.bestAsk();
    if (this.amm.engine.size === 0) return book;
    const q = this.amm.engine.bestPrices()[side === 'buy' ? 'bid' : 'ask'];
    if (!q) return book;
    const p = Number(this.toMarketPrice(q.price));
    if (book === undefined) return p;
    return side === 'buy' ? Math.max(book, p) : Math.min(book, p);
  }

  /** What the liquidity engine sees of this market. */
  protected liquidityHost() {
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
      ammParties: () => this.amm.engine.all().map((p) => p.subAccount),
      ammShapes: (min: bigint, max: bigint) =>
        this.amm.engine.all().map((p) => ({ party: p.subAccount, orders: p.shape(min, max) })),
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
  protected lpOrderViews(party: string): readonly LpOrderView[] {
    const orders = this.ordersByParty.get(party);
    // asked for every LP at every block (scores and SLA): while the party's orders on the book are the same, the
    // last array is returned as it is (no allocation, and the liquidity caches compare it by identity)
    const last = this.lpViews.get(party);
    if (last !== undefined && orders !== undefined) {
      let i = 0;
      let same = true;
      for (const o of orders) {
        if (o.status !== 'ACTIVE' || o.bookLevel === null) continue;
        const v = last.views[i];
        if (
          v === undefined ||
          last.prices[i] !== o.price ||
          v.side !== o.side ||
          v.trueRemaining !== o.remaining ||
          v.remaining !== (o.peakSize > 0 ? o.displayed : o.remaining)
        ) {
          same = false;
          break;
        }
        i++;
      }
      if (same && i === last.views.length) return last.views;
    }
    const views: LpOrderView[] = [];
    const prices: number[] = [];
    for (const o of orders ?? []) {
      if (o.status !== 'ACTIVE' || o.bookLevel === null) continue;
      views.push({
        side: o.side,
        price: this.toAsset(o.price),
        remaining: o.peakSize > 0 ? o.displayed : o.remaining,
        trueRemaining: o.remaining,
      });
      prices.push(o.price);
    }
    this.lpViews.set(party, { views, prices });
    return views;
  }

  /** The last LP order views per party, with the market-precision prices they were built from. */
  private readonly lpViews = new Map<string, { views: readonly LpOrderView[]; prices: number[] }>();

  /** The range of prices no active price-monitoring trigger would object to (asset precision). */
  protected validPriceRange(): ValidPriceRange {
    let min = Decimal.ZERO;
    let minRep = 0n;
    let max: Decimal | undefined;
    let maxRep: bigint | undefined;
    for (const b of this.priceMonitor.activeBounds(this.now)) {
      if (b.min > minRep) {
        minRep = b.min;
        min = b.down;
      }
      if (b.max !== 0n && (maxRep === undefined || b.max < maxRep)) {
        maxRep = b.max;
        max = b.up;
      }
    }
    if (min.isNegative()) {
      min = Decimal.ZERO;
      minRep = 0n;
    }
    return { min, minRep, max, maxRep };
  }

  /** Mid of the best bid and ask (pegged orders included), asset precision, floored; 0 when a side is empty. */
  protected midPrice(): bigint {
    const bid = this.book.bestBid();
    const ask = this.book.bestAsk();
    if (bid === undefined || ask === undefined) return 0n;
    return (this.toAsset(bid) + this.toAsset(ask)) / 2n;
  }
}
