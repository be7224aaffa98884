// Successor markets (spec 0081-SUCM) on the Exchange API: virtual stakes carried over from the parent, the insurance
// pool fraction, rejection of the other pending successors, the successor window after the parent settles, and
// proposals that have not passed. Expected values are worked by hand from the spec's rules (comments show how).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import { EventLog } from '../../../src/core/events.ts';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';
import { NS, SYSTEM_OWNER } from '../../../src/core/types.ts';
import { T0, USD, plainMarket } from '../fixtures.ts';

const FUNDS = 10n ** 12n;

function setup(window = 3600n * NS) {
  const log = new EventLog();
  const ex = new Exchange({
    now: T0,
    sink: log,
    params: {
      markPriceUpdateMaximumFrequency: 0n,
      auctionMinimumDuration: NS,
      successorLaunchWindow: window,
      // no market growth: virtual stakes stay at the stakes, so the carried-over values are easy to follow
      marketValueWindowLength: 10n ** 6n * NS,
      minLpStakeQuantumMultiple: Decimal.ZERO,
      // LPs here place no orders: without SLA bond penalties the pools hold only what the tests put in
      slaNonPerformanceBondPenaltyMax: Decimal.ZERO,
    },
  });
  ex.registerAsset(USD);
  const parties = ['lpA', 'lpB', 'lpC', 'buyer', 'seller'];
  for (const p of parties) assert.deepEqual(ex.deposit(p, USD.id, FUNDS), {});
  const total = (party: string) =>
    ex.ledger.accountsOf(party).reduce((s, a) => (a.asset === USD.id ? s + a.balance : s), 0n);
  const pool = (market: string) => ex.ledger.get(SYSTEM_OWNER, 'INSURANCE', USD.id, market)?.balance ?? 0n;
  const global = () => ex.ledger.get(SYSTEM_OWNER, 'GLOBAL_INSURANCE', USD.id)?.balance ?? 0n;
  const commit = (id: string, party: string, market: string, amount: bigint) =>
    assert.deepEqual(ex.submitLiquidityProvision(id, party, market, amount, dec('0.01')), {});
  /** Crossing orders at 1000 (and a wide book so the auction can end). */
  const cross = (market: string) => {
    for (const [party, side, size, price] of [
      ['buyer', 'buy', 10, 900],
      ['buyer', 'buy', 1, 1000],
      ['seller', 'sell', 1, 1000],
      ['seller', 'sell', 10, 1100],
    ] as const) {
      const r = ex.submitOrder({ marketId: market, party, side, size, price, type: 'LIMIT', tif: 'GTC' });
      assert.equal(r.error, undefined, `${market} ${party} ${side}: ${r.error}`);
    }
  };
  const step = (seconds: number) => {
    for (let i = 0; i < seconds; i++) ex.nextBlock(NS);
  };
  const shares = (market: string) =>
    new Map(
      ex
        .market(market)!
        .lpFeeShares()
        .map((s) => [s.party, s] as const),
    );
  /** Deposits plus what the test put into insurance pools are all still there. */
  const conserved = (insurance: bigint) =>
    assert.equal(ex.ledger.totalHeld(USD.id), FUNDS * BigInt(parties.length) + insurance, 'money conservation');
  return { ex, log, total, pool, global, commit, cross, step, shares, conserved };
}

