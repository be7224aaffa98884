// Online estimators of the Avellaneda–Stoikov market variables, in one unit system: prices in price units, time in
// seconds.
//
// Volatility σ: realised variance of a fair price per unit of *time* (not per tick: observations arrive at irregular
// times), σ² = Σ w·(Δp)² / Σ w·Δt with exponential forgetting, blended with a prior worth `priorWeightSeconds` of
// observation. The prior is forgotten at the same rate as the data (its weight halves every half-life), so a long run
// is measured by its data alone. The price changes are taken over a sampling interval (`setInterval`): the maker sets
// it to the time it expects to hold inventory, so σ² is the variance that inventory is exposed to, not the
// bid/ask bounce of the fair price between two looks at the book. The result is in price units per √second, ready for
// σ² in the quoting formulas.
//
// Fill intensity λ(δ) = A·exp(−κ·δ) is the rate of *arrivals* of aggressive orders that reach depth δ from the mid:
// one aggressive order that trades against three resting orders is one arrival, counted at the deepest distance it
// reached (an order resting anywhere up to that depth would have been filled by it). Each arrival is counted in a
// bucket of width `bucket`; a resting order at depth δᵢ (a bucket's lower edge) would have been reached by every
// arrival at least that far from the mid, so λ(δᵢ) = N(δ ≥ δᵢ) / exposure time. log λ = log A − κ·δ is fitted by least
// squares weighted by the counts, over the buckets with data, and blended with the priors (A₀, κ₀) in proportion to
// the data (n arrivals against `priorWeight` pseudo-arrivals). With no data, or a fit that fails (fewer than two
// depths, κ ≤ 0 or outside its bounds), the estimate is the prior blended with the last good fit, and the state says
// so: the maker quotes from the first block and never stalls or quotes with NaN.

export interface VolatilityConfig {
  /** σ₀, price units per √second */
  readonly prior: number;
  /** how many seconds of observation the prior is worth */
  readonly priorWeightSeconds: number;
  /** half-life of the forgetting, seconds (0: no forgetting) */
  readonly halfLifeSeconds: number;
}

export interface VolatilityState {
  readonly sigma: number;
  readonly prior: number;
  /** price changes used */
  readonly samples: number;
  /** effective seconds of data (after forgetting) against the prior's remaining weight */
  readonly dataSeconds: number;
  /** the prior's weight now, seconds (it decays with the data under forgetting) */
  readonly priorWeightSeconds: number;
  /** the sampling interval of the price changes, seconds */
  readonly intervalSeconds: number;
}

export class VolatilityEstimator {
  /** last observation time (forgetting clock) */
  private lastT: number | undefined;
  /** start of the current price change */
  private anchorT = 0;
  private anchorP = 0;
  private sumSq = 0;
  private sumDt = 0;
  private priorW: number;
  private samples = 0;
  private interval = 0;

  constructor(readonly cfg: VolatilityConfig) {
    if (!(cfg.prior >= 0) || !Number.isFinite(cfg.prior)) throw new RangeError('volatility prior: must be >= 0');
    if (!(cfg.priorWeightSeconds > 0)) throw new RangeError('volatility priorWeightSeconds: must be > 0');
    if (!(cfg.halfLifeSeconds >= 0)) throw new RangeError('volatility halfLifeSeconds: must be >= 0');
    this.priorW = cfg.priorWeightSeconds;
  }

  /** Price changes are taken over at least `seconds` (0: between consecutive observations). */
  setInterval(seconds: number): void {
    if (Number.isFinite(seconds) && seconds >= 0) this.interval = seconds;
  }

  /** A fair-price observation at time t (seconds). Non-finite or non-positive prices are ignored. */
  observe(t: number, price: number): void {
    if (!Number.isFinite(price) || price <= 0 || !Number.isFinite(t)) return;
    if (this.lastT === undefined) {
      this.lastT = t;
      this.anchorT = t;
      this.anchorP = price;
      return;
    }
    const dt = t - this.lastT;
    if (dt > 0 && this.cfg.halfLifeSeconds > 0) {
      const d = Math.pow(2, -dt / this.cfg.halfLifeSeconds);
      this.sumSq *= d;
      this.sumDt *= d;
      this.priorW *= d;
    }
    if (dt > 0) this.lastT = t;
    const span = t - this.anchorT;
    if (span <= 0) {
      // a second look at the same instant replaces the first
      this.anchorP = price;
      return;
    }
    if (span < this.interval) return;
    const dp = price - this.anchorP;
    this.sumSq += dp * dp;
    this.sumDt += span;
    this.samples++;
    this.anchorT = t;
    this.anchorP = price;
  }

