// Composite mark price (spec 0009-MRKP, 0089-COMP; notes R7). Expected values are the ones Vega's feature files
// state for the same inputs (mark-price/0009-MRKP-018, -036, -110, -118, -122), or are worked out by hand below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';
import {
  CompositePriceCalculator,
  bookPrice,
  timeWeightedBookPrice,
  tradePrice,
  type BookFactors,
  type BookView,
} from '../../../src/core/pricing/composite.ts';
import { markPriceMethod } from '../../../src/core/pricing/mark.ts';
import { ConfigError, validateMarkPriceConfig, type MarkPriceConfig } from '../../../src/core/config/market.ts';
import type { Side } from '../../../src/core/types.ts';
import { NS } from '../../../src/core/types.ts';

const T0 = 1_575_072_000n * NS;
const at = (s: number) => T0 + BigInt(s) * NS;

/** A book from (price, volume) levels, best first. */
function book(bids: [number, number][], asks: [number, number][]): BookView {
  const side = (s: Side) => (s === 'buy' ? bids : asks);
  return {
    best: (s) => (side(s).length ? BigInt(side(s)[0]![0]) : undefined),
    vwap: (s, volume) => {
      const lv = side(s);
      if (lv.length === 0) return undefined;
      if (volume === 0n) return BigInt(lv[0]![0]);
      let left = volume;
      let notional = 0n;
      for (const [p, v] of lv) {
        const take = BigInt(v) < left ? BigInt(v) : left;
        notional += BigInt(p) * take;
        left -= take;
        if (left === 0n) break;
      }
      return left > 0n ? undefined : notional / volume;
    },
  };
}

/** default-margin-calculator (initial 1.2), slippage 0.25, simple risk factors 0.1/0.1 (the 0009-MRKP features). */
const FACTORS: BookFactors = {
  initialMargin: dec('1.2'),
  linearSlippage: dec('0.25'),
  riskFactorLong: dec('0.1'),
  riskFactorShort: dec('0.1'),
};

test('trade price: size-weighted, no decay when the decay weight is 0 (0009-MRKP-110)', () => {
  const trades = [
    { price: 15920n, size: 2n, time: at(2) },
    { price: 15940n, size: 1n, time: at(3) },
    { price: 15960n, size: 3n, time: at(4) },
    { price: 15990n, size: 5n, time: at(5) },
  ];
  // (2·15920 + 15940 + 3·15960 + 5·15990) / 11 = 175610 / 11 = 15964.5…
  assert.equal(tradePrice(trades, at(6), 4n * NS, Decimal.ZERO, dec('1')), 15964n);
  // decay weight 0.5, power 1, δ = 4s at T0+6: K = 1 − 0.5·age/4 = 0.5, 0.625, 0.75, 0.875 (0009-MRKP-118)
  // Σ K·size·p / Σ K·size = (0.5·2·15920 + 0.625·15940 + 0.75·3·15960 + 0.875·5·15990) / (1 + 0.625 + 2.25 + 4.375)
  assert.equal(tradePrice(trades, at(6), 4n * NS, dec('0.5'), dec('1')), 15969n);
  // weights floor at 0: with α = 1 a trade δ or more old does not count
  assert.equal(tradePrice(trades, at(6), 2n * NS, dec('1'), dec('1')), 15990n);
  assert.equal(tradePrice(trades, at(10), 2n * NS, dec('1'), dec('1')), undefined);
  // no period, no trades: nothing
  assert.equal(tradePrice(trades, at(6), 0n, Decimal.ZERO, dec('1')), undefined);
  assert.equal(tradePrice([], at(6), 4n * NS, Decimal.ZERO, dec('1')), undefined);
});

