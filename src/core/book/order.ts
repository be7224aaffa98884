// Orders as the market keeps them (spec 0014-ORDT order types, 0024-OSTA statuses), and their event snapshots.
import type { BookOrder } from './orderbook.ts';
import type { OrderSnapshot } from '../events.ts';
import type { OrderStatus, OrderType, PeggedReference, Side, TimeInForce } from '../types.ts';

export interface Peg {
  reference: PeggedReference;
  /** market precision */
  offset: number;
}

export interface Order extends BookOrder {
  readonly id: string;
  readonly marketId: string;
  readonly party: string;
  readonly side: Side;
  type: OrderType;
  tif: TimeInForce;
  status: OrderStatus;
  /** original (submitted) size, or the amended size */
  size: number;
  reference: string;
  createdAt: bigint;
  updatedAt: bigint;
  /** 0 = no expiry */
  expiresAt: bigint;
  postOnly: boolean;
  reduceOnly: boolean;
  peg: Peg | undefined;
  version: number;
  reason: string | undefined;
}

export function isPersistent(o: Pick<Order, 'tif' | 'type'>): boolean {
  return o.type === 'LIMIT' && (o.tif === 'GTC' || o.tif === 'GTT' || o.tif === 'GFN' || o.tif === 'GFA');
}

/** Non-persistent for price monitoring: a breach rejects the order instead of starting an auction. */
export function isNonPersistentForMonitoring(o: Pick<Order, 'tif' | 'type'>): boolean {
  return o.tif === 'IOC' || o.tif === 'FOK' || o.tif === 'GFN';
}

export function snapshot(o: Order): OrderSnapshot {
  const iceberg = o.peakSize > 0;
  const visible = iceberg && o.displayed <= o.remaining ? o.displayed : o.remaining;
  return {
    id: o.id,
    marketId: o.marketId,
    party: o.party,
    side: o.side,
    type: o.type,
    tif: o.tif,
    status: o.status,
    price: o.status === 'PARKED' ? 0 : o.price,
    size: o.size,
    remaining: visible,
    reservedRemaining: iceberg ? o.remaining - visible : 0,
    reference: o.reference,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    expiresAt: o.expiresAt,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
    ...(o.peg ? { peg: { ...o.peg } } : {}),
    version: o.version,
    ...(o.reason ? { reason: o.reason } : {}),
  };
}
