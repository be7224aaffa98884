// Network parameters (spec 0054-NETP): Go durations or bare seconds; unknown names and malformed values are
// rejected with the parameter name in the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultNetworkParams, parseDuration, setNetworkParameter } from '../../../src/core/config/network.ts';
import { NS } from '../../../src/core/types.ts';

test('parseDuration: Go duration forms and bare seconds, in nanoseconds', () => {
  assert.equal(parseDuration('5s'), 5n * NS);
  assert.equal(parseDuration('1h25m0s'), (3600n + 25n * 60n) * NS);
  assert.equal(parseDuration('500ms'), NS / 2n);
  assert.equal(parseDuration('1.5s'), (3n * NS) / 2n);
  assert.equal(parseDuration('30'), 30n * NS);
  assert.equal(parseDuration('0s'), 0n);
});

test('parseDuration rejects malformed values, naming the field', () => {
  for (const bad of ['', '5x', '-5s', 's', '1h 5m']) {
    assert.throws(() => parseDuration(bad, 'my.field'), /my\.field/, bad);
  }
});

test('setNetworkParameter sets durations, integers and decimals', () => {
  const p = defaultNetworkParams();
  setNetworkParameter(p, 'network.markPriceUpdateMaximumFrequency', '0s');
  setNetworkParameter(p, 'limits.markets.maxPeggedOrders', '7');
  setNetworkParameter(p, 'market.liquidity.stakeToCcyVolume', '0.3');
  assert.deepEqual(
    [p.markPriceUpdateMaximumFrequency, p.maxPeggedOrders, p.stakeToCcyVolume.toString()],
    [0n, 7, '0.3'],
  );
  setNetworkParameter(p, 'market.stake.target.timeWindow', '1h'); // known but not modelled: accepted
});

test('unknown parameters and malformed values are rejected with the name in the message', () => {
  const p = defaultNetworkParams();
  assert.throws(() => setNetworkParameter(p, 'network.noSuchThing', '1'), /network\.noSuchThing/);
  const bad: [string, string][] = [
    ['network.markPriceUpdateMaximumFrequency', 'soon'],
    ['limits.markets.maxPeggedOrders', '-1'],
    ['market.liquidity.stakeToCcyVolume', 'abc'],
  ];
  for (const [name, value] of bad) {
    assert.throws(() => setNetworkParameter(p, name, value), new RegExp(name.replace(/\./g, '\\.')), name);
  }
  assert.equal(p.markPriceUpdateMaximumFrequency, defaultNetworkParams().markPriceUpdateMaximumFrequency);
});
