// Avellaneda–Stoikov quoting: the formulas against hand-computed values, the dimensional test (all prices ×10 with
// σ ×10, κ ÷10, γ ÷10 gives every quote ×10; a σ-instead-of-σ² variant does not scale), tick and lot quantisation,
// inventory skew and order-size shape, funding carry, the position limit, and robustness: no NaN and no crossed or
// book-crossing quotes on empty, one-sided, locked or random books.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AvellanedaStoikovMaker,
  finiteHorizonQuotes,
  glftQuotes,
  microprice,
  quantisePrices,
  quantiseSize,
  shapedSizes,
  vamp,
  type BookSnapshot,
  type MakerConfig,
  type MakerContext,
} from '../../src/strategies/index.ts';
import { Prng } from '../../src/sim/prng.ts';

const close = (a: number, b: number, rel = 1e-12, what = '') =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b)), `${what} ${a} vs ${b}`);

test('finite horizon: r = s − qγσ²τ, spread = γσ²τ + (2/γ)ln(1 + γ/κ) (hand-computed)', () => {
  // s 100, q 2, γ 0.1, σ 2, τ 10, κ 1.5: r = 100 − 2·0.1·4·10 = 92; spread = 4 + 20·ln(1 + 0.1/1.5) = 5.2907704…
  const r = finiteHorizonQuotes(100, 2, 0.1, { sigma: 2, A: 1, kappa: 1.5 }, 10);
  close(r.reservation, 92);
  close(r.ask - r.bid, 5.290770422751423);
  close(r.bid, 89.35461478862429);
  close(r.ask, 94.64538521137571);
});

test('GLFT: c1 = ln(1 + γΔ/κ)/(γΔ), ω = σ√(γ/(2AΔκ)·(1 + γΔ/κ)^(κ/(γΔ)+1)) (hand-computed)', () => {
  // s 100, q 3, γ 0.2, σ 0.5, A 2, κ 4, Δ 1.5: c1 = 0.24106887…, ω = 0.07664315…
  const r = glftQuotes(100, 3, 0.2, { sigma: 0.5, A: 2, kappa: 4 }, 1.5);
  close(r.bid, 99.47151929613469);
  close(r.ask, 100.06862177277216);
  close(r.reservation, 100 - 3 * 0.07664315518219414);
});

test('γ → 0 limits are finite: half spread 1/κ (both models), no skew in GLFT', () => {
  const m = { sigma: 0.3, A: 1, kappa: 20 };
  const g = glftQuotes(50, 10, 1e-20, m, 1);
  close(g.halfSpread, 1 / 20, 1e-9);
  close(g.reservation, 50, 1e-9);
  const f = finiteHorizonQuotes(50, 10, 0, m, 100);
  close(f.halfSpread, 1 / 20, 1e-12);
});

test('units: prices ×10 (σ ×10, κ ÷10, γ ÷10) give quotes ×10 in both models', () => {
  const m = { sigma: 0.013, A: 0.7, kappa: 35 };
  const m10 = { sigma: 0.13, A: 0.7, kappa: 3.5 };
  for (const q of [-40, -1, 0, 3, 25]) {
    const a = glftQuotes(15.27, q, 0.05, m, 20);
    const b = glftQuotes(152.7, q, 0.005, m10, 20);
    close(b.bid, 10 * a.bid, 1e-12, `glft bid q=${q}`);
    close(b.ask, 10 * a.ask, 1e-12, `glft ask q=${q}`);
    const c = finiteHorizonQuotes(15.27, q, 0.05, m, 3600);
    const d = finiteHorizonQuotes(152.7, q, 0.005, m10, 3600);
    close(d.bid, 10 * c.bid, 1e-12, `finite bid q=${q}`);
    close(d.ask, 10 * c.ask, 1e-12, `finite ask q=${q}`);
  }
  // the bug the test exists for: σ where σ² belongs (as a widely used bot does) breaks the scaling
  const wrong = (s: number, q: number, g: number, sigma: number) => s - q * g * sigma * 3600;
  assert.notEqual(Math.abs(wrong(152.7, 5, 0.005, 0.13) - 10 * wrong(15.27, 5, 0.05, 0.013)) < 1e-9, true);
});

