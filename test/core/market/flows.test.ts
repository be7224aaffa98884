// The market's flows end to end, with expectations worked out by hand from the specs: the order entry pipeline
// (0011-MARA pre-trade margin check, 0068-MATC price-time priority, 0029-FEES fee payments), collateral movements
// (0003-MTMK mark-to-market cash flows and loss socialisation, 0010-MARG margin search and release) and close-outs
// (0012-POSR). The market is the smallest one that shows every step: asset and market decimals 0 and PDP 0 (prices,
// sizes and amounts are plain integers), simple risk model with risk factors 0.1/0.1, linear slippage 0.1, scaling
// 1.1 / 1.2 / 1.4, no price monitoring, the mark price set at every block end. By 0019-MCAL a position V at mark P
// has maintenance |V|·P·(0.1 slippage + 0.1 risk) = 0.2·|V|·P, and orders add 0.1·P per unit on the riskier side;
// search, initial and release levels are that × 1.1, 1.2 and 1.4. Every test ends with money conservation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import { EventLog, type EngineEvent } from '../../../src/core/events.ts';
import { type FeeConfig, type MarketConfig } from '../../../src/core/config/market.ts';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';
import { NETWORK_PARTY, NS, type Side, type TimeInForce } from '../../../src/core/types.ts';
import { NO_FEES, plainMarket } from './plain-market.ts';

const T0 = 1_700_000_000n * NS;
const RICH = 1_000_000n;

const config = (fees: FeeConfig): MarketConfig => plainMarket(fees);

/**
 * A fresh exchange with market "M" in its 1 s opening auction, the parties funded, and A long 1 / B short 1 at 1000
 * once `open()` has uncrossed it (A and B are rich unless the test funds them otherwise).
 */
function setup(parties: Record<string, bigint>, fees: FeeConfig = NO_FEES) {
  const log = new EventLog();
  const ex = new Exchange({
    now: T0,
    params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS },
    sink: log,
  });
  ex.registerAsset({ id: 'USD', decimals: 0, quantum: Decimal.ONE });
  const market = ex.createMarket(config(fees));
  const funded = { A: RICH, B: RICH, ...parties };
  let deposits = 0n;
  for (const [party, amount] of Object.entries(funded)) {
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
  const open = () => {
    place('A', 'buy', 1, 1000);
    place('B', 'sell', 1, 1000);
    ex.advanceTo(T0 + 2n * NS);
    assert.equal(market.tradingMode, 'CONTINUOUS');
    assert.equal(market.markPrice, 1000n);
  };
  const total = (party: string) =>
    ex.ledger.accountsOf(party).reduce((s, a) => (a.asset === 'USD' ? s + a.balance : s), 0n);
  const balance = (party: string, type: 'GENERAL' | 'MARGIN') =>
    ex.ledger.get(party, type, 'USD', type === 'MARGIN' ? 'M' : '')?.balance ?? 0n;
  const events = <K extends EngineEvent['type']>(type: K) =>
    log.events.filter((e): e is Extract<EngineEvent, { type: K }> => e.type === type);
  const conserved = () => assert.equal(ex.ledger.totalHeld('USD'), deposits, 'money conservation');
  return { ex, market, log, order, place, open, total, balance, events, conserved };
}

// ------------------------------------------------------------------ order entry

test('pre-trade risk: a resting buy needs its initial margin, 1.2 × 0.1 × size × mark, no more', () => {
  // buy 5 at 990 with the mark at 1000: order maintenance 0.1 × 5 × 1000 = 500, initial 600
  const s = setup({ P: 599n, Q: 600n });
  s.open();
  const short = s.order('P', 'buy', 5, 990);
  assert.equal(short.error, 'margin check failed');
  assert.equal(s.market.bestBid(), undefined, 'the rejected order is not on the book');
  assert.equal(s.total('P'), 599n, 'a rejected order moves no money');
  const ok = s.place('Q', 'buy', 5, 990);
  assert.equal(ok.order!.status, 'ACTIVE');
  assert.equal(s.balance('Q', 'MARGIN'), 600n);
  assert.equal(s.balance('Q', 'GENERAL'), 0n);
  assert.equal(s.market.bestBid(), 990);
  s.conserved();
});

test('matching: best price first, then time priority at a price; the passive price is the trade price', () => {
  const s = setup({ S1: RICH, S2: RICH, S3: RICH, T: RICH });
  s.open();
  s.place('S1', 'sell', 2, 1000);
  s.place('S2', 'sell', 2, 1000);
  s.place('S3', 'sell', 1, 999);
  const r = s.place('T', 'buy', 4, 1000);
  assert.deepEqual(
    r.trades.map((t) => [t.seller, t.size, t.price]),
    [
      ['S3', 1, 999n],
      ['S1', 2, 1000n],
      ['S2', 1, 1000n],
    ],
  );
  assert.equal(r.order!.status, 'FILLED');
  assert.equal(r.order!.remaining, 0);
  // S2 keeps 1 of its 2 at 1000: the only level left on the sell side
  assert.deepEqual(
    s.market.depthLevels('sell').map((l) => [l.price, l.volume]),
    [[1000, 1]],
  );
  assert.equal(s.market.liveOrderStatus(r.order!.id), undefined, 'a filled order is no longer live');
  s.conserved();
});

