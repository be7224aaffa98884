// Margins (spec 0019-MCAL margin calculator and isolated margin, 0010-MARG margin orchestration, 0011-MARA order
// margin allocation): margin levels of a party (cross, isolated, fully collateralised), the buffered margin-level
// events, the margin check of an order, margin release, and the isolated-margin planning and account moves.
import type { Account } from '../ledger/ledger.ts';
import { Decimal } from '../num/decimal.ts';
import { minBig, maxBig } from '../num/bigint.ts';
import type { MatchResult } from '../book/orderbook.ts';
import type { Order } from '../book/order.ts';
import { Position } from '../positions/positions.ts';
import { maintenanceMarginDecimal, scaleMargins, ZERO_MARGIN, type MarginLevels } from '../risk/margin.ts';
import { isolatedOrderMargin, isolatedRelease } from '../risk/isolated.ts';
import type { MarginHost } from '../risk/margin-model.ts';
import type { Side } from '../types.ts';
import { NETWORK_PARTY } from '../types.ts';
import { OrderRejection } from '../commands.ts';
import { MarketBase } from './base.ts';
import { assumeFilled, type Aggression, type IsolatedPlan } from './internal.ts';

export abstract class MarketMargins extends MarketBase {
  // implemented by later layers
  protected abstract triggerStopOrders(): void;
  protected abstract finalStatus(o: Order, sim: MatchResult<Order>): Order['status'];
  protected abstract removeLive(o: Order): void;
  protected abstract cancel(o: Order, status: 'CANCELLED' | 'STOPPED' | 'EXPIRED', after?: boolean): void;

  // ------------------------------------------------------------------ margins

  protected observablePrice(orderPrice?: bigint): bigint {
    if (this.auction?.opening) {
      const ind = this.indicativePrice();
      if (ind > 0n) return ind;
      return orderPrice ?? this.markPrice;
    }
    return this.markPrice;
  }

  /** What the margin model reads of this market (risk/margin-model.ts). */
  protected marginHost(): MarginHost {
    return {
      positionFactor: this.positionFactor,
      marginConfig: () => this.cfg,
      marginRiskFactors: () => this.riskFactors,
      toAsset: (p) => this.toAsset(p),
      auctionNotional: (party, extra) => (this.auction ? this.auctionOrderNotional(party, extra) : undefined),
      fundingIncrease: () => this.fundingIncrease,
      partyOrders: (party) => this.ordersByParty.get(party),
      indexPrice: () => this.product.fundingView()?.underlyingIndexPrice ?? 0n,
    };
  }

  /** Margin levels of a party from its position and live orders (the market's margin model). */
  protected levelsFor(pos: Position, price: bigint, extra?: Order): MarginLevels {
    return this.marginModel.levels(pos, price, extra);
  }

  /** Perpetuals: the margin add-on per unit, funding as if the period ended now × margin funding factor. */
  protected get fundingIncrease(): Decimal | undefined {
    return this.product.marginIncrease(this.now);
  }

  /**
   * Σ size × price of the party's live orders per side (plus `extra`, an order being checked or amended), and the
   * auction price max(mark price, indicative uncrossing price) the margin calculator values the volume at.
   */
  protected auctionOrderNotional(party: string, extra?: Order) {
    let buyNotional = 0n;
    let sellNotional = 0n;
    const auctionPrice = maxBig(this.markPrice, this.indicativePrice());
    const add = (o: Order) => {
      const v = this.toAsset(o.price) * BigInt(o.remaining);
      if (o.side === 'buy') buyNotional += v;
      else sellNotional += v;
    };
    for (const o of this.ordersByParty.get(party) ?? []) {
      if (o.status !== 'ACTIVE' || (extra && o.id === extra.id)) continue;
      add(o);
    }
    if (extra) add(extra);
    return { auctionPrice, buyNotional, sellNotional };
  }

  protected bufferMargin(party: string, levels: MarginLevels, orderMargin = 0n): void {
    const factor = this.marginFactors.get(party);
    // one literal per mode (no conditional spread: buffered per party at every MTM)
    this.marginBuffer.set(
      party,
      factor
        ? {
            type: 'marginLevels',
            marketId: this.id,
            party,
            asset: this.asset,
            levels,
            orderMargin,
            mode: 'isolated',
            marginFactor: factor.toString(),
            timestamp: this.now,
          }
        : {
            type: 'marginLevels',
            marketId: this.id,
            party,
            asset: this.asset,
            levels,
            orderMargin,
            mode: 'cross',
            timestamp: this.now,
          },
    );
  }

  /**
   * The end of a command's transaction, its one boundary: evaluates stop orders (after commands that can move the
   * last traded price) and emits the buffered margin levels. Every public command of the market ends here, so no
   * caller has to remember to.
   */
  protected endTransaction(evaluateStops: boolean): void {
    if (evaluateStops) this.triggerStopOrders();
    this.flushMargins();
  }

