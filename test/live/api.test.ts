/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies from the wire: the assertions check them field by field */
// The venue's HTTP and WebSocket API against a real server on a free port: every endpoint, every kind of refusal
// (validation with field paths, 401/403, unknown market, body limit, rate limit, faucet limit), and a sweep of
// malformed requests that must leave the engine's state hash unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ADMIN, ORACLE_KEY, testVenue, until, type TestVenue } from './helpers.ts';

const M = 'LINKUSDPERP';

describe('venue HTTP API', () => {
  let v: TestVenue;
  let alice: string;
  let bob: string;
  before(async () => {
    v = await testVenue();
    alice = await v.key('alice');
    bob = await v.key('bob');
  });
  after(() => v.close());

  test('markets, by pair code and by id; an unknown market is a 404 naming it', async () => {
    const all = await v.call('GET', '/v1/markets');
    assert.equal(all.status, 200);
    assert.equal(all.body.length, 1);
    assert.equal(all.body[0].pair, M);
    assert.equal(all.body[0].id, 'LINK/USD-PERP');
    const byId = await v.call('GET', `/v1/markets/${encodeURIComponent('LINK/USD-PERP')}`);
    assert.equal(byId.body.pair, M);
    const none = await v.call('GET', '/v1/markets/NOPE/depth');
    assert.equal(none.status, 404);
    assert.match(none.body.error.message, /NOPE/);
  });

  test('keys: none is 401, an unknown one 401, another party 403; /v1/me names the party', async () => {
    assert.equal((await v.call('GET', '/v1/me')).status, 401);
    assert.equal((await v.call('GET', '/v1/me', { key: 'x'.repeat(32) })).status, 401);
    assert.deepEqual((await v.call('GET', '/v1/me', { key: alice })).body, { party: 'alice' });
    const other = await v.call('GET', '/v1/parties/bob/accounts', { key: alice });
    assert.equal(other.status, 403);
    assert.equal((await v.call('POST', '/v1/admin/parties', { key: alice, body: { party: 'x' } })).status, 401);
    const bad = await v.call('POST', '/v1/admin/parties', { key: ADMIN, body: { party: 'has space' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.issues[0].path, 'body.party');
  });

  test('faucet deposits exactly, within its limit', async () => {
    const r = await v.call('POST', '/v1/deposit', { key: alice, body: { amount: '10000.5' } });
    assert.deepEqual(r.body, { ok: true });
    await v.call('POST', '/v1/deposit', { key: bob, body: { amount: '10000' } });
    const acc = await v.call('GET', '/v1/parties/alice/accounts', { key: alice });
    assert.deepEqual(
      acc.body.map((a: { type: string; balance: string }) => [a.type, a.balance]),
      [['GENERAL', '10000.5']],
    );
    const big = await v.call('POST', '/v1/deposit', { key: alice, body: { amount: '1000000.000001' } });
    assert.equal(big.status, 400);
    assert.equal(big.body.error.issues[0].path, 'body.amount');
  });

  test('orders: opening auction uncrossing, then trades, depth, candles, fills, positions, market data', async () => {
    const buy = await v.call('POST', '/v1/orders', {
      key: alice,
      body: { market: M, side: 'buy', price: '15', size: '3', reference: 'a1' },
    });
    assert.equal(buy.status, 200);
    assert.equal(buy.body.ok, true);
    assert.equal(buy.body.order.status, 'ACTIVE');
    assert.equal(buy.body.order.price, '15');
    const sell = await v.call('POST', '/v1/orders', {
      key: bob,
      body: { market: M, side: 'sell', price: '15', size: '2' },
    });
    assert.equal(sell.body.ok, true);
    // index price pushed with the oracle key (the proposal's source has 8 decimals)
    assert.equal((await v.call('POST', '/v1/oracle', { body: { market: M, price: '15' } })).status, 401);
    const o = await v.call('POST', '/v1/oracle', {
      headers: { 'x-oracle-key': ORACLE_KEY },
      body: { market: M, price: '15.00000001' },
    });
    assert.equal(o.body.ok, true);
    const tooFine = await v.call('POST', '/v1/oracle', {
      headers: { 'x-oracle-key': ORACLE_KEY },
      body: { market: M, price: '15.000000001' },
    });
    assert.equal(tooFine.status, 400);
    for (let i = 0; i < 4; i++) v.block(1);
    const data = await v.call('GET', `/v1/markets/${M}/data`);
    assert.equal(data.body.tradingMode, 'CONTINUOUS');
    assert.equal(data.body.markPrice, '15');
    const trades = await v.call('GET', `/v1/markets/${M}/trades?limit=5`);
    assert.equal(trades.body.length, 1);
    assert.equal(trades.body[0].price, '15');
    assert.equal(trades.body[0].size, '2');
    assert.equal(trades.body[0].buyer, 'alice');
    const depth = await v.call('GET', `/v1/markets/${M}/depth?levels=5`);
    assert.deepEqual(depth.body.bids, [['15', '1']]);
    assert.deepEqual(depth.body.asks, []);
    const candles = await v.call('GET', `/v1/markets/${M}/candles?interval=1m`);
    assert.equal(candles.body[0].close, '15');
    assert.equal(candles.body[0].volume, '2');
    const fills = await v.call('GET', '/v1/parties/alice/fills', { key: alice });
    assert.equal(fills.body[0].size, '2');
    assert.equal(fills.body[0].orderId, buy.body.order.id);
    const pos = await v.call('GET', '/v1/parties/alice/positions', { key: alice });
    assert.equal(pos.body[0].openVolume, '2');
    const margins = await v.call('GET', '/v1/parties/alice/margins', { key: alice });
    assert.ok(Number(margins.body[0].initial) > Number(margins.body[0].maintenance));
    const one = await v.call('GET', `/v1/parties/alice/orders/${buy.body.order.id}`, { key: alice });
    assert.equal(one.body.remaining, '1');
    const transfers = await v.call('GET', '/v1/parties/alice/transfers?limit=50', { key: alice });
    assert.ok(transfers.body.some((t: { type: string }) => t.type === 'DEPOSIT'));
    // the accounts add up to the deposit less the fees paid (maker/infrastructure/liquidity) on the fills
    const acc = await v.call('GET', '/v1/parties/alice/accounts', { key: alice });
    const held = acc.body.reduce((s: number, a: { balance: string }) => s + Number(a.balance), 0);
    const fees = fills.body.reduce((s: number, f: { fee: string }) => s + Number(f.fee), 0);
    assert.ok(Math.abs(held + fees - 10000.5) < 1e-6, `${held} + ${fees}`);
  });

  test('amend, cancel, cancel-all, batch, engine rejections', async () => {
    const a = await v.call('POST', '/v1/orders', {
      key: alice,
      body: { market: M, side: 'buy', price: '14', size: '1' },
    });
    const id = a.body.order.id as string;
    const am = await v.call('PATCH', `/v1/orders/${id}`, { key: alice, body: { market: M, price: '14.1' } });
    assert.equal(am.body.ok, true);
    assert.equal(am.body.order.price, '14.1');
    const notMine = await v.call('DELETE', `/v1/orders/${id}?market=${M}`, { key: bob });
    assert.equal(notMine.body.ok, false);
    const c = await v.call('DELETE', `/v1/orders/${id}?market=${M}`, { key: alice });
    assert.equal(c.body.order.status, 'CANCELLED');
    const b = await v.call('POST', '/v1/batch', {
      key: alice,
      body: {
        submissions: [
          { market: M, side: 'buy', price: '13', size: '1' },
          { market: M, side: 'buy', price: '13.5', size: '1' },
        ],
      },
    });
    assert.equal(b.body.results.length, 2);
    assert.ok(b.body.results.every((r: { orderId?: string }) => r.orderId));
    const live = await v.call('GET', '/v1/parties/alice/orders?live=true', { key: alice });
    assert.equal(live.body.length, 3);
    const all = await v.call('DELETE', `/v1/orders?market=${M}`, { key: alice });
    assert.equal(all.body.ok, true);
    assert.equal((await v.call('GET', '/v1/parties/alice/orders?live=true', { key: alice })).body.length, 0);
    // the engine's own rejection: 200, ok false, Vega's reason
    const poor = await v.key('poor');
    const r = await v.call('POST', '/v1/orders', {
      key: poor,
      body: { market: M, side: 'buy', price: '15', size: '1' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.ok, false);
    assert.match(r.body.error, /margin|balance|funds/i);
  });

  test('stop orders and liquidity provisions', async () => {
    const s = await v.call('POST', '/v1/stop-orders', {
      key: alice,
      body: {
        market: M,
        fallsBelow: { order: { side: 'sell', type: 'MARKET', size: '1', reduceOnly: true }, triggerPrice: '10' },
      },
    });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.equal(s.body.ok, true, JSON.stringify(s.body));
    const cs = await v.call('DELETE', `/v1/stop-orders?market=${M}`, { key: alice });
    assert.equal(cs.body.ok, true);
    const both = await v.call('POST', '/v1/stop-orders', {
      key: alice,
      body: {
        market: M,
        fallsBelow: {
          order: { side: 'sell', type: 'MARKET', size: '1', reduceOnly: true },
          triggerPrice: '10',
          trailingPercent: '0.1',
        },
      },
    });
    assert.equal(both.status, 400);
    assert.equal(both.body.error.issues[0].path, 'body.fallsBelow');
    const lp = await v.call('POST', '/v1/liquidity', {
      key: bob,
      body: { market: M, commitment: '1000', fee: '0.001' },
    });
    assert.equal(lp.body.ok, true, JSON.stringify(lp.body));
    const la = await v.call('PATCH', '/v1/liquidity', { key: bob, body: { market: M, fee: '0.002' } });
    assert.equal(la.body.ok, true, JSON.stringify(la.body));
    const lc = await v.call('DELETE', `/v1/liquidity?market=${M}`, { key: bob });
    assert.equal(lc.body.ok, true, JSON.stringify(lc.body));
  });

  test('malformed requests are refused with field paths and change nothing', async () => {
    const before = v.venue.stateHash();
    const commands = v.venue.commands;
    const cases: [string, string, { body?: unknown; raw?: string; key?: string }, number, string?][] = [
      ['POST', '/v1/orders', { body: { market: M, side: 'up', price: '1', size: '1' } }, 400, 'body.side'],
      ['POST', '/v1/orders', { body: { market: M, side: 'buy', price: '-1', size: '1' } }, 400, 'body.price'],
      ['POST', '/v1/orders', { body: { market: M, side: 'buy', price: '1.001', size: '1' } }, 400, 'body.price'],
      ['POST', '/v1/orders', { body: { market: M, side: 'buy', price: '1', size: '0.5' } }, 400, 'body.size'],
      ['POST', '/v1/orders', { body: { market: M, side: 'buy', price: 1, size: '1' } }, 400, 'body.price'],
      ['POST', '/v1/orders', { body: { market: M, side: 'buy', price: '1', size: '1', extra: 1 } }, 400, 'body'],
      [
        'POST',
        '/v1/orders',
        { body: { market: M, side: 'buy', type: 'MARKET', price: '1', size: '1' } },
        400,
        'body.price',
      ],
      ['POST', '/v1/orders', { body: { market: 'X', side: 'buy', price: '1', size: '1' } }, 404, 'body.market'],
      ['POST', '/v1/orders', { body: { market: M, side: 'buy', price: '1e3', size: '1' } }, 400, 'body.price'],
      [
        'POST',
        '/v1/orders',
        { body: { market: M, side: 'buy', price: '99999999999999999999', size: '1' } },
        400,
        'body.price',
      ],
      ['POST', '/v1/orders', { body: [] }, 400, 'body'],
      ['POST', '/v1/orders', { raw: '{"market":' }, 400],
      [
        'POST',
        '/v1/orders',
        { body: { market: M, side: 'buy', price: '1', size: '1', peg: { reference: 'TOP', offset: '1' } } },
        400,
        'body.peg.reference',
      ],
      ['PATCH', '/v1/orders/O1', { body: { market: M, price: 'abc' } }, 400, 'body.price'],
      ['DELETE', '/v1/orders/O1', {}, 400, 'query.market'],
      ['POST', '/v1/batch', { body: {} }, 400, 'body'],
      [
        'POST',
        '/v1/batch',
        { body: { submissions: [{ market: M, side: 'buy', price: '1.001', size: '1' }] } },
        400,
        'body.submissions[0].price',
      ],
      ['POST', '/v1/liquidity', { body: { market: M, commitment: 'lots', fee: '0.1' } }, 400, 'body.commitment'],
      ['POST', '/v1/deposit', { body: { amount: '0' } }, 400, 'body.amount'],
      ['POST', '/v1/deposit', { body: { amount: '1', asset: 'NOPE' } }, 404, 'body.asset'],
      ['GET', '/v1/markets/LINKUSDPERP/depth?levels=0', {}, 400, 'query.levels'],
      ['GET', '/v1/markets/LINKUSDPERP/candles?interval=7m', {}, 400, 'query.interval'],
      ['GET', '/v1/nowhere', {}, 404],
    ];
    for (const [method, path, opts, status, field] of cases) {
      const r = await v.call(method, path, { key: alice, ...opts });
      assert.equal(r.status, status, `${method} ${path} ${JSON.stringify(opts)} → ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body.error.message, 'string');
      if (field)
        assert.ok(
          r.body.error.issues.some((i: { path: string }) => i.path === field),
          JSON.stringify(r.body),
        );
    }
    const huge = await v.call('POST', '/v1/orders', {
      key: alice,
      raw: JSON.stringify({ market: M, pad: 'x'.repeat(70_000) }),
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'body_too_large');
    assert.equal(v.venue.stateHash(), before);
    assert.equal(v.venue.commands, commands);
  });

  test('/openapi.json is generated from the request schemas', async () => {
    const r = await v.call('GET', '/openapi.json');
    assert.equal(r.body.openapi, '3.1.0');
    const post = r.body.paths['/v1/orders'].post;
    const schema = post.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required.sort(), ['market', 'side', 'size']);
    assert.equal(schema.properties.side.enum.join(','), 'buy,sell');
    assert.ok(schema.properties.price.pattern);
    for (const p of [
      '/v1/markets/{market}/depth',
      '/v1/parties/{party}/orders',
      '/v1/batch',
      '/v1/liquidity',
      '/v1/ws',
    ])
      assert.ok(r.body.paths[p], p);
  });

  test('WebSocket: own orders, fills and accounts; book and trades; commands acknowledged; seq without gaps', async () => {
    const ws = new WebSocket(`${v.url.replace('http', 'ws')}/v1/ws?key=${alice}`);
    const msgs: any[] = [];
    ws.on('message', (d) => msgs.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    for (const channel of ['orders', 'fills', 'accounts']) ws.send(JSON.stringify({ op: 'subscribe', channel }));
    ws.send(JSON.stringify({ op: 'subscribe', channel: 'book', market: M }));
    ws.send(JSON.stringify({ op: 'subscribe', channel: 'trades', market: M }));
    ws.send(JSON.stringify({ op: 'subscribe', channel: 'marketData', market: M }));
    await until(() => msgs.filter((m) => m.op === 'subscribed').length === 6 || undefined, 'subscriptions');
    ws.send(JSON.stringify({ op: 'submit', id: 1, body: { market: M, side: 'sell', price: '15', size: '1' } }));
    const ack = await until(() => msgs.find((m) => m.op === 'ack' && m.id === 1), 'ack');
    assert.equal(ack.ok, true);
    const bad = JSON.stringify({ op: 'submit', id: 2, body: { market: M, side: 'sell', price: 'x', size: '1' } });
    ws.send(bad);
    const nack = await until(() => msgs.find((m) => m.op === 'ack' && m.id === 2), 'nack');
    assert.equal(nack.error.issues[0].path, 'body.price');
    // bob buys into alice's ask: alice sees her fill and her order filled, everyone the trade
    const bobs = await v.call('POST', '/v1/orders', {
      key: bob,
      body: { market: M, side: 'buy', type: 'MARKET', size: '1' },
    });
    await until(() => msgs.find((m) => m.channel === 'fills' && m.data), 'fill');
    const trade = await until(() => msgs.find((m) => m.channel === 'trades' && m.data), 'trade');
    // the aggressor, its order id (bob's market order) and the resting order (alice's ask)
    assert.equal(trade.data.aggressor, 'buy');
    assert.equal(trade.data.aggressorOrder, bobs.body.order.id);
    assert.equal(trade.data.buyOrder, bobs.body.order.id);
    assert.equal(trade.data.sellOrder, ack.order.id);
    await until(() => msgs.find((m) => m.channel === 'orders' && m.data?.status === 'FILLED'), 'filled order');
    await until(() => msgs.find((m) => m.channel === 'accounts' && m.data), 'account update');
    v.block(1);
    await until(() => msgs.find((m) => m.channel === 'marketData' && m.data), 'market data');
    await until(() => msgs.find((m) => m.channel === 'book' && m.data?.asks.length === 0), 'book update');
    const seqs = msgs.map((m) => m.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
    );
    const anon = new WebSocket(`${v.url.replace('http', 'ws')}/v1/ws`);
    const amsgs: any[] = [];
    anon.on('message', (d) => amsgs.push(JSON.parse(d.toString())));
    await new Promise((r) => anon.once('open', r));
    anon.send(JSON.stringify({ op: 'subscribe', channel: 'orders' }));
    const refused = await until(() => amsgs.find((m) => m.op === 'error'), 'refusal');
    assert.equal(refused.error.code, 'unauthorized');
    ws.close();
    anon.close();
  });
});

describe('rate limit (Vega spam.pow: tx per block over past blocks)', () => {
  test('a party gets txPerBlock × pastBlocks, then 429 that changes nothing, then txPerBlock per new block', async () => {
    const v = await testVenue({ spam: { txPerBlock: 2, pastBlocks: 3 } });
    try {
      const k = await v.key('carol');
      // the venue's first block is block 0: only its 2 slots are in the window
      for (let i = 0; i < 2; i++)
        assert.equal((await v.call('POST', '/v1/deposit', { key: k, body: { amount: '1' } })).status, 200);
      const h = v.venue.stateHash();
      const r = await v.call('POST', '/v1/deposit', { key: k, body: { amount: '1' } });
      assert.equal(r.status, 429);
      assert.equal(r.body.error.code, 'rate_limited');
      assert.equal(v.venue.stateHash(), h);
      v.block(1);
      v.block(1);
      // two new blocks: 4 slots; the window of 3 blocks holds 6, 2 used
      let ok = 0;
      for (let i = 0; i < 6; i++)
        if ((await v.call('POST', '/v1/deposit', { key: k, body: { amount: '1' } })).status === 200) ok++;
      assert.equal(ok, 4);
      // other parties have their own budget
      const d = await v.key('dave');
      assert.equal((await v.call('POST', '/v1/deposit', { key: d, body: { amount: '1' } })).status, 200);
    } finally {
      await v.close();
    }
  });
});

describe('restart on a journal', () => {
  test('orders and issued keys survive; the state hash is the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-restart-'));
    try {
      const a = await testVenue({ journalDir: dir });
      const k = await a.key('erin');
      await a.call('POST', '/v1/deposit', { key: k, body: { amount: '500' } });
      const o = await a.call('POST', '/v1/orders', {
        key: k,
        body: { market: M, side: 'buy', price: '14', size: '2' },
      });
      a.block(1);
      const hash = a.venue.stateHash();
      await a.close();
      const b = await testVenue({ journalDir: dir });
      try {
        assert.equal(b.venue.stateHash(), hash);
        const again = await b.call('GET', `/v1/parties/erin/orders/${o.body.order.id}`, { key: k });
        assert.equal(again.status, 200);
        assert.equal(again.body.price, '14');
      } finally {
        await b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