  /** σ in price units per √second. */
  sigma(): number {
    const w = this.priorW;
    const p = this.cfg.prior;
    return Math.sqrt((w * p * p + this.sumSq) / (w + this.sumDt));
  }

  state(): VolatilityState {
    return {
      sigma: this.sigma(),
      prior: this.cfg.prior,
      samples: this.samples,
      dataSeconds: this.sumDt,
      priorWeightSeconds: this.priorW,
      intervalSeconds: this.interval,
    };
  }
}

export interface IntensityConfig {
  /** A₀, fills per second at zero distance */
  readonly priorA: number;
  /** κ₀, per price unit */
  readonly priorKappa: number;
  /** how many arrivals the prior is worth */
  readonly priorWeight: number;
  /** bucket width, price units (typically the tick) */
  readonly bucket: number;
  /** number of buckets; arrivals further away count in the last one */
  readonly buckets: number;
  /** half-life of the forgetting, seconds (0: no forgetting) */
  readonly halfLifeSeconds: number;
  /** bounds of an acceptable κ fit (default: the prior ÷ 100 and × 100); a fit outside them counts as failed */
  readonly minKappa?: number;
  readonly maxKappa?: number;
}

export type IntensityFit = 'prior' | 'fitted' | 'stale';

export interface IntensityState {
  readonly A: number;
  readonly kappa: number;
  /** prior: no usable fit yet; fitted: the current data fit; stale: the current fit failed, the last good one is used */
  readonly fit: IntensityFit;
  /** why the current fit failed, when it did */
  readonly reason?: string;
  /** effective number of arrivals (after forgetting) */
  readonly arrivals: number;
  /** weight of the data against the prior, in [0, 1) */
  readonly dataWeight: number;
  readonly fittedA?: number;
  readonly fittedKappa?: number;
}

export class IntensityEstimator {
  private readonly counts: Float64Array;
  private exposure = 0;
  private lastT: number | undefined;
  private lastGood: { lnA: number; kappa: number } | undefined;
  /** the latest arrival, while more of its trades may come */
  private lastArrival: { key: string; bucket: number; t: number; weight: number } | undefined;

  constructor(readonly cfg: IntensityConfig) {
    if (!(cfg.priorA > 0) || !Number.isFinite(cfg.priorA)) throw new RangeError('intensity priorA: must be > 0');
    if (!(cfg.priorKappa > 0) || !Number.isFinite(cfg.priorKappa))
      throw new RangeError('intensity priorKappa: must be > 0');
    if (!(cfg.priorWeight > 0)) throw new RangeError('intensity priorWeight: must be > 0');
    if (!(cfg.bucket > 0) || !Number.isFinite(cfg.bucket)) throw new RangeError('intensity bucket: must be > 0');
    if (!Number.isInteger(cfg.buckets) || cfg.buckets < 2) throw new RangeError('intensity buckets: must be >= 2');
    if (!(cfg.halfLifeSeconds >= 0)) throw new RangeError('intensity halfLifeSeconds: must be >= 0');
    this.counts = new Float64Array(cfg.buckets);
  }

  /** Moves the exposure clock to t (seconds), forgetting old data. */
  advance(t: number): void {
    if (!Number.isFinite(t)) return;
    if (this.lastT === undefined) {
      this.lastT = t;
      return;
    }
    const dt = t - this.lastT;
    if (dt <= 0) return;
    this.lastT = t;
    if (this.cfg.halfLifeSeconds > 0) {
      const d = Math.pow(2, -dt / this.cfg.halfLifeSeconds);
      for (let i = 0; i < this.counts.length; i++) this.counts[i]! *= d;
      // exposure under forgetting: ∫ 2^(−s/h) ds over the last dt seconds, added to the decayed exposure
      this.exposure = this.exposure * d + (this.cfg.halfLifeSeconds / Math.LN2) * (1 - d);
    } else this.exposure += dt;
  }

