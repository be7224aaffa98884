// Seed 001's margin-fraction model: every expected value below is computed by hand from the seed's formulas (the
// arithmetic is written out in the comments), not taken from the code's output. Where the seed is wrong, the test
// names the seed's value and checks the corrected one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec } from '../../../src/core/num/decimal.ts';
import { formatUnits, minWholeBaseSize, settle } from '../../../src/core/margin-fraction/decimals.ts';
import {
  applyFill,
  collateralValue,
  fractions,
  positionOpenSize,
  tokenNotional,
  tokenValue,
  type PerpPosition,
  type TokenBalance,
} from '../../../src/core/margin-fraction/account.ts';
import {
  ConfidencePrice,
  FundingAccumulator,
  fundingPayment,
  markPrice,
  spotFundingRate,
  timedFundingRate,
  twapFundingRate,
} from '../../../src/core/margin-fraction/pricing.ts';

const ETH = { baseDecimals: 10, quoteDecimals: 6, marketSizeDecimals: 5, marketPriceDecimals: 3 };
const SHIB = { baseDecimals: 7, quoteDecimals: 6, marketSizeDecimals: 10, marketPriceDecimals: 6 };
const USDT = { baseDecimals: 6, quoteDecimals: 6, marketSizeDecimals: 9, marketPriceDecimals: 12 };

test('settle(): the seed ETH examples (2500 USDC per ETH, price mantissa 2_500_000 at 3 price decimals)', () => {
  // size 1 = 10^-5 ETH: base 1 × 10^10 / 10^5 = 100000 units = 0.00001 ETH;
  // quote 1 × 2500000 × 10^6 / 10^5 / 10^3 = 25000 units = 0.025 USDC
  const one = settle(ETH, 2_500_000n, 1n);
  assert.equal(one.base, 100_000n);
  assert.equal(one.quote, 25_000n);
  assert.equal(one.exact, true);
  assert.equal(formatUnits(one.baseExact.num, one.baseExact.den, 10), '0.00001');
  assert.equal(formatUnits(one.quoteExact.num, one.quoteExact.den, 6), '0.025');
  // "ONE ETH per TS SDK": size 10^5 → 10^10 units = 1 ETH; 2500 × 10^6 units = 2500 USDC
  const eth = settle(ETH, 2_500_000n, 100_000n);
  assert.equal(eth.base, 10_000_000_000n);
  assert.equal(eth.quote, 2_500_000_000n);
  assert.equal(formatUnits(eth.quoteExact.num, eth.quoteExact.den, 6), '2500');
});

test('settle(): the seed SHIB examples (0.00001 USDC per SHIB), with the float bug corrected', () => {
  // "SHIB per TS SDK": size 10^10 → base 10^10 × 10^7 / 10^10 = 10^7 units = 1 SHIB;
  // quote 10^10 × 10 × 10^6 / 10^10 / 10^6 = 10 units = 0.00001 USDC
  const one = settle(SHIB, 10n, 10_000_000_000n);
  assert.deepEqual([one.base, one.quote, one.exact], [10_000_000n, 10n, true]);
  assert.equal(formatUnits(one.quoteExact.num, one.quoteExact.den, 6), '0.00001');
  // "SHIB per (quote = 0)": size 10^8 → base 10^5 units = 0.01 SHIB; quote 10^8 × 10 × 10^6 / 10^16 = 0.1 unit,
  // which is 0 whole units (the seed's label): the seller of 0.01 SHIB is credited nothing
  const q0 = settle(SHIB, 10n, 100_000_000n);
  assert.deepEqual([q0.base, q0.quote, q0.exact], [100_000n, 0n, false]);
  assert.equal(formatUnits(q0.quoteExact.num, q0.quoteExact.den, 6), '0.0000001');
  // seed bug: size 1 prints base 0.001 units and quote 1e-9 units (float division); balances are whole units → 0
  const tiny = settle(SHIB, 10n, 1n);
  assert.deepEqual([tiny.base, tiny.quote, tiny.exact], [0n, 0n, false]);
  assert.deepEqual(tiny.baseExact, { num: 10_000_000n, den: 10_000_000_000n });
  // the smallest size whose base delta is whole: 10^(10 − 7)
  assert.equal(minWholeBaseSize(SHIB), 1000n);
  assert.equal(minWholeBaseSize(ETH), 1n);
});

