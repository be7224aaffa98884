// Margin money movements of one market (spec 0010-MARG margin orchestration, 0019-MCAL isolated margin, 0011-MARA
// order margin, 0005-COLL collateral): the top-up an order needs, margin search and release against a party's
// levels, releasing a flat party's margin, and the isolated-margin account moves (position margin, order margin, a
// mode switch). The market decides when and for whom (market/margins.ts, market/settle.ts); this file moves the
// money, in Vega's order, through MarginMoveHost.
import type { Account, Ledger } from '../ledger/ledger.ts';
import { Decimal } from '../num/decimal.ts';
import { maxBig, minBig } from '../num/bigint.ts';
import type { MarginLevels } from '../risk/margin.ts';
import { isolatedRelease } from '../risk/isolated.ts';

/** What the margin moves need of the market: the ledger, its accounts and the bond penalty. */
export interface MarginMoveHost {
  readonly ledger: Ledger;
  readonly asset: string;
  readonly marketId: string;
  /** a party's margin account in the market (created when missing) */
  marginAccount(party: string): Account;
  /** a party's bond account in the market, if it has one */
  bond(party: string): Account | undefined;
  /** the bond penalty on `amount` of a top-up the bond had to cover (market.liquidity.bondPenaltyParameter) */
  bondSlashing(party: string, amount: bigint): void;
}

/** The money part of an isolated-margin plan (market/internal.ts IsolatedPlan). */
export interface IsolatedMoves {
  /** general → margin when positive, margin → general when negative */
  readonly marginDelta: bigint;
  /** the order margin to hold afterwards */
  readonly orderMargin: bigint;
  /** a positive marginDelta comes out of the order-margin account (an amend) */
  readonly fromOrderMargin: boolean;
}

export class MarginMoves {
  constructor(private readonly host: MarginMoveHost) {}

  /** A party's general account in the settlement asset (created when missing). */
  generalAccount(party: string): Account {
    return this.host.ledger.getOrCreate(party, 'GENERAL', this.host.asset);
  }

  /** A party's order-margin account in the market (created when missing). */
  orderMarginAccount(party: string): Account {
    return this.host.ledger.getOrCreate(party, 'ORDER_MARGIN', this.host.asset, this.host.marketId);
  }

  /**
   * An order's top-up to the initial level: `need` from general, the rest from the bond (an LP's bond covers the
   * shortfall once general is empty and is slashed for what it paid).
   */
  orderTopUp(party: string, margin: Account, general: Account | undefined, bond: Account | undefined, need: bigint) {
    const l = this.host.ledger;
    const moved = general ? l.transferUpTo(general, margin, need, 'MARGIN_LOW') : 0n;
    if (moved < need && bond) {
      const fromBond = l.transferUpTo(bond, margin, need - moved, 'MARGIN_LOW');
      this.host.bondSlashing(party, fromBond);
    }
  }

  /** Releases a flat party's whole margin and order margin to general; false when it has no margin account. */
  releaseAll(party: string): boolean {
    const l = this.host.ledger;
    const margin = l.get(party, 'MARGIN', this.host.asset, this.host.marketId);
    if (!margin) return false;
    const general = this.generalAccount(party);
    if (margin.balance > 0n) l.transfer(margin, general, margin.balance, 'MARGIN_HIGH');
    const om = l.get(party, 'ORDER_MARGIN', this.host.asset, this.host.marketId);
    if (om && om.balance > 0n) l.transfer(om, general, om.balance, 'ORDER_MARGIN_HIGH');
    return true;
  }

  /** Margin → general, all of it (a flat party after settlement). */
  releaseMargin(margin: Account, general: Account): void {
    if (margin.balance > 0n) this.host.ledger.transfer(margin, general, margin.balance, 'MARGIN_HIGH');
  }

