// Trading rewards (spec 0056-REWA) funded by recurring transfers to reward accounts: each dispatch strategy (metric,
// metric asset, markets) has its own reward pool; at the end of every epoch in which the transfer paid into it, the
// pool is distributed pro rata to the parties' reward metric over the strategy's window of epochs, each scaled by
// the party's payout multipliers (activity streak × vesting bonus), floored, into the parties' vesting accounts.
// Metrics kept here: maker fees paid (as taker), maker fees received, liquidity fees received; the position-based
// metrics (average notional, relative return, returns volatility, realised return) and eligible entities are
// computed from each market's activity (activity.ts, metrics.ts).
import { Decimal } from '../num/decimal.ts';
import type { MarketActivity } from './activity.ts';
import { payouts, shares, type RankEntry } from './distribution.ts';
import {
  activityMetric,
  isActivityMetric,
  lastNotional,
  marketsInScope,
  notionalTraded,
  takerFeesPaid,
  type ActivityMetric,
} from './metrics.ts';

export type RewardMetric = 'MAKER_FEES_PAID' | 'MAKER_FEES_RECEIVED' | 'LP_FEES_RECEIVED' | ActivityMetric;

const METRICS = new Set<string>([
  'MAKER_FEES_PAID',
  'MAKER_FEES_RECEIVED',
  'LP_FEES_RECEIVED',
  'AVERAGE_NOTIONAL',
  'RELATIVE_RETURN',
  'RETURN_VOLATILITY',
  'REALISED_RETURN',
  'ELIGIBLE_ENTITIES',
]);

/** The reward account each metric pays from (Vega's ACCOUNT_TYPE_REWARD_… without the prefix). */
export const METRIC_ACCOUNT: Readonly<Record<RewardMetric, string>> = {
  MAKER_FEES_PAID: 'REWARD_MAKER_PAID_FEES',
  MAKER_FEES_RECEIVED: 'REWARD_MAKER_RECEIVED_FEES',
  LP_FEES_RECEIVED: 'REWARD_LP_RECEIVED_FEES',
  AVERAGE_NOTIONAL: 'REWARD_AVERAGE_NOTIONAL',
  RELATIVE_RETURN: 'REWARD_RELATIVE_RETURN',
  RETURN_VOLATILITY: 'REWARD_RETURN_VOLATILITY',
  REALISED_RETURN: 'REWARD_REALISED_RETURN',
  ELIGIBLE_ENTITIES: 'REWARD_ELIGIBLE_ENTITIES',
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
  /** the time-weighted average notional (last epoch, markets in scope) a party needs; 0: none */
  readonly notionalRequirement?: bigint;
  /** distribution by rank (the rank table) instead of pro rata */
  readonly rankTable?: readonly RankEntry[];
  /** no party receives more than this multiple of the taker fees it paid (0057-TRAN-070) */
  readonly capRewardFeeMultiple?: Decimal;
  /** the transfer is scaled by min(1, notional traded in the window / target) (0056-REWA-232) */
  readonly targetNotionalVolume?: bigint;
  /** the transfer is made every this many epochs (0057-TRAN) */
  readonly transferInterval?: number;
}

