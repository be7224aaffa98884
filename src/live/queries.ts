// Read-side views of the venue in wire form: markets, market data (mark, index, funding estimate, price-monitoring
// bounds, trading mode), aggregated L2 depth, and a party's accounts, positions and margin levels. Everything is
// read through the public Market interface and the ledger, never engine internals.
import type { MarketInfo } from './genesis.ts';
import { formatScaled } from './units.ts';
import type { Venue } from './venue.ts';
import { wireAccount, type WireAccount } from './wire.ts';

export function marketView(m: MarketInfo) {
  const cfg = m.market.configView();
  return {
    id: m.id,
    pair: m.pair,
    name: m.name,
    code: m.code,
    product: m.product,
    settlementAsset: m.asset,
    decimalPlaces: m.units.priceDecimals,
    positionDecimalPlaces: m.units.positionDecimals,
    assetDecimals: m.units.assetDecimals,
    tickSize: m.units.fmtPrice(m.tickSize),
    state: m.market.state,
    tradingMode: m.market.tradingMode,
    fees: {
      maker: cfg.fees.makerFee.toString(),
      infrastructure: cfg.fees.infrastructureFee.toString(),
    },
    ...(m.oracle ? { oracle: { signers: m.oracle.signers, property: m.oracle.property } } : {}),
  };
}

export function marketDataView(m: MarketInfo) {
  const md = m.market.marketData();
  const u = m.units;
  const a = (v: bigint) => u.fmtAsset(v);
  const pd = m.market.productData();
  return {
    market: m.id,
    timestamp: md.timestamp.toString(),
    state: md.state,
    tradingMode: md.tradingMode,
    trigger: md.trigger,
    markPrice: a(md.markPrice),
    lastTradedPrice: a(md.lastTradedPrice),
    indexPrice: md.perpetual ? a(md.perpetual.underlyingIndexPrice) : null,
    bestBid: a(md.bestBidPrice),
    bestBidSize: u.fmtSize(md.bestBidVolume),
    bestAsk: a(md.bestOfferPrice),
    bestAskSize: u.fmtSize(md.bestOfferVolume),
    midPrice: a(md.midPrice),
    openInterest: u.fmtSize(md.openInterest),
    indicativePrice: a(md.indicativePrice),
    indicativeVolume: u.fmtSize(md.indicativeVolume),
    auctionStart: md.auctionStart.toString(),
    auctionEnd: md.auctionEnd.toString(),
    targetStake: a(md.targetStake),
    suppliedStake: a(md.suppliedStake),
    nextMarkToMarket: md.nextMarkToMarket.toString(),
    funding: md.perpetual
      ? {
          periodSeq: md.perpetual.fundingPeriodSeq,
          periodStart: md.perpetual.fundingPeriodStart.toString(),
          internalTwap: pd ? a(pd.internalTwap) : null,
          externalTwap: pd ? a(pd.externalTwap) : null,
          estimatedRate: pd?.fundingRate ?? null,
          estimatedPayment: pd?.fundingPayment !== undefined ? a(pd.fundingPayment) : null,
        }
      : null,
    priceMonitoringBounds: md.priceMonitoringBounds.map((b) => ({
      horizon: b.horizon,
      minValidPrice: a(b.minValidPrice),
      maxValidPrice: a(b.maxValidPrice),
      referencePrice: b.referencePrice.toString(),
      active: b.active,
    })),
  };
}

export interface Depth {
  market: string;
  timestamp: string;
  /** [price, size] best first */
  bids: [string, string][];
  asks: [string, string][];
}

export function depthView(m: MarketInfo, levels: number, now: bigint): Depth {
  const side = (s: 'buy' | 'sell') => {
    const lv = m.market.depthLevels(s);
    const out: [string, string][] = [];
    for (let i = lv.length - 1; i >= 0 && out.length < levels; i--) {
      const l = lv[i]!;
      if (l.volume > 0) out.push([m.units.fmtPrice(l.price), m.units.fmtSize(l.volume)]);
    }
    return out;
  };
  return { market: m.id, timestamp: now.toString(), bids: side('buy'), asks: side('sell') };
}

export function accountsView(v: Venue, party: string): WireAccount[] {
  return v.ex.ledger
    .accountsOf(party)
    .map((a) => wireAccount(a, (x) => formatScaled(x, v.ex.asset(a.asset)?.decimals ?? 0)));
}

export function positionsView(v: Venue, party: string) {
  const out = [];
  for (const m of v.markets) {
    const p = m.market.position(party);
    if (!p) continue;
    const u = m.units;
    const mark = m.market.markPrice;
    // unrealised P&L = open volume × (mark − average entry) / 10^position decimals, truncated toward zero
    const unrealised =
      mark > 0n ? (BigInt(p.openVolume) * (mark - p.averageEntryPrice)) / 10n ** BigInt(u.positionDecimals) : 0n;
    out.push({
      market: m.id,
      openVolume: u.fmtSize(p.openVolume),
      averageEntryPrice: u.fmtAsset(p.averageEntryPrice),
      buyOrders: u.fmtSize(p.buy),
      sellOrders: u.fmtSize(p.sell),
      markPrice: u.fmtAsset(mark),
      unrealisedPnl: u.fmtAsset(unrealised),
    });
  }
  return out;
}

export function marginsView(v: Venue, party: string) {
  const out = [];
  for (const m of v.markets) {
    if (!m.market.position(party)) continue;
    const l = m.market.marginLevels(party);
    const u = m.units;
    out.push({
      market: m.id,
      asset: m.asset,
      mode: m.market.isIsolated(party) ? 'isolated' : 'cross',
      maintenance: u.fmtAsset(l.maintenance),
      search: u.fmtAsset(l.search),
      initial: u.fmtAsset(l.initial),
      release: u.fmtAsset(l.release),
    });
  }
  return out;
}

/**
 * Every party's margins (the admin view): per party with a position in some market, its margin levels there against
 * its margin, order-margin and general balances in the market's asset, and its open volume.
 */
export function allMarginsView(v: Venue) {
  const out = [];
  for (const m of v.markets) {
    const u = m.units;
    const parties = new Set<string>();
    for (const a of v.ex.ledger.all())
      if ((a.type === 'MARGIN' || a.type === 'ORDER_MARGIN') && a.market === m.id) parties.add(a.owner);
    for (const party of [...parties].sort()) {
      const p = m.market.position(party);
      if (!p) continue;
      const l = m.market.marginLevels(party);
      const bal = (type: 'MARGIN' | 'ORDER_MARGIN' | 'GENERAL') =>
        u.fmtAsset(v.ex.ledger.get(party, type, m.asset, type === 'GENERAL' ? '' : m.id)?.balance ?? 0n);
      out.push({
        party,
        market: m.id,
        mode: m.market.isIsolated(party) ? 'isolated' : 'cross',
        openVolume: u.fmtSize(p.openVolume),
        maintenance: u.fmtAsset(l.maintenance),
        search: u.fmtAsset(l.search),
        initial: u.fmtAsset(l.initial),
        release: u.fmtAsset(l.release),
        margin: bal('MARGIN'),
        orderMargin: bal('ORDER_MARGIN'),
        general: bal('GENERAL'),
      });
    }
  }
  return out;
}