  /** Emits the buffered margin levels sorted by party (end of every transaction, and between steps of block end). */
  protected flushMargins(): void {
    if (this.marginBuffer.size === 0) return;
    const parties = [...this.marginBuffer.keys()].sort();
    for (const p of parties) this.emit(this.marginBuffer.get(p)!);
    this.marginBuffer.clear();
  }

  /**
   * Pre-trade margin check (risk UpdateMarginOnNewOrder / UpdateMarginAuction): the position with the order must be
   * coverable by margin + general (initial level in continuous trading, maintenance in auctions); tops up to initial.
   * A market order counts as filled: its size is open volume, slippage term included.
   */
  protected checkMarginForOrder(o: Order): boolean {
    const current = this.positions.getOrCreate(o.party);
    // cross margin values a market order as filled (see assumeFilled); fully-collateralised levels price it
    // as an order at the cap
    const pos = o.type === 'MARKET' && this.marginModel.assumesMarketOrdersFilled ? assumeFilled(current, o) : current;
    const price = this.observablePrice(this.toAsset(o.price));
    const levels = this.levelsFor(pos, price, o);
    const margin = this.marginAccount(o.party);
    const general = this.general(o.party);
    // a liquidity provider's bond counts as available funds, and tops the margin up once the general account is
    // empty (Vega's margin event adds the bond to the general balance)
    const bond = this.ctx.ledger.get(o.party, 'BOND', this.asset, this.id);
    const available = margin.balance + (general?.balance ?? 0n) + (bond?.balance ?? 0n);
    const threshold = this.auction ? levels.maintenance : levels.initial;
    if (available < threshold) return false;
    this.bufferMargin(o.party, levels);
    if (margin.balance < levels.initial)
      this.marginMoves.orderTopUp(o.party, margin, general, bond, levels.initial - margin.balance);
    return true;
  }

  /** The order reduces exposure: opposite side to the position and the party's opposite orders do not flip it. */
  protected reducesExposure(o: Order, pos: Position): boolean {
    if (pos.openVolume === 0) return false;
    const long = pos.openVolume > 0;
    if (long !== (o.side === 'sell')) return false;
    const abs = Math.abs(pos.openVolume);
    if (o.type === 'MARKET') return o.remaining <= abs;
    return (long ? pos.sell : pos.buy) <= abs;
  }

  /** Releases the whole margin of a party with no position, no orders and no trades waiting for settlement. */
  protected releaseMarginExcess(party: string): void {
    if (party === NETWORK_PARTY) return;
    const pos = this.positions.get(party);
    if (pos && !pos.isEmpty()) return;
    if (this.settlement.hasPosition(party)) return;
    if (this.marginMoves.releaseAll(party)) this.bufferMargin(party, ZERO_MARGIN);
  }

  // ------------------------------------------------------------------ isolated margin

  isIsolated(party: string): boolean {
    return this.marginFactors.has(party);
  }

  marginFactor(party: string): Decimal | undefined {
    return this.marginFactors.get(party);
  }

  protected orderMarginAccount(party: string): Account {
    return this.marginMoves.orderMarginAccount(party);
  }

  /** Isolated levels: position-only maintenance (with the funding add-on), initial from it; no search or release. */
  protected isolatedLevels(openVolume: number, price: bigint): MarginLevels {
    const mm = maintenanceMarginDecimal({
      openVolume,
      buyOrders: 0,
      sellOrders: 0,
      price,
      positionFactor: this.positionFactor,
      riskFactors: this.riskFactors,
      linearSlippageFactor: this.cfg.linearSlippageFactor,
      quadraticSlippageFactor: this.cfg.quadraticSlippageFactor,
      ...(this.fundingIncrease ? { fundingIncreasePerUnit: this.fundingIncrease } : {}),
    });
    const lv = scaleMargins(mm.isNegative() ? 0n : mm.ceil(), this.cfg.marginScalingFactors);
    return { maintenance: lv.maintenance, search: 0n, initial: lv.initial, release: 0n };
  }

  /** The auction price isolated order margin uses in auctions: max(mark price, indicative uncrossing price). */
  protected isolatedAuctionPrice(): bigint | undefined {
    return this.inAuction ? maxBig(this.markPrice, this.indicativePrice()) : undefined;
  }

