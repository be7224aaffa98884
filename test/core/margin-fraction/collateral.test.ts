// Cross-collateral token balances of the margin-fraction engine variant (src/core/margin-fraction/collateral.ts), end
// to end on the Exchange API. USD (0 decimals) is the quote; ETH has 2 decimals (a unit is 0.01 ETH) and is priced
// in USD per whole ETH with a confidence (Pyth style): its value is floor(units × (price − conf) / 100 × weight).
// Every expected number is worked out by hand from the seed's account value
//   AV = quote balance + Σ token balance × price × weight   (quote balance = money − loan, negative = borrowed)
// and the margin-fraction checks (orders while AV ≥ Σ open notional × IMF, close-out when AV < Σ notional × MMF);
// every test ends with each asset conserved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import { EventLog, type EngineEvent } from '../../../src/core/events.ts';
import { Decimal, dec } from '../../../src/core/num/decimal.ts';
import { NETWORK_PARTY, NS, SYSTEM_OWNER, type Side, type TimeInForce } from '../../../src/core/types.ts';
import { MarginFractionMarginModel } from '../../../src/core/margin-fraction/engine.ts';
import { Position } from '../../../src/core/positions/positions.ts';
import { mfMarket, ORACLE } from './helpers.ts';

const T0 = 1_700_000_000n * NS;

function setup(weights: { initial: string; maintenance: string } = { initial: '0.9', maintenance: '0.9' }) {
  const log = new EventLog();
  const ex = new Exchange({
    now: T0,
    params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS },
    sink: log,
  });
  ex.registerAsset({ id: 'USD', decimals: 0, quantum: Decimal.ONE });
  ex.registerAsset({ id: 'ETH', decimals: 2, quantum: Decimal.ONE });
  const market = ex.createMarket(mfMarket());
  const deposits: Record<string, bigint> = { USD: 0n, ETH: 0n };
  const deposit = (party: string, asset: 'USD' | 'ETH', amount: bigint) => {
    assert.deepEqual(ex.deposit(party, asset, amount), {});
    deposits[asset]! += amount;
  };
  const withdraw = (party: string, asset: 'USD' | 'ETH', amount: bigint) => {
    const r = ex.withdraw(party, asset, amount);
    if (!r.error) deposits[asset]! -= amount;
    return r;
  };
  for (const p of ['A', 'B', 'S', 'Q', 'R']) deposit(p, 'USD', 100_000n);
  assert.deepEqual(ex.fundLendingPool('USD', 1_000_000n), {});
  deposits.USD! += 1_000_000n;
  assert.deepEqual(
    ex.configureCollateralToken({
      asset: 'ETH',
      quote: 'USD',
      initialWeight: dec(weights.initial),
      maintenanceWeight: dec(weights.maintenance),
    }),
    {},
  );
  // 2000 ± 10 USD per ETH
  assert.deepEqual(ex.collateralPrice('ETH', 200_000n, 2, 1_000n), {});
  const order = (party: string, side: Side, size: number, price: number, tif: TimeInForce = 'GTC') =>
    ex.submitOrder({ marketId: 'M', party, side, size, price, type: 'LIMIT', tif });
  const place = (party: string, side: Side, size: number, price: number, tif: TimeInForce = 'GTC') => {
    const r = order(party, side, size, price, tif);
    assert.equal(r.error, undefined, `${party} ${side} ${size}@${price}: ${r.error}`);
  };
  const index = (price: number) =>
    assert.deepEqual(
      ex.submitOracleData({ signers: [ORACLE], properties: { 'perp.price': String(price) }, timestamp: ex.now() }),
      {},
    );
  const usd = (party: string) =>
    ex.ledger.accountsOf(party).reduce((s, a) => (a.asset === 'USD' ? s + a.balance : s), 0n);
  const eth = (party: string) => ex.ledger.get(party, 'GENERAL', 'ETH')?.balance ?? 0n;
  const events = <K extends EngineEvent['type']>(type: K) =>
    log.events.filter((e): e is Extract<EngineEvent, { type: K }> => e.type === type);
  const conserved = () => {
    for (const asset of ['USD', 'ETH']) assert.equal(ex.ledger.totalHeld(asset), deposits[asset], `${asset} conserved`);
    assert.ok(ex.crossCollateral.loansBalance('USD'), 'Σ loans = lent − repaid − liquidated − written off');
  };
  let clock = 2n;
  const block = () => {
    ex.advanceTo(T0 + clock * NS);
    clock++;
    ex.endBlock();
  };
  place('A', 'buy', 1, 1000);
  place('B', 'sell', 1, 1000);
  block();
  index(1000);
  return { ex, market, order, place, index, usd, eth, events, conserved, block, deposit, withdraw };
}

