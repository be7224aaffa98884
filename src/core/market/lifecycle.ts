// Lifecycle (spec 0081-SUCM succession, 0028-GOVE market updates and state changes): inheriting a parent's state,
// rejection, suspension and resumption by governance, and market-parameter updates.
import { markPriceMethod } from '../pricing/mark.ts';
import { riskFactors } from '../risk/models.ts';
import type { MarketConfig } from '../config/market.ts';
import { Decimal } from '../num/decimal.ts';
import type { MarketState, Side, TradingMode } from '../types.ts';
import { NS } from '../types.ts';
import type { MarketChanges } from '../commands.ts';
import { MarketProducts } from './products.ts';
import type { SuccessionState } from './types.ts';

export abstract class MarketLifecycle extends MarketProducts {
  // ------------------------------------------------------------------ succession (spec 0081-SUCM)

  /** What a successor inherits from this market: its state, LP equity-like shares and current traded value. */
  successionState(): SuccessionState {
    return { state: this.state, ...this.liquidity.successionState() };
  }

  /** Takes over the parent's LP state before a tick of the opening auction (nothing while the parent is pending). */
  inheritParent(parent: SuccessionState): void {
    if (parent.state === 'PENDING') return;
    this.liquidity.inheritParent(parent.shares, parent.tradeValue);
  }

  /** The opening auction goes on: the inherited state is undone. */
  rollbackInheritance(): void {
    if (this.state === 'PENDING') this.liquidity.rollbackInheritance();
  }

  /** The parent is gone for good: this market is a market like any other. */
  forgetParent(): void {
    this._parentMarketId = undefined;
    this._insurancePoolFraction = Decimal.ZERO;
  }

  /**
   * Another successor of the same parent left its opening auction first (spec 0081-SUCM-005/011): every order is
   * stopped, provisions stopped, margins and bonds returned to general accounts, the insurance pool moved to the
   * global pool, and the market is rejected.
   */
  rejectMarket(): void {
    if (!this.closed) this.closeUnsettled('REJECTED');
  }

  /** The market insurance pool goes to the asset's global insurance pool. */
  clearInsurancePool(): void {
    this.clearing.clearInsurancePool();
  }

  /**
   * Governance market state update (spec 0043-MKTL): TERMINATE settles at the given price (market precision),
   * SUSPEND starts a governance auction, RESUME ends it.
   */
  updateState(kind: 'TERMINATE' | 'SUSPEND' | 'RESUME', settlementPrice?: bigint): string | undefined {
    const now = this.now;
    if (kind === 'TERMINATE') {
      if (this.closed) return 'market is closed';
      if (this.state !== 'PENDING' && settlementPrice === undefined) return 'settlement price required';
      if (settlementPrice !== undefined && !this.settlementWithinCap(this.toAsset(settlementPrice)))
        return 'settlement data is outside of the price cap';
      if (this.auction && !this.auction.opening) this.uncrossNow(now);
      this.terminate(settlementPrice === undefined ? undefined : this.toAsset(settlementPrice));
      return undefined;
    }
    if (kind === 'SUSPEND') {
      if (!this.canTrade()) return 'market cannot be suspended';
      if (this.state === 'SUSPENDED_VIA_GOVERNANCE') return undefined;
      this.suspendedFrom = { state: this.state, mode: this.tradingMode };
      if (this._auction) {
        this._auction.end += this.ctx.params.auctionMinimumDuration;
      } else {
        this._auction = {
          opening: false,
          trigger: 'GOVERNANCE_SUSPENSION',
          extensionTrigger: 'UNSPECIFIED',
          start: now,
          end: now,
        };
        this.product.auctionStarted(now);
        for (const o of [...this.book.allOrders()]) if (o.tif === 'GFN') this.cancel(o, 'CANCELLED', false);
        for (const o of [...this.pegged]) if (o.status === 'ACTIVE') this.parkPegged(o);
      }
      this._state = 'SUSPENDED_VIA_GOVERNANCE';
      this._tradingMode = 'SUSPENDED_VIA_GOVERNANCE';
      this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
      this.endTransaction(false);
      return undefined;
    }
    if (this.state !== 'SUSPENDED_VIA_GOVERNANCE') return 'market is not suspended';
    const from = this.suspendedFrom;
    this.suspendedFrom = undefined;
    if (this.auction?.trigger === 'GOVERNANCE_SUSPENSION') {
      this.leaveAuction(now);
    } else {
      this._state = from?.state ?? 'ACTIVE';
      this._tradingMode = from?.mode ?? 'CONTINUOUS';
      this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
      this.checkAuction(now);
    }
    this.endTransaction(false);
    return undefined;
  }

