// The `perpsim compare` page in headless Chromium: built from a comparison of the default compare scenario's first
// 0.05 days, it loads offline without errors, and each of its eight charts draws its series.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { COMPARE_SCENARIO, runComparison } from '../../src/sim/compare.ts';
import { renderComparisonPage } from '../../src/sim/compare-report.ts';
import { loadScenarioFile } from '../../src/sim/scenario.ts';
import { canvasInk, launch, openPage, screenshot, skip } from './browser.ts';

describe('the compare page in headless Chromium', { skip }, () => {
  let ctx: BrowserContext;
  let file: string;
  before(async () => {
    const loaded = loadScenarioFile(COMPARE_SCENARIO);
    const r = runComparison(loaded, { days: 0.05 });
    file = join(mkdtempSync(join(tmpdir(), 'perpsim-compare-web-')), 'compare.html');
    writeFileSync(file, renderComparisonPage(r, Date.parse(loaded.scenario.start), 'USDT'));
    ctx = await launch(true);
  });
  after(async () => {
    await ctx?.close();
  });

  test('every chart draws, the side-by-side table names both mechanisms', async () => {
    const { page, problems } = await openPage(ctx);
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-charts]', { timeout: 30_000 });
    const ink = await canvasInk(page);
    assert.equal(ink.length, 8);
    for (const c of ink) {
      assert.ok(c.width > 250 && c.height > 100, `${c.name}: canvas ${c.width}x${c.height}`);
      // the cumulative close-outs may be a flat line at 0 on the axis; every chart still draws its series colour
      assert.ok(c.coloured > 50, `${c.name}: ${c.coloured} pixels of a series colour`);
    }
    const text = String(await page.evaluate('document.body.innerText'));
    assert.match(text, /Side by side/);
    assert.match(text, /money conserved\s+yes\s+yes/);
    await screenshot(page, 'compare.png');
    assert.deepEqual(problems, []);
  });
});
