// The live market maker: the simulator's Avellaneda–Stoikov maker (src/strategies, built from the same parameters
// by makerConfig) behind a venue adapter. It feeds the strategy what the simulator's agent feeds it — the book
// without its own orders, public trades with the mid before each (the aggressive order as the arrival, auctions
// marked), its fills — and carries out the strategy's plan (cancels, then post-only orders) on the venue, one
// action at a time. Every `loop_s` (and on book updates, at most that often) the risk manager rules first: the
// position limit it gives the maker (reduce-only beyond it), or the kill switch, which cancels everything and keeps
// retrying the cancel-all until the venue confirms it. Every `update_balance_interval_s` the account is read back
// from the venue (equity, position, open orders) and reconciled; every `pnl_every_s` the P&L split goes to the CSV.
import {
  AvellanedaStoikovMaker,
  makerConfig,
  midPrice,
  type BookLevel,
  type BookSnapshot,
  type MakerPlan,
  type QuoteDecision,
  type QuoteSide,
  type RestingQuote,
} from '../../strategies/index.ts';
import type { BookSide, MarketInfo, VenueAdapter, VenueEvent } from './adapter.ts';
import { makerParams, type BotConfig } from './config.ts';
import { formatFixed, parseFixed, stepsOf, times, toNumber } from './fixed.ts';
import { PnlCsv, PnlTracker, type PnlRow } from './pnl.ts';
import { RiskManager, type RiskDecision } from './risk.ts';

export interface BotOptions {
  readonly config: BotConfig;
  readonly adapter: VenueAdapter;
  /** seconds since the epoch (default: the wall clock) */
  readonly now?: () => number;
  /** the P&L CSV file (none: not written) */
  readonly pnlCsv?: string;
  readonly log?: (line: string) => void;
}

export interface BotStatus {
  readonly state: 'starting' | 'quoting' | 'killed' | 'stopped';
  readonly kill?: string;
  readonly position: number;
  readonly maxPosition: number;
  readonly orders: { readonly bid?: RestingOrder; readonly ask?: RestingOrder };
  readonly placed: number;
  readonly rejected: number;
  readonly cancels: Record<string, number>;
  readonly fills: number;
  readonly killSwitchTrips: number;
  readonly lastError?: string;
}

type RestingOrder = RestingQuote & { readonly id: string };

/** The bot's state for the dashboard (prices in quote units, sizes in the market's units, P&L in the asset). */
export interface BotSnapshot {
  readonly time: number;
  readonly market: string | null;
  readonly pair: string | null;
  readonly state: BotStatus['state'];
  readonly kill: string | null;
  readonly position: number;
  readonly maxPosition: number;
  readonly mark: number | null;
  readonly fair: number | null;
  readonly reservation: number | null;
  /** the quotes the model wants now */
  readonly quotes: { readonly bid: number | null; readonly ask: number | null };
  /** the bot's resting orders */
  readonly orders: {
    readonly bid: { readonly price: number; readonly lots: number } | null;
    readonly ask: { readonly price: number; readonly lots: number } | null;
  };
  readonly fills: number;
  readonly placed: number;
  readonly pnl: {
    readonly spread: number;
    readonly inventory: number;
    readonly funding: number;
    readonly fees: number;
    readonly other: number;
    readonly total: number;
    readonly exact: Readonly<Record<string, string>>;
  } | null;
}

const SIDE: Record<QuoteSide, 'buy' | 'sell'> = { bid: 'buy', ask: 'sell' };

