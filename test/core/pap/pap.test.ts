// Protocol automated purchase (spec 0097-PAPU) on a spot market through the Exchange API, and the built-in repeating
// time triggers that drive it (0048-DSRI). Expected amounts are computed by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import type { AutomatedPurchaseConfig } from '../../../src/core/pap/pap.ts';
import { Earmarks } from '../../../src/core/pap/pap.ts';
import { TimeTrigger } from '../../../src/core/products/oracle.ts';
import { Decimal, dec } from '../../../src/core/num/decimal.ts';
import { NS, SYSTEM_OWNER } from '../../../src/core/types.ts';
import type { EngineEvent } from '../../../src/core/events.ts';
import { T0 } from '../fixtures.ts';
import { spotSpec } from '../spot-fixture.ts';

test('time trigger: initial ahead fires on the first tick after it; initial behind starts at the next period', () => {
  const s = T0 / NS;
  const ahead = new TimeTrigger(s + 10n, 30n, T0);
  assert.equal(ahead.nextTrigger, T0 + 10n * NS);
  assert.equal(ahead.isTriggered(T0 + 10n * NS), false); // not strictly after
  assert.equal(ahead.isTriggered(T0 + 11n * NS), true);
  assert.equal(ahead.nextTrigger, T0 + 40n * NS);
  assert.equal(ahead.isTriggered(T0 + 12n * NS), false);
  // defined 100 s after an initial time with a 30 s period: 0, 30, 60, 90 are past, the next is 120
  const behind = new TimeTrigger(s - 100n, 30n, T0);
  assert.equal(behind.nextTrigger, T0 + 20n * NS);
  // on a period boundary the boundary itself is the next firing time
  assert.equal(new TimeTrigger(s - 90n, 30n, T0).nextTrigger, T0);
  // a trigger that fell behind fires on consecutive ticks, one period each
  const late = new TimeTrigger(s, 10n, T0);
  assert.equal(late.isTriggered(T0 + 35n * NS), true);
  assert.equal(late.isTriggered(T0 + 36n * NS), true);
  assert.equal(late.isTriggered(T0 + 37n * NS), true);
  assert.equal(late.isTriggered(T0 + 38n * NS), true);
  assert.equal(late.isTriggered(T0 + 39n * NS), false);
  assert.throws(() => new TimeTrigger(s, 0n, T0), /every: must be greater than 0/);
});

test('earmarks: what is not earmarked yet, at most the maximum, nothing below the minimum', () => {
  const e = new Earmarks();
  assert.equal(e.earmark('BUY_BACK_FEES', 'BTC', 1000n, 100n, 750n), 750n);
  assert.equal(e.earmark('BUY_BACK_FEES', 'BTC', 1000n, 100n, 750n), 250n);
  assert.equal(e.earmark('BUY_BACK_FEES', 'BTC', 1000n, 100n, 750n), undefined);
  e.release('BUY_BACK_FEES', 'BTC', 250n);
  assert.equal(e.earmark('BUY_BACK_FEES', 'BTC', 1000n, 300n, 750n), undefined); // 250 left < 300
  assert.equal(e.of('BUY_BACK_FEES', 'BTC'), 750n);
});

const limit = (party: string, side: 'buy' | 'sell', size: number, price: number, tif: 'GTC' | 'GFA' = 'GTC') => ({
  marketId: 'BTC/ETH',
  party,
  side,
  size,
  price,
  type: 'LIMIT' as const,
  tif,
});

const oracle = {
  signers: ['0xORACLE'],
  property: 'prices.ETH.value',
  decimals: 0,
  filters: [{ property: 'prices.ETH.value', type: 'INTEGER' as const }],
};

