// Protocol automated purchase (spec 0097-PAPU): a programme that regularly swaps what a network account holds of one
// asset of a spot market (e.g. the buy-back fees in the base asset) for the other asset, through an auction on that
// market. Two built-in time triggers drive it (spec 0048-DSRI): the volume-snapshot trigger earmarks the source
// account's balance not already earmarked (nothing below the minimum auction size, at most the maximum), and the
// auction trigger uses the earmarked amount: with a fresh enough price from the programme's price oracle, the market
// enters (or extends) an auction and the network places one good-for-auction limit order at the oracle price times
// the offset factor — a sell of the earmarked base amount, or a buy of what the earmarked quote amount covers with
// the fees. Whatever the auction trades goes to the destination account; what the order did not use goes back to the
// source account. After its expiry a programme takes no more snapshots nor auctions, and it ends once its last order
// is done.
//
// The programme's order is placed for its own network party (`network-pap-<id>`), so that each programme's funds
// are kept apart while its order rests.
import { Decimal } from '../num/decimal.ts';
import { pow10 } from '../num/bigint.ts';
import type { OrderResult, OrderSubmission } from '../commands.ts';
import type { AccountType, Side, TransferType } from '../types.ts';
import { scaleToAsset, specMatches, type OracleData, type TimeTrigger } from '../products/oracle.ts';
import type { OracleSource } from '../config/market.ts';

/** The system owner of the network's accounts. */
const SYSTEM = '*';

export interface AutomatedPurchaseConfig {
  readonly id: string;
  /** the asset swapped away: the market's base asset (the order sells) or its quote asset (the order buys) */
  readonly from: string;
  readonly fromAccountType: AccountType;
  readonly toAccountType: AccountType;
  readonly marketId: string;
  /** the price oracle, in quote asset per base unit with its own decimals */
  readonly priceOracle: OracleSource;
  /** how old the last oracle price may be when the auction trigger fires (ns) */
  readonly priceStalenessTolerance: bigint;
  readonly oracleOffsetFactor: Decimal;
  readonly auctionSchedule: TimeTrigger;
  readonly auctionVolumeSnapshotSchedule: TimeTrigger;
  /** ns */
  readonly auctionDuration: bigint;
  readonly minimumAuctionSize: bigint;
  readonly maximumAuctionSize: bigint;
  /** ns; 0: none */
  readonly expiry: bigint;
}

/** What a programme needs of its spot market. */
export interface AutomatedPurchaseMarket {
  readonly id: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** decimal places of the quote asset (prices are in them) */
  readonly assetDecimals: number;
  /** asset-precision price to market precision (truncated) */
  toMarketPrice(p: bigint): bigint;
  /** 1 + the fee factors a buy may pay on top of its value (infrastructure, buy-back, treasury, liquidity) */
  automatedPurchaseFeeFactor(): Decimal;
  /** puts the market into an automated-purchase auction (or extends its auction); an error when it cannot */
  enterAutomatedPurchaseAuction(duration: bigint): string | undefined;
  submitOrder(sub: OrderSubmission): OrderResult;
  /** whether an order is still on the book or parked */
  isOrderLive(orderId: string): boolean;
}

/** What the programmes need of the exchange. */
export interface AutomatedPurchaseHost {
  now(): bigint;
  /** a spot market (undefined when there is none of that id) */
  market(id: string): AutomatedPurchaseMarket | undefined;
  /** base asset decimals minus the market's position decimals, for a size in base units */
  baseFactor(marketId: string): Decimal;
  positionFactor(marketId: string): Decimal;
  balance(owner: string, kind: AccountType, asset: string): bigint;
  move(
    from: { owner: string; kind: AccountType; asset: string },
    to: { owner: string; kind: AccountType; asset: string },
    amount: bigint,
    type: TransferType,
  ): void;
  /** the announcement of a snapshot: the amount earmarked for the next auction */
  announced(cfg: AutomatedPurchaseConfig, amount: bigint): void;
}

/** Earmarks on the network's accounts: what programmes have set aside for their next auction. */
export class Earmarks {
  private readonly byAccount = new Map<string, bigint>();

  private key(kind: AccountType, asset: string): string {
    return `${kind}|${asset}`;
  }

  of(kind: AccountType, asset: string): bigint {
    return this.byAccount.get(this.key(kind, asset)) ?? 0n;
  }

  /**
   * Earmarks up to `max` of what the account holds beyond its earmarks; nothing (undefined) when that is less than
   * `min`.
   */
  earmark(kind: AccountType, asset: string, balance: bigint, min: bigint, max: bigint): bigint | undefined {
    const available = balance - this.of(kind, asset);
    if (available <= 0n || available < min) return undefined;
    const amount = available < max ? available : max;
    this.byAccount.set(this.key(kind, asset), this.of(kind, asset) + amount);
    return amount;
  }

