// Bad commands: every malformed or impossible command must come back with a clear reason (Vega's exact string where
// Vega has one: /work/notes/R2-orders-auctions.md §1.9, core/collateral errors) and must change nothing.
//
// "Nothing changed" is checked three ways: no ledger or trade event was emitted, every account balance, live order,
// book level, position and liquidity provision is as before (observableState), and stateHash() is identical.
// stateHash() also covers the engine's order/trade id counter. An order rejected inside the market has already been
// given an id, as in Vega, where a rejected order gets its id and a REJECTED or STOPPED order event. For those
// commands the hash is compared with a twin exchange, built the same way, whose counter was moved on by one id.
// Vega also creates the party's margin account (zero balance) once account validation has passed, even if the order
// is rejected later (margin check failed). The twin gets that account as well.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../../src/core/exchange/exchange.ts';
import type { CommandResult, OrderAmendment, OrderSubmission } from '../../src/core/commands.ts';
import type { MarketConfig } from '../../src/core/config/market.ts';
import type { EngineEvent } from '../../src/core/events.ts';
import type { LedgerEntry } from '../../src/core/ledger/ledger.ts';
import { Decimal, dec } from '../../src/core/num/decimal.ts';
import { NS } from '../../src/core/types.ts';
import {
  BTC,
  SOME_FEES,
  TEST_PARAMS,
  USD,
  continuousMarket,
  logNormalMarket,
  newExchange,
  observableState,
  simpleMarket,
} from './fixtures.ts';

const M = 'M';

// ------------------------------------------------------------------ fixture

interface Fixture {
  readonly ex: Exchange;
  /** alice's resting buy 1 @ 990.00 */
  readonly aliceBid: string;
  /** bob's resting sell 1 @ 1010.00 */
  readonly bobAsk: string;
  /** alice's pegged sell BEST_ASK + 0.50 */
  readonly alicePegSell: string;
  /** alice's pegged buy MID − 0.10 */
  readonly aliceMidBuy: string;
  /** an order of bob's that was filled (no longer live) */
  readonly filled: string;
}

function limit(
  party: string,
  side: 'buy' | 'sell',
  size: number,
  price: number,
  extra: Partial<OrderSubmission> = {},
): OrderSubmission {
  return { marketId: M, party, side, size, price, type: 'LIMIT', tif: 'GTC', ...extra };
}

function ok<T extends { error?: string }>(r: T): T {
  assert.equal(r.error, undefined, `setup command failed: ${r.error}`);
  return r;
}

/**
 * Market M: continuous trading (no opening auction), simple risk model, no price monitoring, fees > 0, market
 * decimals 2 under the asset's 5, position decimals 2 (size 100 = 1 contract), tick 5. alice and bob hold
 * 10,000,000 USD each, carol only BTC; one trade at 1000.00 and a block give a mark price; four orders rest.
 */
function fixture(opts: { maxPeggedOrders?: number; mark?: boolean } = {}): Fixture {
  const ex = newExchange({
    params: { ...TEST_PARAMS, ...(opts.maxPeggedOrders ? { maxPeggedOrders: opts.maxPeggedOrders } : {}) },
  });
  ex.createMarket(continuousMarket(M));
  for (const p of ['alice', 'bob']) ok(ex.deposit(p, USD.id, 10n ** 12n));
  ok(ex.deposit('carol', BTC.id, 10n ** 9n));
  let filled = '';
  if (opts.mark !== false) {
    filled = ok(ex.submitOrder(limit('bob', 'sell', 100, 100000))).order!.id;
    ok(ex.submitOrder(limit('alice', 'buy', 100, 100000)));
    ex.nextBlock(NS);
    assert.equal(ex.market(M)!.markPrice, 100_000_000n);
  }
  const aliceBid = ok(ex.submitOrder(limit('alice', 'buy', 100, 99000))).order!.id;
  const bobAsk = ok(ex.submitOrder(limit('bob', 'sell', 100, 101000))).order!.id;
  const alicePegSell = ok(
    ex.submitOrder({ ...limit('alice', 'sell', 100, 0), price: undefined, peg: { reference: 'BEST_ASK', offset: 50 } }),
  ).order!.id;
  const aliceMidBuy = ok(
    ex.submitOrder({ ...limit('alice', 'buy', 100, 0), price: undefined, peg: { reference: 'MID', offset: 10 } }),
  ).order!.id;
  return { ex, aliceBid, bobAsk, alicePegSell, aliceMidBuy, filled };
}

