// The bot's adapter for a spot exchange through the real ccxt package (issue 12 item 1): Luno by default (the seed's
// venue), any ccxt exchange id otherwise, with `baseUrl` pointing ccxt at another host with the same API — the perpsim
// venue's Luno-compatible facade (`perpsim serve --spot`, `perpsim live`) — by rewriting the origin of the
// exchange's API URLs and nothing else, so the bot speaks to the facade exactly as it would speak to Luno.
//  - market rules from loadMarkets: tick = precision.price, lot = precision.amount (ccxt's TICK_SIZE mode), the
//    smallest size from limits.amount.min;
//  - market data by polling every `pollMs` (fetchOrderBook, fetchTrades since the last seen, fetchTicker: the last
//    trade is the bot's reference price, a spot pair having no mark);
//  - the user stream by polling fetchOpenOrders (an order seen open and then absent is gone) and fetchMyTrades
//    (fills, each with the fee it paid as a fee transfer);
//  - orders: createOrder limit with the exchange's post-only flag (Luno: post_only), cancelOrder, and cancel-all as
//    fetchOpenOrders + cancelOrder until none is left.
// Inventory on a spot pair is the base asset held beyond a neutral holding (by default what the account holds when
// the bot connects): the position is base − neutral, the equity the quote asset plus that position at the reference
// price, so that the P&L split (spread, inventory, fees) explains the equity change as on a perpetual. A poll that
// fails is reported as its channel going down (the kill switch trips) and coming back up when a poll succeeds.
import ccxt from 'ccxt';
import type {
  AccountSnapshot,
  BookSide,
  MarketInfo,
  OrderRequest,
  PlaceResult,
  VenueAdapter,
  VenueEvent,
} from './adapter.ts';
import { formatFixed, ONE, parseFixed } from './fixed.ts';

export interface CcxtAdapterOptions {
  /** ccxt exchange id (default luno) */
  readonly exchange?: string;
  readonly apiKey: string;
  readonly secret: string;
  /** the unified symbol (BTC/MYR) or the exchange's market id (XBTMYR) */
  readonly market: string;
  /** replaces the origin of the exchange's API URLs (e.g. http://127.0.0.1:8080 for the perpsim venue's facade) */
  readonly baseUrl?: string;
  /** ms between polls of the book, trades, ticker, open orders and fills */
  readonly pollMs?: number;
  /** base asset held that is not inventory (default: the base total when the bot connects) */
  readonly neutralBase?: string;
  /** HTTP timeout, ms */
  readonly timeoutMs?: number;
}

/** post-only as each exchange's createOrder takes it: Luno's own parameter, ccxt's unified one elsewhere */
const POST_ONLY: Record<string, Record<string, unknown>> = { luno: { post_only: true } };

/** The exchange's API URLs with their origin replaced by `base` (a `/api` path on both is not doubled). */
export function rebase(urls: unknown, base: string): unknown {
  const b = new URL(base);
  const root = b.pathname.replace(/\/+$/, '');
  const one = (u: string): string => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      return u;
    }
    let path = url.pathname;
    if (root && (path === root || path.startsWith(`${root}/`))) path = path.slice(root.length);
    const scheme = url.protocol.startsWith('ws') ? b.protocol.replace('http', 'ws') : b.protocol;
    return `${scheme}//${b.host}${root}${path}`.replace(/\/+$/, '');
  };
  if (typeof urls === 'string') return one(urls);
  if (typeof urls === 'object' && urls !== null)
    return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, rebase(v, base)]));
  return urls;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- ccxt's structures: read field by field */
type Exchange = any;

const SEEN_KEPT = 20_000;

export class CcxtVenueAdapter implements VenueAdapter {
  readonly name: string;
  private readonly ex: Exchange;
  private readonly id: string;
  private symbol = '';
  private info: MarketInfo | undefined;
  private base = '';
  private quote = '';
  private neutral = 0n;
  private onEvent: (e: VenueEvent) => void = () => {};
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;
  private readonly down = new Set<string>();
  /** the reference price (last trade, else the mid), decimal string */
  private reference: string | undefined;
  private readonly seenTrades = new Set<string>();
  private readonly seenFills = new Set<string>();
  private tradesSince = 0;
  private fillsSince = 0;
  /** orders seen open in the last poll: id → remaining */
  private open = new Map<string, { side: 'buy' | 'sell'; price: string; remaining: string }>();