test('account value with weights: the loan is the maintenance-weighted token value, drawn into the money', () => {
  const s = setup();
  s.deposit('X', 'ETH', 150n); // 1.5 ETH
  // value at the lower price 1990: 1.5 × 1990 = 2985; weighted 2985 × 0.9 = 2686.5 → 2686 (rounded down)
  const a = s.ex.crossCollateralAccount('X', 'USD');
  assert.deepEqual(a.tokens, [
    { asset: 'ETH', balance: 150n, value: 2985n, initialValue: 2686n, maintenanceValue: 2686n },
  ]);
  assert.equal(a.loan, 2686n);
  assert.equal(a.quoteMoney, 2686n);
  assert.equal(a.quoteBalance, 0n);
  assert.equal(a.accountValueMaintenance, 2686n);
  assert.equal(s.usd('X'), 2686n);
  // the pool lent it
  assert.equal(s.ex.crossCollateral.pool('USD').balance, 1_000_000n - 2686n);
  s.conserved();
});

test('OMF vs IMF on token collateral: open size × index × 0.1 against AV 2686', () => {
  const s = setup();
  s.deposit('X', 'ETH', 150n);
  s.place('S', 'sell', 27, 1000);
  // 27 × 1000 × 0.1 = 2700 > 2686: refused, nothing moves
  assert.equal(s.order('X', 'buy', 27, 1000, 'IOC').error, 'margin check failed');
  assert.equal(s.usd('X'), 2686n);
  // 26 × 1000 × 0.1 = 2600 ≤ 2686: accepted (the IMF numerator fits the account value)
  s.place('X', 'buy', 26, 1000, 'IOC');
  assert.equal(s.market.position('X')?.openVolume, 26);
  s.conserved();
});

test('initial weights below the maintenance weights: orders see AV with the initial weights', () => {
  const s = setup({ initial: '0.8', maintenance: '0.9' });
  s.deposit('X', 'ETH', 150n);
  // 2985 of tokens: W_i = floor(2985 × 0.8) = 2388, W_m = floor(2985 × 0.9) = 2686 (the loan)
  const a = s.ex.crossCollateralAccount('X', 'USD');
  assert.deepEqual([a.initialValue, a.maintenanceValue, a.loan], [2388n, 2686n, 2686n]);
  s.place('S', 'sell', 30, 1000);
  // AV_i = 0 + 2388: 24 × 1000 × 0.1 = 2400 > 2388 refused, 23 → 2300 ≤ 2388 accepted
  assert.equal(s.order('X', 'buy', 24, 1000, 'IOC').error, 'margin check failed');
  s.place('X', 'buy', 23, 1000, 'IOC');
  // the initial level is 2300 + the haircut 2686 − 2388 = 298
  assert.equal(s.ex.ledger.get('X', 'MARGIN', 'USD', 'M')!.balance, 2598n);
  s.conserved();
});

