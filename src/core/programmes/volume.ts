// The volume discount programme (spec 0084-VDPR: a taker's fee discount from its running notional taker volume)
// and the volume rebate programme (spec 0095-HVMR: a maker's additional rebate from its share of all maker volume).
// Both evaluate a trailing window of epochs at each epoch end and fix each party's factor for the next epoch.
import { Decimal } from '../num/decimal.ts';
import { EpochVolumes } from './window.ts';
import { NO_FACTORS, type Factors } from './benefits.ts';

export interface VolumeDiscountTier {
  readonly minRunningVolume: Decimal;
  readonly discount: Factors;
}

export interface VolumeDiscountProgram {
  /** ns since the Unix epoch; 0 = no end */
  readonly endOfProgram: bigint;
  readonly windowLength: number;
  readonly tiers: readonly VolumeDiscountTier[];
}

export interface VolumeRebateTier {
  readonly minFraction: Decimal;
  readonly rebate: Decimal;
}

export interface VolumeRebateProgram {
  readonly endOfProgram: bigint;
  readonly windowLength: number;
  readonly tiers: readonly VolumeRebateTier[];
}

function checkWindow(what: string, w: number): void {
  if (!Number.isInteger(w) || w <= 0) throw new RangeError(`${what} window length: must be an integer greater than 0`);
}

/** Programme lifecycle shared by both: set → active from the next epoch start → closed at an epoch end past its end. */
abstract class WindowedProgramme<P extends { endOfProgram: bigint; windowLength: number }> {
  protected program: P | undefined;
  protected pending: P | undefined;
  readonly volumes = new EpochVolumes();

  protected abstract readonly what: string;

  setProgram(p: P): void {
    checkWindow(this.what, p.windowLength);
    this.pending = p;
  }

  get active(): P | undefined {
    return this.program;
  }

  onEpochStart(): void {
    if (this.pending) {
      this.program = this.pending;
      this.pending = undefined;
    }
  }

  /**
   * Closes the epoch's volumes; returns the programme the next epoch's factors are computed by: one enacted during
   * the epoch applies from the start of the next (verified/enactment_VDPR), else the one in force unless it ended.
   */
  protected closeEpoch(seq: number, time: bigint): P | undefined {
    const p = this.pending ?? this.program;
    this.volumes.close(seq, Math.max(p?.windowLength ?? 1, 1));
    if (this.program && this.program.endOfProgram > 0n && time >= this.program.endOfProgram) this.program = undefined;
    return this.pending ?? this.program;
  }

  /** whether a programme is in force or enacted for the next epoch */
  protected get inForceNext(): boolean {
    return this.program !== undefined || this.pending !== undefined;
  }
}

export class VolumeDiscountEngine extends WindowedProgramme<VolumeDiscountProgram> {
  protected readonly what = 'volume discount program';
  private readonly factors = new Map<string, Factors>();
  private readonly running = new Map<string, Decimal>();

  recordTakerVolume(party: string, v: Decimal): void {
    this.volumes.add(party, v);
  }

  onEpochEnd(seq: number, time: bigint): void {
    const p = this.closeEpoch(seq, time);
    this.factors.clear();
    this.running.clear();
    if (!p) return;
    for (const party of this.volumes.parties(p.windowLength)) {
      const v = this.volumes.running(party, p.windowLength);
      this.running.set(party, v);
      let f = NO_FACTORS;
      for (const t of p.tiers) if (v.gte(t.minRunningVolume)) f = t.discount;
      this.factors.set(party, f);
    }
    if (!this.inForceNext) this.factors.clear();
  }

  discountOf(party: string): Factors {
    return this.program ? (this.factors.get(party) ?? NO_FACTORS) : NO_FACTORS;
  }

  runningVolumeOf(party: string): Decimal {
    return this.running.get(party) ?? Decimal.ZERO;
  }
}

export class VolumeRebateEngine extends WindowedProgramme<VolumeRebateProgram> {
  protected readonly what = 'volume rebate program';
  private readonly rebates = new Map<string, Decimal>();
  private readonly fractions = new Map<string, Decimal>();

  recordMakerVolume(party: string, v: Decimal): void {
    this.volumes.add(party, v);
  }

  onEpochEnd(seq: number, time: bigint): void {
    const p = this.closeEpoch(seq, time);
    this.rebates.clear();
    this.fractions.clear();
    if (!p) return;
    const total = this.volumes.runningTotal(p.windowLength);
    if (!total.isPositive()) return;
    for (const party of this.volumes.parties(p.windowLength)) {
      const fraction = this.volumes.running(party, p.windowLength).div(total);
      this.fractions.set(party, fraction);
      let r = Decimal.ZERO;
      for (const t of p.tiers) if (fraction.gte(t.minFraction)) r = t.rebate;
      if (r.isPositive()) this.rebates.set(party, r);
    }
    if (!this.inForceNext) this.rebates.clear();
  }

  /** the additional rebate factor in force for the running epoch (before the treasury + buy-back cap) */
  rebateOf(party: string): Decimal {
    return this.program ? (this.rebates.get(party) ?? Decimal.ZERO) : Decimal.ZERO;
  }

  makerFractionOf(party: string): Decimal {
    return this.fractions.get(party) ?? Decimal.ZERO;
  }
}
