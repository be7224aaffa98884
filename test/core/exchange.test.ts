// End to end on the Exchange API with a small market: asset and market decimals 0, PDP 0 (prices and sizes are
// plain integers), simple risk model rf 0.1/0.1, linear slippage 0.1, scaling 1.1/1.2/1.4, no fees, no price
// monitoring, mark price updated at every block end. So a position V at mark P has maintenance
// |V|·P·0.1 (slippage) + |V|·P·0.1 (risk) = 0.2·|V|·P, plus 0.1·P per unit of orders on the riskier side.
// Every test ends with money conservation: the sum of all non-EXTERNAL balances equals the deposits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../src/core/exchange/exchange.ts';
import { EventLog, type EngineEvent } from '../../src/core/events.ts';
import {
  DEFAULT_MARK_PRICE,
  LEGACY_LIQUIDATION_STRATEGY,
  type MarketConfig,
  type ProductConfig,
} from '../../src/core/config/market.ts';
import { dec, Decimal } from '../../src/core/num/decimal.ts';
import { NETWORK_PARTY, NS, type Side, type TimeInForce } from '../../src/core/types.ts';

const T0 = 1_700_000_000n * NS;
const ORACLE = '0xORACLE';
const DEPOSIT = 10_000n;

const FUTURE: ProductConfig = {
  kind: 'future',
  // the oracle reports with 2 decimals: "110000" settles at 1100
  settlementData: { signers: [ORACLE], property: 'prices.USD.value', decimals: 2 },
  tradingTermination: { signers: [ORACLE], property: 'trading.terminated' },
};

const PERPETUAL: ProductConfig = {
  kind: 'perpetual',
  settlementData: { signers: [ORACLE], property: 'perp.price', decimals: 0 },
  settlementSchedule: { kind: 'oracle', signers: [ORACLE], property: 'perp.funding.cue' },
  marginFundingFactor: Decimal.ZERO,
  interestRate: Decimal.ZERO,
  clampLowerBound: Decimal.ZERO,
  clampUpperBound: Decimal.ZERO,
};

function marketConfig(product: ProductConfig): MarketConfig {
  return {
    id: 'M',
    settlementAsset: 'USD',
    quoteName: 'USD',
    decimalPlaces: 0,
    positionDecimalPlaces: 0,
    tickSize: 1n,
    linearSlippageFactor: dec('0.1'),
    quadraticSlippageFactor: Decimal.ZERO,
    riskModel: {
      kind: 'simple',
      factorLong: dec('0.1'),
      factorShort: dec('0.1'),
      maxMoveUp: dec('100'),
      minMoveDown: dec('-100'),
      probabilityOfTrading: dec('0.1'),
    },
    marginScalingFactors: { searchLevel: dec('1.1'), initialMargin: dec('1.2'), collateralRelease: dec('1.4') },
    fees: {
      makerFee: Decimal.ZERO,
      infrastructureFee: Decimal.ZERO,
      liquidityFee: Decimal.ZERO,
      buyBackFee: Decimal.ZERO,
      treasuryFee: Decimal.ZERO,
      liquidityFeeMethod: 'MARGINAL_COST',
    },
    priceMonitoringTriggers: [],
    targetStake: { timeWindow: 3600, scalingFactor: dec('1') },
    sla: {
      priceRange: dec('0.1'),
      commitmentMinTimeFraction: dec('0.5'),
      performanceHysteresisEpochs: 1,
      slaCompetitionFactor: dec('1'),
    },
    liquidationStrategy: LEGACY_LIQUIDATION_STRATEGY,
    markPrice: DEFAULT_MARK_PRICE,
    product,
    openingAuctionDuration: 1,
  };
}

