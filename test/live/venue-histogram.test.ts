// The venue benchmark's mergeable latency histogram (bench/venue-histogram.ts): percentiles by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram } from '../../bench/venue-histogram.ts';

test('latency histogram: percentiles are the upper edges of their buckets; merged histograms add', () => {
  const a = new Histogram();
  const b = new Histogram();
  // 1, 2, …, 100 ms over two histograms: the 50th value is 50 ms, in the 10 µs bucket [50, 50.01)
  for (let ms = 1; ms <= 100; ms++) (ms % 2 ? a : b).record(ms - 0.001);
  a.add(b.counts);
  assert.equal(a.total, 100);
  assert.equal(a.percentile(50), 50);
  assert.equal(a.percentile(99), 99);
  // beyond 100 ms the buckets are 1 ms wide: 250.5 ms → [250, 251)
  const c = new Histogram();
  c.record(250.5);
  assert.equal(c.percentile(50), 251);
  c.record(20_000); // beyond 10 s
  assert.equal(c.percentile(100), Infinity);
  c.clear();
  assert.ok(Number.isNaN(c.percentile(50)));
});
