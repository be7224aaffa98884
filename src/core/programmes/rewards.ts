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
  /** individuals (default) or teams */
  readonly entityScope?: 'INDIVIDUALS' | 'TEAMS';
  /** individuals: all (default), only those in a team, only those in none */
  readonly individualScope?: 'ALL' | 'IN_TEAM' | 'NOT_IN_TEAM';
  /** teams: the teams eligible (empty: all) */
  readonly teams?: readonly string[];
  /** teams: the fraction of top members whose average metric is the team's */
  readonly nTop?: Decimal;
}

export function strategyKey(s: RewardStrategy): string {
  const scope = `${s.entityScope ?? 'INDIVIDUALS'}|${s.individualScope ?? 'ALL'}|${[...(s.teams ?? [])].sort().join(',')}|${s.nTop ?? ''}`;
  return `${s.metric}|${s.metricAsset}|${[...s.markets].sort().join(',')}|${s.windowLength}|${s.lockPeriod}|${s.stakingRequirement}|${[...s.eligibleKeys].sort().join(',')}|${scope}`;
}

export interface TeamView {
  readonly name: string;
  readonly members: readonly { party: string; joined: number }[];
}

export interface RewardHost {
  /** balance of a strategy's reward pool */
  poolBalance(account: string, asset: string, key: string): bigint;
  /** pays a reward from the pool into the party's vesting account */
  pay(account: string, asset: string, key: string, party: string, amount: bigint): void;
  stakedOf(party: string): bigint;
  /** activity streak × vesting bonus */
  payoutMultiplier(party: string): Decimal;
  teams(): readonly TeamView[];
  /** `rewards.team.minEpochsInTeam` */
  minEpochsInTeam(): number;
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

  /** A party's reward metric, 0 when it does not meet the strategy's requirements. */
  private partyMetric(s: RewardStrategy, party: string, window: { m: Map<string, Metrics> }[]): bigint {
    if (s.eligibleKeys.length > 0 && !s.eligibleKeys.includes(party)) return 0n;
    if (this.host.stakedOf(party) < s.stakingRequirement) return 0n;
    return this.metricOf(s, party, window);
  }

  /** Each payee's payout weight: individuals by metric × multipliers; team members per 0056-REWA "teams". */
  private scores(s: RewardStrategy, seq?: number): [string, Decimal][] {
    const window = this.closed.slice(-Math.max(s.windowLength, 1));
    const teams = this.host.teams();
    if (s.entityScope === 'TEAMS') return this.teamScores(s, window, teams, seq ?? this.closed.at(-1)?.seq);
    const inTeam = new Set(teams.flatMap((t) => t.members.map((m) => m.party)));
    const parties = new Set<string>();
    for (const e of window) for (const k of e.m.keys()) parties.add(k.slice(0, k.indexOf('|')));
    const scores: [string, Decimal][] = [];
    for (const party of [...parties].sort(cmp)) {
      if (s.individualScope === 'IN_TEAM' && !inTeam.has(party)) continue;
      if (s.individualScope === 'NOT_IN_TEAM' && inTeam.has(party)) continue;
      const metric = this.partyMetric(s, party, window);
      if (metric <= 0n) continue;
      const d = Decimal.fromBigInt(metric).mul(this.host.payoutMultiplier(party));
      if (d.isPositive()) scores.push([party, d]);
    }
    return scores;
  }

  /**
   * Teams: a team's metric is the average of its top ceil(nTop × n) members' metrics, n the members with a
   * metric; the pool is shared
   * pro rata between teams, then within a team between members with a positive metric by their multipliers.
   */
  private teamScores(
    s: RewardStrategy,
    window: { m: Map<string, Metrics> }[],
    teams: readonly TeamView[],
    seq: number | undefined,
  ): [string, Decimal][] {
    const nTop = s.nTop ?? Decimal.ONE;
    const minEpochs = this.host.minEpochsInTeam();
    const byTeam: { metric: Decimal; members: [string, bigint][] }[] = [];
    for (const t of teams) {
      if (s.teams && s.teams.length > 0 && !s.teams.includes(t.name)) continue;
      const members: [string, bigint][] = t.members.map(({ party, joined }) => [
        party,
        seq !== undefined && seq - joined < minEpochs ? 0n : this.partyMetric(s, party, window),
      ]);
      if (members.length === 0) continue;
      // the top performers are counted among the members with a metric (as Vega's tests expect)
      const sorted = members
        .map(([, m]) => m)
        .filter((m) => m > 0n)
        .sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
      if (sorted.length === 0) continue;
      let n = Decimal.fromInt(sorted.length).mul(nTop).ceil();
      if (n < 1n) n = 1n;
      let sum = 0n;
      for (const m of sorted.slice(0, Number(n))) sum += m;
      const metric = Decimal.fromBigInt(sum).divBig(n);
      if (metric.isPositive()) byTeam.push({ metric, members });
    }
    let total = Decimal.ZERO;
    for (const t of byTeam) total = total.add(t.metric);
    const out: [string, Decimal][] = [];
    if (!total.isPositive()) return out;
    for (const t of byTeam) {
      const share = t.metric.div(total);
      const paid = t.members.filter(([, m]) => m > 0n).map(([p]) => [p, this.host.payoutMultiplier(p)] as const);
      let mSum = Decimal.ZERO;
      for (const [, mult] of paid) mSum = mSum.add(mult);
      if (!mSum.isPositive()) continue;
      for (const [p, mult] of paid) out.push([p, share.mul(mult).div(mSum)]);
    }
    return out;
  }

  /** Distributes a strategy's whole pool for epoch `seq`; what cannot be paid stays in the pool. */
  distribute(seq: number, asset: string, key: string, s: RewardStrategy): void {
    const account = METRIC_ACCOUNT[s.metric];
    const pool = this.host.poolBalance(account, asset, key);
    if (pool <= 0n) return;
    const scores = this.scores(s, seq);
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