/** A maker configuration in the units of a market priced around `scale` × 15 with tick `scale` × 0.01. */
function config(scale = 1, over: Partial<MakerConfig> = {}): MakerConfig {
  return {
    model: 'glft',
    horizonSeconds: 3600,
    gamma: 0.2 / scale,
    eta: 0.01,
    orderSize: 20,
    minSpread: 0,
    fairPrice: 'mid',
    vampLevels: 3,
    volatility: { prior: 0.002 * scale, priorWeightSeconds: 600, halfLifeSeconds: 1800 },
    intensity: {
      priorA: 0.5,
      priorKappa: 60 / scale,
      priorWeight: 50,
      bucket: 0.01 * scale,
      buckets: 20,
      halfLifeSeconds: 1800,
    },
    orderRefreshSeconds: 10,
    filledOrderDelaySeconds: 5,
    maxOrderAgeSeconds: 600,
    refreshToleranceTicks: 0,
    fundingCarry: true,
    ...over,
  };
}

function book(bid: number, ask: number, bidSize = 30, askSize = 30, scale = 1): BookSnapshot {
  return {
    bids: [
      { price: bid * scale, size: bidSize },
      { price: (bid - 0.01) * scale, size: 50 },
    ],
    asks: [
      { price: ask * scale, size: askSize },
      { price: (ask + 0.01) * scale, size: 50 },
    ],
  };
}

test('units: the whole maker (estimators fed prices ×10) quotes ×10 with the same sizes', () => {
  const rng = new Prng('units');
  const a = new AvellanedaStoikovMaker(config(1));
  const b = new AvellanedaStoikovMaker(config(10));
  let mid = 15;
  let t = 0;
  let compared = 0;
  for (let i = 0; i < 3000; i++) {
    t += 1 + rng.int(4);
    mid = Math.max(1, mid + (rng.chance(0.5) ? 0.01 : -0.01) * rng.int(3));
    const half = 0.005 + 0.01 * rng.int(2);
    const bk = book(mid - half, mid + half, 1 + rng.int(60), 1 + rng.int(60));
    const bk10 = book(mid - half, mid + half, bk.bids[0]!.size, bk.asks[0]!.size, 10);
    a.observeBook(t, bk);
    b.observeBook(t, bk10);
    if (rng.chance(0.3)) {
      const depth = 0.01 * rng.int(5) + 0.004; // inside a bucket, away from its edges
      const px = mid + (rng.chance(0.5) ? depth : -depth);
      a.observeTrade(t, px, mid);
      b.observeTrade(t, px * 10, mid * 10);
    }
    if (i % 50 === 0) {
      const inv = rng.int(200) - 100;
      const ctx = (scale: number, bkk: BookSnapshot): MakerContext => ({
        time: t,
        book: bkk,
        inventory: inv,
        maxPosition: 150,
        funding: { rate: 0.0001, periodSeconds: 28800 },
        rules: { tick: 0.01 * scale, lot: 1, minSize: 1 },
      });
      const qa = a.quote(ctx(1, bk));
      const qb = b.quote(ctx(10, bk10));
      close(b.model().sigma, 10 * a.model().sigma, 1e-9, 'sigma');
      close(b.model().kappa, a.model().kappa / 10, 1e-9, 'kappa');
      close(b.model().A, a.model().A, 1e-9, 'A');
      close(qb.raw!.bid, 10 * qa.raw!.bid, 1e-9, 'raw bid');
      close(qb.raw!.ask, 10 * qa.raw!.ask, 1e-9, 'raw ask');
      assert.equal(qb.bid?.ticks, qa.bid?.ticks, 'bid ticks');
      assert.equal(qb.ask?.ticks, qa.ask?.ticks, 'ask ticks');
      assert.equal(qb.bid?.size, qa.bid?.size, 'bid size');
      assert.equal(qb.ask?.size, qa.ask?.size, 'ask size');
      compared++;
    }
  }
  assert.equal(compared, 60);
});

