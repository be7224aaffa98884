// The report of a spot simulation (spec 0080-SPOT) in headless Chromium, opened from disk offline: it loads without
// a console error, its price, book and liquidity charts draw, and it has no open-interest, margin or funding charts
// (a spot market has none); a screenshot is kept under test-artifacts/web/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { BrowserContext } from 'playwright-core';
import { writeResults, type WrittenFiles } from '../../src/sim/output.ts';
import { runSimulation } from '../../src/sim/runner.ts';
import { parseScenario } from '../../src/sim/scenario.ts';
import { canvasInk, launch, openPage, screenshot, skip } from '../web/browser.ts';

const dir = fileURLToPath(new URL('../../scenarios/', import.meta.url));

describe('the spot report in headless Chromium', { skip }, () => {
  let ctx: BrowserContext;
  let files: WrittenFiles;
  before(async () => {
    const doc = parseYaml(readFileSync(join(dir, 'spot.scenario.yaml'), 'utf8')) as Record<string, unknown> & {
      markets: Record<string, unknown>[];
    };
    delete doc['days'];
    doc['durationSeconds'] = 3 * 3600;
    doc['network'] = { 'market.auction.minimumDuration': '600s' };
    doc.markets[0]!['openingAuctionSeconds'] = 600;
    const run = runSimulation(parseScenario(doc, undefined, dir));
    files = writeResults(run, join(mkdtempSync(join(tmpdir(), 'perpsim-spot-web-')), 'run'));
    ctx = await launch(true);
  });
  after(async () => {
    await ctx?.close();
  });

  test('every chart draws; no open interest, margin or funding charts', async () => {
    const html = readFileSync(files.report, 'utf8');
    assert.match(html, /external price/);
    assert.doesNotMatch(html, /<h2>Margins<\/h2>|<h2>Funding<\/h2>|insurance pool<\/div>/);
    const { page, problems } = await openPage(ctx);
    await page.goto(pathToFileURL(files.report).href);
    await page.waitForSelector('body[data-charts]', { timeout: 30_000 });
    const ink = await canvasInk(page);
    const names = ink.map((c) => c.name);
    for (const n of ['candles-0', 'prices-0', 'depth-0', 'stake-0', 'mm-quotes', 'pnl-all'])
      assert.ok(names.includes(n), `${n} drawn (${names.join(', ')})`);
    for (const n of ['open-interest-0', 'margins-0', 'funding-0', 'funding-history-0'])
      assert.ok(!names.includes(n), `no ${n}`);
    for (const c of ink.filter((x) => ['candles-0', 'prices-0', 'depth-0'].includes(x.name)))
      assert.ok(c.coloured > 100, `${c.name}: ${c.coloured} pixels of a series colour`);
    await screenshot(page, 'spot-report.png');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