  /** Order margin of a party's live non-pegged orders (plus `extra`, an order about to rest) at a position. */
  protected isolatedOrderMarginOf(
    party: string,
    openVolume: number,
    auctionPrice?: bigint,
    extra?: { side: Side; price: bigint; size: number },
  ): bigint {
    const factor = this.marginFactors.get(party);
    if (!factor) return 0n;
    const orders = [];
    for (const o of this.ordersByParty.get(party) ?? []) {
      if (o.status !== 'ACTIVE' || o.peg) continue;
      orders.push({ side: o.side, price: this.toAsset(o.price), size: o.remaining });
    }
    if (extra && extra.size > 0) orders.push(extra);
    return isolatedOrderMargin(orders, openVolume, factor, this.positionFactor, auctionPrice);
  }

  /**
   * UpdateIsolatedMarginOnOrder: moves the order-margin account to what the party's orders need (plus `extra`, an
   * order being placed); false when general cannot cover an increase.
   */
  protected updateIsolatedOrderMargin(party: string, extra?: Order): boolean {
    const pos = this.positions.getOrCreate(party);
    const auctionPrice = this.isolatedAuctionPrice();
    const om = this.isolatedOrderMarginOf(
      party,
      pos.openVolume,
      auctionPrice,
      extra ? { side: extra.side, price: this.toAsset(extra.price), size: extra.remaining } : undefined,
    );
    if (!this.marginMoves.setOrderMargin(party, om)) return false;
    this.bufferMargin(party, this.isolatedLevels(pos.openVolume, this.observablePrice()), om);
    return true;
  }

  /**
   * UpdateIsolatedMarginOnAggressor, planned from the simulated fills: a growing position adds price × size × factor
   * from general, a shrinking one releases, a flip resets the margin to the factor times the new part; then the order
   * margin for what rests. Undefined when the party cannot afford the trades; `orderMarginShort` when it can afford
   * them but not the order margin of the rest.
   * An amend pays a position increase out of the order-margin account alone (what the amended order had reserved),
   * not general: Vega behaviour inferred from the features, 0019-MCAL-204 (general and order margin together would
   * cover the trade, the amend still fails) and 0019-MCAL-037 scenario 002 (general is empty, the trade is paid from
   * the order margin).
   */
  protected planIsolatedAggressor(o: Order, agg: Aggression, isAmend = false): IsolatedPlan | undefined {
    const factor = this.marginFactors.get(o.party)!;
    const pf = this.positionFactor;
    const pos = this.positions.getOrCreate(o.party);
    const old = pos.openVolume;
    const filled = agg.sim.filled;
    const newV = old + (o.side === 'buy' ? filled : -filled);
    const marginBal = this.marginAccount(o.party).balance;
    const generalBal = this.general(o.party)?.balance ?? 0n;
    const omBal = this.orderMarginAccount(o.party).balance;
    const mark = this.observablePrice();
    const levels = this.isolatedLevels(newV, mark);
    let delta = 0n;
    if (filled > 0) {
      let notional = 0n;
      for (const f of agg.sim.fills) notional += this.toAsset(f.price) * BigInt(f.size);
      if (old === 0 || (Math.sign(newV) === Math.sign(old) && Math.abs(newV) > Math.abs(old))) {
        const add = Decimal.fromBigInt(notional).div(pf).mul(factor).floor();
        if (add + marginBal < levels.maintenance || add > (isAmend ? omBal : generalBal)) return undefined;
        delta = add;
      } else if (newV === 0 || Math.sign(newV) === Math.sign(old)) {
        const release = isolatedRelease(marginBal, notional / BigInt(filled), mark, old, filled, pf);
        delta = -minBig(release, marginBal);
      } else {
        let closeLeft = Math.abs(old);
        let beyond = 0n;
        for (const f of agg.sim.fills) {
          const c = Math.min(f.size, closeLeft);
          closeLeft -= c;
          beyond += this.toAsset(f.price) * BigInt(f.size - c);
        }
        const add = Decimal.fromBigInt(beyond).div(pf).mul(factor).floor();
        if (add + marginBal < levels.maintenance || add > generalBal + marginBal) return undefined;
        delta = add - marginBal;
      }
    }
    const rests = this.finalStatus(o, agg.sim) === 'ACTIVE' && !o.peg;
    const om = this.isolatedOrderMarginOf(
      o.party,
      newV,
      undefined,
      rests ? { side: o.side, price: this.toAsset(o.price), size: o.remaining - filled } : undefined,
    );
    const fromOrderMargin = isAmend && delta > 0n;
    const need = om - (fromOrderMargin ? omBal - delta : omBal);
    const orderMarginShort = need > 0n && need > generalBal - (fromOrderMargin ? 0n : delta);
    if (orderMarginShort && filled === 0) return undefined;
    return { marginDelta: delta, orderMargin: om, levels, fromOrderMargin, orderMarginShort };
  }

  /** Applies a plan; `positionOnly` leaves the order-margin account to the caller (an amend that failed it). */
  protected applyIsolatedPlan(party: string, plan: IsolatedPlan, positionOnly = false): void {
    this.marginMoves.applyIsolated(party, plan, positionOnly);
    if (!positionOnly) this.bufferMargin(party, plan.levels, plan.orderMargin);
  }

