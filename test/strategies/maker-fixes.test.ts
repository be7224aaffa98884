// The maker fixes of issue 12, each against an expectation derived by hand or from the generating process:
// sizes compared in whole lots (an unchanged fractional quote is kept), resting orders the fair price moved through
// or that would cross the other quote replaced at once, (A, κ) from arrivals rather than trades and without auction
// uncrossings, σ's prior forgotten with the data, σ over the inventory holding time rather than the wake interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AvellanedaStoikovMaker,
  IntensityEstimator,
  VolatilityEstimator,
  type BookSnapshot,
  type MakerConfig,
  type MakerContext,
  type QuoteSide,
  type RestingQuote,
} from '../../src/strategies/index.ts';
import { Prng } from '../../src/sim/prng.ts';

const within = (x: number, target: number, rel: number, what: string) =>
  assert.ok(Math.abs(x - target) <= rel * Math.abs(target), `${what}: ${x} not within ${rel * 100}% of ${target}`);

function config(over: Partial<MakerConfig> = {}): MakerConfig {
  return {
    model: 'glft',
    horizonSeconds: 3600,
    gamma: 0.2,
    eta: 0,
    orderSize: 20,
    minSpread: 0,
    fairPrice: 'mid',
    vampLevels: 3,
    volatility: { prior: 0.002, priorWeightSeconds: 600, halfLifeSeconds: 1800 },
    intensity: { priorA: 0.5, priorKappa: 60, priorWeight: 50, bucket: 0.01, buckets: 20, halfLifeSeconds: 1800 },
    orderRefreshSeconds: 30,
    filledOrderDelaySeconds: 20,
    maxOrderAgeSeconds: 300,
    refreshToleranceTicks: 1,
    fundingCarry: true,
    ...over,
  };
}

const book = (mid: number, half = 0.005): BookSnapshot => ({
  bids: [{ price: mid - half, size: 30 }],
  asks: [{ price: mid + half, size: 30 }],
});

test('whole lots: an unchanged fractional quote (0.7 in lots of 0.1) is kept, a partly filled one is topped up', () => {
  // the bug: 7 lots of 0.1 is 0.7000000000000001 as a float, and the venue reports 0.7
  assert.notEqual(7 * 0.1, 0.7);
  const mk = new AvellanedaStoikovMaker(config({ orderSize: 0.7 }));
  const rules = { tick: 0.01, lot: 0.1, minSize: 0.1 };
  const ctx = (time: number): MakerContext => ({ time, book: book(15), inventory: 0, maxPosition: Infinity, rules });
  const first = mk.plan(ctx(0), {});
  assert.equal(first.decision.bid!.lots, 7);
  assert.equal(first.decision.ask!.lots, 7);
  // what the venue reports back: 7 position units of 0.1
  const resting = {
    bid: { ticks: first.decision.bid!.ticks, lots: 7, placedAt: 0 },
    ask: { ticks: first.decision.ask!.ticks, lots: 7, placedAt: 0 },
  };
  const later = mk.plan(ctx(100), resting); // past the refresh time, same market
  assert.deepEqual(later.cancel, []);
  assert.deepEqual(later.place, []);
  // a partial fill left 4 lots on the bid: replaced by a full order once the refresh time has passed
  const topped = mk.plan(ctx(100), { ...resting, bid: { ...resting.bid, lots: 4 } });
  assert.deepEqual(topped.cancel, ['bid']);
  assert.deepEqual(topped.reasons, { bid: 'resized' });
  assert.equal(topped.place[0]!.leg.lots, 7);
});

