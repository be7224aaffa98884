// Property test of the whole engine: a seeded generator drives 100,000 random commands (every order type and time in
// force, amends, cancels, deposits, withdrawals, liquidity provisions, time steps, price shocks that cause close-outs,
// oracle data) against an Exchange with four markets: two futures that never expire, a perpetual with hourly funding
// periods, composite mark and internal prices and an oracle (spot and index prices, stale and foreign data), and a
// future that the oracle terminates and then settles (after which the market is gone). After every command it checks
// that:
//  - money is neither created nor destroyed: per asset, the non-EXTERNAL balances sum to the net deposits, no balance
//    is negative, every ledger entry moves a positive amount (zero only where Vega records one too) between two
//    accounts of one asset, and every balance is explained by the ledger entries emitted so far;
//  - no command throws (the engine reports rejections as {error});
//  - the book is not crossed in continuous trading, live orders, the book and the positions' potential volumes agree,
//    and open volumes sum to zero.
// The recorded stream is then replayed on a fresh exchange and must give the same state hashes and results.
// PROPERTY_SEED=<n> runs another seed; PROPERTY_VERBOSE=1 prints what the stream exercised.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKPOINT_EVERY, COMMANDS, OTHER_SEED, SEED, SHORT_RUN } from './property/commands.ts';
import { run, type RunResult } from './property/run.ts';
import type { Counts } from './property/checker.ts';

// ------------------------------------------------------------------ tests

let main: RunResult;
let replay: RunResult;

before(() => {
  main = run({ seed: SEED, n: COMMANDS, verify: true });
  replay = run({ replay: main.commands, n: COMMANDS, verify: false });
  if (process.env.PROPERTY_VERBOSE) {
    const sorted = Object.entries(main.counts).sort(([a], [b]) => (a < b ? -1 : 1));
    console.log(`seed ${SEED}: main run ${main.ms.toFixed(0)} ms, replay ${replay.ms.toFixed(0)} ms`);
    for (const [k, v] of sorted) console.log(`${String(v).padStart(8)}  ${k}`);
  }
});

test(`${COMMANDS} random commands: no command throws (rejections come back as {error})`, () => {
  assert.deepEqual(main.problems.thrown, [], `${main.counts.thrown ?? 0} commands threw`);
});

test(`${COMMANDS} random commands: money is neither created nor destroyed, no balance goes negative, every ledger entry stays in one asset`, () => {
  assert.deepEqual(main.problems.money, []);
  for (const asset of main.exchange.assets.keys()) {
    assert.equal(main.exchange.ledger.totalHeld(asset), main.exchange.ledger.netDeposits(asset), asset);
  }
});

test(`${COMMANDS} random commands: the book is never crossed in continuous trading, live orders and positions agree`, () => {
  assert.deepEqual(main.problems.book, []);
});

test('the same command stream on a fresh exchange gives identical state hashes and results', () => {
  assert.equal(main.hashes.size, COMMANDS / CHECKPOINT_EVERY + 1);
  for (const [i, h] of main.hashes) assert.equal(replay.hashes.get(i), h, `state hash after ${i} commands`);
  assert.equal(replay.finalHash, main.finalHash);
  const firstDiff = main.errors.findIndex((e, i) => e !== replay.errors[i]);
  assert.equal(firstDiff, -1, `command #${firstDiff} gave ${main.errors[firstDiff]} then ${replay.errors[firstDiff]}`);
  const events = (c: Counts) => Object.entries(c).filter(([k]) => k.startsWith('event:'));
  assert.deepEqual(events(replay.counts), events(main.counts));
});

test('a different seed gives a different state', () => {
  const other = run({ seed: OTHER_SEED, n: SHORT_RUN, verify: false });
  assert.notEqual(other.finalHash, main.hashes.get(SHORT_RUN));
});

test('the stream exercised trades, close-outs, expiries, auctions, rejections and the rest', () => {
  const c = main.counts;
  const need = [
    'trades',
    'auctionTrades',
    'trades:NETWORK_CLOSE_OUT_BAD',
    'trades:NETWORK_CLOSE_OUT_GOOD',
    'event:settleDistressed',
    'event:lossSocialisation',
    'expiredOrders',
    'order:EXPIRED',
    'auctionsEntered',
    'auctionsLeft',
    'auctionExtensions',
    'rejections',
    'order:PARKED',
    'peggedActive',
    'icebergWithReserve',
    'order:STOPPED',
    'order:CANCELLED',
    'order:FILLED',
    'order:PARTIALLY_FILLED',
    'lp:ACTIVE',
    'lp:PENDING',
    'ok:amend',
    'ok:cancel',
    'ok:cancelAll',
    'ok:withdraw',
    'ok:deposit',
    'ok:insurance',
    'ok:tick',
    'transfer:MARGIN_CONFISCATED',
    'transfer:MAKER_FEE_RECEIVE',
    'transfer:BOND_LOW',
    ...['GTC', 'GTT', 'IOC', 'FOK', 'GFA', 'GFN'].map((tif) => `submit:LIMIT ${tif}`),
    'submit:MARKET IOC',
    'submit:MARKET FOK',
    'submit:iceberg',
    'submit:post-only',
    'submit:reduce-only',
    ...['BEST_BID', 'BEST_ASK', 'MID'].flatMap((ref) => [`submit:pegged ${ref}`, `submit:pegged ${ref} iceberg`]),
    ...['price', 'sizeDelta', 'size', 'tif', 'expiresAt', 'peggedOffset', 'peggedReference'].map((f) => `amend:${f}`),
    'error:margin check failed',
    'error:OrderError: post only order would trade',
    'error:OrderError: reduce only order would not reduce position',
    'error:OrderError: non-persistent order trades out of price bounds',
    'error:gfa order received during continuous trading',
    'error:OrderError: too many pegged orders',
    'error:invalid withdrawal, not enough funds in general account',
    'error:liquidity provision already exists',
    // perpetual funding and composite prices; the future's expiry
    'ok:oracle',
    'event:fundingPeriod',
    'event:fundingPayments',
    'transfer:PERPETUALS_FUNDING_WIN',
    'transfer:PERPETUALS_FUNDING_LOSS',
    'funding:longsPay',
    'funding:shortsPay',
    'markPrice:PERP',
    'error:trading not allowed',
    'event:settleMarket',
    'transfer:WIN',
    'transfer:LOSS',
  ];
  const missing = need.filter((k) => !((c[k] ?? 0) > 0));
  assert.deepEqual(missing, [], `never exercised: ${missing.join(', ')}`);
  assert.equal(main.commands.length, COMMANDS);
});

// ------------------------------------------------------------------ minimal reproductions of engine bugs found

/** Market M: continuous (no opening auction), tick 5, price factor 1000; parties a..d hold 10,000,000 USD. */
