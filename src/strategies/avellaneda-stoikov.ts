// Avellaneda–Stoikov quoting (venue-agnostic, pure functions). One unit system throughout: prices in price units
// (e.g. USD per contract), sizes in size units (contracts), time in seconds. Then
//   σ  volatility of the fair price, price units per √second (σ² is the price variance per second)
//   A  fill intensity at zero distance, fills per second;  κ  its decay, per price unit: λ(δ) = A·exp(−κ·δ)
//   γ  risk aversion, per (price unit × size unit)
// so that every term below is a price: scaling all prices by 10 (σ ×10, κ ÷10, γ ÷10) scales every quote by 10.
//
// Finite horizon (Avellaneda & Stoikov 2008), τ = T − t seconds:
//   reservation r = s − q·γ·σ²·τ;  total spread = γ·σ²·τ + (2/γ)·ln(1 + γ/κ)
// Infinite horizon (Guéant, Lehalle & Fernandez-Tapia; closed-form approximation of Guéant 2017, order size Δ), the
// default for perpetuals, which have no close:
//   c₁ = ln(1 + γΔ/κ) / (γΔ);  ω = σ·√( γ/(2·A·Δ·κ) · (1 + γΔ/κ)^(κ/(γΔ) + 1) )
//   bid depth δᵇ = c₁ + (Δ/2)·ω + q·ω;  ask depth δᵃ = c₁ + (Δ/2)·ω − q·ω   (from the fair price s)
// i.e. reservation r = s − q·ω and half spread c₁ + (Δ/2)·ω.
// Perpetual carry: funding is a drift of the value of a held unit, μ = −f·s/P per second (rate f per period of P
// seconds, longs pay when f > 0). Both models have a closed form with drift, and both move the two quotes together
// by μ·H, with the horizon H the model itself implies:
//   finite (A–S with drift): r = s + μ·τ − q·γ·σ²·τ, so H = τ = T − t;
//   GLFT (Guéant–Lehalle–Fernandez-Tapia with drift): δᵇ = c₁ + (Δ/2)·ω + (q − μ/(γσ²))·ω, δᵃ = c₁ + (Δ/2)·ω −
//   (q − μ/(γσ²))·ω, i.e. the drift acts as an inventory offset μ/(γσ²) and H = ω/(γσ²).
// The maker leans toward the side that receives funding.
// Sizes follow the seed's order-shape rule: bid φ·exp(−η·q) when q > 0, ask φ·exp(η·q) when q < 0.

export interface ModelParams {
  /** σ, price units per √second */
  readonly sigma: number;
  /** A, fills per second at zero distance */
  readonly A: number;
  /** κ, per price unit */
  readonly kappa: number;
}

export interface RawQuotes {
  readonly reservation: number;
  /** half of the total spread, price units */
  readonly halfSpread: number;
  readonly bid: number;
  readonly ask: number;
}

/** ln(1 + x)/x, with its limit 1 at x → 0. */
function log1pOverX(x: number): number {
  return x < 1e-12 ? 1 : Math.log1p(x) / x;
}

/** Finite-horizon Avellaneda–Stoikov quotes around fair price s for inventory q, τ seconds before the horizon. */
export function finiteHorizonQuotes(s: number, q: number, gamma: number, m: ModelParams, tau: number): RawQuotes {
  const var_ = m.sigma * m.sigma;
  const reservation = s - q * gamma * var_ * tau;
  // (2/γ)·ln(1 + γ/κ) = (2/κ)·[ln(1 + x)/x] with x = γ/κ, finite as γ → 0
  const spread = gamma * var_ * tau + (2 / m.kappa) * log1pOverX(gamma / m.kappa);
  const half = spread / 2;
  return { reservation, halfSpread: half, bid: reservation - half, ask: reservation + half };
}

/** Infinite-horizon (GLFT) quotes around fair price s for inventory q and order size Δ. */
export function glftQuotes(s: number, q: number, gamma: number, m: ModelParams, orderSize: number): RawQuotes {
  const { c1, omega } = glftCoefficients(gamma, m, orderSize);
  const reservation = s - q * omega;
  const half = c1 + (orderSize / 2) * omega;
  return { reservation, halfSpread: half, bid: reservation - half, ask: reservation + half };
}