// ------------------------------------------------------------------ assertions

interface Outcome<T> {
  readonly result?: T;
  readonly thrown?: unknown;
  readonly events: EngineEvent[];
}

/** Runs `fn` with a recording sink; exceptions are caught and returned. */
function attempt<T>(ex: Exchange, fn: () => T): Outcome<T> {
  const events: EngineEvent[] = [];
  const sink = ex.sink;
  ex.sink = { emit: (e) => events.push(e) };
  try {
    return { result: fn(), events };
  } catch (thrown) {
    return { thrown, events };
  } finally {
    ex.sink = sink;
  }
}

interface RejectOptions {
  /** the rejection happens inside the market, after the order was given an id */
  readonly consumesOrderId?: boolean;
  /** ...and after account validation, which creates the party's (empty) margin account */
  readonly createsMarginAccountFor?: string;
  /**
   * ...and after the pre-trade margin check, which has already topped the party's margin up to the initial level
   * for the order (general → margin, MARGIN_LOW). Vega does the same: margin is allocated (§1.4 step 4) before
   * matching validation, post-only and price monitoring run (step 6), and a later rejection does not move it back.
   */
  readonly topsUpMarginOf?: string;
  readonly fixture?: Parameters<typeof fixture>[0];
}

/** Moves the twin's id counter on by one, as a rejected order does (private: the test reaches in on purpose). */
function burnOrderId(ex: Exchange): void {
  (ex as unknown as { nextId(kind: 'order' | 'trade'): string }).nextId('order');
}

/**
 * The command must return `expected` as its error (exact string, or a pattern for a clear reason when Vega has no
 * exact string), emit no ledger or trade event and change no state.
 */
function rejects(cmd: (f: Fixture) => CommandResult, expected: string | RegExp, opts: RejectOptions = {}): void {
  const f = fixture(opts.fixture);
  const hash = f.ex.stateHash();
  const state = observableState(f.ex);
  const out = attempt(f.ex, () => cmd(f));
  assert.equal(out.thrown, undefined, `threw ${String(out.thrown)}`);
  const error = out.result?.error;
  if (typeof expected === 'string') assert.equal(error, expected);
  else assert.match(error ?? '(accepted: no error)', expected);
  const topUps: LedgerEntry[] = [];
  const moved = out.events.filter((e) => {
    if (e.type === 'trade') return true;
    if (e.type !== 'ledger') return false;
    const { from, to, type } = e.entry;
    const party = opts.topsUpMarginOf;
    if (
      party &&
      type === 'MARGIN_LOW' &&
      from.owner === party &&
      from.type === 'GENERAL' &&
      to.owner === party &&
      to.type === 'MARGIN'
    ) {
      topUps.push(e.entry);
      return false;
    }
    return true;
  });
  assert.deepEqual(moved, [], 'a rejected command moved money or traded');
  if (opts.topsUpMarginOf) assert.ok(topUps.length > 0, 'expected the pre-trade margin top-up');
  if (!opts.consumesOrderId) {
    assert.equal(observableState(f.ex), state, 'balances, orders, book or positions changed');
    assert.equal(f.ex.stateHash(), hash, 'state hash changed');
    return;
  }
  // the twin: same setup, one order id consumed, the margin account created and topped up as Vega does
  const twin = fixture(opts.fixture);
  burnOrderId(twin.ex);
  if (opts.createsMarginAccountFor) twin.ex.ledger.getOrCreate(opts.createsMarginAccountFor, 'MARGIN', USD.id, M);
  for (const t of topUps) {
    const l = twin.ex.ledger;
    l.transfer(
      l.get(t.from.owner, 'GENERAL', USD.id)!,
      l.get(t.to.owner, 'MARGIN', USD.id, M)!,
      t.amount,
      'MARGIN_LOW',
    );
  }
  assert.equal(observableState(f.ex), observableState(twin.ex), 'balances, orders, book or positions changed');
  assert.equal(f.ex.stateHash(), twin.ex.stateHash(), 'state hash differs by more than the consumed order id');
}