test('quantisation: bid down and ask up to the tick, sizes to the lot and at least the minimum', () => {
  assert.deepEqual(quantisePrices(15.237, 15.241, 0.01), { bidTicks: 1523, askTicks: 1525 });
  // prices already on a tick stay there (no float drift: 15.24 / 0.01 = 1523.9999999999998)
  assert.deepEqual(quantisePrices(15.24, 15.25, 0.01), { bidTicks: 1524, askTicks: 1525 });
  // both inside one tick: the ask is pushed one tick above the bid
  assert.deepEqual(quantisePrices(15.2401, 15.2402, 0.01), { bidTicks: 1524, askTicks: 1525 });
  assert.equal(quantiseSize(17.9, { tick: 0.01, lot: 5, minSize: 5 }), 15);
  assert.equal(quantiseSize(3, { tick: 0.01, lot: 5, minSize: 5 }), 5, 'floored at the minimum size');
  assert.equal(quantiseSize(0.37, { tick: 0.01, lot: 0.1, minSize: 0.1 }), 0.30000000000000004);
  assert.equal(quantiseSize(Number.NaN, { tick: 0.01, lot: 1, minSize: 1 }), 0);
  assert.equal(quantiseSize(-2, { tick: 0.01, lot: 1, minSize: 1 }), 0);

  const mk = new AvellanedaStoikovMaker(config(1, { orderSize: 7.6 }));
  const d = mk.quote({
    time: 0,
    book: book(14.99, 15.01),
    inventory: 0,
    maxPosition: Infinity,
    rules: { tick: 0.01, lot: 2, minSize: 4 },
  });
  for (const leg of [d.bid!, d.ask!]) {
    assert.equal(leg.price, leg.ticks * 0.01);
    assert.equal(leg.size, 6, 'floored to the lot of 2');
  }
  assert.ok(d.bid!.price <= d.raw!.bid + 1e-12 && d.ask!.price >= d.raw!.ask - 1e-12, 'never tighter than the model');
});

test('inventory skew: long inventory moves both quotes down and shrinks the bid; short the opposite', () => {
  for (const model of ['glft', 'finite'] as const) {
    const mk = new AvellanedaStoikovMaker(config(1, { model, gamma: 2, eta: 0.02, orderSize: 10 }));
    const at = (q: number) =>
      mk.quote({
        time: 100,
        book: { bids: [], asks: [] },
        reference: 15,
        inventory: q,
        maxPosition: Infinity,
        rules: { tick: 0.0001, lot: 1, minSize: 1 },
      });
    const flat = at(0);
    const long = at(80);
    const short = at(-80);
    assert.ok(long.raw!.reservation < flat.raw!.reservation, `${model}: long reservation below fair`);
    assert.ok(short.raw!.reservation > flat.raw!.reservation, `${model}: short reservation above fair`);
    assert.ok(long.bid!.price < flat.bid!.price && long.ask!.price < flat.ask!.price);
    assert.ok(short.bid!.price > flat.bid!.price && short.ask!.price > flat.ask!.price);
    // sizes: exp(−0.02·80) = 0.2019 → 10 × 0.2019 = 2.02 → 2 lots; the reducing side keeps the full size
    assert.equal(long.bid!.size, 2);
    assert.equal(long.ask!.size, 10);
    assert.equal(short.ask!.size, 2);
    assert.equal(short.bid!.size, 10);
  }
  assert.deepEqual(shapedSizes(10, 0.1, 0), { bid: 10, ask: 10 });
});

test('position limit: at the limit only the reducing side is quoted, and no fill can pass the limit', () => {
  const mk = new AvellanedaStoikovMaker(config(1, { orderSize: 30, eta: 0 }));
  const ctx = (q: number): MakerContext => ({
    time: 0,
    book: book(14.99, 15.01),
    inventory: q,
    maxPosition: 100,
    rules: { tick: 0.01, lot: 1, minSize: 1 },
  });
  const atLong = mk.quote(ctx(100));
  assert.equal(atLong.bid, undefined);
  assert.equal(atLong.ask?.size, 30);
  assert.ok(atLong.notes.some((n) => n.includes('position limit')));
  const near = mk.quote(ctx(-88));
  assert.equal(near.ask?.size, 12, 'ask capped at the 12 units of room');
  assert.equal(near.bid?.size, 30);
});

