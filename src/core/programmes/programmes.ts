// The network-wide incentive programmes, driven by epochs (specs 0083-RFPR referral, 0084-VDPR volume discount,
// 0095-HVMR volume rebate, 0086-ASPR activity streaks, 0057-TRAN transfers, 0056-REWA rewards, 0085-RVST vesting,
// 0059-STKG staking and delegation). The exchange feeds it every trade (with the trade's notional in quantum units)
// and the epoch boundaries, and moves the money through ProgrammesHost; the markets ask it, per trade, for the
// taker's discounts and referrer reward and the maker's additional rebate.
//
// Epoch end, in order: activity streaks, vesting of earlier rewards, recurring transfers (funding the reward pools),
// reward distribution (by the epoch's metrics and the new streak multipliers), then the referral, volume discount
// and rebate statistics and the delegation reconciliation for the next epoch.
import { Decimal } from '../num/decimal.ts';
import { NO_FACTORS, type TakerBenefits } from './benefits.ts';
import { DelegationEngine } from './delegation.ts';
import { ReferralEngine } from './referral.ts';
import { ActivityStreaks, parseStreakTiers } from './streaks.ts';
import { VolumeDiscountEngine, VolumeRebateEngine } from './volume.ts';
import { TransfersEngine } from './transfers.ts';
import { parseVestingTiers, VestingEngine } from './vesting.ts';
import { RewardsEngine, type RewardStrategy } from './rewards.ts';
import { StakingRewards } from './validators.ts';
import { MarketActivity } from './activity.ts';

/** The system owner of the network's own accounts. */
const SYSTEM = '*';

/** What the programmes need of the exchange's ledger. Account kinds are Vega's ACCOUNT_TYPE_… without the prefix. */
export interface ProgrammesHost {
  /** an enabled asset's quantum; undefined for an unknown asset */
  quantum(asset: string): Decimal | undefined;
  balance(owner: string, kind: string, asset: string, market?: string): bigint;
  /** the balance of an account, undefined when the account does not exist */
  accountBalance(owner: string, kind: string, asset: string, market?: string): bigint | undefined;
  /** moves exactly `amount` (recording a transfer of 0 too); the source must hold it */
  move(
    from: { owner: string; kind: string; asset: string; market?: string },
    to: { owner: string; kind: string; asset: string; market?: string },
    amount: bigint,
    type: string,
  ): void;
  /** every party with a general account (eligible-entities rewards with no requirement) */
  parties?(): string[];
}

/** A host with no ledger (programmes used on their own): any money movement is refused. */
export const NO_LEDGER: ProgrammesHost = {
  quantum: () => Decimal.ONE,
  balance: () => 0n,
  accountBalance: () => undefined,
  move: () => {
    throw new RangeError('no ledger to move funds on');
  },
};