  release(kind: AccountType, asset: string, amount: bigint): void {
    const left = this.of(kind, asset) - amount;
    if (left > 0n) this.byAccount.set(this.key(kind, asset), left);
    else this.byAccount.delete(this.key(kind, asset));
  }

  hashParts(): string[] {
    return [...this.byAccount].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `earmark ${k}=${v}`);
  }
}

export class AutomatedPurchase {
  /** the amount earmarked for the next auction */
  private nextAuctionAmount: bigint | undefined;
  /** the last oracle price (quote asset decimals) and when it was received */
  private lastPrice: bigint | undefined;
  private lastPriceTime = 0n;
  /** the programme's order in the running auction */
  activeOrder: string | undefined;
  /** expired: no more snapshots or auctions; the programme ends once its order is done */
  private readyToStop = false;
  /** the amount of the last snapshot announced */
  lastAnnounced: bigint | undefined;
  readonly side: Side;
  readonly party: string;

  constructor(
    readonly cfg: AutomatedPurchaseConfig,
    market: AutomatedPurchaseMarket,
    private readonly host: AutomatedPurchaseHost,
    private readonly earmarks: Earmarks,
  ) {
    if (cfg.from === market.baseAsset) this.side = 'sell';
    else if (cfg.from === market.quoteAsset) this.side = 'buy';
    else
      throw new RangeError(
        `from: ${cfg.from} is neither the base (${market.baseAsset}) nor the quote asset (${market.quoteAsset}) of market ${market.id}`,
      );
    this.party = `network-pap-${cfg.id}`;
  }

  /** The other asset of the market: what the programme buys. */
  private toAsset(market: AutomatedPurchaseMarket): string {
    return this.side === 'sell' ? market.quoteAsset : market.baseAsset;
  }

  /** Oracle data: a message on the price oracle updates the price (scaled to the quote asset's decimals). */
  onOracleData(data: OracleData): void {
    if (this.readyToStop) return;
    const market = this.host.market(this.cfg.marketId);
    if (!market) return;
    const spec = this.cfg.priceOracle;
    if (!specMatches(spec, data)) return;
    const f = spec.filters?.find((x) => x.property === spec.property);
    const p = scaleToAsset(data.properties[spec.property]!, f?.type ?? 'INTEGER', spec.decimals, market.assetDecimals);
    if (p === undefined || p <= 0n) return;
    this.lastPrice = p;
    this.lastPriceTime = this.host.now();
  }

  /** The built-in time triggers at `now`: the auction schedule first, then the volume snapshot. */
  onTriggers(now: bigint): void {
    if (this.cfg.auctionSchedule.isTriggered(now)) this.onAuctionTrigger(now);
    if (this.cfg.auctionVolumeSnapshotSchedule.isTriggered(now)) this.onSnapshotTrigger();
  }

  private onSnapshotTrigger(): void {
    // a programme that expired, or whose order is still in an auction, takes no snapshot
    if (this.readyToStop || this.activeOrder !== undefined) return;
    const { fromAccountType: kind, from } = this.cfg;
    if (this.nextAuctionAmount !== undefined) this.earmarks.release(kind, from, this.nextAuctionAmount);
    this.nextAuctionAmount = this.earmarks.earmark(
      kind,
      from,
      this.host.balance(SYSTEM, kind, from),
      this.cfg.minimumAuctionSize,
      this.cfg.maximumAuctionSize,
    );
    if (this.nextAuctionAmount !== undefined) {
      this.lastAnnounced = this.nextAuctionAmount;
      this.host.announced(this.cfg, this.nextAuctionAmount);
    }
  }

  /** The auction trigger: whatever happens, the earmark is released and the next auction needs a new snapshot. */
  private onAuctionTrigger(now: bigint): void {
    if (this.readyToStop) return;
    const amount = this.nextAuctionAmount;
    if (amount === undefined) return;
    this.nextAuctionAmount = undefined;
    this.earmarks.release(this.cfg.fromAccountType, this.cfg.from, amount);
    const market = this.host.market(this.cfg.marketId);
    if (!market || this.lastPrice === undefined) return;
    if (this.isStale(now)) return;
    // the order price: the oracle price times the offset factor, truncated, then in market precision
    const price = Decimal.fromBigInt(this.lastPrice).mul(this.cfg.oracleOffsetFactor).trunc();
    const marketPrice = market.toMarketPrice(price);
    if (price <= 0n || marketPrice <= 0n) return;
    const size = this.orderSize(market, amount, price);
    if (size <= 0 || !Number.isSafeInteger(size)) return;
    if (market.enterAutomatedPurchaseAuction(this.cfg.auctionDuration) !== undefined) return;
    const source = { owner: SYSTEM, kind: this.cfg.fromAccountType, asset: this.cfg.from };
    const general = { owner: this.party, kind: 'GENERAL' as const, asset: this.cfg.from };
    this.host.move(source, general, amount, 'AUTOMATED_PURCHASE_FUND');
    const res = market.submitOrder({
      marketId: market.id,
      party: this.party,
      side: this.side,
      size,
      price: Number(marketPrice),
      type: 'LIMIT',
      tif: 'GFA',
      reference: `pap-${this.cfg.id}`,
    });
    if (res.error || !res.order) {
      this.settle(market);
      return;
    }
    this.activeOrder = res.order.id;
    if (!market.isOrderLive(res.order.id)) {
      this.activeOrder = undefined;
      this.settle(market);
    }
  }