/** A fresh exchange at T0 with one market "M" in its 1s opening auction and funded parties. */
function setup(parties: Record<string, bigint>, product: ProductConfig = FUTURE) {
  const log = new EventLog();
  const ex = new Exchange({
    now: T0,
    params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS },
    sink: log,
  });
  ex.registerAsset({ id: 'USD', decimals: 0, quantum: Decimal.ONE });
  const market = ex.createMarket(marketConfig(product));
  let deposits = 0n;
  for (const [party, amount] of Object.entries(parties)) {
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
  /** The first tick after the auction's end (T0 + 1s) uncrosses it. */
  const open = () => ex.advanceTo(T0 + 2n * NS);
  const total = (party: string) =>
    ex.ledger.accountsOf(party).reduce((s, a) => (a.asset === 'USD' ? s + a.balance : s), 0n);
  const balance = (party: string, type: 'GENERAL' | 'MARGIN') =>
    ex.ledger.get(party, type, 'USD', type === 'MARGIN' ? 'M' : '')?.balance ?? 0n;
  const events = <K extends EngineEvent['type']>(type: K) =>
    log.events.filter((e): e is Extract<EngineEvent, { type: K }> => e.type === type);
  const conserved = () => assert.equal(ex.ledger.totalHeld('USD'), deposits, 'money conservation');
  return { ex, market, log, order, place, open, total, balance, events, conserved };
}

test('opening auction uncrosses at the midpoint of the volume-maximising range', () => {
  const { ex, market, place, open, events, conserved } = setup({ A: DEPOSIT, B: DEPOSIT, C: DEPOSIT, D: DEPOSIT });
  place('A', 'buy', 3, 1010);
  place('B', 'buy', 2, 1000);
  place('C', 'sell', 2, 990);
  place('D', 'sell', 3, 1005);
  // tradable volume: 990 → 2, 1000 → 2, 1005 → 3, 1010 → 3; max 3 on [1005, 1010] → floor(2015 / 2) = 1007
  assert.equal(market.tradingMode, 'OPENING_AUCTION');
  assert.equal(market.indicativePrice(), 1007n);
  open();
  assert.equal(market.tradingMode, 'CONTINUOUS');
  assert.deepEqual(
    events('trade').map(({ trade: t }) => [t.buyer, t.seller, t.size, t.price]),
    [
      ['A', 'C', 2, 1007n],
      ['A', 'D', 1, 1007n],
    ],
  );
  assert.equal(market.markPrice, 1007n);
  assert.equal(ex.now(), T0 + 2n * NS);
  conserved();
});

test('continuous matching, then mark price, MTM and margin levels at block end', () => {
  const s = setup({ A: DEPOSIT, B: DEPOSIT, C: DEPOSIT, D: DEPOSIT, E: DEPOSIT });
  s.place('A', 'buy', 3, 1010);
  s.place('B', 'buy', 2, 1000);
  s.place('C', 'sell', 2, 990);
  s.place('D', 'sell', 3, 1005);
  s.open(); // A +3, C −2, D −1 at 1007; B's bid 2@1000 and D's ask 2@1005 rest
  const r = s.place('E', 'sell', 2, 1000, 'IOC');
  assert.deepEqual(
    r.trades.map((t) => [t.buyer, t.seller, t.size, t.price, t.aggressor]),
    [['B', 'E', 2, 1000n, 'sell']],
  );
  assert.equal(s.market.markPrice, 1007n); // the mark moves only at block end
  s.ex.endBlock();
  assert.equal(s.market.markPrice, 1000n);
  // MTM 1007 → 1000: A 3 × −7 = −21, C −2 × −7 = +14, D −1 × −7 = +7; B and E traded at the mark: 0
  assert.deepEqual(
    ['A', 'B', 'C', 'D', 'E'].map((p) => s.total(p) - DEPOSIT),
    [-21n, 0n, 14n, 7n, 0n],
  );
  const last = (party: string) =>
    s
      .events('marginLevels')
      .filter((e) => e.party === party)
      .at(-1)!;
  // A long 3 at 1000: 0.2 × 3 × 1000 = 600 → search 660, initial 720, release 840
  assert.deepEqual(last('A').levels, { maintenance: 600n, search: 660n, initial: 720n, release: 840n });
  assert.ok(s.balance('A', 'MARGIN') >= 660n && s.balance('A', 'MARGIN') < 840n);
  // D short 1 with 2 more to sell: 0.2 × 1 × 1000 + 0.1 × 2 × 1000 = 400 → 440, 480, 560
  assert.deepEqual(last('D').levels, { maintenance: 400n, search: 440n, initial: 480n, release: 560n });
  assert.equal(last('D').mode, 'cross');
  s.conserved();
});