/** One trade as the programmes see it. */
export interface ProgrammeTrade {
  readonly buyer: string;
  readonly seller: string;
  /** the taker of a continuous-trading trade; undefined at an auction uncrossing */
  readonly aggressor: 'buyer' | 'seller' | undefined;
  /** trade value in quantum units of the settlement (or quote) asset */
  readonly quantumNotional: Decimal;
  readonly marketId?: string;
  readonly asset?: string;
  /** maker fee the taker paid (continuous trading) */
  readonly makerFee?: bigint;
  /** size (position precision), price (asset precision), trade value (asset units), time (ns) and the market's
   * position decimals: the position-based reward metrics and the notional traded */
  readonly size?: number;
  readonly price?: bigint;
  readonly value?: bigint;
  readonly time?: bigint;
  readonly positionDecimals?: number;
  /** every fee each side paid, for the transfer fee-free discount */
  readonly buyerFees?: bigint;
  readonly sellerFees?: bigint;
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
  // the engines' values until a parameter is set (Vega's harness pushes only the parameters a feature sets): an
  // unset referralProgram.maxReferralRewardProportion caps the referrer's reward at 0 (verified/enactment_RFPR)
  readonly referral = new ReferralEngine({
    maxReferralRewardProportion: Decimal.ZERO,
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
  readonly transfers: TransfersEngine;
  readonly vesting: VestingEngine;
  readonly rewards: RewardsEngine;
  readonly staking: StakingRewards;
  /** quanta the programmes use instead of the asset's own (see setQuantum) */
  private readonly quanta = new Map<string, Decimal>();
  /** `rewards.team.minEpochsInTeam` (0 until set) */
  private minEpochsInTeam = 0;
  /** the reward strategy behind each reward pool key */
  private readonly strategies = new Map<string, RewardStrategy>();
  /** each market's activity for the position-based reward metrics, by market id */
  readonly activity = new Map<string, MarketActivity>();
  /** parties that ever staked */
  private readonly stakers = new Set<string>();
  /** start of the running epoch (ns) */
  private epochStart = 0n;

  constructor(hostIn: ProgrammesHost = NO_LEDGER) {
    const host: ProgrammesHost = { ...hostIn, quantum: (asset) => this.quanta.get(asset) ?? hostIn.quantum(asset) };
    this.hostQuantum = host.quantum;
    const q = (asset: string) => host.quantum(asset) ?? Decimal.ONE;
    this.transfers = new TransfersEngine({
      quantum: (asset) => host.quantum(asset),
      balance: (party, kind, asset) => host.accountBalance(party, kind, asset),
      collect: (party, kind, asset, amount, fee) => {
        const from = { owner: party, kind, asset };
        host.move(from, { owner: SYSTEM, kind: 'PENDING_TRANSFERS', asset }, amount, 'TRANSFER_FUNDS_SEND');
        host.move(from, { owner: SYSTEM, kind: 'FEES_INFRASTRUCTURE', asset }, fee, 'INFRASTRUCTURE_FEE_PAY');
      },
      deliver: (to, kind, asset, amount, key) => {
        const owner = kind === 'GENERAL' ? to : SYSTEM;
        const dest = { owner, kind, asset, ...(key ? { market: key } : {}) };
        host.move({ owner: SYSTEM, kind: 'PENDING_TRANSFERS', asset }, dest, amount, 'TRANSFER_FUNDS_DISTRIBUTE');
      },
    });
    this.vesting = new VestingEngine({
      quantum: q,
      vestingBalance: (party, asset) => host.balance(party, 'VESTING_REWARDS', asset),
      vestedBalance: (party, asset) => host.balance(party, 'VESTED_REWARDS', asset),
      vest: (party, asset, amount) =>
        host.move(
          { owner: party, kind: 'VESTING_REWARDS', asset },
          { owner: party, kind: 'VESTED_REWARDS', asset },
          amount,
          'REWARDS_VESTED',
        ),
    });
    this.rewards = new RewardsEngine({
      poolBalance: (account, asset, key) => host.balance(SYSTEM, account, asset, key),
      pay: (account, asset, key, party, amount) => {
        host.move(
          { owner: SYSTEM, kind: account, asset, market: key },
          { owner: party, kind: 'VESTING_REWARDS', asset },
          amount,
          'REWARD_PAYOUT',
        );
        this.vesting.onRewardPaid(party, asset, amount, this.strategies.get(key)?.lockPeriod ?? 0);
      },
      stakedOf: (party) => this.stakedOf(party),
      teams: () => this.referral.allTeams(),
      minEpochsInTeam: () => this.minEpochsInTeam,
      payoutMultiplier: (party) =>
        (this.streaks.streakOf(party)?.rewardMultiplier ?? Decimal.ONE).mul(this.vesting.bonusMultiplier(party)),
      activity: () => this.activity,
      allParties: () => [...new Set(hostIn.parties?.() ?? [])].sort(),
      stakingParties: () => [...this.stakers].filter((p) => this.stakedOf(p) > 0n).sort(),
      quantum: q,
    });
    this.staking = new StakingRewards({
      poolBalance: (asset) => host.balance(SYSTEM, 'GLOBAL_REWARD', asset),
      pay: (party, asset, amount) => {
        const to = { owner: party, kind: 'VESTING_REWARDS', asset };
        host.move({ owner: SYSTEM, kind: 'GLOBAL_REWARD', asset }, to, amount, 'REWARD_PAYOUT');
        this.vesting.onRewardPaid(party, asset, amount, 0);
      },
    });
  }

  private readonly hostQuantum: (asset: string) => Decimal | undefined;

  /**
   * The quantum the programmes use for an asset (volumes, fees, vesting), when it differs from the asset's own:
   * Vega's test harness enables assets in its collateral engine, which the programmes read, with quantum 1.
   */
  setQuantum(asset: string, q: Decimal): void {
    if (!q.isPositive()) throw new RangeError(`quantum of ${asset}: must be greater than 0`);
    this.quanta.set(asset, q);
  }

  /** quanta the markets' side uses (trade and open notionals in quantum) instead (see setMarketQuantum) */
  private readonly marketQuanta = new Map<string, Decimal>();

  /**
   * The quantum of an asset as the markets see it (trade volumes and open notionals in quantum units: streaks,
   * referral, discount and rebate volumes), when it differs from the one transfers read: Vega's harness enables an
   * asset first used by a deposit with quantum 1 in its collateral engine (the markets') while its asset stub, which
   * transfers read, holds 5000.
   */
  setMarketQuantum(asset: string, q: Decimal): void {
    if (!q.isPositive()) throw new RangeError(`quantum of ${asset}: must be greater than 0`);
    this.marketQuanta.set(asset, q);
  }

  /** The quantum the markets' side of the programmes uses for an asset (1 when unknown). */
  quantumOf(asset: string): Decimal {
    return this.marketQuanta.get(asset) ?? this.hostQuantum(asset) ?? Decimal.ONE;
  }

  /** Sets a programme network parameter; false when the name is not one of the programmes'. */
  setParameter(name: string, value: string): boolean {
    const known = this.applyParameter(name, value);
    if (known) this.touch();
    return known;
  }

  private applyParameter(name: string, value: string): boolean {
    const r = this.referral.params;
    const s = this.streaks.params;
    if (this.staking.setParameter(name, value)) return true;
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
      case 'transfer.fee.factor':
        this.transfers.params.feeFactor = dec(value, name);
        return true;
      case 'transfer.fee.maxQuantumAmount':
        this.transfers.params.maxQuantumAmount = dec(value, name);
        return true;
      case 'transfer.minTransferQuantumMultiple':
        this.transfers.params.minTransferQuantumMultiple = dec(value, name);
        return true;
      case 'transfer.feeDiscountDecayFraction':
        this.transfers.params.feeDiscountDecayFraction = dec(value, name);
        return true;
      case 'transfer.feeDiscountMinimumTrackedAmount':
        this.transfers.params.feeDiscountMinimumTrackedAmount = dec(value, name);
        return true;
      case 'rewards.team.minEpochsInTeam':
      case 'rewards.minimumEpochsInTeam':
        this.minEpochsInTeam = int(value, name);
        return true;
      case 'rewards.vesting.baseRate':
        this.vesting.params.baseRate = dec(value, name);
        return true;
      case 'rewards.vesting.minimumTransfer':
        this.vesting.params.minimumTransfer = dec(value, name);
        return true;
      case 'rewards.vesting.benefitTiers':
        this.vesting.params.tiers = parseVestingTiers(value, name);
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
    this.stakers.add(party);
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

  // ------------------------------------------------------------------ transfers

  /** Registers the reward strategy a recurring transfer funds (its pool key is the transfer's dispatch key). */
  addRewardStrategy(key: string, s: RewardStrategy): void {
    this.strategies.set(key, s);
    this.touch();
  }

  onTime(now: bigint): void {
    this.transfers.onTime(now);
    this.delegation.onTime(now);
  }

  // ------------------------------------------------------------------ trades and fees

  onTrade(t: ProgrammeTrade): void {
    const v = t.quantumNotional;
    this.streaks.recordTrade(t.buyer, v);
    this.streaks.recordTrade(t.seller, v);
    if (t.asset !== undefined) {
      this.transfers.recordTradingFees(t.buyer, t.asset, t.buyerFees ?? 0n);
      this.transfers.recordTradingFees(t.seller, t.asset, t.sellerFees ?? 0n);
    }
    if (t.marketId !== undefined && t.asset !== undefined) this.recordActivity(t);
    if (t.aggressor === undefined) return;
    const taker = t.aggressor === 'buyer' ? t.buyer : t.seller;
    const maker = t.aggressor === 'buyer' ? t.seller : t.buyer;
    if (t.asset !== undefined && t.marketId !== undefined && t.makerFee !== undefined) {
      this.rewards.recordMakerFee(t.marketId, t.asset, taker, maker, t.makerFee);
      // maker fees received count towards the maker's fee-free transfer discount too
      this.transfers.recordTradingFees(maker, t.asset, t.makerFee);
    }
    this.referral.recordTakerVolume(taker, v);
    this.volumeDiscount.recordTakerVolume(taker, v);
    this.volumeRebate.recordMakerVolume(maker, v);
  }

  private activityOf(market: string, asset: string, positionDecimals = 0): MarketActivity {
    let a = this.activity.get(market);
    if (!a) {
      const pf =
        positionDecimals >= 0
          ? Decimal.fromBigInt(10n ** BigInt(positionDecimals))
          : Decimal.ONE.div(Decimal.fromBigInt(10n ** BigInt(-positionDecimals)));
      a = new MarketActivity(asset, pf);
      this.activity.set(market, a);
    }
    return a;
  }

  private recordActivity(t: ProgrammeTrade): void {
    const a = this.activityOf(t.marketId!, t.asset!, t.positionDecimals);
    if (t.value !== undefined) a.onTradeValue(t.value);
    a.onFeesPaid(t.buyer, t.buyerFees ?? 0n);
    a.onFeesPaid(t.seller, t.sellerFees ?? 0n);
    if (t.size !== undefined && t.price !== undefined && t.time !== undefined)
      a.onTrade(t.buyer, t.seller, t.size, t.price, t.time, this.epochStart);
  }

  /** A mark-to-market (win positive, loss negative) or funding (received positive, paid negative) transfer. */
  onSettlement(market: string, asset: string, party: string, amount: bigint, kind: 'MTM' | 'FUNDING'): void {
    const a = this.activityOf(market, asset);
    if (kind === 'MTM') a.onMarkToMarket(party, amount);
    else a.onFunding(party, amount);
  }

  /** A market's mark price (asset precision), for the notional at the end of the epoch. */
  onMarkPrice(market: string, price: bigint): void {
    this.activity.get(market)?.setMarkPrice(price);
  }

  /** Liquidity fees allocated to an LP in a market (its "LP fees received" reward metric). */
  onLpFeesReceived(market: string, asset: string, lp: string, amount: bigint): void {
    this.rewards.recordLpFee(market, asset, lp, amount);
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
    this.streaks.onEpochEnd(seq, openVolume);
    this.vesting.onEpochEnd((p) => this.streaks.streakOf(p)?.vestingMultiplier ?? Decimal.ONE);
    for (const id of [...this.activity.keys()].sort()) this.activity.get(id)!.closeEpoch(this.epochStart, time);
    this.rewards.closeEpoch(seq);
    this.transfers.onEpochEnd(
      seq,
      (t) => {
        const s = t.dispatch ? this.strategies.get(t.dispatch.key) : undefined;
        return !s || this.rewards.hasEligible(s);
      },
      (t, amount) => {
        const s = t.dispatch ? this.strategies.get(t.dispatch.key) : undefined;
        if (!s?.targetNotionalVolume) return amount;
        // scaled by min(1, notional traded in the window / target), truncated (0056-REWA-232)
        const traded = this.rewards.notionalTraded(s);
        if (traded === 0n) return 0n;
        const ratio = Decimal.min(
          Decimal.fromBigInt(traded).div(Decimal.fromBigInt(s.targetNotionalVolume)),
          Decimal.ONE,
        );
        return ratio.mulBig(amount).trunc();
      },
      (t) => (t.dispatch ? this.strategies.get(t.dispatch.key)?.transferInterval : undefined),
    );
    for (const t of this.transfers.paidThisEpoch()) {
      const s = t.dispatch ? this.strategies.get(t.dispatch.key) : undefined;
      if (s) this.rewards.distribute(seq, t.asset, t.dispatch!.key, s);
    }
    this.delegation.onEpochEnd(time);
    this.staking.onEpochEnd(seq, this.delegation.validatorStakes());
    this.referral.onEpochEnd(seq, time, (p) => this.stakedOf(p));
    this.volumeDiscount.onEpochEnd(seq, time);
    this.volumeRebate.onEpochEnd(seq, time);
  }

  onEpochStart(seq: number, time?: bigint): void {
    if (time !== undefined) this.epochStart = time;
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
      ...this.transfers.hashParts(),
      ...this.vesting.hashParts(),
      ...this.rewards.hashParts(),
      ...this.staking.hashParts(),
      ...[...this.activity.keys()].sort().flatMap((id) => this.activity.get(id)!.hashParts(id)),
    ];
  }
}
