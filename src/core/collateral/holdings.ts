// Spot holding accounts (spec 0080-SPOT §7, 0013-ACCT): what a spot order keeps aside while it rests on the book.
// A buy order holds quote asset (the value of its remaining size, plus in an auction the fees it may pay), a sell
// order holds base asset (its remaining size). The amounts are tracked per order so that a fill, an amendment, a
// cancellation or the end of an auction releases exactly what the order held. Money moves between the party's
// general account and its holding account in the same asset, as ledger transfers.
import type { Account, Ledger } from '../ledger/ledger.ts';
import type { AccountType, TransferType } from '../types.ts';

/** The holding account type and the two transfer types of spec 0013-ACCT. */
export const HOLDING: AccountType = 'HOLDING';
const LOCK: TransferType = 'HOLDING_LOCK';
const RELEASE: TransferType = 'HOLDING_RELEASE';
/** The transfer type of a spot trade's base and quote deliveries. */
export const SPOT_TRANSFER: TransferType = 'SPOT';

interface Held {
  readonly party: string;
  readonly asset: string;
  quantity: bigint;
  fee: bigint;
}

export class HoldingTracker {
  private readonly held = new Map<string, Held>();

  constructor(private readonly ledger: Ledger) {}

  /** The amount an order holds: quantity (trade value or base size) and fee cover. */
  current(orderId: string): { quantity: bigint; fee: bigint } {
    const h = this.held.get(orderId);
    return h ? { quantity: h.quantity, fee: h.fee } : { quantity: 0n, fee: 0n };
  }

  holding(party: string, asset: string): Account {
    return this.ledger.getOrCreate(party, HOLDING, asset);
  }

  general(party: string, asset: string): Account {
    return this.ledger.getOrCreate(party, 'GENERAL', asset);
  }

  /**
   * Moves quantity + fee from general to holding for an order (added to what it already holds). The caller has
   * checked the general balance; a shortfall is an engine bug.
   */
  lock(orderId: string, party: string, asset: string, quantity: bigint, fee: bigint): void {
    const total = quantity + fee;
    let h = this.held.get(orderId);
    if (!h) this.held.set(orderId, (h = { party, asset, quantity: 0n, fee: 0n }));
    h.quantity += quantity;
    h.fee += fee;
    this.ledger.transfer(this.general(party, asset), this.holding(party, asset), total, LOCK);
  }

  /**
   * A spot trade's delivery (0080-SPOT): the base size from the seller's general account to the buyer's, the quote
   * value from the buyer's to the seller's. Fees are paid separately (collateral/fees.ts).
   */
  deliver(buyer: string, seller: string, baseAsset: string, quoteAsset: string, base: bigint, quote: bigint): void {
    this.ledger.transfer(this.general(seller, baseAsset), this.general(buyer, baseAsset), base, SPOT_TRANSFER);
    this.ledger.transfer(this.general(buyer, quoteAsset), this.general(seller, quoteAsset), quote, SPOT_TRANSFER);
  }

  /** Adds fee cover to what a (buy) order holds. */
  lockFee(orderId: string, party: string, asset: string, fee: bigint): void {
    this.lock(orderId, party, asset, 0n, fee);
  }

  /** Releases part of an order's holding (a fill): the quantity and fee given, capped at what it holds. */
  release(orderId: string, quantity: bigint, fee: bigint): void {
    const h = this.held.get(orderId);
    if (!h) return;
    const q = quantity < h.quantity ? quantity : h.quantity;
    const f = fee < h.fee ? fee : h.fee;
    h.quantity -= q;
    h.fee -= f;
    this.move(h, q + f);
  }

  /** Releases the fee cover an order holds (leaving an auction). */
  releaseFee(orderId: string): void {
    const h = this.held.get(orderId);
    if (!h || h.fee === 0n) return;
    const f = h.fee;
    h.fee = 0n;
    this.move(h, f);
  }

  /** Releases everything an order holds (cancelled, expired, filled, parked, amended). */
  releaseAll(orderId: string): void {
    const h = this.held.get(orderId);
    if (!h) return;
    this.held.delete(orderId);
    this.move(h, h.quantity + h.fee);
  }

  private move(h: Held, amount: bigint): void {
    if (amount <= 0n) return;
    this.ledger.transfer(this.holding(h.party, h.asset), this.general(h.party, h.asset), amount, RELEASE);
  }

  /** For the state hash: every order's holding, sorted by order id. */
  hashParts(): string[] {
    return [...this.held.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, h]) => `${id}:${h.party}:${h.asset}:${h.quantity}:${h.fee}`);
  }
}
