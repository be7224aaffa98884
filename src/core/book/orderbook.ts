// Limit order book: price levels with time priority, continuous matching, iceberg refresh and auction
// uncrossing (spec 0068-MATC matching engine, 0014-ORDT iceberg orders, 0026-AUCT uncrossing).
// Prices here are integers in market precision (numbers), sizes integers in position units; the market
// converts to asset precision. Each side keeps its levels sorted with the best level last, so the busy end
// of the book is the end of an array; each level is a FIFO queue with lazy deletion.
import type { Side } from '../types.ts';

export interface BookOrder {
  readonly id: string;
  readonly party: string;
  readonly side: Side;
  /** Limit price in market precision (for pegged orders: the current computed price). */
  price: number;
  /** Total remaining size (for icebergs: displayed plus hidden). */
  remaining: number;
  /** Displayed quantity; equals `remaining` for non-iceberg orders. */
  displayed: number;
  /** Iceberg initial peak size, 0 for non-iceberg orders. */
  peakSize: number;
  /** Iceberg minimum peak size: refresh when displayed falls below it. */
  minPeakSize: number;
  /** @internal the level holding the order, null when not on the book */
  bookLevel: PriceLevel<BookOrder> | null;
  /** @internal absolute queue position within its level */
  bookPos: number;
}

export class PriceLevel<O extends BookOrder> {
  readonly price: number;
  /** FIFO; slots of removed orders hold null. queue[i] is at absolute position base + i. */
  queue: (O | null)[] = [];
  base = 0;
  head = 0;
  count = 0;
  /** Sum of remaining sizes (iceberg hidden volume included, as market depth reports it). */
  volume = 0;
  /** Iceberg orders at this level (for the pro-rata split of hidden volume). */
  icebergs = 0;

  constructor(price: number) {
    this.price = price;
  }

  push(o: O): void {
    o.bookLevel = this as unknown as PriceLevel<BookOrder>;
    o.bookPos = this.base + this.queue.length;
    this.queue.push(o);
    this.count++;
    this.volume += o.remaining;
    if (o.peakSize > 0) this.icebergs++;
  }

  remove(o: O): void {
    const i = o.bookPos - this.base;
    if (this.queue[i] !== o) throw new Error(`order ${o.id} not at its recorded book position`);
    this.queue[i] = null;
    this.count--;
    this.volume -= o.remaining;
    if (o.peakSize > 0) this.icebergs--;
    o.bookLevel = null;
    if (i === this.head) this.advanceHead();
  }

  private advanceHead(): void {
    const q = this.queue;
    let h = this.head;
    while (h < q.length && q[h] === null) h++;
    this.head = h;
    if (h > 64 && h * 2 > q.length) {
      this.queue = q.slice(h);
      this.base += h;
      this.head = 0;
    }
  }

  /** Live orders in time priority. */
  *orders(): IterableIterator<O> {
    const q = this.queue;
    for (let i = this.head; i < q.length; i++) {
      const o = q[i];
      if (o) yield o;
    }
  }

  first(): O | undefined {
    const q = this.queue;
    for (let i = this.head; i < q.length; i++) {
      const o = q[i];
      if (o) return o;
    }
    return undefined;
  }
}

export class BookSide<O extends BookOrder> {
  /** Sorted so that the best level is last: bids ascending, asks descending. */
  readonly levels: PriceLevel<O>[] = [];
  private readonly byPrice = new Map<number, PriceLevel<O>>();
  readonly side: Side;
  private readonly sign: number;

  constructor(side: Side) {
    this.side = side;
    this.sign = side === 'buy' ? 1 : -1;
  }

  best(): PriceLevel<O> | undefined {
    return this.levels[this.levels.length - 1];
  }

  level(price: number): PriceLevel<O> | undefined {
    return this.byPrice.get(price);
  }

