// The AMMs of one market (spec 0090-VAMM): the pools by owner and by sub-account, submission, amendment and
// cancellation checks with Vega's reasons, and the matching seam — the market's matching asks the engine for the
// pools' volume between the aggressor's current price and the next book level (inclusive), so at each price the
// AMMs' implied volume trades before the book orders resting there. The engine computes and returns; the market
// moves money, applies trades and emits events.
import { Decimal } from '../num/decimal.ts';
import { sha3_256Hex } from './sha3.ts';
import type { Side } from '../types.ts';
import { AmmError, AmmPool, type AmmBaseSource, type AmmParameters, type AmmRiskInputs } from './pool.ts';

export interface AmmSubmission {
  readonly party: string;
  readonly marketId: string;
  /** asset precision */
  readonly commitment: bigint;
  readonly slippageTolerance: Decimal;
  readonly proposedFee: Decimal;
  readonly params: AmmParameters;
  /** an oracle-driven base price: the pool waits (PENDING, base 0) for the source's next value */
  readonly baseSource?: AmmBaseSource;
}

export interface AmmAmendment {
  readonly party: string;
  readonly marketId: string;
  readonly commitment?: bigint;
  readonly slippageTolerance: Decimal;
  readonly proposedFee?: Decimal;
  /** all the parameters together, or none */
  readonly params?: AmmParameters;
  /**
   * an oracle-driven base price from now on: the current base is kept when the new bounds contain it, otherwise the
   * pool waits (PENDING) for the source's next value
   */
  readonly baseSource?: AmmBaseSource;
}

export type AmmCancelMethod = 'IMMEDIATE' | 'REDUCE_ONLY';

export interface AmmCancellation {
  readonly party: string;
  readonly marketId: string;
  readonly method: AmmCancelMethod;
}

/** One order the AMMs generate against an incoming order: the pool's side is the opposite of the aggressor's. */
export interface AmmFill {
  readonly pool: AmmPool;
  readonly size: bigint;
  /** asset precision */
  readonly price: bigint;
}

/**
 * The sub-account key of a party's AMM on a market (spec: a predictable hash of the owner and the market): SHA3-256
 * of version, market, owner and index, as Vega derives it (the keys the features print match).
 */
export function ammSubAccount(owner: string, marketId: string): string {
  return sha3_256Hex(`AMMv1${marketId}${owner}0`);
}

export class AmmEngine {
  /** pools in creation order (matching and quoting visit them in this order) */
  private pools: AmmPool[] = [];
  private readonly byOwner = new Map<string, AmmPool>();
  private readonly bySub = new Map<string, AmmPool>();
  /** every sub-account ever created on this market → its owner */
  readonly subAccounts = new Map<string, string>();
  private seq = 0;

  constructor(
    readonly marketId: string,
    private readonly positionOf: (party: string) => bigint,
  ) {}

  get size(): number {
    return this.pools.length;
  }

  all(): readonly AmmPool[] {
    return this.pools;
  }

  byParty(owner: string): AmmPool | undefined {
    return this.byOwner.get(owner);
  }

  bySubAccount(sub: string): AmmPool | undefined {
    return this.bySub.get(sub);
  }

  isSubAccount(party: string): boolean {
    return this.subAccounts.has(party);
  }

  /**
   * Builds (does not register) the pool of a submission, after Vega's checks: one pool per party and market, the
   * commitment at least `minCommitmentQuantum` quanta, the owner able to fund it, a curve dense enough.
   */
  create(
    sub: AmmSubmission,
    risk: AmmRiskInputs,
    checks: { quantum: Decimal; minCommitmentQuantum: Decimal; available: bigint },
  ): AmmPool {
    if (this.byOwner.has(sub.party)) throw new AmmError(`party already own a pool for market ${this.marketId}`);
    AmmEngine.checkCommitment(sub.commitment, checks);
    const subAccount = ammSubAccount(sub.party, sub.marketId);
    return new AmmPool(
      {
        id: `${this.marketId}/amm/${++this.seq}`,
        owner: sub.party,
        subAccount,
        marketId: sub.marketId,
        commitment: sub.commitment,
        proposedFee: sub.proposedFee,
        slippage: sub.slippageTolerance,
        params: sub.baseSource ? { ...sub.params, base: 0n } : sub.params,
        ...(sub.baseSource ? { baseSource: sub.baseSource } : {}),
      },
      risk,
      this.positionOf,
    );
  }