/** createMarket / registerAsset must throw a message naming the field, and leave the exchange as it was. */
function configRejects(fn: (ex: Exchange) => unknown, field: RegExp): void {
  const { ex } = fixture();
  const hash = ex.stateHash();
  const markets = [...ex.markets.keys()];
  const assets = [...ex.assets.entries()];
  const out = attempt(ex, () => fn(ex));
  assert.ok(out.thrown instanceof Error, 'accepted: expected an error naming the field');
  assert.match(out.thrown.message, field);
  assert.deepEqual(out.events, [], 'events were emitted');
  assert.equal(ex.stateHash(), hash, 'state hash changed (accounts left behind?)');
  assert.deepEqual([...ex.markets.keys()], markets);
  assert.deepEqual([...ex.assets.entries()], assets);
}

const submit = (s: Partial<OrderSubmission>) => (f: Fixture) =>
  f.ex.submitOrder({ ...limit('alice', 'buy', 100, 98000), ...s });
const amend =
  (a: Partial<OrderAmendment>, which: keyof Omit<Fixture, 'ex'> = 'aliceBid', party = 'alice') =>
  (f: Fixture) =>
    f.ex.amendOrder({ orderId: f[which], marketId: M, party, ...a });
/** Casts a deliberately ill-typed value (the API is typed; these come from untyped callers such as JSON). */
const bad = <T>(v: unknown): T => v as T;

// ------------------------------------------------------------------ orders

describe('order submission: market and party', () => {
  test('unknown market', () => rejects(submit({ marketId: 'NOPE' }), 'OrderError: Invalid Market ID'));
  test('party that never deposited', () =>
    rejects(submit({ party: 'dave' }), 'party has insufficient balance in asset', { consumesOrderId: true }));
  test('party with money in another asset only', () =>
    rejects(submit({ party: 'carol' }), 'party has insufficient balance in asset', { consumesOrderId: true }));
  test('empty party id', () => rejects(submit({ party: '' }), 'party: "" is not a valid party id'));
  test('not enough collateral: margin check failed (margin account created, as in Vega)', () =>
    rejects(submit({ size: 10_000_000 }), 'margin check failed', {
      consumesOrderId: true,
      createsMarginAccountFor: 'alice',
    }));
});

describe('order submission: size', () => {
  for (const size of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 53, 1e300]) {
    test(`size ${size}`, () => rejects(submit({ size }), 'OrderError: Invalid Size'));
  }
  test('size given as a string', () => rejects(submit({ size: bad<number>('100') }), 'OrderError: Invalid Size'));

  test('an order that takes the potential position past 2^53 is refused, nothing throws', () => {
    const { ex } = fixture({ mark: false });
    const first = attempt(ex, () => ex.submitOrder(limit('bob', 'buy', Number.MAX_SAFE_INTEGER, 95000)));
    assert.equal(first.thrown, undefined);
    const second = attempt(ex, () => ex.submitOrder(limit('bob', 'buy', 1, 95000)));
    assert.equal(second.thrown, undefined, `threw ${String(second.thrown)}`);
    // one of the two must be refused: the potential buy volume cannot be represented
    assert.ok(first.result?.error !== undefined || second.result?.error !== undefined);
  });
});

describe('order submission: price', () => {
  test('price not on the tick (tick 5)', () =>
    rejects(submit({ price: 98001 }), 'OrderError: price not in tick size', { consumesOrderId: true }));
  for (const price of [-5, 0, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53, 2 ** 60]) {
    test(`limit price ${price}`, () => rejects(submit({ price }), 'invalid order price'));
  }
  test('limit order without a price', () => rejects(submit({ price: undefined }), 'invalid order price'));
  test('price given as a string', () => rejects(submit({ price: bad<number>('98000') }), 'invalid order price'));
});

