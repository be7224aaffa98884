// Reward distribution amongst entities (spec 0056-REWA "Distributing rewards amongst entities"): pro rata by the
// reward metric or by rank (the rank table's share ratio), each scaled by the party's payout multipliers, after every
// metric is offset by the lowest negative one; and the cap of 0057-TRAN (cap_reward_fee_multiple): no party receives
// more than the multiple of the taker fees it paid, what is left over is offered again to the others (up to ten
// rounds), and what is still left stays in the reward account for the next epoch.
import { Decimal } from '../num/decimal.ts';

export interface RankEntry {
  readonly startRank: number;
  readonly shareRatio: number;
}

/** Parses a rank table "1:10,2:5,4:1" (start rank : share ratio, start ranks increasing). */
export function parseRankTable(v: string, name = 'rank table'): RankEntry[] {
  const out: RankEntry[] = [];
  for (const part of v.split(',').map((s) => s.trim())) {
    if (part === '') continue;
    const m = /^(\d+):(\d+)$/.exec(part);
    if (!m) throw new RangeError(`${name}: "${part}" is not start_rank:share_ratio`);
    const e = { startRank: Number(m[1]), shareRatio: Number(m[2]) };
    if (out.length > 0 && e.startRank <= out[out.length - 1]!.startRank)
      throw new RangeError(`${name}: start ranks must increase`);
    out.push(e);
  }
  if (out.length === 0) throw new RangeError(`${name}: must not be empty`);
  return out;
}

/** The share ratio of a rank: that of the last entry starting at or before it. */
function shareRatioOf(table: readonly RankEntry[], rank: number): number {
  let ratio = 0;
  for (const e of table) {
    if (e.startRank > rank) break;
    ratio = e.shareRatio;
  }
  return ratio;
}

/** Offsets every metric by the lowest negative one, so that all are ≥ 0. */
function offsetNegative(scores: readonly [string, Decimal][]): [string, Decimal][] {
  let min = Decimal.ZERO;
  for (const [, s] of scores) if (s.lt(min)) min = s;
  return min.isZero() ? [...scores] : scores.map(([p, s]) => [p, s.sub(min)]);
}

/**
 * Each entity's share of the pool (summing to at most 1): `metrics` are the eligible entities' reward metrics,
 * `multiplier` their payout multipliers (1 for teams).
 */
export function shares(
  metrics: readonly [string, Decimal][],
  multiplier: (party: string) => Decimal,
  rankTable?: readonly RankEntry[],
): [string, Decimal][] {
  const adjusted = offsetNegative(metrics);
  const weighted: [string, Decimal][] = [];
  if (rankTable) {
    // entities whose (offset) metric is 0 are not ranked (relative_return_rewards: the lowest return gets nothing)
    const sorted = adjusted
      .filter(([, m]) => !m.isZero())
      .sort(([pa, a], [pb, b]) => b.cmp(a) || (pa < pb ? -1 : pa > pb ? 1 : 0));
    let ratio = 0;
    for (let i = 0; i < sorted.length; i++) {
      const [party, score] = sorted[i]!;
      if (i === 0 || !score.eq(sorted[i - 1]![1])) ratio = shareRatioOf(rankTable, i + 1);
      if (ratio === 0) break;
      const w = Decimal.fromInt(ratio).mul(multiplier(party));
      if (!w.isZero()) weighted.push([party, w]);
    }
  } else
    for (const [party, score] of adjusted) {
      const w = score.mul(multiplier(party));
      if (!w.isZero()) weighted.push([party, w]);
    }
  let total = Decimal.ZERO;
  for (const [, w] of weighted) total = total.add(w);
  if (!total.isPositive()) return [];
  return weighted.map(([p, w]) => [p, w.div(total)]);
}

/**
 * The amounts paid from a pool of `pool` by the shares, floored; with a cap, each party's total is limited to
 * cap × its taker fees (no fees: nothing) and the remainder is offered again, at most ten rounds.
 */
export function payouts(
  pool: bigint,
  byShare: readonly [string, Decimal][],
  cap?: { multiple: Decimal; feesPaid: (party: string) => Decimal | undefined },
): Map<string, bigint> {
  const paid = new Map<string, bigint>();
  let remaining = Decimal.fromBigInt(pool);
  let rounds = cap ? 10 : 1;
  for (;;) {
    let round = 0n;
    for (const [party, share] of byShare) {
      const current = paid.get(party) ?? 0n;
      let reward = remaining.mul(share);
      if (cap) {
        const fees = cap.feesPaid(party);
        reward = fees ? Decimal.min(Decimal.fromBigInt(current).add(reward), cap.multiple.mul(fees)) : Decimal.ZERO;
      }
      const amount = reward.floor();
      if (amount > 0n) {
        round += amount - current;
        paid.set(party, amount);
      }
    }
    remaining = remaining.sub(Decimal.fromBigInt(round));
    rounds--;
    if (remaining.lt(Decimal.ONE) || round === 0n || rounds <= 0) break;
  }
  return paid;
}
