// Spot trading (spec 0080-SPOT §7, 0013-ACCT holding accounts): the collateral side of a spot market's order flows.
// An order must be covered by what the party holds (quote plus the fees it may pay for a buy, base for a sell); what
// rests on the book is kept aside in the party's holding account; every trade moves base from seller to buyer and
// quote from buyer to seller, with the fees paid in quote. Amendments, cancellations, expiry and parking release and
// re-lock holdings. The market's own flows (market/*.ts) do the rest; spot/market.ts adds auctions, stop orders,
// liquidity and the block end.
import type { Trade } from '../events.ts';
import { NO_FEES } from '../events.ts';
import { Decimal } from '../num/decimal.ts';
import { pow10 } from '../num/bigint.ts';
import type { Fill } from '../book/orderbook.ts';
import type { Order } from '../book/order.ts';
import { auctionFeesPerSide, continuousFees, totalFee } from '../fees/fees.ts';
import { OrderRejection, type OrderAmendment, type OrderResult } from '../commands.ts';
import type { Side, TimeInForce } from '../types.ts';
import type { MarketConfig } from '../config/market.ts';
import { Market } from '../market/market.ts';
import type { MarketContext } from '../market/types.ts';
import type { Aggression } from '../market/internal.ts';
import { HoldingTracker } from '../collateral/holdings.ts';

/** Vega's reasons for an order or amendment the party cannot cover. */
export const SPOT_INSUFFICIENT = 'party does not have sufficient balance to cover the trade and fees';
export const SPOT_INSUFFICIENT_NEW_SIZE = 'party does not have sufficient balance to cover the new size';
export const SPOT_INSUFFICIENT_MARKET_ORDER = 'insufficient funds for order';

export interface SpotAssets {
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** decimal places of the base asset (sizes are in position decimal places) */
  readonly baseDecimals: number;
}

export abstract class SpotTrading extends Market {
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** 10^(base asset decimals − position decimal places): a size in base-asset units (truncated) */
  private readonly baseFactor: Decimal;
  readonly holdings: HoldingTracker;

  constructor(cfg: MarketConfig, quoteDecimals: number, spot: SpotAssets, ctx: MarketContext, proposed = false) {
    super(cfg, quoteDecimals, ctx, proposed);
    this.baseAsset = spot.baseAsset;
    this.quoteAsset = spot.quoteAsset;
    const exp = spot.baseDecimals - cfg.positionDecimalPlaces;
    this.baseFactor = exp >= 0 ? Decimal.fromBigInt(pow10(exp)) : Decimal.ONE.div(Decimal.fromBigInt(pow10(-exp)));
    this.holdings = new HoldingTracker(ctx.ledger);
  }

  get isSpot(): true {
    return true;
  }

  // ------------------------------------------------------------------ amounts

  /** Quote amount of `size` at `price` (asset precision): price × size / 10^PDP, truncated. */
  quoteAmount(price: bigint, size: number): bigint {
    return Decimal.fromBigInt(price * BigInt(size))
      .div(this.positionFactor)
      .trunc();
  }

  /** Base amount of `size`: size × 10^(base decimals − PDP), truncated. */
  baseAmount(size: number): bigint {
    return Decimal.fromInt(size).mul(this.baseFactor).trunc();
  }

  protected assetOf(side: Side): string {
    return side === 'buy' ? this.quoteAsset : this.baseAsset;
  }

  protected balance(party: string, asset: string): bigint {
    return this.ctx.ledger.get(party, 'GENERAL', asset)?.balance ?? 0n;
  }

  /** What a buy of `size` at `price` may pay in fees now: continuous (as aggressor), auction (its half), none opening. */
  protected feeFor(price: bigint, size: number): bigint {
    const f = this.feeFactors();
    if (!this.auction) return totalFee(continuousFees(f, price, size, this.positionFactor));
    if (this.auction.opening) return 0n;
    return totalFee(auctionFeesPerSide(f, price, size, this.positionFactor));
  }