test('own cross: a young bid above the new (inventory-driven) ask is replaced at once, never left crossing it', () => {
  // finite model, γ 0.5, σ 0.002, τ 3600: a unit of inventory moves the reservation by γσ²τ = 0.0072; the half
  // spread is γσ²τ/2 + ln(1 + γ/κ)/γ = 0.0036 + 2·ln(1 + 0.5/60) = 0.0202. Flat: bid 15 − 0.0202 → 14.97. Long 10:
  // ask 15 − 0.072 + 0.0202 = 14.948 → 14.95, below the young resting bid.
  const mk = new AvellanedaStoikovMaker(config({ model: 'finite', gamma: 0.5, orderSize: 10 }));
  const rules = { tick: 0.01, lot: 1, minSize: 1 };
  const wide = book(15, 0.1); // 14.90 / 15.10: nothing in the way of the maker's quotes
  const flat = mk.quote({ time: 0, book: wide, inventory: 0, maxPosition: 100, rules });
  const long = mk.quote({ time: 0, book: wide, inventory: 10, maxPosition: 100, rules });
  assert.equal(flat.bid!.ticks, 1497);
  assert.equal(long.ask!.ticks, 1495);
  assert.ok(long.ask!.ticks <= flat.bid!.ticks, 'the scenario: the new ask is at or below the old bid');
  assert.ok(flat.bid!.price < 15, 'the old bid is below fair: not moved through by the price');
  const plan = mk.plan(
    { time: 0, book: wide, inventory: 10, maxPosition: 100, rules },
    { bid: { ticks: flat.bid!.ticks, lots: flat.bid!.lots, placedAt: 0 } },
  );
  assert.deepEqual(plan.cancel, ['bid']);
  assert.deepEqual(plan.reasons, { bid: 'own-cross' });
  const bid = plan.place.find((p) => p.side === 'bid')!.leg;
  const ask = plan.place.find((p) => p.side === 'ask')!.leg;
  assert.ok(bid.ticks < ask.ticks);
});

test('order management under a random walk with fills: the maker never leaves crossed quotes or stale ones through fair', () => {
  const rng = new Prng('no-cross');
  const mk = new AvellanedaStoikovMaker(config({ gamma: 2, orderSize: 10, eta: 0.01 }));
  const rules = { tick: 0.01, lot: 1, minSize: 1 };
  const resting: { bid?: RestingQuote; ask?: RestingQuote } = {};
  let mid = 15;
  let q = 0;
  let crossedReplacements = 0;
  for (let t = 0; t < 20_000; t += 1 + rng.int(3)) {
    mid = Math.max(1, mid + 0.01 * (rng.int(5) - 2));
    const bk = book(Math.round(mid * 100) / 100 + 0.005);
    mk.observeBook(t, bk);
    // a fill now and then
    if (rng.chance(0.05)) {
      const side: QuoteSide = rng.chance(0.5) ? 'bid' : 'ask';
      const r = resting[side];
      if (r) {
        q += side === 'bid' ? r.lots : -r.lots;
        delete resting[side];
        mk.observeFill(t);
      }
    }
    const plan = mk.plan({ time: t, book: bk, inventory: q, maxPosition: 200, rules }, resting);
    for (const side of plan.cancel) delete resting[side];
    for (const { side, leg } of plan.place) resting[side] = { ticks: leg.ticks, lots: leg.lots, placedAt: t };
    crossedReplacements += Object.values(plan.reasons).filter((r) => r === 'crossed' || r === 'own-cross').length;
    if (resting.bid && resting.ask) assert.ok(resting.bid.ticks < resting.ask.ticks, `t=${t}: own quotes cross`);
    const fair = plan.decision.fair!;
    const want = plan.decision;
    // an order beyond fair is only allowed where the model itself wants it (an inventory-driven quote)
    if (resting.bid && resting.bid.ticks * 0.01 >= fair + 1e-9 && want.bid)
      assert.ok(resting.bid.ticks <= want.bid.ticks, `t=${t}: a stale bid above fair`);
    if (resting.ask && resting.ask.ticks * 0.01 <= fair - 1e-9 && want.ask)
      assert.ok(resting.ask.ticks >= want.ask.ticks, `t=${t}: a stale ask below fair`);
  }
  assert.ok(crossedReplacements > 0, 'the walk did move fair through some resting orders');
});

/** Poisson arrivals (rate A) of aggressive orders reaching an exponential depth (κ); each trades against 1–3 resting
 *  orders on its way, the deepest at the depth it reached. */
function feedArrivals(est: IntensityEstimator, withIds: boolean, seed: string): void {
  const rng = new Prng(seed);
  const A = 0.8;
  const kappa = 40;
  est.advance(0);
  let t = 0;
  let id = 0;
  while (t < 30_000) {
    t += rng.exponential(1 / A);
    const depth = rng.exponential(1 / kappa);
    const k = 1 + rng.int(3);
    id++;
    for (let j = 1; j <= k; j++) est.observe(t, (depth * j) / k, 1, withIds ? `order-${id}` : undefined);
  }
  est.advance(30_000);
}

