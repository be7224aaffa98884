// A scripted session on the seed's final LINK/USD perpetual proposal (scenarios/link-usd-perp.proposal.json, loaded
// from its JSON): the Chainlink oracle publishes a LINK price every 5 minutes, traders move the last traded price,
// and the funding schedule (a time trigger every 8 hours) ends three funding periods. For each period the test
// computes, by hand from the points it scripted, the two TWAPs and the funding payment of spec 0053-PERP
//   fp = F − S + clamp((1 + r·Δt/year)·S − F, clampLower·S, clampUpper·S),  per-party flow = −position × fp,
// with the proposal's r = 10.95 %/yr and clamps ±0.05 %, and checks the engine's funding events and transfers.
// Nothing here uses the engine's TWAP or funding code: the expected values come from the script alone.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import type { EngineEvent } from '../../../src/core/events.ts';
import type { Side } from '../../../src/core/types.ts';
import { NS } from '../../../src/core/types.ts';
import { loadProposalFile } from '../../../src/proposal/index.ts';

const PROPOSAL = fileURLToPath(new URL('../../../scenarios/link-usd-perp.proposal.json', import.meta.url));
const CHAINLINK = '0x2c1d072e956affc0d435cb7ac38ef18d24d9127c';
/** 2024-01-01T00:00:00Z */
const START = 1_704_067_200n;
const BLOCK = 60n;
const HOUR = 3600n;
const YEAR_S = 365n * 24n * HOUR;

/** asset precision (USDT, 6 decimals) of a quote-unit price given in cents (market precision, 2 decimals) */
const asset = (cents: number) => BigInt(cents) * 10_000n;

/** Internal price path: (hours after the period start, traded price in cents). */
const TRADES: readonly [number, number][] = [
  [1, 1505],
  [2.5, 1498],
  [5, 1502],
  [9, 1500],
  [12, 1496],
  [14.5, 1499],
  [17, 1503],
  [20, 1507],
  [23, 1504],
];

/**
 * External price (Chainlink, 8 decimals) at hours after the period start: below the market in the first period
 * (the interest term is clamped at −0.05 %·S), level in the second (not clamped), above in the third (clamped at
 * +0.05 %·S).
 */
function oracleCents(h: number): number {
  if (h < 8) return 1480 + Math.floor(h) * 2; // 14.80 … 14.94
  if (h < 16) return 1499; // 14.99
  return 1520 + Math.floor(h - 16) * 3; // 15.20 … 15.41
}

interface Point {
  readonly t: bigint; // unix seconds
  readonly price: bigint; // asset precision
}

/** floor(Σ price × duration / window) over [max(start, first point), end], each point holding until the next. */
function twap(points: readonly Point[], start: bigint, end: bigint): bigint {
  const sorted = [...points].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  // the last point at or before the start is carried into the period; later points up to the end count
  let first = -1;
  for (let i = 0; i < sorted.length; i++) if (sorted[i]!.t <= start) first = i;
  const used = sorted.slice(Math.max(first, 0)).filter((p) => p.t < end);
  const from = used[0]!.t > start ? used[0]!.t : start;
  let sum = 0n;
  for (let i = 0; i < used.length; i++) {
    const a = used[i]!.t > from ? used[i]!.t : from;
    const b = i + 1 < used.length ? used[i + 1]!.t : end;
    sum += used[i]!.price * (b - a);
  }
  return sum / (end - from);
}

/** a / b rounded to 16 fractional digits, halves away from zero, as a scaled integer (×10^16): Vega's division. */
function div16(a: bigint, b: bigint): bigint {
  const scaled = a * 10n ** 16n;
  const q = scaled / b;
  const r = scaled % b;
  const twice = (r < 0n ? -r : r) * 2n;
  const absB = b < 0n ? -b : b;
  return twice >= absB ? q + (scaled < 0n !== b < 0n ? -1n : 1n) : q;
}

/**
 * Funding payment per unit (asset precision, truncated toward zero) and rate for a period of `seconds` with TWAPs F and S,
 * the proposal's r = 0.1095 and clamps ±0.0005; Δt/year is a 16-digit division as in Vega.
 */
