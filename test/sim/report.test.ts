// A small sweep runs on worker threads and its sweep.html renders in headless Chromium (opened from disk offline).
// The run report (the run's dashboard) and the other pages are tested in test/web/.
// Needs Debian's chromium (/usr/bin/chromium, or PERPSIM_CHROMIUM). Without it the test is skipped with a message,
// except in CI (CI or PERPSIM_REQUIRE_CHROMIUM set; .ci/run installs chromium), where its absence is a failure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { launch, skip } from '../web/browser.ts';
import { writeFileSync } from 'node:fs';
import { loadSweep, runSweep, writeSweep } from '../../src/sim/sweep.ts';
import { runSimulation } from '../../src/sim/runner.ts';
import { DEFAULT_SCENARIO, loadScenarioFile } from '../../src/sim/scenario.ts';

describe('sweep.html in headless Chromium', { skip }, () => {
  let context: BrowserContext;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'perpsim-report-'));
    context = await launch(true);
  });
  after(async () => {
    await context?.close();
  });

  test('a sweep runs on worker threads and its page draws its charts', async () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(
      file,
      `scenario: ${JSON.stringify(DEFAULT_SCENARIO)}\ndays: 0.025\nseeds: [1]\ngrid:\n  agents.mm-bold.gamma: [0.01, 1]\n`,
    );
    const sweep = loadSweep(file);
    assert.equal(sweep.runs.length, 2);
    const rows = await runSweep(sweep, { workers: 2 });
    assert.deepEqual(
      rows.map((r) => [r.index, r.params['agents.mm-bold.gamma'], r.summary?.conservation.ok]),
      [
        [0, 0.01, true],
        [1, 1, true],
      ],
    );
    // a worker thread computes what the main thread computes: the same state hash as an in-process run
    const direct = runSimulation(loadScenarioFile(DEFAULT_SCENARIO), { days: 0.025, seed: '1' });
    assert.equal(rows[0]!.summary!.stateHash, direct.summary.stateHash);
    const files = writeSweep(sweep, rows, join(dir, 'sweep'));
    const csv = readFileSync(files.csv, 'utf8').trim().split('\n');
    assert.equal(csv.length, 3, 'a header and one row per run');
    const page = await context.newPage();
    await page.goto(pathToFileURL(files.report).href);
    await page.waitForSelector('body[data-charts]', { timeout: 30_000 });
    assert.equal(await page.evaluate('document.body.dataset.charts'), '2');
    await page.screenshot({ path: join(dir, 'sweep.png'), fullPage: true });
    await page.close();
  });
});
