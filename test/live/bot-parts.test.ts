// The live bot's parts on their own: its configuration (the seed's names, the negative η refused with the reason),
// exact decimals, the risk manager (limits, reduce-only, the kill switch's triggers and what resumes), and the P&L
// split against hand-computed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BotConfigError, makerParams, parseBotConfig } from '../../src/live/bot/config.ts';
import { formatFixed, parseFixed, stepsOf, times } from '../../src/live/bot/fixed.ts';
import { PnlTracker } from '../../src/live/bot/pnl.ts';
import { RiskManager } from '../../src/live/bot/risk.ts';

test("config: the seed's names and defaults; a negative η is refused with the reason; errors name the parameter", () => {
  const c = parseBotConfig({});
  assert.equal(c.order_size, 1);
  assert.equal(c.gamma, 1);
  assert.equal(c.min_spread, 0);
  assert.equal(c.order_refresh_rate_s, 60);
  assert.equal(c.filled_order_delay_s, 60);
  assert.equal(c.max_order_age_s, 1800);
  assert.equal(c.update_balance_interval_s, 2);
  assert.throws(
    () => parseBotConfig({ eta: -0.005 }),
    (e: unknown) => e instanceof BotConfigError && /eta: must be >= 0: a negative η grows the order/.test(e.message),
  );
  assert.throws(() => parseBotConfig({ gamma: 0 }), /gamma: /);
  assert.throws(() => parseBotConfig({ order_sise: 1 }), /order_sise|Unrecognized/);
  const p = makerParams(parseBotConfig({ order_size: 3, order_refresh_rate_s: 15, max_order_age_s: 600 }));
  assert.equal(p.orderSize, 3);
  assert.equal(p.orderRefreshSeconds, 15);
  assert.equal(p.maxOrderAgeSeconds, 600);
});

test('fixed: decimal strings in and out exactly, ticks and lots', () => {
  assert.equal(parseFixed('0.1') * 3n, parseFixed('0.3'));
  assert.equal(formatFixed(parseFixed('-12.3400')), '-12.34');
  assert.equal(formatFixed(parseFixed('7')), '7');
  assert.equal(times(1523, '0.01'), '15.23');
  assert.equal(times(7, '0.1'), '0.7');
  assert.equal(stepsOf('0.7', '0.1'), 7);
  assert.equal(stepsOf('15.23', '0.01'), 1523);
  assert.throws(() => parseFixed('1e5', 'price'), /price: "1e5" is not a decimal number/);
});

test('risk: position and notional limits give the maker its limit; beyond it only the reducing side', () => {
  const r = new RiskManager({ maxPosition: 100, maxNotional: 600, maxLoss: 50, staleBookSeconds: 10 });
  const base = { time: 100, lastBook: 99, down: new Map<string, string>(), position: 0, price: 15, pnl: 0 };
  // 600 / 15 = 40 contracts of notional, below the 100 position limit
  assert.deepEqual(r.check(base), { maxPosition: 40, reduceOnly: false });
  assert.equal(r.check({ ...base, position: -40 }).reduceOnly, true);
  assert.equal(r.check({ ...base, price: 3 }).maxPosition, 100);
});

test('risk: the kill switch trips on a stale book and a lost connection (and clears), and on max loss for good', () => {
  const r = new RiskManager({ maxPosition: 100, maxNotional: 1e9, maxLoss: 50, staleBookSeconds: 10 });
  const base = { time: 100, lastBook: 99, down: new Map<string, string>(), position: 0, price: 15, pnl: 0 };
  assert.equal(r.check(base).kill, undefined);
  assert.equal(r.check({ ...base, lastBook: 89 }).kill?.reason, 'stale-book');
  assert.equal(r.check({ ...base, lastBook: undefined }).kill?.reason, 'stale-book');
  const down = r.check({ ...base, down: new Map([['market', 'redis connection closed']]) });
  assert.equal(down.kill?.reason, 'connection');
  assert.match(down.kill!.detail, /market: redis connection closed/);
  assert.equal(r.check(base).kill, undefined, 'healthy again: quoting resumes');
  assert.equal(r.check({ ...base, pnl: -49 }).kill, undefined);
  assert.equal(r.check({ ...base, pnl: -51 }).kill?.reason, 'max-loss');
  assert.equal(r.check({ ...base, pnl: 10 }).kill?.reason, 'max-loss', 'a loss breach halts for good');
});

test('P&L split: spread against the mid before each fill, inventory to the mark, fees and funding (hand-computed)', () => {
  const p = new PnlTracker();
  p.start('1000', '0', '10');
  // buy 2 at 9.98 with the mid at 10.00: spread 2 × 0.02 = 0.04
  p.onFill('buy', '9.98', '2', parseFixed('10'));
  // sell 1 at 10.07 with the mid at 10.05: spread 1 × 0.02 = 0.02
  p.onFill('sell', '10.07', '1', parseFixed('10.05'));
  p.onTransfer('fee', '0.003'); // a maker fee received
  p.onTransfer('funding', '-0.01');
  p.onTransfer('deposit', '500');
  // position 1; inventory = 2·(10.10 − 10.00) − 1·(10.10 − 10.05) = 0.2 − 0.05 = 0.15 at the mark 10.10
  // equity change: trading at the mark 2·(10.10 − 9.98) − (10.10 − 10.07) = 0.24 − 0.03 = 0.21, + 0.003 − 0.01
  const s = p.split('10.10', '1500.203');
  assert.equal(s.exact.spread, '0.06');
  assert.equal(s.exact.inventory, '0.15');
  assert.equal(s.exact.fees, '0.003');
  assert.equal(s.exact.funding, '-0.01');
  assert.equal(s.exact.total, '0.203');
  assert.equal(s.exact.other, '0');
  assert.equal(p.positionNow(), 1);
});
