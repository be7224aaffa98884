// Liquidity commitments (spec 0044-LIME liquidity mechanics, 0038-OLIQ obligations): the engine's state, submitting,
// amending and cancelling a commitment with its bond, supplied stake, bond top-up and slashing. The SLA and the fee
// layers extend this class (liquidity/sla.ts, liquidity/engine.ts).
import type { SlaParams } from '../config/market.ts';
import type { Account } from '../ledger/ledger.ts';
import { Decimal } from '../num/decimal.ts';
import type { TransferType } from '../types.ts';
import { EquityLikeShares, MarketValueWindows } from './els.ts';
import { type PoTTable } from './pot.ts';

import {
  type LiquidityProvision,
  type LiquidityHost,
  type SlaRecord,
  type EngineParams,
  type ScoreInputs,
  type MeetsInputs,
  type ProvisionStatus,
} from './types.ts';

export abstract class LiquidityProvisions {
  /** active provisions by party (insertion order) */
  readonly provisions = new Map<string, LiquidityProvision>();
  /** pending submissions and changes, applied at the next epoch start (insertion order) */
  readonly pending = new Map<string, LiquidityProvision>();
  protected readonly sla = new Map<string, SlaRecord>();
  protected slaParams: SlaParams;
  protected slaEpochStart = 0n;
  protected p: EngineParams;
  readonly els = new EquityLikeShares();
  readonly windows = new MarketValueWindows();
  protected avgScores = new Map<string, Decimal>();
  protected nAvg = 1;
  protected lastFeeAllocation: bigint | undefined;
  /** best static prices at the last probability-of-trading calculation, and the table built from them */
  protected potInputs: { bid: bigint; ask: bigint } | undefined;
  protected potTable: PoTTable | undefined;
  protected potKey: { bid: bigint; ask: bigint; tau: Decimal } | undefined;
  /**
   * Probabilities of trading already computed with the current table, by context (side, best price, floor) and then
   * order price: a pure function of those, and LP orders stay where they are for many blocks while the best prices
   * move among a few values, so the per-block liquidity score mostly reuses them. potMemoEntries counts them (the
   * memo is dropped past 20,000).
   */
  protected potMemo = new Map<string, Map<bigint, Decimal>>();
  protected potMemoEntries = 0;
  protected potMemoTable: PoTTable | undefined;
  /** the last LP price range and its inputs */
  protected rangeCache:
    | {
        bid: bigint;
        ask: bigint;
        range: Decimal;
        pf: bigint;
        value: { min: bigint; max: bigint; bid: bigint; ask: bigint };
      }
    | undefined;
  /** each LP's last SLA check (commitment met) and the inputs it came from */
  protected meetsCache = new Map<string, { inputs: MeetsInputs; meets: boolean }>();
  /** the last block's scaled liquidity scores and the inputs they came from */
  protected scoreCache: { inputs: ScoreInputs; scores: Map<string, Decimal> } | undefined;
  /** fees allocated to LP fee accounts this epoch, per party */
  protected allocatedThisEpoch = new Map<string, bigint>();

  constructor(
    protected readonly host: LiquidityHost,
    sla: SlaParams,
  ) {
    this.slaParams = sla;
    this.p = this.readParams();
  }

  protected readParams(): EngineParams {
    const n = this.host.params();
    return {
      stakeToCcyVolume: n.stakeToCcyVolume,
      slope: n.slaNonPerformanceBondPenaltySlope,
      max: n.slaNonPerformanceBondPenaltyMax,
      earlyExitPenalty: n.earlyExitPenalty,
      bondPenaltyFactor: n.bondPenaltyParameter,
      feeCalculationTimeStep: n.providersFeeCalculationTimeStep,
    };
  }

  /** Network parameters changed: they reach a market in its opening auction at once, others at the next epoch. */
  onNetworkParametersChanged(): void {
    if (this.host.isOpeningAuction()) this.p = this.readParams();
  }

