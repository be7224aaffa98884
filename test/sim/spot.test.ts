// Spot markets in the simulator (spec 0080-SPOT): scenarios/spot.scenario.yaml (the venue's XBT/MYR pair) shortened
// to two hours: the same scenario and seed give the same state hash; money is conserved per asset, the net deposits
// of each asset are what the scenario deposits (computed here from the scenario's figures); no base asset leaves the
// parties (no fees in base) and each party holds its base deposit plus what it bought net; the P&L split adds up to
// the holdings' change at the final mark; the summary shows holdings and no funding, close-outs or open interest;
// the agents that cannot run on spot, and spot-only or perpetual-only fields, are refused with the field named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { writeResults } from '../../src/sim/output.ts';
import { runSimulation } from '../../src/sim/runner.ts';
import { parseScenario, ScenarioError } from '../../src/sim/scenario.ts';
import { renderSummary } from '../../src/sim/summary.ts';

const dir = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const doc = parseYaml(readFileSync(join(dir, 'spot.scenario.yaml'), 'utf8')) as Record<string, unknown>;

function spotScenario(change: (d: Record<string, unknown> & { agents: Record<string, unknown>[] }) => void = () => {}) {
  const d = structuredClone(doc) as Record<string, unknown> & {
    agents: Record<string, unknown>[];
    markets: Record<string, unknown>[];
  };
  delete d['days'];
  d['durationSeconds'] = 7200;
  d['network'] = { 'market.auction.minimumDuration': '600s' };
  d.markets[0]!['openingAuctionSeconds'] = 600;
  change(d);
  return parseScenario(d, undefined, dir);
}

const run = runSimulation(spotScenario());

test('a spot run is deterministic: the same scenario and seed give the same state hash', () => {
  const again = runSimulation(spotScenario());
  assert.equal(again.summary.stateHash, run.summary.stateHash);
  assert.equal(again.summary.trades, run.summary.trades);
  const other = runSimulation(spotScenario(), { seed: '2' });
  assert.notEqual(other.summary.stateHash, run.summary.stateHash);
});

test('a spot run trades, conserves money per asset, and its net deposits are the scenario deposits', () => {
  const s = run.summary;
  assert.equal(s.conservation.ok, true, s.conservation.failure);
  assert.ok(s.trades > 100, `${s.trades} trades`);
  // from the scenario file: 2 makers 2,000,000 MYR and 10 XBT; LP 600,000 and 4; 30 noise 20,000 and 0.1;
  // momentum 300,000 and 1.5; informed 500,000 and 2.5; arbitrageur 2,000,000 and 10
  const myr = 2 * 2_000_000 + 600_000 + 30 * 20_000 + 300_000 + 500_000 + 2_000_000;
  const xbt = 2 * 10 + 4 + 30 * 0.1 + 1.5 + 2.5 + 10;
  assert.equal(s.conservation.netDeposits['MYR'], String(BigInt(myr) * 10n ** 6n));
  assert.equal(s.conservation.netDeposits['XBT'], String(BigInt(Math.round(xbt * 10)) * 10n ** 7n));
  // base moves only between parties: what they hold sums to what they deposited
  const held = run.agents.reduce((t, a) => t + a.holdings!.base, 0);
  assert.ok(Math.abs(held - xbt) < 1e-8, `${held} XBT held of ${xbt}`);
  // quote: maker fees pass between parties; the infrastructure fee leaves them, the liquidity fee leaves them and
  // comes back (in part, within the run) to the LP
  const quote = run.agents.reduce((t, a) => t + a.holdings!.quote, 0);
  const gone = myr - quote;
  assert.ok(s.fees.infrastructure > 0 && s.fees.liquidity > 0);
  assert.ok(
    gone >= s.fees.infrastructure - 1e-6,
    `${gone} left the parties, infrastructure fees ${s.fees.infrastructure}`,
  );
  assert.ok(gone <= s.fees.infrastructure + s.fees.liquidity + 1e-6, `${gone} left the parties`);
});

