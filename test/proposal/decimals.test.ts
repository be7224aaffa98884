// A market may quote more decimals than its settlement asset (0070-MKTD) as long as market decimals + position
// decimals stay within the asset's: such a proposal is valid and the engine now takes it (it used to refuse it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProposal } from '../../src/proposal/index.ts';
import { read } from './helpers.ts';

test('market decimals above the asset (USDT 6) with negative position decimals: 7 + (−1) ≤ 6 is accepted', () => {
  const j = read('link-usd-perp');
  j.terms.newMarket.changes.decimalPlaces = '7';
  j.terms.newMarket.changes.positionDecimalPlaces = '-1';
  j.terms.newMarket.changes.tickSize = '1';
  const p = parseProposal(j);
  assert.equal(p.config.decimalPlaces, 7);
  assert.equal(p.asset.decimals, 6);
});