  get bondPenaltyFactor(): Decimal {
    return this.p.bondPenaltyFactor;
  }

  // ------------------------------------------------------------------ provisions

  isProvider(party: string): boolean {
    return this.provisions.has(party) || this.pending.has(party);
  }

  protected emitLp(lp: LiquidityProvision): void {
    this.host.emit({
      type: 'liquidityProvision',
      marketId: this.host.marketId,
      party: lp.party,
      id: lp.id,
      reference: lp.reference,
      version: lp.version,
      commitment: lp.commitment,
      fee: lp.fee.toString(),
      status: lp.status,
    });
  }

  protected bondAccount(party: string): Account {
    return this.host.ledger.getOrCreate(party, 'BOND', this.host.asset, this.host.marketId);
  }

  protected transfer(from: Account, to: Account, amount: bigint, type: TransferType): void {
    if (amount > 0n) this.host.ledger.transfer(from, to, amount, type);
  }

  /** Moves `amount` out of the bond (then the margin account when the bond is short) into `to`. */
  protected fromBond(party: string, to: Account, amount: bigint, type: TransferType): void {
    if (amount <= 0n) return;
    const l = this.host.ledger;
    const moved = l.transferUpTo(this.bondAccount(party), to, amount, type);
    if (moved < amount) l.transferUpTo(this.host.marginAccount(party), to, amount - moved, type);
  }

  /**
   * Returns up to `amount` of the bond to the general account, never taking the bond below `keep` (the commitment
   * that remains): a bond the network has already used (margin shortfalls, penalties) releases only what it holds
   * above `keep`, and a bond slashed below the new commitment keeps its slashed level (spec 0044-LIME-020).
   */
  protected releaseBond(party: string, amount: bigint, keep = 0n): void {
    const bond = this.bondAccount(party);
    const free = bond.balance - keep;
    const release = amount < free ? amount : free;
    if (release <= 0n) return;
    const general = this.host.ledger.getOrCreate(party, 'GENERAL', this.host.asset);
    this.transfer(bond, general, release, 'BOND_HIGH');
  }

  /** Moves general ↔ bond so that the bond holds `commitment`; false when general cannot cover an increase. */
  protected fundBond(party: string, commitment: bigint): boolean {
    const bond = this.bondAccount(party);
    const general = this.host.general(party);
    if (commitment >= bond.balance) {
      const need = commitment - bond.balance;
      if (need > 0n && (!general || general.balance < need)) return false;
      if (need > 0n) this.transfer(general!, bond, need, 'BOND_LOW');
    } else this.releaseBond(party, bond.balance - commitment);
    return true;
  }

  protected minStakeError(commitment: bigint, quantum: Decimal): string | undefined {
    const min = this.host.params().minLpStakeQuantumMultiple.mul(quantum);
    return Decimal.fromBigInt(commitment).lt(min) ? 'commitment amount is too low' : undefined;
  }

  protected feeError(fee: Decimal): string | undefined {
    const max = this.host.params().maximumLiquidityFeeFactorLevel;
    return fee.isNegative() || fee.gt(max) ? 'invalid liquidity provision fee' : undefined;
  }

