// Validator scores and staking rewards (specs 0061-REWP proof-of-stake rewards, 0069-VCBS validator scores, 0059-STKG
// staking and delegation). At the end of every epoch each validator's score is computed from its own plus delegated
// stake in that epoch, and the global reward account of the reward asset (`reward.asset`) is shared between the
// validators by normalised score; of a validator's amount, the delegators share `delegatorShare` in proportion to
// their nominations and the validator keeps the rest.
//
//   a = max(minValidators, numberOfValidators / competitionLevel),  optStake = totalStake / a
//   score = clamp((stake − max(0, stake − optStake) − max(0, stake − optimalStakeMultiplier × optStake)) / totalStake)
//
// totalStake is the stake nominated to all validators. A validator whose own key nominates it less than
// `minimumValidatorStake` scores 0 (nothing is paid for it, to it or to its delegators: Vega's acceptance tests in
// verified/0061-REWP-delegation_rewards_genesis.feature). Performance and multisig scores are 1: this engine has no
// block production nor Ethereum multisig to measure. Each payee's amount per validator is floored, the amounts are
// summed per party and capped at `maxPayoutPerParticipant` (0: no cap); what is not paid stays in the account.
import { Decimal } from '../num/decimal.ts';
import type { ValidatorStake } from './delegation.ts';

export interface StakingRewardsHost {
  /** the balance of the network's global reward account in `asset` */
  poolBalance(asset: string): bigint;
  /** pays a staking reward from the global reward account into the party's vesting account */
  pay(party: string, asset: string, amount: bigint): void;
}

export interface StakingRewardParams {
  /** `reward.asset`: the asset staking rewards are paid in (undefined: none paid) */
  asset: string | undefined;
  delegatorShare: Decimal;
  minimumValidatorStake: bigint;
  /** 0: no cap */
  maxPayoutPerParticipant: bigint;
  competitionLevel: Decimal;
  minValidators: number;
  optimalStakeMultiplier: Decimal;
}

/** One validator's scores for an epoch. */
export interface ValidatorScore {
  readonly id: string;
  /** own plus delegated stake */
  readonly stake: bigint;
  readonly rawScore: Decimal;
  readonly performanceScore: Decimal;
  readonly multisigScore: Decimal;
  /** raw × performance × multisig, 0 below the minimum own stake */
  readonly validatorScore: Decimal;
  readonly normalisedScore: Decimal;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const dec = (v: string, name: string): Decimal => {
  const d = Decimal.parse(v, name);
  if (d.isNegative()) throw new RangeError(`${name}: must not be negative`);
  return d;
};
const uint = (v: string, name: string): bigint => {
  const d = dec(v, name);
  return d.floor();
};

/** The raw validator score of spec 0061-REWP (between 0 and 1). */
export function rawValidatorScore(
  stake: bigint,
  totalStake: bigint,
  numberOfValidators: number,
  p: Pick<StakingRewardParams, 'competitionLevel' | 'minValidators' | 'optimalStakeMultiplier'>,
): Decimal {
  if (totalStake <= 0n || stake <= 0n) return Decimal.ZERO;
  const byCompetition = p.competitionLevel.isPositive()
    ? Decimal.fromInt(numberOfValidators).div(p.competitionLevel)
    : Decimal.ZERO;
  const a = Decimal.max(Decimal.fromInt(p.minValidators), byCompetition);
  if (!a.isPositive()) return Decimal.ZERO;
  const total = Decimal.fromBigInt(totalStake);
  const s = Decimal.fromBigInt(stake);
  const optStake = total.div(a);
  const flat = Decimal.max(Decimal.ZERO, s.sub(optStake));
  const down = Decimal.max(Decimal.ZERO, s.sub(p.optimalStakeMultiplier.mul(optStake)));
  const linear = s.sub(flat).sub(down).div(total);
  return Decimal.min(Decimal.ONE, Decimal.max(Decimal.ZERO, linear));
}

export class StakingRewards {
  readonly params: StakingRewardParams = {
    asset: undefined,
    delegatorShare: Decimal.ZERO,
    minimumValidatorStake: 0n,
    maxPayoutPerParticipant: 0n,
    competitionLevel: Decimal.ONE,
    minValidators: 0,
    optimalStakeMultiplier: Decimal.ZERO,
  };
  /** validator scores per epoch */
  private readonly scoresByEpoch = new Map<number, ValidatorScore[]>();
  /** staking rewards paid per epoch: `${party}|${asset}` → amount */
  private readonly paid = new Map<number, Map<string, bigint>>();

  constructor(private readonly host: StakingRewardsHost) {}

