// Tests of the `perpsim` command, run in this process from the working tree: the scripted session on the LINK/USD
// futures variant (JSON structure, trades, a close-out, determinism), the text tables, --help, bad proposals, the
// conformance pass-through, and bin/perpsim.js (tsx registered through its API).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { perpsimInProcess } from './in-process.ts';
import type { SessionReport } from '../../src/cli/session.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const FUTURE = 'scenarios/link-usd-future.proposal.json';
/**
 * Whether the engine runs perpetual markets. When true, the default session (the LINK/USD perpetual proposal) must
 * run, with funding; when false, it must fail with the engine's "perpetual products are not supported yet".
 */
const PERPS_SUPPORTED = true;

/** The CLI, run in this process (test/cli/in-process.ts). */
function perpsim(args: string[]) {
  return perpsimInProcess(args);
}

/** The installed executable, bin/perpsim.js, as a child process. */
function perpsimBin(args: string[]) {
  const r = spawnSync(process.execPath, ['bin/perpsim.js', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const run = await perpsim(['session', '--proposal', FUTURE, '--json']);

describe('perpsim session', () => {
  test('runs the futures variant and prints the session as JSON', async () => {
    assert.equal(run.status, 0, run.stderr);
    const r = JSON.parse(run.stdout) as SessionReport;
    assert.equal(r.market.id, 'LINK/USD-FUT');
    assert.equal(r.market.product, 'future');
    assert.deepEqual(r.market.asset, {
      id: 'bf1e88d19db4b3ca0d1d5bdb73718a01686b18cf731ca26adedf3c8b83802bba',
      symbol: 'USDT',
      decimals: 6,
    });
    assert.equal(r.options.steps, 12);
    assert.equal(r.blocks.length, 13, 'the opening block and 12 trading blocks');
    for (const b of r.blocks) {
      assert.match(b.markPrice, /^\d+\.\d{2}$/, 'mark price in market precision (2 decimals)');
      assert.ok(Array.isArray(b.marginSearched) && Array.isArray(b.marginReleased) && Array.isArray(b.closedOut));
    }
    assert.equal(r.blocks[0]!.markPrice, '15.00');
    assert.ok(r.blocks.every((b) => b.tradingMode === 'CONTINUOUS'));
    assert.ok(
      r.blocks.some((b) => b.marginSearched.length > 0),
      'some margin was searched',
    );
    assert.ok(
      r.blocks.some((b) => b.marginReleased.length > 0),
      'some margin was released',
    );
    assert.ok(new Set(r.blocks.map((b) => b.markPrice)).size > 3, 'the mark price moves');
  });

  test('trades happened, in market precision, and the leveraged trader was closed out', async () => {
    const r = JSON.parse(run.stdout) as SessionReport;
    assert.ok(r.trades.length > 10);
    for (const t of r.trades) {
      assert.match(t.price, /^\d+\.\d{2}$/);
      assert.match(t.size, /^\d+$/);
      assert.ok(t.buyer && t.seller && t.time.endsWith('Z'));
    }
    assert.ok(
      r.trades.some((t) => t.kind === 'auction'),
      'the opening auction uncrossed',
    );
    assert.ok(
      r.trades.some((t) => t.kind === 'buy' || t.kind === 'sell'),
      'continuous trades',
    );
    assert.ok(r.trades.some((t) => t.kind === 'network-close-out-bad' && t.seller === 'trader-erin'));
    assert.ok(
      r.trades.some((t) => t.kind === 'network-close-out-good'),
      'the network disposed of the position',
    );
    assert.equal(r.closeOuts.length, 1);
    assert.equal(r.closeOuts[0]!.party, 'trader-erin');
    assert.equal(r.summary.closeOuts, 1);
    assert.ok(r.blocks.some((b) => b.closedOut.includes('trader-erin')));
    assert.ok(Number(r.summary.insurancePool) > 0, 'the closed-out margin went to the insurance pool');
    assert.equal(r.summary.moneyConserved, true);
    assert.match(r.summary.stateHash, /^[0-9a-f]{64}$/);
    assert.deepEqual(r.rejectedCommands, []);
  });

  test('each party has margin levels and balances in asset precision', async () => {
    const r = JSON.parse(run.stdout) as SessionReport;
    const names = r.parties.map((p) => p.party);
    assert.deepEqual(names, ['mm-alice', 'mm-bob', 'taker-carol', 'taker-dave', 'trader-erin', 'network']);
    for (const p of r.parties.filter((x) => x.party !== 'network')) {
      for (const k of ['maintenance', 'search', 'initial', 'release', 'general', 'margin'] as const)
        assert.match(p[k], /^\d+\.\d{6}$/, `${p.party} ${k}`);
    }
    const alice = r.parties.find((p) => p.party === 'mm-alice')!;
    assert.ok(Number(alice.maintenance) > 0 && Number(alice.search) > Number(alice.maintenance));
    assert.ok(Number(alice.initial) > Number(alice.search) && Number(alice.release) > Number(alice.initial));
    const erin = r.parties.find((p) => p.party === 'trader-erin')!;
    assert.equal(erin.position, '0');
    assert.equal(erin.margin, '0.000000');
  });

  test('is deterministic: the same options print the same session; another seed another one', async () => {
    assert.equal((await perpsim(['session', '--proposal', FUTURE, '--json'])).stdout, run.stdout);
    const other = JSON.parse(
      (await perpsim(['session', '--proposal', FUTURE, '--json', '--seed', '42'])).stdout,
    ) as SessionReport;
    assert.notEqual(other.summary.stateHash, (JSON.parse(run.stdout) as SessionReport).summary.stateHash);
    assert.equal(other.summary.closeOuts, 1);
  });

  test('prints plain tables by default (session is the default subcommand)', async () => {
    const r = await perpsim(['--proposal', FUTURE, '--steps', '4']);
    assert.equal(r.status, 0, r.stderr);
    for (const h of ['Blocks', 'Trades', 'Parties at the end (USDT)', 'Summary'])
      assert.ok(r.stdout.includes(`\n${h}`), h);
    assert.match(r.stdout, /close-outs {6}1: trader-erin 500 at \d+\.\d{2}/);
    assert.match(r.stdout, /money check {5}all accounts sum to net deposits/);
  });

  test('the default proposal is the LINK/USD perpetual; with hourly blocks a funding period ends', async () => {
    const r = await perpsim(['session', '--json', '--block-seconds', '3600']);
    if (!PERPS_SUPPORTED) {
      assert.equal(r.status, 1);
      assert.match(r.stderr, /LINK\/USD-PERP.*perpetual products are not supported yet/);
      assert.match(r.stderr, /link-usd-future\.proposal\.json/);
      return;
    }
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as SessionReport;
    assert.equal(report.market.product, 'perpetual');
    assert.equal(report.market.id, 'LINK/USD-PERP');
    assert.equal(report.proposal.file, 'scenarios/link-usd-perp.proposal.json');
    assert.equal(report.summary.closeOuts, 1);
    assert.equal(report.summary.moneyConserved, true);
    assert.deepEqual(report.rejectedCommands, []);
    assert.ok(report.funding.length >= 1, 'the 8-hour funding cue falls inside 12 hourly blocks');
    const f = report.funding[0]!;
    assert.match(f.paymentPerUnit ?? '', /^-?\d+\.\d{6}$/);
    assert.ok(f.payments.length > 0);
  });
});

describe('perpsim errors and help', () => {
  test('--help lists the subcommands', async () => {
    const r = await perpsim(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: perpsim/);
    assert.match(r.stdout, /^\s+session\b/m);
    assert.match(r.stdout, /^\s+conformance\b/m);
  });

  test('a missing proposal file is a clear error with a non-zero exit', async () => {
    const r = await perpsim(['session', '--proposal', 'scenarios/no-such.proposal.json']);
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr,
      /perpsim session: scenarios\/no-such\.proposal\.json: cannot read the proposal file \(ENOENT\)/,
    );
    assert.equal(r.stdout, '');
  });

  test('an invalid proposal names the field path and the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-'));
    const bad = JSON.parse(readFileSync(join(root, FUTURE), 'utf8'));
    bad.terms.newMarket.changes.logNormal.tau = 2;
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    const r = await perpsim(['session', '--proposal', file]);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /invalid proposal\n {2}terms\.newMarket\.changes\.logNormal\.tau: must be in \[1e-8, 1\], got 2/,
    );
    writeFileSync(file, '{ "terms": ');
    const r2 = await perpsim(['session', '--proposal', file]);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /not valid JSON/);
  });

  test('bad options are rejected', async () => {
    const r = await perpsim(['session', '--steps', 'many']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--steps <n>' argument 'many' is invalid/);
  });

  test('conformance passes its arguments to the harness and exits with its status', async () => {
    const r = await perpsim(['conformance', '--features', join(tmpdir(), 'perpsim-no-such-features')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /conformance: feature folder not found/);
    const h = await perpsim(['conformance', '--help']);
    assert.equal(h.status, 0);
    assert.match(h.stdout, /--check-baseline/);
  });

  test('bin/perpsim.js runs the CLI through the tsx API', async () => {
    const r = perpsimBin(['session', '--proposal', FUTURE, '--steps', '2', '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as SessionReport).blocks.length, 3);
  });
});