  static checkCommitment(
    commitment: bigint,
    checks: { quantum: Decimal; minCommitmentQuantum: Decimal; available: bigint },
  ): void {
    const inQuanta = checks.quantum.isZero()
      ? Decimal.fromBigInt(commitment)
      : Decimal.fromBigInt(commitment).div(checks.quantum);
    if (inQuanta.lt(checks.minCommitmentQuantum)) throw new AmmError('commitment amount too low');
    if (checks.available < commitment) throw new AmmError('not enough collateral in general account');
  }

  /** Registers a created or amended pool (replacing the owner's previous one). */
  confirm(pool: AmmPool): void {
    const prev = this.byOwner.get(pool.owner);
    if (prev) this.pools = this.pools.filter((p) => p !== prev);
    this.pools.push(pool);
    this.byOwner.set(pool.owner, pool);
    this.bySub.set(pool.subAccount, pool);
    this.subAccounts.set(pool.subAccount, pool.owner);
  }

  remove(owner: string): void {
    const p = this.byOwner.get(owner);
    if (!p) return;
    this.pools = this.pools.filter((q) => q !== p);
    this.byOwner.delete(owner);
    this.bySub.delete(p.subAccount);
  }

  /**
   * The amended copy of a pool (not registered): commitment, fee and parameters replaced where given. Vega's
   * reasons: no pool, bounds that the current position needs, a position outside the new curves.
   */
  amend(
    am: AmmAmendment,
    risk: AmmRiskInputs,
    checks: { quantum: Decimal; minCommitmentQuantum: Decimal; available: bigint },
  ): {
    updated: AmmPool;
    current: AmmPool;
  } {
    const current = this.byOwner.get(am.party);
    if (!current) throw new AmmError('no pool matching party');
    if (am.commitment !== undefined) AmmEngine.checkCommitment(am.commitment, checks);
    let params = am.params ?? current.params;
    const baseSource = am.baseSource ?? current.baseSource;
    if (am.baseSource) {
      // the base follows the oracle: the current base stays if the new range still contains it
      const b = current.status === 'PENDING' ? 0n : current.params.base;
      const inside =
        b > 0n &&
        (params.lowerBound === undefined || b > params.lowerBound) &&
        (params.upperBound === undefined || b < params.upperBound);
      params = { ...params, base: inside ? b : 0n };
    }
    const pos = current.position();
    if (params.lowerBound === undefined && pos > 0n) throw new AmmError('cannot remove lower bound when AMM is long');
    if (params.upperBound === undefined && pos < 0n) throw new AmmError('cannot remove upper bound when AMM is short');
    const updated = new AmmPool(
      {
        id: current.id,
        owner: current.owner,
        subAccount: current.subAccount,
        marketId: current.marketId,
        commitment: am.commitment ?? current.commitment,
        proposedFee: am.proposedFee !== undefined && am.proposedFee.isPositive() ? am.proposedFee : current.proposedFee,
        slippage: am.slippageTolerance,
        params,
        ...(baseSource ? { baseSource } : {}),
      },
      risk,
      this.positionOf,
    );
    if (!updated.positionFits())
      throw new AmmError("AMM's current position is outside of amended bounds - reduce position first");
    return { updated, current };
  }

  // ------------------------------------------------------------------ matching seam

