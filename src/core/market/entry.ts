// Order entry (spec 0008-TRAD, 0014-ORDT, 0068-MATC, 0029-FEES): validate → pre-trade risk → match → fees and
// post-trade collateral → confirm; continuous and auction trade confirmation and fee payments.
import type { FeeBreakdown, Trade, TradeType } from '../events.ts';
import { NO_FEES } from '../events.ts';
import { Decimal } from '../num/decimal.ts';
import { NO_LIMIT_BUY, NO_LIMIT_SELL, type Fill, type MatchResult } from '../book/orderbook.ts';
import { isNonPersistentForMonitoring, isPersistent, snapshot, type Order } from '../book/order.ts';
import type { MonitorTrigger } from '../pricing/pricemonitor.ts';
import { continuousFeesOfValue, totalFee, tradeValue } from '../fees/fees.ts';
import { continuousProgrammeFees } from '../programmes/fees.ts';
import type { Side } from '../types.ts';
import { NETWORK_PARTY } from '../types.ts';
import { OrderRejection, pegError, type OrderResult, type OrderSubmission } from '../commands.ts';
import { MarketMargins } from './margins.ts';
import { mergeFills, type Aggression, type IsolatedPlan } from './internal.ts';
import { bookFills, simulateWithAmms } from '../amm/match.ts';
import type { AmmPool } from '../amm/pool.ts';