test('a successor takes over virtual stakes and its insurance share; the other successor is rejected', () => {
  const { ex, log, total, pool, global, commit, cross, step, shares, conserved } = setup();
  ex.createMarket(plainMarket('P'));
  assert.deepEqual(ex.fundInsurancePool('P', 5000n), {});
  commit('a1', 'lpA', 'P', 9000n);
  commit('b1', 'lpB', 'P', 1000n);
  cross('P');
  step(2);
  assert.equal(ex.market('P')!.state, 'ACTIVE');
  // parent: A entered first (ΣV 9000, avg 9000), B after (ΣV 10000, avg 10000); no growth
  assert.equal(shares('P').get('lpA')!.equityLikeShare.toString(), '0.9');
  assert.equal(shares('P').get('lpB')!.averageEntryValuation.toString(), '10000');

  ex.createMarket(
    plainMarket('S1', {
      openingAuctionDuration: 5,
      successor: { parentMarketId: 'P', insurancePoolFraction: dec('0.6') },
    }),
  );
  ex.createMarket(
    plainMarket('S2', {
      openingAuctionDuration: 5,
      successor: { parentMarketId: 'P', insurancePoolFraction: dec('0.6') },
    }),
  );
  commit('a2', 'lpA', 'S1', 2000n);
  commit('b2', 'lpB', 'S1', 8000n);
  commit('c2', 'lpC', 'S2', 3000n);
  cross('S2');
  const cBefore = total('lpC');
  cross('S1');
  step(6);

  assert.equal(ex.market('S1')!.state, 'ACTIVE');
  // insurance: floor(5000 × 0.6) = 3000 moves to the successor, the live parent keeps 2000
  assert.equal(pool('S1'), 3000n);
  assert.equal(pool('P'), 2000n);
  // the other successor is rejected: its bond and margins are back in the general account, its orders stopped, its
  // (empty) pool gone to the global pool, and it is no longer a market of the exchange
  assert.equal(ex.market('S2'), undefined);
  assert.equal(ex.ledger.get('lpC', 'BOND', USD.id, 'S2')!.balance, 0n);
  assert.equal(ex.ledger.get('lpC', 'GENERAL', USD.id)!.balance, total('lpC'));
  assert.equal(total('lpC'), cBefore);
  assert.ok(log.events.some((e) => e.type === 'marketState' && e.marketId === 'S2' && e.state === 'REJECTED'));
  for (const e of log.events)
    if (e.type === 'order' && e.order.marketId === 'S2' && e.order.party === 'buyer' && e.order.status !== 'ACTIVE')
      assert.equal(e.order.status, 'STOPPED');

  // virtual stakes (0081-SUCM-020..022): A committed 2000 < 9000 on the parent, so its virtual stake scales to
  // 9000 × 2000/9000 = 2000 and keeps the valuation 9000; B committed 8000 > 1000, so its virtual stake grows by
  // 7000 to 8000 and its valuation is 10000 × 1000/8000 + ΣV × 7000/8000 with ΣV = 10000 after the increase: 10000
  const s1 = shares('S1');
  assert.equal(s1.get('lpA')!.virtualStake.toString(), '2000');
  assert.equal(s1.get('lpA')!.equityLikeShare.toString(), '0.2');
  assert.equal(s1.get('lpA')!.averageEntryValuation.toString(), '9000');
  assert.equal(s1.get('lpB')!.virtualStake.toString(), '8000');
  assert.equal(s1.get('lpB')!.equityLikeShare.toString(), '0.8');
  assert.equal(s1.get('lpB')!.averageEntryValuation.toString(), '10000');

  // the parent, succeeded, keeps no pool for another successor: settling it moves its 2000 to the global pool
  const oracle = (properties: Record<string, string>) =>
    assert.deepEqual(ex.submitOracleData({ signers: ['0xCAFEDOOD'], properties, timestamp: ex.now() }), {});
  oracle({ 'trading.terminated': 'true' });
  oracle({ 'prices.USD.value': '100000000' });
  assert.equal(ex.market('P')!.state, 'SETTLED');
  assert.equal(pool('P'), 0n);
  assert.equal(global(), 2000n);
  conserved(5000n);
});