describe('order submission: side, type, time in force', () => {
  for (const side of ['BUY', 'long', '', undefined]) {
    test(`side ${JSON.stringify(side)}`, () =>
      rejects(submit({ side: bad(side) }), `side: "${String(side)}" must be buy or sell`));
  }
  test('type NETWORK (reserved for the network)', () =>
    rejects(submit({ type: 'NETWORK' }), 'invalid order type', { consumesOrderId: true }));
  for (const type of ['STOP', 'limit', undefined]) {
    test(`type ${JSON.stringify(type)}`, () => rejects(submit({ type: bad(type) }), 'OrderError: Invalid Type'));
  }
  for (const tif of ['XYZ', 'gtc', undefined]) {
    test(`time in force ${JSON.stringify(tif)}`, () =>
      rejects(submit({ tif: bad(tif) }), 'OrderError: invalid time in force'));
  }
  test('market order GTC', () =>
    rejects(submit({ type: 'MARKET', price: undefined }), 'OrderError: Invalid Persistence', {
      consumesOrderId: true,
      topsUpMarginOf: 'alice',
    }));
  test('GFA in continuous trading', () =>
    rejects(submit({ tif: 'GFA' }), 'gfa order received during continuous trading', { consumesOrderId: true }));
  test('GTT without an expiry', () =>
    rejects(submit({ tif: 'GTT' }), 'OrderError: Invalid Expiration Datetime', {
      consumesOrderId: true,
      topsUpMarginOf: 'alice',
    }));
  test('GTT expiring in the past', () =>
    rejects(
      (f) => f.ex.submitOrder(limit('alice', 'buy', 100, 98000, { tif: 'GTT', expiresAt: f.ex.now() - NS })),
      'invalid expiresAt time',
      {
        consumesOrderId: true,
      },
    ));
  test('post-only order that would trade', () =>
    rejects(submit({ price: 101000, postOnly: true }), 'OrderError: post only order would trade', {
      consumesOrderId: true,
      topsUpMarginOf: 'alice',
    }));
  test('reduce-only order that would add to the position (alice is long)', () =>
    rejects(submit({ reduceOnly: true }), 'OrderError: reduce only order would not reduce position', {
      consumesOrderId: true,
    }));
  test('iceberg with peak size 0', () =>
    rejects(
      submit({ iceberg: { peakSize: 0, minimumVisibleSize: 0 } }),
      'iceberg: peak size and minimum visible size must be positive integers',
    ));
  test('iceberg with a fractional peak', () =>
    rejects(
      submit({ iceberg: { peakSize: 1.5, minimumVisibleSize: 1 } }),
      'iceberg: peak size and minimum visible size must be positive integers',
    ));
});

describe('order submission: pegged orders', () => {
  const peg = (reference: string, offset: number, extra: Partial<OrderSubmission> = {}) =>
    submit({ price: undefined, peg: { reference: bad(reference), offset }, ...extra });
  test('buy referencing the best ask', () =>
    rejects(peg('BEST_ASK', 5), 'OrderError: buy cannot reference best ask price', { consumesOrderId: true }));
  test('sell referencing the best bid', () =>
    rejects(peg('BEST_BID', 5, { side: 'sell' }), 'OrderError: sell cannot reference best bid price', {
      consumesOrderId: true,
    }));
  test('mid peg with offset 0', () =>
    rejects(peg('MID', 0), 'OrderError: offset must be greater than zero', { consumesOrderId: true }));
  test('negative offset', () =>
    rejects(peg('BEST_BID', -5), 'OrderError: offset must be >= 0', { consumesOrderId: true }));
  test('offset not on the tick', () =>
    rejects(peg('BEST_BID', 7), 'OrderError: price not in tick size', { consumesOrderId: true }));
  // Vega's codes MUST_BE_LIMIT_ORDER / MUST_BE_GTT_OR_GTC have no string and print "invalid OrderError"
  test('pegged IOC (Vega: "invalid OrderError")', () =>
    rejects(peg('BEST_BID', 5, { tif: 'IOC' }), 'invalid OrderError', { consumesOrderId: true }));
  test('pegged market order (Vega: "invalid OrderError")', () =>
    rejects(peg('BEST_BID', 5, { type: 'MARKET', tif: 'IOC' }), 'invalid OrderError', { consumesOrderId: true }));
  test('fractional offset', () => rejects(peg('BEST_BID', 1.5), /offset.*integer/));
  test('unknown reference', () => rejects(peg('XYZ', 5), /reference/i));
  test('too many pegged orders (limits.markets.maxPeggedOrders = 2, two live already)', () =>
    rejects(peg('BEST_BID', 5), 'OrderError: too many pegged orders', { fixture: { maxPeggedOrders: 2 } }));
});

