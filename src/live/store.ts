// The venue's read model, built only from engine events (so a journal replay rebuilds it as well): recent public
// trades and candles per market, and per party its orders, fills and transfers. Histories are capped (the live
// orders are always kept) so that memory stays flat however long the venue runs.
import type { EngineEvent, Exchange, LedgerEntry, OrderSnapshot, Trade } from './engine.ts';
import type { MarketUnits } from './units.ts';
import {
  wireFills,
  wireOrder,
  wireTrade,
  wireTransfer,
  type WireFill,
  type WireOrder,
  type WireTrade,
  type WireTransfer,
} from './wire.ts';

/**
 * A fixed-size ring of the latest items, its slots allocated up front (so a history's memory is fixed when it is
 * created, not grown as it fills).
 */
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private n = 0;
  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Adds `x`; returns the item it pushed out when the ring was full. */
  push(x: T): T | undefined {
    if (this.n < this.capacity) {
      this.items[(this.start + this.n++) % this.capacity] = x;
      return undefined;
    }
    const old = this.items[this.start];
    this.items[this.start] = x;
    this.start = (this.start + 1) % this.capacity;
    return old;
  }

  /** newest first, at most `limit` */
  latest(limit: number): T[] {
    const n = this.n;
    const out: T[] = [];
    for (let i = 0; i < Math.min(limit, n); i++) out.push(this.items[(this.start + n - 1 - i) % this.capacity]!);
    return out;
  }

  get size(): number {
    return this.n;
  }
}

export const CANDLE_INTERVALS = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '1d': 86_400 } as const;
export type CandleInterval = keyof typeof CANDLE_INTERVALS;
/** each interval's length in ns, computed once (a trade updates every interval's candle) */
const CANDLE_SPANS = (Object.entries(CANDLE_INTERVALS) as [CandleInterval, number][]).map(
  ([name, secs]) => [name, BigInt(secs) * 1_000_000_000n] as const,
);

export interface Candle {
  /** bucket start, ns */
  start: string;
  open: string;
  high: string;
  low: string;
  close: string;
  /** contracts */
  volume: string;
  trades: number;
}

interface CandleAcc {
  start: bigint;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
  volume: bigint;
  trades: number;
}

interface PartyHistory {
  /** every order the venue has seen for the party, latest version; finished ones capped */
  readonly orders: Map<string, OrderSnapshot>;
  /** finished order ids, the latest FINISHED_ORDERS_KEPT (the oldest is forgotten when a new one finishes) */
  readonly finished: Ring<string>;
  readonly finishedSet: Set<string>;
  /** raw (formatted when read: the hot path only keeps references) */
  readonly fills: Ring<Trade>;
  readonly transfers: Ring<{ entry: LedgerEntry; t: bigint }>;
}

const FINISHED_ORDERS_KEPT = 500;
const HISTORY = 500;

export class VenueStore {
  private readonly trades = new Map<string, Ring<Trade>>();
  private readonly candles = new Map<string, Map<CandleInterval, { ring: Ring<CandleAcc>; open?: CandleAcc }>>();
  private readonly parties = new Map<string, PartyHistory>();
  /** live order id → party (orders that expire are announced by id only) */
  private readonly liveOwner = new Map<string, string>();

  constructor(
    private readonly ex: Exchange,
    private readonly units: (marketId: string) => MarketUnits | undefined,
    private readonly assetFmt: (asset: string) => (v: bigint) => string,
  ) {}

  private party(p: string): PartyHistory {
    let h = this.parties.get(p);
    if (!h) {
      h = {
        orders: new Map(),
        finished: new Ring(FINISHED_ORDERS_KEPT),
        finishedSet: new Set(),
        fills: new Ring(HISTORY),
        transfers: new Ring(HISTORY),
      };
      this.parties.set(p, h);
    }
    return h;
  }

  emit(e: EngineEvent): void {
    switch (e.type) {
      case 'order': {
        const o = e.order;
        const h = this.party(o.party);
        const live = o.status === 'ACTIVE' || o.status === 'PARKED' || o.status === 'PARTIALLY_FILLED';
        h.orders.set(o.id, o);
        if (live) this.liveOwner.set(o.id, o.party);
        else this.liveOwner.delete(o.id);
        if (!live && !h.finishedSet.has(o.id)) {
          h.finishedSet.add(o.id);
          const old = h.finished.push(o.id);
          if (old !== undefined) {
            h.finishedSet.delete(old);
            h.orders.delete(old);
          }
        }
        break;
      }
      case 'trade': {
        const t = e.trade;
        const u = this.units(t.marketId);
        if (!u) break;
        let r = this.trades.get(t.marketId);
        if (!r) this.trades.set(t.marketId, (r = new Ring(HISTORY)));
        r.push(t);
        this.party(t.buyer).fills.push(t);
        if (t.seller !== t.buyer) this.party(t.seller).fills.push(t);
        if (t.type === 'DEFAULT') this.candle(t.marketId, t.timestamp, t.marketPrice, BigInt(t.size));
        break;
      }
      case 'ledger': {
        const en = e.entry;
        const w = { entry: en, t: this.ex.now() };
        if (isParty(en.from.owner)) this.party(en.from.owner).transfers.push(w);
        if (en.to.owner !== en.from.owner && isParty(en.to.owner)) this.party(en.to.owner).transfers.push(w);
        break;
      }
      default:
        break;
    }
  }

