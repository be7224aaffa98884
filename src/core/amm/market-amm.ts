// The AMM commands of one market (spec 0090-VAMM): submit, amend and cancel, with Vega's checks and reasons,
// funding and releasing the sub-account, the rebasing trade that brings a new or amended pool in line with the
// book, the reduce-only wind-down and the per-block housekeeping. The market supplies what it owns through
// `AmmMarketHost` (positions, ledger, order entry for the rebasing order, close-outs, events); nothing here calls
// back into the market otherwise.
import { Decimal } from '../num/decimal.ts';
import { positionAt } from './curve.ts';
import type { Account, Ledger } from '../ledger/ledger.ts';
import type { OracleSource } from '../config/market.ts';
import type { Side } from '../types.ts';
import { AmmEngine, ammSubAccount, type AmmAmendment, type AmmCancellation, type AmmSubmission } from './engine.ts';
import { AmmError, assetPrice, type AmmPool, type AmmRiskInputs } from './pool.ts';

export type AmmTransfer = 'AMM_LOW' | 'AMM_HIGH' | 'AMM_RELEASE';

export interface AmmMarketHost {
  readonly marketId: string;
  readonly asset: string;
  readonly ledger: Ledger;
  /** the market accepts trading commands (not terminated, settled, suspended by governance…) */
  canTrade(): boolean;
  inAuction(): boolean;
  riskInputs(): AmmRiskInputs;
  assetQuantum(): Decimal;
  minCommitmentQuantum(): Decimal;
  positionOf(party: string): bigint;
  transfer(from: Account, to: Account, amount: bigint, type: AmmTransfer): void;
  /** the book's volume an incoming order of `side` takes down (sell) or up (buy) to `price` inclusive */
  bookVolumeUpTo(side: Side, price: number): number;
  /** best bid and ask of the book and the other AMMs (market precision) */
  bestPrices(): { bid?: number; ask?: number };
  /**
   * Submits the rebasing order of a pool's sub-account (a limit order that must trade in full, IOC); returns the
   * size that traded.
   */
  submitRebaseOrder(party: string, side: Side, size: number, price: number): number;
  /** hands a position to the network as a close-out (the margin account goes to the insurance pool) */
  closeOut(party: string): void;
  /** the market's insurance pool */
  insurance(): Account;
  emitPool(pool: AmmPool): void;
}

export class AmmMarket {
  readonly engine: AmmEngine;
  /** pools that ended (cancelled, rejected, stopped), last state per owner, for queries */
  readonly ended = new Map<string, AmmPool>();

  constructor(private readonly host: AmmMarketHost) {
    this.engine = new AmmEngine(host.marketId, (p) => host.positionOf(p));
  }

  private general(party: string): Account {
    return this.host.ledger.getOrCreate(party, 'GENERAL', this.host.asset);
  }

  private margin(party: string): Account {
    return this.host.ledger.getOrCreate(party, 'MARGIN', this.host.asset, this.host.marketId);
  }

  private available(owner: string, sub: string): bigint {
    const l = this.host.ledger;
    return (
      (l.get(owner, 'GENERAL', this.host.asset)?.balance ?? 0n) +
      (l.get(sub, 'GENERAL', this.host.asset)?.balance ?? 0n) +
      (l.get(sub, 'MARGIN', this.host.asset, this.host.marketId)?.balance ?? 0n)
    );
  }

  pool(owner: string): AmmPool | undefined {
    return this.engine.byParty(owner) ?? this.ended.get(owner);
  }

  /** Moves the sub-account's general + margin to `target` (from or to the owner's general account). */
  private fundTo(pool: AmmPool, target: bigint): void {
    const g = this.general(pool.subAccount);
    const m = this.margin(pool.subAccount);
    const current = g.balance + m.balance;
    if (current < target) this.host.transfer(this.general(pool.owner), g, target - current, 'AMM_LOW');
    else if (current > target) {
      const back = current - target;
      if (back > g.balance) throw new AmmError('commitment amount too low');
      this.host.transfer(g, this.general(pool.owner), back, 'AMM_HIGH');
    }
  }

  private checks(owner: string, sub: string) {
    return {
      quantum: this.host.assetQuantum(),
      minCommitmentQuantum: this.host.minCommitmentQuantum(),
      available: this.available(owner, sub),
    };
  }