  /** The amount an order on the book holds for its remaining size (quote for a buy, base for a sell). */
  private heldAmount(side: Side, price: bigint, size: number): bigint {
    return side === 'buy' ? this.quoteAmount(price, size) : this.baseAmount(size);
  }

  /** Moves what a resting order needs into the holding account (auction fee cover for a buy in an auction). */
  protected lockResting(o: Order): void {
    if (o.remaining <= 0) return;
    const price = this.toAsset(o.price);
    const fee = o.side === 'buy' && this.auction ? this.feeFor(price, o.remaining) : 0n;
    this.holdings.lock(o.id, o.party, this.assetOf(o.side), this.heldAmount(o.side, price, o.remaining), fee);
  }

  // ------------------------------------------------------------------ order entry

  protected override submitValidated(o: Order): Trade[] {
    this.validateOrder(o);
    if (!this.sizeFits(o.party, o.side, o.remaining)) this.reject(o, 'OrderError: Invalid Size');
    if (!this.ctx.ledger.get(o.party, 'GENERAL', this.assetOf(o.side)))
      this.reject(o, 'party has insufficient balance in asset');
    if (o.peakSize > 0) o.displayed = Math.min(o.peakSize, o.remaining);
    if (o.peg) {
      // a pegged order is priced (when it can be) and covered without fees; in an auction it is parked unchecked
      const priced = !this.inAuction && this.repricePegged(o);
      if (priced) this.checkFunds(o, this.toAsset(o.price), false);
      this.parties.add(o.party);
      this.pegged.push(o);
      this.addPartyOrder(o);
      if (!priced) {
        o.status = 'PARKED';
        this.emitOrder(o);
        return [];
      }
    } else {
      // a market order has no price: only a sell is checked here, a buy when its trades are known
      this.checkFunds(o, o.type === 'MARKET' ? 0n : this.toAsset(o.price), true);
      this.parties.add(o.party);
    }
    this.positions.registerOrder(o.party, o.side, o.remaining);
    if (this.inAuction) {
      this.unregisterIfFails(o, () => this.validateForBook(o));
      this.rest(o);
      this.lockResting(o);
      return [];
    }
    this.unregisterIfFails(o, () => this.validateForBook(o));
    const prep = this.prepareAggression(o, o.price, o.remaining, 0);
    if ('error' in prep) this.unregisterIfFails(o, () => this.reject(o, prep.error, prep.status));
    return this.commitAggression(o, prep as Aggression);
  }

  /** Vega's checkSufficientFunds: value of the order (plus, for a buy, the fees it may pay) against general. */
  private checkFunds(o: Order, price: bigint, withFees: boolean): void {
    const required = this.heldAmount(o.side, price, o.remaining);
    const fees = o.side === 'buy' && withFees ? this.feeFor(price, o.remaining) : 0n;
    if (this.balance(o.party, this.assetOf(o.side)) < required + fees) {
      if (o.peg) this.dropOrder(o);
      this.reject(o, SPOT_INSUFFICIENT);
    }
  }

  /** A market buy pays the value of its trades and their fees out of its general account: it must hold them. */
  protected override aggressionFundsRefusal(
    o: Order,
    fills: readonly Fill<Order>[],
    feesTotal: bigint,
  ): { error: string; status: 'REJECTED' } | undefined {
    if (o.side !== 'buy' || o.type !== 'MARKET') return undefined;
    let cost = feesTotal;
    for (const f of fills) cost += this.quoteAmount(this.toAsset(f.price), f.size);
    return this.balance(o.party, this.quoteAsset) < cost
      ? { error: SPOT_INSUFFICIENT_MARKET_ORDER, status: 'REJECTED' }
      : undefined;
  }

