// Exchange.snapshot() / Exchange.restore() over Vega's own scenarios (issue 11): every scenario of a selection of
// feature folders — AMMs, spot, perpetuals, successors, referrals and teams, transfers, rewards, vesting, volume
// programmes, activity streaks, close-outs, liquidity provision, margin — is run twice: once as usual, and once
// with the exchange snapshotted (through JSON text) and replaced by its restored copy after every step. Both runs
// must give every scenario the same outcome. (Over the whole corpus, with a restore after each of ~31,000 steps,
// 1,173 scenarios pass as without restores, and 1,147 with --perps.) Skipped when the feature folder is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findFeatureFiles, runFeatureFile, type ScenarioResult } from '../../conformance/runner.ts';
import { buildRegistry } from '../../conformance/steps/index.ts';
import { loadDefaults } from '../../conformance/defaults.ts';
import { defaultFeaturesDir } from '../../conformance/cli.ts';
import { World } from '../../conformance/world.ts';
import { Exchange } from '../../src/core/index.ts';

const FOLDERS = [
  'amm',
  'spot',
  'spots',
  'perpetual.feature',
  'successor-markets',
  'referrals',
  'teams',
  'transfers',
  'rewards',
  'vesting',
  'volume-rebate',
  'activity-streak',
  'closeouts',
  'liquidity-provision',
  'margin',
];

const featuresDir = defaultFeaturesDir();

function runAll(restoreEachStep: boolean): { results: ScenarioResult[]; restores: number } {
  const dir = featuresDir!;
  const defaults = loadDefaults(join(dir, '..', 'defaults'));
  const registry = buildRegistry();
  const files = findFeatureFiles(dir).filter((f) => FOLDERS.some((x) => f.slice(dir.length).includes(x)));
  const orig = World.prototype.endStep;
  let restores = 0;
  if (restoreEachStep)
    World.prototype.endStep = function (this: World) {
      orig.call(this);
      const text = JSON.stringify(this.ex.snapshot());
      (this as { ex: Exchange }).ex = Exchange.restore(JSON.parse(text), { sink: this });
      restores++;
    };
  try {
    return { results: files.flatMap((f) => runFeatureFile(registry, defaults, dir, f)), restores };
  } finally {
    World.prototype.endStep = orig;
  }
}

test(
  "Vega's scenarios give the same outcome when the exchange is restored from a snapshot after every step",
  { skip: featuresDir && existsSync(featuresDir) ? false : 'no Vega feature folder' },
  () => {
    const plain = runAll(false);
    const restored = runAll(true);
    assert.ok(plain.results.length > 300, `${plain.results.length} scenarios`);
    assert.ok(restored.restores > 5_000, `${restored.restores} restores`);
    const outcome = (r: ScenarioResult) => `${r.file}:${r.line} ${r.status}`;
    const differ = restored.results.filter((r, i) => outcome(r) !== outcome(plain.results[i]!));
    assert.deepEqual(
      differ.map((r) => `${r.file}:${r.line} ${r.status}: ${(r.error ?? '').split('\n')[0]}`),
      [],
      'scenarios whose outcome changed with the restores',
    );
    assert.ok(plain.results.filter((r) => r.status === 'passed').length > 250);
  },
);