test('book price: the VWAP of the volume a cash amount buys with leverage, per side, then the mid (0009-MRKP-122)', () => {
  // N = 100000 / (1.2 × (0.25 + 0.1)) = 238095.238…; bid side trunc(N/15000) = 15 units → 15000;
  // ask side trunc(N/15940) = 14 units → 15940; mid (15000 + 15940) / 2 = 15470
  const view = book(
    [
      [15000, 20],
      [14000, 100],
    ],
    [
      [15940, 20],
      [16000, 100],
    ],
  );
  assert.equal(bookPrice(100_000n, view, FACTORS), 15470n);
  // a cash amount so small that the volumes are 0: the mid of the best prices (0009-MRKP-120)
  assert.equal(bookPrice(100n, view, FACTORS), 15470n);
  // each side's VWAP is truncated first. C = 189000: N = 189000 / 0.42 = 450000; bid side trunc(450000/15000) = 30
  // units = (20·15000 + 10·14000)/30 = 14666.67 → 14666; ask side trunc(450000/15940) = 28 units
  // = (20·15940 + 8·16000)/28 = 15957.14 → 15957; mid floor(30623 / 2) = 15311
  assert.equal(bookPrice(189_000n, view, FACTORS), 15311n);
  // a side too thin for the volume, or empty: no price
  assert.equal(bookPrice(10n ** 9n, view, FACTORS), undefined);
  assert.equal(bookPrice(100n, book([], [[15940, 1]]), FACTORS), undefined);
});

test('book price over time: each sample holds until the next, weights at 16 digits (0009-MRKP-122)', () => {
  const samples = new Map([
    [at(6), 15470n],
    [at(7), 15970n],
    [at(8), 15970n],
    [at(9), 15970n],
  ]);
  // ¼ × 15470 + ¾ × 15970 = 15845
  assert.equal(timeWeightedBookPrice(samples, at(10), 4n * NS), 15845n);
  // three equal durations: weights 0.3333333333333333, so a constant price P averages to P − 1
  const constant = new Map([
    [at(0), 300n],
    [at(1), 300n],
    [at(2), 300n],
  ]);
  assert.equal(timeWeightedBookPrice(constant, at(3), 3n * NS), 299n);
  // a single sample at t counts fully; samples before t − δ do not count
  assert.equal(timeWeightedBookPrice(new Map([[at(5), 100n]]), at(5), 0n), 100n);
  assert.equal(timeWeightedBookPrice(new Map([[at(1), 100n]]), at(5), 2n * NS), undefined);
});

const ORACLE = {
  signers: ['0xCAFECAFE1'],
  property: 'price1.USD.value',
  decimals: 0,
  filters: [{ property: 'price1.USD.value', type: 'INTEGER' as const, decimals: 0 }],
};

/** 0009-MRKP-018: weights 1,4,5,0; tolerances 1s, 5s, 20s, 1h25m; cash amount 100; one oracle. */
const MRKP_018: MarkPriceConfig = {
  type: 'WEIGHTED',
  decayWeight: Decimal.ZERO,
  decayPower: dec('1'),
  cashAmount: 100n,
  sourceWeights: [dec('1'), dec('4'), dec('5'), dec('0')],
  sourceStalenessToleranceNs: [NS, 5n * NS, 20n * NS, 85n * 60n * NS],
  oracles: [ORACLE],
};

test('weighted composition over the fresh sources, staleness inclusive (0009-MRKP-018)', () => {
  const c = new CompositePriceCalculator(MRKP_018, 0);
  // T0+2: the auction uncrosses at 15900 (the book takes the uncrossing price), two trades follow, the oracle says 16000
  c.setBookPriceAt(at(2), 15900n);
  assert.equal(c.calculate(at(2), NS), 15900n); // only the book is fresh: weight 4/4
  c.endCalculation();
  c.newTrade(15920n, 1, at(2));
  c.newTrade(15940n, 1, at(2));
  c.onOracleData({ signers: ['0xCAFECAFE1'], properties: { 'price1.USD.value': '16000' }, timestamp: at(1) }, at(2));
  // T0+3: trades 15930 (1s old, tolerance 1s: fresh), book 15900, oracle 16000:
  // trunc(15930·1/10) + trunc(15900·4/10) + trunc(16000·5/10) = 1593 + 6360 + 8000
  assert.equal(c.calculate(at(3), NS), 15953n);
  c.endCalculation();
  // T0+4: a book sample of 15930; the trade source is 2s old (stale): 15930·4/9 = 7080, 16000·5/9 = 8888.8…
  c.sampleBook(at(4), book([[15920, 1]], [[15940, 1]]), FACTORS);
  assert.equal(c.calculate(at(4), NS), 7080n + 8888n);
  c.endCalculation();
  // the book goes stale after 5s and the oracle after 20s: the oracle alone, then nothing (no candidate)
  assert.equal(c.calculate(at(10), NS), 16000n);
  assert.equal(c.calculate(at(23), NS), undefined);
  // the median source (weight 0 here) keeps its value and time: it has not gone stale after 1h25m
  const median = c.sources().find((s) => s.name === 'medianPrice');
  assert.ok(median && median.price > 0n);
  // a new configuration forgets every source
  c.updateConfig(MRKP_018);
  assert.deepEqual(c.sources(), []);
});

