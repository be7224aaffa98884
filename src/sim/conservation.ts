// Money conservation, checked while the simulation runs rather than assumed. The checker keeps its own mirror of
// every account's balance, built only from the engine's ledger events:
//   - every transfer: an amount that is not negative (Vega records some zero transfers), between accounts of one
//     asset, whose two reported balances equal the
//     mirror's previous balances minus and plus the amount (double entry), and no account but EXTERNAL below zero;
//   - every block: each account touched in the block holds, in the engine, exactly the mirror's balance (no balance
//     changed without a ledger event), and per asset the money held equals the net deposits (Σ non-EXTERNAL
//     balances = −EXTERNAL);
//   - every `fullScanEvery` blocks and at the end: every account of the engine against the mirror, and the engine's
//     own sums (held vs net deposits) recomputed from its accounts.
// The first failure is kept with its block and reason; `ok` is false from then on.
import type { Account, LedgerEntry } from '../core/index.ts';

export interface ConservationReport {
  readonly ok: boolean;
  /** blocks whose end-of-block check ran */
  readonly blocksChecked: number;
  readonly transfersChecked: number;
  readonly fullScans: number;
  readonly accounts: number;
  /** the first failure, when there was one */
  readonly failure?: string;
  /** net deposits per asset at the end (asset precision, as decimal strings) */
  readonly netDeposits: Record<string, string>;
}

/** The mirror of one account: its balance as the ledger events say, and the last block it was touched in. */
interface Mirrored {
  readonly account: Account;
  balance: bigint;
  /** the block (endBlock count) it was last touched in; -1 before the first transfer */
  touchedIn: number;
  /** the per-asset sum this account counts in, undefined for EXTERNAL accounts */
  readonly held: HeldSum | undefined;
}

/** Σ of the non-EXTERNAL mirrored balances of one asset, and the asset's EXTERNAL account (minus net deposits). */
interface HeldSum {
  readonly asset: string;
  sum: bigint;
  external: Mirrored | undefined;
}

export class ConservationChecker {
  // one record per account, found with one map lookup per side of a transfer (balance, touched flag and the
  // asset's sum together), and the accounts touched in this block as a list (each once, by its touchedIn mark)
  private readonly mirror = new Map<Account, Mirrored>();
  private touched: Mirrored[] = [];
  private readonly held = new Map<string, HeldSum>();
  private failure: string | undefined;
  private blocks = 0;
  private transfers = 0;
  private scans = 0;
  /** label of the current block for failure messages: a string, or a function called only when a check fails (so
   * that a caller need not build a label per block) */
  where: string | (() => string) = '';

  private fail(msg: string): void {
    if (this.failure === undefined)
      this.failure = `${typeof this.where === 'string' ? this.where : this.where()}: ${msg}`;
  }

  /** No failure so far. */
  get ok(): boolean {
    return this.failure === undefined;
  }

  onAccountCreated(a: Account): void {
    this.record(a);
  }

  private record(a: Account): Mirrored {
    const known = this.mirror.get(a);
    if (known !== undefined) return known;
    let h = this.held.get(a.asset);
    if (h === undefined) this.held.set(a.asset, (h = { asset: a.asset, sum: 0n, external: undefined }));
    const m: Mirrored = { account: a, balance: a.balance, touchedIn: -1, held: a.type === 'EXTERNAL' ? undefined : h };
    this.mirror.set(a, m);
    if (a.balance !== 0n) this.fail(`account ${a.id} created with balance ${a.balance}`);
    if (a.type === 'EXTERNAL') h.external = m;
    return m;
  }

  onEntry(e: LedgerEntry): void {
    this.transfers++;
    const { from, to, amount } = e;
    const mf = this.mirror.get(from) ?? this.record(from);
    const mt = this.mirror.get(to) ?? this.record(to);
    if (amount < 0n) this.fail(`transfer ${e.type} of a negative amount ${amount}`);
    if (from.asset !== to.asset) this.fail(`transfer ${e.type} across assets ${from.asset} → ${to.asset}`);
    const f = mf.balance - amount;
    const t = mt.balance + amount;
    if (f !== e.fromBalance)
      this.fail(`transfer ${e.type}: ${from.id} reports ${e.fromBalance}, expected ${f} (${amount} out)`);
    if (t !== e.toBalance)
      this.fail(`transfer ${e.type}: ${to.id} reports ${e.toBalance}, expected ${t} (${amount} in)`);
    if (mf.held !== undefined && e.fromBalance < 0n) this.fail(`${from.id} went negative (${e.fromBalance})`);
    mf.balance = e.fromBalance;
    mt.balance = e.toBalance;
    if (mf.held !== undefined) mf.held.sum -= amount;
    if (mt.held !== undefined) mt.held.sum += amount;
    const block = this.blocks;
    if (mf.touchedIn !== block) {
      mf.touchedIn = block;
      this.touched.push(mf);
    }
    if (mt.touchedIn !== block) {
      mt.touchedIn = block;
      this.touched.push(mt);
    }
  }

  /** End of a block: the touched accounts against the engine, held against net deposits. */
  endBlock(): void {
    const touched = this.touched;
    for (let i = 0; i < touched.length; i++) {
      const m = touched[i]!;
      if (m.account.balance !== m.balance)
        this.fail(`${m.account.id}: engine holds ${m.account.balance}, the ledger events say ${m.balance}`);
    }
    touched.length = 0;
    this.blocks++;
    for (const h of this.held.values()) {
      const net = h.external ? -h.external.balance : 0n;
      if (h.sum !== net) this.fail(`asset ${h.asset}: accounts hold ${h.sum}, net deposits are ${net}`);
    }
  }

  /** Every account of the engine against the mirror, and the engine's own totals. */
  fullScan(accounts: Iterable<Account>): void {
    this.scans++;
    const held = new Map<string, bigint>();
    const ext = new Map<string, bigint>();
    let n = 0;
    for (const a of accounts) {
      n++;
      const m = this.mirror.get(a);
      if (m === undefined) this.fail(`${a.id} exists in the engine but no event created it`);
      else if (m.balance !== a.balance)
        this.fail(`${a.id}: engine holds ${a.balance}, the ledger events say ${m.balance}`);
      if (a.type === 'EXTERNAL') ext.set(a.asset, (ext.get(a.asset) ?? 0n) + a.balance);
      else held.set(a.asset, (held.get(a.asset) ?? 0n) + a.balance);
    }
    if (n !== this.mirror.size) this.fail(`the engine has ${n} accounts, the events created ${this.mirror.size}`);
    for (const [asset, h] of held) {
      const e = ext.get(asset) ?? 0n;
      if (h !== -e) this.fail(`asset ${asset}: the engine's accounts hold ${h}, net deposits are ${-e}`);
    }
  }

  report(): ConservationReport {
    const netDeposits: Record<string, string> = {};
    for (const h of this.held.values())
      if (h.external !== undefined) netDeposits[h.asset] = (-h.external.balance).toString();
    return {
      ok: this.failure === undefined,
      blocksChecked: this.blocks,
      transfersChecked: this.transfers,
      fullScans: this.scans,
      accounts: this.mirror.size,
      ...(this.failure !== undefined ? { failure: this.failure } : {}),
      netDeposits,
    };
  }
}
