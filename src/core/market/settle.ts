// Mark-to-market and close-outs (spec 0003-MTMK, 0012-POSR position resolution, 0002-STTL, 0015-INSR): the order of
// settling cash flows (collateral/cashflows.ts), margin search and release after settlement
// (collateral/margin-moves.ts), distressed parties closed out (liquidation/distressed.ts, closeout.ts) and the
// network's position disposal (liquidation/disposal.ts).
import type { SettleTrade } from '../events.ts';
import type { Order } from '../book/order.ts';
import { Position } from '../positions/positions.ts';
import { ZERO_MARGIN, type MarginLevels } from '../risk/margin.ts';
import { continuousFees } from '../fees/fees.ts';
import type { Side, TransferType } from '../types.ts';
import { NETWORK_PARTY, NS } from '../types.ts';
import { disposalOrder } from '../liquidation/disposal.ts';
import { networkTakeOverTrades } from '../liquidation/closeout.ts';
import { confiscateCollateral, sortDistressed, type DistressedHost } from '../liquidation/distressed.ts';
import { MarketClock } from './clock.ts';

/**
 * Whether Vega's collateral MarkToMarket hands the network's position on to the risk engine, which then emits its
 * margin levels: its loss pass (up to the first win) collects a margin event for every flow-less position, the
 * network's included, while the network's own losses and everything from the first win on are left out. The entries
 * are in settlement order: losses, then wins and zero flows.
 */
export function networkMarginEvent(entries: readonly { party: string; amount: bigint }[]): boolean {
  for (const e of entries) {
    if (e.amount > 0n) return false;
    if (e.party === NETWORK_PARTY) return e.amount === 0n;
  }
  return false;
}

export abstract class MarketSettle extends MarketClock {
  // ------------------------------------------------------------------ mark-to-market, margins, close-outs

  protected confirmMTM(skipRecheck = false): void {
    const mark = this.markPrice;
    const res = this.settlement.settleMTM(mark, this.positions.all());
    for (const s of res.settled) {
      this.emit({
        type: 'settlePosition',
        marketId: this.id,
        party: s.party,
        markPrice: mark,
        positionFactor: this.positionFactor,
        trades: s.trades as SettleTrade[],
      });
    }
    const marginOrder = this.collectAndPayMTM(res.entries);
    // the recheck right after asks for the same levels (same positions, orders, mark and time) unless a close-out
    // moved positions in between: they are kept from the settlement pass
    this.mtmLevels = new Map();
    const closed = this.updateMarginsOnSettlement(marginOrder, true, networkMarginEvent(res.entries));
    if (closed.length) this.mtmLevels = undefined;
    if (closed.length) this.resolveClosedOut(closed);
    if (!skipRecheck) this.recheckMargins();
    this.mtmLevels = undefined;
    if (this.amm.engine.size > 0) this.amm.afterMarkToMarket();
  }

  /** Cross-margin levels of this mark-to-market's settlement pass, by party (see confirmMTM). */
  private mtmLevels: Map<string, MarginLevels> | undefined;

  /** Moves MTM money: losses into the settlement account, then (socialised if short) wins out of it. */
  protected collectAndPayMTM(entries: { party: string; amount: bigint }[]): string[] {
    return this.settleCashFlows(entries, { loss: 'MTM_LOSS', win: 'MTM_WIN', funding: false });
  }

  /** Mark-to-market-like cash flows (MTM, funding, final settlement): see collateral/cashflows.ts. */
  protected settleCashFlows(
    entries: { party: string; amount: bigint }[],
    kind: { loss: TransferType; win: TransferType; funding: boolean },
  ): string[] {
    return this.cashFlows.settle(entries, kind);
  }

