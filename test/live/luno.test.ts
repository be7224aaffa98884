/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies and ccxt structures: checked field by field */
// The Luno-compatible facade driven by the real ccxt package's `luno` class, its base URL pointed at a venue that runs
// the XBT/MYR spot pair (an engine SpotMarket) beside its perpetual. Expected figures are hand-computed from the
// orders the test places (prices in whole MYR, sizes in 0.0001 XBT); refusals must be Luno-shaped and leave the
// engine's state hash unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ccxt from 'ccxt';
import { DEFAULT_SPOT_ASSETS, DEFAULT_SPOT_PROPOSAL } from '../../src/live/server.ts';
import { testVenue, type TestVenue } from './helpers.ts';

const PAIR = 'XBTMYR';
// ccxt's common currency code for Luno's XBT is BTC
const SYMBOL = 'BTC/MYR';

function client(base: string, id?: string, secret?: string): any {
  const ex: any = new ccxt.luno({ ...(id ? { apiKey: id, secret } : {}), enableRateLimit: false });
  ex.urls.api = {
    public: `${base}/api`,
    private: `${base}/api`,
    exchange: `${base}/api/exchange`,
    exchangePrivate: `${base}/api/exchange`,
  };
  return ex;
}

describe('Luno facade with ccxt', () => {
  let v: TestVenue;
  let alice: any;
  let bob: any;
  let aliceKey: string;
  const luno = async (method: string, path: string, opts: { auth?: [string, string]; form?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth.join(':')).toString('base64')}`;
    if (opts.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const r = await fetch(`${v.url}/api${path}`, {
      method,
      headers,
      ...(opts.form !== undefined ? { body: opts.form } : {}),
    });
    return { status: r.status, body: (await r.json()) as any };
  };

  before(async () => {
    // no rate limit: the test sends many commands in few blocks (the limit itself is the native API's, tested there)
    v = await testVenue({ spot: [DEFAULT_SPOT_PROPOSAL], assets: DEFAULT_SPOT_ASSETS, spam: undefined });
    aliceKey = await v.key('alice');
    const bobKey = await v.key('bob');
    for (const key of [aliceKey, bobKey]) {
      for (const [asset, amount] of [
        ['XBT', '2'],
        ['MYR', '1000000'],
      ])
        assert.equal((await v.call('POST', '/v1/deposit', { key, body: { asset, amount } })).status, 200);
    }
    alice = client(v.url, 'alice', aliceKey);
    bob = client(v.url, 'bob', bobKey);
    // the opening auction: a crossing pair of orders at 250000 uncrosses when it ends
    await bob.createOrder(SYMBOL, 'limit', 'sell', 0.01, 250000);
    await alice.createOrder(SYMBOL, 'limit', 'buy', 0.01, 250000);
    v.block(3);
    v.block(1);
  });
  after(() => v.close());

  test('loadMarkets: the spot pair with Luno ids, scales and limits', async () => {
    const markets = await alice.loadMarkets(true); // reloaded: the first load was during the opening auction
    const m = markets[SYMBOL];
    assert.ok(m, `markets: ${Object.keys(markets).join(', ')}`);
    assert.equal(m.id, PAIR);
    assert.equal(m.base, 'BTC');
    assert.equal(m.baseId, 'XBT');
    assert.equal(m.quote, 'MYR');
    assert.equal(m.spot, true);
    assert.equal(m.active, true, 'continuous trading after the opening auction');
    assert.equal(m.precision.amount, 0.0001);
    assert.equal(m.precision.price, 1);
    assert.equal(m.limits.amount.min, 0.0001);
    // only spot markets are on the facade: the perpetual is not
    assert.equal(Object.keys(markets).length, 1);
  });

  test('the opening auction traded: ticker and public trades show it', async () => {
    const t = await alice.fetchTicker(SYMBOL);
    assert.equal(t.last, 250000);
    assert.equal(t.baseVolume, 0.01);
    const trades = await alice.fetchTrades(SYMBOL);
    assert.equal(trades.length, 1);
    assert.equal(trades[0].price, 250000);
    assert.equal(trades[0].amount, 0.01);
  });

  test('two-sided book, post-only order found open, cancelled', async () => {
    await bob.createOrder(SYMBOL, 'limit', 'sell', 0.05, 251000, { post_only: 'True' });
    const placed = await alice.createOrder(SYMBOL, 'limit', 'buy', 0.02, 249000, { post_only: true });
    assert.ok(placed.id);
    const book = await alice.fetchOrderBook(SYMBOL);
    assert.deepEqual(book.bids[0], [249000, 0.02]);
    assert.deepEqual(book.asks[0], [251000, 0.05]);
    const top = await alice.fetchOrderBook(SYMBOL, 10);
    assert.deepEqual(top.bids[0], [249000, 0.02]);
    const t = await alice.fetchTicker(SYMBOL);
    assert.equal(t.bid, 249000);
    assert.equal(t.ask, 251000);

    const o = await alice.fetchOrder(placed.id);
    assert.equal(o.id, placed.id);
    assert.equal(o.status, 'open');
    assert.equal(o.side, 'buy');
    assert.equal(o.price, 249000);
    assert.equal(o.amount, 0.02);
    assert.equal(o.filled, 0);
    const open = await alice.fetchOpenOrders(SYMBOL);
    assert.deepEqual(
      open.map((x: any) => x.id),
      [placed.id],
    );

    // reserved: 0.02 × 249000 = 4980 MYR held for the bid (plus its fee); balance = general + held
    const bal = await alice.fetchBalance();
    assert.ok(bal.MYR.used >= 4980, `MYR used ${bal.MYR.used}`);
    assert.equal(bal.BTC.total, 2.01);

    await alice.cancelOrder(placed.id, SYMBOL);
    assert.equal((await alice.fetchOpenOrders(SYMBOL)).length, 0);
    const done = await alice.fetchOrder(placed.id);
    assert.equal(done.status, 'COMPLETE'); // ccxt passes Luno's states other than PENDING through
    assert.equal((await alice.fetchOrderBook(SYMBOL)).bids.length, 0);
  });

  test('a post-only order that would cross is refused with Vega’s reason and changes nothing', async () => {
    const before = await alice.fetchBalance();
    await assert.rejects(alice.createOrder(SYMBOL, 'limit', 'buy', 0.01, 251000, { post_only: '1' }), (e: any) => {
      assert.ok(e instanceof ccxt.ExchangeError, String(e));
      assert.match(e.message, /post/i);
      return true;
    });
    // the engine refused it (journaled as a refused command): balances and book as before
    const after = await alice.fetchBalance();
    assert.deepEqual(after.total, before.total);
    assert.deepEqual(after.used, before.used);
    assert.deepEqual((await alice.fetchOrderBook(SYMBOL)).bids, []);
    assert.equal((await alice.fetchOpenOrders(SYMBOL)).length, 0);
  });

  test('a fill: fetchMyTrades shows base, counter and fees; the order is complete', async () => {
    const before = await alice.fetchBalance();
    const o = await alice.createOrder(SYMBOL, 'limit', 'buy', 0.02, 251000);
    const mine = await alice.fetchMyTrades(SYMBOL);
    const fill = mine.find((t: any) => t.order === o.id);
    assert.ok(fill, JSON.stringify(mine));
    assert.equal(fill.price, 251000);
    assert.equal(fill.amount, 0.02);
    assert.equal(fill.cost, 5020); // 0.02 × 251000
    assert.equal(fill.side, 'buy');
    assert.equal(fill.takerOrMaker, 'taker');
    // Vega's spot fees are in the quote asset: the trade carries fee_counter (no fee_base), so ccxt fills its fee
    assert.equal(fill.info.fee_base, undefined);
    assert.equal(fill.fee.currency, 'MYR');
    assert.equal(fill.fee.cost, Number(fill.info.fee_counter));
    const done = await alice.fetchOrder(o.id);
    assert.equal(done.status, 'COMPLETE'); // ccxt passes Luno's states other than PENDING through
    assert.equal(done.filled, 0.02);
    assert.equal(done.cost, 5020);
    const after = await alice.fetchBalance();
    assert.equal(Math.round((after.BTC.total - before.BTC.total) * 1e8), 2_000_000);
    // MYR paid: the notional and the taker's fee
    const fee = fill.fee.cost;
    assert.ok(fee > 0);
    assert.equal(Math.round((before.MYR.total - after.MYR.total - fee) * 1e6), 5020 * 1e6);
    const bobs = await bob.fetchMyTrades(SYMBOL);
    assert.ok(
      bobs.some((t: any) => t.side === 'sell' && t.amount === 0.02 && t.price === 251000 && t.takerOrMaker === 'maker'),
    );
  });

  test('market orders: sell base_volume, buy counter_volume walks the asks', async () => {
    await bob.createOrder(SYMBOL, 'limit', 'buy', 0.01, 248000);
    const s = await alice.createOrder(SYMBOL, 'market', 'sell', 0.01);
    const so = await alice.fetchOrder(s.id);
    assert.equal(so.filled, 0.01);
    assert.equal(so.cost, 2480);
    // asks left: 0.03 at 251000. 2600 MYR buys floor(2600 / 251000, 0.0001) = 0.0103 XBT
    const b = await alice.createOrder(SYMBOL, 'market', 'buy', 2600);
    const bo = await alice.fetchOrder(b.id);
    assert.equal(bo.filled, 0.0103);
    assert.equal(bo.cost, 2585.3);
  });

  test('fee_info and send/networks', async () => {
    const fee = await luno('GET', `/1/fee_info?pair=${PAIR}`, { auth: ['alice', aliceKey] });
    assert.equal(fee.status, 200);
    assert.match(fee.body.maker_fee, /^-?\d+(\.\d+)?$/);
    assert.match(fee.body.taker_fee, /^\d+(\.\d+)?$/);
    // alice's fills: 0.02 (opening auction 0.01 counted too) + 0.01 + 0.0103
    assert.equal(fee.body.thirty_day_volume, '0.0503');
    const nets = await luno('GET', '/1/send/networks?currency=XBT', { auth: ['alice', aliceKey] });
    const xbt = [{ id: 0, name: 'perpsim', native_currency: 'XBT' }];
    // `networks` as Luno documents it, and `data`, where ccxt's fetchCurrencies reads it
    assert.deepEqual(nets.body, { networks: xbt, data: xbt });
    const currencies = await alice.fetchCurrencies();
    assert.deepEqual(Object.keys(currencies).sort(), ['BTC', 'MYR']);
    assert.equal(currencies.BTC.id, 'XBT');
  });

  test('bad requests get Luno-shaped errors with Luno statuses and change nothing', async () => {
    const h = v.venue.stateHash();
    const commands = v.venue.commands;
    const cases: [string, string, { auth?: [string, string]; form?: string }, number, string][] = [
      ['GET', '/1/balance', {}, 401, 'ErrUnauthorised'],
      ['GET', '/1/balance', { auth: ['bob', aliceKey] }, 401, 'ErrUnauthorised'],
      ['GET', '/1/ticker?pair=NOPE', {}, 400, 'ErrInvalidMarketPair'],
      ['GET', '/1/ticker', {}, 400, 'ErrInvalidMarketPair'],
      [
        'POST',
        '/1/postorder',
        { auth: ['alice', aliceKey], form: `pair=${PAIR}&type=BUY&volume=1&price=1` },
        400,
        'ErrInvalidOrderSide',
      ],
      [
        'POST',
        '/1/postorder',
        { auth: ['alice', aliceKey], form: `pair=${PAIR}&type=BID&volume=0.00001&price=1` },
        400,
        'ErrVolumeDenominationNotAllowed',
      ],
      [
        'POST',
        '/1/postorder',
        { auth: ['alice', aliceKey], form: `pair=${PAIR}&type=BID&volume=0.1&price=1.5` },
        400,
        'ErrPriceDenominationNotAllowed',
      ],
      [
        'POST',
        '/1/postorder',
        { auth: ['alice', aliceKey], form: `pair=${PAIR}&type=BID&volume=0.1&price=1&post_only=yes` },
        400,
        'ErrInvalidArguments',
      ],
      [
        'POST',
        '/1/postorder',
        { auth: ['alice', aliceKey], form: `pair=${PAIR}&type=BID&volume=0.1` },
        400,
        'ErrInvalidPrice',
      ],
      [
        'POST',
        '/1/stoporder',
        { auth: ['alice', aliceKey], form: 'order_id=NOPE' },
        400,
        'ErrCannotStopUnknownOrNonPendingOrder',
      ],
      ['GET', '/1/orders/NOPE', { auth: ['alice', aliceKey] }, 404, 'ErrOrderNotFound'],
      ['GET', '/1/listorders?state=OPEN', { auth: ['alice', aliceKey] }, 400, 'ErrInvalidArguments'],
      ['GET', '/1/nothing', {}, 404, 'ErrNotFound'],
    ];
    for (const [method, path, opts, status, code] of cases) {
      const r = await luno(method, path, opts);
      assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error_code, code, `${method} ${path}`);
      assert.equal(typeof r.body.error, 'string');
    }
    // refused by the facade: nothing reached the engine
    assert.equal(v.venue.stateHash(), h);
    assert.equal(v.venue.commands, commands);
    // an order too big for the balance reaches the engine, which refuses it with Vega's reason; balances unchanged
    const balances = (await luno('GET', '/1/balance', { auth: ['alice', aliceKey] })).body;
    const big = await luno('POST', '/1/postorder', {
      auth: ['alice', aliceKey],
      form: `pair=${PAIR}&type=BID&volume=100&price=240000`,
    });
    assert.equal(big.status, 400);
    assert.equal(big.body.error_code, 'ErrInsufficientBalance', JSON.stringify(big.body));
    assert.match(big.body.error, /sufficient balance/);
    assert.deepEqual((await luno('GET', '/1/balance', { auth: ['alice', aliceKey] })).body, balances);
    assert.equal(v.venue.commands, commands + 1);
  });

  test('parameters from a form body and from the query string alike', async () => {
    const a = await luno('POST', '/1/postorder', {
      auth: ['alice', aliceKey],
      form: `pair=${PAIR}&type=ASK&volume=0.001&price=260000&post_only=true`,
    });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const b = await luno('POST', `/1/postorder?pair=${PAIR}&type=ASK&volume=0.002&price=261000&post_only=True`, {
      auth: ['alice', aliceKey],
    });
    assert.equal(b.status, 200, JSON.stringify(b.body));
    const list = await luno('GET', `/1/listorders?pair=${PAIR}&state=PENDING`, { auth: ['alice', aliceKey] });
    assert.deepEqual(list.body.orders.map((o: any) => [o.type, o.limit_price, o.limit_volume, o.state]).sort(), [
      ['ASK', '260000', '0.001', 'PENDING'],
      ['ASK', '261000', '0.002', 'PENDING'],
    ]);
    for (const o of list.body.orders) {
      assert.equal(typeof o.creation_timestamp, 'number');
      assert.ok(o.creation_timestamp > 1.7e12 && o.creation_timestamp < 1e13, 'ms since the epoch');
    }
  });
});

describe('Luno facade: the spot pair survives a restart', () => {
  test('orders placed through the facade are journaled and replayed to the same state hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-luno-'));
    try {
      const cfg = { spot: [DEFAULT_SPOT_PROPOSAL], assets: DEFAULT_SPOT_ASSETS, spam: undefined, journalDir: dir };
      const v1 = await testVenue(cfg);
      const key = await v1.key('carol');
      for (const [asset, amount] of [
        ['XBT', '1'],
        ['MYR', '100000'],
      ])
        await v1.call('POST', '/v1/deposit', { key, body: { asset, amount } });
      const c = client(v1.url, 'carol', key);
      const o = await c.createOrder(SYMBOL, 'limit', 'buy', 0.1, 240000, { post_only: true });
      const hash = v1.venue.stateHash();
      await v1.close();
      const v2 = await testVenue(cfg);
      try {
        assert.equal(v2.venue.stateHash(), hash);
        const again = client(v2.url, 'carol', key);
        const found = await again.fetchOrder(o.id);
        assert.equal(found.status, 'open');
        assert.equal(found.amount, 0.1);
        assert.deepEqual((await again.fetchOrderBook(SYMBOL)).bids, [[240000, 0.1]]);
      } finally {
        await v2.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
