// WebSocket streams and commands (`GET /v1/ws`, key in `?key=` or the Authorization header). A client subscribes
// to public channels per market — `book` (top levels, coalesced at most every `bookMs`), `trades`, `marketData`
// (every block) — and, with a key, to its own party's `orders`, `fills` and `accounts`. Every message the venue
// pushes to a connection carries `seq`, counting up by one per connection, so a client can tell it missed none.
// Commands travel the same socket: `{ "op": "submit", "id": 7, "body": {…} }` gets `{ "op": "ack", "id": 7, … }`
// with the same reply as the HTTP endpoint, after the command is journaled and applied.
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { EngineEvent } from './engine.ts';
import { depthView, marketDataView } from './queries.ts';
import { parseRequest, RequestError } from './requests.ts';
import type { CommandKind, CommandService } from './service.ts';
import { formatScaled } from './units.ts';
import { SocketBatcher, type Corkable } from './socket-batch.ts';
import type { Venue, VenueListener } from './venue.ts';
import { wireFills, wireOrder, wireTrade } from './wire.ts';

export const PUBLIC_CHANNELS = ['book', 'trades', 'marketData'] as const;
export const PRIVATE_CHANNELS = ['orders', 'fills', 'accounts'] as const;

const COMMAND_OPS = [
  'submit',
  'amend',
  'cancel',
  'cancelAll',
  'batch',
  'stopOrders',
  'cancelStop',
  'lpSubmit',
  'lpAmend',
  'lpCancel',
  'deposit',
] as const satisfies readonly CommandKind[];

export const wsMessage = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.enum(['subscribe', 'unsubscribe']),
    channel: z.enum([...PUBLIC_CHANNELS, ...PRIVATE_CHANNELS]),
    market: z.string().max(64).optional(),
    levels: z.number().int().min(1).max(100).optional(),
  }),
  z.strictObject({
    op: z.enum(COMMAND_OPS),
    id: z.union([z.string().max(64), z.number()]),
    body: z.unknown().optional(),
    orderId: z.string().max(64).optional(),
    market: z.string().max(64).optional(),
  }),
  z.strictObject({ op: z.literal('ping'), id: z.union([z.string().max(64), z.number()]).optional() }),
]);

/** the TCP socket under a WebSocket: corked while a turn's messages are framed, so they leave in one write */

interface Client {
  readonly socket: WebSocket;
  readonly raw: Corkable | undefined;
  readonly party: string | undefined;
  /** 'book:<market id>' etc., and 'orders' / 'fills' / 'accounts' */
  readonly subs: Set<string>;
  bookLevels: number;
  seq: number;
  /** messages waiting for the next flush */
  out: string[];
}

export class WsHub implements VenueListener {
  private readonly clients = new Set<Client>();
  private readonly byParty = new Map<string, Set<Client>>();
  private readonly dirtyBooks = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** messages pushed (all connections) */
  pushed = 0;

  constructor(
    private readonly venue: Venue,
    private readonly service: CommandService,
    bookMs: number,
  ) {
    this.timer = setInterval(() => this.flushBooks(), bookMs);
    this.timer.unref();
  }

  get connections(): number {
    return this.clients.size;
  }

  attach(socket: WebSocket, party: string | undefined, raw?: Corkable): void {
    const c: Client = { socket, raw, party, subs: new Set(), bookLevels: 10, seq: 0, out: [] };
    this.clients.add(c);
    if (party !== undefined) {
      let s = this.byParty.get(party);
      if (!s) this.byParty.set(party, (s = new Set()));
      s.add(c);
    }
    socket.on('message', (data) => this.onMessage(c, data.toString()));
    socket.on('close', () => {
      this.clients.delete(c);
      if (party !== undefined) this.byParty.get(party)?.delete(c);
    });
    this.send(c, { op: 'hello', party: party ?? null, block: this.venue.block, time: this.venue.now().toString() });
  }

  private readonly batch = new SocketBatcher<Client>(() => this.venue.commit());

  /**
   * Queues a message; the queue goes out at the end of this turn of the event loop, after the journal has written
   * every command applied in it (an ack or an event never precedes its journal record).
   */
  private send(c: Client, msg: Record<string, unknown>): void {
    if (c.socket.readyState !== 1) return;
    c.seq++;
    this.pushed++;
    // `{"seq":N,` + the message's own fields: no copy of the message object per connection
    const body = JSON.stringify(msg);
    this.batch.push(c, body.length > 2 ? `{"seq":${c.seq},${body.slice(1)}` : `{"seq":${c.seq}}`);
  }

