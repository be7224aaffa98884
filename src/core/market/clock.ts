// Time (spec 0001-MKTF, 0009-MRKP mark price): ticks (auction ends, expiries, risk-factor refresh) and block end
// (mark price, mark-to-market, stop triggers), the mark-price calculation and its book samples.
import type { Order } from '../book/order.ts';
import { boundFactors } from '../risk/models.ts';
import type { BookFactors, BookView } from '../pricing/composite.ts';
import type { MarkPriceMethod } from '../pricing/mark.ts';
import { markBookView } from '../pricing/mark.ts';
import { NETWORK_PARTY } from '../types.ts';
import { MarketAuction } from './auction.ts';

export abstract class MarketClock extends MarketAuction {
  // ------------------------------------------------------------------ time

  /** OnTick: network disposal, GTT expiry, price monitor time, auction checks. */
  onTick(now: bigint): void {
    // floating-point state variables are recalculated before the market's own tick
    if (now >= this.factorsDueAt) this.recalculateFactors(now);
    if (this.canTrade()) {
      if (this.amm.engine.size > 0) this.amm.onTick();
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
    this.endTransaction(false);
  }

  /** State-variable calculation: price-monitoring bound factors from the current reference prices. */
  protected recalculateFactors(now: bigint): void {
    this.factorsDueAt = now + this.ctx.params.floatingPointUpdatesDelay;
    this.liquidity.recalculatePoT();
    const model = this.cfg.riskModel;
    this.priceMonitor.recalculate(now, (ref, t) => boundFactors(model, ref, t.horizon, t.probability));
  }

  protected removeExpiredOrders(now: bigint): void {
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
    if (calc && (this.nextInternalCalc === 0n || (this.nextInternalCalc <= now && !this.inAuction))) {
      // perpetuals: the internal composite price, on its own schedule, is an internal funding data point
      const prev = calc.price;
      const c = this.inAuction ? undefined : calc.calculate(now, this.ctx.params.markPriceUpdateMaximumFrequency);
      this.endMarkCalculation(calc, now);
      if (c !== undefined && c > 0n) calc.price = c;
      this.nextInternalCalc = now + this.ctx.params.internalCompositePriceUpdateFrequency;
      if ((calc.price !== prev || this.settlement.hasTraded()) && calc.price && !this.inAuction)
        this.emitDataPoint(this.product.addInternal(now, calc.price));
    }
    if (this.nextMTM === 0n || (this.nextMTM <= now && !this.inAuction)) {
      const prev = this.markPrice;
      this.updateMarkPrice(now);
      this.nextMTM = now + this.ctx.params.markPriceUpdateMaximumFrequency;
      if ((this.markPrice !== prev || this.settlement.hasTraded()) && this.markPrice !== 0n && !this.inAuction) {
        // perpetuals without an internal composite price use the mark price as the internal series
        if (!this.internalCalc) this.emitDataPoint(this.product.addInternal(now, this.markPrice));
        this.confirmMTM();
        for (const p of [...this.positions.all()]) {
          if (p.isEmpty() && p.party !== NETWORK_PARTY && !this.settlement.hasPosition(p.party)) {
            this.positions.remove(p.party);
            this.releaseMarginExcess(p.party);
            this.cancelAllStopOrders(p.party);
          }
        }
      }
      // reduce-only AMMs with no position are released at the mark-to-market time (spec 0090-VAMM)
      if (this.amm.engine.size > 0 && !this.inAuction) this.amm.afterMarkToMarket();
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
  protected updateMarkPrice(now: bigint): void {
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
    this._markPrice = candidate;
    this.priceMonitor.record(candidate, now);
    this.emit({ type: 'markPrice', marketId: this.id, price: candidate, timestamp: now });
  }

  /** After a calculation: trades and book samples are dropped and the book is sampled again at now. */
  protected endMarkCalculation(calc: MarkPriceMethod, now: bigint): void {
    calc.endCalculation();
    if (this.inAuction) {
      const ip = this.indicativePrice();
      if (ip > 0n) calc.setBookPriceAt(now, ip);
    } else this.sampleBook(calc, now);
  }

  protected sampleBook(calc: MarkPriceMethod, now: bigint): void {
    if (!calc.samplesBook) return;
    calc.sampleBook(now, this.bookView, this.bookFactors());
  }

  protected bookFactors(): BookFactors {
    return {
      initialMargin: this.cfg.marginScalingFactors.initialMargin,
      linearSlippage: this.cfg.linearSlippageFactor,
      riskFactorLong: this.riskFactors.long,
      riskFactorShort: this.riskFactors.short,
    };
  }

  /** The order book as the book price source sees it (`pricing/mark.ts`). */
  protected readonly bookView: BookView = markBookView(this.book, this.priceFactor, this.priceDivisor);
}
