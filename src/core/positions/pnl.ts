// Positions API (spec 0007-POSN non-core positions): per market and party the open volume, average entry price,
// realised and unrealised PnL, fees and funding, built only from engine events, as Vega's positions plugin does.
// Volume and PnL move at mark-to-market (settle-position events), not at trade time; loss socialisation is
// booked as realised; a close-out books the remaining collateral as a realised loss.
import { Decimal } from '../num/decimal.ts';
import type { EngineEvent, FeeBreakdown, Trade } from '../events.ts';
import { NETWORK_PARTY } from '../types.ts';

export type PositionStatus =
  | 'POSITION_STATUS_UNSPECIFIED'
  | 'POSITION_STATUS_CLOSED_OUT'
  | 'POSITION_STATUS_ORDERS_CLOSED'
  | 'POSITION_STATUS_DISTRESSED';

export class PositionPnl {
  openVolume = 0;
  /** exact (16 dp) fields */
  aepFP = Decimal.ZERO;
  realisedFP = Decimal.ZERO;
  unrealisedFP = Decimal.ZERO;
  /** displayed fields (rounded half away from zero) */
  averageEntryPrice = 0n;
  /** displayed realised and unrealised PnL: rounded at settlement, but close-out deltas are added unrounded */
  realised = Decimal.ZERO;
  unrealised = Decimal.ZERO;
  status: PositionStatus = 'POSITION_STATUS_UNSPECIFIED';
  takerFees = 0n;
  takerFeesSince = 0n;
  makerFeesReceived = 0n;
  makerFeesReceivedSince = 0n;
  otherFees = 0n;
  otherFeesSince = 0n;
  fundingPayments = 0n;
  fundingPaymentsSince = 0n;

  constructor(
    readonly marketId: string,
    readonly party: string,
  ) {}

  resetSince(): void {
    this.takerFeesSince = 0n;
    this.makerFeesReceivedSince = 0n;
    this.otherFeesSince = 0n;
    this.fundingPaymentsSince = 0n;
  }

  /**
   * Applies one trade (signed size for this party) at `price`: the part that reduces the position realises
   * (price − AEP) × closed / factor, the part that opens re-averages the entry price.
   */
  applyTrade(size: number, price: Decimal, factor: Decimal): Decimal {
    const reset = this.openVolume === 0;
    const vol = this.openVolume;
    let closed = 0;
    let opened = size;
    if (vol !== 0 && Math.sign(size) !== Math.sign(vol)) {
      if (Math.abs(size) > Math.abs(vol)) {
        closed = vol;
        opened = size + vol;
      } else {
        closed = -size;
        opened = 0;
      }
    }
    let realisedDelta = Decimal.ZERO;
    if (closed !== 0) {
      realisedDelta = price.sub(this.aepFP).mul(Decimal.fromInt(closed)).div(factor);
      this.realisedFP = this.realisedFP.add(realisedDelta);
      this.openVolume -= closed;
    }
    const v = this.openVolume;
    if (v + opened === 0) this.aepFP = Decimal.ZERO;
    else
      this.aepFP = this.aepFP
        .mul(Decimal.fromInt(v))
        .add(price.mul(Decimal.fromInt(opened)))
        .div(Decimal.fromInt(v + opened));
    this.openVolume += opened;
    if (reset || Math.sign(this.openVolume) * Math.sign(vol) < 0) this.resetSince();
    this.averageEntryPrice = this.aepFP.round();
    return realisedDelta;
  }
}

/** Consumes engine events and keeps PnL per (market, party). */
export class PnlTracker {
  private readonly markets = new Map<string, Map<string, PositionPnl>>();
  /** per-market factor used for network close-out trades (market precision prices): 1 until market settlement */
  private readonly closeOutFactor = new Map<string, Decimal>();

  get(marketId: string, party: string): PositionPnl | undefined {
    return this.markets.get(marketId)?.get(party);
  }

  /** All positions of a party across markets. */
  ofParty(party: string): PositionPnl[] {
    const out: PositionPnl[] = [];
    for (const m of this.markets.values()) {
      const p = m.get(party);
      if (p) out.push(p);
    }
    return out;
  }

  private entry(marketId: string, party: string, createMarket: boolean): PositionPnl | undefined {
    let m = this.markets.get(marketId);
    if (!m) {
      if (!createMarket) return undefined;
      this.markets.set(marketId, (m = new Map()));
    }
    let p = m.get(party);
    if (!p) m.set(party, (p = new PositionPnl(marketId, party)));
    return p;
  }

  onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'settlePosition': {
        const p = this.entry(e.marketId, e.party, true)!;
        for (const t of e.trades) {
          p.applyTrade(t.size, Decimal.fromBigInt(t.price), e.positionFactor);
          p.realised = Decimal.fromBigInt(p.realisedFP.round());
        }
        if (p.openVolume === 0) {
          p.unrealisedFP = Decimal.ZERO;
          p.unrealised = Decimal.ZERO;
        } else {
          p.unrealisedFP = Decimal.fromInt(p.openVolume)
            .mul(Decimal.fromBigInt(e.markPrice).sub(p.aepFP))
            .div(e.positionFactor);
          p.unrealised = Decimal.fromBigInt(p.unrealisedFP.round());
        }
        return;
      }
      case 'lossSocialisation': {
        const p = this.markets.get(e.marketId)?.get(e.party);
        if (!p) return;
        p.realisedFP = p.realisedFP.add(Decimal.fromBigInt(e.amount));
        p.realised = p.realised.add(Decimal.fromBigInt(e.amount));
        if (e.funding) {
          p.fundingPayments += e.amount;
          p.fundingPaymentsSince += e.amount;
        }
        return;
      }
      case 'settleDistressed': {
        const p = this.entry(e.marketId, e.party, true)!;
        p.realised = p.realised.add(p.unrealised).sub(Decimal.fromBigInt(e.margin));
        p.realisedFP = p.realisedFP.add(p.unrealisedFP).sub(Decimal.fromBigInt(e.margin));
        p.openVolume = 0;
        p.unrealised = Decimal.ZERO;
        p.unrealisedFP = Decimal.ZERO;
        p.aepFP = Decimal.ZERO;
        p.averageEntryPrice = 0n;
        p.status = 'POSITION_STATUS_CLOSED_OUT';
        return;
      }
      case 'distressedOrdersClosed':
        for (const party of e.parties) {
          const p = this.markets.get(e.marketId)?.get(party);
          if (p) p.status = 'POSITION_STATUS_ORDERS_CLOSED';
        }
        return;
      case 'distressedPositions':
        for (const party of e.distressed) {
          const p = this.markets.get(e.marketId)?.get(party);
          if (p) p.status = 'POSITION_STATUS_DISTRESSED';
        }
        for (const party of e.safe) {
          const p = this.markets.get(e.marketId)?.get(party);
          if (p) p.status = 'POSITION_STATUS_UNSPECIFIED';
        }
        return;
      case 'trade':
        this.onTrade(e.trade);
        return;
      case 'fundingPayments':
        for (const pay of e.payments) {
          const p = this.markets.get(e.marketId)?.get(pay.party);
          if (!p) continue;
          p.realisedFP = p.realisedFP.add(Decimal.fromBigInt(pay.amount));
          p.realised = p.realised.add(Decimal.fromBigInt(pay.amount));
          p.fundingPayments += pay.amount;
          p.fundingPaymentsSince += pay.amount;
        }
        return;
      case 'settleMarket': {
        this.closeOutFactor.set(e.marketId, e.positionFactor);
        const m = this.markets.get(e.marketId);
        if (!m) return;
        for (const p of m.values()) {
          if (p.openVolume !== 0) {
            // PnL at the settlement price (the volume itself stays, as in Vega's positions plugin)
            p.realised = p.realised.add(
              Decimal.fromBigInt(
                Decimal.fromInt(p.openVolume)
                  .mul(Decimal.fromBigInt(e.price).sub(p.aepFP))
                  .div(e.positionFactor)
                  .round(),
              ),
            );
          }
          p.unrealised = Decimal.ZERO;
        }
        return;
      }
      default:
        return;
    }
  }

  private onTrade(t: Trade): void {
    if (t.type === 'NETWORK_CLOSE_OUT_BAD') {
      const party = t.buyer === NETWORK_PARTY ? t.seller : t.buyer;
      const d = this.markets.get(t.marketId)?.get(party);
      if (d) d.resetSince();
      const n = this.entry(t.marketId, NETWORK_PARTY, true)!;
      const factor = this.closeOutFactor.get(t.marketId) ?? Decimal.ONE;
      const price = Decimal.fromBigInt(t.marketPrice);
      const size = t.buyer === NETWORK_PARTY ? t.size : -t.size;
      // applyTrade already added the delta to the exact realised PnL
      const delta = n.applyTrade(size, price, factor);
      n.realised = n.realised.add(delta);
      n.unrealisedFP = n.unrealisedFP.sub(delta);
      n.unrealised = n.unrealised.sub(delta);
      if (n.openVolume !== 0) n.unrealisedFP = Decimal.fromInt(n.openVolume).mul(price.sub(n.aepFP)).div(factor);
      return;
    }
    const m = this.markets.get(t.marketId);
    if (!m) return;
    const buyer = this.entry(t.marketId, t.buyer, false)!;
    const seller = this.entry(t.marketId, t.seller, false)!;
    this.addFees(buyer, t.buyerFee);
    this.addFees(seller, t.sellerFee);
    if (t.aggressor === 'sell') this.addMakerReceived(buyer, t.sellerFee.makerFee);
    else if (t.aggressor === 'buy') this.addMakerReceived(seller, t.buyerFee.makerFee);
    else {
      this.addMakerReceived(buyer, t.sellerFee.makerFee);
      this.addMakerReceived(seller, t.buyerFee.makerFee);
    }
  }

  private addFees(p: PositionPnl, f: FeeBreakdown): void {
    const other = f.infrastructureFee + f.liquidityFee + f.treasuryFee + f.buyBackFee;
    p.takerFees += f.makerFee;
    p.takerFeesSince += f.makerFee;
    p.otherFees += other;
    p.otherFeesSince += other;
  }

  private addMakerReceived(p: PositionPnl, amount: bigint): void {
    p.makerFeesReceived += amount;
    p.makerFeesReceivedSince += amount;
  }
}