test('after the successor window a settled parent is gone: its pool goes to the global pool, nothing carries over', () => {
  const { ex, pool, global, commit, cross, step, shares, conserved } = setup(3n * NS);
  ex.createMarket(plainMarket('P'));
  assert.deepEqual(ex.fundInsurancePool('P', 5000n), {});
  commit('a1', 'lpA', 'P', 9000n);
  cross('P');
  step(2);
  ex.createMarket(
    plainMarket('S', {
      openingAuctionDuration: 20,
      successor: { parentMarketId: 'P', insurancePoolFraction: dec('1') },
      // its own oracle: the parent's termination must not end it
      product: {
        kind: 'future',
        settlementData: { signers: ['0xOTHER'], property: 'prices.USD.value', decimals: 5 },
        tradingTermination: { signers: ['0xOTHER'], property: 'trading.terminated' },
      },
    }),
  );
  commit('a2', 'lpA', 'S', 4000n);
  commit('b2', 'lpB', 'S', 1000n);
  const oracle = (properties: Record<string, string>) =>
    assert.deepEqual(ex.submitOracleData({ signers: ['0xCAFEDOOD'], properties, timestamp: ex.now() }), {});
  oracle({ 'trading.terminated': 'true' });
  oracle({ 'prices.USD.value': '100000000' });
  // removed at the next tick, its state kept until that tick + 3s; the pool moves once that has passed
  step(1);
  assert.equal(ex.market('P'), undefined);
  assert.equal(pool('P'), 5000n);
  step(3);
  assert.equal(pool('P'), 5000n);
  step(1);
  assert.equal(pool('P'), 0n);
  assert.equal(global(), 5000n);
  assert.equal(ex.market('S')!.parentMarketId, undefined);
  // S opens as a market like any other: no insurance share and its own stakes (A 4000, B 1000: shares 0.8/0.2).
  // The valuations are those S had when it stopped being a successor: while it was one, each tick of its auction
  // undid the inheritance by setting the stakes again in party order (A: 4000, then B: ΣV 5000) and giving every LP
  // the last party's valuation, as Vega's rollback does, so both show 5000.
  cross('S');
  step(20);
  assert.equal(ex.market('S')!.state, 'ACTIVE');
  assert.equal(pool('S'), 0n);
  assert.equal(shares('S').get('lpA')!.equityLikeShare.toString(), '0.8');
  assert.equal(shares('S').get('lpA')!.averageEntryValuation.toString(), '5000');
  assert.equal(shares('S').get('lpB')!.averageEntryValuation.toString(), '5000');
  conserved(5000n);
});

test('a successor of a proposal is rejected when enacted first; a proposed market accepts commitments only', () => {
  const { ex, commit, conserved } = setup();
  ex.createMarket(plainMarket('P'), { proposed: true });
  assert.equal(ex.market('P')!.state, 'PROPOSED');
  commit('a1', 'lpA', 'P', 9000n);
  assert.equal(ex.ledger.get('lpA', 'BOND', USD.id, 'P')!.balance, 9000n);
  const r = ex.submitOrder({
    marketId: 'P',
    party: 'buyer',
    side: 'buy',
    size: 1,
    price: 1000,
    type: 'LIMIT',
    tif: 'GTC',
  });
  assert.equal(r.error, 'trading not allowed');
  ex.createMarket(plainMarket('S', { successor: { parentMarketId: 'P', insurancePoolFraction: Decimal.ONE } }));
  assert.deepEqual(ex.succeedMarket('S'), { error: "parent market in proposed state, can't enact successor" });
  assert.equal(ex.market('S'), undefined);
  assert.deepEqual(ex.startOpeningAuction('P'), {});
  assert.equal(ex.market('P')!.state, 'PENDING');
  assert.throws(
    () =>
      ex.createMarket(plainMarket('X', { successor: { parentMarketId: 'NOPE', insurancePoolFraction: Decimal.ONE } })),
    /successor\.parentMarketId: market "NOPE" does not exist/,
  );
  assert.throws(
    () => ex.createMarket(plainMarket('Y', { successor: { parentMarketId: 'P', insurancePoolFraction: dec('1.5') } })),
    /successor\.insurancePoolFraction: must be in \[0, 1\]/,
  );
  conserved(0n);
});
