// The LPs' running average liquidity score (spec 0042-LIQF): avg_n = round10(avg_{n-1} × ((n − 1) / n) + score / n),
// both quotients at 16 digits half away from zero (Vega's decimal DivisionPrecision). The engine computes it in
// bigint arithmetic on one scale; here it is checked against the same formula written with decimal objects, on
// random scores and averages, including halves at the 10th digit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { runningAverage } from '../../../src/core/liquidity/engine.ts';

function reference(avg: Decimal | undefined, score: Decimal, n: number): Decimal {
  const nD = Decimal.fromInt(n);
  const w = nD.sub(Decimal.ONE).div(nD);
  return (avg ?? Decimal.ZERO).mul(w).add(score.div(nD)).roundTo(10).reduce();
}

/** (n − 1) / n at 16 digits as an integer of 10^-16 */
function w16(n: number): bigint {
  const w = Decimal.fromInt(n - 1).div(Decimal.fromInt(n));
  return w.coef * 10n ** BigInt(16 - w.scale);
}

test('the running average equals the decimal formula on random scores, averages and counts', () => {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < 20_000; i++) {
    const n = 2 + Math.floor(rnd() * (rnd() < 0.5 ? 10 : 100_000));
    // scores as the engine makes them: quotients at 16 digits, or 0, 1, or short decimals
    const kind = Math.floor(rnd() * 4);
    const score =
      kind === 0
        ? Decimal.fromInt(Math.floor(rnd() * 1000)).div(Decimal.fromInt(1 + Math.floor(rnd() * 999)))
        : kind === 1
          ? Decimal.ONE
          : kind === 2
            ? Decimal.ZERO
            : Decimal.parse((rnd() * 2).toFixed(1 + Math.floor(rnd() * 15)));
    const avg = rnd() < 0.1 ? undefined : Decimal.parse(rnd().toFixed(Math.floor(rnd() * 11)));
    const got = runningAverage(avg, w16(n), score, BigInt(n));
    const want = reference(avg, score, n);
    assert.equal(got.toString(), want.toString(), `avg ${avg?.toString()} score ${score.toString()} n ${n}`);
  }
});

test('halves at the 10th digit round away from zero', () => {
  // avg 0 and score 1e-10 at n = 2: 0.5e-10 → 1e-10
  assert.equal(runningAverage(Decimal.ZERO, w16(2), Decimal.parse('0.0000000001'), 2n).toString(), '0.0000000001');
  // just below a half rounds down: score 0.99e-10 / 2 = 0.495e-10 → 0
  assert.equal(runningAverage(Decimal.ZERO, w16(2), Decimal.parse('0.000000000099'), 2n).toString(), '0');
});