  /** Applies a prepared aggression: trades, the remaining size put aside in holding, spot settlement, events. */
  protected override commitAggression(o: Order, prep: Aggression): Trade[] {
    if (prep.breach) {
      this.enterPriceAuction(prep.breach);
      if (o.peg) {
        if (o.status === 'ACTIVE') this.parkPegged(o);
        return [];
      }
      this.rest(o);
      this.lockResting(o);
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
      // what rests is put aside before the trades settle (Vega's transferToHoldingAccount)
      this.lockResting(o);
    } else {
      if (o.remaining > 0) this.positions.unregisterOrder(o.party, o.side, o.remaining);
      this.dropOrder(o);
    }
    this.emitOrder(o);
    this.confirmTrades(trades, sim.fills);
    if (o.status !== 'ACTIVE') this.holdings.releaseAll(o.id);
    if (!this.inAuction) this.checkForReferenceMoves(false);
    return trades;
  }

  /**
   * handleConfirmation for spot: each trade releases what the orders held for it, moves base to the buyer and quote
   * to the seller, then the fees are paid in quote (the aggressor's in continuous trading, half each in an
   * auction); passive orders that are done release the rest of their holding.
   */
  protected override confirmTrades(trades: readonly Trade[], fills: readonly Fill<Order>[] | null): void {
    for (const t of trades) this.settleSpotTrade(t);
    if (fills) {
      const seen = new Set<Order>();
      for (const f of fills) {
        const p = f.passive;
        if (seen.has(p)) continue;
        seen.add(p);
        if (p.remaining === 0) {
          p.status = 'FILLED';
          this.dropOrder(p);
          this.holdings.releaseAll(p.id);
        }
        p.updatedAt = this.now;
        this.emitOrder(p);
      }
    }
    if (trades.length === 0) return;
    this._lastTradedPrice = trades[trades.length - 1]!.price;
    if (!this.inAuction) this.bookLastTradedPrice = trades[trades.length - 1]!.price;
    let traded = 0n;
    for (const t of trades) traded += t.price * BigInt(t.size);
    this.liquidity.windows.addTradeValue(Decimal.fromBigInt(traded).div(this.positionFactor).trunc());
    for (const t of trades) {
      this.emit({ type: 'trade', trade: t });
      this.markCalc.newTrade(t.price, t.size, t.timestamp);
    }
  }

  private settleSpotTrade(t: Trade): void {
    const quote = this.quoteAmount(t.price, t.size);
    const base = this.baseAmount(t.size);
    if (t.aggressor === undefined) {
      this.holdings.release(t.buyOrder, quote, totalFee(t.buyerFee));
      this.holdings.release(t.sellOrder, base, 0n);
    } else if (t.aggressor === 'sell') this.holdings.release(t.buyOrder, quote, 0n);
    else this.holdings.release(t.sellOrder, base, 0n);
    // the filled volume leaves both parties' potential volumes
    this.positions.unregisterOrder(t.buyer, 'buy', t.size);
    this.positions.unregisterOrder(t.seller, 'sell', t.size);
    this.holdings.deliver(t.buyer, t.seller, this.baseAsset, this.quoteAsset, base, quote);
    if (t.aggressor === undefined) {
      if (t.buyerFee !== NO_FEES || t.sellerFee !== NO_FEES) this.feeTransfers.payAuction([t]);
    } else {
      const payer = t.aggressor === 'buy' ? t.buyer : t.seller;
      this.feeTransfers.payContinuous(payer, [t.aggressor === 'buy' ? t.buyerFee : t.sellerFee], [t]);
    }
  }

  // ------------------------------------------------------------------ amend and cancel

  /** The order whose amendment is being checked (its holding is released once the checks pass). */
  private amending: { id: string; quantity: bigint; fee: bigint; party: string; asset: string } | undefined;

  /** (read through a call: the checks set it during super.amend) */
  private amendingNow() {
    return this.amending;
  }

  protected override amend(a: OrderAmendment): OrderResult {
    this.amending = undefined;
    try {
      const res = super.amend(a);
      const o = this.orders.get(a.orderId);
      if (this.amendingNow() && o && o.status === 'ACTIVE' && this.holdings.current(o.id).quantity === 0n)
        this.lockResting(o);
      return res;
    } catch (e) {
      // the amendment failed after its holding was released: the order holds what it held before
      const h = this.amendingNow();
      if (h && this.orders.get(h.id)?.status === 'ACTIVE')
        this.holdings.lock(h.id, h.party, h.asset, h.quantity, h.fee);
      throw e;
    } finally {
      this.amending = undefined;
    }
  }

