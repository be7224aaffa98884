// Price processes: GBM log-returns have mean (μ − σ²/2)·dt and variance σ²·dt per step; jump-diffusion is
// drift-compensated (E[S(t)] = S(0)·e^(μt)) and jumps at the configured rate; historical CSVs interpolate linearly
// and reject bad input with the line named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JumpDiffusion, parsePriceCsv, PriceCsvError, SECONDS_PER_YEAR } from '../../src/sim/price-process.ts';
import { Prng } from '../../src/sim/prng.ts';

test('GBM: log-returns per step have mean (μ − σ²/2)dt and variance σ²dt', () => {
  const mu = 0.3;
  const sigma = 0.9;
  const p = new JumpDiffusion({ start: 20, drift: mu, volatility: sigma }, undefined, new Prng('gbm'));
  const dtS = 3600;
  const dt = dtS / SECONDS_PER_YEAR;
  let prev = p.at(0);
  let s = 0;
  let s2 = 0;
  const n = 50_000;
  for (let i = 1; i <= n; i++) {
    const x = p.at(i * dtS);
    const r = Math.log(x / prev);
    prev = x;
    s += r;
    s2 += r * r;
  }
  const mean = s / n;
  const variance = s2 / n - mean * mean;
  const se = Math.sqrt((sigma * sigma * dt) / n);
  assert.ok(Math.abs(mean - (mu - (sigma * sigma) / 2) * dt) < 4 * se, `mean ${mean}`);
  assert.ok(Math.abs(variance / (sigma * sigma * dt) - 1) < 0.03, `variance ratio ${variance / (sigma * sigma * dt)}`);
});

test('jump-diffusion: jumps at the configured rate, and the expected price grows at the drift', () => {
  const runs = 4000;
  const days = 10;
  let total = 0;
  let jumps = 0;
  const rng = new Prng('jd');
  for (let k = 0; k < runs; k++) {
    const p = new JumpDiffusion(
      { start: 10, drift: 0.5, volatility: 0.4 },
      { perDay: 2, meanLog: -0.05, sigmaLog: 0.1 },
      rng.fork(String(k)),
    );
    let x = 0;
    for (let d = 1; d <= days; d++) x = p.at(d * 86_400);
    total += x;
    jumps += p.jumps.length;
  }
  const expected = 10 * Math.exp((0.5 * days) / 365);
  // sd of S(T) is about 10 × √(0.4²·10/365 + 20·(0.1² + 0.05²)) ≈ 5.1; the mean of 4000 is within ±0.3 (4 se)
  assert.ok(Math.abs(total / runs - expected) < 0.35, `mean ${total / runs} vs ${expected}`);
  assert.ok(Math.abs(jumps / runs - 20) < 0.4, `jumps per run ${jumps / runs}`);
});

test('historical CSV: header, ISO or unix times, linear interpolation, held after the end', () => {
  const h = parsePriceCsv('time,price\n2024-01-01T00:00:00Z,10\n2024-01-01T00:01:40Z,20\n1704067400,15\n', 'x.csv');
  assert.equal(h.span, 200);
  assert.equal(h.at(0), 10);
  assert.equal(h.at(25), 12.5);
  assert.equal(h.at(100), 20);
  assert.equal(h.at(150), 17.5);
  assert.equal(h.at(1000), 15);
});

test('historical CSV: errors name the line and the reason', () => {
  assert.throws(
    () => parsePriceCsv('1,10\n2,-3\n', 'p.csv'),
    (e: Error) => {
      assert.ok(e instanceof PriceCsvError);
      assert.match(e.message, /p\.csv line 2: price "-3" is not a positive number/);
      return true;
    },
  );
  assert.throws(() => parsePriceCsv('1,10\n1,11\n', 'p.csv'), /line 2: times must increase/);
  assert.throws(() => parsePriceCsv('1,10\n', 'p.csv'), /at least two price rows/);
  assert.throws(() => parsePriceCsv('1,10\nyesterday,11\n', 'p.csv'), /line 2: time "yesterday" is not a time/);
});
