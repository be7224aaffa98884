// Book benchmark workload: a seeded stream of limit orders and cancels, generated once as plain data (typed arrays)
// by replaying it through a small, independent reference book, so that cancels always target live orders (the live
// set is maintained from the fills) and crossing orders are priced through the current opposite best. The reference
// book's final state and traded volume are the expected outcome every benchmarked book must reproduce.
import { Prng } from './prng.ts';

/** A limit order priced so that it does not cross (it rests in full). */
export const OP_REST = 0;
/** A limit order priced through the opposite best: it trades, and rests whatever does not fill. */
export const OP_CROSS = 1;
/** A cancel of a live (resting) order. */
export const OP_CANCEL = 2;

export const BUY = 0;
export const SELL = 1;

export interface WorkloadOptions {
  readonly ops: number;
  readonly seed: number;
  /** operation mix: probabilities of a resting order and of a crossing order; the rest are cancels */
  readonly restShare?: number;
  readonly crossShare?: number;
  /** book depth (live orders) the crossing flow steers towards; default 5,000 */
  readonly targetLive?: number;
}

/** Shape of a book at the end of a run (and the traded volume that led there). */
export interface BookSummary {
  /** total size traded (sum of fills) */
  traded: number;
  liveOrders: number;
  bidVolume: number;
  askVolume: number;
  bidLevels: number;
  askLevels: number;
  /** undefined when the side is empty */
  bestBid: number | undefined;
  bestAsk: number | undefined;
  /** every resting order, bids then asks, best level first, in time priority: `index:price:remaining` */
  fingerprint: string;
}

export interface Workload {
  readonly length: number;
  /** OP_REST, OP_CROSS or OP_CANCEL */
  readonly kind: Uint8Array;
  /** BUY or SELL (orders only) */
  readonly side: Uint8Array;
  /** limit price in ticks (orders only) */
  readonly price: Int32Array;
  /** order size (orders only) */
  readonly size: Int32Array;
  /** orders: the new order's index; cancels: the index of the order to cancel */
  readonly order: Int32Array;
  /** order ids by order index (also used as the order's party, so no two orders share an owner) */
  readonly ids: readonly string[];
  /** number of operations of each kind actually generated */
  readonly mix: { readonly rest: number; readonly cross: number; readonly cancel: number };
  /** crossing orders that took everything up to their limit and rested a remainder */
  readonly crossRested: number;
  /** largest number of live orders seen while generating */
  readonly peakLiveOrders: number;
  /** state of the reference book after the whole stream */
  readonly expected: BookSummary;
}

/** Initial fair price (ticks); it random-walks one tick at a time. */
const FAIR_START = 100_000;
/** Probability per operation that the fair price moves by one tick. */
export const FAIR_STEP_PROBABILITY = 0.02;
/** Mean distance (ticks) of a resting order from the fair price. */
export const REST_MEAN_OFFSET = 8;
/** Resting order sizes are uniform in [1, REST_MAX_SIZE]. */
export const REST_MAX_SIZE = 100;
/** Crossing limits go up to this many ticks through the opposite best. */
export const CROSS_MAX_THROUGH = 2;
/** Share of crossing orders that take the whole opposite best level and rest the remainder at its price. */
export const SWEEP_SHARE = 0.002;
/**
 * Other crossing orders have sizes uniform in [1, 2m]: they fill completely and usually leave the last passive order
 * partially filled. The mean m follows the book depth, m = CROSS_MEAN_AT_TARGET × (live / targetLive)²: with a fixed
 * 40/30/30 mix nothing else ties the flow to the depth, so this feedback keeps the book stationary (about 4,000 live
 * orders on 100-140 levels with the defaults) instead of draining to a handful of orders or growing without bound.
 */
const CROSS_MEAN_AT_TARGET = 20;

/** Non-crossing price for a resting order: `offset` ticks away from the fair price, kept inside the spread. */
export function restingPrice(
  side: number,
  fair: number,
  offset: number,
  bestBid: number | undefined,
  bestAsk: number | undefined,
): number {
  if (side === BUY) {
    let p = fair - 1 - offset;
    if (bestAsk !== undefined && p >= bestAsk) p = bestAsk - 1;
    return Math.max(1, p);
  }
  let p = fair + 1 + offset;
  if (bestBid !== undefined && p <= bestBid) p = bestBid + 1;
  return p;
}