test('funding carry, finite model: both quotes move down by rate × price × (T − t) / period (A–S with drift)', () => {
  const mk = new AvellanedaStoikovMaker(config(1, { model: 'finite', horizonSeconds: 20_000 }));
  const base: MakerContext = {
    time: 5_600, // τ = 20000 − 5600 = 14400 s
    book: book(14.99, 15.01),
    inventory: 0,
    maxPosition: Infinity,
    rules: { tick: 0.0001, lot: 1, minSize: 1 },
  };
  const none = mk.quote(base);
  const pay = mk.quote({ ...base, funding: { rate: 0.0005, periodSeconds: 28_800 } });
  // μ = −0.0005 × 15 / 28800 per second, over τ = 14400 s: 0.0005 × 15 × 14400 / 28800 = 0.00375
  close(pay.carryHorizon, 14_400, 1e-12);
  close(pay.carry, 0.00375, 1e-12);
  close(none.raw!.bid - pay.raw!.bid, 0.00375, 1e-9);
  close(none.raw!.ask - pay.raw!.ask, 0.00375, 1e-9);
  const off = new AvellanedaStoikovMaker(config(1, { model: 'finite', horizonSeconds: 20_000, fundingCarry: false }));
  assert.equal(off.quote({ ...base, funding: { rate: 0.0005, periodSeconds: 28_800 } }).carry, 0);
});

test('funding carry, GLFT: the drift is an inventory offset μ/(γσ²), i.e. a horizon ω/(γσ²) (hand-computed)', () => {
  // γ 0.2, σ prior 0.002 (no data yet), A 0.5, κ 60, Δ 20: x = γΔ/κ = 1/15;
  // ω = σ·√(γ/(2AΔκ)·(1 + x)^(1/x + 1)) = 0.002·√(0.2/1200 · (16/15)^16) = 3.6574…e-5 (see below)
  const omega = 0.002 * Math.sqrt((0.2 / (2 * 0.5 * 20 * 60)) * Math.pow(16 / 15, 16));
  const horizon = omega / (0.2 * 0.002 * 0.002);
  const mk = new AvellanedaStoikovMaker(config(1));
  const base: MakerContext = {
    time: 0,
    book: book(14.99, 15.01),
    inventory: 0,
    maxPosition: Infinity,
    rules: { tick: 0.0001, lot: 1, minSize: 1 },
  };
  const none = mk.quote(base);
  const pay = mk.quote({ ...base, funding: { rate: 0.0005, periodSeconds: 28_800 } });
  close(pay.carryHorizon, horizon, 1e-9);
  const carry = (0.0005 * 15 * horizon) / 28_800;
  close(pay.carry, carry, 1e-9);
  close(none.raw!.bid - pay.raw!.bid, carry, 1e-9);
  // the same shift as holding −μ/(γσ²) more inventory: q = μ/(γσ²)·… with μ = −0.0005·15/28800
  const qOffset = (0.0005 * 15) / 28_800 / (0.2 * 0.002 * 0.002);
  const asInventory = mk.quote({ ...base, inventory: qOffset });
  close(asInventory.raw!.reservation, pay.raw!.reservation, 1e-9);
  // beyond the position limit the offset is capped there
  const capped = mk.quote({ ...base, maxPosition: qOffset / 4, funding: { rate: 0.0005, periodSeconds: 28_800 } });
  close(capped.carry, (qOffset / 4) * omega, 1e-9);
});

test('fair prices: microprice and VAMP (hand-computed), undefined on one-sided books', () => {
  const bk: BookSnapshot = {
    bids: [
      { price: 99, size: 2 },
      { price: 98, size: 3 },
    ],
    asks: [
      { price: 101, size: 1 },
      { price: 102, size: 4 },
    ],
  };
  close(microprice(bk)!, 100.33333333333333); // (99·1 + 101·2)/3
  close(vamp(bk, 2)!, 100.1); // ((99·2 + 98·3)/5 + (101·1 + 102·4)/5)/2
  assert.equal(vamp({ bids: bk.bids, asks: [] }, 2), undefined);
  assert.equal(microprice({ bids: [{ price: 99, size: 0 }], asks: bk.asks }), undefined);
});