  /**
   * A new commitment: active at once in the opening auction, otherwise pending until the next epoch start. The bond
   * is funded from the general account at once. Returns Vega's error string, or undefined.
   */
  submit(
    id: string,
    party: string,
    commitment: bigint,
    fee: Decimal,
    reference: string,
    quantum: Decimal,
  ): string | undefined {
    const tooLow = this.minStakeError(commitment, quantum);
    if (tooLow) return tooLow;
    const now = this.host.now();
    const invalid = commitment === 0n ? 'commitment amount is zero' : this.feeError(fee);
    if (invalid) {
      this.emitLp({
        id,
        party,
        commitment,
        fee,
        reference,
        version: 0,
        status: 'REJECTED',
        createdAt: now,
        updatedAt: now,
      });
      return invalid;
    }
    if (this.isProvider(party)) return 'liquidity provision already exists';
    const lp: LiquidityProvision = {
      id,
      party,
      commitment,
      fee,
      reference,
      version: 1,
      status: 'PENDING',
      createdAt: now,
      updatedAt: now,
    };
    const immediate = this.host.isOpeningAuction();
    if (immediate) lp.status = 'ACTIVE';
    this.emitLp(lp);
    // the bond: a party that cannot fund it has its provision rejected (no account is left behind)
    const general = this.host.general(party);
    const bond = this.host.ledger.get(party, 'BOND', this.host.asset, this.host.marketId);
    const need = commitment - (bond?.balance ?? 0n);
    if (need > 0n && (!general || general.balance < need)) {
      lp.status = 'REJECTED';
      this.emitLp(lp);
      return 'not enough collateral in general account';
    }
    this.host.ledger.getOrCreate(party, 'LP_LIQUIDITY_FEES', this.host.asset, this.host.marketId);
    this.fundBond(party, commitment);
    if (immediate) {
      this.provisions.set(party, lp);
      this.sla.set(party, this.newSlaRecord());
      this.els.setPartyStake(party, commitment);
    } else this.pending.set(party, lp);
    return undefined;
  }

  protected newSlaRecord(): SlaRecord {
    return {
      s: 0n,
      start: undefined,
      ring: [],
      size: this.slaParams.performanceHysteresisEpochs,
      lastFraction: Decimal.ZERO,
      lastFeePenalty: Decimal.ZERO,
      lastBondPenalty: Decimal.ZERO,
    };
  }

  /**
   * An amendment (commitment 0 or undefined keeps the commitment, fee 0 or undefined keeps the fee). Increases are
   * funded at once; a changed commitment waits for the epoch start unless the market is in its opening auction.
   */
  amend(
    party: string,
    commitment: bigint | undefined,
    fee: Decimal | undefined,
    reference: string | undefined,
    quantum: Decimal,
  ): string | undefined {
    const feeGiven = fee ?? Decimal.ZERO;
    if (feeGiven.isZero() && (commitment === undefined || commitment === 0n))
      return 'empty liquidity provision amendment content';
    const badFee = this.feeError(feeGiven);
    if (badFee) return badFee;
    if (commitment !== undefined && commitment !== 0n) {
      const tooLow = this.minStakeError(commitment, quantum);
      if (tooLow) return tooLow;
    }
    if (!this.isProvider(party)) return 'party is not a liquidity provider';
    const current = this.provisions.get(party);
    const pend = this.pending.get(party);
    const base = current ?? pend!;
    const newCommitment = commitment === undefined || commitment === 0n ? base.commitment : commitment;
    const newFee = feeGiven.isZero() ? base.fee : feeGiven;
    const newRef = reference === undefined || reference === '' ? base.reference : reference;

    let variation: bigint;
    if (pend && newCommitment < pend.commitment) {
      // a pending change lowered again: the difference goes back to general at once, without penalty
      this.releaseBond(party, pend.commitment - newCommitment, newCommitment);
      variation = pend.commitment - newCommitment;
    } else variation = (current ?? pend!).commitment - newCommitment;

    if (variation < 0n) {
      const bond = this.bondAccount(party);
      const general = this.host.general(party);
      if ((general?.balance ?? 0n) + bond.balance < newCommitment)
        return 'commitment submission rejected, not enough stake';
      this.fundBond(party, newCommitment);
    }
    const applied = this.applyAmendment(party, newCommitment, newFee, newRef, false);
    if (current && applied && variation > 0n)
      this.releaseBond(party, current.commitment - newCommitment, newCommitment);
    return undefined;
  }