// ------------------------------------------------------------------ amend and cancel

describe('amend', () => {
  test('unknown market', () => rejects(amend({ marketId: 'NOPE', sizeDelta: 1 }), 'OrderError: Invalid Market ID'));
  test('unknown order', () =>
    rejects(
      (f) => f.ex.amendOrder({ orderId: 'O-nope', marketId: M, party: 'alice', sizeDelta: 1 }),
      'OrderError: Invalid Order ID',
    ));
  test('filled order', () => rejects(amend({ sizeDelta: 1 }, 'filled', 'bob'), 'OrderError: Invalid Order ID'));
  test("another party's order", () =>
    rejects(amend({ sizeDelta: 1 }, 'aliceBid', 'bob'), 'OrderError: Invalid Party ID'));
  for (const price of [Number.NaN, 1.5, Infinity, 2 ** 53]) {
    test(`price ${price}`, () => rejects(amend({ price }), 'price: must be an integer'));
  }
  test('negative price', () => rejects(amend({ price: -5 }), 'price and size must not be negative'));
  test('price not on the tick', () => rejects(amend({ price: 98001 }), 'OrderError: price not in tick size'));
  test('price 0', () => rejects(amend({ price: 0 }), /price/));
  test('negative size', () => rejects(amend({ size: -1 }), 'price and size must not be negative'));
  test('fractional size', () => rejects(amend({ size: 1.5 }), 'size: must be an integer'));
  test('NaN size delta', () => rejects(amend({ sizeDelta: Number.NaN }), 'sizeDelta: must be an integer'));
  test('size delta that overflows the safe integer range', () =>
    rejects(amend({ sizeDelta: Number.MAX_SAFE_INTEGER }), /size/i));
  test('size and size delta together (0004-AMND-059)', () => rejects(amend({ size: 50, sizeDelta: 10 }), /size/i));
  test('to GTT without an expiry', () =>
    rejects(amend({ tif: 'GTT' }), 'OrderError: Cannot amend order to GTT without an expiryAt field'));
  test('to GTC with an expiry', () =>
    rejects(
      (f) =>
        f.ex.amendOrder({
          orderId: f.aliceBid,
          marketId: M,
          party: 'alice',
          tif: 'GTC',
          expiresAt: f.ex.now() + 60n * NS,
        }),
      'OrderError: Cannot set ExpiryAt and GTC',
    ));
  test('to IOC', () => rejects(amend({ tif: 'IOC' }), 'OrderError: Cannot amend TIF to FOK or IOC'));
  test('to FOK', () => rejects(amend({ tif: 'FOK' }), 'OrderError: Cannot amend TIF to FOK or IOC'));
  test('to GFN', () => rejects(amend({ tif: 'GFN' }), 'OrderError: Cannot amend TIF to GFA or GFN'));
  test('expiry before the order was created', () =>
    rejects(amend({ tif: 'GTT', expiresAt: 1n }), 'OrderError: ExpiryAt field must not be before CreatedAt'));
  test('unknown time in force', () => rejects(amend({ tif: bad('XYZ') }), 'OrderError: invalid time in force'));
  test('pegged details on a limit order', () =>
    rejects(amend({ peggedOffset: 5 }), 'OrderError: cannot amend pegged details on a non pegged order'));
  // UNABLE_TO_AMEND_PRICE_ON_PEGGED_ORDER has no string in Vega
  test('price of a pegged order (Vega: "invalid OrderError")', () =>
    rejects(amend({ price: 101500 }, 'alicePegSell'), 'invalid OrderError'));
  test('fractional pegged offset', () =>
    rejects(amend({ peggedOffset: 1.5 }, 'aliceMidBuy'), 'peggedOffset: must be an integer'));
  test('pegged offset not on the tick', () =>
    rejects(amend({ peggedOffset: 7 }, 'aliceMidBuy'), 'OrderError: price not in tick size'));
  test('pegged sell moved to the best bid', () =>
    rejects(
      amend({ peggedReference: 'BEST_BID', peggedOffset: 0 }, 'alicePegSell'),
      'OrderError: sell cannot reference best bid price',
    ));
  test('pegged buy moved to the best ask', () =>
    rejects(amend({ peggedReference: 'BEST_ASK' }, 'aliceMidBuy'), 'OrderError: buy cannot reference best ask price'));
  test('mid peg amended to offset 0', () =>
    rejects(amend({ peggedOffset: 0 }, 'aliceMidBuy'), 'OrderError: offset must be greater than zero'));
  test('negative pegged offset', () =>
    rejects(amend({ peggedOffset: -5 }, 'aliceMidBuy'), 'OrderError: offset must be >= 0'));
  test('unknown pegged reference', () => rejects(amend({ peggedReference: bad('XYZ') }, 'aliceMidBuy'), /reference/i));
});