  constructor(private readonly opts: CcxtAdapterOptions) {
    this.id = opts.exchange ?? 'luno';
    const Ctor = (ccxt as unknown as Record<string, unknown>)[this.id];
    if (typeof Ctor !== 'function' || !(ccxt as any).exchanges.includes(this.id))
      throw new Error(`exchange "${this.id}": not a ccxt exchange id (ccxt ${(ccxt as any).version})`);
    this.ex = new (Ctor as new (c: object) => Exchange)({
      apiKey: opts.apiKey,
      secret: opts.secret,
      // a real exchange's rate limits are kept; the local facade has none on reads
      enableRateLimit: opts.baseUrl === undefined,
      timeout: opts.timeoutMs ?? 10_000,
    });
    if (opts.baseUrl !== undefined) this.ex.urls.api = rebase(this.ex.urls.api, opts.baseUrl);
    this.name = `ccxt:${this.id}`;
  }

  async connect(onEvent: (e: VenueEvent) => void): Promise<MarketInfo> {
    this.onEvent = onEvent;
    const where = this.opts.baseUrl ?? this.id;
    let markets: Record<string, any>;
    try {
      markets = await this.ex.loadMarkets();
    } catch (e) {
      throw new Error(`${this.name} (${where}): loadMarkets failed: ${(e as Error).message}`, { cause: e });
    }
    const m =
      markets[this.opts.market] ??
      Object.values(markets).find((x: any) => x.id === this.opts.market || x.id === this.opts.market.toUpperCase());
    if (!m)
      throw new Error(
        `--market ${this.opts.market}: no such market on ${where} (markets: ${Object.values(markets)
          .map((x: any) => `${x.symbol} (${x.id})`)
          .join(', ')})`,
      );
    if (m.spot !== true) throw new Error(`--market ${this.opts.market}: ${m.symbol} is not a spot market`);
    this.symbol = m.symbol;
    this.base = m.base;
    this.quote = m.quote;
    const tick = this.decimal(m.precision?.price, 'precision.price');
    const lot = this.decimal(m.precision?.amount, 'precision.amount');
    const min = m.limits?.amount?.min !== undefined ? this.decimal(m.limits.amount.min, 'limits.amount.min') : lot;
    this.info = {
      market: m.id,
      pair: m.id,
      tick,
      lot,
      minSize: parseFixed(min) > parseFixed(lot) ? min : lot,
      asset: m.quote,
    };
    let balance: any;
    try {
      balance = await this.ex.fetchBalance();
    } catch (e) {
      throw new Error(`${this.name} (${where}): fetchBalance failed: ${(e as Error).message}`, { cause: e });
    }
    this.neutral =
      this.opts.neutralBase !== undefined
        ? parseFixed(this.opts.neutralBase, 'neutral base')
        : parseFixed(this.decimal(balance.total?.[this.base] ?? 0, `balance of ${this.base}`));
    // history before the bot started is not replayed: trades and fills from the exchange's time now (its ticker's
    // timestamp: the venue's clock need not be this machine's)
    const ticker = await this.ex.fetchTicker(this.symbol);
    const now = typeof ticker.timestamp === 'number' ? ticker.timestamp : Date.now();
    this.tradesSince = now;
    this.fillsSince = now;
    for (const t of await this.ex.fetchMyTrades(this.symbol, now)) this.seenFills.add(this.fillKey(t));
    for (const t of await this.ex.fetchTrades(this.symbol, now)) this.seenTrades.add(this.tradeKey(t));
    await this.poll();
    const every = this.opts.pollMs ?? 1000;
    this.timer = setInterval(() => void this.poll(), every);
    this.timer.unref?.();
    return this.info;
  }