  /**
   * Called by the amend flow with the amended copy of a live order (the place of the margin check): Vega's
   * validateOrderAmendment funds checks, then the order's holding is released (re-locked for what remains).
   */
  protected override checkMarginForOrder(trial: Order): boolean {
    const o = this.orders.get(trial.id);
    if (!o) return true;
    const held = this.holdings.current(o.id);
    const priceChanged = trial.price !== o.price;
    const delta = trial.remaining - o.remaining;
    if (o.side === 'buy' && (priceChanged || delta !== 0) && trial.remaining > 0) {
      const price = this.toAsset(trial.price);
      const fees = this.auction ? this.feeFor(price, trial.remaining) : 0n;
      const need = this.quoteAmount(price, trial.remaining) + fees;
      const old = held.quantity + held.fee;
      if (need > old && this.balance(o.party, this.quoteAsset) < need - old)
        this.failAmend(o, delta, SPOT_INSUFFICIENT);
    }
    if (o.side === 'sell' && delta > 0 && this.balance(o.party, this.baseAsset) < this.baseAmount(delta))
      this.failAmend(o, delta, SPOT_INSUFFICIENT_NEW_SIZE);
    this.amending = { id: o.id, party: o.party, asset: this.assetOf(o.side), ...held };
    this.holdings.releaseAll(o.id);
    return true;
  }

  /** A failed funds check: the amend flow had added the size change to the potential volume; it is taken back. */
  private failAmend(o: Order, delta: number, reason: string): never {
    if (delta > 0) this.positions.unregisterOrder(o.party, o.side, delta);
    else if (delta < 0) this.positions.registerOrder(o.party, o.side, -delta);
    throw new OrderRejection(reason);
  }

  protected override amendPegged(
    o: Order,
    a: OrderAmendment,
    size: number,
    remaining: number,
    tif: TimeInForce,
    expiry: bigint,
  ): OrderResult {
    this.holdings.releaseAll(o.id);
    const res = super.amendPegged(o, a, size, remaining, tif, expiry);
    if (o.status === 'ACTIVE') this.lockOrCancel(o);
    return res;
  }

  protected override removeLive(o: Order): void {
    super.removeLive(o);
    this.holdings.releaseAll(o.id);
  }

  protected override parkPegged(o: Order): void {
    super.parkPegged(o);
    this.holdings.releaseAll(o.id);
  }

  /** Locks what a (re)priced order needs; an order its party cannot cover any more is cancelled. */
  protected lockOrCancel(o: Order): void {
    const price = this.toAsset(o.price);
    const asset = this.assetOf(o.side);
    const fee = o.side === 'buy' && this.auction ? this.feeFor(price, o.remaining) : 0n;
    const need = this.heldAmount(o.side, price, o.remaining) + fee;
    // Vega's reSubmitPeggedOrders: an order its party cannot cover at its new price is stopped
    if (this.balance(o.party, asset) < need) {
      this.cancel(o, 'STOPPED', false);
      return;
    }
    this.lockResting(o);
  }

  /**
   * Pegged orders that moved hold what their new price needs: every moved order releases its holding first, then
   * each one back on the book locks what it needs or is stopped (Vega's repricePeggedOrders, reSubmitPeggedOrders).
   */
  protected override checkForReferenceMoves(force: boolean): void {
    if (this.pegged.length === 0) return;
    const before = new Map(this.pegged.map((o) => [o, o.status === 'ACTIVE' ? o.price : undefined] as const));
    super.checkForReferenceMoves(force);
    const moved = [...this.pegged].filter(
      (o) => o.status !== 'ACTIVE' || before.get(o) !== o.price || this.holdings.current(o.id).quantity === 0n,
    );
    for (const o of moved) this.holdings.releaseAll(o.id);
    for (const o of moved) if (o.status === 'ACTIVE') this.lockOrCancel(o);
  }
}
