// Stop orders (spec 0014-ORDT stop orders: price and trailing triggers, OCO, expiry) and pegged orders (spec
// 0037-OPEG: repricing on reference moves, parking and unparking).
import { Decimal } from '../num/decimal.ts';
import { StopOrderPool, type StopDirection, type StopOrder } from '../book/stoporders.ts';
import type { Order } from '../book/order.ts';
import type { Side } from '../types.ts';
import type { OrderResult, StopOrderSpec } from '../commands.ts';
import { MarketAmend } from './amend.ts';

export abstract class MarketStopsPegged extends MarketAmend {
  // implemented by later layers
  protected abstract updateMarginsOnSettlement(
    parties: string[],
    slashBonds?: boolean,
    networkLevels?: boolean,
  ): string[];

  // ------------------------------------------------------------------ stop orders

  protected emitStop(st: StopOrder): void {
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
  protected ltpMarket(): bigint | undefined {
    return this.lastTradedPrice === 0n ? undefined : this.toMarketPrice(this.lastTradedPrice);
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
        this.emitStop(l);
      }
      this.endTransaction(false);
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
  protected submitTriggered(st: StopOrder): OrderResult | undefined {
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
  protected triggerStopOrders(): void {
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
  protected expireStopOrders(now: bigint): void {
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

  protected staticBest(side: Side, forPeg = false): number | undefined {
    const s = this.book.side(side);
    let best: number | undefined;
    for (let i = s.levels.length - 1; i >= 0 && best === undefined; i--) {
      for (const o of s.levels[i]!.orders())
        if (!o.peg) {
          best = s.levels[i]!.price;
          break;
        }
    }
    if (this.amm.engine.size === 0) return best;
    // the AMMs' quotes are static prices too (spec 0090-VAMM: pegged orders peg to them)
    const q = this.amm.engine.bestPrices()[side === 'buy' ? 'bid' : 'ask'];
    if (!q) return best;
    // an AMM quotes at asset precision: pegs round its ask up to the market's precision (bids truncate)
    let m = this.toMarketPrice(q.price);
    if (forPeg && side === 'sell' && this.toAsset(m) < q.price) m += 1n;
    const p = Number(m);
    if (best === undefined) return p;
    return side === 'buy' ? Math.max(best, p) : Math.min(best, p);
  }

  /** Sets a pegged order's price from the static book; false when it cannot be priced (parked). */
  protected repricePegged(o: Order): boolean {
    const peg = o.peg!;
    const bid = this.staticBest('buy', true);
    const ask = this.staticBest('sell', true);
    const unit = this.assetPriceUnit;
    const tick = BigInt(this.tickSize);
    let ref: bigint | undefined;
    if (peg.reference === 'BEST_BID') ref = bid === undefined ? undefined : BigInt(bid);
    else if (peg.reference === 'BEST_ASK') ref = ask === undefined ? undefined : BigInt(ask);
    else if (bid !== undefined && ask !== undefined) {
      // static mid in asset precision: buy floor((b + a + pf)/2), sell floor((b + a)/2); to market precision
      const b = this.toAsset(bid);
      const a = this.toAsset(ask);
      const midAsset = o.side === 'buy' ? (b + a + unit) / 2n : (b + a) / 2n;
      ref = this.toMarketPrice(midAsset);
    }
    if (ref === undefined) return false;
    const off = BigInt(peg.offset);
    let price: bigint;
    // rounded to a tick multiple towards the mid; with no offset, a reference off the ticks (an AMM's quote) rounds
    // away from the mid so the order does not cross it
    if (o.side === 'buy') {
      price = ref - off;
      const r = ((price % tick) + tick) % tick;
      if (off === 0n) price -= r;
      else if (r !== 0n) price += tick - r;
      if (price <= 0n) return false;
    } else {
      price = ref + off;
      const r = ((price % tick) + tick) % tick;
      if (off === 0n && r !== 0n) price += tick - r;
      else price -= r;
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
  protected sizeFits(party: string, side: Side, extra: number): boolean {
    const p = this.positions.get(party);
    const held = p ? Math.abs(p.openVolume) + (side === 'buy' ? p.buy : p.sell) : 0;
    return Number.isSafeInteger(held + extra);
  }

  /** Whether a (repriced) pegged order would cross the opposite side of the book. */
  protected wouldCross(o: Order): boolean {
    const oppBest = o.side === 'buy' ? this.book.bestAsk() : this.book.bestBid();
    return oppBest !== undefined && (o.side === 'buy' ? o.price >= oppBest : o.price <= oppBest);
  }

  protected parkPegged(o: Order): void {
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
  protected checkForReferenceMoves(force: boolean): void {
    if (this.pegged.length === 0) return;
    const bid = this.staticBest('buy', true);
    const ask = this.staticBest('sell', true);
    // static mids per side in asset precision, as the pegs use them (buy rounds up, sell down)
    const unit = this.assetPriceUnit;
    const both = bid !== undefined && ask !== undefined;
    const midBuy = both ? Number(this.toMarketPrice((this.toAsset(bid) + this.toAsset(ask) + unit) / 2n)) : undefined;
    const midSell = both ? Number(this.toMarketPrice((this.toAsset(bid) + this.toAsset(ask)) / 2n)) : undefined;
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
}
