// Per-party volumes by epoch, summed over a trailing window of epochs: the running notional volumes of the
// referral (0083-RFPR), volume discount (0084-VDPR) and volume rebate (0095-HVMR) programmes. Volumes are in
// quantum units (notional in asset units divided by the asset's quantum), exact decimals.
import { Decimal } from '../num/decimal.ts';

export class EpochVolumes {
  /** closed epochs, oldest first: per party the volume of that epoch */
  private readonly closed: { seq: number; byParty: Map<string, Decimal> }[] = [];
  private current = new Map<string, Decimal>();

  add(party: string, v: Decimal): void {
    if (!v.isPositive()) return;
    this.current.set(party, (this.current.get(party) ?? Decimal.ZERO).add(v));
  }

  /** the volume recorded so far in the running epoch */
  currentOf(party: string): Decimal {
    return this.current.get(party) ?? Decimal.ZERO;
  }

  currentParties(): string[] {
    return [...this.current.keys()].sort();
  }

  /**
   * Closes the running epoch (optionally capping each party's volume of it) and keeps at most `keep` epochs.
   */
  close(seq: number, keep: number, cap?: Decimal): void {
    const byParty = new Map<string, Decimal>();
    for (const [p, v] of this.current) byParty.set(p, cap && v.gt(cap) ? cap : v);
    this.closed.push({ seq, byParty });
    this.current = new Map();
    while (this.closed.length > Math.max(keep, 1)) this.closed.shift();
  }

  /** The sum of the last `window` closed epochs for a party. */
  running(party: string, window: number): Decimal {
    let s = Decimal.ZERO;
    for (const e of this.closed.slice(-Math.max(window, 0))) s = s.add(e.byParty.get(party) ?? Decimal.ZERO);
    return s;
  }

  /** The sum over every party of the last `window` closed epochs. */
  runningTotal(window: number): Decimal {
    let s = Decimal.ZERO;
    for (const e of this.closed.slice(-Math.max(window, 0))) for (const v of e.byParty.values()) s = s.add(v);
    return s;
  }

  /** every party with volume in the last `window` closed epochs, sorted */
  parties(window: number): string[] {
    const out = new Set<string>();
    for (const e of this.closed.slice(-Math.max(window, 0))) for (const p of e.byParty.keys()) out.add(p);
    return [...out].sort();
  }

  hashParts(name: string): string[] {
    const parts: string[] = [];
    for (const e of this.closed)
      for (const [p, v] of [...e.byParty].sort(([a], [b]) => (a < b ? -1 : 1)))
        parts.push(`${name} ${e.seq} ${p}=${v}`);
    for (const [p, v] of [...this.current].sort(([a], [b]) => (a < b ? -1 : 1))) parts.push(`${name} now ${p}=${v}`);
    return parts;
  }
}
