// Mark-to-market and close-outs (spec 0003-MTMK, 0012-POSR position resolution, 0002-STTL, 0015-INSR): settling
// cash flows with loss socialisation, margin search and release after settlement, distressed parties closed out,
// and the network's position disposal.
import type { SettleTrade } from '../events.ts';
import { maxBig } from '../num/bigint.ts';
import type { Order } from '../book/order.ts';
import { Position } from '../positions/positions.ts';
import { ZERO_MARGIN } from '../risk/margin.ts';
import { continuousFees } from '../fees/fees.ts';
import type { TransferType } from '../types.ts';
import { NETWORK_PARTY, NS } from '../types.ts';
import { disposalOrder } from '../liquidation/disposal.ts';
import { networkTakeOverTrades } from '../liquidation/closeout.ts';
import { MarketClock } from './clock.ts';

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
    const closed = this.updateMarginsOnSettlement(marginOrder);
    if (closed.length) this.resolveClosedOut(closed);
    if (!skipRecheck) this.recheckMargins();
  }

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
   * level. A party that cannot reach maintenance is returned as distressed.
   */
  protected updateMarginsOnSettlement(parties: string[], slashBonds = true): string[] {
    const closed: string[] = [];
    const shortfalls: { party: string; amount: bigint }[] = [];
    const l = this.ctx.ledger;
    for (const party of parties) {
      if (party === NETWORK_PARTY) continue;
      const pos = this.positions.get(party);
      if (!pos) continue;
      const margin = this.marginAccount(party);
      const general = l.getOrCreate(party, 'GENERAL', this.asset);
      if (this.marginFactors.has(party)) {
        // isolated: no search or release; margin below maintenance means close-out
        const lv = this.isolatedLevels(pos.openVolume, this.markPrice);
        this.bufferMargin(party, lv, this.isolatedOrderMarginOf(party, pos.openVolume));
        if (pos.openVolume !== 0 && margin.balance < lv.maintenance) closed.push(party);
        continue;
      }
      if (pos.isEmpty()) {
        if (margin.balance > 0n) this.transfer(margin, general, margin.balance, 'MARGIN_HIGH');
        this.bufferMargin(party, ZERO_MARGIN);
        continue;
      }
      const lv = this.levelsFor(pos, this.markPrice);
      this.bufferMargin(party, lv);
      const bal = margin.balance;
      if (bal < lv.search) {
        const want = lv.initial - bal;
        const minAmount = maxBig(0n, lv.maintenance - bal);
        const bond = this.bond(party);
        // an LP that needs its bond pays a penalty on the part general could not cover (after all top-ups)
        if (bond && want > general.balance) shortfalls.push({ party, amount: want - general.balance });
        let moved = l.transferUpTo(general, margin, want, 'MARGIN_LOW');
        if (moved < want && bond) moved += l.transferUpTo(bond, margin, want - moved, 'MARGIN_LOW');
        if (moved < minAmount) closed.push(party);
      } else if (bal >= lv.release && !this.inAuction) {
        this.transfer(margin, general, bal - lv.initial, 'MARGIN_HIGH');
      }
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
    const l = this.ctx.ledger;
    const margin = this.marginAccount(party);
    const general = l.getOrCreate(party, 'GENERAL', this.asset);
    const lv = this.levelsFor(pos, this.markPrice);
    this.bufferMargin(party, lv);
    const bal = margin.balance;
    if (bal < lv.search) {
      const want = lv.initial - bal;
      const minAmount = maxBig(0n, lv.maintenance - bal);
      const bond = this.bond(party);
      // Vega's guard (MarginUpdateOnOrder) compares general + bond + margin with the minimum top-up; past it, what
      // general and bond hold is moved and an LP pays the bond penalty on all general could not cover
      const avail = general.balance + (bond?.balance ?? 0n) + bal;
      if (avail < minAmount) return;
      const shortfall = bond && want > general.balance ? want - general.balance : 0n;
      const moved = l.transferUpTo(general, margin, want, 'MARGIN_LOW');
      if (moved < want && bond) l.transferUpTo(bond, margin, want - moved, 'MARGIN_LOW');
      if (shortfall > 0n) this.liquidity.bondSlashing(party, shortfall);
    } else if (bal >= lv.release && !this.inAuction) {
      this.transfer(margin, general, bal - lv.initial, 'MARGIN_HIGH');
    }
  }

  /** Position resolution (spec 0012-POSR): cancel orders, recheck, hand positions to the network. */
  protected resolveClosedOut(candidates: string[]): void {
    const now = this.now;
    let removedOrders = false;
    for (const party of candidates) {
      if (this.marginFactors.has(party)) continue;
      for (const o of this.partyOrders(party)) {
        this.removeLive(o);
        o.status = 'STOPPED';
        o.updatedAt = now;
        this.emitOrder(o);
        removedOrders = true;
      }
    }
    let distressed = candidates;
    if (removedOrders) {
      const safe: string[] = [];
      distressed = [];
      for (const party of candidates) {
        const pos = this.positions.get(party)!;
        const lv = this.levelsFor(pos, this.lastTradedPrice);
        if (this.marginAccount(party).balance > lv.maintenance) safe.push(party);
        else distressed.push(party);
      }
      if (safe.length) this.emit({ type: 'distressedOrdersClosed', marketId: this.id, parties: safe });
    }
    if (distressed.length === 0) return;
    const netWasFlat = (this.positions.get(NETWORK_PARTY)?.openVolume ?? 0) === 0;
    if (netWasFlat || this.networkNextStep === 0n)
      this.networkNextStep = now + BigInt(this.cfg.liquidationStrategy.disposalTimeStep) * NS;
    const trades = networkTakeOverTrades(distressed, {
      marketId: this.id,
      markPrice: this.markPrice,
      priceFactor: this.priceFactor,
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
    this.emit({ type: 'distressedPositions', marketId: this.id, distressed: [...distressed].sort(), safe: [] });
    const l = this.ctx.ledger;
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
      const bond = this.bond(party);
      if (bond && bond.balance > 0n) this.transfer(bond, margin, bond.balance, 'MARGIN_LOW');
      if (!isolated && general && general.balance > 0n) this.transfer(general, margin, general.balance, 'MARGIN_LOW');
      if (margin.balance > 0n) l.transfer(margin, this.insurance, margin.balance, 'MARGIN_CONFISCATED');
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

  /** Network disposal (liquidation strategy): an IOC against the book within the slippage range. */
  protected checkNetwork(now: bigint): void {
    const net = this.positions.get(NETWORK_PARTY);
    if (!net || net.openVolume === 0 || this.inAuction || this.networkNextStep > now) return;
    const bid = this.book.bestBid();
    const ask = this.book.bestAsk();
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
      this.book,
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
    const sim = this.book.simulate(NETWORK_PARTY, side, limit, o.remaining);
    this.book.apply(sim.fills);
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
    this.lastTradedPrice = ltp;
    if (this.positions.get(NETWORK_PARTY)?.openVolume === 0) this.networkNextStep = 0n;
    this.checkForReferenceMoves(false);
  }
}
