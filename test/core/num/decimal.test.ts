import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal, dec } from '../../../src/core/num/decimal.ts';
import { ceilDiv, floorDiv, medianBig } from '../../../src/core/num/bigint.ts';

test('parses plain, signed and exponent forms', () => {
  assert.equal(dec('0.25').toString(), '0.25');
  assert.equal(dec('-1.50').toString(), '-1.5');
  assert.equal(dec('1e-9').toString(), '0.000000001');
  assert.equal(dec('1e0').toString(), '1');
  assert.equal(dec('1.5E+3').toString(), '1500');
  assert.equal(dec('0.08628781058136630000').toString(), '0.0862878105813663');
  assert.equal(dec('.5').toString(), '0.5');
});

test('rejects malformed numbers with the field name', () => {
  for (const bad of ['', 'abc', '1.2.3', '--1', '1e', '0x10']) {
    assert.throws(() => Decimal.parse(bad, 'price'), /price: .* is not a decimal number/);
  }
});

test('fromFloat uses the shortest round-trip representation', () => {
  assert.equal(Decimal.fromFloat(0.1).toString(), '0.1');
  assert.equal(Decimal.fromFloat(1e-7).toString(), '0.0000001');
  assert.equal(Decimal.fromFloat(0.1 + 0.2).toString(), '0.30000000000000004');
});

test('division rounds to 16 places half away from zero', () => {
  assert.equal(dec('1').div(dec('3')).toString(), '0.3333333333333333');
  assert.equal(dec('2').div(dec('3')).toString(), '0.6666666666666667');
  assert.equal(dec('-2').div(dec('3')).toString(), '-0.6666666666666667');
  // exact halves at the 17th digit round away from zero
  assert.equal(dec('0.00000000000000005').div(dec('1')).toString(), '0.0000000000000001');
  assert.equal(dec('-0.00000000000000005').div(dec('1')).toString(), '-0.0000000000000001');
  assert.equal(dec('10').div(dec('0.001')).toString(), '10000');
});

test('floor, ceil and trunc name their direction', () => {
  assert.equal(dec('2.5').floor(), 2n);
  assert.equal(dec('2.5').ceil(), 3n);
  assert.equal(dec('-2.5').floor(), -3n);
  assert.equal(dec('-2.5').ceil(), -2n);
  assert.equal(dec('-2.5').trunc(), -2n);
  assert.equal(dec('7').ceil(), 7n);
  assert.equal(dec('0.000012345').truncateTo(5).toString(), '0.00001');
});

test('comparisons align scales', () => {
  assert.ok(dec('0.10').eq(dec('0.1')));
  assert.ok(dec('0.1').lt(dec('0.11')));
  assert.equal(Decimal.max(dec('1.5'), dec('1.50001')).toString(), '1.50001');
});

test('bigint helpers round as named', () => {
  assert.equal(floorDiv(-7n, 2n), -4n);
  assert.equal(ceilDiv(-7n, 2n), -3n);
  assert.equal(ceilDiv(7n, 2n), 4n);
  assert.equal(floorDiv(7n, -2n), -4n);
  assert.equal(medianBig([5n, 1n, 4n]), 4n);
  assert.equal(medianBig([1n, 4n, 2n, 9n]), 3n);
});
