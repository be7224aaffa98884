// The bot's adapter for the perpsim venue (`perpsim serve`), in the seed bot's design with its user stream done:
// the book from `LOB::<PAIR>` and public trades from `TRADES::<PAIR>` on Redis (ioredis), the bot's orders, fills
// and balance changes from `ORDER_UPDATES` (filtered to its party and market), and orders through the venue's HTTP
// API with the party's key. Every Redis message is validated with a schema; a message that does not fit is counted
// and skipped, never half-used. Redis going away (or coming back) and HTTP failures are reported to the bot as
// connection events, which trip its kill switch.
// Without Redis (`feed: 'ws'`), the same events come from the venue's WebSocket API (`/v1/ws`): the public `book` and
// `trades` channels of the market and the party's own `orders`, `fills` and `accounts` — what `perpsim live` uses.
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { z } from 'zod';
import type {
  AccountSnapshot,
  MarketInfo,
  OrderRequest,
  PlaceResult,
  TransferKind,
  VenueAdapter,
  VenueEvent,
} from './adapter.ts';
import { formatFixed, parseFixed } from './fixed.ts';

export interface PerpsimAdapterOptions {
  /** the venue's HTTP base URL, e.g. http://127.0.0.1:8080 */
  readonly api: string;
  /** the party's API key */
  readonly key: string;
  /** market id or pair code */
  readonly market: string;
  /** where the book, trades and the user stream come from: Redis (the seed's channels, the default) or the
   *  venue's WebSocket API */
  readonly feed?: 'redis' | 'ws';
  readonly redisHost?: string;
  readonly redisPort?: number;
  /** HTTP timeout, ms */
  readonly timeoutMs?: number;
}

const num = z.number().finite();
const level = z.tuple([num, num]);
const lobMessage = z.looseObject({
  ts: num,
  bids: z.array(level),
  asks: z.array(level),
  trading_mode: z.string().optional(),
});
const tradeMessage = z.looseObject({
  ts: num,
  id: z.string(),
  price: num,
  size: num,
  side: z.enum(['buy', 'sell', 'auction']),
  /** the aggressive order, when the venue sends it */
  aggressor_order: z.string().nullish(),
});
const wireOrder = z.looseObject({
  id: z.string(),
  market: z.string(),
  side: z.enum(['buy', 'sell']),
  status: z.string(),
  price: z.string(),
  remaining: z.string(),
});
const orderUpdate = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('order'), party: z.string(), ts: num, order: wireOrder }),
  z.looseObject({
    type: z.literal('fill'),
    party: z.string(),
    ts: num,
    fill: z.looseObject({
      tradeId: z.string(),
      market: z.string(),
      orderId: z.string(),
      side: z.enum(['buy', 'sell']),
      price: z.string(),
      size: z.string(),
    }),
  }),
  z.looseObject({
    type: z.literal('balance'),
    party: z.string(),
    ts: num,
    account: z.looseObject({ type: z.string(), asset: z.string(), market: z.string() }),
    balance: z.string(),
    transfer: z.looseObject({ type: z.string(), amount: z.string(), direction: z.enum(['in', 'out']) }),
  }),
]);

const wsPush = z.looseObject({ channel: z.string(), data: z.unknown() });
const wsBook = z.looseObject({
  timestamp: z.string().regex(/^\d+$/),
  bids: z.array(z.tuple([z.string(), z.string()])),
  asks: z.array(z.tuple([z.string(), z.string()])),
});
const wsTrade = z.looseObject({
  id: z.string(),
  market: z.string(),
  price: z.string(),
  size: z.string(),
  aggressor: z.string(),
  /** the aggressive order's id (null in an auction) */
  aggressorOrder: z.string().nullish(),
  buyOrder: z.string(),
  sellOrder: z.string(),
  timestamp: z.string().regex(/^\d+$/),
});
const wsFill = z.looseObject({
  tradeId: z.string(),
  market: z.string(),
  orderId: z.string(),
  side: z.enum(['buy', 'sell']),
  price: z.string(),
  size: z.string(),
  timestamp: z.string().regex(/^\d+$/),
});
const wsAccount = z.looseObject({
  asset: z.string(),
  transfer: z.string(),
  amount: z.string(),
  direction: z.enum(['in', 'out']),
});

