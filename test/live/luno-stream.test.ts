/* eslint-disable @typescript-eslint/no-explicit-any -- JSON messages from the wire: checked field by field */
// Luno's Streaming API on the facade, read by a real WebSocket client (the `ws` package) that follows Luno's
// documented protocol strictly — credentials first, the snapshot, then updates applied only in sequence (n after
// n − 1), trades reducing their maker order and failing on an unknown or overdrawn one, creates and deletes by order
// id — and by ccxt's own `luno` WebSocket class (ccxt.pro). After every action the client's book, aggregated by
// price, must equal `/api/1/orderbook`. The user stream must report the party's order statuses, fills and balances
// with the figures hand-computed from the orders the test places.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import ccxt from 'ccxt';
import { DEFAULT_SPOT_ASSETS, DEFAULT_SPOT_PROPOSAL } from '../../src/live/server.ts';
import { testVenue, until, type TestVenue } from './helpers.ts';

const PAIR = 'XBTMYR';
const SYMBOL = 'BTC/MYR';

/** A Luno market-stream client as Luno's documentation describes it. */
class BookClient {
  seq = 0;
  status = '';
  readonly bids = new Map<string, { price: string; volume: number }>();
  readonly asks = new Map<string, { price: string; volume: number }>();
  readonly trades: any[] = [];
  keepalives = 0;
  error: string | undefined;
  closed: { code: number; reason: string } | undefined;
  readonly ws: WebSocket;
  readonly opened: Promise<void>;

  constructor(url: string, cred: unknown) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        this.ws.send(JSON.stringify(cred));
        resolve();
      });
      this.ws.once('error', reject);
    });
    this.ws.on('message', (d) => this.onMessage(d.toString()));
    this.ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  private fail(why: string): void {
    this.error ??= why;
  }

  private onMessage(text: string): void {
    if (text === '""') {
      this.keepalives++;
      return;
    }
    const m = JSON.parse(text);
    if (m.asks !== undefined || m.bids !== undefined) {
      this.bids.clear();
      this.asks.clear();
      for (const o of m.bids) this.bids.set(o.id, { price: o.price, volume: Number(o.volume) });
      for (const o of m.asks) this.asks.set(o.id, { price: o.price, volume: Number(o.volume) });
      this.seq = Number(m.sequence);
      this.status = m.status;
      return;
    }
    const seq = Number(m.sequence);
    if (this.seq === 0) return this.fail('an update before the snapshot');
    if (seq <= this.seq) return;
    if (seq !== this.seq + 1) return this.fail(`out of sequence: ${seq} after ${this.seq}`);
    for (const t of m.trade_updates ?? []) {
      const side = this.bids.has(t.maker_order_id) ? this.bids : this.asks.has(t.maker_order_id) ? this.asks : null;
      if (!side) return this.fail(`trade for unknown order ${t.maker_order_id}`);
      const o = side.get(t.maker_order_id)!;
      o.volume = Math.round((o.volume - Number(t.base)) * 1e8) / 1e8;
      if (o.volume < 0) return this.fail(`negative volume on ${t.maker_order_id}`);
      if (o.volume === 0) side.delete(t.maker_order_id);
      this.trades.push(t);
    }
    if (m.create_update) {
      const c = m.create_update;
      if (c.type === 'BID') this.bids.set(c.order_id, { price: c.price, volume: Number(c.volume) });
      else if (c.type === 'ASK') this.asks.set(c.order_id, { price: c.price, volume: Number(c.volume) });
      else return this.fail(`unknown order type ${c.type}`);
    }
    if (m.delete_update) {
      this.bids.delete(m.delete_update.order_id);
      this.asks.delete(m.delete_update.order_id);
    }
    if (m.status_update) this.status = m.status_update.status;
    this.seq = seq;
  }

  /** aggregated by price, best first, as /api/1/orderbook gives it */
  levels(side: 'bids' | 'asks'): { price: string; volume: string }[] {
    const per = new Map<string, number>();
    for (const o of this[side].values()) per.set(o.price, Math.round(((per.get(o.price) ?? 0) + o.volume) * 1e8) / 1e8);
    return [...per]
      .sort(([a], [b]) => (side === 'bids' ? Number(b) - Number(a) : Number(a) - Number(b)))
      .map(([price, v]) => ({ price, volume: String(v) }));
  }
}

