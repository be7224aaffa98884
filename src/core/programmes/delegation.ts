// Staking and delegation (spec 0059-STKG): parties' staking-account balances (associated governance tokens),
// validators, and each party's nominations per validator for the running epoch and for the next one. A delegation
// takes effect at the next epoch; an undelegation at the end of the epoch or now (from the running epoch too).
// The nominations are reconciled against the staking balance every 30 seconds and at every epoch end: the running
// epoch's against the smallest balance the party had during it (retrospectively), the next epoch's against the
// balance now, each cut proportionally across validators (floored, the remainder one token at a time in validator
// order). A party whose nomination reaches 95% of its association enters auto-delegation: at each epoch start its
// un-nominated association is spread over its validators in proportion to its nominations (floored), unless it
// changed its nominations during the ending epoch; an undelegation or a reconciliation cut takes it out of the mode.
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

/**
 * Cuts a party's nominations so that they sum to at most `cap`: each validator gives floor(v × excess / total), then
 * one token at a time from the validators in id order until the excess is covered. True when anything was cut.
 */
function reconcile(m: Map<string, bigint> | undefined, cap: bigint): boolean {
  if (!m) return false;
  const sum = total(m);
  if (sum <= cap) return false;
  const excess = sum - cap;
  const nodes = [...m.keys()].sort(cmp);
  let taken = 0n;
  for (const node of nodes) {
    const v = m.get(node)!;
    const take = (v * excess) / sum;
    m.set(node, v - take);
    taken += take;
  }
  for (const node of nodes) {
    if (taken >= excess) break;
    const v = m.get(node)!;
    if (v > 0n) {
      m.set(node, v - 1n);
      taken += 1n;
    }
  }
  return true;
}

/** The share of its association a party must nominate to enter auto-delegation (spec 0059-STKG). */
const AUTO_DELEGATION_RATIO_PERCENT = 95n;
/** How often nominations are reconciled against the association during an epoch (ns). */
const RECONCILIATION_INTERVAL = 30_000_000_000n;

/** One validator's stake in an epoch: its own key's nomination and every other party's. */
export interface ValidatorStake {
  readonly id: string;
  readonly key: string;
  readonly selfStake: bigint;
  /** other parties' nominations, by party */
  readonly delegators: ReadonlyMap<string, bigint>;
}

export class DelegationEngine {
  private readonly staked = new Map<string, bigint>();
  /** the smallest staking balance of each party in the running epoch */
  private readonly minStaked = new Map<string, bigint>();
  private readonly validators = new Map<string, { key: string }>();
  /** whether any validator was added (until then there is nothing to reconcile on time) */
  private touched = false;
  /** nominations of every epoch so far (the running one is live), by epoch */
  private readonly history = new Map<number, Nominations>();
  private next: Nominations = new Map();
  private epoch = 0;
  /** parties in auto-delegation mode */
  private readonly auto = new Set<string>();
  /** the time of the last reconciliation (undefined before the first tick) */
  private lastReconciliation: bigint | undefined;
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
    this.touched = true;
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
      this.auto.delete(party);
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
    this.auto.delete(party);
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

  /** Each validator's own and delegated stake in the running epoch, in id order. */
  validatorStakes(): ValidatorStake[] {
    const cur = this.current();
    return this.validatorIds().map((id) => {
      const key = this.validators.get(id)!.key;
      let selfStake = 0n;
      const delegators = new Map<string, bigint>();
      for (const [party, m] of [...cur].sort(([a], [b]) => cmp(a, b))) {
        const v = m.get(id) ?? 0n;
        if (v <= 0n) continue;
        if (party === key) selfStake = v;
        else delegators.set(party, v);
      }
      return { id, key, selfStake, delegators };
    });
  }

  isAutoDelegating(party: string): boolean {
    return this.auto.has(party);
  }

  // ------------------------------------------------------------------ time and epochs

  /** Every 30 seconds the nominations are reconciled against the association. */
  onTime(now: bigint): void {
    if (!this.touched) return;
    if (this.lastReconciliation === undefined) {
      this.lastReconciliation = now;
      return;
    }
    if (now - this.lastReconciliation >= RECONCILIATION_INTERVAL) this.reconcileAll(now);
  }

  private reconcileAll(now: bigint | undefined): void {
    const cur = this.current();
    for (const party of [...cur.keys()].sort(cmp))
      if (reconcile(cur.get(party), this.minStaked.get(party) ?? this.stakedOf(party))) this.auto.delete(party);
    for (const party of [...this.next.keys()].sort(cmp))
      if (reconcile(this.next.get(party), this.stakedOf(party))) this.auto.delete(party);
    if (now !== undefined) this.lastReconciliation = now;
  }

  /** End of the running epoch at `time`: its nominations and the next epoch's are reconciled. */
  onEpochEnd(time?: bigint): void {
    this.reconcileAll(time);
  }

  /**
   * Start of epoch `seq`: the next epoch's nominations take effect, then auto-delegation for the parties in that
   * mode that did not change their nominations during the ending epoch, then parties nominating at least 95% of
   * their association enter the mode.
   */
  onEpochStart(seq: number): void {
    const ending = this.history.get(this.epoch);
    const changed = new Set<string>();
    for (const [party, m] of this.next) {
      const was = ending?.get(party);
      for (const [node, v] of m) if ((was?.get(node) ?? -1n) !== v) changed.add(party);
    }
    this.epoch = seq;
    const cur = clone(this.next);
    this.history.set(seq, cur);
    for (const party of [...this.auto].sort(cmp)) {
      const mine = cur.get(party);
      if (!mine || changed.has(party)) continue;
      const nominated = total(mine);
      const staked = this.stakedOf(party);
      if (nominated <= 0n || nominated >= staked) continue;
      const available = staked - nominated;
      const next = this.next.get(party)!;
      for (const node of [...mine.keys()].sort(cmp)) {
        const add = ((mine.get(node) ?? 0n) * available) / nominated; // floor
        if (add <= 0n) continue;
        mine.set(node, mine.get(node)! + add);
        next.set(node, (next.get(node) ?? 0n) + add);
      }
    }
    for (const [party, m] of cur) {
      const staked = this.stakedOf(party);
      if (staked > 0n && total(m) * 100n >= staked * AUTO_DELEGATION_RATIO_PERCENT) this.auto.add(party);
    }
    this.minStaked.clear();
    for (const [p, v] of this.staked) this.minStaked.set(p, v);
  }

  hashParts(): string[] {
    const parts: string[] = [];
    for (const [p, v] of [...this.staked].sort(([a], [b]) => cmp(a, b))) parts.push(`staked ${p}=${v}`);
    for (const [p, m] of [...this.next].sort(([a], [b]) => cmp(a, b)))
      for (const [n, v] of [...m].sort(([a], [b]) => cmp(a, b))) if (v > 0n) parts.push(`nominated ${p} ${n}=${v}`);
    for (const [p, m] of [...this.current()].sort(([a], [b]) => cmp(a, b)))
      for (const [n, v] of [...m].sort(([a], [b]) => cmp(a, b))) if (v > 0n) parts.push(`active ${p} ${n}=${v}`);
    for (const p of [...this.auto].sort(cmp)) parts.push(`auto-delegation ${p}`);
    return parts;
  }
}