export abstract class MarketEntry extends MarketMargins {
  // implemented by later layers
  protected abstract sizeFits(party: string, side: Side, extra: number): boolean;
  protected abstract repricePegged(o: Order): boolean;
  protected abstract checkForReferenceMoves(force: boolean): void;
  protected abstract enterPriceAuction(trigger: MonitorTrigger): void;
  protected abstract parkPegged(o: Order): void;

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
      this.endTransaction(true);
    }
  }

  protected reject(o: Order, error: string, status: 'REJECTED' | 'STOPPED' = 'REJECTED'): never {
    o.status = status;
    o.reason = error;
    this.emitOrder(o);
    throw new OrderRejection(error);
  }

  protected validateOrder(o: Order): void {
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
      // a mid peg whose offset is below one asset unit (market decimals above the asset's) would sit on the mid
      if (o.peg.reference === 'MID' && this.toAsset(o.peg.offset) === 0n)
        this.reject(o, 'invalid offset - pegged mid will cross');
    } else if (o.type === 'LIMIT' && o.price % this.tickSize !== 0) {
      this.reject(o, 'OrderError: price not in tick size');
    }
    const cap = this.cap;
    // capped futures: order prices stay below the cap (the conformance corpus never rests an order at the cap itself)
    if (cap && !o.peg && o.type === 'LIMIT' && BigInt(o.price) >= cap.maxPrice) this.reject(o, 'invalid order price');
  }

  /** Matching-engine validation (core/matching validation). */
  protected validateForBook(o: Order): void {
    if (o.remaining <= 0) this.reject(o, 'OrderError: Invalid Remaining Size');
    if (o.tif === 'GTT' && o.expiresAt === 0n) this.reject(o, 'OrderError: Invalid Expiration Datetime');
    if (o.size <= 0) this.reject(o, 'OrderError: Invalid Size');
    if (o.type === 'MARKET' && (o.tif === 'GTT' || o.tif === 'GTC')) this.reject(o, 'OrderError: Invalid Persistence');
    if (o.type === 'MARKET' && o.expiresAt > 0n) this.reject(o, 'OrderError: Invalid Expiration Datetime');
  }

  protected submitValidated(o: Order): Trade[] {
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

  protected unregisterIfFails(o: Order, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.positions.unregisterOrder(o.party, o.side, o.remaining);
      this.dropOrder(o);
      throw e;
    }
  }

  /** Puts an order on the book (ACTIVE), registering its GTT expiry. */
  protected rest(o: Order): void {
    o.status = 'ACTIVE';
    this.book.insert(o);
    this.addPartyOrder(o);
    this.emitOrder(o);
  }

  protected matchContinuous(o: Order, heldBack: number): Trade[] {
    this.unregisterIfFails(o, () => this.validateForBook(o));
    const prep = this.prepareAggression(o, o.price, o.remaining, heldBack);
    if ('error' in prep) this.unregisterIfFails(o, () => this.reject(o, prep.error, prep.status));
    const agg = prep as Aggression;
    let plan: IsolatedPlan | undefined;
    if (this.marginFactors.has(o.party) && !agg.breach) {
      plan = this.planIsolatedAggressor(o, agg);
      if (!plan || plan.orderMarginShort) this.unregisterIfFails(o, () => this.reject(o, 'margin check failed'));
    }
    const trades = this.commitAggression(o, agg);
    if (plan) this.applyIsolatedPlan(o.party, plan);
    return trades;
  }

  /** The status an aggressive order ends with after the simulated fills. */
  protected finalStatus(o: Order, sim: MatchResult<Order>): Order['status'] {
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
   * the aggressor can pay the fees. Changes nothing. `feesError` is the reason when the fees cannot be paid: a new
   * order fails its margin check, an amendment that trades gets Vega's "party has insufficient funds to cover fees".
   */
  protected prepareAggression(
    o: Order,
    price: number,
    remaining: number,
    heldBack: number,
    feesError = 'margin check failed',
  ): Aggression | { error: string; status: 'REJECTED' | 'STOPPED' } {
    const limit = o.type === 'MARKET' ? (o.side === 'buy' ? NO_LIMIT_BUY : NO_LIMIT_SELL) : price;
    const wanted = remaining - heldBack;
    // the AMMs' implied volume trades at each price before the book orders resting there (spec 0090-VAMM)
    let sim = this.simulateMatch(o, limit, wanted);
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
    const fees = this.computeContinuousFees(sim.fills, o.party);
    const refusal = this.aggressionFundsRefusal(o, sim.fills, fees.total, feesError);
    return refusal ?? { sim, fees, breach: undefined };
  }

  /**
   * Whether the aggressor cannot pay what its trades cost before they happen: on a futures market the fees, out of
   * its general and margin accounts (a spot market checks what a market buy pays instead).
   */
  protected aggressionFundsRefusal(
    o: Order,
    _fills: readonly Fill<Order>[],
    feesTotal: bigint,
    feesError: string,
  ): { error: string; status: 'REJECTED' } | undefined {
    if (feesTotal === 0n) return undefined;
    const g = this.general(o.party)?.balance ?? 0n;
    const m = this.ctx.ledger.get(o.party, 'MARGIN', this.asset, this.id)?.balance ?? 0n;
    return g + m < feesTotal ? { error: feesError, status: 'REJECTED' } : undefined;
  }

  /** The fills of an aggressive order against the book and the AMMs (spec 0090-VAMM), without changing either. */
  protected simulateMatch(o: Order, limit: number, size: number): MatchResult<Order> {
    if (this.amm.engine.size === 0) return this.book.simulate(o.party, o.side, limit, size);
    return simulateWithAmms(this.book, this.amm.engine, o.party, o.side, limit, size, this, (p, n, px) =>
      this.ammOrder(p, n, px, o),
    );
  }

  /** Applies simulated fills: the book's to the book; the AMMs' generated orders join their order volume first. */
  protected applyMatch(fills: readonly Fill<Order>[]): void {
    if (this.amm.engine.size === 0) {
      this.book.apply(fills);
      return;
    }
    for (const f of fills)
      if (f.passive.bookLevel === null) this.positions.registerOrder(f.passive.party, f.passive.side, f.size);
    this.book.apply(bookFills(fills));
  }

  /** The order an AMM generates to trade `size` at `price` (market precision) with `agg`: filled at once, never on the book. */
  protected ammOrder(pool: AmmPool, size: number, price: number, agg: Pick<Order, 'side'>): Order {
    return {
      id: this.ctx.nextId('order'),
      marketId: this.id,
      party: pool.subAccount,
      side: agg.side === 'buy' ? 'sell' : 'buy',
      type: 'LIMIT',
      tif: 'GTC',
      status: 'FILLED',
      price,
      size,
      remaining: 0,
      displayed: 0,
      peakSize: 0,
      minPeakSize: 0,
      reference: `vamm-${pool.subAccount}`,
      createdAt: this.now,
      updatedAt: this.now,
      expiresAt: 0n,
      postOnly: false,
      reduceOnly: false,
      peg: undefined,
      version: 1,
      reason: undefined,
      bookLevel: null,
      bookPos: 0,
    };
  }

  /** Applies a prepared aggression: trades, fees, the aggressor's final status, resting, events. */
  protected commitAggression(o: Order, prep: Aggression): Trade[] {
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
    this.applyMatch(sim.fills);
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
    this.feeTransfers.payContinuous(o.party, fees.perTrade, trades);
    this.emitOrder(o);
    this.confirmTrades(trades, sim.fills);
    if (!this.inAuction) this.checkForReferenceMoves(false);
    return trades;
  }

  protected computeContinuousFees(
    fills: readonly Fill<Order>[],
    taker: string,
  ): { perTrade: FeeBreakdown[]; total: bigint } {
    const f = this.feeFactors();
    let total = 0n;
    const perTrade = fills.map((fl) => {
      const tv = tradeValue(this.toAsset(fl.price), fl.size, this.positionFactor);
      const fee = continuousProgrammeFees(
        this.ctx.programmes,
        continuousFeesOfValue(f, tv),
        taker,
        fl.passive.party,
        tv,
        f,
      );
      total += totalFee(fee);
      return fee;
    });
    return { perTrade, total };
  }

  protected makeTrades(
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
   * handleConfirmation: passive order events, last traded price, trade events, positions, open interest and the
   * settlement queue.
   */
  protected confirmTrades(trades: readonly Trade[], fills: readonly Fill<Order>[] | null): void {
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
    if (!networkTrade) this._lastTradedPrice = trades[trades.length - 1]!.price;
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

  protected recordOpenInterest(): void {
    const oi = this.positions.openInterest();
    const now = this.now;
    this.oiHistory.record(now, oi);
  }
}