test('settle(): the seed USDT examples (1 USDC per USDT at 12 price decimals), half and double price', () => {
  const p = 10n ** 12n;
  // size 10^9 = 1 USDT: base 10^9 × 10^6 / 10^9 = 10^6 units; quote 10^9 × 10^12 × 10^6 / 10^21 = 10^6 units
  assert.deepEqual([settle(USDT, p, 10n ** 9n).base, settle(USDT, p, 10n ** 9n).quote], [1_000_000n, 1_000_000n]);
  // half price 5 × 10^11 (an integer; the seed's `10**12 / 2` is a float): 0.5 USDC = 500000 units
  assert.equal(settle(USDT, p / 2n, 10n ** 9n).quote, 500_000n);
  assert.equal(settle(USDT, p * 2n, 10n ** 9n).quote, 2_000_000n);
  // size 1: 10^6 / 10^9 = 0.001 base unit and 10^12 × 10^6 / 10^21 = 0.001 quote unit: 0 whole units (seed prints
  // 0.001); half and double price: 0.0005 and 0.002 quote units, also 0
  for (const price of [p, p / 2n, p * 2n]) {
    const s = settle(USDT, price, 1n);
    assert.deepEqual([s.base, s.quote, s.exact], [0n, 0n, false]);
  }
  assert.throws(() => settle({ ...USDT, baseDecimals: -1 }, p, 1n), /baseDecimals: -1/);
  assert.throws(() => settle(USDT, p, -1n), /sizeMantissa/);
});

// An account: 1000 USDC, 1 ETH (weight 0.9) and 10 SOL borrowed at 100 (IMF 0.2, MMF 0.1); long 2 ETH-PERP opened
// at 2400 (index 2500, bids 1, asks 3, IMF 0.1, MMF 0.05, funding −20) and short 0.5 BTC-PERP opened at 40000
// (index 42000, IMF 0.05, MMF 0.03, funding +5).
function token(t: string, b: string, p: string, w: string, imf = '0', mmf = '0', conf?: string): TokenBalance {
  return {
    token: t,
    balance: dec(b),
    indexPrice: dec(p),
    weight: dec(w),
    imf: dec(imf),
    mmf: dec(mmf),
    ...(conf ? { confidence: dec(conf) } : {}),
  };
}
function perp(m: string, size: string, open: string, index: string, o: Partial<Record<string, string>>): PerpPosition {
  return {
    market: m,
    size: dec(size),
    openPrice: dec(open),
    indexPrice: dec(index),
    bids: dec(o.bids ?? '0'),
    asks: dec(o.asks ?? '0'),
    imf: dec(o.imf ?? '0'),
    mmf: dec(o.mmf ?? '0'),
    unsettledFunding: dec(o.funding ?? '0'),
  };
}
const TOKENS = [
  token('USDC', '1000', '1', '1'),
  token('ETH', '1', '2500', '0.9'),
  token('SOL', '-10', '100', '0.8', '0.2', '0.1'),
];
const ETH_PERP = perp('ETH-PERP', '2', '2400', '2500', {
  bids: '1',
  asks: '3',
  imf: '0.1',
  mmf: '0.05',
  funding: '-20',
});
const BTC_PERP = (index: string) =>
  perp('BTC-PERP', '-0.5', '40000', index, { imf: '0.05', mmf: '0.03', funding: '5' });

test('account value, collateral, OMF and IMF of a cross-collateral account (hand-computed)', () => {
  const f = fractions([ETH_PERP, BTC_PERP('42000')], TOKENS);
  // PnL 2 × (2500 − 2400) = 200, −0.5 × (42000 − 40000) = −1000; tokens 1000 + 1 × 2500 × 0.9 + (−10 × 100 × 1)
  // = 2250 → AV = −800 + 2250 = 1450
  assert.equal(f.accountValue.toString(), '1450');
  assert.equal(f.collateral.toString(), '3500'); // 1000 + 2500 (the borrow is not collateral)
  assert.equal(f.unsettledFunding.toString(), '-15');
  assert.equal(f.omfNumerator.toString(), '1450'); // min(1450, 3500 − 15)
  // PN = 2 × 2500 + 0.5 × 42000 + 10 × 100 = 27000; open size of ETH = max(|2 + 1|, |2 − 3|) = 3 → PON = 7500 +
  // 21000 + 1000 = 29500
  assert.equal(f.positionNotional.toString(), '27000');
  assert.equal(f.openNotional.toString(), '29500');
  // IMF numerator 7500 × 0.1 + 21000 × 0.05 + 1000 × 0.2 = 750 + 1050 + 200 = 2000
  assert.equal(f.imfNumerator.toString(), '2000');
  // OMF = 1450 / 29500 = 29/590 = 0.04915254237288135593… → 16 digits 0.0491525423728814; IMF = 4/59 = 0.06779661016949152…
  assert.equal(f.omf!.toString(), '0.0491525423728814');
  assert.equal(f.imf!.toString(), '0.0677966101694915');
  assert.equal(f.canOpenOrders, false, 'OMF 0.049 < IMF 0.068: no new orders');
  // maintenance 5000 × 0.05 + 21000 × 0.03 + 1000 × 0.1 = 250 + 630 + 100 = 980 ≤ AV 1450: not closed out
  assert.equal(f.mmfNumerator.toString(), '980');
  assert.equal(f.closeOut, false);
  assert.equal(f.marginFraction!.toString(), '0.0537037037037037'); // 1450 / 27000
});