  /**
   * Search and release after settlement (UpdateMarginsOnSettlement): below the search level, top up to initial from
   * general then the bond, partial moves allowed; at or above release (not in auctions), release down to initial.
   * Returns whether the party could not reach maintenance (distressed) and the bond shortfall its penalty is due on
   * (the caller slashes after all parties).
   */
  settlementSearch(
    party: string,
    margin: Account,
    general: Account,
    lv: MarginLevels,
    inAuction: boolean,
  ): { distressed: boolean; shortfall: bigint } {
    const l = this.host.ledger;
    const bal = margin.balance;
    if (bal < lv.search) {
      const want = lv.initial - bal;
      const minAmount = maxBig(0n, lv.maintenance - bal);
      const bond = this.host.bond(party);
      // an LP that needs its bond pays a penalty on the part general could not cover (after all top-ups)
      const shortfall = bond && want > general.balance ? want - general.balance : 0n;
      let moved = l.transferUpTo(general, margin, want, 'MARGIN_LOW');
      if (moved < want && bond) moved += l.transferUpTo(bond, margin, want - moved, 'MARGIN_LOW');
      return { distressed: moved < minAmount, shortfall };
    }
    if (bal >= lv.release && !inAuction) l.transfer(margin, general, bal - lv.initial, 'MARGIN_HIGH');
    return { distressed: false, shortfall: 0n };
  }

  /**
   * Search and release for one party (MarginUpdateOnOrder): a party whose general, bond and margin balances together
   * fall short of the minimum top-up gets no transfer at all.
   */
  recheckSearch(party: string, margin: Account, general: Account, lv: MarginLevels, inAuction: boolean): void {
    const l = this.host.ledger;
    const bal = margin.balance;
    if (bal < lv.search) {
      const want = lv.initial - bal;
      const minAmount = maxBig(0n, lv.maintenance - bal);
      const bond = this.host.bond(party);
      // Vega's guard (MarginUpdateOnOrder) compares general + bond + margin with the minimum top-up; past it, what
      // general and bond hold is moved and an LP pays the bond penalty on all general could not cover
      const avail = general.balance + (bond?.balance ?? 0n) + bal;
      if (avail < minAmount) return;
      const shortfall = bond && want > general.balance ? want - general.balance : 0n;
      const moved = l.transferUpTo(general, margin, want, 'MARGIN_LOW');
      if (moved < want && bond) l.transferUpTo(bond, margin, want - moved, 'MARGIN_LOW');
      if (shortfall > 0n) this.host.bondSlashing(party, shortfall);
    } else if (bal >= lv.release && !inAuction) {
      l.transfer(margin, general, bal - lv.initial, 'MARGIN_HIGH');
    }
  }

  // ------------------------------------------------------------------ isolated margin

  /**
   * Moves the order-margin account to `target` (UpdateIsolatedMarginOnOrder); false, moving nothing, when general
   * cannot cover an increase.
   */
  setOrderMargin(party: string, target: bigint): boolean {
    const acct = this.orderMarginAccount(party);
    const general = this.generalAccount(party);
    const need = target - acct.balance;
    if (need > 0n && need > general.balance) return false;
    if (need > 0n) this.host.ledger.transfer(general, acct, need, 'ORDER_MARGIN_LOW');
    else if (need < 0n) this.host.ledger.transfer(acct, general, -need, 'ORDER_MARGIN_HIGH');
    return true;
  }

  /** Applies an isolated plan; `positionOnly` leaves the order-margin account as it is (an amend that failed it). */
  applyIsolated(party: string, plan: IsolatedMoves, positionOnly = false): void {
    const l = this.host.ledger;
    const margin = this.host.marginAccount(party);
    const general = this.generalAccount(party);
    if (plan.marginDelta > 0n && plan.fromOrderMargin) {
      l.transferUpTo(this.orderMarginAccount(party), margin, plan.marginDelta, 'ISOLATED_MARGIN_LOW');
    } else if (plan.marginDelta > 0n) {
      const moved = l.transferUpTo(general, margin, plan.marginDelta, 'MARGIN_LOW');
      const bond = this.host.bond(party);
      if (moved < plan.marginDelta && bond) l.transferUpTo(bond, margin, plan.marginDelta - moved, 'MARGIN_LOW');
    } else if (plan.marginDelta < 0n) l.transfer(margin, general, -plan.marginDelta, 'MARGIN_HIGH');
    if (positionOnly) return;
    const acct = this.orderMarginAccount(party);
    const need = plan.orderMargin - acct.balance;
    if (need > 0n) l.transferUpTo(general, acct, need, 'ORDER_MARGIN_LOW');
    else if (need < 0n) l.transfer(acct, general, -need, 'ORDER_MARGIN_HIGH');
  }