  /**
   * Whether the last oracle price is too old for an auction. Vega compares the nanoseconds within the current second
   * (not the time itself) with the time of the last price, so that in practice a price is never stale, and Vega's
   * acceptance tests rely on it (0097-PAPU-023 and -027 run their auctions on prices older than the tolerance): the
   * same comparison is made here.
   */
  private isStale(now: bigint): boolean {
    return (now % 1_000_000_000n) - this.lastPriceTime > this.cfg.priceStalenessTolerance;
  }

  /**
   * The order size: a sell offers the earmarked base amount (in position units, truncated); a buy bids for what
   * the earmarked quote amount pays at the order price with the fees on top: amount ÷ (fee factor × price) ×
   * 10^PDP, truncated.
   */
  private orderSize(market: AutomatedPurchaseMarket, amount: bigint, price: bigint): number {
    if (this.side === 'sell') {
      return Number(Decimal.fromBigInt(amount).div(this.host.baseFactor(market.id)).trunc());
    }
    const cost = market.automatedPurchaseFeeFactor().mul(Decimal.fromBigInt(price));
    return Number(Decimal.fromBigInt(amount).div(cost).mul(this.host.positionFactor(market.id)).trunc());
  }

  /** Once its order is done: what was bought goes to the destination account, the rest back to the source. */
  private settle(market: AutomatedPurchaseMarket): void {
    const bought = this.toAsset(market);
    const left = this.host.balance(this.party, 'GENERAL', this.cfg.from);
    if (left > 0n)
      this.host.move(
        { owner: this.party, kind: 'GENERAL', asset: this.cfg.from },
        { owner: SYSTEM, kind: this.cfg.fromAccountType, asset: this.cfg.from },
        left,
        'AUTOMATED_PURCHASE_RETURN',
      );
    const got = this.host.balance(this.party, 'GENERAL', bought);
    if (got > 0n)
      this.host.move(
        { owner: this.party, kind: 'GENERAL', asset: bought },
        { owner: SYSTEM, kind: this.cfg.toAccountType, asset: bought },
        got,
        'AUTOMATED_PURCHASE_PROCEEDS',
      );
  }

  /**
   * After the markets' tick: an order whose auction has ended is done (its funds are settled); an expired programme
   * stops (its earmark is released). True when the programme is over.
   */
  afterTick(now: bigint): boolean {
    const market = this.host.market(this.cfg.marketId);
    if (this.activeOrder !== undefined && (!market || !market.isOrderLive(this.activeOrder))) {
      this.activeOrder = undefined;
      if (market) this.settle(market);
    }
    if (!this.readyToStop && this.cfg.expiry > 0n && this.cfg.expiry < now) {
      this.readyToStop = true;
      if (this.nextAuctionAmount !== undefined)
        this.earmarks.release(this.cfg.fromAccountType, this.cfg.from, this.nextAuctionAmount);
      this.nextAuctionAmount = undefined;
    }
    return this.readyToStop && this.activeOrder === undefined;
  }

  hashParts(): string[] {
    return [
      `pap ${this.cfg.id} ${this.cfg.marketId} next=${this.nextAuctionAmount ?? '-'} price=${this.lastPrice ?? '-'}@${this.lastPriceTime} order=${this.activeOrder ?? '-'} stop=${this.readyToStop} auction@${this.cfg.auctionSchedule.nextTrigger} snapshot@${this.cfg.auctionVolumeSnapshotSchedule.nextTrigger}`,
    ];
  }
}

/** Base-unit factor of a spot market: 10^(base asset decimals − position decimals). */
export function baseFactorOf(baseDecimals: number, positionDecimals: number): Decimal {
  const exp = baseDecimals - positionDecimals;
  return exp >= 0 ? Decimal.fromBigInt(pow10(exp)) : Decimal.ONE.div(Decimal.fromBigInt(pow10(-exp)));
}