describe('cancel', () => {
  test('unknown market', () =>
    rejects((f) => f.ex.cancelOrder('alice', 'NOPE', f.aliceBid), 'OrderError: Invalid Market ID'));
  test('unknown order', () =>
    rejects((f) => f.ex.cancelOrder('alice', M, 'O-nope'), 'unable to find the order in the market'));
  test('filled order', () =>
    rejects((f) => f.ex.cancelOrder('bob', M, f.filled), 'unable to find the order in the market'));
  test("another party's order", () =>
    rejects((f) => f.ex.cancelOrder('bob', M, f.aliceBid), 'OrderError: Invalid Party ID'));
  test('cancel all in an unknown market', () =>
    rejects((f) => f.ex.cancelAllOrders('alice', 'NOPE'), 'OrderError: Invalid Market ID'));
});

// ------------------------------------------------------------------ collateral

describe('deposits and withdrawals', () => {
  // Vega's collateral engine says "invalid asset ID"; the engine's message names the asset
  test('deposit of an unknown asset', () =>
    rejects((f) => f.ex.deposit('alice', 'XYZ', 5n), 'asset "XYZ" is not registered'));
  for (const amount of [0n, -1n, 2n ** 256n]) {
    test(`deposit of ${amount}`, () =>
      rejects((f) => f.ex.deposit('alice', USD.id, amount), 'amount: must be a positive integer below 2^256'));
  }
  test('deposit to an invalid party id', () =>
    rejects((f) => f.ex.deposit('a b', USD.id, 5n), 'party: "a b" is not a valid party id'));
  test('deposit amount that is not a bigint', () =>
    rejects((f) => f.ex.deposit('alice', USD.id, bad<bigint>(1.5)), /amount/));
  // Vega: "not enough funds to withdraw"
  test('withdraw more than the general account holds (margin is not withdrawable)', () =>
    rejects(
      (f) => f.ex.withdraw('alice', USD.id, f.ex.ledger.get('alice', 'GENERAL', USD.id)!.balance + 1n),
      'invalid withdrawal, not enough funds in general account',
    ));
  for (const amount of [0n, -1n]) {
    test(`withdraw ${amount}`, () =>
      rejects((f) => f.ex.withdraw('alice', USD.id, amount), 'amount: must be a positive integer'));
  }
  test('withdraw by a party that never deposited', () =>
    rejects((f) => f.ex.withdraw('dave', USD.id, 1n), 'party has insufficient balance in asset'));
  test('withdraw of an unknown asset', () =>
    rejects((f) => f.ex.withdraw('alice', 'XYZ', 1n), /asset "XYZ" is not registered|invalid asset/));
  test('insurance funding of an unknown market', () =>
    rejects((f) => f.ex.fundInsurancePool('NOPE', 5n), 'market "NOPE" does not exist'));
  test('insurance funding of 0', () =>
    rejects((f) => f.ex.fundInsurancePool(M, 0n), 'amount: must be a positive integer below 2^256'));
});