function checkDecision(
  d: ReturnType<AvellanedaStoikovMaker['quote']>,
  bk: BookSnapshot,
  rules: { tick: number; lot: number; minSize: number },
  what: string,
) {
  for (const leg of [d.bid, d.ask]) {
    if (!leg) continue;
    assert.ok(Number.isFinite(leg.price) && Number.isInteger(leg.ticks) && leg.ticks >= 1, `${what}: price`);
    assert.ok(Number.isFinite(leg.size) && leg.size >= rules.minSize, `${what}: size`);
    close(leg.size / rules.lot, Math.round(leg.size / rules.lot), 1e-9, `${what}: lot`);
  }
  if (d.bid && d.ask) assert.ok(d.bid.ticks < d.ask.ticks, `${what}: crossed quotes ${d.bid.price} ${d.ask.price}`);
  const bestBid = bk.bids[0]?.price;
  const bestAsk = bk.asks[0]?.price;
  if (d.bid && bestAsk !== undefined && bestAsk > 0)
    assert.ok(d.bid.ticks < Math.round(bestAsk / rules.tick), `${what}: bid crosses the book`);
  if (d.ask && bestBid !== undefined && bestBid > 0)
    assert.ok(d.ask.ticks > Math.round(bestBid / rules.tick), `${what}: ask crosses the book`);
  for (const v of [d.fair, d.raw?.bid, d.raw?.ask, d.carry]) if (v !== undefined) assert.ok(!Number.isNaN(v), what);
}

test('empty and one-sided books: quotes from the reference or the one side, never NaN, never crossed', () => {
  const rules = { tick: 0.01, lot: 1, minSize: 1 };
  const fresh = () => new AvellanedaStoikovMaker(config(1));
  const ctx = (bk: BookSnapshot, reference?: number): MakerContext => ({
    time: 0,
    book: bk,
    ...(reference !== undefined ? { reference } : {}),
    inventory: 0,
    maxPosition: Infinity,
    rules,
  });
  const empty = { bids: [], asks: [] };
  const none = fresh().quote(ctx(empty));
  assert.equal(none.bid, undefined);
  assert.equal(none.ask, undefined);
  assert.equal(none.fairSource, 'none');

  const ref = fresh().quote(ctx(empty, 15));
  assert.equal(ref.fairSource, 'reference');
  assert.ok(ref.bid && ref.ask, 'quotes from the first block, before any data');
  checkDecision(ref, empty, rules, 'reference');

  const bidsOnly = { bids: [{ price: 15.5, size: 10 }], asks: [] };
  const b = fresh().quote(ctx(bidsOnly, 15)); // the reference is below the only bid
  checkDecision(b, bidsOnly, rules, 'bids only');
  assert.ok(b.ask && b.ask.price > 15.5, 'the ask stays above the only bid');
  const asksOnly = { bids: [], asks: [{ price: 14.5, size: 10 }] };
  const a = fresh().quote(ctx(asksOnly));
  assert.equal(a.fairSource, 'one-sided');
  checkDecision(a, asksOnly, rules, 'asks only');

  const locked = { bids: [{ price: 15, size: 10 }], asks: [{ price: 15, size: 10 }] };
  checkDecision(fresh().quote(ctx(locked)), locked, rules, 'locked book');
});

