// Shared fixtures of the proposal tests: the seed proposals on disk, decimals, the LINK/USD oracle spec and the
// validation issues a parse raises.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Decimal } from '../../src/core/index.ts';
import { ProposalValidationError } from '../../src/proposal/index.ts';

export const root = new URL('../../', import.meta.url);
export const scenario = (name: string) => new URL(`scenarios/${name}.proposal.json`, root).pathname;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
export const read = (name: string): Json => JSON.parse(readFileSync(scenario(name), 'utf8'));
export const d = (s: string) => Decimal.parse(s);
export const CHANGES = 'terms.newMarket.changes';
export const CHAINLINK_LINK_USD = '0x2c1d072e956affc0d435cb7ac38ef18d24d9127c';
export const LINK_PRICE = {
  signers: [CHAINLINK_LINK_USD],
  property: 'link.price',
  decimals: 8,
  filters: [
    {
      property: 'link.price',
      type: 'INTEGER',
      decimals: 8,
      conditions: [{ operator: 'GREATER_THAN_OR_EQUAL', value: '0' }],
    },
  ],
};

export function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProposalValidationError) return [...e.issues];
    throw e;
  }
  assert.fail('expected a ProposalValidationError');
}