  /** Submission: checks, sub-account funding, rebasing trade, then the pool quotes. */
  submitAmm(sub: AmmSubmission): AmmPool {
    if (!this.host.canTrade()) throw new AmmError('trading not allowed');
    const risk = this.host.riskInputs();
    const pool = this.engine.create(sub, risk, this.checks(sub.party, ammSubAccount(sub.party, sub.marketId)));
    this.general(pool.subAccount);
    this.margin(pool.subAccount);
    this.fundTo(pool, sub.commitment);
    this.ended.delete(sub.party);
    if (pool.status !== 'PENDING' && !this.rebase(pool)) {
      // the sub-account gives everything back, the pool is rejected
      this.fundTo(pool, 0n);
      pool.status = 'REJECTED';
      pool.reason = 'CANNOT_REBASE';
      this.ended.set(pool.owner, pool);
      this.host.emitPool(pool);
      throw new AmmError('not enough liquidity for AMM to rebase');
    }
    this.engine.confirm(pool);
    this.host.emitPool(pool);
    return pool;
  }

  /**
   * Brings the pool in line with the book (spec: creation process): with its base below the best bid it sells
   * (above the best ask it buys) down to the price where its implied position is covered by the volume there,
   * within the slippage tolerance. False when the book cannot absorb the trade.
   */
  private rebase(pool: AmmPool): boolean {
    if (this.host.inAuction()) return true;
    const { bid, ask } = this.host.bestPrices();
    const toAsset = (p: bigint): bigint => assetPrice(pool.scale, p);
    const base = pool.base;
    let side: Side | undefined;
    let target = 0;
    if (bid !== undefined && base < toAsset(BigInt(bid))) {
      side = 'sell';
      target = bid;
    } else if (ask !== undefined && base > toAsset(BigInt(ask))) {
      side = 'buy';
      target = ask;
    }
    if (side === undefined) return true;
    const limit =
      side === 'sell'
        ? Decimal.ONE.sub(pool.slippage).mul(Decimal.fromInt(target)).ceil()
        : Decimal.ONE.add(pool.slippage).mul(Decimal.fromInt(target)).floor();
    const pos = pool.position();
    if (side === 'sell' ? toAsset(BigInt(target)) > pool.upper.high : toAsset(BigInt(target)) < pool.lower.low) {
      // a target beyond the pool's range on the side it would trade into: with no range there it is created
      // without a rebasing trade (0090-VAMM-005, 11504-panic-empty-curve); otherwise it takes its whole range as
      // far as the market offers it within its slippage tolerance, ending at its bound (0090-VAMM-034)
      const cu = side === 'sell' ? pool.upper : pool.lower;
      if (cu.empty) return true;
      const want = positionAt(pool.lower, pool.upper, side === 'sell' ? cu.high : cu.low);
      const size = side === 'sell' ? pos - want : want - pos;
      if (size <= 0n) return true;
      return this.host.submitRebaseOrder(pool.subAccount, side, Number(size), Number(limit)) > 0;
    }
    const required = (p: bigint): bigint => {
      const want = positionAt(pool.lower, pool.upper, toAsset(p));
      const v = side === 'sell' ? pos - want : want - pos;
      return v > 0n ? v : 0n;
    };
    // walk the levels from the best price outwards, with the cumulative volume of the book and the other pools up to
    // each; at the first level that covers what the pool needs there, the pool trades the volume it needs at the
    // previous level, limited at this one (spec: creation process), within its slippage tolerance
    const step = side === 'sell' ? -1n : 1n;
    let prev = BigInt(target);
    for (let p = BigInt(target); side === 'sell' ? p >= limit : p <= limit; p += step) {
      const need = required(p);
      if (need === 0n) return true;
      const others = this.engine.all().reduce((acc, q) => acc + q.volumeUpTo(side, toAsset(p)), 0n);
      const cumulative = BigInt(this.host.bookVolumeUpTo(side, Number(p))) + others;
      if (need <= cumulative) {
        const size = required(prev);
        const traded = this.host.submitRebaseOrder(pool.subAccount, side, Number(size), Number(p));
        return traded > 0;
      }
      prev = p;
    }
    return false;
  }

  amend(am: AmmAmendment): AmmPool {
    if (!this.host.canTrade()) throw new AmmError('trading not allowed');
    const current = this.engine.byParty(am.party);
    if (!current) throw new AmmError('no pool matching party');
    const { updated } = this.engine.amend(am, this.host.riskInputs(), this.checks(am.party, current.subAccount));
    // the current pool steps aside while the amended one rebases (it must not trade with itself)
    this.engine.remove(am.party);
    const g = this.general(current.subAccount);
    const before = g.balance + this.margin(current.subAccount).balance;
    let ok = false;
    try {
      if (am.commitment !== undefined) this.fundTo(updated, am.commitment);
      ok = updated.status === 'PENDING' || this.rebase(updated);
    } finally {
      if (!ok) {
        this.fundTo(current, before);
        this.engine.confirm(current);
      }
    }
    if (!ok) throw new AmmError('not enough liquidity for AMM to rebase');
    this.engine.confirm(updated);
    this.host.emitPool(updated);
    return updated;
  }