test("a market order's margin check counts it as filled, at the mark price before the trade", () => {
  const s = setup({ A: DEPOSIT, B: DEPOSIT, D: DEPOSIT, E: DEPOSIT });
  s.place('A', 'buy', 1, 1000);
  s.place('B', 'sell', 1, 1000);
  s.open(); // mark 1000
  s.place('D', 'sell', 5, 1010);
  const r = s.ex.submitOrder({ marketId: 'M', party: 'E', side: 'buy', size: 5, type: 'MARKET', tif: 'IOC' });
  assert.equal(r.error, undefined);
  // E as if long 5 at 1000: 0.2 × 5 × 1000 = 1000 maintenance → initial 1200 (not 0.1 × 5 × 1000 → 600 for an order)
  assert.equal(s.balance('E', 'MARGIN'), 1200n);
  s.ex.endBlock();
  // at 1010 (trade price, MTM 0): search 1111 ≤ 1200 < release 1414, so the balance stays
  assert.equal(s.market.markPrice, 1010n);
  assert.equal(s.balance('E', 'MARGIN'), 1200n);
  s.conserved();
});

test('a party that cannot reach maintenance after MTM is closed out to the network', () => {
  const s = setup({ X: 300n, S: DEPOSIT, Q: DEPOSIT, R: DEPOSIT });
  s.place('X', 'buy', 1, 1000);
  s.place('S', 'sell', 1, 1000);
  s.open(); // X long 1 at 1000
  s.place('Q', 'buy', 1, 800);
  s.place('R', 'sell', 1, 800, 'IOC');
  s.ex.endBlock();
  // MTM to 800 costs X 200 of its 300; maintenance at 800 is 0.2 × 800 = 160 > 100 left → closed out
  const closeOut = s.events('trade').find((e) => e.trade.type === 'NETWORK_CLOSE_OUT_BAD')!.trade;
  assert.deepEqual([closeOut.buyer, closeOut.seller, closeOut.size, closeOut.price], [NETWORK_PARTY, 'X', 1, 800n]);
  assert.equal(s.market.position(NETWORK_PARTY)!.openVolume, 1);
  assert.equal(s.market.position('X'), undefined);
  assert.deepEqual(
    s.events('settleDistressed').map((e) => [e.party, e.margin]),
    [['X', 100n]],
  );
  // X's remaining 300 − 200 goes to the insurance pool
  assert.equal(s.total('X'), 0n);
  assert.equal(s.market.insuranceBalance(), 100n);
  assert.deepEqual(
    s
      .events('marginLevels')
      .filter((e) => e.party === 'X')
      .at(-1)!.levels,
    {
      maintenance: 0n,
      search: 0n,
      initial: 0n,
      release: 0n,
    },
  );
  s.conserved();
});

test('futures: termination then settlement data settle the market; it is removed at the next tick', () => {
  const s = setup({ A: DEPOSIT, B: DEPOSIT });
  s.place('A', 'buy', 2, 1000);
  s.place('B', 'sell', 2, 1000);
  s.open(); // mark 1000
  const at = s.ex.now();
  assert.deepEqual(
    s.ex.submitOracleData({ signers: [ORACLE], properties: { 'trading.terminated': 'true' }, timestamp: at }),
    {},
  );
  assert.equal(s.market.state, 'TRADING_TERMINATED');
  assert.equal(s.order('A', 'buy', 1, 1000).error, 'trading not allowed');
  s.ex.submitOracleData({ signers: [ORACLE], properties: { 'prices.USD.value': '110000' }, timestamp: at });
  // 110000 with 2 oracle decimals → 1100; A: 2 × (1100 − 1000) = +200, B: −200; everything back in general
  assert.equal(s.market.state, 'SETTLED');
  assert.deepEqual(
    s.events('settleMarket').map((e) => e.price),
    [1100n],
  );
  assert.deepEqual(
    [s.balance('A', 'GENERAL'), s.balance('A', 'MARGIN'), s.balance('B', 'GENERAL'), s.balance('B', 'MARGIN')],
    [DEPOSIT + 200n, 0n, DEPOSIT - 200n, 0n],
  );
  assert.ok(s.ex.market('M'));
  s.ex.advanceTo(at + NS);
  assert.equal(s.ex.market('M'), undefined);
  assert.equal(s.order('A', 'buy', 1, 1000).error, 'OrderError: Invalid Market ID');
  s.conserved();
});