test('(A, κ) from arrivals: an order filling up to three resting orders is one arrival; A and κ are recovered', () => {
  const cfg = { priorA: 5, priorKappa: 5, priorWeight: 1, bucket: 0.005, buckets: 30, halfLifeSeconds: 0 };
  const arrivals = new IntensityEstimator(cfg);
  feedArrivals(arrivals, true, 'arrivals');
  const e = arrivals.estimate();
  assert.equal(e.fit, 'fitted');
  within(e.fittedA!, 0.8, 0.05, 'A');
  within(e.fittedKappa!, 40, 0.05, 'κ');
  within(e.arrivals, 0.8 * 30_000, 0.03, 'arrivals counted');
  // counting trades instead: two trades per arrival on average, so near the mid the rate is about doubled
  const trades = new IntensityEstimator(cfg);
  feedArrivals(trades, false, 'arrivals');
  assert.ok(trades.estimate().fittedA! > 1.5 * 0.8, `trade counting overstates A: ${trades.estimate().fittedA}`);
});

test('the maker counts one arrival per aggressive order and skips auction uncrossing trades', () => {
  const cfg = config();
  const mk = new AvellanedaStoikovMaker({ ...cfg, intensity: { ...cfg.intensity, halfLifeSeconds: 0 } });
  mk.observeBook(0, book(15));
  for (const d of [0.005, 0.015, 0.025]) mk.observeTrade(1, 15 + d, 15, { arrival: 'taker-1' });
  mk.observeTrade(2, 14.99, 15, { arrival: 'taker-2' });
  for (let i = 0; i < 5; i++) mk.observeTrade(3, 15.2, 15, { auction: true });
  const s = mk.state().intensity;
  within(s.arrivals, 2, 1e-9, 'arrivals');
});

test('σ prior washes out under forgetting: ±0.1 every second for a long time gives σ = 0.1 per √s', () => {
  const est = new VolatilityEstimator({ prior: 0.5, priorWeightSeconds: 600, halfLifeSeconds: 600 });
  for (let t = 0; t <= 20_000; t++) est.observe(t, 100 + (t % 2 === 0 ? 0 : 0.1));
  // (0.1)² per 1 s = 0.01 per second; the prior's 600 s have been halved 33 times
  within(est.sigma(), 0.1, 1e-6, 'σ');
  assert.ok(est.state().priorWeightSeconds < 1e-6);
});

test('σ over the holding interval, not the look interval: a bouncing trending price (hand-computed)', () => {
  // p = 100 + 0.01·t ± 0.05 (bid/ask bounce) each second. Over 1 s the changes are 0.11 and −0.09: σ² = 0.0101 per
  // second; over 10 s the bounce cancels, the change is 0.1: σ² = 0.01 / 10 = 0.001 per second.
  const price = (t: number) => 100 + 0.01 * t + (t % 2 === 0 ? 0.05 : -0.05);
  const each = new VolatilityEstimator({ prior: 1, priorWeightSeconds: 1e-9, halfLifeSeconds: 0 });
  const held = new VolatilityEstimator({ prior: 1, priorWeightSeconds: 1e-9, halfLifeSeconds: 0 });
  held.setInterval(10);
  for (let t = 0; t <= 10_000; t++) {
    each.observe(t, price(t));
    held.observe(t, price(t));
  }
  within(each.sigma() ** 2, 0.0101, 1e-6, 'σ² per look');
  within(held.sigma() ** 2, 0.001, 1e-6, 'σ² over 10 s');
  assert.equal(held.state().samples, 1000);
});

test('the maker samples σ over the expected holding time 1/λ(δ) = exp(κ·δ)/A at its half spread', () => {
  // priors A 0.5, κ 60, σ 0.002, γ 0.2, Δ 20: x = γΔ/κ = 1/15, c₁ = ln(1 + x)/(γΔ) = ln(16/15)/4,
  // ω = σ·√(γ/(2AΔκ)·(1 + x)^(1/x + 1)), half spread c₁ + (Δ/2)·ω
  const c1 = Math.log(16 / 15) / 4;
  const omega = 0.002 * Math.sqrt((0.2 / (2 * 0.5 * 20 * 60)) * Math.pow(16 / 15, 16));
  const half = c1 + 10 * omega;
  const mk = new AvellanedaStoikovMaker(config());
  const d = mk.quote({
    time: 0,
    book: book(15),
    inventory: 0,
    maxPosition: Infinity,
    rules: { tick: 0.01, lot: 1, minSize: 1 },
  });
  within(d.holdingSeconds!, Math.exp(60 * half) / 0.5, 1e-9, 'holding time');
  within(mk.volatility.state().intervalSeconds, Math.exp(60 * half) / 0.5, 1e-9, 'σ interval');
});

test('a negative η (the seed default −0.005) is refused with the reason', () => {
  assert.throws(() => new AvellanedaStoikovMaker(config({ eta: -0.005 })), /eta: must be >= 0.*grows the order/);
});