  protected suspendedFrom: { state: MarketState; mode: TradingMode } | undefined;

  /** Uncross a running (non-opening) auction now, before a governance termination. */
  protected uncrossNow(now: bigint): void {
    this.leaveAuction(now);
  }

  /** Perpetual product data as of now: TWAPs, funding payment and rate (undefined before both series have data). */
  productData():
    | {
        internalTwap: bigint;
        externalTwap: bigint;
        fundingPayment?: bigint;
        fundingRate?: string;
        internalCompositePrice: bigint;
      }
    | undefined {
    const f = this.product.fundingEstimate(this.now);
    if (!f) return undefined;
    return {
      ...f,
      internalCompositePrice: this.internalCalc ? (this.internalCalc.price ?? 0n) : this.markPrice,
    };
  }

  // ------------------------------------------------------------------ governance

  /**
   * Market update (spec 0028-GOVE update market): slippage factors, risk model, price monitoring, target stake,
   * SLA, liquidity fee method, liquidation strategy, tick size. A new risk model gives new risk factors at once;
   * new price-monitoring triggers start from the default factors until the next calculation.
   */
  update(changes: MarketChanges): void {
    if (changes.product && changes.product.kind !== this.cfg.product.kind)
      throw new RangeError("product: cannot change a market's product kind");
    const next: MarketConfig = { ...this.cfg, ...changes };
    if (changes.liquidationStrategy && this.networkNextStep !== 0n) {
      // the next disposal keeps its anchor, the last one: last step time + the new time step
      const last = this.networkNextStep - BigInt(this.cfg.liquidationStrategy.disposalTimeStep) * NS;
      this.networkNextStep = last + BigInt(changes.liquidationStrategy.disposalTimeStep) * NS;
    }
    this.cfg = next;
    if (changes.riskModel) this.riskFactors = riskFactors(next.riskModel);
    if (changes.product) {
      this.product.update(next.product);
      this.marginModel = this.chooseMarginModel(next);
    }
    // a new mark-price configuration forgets every source value (trades, book samples and the price are kept)
    if (changes.markPrice) this.markCalc = markPriceMethod(next.markPrice, this.assetDecimals, this.markCalc);
    if (changes.priceMonitoringTriggers || changes.riskModel)
      this.priceMonitor.updateTriggers(
        next.priceMonitoringTriggers,
        this.auction !== null && !this.auction.opening && this.auction.trigger === 'PRICE',
      );
    if (changes.tickSize !== undefined) {
      if (changes.tickSize > BigInt(Number.MAX_SAFE_INTEGER) || changes.tickSize <= 0n)
        throw new RangeError('tickSize: must be a positive safe integer');
      this._tickSize = Number(changes.tickSize);
    }
    // the liquidity engine's probability table follows the new risk model / price monitoring
    if (changes.riskModel || changes.priceMonitoringTriggers) this.liquidity.resetPoT();
    this.updateLiquidityFee();
    // new SLA parameters take effect at the next epoch start, at once during the opening auction
    if (changes.sla && this.auction?.opening) this.liquidity.updateSlaParameters(next.sla);
    this.emit({ type: 'marketUpdated', marketId: this.id, liquidityFee: this.liquidityFee.toString() });
  }

  /**
   * The volume-weighted price (asset precision, floored) at which `volume` would fill against one side of the book,
   * best price first; undefined when the side holds less volume.
   */
  fillPrice(volume: number, side: Side): bigint | undefined {
    let left = BigInt(volume);
    let notional = 0n;
    const book = this.book.side(side);
    for (let i = book.levels.length - 1; i >= 0 && left > 0n; i--) {
      const l = book.levels[i]!;
      const take = BigInt(l.volume) < left ? BigInt(l.volume) : left;
      notional += take * this.toAsset(l.price);
      left -= take;
    }
    if (left > 0n || volume <= 0) return undefined;
    return notional / BigInt(volume);
  }
}
