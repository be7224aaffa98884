// Amend and cancel (spec 0004-AMND amends, 0033-OCAN cancellations): amending price, size, time in force and
// pegs in place or by cancel-replace, cancelling one order or all of a party's.
import { snapshot, type Order } from '../book/order.ts';
import { Position } from '../positions/positions.ts';
import type { TimeInForce } from '../types.ts';
import { OrderRejection, pegError, type OrderAmendment, type OrderResult } from '../commands.ts';
import { MarketEntry } from './entry.ts';
import type { IsolatedPlan } from './internal.ts';

/** Vega's reason when an amended order would trade and its party cannot pay the fees. */
const AMEND_FEES_ERROR = 'party has insufficient funds to cover fees';

export abstract class MarketAmend extends MarketEntry {
  // implemented by later layers
  protected abstract recheckMargin(pos: Position): void;
  protected abstract wouldCross(o: Order): boolean;

  // ------------------------------------------------------------------ amend and cancel

  amendOrder(a: OrderAmendment): OrderResult {
    try {
      return this.amend(a);
    } catch (e) {
      if (e instanceof OrderRejection) return { trades: [], error: e.message };
      throw e;
    } finally {
      this.endTransaction(true);
    }
  }

  protected amend(a: OrderAmendment): OrderResult {
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
    this.noteExpiry(o);
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
      const prep = this.prepareAggression(o, newPrice, newRemaining, 0, AMEND_FEES_ERROR);
      if ('error' in prep) {
        if (o.side === 'buy') pos.buy -= delta;
        else pos.sell -= delta;
        throw new OrderRejection(
          prep.error === 'margin check failed' || prep.error === AMEND_FEES_ERROR
            ? prep.error
            : "couldn't insert order in book",
        );
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
      const trades = this.commitAggression(o, prep);
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

  protected amendPegged(
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
    this.noteExpiry(o);
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
      this.endTransaction(false);
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
      this.endTransaction(false);
    }
  }

  /** Takes a live order off the book (or parked list) and out of the position's potential volume. */
  protected removeLive(o: Order): void {
    if (o.status === 'ACTIVE') {
      this.book.remove(o);
      this.positions.unregisterOrder(o.party, o.side, o.remaining);
    }
    this.dropOrder(o);
  }

  protected cancel(o: Order, status: 'CANCELLED' | 'STOPPED' | 'EXPIRED', after = true): void {
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
}
