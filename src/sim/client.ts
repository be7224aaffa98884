// What a client of the engine sees and does, for the simulator's agents. Agents never hold the Exchange: they read
// a MarketFeed (public market data, what Vega's data node serves to anyone: aggregated depth per price level, best
// prices, mark price, trading mode, the funding estimate, open interest and stakes, the published oracle price and
// the market's public configuration — read from the market the Exchange hands out, never its private state), their
// own PartyState (built only from the events a party receives: its orders, trades, ledger transfers and margin
// levels), and act through an OrderGateway (the Exchange's commands). The
// EventBus receives every engine event once and routes it: public trades to subscribers, private events to the
// party's state, ledger entries to the conservation checker, and totals to the run's statistics.
import {
  type Account,
  ammSubAccount,
  Decimal,
  type EngineEvent,
  type EventSink,
  type Exchange,
  type LedgerEntry,
  type Market,
  NETWORK_PARTY,
  riskFactors,
  type Side,
  type Trade,
  type TradingMode,
  type TransferType,
} from '../core/index.ts';
import type { BookLevel, BookSnapshot } from '../strategies/fair-price.ts';
import { ConservationChecker } from './conservation.ts';

/** A trade as the public trade stream shows it, in quote units and contracts. */
export interface PublicTrade {
  /** seconds since the simulation start */
  readonly time: number;
  readonly price: number;
  readonly size: number;
  readonly buyer: string;
  readonly seller: string;
  readonly aggressor: Side | undefined;
  /** the aggressive order's id (undefined for auction uncrossing trades) */
  readonly aggressorOrder: string | undefined;
  /** the public mid at the start of the block the trade happened in (undefined: one-sided or empty book) */
  readonly midBefore: number | undefined;
  readonly network: boolean;
}

export interface LiveOrder {
  readonly id: string;
  readonly side: Side;
  /** market precision */
  readonly price: number;
  /** position units */
  remaining: number;
  /** seconds since the start */
  readonly createdAt: number;
}

/** Transfer types that are income or cost for a party (not moves between its own accounts). */
export type Statement = Map<TransferType, bigint>;

/** A party's private view: built from the events the engine sends about it. */
export class PartyState {
  /** signed open volume, position units */
  position = 0;
  readonly orders = new Map<string, LiveOrder>();
  /** balances of the party's accounts by account id (asset precision) */
  readonly balances = new Map<string, { type: string; balance: bigint }>();
  /** deposits, asset precision */
  deposited = 0n;
  /** net flow into the party per transfer type (asset precision; moves between its own accounts excluded) */
  readonly statement: Statement = new Map();
  /** Σ signed size × (mid − price) over its trades (quote units): the spread captured against the public mid */
  spread = 0;
  /** Σ signed size × mid at each trade (quote units × contracts), for the inventory P&L at the end */
  sizeTimesMid = 0;
  trades = 0;
  volume = 0;
  /** the latest margin levels (asset precision) */
  maintenance = 0n;
  closedOut = 0;
  /**
   * Spot markets (spec 0080-SPOT): the base asset the party holds beside the quote asset. Its accounts are kept
   * apart (`baseBalances`, `baseDeposited`): `equity()`, `deposited` and the statement stay in the quote asset.
   */
  baseAsset: string | undefined = undefined;
  readonly baseBalances = new Map<string, { type: string; balance: bigint }>();
  /** base deposits, base asset precision */
  baseDeposited = 0n;

  constructor(
    readonly party: string,
    readonly kind: string,
  ) {}

  /** Sum of the party's accounts (general, margin, order margin, bond, LP fees), asset precision. */
  equity(): bigint {
    let e = 0n;
    for (const a of this.balances.values()) e += a.balance;
    return e;
  }

  /** The party's base asset across its accounts (general and holding), base asset precision. */
  baseHeld(type?: string): bigint {
    let e = 0n;
    for (const a of this.baseBalances.values()) if (type === undefined || a.type === type) e += a.balance;
    return e;
  }