describe('liquidity provisions', () => {
  const lp =
    (party: string, commitment: bigint, fee: string, market = M) =>
    (f: Fixture) =>
      f.ex.submitLiquidityProvision('lp1', party, market, commitment, Decimal.parse(fee));
  test('unknown market', () => rejects(lp('alice', 10n ** 8n, '0.01', 'NOPE'), 'OrderError: Invalid Market ID'));
  // Vega checks the minimum stake (market.liquidityProvision.minLpStakeQuantumMultiple x quantum) before anything else
  test('commitment 0 (below the minimum stake first)', () =>
    rejects(lp('alice', 0n, '0.01'), 'commitment amount is too low'));
  test('negative commitment', () => rejects(lp('alice', -5n, '0.01'), /commitment.*(negative|positive)/));
  test('negative fee', () => rejects(lp('alice', 10n ** 8n, '-0.01'), 'invalid liquidity provision fee'));
  test('fee above market.liquidity.maximumLiquidityFeeFactorLevel', () =>
    rejects(lp('alice', 10n ** 8n, '1.5'), 'invalid liquidity provision fee'));
  test('below the minimum stake (1 quantum)', () => rejects(lp('alice', 10n, '0.01'), 'commitment amount is too low'));
  test('more than the general account holds', () =>
    rejects(lp('alice', 10n ** 13n, '0.01'), 'not enough collateral in general account'));
  test('party that never deposited', () =>
    rejects(lp('dave', 10n ** 8n, '0.01'), 'not enough collateral in general account'));
});

// ------------------------------------------------------------------ configuration