test('close-out under the maintenance fraction, and order acceptance with more collateral (hand-computed)', () => {
  // BTC index 43000: PnL 200 − 0.5 × 3000 = −1300, AV = 2250 − 1300 = 950; maintenance 250 + 0.5 × 43000 × 0.03
  // (= 645) + 100 = 995 > 950 → closed out
  const f = fractions([ETH_PERP, BTC_PERP('43000')], TOKENS);
  assert.equal(f.accountValue.toString(), '950');
  assert.equal(f.mmfNumerator.toString(), '995');
  assert.equal(f.closeOut, true);
  // with 1000 more USDC at 42000: AV 2450, collateral 4500 − 15 → OMF numerator 2450 ≥ IMF numerator 2000
  const richer = [token('USDC', '2000', '1', '1'), ...TOKENS.slice(1)];
  const g = fractions([ETH_PERP, BTC_PERP('42000')], richer);
  assert.equal(g.omfNumerator.toString(), '2450');
  assert.equal(g.canOpenOrders, true);
  // collateral caps the numerator: unrealised profit alone does not open orders. Long 1 at 1000, index 2000, 100
  // USDC, funding −50: AV = 1000 + 100 = 1100, collateral + funding = 50 → numerator 50 < IMF 2000 × 0.1 = 200
  const p = perp('X', '1', '1000', '2000', { imf: '0.1', funding: '-50' });
  const h = fractions([p], [token('USDC', '100', '1', '1')]);
  assert.equal(h.omfNumerator.toString(), '50');
  assert.equal(h.canOpenOrders, false);
  // no position and no borrow: OMF/IMF undefined, orders allowed
  const e = fractions([], [token('USDC', '100', '1', '1')]);
  assert.equal(e.omf, undefined);
  assert.equal(e.canOpenOrders, true);
});

test('seed bugs in margining, corrected: collateral is a value, open size is never negative', () => {
  // seed user_col: 1 (ETH) + 1000 (USDC) = 1001; the value is 1 × 2500 + 1000 × 1 = 3500
  assert.equal(collateralValue(TOKENS).toString(), '3500');
  // seed position_open_size(−10, 0, 0) = −10 + max(0, 0) = −10; corrected: 10
  assert.equal(positionOpenSize(dec('-10'), dec('0'), dec('0')).toString(), '10');
  // short 10 with 4 asks: riskiest is −14; with 12 bids: max(|−10 + 12|, |−10 − 4|) = 14
  assert.equal(positionOpenSize(dec('-10'), dec('12'), dec('4')).toString(), '14');
  // long 5 with bids 0 and asks 20: max(5, |5 − 20|) = 15 (the seed: 5 + 20 = 25)
  assert.equal(positionOpenSize(dec('5'), dec('0'), dec('20')).toString(), '15');
});

test('Pyth-style confidence: balances valued at price − conf, borrows at price + conf', () => {
  const p = new ConfidencePrice(250_000n, 2, 150n); // 2500.00 ± 1.50
  assert.equal(p.price.toString(), '2500');
  assert.equal(p.lower.toString(), '2498.5');
  assert.equal(p.upper.toString(), '2501.5');
  assert.equal(p.relativeWidth.toString(), '0.0006'); // 150 / 250000
  assert.throws(() => new ConfidencePrice(100n, 2, -1n), /confidence: -1 is negative/); // the seed accepts it
  assert.throws(() => new ConfidencePrice(100n, 2, 100n), /not below/);
  // 1 ETH at 2500 ± 10, weight 0.9: 2490 × 0.9 = 2241; 10 SOL borrowed at 100 ± 1: notional 1010, value −1010
  assert.equal(tokenValue(token('ETH', '1', '2500', '0.9', '0', '0', '10')).toString(), '2241');
  const sol = token('SOL', '-10', '100', '0.8', '0', '0', '1');
  assert.equal(tokenNotional(sol).toString(), '1010');
  assert.equal(tokenValue(sol).toString(), '-1010');
});