/** A continuous market with 500 BTC units in the buy-back fees account and a PAP selling them. */
function setup(cfg: Partial<AutomatedPurchaseConfig> = {}) {
  const events: EngineEvent[] = [];
  const ex = new Exchange({
    now: T0,
    params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS },
    sink: { emit: (e) => events.push(e) },
  });
  ex.registerAsset({ id: 'BTC', decimals: 2, quantum: Decimal.ONE });
  ex.registerAsset({ id: 'ETH', decimals: 2, quantum: Decimal.ONE });
  ex.createSpotMarket(spotSpec());
  ex.deposit('a', 'ETH', 100_000n);
  ex.deposit('b', 'BTC', 100n);
  ex.deposit('buyer', 'ETH', 1_000_000n);
  ex.submitOrder(limit('a', 'buy', 1, 1000, 'GFA'));
  ex.submitOrder(limit('b', 'sell', 1, 1000));
  ex.nextBlock(2n * NS);
  assert.equal(ex.market('BTC/ETH')!.tradingMode, 'CONTINUOUS');
  ex.deposit('fees', 'BTC', 500n);
  ex.ledger.transfer(
    ex.ledger.get('fees', 'GENERAL', 'BTC')!,
    ex.ledger.getOrCreate(SYSTEM_OWNER, 'BUY_BACK_FEES', 'BTC'),
    500n,
    'BUY_BACK_FEE_PAY',
  );
  const s = ex.now() / NS;
  const error = ex.automatedPurchases.add({
    id: '1',
    from: 'BTC',
    fromAccountType: 'BUY_BACK_FEES',
    toAccountType: 'NETWORK_TREASURY',
    marketId: 'BTC/ETH',
    priceOracle: oracle,
    priceStalenessTolerance: 10n * NS,
    oracleOffsetFactor: dec('1.05'),
    auctionVolumeSnapshotSchedule: new TimeTrigger(s + 1n, 60n, ex.now()),
    auctionSchedule: new TimeTrigger(s + 2n, 60n, ex.now()),
    auctionDuration: 10n * NS,
    minimumAuctionSize: 100n,
    maximumAuctionSize: 300n,
    expiry: 0n,
    ...cfg,
  });
  assert.equal(error, undefined);
  return { ex, events };
}

const bal = (ex: Exchange, owner: string, kind: 'GENERAL' | 'BUY_BACK_FEES' | 'NETWORK_TREASURY', asset: string) =>
  ex.ledger.get(owner, kind, asset)?.balance ?? 0n;

test('a PAP sells the earmarked base in its own auction; proceeds less fees to the treasury, the rest back', () => {
  const { ex, events } = setup();
  assert.deepEqual(
    ex.submitOracleData({ signers: ['0xORACLE'], properties: { 'prices.ETH.value': '1000' }, timestamp: ex.now() }),
    {},
  );
  // snapshot at +2 s (first tick after +1 s): 300 of the 500 earmarked (the maximum)
  ex.nextBlock(NS);
  ex.nextBlock(NS);
  const ann = events.filter((e) => e.type === 'automatedPurchaseAnnounced');
  assert.equal(ann.length, 1);
  assert.equal(ann[0]!.type === 'automatedPurchaseAnnounced' && ann[0]!.amount, 300n);
  // auction at +3 s: a sell of 300 / 100 = 3 at 1000 × 100 × 1.05 = 105000 ETH units, i.e. price 1050
  ex.nextBlock(NS);
  const m = ex.market('BTC/ETH')!;
  assert.equal(m.tradingMode, 'PROTOCOL_AUTOMATED_PURCHASE_AUCTION');
  const pap = ex.automatedPurchases.of('BTC/ETH')!;
  assert.ok(pap.activeOrder);
  // the 300 left the buy-back account for the programme's party, and sit in its holding account
  assert.equal(bal(ex, SYSTEM_OWNER, 'BUY_BACK_FEES', 'BTC'), 200n);
  assert.equal(ex.ledger.get(pap.party, 'HOLDING', 'BTC')?.balance, 300n);
  // a buyer takes 2 of the 3 in the auction
  assert.equal(ex.submitOrder(limit('buyer', 'buy', 2, 1050)).error, undefined);
  for (let i = 0; i < 11; i++) ex.nextBlock(NS);
  assert.equal(m.tradingMode, 'CONTINUOUS');
  assert.equal(pap.activeOrder, undefined);
  // 2 × 1050 × 100 = 210000 ETH units; the network's half of the infrastructure fee: ceil(0.002 × 210000) / 2 = 210
  assert.equal(bal(ex, SYSTEM_OWNER, 'NETWORK_TREASURY', 'ETH'), 210_000n - 210n);
  // the unsold 100 BTC units went back to the buy-back account; the buyer got 200
  assert.equal(bal(ex, SYSTEM_OWNER, 'BUY_BACK_FEES', 'BTC'), 300n);
  assert.equal(bal(ex, 'buyer', 'GENERAL', 'BTC'), 200n);
  assert.equal(bal(ex, pap.party, 'GENERAL', 'BTC') + bal(ex, pap.party, 'GENERAL', 'ETH'), 0n);
  for (const asset of ['BTC', 'ETH']) assert.equal(ex.ledger.totalHeld(asset), ex.ledger.netDeposits(asset), asset);
});

