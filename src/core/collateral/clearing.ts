// Clearing a market's accounts (spec 0005-COLL collateral, 0015-INSR insurance pool, 0002-STTL final settlement,
// 0081-SUCM succession): the settlement account's residue swept after funding or final settlement, the parties'
// margin, order-margin and bond accounts returned to general when the market closes, the market's fee accounts to its
// insurance pool, and that pool to the asset's global insurance pool. The market decides when (market/products.ts,
// market/lifecycle.ts); this file moves the money through ClearingHost.
import type { Account, Ledger } from '../ledger/ledger.ts';
import { NETWORK_PARTY, SYSTEM_OWNER } from '../types.ts';

/** The market's own accounts the clearing moves money between. */
export interface ClearingHost {
  readonly ledger: Ledger;
  readonly asset: string;
  readonly marketId: string;
  readonly insurance: Account;
  readonly settlementAccount: Account;
  readonly liquidityFeeAccount: Account;
  readonly makerFeeAccount: Account;
  readonly bonusAccount: Account;
}

export class AccountClearing {
  constructor(private readonly host: ClearingHost) {}

  /** What is left in the settlement account (truncation residue of a funding exchange) goes to the insurance pool. */
  settlementResidueToInsurance(): void {
    const h = this.host;
    if (h.settlementAccount.balance > 0n)
      h.ledger.transfer(h.settlementAccount, h.insurance, h.settlementAccount.balance, 'CLEAR_ACCOUNT');
  }

  /** What is left in the settlement account after final settlement goes to the asset's global insurance pool. */
  settlementResidueToGlobal(): void {
    const h = this.host;
    if (h.settlementAccount.balance > 0n) {
      const global = h.ledger.getOrCreate(SYSTEM_OWNER, 'GLOBAL_INSURANCE', h.asset);
      h.ledger.transfer(h.settlementAccount, global, h.settlementAccount.balance, 'CLEAR_ACCOUNT');
    }
  }

  /**
   * A closing market: each party's margin, order-margin and bond accounts back to general (in party-id order, Vega
   * recording a transfer even for an empty account), its LP fee account to the insurance pool, then the market's fee,
   * settlement and bonus accounts to the insurance pool.
   */
  clearMarketAccounts(parties: Iterable<string>): void {
    const h = this.host;
    const l = h.ledger;
    for (const party of [...new Set(parties)].sort()) {
      if (party === NETWORK_PARTY) continue;
      const general = l.getOrCreate(party, 'GENERAL', h.asset);
      for (const type of ['MARGIN', 'ORDER_MARGIN', 'BOND'] as const) {
        const a = l.get(party, type, h.asset, h.marketId);
        if (a) l.transfer(a, general, a.balance, 'CLEAR_ACCOUNT', { recordZero: true });
      }
      const lpFees = l.get(party, 'LP_LIQUIDITY_FEES', h.asset, h.marketId);
      if (lpFees && lpFees.balance > 0n) l.transfer(lpFees, h.insurance, lpFees.balance, 'CLEAR_ACCOUNT');
    }
    for (const a of [h.liquidityFeeAccount, h.makerFeeAccount, h.settlementAccount, h.bonusAccount]) {
      if (a.balance > 0n) l.transfer(a, h.insurance, a.balance, 'CLEAR_ACCOUNT');
    }
  }

  /** The fee and settlement accounts to the insurance pool, then the pool to the asset's global insurance pool. */
  clearInsurancePool(): void {
    const h = this.host;
    const l = h.ledger;
    for (const a of [h.liquidityFeeAccount, h.makerFeeAccount, h.settlementAccount]) {
      if (a.balance > 0n) l.transfer(a, h.insurance, a.balance, 'CLEAR_ACCOUNT');
    }
    if (h.insurance.balance > 0n)
      l.transfer(
        h.insurance,
        l.getOrCreate(SYSTEM_OWNER, 'GLOBAL_INSURANCE', h.asset),
        h.insurance.balance,
        'CLEAR_ACCOUNT',
      );
  }
}
