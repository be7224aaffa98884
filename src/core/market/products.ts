// Products (spec 0016-PFUT futures, 0053-PERP perpetuals, 0045-DSRC oracle data): oracle data, funding periods
// and funding exchange, trading termination, final settlement and closing the market.
import { Decimal } from '../num/decimal.ts';
import type { FundingData, FundingDataPoint, FundingPeriodEvent } from '../products/perpetual.ts';
import { scaleToAsset, specMatches, type OracleData } from '../products/oracle.ts';
import type { ProductSignal } from '../products/product.ts';
import { NS } from '../types.ts';
import { MarketLiquidity } from './liquidity.ts';
import { networkMarginEvent } from './settle.ts';

export abstract class MarketProducts extends MarketLiquidity {
  // implemented by later layers
  abstract clearInsurancePool(): void;

  // ------------------------------------------------------------------ products: oracles, funding, settlement

  /** A data point of a started funding period (points before the first period are announced when it starts). */
  protected emitDataPoint(p: FundingDataPoint | undefined): void {
    if (!p || !this.product.fundingStarted) return;
    this.emit({
      type: 'fundingDataPoint',
      marketId: this.id,
      seq: p.seq,
      source: p.source === 'internal' ? 'INTERNAL' : 'EXTERNAL',
      price: p.price,
      timestamp: p.t,
      twap: p.twap,
    });
  }

  /** A period started: its event, then its (carried) data points. */
  protected startedFundingPeriod(ev: FundingPeriodEvent): void {
    this.emitFundingPeriod(ev);
    for (const p of this.product.periodPoints()) this.emitDataPoint(p);
  }

  protected emitFundingPeriod(ev: FundingPeriodEvent): void {
    this.emit({
      type: 'fundingPeriod',
      marketId: this.id,
      seq: ev.seq,
      start: ev.start,
      ...(ev.end !== undefined ? { end: ev.end } : {}),
      ...(ev.payment !== undefined ? { fundingPayment: ev.payment } : {}),
      ...(ev.rate !== undefined ? { fundingRate: ev.rate } : {}),
      ...(ev.internalTwap !== undefined ? { internalTwap: ev.internalTwap } : {}),
      ...(ev.externalTwap !== undefined ? { externalTwap: ev.externalTwap } : {}),
    });
  }

  /**
   * Oracle data: the settlement-data spec is served first, then the termination (futures) or schedule
   * (perpetuals) spec, as Vega subscribes them. Throws OracleError when a condition's value cannot be parsed.
   */
  onOracleData(data: OracleData): void {
    if (this.closed) return;
    const p = this.cfg.product;
    if (specMatches(p.settlementData, data)) {
      const type = p.settlementData.filters?.find((f) => f.property === p.settlementData.property)?.type ?? 'INTEGER';
      const value = scaleToAsset(
        data.properties[p.settlementData.property]!,
        type === 'DECIMAL' ? 'DECIMAL' : 'INTEGER',
        p.settlementData.decimals,
        this.assetDecimals,
      );
      if (value !== undefined) {
        const r = this.product.settlementValue(value, data.timestamp);
        if (r.settle && this.state === 'TRADING_TERMINATED') this.closeMarket('SETTLED', value);
        this.emitDataPoint(r.dataPoint);
      }
    }
    this.onProductSignal(this.product.onOracle(data, this.state === 'TRADING_TERMINATED'));
    // AMMs whose base price follows one of the market's data sources (spec 0090-VAMM)
    if (!this.closed && this.amm.engine.size > 0)
      this.amm.onOracleData((src) => {
        if (!specMatches(src, data)) return undefined;
        const type = src.filters?.find((f) => f.property === src.property)?.type ?? 'INTEGER';
        const v = scaleToAsset(
          data.properties[src.property]!,
          type === 'DECIMAL' ? 'DECIMAL' : 'INTEGER',
          src.decimals,
          this.assetDecimals,
        );
        return v === undefined ? undefined : this.toMarketPrice(v);
      });
    // composite-price oracles: the value is kept with the time of receipt (not the data's own timestamp)
    if (!this.closed) {
      this.markCalc.onOracleData(data, this.now);
      this.internalCalc?.onOracleData(data, this.now);
    }
    this.endTransaction(false);
  }