test('perpetual: one internal and one external price give a funding payment at the cue', () => {
  const s = setup({ A: DEPOSIT, B: DEPOSIT }, PERPETUAL);
  s.place('A', 'buy', 1, 1000);
  s.place('B', 'sell', 1, 1000);
  s.open(); // the period starts now; the uncross price 1000 is its internal point
  const start = s.ex.now();
  s.ex.submitOracleData({ signers: [ORACLE], properties: { 'perp.price': '990' }, timestamp: start });
  s.ex.advanceTo(start + 10n * NS);
  const cue = (start / NS + 10n).toString();
  s.ex.submitOracleData({ signers: [ORACLE], properties: { 'perp.funding.cue': cue }, timestamp: s.ex.now() });
  // F = 1000, S = 990 → 10 per unit; rate 10 / 990; longs pay: A −10, B +10
  assert.deepEqual(
    s.events('fundingPayments').map((e) => e.payments.map((p) => [p.party, p.amount])),
    [
      [
        ['A', -10n],
        ['B', 10n],
      ],
    ],
  );
  const end = s.events('fundingPeriod').find((e) => e.end !== undefined)!;
  assert.deepEqual(
    [end.seq, end.start, end.end, end.fundingPayment, end.fundingRate, end.internalTwap, end.externalTwap],
    [0, start, start + 10n * NS, 10n, '0.0101010101010101', 1000n, 990n],
  );
  assert.deepEqual([s.total('A'), s.total('B')], [DEPOSIT - 10n, DEPOSIT + 10n]);
  s.conserved();
});

test('isolated margin: the factor must exceed max(rf) + slippage; switching sets the margin account', () => {
  const s = setup({ A: DEPOSIT, B: DEPOSIT });
  s.place('A', 'buy', 1, 1000);
  s.place('B', 'sell', 1, 1000);
  s.open(); // A long 1 at 1000
  // 0.2 = 0.1 + 0.1 is not greater: refused
  assert.deepEqual(s.ex.updateMarginMode('A', 'M', 'isolated', dec('0.2')), {
    error:
      'margin factor (0.2) must be greater than max(riskFactorLong (0.1), riskFactorShort (0.1)) + linearSlippageFactor (0.1)',
  });
  assert.equal(s.market.isIsolated('A'), false);
  assert.deepEqual(s.ex.updateMarginMode('A', 'M', 'isolated', dec('0.5')), {});
  // position margin = AEP 1000 × 1 × 0.5 = 500; reported levels are position-only: 200, initial 240, no search/release
  assert.deepEqual([s.balance('A', 'MARGIN'), s.balance('A', 'GENERAL')], [500n, DEPOSIT - 500n]);
  const ev = s
    .events('marginLevels')
    .filter((e) => e.party === 'A')
    .at(-1)!;
  assert.deepEqual(
    [ev.mode, ev.marginFactor, ev.levels],
    ['isolated', '0.5', { maintenance: 200n, search: 0n, initial: 240n, release: 0n }],
  );
  assert.deepEqual(s.ex.updateMarginMode('A', 'M', 'cross'), {});
  assert.equal(s.market.isIsolated('A'), false);
  assert.equal(
    s
      .events('marginLevels')
      .filter((e) => e.party === 'A')
      .at(-1)!.mode,
    'cross',
  );
  s.conserved();
});
