// The bot's orders on the venue's grid, exactly: on a market whose tick and lot are 0.1 (where 7 × 0.1 is
// 0.7000000000000001 in floats) every price and size the bot sends is a canonical decimal string, a whole number of
// ticks or lots; its own orders are taken out of the book it quotes against exactly; the mark it falls back on and
// the prices it shows the dashboard carry no float artefacts. A recording adapter stands in for the venue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  AccountSnapshot,
  MarketInfo,
  OrderRequest,
  VenueAdapter,
  VenueEvent,
} from '../../src/live/bot/adapter.ts';
import { parseBotConfig } from '../../src/live/bot/config.ts';
import { MarketMakerBot } from '../../src/live/bot/runner.ts';

const INFO: MarketInfo = { market: 'm1', pair: 'TESTPERP', tick: '0.1', lot: '0.1', minSize: '0.1', asset: 'USD' };
const CANONICAL = /^(0|[1-9]\d*)(\.\d*[1-9])?$/;

class RecordingAdapter implements VenueAdapter {
  readonly name = 'recording';
  readonly placed: OrderRequest[] = [];
  emit: (e: VenueEvent) => void = () => {};
  private n = 0;
  async connect(onEvent: (e: VenueEvent) => void): Promise<MarketInfo> {
    this.emit = onEvent;
    return INFO;
  }
  async account(): Promise<AccountSnapshot> {
    return { equity: '1000', position: '0', orders: [] };
  }
  async place(o: OrderRequest): Promise<{ id: string }> {
    this.placed.push(o);
    return { id: `o${++this.n}` };
  }
  async cancel(): Promise<void> {}
  async cancelAll(): Promise<void> {}
  async close(): Promise<void> {}
}

/** whole steps of `step` in the decimal string `x`, by string arithmetic alone (no floats) */
function wholeSteps(x: string, step: string): boolean {
  const d = Math.max(x.split('.')[1]?.length ?? 0, step.split('.')[1]?.length ?? 0);
  const scaled = (s: string) => BigInt((s.split('.')[0] ?? '0') + (s.split('.')[1] ?? '').padEnd(d, '0'));
  return scaled(x) % scaled(step) === 0n;
}

test('bot: prices and sizes sent to the venue are exact decimal strings on the tick and lot grid', async () => {
  let now = 1_000;
  const adapter = new RecordingAdapter();
  const bot = new MarketMakerBot({
    // 0.7 contracts = 7 lots of 0.1: 7 * 0.1 is 0.7000000000000001 in floats
    config: parseBotConfig({ order_size: 0.7, gamma: 0.1, loop_s: 1000, update_balance_interval_s: 1000 }),
    adapter,
    now: () => now,
  });
  await bot.start();
  try {
    adapter.emit({
      type: 'book',
      time: now,
      bids: [{ price: '0.6', size: '0.3' }],
      asks: [{ price: '0.9', size: '0.7' }],
    });
    await settle(); // a book update makes the bot look at once (the step runs in the background)
    assert.ok(adapter.placed.length >= 1, 'the bot quoted');
    const first = adapter.placed.length;
    // the book now holds the bot's own orders on top of the public ones; the next look is on a moved market
    const own = (side: 'buy' | 'sell') => adapter.placed.filter((o) => o.side === side).at(-1);
    const levels = (side: 'buy' | 'sell', pub: { price: string; size: string }) => {
      const o = own(side);
      if (!o) return [pub];
      if (o.price === pub.price) return [{ price: pub.price, size: addDecimal(pub.size, o.size) }];
      const both = [pub, { price: o.price, size: o.size }];
      return both.sort((a, b) => (side === 'buy' ? 1 : -1) * (Number(b.price) - Number(a.price)));
    };
    now += 3_600;
    adapter.emit({
      type: 'book',
      time: now,
      bids: levels('buy', { price: '0.3', size: '0.1' }),
      asks: levels('sell', { price: '1.2', size: '0.2' }),
    });
    await settle();
    assert.ok(adapter.placed.length > first, 'the bot re-quoted on the moved market');
    for (const o of adapter.placed) {
      assert.match(o.price, CANONICAL, `price ${o.price}`);
      assert.match(o.size, CANONICAL, `size ${o.size}`);
      assert.ok(wholeSteps(o.price, INFO.tick), `price ${o.price} on the 0.1 tick`);
      assert.ok(wholeSteps(o.size, INFO.lot), `size ${o.size} in 0.1 lots`);
      assert.equal(o.size, '0.7');
      assert.equal(o.postOnly, true);
    }
    // the dashboard's view of the resting orders: the numbers the exact strings stand for
    const snap = bot.snapshot();
    for (const [side, q] of [
      ['buy', snap.orders.bid],
      ['sell', snap.orders.ask],
    ] as const) {
      if (!q) continue;
      assert.equal(String(q.price), own(side)!.price);
      assert.equal(q.lots, 7);
    }
    // with no mark, the P&L is valued at the exact mid (0.3 + 1.2) / 2 = 0.75 (in floats 0.75 too, but e.g.
    // (0.1 + 0.2) / 2 is 0.15000000000000002): the split's exact fields are decimal strings
    for (const v of Object.values(bot.pnlSplit()!.exact)) assert.match(v, /^-?\d+(\.\d+)?$/);
  } finally {
    await bot.stop(0);
  }
});

const settle = () => new Promise((r) => setTimeout(r, 50));

/** a + b for two non-negative decimal strings, exactly */
function addDecimal(a: string, b: string): string {
  const d = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const scaled = (s: string) => BigInt((s.split('.')[0] ?? '0') + (s.split('.')[1] ?? '').padEnd(d, '0'));
  const t = (scaled(a) + scaled(b)).toString().padStart(d + 1, '0');
  const int = t.slice(0, t.length - d);
  const frac = t.slice(t.length - d).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}
