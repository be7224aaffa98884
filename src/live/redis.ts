// The venue's Redis publisher, in the seed bot's channel names (`<PAIR>` = market code without separators):
// - `LOB::<PAIR>`: the book after it changed, coalesced to at most one message every `lobMs`, with the top levels,
//   the seed's book statistics and the Avellaneda–Stoikov estimates from the project's own estimators
//   (src/strategies/estimators.ts: σ from the fair price over time, A and κ from the arrivals' distances to the mid:
//   one arrival per aggressive order, auction uncrossing trades skipped, as the simulator's maker counts them);
// - `TRADES::<PAIR>`: every public trade with its aggressor side and order id and its distance from the mid before it;
// - `ORDER_UPDATES`: every order status change, fill and balance change, tagged with the party.
// Each message is also appended (XADD … MAXLEN ~ N) to a capped stream of the same name, so a consumer that
// reconnects resumes with XREAD from its last id. Messages are JSON; see the README for the fields.
import { Redis } from 'ioredis';
import { vamp, type BookSnapshot } from '../strategies/fair-price.ts';
import { IntensityEstimator, VolatilityEstimator } from '../strategies/estimators.ts';
import { SECONDS_PER_YEAR } from '../sim/price-process.ts';
import type { CommandOutcome, VenueCommand } from './commands.ts';
import type { EngineEvent } from './engine.ts';
import type { MarketInfo } from './genesis.ts';
import { formatScaled } from './units.ts';
import type { Venue, VenueListener } from './venue.ts';
import { wireFills, wireOrder } from './wire.ts';

export interface RedisOptions {
  readonly url: string;
  readonly lobMs: number;
  /** levels per side in LOB messages */
  readonly levels: number;
  /** approximate cap of each stream */
  readonly streamMaxLen: number;
}

export const ORDER_UPDATES = 'ORDER_UPDATES';
export const lobChannel = (pair: string) => `LOB::${pair}`;
export const tradesChannel = (pair: string) => `TRADES::${pair}`;

/** σ prior: 80% a year at the first mid seen; A and κ priors as the scenarios' market makers default them. */
const SIGMA_PRIOR_ANNUAL = 0.8;
const VOL_PRIOR_WEIGHT_SECONDS = 600;

interface MarketState {
  readonly info: MarketInfo;
  volatility: VolatilityEstimator | undefined;
  readonly intensity: IntensityEstimator;
  /** best bid + best ask (market precision) after the last command: twice the "mid before" of the next trade */
  midSum: number | undefined;
}

export class RedisPublisher implements VenueListener {
  readonly redis: Redis;
  private readonly state = new Map<string, MarketState>();
  private readonly dirty = new Set<string>();
  private queue: [string, string][] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | undefined;
  /** messages published, by channel prefix */
  readonly published = { lob: 0, trades: 0, orderUpdates: 0 };
  /** the last error talking to Redis (the venue goes on without it) */
  lastError: string | undefined;

