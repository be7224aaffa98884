// Activity streaks (spec 0086-ASPR): at each epoch end a party is active when its notional trade volume in the
// epoch, or its open notional volume, summed across markets in quantum units, is strictly greater than
// `rewards.activityStreak.minQuantumTradeVolume` / `minQuantumOpenVolume`. Active: the streak grows and the
// inactivity count resets; inactive: the inactivity count grows and, once it reaches
// `rewards.activityStreak.inactivityLimit`, the streak resets. The reward and vesting multipliers come from the
// highest tier of `rewards.activityStreak.benefitTiers` whose minimum streak the party has (1 below every tier).
import { Decimal } from '../num/decimal.ts';

export interface StreakTier {
  readonly minStreak: number;
  readonly rewardMultiplier: Decimal;
  readonly vestingMultiplier: Decimal;
}

export interface StreakParams {
  inactivityLimit: number;
  minQuantumOpenVolume: Decimal;
  minQuantumTradeVolume: Decimal;
  tiers: readonly StreakTier[];
}

export interface ActivityStreak {
  readonly party: string;
  readonly activeFor: number;
  readonly inactiveFor: number;
  readonly rewardMultiplier: Decimal;
  readonly vestingMultiplier: Decimal;
}

/** Parses the JSON of `rewards.activityStreak.benefitTiers`: {"tiers": [{"minimum_activity_streak", …}]}. */
export function parseStreakTiers(value: string, name: string): StreakTier[] {
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    throw new RangeError(`${name}: not valid JSON`);
  }
  const tiers = (doc as { tiers?: unknown })?.tiers;
  if (!Array.isArray(tiers)) throw new RangeError(`${name}: expected {"tiers": [...]}`);
  return tiers.map((t: Record<string, unknown>, i) => {
    const min = Number(t.minimum_activity_streak);
    if (!Number.isInteger(min) || min < 0)
      throw new RangeError(`${name} tiers[${i}].minimum_activity_streak: must be a non-negative integer`);
    const mult = (k: string) => {
      const d = Decimal.parse(String(t[k]), `${name} tiers[${i}].${k}`);
      if (d.lt(Decimal.ONE)) throw new RangeError(`${name} tiers[${i}].${k}: must be at least 1`);
      return d;
    };
    return {
      minStreak: min,
      rewardMultiplier: mult('reward_multiplier'),
      vestingMultiplier: mult('vesting_multiplier'),
    };
  });
}

export class ActivityStreaks {
  private readonly tradeVolume = new Map<string, Decimal>();
  private readonly streaks = new Map<string, ActivityStreak>();
  /** streaks as of each epoch end */
  private readonly history = new Map<number, Map<string, ActivityStreak>>();

  constructor(readonly params: StreakParams) {}

  /** Adds a trade's notional (quantum units) to both parties' volume of the running epoch. */
  recordTrade(party: string, quantumVolume: Decimal): void {
    this.tradeVolume.set(party, (this.tradeVolume.get(party) ?? Decimal.ZERO).add(quantumVolume));
  }

  /** End of epoch `seq`, given each party's open notional volume (quantum units) across markets. */
  onEpochEnd(seq: number, openVolume: ReadonlyMap<string, Decimal>): void {
    const parties = new Set([...this.streaks.keys(), ...this.tradeVolume.keys()]);
    for (const [p, v] of openVolume) if (v.isPositive()) parties.add(p);
    const p = this.params;
    const snapshot = new Map<string, ActivityStreak>();
    for (const party of [...parties].sort()) {
      const prev = this.streaks.get(party);
      const traded = this.tradeVolume.get(party) ?? Decimal.ZERO;
      const open = openVolume.get(party) ?? Decimal.ZERO;
      const active = traded.gt(p.minQuantumTradeVolume) || open.gt(p.minQuantumOpenVolume);
      let activeFor = prev?.activeFor ?? 0;
      let inactiveFor = prev?.inactiveFor ?? 0;
      if (active) {
        activeFor++;
        inactiveFor = 0;
      } else {
        inactiveFor++;
        if (inactiveFor >= p.inactivityLimit) activeFor = 0;
      }
      let rewardMultiplier = Decimal.ONE;
      let vestingMultiplier = Decimal.ONE;
      for (const t of p.tiers)
        if (activeFor >= t.minStreak) {
          rewardMultiplier = t.rewardMultiplier;
          vestingMultiplier = t.vestingMultiplier;
        }
      const s = { party, activeFor, inactiveFor, rewardMultiplier, vestingMultiplier };
      this.streaks.set(party, s);
      snapshot.set(party, s);
    }
    this.history.set(seq, snapshot);
    this.tradeVolume.clear();
  }

  streakAt(epoch: number, party: string): ActivityStreak | undefined {
    return this.history.get(epoch)?.get(party);
  }

  streakOf(party: string): ActivityStreak | undefined {
    return this.streaks.get(party);
  }

  hashParts(): string[] {
    return [...this.streaks.values()].map((s) => `streak ${s.party} ${s.activeFor} ${s.inactiveFor}`);
  }
}
