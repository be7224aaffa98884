// `perpsim analyze` and `perpsim liquidity`, run in this process (bin/perpsim.js as a child process): JSON and text
// output, --compare, exit statuses on invalid input and with --fail-on, the output files of the liquidity command,
// and the bin entry point.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { perpsimInProcess } from './in-process.ts';
import type { ProposalAnalysis } from '../../src/analysis/proposal.ts';
import type { Comparison } from '../../src/analysis/compare.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The CLI, run in this process (test/cli/in-process.ts). */
function perpsim(args: string[]) {
  return perpsimInProcess(args);
}

/** The installed executable, bin/perpsim.js, as a child process. */
function perpsimBin(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/perpsim.js', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('perpsim analyze', () => {
  test('--json on the last JSON of the thread: analysed, with the trailing space reported', async () => {
    const r = await perpsim(['analyze', 'scenarios/link-usd-perp-v3.proposal.json', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const a = JSON.parse(r.stdout) as ProposalAnalysis;
    assert.equal(a.market.code, 'LINK/USD-PERP');
    const w = a.warnings.find((x) => x.code === 'stray-whitespace');
    assert.deepEqual(w && { severity: w.severity, path: w.path }, {
      severity: 'error',
      path: 'terms.newMarket.changes.instrument.perpetual.interestRate',
    });
    for (const w of a.warnings) assert.deepEqual(Object.keys(w).sort(), ['code', 'message', 'path', 'severity']);
  });

  test('text output: sections and warnings', async () => {
    const r = await perpsim(['analyze', 'scenarios/link-usd-perp-onchain.proposal.json']);
    assert.equal(r.status, 0, r.stderr);
    for (const heading of [
      'Risk model: log-normal',
      'Margins at price 11',
      'Price monitoring at 11',
      'Funding',
      'Liquidity',
    ])
      assert.ok(r.stdout.includes(heading), heading);
    assert.match(r.stdout, /max leverage \(1\/rf\)\s+167\.6x\s+166\.6x/);
    assert.match(r.stdout, /\[warning\] terms\.newMarket\.changes\.logNormal: maximum leverage is 167\.6x/);
  });

  test('--compare: side by side, differences marked, comparables flagged', async () => {
    const r = await perpsim([
      'analyze',
      'scenarios/link-usd-perp-onchain.proposal.json',
      '--compare',
      'scenarios/link-usd-perp-intended.proposal.json',
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { proposals: ProposalAnalysis[]; comparison: Comparison };
    assert.equal(out.proposals.length, 2);
    assert.deepEqual(
      out.comparison.parameters.map((p) => p.path),
      ['logNormal.tau'],
    );
    assert.ok(out.comparison.rows.find((x) => x.label === 'max leverage long / short')!.differs);
    assert.ok(out.proposals[0]!.warnings.some((w) => w.code === 'leverage-vs-comparables'));
    const text = await perpsim([
      'analyze',
      'scenarios/link-usd-perp-v1.proposal.json',
      '--compare',
      'scenarios/link-usd-perp-v2.proposal.json',
      'scenarios/link-usd-perp-v3.proposal.json',
    ]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /Comparison \(rows marked \* differ\)/);
    assert.match(text.stdout, /\*\s+price \/ position decimals\s+3 \/ 1\s+3 \/ 1\s+2 \/ 0/);
  });

  test('invalid input: the JSON path and reason on stderr, exit status 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-analyze-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ logNormal: { tau: 'abc' }, instrument: {} }));
    const r = await perpsim(['analyze', bad]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /logNormal\.tau: must be a number, got string "abc"/);
    const missing = await perpsim(['analyze', join(dir, 'none.json')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read the proposal file/);
    assert.equal((await perpsim(['analyze', 'scenarios/link-usd-perp.proposal.json', '--price', 'x'])).status, 1);
  });

  test('--fail-on: status 2 when a warning of that severity is found', async () => {
    assert.equal(
      (await perpsim(['analyze', 'scenarios/link-usd-perp-v3.proposal.json', '--fail-on', 'error'])).status,
      2,
    );
    assert.equal(
      (await perpsim(['analyze', 'scenarios/link-usd-perp-intended.proposal.json', '--fail-on', 'error'])).status,
      0,
    );
  });

  test('bin/perpsim.js analyze', async () => {
    const r = perpsimBin(['analyze', 'scenarios/link-usd-perp-intended.proposal.json', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const a = JSON.parse(r.stdout) as ProposalAnalysis;
    assert.ok(a.leverage.headline > 52.5 && a.leverage.headline < 54);
  });
});

describe('perpsim liquidity', () => {
  test('prints the tables and writes the files into --out', async () => {
    const out = mkdtempSync(join(tmpdir(), 'perpsim-liquidity-'));
    const r = await perpsim([
      'liquidity',
      'scenarios/liquidity/link-usd-daily.csv',
      'scenarios/liquidity/link-usd-commitments.json',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Liquidity economics of LINK\/USD\(USDT\)-PERP/);
    assert.match(r.stdout, /Totals\n\s+provider\s+days/);
    for (const f of ['liquidity-days.csv', 'liquidity-providers.csv', 'liquidity.html', 'liquidity.json'])
      assert.ok(existsSync(join(out, f)), f);
  });

  test('bad input: the problem on stderr, exit status 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-liquidity-bad-'));
    const csv = join(dir, 'd.csv');
    writeFileSync(csv, 'day,volume,price\n1,2,3\n');
    const r = await perpsim(['liquidity', csv, 'scenarios/liquidity/link-usd-commitments.json', '--out', dir]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /missing column open_interest/);
  });
});