  /** Index where a level with this price is or would be inserted. */
  private search(price: number): number {
    const key = price * this.sign;
    const lv = this.levels;
    // the new price is usually at or near the top of the book: check the end first
    const n = lv.length;
    if (n === 0 || lv[n - 1]!.price * this.sign < key) return n;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lv[mid]!.price * this.sign < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  getOrCreate(price: number): PriceLevel<O> {
    let l = this.byPrice.get(price);
    if (l) return l;
    l = new PriceLevel<O>(price);
    const i = this.search(price);
    if (i === this.levels.length) this.levels.push(l);
    else this.levels.splice(i, 0, l);
    this.byPrice.set(price, l);
    return l;
  }

  dropIfEmpty(l: PriceLevel<O>): void {
    if (l.count > 0) return;
    this.byPrice.delete(l.price);
    const n = this.levels.length;
    if (this.levels[n - 1] === l) this.levels.pop();
    else this.levels.splice(this.search(l.price), 1);
  }

  /** True if a price on this side is at least as good as `limit` for the opposite aggressor. */
  crosses(levelPrice: number, limit: number): boolean {
    // an aggressive buy with limit L matches asks priced <= L; an aggressive sell matches bids priced >= L
    return this.side === 'sell' ? levelPrice <= limit : levelPrice >= limit;
  }

  totalVolume(): number {
    let v = 0;
    for (const l of this.levels) v += l.volume;
    return v;
  }

  get size(): number {
    return this.byPrice.size;
  }
}

/** A price level as clients read it (market precision, visible plus hidden volume). */
export interface DepthLevel {
  readonly price: number;
  readonly volume: number;
}

export interface Fill<O extends BookOrder> {
  readonly passive: O;
  readonly size: number;
  /** market-precision price of the passive order's level */
  readonly price: number;
}

export interface MatchResult<O extends BookOrder> {
  fills: Fill<O>[];
  /** Total size filled. */
  filled: number;
  /** Matching stopped on the aggressor's own passive order (self-trade prevention). */
  selfTrade: boolean;
}

export interface Indicative {
  /** volume that would trade */
  readonly volume: number;
  /** lowest and highest volume-maximising price levels (market precision) */
  readonly lo: number;
  readonly hi: number;
  /** side whose orders are taken as the incoming ones */
  readonly side: Side;
}

export interface UncrossMatch<O extends BookOrder> {
  readonly aggressor: O;
  readonly passive: O;
  readonly size: number;
}

/** An aggressive buy limit that accepts any ask (market orders). */
export const NO_LIMIT_BUY = Number.MAX_SAFE_INTEGER;
/** An aggressive sell limit that accepts any bid (market orders). */
export const NO_LIMIT_SELL = 0;

export class OrderBook<O extends BookOrder> {
  readonly bids = new BookSide<O>('buy');
  readonly asks = new BookSide<O>('sell');
  /** Icebergs whose displayed quantity fell below the minimum peak size, in the order they became eligible. */
  private pendingRefresh: O[] = [];

  side(s: Side): BookSide<O> {
    return s === 'buy' ? this.bids : this.asks;
  }

  /** The book's part of the state hash: every level, bids then asks, worst first, with its orders in time priority. */
  hashParts(): string[] {
    const parts: string[] = [];
    for (const side of [this.bids, this.asks]) {
      for (const l of side.levels)
        parts.push(`l ${side.side} ${l.price} ${l.volume} ${[...l.orders()].map((o) => o.id).join(',')}`);
    }
    return parts;
  }

  bestBid(): number | undefined {
    return this.bids.best()?.price;
  }

  bestAsk(): number | undefined {
    return this.asks.best()?.price;
  }

  /** Total remaining volume resting at a price on a side (0 if no level). */
  volumeAt(side: Side, price: number): number {
    return this.side(side).level(price)?.volume ?? 0;
  }

  /** Rests an order at the back of its price level's queue. */
  insert(o: O): void {
    if (o.bookLevel) throw new Error(`order ${o.id} is already on the book`);
    if (o.peakSize > 0 && o.displayed === 0) o.displayed = Math.min(o.peakSize, o.remaining);
    if (o.peakSize === 0) o.displayed = o.remaining;
    this.side(o.side).getOrCreate(o.price).push(o);
  }

  remove(o: O): void {
    const l = o.bookLevel as PriceLevel<O> | null;
    if (!l) return;
    l.remove(o);
    this.side(o.side).dropIfEmpty(l);
  }

  /** Changes the remaining size in place, keeping time priority (size reductions and iceberg amends). */
  setRemaining(o: O, remaining: number): void {
    const l = o.bookLevel as PriceLevel<O> | null;
    if (l) l.volume += remaining - o.remaining;
    o.remaining = remaining;
    if (o.peakSize === 0) o.displayed = remaining;
    else if (o.displayed > remaining) o.displayed = remaining;
  }

