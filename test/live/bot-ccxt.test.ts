/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies and ccxt structures: checked field by field */
// The market maker bot through its ccxt adapter — the real ccxt package's `luno` class, its API origin rebased onto
// the venue — trading the venue's XBT/MYR engine spot market via the Luno-compatible facade: tick and lot from
// loadMarkets, post-only quotes on both sides, a fill seen through fetchMyTrades moving its inventory, and its kill
// switch cancelling every order on the venue when a loss beyond max_loss is hand-arranged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ccxt from 'ccxt';
import { CcxtVenueAdapter, rebase } from '../../src/live/bot/ccxt-adapter.ts';
import { parseBotConfig } from '../../src/live/bot/config.ts';
import { MarketMakerBot } from '../../src/live/bot/runner.ts';
import { DEFAULT_SPOT_ASSETS, DEFAULT_SPOT_PROPOSAL } from '../../src/live/server.ts';
import { testVenue, until, type TestVenue } from './helpers.ts';

const SYMBOL = 'BTC/MYR';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `perpsim mm …` as a child process; resolves with its exit code and output */
function mm(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'mm', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

let v: TestVenue;
const keys: Record<string, string> = {};
const luno = (id: string): any => {
  const ex: any = new ccxt.luno({ apiKey: id, secret: keys[id], enableRateLimit: false });
  ex.urls.api = rebase(ex.urls.api, v.url);
  return ex;
};

before(async () => {
  v = await testVenue({ spot: [DEFAULT_SPOT_PROPOSAL], assets: DEFAULT_SPOT_ASSETS, spam: undefined });
  for (const p of ['mm', 'alice', 'bob']) {
    keys[p] = await v.key(p);
    for (const [asset, amount] of [
      ['XBT', '1'],
      ['MYR', '1000000'],
    ])
      assert.equal((await v.call('POST', '/v1/deposit', { key: keys[p], body: { asset, amount } })).status, 200);
  }
  // the opening auction uncrosses at 250000
  await luno('bob').createOrder(SYMBOL, 'limit', 'sell', 0.01, 250000);
  await luno('alice').createOrder(SYMBOL, 'limit', 'buy', 0.01, 250000);
  v.block(3);
  v.block(1);
});
after(() => v.close());

test('rebase: the origin replaced, paths kept, /api not doubled, ws schemes kept', () => {
  assert.deepEqual(
    rebase({ public: 'https://api.luno.com/api', ws: 'wss://ws.luno.com/api/1' }, 'http://127.0.0.1:9/api'),
    { public: 'http://127.0.0.1:9/api', ws: 'ws://127.0.0.1:9/api/1' },
  );
  assert.equal(rebase('https://api.luno.com/api/exchange', 'http://h:1'), 'http://h:1/api/exchange');
  assert.throws(
    () => new CcxtVenueAdapter({ exchange: 'nope', apiKey: 'a', secret: 'b', market: SYMBOL }),
    /not a ccxt exchange id/,
  );
});

test('the bot through ccxt on the facade: quotes both sides post-only, a fill moves its inventory, the kill switch cancels all', async () => {
  const logs: string[] = [];
  const adapter = new CcxtVenueAdapter({
    apiKey: 'mm',
    secret: keys['mm']!,
    market: 'XBTMYR',
    baseUrl: v.url,
    pollMs: 150,
  });
  const bot = new MarketMakerBot({
    config: parseBotConfig({
      order_size: 0.01,
      gamma: 0.1,
      eta: 0,
      order_refresh_rate_s: 1,
      filled_order_delay_s: 0,
      max_order_age_s: 60,
      update_balance_interval_s: 0.3,
      stale_book_s: 10,
      max_loss: 5,
      loop_s: 0.2,
      pnl_every_s: 1,
    }),
    adapter,
    log: (l) => logs.push(l),
  });
  const info = await bot.start();
  const fail = (e: Error) => new Error(`${e.message}\n${logs.join('\n')}`);
  try {
    // the market's rules from loadMarkets (XBT/MYR: whole MYR, 0.0001 XBT)
    assert.deepEqual(
      [info.market, info.tick, info.lot, info.minSize, info.asset],
      ['XBTMYR', '1', '0.0001', '0.0001', 'MYR'],
    );
    const spot = v.venue.markets.find((m) => m.pair === 'XBTMYR')!.id;
    const live = async () =>
      (await v.call('GET', `/v1/parties/mm/orders?live=true&market=${encodeURIComponent(spot)}`, { key: keys['mm'] }))
        .body as { id: string; side: string; price: string; size: string; postOnly: boolean }[];
    const both = await until(
      async () => {
        const os = await live();
        return os.some((o) => o.side === 'buy') && os.some((o) => o.side === 'sell') ? os : undefined;
      },
      'the bot quoting both sides',
      400,
    ).catch((e: Error) => {
      throw fail(e);
    });
    assert.ok(
      both.every((o) => o.postOnly),
      'post-only orders',
    );
    assert.ok(
      both.every((o) => o.size === '0.01'),
      JSON.stringify(both),
    );
    const bid = Math.max(...both.filter((o) => o.side === 'buy').map((o) => Number(o.price)));
    const ask = Math.min(...both.filter((o) => o.side === 'sell').map((o) => Number(o.price)));
    assert.ok(bid < 250000 && 250000 < ask, `quotes ${bid} / ${ask} around the last trade 250000`);
    assert.equal(bot.status().state, 'quoting');

    // a fill, and a loss: alice bids 2000 below the bot's bid; bob sells 0.02 at market: 0.01 to the bot at its bid,
    // 0.01 to alice. The last trade (the bot's reference) falls to bid − 2000: the bot's P&L is about
    // 0.01 × −2000 = −20 MYR (plus its maker rebate), below −max_loss (5): the kill switch trips for good.
    await luno('alice').createOrder(SYMBOL, 'limit', 'buy', 0.01, bid - 2000, { post_only: true });
    await luno('bob').createOrder(SYMBOL, 'market', 'sell', 0.02);
    await until(() => (bot.status().fills >= 1 ? true : undefined), 'the fill seen through fetchMyTrades', 200).catch(
      (e: Error) => {
        throw fail(e);
      },
    );
    // the position from fills and from the balance (base beyond the neutral holding) agree
    await until(() => (bot.status().position === 0.01 ? true : undefined), 'the position 0.01', 100).catch(
      (e: Error) => {
        throw fail(new Error(`${e.message}: ${bot.status().position}`));
      },
    );
    await until(() => (bot.status().state === 'killed' ? true : undefined), 'the kill switch', 200).catch(
      (e: Error) => {
        throw fail(e);
      },
    );
    assert.match(bot.status().kill ?? '', /max-loss|P&L/);
    await until(async () => ((await live()).length === 0 ? true : undefined), 'every order cancelled', 200).catch(
      (e: Error) => {
        throw fail(e);
      },
    );
    // it stays out: the loss limit halts for good
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(await live(), []);
    const p = bot.pnlSplit()!;
    assert.ok(p.total < -5 && p.total > -25, `P&L ${p.total}`);
  } finally {
    await bot.stop(100);
  }
});

test('perpsim mm --venue ccxt: credentials from the environment (the seed names), quotes, stops cancelling', async (t) => {
  const noEnv = '/nonexistent/.env';
  const missing = await mm(['--venue', 'ccxt', '--market', SYMBOL, '--env', noEnv], {
    LUNO_KEY_ID: '',
    LUNO_KEY_SECRET: '',
  });
  assert.equal(missing.code, 2, missing.out);
  assert.match(missing.out, /LUNO_KEY_ID and LUNO_KEY_SECRET: required/);
  const badExchange = await mm(['--venue', 'ccxt', '--exchange', 'nope', '--market', SYMBOL, '--env', noEnv], {
    NOPE_KEY_ID: 'a',
    NOPE_KEY_SECRET: 'b',
  });
  assert.equal(badExchange.code, 2, badExchange.out);
  assert.match(badExchange.out, /--exchange nope: .*not a ccxt exchange id/);

  const dir = mkdtempSync(join(tmpdir(), 'perpsim-mm-ccxt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const spot = v.venue.markets.find((m) => m.pair === 'XBTMYR')!.id;
  const live = async () =>
    (await v.call('GET', `/v1/parties/mm/orders?live=true&market=${encodeURIComponent(spot)}`, { key: keys['mm'] }))
      .body as { side: string }[];
  const run = mm(
    [
      '--venue',
      'ccxt',
      '--market',
      'XBTMYR',
      '--base-url',
      v.url,
      '--poll-ms',
      '200',
      '--env',
      noEnv,
      '--set',
      'order_size=0.01',
      '--set',
      'gamma=0.1',
      '--set',
      'eta=0',
      '--set',
      'loop_s=0.2',
      '--duration',
      '6',
      '--status-every',
      '1',
      '--pnl-csv',
      join(dir, 'pnl.csv'),
    ],
    { LUNO_KEY_ID: 'mm', LUNO_KEY_SECRET: keys['mm']! },
  );
  const sides = await until(
    async () => {
      const os = await live();
      return os.some((o) => o.side === 'buy') && os.some((o) => o.side === 'sell') ? true : undefined;
    },
    'the CLI bot quoting both sides',
    800,
  );
  assert.ok(sides);
  const { code, out } = await run;
  assert.equal(code, 0, out);
  assert.match(out, /quoting XBTMYR on luno at http:\S+ through ccxt/);
  assert.match(out, /stopped;/);
  assert.deepEqual(await live(), [], 'no order left after the stop');
});

test('the venue goes away: a failed poll trips the kill switch (connection)', async () => {
  const logs: string[] = [];
  const bot = new MarketMakerBot({
    config: parseBotConfig({ order_size: 0.01, gamma: 0.1, eta: 0, loop_s: 0.2, update_balance_interval_s: 0.3 }),
    adapter: new CcxtVenueAdapter({
      apiKey: 'alice',
      secret: keys['alice']!,
      market: SYMBOL,
      baseUrl: v.url,
      pollMs: 150,
      timeoutMs: 1000,
    }),
    log: (l) => logs.push(l),
  });
  await bot.start();
  try {
    await until(() => (bot.status().state === 'quoting' ? true : undefined), 'quoting', 400);
    await v.close();
    await until(() => (bot.status().state === 'killed' ? true : undefined), 'the kill switch', 400).catch(
      (e: Error) => {
        throw new Error(`${e.message}\n${logs.join('\n')}`);
      },
    );
    assert.match(bot.status().kill ?? '', /connection/);
  } finally {
    await bot.stop(50);
  }
});
