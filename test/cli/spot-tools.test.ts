// The tools on spot markets (spec 0080-SPOT), run as a user would: `analyze --compare` with two spot proposals (the
// spot figures side by side, the fields that differ as written; a new-market proposal refused as a comparable),
// `liquidity` on the XBT/MYR spot inputs (target stake from the supplied stake, no margin: the obligation's holdings
// in the capital), and `compare` refusing a spot scenario with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perpsimInProcess as perpsim } from './in-process.ts';
import type { Comparison } from '../../src/analysis/compare.ts';
import type { SpotAnalysis } from '../../src/analysis/spot.ts';
import type { LiquidityReport } from '../../src/analysis/liquidity/model.ts';

const assets = ['--asset', 'XBT=XBT:8', '--asset', 'MYR=MYR:6'];
const tmp = mkdtempSync(join(tmpdir(), 'perpsim-spot-tools-'));

test('analyze --compare on two spot proposals: figures side by side, the fields that differ', async () => {
  const p = JSON.parse(readFileSync('scenarios/xbt-myr-spot.proposal.json', 'utf8')) as {
    terms: { newSpotMarket: { changes: Record<string, unknown> & { targetStakeParameters: Record<string, unknown> } } };
  };
  p.terms.newSpotMarket.changes['tickSize'] = '5';
  p.terms.newSpotMarket.changes.targetStakeParameters['scalingFactor'] = 0.1;
  const other = join(tmp, 'xbt-myr-b.json');
  writeFileSync(other, JSON.stringify(p));
  const r = await perpsim([
    'analyze',
    'scenarios/xbt-myr-spot.proposal.json',
    '--price',
    '200000',
    ...assets,
    '--compare',
    other,
    '--json',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { proposals: SpotAnalysis[]; comparison: Comparison };
  assert.equal(out.proposals.length, 2);
  assert.ok(out.proposals.every((a) => a.market.product === 'spot'));
  const row = (label: string) => out.comparison.rows.find((x) => x.label === label)!;
  assert.deepEqual(row('tick / smallest order').values, ['1 / 0.0001', '5 / 0.0001']);
  assert.equal(row('tick / smallest order').differs, true);
  assert.equal(row('target stake').differs, true);
  assert.equal(row('maker / infrastructure').differs, false);
  // 0.0001 XBT at 200,000 MYR is 20 MYR in both
  assert.deepEqual(row('smallest order value').values, ['20 MYR', '20 MYR']);
  assert.deepEqual(
    out.comparison.parameters.map((x) => [x.path, x.values]),
    [
      ['tickSize', ['"1"', '"5"']],
      ['targetStakeParameters.scalingFactor', ['0.05', '0.1']],
    ],
  );
  assert.ok(!/leverage|margin|funding/i.test(out.comparison.rows.map((x) => x.label).join(' ')));

  const text = await perpsim(['analyze', 'scenarios/xbt-myr-spot.proposal.json', ...assets, '--compare', other]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /\*\s+tick \/ smallest order\s+1 \/ 0\.0001\s+5 \/ 0\.0001/);
  assert.match(text.stdout, /Proposal parameters that differ/);

  const mixed = await perpsim([
    'analyze',
    'scenarios/xbt-myr-spot.proposal.json',
    ...assets,
    '--compare',
    'scenarios/link-usd-perp.proposal.json',
  ]);
  assert.equal(mixed.status, 1);
  assert.match(mixed.stderr, /--compare: scenarios\/link-usd-perp\.proposal\.json is not a new-spot-market proposal/);
});

test('liquidity on a spot proposal: target stake from the supplied stake, holdings instead of margin', async () => {
  const out = join(tmp, 'liq');
  const r = await perpsim([
    'liquidity',
    'scenarios/liquidity/xbt-myr-daily.csv',
    'scenarios/liquidity/xbt-myr-spot-commitments.json',
    ...assets,
    '--out',
    out,
    '--json',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as LiquidityReport;
  assert.deepEqual(rep.market.spot, { base: 'XBT' });
  assert.equal(rep.market.asset, 'MYR');
  // day 1: 100,000 + 250,000 MYR committed; target = 0.05 (scalingFactor) × 350,000 (the window is one hour: the day)
  assert.equal(rep.days[0]!.suppliedStake, '350000');
  assert.equal(rep.days[0]!.targetStake, '17500');
  // day 5: lp-near raises to 150,000 and lp-wide's bond was cut by its penalties: 0.05 × the day's total
  const d5 = rep.days[4]!;
  assert.equal(Number(d5.targetStake), Math.trunc(0.05 * Number(d5.suppliedStake) * 1e6) / 1e6);
  for (const d of rep.days)
    for (const p of d.providers) {
      assert.equal(p.initialMargin, '0');
      const h = p.held!;
      const price = Number(d.price);
      // the value held: buys in MYR plus the sells' XBT at the day's price (each truncated to 1e-6 MYR)
      assert.ok(Math.abs(Number(h.value) - Number(h.quote) - Number(h.base) * price) < 1e-5, `${d.day} ${p.party}`);
      // both sides carry at least the obligation (commitment × stakeToCcyVolume 1)
      assert.ok(Number(h.quote) >= Number(p.commitment) - 1e-6, `${d.day} ${p.party} buys ${h.quote}`);
      assert.ok(Number(h.base) * price >= Number(p.commitment) - 1, `${d.day} ${p.party} sells ${h.base}`);
      assert.ok(Math.abs(Number(p.capital) - Number(p.commitment) - Number(h.value)) < 1e-5);
    }
  assert.ok(rep.assumptions.some((a) => /a spot market has no margin/.test(a)));
  assert.ok(rep.days.every((d) => d.openInterest === '0'));
  const html = readFileSync(join(out, 'liquidity.html'), 'utf8');
  assert.match(html, /spot has no margin/);
});

test('compare refuses a spot scenario with the reason', async () => {
  const r = await perpsim(['compare', 'scenarios/spot.scenario.yaml', '--days', '0.05', '--out', join(tmp, 'cmp')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /markets\[0\]\.proposal: .*spot market has no margin or funding rules/);
});
