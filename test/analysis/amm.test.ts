// The AMM analysis (what a pool over a range holds, earns and risks) against hand computations from spec
// 0090-VAMM's formulas: commitment 1000, base 100, bounds 85 / 150, leverage 0.25 at both bounds (the spec's
// acceptance-criteria pool). P_vl = 0.25·1000 / (85·0.75 + 0.25·√(85·100)) = 2.88022, L = P_vl·L_u = 340.2415,
// P&L at the lower bound −L·(√100 − √85)²/√100 = −20.7245; P_vu = 1.59356, P&L at 150 = −43.8636. At a bound the
// position's notional over the remaining equity is the leverage at the bound, 0.25 (spec: "position = remaining
// funds × leverage at bound").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../src/core/index.ts';
import { analyseAmm, AmmAnalysisError } from '../../src/analysis/amm.ts';
import { loadProposalFile } from '../../src/proposal/index.ts';

const d = (s: string) => Decimal.parse(s);
// the LINK perpetual's risk configuration (worst-case leverage well above 0.25), with whole-number prices and
// positions in thousandths
const config = {
  ...loadProposalFile('scenarios/link-usd-perp.proposal.json').config,
  decimalPlaces: 0,
  positionDecimalPlaces: 3,
  tickSize: 1n,
};
const input = {
  config,
  assetDecimals: 2,
  commitment: d('1000'),
  base: d('100'),
  lower: d('85'),
  upper: d('150'),
  leverageAtLower: d('0.25'),
  leverageAtUpper: d('0.25'),
  makerFee: d('0.001'),
  points: 14,
};

test('each range: leverage factor, position, average price, P&L at the bound', () => {
  const a = analyseAmm(input);
  const [lo, up] = a.sides;
  assert.equal(lo!.leverageFactor, '0.25');
  assert.equal(lo!.positionAtBound, '2.88');
  // √(85 · 100) = 92.19544
  assert.equal(lo!.averagePrice, '92.2');
  assert.equal(lo!.pnlAtBound, '-20.72');
  assert.equal(up!.positionAtBound, '-1.593');
  assert.equal(up!.pnlAtBound, '-43.86');
  // maker fees of one sweep out and back: 2 × 2.880 × 92.195 × 0.001 = 0.531
  assert.equal(lo!.feesPerRoundTrip, '0.53');
});

test('at each bound the leverage is the leverage at the bound; at base the pool is flat', () => {
  const a = analyseAmm(input);
  const at = (p: string) => a.points.find((x) => x.price === p)!;
  assert.equal(at('85').leverage, '0.25');
  assert.equal(at('150').leverage, '0.25');
  assert.deepEqual([at('100').position, at('100').pnl, at('100').equity], ['0', '0', '1000']);
});

test('bad ranges are refused with the field and the reason', () => {
  assert.throws(
    () => analyseAmm({ ...input, lower: d('120') }),
    new AmmAnalysisError('lower bound: must be below the base price'),
  );
  assert.throws(
    () => analyseAmm({ ...input, upper: d('90') }),
    new AmmAnalysisError('upper bound: must be above the base price'),
  );
  assert.throws(
    () => analyseAmm({ config, assetDecimals: 2, commitment: d('1000'), base: d('100') }),
    new AmmAnalysisError('give a lower bound, an upper bound or both'),
  );
  assert.throws(() => analyseAmm({ ...input, base: d('100.5') }), /base: 100.5 must be a positive price in 0 decimals/);
});
