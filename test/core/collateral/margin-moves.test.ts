// MarginMoves on a real ledger (spec 0010-MARG margin search and release, 0019-MCAL isolated margin, 0011-MARA order
// margin): where a top-up comes from, when a party is distressed, what a release leaves, and the isolated-margin
// account moves. Expected balances are worked out by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MarginMoves } from '../../../src/core/collateral/margin-moves.ts';
import { Ledger, type Account } from '../../../src/core/ledger/ledger.ts';
import { Decimal } from '../../../src/core/num/decimal.ts';

const ASSET = 'USD';
const MARKET = 'M';
// maintenance 100, search 120 (1.2×), initial 150 (1.5×), release 200 (2×)
const LV = { maintenance: 100n, search: 120n, initial: 150n, release: 200n };

function world() {
  const ledger = new Ledger();
  const slashed: [string, bigint][] = [];
  const margin = (party: string) => ledger.getOrCreate(party, 'MARGIN', ASSET, MARKET);
  const moves = new MarginMoves({
    ledger,
    asset: ASSET,
    marketId: MARKET,
    marginAccount: margin,
    bond: (party) => ledger.get(party, 'BOND', ASSET, MARKET),
    bondSlashing: (party, amount) => slashed.push([party, amount]),
  });
  const fund = (account: Account, amount: bigint) =>
    ledger.transfer(ledger.external(ASSET), account, amount, 'DEPOSIT');
  const general = (party: string) => ledger.getOrCreate(party, 'GENERAL', ASSET);
  const bond = (party: string) => ledger.getOrCreate(party, 'BOND', ASSET, MARKET);
  const om = (party: string) => ledger.getOrCreate(party, 'ORDER_MARGIN', ASSET, MARKET);
  return { ledger, moves, slashed, margin, general, bond, om, fund };
}

test("an order's top-up takes general first, then the bond, which is slashed for what it paid", () => {
  const w = world();
  w.fund(w.general('P'), 30n);
  w.fund(w.bond('P'), 50n);
  // need 100: general pays 30, the bond its 50 (70 asked)
  w.moves.orderTopUp('P', w.margin('P'), w.general('P'), w.bond('P'), 100n);
  assert.equal(w.margin('P').balance, 80n);
  assert.equal(w.general('P').balance, 0n);
  assert.equal(w.bond('P').balance, 0n);
  assert.deepEqual(w.slashed, [['P', 50n]]);
});

test('settlement search tops up to initial, partially, and reports the bond shortfall and distress', () => {
  const w = world();
  w.fund(w.margin('A'), 90n);
  w.fund(w.general('A'), 40n);
  w.fund(w.bond('A'), 5n);
  // 90 < search 120: wants 60 (to initial), needs at least 10 (to maintenance); general 40 + bond 5 = 45 moved
  const a = w.moves.settlementSearch('A', w.margin('A'), w.general('A'), LV, false);
  assert.deepEqual(a, { distressed: false, shortfall: 20n }); // 60 wanted − 40 in general
  assert.equal(w.margin('A').balance, 135n);
  assert.deepEqual(w.slashed, []); // the caller slashes after every party
  w.fund(w.margin('B'), 50n);
  w.fund(w.general('B'), 20n);
  // wants 100, needs at least 50; only 20 moves: distressed, no bond so no shortfall
  const b = w.moves.settlementSearch('B', w.margin('B'), w.general('B'), LV, false);
  assert.deepEqual(b, { distressed: true, shortfall: 0n });
  assert.equal(w.margin('B').balance, 70n);
  assert.equal(w.general('B').balance, 0n);
});

test('at or above the release level the margin goes back to initial, except in auctions', () => {
  const w = world();
  w.fund(w.margin('R'), 250n);
  w.moves.settlementSearch('R', w.margin('R'), w.general('R'), LV, true);
  assert.equal(w.margin('R').balance, 250n);
  w.moves.settlementSearch('R', w.margin('R'), w.general('R'), LV, false);
  assert.equal(w.margin('R').balance, 150n);
  assert.equal(w.general('R').balance, 100n);
  // between search and release nothing moves
  w.moves.recheckSearch('R', w.margin('R'), w.general('R'), LV, false);
  assert.equal(w.margin('R').balance, 150n);
});