  /** Sets a staking-reward network parameter; false when the name is not one of them. */
  setParameter(name: string, value: string): boolean {
    const p = this.params;
    switch (name) {
      case 'reward.asset':
        if (value.trim() === '') throw new RangeError(`${name}: must not be empty`);
        p.asset = value.trim();
        return true;
      case 'reward.staking.delegation.delegatorShare': {
        const d = dec(value, name);
        if (d.gt(Decimal.ONE)) throw new RangeError(`${name}: must be at most 1`);
        p.delegatorShare = d;
        return true;
      }
      case 'reward.staking.delegation.minimumValidatorStake':
        p.minimumValidatorStake = uint(value, name);
        return true;
      case 'reward.staking.delegation.maxPayoutPerParticipant':
        p.maxPayoutPerParticipant = uint(value, name);
        return true;
      case 'reward.staking.delegation.competitionLevel': {
        const d = dec(value, name);
        if (d.lt(Decimal.ONE)) throw new RangeError(`${name}: must be at least 1`);
        p.competitionLevel = d;
        return true;
      }
      case 'reward.staking.delegation.minValidators': {
        const d = dec(value, name);
        if (!d.isInteger()) throw new RangeError(`${name}: "${value}" is not an integer`);
        p.minValidators = Number(d.floor());
        return true;
      }
      case 'reward.staking.delegation.optimalStakeMultiplier':
        p.optimalStakeMultiplier = dec(value, name);
        return true;
      default:
        return false;
    }
  }

  /** The validators' scores from their stakes in an epoch (every validator, in id order). */
  computeScores(validators: readonly ValidatorStake[]): ValidatorScore[] {
    const stakeOf = (v: ValidatorStake) => {
      let s = v.selfStake;
      for (const d of v.delegators.values()) s += d;
      return s;
    };
    let totalStake = 0n;
    for (const v of validators) totalStake += stakeOf(v);
    const raw = validators.map((v) => {
      const stake = stakeOf(v);
      const rawScore = rawValidatorScore(stake, totalStake, validators.length, this.params);
      const eligible = v.selfStake >= this.params.minimumValidatorStake;
      return { v, stake, rawScore, validatorScore: eligible ? rawScore : Decimal.ZERO };
    });
    let sum = Decimal.ZERO;
    for (const r of raw) sum = sum.add(r.validatorScore);
    return raw.map((r) => ({
      id: r.v.id,
      stake: r.stake,
      rawScore: r.rawScore,
      performanceScore: Decimal.ONE,
      multisigScore: Decimal.ONE,
      validatorScore: r.validatorScore,
      normalisedScore: sum.isPositive() ? r.validatorScore.div(sum) : Decimal.ZERO,
    }));
  }

  /** End of epoch `seq`, given the validators' stakes in it (after reconciliation): scores, then rewards. */
  onEpochEnd(seq: number, validators: readonly ValidatorStake[]): void {
    if (validators.length === 0) return;
    const scores = this.computeScores(validators);
    this.scoresByEpoch.set(seq, scores);
    this.scoresByEpoch.delete(seq - 64);
    this.paid.delete(seq - 64);
    const asset = this.params.asset;
    if (asset === undefined) return;
    const pool = this.host.poolBalance(asset);
    if (pool <= 0n) return;
    const poolD = Decimal.fromBigInt(pool);
    const byParty = new Map<string, bigint>();
    const add = (party: string, amount: bigint) => byParty.set(party, (byParty.get(party) ?? 0n) + amount);
    const share = this.params.delegatorShare;
    validators.forEach((v, i) => {
      const s = scores[i]!;
      if (!s.normalisedScore.isPositive() || s.stake <= 0n) return;
      const nodeAmount = poolD.mul(s.normalisedScore);
      let delegated = 0n;
      for (const [party, d] of v.delegators) {
        delegated += d;
        // floor(nodeAmount × delegatorShare × d / stake)
        add(party, nodeAmount.mul(share).mulBig(d).divBig(s.stake).floor());
      }
      // the validator keeps floor(nodeAmount × (1 − delegatorShare × delegated / stake))
      const kept = Decimal.ONE.sub(share.mulBig(delegated).divBig(s.stake));
      add(v.key, nodeAmount.mul(kept).floor());
    });
    const cap = this.params.maxPayoutPerParticipant;
    let left = pool;
    const paid = new Map<string, bigint>();
    for (const party of [...byParty.keys()].sort(cmp)) {
      let amount = byParty.get(party)!;
      if (cap > 0n && amount > cap) amount = cap;
      if (amount > left) amount = left;
      if (amount <= 0n) continue;
      this.host.pay(party, asset, amount);
      left -= amount;
      paid.set(`${party}|${asset}`, amount);
    }
    this.paid.set(seq, paid);
  }

  scoresOf(seq: number): readonly ValidatorScore[] | undefined {
    return this.scoresByEpoch.get(seq);
  }

  rewardPaid(seq: number, party: string, asset: string): bigint {
    return this.paid.get(seq)?.get(`${party}|${asset}`) ?? 0n;
  }

  hashParts(): string[] {
    const p = this.params;
    if (p.asset === undefined && this.scoresByEpoch.size === 0) return [];
    return [
      `staking-rewards ${p.asset ?? ''} ${p.delegatorShare} ${p.minimumValidatorStake} ${p.maxPayoutPerParticipant} ${p.competitionLevel} ${p.minValidators} ${p.optimalStakeMultiplier}`,
    ];
  }
}
