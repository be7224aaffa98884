// AMMs in auctions (spec 0090-VAMM with 0026-AUCT uncrossing): in an auction a pool's curve is expanded into the
// orders it implies inside the crossed region of the book (one per price level: a bid at p for the volume it buys as
// the price falls from p + one tick to p, an offer at p for the volume it sells as the price rises from p − one tick
// to p), and these orders join the book's levels for the indicative uncrossing price and volume (the volume-maximising
// levels, their midpoint, as for the book alone). Uncrossing: the book orders of the uncross side trade first, best
// price and time priority, then the pools of that side (one order each, in sub-account order) for the rest; each
// such order meets first the pools of the other side (their volume up to the uncrossing price), then the book.
// Prices are in asset precision here unless named otherwise; the market converts.
import type { BookOrder, OrderBook, UncrossMatch } from '../book/orderbook.ts';
import type { Side } from '../types.ts';
import { positionAt, singleVolumePrice, type Curve } from './curve.ts';
import type { AmmEngine } from './engine.ts';
import { assetPrice, marketPrice, type AmmPool, type PriceScale } from './pool.ts';
import { bookFills, simulateWithAmms } from './match.ts';

/**
 * Price levels one pool is expanded into at most; a wider region is walked in proportionally larger steps (Vega
 * approximates wide expansions the same way, its `maxCalculationLevels`).
 */
const MAX_LEVELS = 1000n;

/** One order of a pool's expanded curve (asset-precision price, position-precision size). */
export interface ShapeOrder {
  readonly price: bigint;
  readonly size: bigint;
}

/** A pool's curve expanded into orders over a price region: bids best first, offers best first. */
export interface PoolShape {
  readonly pool: AmmPool;
  readonly buys: ShapeOrder[];
  readonly sells: ShapeOrder[];
}

export interface AmmIndicative {
  readonly volume: number;
  /** the uncrossing price, asset precision (midpoint of the volume-maximising levels, truncated) */
  readonly price: bigint;
  /** the side whose orders are taken as the incoming ones */
  readonly side: Side;
  readonly shapes: readonly PoolShape[];
}

/**
 * The orders a pool implies between `from` and `to` (asset precision): the region is cut to the pool's range (for a
 * reduce-only pool, to the part between its fair price and its base), then walked in steps of one tick from its low
 * end, the step across the fair price split there; a region entirely above (below) the fair price starts (ends) one
 * tick further out so the order at its edge covers the tick before it.
 */
export function poolShape(pool: AmmPool, from: bigint, to: bigint): PoolShape {
  const shape: PoolShape = { pool, buys: [], sells: [] };
  if (pool.status === 'PENDING') return shape;
  const pos = pool.position();
  const fp = pool.fairPrice();
  const tick = pool.oneTick;
  let low = pool.lower.empty ? pool.base : pool.lower.low;
  let high = pool.upper.empty ? pool.base : pool.upper.high;
  if (pool.isClosing()) {
    if (pos === 0n) return shape;
    if (pos > 0n) low = fp;
    else high = fp;
    if (pos > 0n) high = pool.base;
    else low = pool.base;
  }
  let lo = from > low ? from : low;
  let hi = to < high ? to : high;
  if (lo > hi || (lo === hi && lo === fp)) return shape;
  const base = pool.base;
  // a sparse curve has less than one unit of volume per tick: its steps are the price of one unit of volume
  const unit = (c: Curve, p: bigint, side: 'BUY' | 'SELL'): bigint => {
    if (c.empty) return tick;
    const d = side === 'BUY' ? p - singleVolumePrice(c, p, 'BUY') : singleVolumePrice(c, p, 'SELL') - p;
    return d > tick ? d : tick;
  };
  const curveAt = (p: bigint, lowerAtBase: boolean): Curve =>
    p < base || (p === base && lowerAtBase) ? pool.lower : pool.upper;
  if (lo > fp) {
    const d = unit(curveAt(lo, lo > fp), lo, 'BUY');
    lo = lo - d > fp ? lo - d : fp;
  }
  if (hi < fp) {
    const d = unit(curveAt(hi, hi >= fp), hi, 'SELL');
    hi = hi + d < fp ? hi + d : fp;
  }
  const at = (p: bigint): bigint => (p === fp ? pos : positionAt(pool.lower, pool.upper, p));
  const buys: ShapeOrder[] = [];
  const add = (a: bigint, b: bigint, atLeastOne = false): void => {
    const v = at(a) - at(b);
    let size = v < 0n ? -v : v;
    if (size === 0n && atLeastOne) size = 1n;
    if (size === 0n) return;
    if (b <= fp) buys.push({ price: a, size });
    else shape.sells.push({ price: b, size });
  };
  // the orders at the region's two edges are exact (at least one unit), the steps between them walk each curve
  const s1 = unit(curveAt(lo, lo > fp), lo, 'SELL');
  const s2 = unit(curveAt(hi, hi >= fp), hi, 'BUY');
  const innerLo = lo + s1;
  const innerHi = hi - s2;
  add(lo, innerLo, true);
  if (innerHi > lo || hi - s2 >= fp) {
    if (lo < innerHi || innerLo < hi) add(innerHi, hi, true);
  }
  for (const c of [pool.lower, pool.upper]) {
    if (c.empty) continue;
    const cLo = innerLo > c.low ? innerLo : c.low;
    const cHi = innerHi < c.high ? innerHi : c.high;
    if (cLo >= cHi) continue;
    const ticks = (cHi - cLo) / tick;
    const sparse = unit(c, c.high, 'BUY');
    const step = ticks > MAX_LEVELS ? (ticks / MAX_LEVELS + 1n) * tick : sparse;
    let x = cLo;
    while (x < cHi) {
      // a step that would leave less than one tick before the end takes the end in
      let next = x + step;
      if (next + tick > cHi) next = cHi;
      if (x < fp && next > fp) {
        add(x, fp);
        add(fp, next);
      } else add(x, next);
      x = next;
    }
  }
  // nothing inside the pool's own spread (a sparse pool's one-unit quotes are its nearest prices)
  const bid = pool.bestPrice('buy');
  const ask = pool.bestPrice('sell');
  const keptBuys = buys.filter((o) => bid !== undefined && o.price <= bid);
  const keptSells = shape.sells.filter((o) => ask !== undefined && o.price >= ask);
  shape.sells.length = 0;
  shape.sells.push(...keptSells);
  buys.length = 0;
  buys.push(...keptBuys);
  // bids were built from the lowest price: best first
  for (let i = buys.length - 1; i >= 0; i--) shape.buys.push(buys[i]!);
  return shape;
}