  balance(type: string): bigint {
    let e = 0n;
    for (const a of this.balances.values()) if (a.type === type) e += a.balance;
    return e;
  }

  /** Net flow of some transfer types (asset precision). */
  flow(...types: TransferType[]): bigint {
    let s = 0n;
    for (const t of types) s += this.statement.get(t) ?? 0n;
    return s;
  }

  ordersOn(side: Side): LiveOrder[] {
    const out: LiveOrder[] = [];
    for (const o of this.orders.values()) if (o.side === side) out.push(o);
    return out;
  }
}

/** Per-block public state of one market, plus conversions between engine integers and quote units. */
export class MarketFeed {
  readonly id: string;
  /** 10^market decimals */
  readonly priceScale: number;
  /** 10^position decimals */
  readonly sizeScale: number;
  /** tick in quote units, and in market precision */
  readonly tick: number;
  readonly tickSize: number;
  /** one position unit in contracts (the lot) */
  readonly lot: number;
  readonly assetDecimals: number;
  readonly assetScale: number;
  readonly asset: string;
  /** spot markets: the base asset and 10^its decimals (base asset precision per base unit); 1 otherwise */
  baseAsset: string | undefined = undefined;
  baseScale = 1;
  /** initial margin per unit of notional for an open position (max risk factor + linear slippage) × initial factor */
  readonly initialMarginFraction: number;
  /** funding period, seconds (perpetuals with a time-trigger schedule) */
  readonly fundingPeriodSeconds: number | undefined;
  /** the last published oracle price (quote units) and when (seconds since the start) */
  oraclePrice: number | undefined;
  oracleTime: number | undefined;
  /** public mid at the start of the current block */
  midAtBlockStart: number | undefined;
  private fundingCache: { block: number; rate: number | undefined } | undefined;
  block = 0;

  constructor(private readonly market: Market) {
    const cfg = market.configView();
    this.id = market.id;
    this.priceScale = 10 ** cfg.decimalPlaces;
    this.sizeScale = 10 ** cfg.positionDecimalPlaces;
    this.tickSize = market.tickSize;
    this.tick = market.tickSize / this.priceScale;
    this.lot = 1 / this.sizeScale;
    this.assetDecimals = market.assetDecimals;
    this.assetScale = 10 ** market.assetDecimals;
    this.asset = market.asset;
    const rf = riskFactors(cfg.riskModel);
    const maxRf = Math.max(rf.long.toNumber(), rf.short.toNumber());
    this.initialMarginFraction =
      (maxRf + cfg.linearSlippageFactor.toNumber()) * cfg.marginScalingFactors.initialMargin.toNumber();
    this.fundingPeriodSeconds =
      cfg.product.kind === 'perpetual' && cfg.product.settlementSchedule.kind === 'timeTrigger'
        ? cfg.product.settlementSchedule.every
        : undefined;
  }

  get tradingMode(): TradingMode {
    return this.market.tradingMode;
  }

  get continuous(): boolean {
    return this.market.tradingMode === 'CONTINUOUS';
  }

  /** Best bid and ask in market precision (undefined when the side is empty). */
  bestBid(): number | undefined {
    return this.market.bestBid();
  }

  bestAsk(): number | undefined {
    return this.market.bestAsk();
  }

  /** The mid in quote units, undefined for a one-sided or empty book. */
  mid(): number | undefined {
    const b = this.market.bestBid();
    const a = this.market.bestAsk();
    if (b === undefined || a === undefined) return undefined;
    return (b + a) / 2 / this.priceScale;
  }

  /** Mark price, quote units (0 before the first). */
  mark(): number {
    return Number(this.market.markPrice) / this.assetScale;
  }