  constructor(
    private readonly venue: Venue,
    private readonly opts: RedisOptions,
  ) {
    this.redis = new Redis(opts.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.redis.on('error', (e: Error) => {
      this.lastError = e.message;
    });
    for (const info of venue.markets) {
      this.state.set(info.id, {
        info,
        volatility: undefined,
        intensity: new IntensityEstimator({
          priorA: 0.2,
          priorKappa: 50,
          priorWeight: 50,
          bucket: info.tickSize / 10 ** info.units.priceDecimals,
          buckets: 30,
          halfLifeSeconds: 3600,
        }),
        midSum: undefined,
      });
      this.dirty.add(info.id);
    }
  }

  async connect(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (e) {
      throw new Error(`--redis ${this.opts.url}: cannot connect: ${(e as Error).message}`, { cause: e });
    }
    this.timer = setInterval(() => this.publishBooks(), this.opts.lobMs);
    this.timer.unref();
  }

  private push(channel: string, msg: unknown): void {
    this.queue.push([channel, JSON.stringify(msg)]);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushing = false;
    if (this.queue.length === 0) return;
    const q = this.queue;
    this.queue = [];
    // events announce commands: the journal holds them first
    this.venue.commit();
    const p = this.redis.pipeline();
    for (const [ch, payload] of q) {
      p.publish(ch, payload);
      p.xadd(ch, 'MAXLEN', '~', this.opts.streamMaxLen, '*', 'data', payload);
    }
    p.exec().catch((e: unknown) => {
      this.lastError = (e as Error).message;
    });
  }

  private seconds(): number {
    return this.venue.seconds();
  }

  onEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'order': {
        const o = e.order;
        this.dirty.add(o.marketId);
        const u = this.venue.market(o.marketId)?.units;
        if (!u || o.party === 'network') break;
        this.published.orderUpdates++;
        this.push(ORDER_UPDATES, { type: 'order', party: o.party, ts: nsToMs(o.updatedAt), order: wireOrder(o, u) });
        break;
      }
      case 'trade': {
        const t = e.trade;
        this.dirty.add(t.marketId);
        const s = this.state.get(t.marketId);
        if (!s) break;
        const u = s.info.units;
        const price = Number(u.fmtPrice(t.marketPrice));
        const size = Number(u.fmtSize(t.size));
        // exact in half ticks: distance = price − (bid + ask) / 2
        const mid = s.midSum !== undefined ? half(BigInt(s.midSum), u.priceDecimals) : undefined;
        const distance = s.midSum !== undefined ? half(2n * t.marketPrice - BigInt(s.midSum), u.priceDecimals) : null;
        if (t.type === 'DEFAULT') {
          // the aggressive order's id: its trades (one command sweeping several resting orders) are one arrival
          const aggressorOrder = t.aggressor === 'buy' ? t.buyOrder : t.aggressor === 'sell' ? t.sellOrder : null;
          // arrivals, as the simulator's maker counts them: one per aggressive order, at the deepest distance its
          // trades reached from the mid before it; auction uncrossing trades (no aggressor) are not arrivals
          if (distance !== null && aggressorOrder !== null)
            s.intensity.observe(this.seconds(), Math.abs(distance), 1, aggressorOrder);
          this.published.trades++;
          this.push(tradesChannel(s.info.pair), {
            ts: nsToMs(t.timestamp),
            id: t.id,
            price,
            size,
            side: t.aggressor ?? 'auction',
            aggressor_order: aggressorOrder,
            mid_before: mid ?? null,
            distance_from_mid: distance,
          });
        }
        for (const p of t.buyer === t.seller ? [t.buyer] : [t.buyer, t.seller]) {
          if (p === 'network') continue;
          for (const f of wireFills(t, p, u)) {
            this.published.orderUpdates++;
            this.push(ORDER_UPDATES, { type: 'fill', party: p, ts: nsToMs(t.timestamp), fill: f });
          }
        }
        break;
      }
      case 'ledger': {
        const en = e.entry;
        const d = this.venue.ex.asset(en.from.asset)?.decimals ?? 0;
        for (const [acc, bal] of [
          [en.from, en.fromBalance],
          [en.to, en.toBalance],
        ] as const) {
          if (acc.owner === '*' || acc.owner === 'network' || acc.type === 'EXTERNAL') continue;
          this.published.orderUpdates++;
          this.push(ORDER_UPDATES, {
            type: 'balance',
            party: acc.owner,
            ts: nsToMs(this.venue.now()),
            account: { type: acc.type, asset: acc.asset, market: acc.market },
            balance: formatScaled(bal, d),
            transfer: { type: en.type, amount: formatScaled(en.amount, d), direction: acc === en.from ? 'out' : 'in' },
          });
          if (en.from === en.to) break;
        }
        break;
      }
      default:
        break;
    }
  }

  onCommand(_c: VenueCommand, _o: CommandOutcome): void {
    for (const id of this.dirty) {
      const s = this.state.get(id);
      if (s) s.midSum = midSumOf(s.info);
    }
  }

  onBlock(): void {
    for (const s of this.state.values()) s.midSum = midSumOf(s.info);
  }

  /** The LOB message of one market now. */
  lobMessage(info: MarketInfo): Record<string, unknown> {
    const s = this.state.get(info.id)!;
    const u = info.units;
    const levels = (side: 'buy' | 'sell') => {
      const lv = info.market.depthLevels(side);
      const out: [number, number][] = [];
      for (let i = lv.length - 1; i >= 0 && out.length < this.opts.levels; i--) {
        const l = lv[i]!;
        if (l.volume > 0) out.push([Number(u.fmtPrice(l.price)), Number(u.fmtSize(l.volume))]);
      }
      return out;
    };
    const bids = levels('buy');
    const asks = levels('sell');
    const book: BookSnapshot = {
      bids: bids.map(([price, size]) => ({ price, size })),
      asks: asks.map(([price, size]) => ({ price, size })),
    };
    const bb = bids[0];
    const ba = asks[0];
    const sum = midSumOf(info);
    const mid = bb && ba && sum !== undefined ? half(BigInt(sum), u.priceDecimals) : null;
    const v = vamp(book, this.opts.levels) ?? null;
    const bidVol = bids.reduce((a, l) => a + l[1], 0);
    const askVol = asks.reduce((a, l) => a + l[1], 0);
    const t = this.seconds();
    const fair = v ?? mid;
    if (fair !== null) {
      s.volatility ??= new VolatilityEstimator({
        prior: (SIGMA_PRIOR_ANNUAL * fair) / Math.sqrt(SECONDS_PER_YEAR),
        priorWeightSeconds: VOL_PRIOR_WEIGHT_SECONDS,
        halfLifeSeconds: 3600,
      });
      s.volatility.observe(t, fair);
    }
    s.intensity.advance(t);
    const vol = s.volatility?.state();
    const fit = s.intensity.estimate();
    return {
      ts: nsToMs(this.venue.now()),
      pair: info.pair,
      market: info.id,
      trading_mode: info.market.tradingMode,
      mid_price: mid,
      spread: bb && ba ? Number(u.fmtPrice(info.market.bestAsk()! - info.market.bestBid()!)) : null,
      best_bid: bb ? bb[0] : null,
      best_ask: ba ? ba[0] : null,
      best_bid_size: bb ? bb[1] : null,
      best_ask_size: ba ? ba[1] : null,
      vamp: v,
      order_imbalance: bidVol + askVol > 0 ? (bidVol - askVol) / (bidVol + askVol) : null,
      bids,
      asks,
      volatility: vol ? vol.sigma : null,
      alpha: fit.A,
      kappa: fit.kappa,
      intensity_fit: fit.fit,
      intensity_arrivals: fit.arrivals,
      buffer_ready: vol !== undefined && vol.dataSeconds >= vol.priorWeightSeconds,
    };
  }

  private publishBooks(): void {
    if (this.dirty.size === 0) return;
    for (const id of this.dirty) {
      const s = this.state.get(id);
      if (!s) continue;
      this.published.lob++;
      this.push(lobChannel(s.info.pair), this.lobMessage(s.info));
    }
    this.dirty.clear();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.flush();
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}

/** best bid + best ask in market precision (undefined for a one-sided or empty book) */
function midSumOf(info: MarketInfo): number | undefined {
  const b = info.market.bestBid();
  const a = info.market.bestAsk();
  if (b === undefined || a === undefined) return undefined;
  return b + a;
}

/** x / 2 in quote units for x in market precision, exactly (one more decimal place), as a JSON number */
function half(x: bigint, decimals: number): number {
  return Number(formatScaled(x * 5n, decimals + 1));
}

function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n);
}
