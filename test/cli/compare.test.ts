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
