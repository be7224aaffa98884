// A spot market (spec 0080-SPOT): a base asset bought and sold for a quote asset, for immediate delivery. No margin,
// no positions, no mark-to-market (spot/trading.ts holds the collateral side of the order flows). This last layer
// adds what differs in auctions (fee cover on entry, spot uncrossing, fee release on exit), stop orders (no position
// to close), liquidity (penalties to the network treasury, target stake from the supplied stake) and the block end.
import type { Trade } from '../events.ts';
import { NO_FEES } from '../events.ts';
import { Decimal } from '../num/decimal.ts';
import type { Order } from '../book/order.ts';
import { auctionFeesPerSide } from '../fees/fees.ts';
import { NS, SYSTEM_OWNER } from '../types.ts';
import type { AuctionTrigger, TradingMode } from '../types.ts';
import type { Position } from '../positions/positions.ts';
import { StopOrderPool, type StopDirection, type StopOrder } from '../book/stoporders.ts';
import type { OrderResult, StopOrderSpec } from '../commands.ts';
import type { MarketConfig } from '../config/market.ts';
import { SpotProductImpl, type Product } from '../products/product.ts';
import { NoMarginModel, type MarginModel } from '../risk/margin-model.ts';
import { SpotTrading } from './trading.ts';

export {
  SPOT_INSUFFICIENT,
  SPOT_INSUFFICIENT_MARKET_ORDER,
  SPOT_INSUFFICIENT_NEW_SIZE,
  type SpotAssets,
} from './trading.ts';

export class SpotMarket extends SpotTrading {
  // ------------------------------------------------------------------ auctions

  /** Entering an auction: resting buy orders put their auction fees aside, or are cancelled (0080-SPOT-016/017). */
  protected override startAuction(trigger: AuctionTrigger, mode: TradingMode, duration: bigint): void {
    super.startAuction(trigger, mode, duration);
    const cancel: Order[] = [];
    for (const party of [...this.parties].sort()) {
      for (const o of this.partyOrders(party)) {
        if (o.side !== 'buy' || o.status !== 'ACTIVE') continue;
        const fee = this.feeFor(this.toAsset(o.price), o.remaining);
        if (fee === 0n) continue;
        if (this.balance(party, this.quoteAsset) < fee) cancel.push(o);
        else this.holdings.lockFee(o.id, party, this.quoteAsset, fee);
      }
    }
    for (const o of cancel) this.cancel(o, 'CANCELLED', false);
  }

  /**
   * Leaving an auction: the uncrossing trades settle as spot trades (no fees in the opening auction, half each
   * otherwise), GFA orders are cancelled, buy orders left on the book release their fee cover (0080-SPOT-020), then
   * the mark price and price monitoring restart as in the market's own flow (market/auction.ts), without
   * mark-to-market.
   */
  protected override leaveAuction(now: bigint): void {
    const a = this.auction!;
    if (a.opening) this.liquidity.topUpBonds();
    else this.refreshAuctionFees();
    const ind = this.book.indicative();
    const uncrossPrice = ind ? (BigInt(ind.lo) * this.priceFactor + BigInt(ind.hi) * this.priceFactor) / 2n : 0n;
    if (ind) {
      // an iceberg refreshed during the uncrossing trades once with the same counterparty, not once per refresh
      const matches: { aggressor: Order; passive: Order; size: number }[] = [];
      for (const m of this.book.uncross(ind)) {
        const last = matches[matches.length - 1];
        if (last && last.aggressor === m.aggressor && last.passive === m.passive) last.size += m.size;
        else matches.push({ aggressor: m.aggressor, passive: m.passive, size: m.size });
      }
      const feeF = this.feeFactors();
      const trades: Trade[] = [];
      const touched: Order[] = [];
      for (const m of matches) {
        const buy = m.aggressor.side === 'buy';
        const fees = a.opening ? NO_FEES : auctionFeesPerSide(feeF, uncrossPrice, m.size, this.positionFactor);
        trades.push({
          id: this.ctx.nextId('trade'),
          marketId: this.id,
          price: uncrossPrice,
          marketPrice: uncrossPrice / this.priceFactor,
          size: m.size,
          buyer: buy ? m.aggressor.party : m.passive.party,
          seller: buy ? m.passive.party : m.aggressor.party,
          aggressor: undefined,
          buyOrder: buy ? m.aggressor.id : m.passive.id,
          sellOrder: buy ? m.passive.id : m.aggressor.id,
          timestamp: now,
          type: 'DEFAULT',
          buyerFee: fees,
          sellerFee: fees,
        });
        if (!touched.includes(m.aggressor)) touched.push(m.aggressor);
        if (!touched.includes(m.passive)) touched.push(m.passive);
      }
      this.confirmTrades(trades, null);
      for (const o of touched) {
        if (o.remaining === 0) {
          o.status = 'FILLED';
          this.dropOrder(o);
          this.holdings.releaseAll(o.id);
        }
        o.updatedAt = now;
        this.emitOrder(o);
      }
    }
    for (const o of [...this.book.allOrders()]) if (o.tif === 'GFA') this.cancel(o, 'CANCELLED', false);
    const wasOpening = a.opening;
    if (!wasOpening) this.releaseAuctionFees();
    this._auction = null;
    this._state = 'ACTIVE';
    this._tradingMode = 'CONTINUOUS';
    if (wasOpening) this.openedAt = now;
    if (!this.markPriceAfterAuction(wasOpening, uncrossPrice, now)) return;
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
    this.nextMTM = now + this.ctx.params.markPriceUpdateMaximumFrequency;
    this.recalculateFactors(now);
    this.updateLiquidityFee();
    if (wasOpening) this.liquidity.openingAuctionEnded(now, this.markPrice, this.midPrice(), this.targetStake());
  }

