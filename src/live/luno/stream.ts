// Luno's Streaming API on the facade (https://www.luno.com/en/developers/api#tag/Streaming-API), over the venue's engine
// spot markets:
//  - `/api/1/stream/{pair}`, the market stream: the client's first frame is its credentials
//    `{api_key_id, api_key_secret}`; the venue answers with the whole book, order by order
//    `{sequence, asks: [{id, price, volume}], bids, status, timestamp}`, then sequenced updates
//    `{sequence, trade_updates, create_update, delete_update, status_update, timestamp}`, each applying to the state
//    of the sequence before it. Trades reduce the resting (maker) order's volume; an order that rests or changes is a
//    create (a changed order: a delete, then a create with its new volume); one that leaves the book is a delete.
//    Messages are numbered per pair by one counter, so every connection sees the same sequence and never a gap.
//  - `/api/1/userstream`: the party's `order_status` (AWAITING/PENDING/COMPLETE), `order_fill` (cumulative and delta
//    base, counter and fees) and `balance_update` (balance and available, with their deltas) messages.
// Keepalive as Luno sends it: the JSON empty string `""`, every `keepaliveMs`. The WebSocket ping/pong is answered by
// the ws library. A socket whose credentials do not arrive within `authTimeoutMs`, are not JSON or do not name a party
// with its key is closed with the reason.
//
// The updates are computed from the engine's events and published after each command (and block end): the stream
// keeps, per pair, the book a client that follows the protocol holds (order id → side, price, volume) and, after
// applying the command's trades to it, reconciles it with the engine's book for every order the command touched, so
// that the client's book equals `/api/1/orderbook` after every message. Auction uncrossings (Luno has none) are sent as
// deletes and creates, not as trades: an uncrossing trade has no maker. A maker order that a trade fills completely
// is also sent as a delete (a client that follows the protocol has already removed it; clients that ignore trade
// updates, as ccxt's `watchOrderBook` does, would otherwise keep it).
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { KeyStore } from '../auth.ts';
import { secretMatches } from '../auth.ts';
import type { EngineEvent, OrderSnapshot, Trade } from '../engine.ts';
import type { MarketInfo } from '../genesis.ts';
import { formatScaled } from '../units.ts';
import type { Venue, VenueListener } from '../venue.ts';
import { feeTotal } from '../wire.ts';
import { SocketBatcher } from '../socket-batch.ts';
import { assetCode, lunoStatus, ms } from './views.ts';

export interface LunoStreamOptions {
  /** the `""` keepalive's period (Luno: about every 30 s) */
  readonly keepaliveMs?: number;
  /** how long a socket may take to send its credentials */
  readonly authTimeoutMs?: number;
}

interface Resting {
  readonly side: 'BID' | 'ASK';
  readonly price: number;
  volume: number;
}

type Json = Record<string, unknown>;

interface Conn {
  readonly socket: WebSocket;
  party: string | undefined;
  out: string[];
}

/** One pair's stream: the book a protocol-following client holds, the sequence, and what changed since the last flush. */
class PairStream {
  /** the client's book (order id → entry), equal to the engine's after every flush */
  readonly book = new Map<string, Resting>();
  sequence = 1;
  status: string;
  readonly conns = new Set<Conn>();
  private readonly trades: Trade[] = [];
  private readonly touched = new Map<string, OrderSnapshot>();

  constructor(readonly m: MarketInfo) {
    for (const o of m.market.bookOrders())
      if (o.remaining > 0)
        this.book.set(o.id, { side: o.side === 'buy' ? 'BID' : 'ASK', price: o.price, volume: o.remaining });
    this.status = lunoStatus(m);
  }

  onTrade(t: Trade): void {
    this.trades.push(t);
  }

  onOrder(o: OrderSnapshot): void {
    this.touched.set(o.id, o);
  }

  snapshot(now: bigint): Json {
    const u = this.m.units;
    const side = (s: 'BID' | 'ASK') =>
      [...this.book]
        .filter(([, r]) => r.side === s)
        .sort(([ia, a], [ib, b]) =>
          a.price !== b.price ? (s === 'BID' ? b.price - a.price : a.price - b.price) : ia < ib ? -1 : 1,
        )
        .map(([id, r]) => ({ id, price: u.fmtPrice(r.price), volume: u.fmtSize(r.volume) }));
    return {
      sequence: String(this.sequence),
      asks: side('ASK'),
      bids: side('BID'),
      status: this.status,
      timestamp: ms(now),
    };
  }