  /**
   * UpdateMarginsOnSettlement + MarginUpdate for the parties in MTM order: release everything for flat parties,
   * search (top up to initial, partial allowed) below the search level, release down to initial above the release
   * level. A party that cannot reach maintenance is returned as distressed. `networkLevels`: the network's position
   * is handed to the risk engine too (see networkMarginEvent), which emits its margin levels and moves nothing.
   */
  protected updateMarginsOnSettlement(parties: string[], slashBonds = true, networkLevels = false): string[] {
    const closed: string[] = [];
    const shortfalls: { party: string; amount: bigint }[] = [];
    for (const party of parties) {
      if (party === NETWORK_PARTY) {
        // the network has no margin account: nothing is searched, released or closed out, only its levels emitted
        const net = this.positions.get(party);
        if (networkLevels && net && !net.isEmpty()) this.bufferMargin(party, this.levelsFor(net, this.markPrice));
        continue;
      }
      const pos = this.positions.get(party);
      if (!pos) continue;
      const margin = this.marginAccount(party);
      const general = this.marginMoves.generalAccount(party);
      if (this.marginFactors.has(party)) {
        // isolated: no search or release; margin below maintenance means close-out
        const lv = this.isolatedLevels(pos.openVolume, this.markPrice);
        this.bufferMargin(party, lv, this.isolatedOrderMarginOf(party, pos.openVolume));
        if (pos.openVolume !== 0 && margin.balance < lv.maintenance) closed.push(party);
        continue;
      }
      if (pos.isEmpty()) {
        this.marginMoves.releaseMargin(margin, general);
        this.bufferMargin(party, ZERO_MARGIN);
        continue;
      }
      const lv = this.levelsFor(pos, this.markPrice);
      this.mtmLevels?.set(party, lv);
      this.bufferMargin(party, lv);
      const { distressed, shortfall } = this.marginMoves.settlementSearch(party, margin, general, lv, this.inAuction);
      // an LP that needs its bond pays a penalty on the part general could not cover (after all top-ups)
      if (shortfall > 0n) shortfalls.push({ party, amount: shortfall });
      if (distressed) closed.push(party);
    }
    if (slashBonds) for (const s of shortfalls) this.liquidity.bondSlashing(s.party, s.amount);
    return closed;
  }

  /** Margin recheck for every position after MTM: no partial moves and no close-outs. */
  protected recheckMargins(): void {
    for (const pos of this.positions.all()) this.recheckMargin(pos);
  }

  /**
   * Search and release for one party (MarginUpdateOnOrder): a party whose general, bond and margin balances together
   * fall short of the minimum top-up gets no transfer at all; nobody is closed out here.
   */
  protected recheckMargin(pos: Position): void {
    const party = pos.party;
    if (party === NETWORK_PARTY || pos.isEmpty() || this.marginFactors.has(party)) return;
    const margin = this.marginAccount(party);
    const general = this.marginMoves.generalAccount(party);
    const lv = this.mtmLevels?.get(party) ?? this.levelsFor(pos, this.markPrice);
    this.bufferMargin(party, lv);
    this.marginMoves.recheckSearch(party, margin, general, lv, this.inAuction);
  }

  /** Position resolution (spec 0012-POSR): cancel orders, recheck, hand positions to the network. */
  protected resolveClosedOut(candidates: string[]): void {
    const now = this.now;
    const host = this.distressedHost();
    const { distressed, safe } = sortDistressed(candidates, host);
    if (safe.length) this.emit({ type: 'distressedOrdersClosed', marketId: this.id, parties: safe });
    if (distressed.length === 0) return;
    const netWasFlat = (this.positions.get(NETWORK_PARTY)?.openVolume ?? 0) === 0;
    if (netWasFlat || this.networkNextStep === 0n)
      this.networkNextStep = now + BigInt(this.cfg.liquidationStrategy.disposalTimeStep) * NS;
    const trades = networkTakeOverTrades(distressed, {
      marketId: this.id,
      markPrice: this.markPrice,
      priceFactor: this.priceFactor,
      priceDivisor: this.priceDivisor,
      now,
      openVolume: (party) => this.positions.get(party)!.openVolume,
      nextTradeId: () => this.ctx.nextId('trade'),
    });
    for (const t of trades) {
      const partyLong = t.buyer === NETWORK_PARTY;
      this.positions.applyTrade(t.buyer, t.seller, t.size, false, false, t.price);
      // the network's new position is marked to market from this price at the next MTM
      this.settlement.addCloseOut(partyLong ? t.size : -t.size, t.price, NETWORK_PARTY);
    }
    for (const t of trades) this.emit({ type: 'trade', trade: t });
    if (this.amm.engine.size > 0) this.amm.closedOut(distressed);
    this.emit({ type: 'distressedPositions', marketId: this.id, distressed: [...distressed].sort(), safe: [] });
    for (const party of distressed) {
      const margin = this.marginAccount(party);
      const general = this.general(party);
      const isolated = this.marginFactors.has(party);
      // the collateral the party loses: margin and general; an isolated party keeps its general account, which
      // its margin event does not carry (0019-MCAL-070 scenario 002: the positions API realised PnL)
      this.emit({
        type: 'settleDistressed',
        marketId: this.id,
        party,
        margin: margin.balance + (isolated ? 0n : (general?.balance ?? 0n)),
        price: this.markPrice,
      });
      this.settlement.removeParty(party);
      const pos = this.positions.get(party);
      if (!isolated || !pos || (pos.buy === 0 && pos.sell === 0)) this.positions.remove(party);
      confiscateCollateral(party, isolated, host);
      let orderMargin = isolated ? this.isolatedOrderMarginOf(party, 0) : 0n;
      if (orderMargin > this.orderMarginAccount(party).balance) {
        // an isolated party's orders stay after its close-out, but orders that reduced the position now need order
        // margin the account does not hold: all of them are stopped (spec 0019-MCAL-071, no search of general)
        this.stopIsolatedOrders(party);
        orderMargin = 0n;
        if (this.positions.get(party)?.isEmpty()) this.positions.remove(party);
      }
      this.bufferMargin(party, ZERO_MARGIN, orderMargin);
    }
    this.checkForReferenceMoves(false);
  }

