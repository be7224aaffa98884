// Ledger (spec 0013-ACCT, 0005-COLL): double-entry transfers; EXTERNAL is the only account that may go negative;
// a failed transfer changes nothing; totals per asset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InsufficientFundsError, Ledger, type LedgerEntry } from '../../../src/core/ledger/ledger.ts';

function setup() {
  const l = new Ledger();
  const entries: LedgerEntry[] = [];
  l.listener = { onEntry: (e) => entries.push(e) };
  const ext = l.external('USD');
  const a = l.getOrCreate('alice', 'GENERAL', 'USD');
  const b = l.getOrCreate('bob', 'GENERAL', 'USD');
  return { l, entries, ext, a, b };
}

test('a transfer moves the amount and reports both balances after it', () => {
  const { l, entries, ext, a, b } = setup();
  l.transfer(ext, a, 100n, 'DEPOSIT');
  const e = l.transfer(a, b, 30n, 'MTM_WIN')!;
  assert.deepEqual([a.balance, b.balance], [70n, 30n]);
  assert.deepEqual([e.amount, e.fromBalance, e.toBalance, e.type], [30n, 70n, 30n, 'MTM_WIN']);
  assert.equal(entries.length, 2);
  assert.equal(l.transfer(a, b, 0n, 'MTM_WIN'), undefined); // zero: no entry
  assert.equal(entries.length, 2);
});

test('EXTERNAL may go negative (deposits); its negative is the net deposits', () => {
  const { l, ext, a } = setup();
  l.transfer(ext, a, 100n, 'DEPOSIT');
  l.transfer(a, ext, 40n, 'WITHDRAW');
  assert.equal(ext.balance, -60n);
  assert.equal(l.netDeposits('USD'), 60n);
});

test('insufficient funds throws InsufficientFundsError and changes nothing', () => {
  const { l, entries, ext, a, b } = setup();
  l.transfer(ext, a, 10n, 'DEPOSIT');
  assert.throws(() => l.transfer(a, b, 11n, 'MTM_LOSS'), InsufficientFundsError);
  assert.deepEqual([a.balance, b.balance, entries.length], [10n, 0n, 1]);
  assert.throws(() => l.transfer(a, b, -1n, 'MTM_LOSS'), RangeError);
  const btc = l.getOrCreate('bob', 'GENERAL', 'BTC');
  assert.throws(() => l.transfer(a, btc, 1n, 'MTM_LOSS'), /across assets/);
  assert.equal(a.balance, 10n);
});

test('transferUpTo moves min(amount, balance) and returns it', () => {
  const { l, ext, a, b } = setup();
  l.transfer(ext, a, 10n, 'DEPOSIT');
  assert.equal(l.transferUpTo(a, b, 4n, 'MARGIN_LOW'), 4n);
  assert.equal(l.transferUpTo(a, b, 100n, 'MARGIN_LOW'), 6n);
  assert.equal(l.transferUpTo(a, b, 1n, 'MARGIN_LOW'), 0n);
  assert.deepEqual([a.balance, b.balance], [0n, 10n]);
});

test('totalHeld sums the non-EXTERNAL accounts of one asset: equal to net deposits', () => {
  const { l, ext, a, b } = setup();
  l.transfer(ext, a, 70n, 'DEPOSIT');
  l.transfer(ext, b, 30n, 'DEPOSIT');
  l.transfer(a, l.getOrCreate('alice', 'MARGIN', 'USD', 'M'), 25n, 'MARGIN_LOW');
  l.transfer(l.external('BTC'), l.getOrCreate('alice', 'GENERAL', 'BTC'), 5n, 'DEPOSIT');
  assert.equal(l.totalHeld('USD'), 100n);
  assert.equal(l.totalHeld('USD'), l.netDeposits('USD'));
  assert.equal(l.totalHeld('BTC'), 5n);
  assert.deepEqual(l.assets(), ['BTC', 'USD']);
  assert.deepEqual(
    l.accountsOf('alice').map((x) => `${x.type}/${x.asset}`),
    ['GENERAL/USD', 'MARGIN/USD', 'GENERAL/BTC'],
  );
});
