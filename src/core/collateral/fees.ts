// Fee payments (spec 0029-FEES, 0005-COLL): every transfer a trade's fees make. In continuous trading the aggressor
// pays each fee from its general then margin account and the passive party receives the maker fee; at an auction
// uncrossing each side pays half of every fee but the maker fee; network disposal trades pay from the insurance pool.
// The market hands in its accounts through FeeTransferHost.
import type { FeeBreakdown, Trade } from '../events.ts';
import { NO_FEES } from '../events.ts';
import type { Account, Ledger } from '../ledger/ledger.ts';
import type { TransferType } from '../types.ts';
import { NETWORK_PARTY, SYSTEM_OWNER } from '../types.ts';

/** What the fee transfers need of the market: the ledger, its asset and accounts. */
export interface FeeTransferHost {
  readonly ledger: Ledger;
  readonly asset: string;
  readonly insurance: Account;
  readonly makerFeeAccount: Account;
  readonly infrastructureFeeAccount: Account;
  readonly liquidityFeeAccount: Account;
  /** a party's general account in the settlement asset, if it has one */
  general(party: string): Account | undefined;
  /** a party's margin account in the market (created when missing) */
  marginAccount(party: string): Account;
}

export class FeeTransfers {
  constructor(private readonly host: FeeTransferHost) {}

  /**
   * Fee transfers of continuous trading (fee engine order): per trade the maker, buy-back and treasury fees, then
   * the infrastructure and liquidity fees of all trades together, then the makers receive theirs. The aggressor
   * pays from general, then margin.
   */
  payContinuous(payer: string, fees: readonly FeeBreakdown[], trades: readonly Trade[]): void {
    let infra = 0n;
    let liquidity = 0n;
    fees.forEach((fee) => {
      this.payFrom(payer, fee.makerFee, this.host.makerFeeAccount, 'MAKER_FEE_PAY');
      this.payFrom(payer, fee.buyBackFee, this.buyBackAccount(), 'BUY_BACK_FEE_PAY');
      this.payFrom(payer, fee.treasuryFee, this.treasuryAccount(), 'TREASURY_FEE_PAY');
      infra += fee.infrastructureFee;
      liquidity += fee.liquidityFee;
    });
    this.payFrom(payer, infra, this.host.infrastructureFeeAccount, 'INFRASTRUCTURE_FEE_PAY');
    this.payFrom(payer, liquidity, this.host.liquidityFeeAccount, 'LIQUIDITY_FEE_PAY');
    fees.forEach((fee, i) => {
      const t = trades[i]!;
      const maker = t.buyer === payer ? t.seller : t.buyer;
      this.receiveMakerFee(maker, fee.makerFee);
      this.payProgrammes(payer, maker, fee);
    });
  }

  /**
   * The programmes' part of a trade's fees (src/core/programmes): the taker pays the maker's high-volume rebate
   * through the maker fee account and its referrer's reward through the pending referral reward account.
   */
  private payProgrammes(payer: string, maker: string | undefined, fee: FeeBreakdown): void {
    const l = this.host.ledger;
    const hvmf = fee.highVolumeMakerFee ?? 0n;
    if (hvmf > 0n && maker !== undefined) {
      this.payFrom(payer, hvmf, this.host.makerFeeAccount, 'HIGH_MAKER_FEE_REBATE_PAY');
      const to = l.getOrCreate(maker, 'GENERAL', this.host.asset);
      l.transferUpTo(this.host.makerFeeAccount, to, hvmf, 'HIGH_MAKER_FEE_REBATE_RECEIVE');
    }
    const r = fee.referrerReward;
    const reward = r ? r.infrastructureFee + r.makerFee + r.liquidityFee : 0n;
    if (reward > 0n && fee.referrer !== undefined) {
      const pending = l.getOrCreate(SYSTEM_OWNER, 'PENDING_FEE_REFERRAL_REWARD', this.host.asset);
      const before = pending.balance;
      this.payFrom(payer, reward, pending, 'FEE_REFERRER_REWARD_PAY');
      const collected = pending.balance - before;
      if (collected > 0n)
        l.transfer(
          pending,
          l.getOrCreate(fee.referrer, 'GENERAL', this.host.asset),
          collected,
          'FEE_REFERRER_REWARD_DISTRIBUTE',
        );
    }
  }