function funding(F: bigint, S: bigint, seconds: bigint): { payment: bigint; rate: string } {
  const E16 = 10n ** 16n;
  const td = div16(seconds, YEAR_S); // ×10^16
  // all terms scaled by 10^(4 + 16 + 4) = 10^24: r = 1095/10^4, clamps = 5/10^4
  const SCALE = 10n ** 24n;
  const interest = (10n ** 4n * E16 + 1095n * td) * S * 10n ** 4n - F * SCALE;
  const lo = -5n * S * 10n ** 20n;
  const hi = 5n * S * 10n ** 20n;
  const clamped = interest < lo ? lo : interest > hi ? hi : interest;
  const fp = (F - S) * SCALE + clamped;
  // rate = fp / S at 16 digits, written without trailing zeros
  const rate16 = div16(fp, S * SCALE);
  const neg = rate16 < 0n;
  const digits = (neg ? -rate16 : rate16).toString().padStart(17, '0');
  const frac = digits.slice(-16).replace(/0+$/, '');
  const rate = `${neg ? '-' : ''}${digits.slice(0, -16)}${frac ? `.${frac}` : ''}`;
  return { payment: fp / SCALE, rate }; // bigint division truncates toward zero
}

interface Session {
  readonly events: EngineEvent[];
  readonly periodStart: bigint;
  readonly internal: Point[];
  readonly external: Point[];
  /** positions at each period end (party → contracts) */
  readonly positionsAtCue: Map<string, number>[];
  readonly cues: bigint[];
}

function runSession(): Session {
  const parsed = loadProposalFile(PROPOSAL);
  const cfg = parsed.config;
  const events: EngineEvent[] = [];
  const ex = new Exchange({ now: START * NS, sink: { emit: (e) => events.push(e) } });
  ex.registerAsset({ id: parsed.asset.id, decimals: parsed.asset.decimals, quantum: parsed.asset.quantum });
  const m = ex.createMarket(cfg);
  const usdt = parsed.asset.id;
  for (const p of ['maker', 'taker', 'long', 'short']) assert.equal(ex.deposit(p, usdt, 10n ** 13n).error, undefined);
  const order = (party: string, side: Side, size: number, cents: number) => {
    const r = ex.submitOrder({ marketId: m.id, party, side, size, price: cents, type: 'LIMIT', tif: 'GTC' });
    assert.equal(r.error, undefined, `${party} ${side} ${size}@${cents}`);
    return r;
  };
  const oracle = (cents: number) => {
    // 8 decimals on the wire; the engine scales to the asset's 6
    const r = ex.submitOracleData({
      signers: [CHAINLINK],
      properties: { 'link.price': (BigInt(cents) * 10n ** 6n).toString() },
      timestamp: ex.now(),
    });
    assert.equal(r.error, undefined);
  };
  // opening auction: long buys 10 from short at 15.00; the maker quotes around it
  order('long', 'buy', 10, 1500);
  order('short', 'sell', 10, 1500);
  order('maker', 'buy', 50, 1450);
  order('maker', 'sell', 50, 1550);
  while (m.tradingMode === 'OPENING_AUCTION') ex.nextBlock(BLOCK * NS);
  const periodStart = ex.now() / NS;
  const internal: Point[] = [{ t: periodStart, price: asset(1500) }];
  const external: Point[] = [];
  const positionsAtCue: Map<string, number>[] = [];
  const cues: bigint[] = [];
  const positions = new Map([
    ['long', 10],
    ['short', -10],
  ]);
  let nextTrade = 0;
  // three funding periods and a block
  for (let s = periodStart; s <= periodStart + 24n * HOUR; s += BLOCK) {
    if (s > ex.now() / NS) ex.advanceTo(s * NS);
    const h = Number(s - periodStart) / 3600;
    // a cue ran at this tick (before anything of this block): record the positions it settled
    const periodEvents = events.filter((e) => e.type === 'fundingPeriod' && e.end !== undefined);
    if (periodEvents.length > cues.length) {
      cues.push(s);
      positionsAtCue.push(new Map(positions));
    }
    if ((s - periodStart) % 300n === 0n) {
      oracle(oracleCents(h));
      external.push({ t: s, price: asset(oracleCents(h)) });
    }
    const trade = TRADES[nextTrade];
    if (trade && h >= trade[0]) {
      // the maker rests one contract; the taker lifts it: one trade at the scripted price, marked at block end
      const [, cents] = trade;
      const takerBuys = nextTrade % 2 === 0;
      order('maker', takerBuys ? 'sell' : 'buy', 1, cents);
      const r = order('taker', takerBuys ? 'buy' : 'sell', 1, cents);
      assert.equal(r.trades.length, 1);
      positions.set('taker', (positions.get('taker') ?? 0) + (takerBuys ? 1 : -1));
      positions.set('maker', (positions.get('maker') ?? 0) - (takerBuys ? 1 : -1));
      internal.push({ t: s, price: asset(cents) });
      nextTrade++;
    }
    ex.endBlock();
  }
  return { events, periodStart, internal, external, positionsAtCue, cues };
}