  /** A price for valuing things: the mark, else the published oracle price, else the mid. */
  reference(): number | undefined {
    const m = this.mark();
    if (m > 0) return m;
    return this.oraclePrice ?? this.mid();
  }

  /** The funding rate the period would pay if it ended now (perpetuals; computed once per block). */
  fundingRate(): number | undefined {
    if (this.fundingCache?.block === this.block) return this.fundingCache.rate;
    const pd = this.market.productData();
    const rate = pd?.fundingRate !== undefined ? Number(pd.fundingRate) : undefined;
    this.fundingCache = { block: this.block, rate };
    return rate;
  }

  /**
   * Market depth (the top `levels` price levels each side) in quote units and contracts, without the orders in
   * `own` (a party's own orders, so that it does not quote against itself).
   */
  depth(levels: number, own?: ReadonlyMap<string, LiveOrder>): BookSnapshot {
    return { bids: this.depthSide('buy', levels, own), asks: this.depthSide('sell', levels, own) };
  }

  private depthSide(s: Side, levels: number, own: ReadonlyMap<string, LiveOrder> | undefined): BookLevel[] {
    const lv = this.market.depthLevels(s);
    const out: BookLevel[] = [];
    for (let i = lv.length - 1; i >= 0 && out.length < levels; i--) {
      const l = lv[i]!;
      let vol = l.volume;
      if (own && own.size > 0)
        for (const o of own.values()) if (o.side === s && o.price === l.price) vol -= o.remaining;
      if (vol > 0) out.push({ price: l.price / this.priceScale, size: vol / this.sizeScale });
    }
    return out;
  }

  /** Volume (contracts) on each side within `fraction` of the mid. */
  depthWithin(fraction: number): { bid: number; ask: number } {
    const mid = this.mid();
    if (mid === undefined) return { bid: 0, ask: 0 };
    const lo = mid * (1 - fraction) * this.priceScale;
    const hi = mid * (1 + fraction) * this.priceScale;
    let bid = 0;
    let ask = 0;
    const bl = this.market.depthLevels('buy');
    for (let i = bl.length - 1; i >= 0 && bl[i]!.price >= lo; i--) bid += bl[i]!.volume;
    const al = this.market.depthLevels('sell');
    for (let i = al.length - 1; i >= 0 && al[i]!.price <= hi; i--) ask += al[i]!.volume;
    return { bid: bid / this.sizeScale, ask: ask / this.sizeScale };
  }

  /** Quote-unit price → market precision integer, rounded to the nearest tick. */
  toTicks(price: number): number {
    return Math.max(this.tickSize, Math.round((price * this.priceScale) / this.tickSize) * this.tickSize);
  }

  /** Contracts → position units (rounded down, at least one lot). */
  toSize(contracts: number): number {
    return Math.max(1, Math.floor(contracts * this.sizeScale + 1e-9));
  }
}

export interface GatewayStats {
  submitted: number;
  rejected: number;
  cancels: number;
  reasons: Map<string, number>;
}

export interface LimitOptions {
  readonly tif?: 'GTC' | 'GTT' | 'IOC' | 'FOK' | 'GFA';
  /** GTT lifetime, seconds */
  readonly expiresInSeconds?: number;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
}

export interface SubmitResult {
  readonly orderId?: string;
  readonly error?: string;
  /** position units traded at once */
  readonly filled: number;
}

/** The commands an agent may send, for its own party on one market. */
export class OrderGateway {
  constructor(
    private readonly ex: Exchange,
    readonly party: string,
    readonly marketId: string,
    private readonly stats: GatewayStats,
  ) {}

  private record(error: string | undefined): void {
    this.stats.submitted++;
    if (error) {
      this.stats.rejected++;
      this.stats.reasons.set(error, (this.stats.reasons.get(error) ?? 0) + 1);
    }
  }

