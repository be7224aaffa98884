// Time series of a run, sampled every `sampleSeconds`: one table per market (prices with the interval's OHLC of
// public trades, price-monitoring bounds, funding estimate and TWAPs, open interest, spread and depth, margins,
// stakes, activity) and one table per agent (position, equity, P&L, account balances, margin levels, cumulative
// income by kind, live orders, a market maker's quotes and fair price, and on spot the base asset held), plus what a dashboard shows at the end: the
// final order book, the last public trades and every funding period. Columns are plain number arrays (NaN where a
// value does not exist, e.g. the mid of a one-sided book), written as CSV and Parquet (output.ts). The per-block
// cost is one comparison per public trade (the OHLC); everything else is read at sample times only.
import { type Market, type TransferType } from '../core/index.ts';
import { MarketMakerAgent } from './agents/market-maker.ts';
import type { EventBus, MarketFeed, PartyState, PublicTrade } from './client.ts';
import { fairPrice } from '../strategies/fair-price.ts';

export const MARKET_COLUMNS = [
  'time',
  'index',
  'oracle',
  'mark',
  'mid',
  'best_bid',
  'best_ask',
  'spread_bps',
  'depth_bid_1pct',
  'depth_ask_1pct',
  'open_interest',
  'funding_rate',
  'target_stake',
  'supplied_stake',
  'insurance_pool',
  'margin_maintenance',
  'margin_held',
  'continuous',
  'trades',
  'volume',
  'last_trade',
  'open',
  'high',
  'low',
  'close',
  'bound_min',
  'bound_max',
  'twap_mark',
  'twap_index',
] as const;

export type MarketColumn = (typeof MARKET_COLUMNS)[number];

export const AGENT_COLUMNS = [
  'time',
  'position',
  'equity',
  'pnl',
  'epoch',
  'general',
  'margin',
  'order_margin',
  'bond',
  'maintenance',
  'initial',
  'funding',
  'fees',
  'lp_fees',
  'penalties',
  'closed_out',
  'orders',
  'bid',
  'ask',
  'fair',
  /** spot markets: the base asset held (general and holding accounts), base units; NaN elsewhere */
  'base',
] as const;

export type AgentColumn = (typeof AGENT_COLUMNS)[number];

export const FEE_TYPES: TransferType[] = [
  'MAKER_FEE_RECEIVE',
  'MAKER_FEE_PAY',
  'INFRASTRUCTURE_FEE_PAY',
  'LIQUIDITY_FEE_PAY',
  'TREASURY_FEE_PAY',
  'BUY_BACK_FEE_PAY',
];
export const FUNDING_TYPES: TransferType[] = ['PERPETUALS_FUNDING_WIN', 'PERPETUALS_FUNDING_LOSS'];
/** liquidity fees reaching an LP: allocations to its fee account, distributions, the SLA performance bonus */
export const LP_FEE_TYPES: TransferType[] = [
  'LIQUIDITY_FEE_ALLOCATE',
  'LIQUIDITY_FEE_DISTRIBUTE',
  'LIQUIDITY_FEE_NET_DISTRIBUTE',
  'SLA_PERFORMANCE_BONUS_DISTRIBUTE',
];
/** what an LP loses for its SLA: fees withheld (to the bonus pool or the insurance pool), bond penalties, slashing */
export const PENALTY_TYPES: TransferType[] = [
  'LIQUIDITY_FEE_UNPAID_COLLECT',
  'SLA_PENALTY_LP_FEE_APPLY',
  'SLA_PENALTY_BOND_APPLY',
  'BOND_SLASHING',
];

export class Table<C extends string> {
  readonly data: Record<C, number[]>;

  constructor(readonly columns: readonly C[]) {
    this.data = Object.fromEntries(columns.map((c) => [c, [] as number[]])) as unknown as Record<C, number[]>;
  }

  add(row: Record<C, number>): void {
    for (const c of this.columns) this.data[c].push(row[c]);
  }

  get length(): number {
    return this.data[this.columns[0]!].length;
  }
}

/** One public trade as the dashboard's tape shows it (quote units, contracts, seconds since the start). */
export interface TapeTrade {
  readonly time: number;
  readonly price: number;
  readonly size: number;
  readonly aggressor: string;
}

export interface FundingPeriodRow {
  readonly seq: number;
  /** seconds since the start */
  readonly end: number;
  readonly rate: number;
  /** quote units per contract */
  readonly payment: number;
}

/** The order book at the end of the run: [price, size] levels, best first. */
export interface BookLevels {
  readonly bids: readonly (readonly [number, number])[];
  readonly asks: readonly (readonly [number, number])[];
}