test('random books, inventories and estimator states: every decision is finite, uncrossed and off the book', () => {
  const rng = new Prng('fuzz');
  for (let run = 0; run < 40; run++) {
    const tick = [0.01, 0.5, 1e-4][run % 3]!;
    const lot = [1, 0.1, 10][run % 3]!;
    const rules = { tick, lot, minSize: lot * (1 + rng.int(3)) };
    const mk = new AvellanedaStoikovMaker(
      config(1, {
        model: run % 2 ? 'finite' : 'glft',
        gamma: 10 ** rng.uniform(-4, 2),
        eta: rng.uniform(0, 0.1),
        orderSize: lot * (1 + rng.int(50)),
        minSpread: rng.chance(0.3) ? rng.uniform(0, 0.2) : 0,
        fairPrice: (['mid', 'microprice', 'vamp'] as const)[run % 3]!,
        intensity: { priorA: 0.3, priorKappa: 40, priorWeight: 5, bucket: tick, buckets: 12, halfLifeSeconds: 600 },
      }),
    );
    let t = 0;
    for (let i = 0; i < 200; i++) {
      t += rng.int(5);
      const mid = 1 + rng.uniform(0, 100);
      const side = () =>
        rng.chance(0.2)
          ? []
          : Array.from({ length: 1 + rng.int(4) }, (_, k) => ({ price: k, size: rng.chance(0.1) ? 0 : rng.int(40) }));
      const bids = side().map((l) => ({ price: Math.max(tick, mid - (l.price + rng.int(3)) * tick), size: l.size }));
      const asks = side().map((l) => ({ price: mid + (l.price + rng.int(3)) * tick, size: l.size }));
      const bk = { bids, asks };
      mk.observeBook(t, bk);
      if (rng.chance(0.5)) mk.observeTrade(t, mid + rng.uniform(-1, 1) * tick * 3, rng.chance(0.1) ? undefined : mid);
      const d = mk.quote({
        time: t,
        book: bk,
        ...(rng.chance(0.5) ? { reference: mid } : {}),
        inventory: rng.int(400) - 200,
        maxPosition: rng.chance(0.2) ? Infinity : rng.int(300),
        ...(rng.chance(0.5) ? { funding: { rate: rng.uniform(-0.001, 0.001), periodSeconds: 28_800 } } : {}),
        rules,
      });
      checkDecision(d, bk, rules, `run ${run} step ${i}`);
    }
  }
});

test('order management: refresh after the refresh time and outside the tolerance, replace old orders, wait after fills', () => {
  const mk = new AvellanedaStoikovMaker(
    config(1, {
      orderRefreshSeconds: 30,
      maxOrderAgeSeconds: 300,
      filledOrderDelaySeconds: 20,
      refreshToleranceTicks: 1,
    }),
  );
  const ctx = (time: number, mid: number): MakerContext => ({
    time,
    book: book(mid - 0.005, mid + 0.005),
    inventory: 0,
    maxPosition: Infinity,
    rules: { tick: 0.01, lot: 1, minSize: 1 },
  });
  const first = mk.plan(ctx(0, 15), {});
  assert.deepEqual(
    first.place.map((p) => p.side),
    ['bid', 'ask'],
  );
  const resting = {
    bid: { ticks: first.decision.bid!.ticks, lots: first.decision.bid!.lots, placedAt: 0 },
    ask: { ticks: first.decision.ask!.ticks, lots: first.decision.ask!.lots, placedAt: 0 },
  };
  // the price moved a tick (the quotes 14.98/15.02 stay on their sides of fair), but the orders are younger than
  // the refresh time: kept
  assert.equal(mk.plan(ctx(10, 15.01), resting).place.length, 0);
  // the price moved 5 ticks, through the young ask (15.02 < fair 15.05): the ask goes at once, the bid stays
  const through = mk.plan(ctx(10, 15.05), resting);
  assert.deepEqual(through.cancel, ['ask']);
  assert.deepEqual(through.reasons, { ask: 'crossed' });
  assert.ok(through.place.length === 1 && through.place[0]!.leg.ticks > 1505);
  // after the refresh time, a move within the tolerance keeps them; a bigger one replaces both
  assert.equal(mk.plan(ctx(40, 15), resting).place.length, 0);
  const moved = mk.plan(ctx(40, 15.05), resting);
  assert.deepEqual(moved.cancel, ['bid', 'ask']);
  assert.equal(moved.place.length, 2);
  // unchanged quotes older than the maximum age are replaced anyway
  assert.equal(mk.plan(ctx(300, 15), resting).place.length, 2);
  // a fill: nothing new is placed for the delay, even for a missing side
  mk.observeFill(400);
  assert.equal(mk.plan(ctx(410, 15), { ask: resting.ask }).place.length, 0);
  assert.equal(mk.plan(ctx(421, 15), { ask: { ...resting.ask, placedAt: 400 } }).place.length, 1);
});