test('each spot party holds its base deposit plus what it bought net, and its P&L split adds up', () => {
  for (const a of run.agents) {
    const h = a.holdings!;
    assert.ok(
      Math.abs(h.base - (h.baseDeposit + a.position)) < 1e-9,
      `${a.party}: ${h.base} vs ${h.baseDeposit}+${a.position}`,
    );
    assert.ok(h.base >= 0 && h.quote >= 0, `${a.party} holds ${h.base} XBT and ${h.quote} MYR`);
    const p = a.pnl;
    assert.equal(p.funding, 0);
    const parts = p.spread + p.inventory + p.fees + p.lpFees + p.penalties;
    assert.ok(Math.abs(p.total - parts) < 1e-3 + 1e-6 * a.volume * 200_000, `${a.party}: ${p.total} vs ${parts}`);
  }
  const makers = run.agents.filter((a) => a.kind === 'avellaneda-stoikov');
  assert.ok(
    makers.every((a) => a.trades > 0),
    'the makers traded',
  );
  // orders are sized to the holdings: none refused for funds
  for (const [reason] of run.summary.commands.topRejections)
    assert.doesNotMatch(reason, /sufficient|insufficient/, reason);
});

test('the spot summary shows holdings and no funding, close-outs or open interest', () => {
  const m = run.summary.markets[0]!;
  assert.equal(m.product, 'spot');
  assert.deepEqual(m.spot, { base: 'XBT', quote: 'MYR' });
  assert.equal(run.summary.funding.periods, 0);
  assert.equal(run.summary.closeOuts.total, 0);
  const text = renderSummary(run);
  assert.match(text, /Bitcoin \/ Malaysian Ringgit \(Spot\) \(spot\)/);
  assert.match(text, /Holdings at the end \(XBT and MYR/);
  assert.match(text, /volume\s+[\d,.]+ XBT, notional [\d,.]+ MYR/);
  assert.match(text, /mark [\d.]+ vs external price/);
  assert.doesNotMatch(text, /close-outs|funding|open interest|insurance pool/);
  const out = mkdtempSync(join(tmpdir(), 'perpsim-spot-'));
  try {
    writeResults(run, out);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      agentsDetail: { holdings?: { base: number } }[];
    };
    assert.ok(summary.agentsDetail.every((a) => typeof a.holdings?.base === 'number'));
    const agentsCsv = readFileSync(join(out, 'agents.csv'), 'utf8').split('\n')[0]!;
    assert.match(agentsCsv, /,base$/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /XBT\/MYR-SPOT|Malaysian Ringgit/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('agents and fields that do not apply to spot are refused with the field named', () => {
  assert.throws(
    () =>
      runSimulation(
        spotScenario((d) => d.agents.push({ type: 'amm-provider', name: 'amm', deposit: 60000, commitment: 50000 })),
      ),
    (e: unknown) =>
      e instanceof ScenarioError &&
      /agents\[7\]: amm-provider: AMMs run on futures and perpetual markets/.test(e.message),
  );
  assert.throws(
    () => runSimulation(spotScenario((d) => ((d['markets'] as Record<string, unknown>[])[0]!['insurancePool'] = 10))),
    (e: unknown) =>
      e instanceof ScenarioError && /markets\[0\]\.insurancePool: a spot market has no insurance pool/.test(e.message),
  );
  const perp = parseScenario(
    {
      days: 0.01,
      network: { 'market.auction.minimumDuration': '60s' },
      markets: [
        {
          proposal: 'link-usd-perp.proposal.json',
          openingAuctionSeconds: 60,
          price: { process: 'gbm', start: 15, volatility: 0.5 },
        },
      ],
      agents: [{ type: 'noise', deposit: 1000, baseDeposit: 1 }],
    },
    undefined,
    dir,
  );
  assert.throws(
    () => runSimulation(perp),
    (e: unknown) => e instanceof ScenarioError && /agents\[0\]\.baseDeposit: only for spot markets/.test(e.message),
  );
});
