// The API's wire forms of engine objects: prices in quote units and sizes in contracts as exact decimal strings,
// money in asset units, times as ns strings. One function per object, used by the HTTP API, the WebSocket
// streams and the Redis publisher alike, so that every client sees the same shape.
import type { Account, FeeBreakdown, LedgerEntry, OrderSnapshot, Trade } from './engine.ts';
import type { MarketUnits } from './units.ts';

export interface WireOrder {
  id: string;
  market: string;
  party: string;
  side: string;
  type: string;
  tif: string;
  status: string;
  price: string;
  size: string;
  remaining: string;
  reference: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
  postOnly: boolean;
  reduceOnly: boolean;
  version: number;
  peg?: { reference: string; offset: string };
  reason?: string;
}

export function wireOrder(o: OrderSnapshot, u: MarketUnits): WireOrder {
  return {
    id: o.id,
    market: o.marketId,
    party: o.party,
    side: o.side,
    type: o.type,
    tif: o.tif,
    status: o.status,
    price: u.fmtPrice(o.price),
    size: u.fmtSize(o.size),
    remaining: u.fmtSize(o.remaining + o.reservedRemaining),
    reference: o.reference,
    createdAt: o.createdAt.toString(),
    updatedAt: o.updatedAt.toString(),
    expiresAt: o.expiresAt.toString(),
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    version: o.version,
    ...(o.peg ? { peg: { reference: o.peg.reference, offset: u.fmtPrice(o.peg.offset) } } : {}),
    ...(o.reason ? { reason: o.reason } : {}),
  };
}

export function feeTotal(f: FeeBreakdown): bigint {
  return f.makerFee + f.infrastructureFee + f.liquidityFee + f.buyBackFee + f.treasuryFee;
}

export interface WireTrade {
  id: string;
  market: string;
  price: string;
  size: string;
  buyer: string;
  seller: string;
  aggressor: string;
  /** the aggressive order's id (null in an auction uncrossing): the trades of one order are one arrival */
  aggressorOrder: string | null;
  buyOrder: string;
  sellOrder: string;
  timestamp: string;
  type: string;
  buyerFee: string;
  sellerFee: string;
}

export function wireTrade(t: Trade, u: MarketUnits): WireTrade {
  return {
    id: t.id,
    market: t.marketId,
    price: u.fmtPrice(t.marketPrice),
    size: u.fmtSize(t.size),
    buyer: t.buyer,
    seller: t.seller,
    aggressor: t.aggressor ?? 'none',
    aggressorOrder: t.aggressor === 'buy' ? t.buyOrder : t.aggressor === 'sell' ? t.sellOrder : null,
    buyOrder: t.buyOrder,
    sellOrder: t.sellOrder,
    timestamp: t.timestamp.toString(),
    type: t.type,
    buyerFee: u.fmtAsset(feeTotal(t.buyerFee)),
    sellerFee: u.fmtAsset(feeTotal(t.sellerFee)),
  };
}

export interface WireFill {
  tradeId: string;
  market: string;
  orderId: string;
  side: string;
  price: string;
  size: string;
  fee: string;
  /** the party's order was the aggressor ('taker'), resting ('maker'), or in an auction uncrossing */
  liquidity: 'maker' | 'taker' | 'auction';
  timestamp: string;
}

/** The fills of a trade for one of its parties (a self-trade gives two). */
export function wireFills(t: Trade, party: string, u: MarketUnits): WireFill[] {
  const out: WireFill[] = [];
  for (const side of ['buy', 'sell'] as const) {
    if ((side === 'buy' ? t.buyer : t.seller) !== party) continue;
    out.push({
      tradeId: t.id,
      market: t.marketId,
      orderId: side === 'buy' ? t.buyOrder : t.sellOrder,
      side,
      price: u.fmtPrice(t.marketPrice),
      size: u.fmtSize(t.size),
      fee: u.fmtAsset(feeTotal(side === 'buy' ? t.buyerFee : t.sellerFee)),
      liquidity: t.aggressor === undefined ? 'auction' : t.aggressor === side ? 'taker' : 'maker',
      timestamp: t.timestamp.toString(),
    });
  }
  return out;
}

export interface WireAccount {
  type: string;
  asset: string;
  market: string;
  balance: string;
}

export function wireAccount(a: Account, fmt: (v: bigint) => string): WireAccount {
  return { type: a.type, asset: a.asset, market: a.market, balance: fmt(a.balance) };
}

export interface WireTransfer {
  type: string;
  asset: string;
  amount: string;
  from: { owner: string; type: string; market: string; balance: string };
  to: { owner: string; type: string; market: string; balance: string };
  timestamp: string;
}

export function wireTransfer(e: LedgerEntry, fmt: (v: bigint) => string, now: bigint): WireTransfer {
  return {
    type: e.type,
    asset: e.from.asset,
    amount: fmt(e.amount),
    from: { owner: e.from.owner, type: e.from.type, market: e.from.market, balance: fmt(e.fromBalance) },
    to: { owner: e.to.owner, type: e.to.type, market: e.to.market, balance: fmt(e.toBalance) },
    timestamp: now.toString(),
  };
}