test('median composition includes the median source (0009-MRKP-036)', () => {
  const cfg: MarkPriceConfig = {
    ...MRKP_018,
    type: 'MEDIAN',
    sourceWeights: [],
    sourceStalenessToleranceNs: [5n * NS, 10n * NS, 10n * NS, 85n * 60n * NS],
  };
  const c = new CompositePriceCalculator(cfg, 0);
  c.setBookPriceAt(at(2), 15900n);
  c.newTrade(15920n, 1, at(2));
  // trades 15920, book 15900; the median source median(15920, 15900) = 15910; MEDIAN{15920, 15900, 15910}
  assert.equal(c.calculate(at(6), 4n * NS), 15910n);
});

test('last trade: the price of the last trade since the previous calculation', () => {
  const c = markPriceMethod({ ...MRKP_018, type: 'LAST_TRADE' }, 0);
  assert.equal(c.calculate(at(1), NS), undefined);
  c.newTrade(100n, 1, at(1));
  c.newTrade(101n, 5, at(1));
  assert.equal(c.calculate(at(2), NS), 101n);
  c.endCalculation();
  assert.equal(c.calculate(at(3), NS), undefined);
});

test('oracle values are scaled to asset decimals; zero, negative and foreign data are ignored', () => {
  const c = new CompositePriceCalculator({ ...MRKP_018, oracles: [{ ...ORACLE, decimals: 2 }] }, 4);
  const send = (v: string, signer = '0xCAFECAFE1') =>
    c.onOracleData({ signers: [signer], properties: { 'price1.USD.value': v }, timestamp: at(0) }, at(0));
  send('0');
  send('-5');
  send('123456', '0xSTRANGER');
  assert.deepEqual(c.sources(), []);
  send('123456'); // 1234.56 → 12345600 at 4 decimals
  assert.deepEqual(c.sources(), [{ name: 'priceFromOracle1', price: 12_345_600n, lastUpdated: at(0) }]);
});

test('decimal power: exact for integer exponents, shopspring recursion for fractional ones', () => {
  assert.equal(dec('0.5').pow(dec('3')).toString(), '0.125');
  assert.equal(dec('1.1').pow(dec('2')).toString(), '1.21');
  assert.equal(dec('7').pow(Decimal.ZERO).toString(), '1');
  // integer part 0 gives 1; 1.5 recurses on 0.75 (→ 1) and multiplies once: x
  assert.equal(dec('0.25').pow(dec('0.5')).toString(), '1');
  assert.equal(dec('0.25').pow(dec('1.5')).toString(), '0.25');
  assert.equal(dec('2').pow(dec('-2')).toString(), '0.25');
});

test('configurations the calculator cannot run are refused with the field named', () => {
  const bad = (cfg: Partial<MarkPriceConfig>, field: string) =>
    assert.throws(
      () => validateMarkPriceConfig({ ...MRKP_018, ...cfg }, 'markPrice'),
      (e: unknown) => e instanceof ConfigError && e.field === field,
      field,
    );
  bad({ decayWeight: dec('1.5') }, 'markPrice.decayWeight');
  bad({ cashAmount: -1n }, 'markPrice.cashAmount');
  bad({ sourceWeights: [dec('1'), dec('-1'), dec('0'), dec('0')] }, 'markPrice.sourceWeights[1]');
  bad({ sourceWeights: [dec('1'), dec('1'), dec('1')] }, 'markPrice.sourceWeights');
  bad(
    { sourceStalenessToleranceNs: [NS, NS], sourceWeights: [dec('1'), dec('1')] },
    'markPrice.sourceStalenessTolerance',
  );
  // the median needs no weights; last trade needs nothing
  assert.doesNotThrow(() => validateMarkPriceConfig({ ...MRKP_018, type: 'MEDIAN', sourceWeights: [] }, 'markPrice'));
  assert.doesNotThrow(() =>
    validateMarkPriceConfig({ ...MRKP_018, type: 'LAST_TRADE', sourceStalenessToleranceNs: [] }, 'markPrice'),
  );
});
