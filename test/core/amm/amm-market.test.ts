// AMMs in a market through the exchange's commands (spec 0090-VAMM), against the outcomes Vega publishes in
// features/amm/0090-VAMM-basic.feature: the pool's quotes in the market data, its volume trading before the book
// orders at the same price, its sub-account, and the commands the protocol refuses (with nothing changed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import { Decimal, NS, ammSubAccount, type EngineEvent } from '../../../src/core/index.ts';
import { logNormalMarket, NO_FEES, observableState } from '../fixtures.ts';

const T0 = 1_700_000_000n * NS;
const d = (s: string) => Decimal.parse(s);

/** The basic feature's market: USD with 0 decimals, its risk model, margin factors and linear slippage. */
function setup() {
  const events: EngineEvent[] = [];
  const ex = new Exchange({
    now: T0,
    sink: { emit: (e) => events.push(e) },
    params: { auctionMinimumDuration: NS, markPriceUpdateMaximumFrequency: 0n },
  });
  ex.registerAsset({ id: 'USD0', decimals: 0, quantum: Decimal.ONE });
  ex.setNetworkParameter('market.amm.minCommitmentQuantum', '1');
  ex.createMarket(
    logNormalMarket({
      id: 'ETH/MAR22',
      settlementAsset: 'USD0',
      decimalPlaces: 0,
      tickSize: 1n,
      linearSlippageFactor: d('1'),
      marginScalingFactors: { searchLevel: d('1.2'), initialMargin: d('1.5'), collateralRelease: d('1.7') },
      riskModel: {
        kind: 'logNormal',
        riskAversionParameter: 0.001,
        tau: Number('0.0011407711613050422'),
        mu: 0,
        r: 0.9,
        sigma: 3,
      },
      fees: NO_FEES,
      openingAuctionDuration: 1,
      allowedEmptyAmmLevels: 5,
    }),
  );
  for (const p of ['lp1', 'party1', 'party2', 'party5', 'vamm1', 'vamm2']) ex.deposit(p, 'USD0', 1_000_000n);
  const order = (party: string, side: 'buy' | 'sell', size: number, price: number) =>
    ex.submitOrder({ marketId: 'ETH/MAR22', party, side, type: 'LIMIT', tif: 'GTC', size, price });
  order('lp1', 'buy', 20, 40);
  order('party5', 'buy', 20, 90);
  order('party1', 'buy', 1, 100);
  order('party2', 'sell', 1, 100);
  ex.advanceTo(T0 + 2n * NS);
  ex.endBlock();
  assert.equal(ex.market('ETH/MAR22')!.tradingMode, 'CONTINUOUS');
  const submit = ex.submitAmm({
    party: 'vamm1',
    marketId: 'ETH/MAR22',
    commitment: 100000n,
    slippageTolerance: d('0.05'),
    proposedFee: d('0.03'),
    params: { base: 100n, lowerBound: 95n, upperBound: 105n },
  });
  assert.equal(submit.error, undefined);
  return { ex, events, order, sub: ammSubAccount('vamm1', 'ETH/MAR22') };
}

test('the pool is active, funded from its owner, and quotes 99 × 103 / 101 × 92 into the market data', () => {
  const { ex, events, sub } = setup();
  const pool = ex.ammPool('ETH/MAR22', 'vamm1')!;
  assert.equal(pool.status, 'ACTIVE');
  assert.equal(pool.subAccount, sub);
  // Vega's key for this owner and market, printed in the features
  assert.equal(sub, '137112507e25d3845a56c47db15d8ced0f28daa8498a0fd52648969c4b296aba');
  assert.equal(ex.ledger.get(sub, 'GENERAL', 'USD0')?.balance, 100000n);
  assert.equal(ex.ledger.get('vamm1', 'GENERAL', 'USD0')?.balance, 900000n);
  assert.ok(events.some((e) => e.type === 'ammPool' && e.pool.owner === 'vamm1' && e.pool.status === 'ACTIVE'));
  const md = ex.market('ETH/MAR22')!.marketData();
  assert.deepEqual([md.bestBidPrice, md.bestBidVolume, md.bestOfferPrice, md.bestOfferVolume], [99n, 103, 101n, 92]);
});

