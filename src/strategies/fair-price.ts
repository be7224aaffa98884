// Fair prices of an order book for the market maker (venue-agnostic): the mid, the microprice (the mid tilted toward
// the side with less volume at the touch) and the seed's VAMP (the mean of the volume-weighted prices of the top N
// bid and ask levels). Each returns undefined when the book cannot give one (an empty or one-sided book, no volume),
// never NaN; the caller falls back to a reference price.

export interface BookLevel {
  /** price units */
  readonly price: number;
  /** size units */
  readonly size: number;
}

export interface BookSnapshot {
  /** best (highest) first */
  readonly bids: readonly BookLevel[];
  /** best (lowest) first */
  readonly asks: readonly BookLevel[];
}

export type FairPriceKind = 'mid' | 'microprice' | 'vamp';

function usable(l: BookLevel | undefined): l is BookLevel {
  return l !== undefined && Number.isFinite(l.price) && l.price > 0 && Number.isFinite(l.size) && l.size > 0;
}

export function midPrice(book: BookSnapshot): number | undefined {
  const b = book.bids[0];
  const a = book.asks[0];
  if (!usable(b) || !usable(a)) return undefined;
  return (b.price + a.price) / 2;
}

/** (bid × askSize + ask × bidSize) / (bidSize + askSize): nearer the side that is about to be consumed. */
export function microprice(book: BookSnapshot): number | undefined {
  const b = book.bids[0];
  const a = book.asks[0];
  if (!usable(b) || !usable(a)) return undefined;
  return (b.price * a.size + a.price * b.size) / (a.size + b.size);
}

/** Volume-weighted average price of the top `levels` levels of one side. */
function vwap(side: readonly BookLevel[], levels: number): number | undefined {
  let value = 0;
  let size = 0;
  for (let i = 0; i < side.length && i < levels; i++) {
    const l = side[i]!;
    if (!usable(l)) continue;
    value += l.price * l.size;
    size += l.size;
  }
  return size > 0 ? value / size : undefined;
}

/** The seed's VAMP: mean of the volume-weighted prices of the top `levels` bid levels and ask levels. */
export function vamp(book: BookSnapshot, levels: number): number | undefined {
  const b = vwap(book.bids, levels);
  const a = vwap(book.asks, levels);
  if (b === undefined || a === undefined) return undefined;
  return (b + a) / 2;
}

export function fairPrice(book: BookSnapshot, kind: FairPriceKind, levels = 5): number | undefined {
  switch (kind) {
    case 'mid':
      return midPrice(book);
    case 'microprice':
      return microprice(book);
    case 'vamp':
      return vamp(book, levels);
  }
}