/** nanoseconds since the epoch (a decimal string) → seconds */
const nsToSeconds = (ns: string) => Number(BigInt(ns) / 1000n) / 1e6;

const LIVE = new Set(['ACTIVE', 'PARKED', 'PARTIALLY_FILLED']);
const FEE_TYPES = new Set([
  'MAKER_FEE_RECEIVE',
  'MAKER_FEE_PAY',
  'INFRASTRUCTURE_FEE_PAY',
  'LIQUIDITY_FEE_PAY',
  'TREASURY_FEE_PAY',
  'BUY_BACK_FEE_PAY',
  'HIGH_MAKER_FEE_REBATE_PAY',
  'HIGH_MAKER_FEE_REBATE_RECEIVE',
]);

function transferKind(type: string): TransferKind {
  if (FEE_TYPES.has(type)) return 'fee';
  if (type === 'PERPETUALS_FUNDING_WIN' || type === 'PERPETUALS_FUNDING_LOSS') return 'funding';
  if (type === 'DEPOSIT' || type === 'WITHDRAW') return 'deposit';
  return 'other';
}

/** An HTTP failure that is the venue's answer (4xx/5xx), not a lost connection. */
export class VenueRefusal extends Error {}

export class PerpsimVenueAdapter implements VenueAdapter {
  readonly name = 'perpsim';
  private redis: Redis | undefined;
  private ws: WebSocket | undefined;
  private closing = false;
  private info: (MarketInfo & { priceDecimals: number; sizeDecimals: number }) | undefined;
  private party = '';
  private emit: (e: VenueEvent) => void = () => {};
  /** Redis messages that failed their schema, by channel */
  readonly malformed = new Map<string, number>();

  constructor(readonly opts: PerpsimAdapterOptions) {}