test("queries: a party's position and the configuration are readable without reaching into the market", () => {
  const s = setup({ S: RICH, T: RICH });
  s.open();
  assert.equal(s.market.position('T'), undefined, 'no position before any order');
  s.place('S', 'sell', 3, 1010);
  s.place('T', 'buy', 2, 1010);
  s.place('T', 'buy', 4, 990);
  // T bought 2 at 1010 (open volume +2, entry 1010) and rests a buy of 4; S sold 2 and still offers 1
  const t = s.market.position('T')!;
  assert.deepEqual([t.openVolume, t.buy, t.sell, t.averageEntryPrice], [2, 4, 0, 1010n]);
  const sp = s.market.position('S')!;
  assert.deepEqual([sp.openVolume, sp.buy, sp.sell], [-2, 0, 1]);
  assert.equal(s.market.configView().id, 'M');
  assert.deepEqual(
    s.market.depthLevels('buy').map((l) => [l.price, l.volume]),
    [[990, 4]],
  );
});

test('fees: the aggressor pays the maker and infrastructure fees on the trade value; the maker receives its fee', () => {
  // trade value 2 × 1000 = 2000: maker fee 0.001 × 2000 = 2, infrastructure fee 0.002 × 2000 = 4
  const fees: FeeConfig = { ...NO_FEES, makerFee: dec('0.001'), infrastructureFee: dec('0.002') };
  const s = setup({ M1: RICH, T: RICH }, fees);
  s.open();
  const infra = () => s.ex.ledger.get('*', 'FEES_INFRASTRUCTURE', 'USD', '')?.balance ?? 0n;
  const infraBefore = infra();
  s.place('M1', 'sell', 2, 1000);
  const r = s.place('T', 'buy', 2, 1000);
  assert.deepEqual(
    r.trades.map((t) => [t.buyer, t.seller, t.size, t.price]),
    [['T', 'M1', 2, 1000n]],
  );
  // at the mark (1000) there is nothing to settle, so the totals move by the fees alone
  assert.equal(s.total('T'), RICH - 6n);
  assert.equal(s.total('M1'), RICH + 2n);
  assert.equal(infra() - infraBefore, 4n);
  s.conserved();
});

// ------------------------------------------------------------------ collateral movements

test('mark-to-market at block end, then margin release down to initial and search up to initial', () => {
  const s = setup({ C: RICH, D: RICH });
  s.open();
  // after the opening auction A (long 1) and B (short 1) hold the initial margin at 1000: 1.2 × 0.2 × 1000 = 240
  assert.equal(s.balance('A', 'MARGIN'), 240n);
  assert.equal(s.balance('B', 'MARGIN'), 240n);
  s.place('C', 'buy', 1, 1100);
  s.place('D', 'sell', 1, 1100, 'IOC');
  s.ex.endBlock();
  assert.equal(s.market.markPrice, 1100n);
  // MTM 1000 → 1100: A +100, B −100; C and D traded at the new mark: 0
  assert.deepEqual(
    ['A', 'B', 'C', 'D'].map((p) => s.total(p) - RICH),
    [100n, -100n, 0n, 0n],
  );
  const flows = (type: 'MTM_WIN' | 'MTM_LOSS') =>
    s
      .events('ledger')
      .filter((e) => e.entry.type === type)
      .map((e) => e.entry.amount);
  assert.deepEqual(flows('MTM_LOSS'), [100n]);
  assert.deepEqual(flows('MTM_WIN'), [100n]);
  // at 1100: maintenance 220, search 242, initial 264, release 308.
  // A: 240 + 100 = 340 > 308 → released down to 264; B: 240 − 100 = 140 < 242 → searched up to 264
  assert.equal(s.balance('A', 'MARGIN'), 264n);
  assert.equal(s.balance('B', 'MARGIN'), 264n);
  s.conserved();
});

test('loss socialisation: winners share what the losers could pay when the insurance pool is empty', () => {
  // B (short 1 at 1000) holds 300 in all; a move to 1400 costs it 400, so only 300 reaches the settlement account
  // and A's win of 400 is cut to 300 (0003-MTMK: the shortfall is shared by the winners pro rata)
  const s = setup({ B: 300n, C: RICH, D: RICH });
  s.open();
  s.place('C', 'buy', 1, 1400);
  s.place('D', 'sell', 1, 1400, 'IOC');
  s.ex.endBlock();
  assert.equal(s.market.markPrice, 1400n);
  assert.equal(s.total('A'), RICH + 300n);
  assert.equal(s.total('B'), 0n);
  assert.equal(s.market.insuranceBalance(), 0n);
  s.conserved();
});

// ------------------------------------------------------------------ close-outs

test('close-out: a party left below maintenance loses its position to the network and its margin to insurance', () => {
  // B (short 1 at 1000) holds 300; at 1150 MTM costs 150 and leaves 150 < maintenance 0.2 × 1150 = 230
  const s = setup({ B: 300n, C: RICH, D: RICH });
  s.open();
  s.place('C', 'buy', 1, 1150);
  s.place('D', 'sell', 1, 1150, 'IOC');
  s.ex.endBlock();
  assert.equal(s.total('A'), RICH + 150n, 'the winner is paid in full');
  // the network takes the short over: B buys its 1 back from the network at the mark
  const closeOuts = s.events('trade').filter((e) => e.trade.type === 'NETWORK_CLOSE_OUT_BAD');
  assert.deepEqual(
    closeOuts.map(({ trade: t }) => [t.buyer, t.seller, t.size, t.price]),
    [['B', NETWORK_PARTY, 1, 1150n]],
  );
  assert.equal(s.market.position(NETWORK_PARTY)?.openVolume, -1);
  assert.deepEqual(
    s.events('settleDistressed').map((e) => [e.party, e.margin]),
    [['B', 150n]],
  );
  assert.equal(s.total('B'), 0n);
  assert.equal(s.market.insuranceBalance(), 150n, "B's remaining 150 goes to the insurance pool");
  s.conserved();
});