  /** Engine amendment: pending when the commitment changes outside the opening auction, else applied at once. */
  protected applyAmendment(
    party: string,
    commitment: bigint,
    fee: Decimal,
    reference: string,
    isCancel: boolean,
  ): boolean {
    const lp = this.provisions.get(party) ?? this.pending.get(party)!;
    const ref = commitment === 0n ? lp.reference : reference;
    const updated: LiquidityProvision = {
      id: lp.id,
      party,
      commitment,
      fee,
      reference: ref,
      version: lp.version + 1,
      status: 'PENDING',
      createdAt: lp.createdAt,
      updatedAt: this.host.now(),
    };
    const opening = this.host.isOpeningAuction();
    if (lp.commitment !== commitment && !opening) {
      this.pending.set(party, updated);
      this.emitLp(updated);
      return false;
    }
    if (opening && isCancel) {
      this.stop(party, 'CANCELLED');
      return true;
    }
    updated.status = 'ACTIVE';
    this.emitLp(updated);
    this.provisions.set(party, updated);
    return true;
  }

  /** Cancellation: immediate in the opening auction, otherwise a pending zero commitment applied at the epoch start. */
  cancel(party: string): string | undefined {
    const current = this.provisions.get(party);
    const pend = this.pending.get(party);
    if (!current && !pend) return 'party has no existing liquidity provision';
    if (pend && pend.commitment !== 0n) this.releaseBond(party, pend.commitment);
    const applied = this.applyAmendment(party, 0n, Decimal.ZERO, '', true);
    if (applied && current && current.commitment !== 0n) {
      this.releaseBond(party, current.commitment);
      this.els.setPartyStake(party, 0n);
    }
    return undefined;
  }

  /** Ends a provision with `status` (cancelled, stopped, rejected): one event, then all its state goes. */
  protected stop(party: string, status: ProvisionStatus): void {
    const lp = this.provisions.get(party) ?? this.pending.get(party);
    if (!lp) return;
    lp.status = status;
    lp.updatedAt = this.host.now();
    this.emitLp(lp);
    this.destroy(party);
  }

  protected destroy(party: string): void {
    this.provisions.delete(party);
    this.pending.delete(party);
    this.sla.delete(party);
  }

  /** The market closed or was cancelled: every provision is stopped. */
  stopAll(): void {
    for (const party of [...this.provisions.keys()]) this.stop(party, 'STOPPED');
  }

  /** Supplied stake: current commitments, pending ones where they are higher (new commitments count at once). */
  suppliedStake(): bigint {
    let s = 0n;
    for (const p of this.pending.values()) {
      const cur = this.provisions.get(p.party);
      s += cur && p.commitment < cur.commitment ? cur.commitment : p.commitment;
    }
    for (const [party, lp] of this.provisions) if (!this.pending.has(party)) s += lp.commitment;
    return s;
  }

  /** The active provisions for the liquidity fee factor. */
  activeProvisions(): LiquidityProvision[] {
    return [...this.provisions.values()];
  }

  /** Bond top-up outside auctions: an LP whose bond is below its commitment refills it from general. */
  topUpBonds(): void {
    for (const lp of this.provisions.values()) {
      const bond = this.host.ledger.get(lp.party, 'BOND', this.host.asset, this.host.marketId);
      const general = this.host.general(lp.party);
      if (!bond || !general || bond.balance >= lp.commitment || general.balance === 0n) continue;
      this.host.ledger.transferUpTo(general, bond, lp.commitment - bond.balance, 'BOND_LOW');
    }
  }

  /**
   * Margin-shortfall slashing (market.liquidity.bondPenaltyParameter): when a top-up had to use the bond, a share of
   * the shortfall goes from the bond to the insurance pool.
   */
  bondSlashing(party: string, shortfall: bigint): void {
    if (shortfall <= 0n || !this.provisions.has(party)) return;
    const amount = this.p.bondPenaltyFactor.mulBig(shortfall).trunc();
    this.fromBond(party, this.host.insurance(), amount, 'BOND_SLASHING');
  }
}
