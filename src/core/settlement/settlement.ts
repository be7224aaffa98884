// Mark-to-market settlement (spec 0003-MTMK; vega-formulas.md 2.8): per party
//   mtm = [V_prev × (M − M_prev) + Σ size_i × (M − price_i)] / positionFactor, |mtm| truncated toward zero,
// computed in the positions engine's order. Losses come first, then wins (zero amounts among the wins, so the
// party still gets its margin reassessed). When truncation leaves the losses larger than the wins, the difference
// goes first one unit each to winners whose share truncated to zero, then to the first largest winner.
import { Decimal } from '../num/decimal.ts';
import type { SettleTrade } from '../events.ts';
import type { Position } from '../positions/positions.ts';

export interface MtmEntry {
  readonly party: string;
  /** signed amount: negative = loss to collect, positive or zero = win to pay */
  amount: bigint;
  /** the amount before truncation times the position factor (for the rounding remainder) */
  readonly total: bigint;
  readonly hadTrades: boolean;
  readonly size: number;
}

export interface MtmResult {
  /** settle-position data in positions order: the new mark, the trades since the last MTM */
  readonly settled: { party: string; trades: SettleTrade[] }[];
  /** losses (in order) followed by wins and zero entries (in order) */
  readonly entries: MtmEntry[];
}

const NO_TRADES: SettleTrade[] = Object.freeze([]) as unknown as SettleTrade[];
const NO_PENDING: readonly (SettleTrade & { closeOut?: boolean })[] = Object.freeze([]);

export class SettlementEngine {
  /** position size at the last mark-to-market */
  private readonly settled = new Map<string, number>();
  /** trades since the last mark-to-market (closeOut: the network taking over a distressed position) */
  private readonly trades = new Map<string, (SettleTrade & { closeOut?: boolean })[]>();
  /** mark price of the last mark-to-market (asset precision) */
  lastMarkPrice = 0n;

  /**
   * 10^k when the position factor is 10^k with 0 <= k <= 16: amount / positionFactor at 16 digits is then exact, so
   * the truncated amount is a bigint division (no decimal objects per party at every mark-to-market).
   */
  private readonly intFactor: bigint | undefined;

  constructor(private readonly positionFactor: Decimal) {
    const pf = positionFactor.reduce();
    this.intFactor =
      pf.scale === 0 && pf.coef > 0n && pf.coef <= 10n ** 16n && /^10*$/.test(pf.coef.toString()) ? pf.coef : undefined;
  }

  addTrade(buyer: string, seller: string, price: bigint, size: number): void {
    this.push(buyer, { price, size });
    this.push(seller, { price, size: -size });
  }

  /**
   * The network takes over a distressed position at `price`: marked to market from that price like a trade, but
   * left out of the network's settle-position event, since the positions API books the close-out trade itself
   * (verified/network_pnl: the network's realised PnL stays 0 while it only accumulates).
   */
  addCloseOut(networkSize: number, price: bigint, network: string): void {
    this.push(network, { price, size: networkSize, closeOut: true });
  }

  private push(party: string, t: SettleTrade & { closeOut?: boolean }): void {
    let l = this.trades.get(party);
    if (!l) this.trades.set(party, (l = []));
    l.push(t);
  }

  hasTraded(): boolean {
    return this.trades.size > 0;
  }

  /** True when the party has a settled position and trades not yet marked to market (Vega's HasPosition). */
  hasPosition(party: string): boolean {
    return this.settled.has(party) && this.trades.has(party);
  }

  /** Sizes at the last mark-to-market. */
  settledSizes(): [string, number][] {
    return [...this.settled.entries()];
  }

  /** Forgets a closed-out party (its position moved to the network). */
  removeParty(party: string): void {
    this.settled.delete(party);
    this.trades.delete(party);
  }

  /** Computes the MTM of every position at `mark`, clears pending trades and records the new settled sizes. */
  settleMTM(mark: bigint, positions: Iterable<Position>): MtmResult {
    const settled: { party: string; trades: SettleTrade[] }[] = [];
    const losses: MtmEntry[] = [];
    const wins: MtmEntry[] = [];
    const prevMark = this.lastMarkPrice;
    for (const pos of positions) {
      const trades = this.trades.get(pos.party) ?? NO_PENDING;
      // most parties have no trades since the last mark-to-market: they share one empty (frozen) list
      let reported = NO_TRADES;
      for (const t of trades) {
        if (t.closeOut) continue;
        if (reported === NO_TRADES) reported = [];
        reported.push({ price: t.price, size: t.size });
      }
      settled.push({ party: pos.party, trades: reported });
      const prevSize = this.settled.get(pos.party) ?? 0;
      const known = this.settled.has(pos.party);
      if (trades.length === 0 && (mark === prevMark || (!known && pos.isEmpty()))) {
        this.record(pos);
        continue;
      }
      let total = BigInt(prevSize) * (mark - prevMark);
      for (const t of trades) total += BigInt(t.size) * (mark - t.price);
      // truncated toward zero (bigint division truncates)
      const amount =
        this.intFactor !== undefined
          ? total / this.intFactor
          : Decimal.fromBigInt(total).div(this.positionFactor).trunc();
      this.record(pos);
      const e: MtmEntry = { party: pos.party, amount, total, hadTrades: trades.length > 0, size: pos.openVolume };
      if (amount < 0n) losses.push(e);
      else wins.push(e);
    }
    this.trades.clear();
    this.lastMarkPrice = mark;
    this.distributeRemainder(losses, wins);
    return { settled, entries: [...losses, ...wins] };
  }

  /** Records the settled size; a party with no position and no orders leaves the settlement engine. */
  private record(pos: Position): void {
    if (pos.isEmpty()) this.settled.delete(pos.party);
    else this.settled.set(pos.party, pos.openVolume);
  }

  private distributeRemainder(losses: MtmEntry[], wins: MtmEntry[]): void {
    let lossTotal = 0n;
    for (const l of losses) lossTotal -= l.amount;
    let winTotal = 0n;
    for (const w of wins) winTotal += w.amount;
    let delta = lossTotal - winTotal;
    if (delta <= 0n) return;
    for (const w of wins) {
      if (delta === 0n) return;
      if (w.amount === 0n && (w.hadTrades || w.size !== 0)) {
        w.amount = 1n;
        delta--;
      }
    }
    if (delta === 0n) return;
    let largest: MtmEntry | undefined;
    // the largest exact amount (total / positionFactor at 16 digits, as the amounts were computed)
    const exact = (w: MtmEntry): Decimal => Decimal.fromBigInt(w.total).div(this.positionFactor);
    let largestExact: Decimal | undefined;
    for (const w of wins) {
      const x = exact(w);
      if (!largestExact || x.gt(largestExact)) {
        largest = w;
        largestExact = x;
      }
    }
    if (largest) largest.amount += delta;
  }
}
