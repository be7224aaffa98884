// The on-chain referral programme (spec 0083-RFPR): referral sets (a referrer and its referees, optionally a
// team), the programme's benefit and staking tiers, each set's running notional taker volume over the programme's
// window of epochs, and the benefit factors every referee gets for the next epoch. Volumes are taker volumes of
// continuous trading in quantum units, each party's volume of an epoch capped at
// `referralProgram.maxPartyNotionalVolumeByQuantumPerEpoch` (the value in force when the epoch ends).
import { Decimal } from '../num/decimal.ts';
import { EpochVolumes } from './window.ts';
import { NO_FACTORS, type Factors } from './benefits.ts';

export interface ReferralBenefitTier {
  readonly minRunningVolume: Decimal;
  readonly minEpochs: number;
  readonly reward: Factors;
  readonly discount: Factors;
}

export interface ReferralStakingTier {
  readonly minStaked: bigint;
  readonly multiplier: Decimal;
}

export interface ReferralProgram {
  /** ns since the Unix epoch; the programme closes at the first epoch end at or after it */
  readonly endOfProgram: bigint;
  readonly windowLength: number;
  readonly benefitTiers: readonly ReferralBenefitTier[];
  readonly stakingTiers: readonly ReferralStakingTier[];
}

export interface ReferralParams {
  maxReferralRewardProportion: Decimal;
  minStakedVegaTokens: bigint;
  /** undefined: no cap (the engine's value until the parameter is set) */
  maxPartyNotionalVolumeByQuantumPerEpoch: Decimal | undefined;
}

export interface RefereeStats {
  readonly party: string;
  readonly epochsInSet: number;
  /** the tier's reward factors, before the referrer's staking multiplier */
  readonly reward: Factors;
  readonly discount: Factors;
  readonly rewardMultiplier: Decimal;
}

export interface ReferralSetStats {
  readonly code: string;
  readonly epoch: number;
  readonly runningVolume: Decimal;
  readonly referees: readonly RefereeStats[];
}

interface ReferralSet {
  readonly code: string;
  readonly referrer: string;
  readonly createdEpoch: number;
  /** referee → epoch it joined */
  readonly referees: Map<string, number>;
}

export interface TeamOptions {
  readonly name: string;
  readonly closed?: boolean;
  readonly allowList?: readonly string[];
}

interface Team {
  readonly name: string;
  readonly code: string;
  closed: boolean;
  allowList: Set<string>;
  readonly members: Set<string>;
}

export class ReferralEngine {
  private program: ReferralProgram | undefined;
  private pending: ReferralProgram | undefined;
  private readonly sets = new Map<string, ReferralSet>();
  /** referee → code of its set */
  private readonly refereeOf = new Map<string, string>();
  /** referrer → code of the set it created */
  private readonly referrerOf = new Map<string, string>();
  private readonly teams = new Map<string, Team>();
  private readonly teamOf = new Map<string, string>();
  /** epoch each party joined its current team */
  private readonly teamJoined = new Map<string, number>();
  readonly volumes = new EpochVolumes();
  /** stats of each set at each epoch end, by `${code}@${epoch}` */
  private readonly stats = new Map<string, ReferralSetStats>();
  /** factors in force for the running epoch, by referee */
  private readonly current = new Map<string, { reward: Factors; discount: Factors; multiplier: Decimal }>();

  constructor(readonly params: ReferralParams) {}

  /** Sets the programme; it takes effect at the next epoch start (as a governance enactment does). */
  setProgram(p: ReferralProgram): void {
    if (!Number.isInteger(p.windowLength) || p.windowLength <= 0)
      throw new RangeError('referral program window length: must be an integer greater than 0');
    this.pending = p;
  }

  get active(): ReferralProgram | undefined {
    return this.program;
  }

  createSet(party: string, code: string, epoch: number, staked: bigint, team?: TeamOptions): void {
    // a set id is deterministic in Vega (from the transaction): creating a set under an existing id replaces that set
    // (its former referrer stays a referrer), as Vega's referral engine does
    if (this.referrerOf.has(party)) throw new RangeError('party is already a referrer');
    if (this.refereeOf.has(party)) throw new RangeError('party is already a referee');
    if (staked < this.params.minStakedVegaTokens)
      throw new RangeError(
        `party "${party}" does not fulfill the staking requirement of ${this.params.minStakedVegaTokens}`,
      );
    if (team && this.teams.has(team.name)) throw new RangeError(`team "${team.name}" already exists`);
    this.sets.set(code, { code, referrer: party, createdEpoch: epoch, referees: new Map() });
    this.referrerOf.set(party, code);
    if (team) {
      this.teams.set(team.name, {
        name: team.name,
        code,
        closed: team.closed ?? false,
        allowList: new Set(team.allowList ?? []),
        members: new Set([party]),
      });
      this.teamOf.set(party, team.name);
      this.teamJoined.set(party, epoch);
    }
  }

  applyCode(party: string, code: string, epoch: number, teamName?: string): void {
    const set = this.sets.get(code);
    if (!set) throw new RangeError(`referral set ${code} does not exist`);
    if (this.referrerOf.has(party)) throw new RangeError('a referrer cannot join another referral set');
    if (teamName !== undefined) {
      const team = this.teams.get(teamName);
      if (team && team.closed && !team.allowList.has(party))
        throw new RangeError(`party is not allowed to join team "${teamName}"`);
    }
    const prev = this.refereeOf.get(party);
    if (prev !== code) {
      if (prev === undefined) {
        set.referees.set(party, epoch);
        this.refereeOf.set(party, code);
      }
      // a referee re-applying only moves team (its referral benefits stay with its original set, 0083-RFPR)
    }
    const team = teamName !== undefined ? this.teams.get(teamName) : this.teamForCode(code);
    if (team) {
      const old = this.teamOf.get(party);
      if (old) this.teams.get(old)?.members.delete(party);
      if (old !== team.name) this.teamJoined.set(party, epoch);
      team.members.add(party);
      this.teamOf.set(party, team.name);
    }
  }

