// Mark-to-market-like cash flows (spec 0003-MTMK, 0053-PERP funding, 0002-STTL final settlement, 0005-COLL
// collateral, 0015-INSR insurance pool): losses collected into the market's settlement account from each party's
// margin, general (cross margin only), bond and the insurance pool, wins paid out of it, and the loss socialisation
// when less was collected than the wins expect. The market hands in its accounts through CashFlowHost.
import type { EngineEvent } from '../events.ts';
import type { Account, Ledger } from '../ledger/ledger.ts';
import { Decimal } from '../num/decimal.ts';
import type { TransferType } from '../types.ts';
import { NETWORK_PARTY } from '../types.ts';

/** What the cash flows need of the market: the ledger, its accounts and its event sink. */
export interface CashFlowHost {
  readonly ledger: Ledger;
  readonly marketId: string;
  readonly insurance: Account;
  readonly settlementAccount: Account;
  /** a party's margin account in the market (created when missing) */
  marginAccount(party: string): Account;
  /** a party's general account in the settlement asset, if it has one */
  general(party: string): Account | undefined;
  /** a party's bond account in the market, if it has one */
  bond(party: string): Account | undefined;
  /** whether the party trades the market in isolated margin mode (its general account is not drawn on) */
  isIsolated(party: string): boolean;
  emit(e: EngineEvent): void;
}

export class CashFlows {
  constructor(private readonly host: CashFlowHost) {}

  /**
   * Mark-to-market-like cash flows (MTM, funding, final settlement; collateral mtmOrFundingSettlement): losses, in
   * order, from margin → general → bond → market insurance pool (the network: the pool only) into the settlement
   * account; if less was collected than the wins expect, each win is floored pro rata (the remainder to the network's
   * win, else the last win) and loss-socialisation events are emitted; wins go to margin accounts (the network's to
   * the pool). Returns the parties in the order processed.
   */
  settle(
    entries: { party: string; amount: bigint }[],
    kind: { loss: TransferType; win: TransferType; funding: boolean },
  ): string[] {
    const l = this.host.ledger;
    const order: string[] = [];
    let expected = 0n;
    for (const e of entries) if (e.amount > 0n) expected += e.amount;
    for (const e of entries) {
      order.push(e.party);
      if (e.amount >= 0n) continue;
      let left = -e.amount;
      if (e.party === NETWORK_PARTY) {
        left -= l.transferUpTo(this.host.insurance, this.host.settlementAccount, left, kind.loss);
        continue;
      }
      const isolated = this.host.isIsolated(e.party);
      for (const src of [
        this.host.marginAccount(e.party),
        isolated ? undefined : this.host.general(e.party),
        this.host.bond(e.party),
        this.host.insurance,
      ]) {
        if (!src || left === 0n) continue;
        left -= l.transferUpTo(src, this.host.settlementAccount, left, kind.loss);
      }
      if (left > 0n)
        this.host.emit({
          type: 'lossSocialisation',
          marketId: this.host.marketId,
          party: e.party,
          amount: left,
          funding: kind.funding,
        });
    }
    const collected = this.host.settlementAccount.balance;
    const wins = entries.filter((e) => e.amount > 0n);
    if (collected < expected && wins.length > 0) {
      const ratio = Decimal.fromBigInt(collected).div(Decimal.fromBigInt(expected));
      let paid = 0n;
      const reduced = wins.map((w) => {
        const nw = Decimal.fromBigInt(w.amount).mul(ratio).floor();
        paid += nw;
        return { w, original: w.amount, nw };
      });
      const mismatch = collected - paid;
      const net = reduced.find((r) => r.w.party === NETWORK_PARTY);
      if (mismatch !== 0n) {
        if (net) net.nw += mismatch;
        else reduced[reduced.length - 1]!.nw += mismatch;
      }
      for (const r of reduced) {
        r.w.amount = r.nw;
        if (r.w.party !== NETWORK_PARTY) {
          this.host.emit({
            type: 'lossSocialisation',
            marketId: this.host.marketId,
            party: r.w.party,
            amount: r.nw - r.original,
            funding: kind.funding,
          });
        }
      }
    }
    for (const w of wins) {
      const to = w.party === NETWORK_PARTY ? this.host.insurance : this.host.marginAccount(w.party);
      let left = w.amount;
      // a win socialised down to nothing is still paid, as a transfer of 0 (Vega records it)
      if (left === 0n) l.transfer(this.host.settlementAccount, to, 0n, kind.win, { recordZero: true });
      left -= l.transferUpTo(this.host.settlementAccount, to, left, kind.win);
      if (left > 0n && to !== this.host.insurance) left -= l.transferUpTo(this.host.insurance, to, left, kind.win);
    }
    return order;
  }
}
