import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';
import { crossMarginLevels, scaleMargins } from '../../../src/core/risk/margin.ts';

const sf = { searchLevel: dec('1.1'), initialMargin: dec('1.2'), collateralRelease: dec('1.4') };
const base = {
  positionFactor: Decimal.ONE,
  quadraticSlippageFactor: Decimal.ZERO,
};

test('0009-MRKP-002: short 3 at 15900 with 3 more to sell, slippage 0.25, rf 0.1', () => {
  const m = crossMarginLevels(
    {
      ...base,
      openVolume: -3,
      buyOrders: 0,
      sellOrders: 3,
      price: 15900n,
      riskFactors: { long: dec('0.1'), short: dec('0.1') },
      linearSlippageFactor: dec('0.25'),
    },
    sf,
  );
  assert.equal(m.maintenance, 21465n);
  assert.equal(m.initial, 25758n);
});

test('0019-MCAL-200: slippage applies to the open position only (PDP 2)', () => {
  const common = {
    positionFactor: dec('100'),
    quadraticSlippageFactor: Decimal.ZERO,
    price: 15800n,
    riskFactors: { long: dec('0.1'), short: dec('0.2') },
    linearSlippageFactor: dec('0.000125'),
  };
  assert.equal(crossMarginLevels({ ...common, openVolume: 300, buyOrders: 0, sellOrders: 0 }, sf).maintenance, 4746n);
  assert.equal(
    crossMarginLevels({ ...common, openVolume: -300, buyOrders: 400, sellOrders: 0 }, sf).maintenance,
    9486n,
  );
});

test('0019-MCAL-210: short 1 at 15900, slippage 0.25, rf 0.1', () => {
  const m = crossMarginLevels(
    {
      ...base,
      openVolume: -1,
      buyOrders: 0,
      sellOrders: 0,
      price: 15900n,
      riskFactors: { long: dec('0.1'), short: dec('0.1') },
      linearSlippageFactor: dec('0.25'),
    },
    sf,
  );
  assert.equal(m.maintenance, 5565n);
});

test('auction: orders valued at max(limit notional, auction price) (0019-MCAL-234)', () => {
  const m = crossMarginLevels(
    {
      ...base,
      openVolume: 0,
      buyOrders: 10,
      sellOrders: 0,
      price: 100n,
      riskFactors: { long: dec('0.1'), short: dec('0.1') },
      linearSlippageFactor: dec('0.25'),
      auction: { auctionPrice: 100n, buyNotional: 30n, sellNotional: 0n },
    },
    sf,
  );
  assert.equal(m.maintenance, 100n);
});

test('scaling factors are truncated to five decimals and levels floored', () => {
  const m = scaleMargins(1000n, {
    searchLevel: dec('1.123456'),
    initialMargin: dec('1.2'),
    collateralRelease: dec('1.4'),
  });
  assert.deepEqual(m, { maintenance: 1000n, search: 1123n, initial: 1200n, release: 1400n });
});

test('no position and no orders means no margin', () => {
  const m = crossMarginLevels(
    {
      ...base,
      openVolume: 0,
      buyOrders: 0,
      sellOrders: 0,
      price: 100n,
      riskFactors: { long: dec('0.1'), short: dec('0.1') },
      linearSlippageFactor: dec('0.25'),
    },
    sf,
  );
  assert.equal(m.maintenance, 0n);
});
