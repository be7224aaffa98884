// The margin-fraction rules inside the engine, end to end on the Exchange API: a perpetual with IMF 0.1, MMF 0.05
// and a 1% one-sided multiplier; asset and market decimals 0 and PDP 0 (prices and sizes are plain integers), no
// fees, no price monitoring, the mark price at every block end. Expected values are worked out by hand from the
// seed's formulas in the comments; every test ends with money conservation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import { EventLog, type EngineEvent } from '../../../src/core/events.ts';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { NETWORK_PARTY, NS, type Side, type TimeInForce } from '../../../src/core/types.ts';
import { mfMarket, ORACLE } from './helpers.ts';

const T0 = 1_700_000_000n * NS;

/** A fresh exchange at T0, market M opened at T0 + 2 s by A buying 1 at 1000 from B, index 1000 from then. */
function setup(parties: Record<string, bigint>) {
  const log = new EventLog();
  const ex = new Exchange({
    now: T0,
    params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS },
    sink: log,
  });
  ex.registerAsset({ id: 'USD', decimals: 0, quantum: Decimal.ONE });
  const market = ex.createMarket(mfMarket());
  let deposits = 0n;
  const all = { A: 100_000n, B: 100_000n, ...parties };
  for (const [party, amount] of Object.entries(all)) {
    assert.deepEqual(ex.deposit(party, 'USD', amount), {});
    deposits += amount;
  }
  const order = (party: string, side: Side, size: number, price: number, tif: TimeInForce = 'GTC') =>
    ex.submitOrder({ marketId: 'M', party, side, size, price, type: 'LIMIT', tif });
  const place = (party: string, side: Side, size: number, price: number, tif: TimeInForce = 'GTC') => {
    const r = order(party, side, size, price, tif);
    assert.equal(r.error, undefined, `${party} ${side} ${size}@${price}: ${r.error}`);
    return r;
  };
  const index = (price: number) =>
    assert.deepEqual(
      ex.submitOracleData({ signers: [ORACLE], properties: { 'perp.price': String(price) }, timestamp: ex.now() }),
      {},
    );
  const total = (party: string) =>
    ex.ledger.accountsOf(party).reduce((s, a) => (a.asset === 'USD' ? s + a.balance : s), 0n);
  const events = <K extends EngineEvent['type']>(type: K) =>
    log.events.filter((e): e is Extract<EngineEvent, { type: K }> => e.type === type);
  const conserved = () => assert.equal(ex.ledger.totalHeld('USD'), deposits, 'money conservation');
  let clock = 2n;
  const block = () => {
    ex.advanceTo(T0 + clock * NS);
    clock++;
    ex.endBlock();
  };
  place('A', 'buy', 1, 1000);
  place('B', 'sell', 1, 1000);
  block(); // T0 + 2 s: the auction uncrosses at 1000; the first funding period starts
  index(1000);
  return { ex, market, order, place, index, total, events, conserved, block, at: () => clock };
}

test('orders are accepted while OMF ≥ IMF: open notional at the index × 0.1 against the money', () => {
  const s = setup({ X: 1000n });
  // X buys 10 at 1000 (resting): open size 10, IMF numerator 10 × 1000 × 0.1 = 1000 ≤ 1000 → accepted
  s.place('X', 'buy', 10, 1000);
  // one more at 999: open size 11 → 1100 > 1000 → refused with Vega's reason; nothing moves
  const before = s.total('X');
  assert.equal(s.order('X', 'buy', 1, 999).error, 'margin check failed');
  assert.equal(s.total('X'), before);
  // a sell of 5 does not raise the riskiest side (max(|0 + 10|, |0 − 5|) = 10): accepted
  s.place('X', 'sell', 5, 1100);
  s.conserved();
});

test('mark price: the book mid at block end, one-sided with the multiplier; margin levels follow the index', () => {
  const s = setup({ X: 10_000n, Q: 10_000n, R: 10_000n });
  s.place('Q', 'buy', 1, 950);
  s.block();
  assert.equal(s.market.markPrice, 959n); // bids only: 950 × 1.01 = 959.5 → 959
  s.place('R', 'sell', 1, 970);
  s.block();
  assert.equal(s.market.markPrice, 960n); // (950 + 970) / 2
  // X buys R's 1 at 970: long 1
  s.place('X', 'buy', 1, 970, 'IOC');
  s.index(1200);
  s.block();
  const lv = s
    .events('marginLevels')
    .filter((e) => e.party === 'X')
    .at(-1)!.levels;
  // long 1 at index 1200: maintenance 1 × 1200 × 0.05 = 60, initial 1 × 1200 × 0.1 = 120
  assert.deepEqual(lv, { maintenance: 60n, search: 60n, initial: 120n, release: 120n });
  s.conserved();
});

