// Isolated margin (spec 0019-MCAL "isolated margin mode"; vega-formulas.md 2.6): the order margin a party holds
// for its resting orders and the margin released when an isolated position shrinks.
import { Decimal } from '../num/decimal.ts';
import type { Side } from '../types.ts';

export interface IsolatedOrder {
  readonly side: Side;
  /** limit price, asset precision */
  readonly price: bigint;
  /** remaining size including iceberg reserve */
  readonly size: number;
}

/**
 * Order margin: per side, orders best first; on the side that closes the position the first |position| of volume is
 * free; the rest costs max(price, auction price) × size × factor / positionFactor, floored once per side; the larger side.
 */
export function isolatedOrderMargin(
  orders: readonly IsolatedOrder[],
  openVolume: number,
  factor: Decimal,
  positionFactor: Decimal,
  auctionPrice?: bigint,
): bigint {
  const side = (s: Side) => {
    const list = orders
      .filter((o) => o.side === s)
      .sort((a, b) =>
        s === 'buy'
          ? a.price > b.price
            ? -1
            : a.price < b.price
              ? 1
              : 0
          : a.price < b.price
            ? -1
            : a.price > b.price
              ? 1
              : 0,
      );
    let free = (s === 'sell' && openVolume > 0) || (s === 'buy' && openVolume < 0) ? Math.abs(openVolume) : 0;
    let notional = 0n;
    for (const o of list) {
      let size = o.size;
      if (free > 0) {
        const f = Math.min(free, size);
        free -= f;
        size -= f;
      }
      if (size === 0) continue;
      const p = auctionPrice !== undefined && auctionPrice > o.price ? auctionPrice : o.price;
      notional += p * BigInt(size);
    }
    return Decimal.fromBigInt(notional).mul(factor).div(positionFactor).floor();
  };
  const b = side('buy');
  const s = side('sell');
  return b > s ? b : s;
}

/**
 * Margin released when an isolated position shrinks by |delta| from |old|: the theoretical margin after closing at the
 * trades' VWAP, floor(balance + (vwap − mark) × |old| / positionFactor), pro rata.
 */
export function isolatedRelease(
  balance: bigint,
  vwap: bigint,
  mark: bigint,
  oldSize: number,
  delta: number,
  positionFactor: Decimal,
): bigint {
  const theo = Decimal.fromBigInt(balance)
    .add(Decimal.fromBigInt((vwap - mark) * BigInt(Math.abs(oldSize))).div(positionFactor))
    .floor();
  if (theo <= 0n) return 0n;
  return (theo * BigInt(Math.abs(delta))) / BigInt(Math.abs(oldSize));
}