  private onMessage(c: Client, text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.send(c, { op: 'error', error: { code: 'invalid_json', message: 'message: not valid JSON' } });
      return;
    }
    let m: z.infer<typeof wsMessage>;
    try {
      m = parseRequest(wsMessage, json, 'message');
    } catch (e) {
      this.send(c, { op: 'error', error: errorBody(e) });
      return;
    }
    if (m.op === 'ping') {
      this.send(c, { op: 'pong', ...(m.id !== undefined ? { id: m.id } : {}) });
      return;
    }
    if ('channel' in m) {
      const priv = (PRIVATE_CHANNELS as readonly string[]).includes(m.channel);
      if (priv && c.party === undefined) {
        this.send(c, { op: 'error', error: { code: 'unauthorized', message: `${m.channel}: needs a party key` } });
        return;
      }
      let key: string = m.channel;
      if (!priv) {
        const info = m.market !== undefined ? this.venue.market(m.market) : undefined;
        if (!info) {
          this.send(c, {
            op: 'error',
            error: { code: 'unknown_market', message: `message.market: no market "${m.market ?? ''}"` },
          });
          return;
        }
        key = `${m.channel}:${info.id}`;
        if (m.channel === 'book' && m.levels) c.bookLevels = m.levels;
      }
      if (m.op === 'subscribe') c.subs.add(key);
      else c.subs.delete(key);
      this.send(c, { op: m.op === 'subscribe' ? 'subscribed' : 'unsubscribed', channel: key });
      if (m.op === 'subscribe' && m.channel === 'book') {
        const info = this.venue.market(m.market!)!;
        this.send(c, { channel: 'book', market: info.id, data: depthView(info, c.bookLevels, this.venue.now()) });
      }
      return;
    }
    if (c.party === undefined) {
      this.send(c, { op: 'ack', id: m.id, error: { code: 'unauthorized', message: 'commands need a party key' } });
      return;
    }
    try {
      const reply = this.service.run(c.party, m.op, m.body, {
        ...(m.orderId !== undefined ? { id: m.orderId } : {}),
        ...(m.market !== undefined ? { market: m.market } : {}),
      });
      this.send(c, { op: 'ack', id: m.id, ...reply });
    } catch (e) {
      this.send(c, { op: 'ack', id: m.id, ok: false, error: errorBody(e) });
    }
  }

  // ------------------------------------------------------------------ venue listener

  onEvent(e: EngineEvent): void {
    if (this.clients.size === 0) return;
    switch (e.type) {
      case 'order': {
        this.dirtyBooks.add(e.order.marketId);
        const cs = this.byParty.get(e.order.party);
        if (!cs?.size) break;
        const u = this.venue.market(e.order.marketId)?.units;
        if (!u) break;
        const data = wireOrder(e.order, u);
        for (const c of cs) if (c.subs.has('orders')) this.send(c, { channel: 'orders', data });
        break;
      }
      case 'trade': {
        const t = e.trade;
        this.dirtyBooks.add(t.marketId);
        const u = this.venue.market(t.marketId)?.units;
        if (!u) break;
        const key = `trades:${t.marketId}`;
        let data: ReturnType<typeof wireTrade> | undefined;
        for (const c of this.clients)
          if (c.subs.has(key))
            this.send(c, { channel: 'trades', market: t.marketId, data: (data ??= wireTrade(t, u)) });
        for (const p of t.buyer === t.seller ? [t.buyer] : [t.buyer, t.seller]) {
          const cs = this.byParty.get(p);
          if (!cs?.size) continue;
          const fills = wireFills(t, p, u);
          for (const c of cs)
            if (c.subs.has('fills')) for (const f of fills) this.send(c, { channel: 'fills', data: f });
        }
        break;
      }
      case 'ledger': {
        const en = e.entry;
        for (const [acc, bal] of [
          [en.from, en.fromBalance],
          [en.to, en.toBalance],
        ] as const) {
          const cs = this.byParty.get(acc.owner);
          if (!cs?.size) continue;
          const d = this.venue.ex.asset(acc.asset)?.decimals ?? 0;
          const data = {
            type: acc.type,
            asset: acc.asset,
            market: acc.market,
            balance: formatScaled(bal, d),
            transfer: en.type,
            amount: formatScaled(en.amount, d),
            direction: acc === en.from ? 'out' : 'in',
          };
          for (const c of cs) if (c.subs.has('accounts')) this.send(c, { channel: 'accounts', data });
        }
        break;
      }
      default:
        break;
    }
  }

  onBlock(): void {
    if (this.clients.size === 0) return;
    for (const info of this.venue.markets) {
      const key = `marketData:${info.id}`;
      let data: ReturnType<typeof marketDataView> | undefined;
      for (const c of this.clients)
        if (c.subs.has(key))
          this.send(c, { channel: 'marketData', market: info.id, data: (data ??= marketDataView(info)) });
    }
  }

  private flushBooks(): void {
    if (this.dirtyBooks.size === 0) return;
    for (const id of this.dirtyBooks) {
      const info = this.venue.market(id);
      if (!info) continue;
      const key = `book:${id}`;
      for (const c of this.clients)
        if (c.subs.has(key))
          this.send(c, { channel: 'book', market: id, data: depthView(info, c.bookLevels, this.venue.now()) });
    }
    this.dirtyBooks.clear();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const c of this.clients) c.socket.close(1001, 'venue shutting down');
  }
}

export function errorBody(e: unknown): {
  code: string;
  message: string;
  issues?: readonly { path: string; message: string }[];
} {
  if (e instanceof RequestError)
    return { code: e.code, message: e.message, ...(e.issues.length ? { issues: e.issues } : {}) };
  return { code: 'internal', message: (e as Error).message };
}