export class MarketMakerBot {
  readonly cfg: BotConfig;
  private readonly adapter: VenueAdapter;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly risk: RiskManager;
  readonly pnl = new PnlTracker();
  private csv: PnlCsv | undefined;
  private info: MarketInfo | undefined;
  private tick = 0;
  private maker: AvellanedaStoikovMaker | undefined;
  private lastDecision: QuoteDecision | undefined;
  private readonly resting: { bid?: RestingOrder; ask?: RestingOrder } = {};
  /** ids the venue has reported gone (a place() answer may arrive after its order's last update) */
  private readonly gone = new Set<string>();
  /** fills already counted (trade id and side), so a repeated message is not counted twice */
  private readonly seenFills = new Set<string>();
  private readonly down = new Map<string, string>();
  private book: { bids: BookSide; asks: BookSide } | undefined;
  private lastBookAt: number | undefined;
  private mark: string | undefined;
  private fundingRate: number | undefined;
  private equity: string | undefined;
  /** signed position, 10^18 */
  private position = 0n;
  private state: BotStatus['state'] = 'starting';
  private killReason: string | undefined;
  private mustCancelAll = true;
  private busy = false;
  private lastStep = -Infinity;
  private lastMaxPosition = 0;
  private placed = 0;
  private rejected = 0;
  private trips = 0;
  private lastError: string | undefined;
  private readonly cancels: Record<string, number> = {};
  private timers: NodeJS.Timeout[] = [];
  private running = false;

  constructor(opts: BotOptions) {
    this.cfg = opts.config;
    this.adapter = opts.adapter;
    this.now = opts.now ?? (() => Date.now() / 1000);
    this.log = opts.log ?? (() => {});
    this.risk = new RiskManager({
      maxPosition: this.cfg.max_position,
      maxNotional: this.cfg.max_notional,
      maxLoss: this.cfg.max_loss,
      staleBookSeconds: this.cfg.stale_book_s,
    });
    if (opts.pnlCsv) this.csv = new PnlCsv(opts.pnlCsv);
  }

  /** Connects, reads the account, cancels any order left from before, and starts quoting. */
  async start(): Promise<MarketInfo> {
    const info = await this.adapter.connect((e) => this.onEvent(e));
    this.info = info;
    this.tick = toNumber(parseFixed(info.tick, 'tick'));
    const acct = await this.adapter.account();
    this.equity = acct.equity;
    this.position = parseFixed(acct.position, 'position');
    if (acct.mark !== undefined && parseFixed(acct.mark) > 0n) this.mark = acct.mark;
    const startMark = this.mark ?? this.midString() ?? '0';
    this.pnl.start(acct.equity, acct.position, startMark);
    await this.adapter.cancelAll();
    this.mustCancelAll = false;
    this.running = true;
    this.log(`mm: ${this.adapter.name} ${info.pair}: tick ${info.tick}, lot ${info.lot}, min size ${info.minSize}`);
    this.timers.push(setInterval(() => void this.step(), this.cfg.loop_s * 1000));
    this.timers.push(setInterval(() => void this.refreshAccount(), this.cfg.update_balance_interval_s * 1000));
    this.timers.push(setInterval(() => this.writePnl(), this.cfg.pnl_every_s * 1000));
    for (const t of this.timers) t.unref?.();
    return info;
  }

