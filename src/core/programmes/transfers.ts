// Transfers between accounts (spec 0057-TRAN): one-off transfers (debited at once with their fee into the pending
// transfers account, delivered at their delivery time, at once when it has passed) and recurring transfers (made at
// each epoch end from the start epoch to the end epoch, the amount decaying by `factor` each epoch; cancelled when
// the source cannot pay or the amount falls below the minimum). The fee is
// min(amount × transfer.fee.factor, transfer.fee.maxQuantumAmount × quantum), floored, paid to the asset's
// infrastructure fee account, less the party's fee-free discount: the trading fees it paid or received, decayed by
// transfer.feeDiscountDecayFraction each epoch and forgotten below transfer.feeDiscountMinimumTrackedAmount × quantum.
import { Decimal } from '../num/decimal.ts';

/** Account kinds a transfer moves between (Vega's ACCOUNT_TYPE_… without the prefix). */
export type TransferAccountKind =
  | 'GENERAL'
  | 'VESTED_REWARDS'
  | 'GLOBAL_REWARD'
  | 'REWARD_MAKER_PAID_FEES'
  | 'REWARD_MAKER_RECEIVED_FEES'
  | 'REWARD_LP_RECEIVED_FEES'
  | 'REWARD_MARKET_PROPOSERS'
  | 'REWARD_AVERAGE_NOTIONAL'
  | 'REWARD_RELATIVE_RETURN'
  | 'REWARD_RETURN_VOLATILITY'
  | 'REWARD_VALIDATOR_RANKING'
  | 'REWARD_REALISED_RETURN'
  | 'REWARD_ELIGIBLE_ENTITIES'
  | 'NETWORK_TREASURY'
  | 'BUY_BACK_FEES';

const FROM_KINDS = new Set<string>(['GENERAL', 'VESTED_REWARDS']);
const TO_KINDS = new Set<string>([
  'GENERAL',
  'GLOBAL_REWARD',
  'REWARD_MAKER_PAID_FEES',
  'REWARD_MAKER_RECEIVED_FEES',
  'REWARD_LP_RECEIVED_FEES',
  'REWARD_MARKET_PROPOSERS',
  'REWARD_AVERAGE_NOTIONAL',
  'REWARD_RELATIVE_RETURN',
  'REWARD_RETURN_VOLATILITY',
  'REWARD_VALIDATOR_RANKING',
  'REWARD_REALISED_RETURN',
  'REWARD_ELIGIBLE_ENTITIES',
  'NETWORK_TREASURY',
  'BUY_BACK_FEES',
]);

export function isTransferFromKind(k: string): k is TransferAccountKind {
  return FROM_KINDS.has(k);
}

export function isTransferToKind(k: string): k is TransferAccountKind {
  return TO_KINDS.has(k);
}

/** What the transfers need of the exchange: balances, exact moves, an asset's quantum. */
export interface TransferHost {
  /** quantum of an enabled asset, undefined if the asset is unknown */
  quantum(asset: string): Decimal | undefined;
  /** balance of a party's account; undefined when it does not exist */
  balance(party: string, kind: 'GENERAL' | 'VESTED_REWARDS', asset: string): bigint | undefined;
  /** the sender pays `amount` to the pending transfers account and `fee` to the infrastructure fee account */
  collect(party: string, kind: 'GENERAL' | 'VESTED_REWARDS', asset: string, amount: bigint, fee: bigint): void;
  /** the pending transfers account pays `amount` to the destination account */
  deliver(to: string, kind: TransferAccountKind, asset: string, amount: bigint, rewardKey: string): void;
}

export interface TransferBase {
  readonly id: string;
  readonly from: string;
  readonly fromKind: string;
  readonly to: string;
  readonly toKind: string;
  readonly asset: string;
  readonly amount: bigint;
}

export interface OneOffTransfer extends TransferBase {
  /** ns since the Unix epoch */
  readonly deliverOn: bigint;
}

/** What a recurring transfer to a reward account rewards (spec 0056-REWA dispatch strategy). */
export interface DispatchStrategy {
  readonly metric: string;
  readonly metricAsset: string;
  readonly markets: readonly string[];
  readonly key: string;
}

export interface RecurringTransfer extends TransferBase {
  readonly startEpoch: number;
  readonly endEpoch: number | undefined;
  readonly factor: Decimal;
  readonly dispatch?: DispatchStrategy;
}

