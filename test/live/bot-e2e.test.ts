// End to end: a real redis-server on a free port, the venue (`perpsim serve --redis … --agents …`) in a child process
// with a background market (a maker, a liquidity provider, noise traders), and the market maker bot on the perpsim
// adapter. The bot quotes both sides, is filled, stays within its position limit, and its P&L split (spread,
// inventory, funding, fees) sums to the equity change read from the venue's accounts. The kill switch cancels all its
// orders when Redis goes away, and when the venue goes away (the cancel-all is retried until the restarted venue,
// recovered from its journal, confirms it). `perpsim mm` itself runs against the same venue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBotConfig } from '../../src/live/bot/config.ts';
import { formatFixed, parseFixed } from '../../src/live/bot/fixed.ts';
import { PerpsimVenueAdapter } from '../../src/live/bot/perpsim-adapter.ts';
import { MarketMakerBot } from '../../src/live/bot/runner.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROPOSAL = join(ROOT, 'scenarios/link-usd-perp.proposal.json');
const REDIS_SERVER = process.env['PERPSIM_REDIS_SERVER'] ?? '/usr/bin/redis-server';
const KEY = 'mm-bot-key-0123456789abcdef';
const PARTY = 'mm-bot';
const MAX_POSITION = 60;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function startRedis(port: number): ChildProcess {
  return spawn(REDIS_SERVER, ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {
    stdio: 'ignore',
  });
}

async function stopProcess(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill(signal);
  await done;
}

async function startVenue(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await until('the venue to listen', () => (out.includes('listening on') ? true : undefined), 60_000).catch(
    (e: Error) => {
      throw new Error(`${e.message}; venue output:\n${out}`);
    },
  );
  return { child, output: () => out };
}