  /** Auction uncrossing fees: for each trade the seller, then the buyer, pays half of each fee (no maker fee). */
  payAuction(trades: readonly Trade[]): void {
    for (const t of trades) {
      for (const [party, fee] of [
        [t.seller, t.sellerFee],
        [t.buyer, t.buyerFee],
      ] as const) {
        this.payFrom(party, fee.infrastructureFee, this.host.infrastructureFeeAccount, 'INFRASTRUCTURE_FEE_PAY');
        this.payFrom(party, fee.liquidityFee, this.host.liquidityFeeAccount, 'LIQUIDITY_FEE_PAY');
        this.payFrom(party, fee.buyBackFee, this.buyBackAccount(), 'BUY_BACK_FEE_PAY');
        this.payFrom(party, fee.treasuryFee, this.treasuryAccount(), 'TREASURY_FEE_PAY');
        this.payProgrammes(party, undefined, fee);
      }
    }
  }

  /** Network disposal trades: the network pays every fee from the insurance pool; the counterparties get the maker fee. */
  payNetwork(fees: readonly FeeBreakdown[], trades: readonly Trade[]): void {
    const total = fees.reduce(
      (a, f) => ({
        ...a,
        makerFee: a.makerFee + f.makerFee,
        infrastructureFee: a.infrastructureFee + f.infrastructureFee,
        liquidityFee: a.liquidityFee + f.liquidityFee,
        buyBackFee: a.buyBackFee + f.buyBackFee,
        treasuryFee: a.treasuryFee + f.treasuryFee,
      }),
      NO_FEES,
    );
    this.payFrom(NETWORK_PARTY, total.makerFee, this.host.makerFeeAccount, 'MAKER_FEE_PAY');
    this.payFrom(NETWORK_PARTY, total.infrastructureFee, this.host.infrastructureFeeAccount, 'INFRASTRUCTURE_FEE_PAY');
    this.payFrom(NETWORK_PARTY, total.liquidityFee, this.host.liquidityFeeAccount, 'LIQUIDITY_FEE_PAY');
    this.payFrom(NETWORK_PARTY, total.buyBackFee, this.buyBackAccount(), 'BUY_BACK_FEE_PAY');
    this.payFrom(NETWORK_PARTY, total.treasuryFee, this.treasuryAccount(), 'TREASURY_FEE_PAY');
    fees.forEach((fee, i) => {
      const t = trades[i]!;
      this.receiveMakerFee(t.buyer === NETWORK_PARTY ? t.seller : t.buyer, fee.makerFee);
    });
  }

  private buyBackAccount(): Account {
    return this.host.ledger.getOrCreate(SYSTEM_OWNER, 'BUY_BACK_FEES', this.host.asset);
  }

  private treasuryAccount(): Account {
    return this.host.ledger.getOrCreate(SYSTEM_OWNER, 'NETWORK_TREASURY', this.host.asset);
  }

  /** Pays an amount from a party's general then margin account (the network: its insurance pool). */
  private payFrom(payer: string, amount: bigint, to: Account, type: TransferType): void {
    const l = this.host.ledger;
    if (amount <= 0n) {
      // Vega sends every fee transfer of a trade, including the ones of amount 0
      const from = payer === NETWORK_PARTY ? this.host.insurance : this.host.general(payer);
      if (from && amount === 0n) l.transfer(from, to, 0n, type, { recordZero: true });
      return;
    }
    if (payer === NETWORK_PARTY) {
      l.transferUpTo(this.host.insurance, to, amount, type);
      return;
    }
    let left = amount;
    const g = this.host.general(payer);
    if (g) left -= l.transferUpTo(g, to, left, type);
    if (left > 0n) l.transferUpTo(this.host.marginAccount(payer), to, left, type);
  }

  private receiveMakerFee(maker: string, amount: bigint): void {
    const to =
      maker === NETWORK_PARTY ? this.host.insurance : this.host.ledger.getOrCreate(maker, 'GENERAL', this.host.asset);
    if (amount === 0n) {
      // like the fee payments, a maker fee of 0 is still a transfer
      this.host.ledger.transfer(this.host.makerFeeAccount, to, 0n, 'MAKER_FEE_RECEIVE', { recordZero: true });
      return;
    }
    if (amount < 0n || this.host.makerFeeAccount.balance === 0n) return;
    this.host.ledger.transferUpTo(this.host.makerFeeAccount, to, amount, 'MAKER_FEE_RECEIVE');
  }
}