  /**
   * Oracle data (spec 0090-VAMM, oracle-driven base price): a pool whose base follows a source that `priceOf` reads
   * (market precision) is rebased on the new value, as an amendment of its base with its own slippage tolerance; the
   * value is ignored outside the pool's bounds, or when it moves the base by less than the pool's minimum price change
   * trigger, and a rebase the book cannot absorb leaves the pool as it was.
   */
  onOracleData(priceOf: (source: OracleSource) => bigint | undefined): void {
    for (const pool of [...this.engine.all()]) {
      const bs = pool.baseSource;
      if (!bs) continue;
      const base = priceOf(bs.source);
      if (base === undefined || base <= 0n) continue;
      const { lowerBound, upperBound } = pool.params;
      if ((lowerBound !== undefined && base <= lowerBound) || (upperBound !== undefined && base >= upperBound))
        continue;
      if (pool.status !== 'PENDING') {
        const old = pool.params.base;
        if (base === old) continue;
        const trigger = bs.minimumPriceChangeTrigger;
        const move = Decimal.fromBigInt(base > old ? base - old : old - base).div(Decimal.fromBigInt(old));
        if (trigger && move.lt(trigger)) continue;
      }
      try {
        this.amend({
          party: pool.owner,
          marketId: pool.marketId,
          slippageTolerance: pool.slippage,
          params: { ...pool.params, base },
        });
      } catch (e) {
        if (!(e instanceof AmmError)) throw e;
      }
    }
  }

  cancel(c: AmmCancellation): void {
    if (!this.host.canTrade()) throw new AmmError('trading not allowed');
    const pool = this.engine.byParty(c.party);
    if (!pool) throw new AmmError('no pool matching party');
    if (c.method === 'REDUCE_ONLY' && pool.position() !== 0n) {
      pool.status = 'REDUCE_ONLY';
      this.host.emitPool(pool);
      return;
    }
    if (c.method === 'REDUCE_ONLY') {
      // no position: released at the next mark-to-market
      pool.status = 'REDUCE_ONLY';
      this.host.emitPool(pool);
      return;
    }
    this.release(pool);
    if (pool.position() !== 0n) {
      // the margin goes to the insurance pool and the network takes the position over
      const m = this.margin(pool.subAccount);
      if (m.balance > 0n) this.host.transfer(m, this.host.insurance(), m.balance, 'AMM_RELEASE');
      this.host.closeOut(pool.subAccount);
    }
    pool.status = 'CANCELLED';
    this.finish(pool);
  }

  /** The sub-account's general balance goes back to the owner. */
  private release(pool: AmmPool): void {
    const g = this.general(pool.subAccount);
    if (g.balance > 0n) this.host.transfer(g, this.general(pool.owner), g.balance, 'AMM_RELEASE');
  }

  private finish(pool: AmmPool): void {
    this.engine.remove(pool.owner);
    this.ended.set(pool.owner, pool);
    this.host.emitPool(pool);
  }

  /** After a mark-to-market: reduce-only pools with no position are cancelled and their funds released. */
  afterMarkToMarket(): void {
    for (const p of [...this.engine.all()]) {
      if (!p.isClosing() || p.position() !== 0n) continue;
      const m = this.margin(p.subAccount);
      if (m.balance > 0n) this.host.transfer(m, this.general(p.subAccount), m.balance, 'AMM_RELEASE');
      this.release(p);
      p.status = 'CANCELLED';
      this.finish(p);
    }
  }

  /** At each block: a pool whose accounts are empty stops. */
  onTick(): void {
    for (const p of [...this.engine.all()]) {
      const l = this.host.ledger;
      const total =
        (l.get(p.subAccount, 'GENERAL', this.host.asset)?.balance ?? 0n) +
        (l.get(p.subAccount, 'MARGIN', this.host.asset, this.host.marketId)?.balance ?? 0n);
      if (total === 0n) {
        p.status = 'STOPPED';
        this.finish(p);
      }
    }
  }

  /** Parties closed out by the network: their pools stop. */
  closedOut(parties: readonly string[]): void {
    for (const party of parties) {
      const p = this.engine.bySubAccount(party);
      if (!p) continue;
      p.status = 'STOPPED';
      p.reason = 'PARTY_CLOSED_OUT';
      this.finish(p);
    }
  }

  /** Market settled or closed: every pool stops and its sub-account's funds return to the owner. */
  marketClosed(): void {
    for (const p of [...this.engine.all()]) {
      const m = this.margin(p.subAccount);
      if (m.balance > 0n) this.host.transfer(m, this.general(p.subAccount), m.balance, 'AMM_RELEASE');
      this.release(p);
      p.status = 'STOPPED';
      p.reason = 'MARKET_CLOSED';
      this.finish(p);
    }
  }

  hashParts(): string[] {
    return this.engine.hashParts();
  }
}