describe('Luno streaming API', () => {
  let v: TestVenue;
  let alice: any;
  let bob: any;
  let aliceKey: string;
  let bobKey: string;
  const streamUrl = () => `${v.url.replace('http', 'ws')}/api/1/stream/${PAIR}`;

  const client = (base: string, id: string, secret: string): any => {
    const ex: any = new ccxt.luno({ apiKey: id, secret, enableRateLimit: false });
    ex.urls.api = {
      public: `${base}/api`,
      private: `${base}/api`,
      exchange: `${base}/api/exchange`,
      exchangePrivate: `${base}/api/exchange`,
    };
    return ex;
  };

  /** the client has every message sent so far, and its book equals /api/1/orderbook */
  const inSync = async (c: BookClient) => {
    await until(
      () => (c.error !== undefined || c.seq === latestSequence ? true : undefined),
      'the stream client to catch up',
    );
    assert.equal(c.error, undefined);
    const book = (await (await fetch(`${v.url}/api/1/orderbook?pair=${PAIR}`)).json()) as any;
    assert.deepEqual({ bids: c.levels('bids'), asks: c.levels('asks') }, { bids: book.bids, asks: book.asks });
  };

  before(async () => {
    v = await testVenue({
      spot: [DEFAULT_SPOT_PROPOSAL],
      assets: DEFAULT_SPOT_ASSETS,
      spam: undefined,
      lunoKeepaliveMs: 200,
    });
    aliceKey = await v.key('alice');
    bobKey = await v.key('bob');
    for (const key of [aliceKey, bobKey])
      for (const [asset, amount] of [
        ['XBT', '2'],
        ['MYR', '1000000'],
      ])
        assert.equal((await v.call('POST', '/v1/deposit', { key, body: { asset, amount } })).status, 200);
    alice = client(v.url, 'alice', aliceKey);
    bob = client(v.url, 'bob', bobKey);
  });
  after(() => v.close());

  let latestSequence = 0;
  /** a fresh market-stream connection's snapshot tells the sequence the venue is at */
  const probe = async (): Promise<void> => {
    const c = new BookClient(streamUrl(), { api_key_id: 'alice', api_key_secret: aliceKey });
    await c.opened;
    await until(() => (c.seq > 0 ? true : undefined), 'a snapshot');
    latestSequence = c.seq;
    c.ws.close();
  };

  test('credentials: none, not JSON, or wrong: closed with the reason', async () => {
    for (const [cred, reason] of [
      ['not json', /invalid_credentials/],
      [{ api_key_id: 'alice', api_key_secret: 'nope' }, /invalid_credentials/],
      [{ api_key_id: 'bob', api_key_secret: aliceKey }, /invalid_credentials/],
    ] as const) {
      const ws = new WebSocket(streamUrl());
      await new Promise((r) => ws.once('open', r));
      ws.send(typeof cred === 'string' ? cred : JSON.stringify(cred));
      const [code, why] = await new Promise<[number, string]>((r) => ws.once('close', (c, b) => r([c, b.toString()])));
      assert.equal(code, 1008);
      assert.match(why, reason);
    }
    const ws = new WebSocket(`${v.url.replace('http', 'ws')}/api/1/stream/NOPE`);
    const [code, why] = await new Promise<[number, string]>((r) => ws.once('close', (c, b) => r([c, b.toString()])));
    assert.equal(code, 1008);
    assert.match(why, /no spot market "NOPE"/);
  });

  test('snapshot, then updates that rebuild /api/1/orderbook through orders, trades, cancels and the auction', async () => {
    const c = new BookClient(streamUrl(), { api_key_id: 'alice', api_key_secret: aliceKey });
    await c.opened;
    await until(() => (c.seq > 0 ? true : undefined), 'the snapshot');
    assert.equal(c.status, 'POSTONLY', 'the opening auction: nothing matches at once');
    assert.deepEqual([c.bids.size, c.asks.size], [0, 0]);
    const sync = async () => {
      await probe();
      await inSync(c);
    };
    // the opening auction: a crossing pair uncrosses at 250000 when it ends, bob's extra ask rests
    await bob.createOrder(SYMBOL, 'limit', 'sell', 0.03, 250000);
    await alice.createOrder(SYMBOL, 'limit', 'buy', 0.01, 250000);
    await sync();
    assert.equal(c.asks.size, 1);
    assert.equal(c.bids.size, 1);
    v.block(3);
    v.block(1);
    await sync();
    assert.equal(c.status, 'ACTIVE');
    // the uncrossing left 0.02 of bob's ask at 250000 (sent as a delete and a create, not as trades)
    assert.deepEqual(c.levels('asks'), [{ price: '250000', volume: '0.02' }]);
    assert.deepEqual(c.levels('bids'), []);
    // resting orders on both sides
    await bob.createOrder(SYMBOL, 'limit', 'sell', 0.05, 251000, { post_only: true });
    const bid = await alice.createOrder(SYMBOL, 'limit', 'buy', 0.04, 249000, { post_only: true });
    await alice.createOrder(SYMBOL, 'limit', 'buy', 0.01, 248000, { post_only: true });
    await sync();
    assert.deepEqual(c.levels('bids'), [
      { price: '249000', volume: '0.04' },
      { price: '248000', volume: '0.01' },
    ]);
    // a buy that takes all of 250000 (0.02) and 0.01 of 251000: two trades in one message, the rest of 251000 stays
    const before = c.trades.length;
    await alice.createOrder(SYMBOL, 'limit', 'buy', 0.03, 251000);
    await sync();
    const ts = c.trades.slice(before);
    assert.deepEqual(
      ts.map((t) => [Number(t.base), Number(t.counter)]),
      [
        [0.02, 5000],
        [0.01, 2510],
      ],
    );
    assert.deepEqual(c.levels('asks'), [{ price: '251000', volume: '0.04' }]);
    // a sell that partly fills the best bid (0.01 of 0.04)
    await bob.createOrder(SYMBOL, 'market', 'sell', 0.01);
    await sync();
    assert.deepEqual(c.levels('bids')[0], { price: '249000', volume: '0.03' });
    // a cancel (Luno's stoporder) and a cancel-all on the native API
    await alice.cancelOrder(bid.id, SYMBOL);
    await sync();
    assert.deepEqual(c.levels('bids'), [{ price: '248000', volume: '0.01' }]);
    const spotId = v.venue.markets.find((m) => m.pair === PAIR)!.id;
    const r = await v.call('DELETE', `/v1/orders?market=${encodeURIComponent(spotId)}`, { key: aliceKey });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await sync();
    assert.deepEqual(c.levels('bids'), []);
    // keepalives arrive as Luno sends them: the JSON empty string
    await until(() => (c.keepalives > 0 ? true : undefined), 'a keepalive');
    // a second connection's snapshot has every resting order with its id, price and volume
    const d = new BookClient(streamUrl(), { api_key_id: 'bob', api_key_secret: bobKey });
    await d.opened;
    await until(() => (d.seq > 0 ? true : undefined), 'the snapshot');
    assert.equal(d.seq, c.seq);
    assert.deepEqual([...d.asks], [...c.asks]);
    c.ws.close();
    d.ws.close();
  });

  test("ccxt's luno WebSocket class (watchOrderBook) reads the stream", async () => {
    const ex: any = new (ccxt as any).pro.luno({ apiKey: 'alice', secret: aliceKey, enableRateLimit: false });
    ex.urls.api = {
      public: `${v.url}/api`,
      private: `${v.url}/api`,
      exchange: `${v.url}/api/exchange`,
      exchangePrivate: `${v.url}/api/exchange`,
      ws: `${v.url.replace('http', 'ws')}/api/1`,
    };
    // ccxt needs its Node HTTP agent loaded before it opens a plain ws:// URL
    await ex.loadHttpProxyAgent();
    try {
      const first = await ex.watchOrderBook(SYMBOL);
      assert.deepEqual(first.asks[0].slice(0, 2), [251000, 0.04]);
      const placed = await bob.createOrder(SYMBOL, 'limit', 'buy', 0.02, 247000, { post_only: true });
      const ob = await until(async () => {
        const b = await ex.watchOrderBook(SYMBOL);
        return b.bids.length > 0 ? b : undefined;
      }, 'the bid in ccxt');
      assert.deepEqual(ob.bids[0].slice(0, 2), [247000, 0.02]);
      await bob.cancelOrder(placed.id, SYMBOL);
      const gone = await until(async () => {
        const b = await ex.watchOrderBook(SYMBOL);
        return b.bids.length === 0 ? b : undefined;
      }, 'the cancel in ccxt');
      assert.equal(gone.bids.length, 0);
    } finally {
      await ex.close();
    }
  });

  test('user stream: order status, fills and balances of the party', async () => {
    const ws = new WebSocket(`${v.url.replace('http', 'ws')}/api/1/userstream`);
    const got: any[] = [];
    ws.on('message', (d) => {
      const t = d.toString();
      if (t !== '""') got.push(JSON.parse(t));
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ api_key_id: 'alice', api_key_secret: aliceKey }));
    await new Promise((r) => setTimeout(r, 100));
    // alice bids 0.02 at 250500 (post-only); bob sells 0.015 into it: one fill of 0.015 × 250500 = 3757.5 MYR
    const o = await alice.createOrder(SYMBOL, 'limit', 'buy', 0.02, 250500, { post_only: true });
    await bob.createOrder(SYMBOL, 'limit', 'sell', 0.015, 250500);
    await alice.cancelOrder(o.id, SYMBOL);
    const fill = await until(
      () => got.find((m) => m.type === 'order_fill' && m.order_fill_update.order_id === o.id),
      'the fill',
    );
    assert.deepEqual(
      {
        ...fill.order_fill_update,
        counter_fee: undefined,
        counter_fee_delta: undefined,
      },
      {
        order_id: o.id,
        client_order_id: '',
        market_id: PAIR,
        base_fill: '0.015',
        counter_fill: '3757.5',
        base_delta: '0.015',
        counter_delta: '3757.5',
        base_fee: '0',
        counter_fee: undefined,
        base_fee_delta: '0',
        counter_fee_delta: undefined,
      },
    );
    const statuses = await until(() => {
      const s = got
        .filter((m) => m.type === 'order_status' && m.order_status_update.order_id === o.id)
        .map((m) => m.order_status_update.status);
      return s.includes('COMPLETE') ? s : undefined;
    }, 'the order complete');
    assert.deepEqual(statuses, ['PENDING', 'COMPLETE']);
    // balances: alice's XBT up by the fill; her MYR down by the notional and any fee she paid, and up by the maker
    // fee Vega pays the passive side (fee_info's maker_fee, negative in Luno's terms): 3757.5 × −maker_fee
    const xbt = got.filter((m) => m.type === 'balance_update' && m.balance_update.asset === 'XBT');
    const xbtDelta = xbt.reduce((s, m) => s + Number(m.balance_update.balance_delta), 0);
    assert.equal(Math.round(xbtDelta * 1e8), 1_500_000);
    const myr = got.filter((m) => m.type === 'balance_update' && m.balance_update.asset === 'MYR');
    const myrDelta = myr.reduce((s, m) => s + Number(m.balance_update.balance_delta), 0);
    const fees = await fetch(`${v.url}/api/1/fee_info?pair=${PAIR}`, {
      headers: { authorization: `Basic ${Buffer.from(`alice:${aliceKey}`).toString('base64')}` },
    });
    const rebate = 3757.5 * -Number(((await fees.json()) as any).maker_fee);
    assert.ok(rebate > 0);
    assert.equal(
      Math.abs(Math.round((myrDelta + 3757.5 + Number(fill.order_fill_update.counter_fee) - rebate) * 1e6)),
      0,
    );
    // the last balance_update equals /api/1/balance
    const bal = (await alice.fetchBalance()).info.balance as any[];
    const lastMyr = myr.at(-1).balance_update;
    const restMyr = bal.find((b) => b.asset === 'MYR');
    assert.equal(lastMyr.balance, restMyr.balance);
    assert.equal(lastMyr.account_id, restMyr.account_id);
    assert.ok(got.every((m) => m.type !== 'balance_update' || m.balance_update.row_index > 0));
    // nothing of bob's reaches alice's stream
    assert.ok(!got.some((m) => m.type === 'order_status' && m.order_status_update.order_id !== o.id));
    // a taker filled at once: its fill comes before its COMPLETE
    await bob.createOrder(SYMBOL, 'limit', 'sell', 0.01, 252000, { post_only: true });
    const t = await alice.createOrder(SYMBOL, 'limit', 'buy', 0.01, 252000);
    const at = (type: string) =>
      got.findIndex((m) => m.type === type && (m.order_fill_update ?? m.order_status_update).order_id === t.id);
    await until(() => (at('order_status') >= 0 ? true : undefined), 'the taker complete');
    assert.ok(at('order_fill') >= 0 && at('order_fill') < at('order_status'), 'the fill, then the status');
    assert.equal(got[at('order_status')].order_status_update.status, 'COMPLETE');
    assert.equal(got[at('order_fill')].order_fill_update.base_fill, '0.01');
    ws.close();
  });

  test('120 seeded random actions (limits that rest or cross, market orders, cancels): the book stays equal', async () => {
    const c = new BookClient(streamUrl(), { api_key_id: 'bob', api_key_secret: bobKey });
    await c.opened;
    await until(() => (c.seq > 0 ? true : undefined), 'the snapshot');
    let x = 12345;
    const rnd = (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return (x >>> 16) % n;
    };
    const mine: { who: any; id: string }[] = [];
    for (let i = 0; i < 120; i++) {
      const who = rnd(2) ? alice : bob;
      const side = rnd(2) ? 'buy' : 'sell';
      const k = rnd(10);
      try {
        if (k < 6) {
          // around 250000: some rest, some cross
          const price = 250000 + (side === 'buy' ? -1 : 1) * (rnd(8) * 250 - 600);
          const o = await who.createOrder(SYMBOL, 'limit', side, (1 + rnd(5)) / 100, price);
          mine.push({ who, id: o.id });
        } else if (k < 8 && mine.length) {
          const [o] = mine.splice(rnd(mine.length), 1);
          await o!.who.cancelOrder(o!.id, SYMBOL).catch(() => {}); // it may have traded away
        } else if (side === 'sell') await who.createOrder(SYMBOL, 'market', 'sell', (1 + rnd(3)) / 100);
        else await who.createOrder(SYMBOL, 'market', 'buy', 1000 + rnd(5000));
      } catch (e) {
        // a refusal (e.g. nothing to buy) changes nothing
        assert.ok((e as Error).constructor.name !== 'AssertionError', String(e));
      }
      if (i % 30 === 29) {
        await probe();
        await inSync(c);
      }
    }
    assert.ok(c.trades.length > 10, `${c.trades.length} trades streamed`);
    c.ws.close();
  });
});