test('close-out under the maintenance fraction: AV < position notional × MMF, and not before', () => {
  const s = setup({ X: 600n, S: 100_000n, Q: 100_000n, R: 100_000n });
  s.place('S', 'sell', 5, 1000);
  s.place('X', 'buy', 5, 1000, 'IOC'); // IMF numerator 5 × 1000 × 0.1 = 500 ≤ 600
  // book 950 / 970 → mark 960: X loses 5 × 40 = 200, keeps 400 ≥ maintenance 5 × 1000 × 0.05 = 250
  s.place('Q', 'buy', 1, 950);
  s.place('R', 'sell', 1, 970);
  s.block();
  assert.equal(s.market.markPrice, 960n);
  assert.equal(s.total('X'), 400n);
  assert.equal(s.events('distressedPositions').length, 0);
  // book 930 / 940 → mark 935: X has 600 − 5 × 65 = 275 ≥ 250: still safe
  const cancelAll = () => {
    for (const o of [...s.market.partyOrders('Q'), ...s.market.partyOrders('R')])
      assert.equal(s.ex.cancelOrder(o.party, 'M', o.id).error, undefined);
  };
  cancelAll();
  s.place('Q', 'buy', 1, 930);
  s.place('R', 'sell', 1, 940);
  s.block();
  assert.equal(s.market.markPrice, 935n);
  assert.equal(s.total('X'), 275n);
  assert.equal(s.events('distressedPositions').length, 0);
  // the index falls to 900 and the book to 880 / 890 → mark 885: X has 600 − 5 × 115 = 25 < 5 × 900 × 0.05 = 225
  s.index(900);
  cancelAll();
  s.place('Q', 'buy', 1, 880);
  s.place('R', 'sell', 1, 890);
  s.block();
  assert.equal(s.market.markPrice, 885n);
  const d = s.events('distressedPositions');
  assert.equal(d.length, 1);
  assert.deepEqual(d[0]!.distressed, ['X']);
  const closeOut = s.events('trade').find((e) => e.trade.type === 'NETWORK_CLOSE_OUT_BAD')!.trade;
  assert.deepEqual([closeOut.buyer, closeOut.seller, closeOut.size, closeOut.price], [NETWORK_PARTY, 'X', 5, 885n]);
  // X's remaining 25 goes to the insurance pool
  assert.equal(s.total('X'), 0n);
  assert.equal(s.market.insuranceBalance(), 25n);
  s.conserved();
});

test("funding: the period's TWAP of mark / index − 1, paid per unit as TWAP × index (truncated)", () => {
  const s = setup({ L: 100_000n, H: 100_000n, Q: 100_000n, R: 100_000n });
  // T0 + 2 s: open at 1000 (internal point 1000), index 1000
  s.place('H', 'sell', 5, 1000);
  s.place('L', 'buy', 5, 1000, 'IOC');
  s.place('Q', 'buy', 1, 1005);
  s.place('R', 'sell', 1, 1015);
  s.block(); // T0 + 3 s: mark (1005 + 1015) / 2 = 1010
  assert.equal(s.market.markPrice, 1010n);
  for (let i = 0; i < 10; i++) s.block(); // to T0 + 13 s, the book unchanged
  assert.equal(s.at(), 14n); // the last block ran at T0 + 13 s
  s.ex.advanceTo(T0 + 13n * NS);
  const r = s.ex.submitOracleData({
    signers: [ORACLE],
    properties: { 'perp.funding.cue': String(1_700_000_013) },
    timestamp: s.ex.now(),
  });
  assert.deepEqual(r, {});
  // rate 1000 / 1000 − 1 = 0 over [2 s, 3 s), 1010 / 1000 − 1 = 0.01 over [3 s, 13 s):
  // TWAP = 0.1 / 11 = 0.0090909090909091 (16 digits); per unit × 1000 = 9.09… → 9; L long 5 pays 45, H short 5
  // receives 45
  const end = s.events('fundingPeriod').find((e) => e.end !== undefined)!;
  assert.equal(end.fundingRate, '0.0090909090909091');
  assert.equal(end.fundingPayment, 9n);
  const pay = s.events('fundingPayments').at(-1)!.payments;
  const of = (p: string) => pay.find((x) => x.party === p)?.amount;
  assert.equal(of('L'), -45n);
  assert.equal(of('H'), 45n);
  assert.equal(of('A'), -9n); // A long 1 from the opening auction
  assert.equal(of('B'), 9n);
  s.conserved();
});

test('bad margin-fraction parameters are refused at market creation with the field named; no isolated margin', () => {
  const ex = new Exchange({ now: T0 });
  ex.registerAsset({ id: 'USD', decimals: 0, quantum: Decimal.ONE });
  const bad = (mf: Partial<NonNullable<ReturnType<typeof mfMarket>['marginFraction']>>) =>
    mfMarket({ marginFraction: { ...mfMarket().marginFraction!, ...mf } });
  assert.throws(
    () => ex.createMarket(bad({ initialFraction: Decimal.parse('0.01') })),
    /marginFraction\.initialFraction: 0\.01 must be ≥ the maintenance fraction 0\.05/,
  );
  assert.throws(
    () => ex.createMarket(bad({ oneSidedMultiplier: Decimal.ONE })),
    /marginFraction\.oneSidedMultiplier: 1 is not in \(0, 1\)/,
  );
  const s = setup({ X: 1000n });
  assert.deepEqual(s.ex.updateMarginMode('X', 'M', 'isolated', Decimal.parse('0.5')), {
    error: 'isolated margin not permitted on margin-fraction markets',
  });
  s.conserved();
});

test('the funding TWAP accumulator is part of the state hash', () => {
  // three runs, one second later an index price of 1100, 1100 or 1200: the book, positions, accounts and every other
  // hashed state are the same; only the accumulator's index differs (a data point in the same second as the
  // previous one is not kept, hence the block first)
  const runs = [1100, 1100, 1200].map((price) => {
    const s = setup({});
    s.block();
    s.index(price);
    return s.ex.stateHash();
  });
  assert.equal(runs[0], runs[1]);
  assert.notEqual(runs[0], runs[2]);
});
