// Whole simulations of the default scenario (shortened): the same seed gives the same state hash and the same
// results, another seed another hash; money is conserved at every block; the agents trade and the opening auction
// ends; each agent's P&L split (from trades, the public mid and the ledger's transfer types) adds up to its equity
// change (from its accounts); agents reach the engine only through the client view.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSimulation, type RunResult } from '../../src/sim/runner.ts';
import { DEFAULT_SCENARIO, loadScenarioFile, parseScenario } from '../../src/sim/scenario.ts';

const DAYS = 0.06; // 30 minutes of opening auction and about an hour of trading
const loaded = loadScenarioFile(DEFAULT_SCENARIO);

function stable(r: RunResult) {
  const { wallSeconds: _w, blocksPerSecond: _b, ...rest } = r.summary;
  return { summary: rest, agents: r.agents };
}

describe('simulation of the default scenario', () => {
  const a = runSimulation(loaded, { days: DAYS });
  const b = runSimulation(loaded, { days: DAYS });
  const c = runSimulation(loaded, { days: DAYS, seed: '2' });

  test('the same seed gives the same state hash and the same results; another seed another hash', () => {
    assert.match(a.summary.stateHash, /^[0-9a-f]{64}$/);
    assert.equal(b.summary.stateHash, a.summary.stateHash);
    assert.deepEqual(stable(b), stable(a));
    assert.notEqual(c.summary.stateHash, a.summary.stateHash);
    assert.notEqual(c.summary.trades, a.summary.trades);
  });

  test('money is conserved, checked at every block', () => {
    for (const r of [a, c]) {
      const k = r.summary.conservation;
      assert.equal(k.ok, true, k.failure);
      assert.equal(k.blocksChecked, r.summary.blocks + 1, 'every block end, block 0 included');
      assert.ok(k.transfersChecked > 1000);
      assert.ok(k.fullScans >= 2);
    }
  });

  test('the market opens and trades; every agent type takes part', () => {
    const s = a.summary;
    assert.equal(s.blocks, Math.floor(DAYS * 86_400));
    assert.deepEqual(s.auctions.byTrigger['OPENING'], 1);
    assert.ok(s.trades > 200, `${s.trades} trades`);
    for (const kind of ['avellaneda-stoikov', 'liquidity-provider', 'noise', 'momentum', 'informed', 'arbitrageur'])
      assert.ok((s.byKind[kind]?.volume ?? 0) > 0, `${kind} traded`);
    assert.equal(s.liquidity.provisions.length, 2);
    for (const p of s.liquidity.provisions) assert.equal(p.status, 'ACTIVE', p.party);
    const t = a.recorder.market('LINK/USD-PERP');
    assert.equal(t.length, Math.floor(s.blocks / 60) + 1, 'one sample a minute');
  });

  test('each P&L split adds up to the equity change from the accounts', () => {
    for (const x of a.agents) {
      const p = x.pnl;
      const parts = p.spread + p.inventory + p.funding + p.fees + p.lpFees + p.penalties;
      // independent sides: trades valued at the public mid and the final mark, transfer types from the ledger,
      // against the party's account balances; what is left is the engine's rounding of mark-to-market amounts
      assert.ok(Math.abs(p.total - parts) < 1e-4 * Math.max(1, x.volume), `${x.party}: ${p.total} vs ${parts}`);
      assert.ok(Math.abs(p.other) < 1e-4 * Math.max(1, x.volume), `${x.party}: other ${p.other}`);
    }
    const makers = a.summary.marketMakers;
    assert.equal(makers.length, 3);
    for (const m of makers) {
      assert.ok(m.trades > 0 && m.pnl.spread > 0, `${m.party} earns spread`);
      assert.ok(m.pnl.fees > 0, `${m.party} receives maker fees`);
      assert.equal(typeof m.strategy?.['kappa'], 'number');
    }
  });

  test('a scenario with one maker and noise traders on a GBM path runs and is conserved', () => {
    const small = parseScenario(
      {
        days: 0.03,
        // a 10-minute opening auction needs the network minimum lowered (Vega rejects a shorter one)
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
        ],
      },
      undefined,
      loaded.baseDir,
    );
    const r = runSimulation(small);
    assert.equal(r.summary.conservation.ok, true);
    assert.ok(r.summary.trades > 20);
    assert.ok(Math.abs(r.summary.markets[0]!.finalMark - 20) < 3);
  });
});

test('agents use the engine only through the client view (no Exchange or Market in src/sim/agents)', () => {
  const dir = fileURLToPath(new URL('../../src/sim/agents/', import.meta.url));
  for (const f of readdirSync(dir)) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const m of text.matchAll(/from '([^']+)'/g)) {
      const spec = m[1]!;
      assert.ok(!/core\/(exchange|market|ledger|book)/.test(spec), `${f} imports ${spec}`);
    }
  }
});

test('no Math.random in the simulator, the strategies or the engine', () => {
  const roots = ['../../src/sim/', '../../src/strategies/', '../../src/core/'];
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : [],
    );
  for (const r of roots)
    for (const f of walk(fileURLToPath(new URL(r, import.meta.url))))
      assert.ok(!/Math\.random\s*\(/.test(readFileSync(f, 'utf8')), `${f} uses Math.random`);
});
