// Releasing an LP bond that the network has already used (spec 0044-LIME: the bond covers margin shortfalls, and
// "if the bond stake has been slashed to a level lower than the amendment, this slashed level will be retained",
// 0044-LIME-020): cancelling or lowering a commitment releases what the bond account holds, never more, and the
// command does not throw. The bond is emptied here as the margin search does it (bond → margin, MARGIN_LOW).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';
import { newExchange, plainMarket, USD } from '../fixtures.ts';

const FUNDS = 1_000_000n;

function setup(slashTo: bigint) {
  const ex = newExchange({ params: { minLpStakeQuantumMultiple: Decimal.ZERO } });
  ex.createMarket(plainMarket('M'));
  assert.deepEqual(ex.deposit('lp', USD.id, FUNDS), {});
  assert.deepEqual(ex.submitLiquidityProvision('c1', 'lp', 'M', 10_000n, dec('0.01')), {});
  const bond = ex.ledger.get('lp', 'BOND', USD.id, 'M')!;
  assert.equal(bond.balance, 10_000n);
  const margin = ex.ledger.getOrCreate('lp', 'MARGIN', USD.id, 'M');
  ex.ledger.transfer(bond, margin, bond.balance - slashTo, 'MARGIN_LOW');
  const total = () => ex.ledger.accountsOf('lp').reduce((s, a) => (a.asset === USD.id ? s + a.balance : s), 0n);
  const general = () => ex.ledger.get('lp', 'GENERAL', USD.id)?.balance ?? 0n;
  return { ex, bond, margin, total, general };
}

test('cancelling a commitment whose bond account is empty releases nothing and does not throw', () => {
  const { ex, bond, margin, total, general } = setup(0n);
  const before = general();
  assert.deepEqual(ex.cancelLiquidityProvision('lp', 'M'), {});
  assert.equal(bond.balance, 0n);
  // what the bond covered stays where the margin search put it
  assert.equal(general(), before);
  assert.equal(margin.balance, 10_000n);
  assert.equal(total(), FUNDS);
});

test('cancelling a partly slashed commitment releases the 4,000 left in the bond, not the 10,000 committed', () => {
  const { ex, bond, total, general } = setup(4_000n);
  const before = general();
  assert.deepEqual(ex.cancelLiquidityProvision('lp', 'M'), {});
  assert.equal(bond.balance, 0n);
  assert.equal(general() - before, 4_000n);
  assert.equal(total(), FUNDS);
});

test('lowering a slashed commitment keeps the slashed level: nothing is released, nothing drawn from general', () => {
  const { ex, bond, total, general } = setup(3_000n);
  const before = general();
  // 10,000 → 5,000 while the bond holds 3,000: the slashed level is kept (0044-LIME-020)
  assert.deepEqual(ex.amendLiquidityProvision('lp', 'M', 5_000n, undefined), {});
  assert.equal(bond.balance, 3_000n);
  assert.equal(general(), before);
  assert.equal(total(), FUNDS);
});

test('lowering a partly slashed commitment reduces the bond to the new level: 8,000 → 5,000 releases 3,000', () => {
  const { ex, bond, total, general } = setup(8_000n);
  const before = general();
  // 0044-LIME-020: "the protocol will attempt to reduce the bond to the new level"
  assert.deepEqual(ex.amendLiquidityProvision('lp', 'M', 5_000n, undefined), {});
  assert.equal(bond.balance, 5_000n);
  assert.equal(general() - before, 3_000n);
  assert.equal(total(), FUNDS);
});