let session: Session;
before(() => {
  session = runSession();
});

test('the LINK perpetual proposal: funding periods end every 8 hours of the time trigger', () => {
  const ends = session.events.filter((e) => e.type === 'fundingPeriod' && e.end !== undefined);
  const start = session.periodStart;
  assert.deepEqual(
    ends.map((e) => (e.type === 'fundingPeriod' ? [e.seq, e.start / NS, e.end! / NS] : [])),
    [0, 1, 2].map((k) => [k, start + BigInt(k) * 8n * HOUR, start + BigInt(k + 1) * 8n * HOUR]),
  );
  assert.deepEqual(
    session.cues,
    [1, 2, 3].map((k) => start + BigInt(k) * 8n * HOUR),
  );
});

test('each period: TWAPs, payment and rate as computed by hand from the scripted prices', () => {
  const ends = session.events.filter((e) => e.type === 'fundingPeriod' && e.end !== undefined);
  const signs: number[] = [];
  ends.forEach((e, k) => {
    if (e.type !== 'fundingPeriod') return;
    const s = session.periodStart + BigInt(k) * 8n * HOUR;
    const end = s + 8n * HOUR;
    const F = twap(session.internal, s, end);
    const S = twap(session.external, s, end);
    assert.equal(e.internalTwap, F, `period ${k}: internal TWAP`);
    assert.equal(e.externalTwap, S, `period ${k}: external TWAP`);
    const f = funding(F, S, 8n * HOUR);
    assert.equal(e.fundingPayment, f.payment, `period ${k}: funding payment per contract`);
    assert.equal(e.fundingRate, f.rate, `period ${k}: funding rate`);
    signs.push(Math.sign(Number(f.payment)));
  });
  // the script's oracle path: internal above external (longs pay), level (interest only), below (shorts pay)
  assert.deepEqual(signs, [1, 1, -1]);
});

test('funding is exchanged: each party pays −position × payment, losses collected and wins paid in full', () => {
  const ends = session.events.filter((e) => e.type === 'fundingPeriod' && e.end !== undefined);
  const payments = session.events.filter((e) => e.type === 'fundingPayments');
  assert.equal(payments.length, 3);
  payments.forEach((p, k) => {
    if (p.type !== 'fundingPayments') return;
    const e = ends[k]!;
    if (e.type !== 'fundingPeriod') return;
    const fp = e.fundingPayment!;
    const expected = [...session.positionsAtCue[k]!]
      .filter(([, size]) => size !== 0)
      .map(([party, size]) => ({ party, amount: -BigInt(size) * fp }));
    const sort = (xs: readonly { party: string; amount: bigint }[]) =>
      [...xs].sort((a, b) => (a.party < b.party ? -1 : 1));
    assert.deepEqual(sort(p.payments), sort(expected), `period ${k}`);
    assert.equal(p.seq, k);
  });
  // the ledger moves exactly those amounts: losers to the settlement account, the settlement account to winners
  const funding = session.events.flatMap((e) =>
    e.type === 'ledger' && (e.entry.type === 'PERPETUALS_FUNDING_LOSS' || e.entry.type === 'PERPETUALS_FUNDING_WIN')
      ? [e.entry]
      : [],
  );
  const paid = funding.filter((x) => x.type === 'PERPETUALS_FUNDING_LOSS').reduce((a, x) => a + x.amount, 0n);
  const received = funding.filter((x) => x.type === 'PERPETUALS_FUNDING_WIN').reduce((a, x) => a + x.amount, 0n);
  const owed = payments.reduce(
    (a, p) =>
      a + (p.type === 'fundingPayments' ? p.payments.reduce((b, x) => b + (x.amount < 0n ? -x.amount : 0n), 0n) : 0n),
    0n,
  );
  assert.equal(paid, owed);
  assert.equal(received, owed);
  assert.ok(!session.events.some((e) => e.type === 'lossSocialisation'));
});

