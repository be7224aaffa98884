// The open-interest history answers "largest open interest since t" exactly as a scan of every sample would, for
// window starts that move forward (the monotonic queue) and backward (a longer window), with same-time samples
// keeping the larger value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenInterestHistory } from '../../../src/core/liquidity/oi-history.ts';

test('maxSince equals a scan of the samples (random stream, moving and jumping window starts)', () => {
  let seed = 11;
  const rnd = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const h = new OpenInterestHistory();
  const samples: { t: bigint; oi: number }[] = [];
  let t = 0n;
  let oi = 50;
  let checks = 0;
  for (let step = 0; step < 20_000; step++) {
    if (rnd() < 0.7) t += BigInt(1 + Math.floor(rnd() * 3));
    oi = Math.max(0, oi + Math.floor(rnd() * 21) - 10);
    h.record(t, oi);
    const last = samples[samples.length - 1];
    if (last && last.t === t) last.oi = Math.max(last.oi, oi);
    else samples.push({ t, oi });
    const window = rnd() < 0.02 ? BigInt(Math.floor(rnd() * 2000)) : 300n;
    const from = t - window;
    let expected = 0;
    for (const s of samples) if (s.t >= from && s.oi > expected) expected = s.oi;
    assert.equal(h.maxSince(from), expected, `step ${step}, from ${from}`);
    checks++;
  }
  assert.equal(checks, 20_000);
  assert.equal(h.length, samples.length);
});

test('empty history and windows past the last sample give 0', () => {
  const h = new OpenInterestHistory();
  assert.equal(h.maxSince(0n), 0);
  h.record(10n, 5);
  assert.equal(h.maxSince(11n), 0);
  assert.equal(h.maxSince(10n), 5);
});