test('at a price the AMM trades before the book orders resting there (scenario 2 of the basic feature)', () => {
  const { ex, order, sub } = setup();
  assert.equal(order('party2', 'buy', 100, 99).trades.length, 0);
  const res = order('party1', 'sell', 150, 99);
  assert.deepEqual(
    res.trades.map((t) => [t.buyer, t.price, t.size]),
    [
      [sub, 99n, 103],
      ['party2', 99n, 47],
    ],
  );
  assert.equal(ex.market('ETH/MAR22')!.position(sub)?.openVolume, 103);
});

test('a book order at the fair price trades first, then the AMM (scenario 3 of the basic feature)', () => {
  const { order, sub } = setup();
  order('party2', 'buy', 100, 100);
  const res = order('party1', 'sell', 150, 99);
  assert.deepEqual(
    res.trades.map((t) => [t.buyer, t.price, t.size]),
    [
      ['party2', 100n, 100],
      [sub, 99n, 50],
    ],
  );
});

test("refused AMM commands give Vega's reasons and change nothing", () => {
  const { ex } = setup();
  const before = observableState(ex);
  const base = {
    marketId: 'ETH/MAR22',
    commitment: 100000n,
    slippageTolerance: d('0.05'),
    proposedFee: d('0.03'),
    params: { base: 100n, lowerBound: 95n, upperBound: 105n },
  };
  assert.equal(ex.submitAmm({ ...base, party: 'vamm1' }).error, 'party already own a pool for market ETH/MAR22');
  assert.equal(
    ex.submitAmm({ ...base, party: 'vamm2', commitment: 2_000_000n }).error,
    'not enough collateral in general account',
  );
  assert.equal(ex.submitAmm({ ...base, party: 'vamm2', marketId: 'NOPE' }).error, 'market does not exist');
  assert.equal(
    ex.submitAmm({ ...base, party: 'vamm2', params: { base: 100n, lowerBound: 101n } }).error,
    'lower bound: must be positive and below the base price',
  );
  assert.equal(
    ex.cancelAmm({ party: 'nobody', marketId: 'ETH/MAR22', method: 'IMMEDIATE' }).error,
    'no pool matching party',
  );
  assert.equal(observableState(ex), before);
});

test('cancel: reduce-only with no position ends at the next mark-to-market and the funds go back', () => {
  const { ex, sub } = setup();
  assert.equal(ex.cancelAmm({ party: 'vamm1', marketId: 'ETH/MAR22', method: 'REDUCE_ONLY' }).error, undefined);
  assert.equal(ex.ammPool('ETH/MAR22', 'vamm1')!.status, 'REDUCE_ONLY');
  // the next mark-to-market: the next block (mark price update frequency 0, as in the feature)
  ex.advanceTo(ex.now() + NS);
  ex.endBlock();
  assert.equal(ex.ammPool('ETH/MAR22', 'vamm1')!.status, 'CANCELLED');
  assert.equal(ex.ledger.get(sub, 'GENERAL', 'USD0')?.balance ?? 0n, 0n);
  assert.equal(ex.ledger.get('vamm1', 'GENERAL', 'USD0')?.balance, 1_000_000n);
});

test('cancel immediately: the general balance returns to the owner at once', () => {
  const { ex, sub } = setup();
  assert.equal(ex.cancelAmm({ party: 'vamm1', marketId: 'ETH/MAR22', method: 'IMMEDIATE' }).error, undefined);
  assert.equal(ex.ammPool('ETH/MAR22', 'vamm1')!.status, 'CANCELLED');
  assert.equal(ex.ledger.get(sub, 'GENERAL', 'USD0')?.balance ?? 0n, 0n);
  const md = ex.market('ETH/MAR22')!.marketData();
  // the book alone again: best bid party5's 90, no offer
  assert.deepEqual([md.bestBidPrice, md.bestOfferPrice], [90n, 0n]);
});
