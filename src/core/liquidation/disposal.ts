// The network's position disposal (spec 0012-POSR position resolution, liquidation strategy): how much of the
// position the network offers at its next disposal step and at what limit. It computes and returns; the market
// places the IOC order, matches it and settles the trades.
import type { LiquidationStrategy } from '../config/market.ts';
import { minBig, maxBig } from '../num/bigint.ts';
import { Decimal } from '../num/decimal.ts';
import type { Side } from '../types.ts';

/** The book as the disposal sees it: the volume an order of `side` limited at `price` (market precision) could take. */
export interface DisposalBook {
  availableVolume(side: Side, price: number): number;
}

export interface DisposalOrder {
  readonly side: Side;
  /** limit price, market precision */
  readonly limit: number;
  readonly size: bigint;
}

/**
 * The network's next disposal order, or undefined when it offers nothing: a sell (long network) or buy (short) IOC
 * limited to the mid × (1 ∓ disposalSlippageRange) and to the active price-monitoring bounds; the whole position up
 * to fullDisposalSize, above it the disposalFraction (ceil), and at most maxFractionConsumed of the volume the book
 * offers within the limit (ceil). `bid` and `ask` are the best prices in asset precision, `bounds` the active
 * price-monitoring bounds (asset precision).
 */
export function disposalOrder(
  s: LiquidationStrategy,
  networkVolume: number,
  bid: bigint,
  ask: bigint,
  bounds: readonly { readonly min: bigint; readonly max: bigint }[],
  priceFactor: bigint,
  book: DisposalBook,
  priceDivisor: bigint = 1n,
): DisposalOrder | undefined {
  const mid = Decimal.fromBigInt((bid + ask) / 2n);
  const maxP = mid.mul(Decimal.ONE.add(s.disposalSlippageRange)).floor();
  let minP = s.disposalSlippageRange.lt(Decimal.ONE) ? mid.mul(Decimal.ONE.sub(s.disposalSlippageRange)).floor() : 0n;
  let maxBound = maxP;
  for (const b of bounds) {
    minP = maxBig(minP, b.min);
    maxBound = minBig(maxBound, b.max);
  }
  const side: Side = networkVolume > 0 ? 'sell' : 'buy';
  // limits in market precision: sells accept bids >= ceil(minP), buys accept asks <= floor(maxP)
  const limit =
    side === 'sell'
      ? Number((minP * priceDivisor + priceFactor - 1n) / priceFactor)
      : Number((maxBound * priceDivisor) / priceFactor);
  let size = BigInt(Math.abs(networkVolume));
  if (size > s.fullDisposalSize) size = Decimal.fromBigInt(size).mul(s.disposalFraction).ceil();
  const available = book.availableVolume(side, limit);
  if (available === 0) return undefined;
  const cap = Decimal.fromInt(available).mul(s.maxFractionConsumed).ceil();
  size = minBig(size, cap);
  if (size === 0n) return undefined;
  return { side, limit, size };
}