  /**
   * Stops quoting, cancels every order (best effort), lets the user stream deliver what is still in flight for
   * `settleMs`, writes the last P&L row and disconnects.
   */
  async stop(settleMs = 500): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    try {
      await this.adapter.cancelAll();
      delete this.resting.bid;
      delete this.resting.ask;
    } catch (e) {
      this.log(`mm: cancel-all on stop failed: ${(e as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, settleMs));
    try {
      await this.refreshAccount();
    } catch {
      // the venue may be gone; the last known equity is used
    }
    this.state = 'stopped';
    this.writePnl();
    await this.csv?.close();
    await this.adapter.close();
  }

  status(): BotStatus {
    return {
      state: this.state,
      ...(this.killReason ? { kill: this.killReason } : {}),
      position: toNumber(this.position),
      maxPosition: this.lastMaxPosition,
      orders: { ...this.resting },
      placed: this.placed,
      rejected: this.rejected,
      cancels: { ...this.cancels },
      fills: this.pnl.fills,
      killSwitchTrips: this.trips,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** The P&L split now (against the mark, else the mid), with the venue's last equity. */
  pnlSplit(): ReturnType<PnlTracker['split']> | undefined {
    const m = this.mark ?? this.midString();
    return m === undefined ? undefined : this.pnl.split(m, this.equity);
  }

  /** Reads the account from the venue and reconciles it: equity, position, the orders still open. */
  async refreshAccount(): Promise<void> {
    if (!this.info) return;
    let acct;
    try {
      acct = await this.adapter.account();
    } catch (e) {
      this.channelDown('commands', (e as Error).message);
      return;
    }
    this.channelUp('commands');
    this.equity = acct.equity;
    this.position = parseFixed(acct.position, 'position');
    if (acct.mark !== undefined && parseFixed(acct.mark) > 0n) this.mark = acct.mark;
    const open = new Set(acct.orders.map((o) => o.id));
    for (const side of ['bid', 'ask'] as const) {
      const r = this.resting[side];
      if (r && !open.has(r.id)) delete this.resting[side];
    }
    // orders the bot does not know (a place whose answer was lost) are cancelled; not while an action is under way,
    // whose new order may be open on the venue before the bot has its id
    if (this.busy || !this.running) return;
    for (const o of acct.orders) {
      if (o.id === this.resting.bid?.id || o.id === this.resting.ask?.id || this.busy) continue;
      this.log(`mm: cancelling order ${o.id} the bot does not know`);
      try {
        await this.adapter.cancel(o.id);
      } catch (e) {
        this.channelDown('commands', (e as Error).message);
        return;
      }
    }
  }

  private onEvent(e: VenueEvent): void {
    const now = this.now();
    switch (e.type) {
      case 'book':
        this.book = { bids: e.bids, asks: e.asks };
        this.lastBookAt = now;
        this.maker?.observeBook(now, this.publicBook());
        if (now - this.lastStep >= this.cfg.loop_s) void this.step();
        break;
      case 'trade': {
        const mid = this.book ? midPrice(this.toBook(this.book.bids, this.book.asks)) : undefined;
        this.maker?.observeTrade(now, Number(e.price), mid, {
          ...(e.arrival !== undefined ? { arrival: e.arrival } : {}),
          auction: e.auction,
        });
        break;
      }
      case 'market':
        if (e.mark !== undefined && parseFixed(e.mark) > 0n) this.mark = e.mark;
        if (e.fundingRate !== undefined) this.fundingRate = Number(e.fundingRate);
        break;
      case 'order': {
        const side: QuoteSide = e.side === 'buy' ? 'bid' : 'ask';
        const r = this.resting[side];
        if (!e.live) {
          this.gone.add(e.id);
          if (this.gone.size > 10_000) this.gone.clear();
          if (r?.id === e.id) delete this.resting[side];
        } else if (r?.id === e.id && this.info)
          this.resting[side] = { ...r, lots: stepsOf(e.remaining, this.info.lot) };
        break;
      }
      case 'fill': {
        const key = `${e.tradeId}/${e.side}`;
        if (this.seenFills.has(key)) break;
        this.seenFills.add(key);
        if (this.seenFills.size > 100_000) this.seenFills.clear();
        const mid = this.midFixed();
        this.pnl.onFill(e.side, e.price, e.size, mid);
        this.position += (e.side === 'buy' ? 1n : -1n) * parseFixed(e.size, 'fill size');
        this.maker?.observeFill(now);
        break;
      }
      case 'transfer':
        this.pnl.onTransfer(e.kind, e.amount);
        break;
      case 'connection':
        if (e.up) this.channelUp(e.channel);
        else this.channelDown(e.channel, e.reason);
        void this.step();
        break;
    }
  }

  private channelDown(channel: string, reason: string): void {
    if (!this.down.has(channel)) this.log(`mm: ${channel} down: ${reason}`);
    this.down.set(channel, reason);
  }

  private channelUp(channel: string): void {
    if (this.down.delete(channel)) this.log(`mm: ${channel} up`);
  }

  /** The book without the bot's own orders (what the strategy quotes against). */
  private publicBook(): BookSnapshot {
    if (!this.book) return { bids: [], asks: [] };
    return this.toBook(this.book.bids, this.book.asks, true);
  }

  private toBook(bids: BookSide, asks: BookSide, withoutOwn = false): BookSnapshot {
    const info = this.info;
    const side = (levels: BookSide, own: RestingOrder | undefined): BookLevel[] => {
      const out: BookLevel[] = [];
      for (const l of levels) {
        // the bot's own order is taken out of its level exactly (decimal strings at 10^18, whole ticks and lots)
        if (withoutOwn && own && info && stepsOf(l.price, info.tick) === own.ticks) {
          const rest = parseFixed(l.size) - BigInt(own.lots) * parseFixed(info.lot);
          if (rest > 0n) out.push({ price: Number(l.price), size: toNumber(rest) });
        } else if (parseFixed(l.size) > 0n) out.push({ price: Number(l.price), size: Number(l.size) });
      }
      return out;
    };
    return { bids: side(bids, this.resting.bid), asks: side(asks, this.resting.ask) };
  }

  private midFixed(): bigint | undefined {
    const b = this.book?.bids[0];
    const a = this.book?.asks[0];
    if (!b || !a) return undefined;
    return (parseFixed(b.price) + parseFixed(a.price)) / 2n;
  }

  /** the mid as an exact decimal string (half of best bid + best ask at 10^18: exact for prices of < 18 decimals) */
  private midString(): string | undefined {
    const m = this.midFixed();
    return m === undefined ? undefined : formatFixed(m);
  }

  private riskNow(now: number): RiskDecision {
    const price = this.mark !== undefined ? Number(this.mark) : this.book ? midPrice(this.publicBook()) : undefined;
    const split = this.pnlSplit();
    // the loss limit is checked on the P&L the bot can see at once (trades at the mark, funding, fees)
    const pnl = split ? split.spread + split.inventory + split.funding + split.fees : 0;
    return this.risk.check({
      time: now,
      lastBook: this.lastBookAt,
      down: this.down,
      position: toNumber(this.position),
      price,
      pnl,
    });
  }

  /** One look at the market: the risk manager, then the strategy's plan, carried out on the venue. */
  async step(): Promise<void> {
    if (!this.running || this.busy || !this.info) return;
    this.busy = true;
    const now = this.now();
    this.lastStep = now;
    try {
      const risk = this.riskNow(now);
      this.lastMaxPosition = risk.maxPosition;
      // before the first book there is nothing to quote and nothing to cancel (start() cancelled every order)
      if (risk.kill?.reason === 'stale-book' && this.state === 'starting' && this.lastBookAt === undefined) return;
      if (risk.kill) {
        const why = `${risk.kill.reason}: ${risk.kill.detail}`;
        if (this.state !== 'killed') {
          this.trips++;
          this.mustCancelAll = true;
          this.log(`mm: kill switch (${why}): cancelling every order`);
        }
        this.state = 'killed';
        this.killReason = why;
      }
      // a cancel-all the kill switch asked for is done before anything else, even if the cause has cleared since
      if (this.mustCancelAll) {
        await this.adapter.cancelAll();
        this.mustCancelAll = false;
        delete this.resting.bid;
        delete this.resting.ask;
        this.channelUp('commands');
        this.log('mm: every order cancelled');
      }
      if (risk.kill) return;
      if (this.state === 'killed') this.log(`mm: quoting again (was ${this.killReason})`);
      this.state = 'quoting';
      this.killReason = undefined;
      await this.carryOut(this.plan(now, risk));
    } catch (e) {
      this.lastError = (e as Error).message;
      this.channelDown('commands', this.lastError);
    } finally {
      this.busy = false;
    }
  }

  private plan(now: number, risk: RiskDecision): MakerPlan {
    const info = this.info!;
    const book = this.publicBook();
    if (!this.maker) {
      const start = this.mark !== undefined ? Number(this.mark) : (midPrice(book) ?? Number(book.bids[0]?.price));
      this.maker = new AvellanedaStoikovMaker(makerConfig(makerParams(this.cfg), start, this.tick));
      this.maker.observeBook(now, book);
    }
    const reference = this.mark !== undefined ? Number(this.mark) : undefined;
    const plan = this.maker.plan(
      {
        time: now,
        book,
        ...(reference !== undefined ? { reference } : {}),
        inventory: toNumber(this.position),
        maxPosition: risk.maxPosition,
        ...(this.fundingRate !== undefined && info.fundingPeriodSeconds !== undefined
          ? { funding: { rate: this.fundingRate, periodSeconds: info.fundingPeriodSeconds } }
          : {}),
        rules: {
          tick: this.tick,
          lot: toNumber(parseFixed(info.lot)),
          minSize: toNumber(parseFixed(info.minSize)),
        },
      },
      this.resting,
    );
    this.lastDecision = plan.decision;
    return plan;
  }

  /** What the dashboard shows: the quotes against fair, inventory and the P&L split, as plain JSON. */
  snapshot(): BotSnapshot {
    const s = this.status();
    const d = this.lastDecision;
    const split = this.pnlSplit();
    return {
      time: this.now(),
      market: this.info?.market ?? null,
      pair: this.info?.pair ?? null,
      state: s.state,
      kill: s.kill ?? null,
      position: s.position,
      maxPosition: s.maxPosition,
      mark: this.mark !== undefined ? Number(this.mark) : null,
      fair: d?.fair ?? null,
      reservation: d?.raw?.reservation ?? null,
      quotes: { bid: d?.bid?.price ?? null, ask: d?.ask?.price ?? null },
      orders: {
        bid: s.orders.bid ? { price: this.priceOf(s.orders.bid.ticks), lots: s.orders.bid.lots } : null,
        ask: s.orders.ask ? { price: this.priceOf(s.orders.ask.ticks), lots: s.orders.ask.lots } : null,
      },
      fills: s.fills,
      placed: s.placed,
      pnl: split
        ? {
            spread: split.spread,
            inventory: split.inventory,
            funding: split.funding,
            fees: split.fees,
            other: split.other,
            total: split.total,
            exact: split.exact,
          }
        : null,
    };
  }

  /** `ticks` whole ticks as the number the exact decimal price stands for (7 × 0.1 → 0.7, not 0.7000000000000001) */
  private priceOf(ticks: number): number {
    return Number(times(ticks, this.info!.tick));
  }

  private async carryOut(plan: MakerPlan): Promise<void> {
    const info = this.info!;
    for (const side of plan.cancel) {
      const r = this.resting[side];
      const why = plan.reasons[side] ?? 'unquoted';
      this.cancels[why] = (this.cancels[why] ?? 0) + 1;
      if (!r) continue;
      await this.adapter.cancel(r.id);
      delete this.resting[side];
    }
    for (const { side, leg } of plan.place) {
      const res = await this.adapter.place({
        side: SIDE[side],
        price: times(leg.ticks, info.tick),
        size: times(leg.lots, info.lot),
        postOnly: true,
      });
      this.placed++;
      if ('error' in res) {
        this.rejected++;
        this.lastError = res.error;
        this.log(`mm: ${side} ${leg.lots} lots at ${leg.ticks} ticks refused: ${res.error}`);
        continue;
      }
      if (!this.gone.has(res.id))
        this.resting[side] = { id: res.id, ticks: leg.ticks, lots: leg.lots, placedAt: this.now() };
    }
  }

  private writePnl(): void {
    const m = this.mark ?? this.midString();
    if (!this.csv || m === undefined) return;
    const split = this.pnl.split(m, this.equity);
    const row: PnlRow = {
      time: this.now(),
      position: formatFixed(this.position),
      mark: m,
      equity: this.equity ?? '',
      split: split.exact,
      state: this.state === 'killed' ? `killed (${this.killReason})` : this.state,
    };
    this.csv.write(row);
  }
}