/** What the sampler reads of a market (the runner's market setup). */
export interface SampledMarket {
  readonly market: Market;
  readonly feed: MarketFeed;
  /** the underlying's price now */
  readonly truth: number;
}

/** What the sampler reads of an agent (the runner's slot). */
export interface SampledSlot {
  readonly agent: { readonly kind: string };
  readonly setup: SampledMarket;
  readonly me: PartyState;
}

/** Open, high, low and close of the public trades since the last sample. */
class Ohlc {
  open = Number.NaN;
  high = Number.NaN;
  low = Number.NaN;
  close = Number.NaN;

  add(p: number): void {
    if (Number.isNaN(this.open)) {
      this.open = this.high = this.low = p;
    } else {
      if (p > this.high) this.high = p;
      if (p < this.low) this.low = p;
    }
    this.close = p;
  }

  reset(): void {
    this.open = this.high = this.low = this.close = Number.NaN;
  }
}

export const TAPE_LENGTH = 200;
export const BOOK_LEVELS = 50;

export class Recorder {
  readonly markets = new Map<string, Table<MarketColumn>>();
  /** per party */
  readonly agents = new Map<string, Table<AgentColumn>>();
  /** validators.epoch.length in seconds (the agents' `epoch` column counts epochs from the start) */
  epochSeconds = 86_400;
  /** the last public trades per market (a ring of TAPE_LENGTH) */
  private readonly tapes = new Map<string, { trades: TapeTrade[]; next: number }>();
  private readonly ohlc = new Map<string, Ohlc>();
  /** set by `finish`: the final book per market, and every funding period per market */
  readonly books = new Map<string, BookLevels>();
  readonly funding = new Map<string, FundingPeriodRow[]>();

  market(id: string): Table<MarketColumn> {
    let t = this.markets.get(id);
    if (!t) this.markets.set(id, (t = new Table(MARKET_COLUMNS)));
    return t;
  }

  agent(party: string): Table<AgentColumn> {
    let t = this.agents.get(party);
    if (!t) this.agents.set(party, (t = new Table(AGENT_COLUMNS)));
    return t;
  }

  /** A public trade (listened to on the event bus). */
  onTrade(marketId: string, t: PublicTrade): void {
    let o = this.ohlc.get(marketId);
    if (!o) this.ohlc.set(marketId, (o = new Ohlc()));
    o.add(t.price);
    let tape = this.tapes.get(marketId);
    if (!tape) this.tapes.set(marketId, (tape = { trades: [], next: 0 }));
    const row: TapeTrade = { time: t.time, price: t.price, size: t.size, aggressor: t.aggressor ?? '' };
    if (tape.trades.length < TAPE_LENGTH) tape.trades.push(row);
    else tape.trades[tape.next] = row;
    tape.next = (tape.next + 1) % TAPE_LENGTH;
  }

  /** The last public trades of a market, newest first. */
  tape(marketId: string): TapeTrade[] {
    const tape = this.tapes.get(marketId);
    if (!tape) return [];
    const n = tape.trades.length;
    const out: TapeTrade[] = [];
    for (let k = 1; k <= n; k++) out.push(tape.trades[(tape.next - k + n) % n]!);
    return out;
  }

  /** One sample of every market (and, when `agents`, of every agent). */
  sample(t: number, setups: readonly SampledMarket[], slots: readonly SampledSlot[], bus: EventBus, agents: boolean) {
    for (const s of setups) this.sampleMarket(t, s, slots, bus);
    bus.totals.intervalTrades = 0;
    bus.totals.intervalVolume = 0;
    if (!agents) return;
    for (const slot of slots) this.sampleAgent(t, slot);
  }

