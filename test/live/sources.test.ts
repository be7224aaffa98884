// The venue's inputs besides clients: oracle prices from a CSV replay and from a price process (on their cadence, in
// the data source's integer form), and a scenario's agents trading in real time through the journaled command path
// (a replay of the journal alone, without the agents, reaches the same state).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeGenesis } from '../../src/live/genesis.ts';
import { DEFAULT_PRICE_MODEL, oracleValueExact, oracleValueOf } from '../../src/live/oracle.ts';
import { DEFAULT_PROPOSAL } from '../../src/live/server.ts';
import { Venue } from '../../src/live/venue.ts';
import { DEFAULT_SCENARIO, loadScenarioFile } from '../../src/sim/scenario.ts';
import { START_NS } from './helpers.ts';

const GENESIS = makeGenesis(START_NS, [{ proposal: DEFAULT_PROPOSAL, openingAuctionSeconds: 30 }], {
  'market.auction.minimumDuration': '30s',
});

describe('venue inputs', () => {
  test('oracle values in the source form', () => {
    assert.equal(oracleValueOf(15.123456789, 8, false), '1512345679');
    assert.equal(oracleValueOf(15, 8, true), '15.00000000');
    assert.equal(oracleValueExact('15.5', 8, false, 'price'), '1550000000');
    assert.throws(() => oracleValueExact('15.123456789', 8, false, 'body.price'), /body.price: .* more than 8/);
  });

  test('a CSV replay publishes the interpolated price every oracle period', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-oracle-'));
    try {
      const csv = join(dir, 'prices.csv');
      // 0 s: 10, 100 s: 20 → at 50 s the price is 15
      writeFileSync(csv, 'time,price\n1767225600,10\n1767225700,20\n');
      let now = START_NS;
      const v = new Venue({
        genesis: GENESIS,
        clock: () => now,
        oracle: {
          mode: 'model',
          models: new Map(),
          fallback: { process: 'csv', file: csv },
          everySeconds: 50,
          seed: '1',
        },
      });
      const published: string[] = [];
      v.addListener({ onCommand: (c) => c.kind === 'oracle' && published.push(Object.values(c.properties)[0]!) });
      for (let i = 0; i < 10; i++) {
        now += 10_000_000_000n;
        v.endBlock();
      }
      // blocks at 10 … 100 s; due at 10 s (the first block), then 60 s and beyond: 10 + 10·(10/100) = 11, 16
      assert.deepEqual(published, ['1100000000', '1600000000']);
      assert.equal(v.oracle.last.get(v.markets[0]!.id)?.price, 16);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a scenario's agents trade through the journal; the journal alone replays to the same state", () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-agents-'));
    try {
      let now = START_NS;
      const scenario = loadScenarioFile(DEFAULT_SCENARIO);
      const oracle = {
        mode: 'model' as const,
        models: new Map(),
        fallback: DEFAULT_PRICE_MODEL,
        everySeconds: 60,
        seed: '1',
      };
      const v = new Venue({ genesis: GENESIS, clock: () => now, journalDir: join(dir, 'j'), oracle, agents: scenario });
      const trades: string[] = [];
      v.addListener({ onEvent: (e) => e.type === 'trade' && trades.push(e.trade.id) });
      for (let i = 0; i < 600; i++) {
        now += 1_000_000_000n;
        v.endBlock();
      }
      assert.ok(v.agents!.stats.submitted > 50, `${v.agents!.stats.submitted} agent orders`);
      assert.deepEqual(v.agents!.failures, []);
      assert.ok(trades.length > 0, 'the agents traded');
      assert.equal(v.markets[0]!.market.tradingMode, 'CONTINUOUS');
      const hash = v.stateHash();
      const commands = v.commands;
      v.close();
      // replay without agents or oracle: every agent command and oracle price came from the journal
      const r = new Venue({ genesis: GENESIS, clock: () => now, journalDir: join(dir, 'j') });
      assert.equal(r.stateHash(), hash);
      assert.equal(r.recovered.commands, commands);
      r.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