  /** The protocol's built-in time source (spec 0048-DSRI), delivered before the market's tick. */
  onTime(now: bigint): void {
    const seconds = (now / NS).toString();
    const data: OracleData = {
      signers: [],
      properties: { 'vegaprotocol.builtin.timestamp': seconds, 'vegaprotocol.builtin.timetrigger': seconds },
      timestamp: now,
    };
    this.onProductSignal(this.product.onTime(now, data, this.state === 'TRADING_TERMINATED' || this.closed));
  }

  /** What the product asks for: trading terminated, or the end of a funding period. */
  private onProductSignal(s: ProductSignal): void {
    if (s.terminate) this.terminate();
    if (s.cue !== undefined) this.fundingCue(s.cue);
  }

  /** End of a funding period at time t: exchange funding, then start the next period. */
  protected fundingCue(t: bigint): void {
    const r = this.product.cue(t);
    if (!r) return;
    if (r.funding && r.funding.payment !== 0n) this.exchangeFunding(r.funding, r.seq);
    this.emitFundingPeriod(r.end);
    const next = this.product.startNext(t);
    if (next) this.startedFundingPeriod(next);
  }

  /**
   * Funding exchange (settlementDataPerp): each position pays −size × payment / positionFactor (truncated), losses
   * then wins in positions order; collected like mark-to-market; the rounding residue goes to the insurance pool;
   * then margins are searched/released and distressed parties closed out.
   */
  protected exchangeFunding(f: FundingData, seq: number): void {
    const losses: { party: string; amount: bigint }[] = [];
    const wins: { party: string; amount: bigint }[] = [];
    const zeros: { party: string; amount: bigint }[] = [];
    const payment = Decimal.fromBigInt(f.payment);
    for (const pos of this.positions.all()) {
      const exact = Decimal.fromInt(-pos.openVolume).mul(payment).div(this.positionFactor);
      const amount = exact.trunc();
      if (amount < 0n) {
        losses.push({ party: pos.party, amount });
      } else if (amount > 0n) {
        wins.push({ party: pos.party, amount });
      } else zeros.push({ party: pos.party, amount: 0n });
    }
    const entries = [...losses, ...(wins.length ? wins : zeros)];
    this.emit({
      type: 'fundingPayments',
      marketId: this.id,
      seq,
      payments: entries.map((e) => ({ party: e.party, amount: e.amount })),
    });
    const parties = this.settleCashFlows(entries, {
      loss: 'PERPETUALS_FUNDING_LOSS',
      win: 'PERPETUALS_FUNDING_WIN',
      funding: true,
    });
    // truncation residue stays in the settlement account: swept to the insurance pool
    this.clearing.settlementResidueToInsurance();
    const closed = this.updateMarginsOnSettlement(parties, true, networkMarginEvent(entries));
    if (closed.length) this.resolveClosedOut(closed);
    this.checkForReferenceMoves(false);
  }

  /** Trading terminates (futures oracle or governance): a final MTM if trades are pending, then no more trading. */
  terminate(settlementPrice?: bigint): void {
    if (this.closed || this.state === 'TRADING_TERMINATED') return;
    if (this.state === 'PENDING') {
      this.cancelMarket();
      return;
    }
    const now = this.now;
    if (this.settlement.hasTraded() && !this.inAuction) {
      this.updateMarkPrice(now);
      {
        // the internal composite price (else the mark price) is a last internal data point (perpetuals)
        let internal = this.markPrice;
        if (this.internalCalc) {
          const c = this.internalCalc.calculate(now, this.ctx.params.markPriceUpdateMaximumFrequency);
          this.endMarkCalculation(this.internalCalc, now);
          if (c !== undefined && c > 0n) this.internalCalc.price = c;
          internal = this.internalCalc.price ?? this.markPrice;
        }
        if (internal > 0n) this.emitDataPoint(this.product.addInternal(now, internal));
      }
      if (this.markPrice > 0n) this.confirmMTM(true);
    }
    this._state = 'TRADING_TERMINATED';
    this._tradingMode = 'NO_TRADING';
    // a final funding cue at termination (perpetuals); no new period starts
    this.fundingCue(now);
    this.product.terminated();
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
    this.emit({ type: 'marketUpdated', marketId: this.id, liquidityFee: this.liquidityFee.toString() });
    const price = settlementPrice ?? this.product.settlementPrice;
    if (price !== undefined) this.closeMarket(settlementPrice !== undefined ? 'CLOSED' : 'SETTLED', price);
    this.endTransaction(false);
  }