  /** a ccxt number as an exact decimal string */
  private decimal(v: unknown, what: string): string {
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return v;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${this.name}: ${what}: not a number (${v})`);
    return this.ex.numberToString(v) as string;
  }

  private emit(e: VenueEvent): void {
    if (!this.closed) this.onEvent(e);
  }

  private channel(name: string, ok: boolean, why = ''): void {
    if (ok && this.down.delete(name)) this.emit({ type: 'connection', channel: name, up: true, reason: 'polled' });
    if (!ok && !this.down.has(name)) {
      this.down.add(name);
      this.emit({ type: 'connection', channel: name, up: false, reason: why });
    }
  }

  private tradeKey(t: any): string {
    return String(t.id ?? `${t.timestamp}/${t.price}/${t.amount}/${t.side}`);
  }

  private fillKey(t: any): string {
    return String(t.id ?? `${t.order}/${t.timestamp}/${t.price}/${t.amount}`);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      await this.pollMarket();
      await this.pollUser();
    } finally {
      this.polling = false;
    }
  }

  private async pollMarket(): Promise<void> {
    try {
      const [book, trades, ticker] = await Promise.all([
        this.ex.fetchOrderBook(this.symbol),
        this.ex.fetchTrades(this.symbol, this.tradesSince),
        this.ex.fetchTicker(this.symbol),
      ]);
      this.channel('market', true);
      const side = (levels: any[]): BookSide =>
        levels.map((l) => ({ price: this.decimal(l[0], 'book price'), size: this.decimal(l[1], 'book size') }));
      const bids = side(book.bids);
      const asks = side(book.asks);
      const fresh = (trades as any[])
        .filter((t) => !this.seenTrades.has(this.tradeKey(t)))
        .sort((a, b) => a.timestamp - b.timestamp);
      for (const t of fresh) {
        this.seenTrades.add(this.tradeKey(t));
        if (t.timestamp > this.tradesSince) this.tradesSince = t.timestamp;
        this.emit({
          type: 'trade',
          time: t.timestamp / 1000,
          price: this.decimal(t.price, 'trade price'),
          size: this.decimal(t.amount, 'trade size'),
          ...(t.side === 'buy' || t.side === 'sell' ? { aggressor: t.side } : {}),
          auction: false,
        });
      }
      if (this.seenTrades.size > SEEN_KEPT) this.seenTrades.clear();
      const last = ticker.last !== undefined && ticker.last > 0 ? this.decimal(ticker.last, 'last price') : undefined;
      const mid =
        bids[0] && asks[0] ? formatFixed((parseFixed(bids[0].price) + parseFixed(asks[0].price)) / 2n) : undefined;
      this.reference = last ?? mid ?? this.reference;
      if (this.reference !== undefined) this.emit({ type: 'market', time: Date.now() / 1000, mark: this.reference });
      this.emit({ type: 'book', time: (book.timestamp ?? Date.now()) / 1000, bids, asks });
    } catch (e) {
      this.channel('market', false, `${this.name}: ${(e as Error).message}`);
    }
  }

  /** one user poll at a time (the timer's and account()'s), each reading afresh: orders seen open and then absent
   *  must come from polls in the order they read */
  private userChain: Promise<void> = Promise.resolve();

  private pollUser(): Promise<void> {
    const run = this.userChain.then(() => this.pollUserNow());
    this.userChain = run.catch(() => {});
    return run;
  }

  private async pollUserNow(): Promise<void> {
    try {
      const [orders, fills] = await Promise.all([
        this.ex.fetchOpenOrders(this.symbol),
        this.ex.fetchMyTrades(this.symbol, this.fillsSince),
      ]);
      this.channel('user', true);
      for (const t of (fills as any[]).sort((a, b) => a.timestamp - b.timestamp)) {
        const key = this.fillKey(t);
        if (this.seenFills.has(key)) continue;
        this.seenFills.add(key);
        if (t.timestamp > this.fillsSince) this.fillsSince = t.timestamp;
        this.emit({
          type: 'fill',
          time: t.timestamp / 1000,
          tradeId: key,
          orderId: String(t.order ?? ''),
          side: t.side,
          price: this.decimal(t.price, 'fill price'),
          size: this.decimal(t.amount, 'fill size'),
        });
        const fee = t.fee?.cost;
        if (typeof fee === 'number' && fee !== 0 && t.fee.currency === this.quote)
          this.emit({
            type: 'transfer',
            time: t.timestamp / 1000,
            kind: 'fee',
            venueType: 'trade fee',
            amount: formatFixed(-parseFixed(this.decimal(fee, 'fee'))),
          });
      }
      if (this.seenFills.size > SEEN_KEPT) this.seenFills.clear();
      const now = new Map<string, { side: 'buy' | 'sell'; price: string; remaining: string }>();
      for (const o of this.openOf(orders)) {
        now.set(o.id, o);
        const was = this.open.get(o.id);
        if (!was || was.remaining !== o.remaining) this.emit({ type: 'order', ...o, live: true, status: 'open' });
      }
      for (const [id, o] of this.open)
        if (!now.has(id)) this.emit({ type: 'order', id, ...o, remaining: '0', live: false, status: 'closed' });
      this.open = now;
    } catch (e) {
      this.channel('user', false, `${this.name}: ${(e as Error).message}`);
    }
  }

  private openOf(orders: any[]): { id: string; side: 'buy' | 'sell'; price: string; remaining: string }[] {
    return orders
      .filter((o) => o.symbol === this.symbol && (o.status === 'open' || o.status === undefined))
      .map((o) => {
        const amount = parseFixed(this.decimal(o.amount, 'order amount'));
        const filled = o.filled !== undefined ? parseFixed(this.decimal(o.filled, 'order filled')) : 0n;
        return {
          id: String(o.id),
          side: o.side as 'buy' | 'sell',
          price: this.decimal(o.price, 'order price'),
          remaining: formatFixed(amount - filled),
        };
      });
  }

  async account(): Promise<AccountSnapshot> {
    const [balance, orders, ticker] = await Promise.all([
      this.ex.fetchBalance(),
      this.ex.fetchOpenOrders(this.symbol),
      this.ex.fetchTicker(this.symbol),
    ]);
    // the fills the balance already holds are delivered before the position it gives (the bot counts fills as they
    // come and resets its position from each account read: a fill between the two reads is set right by the next)
    await this.pollUser();
    if (ticker.last !== undefined && ticker.last > 0) this.reference = this.decimal(ticker.last, 'last price');
    const base = parseFixed(this.decimal(balance.total?.[this.base] ?? 0, `balance of ${this.base}`));
    const quote = parseFixed(this.decimal(balance.total?.[this.quote] ?? 0, `balance of ${this.quote}`));
    const position = base - this.neutral;
    const ref = this.reference !== undefined ? parseFixed(this.reference) : 0n;
    // quote + position × reference, at 10^18 (the product of two 10^18 numbers scaled back, truncated toward zero)
    const equity = quote + (position * ref) / ONE;
    return {
      equity: formatFixed(equity),
      position: formatFixed(position),
      ...(this.reference !== undefined ? { mark: this.reference } : {}),
      orders: this.openOf(orders),
    };
  }

  async place(o: OrderRequest): Promise<PlaceResult> {
    try {
      const r = await this.ex.createOrder(
        this.symbol,
        'limit',
        o.side,
        Number(o.size),
        Number(o.price),
        o.postOnly ? (POST_ONLY[this.id] ?? { postOnly: true }) : {},
      );
      return { id: String(r.id) };
    } catch (e) {
      // the exchange refused it (ccxt's ExchangeError family); a network failure is thrown
      if (e instanceof (ccxt as any).NetworkError) throw e;
      if (e instanceof (ccxt as any).ExchangeError) return { error: (e as Error).message };
      throw e;
    }
  }

  async cancel(id: string): Promise<void> {
    try {
      await this.ex.cancelOrder(id, this.symbol);
    } catch (e) {
      // an order that has just traded away or was cancelled is gone either way
      if (e instanceof (ccxt as any).NetworkError || !(e instanceof (ccxt as any).ExchangeError)) throw e;
    }
  }

  async cancelAll(): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const open = this.openOf(await this.ex.fetchOpenOrders(this.symbol));
      if (open.length === 0) return;
      for (const o of open) await this.cancel(o.id);
    }
    const left = this.openOf(await this.ex.fetchOpenOrders(this.symbol));
    if (left.length) throw new Error(`${this.name}: ${left.length} orders still open after cancelling all`);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    while (this.polling) await new Promise((r) => setTimeout(r, 10));
    await this.ex.close?.();
  }
}
