// Positions engine (spec 0006-POSI positions core): per party the signed open volume and the total remaining
// size of its live buy and sell orders (the "potential" position that margins are computed on).
// Map insertion order is the order in which parties first registered an order or took a position; Vega processes
// mark-to-market and margin in exactly that order.
import type { Side } from '../types.ts';

export class Position {
  openVolume = 0;
  buy = 0;
  sell = 0;
  /** average entry price of the open volume (asset precision, floored VWAP of the trades that opened it) */
  averageEntryPrice = 0n;
  constructor(readonly party: string) {}

  isEmpty(): boolean {
    return this.openVolume === 0 && this.buy === 0 && this.sell === 0;
  }
}

export class Positions {
  private readonly map = new Map<string, Position>();

  get(party: string): Position | undefined {
    return this.map.get(party);
  }

  getOrCreate(party: string): Position {
    let p = this.map.get(party);
    if (!p) this.map.set(party, (p = new Position(party)));
    return p;
  }

  /** Adds an order's remaining size to the party's potential volume. */
  registerOrder(party: string, side: Side, size: number): Position {
    const p = this.getOrCreate(party);
    if (side === 'buy') p.buy += size;
    else p.sell += size;
    return p;
  }

  unregisterOrder(party: string, side: Side, size: number): void {
    const p = this.map.get(party);
    if (!p) return;
    if (side === 'buy') p.buy -= size;
    else p.sell -= size;
    if (p.buy < 0 || p.sell < 0) throw new Error(`potential volume of ${party} went negative`);
  }

  /** A trade: the buyer's volume grows, the seller's shrinks; matched order volume leaves the potentials. */
  applyTrade(
    buyer: string,
    seller: string,
    size: number,
    buyerFromOrder: boolean,
    sellerFromOrder: boolean,
    price = 0n,
  ): void {
    const b = this.getOrCreate(buyer);
    const s = this.getOrCreate(seller);
    updateEntryPrice(b, size, price);
    updateEntryPrice(s, -size, price);
    b.openVolume += size;
    s.openVolume -= size;
    if (buyerFromOrder) b.buy -= size;
    if (sellerFromOrder) s.sell -= size;
  }

  remove(party: string): void {
    this.map.delete(party);
  }

  all(): IterableIterator<Position> {
    return this.map.values();
  }

  /** The positions' part of the state hash: every record (empty ones included) in creation order. */
  hashParts(): string[] {
    const parts: string[] = [];
    for (const p of this.map.values()) parts.push(`p ${p.party} ${p.openVolume} ${p.buy} ${p.sell}`);
    return parts;
  }

  /** Sum of long positions (open interest), position units. */
  openInterest(): number {
    let oi = 0;
    for (const p of this.map.values()) if (p.openVolume > 0) oi += p.openVolume;
    return oi;
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * Average entry price after a trade of `delta` (signed) at `price`: a trade that adds to the position re-averages
 * (floored VWAP), one that reduces it keeps the price, one that flips it starts again at the trade price.
 */
function updateEntryPrice(p: Position, delta: number, price: bigint): void {
  const v = p.openVolume;
  const next = v + delta;
  if (next === 0) p.averageEntryPrice = 0n;
  else if (v === 0 || Math.sign(next) !== Math.sign(v)) p.averageEntryPrice = price;
  else if (Math.abs(next) > Math.abs(v)) {
    p.averageEntryPrice =
      (p.averageEntryPrice * BigInt(Math.abs(v)) + price * BigInt(Math.abs(delta))) / BigInt(Math.abs(next));
  }
}