/** c₁ (price units) and ω (price units per size unit) of the GLFT approximation. */
export function glftCoefficients(gamma: number, m: ModelParams, orderSize: number): { c1: number; omega: number } {
  const x = (gamma * orderSize) / m.kappa;
  // c₁ = ln(1 + x)/(γΔ) = (1/κ)·ln(1 + x)/x
  const c1 = (1 / m.kappa) * log1pOverX(x);
  // (1 + x)^(1/x + 1) → e as x → 0
  const growth = x < 1e-12 ? Math.E : Math.exp((1 / x + 1) * Math.log1p(x));
  const omega = m.sigma * Math.sqrt((gamma / (2 * m.A * orderSize * m.kappa)) * growth);
  return { c1, omega };
}

/** Funding carry of one unit held for `horizonSeconds`: rate × price × horizon / period (longs pay when > 0). */
export function fundingCarry(rate: number, price: number, periodSeconds: number, horizonSeconds: number): number {
  if (!Number.isFinite(rate) || !(periodSeconds > 0) || !(horizonSeconds > 0)) return 0;
  return (rate * price * horizonSeconds) / periodSeconds;
}

/** The seed's order sizes: the side that would add to the inventory shrinks as exp(−η·|q|). */
export function shapedSizes(maxSize: number, eta: number, q: number): { bid: number; ask: number } {
  return {
    bid: q > 0 ? maxSize * Math.exp(-eta * q) : maxSize,
    ask: q < 0 ? maxSize * Math.exp(eta * q) : maxSize,
  };
}

export interface VenueRules {
  /** price tick, price units */
  readonly tick: number;
  /** size step, size units */
  readonly lot: number;
  /** smallest order size, size units */
  readonly minSize: number;
}

export interface QuoteLeg {
  /** price units, a whole number of ticks */
  readonly price: number;
  /** the price in ticks */
  readonly ticks: number;
  /** size units, a whole number of lots */
  readonly size: number;
  /** the size in lots (an integer: compare sizes with this, never with the float `size`) */
  readonly lots: number;
}

/** The carry horizon H the model implies for a funding drift (see the header): finite τ, GLFT ω/(γσ²). */
export function glftCarryHorizon(gamma: number, m: ModelParams, orderSize: number): number {
  const { omega } = glftCoefficients(gamma, m, orderSize);
  const h = omega / (gamma * m.sigma * m.sigma);
  return Number.isFinite(h) && h > 0 ? h : 0;
}

/** Expected seconds until a quote `depth` price units from the fair price is filled: 1/λ(δ) = exp(κ·δ)/A. */
export function expectedFillSeconds(m: ModelParams, depth: number): number {
  const s = Math.exp(m.kappa * Math.max(0, depth)) / m.A;
  return Number.isFinite(s) && s > 0 ? s : Infinity;
}

/** Bid rounded down and ask rounded up to the tick (never tighter than the model). */
export function quantisePrices(bid: number, ask: number, tick: number): { bidTicks: number; askTicks: number } {
  const bidTicks = Math.floor(bid / tick + 1e-9);
  let askTicks = Math.ceil(ask / tick - 1e-9);
  if (askTicks <= bidTicks) askTicks = bidTicks + 1;
  return { bidTicks, askTicks };
}

/** Size floored to the lot, then raised to the minimum size (the seed's rule); 0 when it cannot be quoted. */
export function quantiseSize(size: number, rules: VenueRules): number {
  return quantiseLots(size, rules) * rules.lot;
}

/** The same size as a whole number of lots. */
export function quantiseLots(size: number, rules: VenueRules): number {
  if (!Number.isFinite(size) || size <= 0) return 0;
  const lots = Math.floor(size / rules.lot + 1e-9);
  // raised to the minimum size, itself expressed as a whole number of lots (minSize may not be one)
  return Math.max(lots, Math.ceil(rules.minSize / rules.lot - 1e-9));
}