/** Size of a (non-sweeping) crossing order from a uniform draw `u`, given the book's depth in live orders. */
export function crossingSize(u: number, live: number, targetLive: number): number {
  const depth = live / targetLive;
  return 1 + Math.floor(u * 2 * CROSS_MEAN_AT_TARGET * depth * depth);
}

// ---------------------------------------------------------------- reference book

/** One price level of the reference book: a FIFO of order indexes (cancelled or filled entries are skipped). */
interface RefLevel {
  readonly price: number;
  readonly queue: number[];
  head: number;
  live: number;
  volume: number;
}

/** One side of the reference book: levels by price, and the prices sorted best first. */
class RefSide {
  readonly levels = new Map<number, RefLevel>();
  /** best first: bids descending, asks ascending */
  readonly prices: number[] = [];

  constructor(private readonly isBid: boolean) {}

  better(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b;
  }

  best(): number | undefined {
    return this.prices[0];
  }

  level(price: number): RefLevel {
    let l = this.levels.get(price);
    if (l) return l;
    l = { price, queue: [], head: 0, live: 0, volume: 0 };
    this.levels.set(price, l);
    let i = 0;
    while (i < this.prices.length && this.better(this.prices[i]!, price)) i++;
    this.prices.splice(i, 0, price);
    return l;
  }

  drop(l: RefLevel): void {
    this.levels.delete(l.price);
    this.prices.splice(this.prices.indexOf(l.price), 1);
  }
}

/** A plain price-time priority book over order indexes, used only to generate and check the stream. */
class RefBook {
  readonly bids = new RefSide(true);
  readonly asks = new RefSide(false);
  remaining: number[] = [];
  price: number[] = [];
  sideOf: number[] = [];
  /** live order indexes (unordered), and each live order's position in it (-1 when not live) */
  readonly live: number[] = [];
  livePos: number[] = [];
  traded = 0;

  side(s: number): RefSide {
    return s === BUY ? this.bids : this.asks;
  }

  /** Opposite volume an aggressor on `side` with limit `limit` could take. */
  available(side: number, limit: number): number {
    const opp = this.side(1 - side);
    let v = 0;
    for (const p of opp.prices) {
      if (side === BUY ? p > limit : p < limit) break;
      v += opp.levels.get(p)!.volume;
    }
    return v;
  }

  /** Submits limit order `idx`: matches against the opposite side, then rests what is left. Returns the traded size. */
  submit(idx: number, side: number, limit: number, size: number): number {
    const opp = this.side(1 - side);
    let left = size;
    while (left > 0 && opp.prices.length > 0) {
      const p = opp.prices[0]!;
      if (side === BUY ? p > limit : p < limit) break;
      const l = opp.levels.get(p)!;
      while (left > 0 && l.live > 0) {
        const o = l.queue[l.head]!;
        const rem = this.remaining[o]!;
        if (rem === 0) {
          l.head++;
          continue;
        }
        const take = Math.min(rem, left);
        left -= take;
        this.remaining[o] = rem - take;
        l.volume -= take;
        if (rem === take) {
          l.head++;
          l.live--;
          this.unlive(o);
        }
      }
      if (l.live === 0) opp.drop(l);
    }
    this.traded += size - left;
    this.remaining[idx] = left;
    this.price[idx] = limit;
    this.sideOf[idx] = side;
    this.livePos[idx] = -1;
    if (left > 0) {
      const l = this.side(side).level(limit);
      l.queue.push(idx);
      l.live++;
      l.volume += left;
      this.livePos[idx] = this.live.length;
      this.live.push(idx);
    }
    return size - left;
  }

  cancel(idx: number): void {
    const l = this.side(this.sideOf[idx]!).levels.get(this.price[idx]!)!;
    l.volume -= this.remaining[idx]!;
    l.live--;
    this.remaining[idx] = 0;
    this.unlive(idx);
    if (l.live === 0) this.side(this.sideOf[idx]!).drop(l);
  }

  private unlive(idx: number): void {
    const pos = this.livePos[idx]!;
    const last = this.live.pop()!;
    if (last !== idx) {
      this.live[pos] = last;
      this.livePos[last] = pos;
    }
    this.livePos[idx] = -1;
  }