test('fills: average open price, realised PnL with the right sign, flips (seed Book.fill corrected)', () => {
  // seed test_pnl_perp: alice buys 100 at 1.0 from bob → alice +100 at 1, bob −100 at 1 (the seed swaps the sizes)
  const alice = applyFill(dec('0'), dec('0'), dec('100'), dec('1.0'));
  const bob = applyFill(dec('0'), dec('0'), dec('-100'), dec('1.0'));
  assert.deepEqual([alice.size.toString(), alice.openPrice.toString()], ['100', '1']);
  assert.deepEqual([bob.size.toString(), bob.openPrice.toString()], ['-100', '1']);
  // long 10 at 100 sells 4 at 110: +4 × 10 = +40 realised (the seed books −40), 6 left at 100
  const r = applyFill(dec('10'), dec('100'), dec('-4'), dec('110'));
  assert.deepEqual([r.size.toString(), r.openPrice.toString(), r.realised.toString()], ['6', '100', '40']);
  // long 10 at 100 + 10 at 110 → 20 at 105
  assert.equal(applyFill(dec('10'), dec('100'), dec('10'), dec('110')).openPrice.toString(), '105');
  // long 10 at 100 sells 15 at 90: realises 10 × (90 − 100) = −100, short 5 at 90
  const flip = applyFill(dec('10'), dec('100'), dec('-15'), dec('90'));
  assert.deepEqual([flip.size.toString(), flip.openPrice.toString(), flip.realised.toString()], ['-5', '90', '-100']);
  // short 10 at 100 buys 4 at 90: 4 × (100 − 90) = +40
  assert.equal(applyFill(dec('-10'), dec('100'), dec('4'), dec('90')).realised.toString(), '40');
});

test('mark price: mid, one-sided with the multiplier (seed bug corrected), last mark on an empty book', () => {
  const m = dec('0.05');
  assert.equal(markPrice({ lastMark: 7n, bestBid: 99n, bestAsk: 102n, oneSidedMultiplier: m }), 100n); // floor(201/2)
  // asks only: best ask × (1 − 0.05) = 95 (the seed multiplies the missing best bid)
  assert.equal(markPrice({ lastMark: 7n, bestBid: undefined, bestAsk: 100n, oneSidedMultiplier: m }), 95n);
  assert.equal(markPrice({ lastMark: 7n, bestBid: 100n, bestAsk: undefined, oneSidedMultiplier: m }), 105n);
  // 99 × 1.01 = 99.99 → truncated to 99
  assert.equal(markPrice({ lastMark: 7n, bestBid: 99n, bestAsk: undefined, oneSidedMultiplier: dec('0.01') }), 99n);
  assert.equal(markPrice({ lastMark: 7n, bestBid: undefined, bestAsk: undefined, oneSidedMultiplier: m }), 7n);
  for (const bad of ['0', '1', '-0.1']) {
    assert.throws(
      () => markPrice({ lastMark: 7n, bestBid: 1n, bestAsk: 2n, oneSidedMultiplier: dec(bad) }),
      /oneSidedMultiplier: .* is not in \(0, 1\)/,
    );
  }
});

test('funding: spot rate (seed test bug corrected), the seed TWAP example, payments', () => {
  // seed test_funding_rate expects −0.111111 for mark 1.1 over index 1; the rate is 1.1 / 1 − 1 = 0.1
  assert.equal(spotFundingRate(dec('1.1'), dec('1')).toString(), '0.1');
  assert.equal(spotFundingRate(dec('0.8'), dec('1')).toString(), '-0.2');
  // the seed's TWAP: marks 0.8, 0.8, 1 over index 1 for one second each → rates −0.2, −0.2, 0
  const acc = new FundingAccumulator();
  const snaps = [];
  for (const [prev, now, mark] of [
    [0n, 1n, '0.8'],
    [1n, 2n, '0.8'],
    [2n, 3n, '1'],
  ] as const) {
    const o = timedFundingRate(prev, now, dec(mark), dec('1'));
    acc.add(o.dt, o.weighted);
    snaps.push(acc.snapshot());
  }
  assert.deepEqual([acc.time, acc.rate.toString()], [3n, '-0.4']);
  // the seed's window starts after the first observation (1, −0.2): (−0.4 + 0.2) / (3 − 1) = −0.1 exactly
  // (its assertion −0.1 < twap < −0.0998 only holds with the float 0.8000000000000000444)
  const twap = twapFundingRate(snaps[0]!, acc.snapshot());
  assert.equal(twap.toString(), '-0.1');
  // all three periods: −0.4 / 3 = −0.1333… (16 digits)
  assert.equal(twapFundingRate({ time: 0n, rate: dec('0') }, acc.snapshot()).toString(), '-0.1333333333333333');
  // payment = size × TWAP × index: a long 10 at rate −0.1, index 1 pays −1 (receives 1); 2 ETH at 0.0001 × 2500 = 0.5
  assert.equal(fundingPayment(dec('10'), twap, dec('1')).toString(), '-1');
  assert.equal(fundingPayment(dec('2'), dec('0.0001'), dec('2500')).toString(), '0.5');
  assert.throws(() => timedFundingRate(2n, 2n, dec('1'), dec('1')), /now 2 is not after previous 2/);
  assert.throws(() => spotFundingRate(dec('1'), dec('0')), /index price/);
});
