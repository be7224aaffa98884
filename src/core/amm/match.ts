// Matching an incoming order against the book and the AMMs together (spec 0090-VAMM, "the book asks the AMM pool
// for volume at a price level"): walking the book's price levels from the best, the AMMs first take the volume
// their curves imply between their fair prices and the level (inclusive), then the book orders resting at that
// level trade in time priority; past the last level the AMMs trade up to the aggressor's limit. AMM volume is
// priced per generated order (x·y constant) and appears as a fill whose passive order is the AMM's generated
// order, which is not on the book.
import type { BookOrder, Fill, MatchResult, OrderBook } from '../book/orderbook.ts';
import { NO_LIMIT_BUY, NO_LIMIT_SELL } from '../book/orderbook.ts';
import type { Side } from '../types.ts';
import type { AmmEngine } from './engine.ts';
import { assetPrice, marketPrice, type AmmPool, type PriceScale } from './pool.ts';

/**
 * The fills of an aggressive order against the book and the AMMs, without changing either (the pools' ephemeral
 * positions are cleared before returning, except in an `auction` uncrossing, whose caller ends the match).
 * `makeOrder` builds the AMM's generated order for a fill (market precision price).
 */
export function simulateWithAmms<O extends BookOrder>(
  book: OrderBook<O>,
  amms: AmmEngine,
  party: string | undefined,
  side: Side,
  limit: number,
  size: number,
  scale: PriceScale,
  makeOrder: (pool: AmmPool, size: number, price: number) => O,
  auction = false,
): MatchResult<O> {
  // an auction's uncrossing allows self-trades and keeps the pools' positions until the whole uncrossing is done
  const bookSim = book.simulate(auction ? undefined : party, side, limit, size);
  if (amms.size === 0 || party === undefined) return bookSim;
  const fills: Fill<O>[] = [];
  let left = size;
  const takeAmm = (outer: bigint | undefined): void => {
    for (const f of amms.ordersUpTo(side, party, outer, BigInt(left))) {
      const n = Number(f.size);
      const price = Number(marketPrice(scale, f.price));
      fills.push({ passive: makeOrder(f.pool, n, price), size: n, price });
      left -= n;
    }
  };
  try {
    const bf = bookSim.fills;
    let i = 0;
    while (i < bf.length && left > 0) {
      const level = bf[i]!.price;
      takeAmm(assetPrice(scale, BigInt(level)));
      for (; i < bf.length && bf[i]!.price === level; i++) {
        const take = Math.min(bf[i]!.size, left);
        if (take > 0) fills.push(take === bf[i]!.size ? bf[i]! : { ...bf[i]!, size: take });
        left -= take;
      }
    }
    // past the book (or after self-trade prevention stopped it): the AMMs up to the limit
    if (left > 0 && !bookSim.selfTrade) {
      const unbounded = side === 'buy' ? limit >= NO_LIMIT_BUY : limit <= NO_LIMIT_SELL;
      takeAmm(unbounded ? undefined : assetPrice(scale, BigInt(limit)));
    }
  } finally {
    if (!auction) amms.endMatch();
  }
  return { fills, filled: size - left, selfTrade: bookSim.selfTrade };
}

/** Fills against resting book orders only (what `OrderBook.apply` must see). */
export function bookFills<O extends BookOrder>(fills: readonly Fill<O>[]): Fill<O>[] {
  return fills.filter((f) => f.passive.bookLevel !== null);
}