test('perpsim mm on the perpsim venue: quotes, fills, limits, P&L split, kill switch on Redis and venue loss', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-mm-'));
  const redisPort = await freePort();
  const venuePort = await freePort();
  const api = `http://127.0.0.1:${venuePort}`;
  writeFileSync(
    join(dir, 'background.scenario.yaml'),
    [
      'name: mm-e2e-background',
      'seed: 7',
      "start: '2026-01-01T00:00:00Z'",
      'blockSeconds: 1',
      'days: 1',
      'markets:',
      `  - proposal: ${JSON.stringify(PROPOSAL)}`,
      '    price: { process: gbm, start: 15, drift: 0, volatility: 0.8 }',
      '    oracle: { everySeconds: 5 }',
      'agents:',
      '  - { type: avellaneda-stoikov, name: bg-mm, deposit: 250000, gamma: 0.1, orderSize: 50, orderRefreshSeconds: 3, wakeSeconds: 1 }',
      "  - { type: liquidity-provider, name: lp, deposit: 60000, commitment: 20000, fee: '0.0005' }",
      '  - { type: noise, name: noise, count: 10, deposit: 5000, meanIntervalSeconds: 2, notionalMedian: 600, maxLeverage: 5 }',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'parties.yaml'), `parties:\n  - { party: ${PARTY}, key: ${KEY} }\n`);
  const venueArgs = [
    '--port',
    String(venuePort),
    '--redis',
    `redis://127.0.0.1:${redisPort}`,
    '--agents',
    join(dir, 'background.scenario.yaml'),
    '--parties',
    join(dir, 'parties.yaml'),
    '--opening-auction',
    '3',
    '--journal',
    join(dir, 'journal'),
    '--fsync',
    'command',
  ];

  let redis = startRedis(redisPort);
  let venue = await startVenue(venueArgs);
  const bots: MarketMakerBot[] = [];
  const logs: string[] = [];
  t.after(async () => {
    for (const b of bots) await b.stop(0).catch(() => {});
    await stopProcess(venue.child);
    await stopProcess(redis);
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    // the venue's JSON replies, read field by field in the assertions below
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (await r.json()) as any;
  };
  const liveOrders = async (): Promise<{ id: string; side: string; status: string }[]> =>
    call('GET', `/v1/parties/${PARTY}/orders?live=true&limit=100`);
  const positionNow = async (): Promise<number> => {
    const ps = (await call('GET', `/v1/parties/${PARTY}/positions`)) as { openVolume: string }[];
    return ps.length ? Number(ps[0]!.openVolume) : 0;
  };

  await until('continuous trading', async () => {
    const d = await call('GET', '/v1/markets/LINKUSDPERP/data');
    return d.tradingMode === 'CONTINUOUS' ? true : undefined;
  });
  const dep = await call('POST', '/v1/deposit', { amount: '100000' });
  assert.equal(dep.ok, true, JSON.stringify(dep));

  const config = parseBotConfig({
    gamma: 0.1,
    order_size: 20,
    order_refresh_rate_s: 5,
    filled_order_delay_s: 1,
    max_order_age_s: 60,
    update_balance_interval_s: 1,
    max_position: MAX_POSITION,
    stale_book_s: 4,
    loop_s: 0.25,
    pnl_every_s: 1,
  });
  const newBot = (csv?: string) => {
    const adapter = new PerpsimVenueAdapter({
      api,
      key: KEY,
      market: 'LINKUSDPERP',
      redisHost: '127.0.0.1',
      redisPort,
    });
    const bot = new MarketMakerBot({ config, adapter, ...(csv ? { pnlCsv: csv } : {}), log: (l) => logs.push(l) });
    bots.push(bot);
    return bot;
  };

  // --- quoting, fills, limits, P&L -------------------------------------------------------------------------------
  const bot = newBot(join(dir, 'pnl.csv'));
  await bot.start();
  const equityBefore = await (async () => {
    const acc = (await call('GET', `/v1/parties/${PARTY}/accounts`)) as { balance: string }[];
    return acc.reduce((s, a) => s + parseFixed(a.balance), 0n);
  })();
  let bothSides = false;
  let maxAbsPosition = 0;
  await until(
    'both sides quoted and four fills',
    async () => {
      const live = await liveOrders();
      if (live.some((o) => o.side === 'buy') && live.some((o) => o.side === 'sell')) bothSides = true;
      maxAbsPosition = Math.max(maxAbsPosition, Math.abs(await positionNow()));
      return bothSides && bot.status().fills >= 4 ? true : undefined;
    },
    150_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; status ${JSON.stringify(bot.status())}; log:\n${logs.join('\n')}`);
  });
  assert.ok(bothSides, 'the bot quoted both sides at once');
  assert.ok(maxAbsPosition <= MAX_POSITION, `position ${maxAbsPosition} beyond the limit ${MAX_POSITION}`);
  assert.equal(bot.status().killSwitchTrips, 0, logs.join('\n'));
  await bot.stop();
  assert.equal((await liveOrders()).length, 0, 'stop cancels every order');

  // trades settle at the next mark-to-market: wait for one after the last fill, then read the venue consistently (the
  // mark before and after the accounts, with no mark-to-market in between)
  const lastMtm = (await call('GET', '/v1/markets/LINKUSDPERP/data')).nextMarkToMarket as string;
  await until('a mark-to-market after the last fill', async () => {
    const d = await call('GET', '/v1/markets/LINKUSDPERP/data');
    return BigInt(d.nextMarkToMarket) > BigInt(lastMtm) ? true : undefined;
  });
  const { mark, equity } = await until('a quiet read of mark and equity', async () => {
    const d1 = await call('GET', '/v1/markets/LINKUSDPERP/data');
    const acc = (await call('GET', `/v1/parties/${PARTY}/accounts`)) as { balance: string }[];
    const d2 = await call('GET', '/v1/markets/LINKUSDPERP/data');
    if (d1.markPrice !== d2.markPrice || d1.nextMarkToMarket !== d2.nextMarkToMarket) return undefined;
    return { mark: d2.markPrice as string, equity: formatFixed(acc.reduce((s, a) => s + parseFixed(a.balance), 0n)) };
  });
  const split = bot.pnl.split(mark, equity);
  // the total is the venue's equity change, independent of the split
  assert.equal(parseFixed(split.exact.total), parseFixed(equity) - equityBefore);
  const explained = split.spread + split.inventory + split.funding + split.fees;
  assert.ok(
    Math.abs(split.total - explained) <= 1e-5,
    `split ${JSON.stringify(split.exact)} does not sum to the equity change`,
  );
  assert.ok(split.spread !== 0 || split.inventory !== 0, 'the fills made trading P&L');
  const csv = readFileSync(join(dir, 'pnl.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'time,position,mark,equity,spread,inventory,funding,fees,other,total,state');
  assert.ok(csv.length >= 3);

  // --- kill switch: Redis goes away ------------------------------------------------------------------------------
  const bot2 = newBot();
  await bot2.start();
  const before = await until('the bot quoting again', async () => {
    const live = await liveOrders();
    return live.length >= 2 ? live : undefined;
  });
  await stopProcess(redis, 'SIGKILL');
  await until('the kill switch on the Redis loss', () => (bot2.status().state === 'killed' ? true : undefined), 30_000);
  await until('no live orders', async () => ((await liveOrders()).length === 0 ? true : undefined), 30_000);
  for (const o of before) {
    const got = await call('GET', `/v1/parties/${PARTY}/orders/${o.id}`);
    assert.equal(got.status, 'CANCELLED', `order ${o.id} after the kill switch`);
  }
  // while Redis is down the bot places nothing
  await sleep(2000);
  assert.equal((await liveOrders()).length, 0);
  assert.match(bot2.status().kill ?? '', /connection|stale-book/);

  // Redis comes back: the bot quotes again
  redis = startRedis(redisPort);
  const again = await until('quoting after Redis is back', async () => {
    const live = await liveOrders();
    return live.length >= 1 && bot2.status().state === 'quoting' ? live : undefined;
  });

  // --- kill switch: the venue goes away --------------------------------------------------------------------------
  await stopProcess(venue.child, 'SIGKILL');
  await until('the kill switch on the venue loss', () => (bot2.status().state === 'killed' ? true : undefined), 30_000);
  venue = await startVenue(venueArgs);
  // the restarted venue has the orders back from its journal; the bot's retried cancel-all removes them
  for (const o of again)
    await until(`order ${o.id} cancelled after the venue's restart`, async () => {
      const got = await call('GET', `/v1/parties/${PARTY}/orders/${o.id}`);
      return got.status === 'CANCELLED' ? true : undefined;
    });
  assert.ok(bot2.status().killSwitchTrips >= 2);
  await bot2.stop(0);

  // --- the command itself ----------------------------------------------------------------------------------------
  const cli = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'mm',
      '--api',
      api,
      '--key',
      KEY,
      '--redis-port',
      String(redisPort),
      '--env',
      join(dir, 'none.env'),
      '--duration',
      '6',
      '--status-every',
      '2',
      '--pnl-csv',
      join(dir, 'cli-pnl.csv'),
      '--set',
      'gamma=0.1',
      '--set',
      'order_size=5',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  cli.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  cli.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => cli.once('exit', (c) => r(c)));
  assert.equal(code, 0, out);
  assert.match(out, /perpsim mm: quoting LINKUSDPERP/);
  assert.match(out, /perpsim mm: stopped/);
  assert.ok(readFileSync(join(dir, 'cli-pnl.csv'), 'utf8').startsWith('time,position,mark,equity,spread'));
  assert.equal((await liveOrders()).length, 0, 'the command cancels its orders when it stops');
});
