// Accounts and double-entry transfers (spec 0013-ACCT accounts, 0005-COLL collateral).
// Every balance change is a transfer between two accounts and is reported as a ledger entry; deposits and
// withdrawals move money to and from the asset's EXTERNAL account, whose balance is minus the net deposits,
// so the sum of all accounts of an asset (EXTERNAL included) is always zero.
import type { AccountType, TransferType } from '../types.ts';
import { SYSTEM_OWNER } from '../types.ts';

export interface Account {
  readonly id: string;
  readonly owner: string;
  readonly type: AccountType;
  readonly asset: string;
  /** '' for accounts that belong to no market (general, global insurance, infrastructure fees, external). */
  readonly market: string;
  balance: bigint;
}

export interface LedgerEntry {
  readonly from: Account;
  readonly to: Account;
  readonly amount: bigint;
  readonly type: TransferType;
  readonly fromBalance: bigint;
  readonly toBalance: bigint;
}

export interface LedgerListener {
  onAccountCreated?(account: Account): void;
  onEntry?(entry: LedgerEntry): void;
}

export function accountId(owner: string, type: AccountType, asset: string, market: string): string {
  return `${market || '!'}|${owner}|${asset}|${type}`;
}

export class InsufficientFundsError extends Error {
  constructor(
    readonly account: Account,
    readonly amount: bigint,
  ) {
    super(`account ${account.id} holds ${account.balance}, cannot pay ${amount}`);
  }
}

export class Ledger {
  private readonly accounts = new Map<string, Account>();
  private readonly byOwner = new Map<string, Account[]>();
  listener: LedgerListener = {};

  get(owner: string, type: AccountType, asset: string, market = ''): Account | undefined {
    // a scan of the owner's few accounts: cheaper than building and hashing the id on every lookup
    const list = this.byOwner.get(owner);
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      if (a.type === type && a.market === market && a.asset === asset) return a;
    }
    return undefined;
  }

  getOrCreate(owner: string, type: AccountType, asset: string, market = ''): Account {
    let acc = this.get(owner, type, asset, market);
    if (!acc) {
      const id = accountId(owner, type, asset, market);
      acc = { id, owner, type, asset, market, balance: 0n };
      this.accounts.set(id, acc);
      let list = this.byOwner.get(owner);
      if (!list) this.byOwner.set(owner, (list = []));
      list.push(acc);
      this.listener.onAccountCreated?.(acc);
    }
    return acc;
  }

  /** The asset's EXTERNAL account (source of deposits, sink of withdrawals). */
  external(asset: string): Account {
    return this.getOrCreate(SYSTEM_OWNER, 'EXTERNAL', asset, '');
  }

  /** Moves `amount` (> 0) from one account to another; throws if `from` holds less (EXTERNAL may go negative). */
  transfer(
    from: Account,
    to: Account,
    amount: bigint,
    type: TransferType,
    opts: { recordZero?: boolean } = {},
  ): LedgerEntry | undefined {
    if (amount < 0n) throw new RangeError(`negative transfer ${amount} (${type})`);
    if (amount === 0n && !opts.recordZero) return undefined;
    if (from.asset !== to.asset) throw new Error(`transfer across assets ${from.asset} -> ${to.asset}`);
    if (from.type !== 'EXTERNAL' && from.balance < amount) throw new InsufficientFundsError(from, amount);
    from.balance -= amount;
    to.balance += amount;
    const entry: LedgerEntry = { from, to, amount, type, fromBalance: from.balance, toBalance: to.balance };
    this.listener.onEntry?.(entry);
    return entry;
  }

  /** Moves min(amount, from.balance) and returns what was moved. */
  transferUpTo(from: Account, to: Account, amount: bigint, type: TransferType): bigint {
    const moved = amount < from.balance ? amount : from.balance;
    if (moved > 0n) this.transfer(from, to, moved, type);
    return moved > 0n ? moved : 0n;
  }

  accountsOf(owner: string): readonly Account[] {
    return this.byOwner.get(owner) ?? [];
  }

  all(): IterableIterator<Account> {
    return this.accounts.values();
  }

  /** Sum of all non-EXTERNAL balances of an asset (equals net deposits when money is conserved). */
  totalHeld(asset: string): bigint {
    let t = 0n;
    for (const a of this.accounts.values()) if (a.asset === asset && a.type !== 'EXTERNAL') t += a.balance;
    return t;
  }

  /** Net deposits of an asset: minus the EXTERNAL account's balance. */
  netDeposits(asset: string): bigint {
    return -(this.get(SYSTEM_OWNER, 'EXTERNAL', asset)?.balance ?? 0n);
  }

  assets(): string[] {
    const s = new Set<string>();
    for (const a of this.accounts.values()) s.add(a.asset);
    return [...s].sort();
  }
}
