// When the network's margin levels are emitted after a mark-to-market (Vega's collateral MarkToMarket hands the
// risk engine a margin event for each flow-less position met before the first win, the network's included; the
// network's own losses and wins, and everything from the first win on, are left out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkMarginEvent } from '../../../src/core/market/settle.ts';
import { NETWORK_PARTY } from '../../../src/core/types.ts';

const e = (party: string, amount: bigint) => ({ party, amount });

test('network margin event: a zero flow ahead of the first win', () => {
  assert.equal(networkMarginEvent([e('A', -5n), e(NETWORK_PARTY, 0n), e('B', 5n)]), true);
  assert.equal(networkMarginEvent([e('A', 0n), e(NETWORK_PARTY, 0n)]), true, 'no wins at all');
});

test('no network margin event: after the first win, with a flow of its own, or without a position in the MTM', () => {
  assert.equal(networkMarginEvent([e('A', -5n), e('B', 5n), e(NETWORK_PARTY, 0n)]), false);
  assert.equal(networkMarginEvent([e(NETWORK_PARTY, -5n), e('B', 5n)]), false);
  assert.equal(networkMarginEvent([e('A', -5n), e(NETWORK_PARTY, 5n)]), false);
  assert.equal(networkMarginEvent([e('A', -5n), e('B', 5n)]), false);
  assert.equal(networkMarginEvent([]), false);
});