test('borrowing pays the loss; close-out when AV < MMF; the tokens stay behind the loan', () => {
  const s = setup();
  s.deposit('X', 'ETH', 150n);
  s.place('S', 'sell', 20, 1000);
  s.place('X', 'buy', 20, 1000, 'IOC');
  s.place('Q', 'buy', 1, 999);
  s.place('R', 'sell', 1, 1001);
  s.block(); // mark (999 + 1001) / 2 = 1000: no change; X's margin is the initial 20 × 1000 × 0.1 = 2000
  assert.equal(s.ex.ledger.get('X', 'MARGIN', 'USD', 'M')!.balance, 2000n);
  assert.equal(s.events('distressedPositions').length, 0);
  // index 900, book 899 / 901 → mark 900: X loses 20 × 100 = 2000 and has 686 of money:
  // quote balance 686 − 2686 = −2000 (borrowed), AV = −2000 + 2686 = 686 < 20 × 900 × 0.05 = 900 → closed out
  s.index(900);
  for (const p of ['Q', 'R'])
    for (const o of [...s.market.partyOrders(p)]) assert.equal(s.ex.cancelOrder(p, 'M', o.id).error, undefined);
  s.place('Q', 'buy', 1, 899);
  s.place('R', 'sell', 1, 901);
  s.block();
  assert.deepEqual(s.events('distressedPositions').at(-1)!.distressed, ['X']);
  const t = s.events('trade').find((e) => e.trade.type === 'NETWORK_CLOSE_OUT_BAD')!.trade;
  assert.deepEqual([t.buyer, t.seller, t.size, t.price], [NETWORK_PARTY, 'X', 20, 900n]);
  assert.equal(s.usd('X'), 0n); // its 686 went to the insurance pool
  // the loan (2686) is still covered by the tokens (W = 2686): no liquidation, AV = 0
  let a = s.ex.crossCollateralAccount('X', 'USD');
  assert.equal(a.loan, 2686n);
  assert.equal(a.accountValueMaintenance, 0n);
  assert.equal(s.eth('X'), 150n);
  // ETH at 1900 ± 0: W = floor(150 × 19 × 0.9) = 2565 < 2686 and no money: the tokens are liquidated to the pool,
  // ceil(2686 / 19) = 142 units (worth 2698 ≥ 2686) repay the whole loan; 8 units stay with X
  assert.deepEqual(s.ex.collateralPrice('ETH', 190_000n, 2, 0n), {});
  a = s.ex.crossCollateralAccount('X', 'USD');
  assert.equal(a.loan, 0n);
  assert.equal(s.eth('X'), 8n);
  assert.equal(s.ex.ledger.get(SYSTEM_OWNER, 'LENDING_POOL', 'ETH')!.balance, 142n);
  const totals = s.ex.crossCollateral.totals('USD');
  assert.deepEqual(
    [totals.lent, totals.repaid, totals.liquidated, totals.badDebt, totals.liquidations, totals.tokensLiquidated],
    [2686n, 0n, 2686n, 0n, 1, { ETH: 142n }],
  );
  // at the next block end the 8 units back a new loan: floor(8 × 19 × 0.9) = floor(136.8) = 136
  s.block();
  assert.equal(s.ex.crossCollateralAccount('X', 'USD').loan, 136n);
  s.conserved();
});

test('a loan that outlives its tokens is written off as the pool’s bad debt', () => {
  const s = setup();
  s.deposit('X', 'ETH', 150n);
  s.place('S', 'sell', 20, 1000);
  s.place('X', 'buy', 20, 1000, 'IOC');
  s.place('Q', 'buy', 1, 899);
  s.place('R', 'sell', 1, 901);
  s.index(900);
  s.block(); // as above: closed out at 900, money 0, loan 2686
  assert.equal(s.usd('X'), 0n);
  // ETH at 10 ± 0: all 150 units are worth floor(150 × 0.1) = 15; the other 2671 is bad debt
  assert.deepEqual(s.ex.collateralPrice('ETH', 1_000n, 2, 0n), {});
  assert.equal(s.eth('X'), 0n);
  const totals = s.ex.crossCollateral.totals('USD');
  assert.deepEqual([totals.liquidated, totals.badDebt, totals.outstanding], [15n, 2671n, 0n]);
  s.conserved();
});