test('time-trigger conditions of the funding schedule are honoured: a cue whose time fails them is skipped', () => {
  const parsed = loadProposalFile(PROPOSAL);
  const product = parsed.config.product;
  assert.equal(product.kind, 'perpetual');
  if (product.kind !== 'perpetual') return;
  const events: EngineEvent[] = [];
  const ex = new Exchange({ now: START * NS, sink: { emit: (e) => events.push(e) } });
  ex.registerAsset({ id: parsed.asset.id, decimals: parsed.asset.decimals, quantum: parsed.asset.quantum });
  // hourly cues, but only from 2h30 after the start of trading
  const from = START + 2n * HOUR + 30n * 60n;
  const m = ex.createMarket({
    ...parsed.config,
    openingAuctionDuration: 0,
    product: {
      ...product,
      settlementSchedule: {
        kind: 'timeTrigger',
        every: 3600,
        conditions: [{ operator: 'GREATER_THAN_OR_EQUAL', value: from.toString() }],
      },
    },
  });
  assert.equal(m.tradingMode, 'CONTINUOUS');
  for (const p of ['a', 'b']) ex.deposit(p, parsed.asset.id, 10n ** 12n);
  ex.submitOrder({ marketId: m.id, party: 'a', side: 'buy', size: 1, price: 1500, type: 'LIMIT', tif: 'GTC' });
  ex.submitOrder({ marketId: m.id, party: 'b', side: 'sell', size: 1, price: 1500, type: 'LIMIT', tif: 'GTC' });
  for (let s = START + BLOCK; s <= START + 4n * HOUR; s += BLOCK) ex.nextBlock(BLOCK * NS);
  const ends = events.flatMap((e) => (e.type === 'fundingPeriod' && e.end !== undefined ? [e.end / NS - START] : []));
  // the 1h and 2h cues fail the condition; 3h and 4h pass
  assert.deepEqual(ends, [3n * HOUR, 4n * HOUR]);
});

test('every oracle price and every mark price is announced as a funding data point with the TWAP at its time', () => {
  const points = session.events.flatMap((e) => (e.type === 'fundingDataPoint' ? [e] : []));
  const periodOf = (t: bigint) => (t - session.periodStart) / (8n * HOUR);
  for (const [source, series] of [
    ['EXTERNAL', session.external],
    ['INTERNAL', session.internal],
  ] as const) {
    for (const p of series) {
      const k = periodOf(p.t);
      if (k > 2n) continue;
      const s = session.periodStart + k * 8n * HOUR;
      // announced when it arrives, or with the period that starts at its time
      const ev = points.find((e) => e.source === source && e.timestamp === p.t * NS && e.seq === Number(k));
      assert.ok(ev, `${source} point at ${p.t}`);
      assert.equal(ev.price, p.price);
      const upto = series.filter((x) => x.t <= p.t);
      const expected = p.t === s || (upto.every((x) => x.t >= s) && p.t === upto[0]!.t) ? p.price : twap(upto, s, p.t);
      assert.equal(ev.twap, expected, `${source} TWAP at ${p.t}`);
    }
  }
});