/**
 * The indicative uncrossing of a book with pools (asset-precision prices; `scale` converts the book's market
 * prices): the crossed region runs from the best offer to the best bid of the book and the pools together.
 */
export function ammIndicative<O extends BookOrder>(
  book: OrderBook<O>,
  amms: AmmEngine,
  scale: PriceScale,
): AmmIndicative | undefined {
  const toAsset = (p: number): bigint => assetPrice(scale, BigInt(p));
  const q = amms.bestPrices();
  const bookBid = book.bestBid();
  const bookAsk = book.bestAsk();
  let bb = bookBid === undefined ? undefined : toAsset(bookBid);
  let ba = bookAsk === undefined ? undefined : toAsset(bookAsk);
  if (q.bid && (bb === undefined || q.bid.price > bb)) bb = q.bid.price;
  if (q.ask && (ba === undefined || q.ask.price < ba)) ba = q.ask.price;
  if (bb === undefined || ba === undefined || bb < ba) return undefined;
  const levels = new Map<bigint, { bid: bigint; ask: bigint }>();
  const level = (p: bigint) => {
    let l = levels.get(p);
    if (!l) levels.set(p, (l = { bid: 0n, ask: 0n }));
    return l;
  };
  for (const l of book.bids.levels) {
    const p = toAsset(l.price);
    if (p >= ba) level(p).bid += BigInt(l.volume);
  }
  for (const l of book.asks.levels) {
    const p = toAsset(l.price);
    if (p <= bb) level(p).ask += BigInt(l.volume);
  }
  const shapes = amms.all().map((p) => poolShape(p, ba, bb));
  for (const s of shapes) {
    for (const o of s.buys) if (o.price >= ba && o.price <= bb) level(o.price).bid += o.size;
    for (const o of s.sells) if (o.price >= ba && o.price <= bb) level(o.price).ask += o.size;
  }
  const prices = [...levels.keys()].filter((p) => p >= ba && p <= bb).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (prices.length === 0) return undefined;
  // cumulative offers at or below p (ascending), cumulative bids at or above p (descending)
  const cumAsk: bigint[] = [];
  let acc = 0n;
  for (const p of prices) cumAsk.push((acc += levels.get(p)!.ask));
  const cumBid: bigint[] = new Array<bigint>(prices.length);
  acc = 0n;
  for (let i = prices.length - 1; i >= 0; i--) cumBid[i] = acc += levels.get(prices[i]!)!.bid;
  let max = 0n;
  let lo = -1;
  let hi = -1;
  for (let i = 0; i < prices.length; i++) {
    const v = cumAsk[i]! < cumBid[i]! ? cumAsk[i]! : cumBid[i]!;
    if (v > max) {
      max = v;
      lo = hi = i;
    } else if (v === max && v > 0n) hi = i;
  }
  if (max === 0n) return undefined;
  // the buy side uncrosses when whole bid levels, best first, add up to the volume exactly
  let side: Side = 'sell';
  let left = max;
  for (let i = prices.length - 1; i >= 0; i--) {
    const bid = levels.get(prices[i]!)!.bid;
    if (bid === 0n) continue;
    left -= bid;
    if (left === 0n) side = 'buy';
    if (left <= 0n) break;
  }
  return { volume: Number(max), price: (prices[lo]! + prices[hi]!) / 2n, side, shapes };
}