  private sampleMarket(t: number, s: SampledMarket, slots: readonly SampledSlot[], bus: EventBus): void {
    const f = s.feed;
    const md = s.market.marketData();
    const bb = f.bestBid();
    const ba = f.bestAsk();
    const mid = f.mid();
    const depth = f.depthWithin(0.01);
    let maintenance = 0n;
    let held = 0n;
    for (const slot of slots) {
      if (slot.setup !== s) continue;
      maintenance += slot.me.maintenance;
      held += slot.me.balance('MARGIN');
    }
    const rate = f.fundingPeriodSeconds !== undefined ? f.fundingRate() : undefined;
    const asset = (v: bigint) => Number(v) / f.assetScale;
    // the tightest bounds of the active price-monitoring triggers
    let lo = -Infinity;
    let hi = Infinity;
    for (const b of md.priceMonitoringBounds) {
      if (!b.active) continue;
      lo = Math.max(lo, asset(b.minValidPrice));
      hi = Math.min(hi, asset(b.maxValidPrice));
    }
    const pd = f.fundingPeriodSeconds !== undefined ? s.market.productData() : undefined;
    const o = this.ohlc.get(s.market.id);
    this.market(s.market.id).add({
      time: t,
      index: s.truth,
      oracle: f.oraclePrice ?? Number.NaN,
      mark: f.mark() || Number.NaN,
      last_trade: md.lastTradedPrice > 0n ? asset(md.lastTradedPrice) : Number.NaN,
      open: o?.open ?? Number.NaN,
      high: o?.high ?? Number.NaN,
      low: o?.low ?? Number.NaN,
      close: o?.close ?? Number.NaN,
      mid: mid ?? Number.NaN,
      best_bid: bb === undefined ? Number.NaN : bb / f.priceScale,
      best_ask: ba === undefined ? Number.NaN : ba / f.priceScale,
      bound_min: Number.isFinite(lo) ? lo : Number.NaN,
      bound_max: Number.isFinite(hi) ? hi : Number.NaN,
      spread_bps:
        bb === undefined || ba === undefined || mid === undefined ? Number.NaN : ((ba - bb) / f.priceScale / mid) * 1e4,
      depth_bid_1pct: depth.bid,
      depth_ask_1pct: depth.ask,
      open_interest: md.openInterest / f.sizeScale,
      funding_rate: rate ?? Number.NaN,
      twap_mark: pd ? asset(pd.internalTwap) : Number.NaN,
      twap_index: pd ? asset(pd.externalTwap) : Number.NaN,
      target_stake: asset(md.targetStake),
      supplied_stake: asset(md.suppliedStake),
      insurance_pool: asset(s.market.insuranceBalance()),
      margin_maintenance: asset(maintenance),
      margin_held: asset(held),
      continuous: f.continuous ? 1 : 0,
      trades: bus.totals.intervalTrades,
      volume: bus.totals.intervalVolume / f.sizeScale,
    });
    o?.reset();
  }

  private sampleAgent(t: number, slot: SampledSlot): void {
    const f = slot.setup.feed;
    const me = slot.me;
    const q = (v: bigint) => Number(v) / f.assetScale;
    // spot: the base asset held counts at the mark (and the base deposited, in the P&L, too)
    const spot = me.baseAsset !== undefined;
    const base = spot ? Number(me.baseHeld()) / f.baseScale : Number.NaN;
    const mark = spot ? f.mark() : 0;
    const equity = q(me.equity()) + (spot ? base * mark : 0);
    let bid = Number.NaN;
    let ask = Number.NaN;
    for (const o of me.orders.values()) {
      const p = o.price / f.priceScale;
      if (o.side === 'buy' && !(p <= bid)) bid = p;
      if (o.side === 'sell' && !(p >= ask)) ask = p;
    }
    let fair = Number.NaN;
    if (slot.agent instanceof MarketMakerAgent) {
      const cfg = slot.agent.maker.cfg;
      fair = fairPrice(f.depth(cfg.vampLevels, me.orders), cfg.fairPrice, cfg.vampLevels) ?? Number.NaN;
    }
    const initialFactor = slot.setup.market.configView().marginScalingFactors.initialMargin.toNumber();
    const maintenance = q(me.maintenance);
    this.agent(me.party).add({
      time: t,
      epoch: Math.floor(t / this.epochSeconds),
      position: me.position / f.sizeScale,
      equity,
      pnl: equity - q(me.deposited) - (spot ? (Number(me.baseDeposited) / f.baseScale) * mark : 0),
      general: q(me.balance('GENERAL')),
      margin: q(me.balance('MARGIN')),
      order_margin: q(me.balance('ORDER_MARGIN')),
      bond: q(me.balance('BOND')),
      maintenance,
      initial: maintenance * initialFactor,
      funding: q(me.flow(...FUNDING_TYPES)),
      fees: q(me.flow(...FEE_TYPES)),
      lp_fees: q(me.flow(...LP_FEE_TYPES)),
      penalties: q(me.flow(...PENALTY_TYPES)),
      closed_out: me.closedOut,
      orders: me.orders.size,
      bid,
      ask,
      fair,
      base,
    });
  }

  /** At the end of the run: the final order books and every funding period. */
  finish(setups: readonly SampledMarket[], bus: EventBus): void {
    for (const s of setups) {
      const f = s.feed;
      const d = f.depth(BOOK_LEVELS);
      this.books.set(s.market.id, {
        bids: d.bids.map((l) => [l.price, l.size] as const),
        asks: d.asks.map((l) => [l.price, l.size] as const),
      });
      const payScale = f.assetScale;
      this.funding.set(
        s.market.id,
        bus.totals.fundingPeriods.map((p) => ({
          seq: p.seq,
          end: p.end,
          rate: p.rate ?? Number.NaN,
          payment: p.payment === undefined ? Number.NaN : Number(p.payment) / payScale,
        })),
      );
    }
  }
}