  private candle(market: string, ts: bigint, price: bigint, size: bigint): void {
    let m = this.candles.get(market);
    if (!m) this.candles.set(market, (m = new Map()));
    for (const [name, span] of CANDLE_SPANS) {
      let c = m.get(name);
      if (!c) m.set(name, (c = { ring: new Ring(HISTORY) }));
      const start = (ts / span) * span;
      if (!c.open || c.open.start !== start) {
        c.open = { start, open: price, high: price, low: price, close: price, volume: 0n, trades: 0 };
        c.ring.push(c.open);
      }
      const o = c.open;
      if (price > o.high) o.high = price;
      if (price < o.low) o.low = price;
      o.close = price;
      o.volume += size;
      o.trades++;
    }
  }

  /**
   * The engine announces expired GTT orders by id only: returns each one's snapshot as expired (the venue passes
   * them on as order events, so the read model and every listener see the status change).
   */
  expired(ids: readonly string[], now: bigint): OrderSnapshot[] {
    const out: OrderSnapshot[] = [];
    for (const id of ids) {
      const party = this.liveOwner.get(id);
      const o = party !== undefined ? this.parties.get(party)?.orders.get(id) : undefined;
      if (o) out.push({ ...o, status: 'EXPIRED', remaining: 0, reservedRemaining: 0, updatedAt: now });
    }
    return out;
  }

  recentTrades(market: string, limit: number): WireTrade[] {
    const u = this.units(market);
    if (!u) return [];
    return (this.trades.get(market)?.latest(limit) ?? []).map((t) => wireTrade(t, u));
  }

  candlesOf(market: string, interval: CandleInterval, limit: number): Candle[] {
    const u = this.units(market);
    const c = this.candles.get(market)?.get(interval);
    if (!u || !c) return [];
    return c.ring.latest(limit).map((x) => ({
      start: x.start.toString(),
      open: u.fmtPrice(x.open),
      high: u.fmtPrice(x.high),
      low: u.fmtPrice(x.low),
      close: u.fmtPrice(x.close),
      volume: u.fmtSize(x.volume),
      trades: x.trades,
    }));
  }

  /** the party's orders, newest first; `live` only the ones still on the book (or parked) */
  orders(party: string, opts: { live?: boolean; market?: string; limit: number }): WireOrder[] {
    const h = this.parties.get(party);
    if (!h) return [];
    const out: WireOrder[] = [];
    const all = [...h.orders.values()].reverse();
    for (const o of all) {
      if (out.length >= opts.limit) break;
      if (opts.market && o.marketId !== opts.market) continue;
      if (opts.live && !(o.status === 'ACTIVE' || o.status === 'PARKED' || o.status === 'PARTIALLY_FILLED')) continue;
      const u = this.units(o.marketId);
      if (u) out.push(wireOrder(o, u));
    }
    return out;
  }

  /** The read model's data, for a venue snapshot (src/live/venue-snapshot.ts). */
  exportState(): object {
    return { trades: this.trades, candles: this.candles, parties: this.parties, liveOwner: this.liveOwner };
  }

  /** Replaces the read model's data with a snapshot's (as exportState wrote it). */
  importState(s: object): void {
    const d = s as Record<string, unknown>;
    for (const k of ['trades', 'candles', 'parties', 'liveOwner'] as const) {
      const from = d[k];
      if (!(from instanceof Map)) throw new Error(`store.${k}: not a map`);
      const to = this[k] as Map<unknown, unknown>;
      to.clear();
      for (const [key, v] of from) to.set(key, v);
    }
  }

  order(party: string, id: string): OrderSnapshot | undefined {
    return this.parties.get(party)?.orders.get(id);
  }

  fills(party: string, limit: number): WireFill[] {
    const out: WireFill[] = [];
    for (const t of this.parties.get(party)?.fills.latest(limit) ?? []) {
      const u = this.units(t.marketId);
      if (u) out.push(...wireFills(t, party, u));
    }
    return out.slice(0, limit);
  }

  transfers(party: string, limit: number): WireTransfer[] {
    return (this.parties.get(party)?.transfers.latest(limit) ?? []).map(({ entry, t }) =>
      wireTransfer(entry, this.assetFmt(entry.from.asset), t),
    );
  }
}

/** Owners that are parties (not the system's pools or the asset's external account). */
export function isParty(owner: string): boolean {
  return owner !== '*' && owner !== '' && owner !== 'network';
}
