// Helpers shared by the market's flow files: the isolated-margin plan, a planned aggression, fill merging and the
// assumed-filled position of a market order.
import type { FeeBreakdown } from '../events.ts';
import { pow10 } from '../num/bigint.ts';
import type { Fill, MatchResult } from '../book/orderbook.ts';
import type { Order } from '../book/order.ts';
import { Position } from '../positions/positions.ts';
import type { MarginLevels } from '../risk/margin.ts';
import type { MonitorTrigger } from '../pricing/pricemonitor.ts';

export interface IsolatedPlan {
  /** general → margin when positive, margin → general when negative */
  readonly marginDelta: bigint;
  /** the order margin to hold afterwards */
  readonly orderMargin: bigint;
  readonly levels: MarginLevels;
  /** an amend: a positive marginDelta comes out of the order-margin account */
  readonly fromOrderMargin: boolean;
  /** what would rest needs more order margin than general can add (the trades alone are affordable) */
  readonly orderMarginShort: boolean;
}

export interface Aggression {
  readonly sim: MatchResult<Order>;
  readonly fees: { readonly perTrade: FeeBreakdown[]; readonly total: bigint };
  readonly breach: MonitorTrigger | undefined;
}

export const FIVE_DP = pow10(5);

/** One fill per passive order: the hidden part of an iceberg trades in the same trade as its visible part. */
export function mergeFills<O extends Order>(fills: readonly Fill<O>[]): Fill<O>[] {
  if (fills.length < 2) return fills as Fill<O>[];
  const out: Fill<O>[] = [];
  const at = new Map<O, number>();
  for (const f of fills) {
    const i = at.get(f.passive);
    if (i === undefined) {
      at.set(f.passive, out.length);
      out.push(f);
    } else out[i] = { ...out[i]!, size: out[i]!.size + f.size };
  }
  return out;
}

/**
 * The position as if a market order had filled in full: its size moves from the potential volume into the open
 * volume, where the slippage term applies. Vega quirk inferred from the features (596-margin-account-non-zero…,
 * 598-open-position-with-zero-margin, release-margins-issues): after a market order the aggressor's margin account
 * holds the initial margin of the filled position at the mark price from before the trade, slippage included.
 */
export function assumeFilled(pos: Position, o: Order): Position {
  const filled = new Position(pos.party);
  const signed = o.side === 'buy' ? o.remaining : -o.remaining;
  filled.openVolume = pos.openVolume + signed;
  filled.buy = pos.buy - (o.side === 'buy' ? o.remaining : 0);
  filled.sell = pos.sell - (o.side === 'sell' ? o.remaining : 0);
  filled.averageEntryPrice = pos.averageEntryPrice;
  return filled;
}
