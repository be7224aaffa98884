// The live dashboard in headless Chromium against a real venue (the default scenario's agents trading, loopback
// only): within 15 s the page at `/` shows the order book and at least four charts with drawn series, with no console
// error; an order placed through the API appears on the page's book (and, with the party's key typed in, among its
// quotes, with its initial margin), and the page's depth chart equals the cumulative depth the API serves; when the
// WebSocket drops, the page reconnects by itself. A screenshot is kept under test-artifacts/web/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_CONFIG, startVenue, type RunningVenue } from '../../src/live/server.ts';
import { DEFAULT_SCENARIO } from '../../src/sim/scenario.ts';
import { canvasInk, launch, openPage, screenshot, skip } from './browser.ts';

const ADMIN = 'web-test-admin';
const MARKET = 'LINK/USD-PERP';

async function call(base: string, method: string, path: string, key?: string, body?: unknown): Promise<unknown> {
  const r = await fetch(base + path, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await r.json()) as unknown;
  assert.ok(r.ok, `${method} ${path}: HTTP ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** Cumulative depth computed here from [price, size] levels, as a depth chart's three columns. */
function cumulative(bids: [number, number][], asks: [number, number][]): (number | null)[][] {
  const xs = [...new Set([...bids.map((l) => l[0]), ...asks.map((l) => l[0])])].sort((a, b) => a - b);
  const bestBid = Math.max(...bids.map((l) => l[0]));
  const bestAsk = Math.min(...asks.map((l) => l[0]));
  return [
    xs,
    xs.map((x) => (x > bestBid ? null : bids.filter((l) => l[0] >= x).reduce((s, l) => s + l[1], 0))),
    xs.map((x) => (x < bestAsk ? null : asks.filter((l) => l[0] <= x).reduce((s, l) => s + l[1], 0))),
  ];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the live dashboard in headless Chromium', { skip }, () => {
  let venue: RunningVenue;
  let ctx: BrowserContext;
  let page: Page;
  let problems: string[];
  before(async () => {
    venue = await startVenue({
      ...DEFAULT_CONFIG,
      port: 0,
      agents: DEFAULT_SCENARIO,
      openingAuctionSeconds: 3,
      adminToken: ADMIN,
      spam: undefined,
    });
    ctx = await launch(false);
    ({ page, problems } = await openPage(ctx));
  });
  after(async () => {
    await ctx?.close();
    await venue?.close();
  });

  test('within 15 s: the order book and at least four drawn charts, no console error', async () => {
    const started = Date.now();
    await page.goto(venue.url + '/');
    await page.waitForSelector('body[data-live="connected"]', { timeout: 15_000 });
    await page.waitForSelector('body[data-charts]', { timeout: 15_000 });
    let drawn = 0;
    let levels = 0;
    let names = '';
    while (Date.now() - started < 15_000) {
      const ink = await canvasInk(page);
      drawn = ink.filter((c) => c.coloured > 100).length;
      names = ink.map((c) => `${c.name} ${c.coloured}`).join(', ');
      levels = Number((await page.evaluate(`document.getElementById('ladder-0').dataset.levels || 0`)) as string);
      if (drawn >= 4 && levels > 0) break;
      await sleep(500);
    }
    assert.ok(levels > 0, 'the ladder shows the book');
    assert.ok(drawn >= 4, `${drawn} charts with drawn series (${names})`);
    assert.deepEqual(problems, []);
  });

  test('an order placed through the API shows on the page, and the depth chart equals the API depth', async () => {
    const { key } = (await call(venue.url, 'POST', '/v1/admin/parties', ADMIN, { party: 'web-tester' })) as {
      key: string;
    };
    await call(venue.url, 'POST', '/v1/deposit', key, { amount: '100000' });
    const before = Number(await page.evaluate('PerpsimLive.state.bookUpdates'));
    await call(venue.url, 'POST', '/v1/orders', key, {
      market: MARKET,
      side: 'buy',
      type: 'LIMIT',
      price: '13.37',
      size: '7',
    });
    await page.waitForFunction(`PerpsimLive.state.book.bids.some((l) => l[0] === 13.37 && l[1] >= 7)`, undefined, {
      timeout: 10_000,
    });
    assert.ok(Number(await page.evaluate('PerpsimLive.state.bookUpdates')) > before);
    assert.match((await page.textContent('#ladder-0')) ?? '', /13\.37/);
    // with the party's key the page follows its quotes and margins
    await page.fill('#party-key', key);
    await page.click('#party-use');
    await page.waitForFunction('PerpsimLive.state.quoteSeries[1].includes(13.37)', undefined, { timeout: 10_000 });
    assert.equal(await page.textContent('#party-name'), 'web-tester');
    assert.ok(Number(await page.evaluate('PerpsimLive.state.partySeries[2].at(-1)')) > 0, 'an initial margin');
    // the agents keep trading: compare the page with the API until one read of each agrees (the page follows
    // the book within a fraction of a second)
    let agreed = false;
    let last = '';
    for (let i = 0; i < 40 && !agreed; i++) {
      const depth = (await call(venue.url, 'GET', `/v1/markets/${encodeURIComponent(MARKET)}/depth?levels=50`)) as {
        bids: [string, string][];
        asks: [string, string][];
      };
      const want = cumulative(
        depth.bids.map((l) => [Number(l[0]), Number(l[1])]),
        depth.asks.map((l) => [Number(l[0]), Number(l[1])]),
      );
      await sleep(250);
      const got = (await page.evaluate(`PerpsimCharts.instances['depth-0'].data`)) as (number | null)[][];
      agreed = JSON.stringify(got) === JSON.stringify(want);
      last = `page ${JSON.stringify(got).slice(0, 200)} api ${JSON.stringify(want).slice(0, 200)}`;
    }
    assert.ok(agreed, `the depth chart never matched the API's depth: ${last}`);
    assert.deepEqual(problems, []);
  });

  test('insurance pool, LP figures per epoch and (with the admin token) every party’s margins, as the API has them', async () => {
    const m = encodeURIComponent(MARKET);
    // the insurance pool: the page's latest sample is a balance the API reported at a block end
    await page.waitForFunction('PerpsimLiveVenue.state.insurance[0].length > 1', undefined, { timeout: 10_000 });
    const ins = (await call(venue.url, 'GET', `/v1/markets/${m}/insurance?history=3600`)) as {
      balance: string;
      history: { time: string; balance: string }[];
    };
    const pageIns = (await page.evaluate('PerpsimLiveVenue.state.insurance')) as number[][];
    const lastT = pageIns[0]!.at(-1)!;
    const sample = ins.history.find((h) => Number(BigInt(h.time) / 1_000_000n) / 1000 === lastT);
    assert.ok(sample, `the page's last insurance sample (t=${lastT}) is one of the API's`);
    assert.equal(pageIns[1]!.at(-1), Number(sample.balance));
    assert.match((await page.textContent('#insurance-table')) ?? '', /market pool/);
    // the default scenario's LPs: the page's table has a row per LP and epoch the API reports
    const liq = (await call(venue.url, 'GET', `/v1/markets/${m}/liquidity`)) as {
      providers: { party: string; epochs: unknown[] }[];
    };
    assert.ok(liq.providers.length > 0, 'the scenario has liquidity providers');
    await page.waitForSelector('#lp-table', { timeout: 10_000 });
    const lpRows = (await page.evaluate(
      `[...document.querySelectorAll('#lp-table tbody tr')].map((r) => r.cells[0].textContent)`,
    )) as string[];
    assert.deepEqual([...new Set(lpRows)].sort(), liq.providers.map((p) => p.party).sort());
    // every party's margins: the admin token typed in, then the page's rows are the API's parties on this market
    await page.fill('#admin-token', ADMIN);
    await page.click('#admin-use');
    await page.waitForSelector('#margins-table', { timeout: 10_000 });
    // the agents keep trading (a party may open its first position between the two reads): until one read agrees
    let agreed = false;
    let last = '';
    for (let i = 0; i < 20 && !agreed; i++) {
      const all = (await call(venue.url, 'GET', '/v1/admin/margins', ADMIN)) as { party: string; market: string }[];
      const want = all.filter((x) => x.market === MARKET).map((x) => x.party);
      await sleep(i ? 500 : 0);
      const parties = (await page.evaluate(
        `[...document.querySelectorAll('#margins-table tbody tr')].map((r) => r.cells[0].textContent)`,
      )) as string[];
      agreed = parties.length > 0 && JSON.stringify(parties.slice().sort()) === JSON.stringify(want.sort());
      last = `page ${parties.join(',')} api ${want.join(',')}`;
    }
    assert.ok(agreed, `the page's margins table never matched the API's parties: ${last}`);
    await page.waitForFunction(`(PerpsimCharts.instances['insurance-0'].data[0] || []).length > 1`, undefined, {
      timeout: 5_000,
    });
    assert.deepEqual(problems, []);
  });

  test('the page reconnects by itself when the socket drops', async () => {
    await page.evaluate('PerpsimLive.state.ws.close()');
    await page.waitForSelector('body[data-live="reconnecting"]', { timeout: 5_000 });
    await page.waitForSelector('body[data-live="connected"]', { timeout: 15_000 });
    const n = Number(await page.evaluate('PerpsimLive.state.series.time.length'));
    await page.waitForFunction(`PerpsimLive.state.series.time.length > ${n}`, undefined, { timeout: 10_000 });
    // the screenshot artifact, once the agents have traded (if they have not within 20 s, the page as it is)
    await page
      .waitForFunction('PerpsimLive.state.trades.length > 2', undefined, { timeout: 20_000 })
      .catch(() => undefined);
    await screenshot(page, 'live.png');
    assert.deepEqual(problems, []);
  });
});
