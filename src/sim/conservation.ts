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

export class ConservationChecker {
  private readonly mirror = new Map<Account, bigint>();
  private readonly touched = new Set<Account>();
  /** Σ of non-EXTERNAL mirrored balances, per asset */
  private readonly held = new Map<string, bigint>();
  private readonly external = new Map<string, Account>();
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
    if (this.mirror.has(a)) return;
    this.mirror.set(a, a.balance);
    if (a.balance !== 0n) this.fail(`account ${a.id} created with balance ${a.balance}`);
    if (a.type === 'EXTERNAL') this.external.set(a.asset, a);
    if (!this.held.has(a.asset)) this.held.set(a.asset, 0n);
  }

  onEntry(e: LedgerEntry): void {
    this.transfers++;
    const { from, to, amount } = e;
    let mf = this.mirror.get(from);
    if (mf === undefined) {
      this.onAccountCreated(from);
      mf = this.mirror.get(from)!;
    }
    let mt = this.mirror.get(to);
    if (mt === undefined) {
      this.onAccountCreated(to);
      mt = this.mirror.get(to)!;
    }
    if (amount < 0n) this.fail(`transfer ${e.type} of a negative amount ${amount}`);
    if (from.asset !== to.asset) this.fail(`transfer ${e.type} across assets ${from.asset} → ${to.asset}`);
    const f = mf - amount;
    const t = mt + amount;
    if (f !== e.fromBalance)
      this.fail(`transfer ${e.type}: ${from.id} reports ${e.fromBalance}, expected ${f} (${amount} out)`);
    if (t !== e.toBalance)
      this.fail(`transfer ${e.type}: ${to.id} reports ${e.toBalance}, expected ${t} (${amount} in)`);
    if (from.type !== 'EXTERNAL' && e.fromBalance < 0n) this.fail(`${from.id} went negative (${e.fromBalance})`);
    this.mirror.set(from, e.fromBalance);
    this.mirror.set(to, e.toBalance);
    const heldDelta = (to.type !== 'EXTERNAL' ? amount : 0n) - (from.type !== 'EXTERNAL' ? amount : 0n);
    if (heldDelta !== 0n) this.held.set(from.asset, (this.held.get(from.asset) ?? 0n) + heldDelta);
    this.touched.add(from);
    this.touched.add(to);
  }

  /** End of a block: the touched accounts against the engine, held against net deposits. */
  endBlock(): void {
    this.blocks++;
    for (const a of this.touched) {
      if (a.balance !== this.mirror.get(a))
        this.fail(`${a.id}: engine holds ${a.balance}, the ledger events say ${this.mirror.get(a)}`);
    }
    this.touched.clear();
    for (const [asset, held] of this.held) {
      const ext = this.external.get(asset);
      const net = ext ? -this.mirror.get(ext)! : 0n;
      if (held !== net) this.fail(`asset ${asset}: accounts hold ${held}, net deposits are ${net}`);
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
      else if (m !== a.balance) this.fail(`${a.id}: engine holds ${a.balance}, the ledger events say ${m}`);
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
    for (const [asset, a] of this.external) netDeposits[asset] = (-this.mirror.get(a)!).toString();
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
