// Equity-like shares of liquidity providers and the market-value windows that grow their virtual stakes
// (spec 0042-LIQF "Calculating liquidity provider equity-like share"). All arithmetic is decimal with Vega's
// 16-digit division; the fee-share step and market data show these values as decimal strings.
import { Decimal } from '../num/decimal.ts';

interface ElsEntry {
  /** physical stake (the commitment) */
  stake: Decimal;
  /** virtual stake: the stake grown with the market since the LP entered */
  vStake: Decimal;
  /** average entry valuation */
  avg: Decimal;
}

export interface ElsShare {
  readonly party: string;
  readonly share: Decimal;
  readonly avg: Decimal;
  readonly vStake: Decimal;
}

/** One LP's equity-like-share state, as a successor market inherits it from its parent (spec 0081-SUCM). */
export interface ElsState {
  readonly party: string;
  readonly stake: Decimal;
  readonly vStake: Decimal;
  readonly avg: Decimal;
}

export class EquityLikeShares {
  private readonly lps = new Map<string, ElsEntry>();
  private totalVStake = Decimal.ZERO;
  /** market value proxy: the average trade value of the last window */
  private mvp = Decimal.ZERO;
  /** market growth of the last window */
  private growth = Decimal.ZERO;

  /**
   * Sets a party's physical stake. A new party or an increase by Δ raises the total virtual stake by Δ and moves the
   * average entry valuation to avg·S/S' + ΣV'·Δ/S' (ΣV' after the increase); a decrease scales the virtual stake by
   * S'/S and keeps the valuation; zero removes the party.
   */
  setPartyStake(party: string, stake: bigint): void {
    this.reported = undefined;
    this.setStake(party, stake);
  }

  /**
   * An AMM's virtual commitment at the epoch end: set like a commitment, but the shares shown (market data, the
   * fee-shares view) stay those of before — a new AMM shows 0 — until the shares are next computed for a fee
   * allocation or a commitment changes, as in Vega (0042-LIQF-108/109 show the AMM's ELS as 0 after the epoch).
   */
  setAmmStake(party: string, stake: bigint): void {
    if (this.reported === undefined) this.reported = this.shares();
    this.setStake(party, stake);
  }

  /** shares as last shown, while an AMM's stake changed since they were computed */
  private reported: Map<string, Decimal> | undefined;

  private setStake(party: string, stake: bigint): void {
    const v = this.lps.get(party);
    if (stake === 0n) {
      if (v) {
        this.totalVStake = this.totalVStake.sub(v.vStake);
        this.lps.delete(party);
      }
      return;
    }
    const next = Decimal.fromBigInt(stake);
    if (v && next.eq(v.stake)) return;
    if (!v) {
      const e: ElsEntry = { stake: Decimal.ZERO, vStake: Decimal.ZERO, avg: Decimal.ZERO };
      this.lps.set(party, e);
      this.increase(e, next, next);
      return;
    }
    if (next.lt(v.stake)) {
      this.totalVStake = this.totalVStake.sub(v.vStake);
      v.vStake = v.vStake.mul(next.div(v.stake));
      v.stake = next;
      this.totalVStake = this.totalVStake.add(v.vStake);
      return;
    }
    this.increase(v, next.sub(v.stake), next);
  }

  private increase(e: ElsEntry, delta: Decimal, next: Decimal): void {
    this.totalVStake = this.totalVStake.add(delta);
    e.avg = e.avg.mul(e.stake).div(next).add(this.totalVStake.mul(delta).div(next));
    e.vStake = e.vStake.add(delta);
    e.stake = next;
  }

  has(party: string): boolean {
    return this.lps.has(party);
  }

  /** Every LP's stake, virtual stake and valuation (a copy: the exchange keeps one per market and tick). */
  snapshot(): ElsState[] {
    const out: ElsState[] = [];
    for (const [party, e] of this.lps) out.push({ party, stake: e.stake, vStake: e.vStake, avg: e.avg });
    return out;
  }

  /**
   * A successor market takes over the parent's state of every LP that has committed to both: the parent's stake,
   * virtual stake and valuation replace the LP's own, then its commitment here applies as a change of stake (spec
   * 0081-SUCM "Carrying over virtual stake"). LPs are taken in descending party order, as Vega's checkpoint lists
   * them (the order matters: an increase values the LP at the running total virtual stake).
   */
  inherit(parent: readonly ElsState[]): void {
    for (const p of [...parent].sort((a, b) => (a.party < b.party ? 1 : a.party > b.party ? -1 : 0))) {
      const cur = this.lps.get(p.party);
      if (!cur) continue;
      const commitment = cur.stake;
      this.totalVStake = this.totalVStake.sub(cur.vStake).add(p.vStake);
      cur.stake = p.stake;
      cur.vStake = p.vStake;
      cur.avg = p.avg;
      this.setPartyStake(p.party, commitment.trunc());
    }
  }

