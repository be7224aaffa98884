// The run report of a scenario with incentive programmes (issue 16), in headless Chromium: the programmes section
// draws each maker's and LP's programme income by epoch and the rewards vs vested chart, and lists every agent's
// programme lines; programmes.csv holds the lines per epoch. Skipped without Chromium (see browser.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { writeResults } from '../../src/sim/output.ts';
import { runSimulation } from '../../src/sim/runner.ts';
import { loadScenarioFile } from '../../src/sim/scenario.ts';
import { canvasInk, launch, openPage, skip } from './browser.ts';

describe('the programmes section of the run report', { skip }, () => {
  let ctx: BrowserContext;
  let report: string;
  let dir: string;
  before(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'perpsim-prog-')), 'run');
    const r = runSimulation(loadScenarioFile('scenarios/programmes.scenario.yaml'), { days: 4 / 24 });
    report = writeResults(r, dir).report;
    ctx = await launch(true);
  });
  after(async () => {
    await ctx?.close();
  });

  test('charts the programme income and lists the lines', async () => {
    const csv = readFileSync(join(dir, 'programmes.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'epoch,party,discounts,rebates,referral_rewards,rewards,vested');
    assert.ok(csv.length > 10, 'rows for several epochs');
    const html = readFileSync(report, 'utf8');
    assert.match(html, /Incentive programmes/);
    assert.match(html, /referral rewards/);
    const { page, problems } = await openPage(ctx);
    await page.goto(pathToFileURL(report).href);
    await page.waitForSelector('body[data-charts]', { timeout: 30_000 });
    const ink = await canvasInk(page);
    for (const n of ['programmes', 'programmes-vesting']) {
      const c = ink.find((x) => x.name === n);
      assert.ok(c, `${n} drawn (${ink.map((x) => x.name).join(', ')})`);
      assert.ok(c.coloured > 100, `${n}: ${c.coloured} pixels of a series colour`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
});
