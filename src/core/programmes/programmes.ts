// The network-wide incentive programmes, driven by epochs (specs 0083-RFPR referral, 0084-VDPR volume discount,
// 0095-HVMR volume rebate, 0086-ASPR activity streaks) and the staking balances the referral staking tiers read.
// The exchange feeds it every trade (with the trade's notional in quantum units) and the epoch boundaries; the
// markets ask it, per trade, for the taker's discounts and referrer reward and the maker's additional rebate.
import { Decimal } from '../num/decimal.ts';
import { NO_FACTORS, type TakerBenefits } from './benefits.ts';
import { DelegationEngine } from './delegation.ts';
import { ReferralEngine } from './referral.ts';
import { ActivityStreaks, parseStreakTiers } from './streaks.ts';
import { VolumeDiscountEngine, VolumeRebateEngine } from './volume.ts';

/** One trade as the programmes see it. */
export interface ProgrammeTrade {
  readonly buyer: string;
  readonly seller: string;
  /** the taker of a continuous-trading trade; undefined at an auction uncrossing */
  readonly aggressor: 'buyer' | 'seller' | undefined;
  /** trade value in quantum units of the settlement (or quote) asset */
  readonly quantumNotional: Decimal;
}

const int = (v: string, name: string): number => {
  if (!/^\d+$/.test(v.trim())) throw new RangeError(`${name}: "${v}" is not a non-negative integer`);
  return Number(v.trim());
};
const dec = (v: string, name: string): Decimal => {
  const d = Decimal.parse(v, name);
  if (d.isNegative()) throw new RangeError(`${name}: must not be negative`);
  return d;
};
const uint = (v: string, name: string): bigint => {
  if (!/^\d+$/.test(v.trim())) throw new RangeError(`${name}: "${v}" is not a non-negative integer`);
  return BigInt(v.trim());
};

/** Programme parameters Vega has and this engine accepts but does not use (they only bound governance proposals). */
const ACCEPTED = new Set([
  'referralProgram.maxReferralTiers',
  'referralProgram.maxReferralRewardFactor',
  'referralProgram.maxReferralDiscountFactor',
  'volumeDiscountProgram.maxBenefitTiers',
  'volumeDiscountProgram.maxVolumeDiscountFactor',
  'volumeRebateProgram.maxBenefitTiers',
  // staking-reward parameters: accepted (validators and delegations are recorded) though staking rewards are not paid
  'reward.asset',
  'reward.staking.delegation.competitionLevel',
  'reward.staking.delegation.minValidators',
  'reward.staking.delegation.delegatorShare',
  'reward.staking.delegation.minimumValidatorStake',
  'reward.staking.delegation.maxPayoutPerParticipant',
  'reward.staking.delegation.optimalStakeMultiplier',
]);

export class Programmes {
  // the engines' values until a parameter is set (Vega's harness pushes only the parameters a feature sets)
  readonly referral = new ReferralEngine({
    maxReferralRewardProportion: Decimal.ONE,
    minStakedVegaTokens: 0n,
    maxPartyNotionalVolumeByQuantumPerEpoch: undefined,
  });
  readonly volumeDiscount = new VolumeDiscountEngine();
  readonly volumeRebate = new VolumeRebateEngine();
  readonly streaks = new ActivityStreaks({
    inactivityLimit: 0,
    minQuantumOpenVolume: Decimal.ZERO,
    minQuantumTradeVolume: Decimal.ZERO,
    tiers: [],
  });
  readonly delegation = new DelegationEngine();

  /** Sets a programme network parameter; false when the name is not one of the programmes'. */
  setParameter(name: string, value: string): boolean {
    const known = this.applyParameter(name, value);
    if (known) this.touch();
    return known;
  }