  /**
   * The pools' orders against an incoming order of side `incoming` for volume up to `outer` (asset precision,
   * inclusive; undefined: no bound — a market order past the book), at most `remaining` in total. The price range
   * is cut at every pool's bounds and base so each piece is priced on one curve; within a piece, volume beyond
   * `remaining` is shared pro rata (integer division, the crumbs to the first pool). Pools track the generated
   * volume as an ephemeral position until `endMatch`.
   */
  ordersUpTo(incoming: Side, aggressor: string, outer: bigint | undefined, remaining: bigint): AmmFill[] {
    if (this.pools.length === 0 || remaining <= 0n) return [];
    const active = this.pools.filter((p) => p.subAccount !== aggressor && p.canTrade(incoming));
    if (active.length === 0) return [];
    const levels = new Set<bigint>();
    for (const p of active) {
      p.beginMatch();
      const fp = p.fairPrice();
      for (const b of [p.lower.low, p.base, p.upper.high]) {
        const ahead = incoming === 'buy' ? b > fp : b < fp;
        const within = outer === undefined || (incoming === 'buy' ? b < outer : b > outer);
        if (ahead && within) levels.add(b);
      }
    }
    if (outer !== undefined) levels.add(outer);
    const sorted = [...levels].sort((a, b) => (incoming === 'buy' ? (a < b ? -1 : 1) : a > b ? -1 : 1));
    const fills: AmmFill[] = [];
    let left = remaining;
    for (const level of sorted) {
      // a pool whose best price is beyond the level has nothing there (sparse curves quote past one tick)
      const vols = active.map((p) => {
        const best = p.bestPrice(incoming === 'buy' ? 'sell' : 'buy');
        if (best === undefined || (incoming === 'buy' ? best > level : best < level)) return 0n;
        return p.volumeUpTo(incoming, level);
      });
      const total = vols.reduce((a, b) => a + b, 0n);
      if (total === 0n) continue;
      if (total > left) {
        // pro rata by available volume, integer division; the crumbs go to the pools in order, as far as each can take
        const max = [...vols];
        let shared = 0n;
        for (let i = 0; i < vols.length; i++) {
          vols[i] = (left * vols[i]!) / total;
          shared += vols[i]!;
        }
        let crumbs = left - shared;
        for (let i = 0; i < vols.length && crumbs > 0n; i++) {
          const room = max[i]! - vols[i]!;
          const add = room < crumbs ? room : crumbs;
          vols[i]! += add;
          crumbs -= add;
        }
      }
      for (let i = 0; i < active.length; i++) {
        const v = vols[i]!;
        if (v <= 0n) continue;
        const p = active[i]!;
        const price = p.priceFor(v, incoming);
        fills.push({ pool: p, size: v, price });
        p.trade(incoming === 'buy' ? -v : v);
        left -= v;
      }
      if (left === 0n) break;
    }
    return fills;
  }

  /** The volume all pools would trade with an incoming order of side `incoming` up to `price` (asset precision). */
  volumeUpTo(incoming: Side, price: bigint): bigint {
    let v = 0n;
    for (const p of this.pools) {
      const best = p.bestPrice(incoming === 'buy' ? 'sell' : 'buy');
      if (best === undefined || (incoming === 'buy' ? best > price : best < price)) continue;
      v += p.volumeUpTo(incoming, price);
    }
    return v;
  }

  /** Ends a match: pools read their position from the positions engine again. */
  endMatch(): void {
    for (const p of this.pools) p.endMatch();
  }

  /** Best bid and ask across the pools (asset precision) with the volume quoted there. */
  bestPrices(): { bid?: { price: bigint; volume: bigint }; ask?: { price: bigint; volume: bigint } } {
    let bid: { price: bigint; volume: bigint } | undefined;
    let ask: { price: bigint; volume: bigint } | undefined;
    for (const p of this.pools) {
      const b = p.bestQuote('buy');
      if (b && b.volume > 0n) {
        if (!bid || b.price > bid.price) bid = { ...b };
        else if (b.price === bid.price) bid.volume += b.volume;
      }
      const a = p.bestQuote('sell');
      if (a && a.volume > 0n) {
        if (!ask || a.price < ask.price) ask = { ...a };
        else if (a.price === ask.price) ask.volume += a.volume;
      }
    }
    return { ...(bid ? { bid } : {}), ...(ask ? { ask } : {}) };
  }

  /** Volume the pools quote on their `side` at exactly `price` (asset precision), for book depth. */
  volumeAt(side: Side, price: bigint): bigint {
    let v = 0n;
    for (const p of this.pools) {
      const fp = p.fairPrice();
      if (side === 'buy' ? price >= fp : price <= fp) continue;
      const tick = p.oneTick;
      const inner = side === 'buy' ? price + tick : price - tick;
      // volume between inner and price: the position difference, for an AMM bid the incoming side is a sell
      const incoming: Side = side === 'buy' ? 'sell' : 'buy';
      const upTo = p.volumeUpTo(incoming, price);
      const before = (side === 'buy' ? inner >= fp : inner <= fp) ? 0n : p.volumeUpTo(incoming, inner);
      v += upTo - before;
    }
    return v;
  }

  hashParts(): string[] {
    return this.pools.flatMap((p) => p.hashParts());
  }
}