  /**
   * The fills an aggressive order would get against the opposite side, without changing the book.
   * Stops at the aggressor's own order (self-trade prevention) unless `party` is undefined (auction uncrossing).
   * `size` is the quantity to match.
   */
  simulate(party: string | undefined, side: Side, limit: number, size: number): MatchResult<O> {
    const opp = side === 'buy' ? this.asks : this.bids;
    const fills: Fill<O>[] = [];
    let left = size;
    let selfTrade = false;
    const levels = opp.levels;
    for (let li = levels.length - 1; li >= 0 && left > 0; li--) {
      const level = levels[li]!;
      if (!opp.crosses(level.price, limit)) break;
      // phase 1: displayed volume in time priority
      const q = level.queue;
      for (let i = level.head; i < q.length && left > 0; i++) {
        const p = q[i];
        if (!p) continue;
        if (p.party === party) {
          selfTrade = true;
          break;
        }
        const take = p.displayed < left ? p.displayed : left;
        if (take > 0) {
          fills.push({ passive: p, size: take, price: level.price });
          left -= take;
        }
      }
      if (selfTrade) break;
      // phase 2: what is left goes to the icebergs' hidden volume, pro rata by hidden size
      if (left > 0 && level.icebergs > 0) left = this.splitHidden(level, left, fills);
    }
    return { fills, filled: size - left, selfTrade };
  }

  private splitHidden(level: PriceLevel<O>, qty: number, fills: Fill<O>[]): number {
    const bergs: O[] = [];
    let hiddenTotal = 0;
    for (const o of level.orders()) {
      if (o.peakSize > 0 && o.remaining > o.displayed) {
        bergs.push(o);
        hiddenTotal += o.remaining - o.displayed;
      }
    }
    if (hiddenTotal === 0) return qty;
    if (qty >= hiddenTotal) {
      for (const o of bergs) fills.push({ passive: o, size: o.remaining - o.displayed, price: level.price });
      return qty - hiddenTotal;
    }
    // floor(qty * hidden_i / total); the integer remainder goes to the iceberg first in time priority
    let allocated = 0;
    const shares = bergs.map((o) => {
      const s = Math.floor(((o.remaining - o.displayed) * qty) / hiddenTotal);
      allocated += s;
      return s;
    });
    shares[0]! += qty - allocated;
    bergs.forEach((o, i) => {
      if (shares[i]! > 0) fills.push({ passive: o, size: shares[i]!, price: level.price });
    });
    return 0;
  }

  /**
   * Applies fills computed by `simulate` (the book must not have changed in between): reduces the passive
   * orders, removes the filled ones and refreshes icebergs.
   */
  apply(fills: readonly Fill<O>[]): void {
    for (const f of fills) {
      const p = f.passive;
      const level = p.bookLevel as PriceLevel<O>;
      p.remaining -= f.size;
      level.volume -= f.size;
      if (p.peakSize === 0) {
        p.displayed = p.remaining;
      } else {
        p.displayed = p.displayed > f.size ? p.displayed - f.size : 0;
        if (p.remaining > 0 && p.displayed < p.minPeakSize && !this.pendingRefresh.includes(p)) {
          this.pendingRefresh.push(p);
        }
      }
      if (p.remaining === 0) {
        // the fill already took its size off the level volume, and remove() subtracts remaining (now 0)
        level.remove(p);
        this.side(p.side).dropIfEmpty(level);
      }
    }
    this.refreshIcebergs();
  }

  /** Refreshes icebergs below their minimum peak: displayed = min(peak, remaining), back of the queue. */
  refreshIcebergs(): O[] {
    if (this.pendingRefresh.length === 0) return [];
    const done = this.pendingRefresh;
    this.pendingRefresh = [];
    for (const o of done) {
      if (!o.bookLevel || o.remaining === 0) continue;
      const level = o.bookLevel as PriceLevel<O>;
      level.remove(o);
      o.displayed = Math.min(o.peakSize, o.remaining);
      level.push(o);
    }
    return done;
  }

  /** Matches an aggressive order and applies the fills (book-only fast path; no resting). */
  match(party: string, side: Side, limit: number, size: number): MatchResult<O> {
    const r = this.simulate(party, side, limit, size);
    if (r.fills.length) this.apply(r.fills);
    return r;
  }