  /**
   * At the uncrossing of a (non-opening) auction the fee cover of every buy order is recalculated with the fee
   * factors of now: the difference is put aside or released, and an order whose party cannot cover an increase is
   * cancelled (0080-SPOT-021).
   */
  private refreshAuctionFees(): void {
    const cancel: Order[] = [];
    for (const party of [...this.parties].sort()) {
      for (const o of this.partyOrders(party)) {
        if (o.side !== 'buy' || o.status !== 'ACTIVE') continue;
        const held = this.holdings.current(o.id).fee;
        const fee = this.feeFor(this.toAsset(o.price), o.remaining);
        if (fee > held) {
          if (this.balance(party, this.quoteAsset) < fee - held) cancel.push(o);
          else this.holdings.lockFee(o.id, party, this.quoteAsset, fee - held);
        } else if (fee < held) this.holdings.release(o.id, 0n, held - fee);
      }
    }
    for (const o of cancel) this.cancel(o, 'CANCELLED', false);
  }

  /** Leaving a (non-opening) auction: buy orders still on the book release their fee cover (0080-SPOT-020). */
  releaseAuctionFees(): void {
    for (const party of [...this.parties].sort()) {
      for (const o of this.partyOrders(party))
        if (o.side === 'buy' && o.status === 'ACTIVE') this.holdings.releaseFee(o.id);
    }
  }

  // ------------------------------------------------------------------ variants (chosen at construction)

  /** The spot product: no settlement data, no termination by oracle, no funding. */
  protected override chooseProduct(_cfg: MarketConfig): Product {
    return new SpotProductImpl();
  }

  /** No margin: orders are covered by holdings (spot/trading.ts). */
  protected override chooseMarginModel(_cfg: MarketConfig): MarginModel {
    return new NoMarginModel();
  }

  // ------------------------------------------------------------------ stop orders

