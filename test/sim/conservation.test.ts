// The conservation checker finds what it must: a balance changed without a ledger event (at the block end for a
// touched account, at a full scan for any account), a transfer whose reported balances do not follow from the
// amount, and a difference between the money held and the net deposits. A correct ledger passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger } from '../../src/core/index.ts';
import { ConservationChecker } from '../../src/sim/conservation.ts';

function setup() {
  const ledger = new Ledger();
  const checker = new ConservationChecker();
  ledger.listener = { onAccountCreated: (a) => checker.onAccountCreated(a), onEntry: (e) => checker.onEntry(e) };
  const ext = ledger.external('USD');
  const alice = ledger.getOrCreate('alice', 'GENERAL', 'USD');
  const margin = ledger.getOrCreate('alice', 'MARGIN', 'USD', 'M');
  const bob = ledger.getOrCreate('bob', 'GENERAL', 'USD');
  ledger.transfer(ext, alice, 1000n, 'DEPOSIT');
  ledger.transfer(ext, bob, 500n, 'DEPOSIT');
  ledger.transfer(alice, margin, 300n, 'MARGIN_LOW');
  ledger.transfer(margin, bob, 50n, 'MTM_LOSS');
  return { ledger, checker, alice, margin, bob };
}

test('a correct ledger passes every check', () => {
  const { ledger, checker } = setup();
  checker.endBlock();
  checker.fullScan(ledger.all());
  const r = checker.report();
  assert.equal(r.ok, true, r.failure);
  assert.equal(r.transfersChecked, 4);
  assert.equal(r.accounts, 4);
  assert.deepEqual(r.netDeposits, { USD: '1500' });
});

test('a touched account whose balance changed without an event fails at the block end', () => {
  const { checker, margin } = setup();
  checker.where = 'block 7';
  margin.balance += 1n; // money from nowhere
  checker.endBlock();
  const r = checker.report();
  assert.equal(r.ok, false);
  assert.match(r.failure!, /^block 7: M\|alice\|USD\|MARGIN: engine holds 251, the ledger events say 250/);
});

test('an untouched account changed without an event fails at the next full scan', () => {
  const { ledger, checker, bob } = setup();
  checker.endBlock();
  assert.equal(checker.report().ok, true);
  bob.balance -= 10n;
  checker.endBlock(); // bob was not touched in this block
  assert.equal(checker.report().ok, true);
  checker.fullScan(ledger.all());
  assert.match(checker.report().failure!, /!\|bob\|USD\|GENERAL: engine holds 540, the ledger events say 550/);
});

test('a transfer whose reported balances do not follow from the amount fails', () => {
  const { checker, alice, bob } = setup();
  checker.onEntry({ from: alice, to: bob, amount: 10n, type: 'MTM_LOSS', fromBalance: 690n, toBalance: 560n });
  assert.equal(checker.report().ok, true, 'a consistent entry');
  const { checker: c2, alice: a2, bob: b2 } = setup();
  c2.onEntry({ from: a2, to: b2, amount: 10n, type: 'MTM_LOSS', fromBalance: 690n, toBalance: 561n });
  assert.match(c2.report().failure!, /!\|bob\|USD\|GENERAL reports 561, expected 560/);
  const { checker: c3, alice: a3, bob: b3 } = setup();
  c3.onEntry({ from: a3, to: b3, amount: -5n, type: 'MTM_LOSS', fromBalance: 705n, toBalance: 545n });
  assert.match(c3.report().failure!, /negative amount -5/);
  // a recorded zero transfer is fine
  const { checker: c4, alice: a4, bob: b4 } = setup();
  c4.onEntry({ from: a4, to: b4, amount: 0n, type: 'LIQUIDITY_FEE_ALLOCATE', fromBalance: 700n, toBalance: 550n });
  assert.equal(c4.report().ok, true);
});
