// Distressed parties (spec 0012-POSR position resolution, 0019-MCAL-070/071 isolated close-outs): the close-out
// candidates' orders are stopped, the candidates whose margin then covers maintenance are safe, the others are
// distressed and handed to the network (liquidation/closeout.ts); a distressed party's bond and (cross margin) general
// account go to its margin account, which the market's insurance pool confiscates. The market sequences the steps and
// emits the events; this file decides who is distressed and moves the confiscated collateral.
import type { Order } from '../book/order.ts';
import type { Account, Ledger } from '../ledger/ledger.ts';

/** What the distressed-party handling needs of its market. */
export interface DistressedHost {
  readonly ledger: Ledger;
  /** the market's insurance pool */
  readonly insurance: Account;
  readonly now: bigint;
  /** a party's live orders (on the book or parked) */
  partyOrders(party: string): Order[];
  /** takes a live order out of the book, the parked orders and the registries */
  removeLive(o: Order): void;
  emitOrder(o: Order): void;
  /** whether the party trades in isolated margin mode (its orders stay; its general account is not confiscated) */
  isIsolated(party: string): boolean;
  /** whether the party's margin balance is above its maintenance level (after its orders were stopped) */
  aboveMaintenance(party: string): boolean;
  marginAccount(party: string): Account;
  general(party: string): Account | undefined;
  bond(party: string): Account | undefined;
}

/**
 * Stops the orders of the cross-margin candidates; when any were stopped, the candidates are checked again and those
 * whose margin now covers maintenance are safe. Returns the distressed parties (in the candidates' order) and the
 * safe ones.
 */
export function sortDistressed(candidates: string[], host: DistressedHost): { distressed: string[]; safe: string[] } {
  const now = host.now;
  let removedOrders = false;
  for (const party of candidates) {
    if (host.isIsolated(party)) continue;
    for (const o of host.partyOrders(party)) {
      host.removeLive(o);
      o.status = 'STOPPED';
      o.updatedAt = now;
      host.emitOrder(o);
      removedOrders = true;
    }
  }
  if (!removedOrders) return { distressed: candidates, safe: [] };
  const safe: string[] = [];
  const distressed: string[] = [];
  for (const party of candidates) {
    if (host.aboveMaintenance(party)) safe.push(party);
    else distressed.push(party);
  }
  return { distressed, safe };
}

/**
 * A distressed party's collateral: its bond and, in cross margin, its general account move to its margin account,
 * and the margin account goes to the insurance pool (MARGIN_CONFISCATED).
 */
export function confiscateCollateral(party: string, isolated: boolean, host: DistressedHost): void {
  const l = host.ledger;
  const margin = host.marginAccount(party);
  const general = host.general(party);
  const bond = host.bond(party);
  if (bond && bond.balance > 0n) l.transfer(bond, margin, bond.balance, 'MARGIN_LOW');
  if (!isolated && general && general.balance > 0n) l.transfer(general, margin, general.balance, 'MARGIN_LOW');
  if (margin.balance > 0n) l.transfer(margin, host.insurance, margin.balance, 'MARGIN_CONFISCATED');
}
