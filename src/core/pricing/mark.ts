// The mark-price method's view of the order book (spec 0009-MRKP mark price, 0089-COMP composite price): the book
// price source reads best prices and the volume-weighted price of the best displayed volume in asset precision.
import type { BookOrder, OrderBook } from '../book/orderbook.ts';
import type { Side } from '../types.ts';
import type { BookView } from './composite.ts';

/**
 * The order book as the book price source sees it: asset-precision prices (market price × `priceFactor`), displayed
 * volumes only (iceberg reserves are not visible). Built once per market; reads the live book on every call.
 */
export function markBookView<O extends BookOrder>(book: OrderBook<O>, priceFactor: bigint): BookView {
  return {
    best: (side: Side) => {
      const p = side === 'buy' ? book.bestBid() : book.bestAsk();
      return p === undefined ? undefined : BigInt(p) * priceFactor;
    },
    vwap: (side: Side, volume: bigint) => {
      const levels = book.side(side).levels;
      if (levels.length === 0) return undefined;
      if (volume === 0n) return BigInt(levels[levels.length - 1]!.price) * priceFactor;
      let left = volume;
      let notional = 0n;
      for (let i = levels.length - 1; i >= 0 && left > 0n; i--) {
        const l = levels[i]!;
        let shown = 0n;
        for (const o of l.orders()) shown += BigInt(o.displayed);
        const take = shown < left ? shown : left;
        notional += BigInt(l.price) * priceFactor * take;
        left -= take;
      }
      return left > 0n ? undefined : notional / volume;
    },
  };
}
