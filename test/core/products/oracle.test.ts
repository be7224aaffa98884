// Oracle spec matching (spec 0045-DSRC, 0047-DSRF; R4 §2.2, §2.5): data signers ⊆ spec signers unless the data is
// built-in, every filter property present, every condition holds (parsed per type; a bad value throws); settlement
// values scaled floor(value × 10^(adp − odp)), decimals rejected when finer than the asset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OracleError, scaleToAsset, specMatches, type OracleData } from '../../../src/core/products/oracle.ts';
import type { OracleFilter } from '../../../src/core/config/market.ts';

const data = (properties: Record<string, string>, signers: string[] = ['0xA']): OracleData => ({
  signers,
  properties,
  timestamp: 0n,
});
const spec = (filters?: OracleFilter[]) => ({
  signers: ['0xA', '0xB'],
  property: 'price',
  ...(filters ? { filters } : {}),
});

test('every signer of the data must be one of the spec signers', () => {
  const p = { price: '1' };
  assert.equal(specMatches(spec(), data(p, ['0xB'])), true);
  assert.equal(specMatches(spec(), data(p, ['0xA', '0xB'])), true);
  assert.equal(specMatches(spec(), data(p, ['0xA', '0xC'])), false);
  assert.equal(specMatches(spec(), data(p, [])), false);
});

test('built-in data needs no signer', () => {
  const s = { signers: [], property: 'vegaprotocol.builtin.timestamp' };
  assert.equal(specMatches(s, data({ 'vegaprotocol.builtin.timestamp': '1700000000' }, [])), true);
});

test('data that is not purely built-in is signer-checked even against a built-in spec', () => {
  const s = { signers: [], property: 'vegaprotocol.builtin.timestamp' };
  const forged = data({ 'vegaprotocol.builtin.timestamp': '1700000000', other: 'x' }, ['0xEVIL']);
  assert.equal(specMatches(s, forged), false);
});

test('a missing filter property means no match; extra properties are fine', () => {
  assert.equal(specMatches(spec(), data({ other: '1' })), false);
  assert.equal(specMatches(spec(), data({ price: '1', other: 'x' })), true);
});

test('INTEGER conditions compare numerically', () => {
  const s = spec([{ property: 'price', type: 'INTEGER', conditions: [{ operator: 'GREATER_THAN', value: '9' }] }]);
  assert.equal(specMatches(s, data({ price: '10' })), true); // 10 > 9, although "10" < "9" as text
  assert.equal(specMatches(s, data({ price: '9' })), false);
});

test('TIMESTAMP and BOOLEAN conditions', () => {
  const ts = spec([
    { property: 'price', type: 'TIMESTAMP', conditions: [{ operator: 'LESS_THAN_OR_EQUAL', value: '1700000000' }] },
  ]);
  assert.equal(specMatches(ts, data({ price: '1700000000' })), true);
  assert.equal(specMatches(ts, data({ price: '1700000001' })), false);
  const bool = spec([{ property: 'price', type: 'BOOLEAN', conditions: [{ operator: 'EQUALS', value: 'true' }] }]);
  assert.equal(specMatches(bool, data({ price: 'TRUE' })), true); // Go ParseBool spellings
  assert.equal(specMatches(bool, data({ price: '1' })), true);
  assert.equal(specMatches(bool, data({ price: 'false' })), false);
});

test('an unparsable condition value throws OracleError', () => {
  const s = spec([{ property: 'price', type: 'INTEGER', conditions: [{ operator: 'EQUALS', value: 'ten' }] }]);
  assert.throws(() => specMatches(s, data({ price: '10' })), OracleError);
  const b = spec([{ property: 'price', type: 'BOOLEAN', conditions: [{ operator: 'EQUALS', value: 'yes' }] }]);
  assert.throws(() => specMatches(b, data({ price: 'true' })), OracleError);
});

test('scaleToAsset: integers scaled up or floored down to the asset decimals', () => {
  assert.equal(scaleToAsset('12345', 'INTEGER', 2, 5), 12_345_000n); // × 10^3
  assert.equal(scaleToAsset('12345', 'INTEGER', 5, 2), 12n); // 12.345 → 12
  assert.equal(scaleToAsset('-5', 'INTEGER', 0, 0), undefined);
});

test('scaleToAsset: decimals are scaled by the asset decimals and rejected when finer', () => {
  assert.equal(scaleToAsset('1000.5', 'DECIMAL', 0, 3), 1_000_500n);
  assert.equal(scaleToAsset('1000.5', 'DECIMAL', 0, 1), 10_005n);
  assert.equal(scaleToAsset('1000.55', 'DECIMAL', 0, 1), undefined);
  assert.equal(scaleToAsset('-1', 'DECIMAL', 0, 3), undefined);
});
