// Rewards vesting (spec 0085-RVST): rewards are paid into a party's vesting account for the asset, locked for the
// transfer's lock period (in epochs); at each epoch end the locks count down and, of the unlocked balance B,
// T = max(B × rewards.vesting.baseRate × activity-streak vesting multiplier, rewards.vesting.minimumTransfer ×
// quantum), at most B, floored, moves to the vested account. The reward bonus multiplier comes from the highest
// tier of rewards.vesting.benefitTiers whose minimum the party's vesting + vested balance (in quantum) reaches.
import { Decimal } from '../num/decimal.ts';

export interface VestingTier {
  readonly minQuantumBalance: Decimal;
  readonly rewardMultiplier: Decimal;
}

export interface VestingParams {
  baseRate: Decimal;
  minimumTransfer: Decimal;
  tiers: readonly VestingTier[];
}

export interface VestingHost {
  quantum(asset: string): Decimal;
  vestingBalance(party: string, asset: string): bigint;
  vestedBalance(party: string, asset: string): bigint;
  /** moves `amount` from the party's vesting account to its vested account */
  vest(party: string, asset: string, amount: bigint): void;
}

/** Parses `rewards.vesting.benefitTiers`: {"tiers": [{"minimum_quantum_balance": "…", "reward_multiplier": "…"}]}. */
export function parseVestingTiers(value: string, name: string): VestingTier[] {
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    throw new RangeError(`${name}: not valid JSON`);
  }
  const tiers = (doc as { tiers?: unknown })?.tiers;
  if (!Array.isArray(tiers)) throw new RangeError(`${name}: expected {"tiers": [...]}`);
  return tiers.map((t: Record<string, unknown>, i) => ({
    minQuantumBalance: Decimal.parse(String(t.minimum_quantum_balance), `${name} tiers[${i}].minimum_quantum_balance`),
    rewardMultiplier: Decimal.parse(String(t.reward_multiplier), `${name} tiers[${i}].reward_multiplier`),
  }));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class VestingEngine {
  readonly params: VestingParams = { baseRate: Decimal.ZERO, minimumTransfer: Decimal.ZERO, tiers: [] };
  /** locked tranches per `${party}|${asset}` */
  private readonly locked = new Map<string, { amount: bigint; epochsLeft: number }[]>();
  /** every party and asset that ever received a reward */
  private readonly known = new Set<string>();

  constructor(private readonly host: VestingHost) {}

  /** Records a reward just paid into the vesting account, locked for `lockEpochs` epochs. */
  onRewardPaid(party: string, asset: string, amount: bigint, lockEpochs: number): void {
    const key = `${party}|${asset}`;
    this.known.add(key);
    if (lockEpochs > 0) {
      const l = this.locked.get(key) ?? [];
      l.push({ amount, epochsLeft: lockEpochs });
      this.locked.set(key, l);
    }
  }

  /** Vests every vesting account; `vestingMultiplier` is the party's activity-streak vesting multiplier. */
  onEpochEnd(vestingMultiplier: (party: string) => Decimal): void {
    for (const key of [...this.known].sort(cmp)) {
      const bar = key.indexOf('|');
      const party = key.slice(0, bar);
      const asset = key.slice(bar + 1);
      let lockedTotal = 0n;
      const l = this.locked.get(key);
      if (l) {
        for (const t of l) t.epochsLeft--;
        const still = l.filter((t) => t.epochsLeft > 0);
        for (const t of still) lockedTotal += t.amount;
        if (still.length) this.locked.set(key, still);
        else this.locked.delete(key);
      }
      const balance = this.host.vestingBalance(party, asset);
      const unlocked = balance - lockedTotal;
      if (unlocked <= 0n) continue;
      const rate = Decimal.fromBigInt(unlocked).mul(this.params.baseRate).mul(vestingMultiplier(party));
      const min = this.params.minimumTransfer.mul(this.host.quantum(asset));
      let t = Decimal.max(rate, min).floor();
      if (t > unlocked) t = unlocked;
      if (t > 0n) this.host.vest(party, asset, t);
    }
  }

  /** The reward bonus multiplier of a party from its vesting + vested balances in every asset (quantum units). */
  bonusMultiplier(party: string): Decimal {
    let total = Decimal.ZERO;
    for (const key of this.known) {
      const bar = key.indexOf('|');
      if (key.slice(0, bar) !== party) continue;
      const asset = key.slice(bar + 1);
      const q = this.host.quantum(asset);
      const b = this.host.vestingBalance(party, asset) + this.host.vestedBalance(party, asset);
      total = total.add(Decimal.fromBigInt(b).div(q.isZero() ? Decimal.ONE : q));
    }
    let m = Decimal.ONE;
    for (const t of this.params.tiers) if (total.gte(t.minQuantumBalance)) m = t.rewardMultiplier;
    return m;
  }

  hashParts(): string[] {
    return [...this.locked]
      .sort(([a], [b]) => cmp(a, b))
      .map(([k, l]) => `locked ${k} ${l.map((t) => `${t.amount}/${t.epochsLeft}`).join(',')}`);
  }
}
