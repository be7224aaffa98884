// The static pages in headless Chromium, opened from disk offline: a short simulation's report.html and the
// dashboard `perpsim dashboard` writes for it, a sweep's dashboard and the liquidity report. Each loads without a
// console error, every chart draws its series (saturated pixels on its canvas: grid, axes and text are grey), and a
// screenshot is kept under test-artifacts/web/. The time-range selector narrows every time chart. Every Parquet file
// written next to a CSV reads back (hyparquet) equal to the CSV.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { BrowserContext } from 'playwright-core';
import { writeResults, type WrittenFiles } from '../../src/sim/output.ts';
import { runSimulation } from '../../src/sim/runner.ts';
import { DEFAULT_SCENARIO, loadScenarioFile } from '../../src/sim/scenario.ts';
import { loadSweep, runSweep, writeSweep } from '../../src/sim/sweep.ts';
import { writeDashboard } from '../../src/cli/dashboard.ts';
import { runLiquidity, writeLiquidityFiles } from '../../src/cli/liquidity.ts';
import { readParquet } from '../../src/io/parquet.ts';
import { canvasInk, launch, openPage, screenshot, skip } from './browser.ts';

const LIQ = new URL('../../scenarios/liquidity/', import.meta.url).pathname;

/** A CSV and its Parquet twin hold the same columns and the same values (numbers as the CSV's 12 digits). */
async function assertParquetEqualsCsv(csvFile: string): Promise<number> {
  const rows = parse(readFileSync(csvFile, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const header = readFileSync(csvFile, 'utf8').split('\n')[0]!.split(',');
  const pq = await readParquet(csvFile.replace(/\.csv$/, '.parquet'));
  assert.equal(pq.length, rows.length, `${csvFile}: rows`);
  if (pq.length) assert.deepEqual(Object.keys(pq[0]!), header, `${csvFile}: columns`);
  rows.forEach((r, i) => {
    for (const k of header) {
      const cell = r[k]!;
      const v = pq[i]![k];
      const where = `${csvFile} row ${i} ${k}`;
      if (v instanceof Date) assert.equal(v.toISOString(), cell, where);
      else if (typeof v === 'number')
        assert.ok(v === Number(cell) || Number(v.toPrecision(12)) === Number(cell), `${where}: ${v} vs ${cell}`);
      else if (v === null || v === undefined) assert.equal(cell, '', where);
      else assert.equal(String(v), cell, where);
    }
  });
  return rows.length;
}

describe('static pages in headless Chromium', { skip }, () => {
  let ctx: BrowserContext;
  let dir: string;
  let files: WrittenFiles;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'perpsim-web-'));
    // ten hours: one funding period ends (every 8 h), the opening auction is shaded, candles have trades
    files = writeResults(runSimulation(loadScenarioFile(DEFAULT_SCENARIO), { days: 10 / 24 }), join(dir, 'run'));
    ctx = await launch(true);
  });
  after(async () => {
    await ctx?.close();
  });

  async function check(url: string, shot: string, minCharts: number) {
    const { page, problems } = await openPage(ctx);
    await page.goto(url);
    await page.waitForSelector('body[data-charts]', { timeout: 30_000 });
    const charts = Number(await page.evaluate('document.body.dataset.charts'));
    const ink = await canvasInk(page);
    assert.equal(ink.length, charts, 'every chart reported drawn');
    assert.ok(charts >= minCharts, `${charts} charts, expected at least ${minCharts}`);
    for (const c of ink) {
      assert.ok(c.width > 250 && c.height > 100, `${c.name}: canvas ${c.width}x${c.height}`);
      assert.ok(c.coloured > 100, `${c.name}: ${c.coloured} pixels of a series colour`);
    }
    const file = await screenshot(page, shot);
    assert.ok(statSync(file).size > 50_000, `${shot}: a full-page screenshot with content`);
    assert.deepEqual(problems, []);
    return page;
  }

  test('the run report and its dashboard: every chart draws, tables are HTML, the range selector narrows', async () => {
    const html = readFileSync(files.report, 'utf8');
    assert.doesNotMatch(html, /<pre>/, 'no terminal text');
    assert.match(html, /<table class="t">/);
    assert.doesNotMatch(html, /<script[^>]+src=/, 'no external scripts');
    const page = await check(pathToFileURL(files.report).href, 'report.png', 16);
    // candles, depth, funding history, per-epoch LP bars and quotes vs fair are among them
    const names = (await canvasInk(page)).map((c) => c.name);
    for (const n of ['candles-0', 'depth-0', 'funding-history-0', 'twaps-0', 'lp-epochs', 'mm-quotes', 'pnl-all'])
      assert.ok(names.includes(n), `${n} drawn (${names.join(', ')})`);
    // "last hour" sets every time chart to the last hour of the run
    const end = Date.parse('2024-01-01T10:00:00Z') / 1000;
    await page.click('.range button:has-text("last hour")');
    const ranges = (await page.evaluate(
      `['prices-0', 'open-interest-0', 'margins-0'].map((n) => [PerpsimCharts.instances[n].scales.x.min, PerpsimCharts.instances[n].scales.x.max])`,
    )) as [number, number][];
    for (const [min, max] of ranges) {
      assert.equal(Math.round(min), end - 3600);
      assert.equal(Math.round(max), end);
    }
    // the candles are re-bucketed to the hour: every candle lies inside it
    const xs = (await page.evaluate(`PerpsimCharts.instances['candles-0'].data[0]`)) as number[];
    assert.ok(xs.length > 10 && xs.every((x) => x >= end - 3600 && x <= end), 'candles of the last hour');
    await page.close();

    const dash = writeDashboard(join(dir, 'run'));
    assert.equal(dash, join(dir, 'run', 'dashboard.html'));
    (await check(pathToFileURL(dash).href, 'dashboard.png', 16)).close();
  });

  test('the depth chart of the run is the cumulative final book', async () => {
    const { page } = await openPage(ctx);
    await page.goto(pathToFileURL(files.report).href);
    await page.waitForSelector('body[data-charts]', { timeout: 30_000 });
    const book = parse(readFileSync(join(dir, 'run', 'book-link-usd-perp.csv'), 'utf8'), { columns: true }) as {
      side: string;
      price: string;
      size: string;
    }[];
    const bids = book.filter((l) => l.side === 'buy').map((l) => [Number(l.price), Number(l.size)] as const);
    const asks = book.filter((l) => l.side === 'sell').map((l) => [Number(l.price), Number(l.size)] as const);
    assert.ok(bids.length > 3 && asks.length > 3, 'a two-sided book at the end');
    const [xs, b, a] = (await page.evaluate(`PerpsimCharts.instances['depth-0'].data`)) as (number | null)[][];
    // at the best bid the bid curve holds the best level; at the lowest bid, every bid
    const at = (p: number) => xs!.indexOf(p);
    assert.equal(b![at(bids[0]![0])], bids[0]![1]);
    assert.equal(
      b![at(bids[bids.length - 1]![0])],
      bids.reduce((s, l) => s + l[1], 0),
    );
    assert.equal(a![at(asks[0]![0])], asks[0]![1]);
    assert.equal(
      a![at(asks[asks.length - 1]![0])],
      asks.reduce((s, l) => s + l[1], 0),
    );
    assert.equal(b![at(asks[0]![0])], null, 'no bid curve above the best bid');
    await page.close();
  });

  test('a sweep dashboard: P&L against the swept parameter', async () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(
      file,
      `scenario: ${JSON.stringify(DEFAULT_SCENARIO)}\ndays: 0.025\nseeds: [1]\ngrid:\n  agents.mm-bold.gamma: [0.01, 1]\n`,
    );
    const sweep = loadSweep(file);
    const rows = await runSweep(sweep, { workers: 1 });
    writeSweep(sweep, rows, join(dir, 'sweep'));
    const dash = writeDashboard(join(dir, 'sweep'));
    const page = await check(pathToFileURL(dash).href, 'sweep-dashboard.png', 2);
    const xs = (await page.evaluate(`PerpsimCharts.instances['sweep-0'].data[0]`)) as number[];
    assert.deepEqual(xs, [0.01, 1]);
    await page.close();
  });

  test('the liquidity report', async () => {
    const r = runLiquidity(join(LIQ, 'link-usd-daily.csv'), join(LIQ, 'link-usd-commitments.json'));
    const out = writeLiquidityFiles(r, join(dir, 'liquidity'));
    (await check(pathToFileURL(out.html).href, 'liquidity.png', 6)).close();
  });

  test('every Parquet file reads back equal to its CSV', async () => {
    const run = join(dir, 'run');
    const csvs = readdirSync(run).filter((f) => f.endsWith('.csv'));
    assert.deepEqual(
      csvs.sort(),
      [
        'agents.csv',
        'auctions.csv',
        'book-link-usd-perp.csv',
        'funding-link-usd-perp.csv',
        'series-link-usd-perp.csv',
        'trades-link-usd-perp.csv',
      ].sort(),
    );
    let rows = 0;
    for (const f of csvs) rows += await assertParquetEqualsCsv(join(run, f));
    assert.ok(rows > 1000);
    const r = runLiquidity(join(LIQ, 'link-usd-daily.csv'), join(LIQ, 'link-usd-commitments.json'));
    const out = writeLiquidityFiles(r, join(dir, 'liquidity-parquet'));
    assert.equal(await assertParquetEqualsCsv(out.days), r.days.length);
    assert.equal(
      await assertParquetEqualsCsv(out.providers),
      r.days.reduce((s, d) => s + d.providers.length, 0),
    );
  });
});