  /** The messages for what changed since the last flush, in order; the client's book moves with them. */
  flush(now: bigint): Json[] {
    const out: Json[] = [];
    const u = this.m.units;
    const ts = ms(now);
    const message = (fields: Json): void => {
      this.sequence++;
      out.push({
        sequence: String(this.sequence),
        trade_updates: null,
        create_update: null,
        delete_update: null,
        status_update: null,
        timestamp: ts,
        ...fields,
      });
    };
    // continuous trading's trades, in one message: each reduces its maker order (which rests in the client's book)
    const updates: Json[] = [];
    const filled: string[] = [];
    for (const t of this.trades.splice(0)) {
      if (t.aggressor === undefined) continue;
      const maker = t.aggressor === 'buy' ? t.sellOrder : t.buyOrder;
      const taker = t.aggressor === 'buy' ? t.buyOrder : t.sellOrder;
      const r = this.book.get(maker);
      if (!r || r.volume < t.size) continue; // not in the client's book: the reconciliation below sets it right
      r.volume -= t.size;
      if (r.volume === 0) {
        this.book.delete(maker);
        filled.push(maker);
      }
      updates.push({
        base: u.fmtSize(t.size),
        counter: formatScaled(t.marketPrice * BigInt(t.size), u.priceDecimals + u.positionDecimals),
        maker_order_id: maker,
        taker_order_id: taker,
        order_id: maker,
      });
    }
    if (updates.length) message({ trade_updates: updates });
    for (const id of filled)
      if (!this.touched.has(id) || !this.onBook(this.touched.get(id)!)) message({ delete_update: { order_id: id } });
    // every order the command touched: the client's entry made equal to the engine's
    for (const [id, o] of this.touched) {
      const want = this.onBook(o) ? this.m.market.liveOrder(id) : undefined;
      const have = this.book.get(id);
      const volume = want?.remaining ?? 0;
      if (have && want && have.price === want.price && have.volume === volume) continue;
      if (have) {
        this.book.delete(id);
        message({ delete_update: { order_id: id } });
      }
      if (want && volume > 0) {
        const r: Resting = { side: want.side === 'buy' ? 'BID' : 'ASK', price: want.price, volume };
        this.book.set(id, r);
        message({
          create_update: { order_id: id, type: r.side, price: u.fmtPrice(r.price), volume: u.fmtSize(r.volume) },
        });
      }
    }
    this.touched.clear();
    const status = lunoStatus(this.m);
    if (status !== this.status) {
      this.status = status;
      message({ status_update: { status } });
    }
    return out;
  }

  /** whether the order rests on the book now (a parked or finished order does not) */
  private onBook(o: OrderSnapshot): boolean {
    if (o.status !== 'ACTIVE' && o.status !== 'PARTIALLY_FILLED') return false;
    const live = this.m.market.liveOrder(o.id);
    return live !== undefined && live.status !== 'PARKED' && live.remaining > 0;
  }
}

interface Totals {
  base: bigint;
  counter: bigint;
  fee: bigint;
}