  /** A limit order at `price` (market precision) for `size` position units. */
  limit(side: Side, price: number, size: number, opts: LimitOptions = {}): SubmitResult {
    const tif = opts.tif ?? 'GTC';
    const r = this.ex.submitOrder({
      marketId: this.marketId,
      party: this.party,
      side,
      size,
      price,
      type: 'LIMIT',
      tif,
      // plain fields rather than conditional spreads: this is the hot path of every agent
      expiresAt: tif === 'GTT' ? this.ex.now() + BigInt(Math.round((opts.expiresInSeconds ?? 60) * 1e9)) : undefined,
      postOnly: opts.postOnly === true,
      reduceOnly: opts.reduceOnly === true,
    });
    this.record(r.error);
    let filled = 0;
    for (const t of r.trades) filled += t.size;
    return { orderId: r.order && !r.error ? r.order.id : undefined, error: r.error, filled };
  }

  /** A market order (immediate or cancel). */
  market(side: Side, size: number, reduceOnly = false): SubmitResult {
    const r = this.ex.submitOrder({
      marketId: this.marketId,
      party: this.party,
      side,
      size,
      type: 'MARKET',
      tif: 'IOC',
      reduceOnly,
    });
    this.record(r.error);
    let filled = 0;
    for (const t of r.trades) filled += t.size;
    return { error: r.error, filled };
  }

  cancel(orderId: string): void {
    this.stats.cancels++;
    this.ex.cancelOrder(this.party, this.marketId, orderId);
  }

  cancelAll(): void {
    this.stats.cancels++;
    this.ex.cancelAllOrders(this.party, this.marketId);
  }

  /**
   * An AMM (spec 0090-VAMM) of `commitment` asset units around `base` (market precision), or its amendment when the
   * party already has one on this market.
   */
  amm(
    commitment: bigint,
    base: bigint,
    lower: bigint,
    upper: bigint,
    opts: { fee: string; slippage: string; leverage?: string },
  ): string | undefined {
    const lev = opts.leverage === undefined ? undefined : Decimal.parse(opts.leverage, 'leverage');
    const params = {
      base,
      lowerBound: lower,
      upperBound: upper,
      ...(lev ? { leverageAtLowerBound: lev, leverageAtUpperBound: lev } : {}),
    };
    const common = {
      party: this.party,
      marketId: this.marketId,
      slippageTolerance: Decimal.parse(opts.slippage, 'slippage'),
    };
    const r =
      this.ex.ammPool(this.marketId, this.party)?.status === 'ACTIVE'
        ? this.ex.amendAmm({ ...common, commitment, params })
        : this.ex.submitAmm({ ...common, commitment, proposedFee: Decimal.parse(opts.fee, 'fee'), params });
    this.record(r.error);
    return r.error;
  }

  /** A liquidity commitment (bond) of `amount` asset units with a nominated fee factor. */
  commitLiquidity(id: string, amount: bigint, fee: string): string | undefined {
    const r = this.ex.submitLiquidityProvision(id, this.party, this.marketId, amount, Decimal.parse(fee, 'fee'));
    this.record(r.error);
    return r.error;
  }
}

/** Statistics of the whole run, from the event stream. */
export interface RunTotals {
  trades: number;
  networkTrades: number;
  /** position units */
  volume: number;
  /** quote units */
  notional: number;
  /** auctions seen (from the trading mode at block ends); end NaN while one lasts */
  auctions: { market: string; trigger: string; start: number; end: number }[];
  closeOuts: number;
  closedOutParties: Set<string>;
  fundingPeriods: { seq: number; end: number; rate: number | undefined; payment: bigint | undefined }[];
  /** Σ by transfer type over every entry (asset precision) */
  transfers: Map<TransferType, bigint>;
  /** liquidity provisions by party: latest status */
  provisions: Map<string, { commitment: bigint; fee: string; status: string }>;
  /** trades and volume since the last sample */
  intervalTrades: number;
  intervalVolume: number;
}

