// `perpsim simulate` and `perpsim sweep`, run in this process: a short default run writes summary.json (with the
// figures the issue names), a self-contained report.html and CSV series, and prints the summary table; bad
// scenarios, options and sweep grids fail with the field named; bin/perpsim.js runs the simulation too.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { perpsimInProcess } from './in-process.ts';

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

const dir = mkdtempSync(join(tmpdir(), 'perpsim-simulate-'));
const out = join(dir, 'run');
const run = await perpsim(['simulate', '--days', '0.03', '--seed', '7', '--out', out, '--no-progress']);

describe('perpsim simulate', () => {
  test('runs the default scenario and prints the summary table', async () => {
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /perpsim simulate: link-usd-perp-7d — 0\.03 days of 1-second blocks, 60 agents, seed 7/);
    assert.match(run.stdout, /Market makers \(P&L/);
    for (const mm of ['mm-cautious', 'mm-balanced', 'mm-bold']) assert.match(run.stdout, new RegExp(`\\n  ${mm} `));
    assert.match(run.stdout, /money {11}conserved/);
  });

  test('summary.json carries the issue’s figures', async () => {
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(s.blocks, 2592);
    for (const k of ['wallSeconds', 'blocksPerSecond', 'trades', 'volume']) assert.equal(typeof s[k], 'number', k);
    assert.match(s.stateHash, /^[0-9a-f]{64}$/);
    assert.equal(s.conservation.ok, true);
    assert.equal(s.seed, '7');
    for (const k of ['auctions', 'closeOuts', 'funding', 'fees', 'liquidity', 'marketMakers', 'byKind'])
      assert.ok(k in s, k);
    for (const m of s.marketMakers)
      for (const k of ['spread', 'inventory', 'funding', 'fees']) assert.equal(typeof m.pnl[k], 'number');
  });

  test('the report is self-contained and the series are CSV', async () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.ok(!/<script[^>]+src=/.test(html) && !/<link[^>]+href=/.test(html), 'no external scripts or stylesheets');
    assert.match(html, /uPlot/);
    const series = readFileSync(join(out, 'series-link-usd-perp.csv'), 'utf8').split('\n');
    assert.match(series[0]!, /^time_utc,market,time,index,oracle,mark,mid,/);
    assert.equal(series.filter((l) => l).length, 1 + Math.floor(2592 / 60) + 1);
    const agents = readFileSync(join(out, 'agents.csv'), 'utf8').split('\n');
    assert.match(agents[0]!, /^time_utc,time,party,kind,position,equity,pnl,epoch,/);
  });

  test('the same seed again: the same state hash', async () => {
    const again = join(dir, 'again');
    const r = await perpsim(['simulate', '--days', '0.03', '--seed', '7', '--out', again, '--no-progress', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const a = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const b = JSON.parse(r.stdout);
    assert.equal(b.stateHash, a.stateHash);
  });

  test('bad scenarios and options fail with the field named', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'days: 1\nmarkets: []\nagents:\n  - type: noise\n    deposit: -5\n');
    const r = await perpsim(['simulate', bad, '--no-progress']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.yaml: invalid scenario/);
    assert.match(r.stderr, /markets: Too small: expected array to have >=1 items/);
    assert.match(r.stderr, /agents\[0\]\.deposit: Too small: expected number to be >0/);
    const d = await perpsim(['simulate', '--days', 'x']);
    assert.notEqual(d.status, 0);
    assert.match(d.stderr, /--days <n>' argument 'x' is invalid\. must be a positive number/);
    const missing = await perpsim(['simulate', join(dir, 'nope.yaml')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.yaml: invalid scenario\n {2}cannot read the scenario file \(ENOENT\)/);
  });
});

test('perpsim sweep: a grid path that is not in the scenario is named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-sweep-'));
  const f = join(dir, 'sweep.yaml');
  writeFileSync(
    f,
    `scenario: ${JSON.stringify(join(root, 'scenarios/default.scenario.yaml'))}\ngrid:\n  agents.mm-nobody.gamma: [1]\n  markets[0].price.wiggle.x: [2]\n`,
  );
  const r = await perpsim(['sweep', f]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /grid\."agents\.mm-nobody\.gamma": no entry named "mm-nobody" in agents/);
  assert.match(
    r.stderr,
    /grid\."markets\[0\]\.price\.wiggle\.x": the scenario has nothing at markets\[0\]\.price\.wiggle/,
  );
  const g = join(dir, 'sweep2.yaml');
  writeFileSync(
    g,
    `scenario: ${JSON.stringify(join(root, 'scenarios/default.scenario.yaml'))}\ngrid:\n  agents.mm-bold.gamma: [0.1, -1]\n`,
  );
  const r2 = await perpsim(['sweep', g]);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, /run with agents\.mm-bold\.gamma=-1: .*agents\[2\]\.gamma: Too small/s);
});

test('bin/perpsim.js runs a simulation (tsx registered through its API; the run outlasts the 30-minute opening auction)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-bin-'));
  const r = perpsimBin(['simulate', '--days', '0.025', '--out', dir, '--no-progress']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'report.html')));
});