  summary(ids: readonly string[]): BookSummary {
    const parts: string[] = [];
    let liveOrders = 0;
    const volumes = [0, 0];
    for (const s of [BUY, SELL]) {
      const side = this.side(s);
      for (const p of side.prices) {
        const l = side.levels.get(p)!;
        for (let i = l.head; i < l.queue.length; i++) {
          const o = l.queue[i]!;
          const rem = this.remaining[o]!;
          if (rem === 0) continue;
          parts.push(`${ids[o]}:${p}:${rem}`);
          liveOrders++;
          volumes[s]! += rem;
        }
      }
      parts.push('|');
    }
    return {
      traded: this.traded,
      liveOrders,
      bidVolume: volumes[BUY]!,
      askVolume: volumes[SELL]!,
      bidLevels: this.bids.prices.length,
      askLevels: this.asks.prices.length,
      bestBid: this.bids.best(),
      bestAsk: this.asks.best(),
      fingerprint: parts.join(' '),
    };
  }
}

/** Generates the operation stream (deterministic for a seed). */
export function generateWorkload(opts: WorkloadOptions): Workload {
  const n = opts.ops;
  const restShare = opts.restShare ?? 0.4;
  const crossShare = opts.crossShare ?? 0.3;
  const targetLive = opts.targetLive ?? 5000;
  const rng = new Prng(opts.seed);
  const kind = new Uint8Array(n);
  const side = new Uint8Array(n);
  const price = new Int32Array(n);
  const size = new Int32Array(n);
  const order = new Int32Array(n);
  const ids: string[] = [];
  const book = new RefBook();
  const mix = { rest: 0, cross: 0, cancel: 0 };
  let crossRested = 0;
  let peakLiveOrders = 0;
  let fair = FAIR_START;

  for (let i = 0; i < n; i++) {
    if (rng.next() < FAIR_STEP_PROBABILITY) fair += rng.next() < 0.5 ? -1 : 1;
    const r = rng.next();
    let k = r < restShare ? OP_REST : r < restShare + crossShare ? OP_CROSS : OP_CANCEL;
    let s = rng.next() < 0.5 ? BUY : SELL;
    if (k === OP_CANCEL && book.live.length === 0) k = OP_REST;
    if (k === OP_CROSS) {
      // cross the side that has liquidity; with an empty book, rest instead
      if (book.side(1 - s).prices.length === 0) s = 1 - s;
      if (book.side(1 - s).prices.length === 0) k = OP_REST;
    }
    kind[i] = k;
    if (k === OP_CANCEL) {
      const target = book.live[Math.floor(rng.next() * book.live.length)]!;
      order[i] = target;
      book.cancel(target);
      mix.cancel++;
      continue;
    }
    const idx = ids.length;
    ids.push(`o${idx}`);
    order[i] = idx;
    side[i] = s;
    let p: number;
    let q: number;
    if (k === OP_REST) {
      p = restingPrice(s, fair, Math.floor(rng.exp(REST_MEAN_OFFSET)), book.bids.best(), book.asks.best());
      q = rng.int(1, REST_MAX_SIZE);
      mix.rest++;
    } else {
      const oppBest = book.side(1 - s).best()!;
      if (rng.next() < SWEEP_SHARE) {
        // takes the whole opposite best level and rests the remainder there
        p = oppBest;
        q = book.available(s, p) + rng.int(1, REST_MAX_SIZE);
      } else {
        const through = rng.int(0, CROSS_MAX_THROUGH);
        p = s === BUY ? oppBest + through : Math.max(1, oppBest - through);
        q = crossingSize(rng.next(), book.live.length, targetLive);
      }
      mix.cross++;
    }
    price[i] = p;
    size[i] = q;
    const filled = book.submit(idx, s, p, q);
    if (k === OP_CROSS) {
      if (filled === 0) throw new Error(`workload: crossing order ${idx} did not trade`);
      if (filled < q) crossRested++;
    } else if (filled > 0) throw new Error(`workload: resting order ${idx} traded`);
    if (book.live.length > peakLiveOrders) peakLiveOrders = book.live.length;
  }
  return {
    length: n,
    kind,
    side,
    price,
    size,
    order,
    ids,
    mix,
    crossRested,
    peakLiveOrders,
    expected: book.summary(ids),
  };
}