/** What the event bus keeps per account: the owning party's state and its record in the party's balances. */
interface AccountView {
  readonly owner: PartyState | null;
  readonly rec: { type: string; balance: bigint } | null;
}

/** The single event sink: routes every engine event. */
export class EventBus implements EventSink {
  readonly parties = new Map<string, PartyState>();
  /** account → owner's state and balance record, for ledger entries */
  private readonly accountViews = new Map<Account, AccountView>();
  readonly feeds = new Map<string, MarketFeed>();
  readonly tradeListeners: ((t: PublicTrade, marketId: string) => void)[] = [];
  readonly fillListeners = new Map<string, (t: PublicTrade, side: Side) => void>();
  /** assets left out of the parties' balances and deposits (collateral tokens of `perpsim compare`); still conserved */
  readonly hiddenAssets = new Set<string>();
  readonly conservation = new ConservationChecker();
  readonly totals: RunTotals = {
    trades: 0,
    networkTrades: 0,
    volume: 0,
    notional: 0,
    auctions: [],
    closeOuts: 0,
    closedOutParties: new Set(),
    fundingPeriods: [],
    transfers: new Map(),
    provisions: new Map(),
    intervalTrades: 0,
    intervalVolume: 0,
  };
  /** seconds since the start, set by the runner */
  time = 0;
  private readonly startNs: bigint;

  constructor(startNs: bigint) {
    this.startNs = startNs;
  }

  addParty(party: string, kind: string): PartyState {
    const s = new PartyState(party, kind);
    this.parties.set(party, s);
    // an AMM's sub-account (spec 0090-VAMM) belongs to its owner: its balances, trades and position count as the owner's
    if (kind === 'amm-provider') for (const m of this.feeds.keys()) this.ammOwners.set(ammSubAccount(party, m), s);
    return s;
  }

  /** AMM sub-account key → the owning party's state */
  private readonly ammOwners = new Map<string, PartyState>();

  private partyOf(id: string): PartyState | undefined {
    return this.parties.get(id) ?? this.ammOwners.get(id);
  }

  /** The owner's state and balance record of an account (null owner: not a party of the run), looked up once. */
  private viewOf(a: Account): AccountView {
    let v = this.accountViews.get(a);
    if (v === undefined) {
      const owner = this.hiddenAssets.has(a.asset) ? null : (this.partyOf(a.owner) ?? null);
      let rec: { type: string; balance: bigint } | null = null;
      if (owner) {
        const balances = a.asset === owner.baseAsset ? owner.baseBalances : owner.balances;
        rec = balances.get(a.id) ?? null;
        if (rec === null) balances.set(a.id, (rec = { type: a.type, balance: a.balance }));
      }
      v = { owner, rec };
      this.accountViews.set(a, v);
    }
    return v;
  }

  emit(e: EngineEvent): void {
    switch (e.type) {
      case 'ledger':
        this.onLedger(e.entry);
        break;
      case 'accountCreated':
        this.conservation.onAccountCreated(e.account);
        break;
      case 'trade':
        this.onTrade(e.trade);
        break;
      case 'order': {
        const o = e.order;
        const p = this.parties.get(o.party);
        if (!p) break;
        if (o.status === 'ACTIVE' || o.status === 'PARKED' || o.status === 'PARTIALLY_FILLED') {
          const live = p.orders.get(o.id);
          if (live) live.remaining = o.remaining;
          else
            p.orders.set(o.id, {
              id: o.id,
              side: o.side,
              price: o.price,
              remaining: o.remaining,
              createdAt: Number(o.createdAt - this.startNs) / 1e9,
            });
        } else p.orders.delete(o.id);
        break;
      }
      case 'marginLevels': {
        const p = this.parties.get(e.party);
        if (p) p.maintenance = e.levels.maintenance;
        break;
      }
      case 'distressedPositions':
        for (const party of e.distressed) {
          this.totals.closeOuts++;
          this.totals.closedOutParties.add(party);
          const p = this.parties.get(party);
          if (p) p.closedOut++;
        }
        break;
      case 'fundingPeriod':
        if (e.end !== undefined)
          this.totals.fundingPeriods.push({
            seq: e.seq,
            end: Number(e.end - this.startNs) / 1e9,
            rate: e.fundingRate !== undefined ? Number(e.fundingRate) : undefined,
            payment: e.fundingPayment,
          });
        break;
      case 'liquidityProvision':
        this.totals.provisions.set(e.party, { commitment: e.commitment, fee: e.fee, status: e.status });
        break;
      default:
        break;
    }
  }

