// Book benchmark: replays one workload (bench/workload.ts) through perpsim's OrderBook and through the
// `nodejs-order-book` package, times each replay with process.hrtime.bigint(), and checks that both books end
// exactly where the workload's reference book ended (same resting orders, sizes and priority, same traded volume).
//
// Semantics lined up between the two books:
// - every order has its own id, used as perpsim's party, and no `accountId` is given to nodejs-order-book, so
//   neither book's self-trade prevention ever triggers (perpsim stops an aggressor at its own order;
//   nodejs-order-book only acts with an accountId and an STP mode);
// - a limit order is "match, then rest the remainder" in both: perpsim's `match` plus `insert` (what the market
//   does for a GTC limit order), nodejs-order-book's GTC `limit`;
// - partial fills keep time priority in both (nodejs-order-book replaces the partially filled head order with a
//   copy at the head of its queue; perpsim reduces the order in place).
import { OrderBook as BaselineBook, Side as BaselineSide } from 'nodejs-order-book';
import { type BookOrder, OrderBook, type Side } from '../src/core/index.ts';
import { BUY, OP_CANCEL, type BookSummary, type Workload } from './workload.ts';

export interface ReplayResult {
  /** wall time of the replay, ns */
  readonly ns: bigint;
  readonly summary: BookSummary;
}

/** Replays the workload through perpsim's OrderBook. */
export function replayPerpsim(w: Workload): ReplayResult {
  const { kind, side, price, size, order, ids } = w;
  const n = w.length;
  const book = new OrderBook<BookOrder>();
  const resting: (BookOrder | undefined)[] = new Array<BookOrder | undefined>(ids.length);
  let traded = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const idx = order[i]!;
    if (kind[i] === OP_CANCEL) {
      const o = resting[idx];
      if (o === undefined || o.bookLevel === null)
        throw new Error(`perpsim: cancel of order ${ids[idx]}, which is not live (op ${i})`);
      book.remove(o);
      resting[idx] = undefined;
      continue;
    }
    const id = ids[idx]!;
    const s: Side = side[i] === BUY ? 'buy' : 'sell';
    const p = price[i]!;
    const q = size[i]!;
    // the order object is made for every order, as the market does before matching (not only for the ones that rest)
    const o: BookOrder = {
      id,
      party: id,
      side: s,
      price: p,
      remaining: q,
      displayed: q,
      peakSize: 0,
      minPeakSize: 0,
      bookLevel: null,
      bookPos: 0,
    };
    const filled = book.match(id, s, p, q).filled;
    traded += filled;
    if (filled < q) {
      o.remaining = o.displayed = q - filled;
      book.insert(o);
      resting[idx] = o;
    }
  }
  const ns = process.hrtime.bigint() - t0;
  return { ns, summary: summarisePerpsim(book, traded) };
}

function summarisePerpsim(book: OrderBook<BookOrder>, traded: number): BookSummary {
  const parts: string[] = [];
  let liveOrders = 0;
  for (const s of [book.bids, book.asks]) {
    for (let li = s.levels.length - 1; li >= 0; li--) {
      const l = s.levels[li]!;
      for (const o of l.orders()) {
        parts.push(`${o.id}:${l.price}:${o.remaining}`);
        liveOrders++;
      }
    }
    parts.push('|');
  }
  return {
    traded,
    liveOrders,
    bidVolume: book.bids.totalVolume(),
    askVolume: book.asks.totalVolume(),
    bidLevels: book.bids.size,
    askLevels: book.asks.size,
    bestBid: book.bestBid(),
    bestAsk: book.bestAsk(),
    fingerprint: parts.join(' '),
  };
}

/** Replays the workload through nodejs-order-book. */
export function replayBaseline(w: Workload): ReplayResult {
  const { kind, side, price, size, order, ids } = w;
  const n = w.length;
  const book = new BaselineBook();
  let traded = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const idx = order[i]!;
    if (kind[i] === OP_CANCEL) {
      if (book.cancel(ids[idx]!) === undefined)
        throw new Error(`nodejs-order-book: cancel of order ${ids[idx]}, which is not live (op ${i})`);
      continue;
    }
    const q = size[i]!;
    const r = book.limit({
      id: ids[idx]!,
      side: side[i] === BUY ? BaselineSide.BUY : BaselineSide.SELL,
      size: q,
      price: price[i]!,
    });
    if (r.err !== null) throw new Error(`nodejs-order-book: order ${ids[idx]} rejected: ${r.err.message} (op ${i})`);
    traded += q - r.quantityLeft;
  }
  const ns = process.hrtime.bigint() - t0;
  return { ns, summary: summariseBaseline(book, traded) };
}

function summariseBaseline(book: BaselineBook, traded: number): BookSummary {
  // the snapshot lists both sides best level first, each level's orders in time priority
  const snap = book.snapshot();
  const parts: string[] = [];
  let liveOrders = 0;
  const volumes: number[] = [];
  for (const levels of [snap.bids, snap.asks]) {
    let volume = 0;
    for (const l of levels) {
      for (const o of l.orders) {
        parts.push(`${o.id}:${l.price}:${o.size}`);
        liveOrders++;
        volume += o.size;
      }
    }
    volumes.push(volume);
    parts.push('|');
  }
  return {
    traded,
    liveOrders,
    bidVolume: volumes[0]!,
    askVolume: volumes[1]!,
    bidLevels: snap.bids.length,
    askLevels: snap.asks.length,
    bestBid: snap.bids[0]?.price,
    bestAsk: snap.asks[0]?.price,
    fingerprint: parts.join(' '),
  };
}

/** Throws unless a replay ended in the expected state. */
export function checkSummary(name: string, got: BookSummary, want: BookSummary): void {
  const keys = [
    'traded',
    'liveOrders',
    'bidVolume',
    'askVolume',
    'bidLevels',
    'askLevels',
    'bestBid',
    'bestAsk',
  ] as const;
  const diffs = keys.filter((k) => got[k] !== want[k]).map((k) => `${k}: got ${got[k]}, expected ${want[k]}`);
  if (diffs.length === 0 && got.fingerprint !== want.fingerprint)
    diffs.push('resting orders differ (same totals, different orders or priority)');
  if (diffs.length > 0) throw new Error(`${name} did not reproduce the reference book:\n  ${diffs.join('\n  ')}`);
}