export interface TransferParams {
  feeFactor: Decimal;
  maxQuantumAmount: Decimal | undefined;
  minTransferQuantumMultiple: Decimal;
  feeDiscountDecayFraction: Decimal;
  feeDiscountMinimumTrackedAmount: Decimal;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class TransfersEngine {
  readonly params: TransferParams = {
    feeFactor: Decimal.ZERO,
    maxQuantumAmount: undefined,
    minTransferQuantumMultiple: Decimal.ZERO,
    feeDiscountDecayFraction: Decimal.ZERO,
    feeDiscountMinimumTrackedAmount: Decimal.ZERO,
  };
  private readonly pending: { t: OneOffTransfer; seq: number }[] = [];
  private seq = 0;
  private readonly recurring = new Map<string, RecurringTransfer>();
  /** recurring transfers made at the last epoch end, in order */
  private paidLast: RecurringTransfer[] = [];
  /** fee-free discount per `${party}|${asset}` */
  private readonly discounts = new Map<string, bigint>();
  /** trading fees paid or received in the running epoch, per `${party}|${asset}` */
  private readonly epochFees = new Map<string, bigint>();

  constructor(private readonly host: TransferHost) {}

  private validate(t: TransferBase): Decimal {
    if (t.from === '') throw new RangeError('invalid from account');
    if (t.to === '') throw new RangeError('invalid to account');
    if (t.amount <= 0n) throw new RangeError('cannot transfer zero funds');
    if (!isTransferFromKind(t.fromKind)) throw new RangeError('unsupported from account type');
    if (!isTransferToKind(t.toKind)) throw new RangeError('unsupported to account type');
    const q = this.host.quantum(t.asset);
    if (!q) throw new RangeError(`asset ${t.asset} does not exist`);
    return q;
  }

  /** The transfer fee before the fee-free discount. */
  feeFor(asset: string, amount: bigint): bigint {
    const q = this.host.quantum(asset) ?? Decimal.ONE;
    let fee = Decimal.fromBigInt(amount).mul(this.params.feeFactor);
    if (this.params.maxQuantumAmount) fee = Decimal.min(fee, this.params.maxQuantumAmount.mul(q));
    return fee.floor();
  }

  discountOf(party: string, asset: string): bigint {
    return this.discounts.get(`${party}|${asset}`) ?? 0n;
  }

  setDiscount(party: string, asset: string, amount: bigint): void {
    this.discounts.set(`${party}|${asset}`, amount);
  }

  /** Charges the amount and the (discounted) fee, or throws when the source cannot pay both. */
  private charge(t: TransferBase, amount: bigint): void {
    const full = this.feeFor(t.asset, amount);
    const key = `${t.from}|${t.asset}`;
    const c = this.discounts.get(key) ?? 0n;
    const fee = full > c ? full - c : 0n;
    const kind = t.fromKind as 'GENERAL' | 'VESTED_REWARDS';
    const balance = this.host.balance(t.from, kind, t.asset);
    // Vega names the missing account by its id: market ("!" for none), owner, asset, account type number
    if (balance === undefined)
      throw new RangeError(
        `could not pay the fee for transfer: account does not exist: !${t.from}${t.asset}${kind === 'GENERAL' ? 4 : 22}`,
      );
    if (balance < amount + fee)
      throw new RangeError('could not pay the fee for transfer: not enough funds to transfer');
    this.host.collect(t.from, kind, t.asset, amount, fee);
    if (c > 0n) this.discounts.set(key, c > full ? c - full : 0n);
  }

  submitOneOff(t: OneOffTransfer, now: bigint): void {
    this.validate(t);
    this.charge(t, t.amount);
    if (t.deliverOn <= now) this.deliver(t, t.amount);
    else this.pending.push({ t, seq: this.seq++ });
  }

  submitRecurring(t: RecurringTransfer): void {
    if (t.startEpoch === 0) throw new RangeError('start epoch is zero');
    if (t.endEpoch === 0) throw new RangeError('end epoch is zero');
    this.validate(t);
    if (t.endEpoch !== undefined && t.endEpoch < t.startEpoch) throw new RangeError('end epoch is before start epoch');
    if (this.recurring.has(t.id)) throw new RangeError(`recurring transfer ${t.id} already exists`);
    this.recurring.set(t.id, t);
  }

  cancelRecurring(party: string, id: string): void {
    const t = this.recurring.get(id);
    if (!t || t.from !== party) throw new RangeError('recurring transfer does not exists');
    this.recurring.delete(id);
  }

  private deliver(t: TransferBase, amount: bigint): void {
    this.host.deliver(t.to, t.toKind as TransferAccountKind, t.asset, amount, dispatchKey(t));
  }

  /** Delivers the one-off transfers whose time has come, in the order they were made. */
  onTime(now: bigint): void {
    if (this.pending.length === 0) return;
    const due = this.pending.filter((p) => p.t.deliverOn <= now).sort((a, b) => a.seq - b.seq);
    if (due.length === 0) return;
    for (const d of due) this.pending.splice(this.pending.indexOf(d), 1);
    for (const d of due) this.deliver(d.t, d.t.amount);
  }

  /** Records trading fees paid or received (for the fee-free discount). */
  recordTradingFees(party: string, asset: string, amount: bigint): void {
    if (amount <= 0n) return;
    const key = `${party}|${asset}`;
    this.epochFees.set(key, (this.epochFees.get(key) ?? 0n) + amount);
  }

  /**
   * End of epoch `seq`: the recurring transfers due (a transfer funding rewards is skipped, not cancelled, in an
   * epoch where `payable` says nobody would receive them), then the fee-free discounts decay and grow.
   */
  onEpochEnd(
    seq: number,
    payable: (t: RecurringTransfer) => boolean = () => true,
    scale: (t: RecurringTransfer, amount: bigint) => bigint = (_t, a) => a,
    interval: (t: RecurringTransfer) => number | undefined = () => undefined,
  ): void {
    this.paidLast = [];
    for (const id of [...this.recurring.keys()].sort(cmp)) {
      const t = this.recurring.get(id)!;
      if (seq < t.startEpoch) continue;
      if (t.endEpoch !== undefined && seq > t.endEpoch) {
        this.recurring.delete(id);
        continue;
      }
      // a transfer with an interval of n epochs is made at the end of every n-th epoch from its start
      const n = interval(t);
      if (n !== undefined && n > 1 && (seq - t.startEpoch + 1 < n || (seq - t.startEpoch + 1) % n !== 0)) continue;
      const full = Decimal.fromBigInt(t.amount)
        .mul(t.factor.pow(Decimal.fromInt(seq - t.startEpoch)))
        .floor();
      const amount = scale(t, full);
      if (!payable(t)) continue;
      const q = this.host.quantum(t.asset) ?? Decimal.ONE;
      if (Decimal.fromBigInt(amount).lt(this.params.minTransferQuantumMultiple.mul(q)) || full <= 0n) {
        this.recurring.delete(id);
        continue;
      }
      // scaled down to nothing (no notional traded): nothing is transferred this epoch
      if (amount <= 0n) continue;
      try {
        this.charge(t, amount);
      } catch {
        this.recurring.delete(id);
        continue;
      }
      this.deliver(t, amount);
      this.paidLast.push(t);
      if (t.endEpoch !== undefined && seq >= t.endEpoch) this.recurring.delete(id);
    }
    const keys = new Set([...this.discounts.keys(), ...this.epochFees.keys()]);
    for (const key of [...keys].sort(cmp)) {
      const asset = key.slice(key.indexOf('|') + 1);
      const q = this.host.quantum(asset) ?? Decimal.ONE;
      let c = Decimal.fromBigInt(this.discounts.get(key) ?? 0n)
        .mul(this.params.feeDiscountDecayFraction)
        .floor();
      c += this.epochFees.get(key) ?? 0n;
      if (Decimal.fromBigInt(c).lt(this.params.feeDiscountMinimumTrackedAmount.mul(q))) c = 0n;
      if (c === 0n) this.discounts.delete(key);
      else this.discounts.set(key, c);
    }
    this.epochFees.clear();
  }

  /** The recurring transfers made at the last epoch end. */
  paidThisEpoch(): readonly RecurringTransfer[] {
    return this.paidLast;
  }

  activeRecurring(): RecurringTransfer[] {
    return [...this.recurring.values()].sort((a, b) => cmp(a.id, b.id));
  }

  hashParts(): string[] {
    return [
      ...this.pending.map((p) => `pending ${p.t.id} ${p.t.to} ${p.t.amount} ${p.t.deliverOn}`),
      ...this.activeRecurring().map((t) => `recurring ${t.id} ${t.from} ${t.to} ${t.amount}`),
      ...[...this.discounts].sort(([a], [b]) => cmp(a, b)).map(([k, v]) => `transfer-discount ${k}=${v}`),
    ];
  }
}

/** The reward pool a transfer pays into: one per metric, metric asset and markets (empty for plain accounts). */
export function dispatchKey(t: TransferBase & { dispatch?: DispatchStrategy }): string {
  return t.dispatch?.key ?? '';
}