  private onLedger(entry: LedgerEntry): void {
    this.conservation.onEntry(entry);
    const type = entry.type;
    const amount = entry.amount;
    const t = this.totals.transfers;
    t.set(type, (t.get(type) ?? 0n) + amount);
    const fv = this.viewOf(entry.from);
    const tv = this.viewOf(entry.to);
    const from = fv.owner;
    const to = tv.owner;
    // the balance records are updated in place: one allocation per account, not one per transfer
    if (fv.rec) fv.rec.balance = entry.fromBalance;
    if (tv.rec) tv.rec.balance = entry.toBalance;
    if (from === to) return; // a move between the party's own accounts
    // a spot party's base asset: its deposits apart, no statement (the statement is in the quote asset)
    const base = (to ?? from)?.baseAsset;
    if (base !== undefined && entry.to.asset === base) {
      if (to && type === 'DEPOSIT') to.baseDeposited += amount;
      if (from && type === 'WITHDRAW') from.baseDeposited -= amount;
      return;
    }
    if (from) from.statement.set(type, (from.statement.get(type) ?? 0n) - amount);
    if (to) {
      to.statement.set(type, (to.statement.get(type) ?? 0n) + amount);
      if (type === 'DEPOSIT') to.deposited += amount;
    }
    if (from && type === 'WITHDRAW') from.deposited -= amount;
  }

  private onTrade(tr: Trade): void {
    const feed = this.feeds.get(tr.marketId);
    if (!feed) return;
    const network = tr.type !== 'DEFAULT';
    const price = Number(tr.marketPrice) / feed.priceScale;
    const size = tr.size / feed.sizeScale;
    if (network) this.totals.networkTrades++;
    else {
      this.totals.trades++;
      this.totals.volume += tr.size;
      this.totals.notional += price * size;
      this.totals.intervalTrades++;
      this.totals.intervalVolume += tr.size;
    }
    const mid = feed.midAtBlockStart;
    const pub: PublicTrade = {
      time: this.time,
      price,
      size,
      buyer: tr.buyer,
      seller: tr.seller,
      aggressor: tr.aggressor,
      aggressorOrder: tr.aggressor === 'buy' ? tr.buyOrder : tr.aggressor === 'sell' ? tr.sellOrder : undefined,
      midBefore: mid,
      network,
    };
    // the mid the spread is measured against: the public mid before the block (the trade price when unknown or
    // for network trades)
    const ref = network || mid === undefined || !feed.continuous ? price : mid;
    const buyer = this.partyOf(tr.buyer);
    if (buyer) {
      buyer.position += tr.size;
      buyer.trades++;
      buyer.volume += size;
      buyer.spread += size * (ref - price);
      buyer.sizeTimesMid += size * ref;
      this.fillListeners.get(tr.buyer)?.(pub, 'buy');
    }
    const seller = this.partyOf(tr.seller);
    if (seller) {
      seller.position -= tr.size;
      seller.trades++;
      seller.volume += size;
      seller.spread += size * (price - ref);
      seller.sizeTimesMid -= size * ref;
      this.fillListeners.get(tr.seller)?.(pub, 'sell');
    }
    if (!network) for (const l of this.tradeListeners) l(pub, tr.marketId);
  }
}

export { NETWORK_PARTY };
