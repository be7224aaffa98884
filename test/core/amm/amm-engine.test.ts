// The AMM engine's matching seam and quotes against Vega's published outcomes in
// features/amm/0090-VAMM-basic.feature (pool: commitment 100000, base 100, bounds 95 / 105, no leverage, market
// with initial factor 1.5, linear slippage 1 and the feature's log-normal risk model).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal, riskFactors } from '../../../src/core/index.ts';
import { AmmEngine, ammSubAccount } from '../../../src/core/amm/engine.ts';
import { AmmError, type AmmRiskInputs } from '../../../src/core/amm/pool.ts';

const rf = riskFactors({
  kind: 'logNormal',
  riskAversionParameter: 0.001,
  tau: Number('0.0011407711613050422'),
  mu: 0,
  r: 0.9,
  sigma: 3,
});
const risk: AmmRiskInputs = {
  riskFactorLong: rf.long,
  riskFactorShort: rf.short,
  initialFactor: Decimal.parse('1.5'),
  linearSlippage: Decimal.ONE,
  priceFactor: 1n,
  priceDivisor: 1n,
  positionFactor: Decimal.ONE,
  allowedEmptyLevels: 5,
};
const checks = { quantum: Decimal.ONE, minCommitmentQuantum: Decimal.ONE, available: 1_000_000n };

function setup() {
  const positions = new Map<string, bigint>();
  const eng = new AmmEngine('ETH/MAR22', (p) => positions.get(p) ?? 0n);
  const pool = eng.create(
    {
      party: 'vamm1',
      marketId: 'ETH/MAR22',
      commitment: 100000n,
      slippageTolerance: Decimal.parse('0.05'),
      proposedFee: Decimal.parse('0.03'),
      params: { base: 100n, lowerBound: 95n, upperBound: 105n },
    },
    risk,
    checks,
  );
  eng.confirm(pool);
  return { eng, pool, positions };
}

test('best bid 99 × 103 and best offer 101 × 92 (market data of the feature)', () => {
  const { eng } = setup();
  assert.deepEqual(eng.bestPrices(), { bid: { price: 99n, volume: 103n }, ask: { price: 101n, volume: 92n } });
  assert.equal(eng.volumeAt('buy', 99n), 103n);
  assert.equal(eng.volumeAt('sell', 101n), 92n);
});

test('an incoming sell to 99 takes 103 from the AMM at 99 (scenario "orderbook volume exists at that price")', () => {
  const { eng, pool } = setup();
  const fills = eng.ordersUpTo('sell', 'party1', 99n, 150n);
  assert.deepEqual(
    fills.map((f) => [f.pool.owner, f.size, f.price]),
    [['vamm1', 103n, 99n]],
  );
  // the pool is now long 103 for the rest of this match
  assert.equal(pool.position(), 103n);
  eng.endMatch();
  assert.equal(pool.position(), 0n);
});

test('an incoming sell of 50 at 99 trades 50 with the AMM at 99 (scenario "volume exists at FAIR PRICE")', () => {
  const { eng } = setup();
  const fills = eng.ordersUpTo('sell', 'party1', 99n, 50n);
  assert.deepEqual(
    fills.map((f) => [f.size, f.price]),
    [[50n, 99n]],
  );
});

test('nothing trades at the fair price itself', () => {
  const { eng } = setup();
  assert.deepEqual(eng.ordersUpTo('sell', 'party1', 100n, 150n), []);
  assert.deepEqual(eng.ordersUpTo('buy', 'party1', 100n, 150n), []);
});

test('the AMM never trades with its own sub-account, and reduce-only pools only reduce', () => {
  const { eng, pool, positions } = setup();
  assert.deepEqual(eng.ordersUpTo('sell', pool.subAccount, 99n, 10n), []);
  positions.set(pool.subAccount, 50n);
  pool.status = 'REDUCE_ONLY';
  assert.deepEqual(eng.ordersUpTo('sell', 'party1', 96n, 1000n), []);
  const fills = eng.ordersUpTo('buy', 'party1', 104n, 1000n);
  // long 50 reduces to 0 at most, never goes short
  assert.equal(
    fills.reduce((a, f) => a + f.size, 0n),
    50n,
  );
});

test('submission checks: one pool per party, commitment in quanta, funds', () => {
  const { eng } = setup();
  const sub = {
    party: 'vamm1',
    marketId: 'ETH/MAR22',
    commitment: 100000n,
    slippageTolerance: Decimal.parse('0.05'),
    proposedFee: Decimal.parse('0.03'),
    params: { base: 100n, lowerBound: 95n, upperBound: 105n },
  };
  assert.throws(() => eng.create(sub, risk, checks), new AmmError('party already own a pool for market ETH/MAR22'));
  const other = { ...sub, party: 'vamm2' };
  assert.throws(
    () =>
      eng.create(other, risk, {
        ...checks,
        minCommitmentQuantum: Decimal.fromInt(1000),
        quantum: Decimal.fromInt(1000),
      }),
    new AmmError('commitment amount too low'),
  );
  assert.throws(
    () => eng.create(other, risk, { ...checks, available: 99999n }),
    new AmmError('not enough collateral in general account'),
  );
  // a curve so thin that one unit of volume spans more than the allowed empty levels
  assert.throws(
    () => eng.create({ ...other, commitment: 10n }, risk, checks),
    new AmmError('commitment amount too low'),
  );
  assert.notEqual(ammSubAccount('vamm1', 'ETH/MAR22'), ammSubAccount('vamm2', 'ETH/MAR22'));
});

test('amendment: a long pool cannot drop its lower bound', () => {
  const { eng, pool, positions } = setup();
  positions.set(pool.subAccount, 10n);
  assert.throws(
    () =>
      eng.amend(
        {
          party: 'vamm1',
          marketId: 'ETH/MAR22',
          slippageTolerance: Decimal.parse('0.1'),
          params: { base: 100n, upperBound: 110n },
        },
        risk,
        checks,
      ),
    new AmmError('cannot remove lower bound when AMM is long'),
  );
  assert.throws(
    () => eng.amend({ party: 'nobody', marketId: 'ETH/MAR22', slippageTolerance: Decimal.ONE }, risk, checks),
    new AmmError('no pool matching party'),
  );
});