test('a recheck moves nothing when general, bond and margin together miss the minimum top-up', () => {
  const w = world();
  w.fund(w.margin('P'), 40n);
  w.fund(w.general('P'), 5n);
  // minimum 60 (to maintenance); 5 + 0 + 40 = 45 < 60
  w.moves.recheckSearch('P', w.margin('P'), w.general('P'), LV, false);
  assert.equal(w.margin('P').balance, 40n);
  assert.equal(w.general('P').balance, 5n);
  w.fund(w.general('P'), 15n);
  w.fund(w.bond('P'), 10n);
  // 20 + 10 + 40 = 70 ≥ 60: general 20 and bond 10 move; the penalty is on 110 wanted − 20 in general
  w.moves.recheckSearch('P', w.margin('P'), w.general('P'), LV, false);
  assert.equal(w.margin('P').balance, 70n);
  assert.equal(w.bond('P').balance, 0n);
  assert.deepEqual(w.slashed, [['P', 90n]]);
});

test("a flat party's margin and order margin are released; no margin account, nothing to release", () => {
  const w = world();
  assert.equal(w.moves.releaseAll('N'), false);
  assert.equal(w.ledger.get('N', 'GENERAL', ASSET), undefined);
  w.fund(w.margin('F'), 12n);
  w.fund(w.om('F'), 3n);
  assert.equal(w.moves.releaseAll('F'), true);
  assert.equal(w.general('F').balance, 15n);
  assert.equal(w.margin('F').balance + w.om('F').balance, 0n);
});

test('the order-margin account moves to its target only when general covers an increase', () => {
  const w = world();
  w.fund(w.om('P'), 10n);
  w.fund(w.general('P'), 5n);
  assert.equal(w.moves.setOrderMargin('P', 20n), false); // needs 10, general holds 5
  assert.deepEqual([w.om('P').balance, w.general('P').balance], [10n, 5n]);
  assert.equal(w.moves.setOrderMargin('P', 14n), true);
  assert.deepEqual([w.om('P').balance, w.general('P').balance], [14n, 1n]);
  assert.equal(w.moves.setOrderMargin('P', 4n), true);
  assert.deepEqual([w.om('P').balance, w.general('P').balance], [4n, 11n]);
});

test('a passive isolated trade moves margin from order margin, and a flip resets it to the new part', () => {
  const w = world();
  const half = Decimal.parse('0.5');
  w.fund(w.om('I'), 150n);
  // 0 → +2 at 100: 2 × 100 × 0.5 = 100 from order margin; the orders now need none, the other 50 goes to general
  const m1 = w.moves.isolatedPassiveTrade(
    'I',
    { old: 0, newVolume: 2, price: 100n, size: 2 },
    half,
    Decimal.ONE,
    100n,
    0n,
  );
  assert.equal(m1, 100n);
  assert.deepEqual([w.om('I').balance, w.general('I').balance], [0n, 50n]);
  // +2 → −1 (sells 3 at 100): the new short of 1 needs 1 × 100 × 0.5 = 50, so 50 of the 100 goes back
  const m2 = w.moves.isolatedPassiveTrade(
    'I',
    { old: 2, newVolume: -1, price: 100n, size: 3 },
    half,
    Decimal.ONE,
    100n,
    0n,
  );
  assert.equal(m2, 50n);
  assert.equal(w.general('I').balance, 100n);
});

test('switching to isolated sets the position and order margin; back to cross merges them', () => {
  const w = world();
  w.fund(w.margin('S'), 10n);
  w.fund(w.general('S'), 100n);
  w.moves.switchToIsolated('S', w.margin('S'), 60n, 30n);
  assert.deepEqual([w.margin('S').balance, w.om('S').balance, w.general('S').balance], [60n, 30n, 20n]);
  w.moves.switchToCross('S', w.margin('S'));
  assert.deepEqual([w.margin('S').balance, w.om('S').balance, w.general('S').balance], [90n, 0n, 20n]);
});