  /**
   * A public trade at time t, `distance` price units from the mid just before it. Trades with the same `arrival` key
   * (the aggressive order's id) are one arrival, counted once at the deepest distance any of them reached; without a
   * key each trade is an arrival of weight `weight`.
   */
  observe(t: number, distance: number, weight = 1, arrival?: string): void {
    if (!Number.isFinite(distance) || distance < 0 || !(weight > 0)) return;
    this.advance(t);
    const i = Math.min(this.counts.length - 1, Math.floor(distance / this.cfg.bucket + 1e-9));
    const last = this.lastArrival;
    if (arrival !== undefined && last !== undefined && last.key === arrival) {
      if (i > last.bucket) {
        // move the arrival (decayed like everything else since it was counted) to the deeper bucket
        const h = this.cfg.halfLifeSeconds;
        const w = h > 0 ? last.weight * Math.pow(2, -((this.lastT ?? last.t) - last.t) / h) : last.weight;
        this.counts[last.bucket] = Math.max(0, this.counts[last.bucket]! - w);
        this.counts[i]! += w;
        last.bucket = i;
      }
      return;
    }
    this.counts[i]! += weight;
    this.lastArrival = arrival !== undefined ? { key: arrival, bucket: i, t: this.lastT ?? t, weight } : undefined;
  }

  /** The current estimate: A (per second) and κ (per price unit), always finite and positive. */
  estimate(): IntensityState {
    const c = this.cfg;
    let n = 0;
    for (let i = 0; i < this.counts.length; i++) n += this.counts[i]!;
    const fit = this.fit(n);
    if (fit.ok) this.lastGood = { lnA: fit.lnA, kappa: fit.kappa };
    const w = n / (n + c.priorWeight);
    const base = this.lastGood;
    const lnA0 = Math.log(c.priorA);
    const lnA = base ? (1 - w) * lnA0 + w * base.lnA : lnA0;
    const kappa = base ? (1 - w) * c.priorKappa + w * base.kappa : c.priorKappa;
    return {
      A: Math.exp(lnA),
      kappa,
      fit: fit.ok ? 'fitted' : base ? 'stale' : 'prior',
      reason: fit.ok ? undefined : fit.reason,
      arrivals: n,
      dataWeight: base ? w : 0,
      fittedA: base ? Math.exp(base.lnA) : undefined,
      fittedKappa: base?.kappa,
    };
  }

  private fit(n: number): { ok: true; lnA: number; kappa: number } | { ok: false; reason: string } {
    if (n <= 0) return { ok: false, reason: 'no arrivals yet' };
    if (!(this.exposure > 0)) return { ok: false, reason: 'no exposure time yet' };
    // cumulative counts from the deepest bucket: N(δ ≥ δᵢ); weighted least squares of log(N/exposure) on δ
    let sw = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let points = 0;
    let cum = 0;
    for (let i = this.counts.length - 1; i >= 0; i--) {
      cum += this.counts[i]!;
      if (cum < 1e-9) continue;
      const x = i * this.cfg.bucket;
      const y = Math.log(cum / this.exposure);
      sw += cum;
      sx += cum * x;
      sy += cum * y;
      sxx += cum * x * x;
      sxy += cum * x * y;
      points++;
    }
    if (points < 2) return { ok: false, reason: 'arrivals at fewer than two depths' };
    const mx = sx / sw;
    const my = sy / sw;
    const vxx = sxx / sw - mx * mx;
    const vxy = sxy / sw - mx * my;
    if (!(vxx > 1e-12 * (mx * mx + this.cfg.bucket * this.cfg.bucket)))
      return { ok: false, reason: 'no spread of depths' };
    const slope = vxy / vxx;
    const kappa = -slope;
    const lnA = my - slope * mx;
    if (!(kappa > 0) || !Number.isFinite(kappa) || !Number.isFinite(lnA))
      return { ok: false, reason: `fitted kappa ${kappa} is not positive` };
    const lo = this.cfg.minKappa ?? this.cfg.priorKappa / 100;
    const hi = this.cfg.maxKappa ?? this.cfg.priorKappa * 100;
    if (kappa < lo || kappa > hi)
      return { ok: false, reason: `fitted kappa ${kappa.toPrecision(4)} outside [${lo}, ${hi}]` };
    return { ok: true, lnA, kappa };
  }
}