/** The streams of every spot pair and the parties' user streams; a venue listener. */
export class LunoStreams implements VenueListener {
  private readonly pairs = new Map<string, PairStream>();
  private readonly users = new Map<string, Set<Conn>>();
  /** per party and asset: the [balance, available] last reported to its user stream */
  private readonly balances = new Map<string, Map<string, [bigint, bigint]>>();
  /** per party and asset: the balance_update's row index (counts that account's updates) */
  private readonly rows = new Map<string, number>();
  private readonly touchedParties = new Set<string>();
  /** per order: its fills so far (the order_fill message's cumulative figures) */
  private readonly totals = new Map<string, Totals>();
  /** per order: the status last sent */
  private readonly statuses = new Map<string, string>();
  /** orders whose status may have changed since the last flush (their latest snapshot) */
  private readonly pendingStatus = new Map<string, { m: MarketInfo; o: OrderSnapshot }>();
  private readonly batch = new SocketBatcher<Conn>(() => this.venue.commit());
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly venue: Venue,
    private readonly keys: KeyStore,
    private readonly opts: LunoStreamOptions = {},
  ) {
    for (const m of venue.markets)
      if (m.product === 'spot' && m.baseAsset !== undefined) this.pairs.set(m.id, new PairStream(m));
    this.timer = setInterval(() => this.keepalive(), opts.keepaliveMs ?? 30_000);
    this.timer.unref();
  }

  /** the pair's stream state (tests, diagnostics) */
  pair(pair: string): PairStream | undefined {
    for (const p of this.pairs.values()) if (p.m.pair === pair) return p;
    return undefined;
  }

  get connections(): number {
    let n = 0;
    for (const p of this.pairs.values()) n += p.conns.size;
    for (const s of this.users.values()) n += s.size;
    return n;
  }

  // ------------------------------------------------------------------ connections

  /** A socket on `/api/1/stream/{pair}` (pair undefined: `/api/1/userstream`). */
  attach(socket: WebSocket, pairCode: string | undefined): void {
    const c: Conn = { socket, party: undefined, out: [] };
    let stream: PairStream | undefined;
    if (pairCode !== undefined) {
      stream = this.pair(pairCode.toUpperCase());
      if (!stream) {
        socket.close(1008, `no spot market "${pairCode}"`.slice(0, 120));
        return;
      }
    }
    const timeout = setTimeout(
      () => socket.close(1008, 'auth_timeout: no credentials'),
      this.opts.authTimeoutMs ?? 10_000,
    );
    timeout.unref();
    socket.on('message', (data) => {
      if (c.party !== undefined) return; // the credentials are the only frame a client sends
      clearTimeout(timeout);
      let cred: unknown;
      try {
        cred = JSON.parse(data.toString());
      } catch {
        socket.close(1008, 'invalid_credentials: the first frame must be {"api_key_id","api_key_secret"}');
        return;
      }
      const id = (cred as { api_key_id?: unknown } | null)?.api_key_id;
      const secret = (cred as { api_key_secret?: unknown } | null)?.api_key_secret;
      const party = typeof secret === 'string' ? this.keys.party(secret) : undefined;
      if (typeof id !== 'string' || party === undefined || !secretMatches(id, party)) {
        socket.close(1008, 'invalid_credentials: unknown API key id or secret');
        return;
      }
      c.party = party;
      if (stream) {
        stream.conns.add(c);
        this.send(c, stream.snapshot(this.venue.now()));
      } else {
        let s = this.users.get(party);
        if (!s) this.users.set(party, (s = new Set()));
        s.add(c);
        if (!this.balances.has(party)) this.balances.set(party, this.balancesOf(party));
      }
    });
    socket.on('close', () => {
      clearTimeout(timeout);
      stream?.conns.delete(c);
      if (!stream && c.party !== undefined) {
        const s = this.users.get(c.party);
        s?.delete(c);
        if (s && s.size === 0) {
          this.users.delete(c.party);
          this.balances.delete(c.party);
        }
      }
    });
  }

  /** nothing is streamed before the journal holds every command applied so far (SocketBatcher) */
  private send(c: Conn, msg: unknown): void {
    this.batch.push(c, JSON.stringify(msg));
  }

  private keepalive(): void {
    for (const p of this.pairs.values()) for (const c of p.conns) this.send(c, '');
    for (const s of this.users.values()) for (const c of s) this.send(c, '');
  }

  // ------------------------------------------------------------------ venue listener

  onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'order': {
        const p = this.pairs.get(e.order.marketId);
        if (!p) break;
        p.onOrder(e.order);
        this.pendingStatus.set(e.order.id, { m: p.m, o: e.order });
        break;
      }
      case 'trade': {
        const p = this.pairs.get(e.trade.marketId);
        if (!p) break;
        p.onTrade(e.trade);
        this.fills(p.m, e.trade);
        break;
      }
      case 'ledger': {
        const en = e.entry;
        for (const owner of [en.from.owner, en.to.owner]) if (this.balances.has(owner)) this.touchedParties.add(owner);
        break;
      }
      default:
        break;
    }
  }

  onCommand(): void {
    this.flush();
  }

  onBlock(): void {
    this.flush();
  }

  private flush(): void {
    const now = this.venue.now();
    for (const p of this.pairs.values()) {
      const msgs = p.flush(now);
      if (p.conns.size) for (const m of msgs) for (const c of p.conns) this.send(c, m);
    }
    // an order's status after its fills (which went out as the trades came): PENDING, then fills, then COMPLETE
    for (const { m, o } of this.pendingStatus.values()) this.orderStatus(m, o);
    this.pendingStatus.clear();
    for (const party of this.touchedParties) this.balanceUpdates(party, now);
    this.touchedParties.clear();
  }

  // ------------------------------------------------------------------ user stream

  private toUser(party: string, msg: Json): void {
    const s = this.users.get(party);
    if (s) for (const c of s) this.send(c, msg);
  }

  private orderStatus(m: MarketInfo, o: OrderSnapshot): void {
    const live = o.status === 'ACTIVE' || o.status === 'PARTIALLY_FILLED' || o.status === 'PARKED';
    // Luno: AWAITING until the order reaches the book, PENDING on it, COMPLETE when done
    const status = o.status === 'PARKED' ? 'AWAITING' : live ? 'PENDING' : 'COMPLETE';
    if (this.statuses.get(o.id) === status) return;
    if (status === 'COMPLETE') {
      this.statuses.delete(o.id);
      this.totals.delete(o.id);
    } else this.statuses.set(o.id, status);
    this.toUser(o.party, {
      type: 'order_status',
      timestamp: ms(this.venue.now()),
      order_status_update: { order_id: o.id, client_order_id: o.reference, market_id: m.pair, status },
    });
  }

  private fills(m: MarketInfo, t: Trade): void {
    const u = m.units;
    const counter = t.marketPrice * BigInt(t.size);
    for (const side of ['buy', 'sell'] as const) {
      const party = side === 'buy' ? t.buyer : t.seller;
      const orderId = side === 'buy' ? t.buyOrder : t.sellOrder;
      const fee = feeTotal(side === 'buy' ? t.buyerFee : t.sellerFee);
      const tot = this.totals.get(orderId) ?? { base: 0n, counter: 0n, fee: 0n };
      tot.base += BigInt(t.size);
      tot.counter += counter;
      tot.fee += fee;
      this.totals.set(orderId, tot);
      if (!this.users.has(party)) continue;
      const scale = u.priceDecimals + u.positionDecimals;
      const order = this.venue.store.order(party, orderId);
      this.toUser(party, {
        type: 'order_fill',
        timestamp: ms(t.timestamp),
        order_fill_update: {
          order_id: orderId,
          client_order_id: order?.reference ?? '',
          market_id: m.pair,
          base_fill: u.fmtSize(tot.base),
          counter_fill: formatScaled(tot.counter, scale),
          base_delta: u.fmtSize(t.size),
          counter_delta: formatScaled(counter, scale),
          // Vega's spot fees are paid in the quote asset
          base_fee: '0',
          counter_fee: u.fmtAsset(tot.fee),
          base_fee_delta: '0',
          counter_fee_delta: u.fmtAsset(fee),
        },
      });
    }
  }

  /** per asset of the spot pairs: [balance (general + held), available (general)] */
  private balancesOf(party: string): Map<string, [bigint, bigint]> {
    const assets = new Set<string>();
    for (const p of this.pairs.values()) {
      assets.add(p.m.asset);
      assets.add(p.m.baseAsset!);
    }
    const out = new Map<string, [bigint, bigint]>([...assets].map((a) => [a, [0n, 0n]]));
    for (const a of this.venue.ex.ledger.accountsOf(party)) {
      const x = out.get(a.asset);
      if (!x || (a.type !== 'GENERAL' && a.type !== 'HOLDING')) continue;
      x[0] += a.balance;
      if (a.type === 'GENERAL') x[1] += a.balance;
    }
    return out;
  }

  private balanceUpdates(party: string, now: bigint): void {
    const last = this.balances.get(party);
    if (!last) return;
    for (const [asset, [balance, available]] of this.balancesOf(party)) {
      const [b0, a0] = last.get(asset) ?? [0n, 0n];
      if (balance === b0 && available === a0) continue;
      last.set(asset, [balance, available]);
      const d = this.venue.ex.asset(asset)?.decimals ?? 0;
      const code = assetCode(this.venue, asset);
      const row = (this.rows.get(`${party}:${code}`) ?? 0) + 1;
      this.rows.set(`${party}:${code}`, row);
      this.toUser(party, {
        type: 'balance_update',
        timestamp: ms(now),
        balance_update: {
          // the account id /api/1/balance gives
          account_id: `${party}:${code}`,
          row_index: row,
          asset: code,
          balance: formatScaled(balance, d),
          balance_delta: formatScaled(balance - b0, d),
          available: formatScaled(available, d),
          available_delta: formatScaled(available - a0, d),
        },
      });
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const p of this.pairs.values()) for (const c of p.conns) c.socket.close(1001, 'venue shutting down');
    for (const s of this.users.values()) for (const c of s) c.socket.close(1001, 'venue shutting down');
  }
}

/** `/api/1/stream/{pair}` and `/api/1/userstream` on the app (after @fastify/websocket is registered). */
export function registerLunoStreams(
  app: FastifyInstance,
  venue: Venue,
  keys: KeyStore,
  opts: LunoStreamOptions = {},
): LunoStreams {
  const streams = new LunoStreams(venue, keys, opts);
  venue.addListener(streams);
  app.get('/api/1/stream/:pair', { websocket: true }, (socket, req) =>
    streams.attach(socket, (req.params as { pair: string }).pair),
  );
  app.get('/api/1/userstream', { websocket: true }, (socket) => streams.attach(socket, undefined));
  app.addHook('onClose', async () => streams.close());
  return streams;
}