  /** A passive isolated party's margin after one of its orders traded (the limit price was already reserved). */
  protected isolatedPassiveTrade(party: string, old: number, signed: number, price: bigint, size: number): void {
    const newV = old + signed;
    const required = this.isolatedOrderMarginOf(party, newV);
    const marginBalance = this.marginMoves.isolatedPassiveTrade(
      party,
      { old, newVolume: newV, price, size },
      this.marginFactors.get(party)!,
      this.positionFactor,
      this.observablePrice(),
      required,
    );
    const levels = this.isolatedLevels(newV, this.observablePrice());
    this.bufferMargin(party, levels, required);
    if (marginBalance < levels.maintenance) this.stopIsolatedOrders(party);
  }

  /** An isolated party's amend failed its order-margin check: its orders are stopped and the amend reports it. */
  protected failIsolatedAmend(party: string): never {
    this.stopIsolatedOrders(party);
    this.updateIsolatedOrderMargin(party);
    throw new OrderRejection('margin check failed');
  }

  /** Not enough isolated margin: every order of the party is stopped and its order margin released. */
  protected stopIsolatedOrders(party: string): void {
    const now = this.now;
    for (const o of this.partyOrders(party)) {
      this.removeLive(o);
      o.status = 'STOPPED';
      o.updatedAt = now;
      this.emitOrder(o);
    }
    this.marginMoves.releaseOrderMargin(party);
  }

  /**
   * Switches a party between cross and isolated margin or changes its isolated margin factor (spec 0019-MCAL).
   * Returns Vega's error string on refusal.
   */
  updateMarginMode(party: string, mode: 'cross' | 'isolated', factor: Decimal): string | undefined {
    try {
      return this.changeMarginMode(party, mode, factor);
    } finally {
      this.endTransaction(false);
    }
  }

  protected changeMarginMode(party: string, mode: 'cross' | 'isolated', factor: Decimal): string | undefined {
    if (mode === 'isolated') {
      const rf = Decimal.max(this.riskFactors.long, this.riskFactors.short).add(this.cfg.linearSlippageFactor);
      if (factor.lte(rf)) {
        return `margin factor (${factor.toString()}) must be greater than max(riskFactorLong (${this.riskFactors.long.toString()}), riskFactorShort (${this.riskFactors.short.toString()})) + linearSlippageFactor (${this.cfg.linearSlippageFactor.toString()})`;
      }
    }
    if (mode === 'isolated' && this.marginModel.isolatedMarginRejection)
      return this.marginModel.isolatedMarginRejection;
    const current = this.marginFactors.get(party);
    if ((mode === 'cross' && !current) || (mode === 'isolated' && current && current.eq(factor))) return undefined;
    this.parties.add(party);
    const margin = this.marginAccount(party);
    const observable = this.observablePrice();
    if (observable === 0n) return 'no market observable price';
    const general = this.marginMoves.generalAccount(party);
    const pos = this.positions.getOrCreate(party);
    if (mode === 'cross') {
      this.marginFactors.delete(party);
      this.marginMoves.switchToCross(party, margin);
      this.bufferMargin(party, this.levelsFor(pos, observable));
      return undefined;
    }
    const levels = this.isolatedLevels(pos.openVolume, observable);
    let notional = 0n;
    for (const o of this.ordersByParty.get(party) ?? [])
      if (o.status === 'ACTIVE' && !o.peg) notional += this.toAsset(o.price) * BigInt(o.remaining);
    const reqPos = Decimal.fromBigInt(pos.averageEntryPrice * BigInt(Math.abs(pos.openVolume)))
      .mul(factor)
      .div(this.positionFactor);
    const reqOrd = Decimal.fromBigInt(notional).mul(factor).div(this.positionFactor);
    const om = this.orderMarginAccount(party);
    if (
      reqPos
        .add(reqOrd)
        .sub(Decimal.fromBigInt(margin.balance + om.balance))
        .gt(Decimal.fromBigInt(general.balance))
    ) {
      return 'insufficient balance in general account to cover for required order margin';
    }
    if (!reqPos.isZero() && reqPos.lte(Decimal.fromBigInt(levels.initial)))
      return 'required position margin must be greater than initial margin';
    this.marginMoves.switchToIsolated(party, margin, reqPos.floor(), reqOrd.floor());
    this.marginFactors.set(party, factor);
    this.bufferMargin(party, levels, this.isolatedOrderMarginOf(party, pos.openVolume, this.isolatedAuctionPrice()));
    // pegged orders are not allowed in isolated mode
    for (const o of this.partyOrders(party)) if (o.peg) this.cancel(o, 'CANCELLED');
    return undefined;
  }
}