/**
 * Uncrosses `ind` (the book's orders are reduced; the pools' positions move only through the trades the caller
 * confirms). The pools of the uncross side come first, one generated order each in sub-account order, then the book
 * orders of that side, best price and time priority, until the volume is reached; each meets the other side as an
 * incoming order would in continuous trading (book levels and pools by price, the pools first at a level), limited
 * at the uncrossing price, self-trades allowed. `makeOrder` builds a pool's generated order (filled at once, never
 * on the book) of `side` and `size`; matches name the incoming and the resting order of each trade.
 */
export function ammUncross<O extends BookOrder>(
  book: OrderBook<O>,
  amms: AmmEngine,
  ind: AmmIndicative,
  scale: PriceScale,
  makeOrder: (pool: AmmPool, side: Side, size: number) => O,
): UncrossMatch<O>[] {
  const matches: UncrossMatch<O>[] = [];
  const other: Side = ind.side === 'buy' ? 'sell' : 'buy';
  // the limit in market precision: an incoming buy takes offers up to the price, a sell takes bids down to it
  const down = marketPrice(scale, ind.price);
  const limit = Number(ind.side === 'buy' || assetPrice(scale, down) === ind.price ? down : down + 1n);
  const meet = (agg: O, size: number): number => {
    const r = simulateWithAmms(
      book,
      amms,
      agg.party,
      ind.side,
      limit,
      size,
      scale,
      (pool, n) => makeOrder(pool, other, n),
      true,
    );
    book.apply(bookFills(r.fills));
    for (const f of r.fills) matches.push({ aggressor: agg, passive: f.passive, size: f.size });
    return r.filled;
  };
  const own = book.side(ind.side);
  const crosses = (p: number): boolean =>
    ind.side === 'buy' ? assetPrice(scale, BigInt(p)) >= ind.price : assetPrice(scale, BigInt(p)) <= ind.price;
  // the pools trade what the book orders of the uncross side cannot cover
  let bookVolume = 0;
  for (let i = own.levels.length - 1; i >= 0 && crosses(own.levels[i]!.price); i--) bookVolume += own.levels[i]!.volume;
  let left = ind.volume;
  let poolsLeft = bookVolume >= left ? 0 : left - bookVolume;
  try {
    const pools = [...ind.shapes].sort((a, b) =>
      a.pool.subAccount < b.pool.subAccount ? -1 : a.pool.subAccount > b.pool.subAccount ? 1 : 0,
    );
    for (const s of pools) {
      if (poolsLeft === 0) break;
      let avail = 0n;
      for (const o of ind.side === 'buy' ? s.buys : s.sells)
        if (ind.side === 'buy' ? o.price >= ind.price : o.price <= ind.price) avail += o.size;
      const take = avail < BigInt(poolsLeft) ? Number(avail) : poolsLeft;
      if (take <= 0) continue;
      const agg = makeOrder(s.pool, ind.side, take);
      s.pool.trade(ind.side === 'buy' ? BigInt(take) : -BigInt(take));
      const got = meet(agg, take);
      left -= got;
      poolsLeft -= got;
    }
    while (left > 0) {
      const level = own.best();
      if (!level || !crosses(level.price)) break;
      const o = level.first();
      if (!o) break;
      const take = o.remaining < left ? o.remaining : left;
      const got = meet(o, take);
      left -= got;
      const rest = o.remaining - got;
      book.setRemaining(o, rest);
      if (rest === 0) book.remove(o);
      else if (o.peakSize > 0 && o.displayed < o.minPeakSize) {
        // refreshed at the back of its level, as after any fill
        book.remove(o);
        o.displayed = Math.min(o.peakSize, o.remaining);
        book.insert(o);
      }
      if (got < take) break;
    }
  } finally {
    amms.endMatch();
  }
  return matches;
}