  /** Volume the opposite side offers to an aggressor up to `limit`, ignoring self-trade. */
  availableVolume(side: Side, limit: number): number {
    const opp = side === 'buy' ? this.asks : this.bids;
    let v = 0;
    for (let li = opp.levels.length - 1; li >= 0; li--) {
      const l = opp.levels[li]!;
      if (!opp.crosses(l.price, limit)) break;
      v += l.volume;
    }
    return v;
  }

  /**
   * Indicative uncrossing of a crossed book (vega-formulas.md 8.1): among the price levels of both sides inside
   * [best ask, best bid], the volume-maximising ones; the price is the midpoint of the lowest and highest of them
   * (the caller converts to asset precision and floors). The uncross side is the buy side if whole bid levels, best
   * first, add up exactly to the volume, otherwise the sell side.
   */
  indicative(): Indicative | undefined {
    const bb = this.bestBid();
    const ba = this.bestAsk();
    if (bb === undefined || ba === undefined || bb < ba) return undefined;
    const prices = new Set<number>();
    for (const l of this.bids.levels) if (l.price >= ba) prices.add(l.price);
    for (const l of this.asks.levels) if (l.price <= bb) prices.add(l.price);
    const sorted = [...prices].sort((a, b) => a - b);
    // cumulative ask volume at or below p (asks are stored descending: walk from the end)
    const askLevels = this.asks.levels;
    const bidLevels = this.bids.levels;
    let maxVol = 0;
    let lo = 0;
    let hi = 0;
    let ai = askLevels.length - 1;
    let cumAsk = 0;
    // cumulative bid volume at or above p: start with everything >= smallest candidate, remove as p grows
    let cumBid = 0;
    let bi = 0;
    for (const l of bidLevels) if (l.price >= sorted[0]!) cumBid += l.volume;
    while (bi < bidLevels.length && bidLevels[bi]!.price < sorted[0]!) bi++;
    for (const p of sorted) {
      while (ai >= 0 && askLevels[ai]!.price <= p) cumAsk += askLevels[ai--]!.volume;
      while (bi < bidLevels.length && bidLevels[bi]!.price < p) cumBid -= bidLevels[bi++]!.volume;
      const v = Math.min(cumAsk, cumBid);
      if (v > maxVol) {
        maxVol = v;
        lo = p;
        hi = p;
      } else if (v === maxVol && v > 0) {
        hi = p;
      }
    }
    if (maxVol === 0) return undefined;
    let left = maxVol;
    let side: Side = 'sell';
    for (let i = bidLevels.length - 1; i >= 0; i--) {
      left -= bidLevels[i]!.volume;
      if (left === 0) {
        side = 'buy';
        break;
      }
      if (left < 0) break;
    }
    return { volume: maxVol, lo, hi, side };
  }

  /**
   * Uncrosses `ind.volume`: orders of the uncross side, best price first and in time priority, are matched as if
   * incoming against the other side (self-trades allowed). Returns the matches; the book is updated.
   */
  uncross(ind: Indicative): UncrossMatch<O>[] {
    const own = this.side(ind.side);
    const matches: UncrossMatch<O>[] = [];
    let left = ind.volume;
    while (left > 0) {
      const level = own.best();
      if (!level) break;
      const o = level.first();
      if (!o) break;
      const take = o.remaining < left ? o.remaining : left;
      const limit = o.side === 'buy' ? NO_LIMIT_BUY : NO_LIMIT_SELL;
      const r = this.simulate(undefined, o.side, limit, take);
      if (r.filled === 0) break;
      this.apply(r.fills);
      for (const f of r.fills) matches.push({ aggressor: o, passive: f.passive, size: f.size });
      left -= r.filled;
      const rest = o.remaining - r.filled;
      this.setRemaining(o, rest);
      if (rest === 0) this.remove(o);
      else if (o.peakSize > 0 && o.displayed < o.minPeakSize) this.pendingRefresh.push(o);
      if (r.filled < take) break;
    }
    this.refreshIcebergs();
    return matches;
  }

  /** All live orders, bids then asks, best level first, in time priority. */
  *allOrders(): IterableIterator<O> {
    for (const s of [this.bids, this.asks]) {
      for (let i = s.levels.length - 1; i >= 0; i--) yield* s.levels[i]!.orders();
    }
  }

  isEmpty(): boolean {
    return this.bids.size === 0 && this.asks.size === 0;
  }
}