  private applyParameter(name: string, value: string): boolean {
    const r = this.referral.params;
    const s = this.streaks.params;
    switch (name) {
      case 'referralProgram.maxReferralRewardProportion':
        r.maxReferralRewardProportion = dec(value, name);
        return true;
      case 'referralProgram.minStakedVegaTokens':
        r.minStakedVegaTokens = uint(value, name);
        return true;
      case 'referralProgram.maxPartyNotionalVolumeByQuantumPerEpoch':
        r.maxPartyNotionalVolumeByQuantumPerEpoch = dec(value, name);
        return true;
      case 'validators.delegation.minAmount':
        this.delegation.minAmount = Decimal.parse(value, name).floor();
        return true;
      case 'rewards.activityStreak.inactivityLimit':
        s.inactivityLimit = int(value, name);
        return true;
      case 'rewards.activityStreak.minQuantumOpenVolume':
      case 'rewards.activityStreak.minQuantumOpenNotionalVolume':
        s.minQuantumOpenVolume = dec(value, name);
        return true;
      case 'rewards.activityStreak.minQuantumTradeVolume':
        s.minQuantumTradeVolume = dec(value, name);
        return true;
      case 'rewards.activityStreak.benefitTiers':
        s.tiers = parseStreakTiers(value, name);
        return true;
      default:
        return ACCEPTED.has(name);
    }
  }

  // ------------------------------------------------------------------ staking (the referrer's staked tokens)

  stake(party: string, amount: bigint): void {
    this.delegation.stake(party, amount);
    this.touch();
  }

  unstake(party: string, amount: bigint): void {
    this.delegation.unstake(party, amount);
  }

  stakedOf(party: string): bigint {
    return this.delegation.stakedOf(party);
  }

  addValidator(id: string, key: string, selfStake: bigint): void {
    this.delegation.addValidator(id, key, selfStake);
    this.touch();
  }

  // ------------------------------------------------------------------ trades and fees

  onTrade(t: ProgrammeTrade): void {
    const v = t.quantumNotional;
    this.streaks.recordTrade(t.buyer, v);
    this.streaks.recordTrade(t.seller, v);
    if (t.aggressor === undefined) return;
    const taker = t.aggressor === 'buyer' ? t.buyer : t.seller;
    const maker = t.aggressor === 'buyer' ? t.seller : t.buyer;
    this.referral.recordTakerVolume(taker, v);
    this.volumeDiscount.recordTakerVolume(taker, v);
    this.volumeRebate.recordMakerVolume(maker, v);
  }

  /** The discounts and referrer reward of a party paying taker fees in the running epoch. */
  takerBenefits(party: string): TakerBenefits {
    const ref = this.referral.benefitsOf(party);
    return {
      referralDiscount: ref.discount,
      volumeDiscount: this.volumeDiscount.discountOf(party),
      referralReward: ref.referrer ? ref.reward : NO_FACTORS,
      referrer: ref.referrer,
    };
  }

  /** The additional maker rebate factor of a party in the running epoch (before the treasury + buy-back cap). */
  makerRebate(party: string): Decimal {
    return this.volumeRebate.rebateOf(party);
  }

  // ------------------------------------------------------------------ epochs

  /** End of epoch `seq` at `time`, given each party's open notional volume in quantum units across markets. */
  onEpochEnd(seq: number, time: bigint, openVolume: ReadonlyMap<string, Decimal>): void {
    this.delegation.onEpochEnd();
    this.streaks.onEpochEnd(seq, openVolume);
    this.referral.onEpochEnd(seq, time, (p) => this.stakedOf(p));
    this.volumeDiscount.onEpochEnd(seq, time);
    this.volumeRebate.onEpochEnd(seq, time);
  }

  onEpochStart(seq: number): void {
    this.delegation.onEpochStart(seq);
    this.referral.onEpochStart();
    this.volumeDiscount.onEpochStart();
    this.volumeRebate.onEpochStart();
  }

  /** Whether anything was configured (a programme, a parameter, stake): until then the state hash is unchanged. */
  private configured = false;

  private touch(): void {
    this.configured = true;
  }

  hashParts(): string[] {
    if (!this.configured && !this.referral.active && !this.volumeDiscount.active && !this.volumeRebate.active)
      return [];
    return [
      ...this.referral.hashParts(),
      ...this.volumeDiscount.volumes.hashParts('discount-volume'),
      ...this.volumeRebate.volumes.hashParts('rebate-volume'),
      ...this.streaks.hashParts(),
      ...this.delegation.hashParts(),
    ];
  }
}