test('no oracle price: the auction trigger releases the earmark and no auction starts; an expired PAP ends', () => {
  const { ex } = setup({ expiry: T0 + 10n * NS });
  for (let i = 0; i < 3; i++) ex.nextBlock(NS);
  assert.equal(ex.market('BTC/ETH')!.tradingMode, 'CONTINUOUS');
  assert.equal(ex.automatedPurchases.earmarks.of('BUY_BACK_FEES', 'BTC'), 0n);
  assert.equal(bal(ex, SYSTEM_OWNER, 'BUY_BACK_FEES', 'BTC'), 500n);
  assert.equal(ex.automatedPurchases.of('BTC/ETH')?.cfg.id, '1');
  for (let i = 0; i < 10; i++) ex.nextBlock(NS);
  assert.equal(ex.automatedPurchases.of('BTC/ETH'), undefined);
});

test('a PAP is refused with a reason naming the field', () => {
  const { ex } = setup();
  const base: AutomatedPurchaseConfig = {
    id: '2',
    from: 'BTC',
    fromAccountType: 'BUY_BACK_FEES',
    toAccountType: 'NETWORK_TREASURY',
    marketId: 'BTC/ETH',
    priceOracle: oracle,
    priceStalenessTolerance: NS,
    oracleOffsetFactor: Decimal.ONE,
    auctionVolumeSnapshotSchedule: new TimeTrigger(1n, 60n, ex.now()),
    auctionSchedule: new TimeTrigger(1n, 60n, ex.now()),
    auctionDuration: NS,
    minimumAuctionSize: 1n,
    maximumAuctionSize: 10n,
    expiry: 0n,
  };
  assert.match(ex.automatedPurchases.add(base)!, /already has an automated purchase programme/);
  assert.match(ex.automatedPurchases.add({ ...base, marketId: 'X' })!, /market id: no spot market "X"/);
  const other = new Exchange({ now: T0 });
  other.registerAsset({ id: 'BTC', decimals: 2, quantum: Decimal.ONE });
  other.registerAsset({ id: 'ETH', decimals: 2, quantum: Decimal.ONE });
  other.registerAsset({ id: 'USD', decimals: 2, quantum: Decimal.ONE });
  other.createSpotMarket(spotSpec());
  assert.match(other.automatedPurchases.add({ ...base, from: 'USD' })!, /from: USD is neither the base/);
  assert.match(other.automatedPurchases.add({ ...base, maximumAuctionSize: 0n })!, /maximum auction size/);
  assert.match(other.automatedPurchases.add({ ...base, fromAccountType: 'GENERAL' })!, /from account type/);
  assert.equal(other.automatedPurchases.add(base), undefined);
});

test('a market suspended by governance stays suspended and takes no PAP auction; its earmark is released', () => {
  const { ex } = setup();
  assert.deepEqual(ex.updateMarketState('BTC/ETH', 'SUSPEND'), {});
  ex.submitOracleData({ signers: ['0xORACLE'], properties: { 'prices.ETH.value': '1000' }, timestamp: ex.now() });
  for (let i = 0; i < 30; i++) ex.nextBlock(NS);
  const m = ex.market('BTC/ETH')!;
  assert.equal(m.tradingMode, 'SUSPENDED_VIA_GOVERNANCE');
  assert.equal(ex.automatedPurchases.of('BTC/ETH')!.activeOrder, undefined);
  assert.equal(ex.automatedPurchases.earmarks.of('BUY_BACK_FEES', 'BTC'), 0n);
  assert.equal(bal(ex, SYSTEM_OWNER, 'BUY_BACK_FEES', 'BTC'), 500n);
  assert.deepEqual(ex.updateMarketState('BTC/ETH', 'RESUME'), {});
  assert.equal(m.tradingMode, 'CONTINUOUS');
});