  private async http(method: string, path: string, body?: unknown): Promise<unknown> {
    let r: Response;
    try {
      r = await fetch(`${this.opts.api}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.opts.key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new Error(`venue ${this.opts.api} unreachable: ${why}`, { cause: e });
    }
    const text = await r.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new VenueRefusal(`${method} ${path}: HTTP ${r.status}, not JSON`);
    }
    if (!r.ok) {
      const err = (json as { error?: { message?: string } } | undefined)?.error?.message;
      throw new VenueRefusal(`${method} ${path}: HTTP ${r.status}: ${err ?? text.slice(0, 200)}`);
    }
    return json;
  }

  async connect(onEvent: (e: VenueEvent) => void): Promise<MarketInfo> {
    this.emit = onEvent;
    const me = z.object({ party: z.string() }).parse(await this.http('GET', '/v1/me'));
    this.party = me.party;
    const m = z
      .looseObject({
        id: z.string(),
        pair: z.string(),
        tickSize: z.string(),
        decimalPlaces: z.number().int(),
        positionDecimalPlaces: z.number().int(),
        settlementAsset: z.string(),
      })
      .parse(await this.http('GET', `/v1/markets/${encodeURIComponent(this.opts.market)}`));
    const lot = formatFixed(10n ** BigInt(18 - m.positionDecimalPlaces));
    this.info = {
      market: m.id,
      pair: m.pair,
      tick: m.tickSize,
      lot,
      minSize: lot,
      asset: m.settlementAsset,
      priceDecimals: m.decimalPlaces,
      sizeDecimals: m.positionDecimalPlaces,
    };
    if (this.opts.feed === 'ws') await this.subscribeWs();
    else await this.subscribe();
    return this.info;
  }

  /** The venue's WebSocket API as the feed: subscribes, and reconnects (every 0.5 s) after a loss, reporting it. */
  private subscribeWs(): Promise<void> {
    const info = this.info!;
    const url = `${this.opts.api.replace(/^http/, 'ws')}/v1/ws?key=${encodeURIComponent(this.opts.key)}`;
    return new Promise<void>((resolve, reject) => {
      let first = true;
      const open = () => {
        const ws = new WebSocket(url);
        this.ws = ws;
        let up = false;
        ws.on('open', () => {
          up = true;
          for (const channel of ['book', 'trades'])
            ws.send(JSON.stringify({ op: 'subscribe', channel, market: info.market, levels: 10 }));
          for (const channel of ['orders', 'fills', 'accounts']) ws.send(JSON.stringify({ op: 'subscribe', channel }));
          if (first) {
            first = false;
            resolve();
          } else this.emit({ type: 'connection', channel: 'ws', up: true, reason: 'reconnected' });
        });
        ws.on('message', (data) => this.onWs(String(data)));
        ws.on('error', (e: Error) => {
          if (first) {
            first = false;
            reject(new Error(`venue WebSocket ${url.replace(/\?.*/, '')}: cannot connect: ${e.message}`));
          }
        });
        ws.on('close', (code, reason) => {
          if (this.closing || this.ws !== ws) return;
          if (up) this.emit({ type: 'connection', channel: 'ws', up: false, reason: `ws closed ${code} ${reason}` });
          if (!first) setTimeout(() => !this.closing && open(), 500).unref();
        });
      };
      open();
    });
  }

  private onWs(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.bad('ws');
    }
    const m = wsPush.safeParse(json);
    if (!m.success) return; // acks, hello, subscribed, pong
    const info = this.info!;
    const d = m.data.data;
    switch (m.data.channel) {
      case 'book': {
        const b = wsBook.safeParse(d);
        if (!b.success) return this.bad('ws:book');
        const side = (l: [string, string][]) => l.map(([price, size]) => ({ price, size }));
        this.emit({
          type: 'book',
          time: nsToSeconds(b.data.timestamp),
          bids: side(b.data.bids),
          asks: side(b.data.asks),
        });
        return;
      }
      case 'trades': {
        const t = wsTrade.safeParse(d);
        if (!t.success) return this.bad('ws:trades');
        const a = t.data.aggressor;
        const auction = a !== 'buy' && a !== 'sell';
        this.emit({
          type: 'trade',
          time: nsToSeconds(t.data.timestamp),
          price: t.data.price,
          size: t.data.size,
          ...(auction
            ? {}
            : { aggressor: a, arrival: t.data.aggressorOrder ?? (a === 'buy' ? t.data.buyOrder : t.data.sellOrder) }),
          auction,
        });
        return;
      }
      case 'orders': {
        const o = wireOrder.safeParse(d);
        if (!o.success) return this.bad('ws:orders');
        if (o.data.market !== info.market) return;
        this.emit({
          type: 'order',
          id: o.data.id,
          side: o.data.side,
          price: o.data.price,
          remaining: o.data.remaining,
          live: LIVE.has(o.data.status),
          status: o.data.status,
        });
        return;
      }
      case 'fills': {
        const f = wsFill.safeParse(d);
        if (!f.success) return this.bad('ws:fills');
        if (f.data.market !== info.market) return;
        this.emit({
          type: 'fill',
          time: nsToSeconds(f.data.timestamp),
          tradeId: f.data.tradeId,
          orderId: f.data.orderId,
          side: f.data.side,
          price: f.data.price,
          size: f.data.size,
        });
        return;
      }
      case 'accounts': {
        const a = wsAccount.safeParse(d);
        if (!a.success) return this.bad('ws:accounts');
        if (a.data.asset !== info.asset) return;
        this.emit({
          type: 'transfer',
          time: Date.now() / 1000,
          kind: transferKind(a.data.transfer),
          venueType: a.data.transfer,
          amount: a.data.direction === 'in' ? a.data.amount : `-${a.data.amount}`,
        });
        return;
      }
      default:
        return;
    }
  }

  private async subscribe(): Promise<void> {
    const info = this.info!;
    const r = new Redis({
      host: this.opts.redisHost ?? '127.0.0.1',
      port: this.opts.redisPort ?? 6379,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      // keep trying to come back (every 0.5 s); the bot is told it is down meanwhile
      retryStrategy: () => 500,
    });
    this.redis = r;
    let up = false;
    r.on('ready', () => {
      if (!up) this.emit({ type: 'connection', channel: 'redis', up: true, reason: 'connected' });
      up = true;
    });
    const lost = (why: string) => {
      if (up) this.emit({ type: 'connection', channel: 'redis', up: false, reason: why });
      up = false;
    };
    r.on('close', () => lost('redis connection closed'));
    r.on('error', (e: Error) => lost(`redis: ${e.message}`));
    try {
      await r.connect();
    } catch (e) {
      r.disconnect();
      throw new Error(`redis ${this.opts.redisHost}:${this.opts.redisPort}: cannot connect: ${(e as Error).message}`, {
        cause: e,
      });
    }
    up = true;
    const lob = `LOB::${info.pair}`;
    const trades = `TRADES::${info.pair}`;
    r.on('message', (channel: string, payload: string) => {
      let json: unknown;
      try {
        json = JSON.parse(payload);
      } catch {
        json = undefined;
      }
      if (channel === lob) this.onLob(json);
      else if (channel === trades) this.onTrade(json);
      else if (channel === 'ORDER_UPDATES') this.onOrderUpdate(json);
    });
    await r.subscribe(lob, trades, 'ORDER_UPDATES');
  }

  private bad(channel: string): void {
    this.malformed.set(channel, (this.malformed.get(channel) ?? 0) + 1);
  }

  private price(x: number): string {
    return x.toFixed(this.info!.priceDecimals);
  }

  private size(x: number): string {
    return x.toFixed(this.info!.sizeDecimals);
  }

  private onLob(json: unknown): void {
    const p = lobMessage.safeParse(json);
    if (!p.success) return this.bad('LOB');
    const m = p.data;
    const side = (l: [number, number][]) =>
      l.map(([price, size]) => ({ price: this.price(price), size: this.size(size) }));
    this.emit({ type: 'book', time: m.ts / 1000, bids: side(m.bids), asks: side(m.asks) });
  }

  private onTrade(json: unknown): void {
    const p = tradeMessage.safeParse(json);
    if (!p.success) return this.bad('TRADES');
    const t = p.data;
    const auction = t.side === 'auction';
    this.emit({
      type: 'trade',
      time: t.ts / 1000,
      price: this.price(t.price),
      size: this.size(t.size),
      ...(auction ? {} : { aggressor: t.side as 'buy' | 'sell' }),
      // the aggressive order's id names the arrival; from an older venue without it, the trades one command made on
      // one side at one time are one arrival
      ...(auction ? {} : { arrival: t.aggressor_order ?? `${t.ts}:${t.side}` }),
      auction,
    });
  }

  private onOrderUpdate(json: unknown): void {
    const p = orderUpdate.safeParse(json);
    if (!p.success) return this.bad('ORDER_UPDATES');
    const u = p.data;
    const info = this.info!;
    if (u.party !== this.party) return;
    if (u.type === 'order') {
      if (u.order.market !== info.market) return;
      this.emit({
        type: 'order',
        id: u.order.id,
        side: u.order.side,
        price: u.order.price,
        remaining: u.order.remaining,
        live: LIVE.has(u.order.status),
        status: u.order.status,
      });
    } else if (u.type === 'fill') {
      if (u.fill.market !== info.market) return;
      this.emit({
        type: 'fill',
        time: u.ts / 1000,
        tradeId: u.fill.tradeId,
        orderId: u.fill.orderId,
        side: u.fill.side,
        price: u.fill.price,
        size: u.fill.size,
      });
    } else {
      if (u.account.asset !== info.asset) return;
      const amount = u.transfer.direction === 'in' ? u.transfer.amount : `-${u.transfer.amount}`;
      this.emit({
        type: 'transfer',
        time: u.ts / 1000,
        kind: transferKind(u.transfer.type),
        venueType: u.transfer.type,
        amount,
      });
    }
  }

  async account(): Promise<AccountSnapshot> {
    const info = this.info!;
    const party = encodeURIComponent(this.party);
    const market = encodeURIComponent(info.market);
    const [accounts, positions, orders, data] = await Promise.all([
      this.http('GET', `/v1/parties/${party}/accounts`),
      this.http('GET', `/v1/parties/${party}/positions`),
      this.http('GET', `/v1/parties/${party}/orders?live=true&market=${market}&limit=100`),
      this.http('GET', `/v1/markets/${market}/data`),
    ]);
    let equity = 0n;
    for (const a of z.array(z.looseObject({ asset: z.string(), balance: z.string() })).parse(accounts))
      if (a.asset === info.asset) equity += parseFixed(a.balance, 'account balance');
    const pos = z
      .array(z.looseObject({ market: z.string(), openVolume: z.string(), markPrice: z.string() }))
      .parse(positions)
      .find((p) => p.market === info.market);
    const md = z
      .looseObject({
        markPrice: z.string(),
        funding: z.looseObject({ estimatedRate: z.string().nullable() }).nullable(),
      })
      .parse(data);
    const rate = md.funding?.estimatedRate;
    this.emit({
      type: 'market',
      time: Date.now() / 1000,
      mark: md.markPrice,
      ...(rate !== null && rate !== undefined ? { fundingRate: rate } : {}),
    });
    const open = z.array(wireOrder).parse(orders);
    return {
      equity: formatFixed(equity),
      position: pos?.openVolume ?? '0',
      mark: md.markPrice,
      orders: open
        .filter((o) => o.market === info.market && LIVE.has(o.status))
        .map((o) => ({ id: o.id, side: o.side, price: o.price, remaining: o.remaining })),
    };
  }

  async place(o: OrderRequest): Promise<PlaceResult> {
    let reply: unknown;
    try {
      reply = await this.http('POST', '/v1/orders', {
        market: this.info!.market,
        side: o.side,
        type: 'LIMIT',
        tif: 'GTC',
        price: o.price,
        size: o.size,
        postOnly: o.postOnly,
      });
    } catch (e) {
      if (e instanceof VenueRefusal) return { error: e.message };
      throw e;
    }
    const r = z
      .looseObject({ ok: z.boolean(), error: z.string().optional(), order: wireOrder.optional() })
      .parse(reply);
    if (!r.ok || !r.order) return { error: r.error ?? 'refused' };
    if (!LIVE.has(r.order.status)) return { error: `order ${r.order.status}` };
    return { id: r.order.id };
  }

  async cancel(id: string): Promise<void> {
    try {
      await this.http('DELETE', `/v1/orders/${encodeURIComponent(id)}?market=${encodeURIComponent(this.info!.market)}`);
    } catch (e) {
      // an order that has just traded away or was cancelled is gone either way
      if (!(e instanceof VenueRefusal)) throw e;
    }
  }

  async cancelAll(): Promise<void> {
    await this.http('DELETE', `/v1/orders?market=${encodeURIComponent(this.info!.market)}`);
  }

  async close(): Promise<void> {
    this.closing = true;
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.close(1000, 'bot stopping');
    }
    const r = this.redis;
    this.redis = undefined;
    if (!r) return;
    r.removeAllListeners();
    try {
      await r.quit();
    } catch {
      r.disconnect();
    }
  }
}