export function strategyKey(s: RewardStrategy): string {
  const scope = `${s.entityScope ?? 'INDIVIDUALS'}|${s.individualScope ?? 'ALL'}|${[...(s.teams ?? [])].sort().join(',')}|${s.nTop ?? ''}`;
  const ranks = s.rankTable ? s.rankTable.map((r) => `${r.startRank}:${r.shareRatio}`).join(',') : 'pro-rata';
  const extra = `${s.notionalRequirement ?? 0n}|${ranks}|${s.capRewardFeeMultiple ?? ''}|${s.targetNotionalVolume ?? ''}|${s.transferInterval ?? ''}`;
  return `${s.metric}|${s.metricAsset}|${[...s.markets].sort().join(',')}|${s.windowLength}|${s.lockPeriod}|${s.stakingRequirement}|${[...s.eligibleKeys].sort().join(',')}|${scope}|${extra}`;
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
  /** the markets' activity, by market id */
  activity(): ReadonlyMap<string, MarketActivity>;
  /** every party with an account (eligible entities with no requirement) */
  allParties(): readonly string[];
  /** every party with stake */
  stakingParties(): readonly string[];
  /** an asset's quantum (taker fees are converted to the reward asset by the quanta) */
  quantum(asset: string): Decimal;
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
  /** per strategy key, the payees computed for the epoch just closed */
  private readonly cache = new Map<string, { payees: [string, Decimal][]; required: boolean }>();
  /** eligible entities: per strategy key, the parties eligible in each epoch of the game (oldest first) */
  private readonly eligibility = new Map<string, Set<string>[]>();
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
    this.cache.clear();
    // eligible entities: a new (empty) set of eligible parties for the epoch of every game
    for (const sets of this.eligibility.values()) sets.push(new Set());
  }

  private feeMetricOf(s: RewardStrategy, party: string, window: { m: Map<string, Metrics> }[]): bigint {
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
    return this.scored(s).required;
  }

  private markets(s: RewardStrategy): MarketActivity[] {
    return marketsInScope(this.host.activity(), s.metricAsset, s.markets);
  }

  /** The staking and time-weighted notional requirements. */
  private meetsRequirements(s: RewardStrategy, party: string, ms: readonly MarketActivity[]): boolean {
    if (s.eligibleKeys.length > 0 && !s.eligibleKeys.includes(party)) return false;
    if (s.stakingRequirement > 0n && this.host.stakedOf(party) < s.stakingRequirement) return false;
    const notional = s.notionalRequirement ?? 0n;
    return notional === 0n || lastNotional(ms, party) >= notional;
  }

  /**
   * Eligible entities (0056-REWA): 1 for a party eligible in this epoch and in each earlier epoch of the window
   * (as Vega keeps them: the game's epochs since it started, the oldest dropped once there are more than N).
   */
  private eligibilityScore(key: string, party: string, windowLength: number): Decimal {
    const sets = this.eligibility.get(key);
    if (!sets) {
      this.eligibility.set(key, [new Set([party])]);
      return Decimal.ONE;
    }
    const window = sets.length > windowLength ? sets.slice(1) : sets;
    window[window.length - 1]!.add(party);
    return window.every((e) => e.has(party)) ? Decimal.ONE : Decimal.ZERO;
  }

  /** A party's metric for the strategy, undefined when it is not eligible (requirements unmet or no data). */
  private partyMetric(
    s: RewardStrategy,
    key: string,
    party: string,
    window: { m: Map<string, Metrics> }[],
    ms: readonly MarketActivity[],
  ): Decimal | undefined {
    if (!this.meetsRequirements(s, party, ms)) return undefined;
    if (s.metric === 'ELIGIBLE_ENTITIES') return this.eligibilityScore(key, party, Math.max(s.windowLength, 1));
    if (isActivityMetric(s.metric)) return activityMetric(s.metric, ms, party, s.windowLength);
    const fees = this.feeMetricOf(s, party, window);
    return fees > 0n ? Decimal.fromBigInt(fees) : undefined;
  }

  /** The parties an individual-scope strategy looks at. */
  private individuals(s: RewardStrategy, window: { m: Map<string, Metrics> }[], ms: MarketActivity[]): string[] {
    const parties = new Set<string>();
    if (isActivityMetric(s.metric)) {
      if (
        s.metric === 'ELIGIBLE_ENTITIES' &&
        s.individualScope !== 'NOT_IN_TEAM' &&
        (s.notionalRequirement ?? 0n) === 0n
      ) {
        for (const p of s.stakingRequirement > 0n ? this.host.stakingParties() : this.host.allParties()) parties.add(p);
      } else for (const m of ms) for (const p of m.parties) parties.add(p);
    } else for (const e of window) for (const k of e.m.keys()) parties.add(k.slice(0, k.indexOf('|')));
    const teams = this.host.teams();
    const inTeam = new Set(teams.flatMap((t) => t.members.map((m) => m.party)));
    if (s.individualScope === 'IN_TEAM' && isActivityMetric(s.metric)) {
      const seq = this.closed.at(-1)?.seq;
      const min = this.host.minEpochsInTeam();
      parties.clear();
      for (const t of teams)
        for (const m of t.members) if (seq === undefined || seq - m.joined >= min) parties.add(m.party);
    }
    return [...parties]
      .filter((p) => !(s.individualScope === 'IN_TEAM' && !inTeam.has(p)))
      .filter((p) => !(s.individualScope === 'NOT_IN_TEAM' && inTeam.has(p)))
      .sort(cmp);
  }

  /** The payees' shares of the pool for the epoch just closed, and whether the transfer is to be made. */
  private scored(s: RewardStrategy): { payees: [string, Decimal][]; required: boolean } {
    const key = strategyKey(s);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const window = this.closed.slice(-Math.max(s.windowLength, 1));
    const ms = this.markets(s);
    const mult = (p: string) => this.host.payoutMultiplier(p);
    let out: { payees: [string, Decimal][]; required: boolean };
    if (s.entityScope === 'TEAMS') {
      const payees = this.teamShares(s, key, window, ms);
      out = { payees, required: payees.length > 0 };
    } else {
      const metrics: [string, Decimal][] = [];
      for (const party of this.individuals(s, window, ms)) {
        const m = this.partyMetric(s, key, party, window, ms);
        if (m !== undefined) metrics.push([party, m]);
      }
      const nonZero = metrics.some(([, m]) => !m.isZero());
      out = {
        payees: shares(metrics, mult, s.rankTable),
        required: nonZero || (metrics.length > 0 && s.rankTable !== undefined),
      };
    }
    this.cache.set(key, out);
    return out;
  }

  /**
   * Teams: a team's metric is the average of its top trunc(nTop × n) members' metrics (at least 1, at most those
   * with a metric), n the members in the team long enough (rewards.minimumEpochsInTeam); the pool is shared between teams (pro rata or by rank), then within a team between the members with a
   * positive metric by their multipliers.
   */
  private teamShares(
    s: RewardStrategy,
    key: string,
    window: { m: Map<string, Metrics> }[],
    ms: readonly MarketActivity[],
  ): [string, Decimal][] {
    const nTop = s.nTop ?? Decimal.ONE;
    const minEpochs = this.host.minEpochsInTeam();
    const seq = this.closed.at(-1)?.seq;
    const teams: [string, Decimal][] = [];
    const membersOf = new Map<string, string[]>();
    for (const t of this.host.teams()) {
      if (s.teams && s.teams.length > 0 && !s.teams.includes(t.name)) continue;
      const members: [string, Decimal][] = [];
      let inScope = 0;
      for (const { party, joined } of t.members) {
        if (seq !== undefined && seq - joined < minEpochs) continue;
        inScope++;
        const m = this.partyMetric(s, key, party, window, ms);
        if (m !== undefined && m.isPositive()) members.push([party, m]);
      }
      if (members.length === 0) continue;
      // the top performers: trunc(nTop × members in the team long enough), at least 1, at most those with a metric
      const sorted = members.map(([, m]) => m).sort((a, b) => b.cmp(a));
      let n = Decimal.fromInt(inScope).mul(nTop).trunc();
      if (n < 1n) n = 1n;
      if (n > BigInt(sorted.length)) n = BigInt(sorted.length);
      let sum = Decimal.ZERO;
      for (const m of sorted.slice(0, Number(n))) sum = sum.add(m);
      const metric = sum.divBig(n);
      if (!metric.isPositive()) continue;
      teams.push([t.name, metric]);
      membersOf.set(
        t.name,
        members.map(([p]) => p),
      );
    }
    const out: [string, Decimal][] = [];
    for (const [team, share] of shares(teams, () => Decimal.ONE, s.rankTable)) {
      const paid = membersOf.get(team)!.map((p) => [p, this.host.payoutMultiplier(p)] as const);
      let mSum = Decimal.ZERO;
      for (const [, mult] of paid) mSum = mSum.add(mult);
      if (!mSum.isPositive()) continue;
      for (const [p, mult] of paid) out.push([p, share.mul(mult).div(mSum)]);
    }
    return out;
  }

  /** Distributes a strategy's pool for epoch `seq`; what cannot be paid (or is capped) stays in the pool. */
  distribute(seq: number, asset: string, key: string, s: RewardStrategy): void {
    const account = METRIC_ACCOUNT[s.metric];
    const pool = this.host.poolBalance(account, asset, key);
    if (pool <= 0n) return;
    const { payees } = this.scored(s);
    if (payees.length === 0) return;
    let cap: Parameters<typeof payouts>[2];
    if (s.capRewardFeeMultiple) {
      const fees = takerFeesPaid(this.markets(s), s.transferInterval ?? 1);
      // taker fees are in the metric asset: converted to the reward asset by the quanta
      const rate = this.host.quantum(asset).div(this.host.quantum(s.metricAsset === '' ? asset : s.metricAsset));
      cap = {
        multiple: s.capRewardFeeMultiple,
        feesPaid: (p) => {
          const f = fees.get(p);
          return f === undefined ? undefined : Decimal.fromBigInt(f).mul(rate);
        },
      };
    }
    const amounts = payouts(pool, payees, cap);
    for (const [party] of payees) {
      const amount = amounts.get(party) ?? 0n;
      if (amount <= 0n) continue;
      this.host.pay(account, asset, key, party, amount);
      const byParty = this.paid.get(seq) ?? new Map<string, bigint>();
      byParty.set(`${party}|${asset}`, (byParty.get(`${party}|${asset}`) ?? 0n) + amount);
      this.paid.set(seq, byParty);
    }
  }

  /** The notional traded in the strategy's markets over its window (asset units), for a target notional volume. */
  notionalTraded(s: RewardStrategy): bigint {
    return notionalTraded(this.markets(s), Math.max(s.windowLength, 1));
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
