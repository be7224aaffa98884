// Online estimators recover known parameters from synthetic data: σ of a Brownian fair price sampled at irregular
// times (per unit time, not per tick), and A, κ of trades arriving as a Poisson process whose distance from the mid
// is exponential (λ(δ) = A·exp(−κδ)). Priors answer before any data, failed fits are reported, nothing is NaN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntensityEstimator, VolatilityEstimator } from '../../src/strategies/index.ts';
import { Prng } from '../../src/sim/prng.ts';

const within = (x: number, target: number, rel: number, what: string) =>
  assert.ok(Math.abs(x - target) <= rel * target, `${what}: ${x} not within ${rel * 100}% of ${target}`);

test('σ: a Brownian price with σ = 0.05 per √s sampled at exponential intervals is recovered per unit of time', () => {
  const rng = new Prng('sigma');
  const sigma = 0.05;
  const est = new VolatilityEstimator({ prior: 0.5, priorWeightSeconds: 1, halfLifeSeconds: 0 });
  const perTick = new VolatilityEstimator({ prior: 0.5, priorWeightSeconds: 1, halfLifeSeconds: 0 });
  let t = 0;
  let p = 100;
  for (let i = 0; i < 40_000; i++) {
    const dt = rng.exponential(3);
    t += dt;
    p += sigma * Math.sqrt(dt) * rng.normal();
    est.observe(t, p);
    perTick.observe(i + 1, p); // the mistake: one unit of time per observation
  }
  within(est.sigma(), sigma, 0.02, 'σ per √second');
  // per-tick sampling reports σ·√(mean interval) = 0.05·√3 instead: a different number, the unit bug
  assert.ok(Math.abs(perTick.sigma() - sigma) > 0.3 * sigma);
  assert.equal(est.state().samples, 39_999);
});

test('σ with forgetting follows a change of volatility', () => {
  const rng = new Prng('sigma-change');
  const est = new VolatilityEstimator({ prior: 0.01, priorWeightSeconds: 60, halfLifeSeconds: 1800 });
  let t = 0;
  let p = 50;
  for (const sigma of [0.01, 0.04]) {
    for (let i = 0; i < 20_000; i++) {
      const dt = rng.exponential(1);
      t += dt;
      p += sigma * Math.sqrt(dt) * rng.normal();
      est.observe(t, p);
    }
    within(est.sigma(), sigma, 0.12, `σ after a regime of ${sigma}`);
  }
});

test('σ: the prior answers before data and weighs as configured', () => {
  const est = new VolatilityEstimator({ prior: 0.03, priorWeightSeconds: 100, halfLifeSeconds: 0 });
  assert.equal(est.sigma(), 0.03);
  est.observe(0, 10);
  est.observe(100, 11); // (Δp)² / Δt = 0.01 per second over 100 s against 100 s of prior 0.0009
  assert.ok(Math.abs(est.sigma() - Math.sqrt((100 * 0.0009 + 1) / 200)) < 1e-15);
  est.observe(100, Number.NaN);
  est.observe(200, -1);
  assert.ok(Number.isFinite(est.sigma()));
});

test('A and κ: Poisson trades (A = 0.8/s) at exponential distances (κ = 40 per price unit) are recovered', () => {
  const rng = new Prng('kappa');
  const A = 0.8;
  const kappa = 40;
  const est = new IntensityEstimator({
    priorA: 5,
    priorKappa: 5,
    priorWeight: 1,
    bucket: 0.005,
    buckets: 30,
    halfLifeSeconds: 0,
  });
  est.advance(0);
  let t = 0;
  while (t < 30_000) {
    t += rng.exponential(1 / A);
    est.observe(t, rng.exponential(1 / kappa));
  }
  est.advance(30_000);
  const e = est.estimate();
  assert.equal(e.fit, 'fitted');
  within(e.fittedKappa!, kappa, 0.04, 'κ');
  within(e.fittedA!, A, 0.04, 'A');
  assert.ok(e.dataWeight > 0.9999);
  within(e.kappa, kappa, 0.05, 'blended κ');
});

test('A and κ: priors before data, failed fits reported and blended, never NaN', () => {
  const est = new IntensityEstimator({
    priorA: 0.5,
    priorKappa: 30,
    priorWeight: 20,
    bucket: 0.01,
    buckets: 10,
    halfLifeSeconds: 600,
  });
  const first = est.estimate();
  assert.deepEqual([first.A, first.kappa, first.fit], [0.5, 30, 'prior']);
  assert.equal(first.reason, 'no arrivals yet');
  // every trade at the same depth: no slope to fit
  for (let i = 0; i < 5; i++) est.observe(i, 0.001);
  const flat = est.estimate();
  assert.equal(flat.fit, 'prior');
  assert.equal(flat.reason, 'arrivals at fewer than two depths');
  assert.ok(Number.isFinite(flat.A) && Number.isFinite(flat.kappa));
  // some depth: a fit, blended with the prior by 5+ trades against 20
  for (let i = 0; i < 10; i++) est.observe(10 + i, 0.001 + 0.01 * (i % 3));
  const fitted = est.estimate();
  assert.equal(fitted.fit, 'fitted');
  assert.ok(fitted.dataWeight > 0.3 && fitted.dataWeight < 0.6, `weight ${fitted.dataWeight}`);
  assert.ok(fitted.kappa > 0 && Number.isFinite(fitted.A));
  // garbage is ignored
  est.observe(30, Number.NaN);
  est.observe(30, -1);
  assert.ok(Number.isFinite(est.estimate().kappa));
});

test('A and κ: a fit outside the κ bounds (fills as likely far away as near) keeps the last good fit and says so', () => {
  const est = new IntensityEstimator({
    priorA: 1,
    priorKappa: 10,
    priorWeight: 1,
    bucket: 0.01,
    buckets: 5,
    halfLifeSeconds: 60,
  });
  for (let i = 0; i < 30; i++) est.observe(i, 0.005 + 0.01 * (i % 2 === 0 ? 0 : 1) * (i % 3 === 0 ? 1 : 0));
  const good = est.estimate();
  assert.equal(good.fit, 'fitted');
  // long after, only deep trades: the cumulative counts are flat, κ fits to ~0, below κ₀/100 → stale
  for (let i = 0; i < 200; i++) est.observe(2000 + i, 0.045);
  const bad = est.estimate();
  assert.equal(bad.fit, 'stale');
  assert.match(bad.reason!, /kappa|depth/);
  assert.equal(bad.fittedKappa, good.fittedKappa);
  assert.ok(bad.kappa > 0);
});
