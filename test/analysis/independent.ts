// Independent reference computations for the analyser tests, written from the definitions and not from the engine's
// closed forms: the standard normal CDF by numerical integration of the density (composite Simpson rule), its
// quantile by bisection on that CDF, and the log-normal expected shortfall E[X | X in the tail] as a direct integral
// over the tail of X = exp(m + s·Z). Nothing here imports src/.

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const phi = (z: number) => Math.exp(-0.5 * z * z) / SQRT_2PI;

/** ∫_a^b f by the composite Simpson rule with n (even) intervals. */
export function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  if (n % 2) n++;
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** Lower integration limit standing in for −∞: the normal density below −14 is < 1e-43. */
const LOW = -14;

/** Φ(x) = ∫_{−∞}^x φ. */
export function normalCdf(x: number): number {
  if (x > 0) return 1 - normalCdf(-x);
  if (x <= LOW) return 0;
  return simpson(phi, LOW, x);
}

/** Φ⁻¹(p) by bisection on normalCdf, for p in (0, 0.5]. */
export function normalQuantile(p: number): number {
  if (p > 0.5) return -normalQuantile(1 - p);
  let lo = LOW;
  let hi = 0;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface LogNormalModel {
  readonly lambda: number;
  readonly tau: number;
  readonly mu: number;
  readonly sigma: number;
}

/**
 * Risk factors from the definition of expected shortfall of the relative price X = S_τ/S_0 = exp(m + s·Z),
 * m = (μ − σ²/2)τ, s = σ√τ: long = 1 − E[X | X ≤ q_λ], short = E[X | X ≥ q_{1−λ}] − 1, each conditional mean
 * computed as (1/λ)·∫ e^{m+s·z} φ(z) dz over the tail.
 */
export function riskFactorsByIntegration(model: LogNormalModel): { long: number; short: number } {
  const { lambda, tau, mu, sigma } = model;
  const m = (mu - 0.5 * sigma * sigma) * tau;
  const s = sigma * Math.sqrt(tau);
  const z = normalQuantile(lambda);
  const g = (t: number) => Math.exp(m + s * t) * phi(t);
  const lowerTail = simpson(g, LOW, z) / lambda;
  const upperTail = simpson(g, -z, -LOW) / lambda;
  return { long: 1 - lowerTail, short: upperTail - 1 };
}

/** Price range of the log-normal price after `horizonSeconds` (365.25-day years) at probability α, around `price`. */
export function priceRange(
  price: number,
  horizonSeconds: number,
  alpha: number,
  mu: number,
  sigma: number,
): { min: number; max: number } {
  const t = horizonSeconds / (365.25 * 86400);
  const m = (mu - 0.5 * sigma * sigma) * t;
  const s = sigma * Math.sqrt(t);
  return {
    min: price * Math.exp(m + s * normalQuantile((1 - alpha) / 2)),
    max: price * Math.exp(m + s * normalQuantile((1 + alpha) / 2)),
  };
}

/** Truncation to 5 decimals (Vega's treatment of the risk factor and scaling factor in the target stake). */
export const trunc5 = (x: number) => Math.trunc(x * 1e5) / 1e5;

/** |a − b| ≤ rel·|b| */
export function close(a: number, b: number, rel: number): boolean {
  return Math.abs(a - b) <= rel * Math.abs(b);
}
