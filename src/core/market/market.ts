// One market (spec 0001-MKTF market framework, 0008-TRAD trading workflow): the concrete class, with the market-data
// queries. Its behaviour is layered in the flow files of this folder (base → margins → entry → amend → stops-pegged
// → auction → clock → settle → liquidity → products → lifecycle → market).
// Transactions (submit, amend, cancel, liquidity provision) change positions but never settle: the mark price,
// mark-to-market, margin search/release and close-outs run at block end (and when an auction is left), as in Vega.
import { snapshot, type Order } from '../book/order.ts';
import type { DepthLevel } from '../book/orderbook.ts';
import type { MarketConfig } from '../config/market.ts';
import type { Trade } from '../events.ts';
import { tradeValue } from '../fees/fees.ts';
import type { Decimal } from '../num/decimal.ts';
import type { Position } from '../positions/positions.ts';
import type { LiquidityProvision, LpFeeShare, LpSlaStats } from '../liquidity/types.ts';
import { ZERO_MARGIN, type MarginLevels } from '../risk/margin.ts';
import type { Side } from '../types.ts';
import { MarketLifecycle } from './lifecycle.ts';
import type { MarketData } from './types.ts';
import type { CommandResult } from '../commands.ts';
import type { AmmAmendment, AmmCancellation, AmmSubmission } from '../amm/engine.ts';
import { AmmError, type AmmPoolView } from '../amm/pool.ts';

export class Market extends MarketLifecycle {
  // ------------------------------------------------------------------ market data