  /**
   * Final settlement at price S (spec 0002-STTL): every position settled at the last mark-to-market pays
   * (S − last mark price) × size / positionFactor, truncated, in party-id order; then margins and bonds are
   * returned, remaining orders stopped and the market closed.
   */
  protected closeMarket(finalState: 'SETTLED' | 'CLOSED', price: bigint): void {
    const mark = this.settlement.lastMarkPrice;
    const sized = this.settlement
      .settledSizes()
      .filter(([, size]) => size !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const losses: { party: string; amount: bigint }[] = [];
    const wins: { party: string; amount: bigint }[] = [];
    let fractions = Decimal.ZERO;
    for (const [party, size] of sized) {
      const exact = Decimal.fromBigInt((price - mark) * BigInt(size)).div(this.positionFactor);
      const amount = exact.trunc();
      const frac = exact.sub(Decimal.fromBigInt(amount));
      if (amount < 0n) {
        losses.push({ party, amount });
        fractions = fractions.sub(frac.abs());
      } else {
        wins.push({ party, amount });
        fractions = fractions.add(frac.abs());
      }
    }
    this.settleCashFlows([...losses, ...wins], { loss: 'LOSS', win: 'WIN', funding: false });
    this.clearing.settlementResidueToGlobal();
    // final distribution of liquidity fees: an allocation, then the epoch-end penalties and bonuses
    this.liquidity.allocateFeesNow();
    this.liquidity.onEpochEnd();
    this.clearMarketAccounts();
    // the AMMs stop and their sub-accounts' funds return to their owners (spec 0090-VAMM)
    if (this.amm.engine.size > 0) this.amm.marketClosed();
    // a market a successor has taken over keeps no insurance pool for another one
    if (this.succeeded) this.clearInsurancePool();
    this.stopEverything();
    this._state = finalState;
    this._tradingMode = 'NO_TRADING';
    this._closed = true;
    this._markPrice = price;
    this._lastTradedPrice = price;
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
    this.emit({ type: 'settleMarket', marketId: this.id, price, positionFactor: this.positionFactor });
  }

  /** Margin, order margin and bond accounts back to general (party-id order); market fee accounts to the insurance pool. */
  protected clearMarketAccounts(): void {
    this.clearing.clearMarketAccounts([
      ...this.parties,
      ...this.liquidity.provisions.keys(),
      ...this.liquidity.pending.keys(),
    ]);
  }

  /** All remaining orders stopped, liquidity provisions stopped. */
  protected stopEverything(): void {
    const now = this.now;
    for (const o of [...this.orders.values()]) {
      this.removeLive(o);
      o.status = 'STOPPED';
      o.updatedAt = now;
      this.emitOrder(o);
    }
    this.liquidity.stopAll();
  }

  /** Termination during the opening auction cancels the market: orders cancelled, money returned, pool to global. */
  protected cancelMarket(): void {
    const now = this.now;
    for (const party of [...this.ordersByParty.keys()].sort()) {
      for (const o of this.partyOrders(party)) {
        this.removeLive(o);
        o.status = 'CANCELLED';
        o.updatedAt = now;
        this.emitOrder(o);
      }
    }
    this.closeUnsettled('CANCELLED');
  }

  /**
   * Closes a market that never settles (cancelled in its opening auction, or a rejected successor): money back to
   * general accounts, the insurance pool to the global pool, what is left of orders and provisions stopped.
   */
  protected closeUnsettled(state: 'CANCELLED' | 'REJECTED'): void {
    this.clearMarketAccounts();
    this.clearInsurancePool();
    this.stopEverything();
    this._auction = null;
    this._state = state;
    this._tradingMode = 'NO_TRADING';
    this._closed = true;
    this.emit({ type: 'marketState', marketId: this.id, state: this.state, tradingMode: this.tradingMode });
  }
}