describe('market creation with an invalid configuration', () => {
  const create = (cfg: MarketConfig) => (ex: Exchange) => ex.createMarket(cfg);
  const cm = (over: Partial<MarketConfig>) => create(continuousMarket('N', over));
  test('duplicate id', () => configRejects(create(continuousMarket(M)), /market M: already exists/));
  test('empty id', () => configRejects(create(continuousMarket('')), /^id: /));
  test('unknown settlement asset', () =>
    configRejects(cm({ settlementAsset: 'XYZ' }), /settlementAsset: asset "XYZ" is not registered/));
  for (const decimalPlaces of [-1, 1.5, 150]) {
    test(`decimalPlaces ${decimalPlaces}`, () => configRejects(cm({ decimalPlaces }), /^decimalPlaces: /));
  }
  test("decimalPlaces 6 above the asset's 5 is accepted (0070-MKTD: a price factor below 1)", () => {
    const { ex } = fixture();
    const m = ex.createMarket(continuousMarket('N', { decimalPlaces: 6 }));
    assert.equal(m.toAsset(15), 1n);
  });
  for (const positionDecimalPlaces of [7, -7, 0.5]) {
    test(`positionDecimalPlaces ${positionDecimalPlaces}`, () =>
      configRejects(cm({ positionDecimalPlaces }), /^positionDecimalPlaces: /));
  }
  test('tick size 0', () => configRejects(cm({ tickSize: 0n }), /^tickSize: /));
  test('tick size beyond the safe integer range', () => configRejects(cm({ tickSize: 2n ** 60n }), /tickSize: /));
  for (const fee of ['makerFee', 'infrastructureFee', 'liquidityFee'] as const) {
    test(`negative ${fee}`, () =>
      configRejects(cm({ fees: { ...SOME_FEES, [fee]: dec('-0.001') } }), new RegExp(`^fees\\.${fee}: `)));
  }
  for (const fee of ['treasuryFee', 'buyBackFee'] as const) {
    test(`negative ${fee}`, () =>
      configRejects(cm({ fees: { ...SOME_FEES, [fee]: dec('-0.001') } }), new RegExp(`fees\\.${fee}`)));
  }
  test('negative linear slippage factor', () =>
    configRejects(cm({ linearSlippageFactor: dec('-1') }), /^linearSlippageFactor: /));
  // a search level below 1 is accepted (Vega's own features use 0.5, e.g. 0090-VAMM-016); zero or less is not
  test('search level of zero', () =>
    configRejects(
      cm({
        marginScalingFactors: { searchLevel: dec('0'), initialMargin: dec('1.2'), collateralRelease: dec('1.4') },
      }),
      /^marginScalingFactors\.searchLevel: /,
    ));
  test('initial margin above collateral release', () =>
    configRejects(
      cm({
        marginScalingFactors: { searchLevel: dec('1.1'), initialMargin: dec('1.5'), collateralRelease: dec('1.4') },
      }),
      /^marginScalingFactors: /,
    ));
  test('price-monitoring probability 1', () =>
    configRejects(
      cm({ priceMonitoringTriggers: [{ horizon: 5, probability: dec('1'), auctionExtension: 5 }] }),
      /^priceMonitoringTriggers\[0\]\.probability: /,
    ));
  test('price-monitoring horizon 0', () =>
    configRejects(
      cm({ priceMonitoringTriggers: [{ horizon: 0, probability: dec('0.9'), auctionExtension: 5 }] }),
      /^priceMonitoringTriggers\[0\]\.horizon: /,
    ));
  test('negative simple risk factor', () =>
    configRejects(
      cm({
        riskModel: {
          ...(simpleMarket().riskModel as Extract<MarketConfig['riskModel'], { kind: 'simple' }>),
          factorLong: dec('-0.1'),
        },
      }),
      /^riskModel\.factors: /,
    ));
  const ln = { kind: 'logNormal' as const, riskAversionParameter: 0.001, tau: 0.0001, mu: 0, r: 0.016, sigma: 1.5 };
  test('log-normal tau 0', () =>
    configRejects(create(logNormalMarket({ id: 'N', riskModel: { ...ln, tau: 0 } })), /^riskModel\.tau: /));
  test('log-normal sigma NaN', () =>
    configRejects(
      create(logNormalMarket({ id: 'N', riskModel: { ...ln, sigma: Number.NaN } })),
      /^riskModel\.sigma: /,
    ));
  test('log-normal mu NaN', () =>
    configRejects(create(logNormalMarket({ id: 'N', riskModel: { ...ln, mu: Number.NaN } })), /riskModel\.mu/));
  test('fractional opening auction duration', () =>
    configRejects(cm({ openingAuctionDuration: 1.5 }), /openingAuctionDuration/));
  test('liquidation strategy out of range', () =>
    configRejects(
      cm({
        liquidationStrategy: {
          disposalTimeStep: 5,
          disposalFraction: dec('2'),
          fullDisposalSize: 10n,
          maxFractionConsumed: dec('0.5'),
          disposalSlippageRange: dec('-1'),
        },
      }),
      /liquidationStrategy\./,
    ));
  test('negative target-stake scaling factor', () =>
    configRejects(cm({ targetStake: { timeWindow: 3600, scalingFactor: dec('-1') } }), /targetStake\./));
});

describe('asset registration', () => {
  test('invalid decimals', () =>
    configRejects((ex) => ex.registerAsset({ id: 'EUR', decimals: -1, quantum: Decimal.ONE }), /EUR decimals: /));
  test('invalid id', () =>
    configRejects((ex) => ex.registerAsset({ id: 'E U R', decimals: 2, quantum: Decimal.ONE }), /asset id: /));
  test('duplicate id', () =>
    configRejects((ex) => ex.registerAsset({ id: USD.id, decimals: 2, quantum: Decimal.ONE }), /USD.*already/));
});
