// Scenario files: the default scenario validates (the seed's LINK/USD perpetual, 7 days of 1 s blocks, 3 makers with
// different risk aversion, 2 LPs, ~50 noise traders, momentum, informed and arbitrage agents); errors name the field
// and the reason, unknown fields and duplicate party names are refused, YAML syntax errors give the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_SCENARIO,
  durationSeconds,
  loadScenarioFile,
  parseScenario,
  partyNames,
  ScenarioError,
} from '../../src/sim/scenario.ts';

const minimal = () => ({
  markets: [{ proposal: 'p.json', price: { process: 'gbm', start: 10, volatility: 0.5 } }],
  agents: [{ type: 'noise', deposit: 1000 }],
  days: 1,
});

function problems(doc: unknown): string[] {
  try {
    parseScenario(doc, 's.yaml');
  } catch (e) {
    assert.ok(e instanceof ScenarioError, String(e));
    assert.match(e.message, /^s\.yaml: invalid scenario/);
    return [...e.problems];
  }
  assert.fail('expected the scenario to be refused');
}

test('the default scenario: the LINK/USD perpetual for 7 days of 1-second blocks with the issue’s agents', () => {
  const { scenario: s } = loadScenarioFile(DEFAULT_SCENARIO);
  assert.equal(durationSeconds(s), 7 * 86_400);
  assert.equal(s.blockSeconds, 1);
  assert.match(s.markets[0]!.proposal, /link-usd-perp\.proposal\.json$/);
  const count = (type: string) => s.agents.filter((a) => a.type === type).reduce((n, a) => n + a.count, 0);
  assert.equal(count('avellaneda-stoikov'), 3);
  const gammas = s.agents.flatMap((a) => (a.type === 'avellaneda-stoikov' ? [a.gamma] : []));
  assert.equal(new Set(gammas).size, 3, 'three different risk aversions');
  assert.equal(count('liquidity-provider'), 2);
  assert.ok(count('noise') >= 45 && count('noise') <= 55);
  assert.ok(count('momentum') >= 2);
  assert.equal(count('informed'), 1);
  assert.equal(count('arbitrageur'), 1);
});

test('defaults are filled and party names derived', () => {
  const { scenario: s } = parseScenario(minimal());
  assert.equal(s.seed, 1);
  assert.equal(s.blockSeconds, 1);
  assert.equal(s.markets[0]!.oracle.everySeconds, 300);
  const a = s.agents[0]!;
  assert.equal(a.type, 'noise');
  if (a.type === 'noise') assert.equal(a.meanIntervalSeconds, 600);
  assert.deepEqual(partyNames('noise', 3), ['noise-1', 'noise-2', 'noise-3']);
  assert.deepEqual(partyNames('noise', 12).slice(0, 2), ['noise-01', 'noise-02']);
  assert.deepEqual(partyNames('mm', 1), ['mm']);
});

test('errors name the field path and the reason', () => {
  const bad = minimal();
  (bad.agents as unknown[]).push({ type: 'avellaneda-stoikov', deposit: 10, gamma: -1, orderSize: 5 });
  assert.deepEqual(problems(bad), ['agents[1].gamma: Too small: expected number to be >0']);

  const unknown = { ...minimal(), sed: 3 };
  assert.deepEqual(problems(unknown), ['(document): unknown field "sed"']);

  const wrongType = minimal();
  (wrongType.agents as unknown[])[0] = { type: 'whale', deposit: 1 };
  const p = problems(wrongType);
  assert.equal(p.length, 1);
  assert.match(p[0]!, /^agents\[0\]\.type: /);

  const noDuration = { ...minimal(), days: undefined };
  assert.deepEqual(problems(noDuration), ['days: give the duration as days or durationSeconds']);

  const price = minimal();
  (price.markets[0] as { price: unknown }).price = { process: 'gbm', start: 0, volatility: 0.5 };
  assert.deepEqual(problems(price), ['markets[0].price.start: starting price: at least 0.000001, got 0']);
});

test('two agents may not share a party name', () => {
  const doc = minimal();
  (doc.agents as unknown[]).push({ type: 'informed', name: 'noise', deposit: 5, maxPositionNotional: 10 });
  assert.deepEqual(problems(doc), ['agents[1].name: party "noise" is used by two agents']);
});

test('files: YAML syntax errors give the line; JSON is read by extension; unreadable files say so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-scenario-'));
  const yaml = join(dir, 'bad.yaml');
  writeFileSync(yaml, 'days: 1\nmarkets: [\n  - x\n');
  assert.throws(() => loadScenarioFile(yaml), /bad\.yaml: invalid scenario\n {2}not valid YAML at line \d+/);
  const json = join(dir, 'ok.json');
  writeFileSync(json, JSON.stringify(minimal()));
  assert.equal(loadScenarioFile(json).baseDir, dir);
  assert.throws(() => loadScenarioFile(join(dir, 'missing.yaml')), /cannot read the scenario file \(ENOENT\)/);
});