  /**
   * Undoes an inheritance while the successor is still in its opening auction: the LPs' stakes are set again from
   * nothing in party order, and every valuation becomes the last party's, as Vega rebuilds them.
   */
  rollbackInheritance(): void {
    const stakes = [...this.lps.entries()]
      .map(([party, e]) => [party, e.stake.trunc()] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.lps.clear();
    this.totalVStake = Decimal.ZERO;
    for (const [party, stake] of stakes) this.setPartyStake(party, stake);
    const last = stakes.length ? this.lps.get(stakes[stakes.length - 1]![0]) : undefined;
    if (last) for (const e of this.lps.values()) e.avg = last.avg;
  }

  /** ELS of every LP: virtual stake over the total virtual stake. */
  shares(): Map<string, Decimal> {
    this.reported = undefined;
    const out = new Map<string, Decimal>();
    for (const [party, e] of this.lps) out.set(party, this.share(e));
    return out;
  }

  private share(e: ElsEntry): Decimal {
    return this.totalVStake.isZero() ? Decimal.ZERO : e.vStake.div(this.totalVStake);
  }

  /** Entries sorted by party (market data, the fee-shares step). */
  entries(): ElsShare[] {
    return [...this.lps.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([party, e]) => ({
        party,
        share: this.reported ? (this.reported.get(party) ?? Decimal.ZERO) : this.share(e),
        avg: e.avg,
        vStake: e.vStake,
      }));
  }

  /** The end of the opening auction: growth restarts from zero and virtual stakes are at least the stakes. */
  openingAuctionEnded(): void {
    this.growth = Decimal.ZERO;
    this.updateVStake();
  }

  /** A market-value window ended with average trade value `avg`: r = (avg − mvp)/mvp grows the virtual stakes. */
  avgTradeValue(avg: Decimal): void {
    if (avg.isZero()) return;
    this.growth = this.mvp.isZero() ? Decimal.ZERO : avg.sub(this.mvp).div(this.mvp);
    this.updateVStake();
    this.mvp = avg;
  }

  private updateVStake(): void {
    const factor = Decimal.ONE.add(this.growth);
    let total = Decimal.ZERO;
    for (const e of this.lps.values()) {
      e.vStake = Decimal.max(e.stake, e.vStake.mul(factor));
      total = total.add(e.vStake);
    }
    this.totalVStake = total;
  }
}

/**
 * Traded value per market-value window (Vega's fee splitter): the opening auction's notional seeds the first window's
 * average; each later window folds its traded value into a running mean over the windows.
 */
export class MarketValueWindows {
  private windowStart = 0n;
  private tradeValue = 0n;
  private avg = Decimal.ZERO;
  private window = 1;
  private started = false;

  addTradeValue(value: bigint): void {
    this.tradeValue += value;
  }

  /** Traded value of the current window (a successor market inherits its parent's). */
  get currentTradeValue(): bigint {
    return this.tradeValue;
  }

  setTradeValue(value: bigint): void {
    this.tradeValue = value;
  }

  /** Starts a new window at `now`: the first one after the opening auction takes the auction's traded value. */
  windowStarted(now: bigint): void {
    if (!this.avg.isZero()) this.window++;
    else if (this.tradeValue !== 0n) this.avg = Decimal.fromBigInt(this.tradeValue);
    this.tradeValue = 0n;
    this.windowStart = now;
    this.started = true;
  }

  /** Whether the current window is longer than `length` (strictly); a window never started always is. */
  elapsed(now: bigint, length: bigint): boolean {
    return !this.started || now - this.windowStart > length;
  }

  /** The running average trade value including the window that is ending. */
  averageTradeValue(): Decimal {
    const tv = Decimal.fromBigInt(this.tradeValue);
    if (this.window === 1) {
      this.avg = this.avg.add(tv);
      return this.avg;
    }
    const n = Decimal.fromInt(this.window);
    const nMinus1 = Decimal.fromInt(this.window - 1);
    this.avg = this.avg.mul(nMinus1.div(n)).add(tv.div(n));
    return this.avg;
  }
}
