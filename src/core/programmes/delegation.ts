// Staking and delegation (spec 0059-STKG): parties' staking-account balances (associated governance tokens),
// validators, and each party's nominations per validator for the running epoch and for the next one. A delegation
// takes effect at the next epoch; an undelegation at the end of the epoch or now (from the running epoch too).
// The nominations are reconciled against the staking balance at every epoch end: the ending epoch's against the
// smallest balance the party had during it (retrospectively), the next epoch's against the balance now, each cut
// proportionally across validators (floored).
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Nominations = Map<string, Map<string, bigint>>;

function total(m: ReadonlyMap<string, bigint> | undefined): bigint {
  let s = 0n;
  for (const v of m?.values() ?? []) s += v;
  return s;
}

function clone(n: Nominations): Nominations {
  return new Map([...n].map(([p, m]) => [p, new Map(m)]));
}

/** Cuts a party's nominations proportionally so that they sum to at most `cap` (each floored). */
function reconcile(m: Map<string, bigint> | undefined, cap: bigint): void {
  if (!m) return;
  const sum = total(m);
  if (sum <= cap) return;
  for (const [node, v] of m) m.set(node, sum === 0n ? 0n : (v * cap) / sum);
}

export class DelegationEngine {
  private readonly staked = new Map<string, bigint>();
  /** the smallest staking balance of each party in the running epoch */
  private readonly minStaked = new Map<string, bigint>();
  private readonly validators = new Map<string, { key: string }>();
  /** nominations of every epoch so far (the running one is live), by epoch */
  private readonly history = new Map<number, Nominations>();
  private next: Nominations = new Map();
  private epoch = 0;
  /** `validators.delegation.minAmount` (0 until set) */
  minAmount = 0n;

  private current(): Nominations {
    let c = this.history.get(this.epoch);
    if (!c) {
      c = new Map();
      this.history.set(this.epoch, c);
    }
    return c;
  }

  // ------------------------------------------------------------------ staking accounts

  stake(party: string, amount: bigint): void {
    if (amount <= 0n) throw new RangeError('staking amount: must be greater than 0');
    this.staked.set(party, (this.staked.get(party) ?? 0n) + amount);
  }

  unstake(party: string, amount: bigint): void {
    const have = this.staked.get(party) ?? 0n;
    if (amount <= 0n) throw new RangeError('staking amount: must be greater than 0');
    if (amount > have) throw new RangeError(`party "${party}" has only ${have} staked, cannot withdraw ${amount}`);
    const left = have - amount;
    this.staked.set(party, left);
    this.minStaked.set(party, left < (this.minStaked.get(party) ?? have) ? left : (this.minStaked.get(party) ?? have));
  }

  stakedOf(party: string): bigint {
    return this.staked.get(party) ?? 0n;
  }

  // ------------------------------------------------------------------ validators and nominations

  /** A validator whose own key holds `selfStake` on its staking account. */
  addValidator(id: string, key: string, selfStake: bigint): void {
    if (this.validators.has(id)) throw new RangeError(`validator ${id} already exists`);
    if (selfStake < 0n) throw new RangeError(`validator ${id} staking account balance: must not be negative`);
    this.validators.set(id, { key });
    if (selfStake > 0n) this.stake(key, selfStake);
  }

  hasValidator(id: string): boolean {
    return this.validators.has(id);
  }

  validatorIds(): string[] {
    return [...this.validators.keys()].sort(cmp);
  }

  /** Nominates `amount` to validator `node` from the next epoch: at most the stake not yet nominated for it. */
  delegate(party: string, node: string, amount: bigint): void {
    if (!this.validators.has(node)) throw new RangeError('invalid node ID');
    if (amount < this.minAmount || amount <= 0n)
      throw new RangeError('delegation amount is lower than the minimum amount for delegation for a validator');
    const mine = this.next.get(party) ?? new Map<string, bigint>();
    if (total(mine) + amount > this.stakedOf(party)) throw new RangeError('insufficient balance for delegation');
    mine.set(node, (mine.get(node) ?? 0n) + amount);
    this.next.set(party, mine);
  }

  /**
   * Undelegates `amount` (0: everything) from validator `node`: at the end of the epoch (from the next epoch's
   * nomination only) or now (from the pending increase first, then from the running epoch's nomination as well).
   */
  undelegate(party: string, node: string, amount: bigint, when: 'endOfEpoch' | 'now'): void {
    if (!this.validators.has(node)) throw new RangeError('invalid node ID');
    if (amount < 0n) throw new RangeError('incorrect token amount for undelegation');
    const next = this.next.get(party) ?? new Map<string, bigint>();
    const nextAmount = next.get(node) ?? 0n;
    if (when === 'endOfEpoch') {
      const a = amount === 0n ? nextAmount : amount;
      if (a > nextAmount || a === 0n) throw new RangeError('incorrect token amount for undelegation');
      next.set(node, nextAmount - a);
      this.next.set(party, next);
      return;
    }
    const cur = this.current().get(party) ?? new Map<string, bigint>();
    const curAmount = cur.get(node) ?? 0n;
    const most = nextAmount > curAmount ? nextAmount : curAmount;
    const a = amount === 0n ? most : amount;
    if (a > most || a === 0n) throw new RangeError('incorrect token amount for undelegation');
    const pending = nextAmount > curAmount ? nextAmount - curAmount : 0n;
    const fromPending = a < pending ? a : pending;
    const rest = a - fromPending;
    next.set(node, nextAmount - fromPending - (rest < nextAmount - fromPending ? rest : nextAmount - fromPending));
    cur.set(node, curAmount - (rest < curAmount ? rest : curAmount));
    this.next.set(party, next);
    this.current().set(party, cur);
  }

  /** A party's nomination to a validator in epoch `epoch` (the running one, an earlier one, or the next one). */
  delegationAt(party: string, node: string, epoch: number): bigint {
    if (epoch > this.epoch) return this.next.get(party)?.get(node) ?? 0n;
    return this.history.get(epoch)?.get(party)?.get(node) ?? 0n;
  }

  /** Total nominated to a validator in the running epoch. */
  validatorStake(node: string): bigint {
    let s = 0n;
    for (const m of this.current().values()) s += m.get(node) ?? 0n;
    return s;
  }

  // ------------------------------------------------------------------ epochs

  onEpochEnd(): void {
    const cur = this.current();
    for (const [party, m] of cur) reconcile(m, this.minStaked.get(party) ?? this.stakedOf(party));
    for (const [party, m] of this.next) reconcile(m, this.stakedOf(party));
  }

  onEpochStart(seq: number): void {
    this.epoch = seq;
    this.history.set(seq, clone(this.next));
    this.minStaked.clear();
    for (const [p, v] of this.staked) this.minStaked.set(p, v);
  }

  hashParts(): string[] {
    const parts: string[] = [];
    for (const [p, v] of [...this.staked].sort(([a], [b]) => cmp(a, b))) parts.push(`staked ${p}=${v}`);
    for (const [p, m] of [...this.next].sort(([a], [b]) => cmp(a, b)))
      for (const [n, v] of [...m].sort(([a], [b]) => cmp(a, b))) if (v > 0n) parts.push(`nominated ${p} ${n}=${v}`);
    return parts;
  }
}