  private teamForCode(code: string): Team | undefined {
    for (const t of this.teams.values()) if (t.code === code) return t;
    return undefined;
  }

  /** Opens or closes a team to parties outside its allow list (existing members stay, 0083-RFPR). */
  updateTeam(name: string, closed: boolean, allowList: readonly string[]): void {
    const t = this.teams.get(name);
    if (!t) throw new RangeError(`team "${name}" does not exist`);
    t.closed = closed;
    t.allowList = new Set(allowList);
  }

  teamMembers(name: string): string[] | undefined {
    const t = this.teams.get(name);
    return t ? [...t.members].sort() : undefined;
  }

  /** Every team's members with the epoch each joined, teams sorted by name. */
  allTeams(): { name: string; members: { party: string; joined: number }[] }[] {
    return [...this.teams.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((t) => ({
        name: t.name,
        members: [...t.members].sort().map((party) => ({ party, joined: this.teamJoined.get(party) ?? 0 })),
      }));
  }

  teamOfParty(party: string): string | undefined {
    return this.teamOf.get(party);
  }

  referrerOfReferee(party: string): string | undefined {
    const code = this.refereeOf.get(party);
    return code ? this.sets.get(code)?.referrer : undefined;
  }

  setStats(code: string, epoch: number): ReferralSetStats | undefined {
    return this.stats.get(`${code}@${epoch}`);
  }

  hasSet(code: string): boolean {
    return this.sets.has(code);
  }

  /** Discount factors, reward factors (multiplied and capped) and referrer of a taker for the running epoch. */
  benefitsOf(party: string): { discount: Factors; reward: Factors; referrer: string | undefined } {
    const f = this.current.get(party);
    if (!f || !this.program) return { discount: NO_FACTORS, reward: NO_FACTORS, referrer: undefined };
    const cap = this.params.maxReferralRewardProportion;
    const m = (x: Decimal) => Decimal.min(x.mul(f.multiplier), cap);
    return {
      discount: f.discount,
      reward: {
        infrastructure: m(f.reward.infrastructure),
        maker: m(f.reward.maker),
        liquidity: m(f.reward.liquidity),
      },
      referrer: this.referrerOfReferee(party),
    };
  }

  /** Records the taker side of a continuous-trading trade. */
  recordTakerVolume(party: string, quantumVolume: Decimal): void {
    this.volumes.add(party, quantumVolume);
  }

  /**
   * End of epoch `seq`: closes the epoch's volumes, computes every set's running volume and each referee's
   * factors for the next epoch; `stakedOf` gives a referrer's staked tokens (for the staking multiplier).
   */
  onEpochEnd(seq: number, time: bigint, stakedOf: (party: string) => bigint): void {
    // a programme enacted during the epoch applies from the start of the next (verified/enactment_RFPR)
    const p = this.pending ?? this.program;
    this.volumes.close(seq, Math.max(p?.windowLength ?? 1, 1), this.params.maxPartyNotionalVolumeByQuantumPerEpoch);
    this.current.clear();
    if (!p) return;
    for (const set of [...this.sets.values()].sort((a, b) => (a.code < b.code ? -1 : 1))) {
      let running = this.volumes.running(set.referrer, p.windowLength);
      for (const r of set.referees.keys()) running = running.add(this.volumes.running(r, p.windowLength));
      const staked = stakedOf(set.referrer);
      let multiplier = Decimal.ONE;
      for (const t of p.stakingTiers)
        if (staked >= t.minStaked && t.multiplier.gt(multiplier)) multiplier = t.multiplier;
      const eligible = staked >= this.params.minStakedVegaTokens;
      const referees: RefereeStats[] = [];
      for (const [r, joined] of [...set.referees].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const epochsInSet = seq - joined + 1;
        let reward = NO_FACTORS;
        let discount = NO_FACTORS;
        if (eligible)
          for (const t of p.benefitTiers) {
            if (running.gte(t.minRunningVolume)) {
              reward = t.reward;
              if (epochsInSet >= t.minEpochs) discount = t.discount;
            }
          }
        referees.push({ party: r, epochsInSet, reward, discount, rewardMultiplier: multiplier });
        this.current.set(r, { reward, discount, multiplier });
      }
      this.stats.set(`${set.code}@${seq}`, { code: set.code, epoch: seq, runningVolume: running, referees });
    }
    const ending = this.program;
    if (ending && ending.endOfProgram > 0n && time >= ending.endOfProgram) {
      this.program = undefined;
      if (!this.pending) this.current.clear();
    }
  }

  onEpochStart(): void {
    if (this.pending) {
      this.program = this.pending;
      this.pending = undefined;
    }
  }

  hashParts(): string[] {
    const parts: string[] = [];
    for (const s of [...this.sets.values()].sort((a, b) => (a.code < b.code ? -1 : 1)))
      parts.push(`referral ${s.code} ${s.referrer} ${[...s.referees].map(([r, e]) => `${r}@${e}`).join(',')}`);
    return [...parts, ...this.volumes.hashParts('referral-volume')];
  }
}