test('a falling token price repays the loan from the money; withdrawals cannot take the loan', () => {
  const s = setup();
  s.deposit('Y', 'ETH', 100n); // 1 ETH: W = floor(1990 × 0.9) = 1791
  s.deposit('Y', 'USD', 500n);
  assert.equal(s.ex.crossCollateralAccount('Y', 'USD').loan, 1791n);
  assert.equal(s.usd('Y'), 2291n);
  assert.deepEqual(s.withdraw('Y', 'USD', 501n), {
    error: 'margin-fraction collateral: borrowed funds cannot be withdrawn',
  });
  assert.deepEqual(s.withdraw('Y', 'USD', 500n), {});
  // withdrawing half the ETH: W = floor(50 × 19.9 × 0.9) = floor(895.5) = 895, the other 896 is repaid
  assert.deepEqual(s.withdraw('Y', 'ETH', 50n), {});
  assert.equal(s.ex.crossCollateralAccount('Y', 'USD').loan, 895n);
  assert.equal(s.usd('Y'), 895n);
  // ETH at 1000 ± 0: W = floor(50 × 10 × 0.9) = 450: 445 repaid from the money
  assert.deepEqual(s.ex.collateralPrice('ETH', 100_000n, 2, 0n), {});
  assert.equal(s.ex.crossCollateralAccount('Y', 'USD').loan, 450n);
  assert.equal(s.usd('Y'), 450n);
  // a party whose loan sits in its margin cannot take the tokens out
  s.deposit('Z', 'ETH', 100n); // W = floor(100 × 10 × 0.9) = 900
  s.place('S', 'sell', 5, 1000);
  s.place('Z', 'buy', 5, 1000, 'IOC'); // initial 5 × 1000 × 0.1 = 500 moves to margin, 400 left in general
  assert.deepEqual(s.withdraw('Z', 'ETH', 100n), {
    error: 'margin-fraction collateral: the withdrawal would leave the loan it backs uncovered',
  });
  assert.equal(s.eth('Z'), 100n);
  s.conserved();
});

test('confidence: valued at price − conf; a price too uncertain counts as 0; bad input is refused', () => {
  const s = setup();
  assert.deepEqual(
    s.ex.configureCollateralToken({
      asset: 'ETH',
      quote: 'USD',
      initialWeight: dec('0.5'),
      maintenanceWeight: dec('1'),
      maxConfidence: dec('0.001'),
    }),
    {},
  );
  s.deposit('X', 'ETH', 100n);
  // 10 / 2000 = 0.005 > 0.001: no value, no loan
  assert.equal(s.ex.crossCollateralAccount('X', 'USD').loan, 0n);
  assert.deepEqual(s.ex.collateralPrice('ETH', 200_000n, 2, 100n), {}); // 2000 ± 1: 0.0005
  // 1 ETH at 1999 × 1 = 1999; initial value 1999 × 0.5 = 999.5 → 999
  const a = s.ex.crossCollateralAccount('X', 'USD');
  assert.deepEqual([a.loan, a.initialValue, a.maintenanceValue], [1999n, 999n, 1999n]);
  assert.equal(s.ex.crossCollateral.haircut('X', 'USD'), 1000n);
  const bad = (p: Partial<Parameters<Exchange['configureCollateralToken']>[0]>) =>
    s.ex.configureCollateralToken({
      asset: 'ETH',
      quote: 'USD',
      initialWeight: dec('0.5'),
      maintenanceWeight: dec('0.6'),
      ...p,
    }).error;
  assert.equal(bad({ initialWeight: dec('0.7') }), 'initialWeight: 0.7 must be ≤ the maintenance weight 0.6');
  assert.equal(bad({ maintenanceWeight: dec('1.5') }), 'maintenanceWeight: 1.5 is not in [0, 1]');
  assert.equal(bad({ asset: 'BTC' }), 'asset: "BTC" is not registered');
  assert.equal(bad({ asset: 'USD' }), 'asset: "USD" is the quote asset');
  assert.equal(s.ex.collateralPrice('ETH', 100n, 2, 100n).error, 'confidence: 100 is not below |price mantissa| 100');
  assert.equal(s.ex.collateralPrice('USD', 100n, 2, 0n).error, 'asset: "USD" is not a collateral token');
  s.conserved();
});

test('the margin model adds the initial haircut W_m − W_i to the initial and release levels only', () => {
  const model = new MarginFractionMarginModel(
    { positionFactor: Decimal.ONE, indexPrice: () => 1000n, collateralHaircut: (p) => (p === 'X' ? 300n : 0n) },
    { initialFraction: dec('0.1'), maintenanceFraction: dec('0.05'), oneSidedMultiplier: dec('0.01') },
  );
  const pos = new Position('X');
  pos.openVolume = 20;
  // maintenance 20 × 1000 × 0.05 = 1000; initial 20 × 1000 × 0.1 = 2000 + 300
  assert.deepEqual(model.levels(pos, 1000n), { maintenance: 1000n, search: 1000n, initial: 2300n, release: 2300n });
  const flat = new Position('X');
  assert.deepEqual(model.levels(flat, 1000n), { maintenance: 0n, search: 0n, initial: 0n, release: 0n });
});