  /**
   * Stop orders on spot (spec 0014-ORDT): as on other markets, but with no position to close: a leg needs the
   * party's general account in the base asset (and in the quote asset for a buy), no reduce-only flag, and no size
   * override (there is no position to take a fraction of).
   */
  override submitStopOrders(party: string, fallsBelow?: StopOrderSpec, risesAbove?: StopOrderSpec): OrderResult {
    const now = this.now;
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
      sizeOverride: undefined,
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
    const legs = [fb, ra].filter((l): l is StopOrder => l !== undefined);
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
    const l = this.ctx.ledger;
    for (const leg of legs) {
      if (leg.expiresAt !== undefined && leg.expiresAt < now) return finish('stop order expiry in the past');
      if (
        (leg.submission.side === 'buy' && !l.get(party, 'GENERAL', this.quoteAsset)) ||
        !l.get(party, 'GENERAL', this.baseAsset)
      )
        return finish('stop order submission not closing the position');
    }
    if ([fallsBelow, risesAbove].some((s) => s?.sizeOverride))
      return finish('stop order size override is not supported on spot markets');
    if (fb && ra && fb.expiresAt !== undefined && fb.expiresAt === ra.expiresAt)
      return finish('stop order OCOs must not have the same expiry time');
    if (this.stopPool.countFor(party) + legs.length > this.ctx.params.maxStopOrdersPerMarket)
      return finish('max stop orders per party reached');
    const ltp = this.ltpMarket();
    const firing = this.inAuction ? undefined : legs.find((leg) => StopOrderPool.firesAt(leg, ltp));
    if (!firing) return finish();
    firing.status = 'TRIGGERED';
    for (const leg of legs) if (leg !== firing) leg.status = 'STOPPED';
    const result = this.submitTriggered(firing);
    this.triggerStopOrders();
    return finish(undefined, result ?? { trades: [] });
  }

  // ------------------------------------------------------------------ no margin, no positions, no settlement

  /**
   * What the liquidity engine sees: as the market's own view, except that a spot market has no insurance pool, so
   * bond and fee penalties go to the network treasury of the quote asset. (Called from the base constructor: only
   * the context is read here.)
   */
  protected override liquidityHost() {
    const host = super.liquidityHost();
    return { ...host, insurance: () => this.ctx.ledger.getOrCreate(SYSTEM_OWNER, 'NETWORK_TREASURY', this.asset) };
  }

  protected override releaseMarginExcess(_party: string): void {}
  protected override confirmMTM(): void {}
  protected override recheckMargins(): void {}
  protected override recheckMargin(_pos: Position): void {}
  protected override updateMarginsOnSettlement(_parties: string[]): string[] {
    return [];
  }

  /** Block end: book samples and the mark price (no mark-to-market), then the SLA check. */
  override onBlockEnd(): void {
    const now = this.now;
    if (!this.canTrade()) return;
    if (!this.inAuction) this.sampleBook(this.markCalc, now);
    if (this.nextMTM === 0n || (this.nextMTM <= now && !this.inAuction)) {
      this.updateMarkPrice(now);
      this.nextMTM = now + this.ctx.params.markPriceUpdateMaximumFrequency;
    }
    this.flushMargins();
    this.recordTotalStake(now);
    this.liquidity.onBlockEnd(this.markPrice, this.midPrice());
  }

  // ------------------------------------------------------------------ target stake (spec 0041-TSTK, spot)

  /** Total supplied stake recorded at block ends: the largest per block time, oldest first. */
  private readonly stakeHistory: { t: bigint; stake: bigint }[] = [];

  private recordTotalStake(now: bigint): void {
    const stake = this.suppliedStake();
    const last = this.stakeHistory[this.stakeHistory.length - 1];
    if (last && last.t === now) {
      if (stake > last.stake) last.stake = stake;
    } else this.stakeHistory.push({ t: now, stake });
    // records older than the window are never needed again (the latest one always counts)
    const from = now - BigInt(this.cfg.targetStake.timeWindow) * NS;
    while (this.stakeHistory.length > 1 && this.stakeHistory[0]!.t < from) this.stakeHistory.shift();
  }

  /**
   * Target stake of a spot market: the scaling factor times the largest total supplied stake recorded over the
   * time window (the latest record always counts), truncated. As Vega's calculator does when asked, records that
   * have left the window are dropped (a later, longer window does not bring them back).
   */
  override targetStake(): bigint {
    const from = this.now - BigInt(this.cfg.targetStake.timeWindow) * NS;
    const h = this.stakeHistory;
    while (h.length > 1 && h[0]!.t < from) h.shift();
    let max = 0n;
    for (const r of h) if (r.stake > max) max = r.stake;
    return Decimal.fromBigInt(max).mul(this.cfg.targetStake.scalingFactor).trunc();
  }

  override hashParts(): string[] {
    return [
      ...super.hashParts(),
      ...this.holdings.hashParts().map((h) => `h ${h}`),
      ...this.stakeHistory.map((r) => `ts ${r.t} ${r.stake}`),
    ];
  }
}
