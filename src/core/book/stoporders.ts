// Stop orders (spec 0014-ORDT stop orders): pending orders that submit a wrapped order when the last traded price
// reaches a trigger — a price (falls below / rises above, inclusive) or a trailing percentage from the best price
// seen since — or at expiry. One-cancels-the-other pairs link two legs.
import { Decimal } from '../num/decimal.ts';
import type { OrderSubmission } from '../commands.ts';

export type StopDirection = 'FALLS_BELOW' | 'RISES_ABOVE';
export type StopStatus = 'PENDING' | 'TRIGGERED' | 'EXPIRED' | 'CANCELLED' | 'STOPPED' | 'REJECTED';

export interface StopOrder {
  readonly id: string;
  readonly marketId: string;
  readonly party: string;
  readonly direction: StopDirection;
  /** the order submitted when it fires */
  readonly submission: OrderSubmission;
  readonly ocoLink: string | undefined;
  readonly expiresAt: bigint | undefined;
  readonly expiryStrategy: 'CANCELS' | 'SUBMIT';
  /** price trigger (market precision) or trailing fraction */
  readonly trigger:
    { readonly kind: 'price'; readonly price: bigint } | { readonly kind: 'trailing'; readonly offset: Decimal };
  /** size override: a fraction of the position at trigger time */
  readonly sizeOverride: { readonly fraction: Decimal } | undefined;
  status: StopStatus;
  createdAt: bigint;
  updatedAt: bigint;
  orderId: string | undefined;
  rejectionReason: string | undefined;
  /** trailing: the best price seen since the order was placed */
  reference?: bigint;
}

/** The pending stop orders of one market and their trigger evaluation against the last traded price. */
export class StopOrderPool {
  private readonly pending = new Map<string, StopOrder>();
  /** last traded price (market precision) at the previous evaluation */
  private lastSeen: bigint | undefined;

  add(s: StopOrder): void {
    if (s.trigger.kind === 'trailing') s.reference = this.lastSeen;
    this.pending.set(s.id, s);
  }

  remove(id: string): StopOrder | undefined {
    const s = this.pending.get(id);
    this.pending.delete(id);
    return s;
  }

  get(id: string): StopOrder | undefined {
    return this.pending.get(id);
  }

  all(): StopOrder[] {
    return [...this.pending.values()];
  }

  countFor(party: string): number {
    let n = 0;
    for (const s of this.pending.values()) if (s.party === party) n++;
    return n;
  }

  /**
   * Evaluates every pending order against the last traded price: priced triggers first (falls-below by trigger
   * descending, then rises-above ascending), then trailing ones. Returns the orders that fire, removed from the pool.
   */
  priceUpdated(ltp: bigint): StopOrder[] {
    const previous = this.lastSeen;
    this.lastSeen = ltp;
    const fired: StopOrder[] = [];
    const priced = this.all().filter((s) => s.trigger.kind === 'price');
    const fb = priced
      .filter((s) => s.direction === 'FALLS_BELOW' && ltp <= (s.trigger as { price: bigint }).price)
      .sort((a, b) => cmpDesc((a.trigger as { price: bigint }).price, (b.trigger as { price: bigint }).price));
    const ra = priced
      .filter((s) => s.direction === 'RISES_ABOVE' && ltp >= (s.trigger as { price: bigint }).price)
      .sort((a, b) => cmpDesc((b.trigger as { price: bigint }).price, (a.trigger as { price: bigint }).price));
    fired.push(...fb, ...ra);
    if (previous !== undefined && ltp !== previous) {
      const price = Decimal.fromBigInt(ltp);
      for (const s of this.all()) {
        if (s.trigger.kind !== 'trailing' || fired.includes(s)) continue;
        if (s.reference === undefined) {
          s.reference = ltp;
          continue;
        }
        const ref = Decimal.fromBigInt(s.reference);
        if (ltp > previous) {
          if (s.direction === 'FALLS_BELOW' && s.reference < ltp) s.reference = ltp;
          else if (s.direction === 'RISES_ABOVE' && price.gte(ref.mul(Decimal.ONE.add(s.trigger.offset))))
            fired.push(s);
        } else {
          if (s.direction === 'RISES_ABOVE' && s.reference > ltp) s.reference = ltp;
          else if (s.direction === 'FALLS_BELOW' && price.lte(ref.mul(Decimal.ONE.sub(s.trigger.offset))))
            fired.push(s);
        }
      }
    } else if (previous === undefined) {
      for (const s of this.all()) if (s.trigger.kind === 'trailing' && s.reference === undefined) s.reference = ltp;
    }
    for (const s of fired) this.pending.delete(s.id);
    return fired;
  }

  /** Whether a price trigger would fire now (trigger at submission; trailing triggers never do). */
  static firesAt(s: StopOrder, ltp: bigint | undefined): boolean {
    if (ltp === undefined || s.trigger.kind !== 'price') return false;
    return s.direction === 'FALLS_BELOW' ? ltp <= s.trigger.price : ltp >= s.trigger.price;
  }

  /** Pending orders due to expire at `now`. */
  due(now: bigint): StopOrder[] {
    return this.all()
      .filter((s) => s.expiresAt !== undefined && s.expiresAt <= now)
      .sort((a, b) => cmpDesc(b.expiresAt!, a.expiresAt!));
  }
}

function cmpDesc(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}
