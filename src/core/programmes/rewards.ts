// Trading rewards (spec 0056-REWA) funded by recurring transfers to reward accounts: each dispatch strategy (metric,
// metric asset, markets) has its own reward pool; at the end of every epoch in which the transfer paid into it, the
// pool is distributed pro rata to the parties' reward metric over the strategy's window of epochs, each scaled by
// the party's payout multipliers (activity streak × vesting bonus), floored, into the parties' vesting accounts.
// Metrics kept: maker fees paid (as taker), maker fees received, liquidity fees received.
import { Decimal } from '../num/decimal.ts';

export type RewardMetric = 'MAKER_FEES_PAID' | 'MAKER_FEES_RECEIVED' | 'LP_FEES_RECEIVED';

const METRICS = new Set<string>(['MAKER_FEES_PAID', 'MAKER_FEES_RECEIVED', 'LP_FEES_RECEIVED']);

/** The reward account each metric pays from (Vega's ACCOUNT_TYPE_REWARD_… without the prefix). */
export const METRIC_ACCOUNT: Readonly<Record<RewardMetric, string>> = {
  MAKER_FEES_PAID: 'REWARD_MAKER_PAID_FEES',
  MAKER_FEES_RECEIVED: 'REWARD_MAKER_RECEIVED_FEES',
  LP_FEES_RECEIVED: 'REWARD_LP_RECEIVED_FEES',
};

export function isRewardMetric(m: string): m is RewardMetric {
  return METRICS.has(m);
}

export interface RewardStrategy {
  readonly metric: RewardMetric;
  readonly metricAsset: string;
  /** empty: every market settling in the metric asset */
  readonly markets: readonly string[];
  readonly windowLength: number;
  readonly lockPeriod: number;
  readonly stakingRequirement: bigint;
  /** parties allowed (empty: everyone) */
  readonly eligibleKeys: readonly string[];
}

export function strategyKey(s: RewardStrategy): string {
  return `${s.metric}|${s.metricAsset}|${[...s.markets].sort().join(',')}|${s.windowLength}|${s.lockPeriod}|${s.stakingRequirement}|${[...s.eligibleKeys].sort().join(',')}`;
}

export interface RewardHost {
  /** balance of a strategy's reward pool */
  poolBalance(account: string, asset: string, key: string): bigint;
  /** pays a reward from the pool into the party's vesting account */
  pay(account: string, asset: string, key: string, party: string, amount: bigint): void;
  stakedOf(party: string): bigint;
  /** activity streak × vesting bonus */
  payoutMultiplier(party: string): Decimal;
}

interface Metrics {
  makerFeesPaid: bigint;
  makerFeesReceived: bigint;
  lpFeesReceived: bigint;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class RewardsEngine {
  /** closed epochs (oldest first) and the running one: per `${party}|${asset}|${market}` */
  private readonly closed: { seq: number; m: Map<string, Metrics> }[] = [];
  private current = new Map<string, Metrics>();
  /** rewards paid per epoch: `${party}|${asset}` → amount */
  private readonly paid = new Map<number, Map<string, bigint>>();

  constructor(private readonly host: RewardHost) {}

  private metrics(party: string, asset: string, market: string): Metrics {
    const key = `${party}|${asset}|${market}`;
    let m = this.current.get(key);
    if (!m) {
      m = { makerFeesPaid: 0n, makerFeesReceived: 0n, lpFeesReceived: 0n };
      this.current.set(key, m);
    }
    return m;
  }

  recordMakerFee(market: string, asset: string, taker: string, maker: string, fee: bigint): void {
    if (fee <= 0n) return;
    this.metrics(taker, asset, market).makerFeesPaid += fee;
    this.metrics(maker, asset, market).makerFeesReceived += fee;
  }

  recordLpFee(market: string, asset: string, lp: string, fee: bigint): void {
    if (fee > 0n) this.metrics(lp, asset, market).lpFeesReceived += fee;
  }

  /** Closes the running epoch's metrics (call before distributing). */
  closeEpoch(seq: number): void {
    this.closed.push({ seq, m: this.current });
    this.current = new Map();
    while (this.closed.length > 64) this.closed.shift();
  }

  private metricOf(s: RewardStrategy, party: string, window: { m: Map<string, Metrics> }[]): bigint {
    let sum = 0n;
    for (const e of window)
      for (const [key, m] of e.m) {
        const [p, asset, market] = key.split('|') as [string, string, string];
        if (p !== party || asset !== s.metricAsset) continue;
        if (s.markets.length > 0 && !s.markets.includes(market)) continue;
        sum +=
          s.metric === 'MAKER_FEES_PAID'
            ? m.makerFeesPaid
            : s.metric === 'MAKER_FEES_RECEIVED'
              ? m.makerFeesReceived
              : m.lpFeesReceived;
      }
    return sum;
  }

  /** Whether any party would receive a reward of the strategy for the epoch just closed. */
  hasEligible(s: RewardStrategy): boolean {
    return this.scores(s).length > 0;
  }

  private scores(s: RewardStrategy): [string, Decimal][] {
    const window = this.closed.slice(-Math.max(s.windowLength, 1));
    const parties = new Set<string>();
    for (const e of window) for (const k of e.m.keys()) parties.add(k.slice(0, k.indexOf('|')));
    const scores: [string, Decimal][] = [];
    for (const party of [...parties].sort(cmp)) {
      if (s.eligibleKeys.length > 0 && !s.eligibleKeys.includes(party)) continue;
      if (this.host.stakedOf(party) < s.stakingRequirement) continue;
      const metric = this.metricOf(s, party, window);
      if (metric <= 0n) continue;
      const d = Decimal.fromBigInt(metric).mul(this.host.payoutMultiplier(party));
      if (d.isPositive()) scores.push([party, d]);
    }
    return scores;
  }

  /** Distributes a strategy's whole pool for epoch `seq`; what cannot be paid stays in the pool. */
  distribute(seq: number, asset: string, key: string, s: RewardStrategy): void {
    const account = METRIC_ACCOUNT[s.metric];
    const pool = this.host.poolBalance(account, asset, key);
    if (pool <= 0n) return;
    const scores = this.scores(s);
    let total = Decimal.ZERO;
    for (const [, d] of scores) total = total.add(d);
    if (!total.isPositive()) return;
    const poolD = Decimal.fromBigInt(pool);
    for (const [party, d] of scores) {
      const amount = poolD.mul(d).div(total).floor();
      if (amount <= 0n) continue;
      this.host.pay(account, asset, key, party, amount);
      const byParty = this.paid.get(seq) ?? new Map<string, bigint>();
      byParty.set(`${party}|${asset}`, (byParty.get(`${party}|${asset}`) ?? 0n) + amount);
      this.paid.set(seq, byParty);
    }
  }

  rewardPaid(seq: number, party: string, asset: string): bigint {
    return this.paid.get(seq)?.get(`${party}|${asset}`) ?? 0n;
  }

  hashParts(): string[] {
    const parts: string[] = [];
    for (const [k, m] of [...this.current].sort(([a], [b]) => cmp(a, b)))
      parts.push(`reward-metrics ${k} ${m.makerFeesPaid} ${m.makerFeesReceived} ${m.lpFeesReceived}`);
    return parts;
  }
}