  /**
   * A passive isolated party's margin after one of its orders traded at `price` (the limit price was already
   * reserved in order margin): a growing position moves price × size × factor from order margin, a shrinking one
   * releases to general, a flip resets the margin to the factor times the new part; the order margin left is
   * released when the party's orders need none. Returns the party's margin balance afterwards.
   */
  isolatedPassiveTrade(
    party: string,
    trade: { old: number; newVolume: number; price: bigint; size: number },
    factor: Decimal,
    positionFactor: Decimal,
    observablePrice: bigint,
    requiredOrderMargin: bigint,
  ): bigint {
    const { old, newVolume: newV, price, size } = trade;
    const l = this.host.ledger;
    const margin = this.host.marginAccount(party);
    const general = this.generalAccount(party);
    const om = this.orderMarginAccount(party);
    const omBefore = om.balance;
    let first = 0n;
    if (old === 0 || (Math.sign(newV) === Math.sign(old) && Math.abs(newV) > Math.abs(old))) {
      first = Decimal.fromBigInt(price * BigInt(size))
        .div(positionFactor)
        .mul(factor)
        .floor();
      l.transferUpTo(om, margin, first, 'ISOLATED_MARGIN_LOW');
    } else if (newV === 0 || Math.sign(newV) === Math.sign(old)) {
      first = minBig(
        isolatedRelease(margin.balance, price, observablePrice, old, size, positionFactor),
        margin.balance,
      );
      if (first > 0n) l.transfer(margin, general, first, 'MARGIN_HIGH');
    } else {
      const beyond = BigInt(size - Math.abs(old));
      const target = Decimal.fromBigInt(price * beyond)
        .div(positionFactor)
        .mul(factor)
        .floor();
      first = target - margin.balance;
      if (first > 0n) l.transferUpTo(general, margin, first, 'MARGIN_LOW');
      else if (first < 0n) l.transfer(margin, general, -first, 'MARGIN_HIGH');
    }
    if (requiredOrderMargin === 0n && omBefore > 0n && omBefore > first && om.balance > 0n)
      l.transfer(om, general, om.balance, 'ORDER_MARGIN_HIGH');
    return margin.balance;
  }

  /** Releases a party's whole order margin to general (its orders were stopped). */
  releaseOrderMargin(party: string): void {
    const l = this.host.ledger;
    const om = l.get(party, 'ORDER_MARGIN', this.host.asset, this.host.marketId);
    if (om && om.balance > 0n) l.transfer(om, this.generalAccount(party), om.balance, 'ORDER_MARGIN_HIGH');
  }

  /** Isolated → cross: the order margin joins the margin account. */
  switchToCross(party: string, margin: Account): void {
    const om = this.orderMarginAccount(party);
    if (om.balance > 0n) this.host.ledger.transfer(om, margin, om.balance, 'ISOLATED_MARGIN_LOW');
  }

  /**
   * Cross → isolated (or a new factor): the margin account set to `positionMargin` (top-up from general then the
   * bond, or release to general) and the order-margin account to `orderMargin`.
   */
  switchToIsolated(party: string, margin: Account, positionMargin: bigint, orderMargin: bigint): void {
    const l = this.host.ledger;
    const general = this.generalAccount(party);
    const om = this.orderMarginAccount(party);
    const pm = positionMargin;
    if (pm > margin.balance) {
      const moved = l.transferUpTo(general, margin, pm - margin.balance, 'MARGIN_LOW');
      const bond = this.host.bond(party);
      if (bond && moved < pm - margin.balance) l.transferUpTo(bond, margin, pm - margin.balance - moved, 'MARGIN_LOW');
    } else if (pm < margin.balance) l.transfer(margin, general, margin.balance - pm, 'MARGIN_HIGH');
    if (orderMargin > om.balance) l.transfer(general, om, orderMargin - om.balance, 'ORDER_MARGIN_LOW');
    else if (orderMargin < om.balance) l.transfer(om, general, om.balance - orderMargin, 'ORDER_MARGIN_HIGH');
  }
}
