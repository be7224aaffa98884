// Auctions (spec 0026-AUCT, 0032-PRIM price monitoring, 0094-PRAC protective auctions): entering price-monitoring and
// long-block auctions, extensions, the indicative uncrossing price, leaving an auction (uncrossing and its trades).
import type { Trade } from '../events.ts';
import { NO_FEES } from '../events.ts';
import { maxBig } from '../num/bigint.ts';
import type { Indicative, UncrossMatch } from '../book/orderbook.ts';
import type { Order } from '../book/order.ts';
import { ammIndicative, ammUncross, type AmmIndicative } from '../amm/auction.ts';
import type { MonitorTrigger } from '../pricing/pricemonitor.ts';
import type { MarkPriceMethod } from '../pricing/mark.ts';
import { auctionFeesPerSide } from '../fees/fees.ts';
import { auctionProgrammeFees } from '../programmes/fees.ts';
import type { FundingDataPoint } from '../products/perpetual.ts';
import type { AuctionTrigger, TradingMode } from '../types.ts';
import { NS } from '../types.ts';
import { MarketStopsPegged } from './stops-pegged.ts';

export abstract class MarketAuction extends MarketStopsPegged {
  // implemented by later layers
  protected abstract cancelMarket(): void;
  protected abstract recalculateFactors(now: bigint): void;
  protected abstract sampleBook(calc: MarkPriceMethod, now: bigint): void;
  protected abstract endMarkCalculation(calc: MarkPriceMethod, now: bigint): void;
  protected abstract emitDataPoint(p: FundingDataPoint | undefined): void;
  protected abstract confirmMTM(skipRecheck?: boolean): void;
  protected abstract checkNetwork(now: bigint): void;
  abstract updateLiquidityFee(): void;
  abstract targetStake(): bigint;

  // ------------------------------------------------------------------ auctions

  indicative(): Indicative | undefined {
    return this.inAuction ? this.book.indicative() : undefined;
  }

  /**
   * The indicative uncrossing of the book, with the AMMs' implied orders when the market has pools (spec 0090-VAMM):
   * volume, price (asset precision) and what the uncrossing needs. Undefined when nothing crosses.
   */
  protected auctionUncrossing(): { volume: number; price: bigint; book?: Indicative; amm?: AmmIndicative } | undefined {
    if (this.amm.engine.size === 0) {
      const ind = this.book.indicative();
      if (!ind) return undefined;
      return { volume: ind.volume, price: (this.toAsset(ind.lo) + this.toAsset(ind.hi)) / 2n, book: ind };
    }
    const amm = ammIndicative(this.book, this.amm.engine, this);
    return amm ? { volume: amm.volume, price: amm.price, amm } : undefined;
  }

  /** Indicative uncrossing price in asset precision (0 when the book does not cross). */
  indicativePrice(): bigint {
    return this.auctionUncrossing()?.price ?? 0n;
  }

  /** Uncrosses the book (and the AMMs) at the indicative price; AMM orders are generated, filled and registered. */
  private uncrossMatches(u: { book?: Indicative; amm?: AmmIndicative }, price: bigint): UncrossMatch<Order>[] {
    if (u.book) return this.book.uncross(u.book);
    const marketPrice = Number(this.toMarketPrice(price));
    return ammUncross(this.book, this.amm.engine, u.amm!, this, (pool, side, size) => {
      this.positions.registerOrder(pool.subAccount, side, size);
      return this.ammOrder(pool, size, marketPrice, { side: side === 'buy' ? 'sell' : 'buy' });
    });
  }

  protected enterPriceAuction(trigger: MonitorTrigger): void {
    trigger.active = false;
    const duration = maxBig(BigInt(trigger.auctionExtension) * NS, this.ctx.params.auctionMinimumDuration);
    this.startAuction('PRICE', 'MONITORING_AUCTION', duration);
  }

  /**
   * A (non-opening) auction starts now for `duration`: the market is suspended, GFN orders are cancelled and pegged
   * orders parked.
   */
  protected startAuction(trigger: AuctionTrigger, mode: TradingMode, duration: bigint): void {
    const now = this.now;
    this._auction = { opening: false, trigger, extensionTrigger: 'UNSPECIFIED', start: now, end: now + duration };
    this.product.auctionStarted(now);
    this._state = 'SUSPENDED';
    this._tradingMode = mode;
    for (const o of [...this.book.allOrders()]) if (o.tif === 'GFN') this.cancel(o, 'CANCELLED', false);
    for (const o of [...this.pegged]) {
      if (o.status === 'PARKED' && o.tif === 'GFN') this.cancel(o, 'CANCELLED', false);
      else if (o.status === 'ACTIVE') this.parkPegged(o);
    }
    this.emitAuction(true);
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
  }

  /** The auction event of the running auction: its start (`started`) or an extension. */
  protected emitAuction(started: boolean): void {
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
    const a = this._auction;
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
    this.endTransaction(false);
  }