  /** What the distressed-party handling reads and does in this market (liquidation/distressed.ts). */
  protected distressedHost(): DistressedHost {
    return {
      ledger: this.ctx.ledger,
      insurance: this.insurance,
      now: this.now,
      partyOrders: (party) => this.partyOrders(party),
      removeLive: (o) => this.removeLive(o),
      emitOrder: (o) => this.emitOrder(o),
      isIsolated: (party) => this.marginFactors.has(party),
      aboveMaintenance: (party) =>
        this.marginAccount(party).balance >
        this.levelsFor(this.positions.get(party)!, this.lastTradedPrice).maintenance,
      marginAccount: (party) => this.marginAccount(party),
      general: (party) => this.general(party),
      bond: (party) => this.bond(party),
    };
  }

  /** The book and the AMMs' volume together, as the network's disposal reads it (spec 0090-VAMM). */
  protected ammDisposalBook(): { availableVolume(side: Side, price: number): number } {
    return {
      availableVolume: (side: Side, price: number) =>
        this.book.availableVolume(side, price) + Number(this.amm.engine.volumeUpTo(side, this.toAsset(price))),
    };
  }

  /** Network disposal (liquidation strategy): an IOC against the book within the slippage range. */
  protected checkNetwork(now: bigint): void {
    const net = this.positions.get(NETWORK_PARTY);
    if (!net || net.openVolume === 0 || this.inAuction || this.networkNextStep > now) return;
    const bid = this.bestWithAmm('buy');
    const ask = this.bestWithAmm('sell');
    if (bid === undefined || ask === undefined) return;
    const s = this.cfg.liquidationStrategy;
    const bounds = this.priceMonitor.activeBounds(now);
    const d = disposalOrder(
      s,
      net.openVolume,
      this.toAsset(bid),
      this.toAsset(ask),
      bounds,
      this.priceFactor,
      this.amm.engine.size === 0 ? this.book : this.ammDisposalBook(),
      this.priceDivisor,
    );
    if (!d) return;
    const { side, limit, size } = d;
    this.networkNextStep = now + BigInt(s.disposalTimeStep) * NS;
    const o: Order = {
      id: this.ctx.nextId('order'),
      marketId: this.id,
      party: NETWORK_PARTY,
      side,
      type: 'NETWORK',
      tif: 'IOC',
      status: 'ACTIVE',
      price: limit,
      size: Number(size),
      remaining: Number(size),
      displayed: Number(size),
      peakSize: 0,
      minPeakSize: 0,
      reference: 'LS',
      createdAt: now,
      updatedAt: now,
      expiresAt: 0n,
      postOnly: false,
      reduceOnly: false,
      peg: undefined,
      version: 1,
      reason: undefined,
      bookLevel: null,
      bookPos: 0,
    };
    this.positions.registerOrder(NETWORK_PARTY, side, o.remaining);
    this.emitOrder(o);
    const sim = this.simulateMatch(o, limit, o.remaining);
    this.applyMatch(sim.fills);
    o.remaining -= sim.filled;
    o.status = o.remaining === 0 ? 'FILLED' : sim.filled > 0 ? 'PARTIALLY_FILLED' : 'STOPPED';
    if (o.remaining > 0) this.positions.unregisterOrder(NETWORK_PARTY, side, o.remaining);
    const f = this.feeFactors();
    const fees = sim.fills.map((fl) => continuousFees(f, this.toAsset(fl.price), fl.size, this.positionFactor));
    const trades = this.makeTrades(o, sim.fills, fees, 'NETWORK_CLOSE_OUT_GOOD');
    this.feeTransfers.payNetwork(fees, trades);
    this.emitOrder(o);
    const ltp = this.lastTradedPrice;
    this.confirmTrades(trades, sim.fills);
    this._lastTradedPrice = ltp;
    if (this.positions.get(NETWORK_PARTY)?.openVolume === 0) this.networkNextStep = 0n;
    this.checkForReferenceMoves(false);
  }
}
