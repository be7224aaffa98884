// The simulator's AMM liquidity provider (spec 0090-VAMM): a pool around the mid once the market trades, which
// takes the other side of the traders' orders; money stays conserved with the pool's sub-account; the pool's
// sub-account counts as its owner's, so the agent's P&L split still adds up to its equity change; a commitment above
// the deposit is refused with the field named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation } from '../../src/sim/runner.ts';
import { DEFAULT_SCENARIO, loadScenarioFile, parseScenario, ScenarioError } from '../../src/sim/scenario.ts';

const base = loadScenarioFile(DEFAULT_SCENARIO);

function scenario(agent: Record<string, unknown>) {
  return parseScenario(
    {
      days: 0.03,
      network: { 'market.auction.minimumDuration': '600s' },
      markets: [
        {
          proposal: 'link-usd-perp.proposal.json',
          openingAuctionSeconds: 600,
          price: { process: 'gbm', start: 20, volatility: 0.5 },
          oracle: { everySeconds: 30 },
        },
      ],
      agents: [
        { type: 'avellaneda-stoikov', name: 'mm', deposit: 100000, gamma: 0.5, orderSize: 50, model: 'finite' },
        { type: 'noise', count: 5, deposit: 5000, meanIntervalSeconds: 30 },
        agent,
      ],
    },
    undefined,
    base.baseDir,
  );
}

test('an AMM provider pools around the mid, trades, and its P&L adds up with money conserved', () => {
  const r = runSimulation(
    scenario({ type: 'amm-provider', name: 'amm', deposit: 60000, commitment: 50000, width: 0.05, refreshSeconds: 60 }),
  );
  assert.equal(r.summary.conservation.ok, true, r.summary.conservation.failure);
  const amm = r.agents.find((a) => a.party === 'amm')!;
  assert.equal(amm.strategy?.['submitted'], 1);
  assert.equal(amm.strategy?.['lastError'], undefined);
  assert.ok(amm.trades > 0, 'the pool traded');
  const p = amm.pnl;
  const parts = p.spread + p.inventory + p.funding + p.fees + p.lpFees + p.penalties;
  assert.ok(Math.abs(p.total - parts) < 1e-4 * Math.max(1, amm.volume), `${p.total} vs ${parts}`);
  // the commitment moved into the sub-account is not a loss
  assert.ok(p.total > -5000, `total ${p.total}`);
});

test('a commitment above the deposit is refused, naming the field', () => {
  assert.throws(
    () => scenario({ type: 'amm-provider', name: 'amm', deposit: 1000, commitment: 5000 }),
    (e: unknown) =>
      e instanceof ScenarioError && /agents\[2\]\.commitment: 5000 is more than the deposit/.test(e.message),
  );
});