  /** Auction checks of OnTick: leave the opening auction or a price auction when due. */
  protected checkAuction(now: bigint): void {
    if (!this.auction) return;
    try {
      this.checkAuctionNow(now);
    } finally {
      // stop orders are evaluated on every tick of an auction, including the one that ends it
      this.triggerStopOrders();
    }
  }

  protected checkAuctionNow(now: bigint): void {
    const a = this._auction;
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
      if (!this.auctionUncrossing()) return;
      this.leaveAuction(now);
      return;
    }
    if (now <= a.end) return;
    // a market suspended by governance stays in its auction until governance resumes it
    if (this.state === 'SUSPENDED_VIA_GOVERNANCE') return;
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

  /**
   * The mark price on leaving an auction (spec 0009-MRKP), and the price-monitoring history restarted from it.
   * Returns false when the candidate mark price put the market straight back into a monitoring auction (then no
   * MTM and no auction-left event follow).
   */
  protected markPriceAfterAuction(wasOpening: boolean, uncrossPrice: bigint, now: bigint): boolean {
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
      if (candidate !== undefined && candidate > 0n) this._markPrice = candidate;
      if (this.markPrice === 0n) this._markPrice = this.lastTradedPrice;
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
          return false;
        }
        this._markPrice = candidate;
        if (candidate !== uncrossPrice) this.priceMonitor.record(candidate, now);
      }
    }
    if (this.markPrice > 0n) this.emit({ type: 'markPrice', marketId: this.id, price: this.markPrice, timestamp: now });
    return true;
  }

  protected leaveAuction(now: bigint): void {
    const a = this.auction!;
    // bonds below their commitment are refilled from general before trading starts
    if (a.opening) this.liquidity.topUpBonds();
    const ind = this.auctionUncrossing();
    const uncrossPrice = ind ? ind.price : 0n;
    const trades: Trade[] = [];
    if (ind) {
      const matches = this.uncrossMatches(ind, uncrossPrice);
      const feeF = this.feeFactors();
      const touched: Order[] = [];
      for (const m of matches) {
        const buy = m.aggressor.side === 'buy';
        const fees = a.opening ? NO_FEES : auctionFeesPerSide(feeF, uncrossPrice, m.size, this.positionFactor);
        const t: Trade = {
          id: this.ctx.nextId('trade'),
          marketId: this.id,
          price: uncrossPrice,
          marketPrice: this.toMarketPrice(uncrossPrice),
          size: m.size,
          buyer: buy ? m.aggressor.party : m.passive.party,
          seller: buy ? m.passive.party : m.aggressor.party,
          aggressor: undefined,
          buyOrder: buy ? m.aggressor.id : m.passive.id,
          sellOrder: buy ? m.passive.id : m.aggressor.id,
          timestamp: now,
          type: 'DEFAULT',
          buyerFee: a.opening
            ? fees
            : auctionProgrammeFees(this.ctx.programmes, fees, buy ? m.aggressor.party : m.passive.party),
          sellerFee: a.opening
            ? fees
            : auctionProgrammeFees(this.ctx.programmes, fees, buy ? m.passive.party : m.aggressor.party),
        };
        trades.push(t);
        if (!touched.includes(m.aggressor)) touched.push(m.aggressor);
        if (!touched.includes(m.passive)) touched.push(m.passive);
      }
      if (!a.opening) this.feeTransfers.payAuction(trades);
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
    this._auction = null;
    this._state = 'ACTIVE';
    this._tradingMode = 'CONTINUOUS';
    if (wasOpening) this.openedAt = now;
    if (!this.markPriceAfterAuction(wasOpening, uncrossPrice, now)) return;
    {
      // the internal composite price at the auction end is an internal funding data point (perpetuals)
      let internal = this.markPrice;
      if (this.internalCalc) {
        const c = this.internalCalc.calculate(now, this.ctx.params.internalCompositePriceUpdateFrequency);
        this.endMarkCalculation(this.internalCalc, now);
        if (c !== undefined && c > 0n) this.internalCalc.price = c;
        if (!this.internalCalc.price) this.internalCalc.price = this.lastTradedPrice;
        internal = this.internalCalc.price;
      }
      if (internal > 0n) this.emitDataPoint(this.product.addInternal(now, internal));
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
    if (wasOpening) {
      const ev = this.product.opened(now);
      if (ev) this.startedFundingPeriod(ev);
    } else this.product.auctionEnded(now);
    this.recalculateFactors(now);
    this.checkNetwork(now);
    this.updateLiquidityFee();
    // the end of the opening auction starts the SLA epoch and the market-value windows; pending provisions apply
    if (wasOpening) this.liquidity.openingAuctionEnded(now, this.markPrice, this.midPrice(), this.targetStake());
  }
}
