/* eslint-disable @typescript-eslint/no-explicit-any -- JSON messages from Redis: the assertions check them field by field */
// The Redis publisher against a real redis-server on a free port: LOB::, TRADES:: and ORDER_UPDATES messages are
// checked against the engine's own events and against the book computed by hand; the capped streams hold the same
// messages and a consumer resumes after its last id.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { EngineEvent } from '../../src/live/engine.ts';
import { existsSync } from 'node:fs';
import { REDIS_SERVER, startRedis, testVenue, until, type TestVenue } from './helpers.ts';

const M = 'LINKUSDPERP';
const available = existsSync(REDIS_SERVER);
if (!available && process.env['CI'])
  throw new Error(`${REDIS_SERVER} is missing: CI must install Debian's redis-server (.ci/run) for the Redis tests`);
const skip = available ? false : `redis-server not found at ${REDIS_SERVER} (apt-get install redis-server)`;

describe('Redis publisher', { skip }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let v: TestVenue;
  let sub: Redis;
  const got: { channel: string; msg: any }[] = [];
  const events: EngineEvent[] = [];
  before(async () => {
    redis = await startRedis();
    v = await testVenue({ redisUrl: redis.url, lobMs: 20 });
    v.venue.addListener({ onEvent: (e) => events.push(e) });
    sub = new Redis(redis.url);
    sub.on('message', (channel: string, text: string) => got.push({ channel, msg: JSON.parse(text) }));
    await sub.subscribe(`LOB::${M}`, `TRADES::${M}`, 'ORDER_UPDATES');
  });
  after(async () => {
    sub.disconnect();
    await v.close();
    await redis.stop();
  });

  test('LOB, TRADES and ORDER_UPDATES match the engine', async () => {
    const alice = await v.key('alice');
    const bob = await v.key('bob');
    const carol = await v.key('carol');
    for (const k of [alice, bob, carol]) await v.call('POST', '/v1/deposit', { key: k, body: { amount: '10000' } });
    await v.call('POST', '/v1/orders', { key: alice, body: { market: M, side: 'buy', price: '15', size: '3' } });
    await v.call('POST', '/v1/orders', { key: bob, body: { market: M, side: 'sell', price: '15', size: '2' } });
    for (let i = 0; i < 4; i++) v.block(1);
    // continuous: alice bids 15 × 1; bob offers 15.2 × 5; carol buys 2 at market
    await v.call('POST', '/v1/orders', { key: bob, body: { market: M, side: 'sell', price: '15.2', size: '5' } });
    await until(() => got.find((g) => g.channel === `LOB::${M}` && g.msg.best_ask === 15.2), 'LOB with the ask');
    const t = await v.call('POST', '/v1/orders', {
      key: carol,
      body: { market: M, side: 'buy', type: 'MARKET', size: '2' },
    });
    assert.equal(t.body.trades.length, 1);
    const lob = await until(
      () => got.find((g) => g.channel === `LOB::${M}` && g.msg.best_ask_size === 3)?.msg,
      'LOB after the trade',
    );
    // by hand: bid 15 × 1, ask 15.2 × 3
    assert.equal(lob.best_bid, 15);
    assert.equal(lob.best_ask, 15.2);
    assert.equal(lob.best_bid_size, 1);
    assert.equal(lob.mid_price, 15.1);
    assert.equal(lob.spread, 0.2);
    assert.equal(lob.order_imbalance, (1 - 3) / (1 + 3));
    assert.ok(Math.abs(lob.vamp - 15.1) < 1e-9); // a float statistic of the (exact) levels
    assert.deepEqual(lob.bids, [[15, 1]]);
    assert.deepEqual(lob.asks, [[15.2, 3]]);
    for (const k of ['ts', 'volatility', 'alpha', 'kappa', 'buffer_ready']) assert.ok(k in lob, k);
    assert.ok(lob.volatility > 0 && lob.alpha > 0 && lob.kappa > 0);
    assert.equal(typeof lob.buffer_ready, 'boolean');
    // TRADES: the engine's default trades, each once, with the aggressor and the distance from the mid before
    const engineTrades = events.flatMap((e) => (e.type === 'trade' && e.trade.type === 'DEFAULT' ? [e.trade] : []));
    await until(
      () => got.filter((g) => g.channel === `TRADES::${M}`).length === engineTrades.length || undefined,
      'trades',
    );
    const trades = got.filter((g) => g.channel === `TRADES::${M}`).map((g) => g.msg);
    assert.deepEqual(
      trades.map((x) => x.id),
      engineTrades.map((x) => x.id),
    );
    const last = trades[trades.length - 1];
    assert.equal(last.price, 15.2);
    assert.equal(last.size, 2);
    assert.equal(last.side, 'buy');
    assert.equal(last.mid_before, 15.1);
    assert.equal(last.distance_from_mid, 0.1);
    assert.equal(last.aggressor_order, t.body.order.id);
    assert.equal(trades[0].side, 'auction');
    assert.equal(trades[0].aggressor_order, null);
    // (A, κ) data: carol's order is the only arrival (the opening auction's uncrossing trade is not one)
    assert.ok(Math.abs(lob.intensity_arrivals - 1) < 1e-3, `arrivals ${lob.intensity_arrivals}`);
    // ORDER_UPDATES: one per order event, one per fill side, one per party account change
    const partyOrders = events.filter((e) => e.type === 'order' && e.order.party !== 'network').length;
    const fills = events.reduce((n, e) => n + (e.type === 'trade' ? 2 : 0), 0);
    const balances = events.reduce((n, e) => {
      if (e.type !== 'ledger') return n;
      const isParty = (a: { owner: string; type: string }) =>
        a.owner !== '*' && a.owner !== 'network' && a.type !== 'EXTERNAL';
      return n + (isParty(e.entry.from) ? 1 : 0) + (isParty(e.entry.to) && e.entry.to !== e.entry.from ? 1 : 0);
    }, 0);
    const ou = () => got.filter((g) => g.channel === 'ORDER_UPDATES').map((g) => g.msg);
    await until(() => ou().length === partyOrders + fills + balances || undefined, 'order updates');
    assert.equal(ou().filter((m) => m.type === 'order').length, partyOrders);
    assert.equal(ou().filter((m) => m.type === 'fill').length, fills);
    const carolFill = ou().find((m) => m.type === 'fill' && m.party === 'carol');
    assert.equal(carolFill.fill.size, '2');
    assert.equal(carolFill.fill.liquidity, 'taker');
    const carolOrder = ou().find((m) => m.type === 'order' && m.party === 'carol');
    assert.equal(carolOrder.order.status, 'FILLED');
    const carolDeposit = ou().find((m) => m.type === 'balance' && m.party === 'carol');
    assert.deepEqual([carolDeposit.balance, carolDeposit.transfer.type], ['10000', 'DEPOSIT']);
  });

  test('one aggressive order sweeping three resting orders is one arrival (A, κ from arrivals, not trades)', async () => {
    const erin = await v.key('erin');
    const fay = await v.key('fay');
    for (const k of [erin, fay]) await v.call('POST', '/v1/deposit', { key: k, body: { amount: '100000' } });
    const arrivalsNow = async () => {
      const n = got.length;
      // a book change makes the next LOB message
      await v.call('POST', '/v1/orders', { key: fay, body: { market: M, side: 'buy', price: '10', size: '1' } });
      return (await until(() => got.slice(n).find((g) => g.channel === `LOB::${M}`)?.msg, 'LOB')).intensity_arrivals;
    };
    const before = await arrivalsNow();
    // three asks at 15.4, 15.5 and 15.6 behind the book's best ask; erin's market buy sweeps the best ask and them
    for (const price of ['15.4', '15.5', '15.6'])
      await v.call('POST', '/v1/orders', { key: fay, body: { market: M, side: 'sell', price, size: '1' } });
    const book = await v.call('GET', `/v1/markets/${M}/depth`);
    const askVolume = (book.body.asks as [string, string][])
      .filter(([price]) => Number(price) <= 15.6)
      .reduce((a, [, size]) => a + Number(size), 0);
    const n = got.length;
    const r = await v.call('POST', '/v1/orders', {
      key: erin,
      body: { market: M, side: 'buy', type: 'MARKET', size: String(askVolume) },
    });
    assert.ok(r.body.trades.length >= 3, `trades ${r.body.trades.length}`);
    const trades = await until(() => {
      const ts = got.slice(n).filter((g) => g.channel === `TRADES::${M}`);
      return ts.length === r.body.trades.length ? ts.map((g) => g.msg) : undefined;
    }, "the sweep's trades");
    assert.ok(trades.every((x) => x.aggressor_order === r.body.order.id && x.side === 'buy'));
    // all measured from the one mid before the order
    assert.equal(new Set(trades.map((x) => x.mid_before)).size, 1);
    const after = await arrivalsNow();
    assert.ok(Math.abs(after - before - 1) < 1e-3, `arrivals ${before} → ${after}`);
  });

  test('a burst of book changes in one command gives one LOB message with the final book', async () => {
    const dan = await v.key('dan');
    await v.call('POST', '/v1/deposit', { key: dan, body: { amount: '100000' } });
    const before = got.length;
    const submissions = Array.from({ length: 20 }, (_, i) => ({
      market: M,
      side: 'buy',
      price: (14 - i * 0.01).toFixed(2),
      size: '1',
    }));
    const r = await v.call('POST', '/v1/batch', { key: dan, body: { submissions } });
    assert.ok(r.body.results.every((x: { orderId?: string }) => x.orderId));
    await until(() => got.slice(before).find((g) => g.channel === `LOB::${M}`), 'LOB');
    await new Promise((res) => setTimeout(res, 100));
    const lobs = got.slice(before).filter((g) => g.channel === `LOB::${M}`);
    assert.equal(lobs.length, 1);
    assert.equal(lobs[0]!.msg.bids.length, 10); // top 10 levels
  });

  test('streams hold the same messages; a consumer resumes after its last id', async () => {
    const c = new Redis(redis.url);
    try {
      const all = await c.xrange(`TRADES::${M}`, '-', '+');
      const pub = got.filter((g) => g.channel === `TRADES::${M}`).map((g) => g.msg);
      assert.deepEqual(
        all.map(([, f]) => JSON.parse(f[1]!)),
        pub,
      );
      const firstId = all[0]![0];
      const rest = await c.xread('STREAMS', `TRADES::${M}`, firstId);
      assert.equal(rest![0]![1].length, all.length - 1);
      assert.ok((await c.xlen('ORDER_UPDATES')) > 0);
    } finally {
      c.disconnect();
    }
  });
});