  marketData(): MarketData {
    const now = this.now;
    // the AMMs quote into the best prices and volumes (spec 0090-VAMM)
    const amm = this.amm.engine.size === 0 ? undefined : this.amm.engine.bestPrices();
    const withAmm = (side: Side, book: number | undefined) => {
      const q = side === 'buy' ? amm?.bid : amm?.ask;
      if (!q) return book;
      const p = Number(this.toMarketPrice(q.price));
      if (book === undefined) return p;
      return side === 'buy' ? Math.max(book, p) : Math.min(book, p);
    };
    const volumeAt = (side: Side, price: number) => {
      const q = side === 'buy' ? amm?.bid : amm?.ask;
      // an AMM quotes at asset precision: its price shows truncated to the market's precision
      const own = q && this.toMarketPrice(q.price) === BigInt(price) ? Number(q.volume) : 0;
      return this.book.volumeAt(side, price) + own;
    };
    const bb = withAmm('buy', this.book.bestBid());
    const ba = withAmm('sell', this.book.bestAsk());
    const sbb = withAmm('buy', this.staticBest('buy'));
    const sba = withAmm('sell', this.staticBest('sell'));
    const mid = (b: number | undefined, a: number | undefined) =>
      b === undefined || a === undefined ? 0n : (this.toAsset(b) + this.toAsset(a)) / 2n;
    const staticVolume = (side: Side, price: number | undefined) => {
      if (price === undefined) return 0;
      let v = 0;
      for (const o of this.book.side(side).level(price)?.orders() ?? []) if (!o.peg) v += o.remaining;
      const q = side === 'buy' ? amm?.bid : amm?.ask;
      if (q && this.toMarketPrice(q.price) === BigInt(price)) v += Number(q.volume);
      return v;
    };
    const ind = this.inAuction ? this.auctionUncrossing() : undefined;
    const bounds = this.priceMonitor.allBounds(now);
    const funding = this.product.fundingView();
    return {
      marketId: this.id,
      markPrice: this.markPrice,
      lastTradedPrice: this.lastTradedPrice,
      bestBidPrice: bb === undefined ? 0n : this.toAsset(bb),
      bestBidVolume: bb === undefined ? 0 : volumeAt('buy', bb),
      bestOfferPrice: ba === undefined ? 0n : this.toAsset(ba),
      bestOfferVolume: ba === undefined ? 0 : volumeAt('sell', ba),
      bestStaticBidPrice: sbb === undefined ? 0n : this.toAsset(sbb),
      bestStaticBidVolume: staticVolume('buy', sbb),
      bestStaticOfferPrice: sba === undefined ? 0n : this.toAsset(sba),
      bestStaticOfferVolume: staticVolume('sell', sba),
      midPrice: mid(bb, ba),
      staticMidPrice: mid(sbb, sba),
      openInterest: this.positions.openInterest(),
      indicativePrice: ind ? ind.price : 0n,
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
      ...(funding
        ? {
            perpetual: {
              internalCompositePrice: this.internalCalc ? (this.internalCalc.price ?? 0n) : this.markPrice,
              internalCompositePriceType: this.internalCalc?.cfg.type ?? this.cfg.markPrice.type,
              internalCompositePriceSources: this.internalCalc?.sources() ?? [],
              nextInternalCompositePriceCalc: this.internalCalc ? this.nextInternalCalc : this.nextMTM,
              ...funding,
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

  // ------------------------------------------------------------------ AMMs (spec 0090-VAMM)

  submitAmm(s: AmmSubmission): CommandResult {
    return this.ammCommand(() => {
      const pool = this.amm.submitAmm(s);
      this.parties.add(pool.subAccount);
    });
  }

  amendAmm(a: AmmAmendment): CommandResult {
    return this.ammCommand(() => void this.amm.amend(a));
  }

  cancelAmm(c: AmmCancellation): CommandResult {
    return this.ammCommand(() => this.amm.cancel(c));
  }

  private ammCommand(fn: () => void): CommandResult {
    try {
      fn();
      // the pools' quotes are pegged orders' references too
      if (!this.inAuction) this.checkForReferenceMoves(false);
      return {};
    } catch (e) {
      if (e instanceof AmmError) return { error: e.message };
      throw e;
    } finally {
      this.endTransaction(true);
    }
  }

  /** A party's AMM on this market (live, or the last state of an ended one). */
  ammPool(owner: string): AmmPoolView | undefined {
    return this.amm.pool(owner)?.view();
  }

  // ------------------------------------------------------------------ queries (what clients and the exchange read)

  /** Best bid in market precision (pegged orders included); undefined when the side is empty. */
  bestBid(): number | undefined {
    return this.book.bestBid();
  }

  /** Best ask in market precision (pegged orders included); undefined when the side is empty. */
  bestAsk(): number | undefined {
    return this.book.bestAsk();
  }

  /**
   * One side's price levels (market precision) with their volume (iceberg hidden volume included), sorted with the
   * best level last: a read-only view of the book, not a copy, so a client reading the top few levels allocates
   * nothing.
   */
  depthLevels(side: Side): readonly DepthLevel[] {
    return this.book.side(side).levels;
  }

  /**
   * A party's position in this market (open volume, live buy and sell order sizes, average entry price), read-only;
   * undefined when the party never traded or ordered here.
   */
  position(party: string): Readonly<Position> | undefined {
    return this.positions.get(party);
  }

  /** The market's current configuration (after any governance changes), read-only. */
  configView(): Readonly<MarketConfig> {
    return this.cfg;
  }

  /** Volume on the side opposite to `side` that an order of `side` limited at `price` could trade against. */
  availableVolume(side: Side, price: number): number {
    return this.book.availableVolume(side, price);
  }

  /** Every live order (on the book or parked), in registry order; read-only. */
  liveOrders(): IterableIterator<Readonly<Order>> {
    return this.orders.values();
  }

  /** A live order by id, read-only; undefined when it is not live. */
  liveOrder(id: string): Readonly<Order> | undefined {
    return this.orders.get(id);
  }

  /** Every order resting on the book (bids then asks), read-only. */
  bookOrders(): Iterable<Readonly<Order>> {
    return this.book.allOrders();
  }

  /** Every position held here (empty ones included until removed), read-only. */
  allPositions(): Iterable<Readonly<Position>> {
    return this.positions.all();
  }

  /** Open interest: the sum of the long open volumes. */
  openInterest(): number {
    return this.positions.openInterest();
  }

  /** The balance of this market's insurance pool (asset precision). */
  insuranceBalance(): bigint {
    return this.insurance.balance;
  }

  /** Liquidity providers' equity-like shares, average entry valuations, scores and virtual stakes. */
  lpFeeShares(): LpFeeShare[] {
    return this.liquidity.feeShares();
  }

  /** Liquidity providers' SLA statistics (current and last fractions, penalties). */
  lpSlaStats(): LpSlaStats[] {
    return this.liquidity.slaStats();
  }

  /** Liquidity provisions in force, then the pending ones (amendments and new commitments), read-only. */
  liquidityProvisions(): { active: Readonly<LiquidityProvision>[]; pending: Readonly<LiquidityProvision>[] } {
    return { active: [...this.liquidity.provisions.values()], pending: [...this.liquidity.pending.values()] };
  }

  /** Number of live orders (on the book or parked). */
  liveOrderCount(): number {
    return this.orders.size;
  }

  /** A live order's status; undefined when the order is not live (filled, cancelled, expired or unknown). */
  liveOrderStatus(id: string): Order['status'] | undefined {
    return this.orders.get(id)?.status;
  }

  /** Number of pegged orders on the book (parked ones not counted). */
  activePeggedOrderCount(): number {
    let n = 0;
    for (const o of this.orders.values()) if (o.peg && o.status === 'ACTIVE') n++;
    return n;
  }

  /** Each party's open notional in asset units (|open volume| × mark price), for the activity streaks (0086-ASPR). */
  openNotionals(): Map<string, Decimal> {
    const out = new Map<string, Decimal>();
    for (const p of this.positions.all())
      if (p.openVolume !== 0) out.set(p.party, tradeValue(this.markPrice, Math.abs(p.openVolume), this.positionFactor));
    return out;
  }

  /** A trade's value in asset units (price × size / position factor), as the fees see it. */
  tradeValueOf(t: Trade): Decimal {
    return tradeValue(t.price, t.size, this.positionFactor);
  }

  /** Number of parties with a non-zero open volume. */
  openPositionCount(): number {
    let n = 0;
    for (const p of this.positions.all()) if (p.openVolume !== 0) n++;
    return n;
  }

  /**
   * This market's part of the exchange's state hash: its state line, then the order registry (live orders by id),
   * the book's levels and the positions, each contributing its own lines.
   */
  hashParts(): string[] {
    const a = this.auction;
    const parts = [
      `market ${this.id} ${this.state} ${this.tradingMode} mark=${this.markPrice} last=${this.lastTradedPrice} auction=${a ? `${a.start}-${a.end}` : '-'} parent=${this.parentMarketId ?? '-'} succeeded=${this.succeeded}`,
    ];
    const orders = [...this.orders.values()].sort((x, y) => (x.id < y.id ? -1 : 1));
    for (const o of orders) {
      const s = snapshot(o);
      parts.push(
        `o ${s.id} ${s.party} ${s.side} ${s.status} ${s.price} ${s.size} ${o.remaining} ${s.remaining} ${s.tif} ${s.expiresAt}`,
      );
    }
    for (const l of this.book.hashParts()) parts.push(l);
    for (const l of this.positions.hashParts()) parts.push(l);
    for (const l of this.amm.hashParts()) parts.push(l);
    // another family's funding state (the margin-fraction TWAP accumulator); Vega's product adds nothing
    for (const l of this.product.hashParts?.() ?? []) parts.push(l);
    return parts;
  }
}
