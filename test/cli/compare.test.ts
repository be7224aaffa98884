// `perpsim compare` as a child process: both mechanisms reported with the fields, money conserved in each,
// the side-by-side table and a self-contained HTML page; the same seed gives the same comparison; bad flags fail
// with the flag named and nothing written.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function perpsim(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('perpsim compare', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-compare-'));
  const out = join(dir, 'cmp');
  const run = perpsim(['compare', '--days', '0.05', '--json', '--out', out]);

  test('--json reports both mechanisms with closeOuts, fundingPaid and conservation, money conserved in each', () => {
    assert.equal(run.status, 0, run.stderr);
    const r = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(r.mechanisms).sort(), ['margin-fraction', 'vega']);
    for (const m of ['vega', 'margin-fraction']) {
      const x = r.mechanisms[m];
      assert.equal(typeof x.closeOuts.total, 'number', m);
      assert.equal(typeof x.fundingPaid, 'number', m);
      assert.equal(x.conservation.ok, true, `${m}: ${x.conservation.failure}`);
      for (const k of ['liquidatedNotional', 'insurance', 'socialisedLosses', 'largestLeverage', 'makers'])
        assert.ok(k in x, `${m}.${k}`);
      // the makers of the scenario, each with a P&L
      assert.deepEqual(
        x.makers.map((p: { party: string }) => p.party),
        ['mm-cautious', 'mm-balanced', 'mm-bold', 'lp-a'],
      );
      assert.match(x.stateHash, /^[0-9a-f]{64}$/);
    }
    // different rules, different runs
    assert.notEqual(r.mechanisms.vega.stateHash, r.mechanisms['margin-fraction'].stateHash);
    assert.deepEqual(r.parameters, { imf: '0.1', mmf: '0.05', oneSidedMultiplier: '0.01' });
    assert.equal(
      JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')).mechanisms.vega.stateHash,
      r.mechanisms.vega.stateHash,
    );
  });

  test('the HTML page is self-contained and shows both mechanisms', () => {
    const html = readFileSync(join(out, 'compare.html'), 'utf8');
    assert.ok(!/<script[^>]+src=/.test(html) && !/<link[^>]+href=/.test(html), 'no external scripts or stylesheets');
    assert.match(html, /uPlot/);
    assert.match(html, /margin fraction/);
    assert.match(html, /P&amp;L of the makers/);
  });

  test('the table view, other fractions and a funding period; the same seed gives the same result', () => {
    const a = perpsim([
      'compare',
      '--days',
      '0.05',
      '--out',
      join(dir, 'a'),
      '--no-progress',
      '--imf',
      '0.2',
      '--mmf',
      '0.1',
    ]);
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stdout, /close-outs/);
    assert.match(a.stdout, /money conserved +yes +yes/);
    assert.match(a.stdout, /IMF 0\.2, MMF 0\.1/);
    const b = perpsim(['compare', '--days', '0.05', '--out', join(dir, 'b'), '--imf', '0.2', '--mmf', '0.1', '--json']);
    const c = JSON.parse(readFileSync(join(dir, 'a', 'compare.json'), 'utf8'));
    assert.deepEqual(JSON.parse(b.stdout).mechanisms, c.mechanisms);
  });

  test('--token-collateral: the margin-fraction traders hold ETH and BTC, borrow against them; tokens conserved', () => {
    const r = perpsim(['compare', '--days', '0.05', '--json', '--out', join(dir, 'tok'), '--token-collateral', '0.5']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.parameters.tokenCollateral, 0.5);
    assert.equal(j.mechanisms.vega.collateral, undefined, 'the Vega run keeps its quote deposits');
    const mf = j.mechanisms['margin-fraction'];
    assert.equal(mf.conservation.ok, true, mf.conservation.failure);
    const c = mf.collateral;
    // 50 noise traders and the momentum traders of the scenario; half of each deposit bought tokens
    assert.ok(c.parties > 50, `parties ${c.parties}`);
    assert.deepEqual(
      c.tokens.map((t: { asset: string; conserved: boolean }) => [t.asset, t.conserved]),
      [
        ['ETH', true],
        ['BTC', true],
      ],
    );
    // every asset of the run, tokens included, is in the conservation report's net deposits
    for (const a of ['ETH', 'BTC']) assert.ok(a in mf.conservation.netDeposits, a);
    // loans were drawn against the tokens, and the open loans are at most the tokens' maintenance-weighted value at
    // the end (valued at price − confidence ≤ price)
    assert.ok(c.loans.lent > 0, `lent ${c.loans.lent}`);
    assert.equal(c.loans.balanced, true);
    const cover = c.tokens.reduce(
      (s: number, t: { heldAtEnd: number; finalPrice: number; maintenanceWeight: string }) =>
        s + t.heldAtEnd * t.finalPrice * Number(t.maintenanceWeight),
      0,
    );
    assert.ok(c.loans.outstanding <= cover + 1e-6, `open loans ${c.loans.outstanding} > cover ${cover}`);
    const open = c.loans.lent - c.loans.repaid - c.loans.repaidByLiquidation - c.loans.badDebt;
    assert.ok(Math.abs(c.loans.outstanding - open) < 1e-6, `${c.loans.outstanding} vs ${open}`);
    assert.ok(c.borrowing.peak >= 0 && typeof c.liquidations === 'number');
    const html = readFileSync(join(dir, 'tok', 'compare.html'), 'utf8');
    assert.match(html, /cross-collateral tokens/);
    assert.match(html, /id="borrowed"/);
    const bad = perpsim(['compare', '--days', '0.05', '--out', join(dir, 'tokbad'), '--token-collateral', '1.5']);
    assert.equal(bad.status, 1);
    assert.match(
      bad.stderr,
      /option '--token-collateral <share>' argument '1\.5' is invalid\. must be a fraction in \(0, 1\]/,
    );
  });

  test('bad flags: the flag and the reason, exit status 1, nothing written', () => {
    const cases: [string[], RegExp][] = [
      [['--imf', '0.01'], /--imf: 0\.01 must be ≥ the maintenance fraction 0\.05/],
      [['--mmf', '0'], /--mmf: 0 must be > 0/],
      [['--multiplier', '1'], /--multiplier: 1 is not in \(0, 1\)/],
      [['--imf', 'lots'], /option '--imf <x>' argument 'lots' is invalid\. must be a decimal fraction/],
      [['--funding-every', '10'], /must be whole seconds from 60/],
      [['--days', '-1'], /option '--days <n>' argument '-1' is invalid/],
      [['no-such.yaml'], /no-such\.yaml/],
    ];
    for (const [args, re] of cases) {
      const bad = join(dir, `bad-${args.join('')}`);
      const r = perpsim(['compare', ...args, '--out', bad, '--days', '0.05']);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(existsSync(join(bad, 'compare.json')), false);
    }
  });
});
