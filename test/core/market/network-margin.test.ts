// When the network's margin levels are emitted after a mark-to-market (Vega's collateral MarkToMarket hands the
// risk engine a margin event for each flow-less position met before the first win, the network's included; the
// network's own losses and wins, and everything from the first win on, are left out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import { EventLog, type EngineEvent } from '../../../src/core/events.ts';
import { type FeeConfig, type MarketConfig } from '../../../src/core/config/market.ts';
import { networkMarginEvent } from '../../../src/core/market/settle.ts';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { NETWORK_PARTY, NS } from '../../../src/core/types.ts';
import { NO_FEES, plainMarket } from './plain-market.ts';

const e = (party: string, amount: bigint) => ({ party, amount });

test('network margin event: a zero flow ahead of the first win', () => {
  assert.equal(networkMarginEvent([e('A', -5n), e(NETWORK_PARTY, 0n), e('B', 5n)]), true);
  assert.equal(networkMarginEvent([e('A', 0n), e(NETWORK_PARTY, 0n)]), true, 'no wins at all');
});

test('no network margin event: after the first win, with a flow of its own, or without a position in the MTM', () => {
  assert.equal(networkMarginEvent([e('A', -5n), e('B', 5n), e(NETWORK_PARTY, 0n)]), false);
  assert.equal(networkMarginEvent([e(NETWORK_PARTY, -5n), e('B', 5n)]), false);
  assert.equal(networkMarginEvent([e('A', -5n), e(NETWORK_PARTY, 5n)]), false);
  assert.equal(networkMarginEvent([e('A', -5n), e('B', 5n)]), false);
  assert.equal(networkMarginEvent([]), false);
});

// the market of flows.test.ts: decimals 0, PDP 0, risk factors 0.1, linear slippage 0.1, scaling 1.1 / 1.2 / 1.4, so a
// position V at mark P has maintenance 0.2 × |V| × P
const config = (fees: FeeConfig): MarketConfig => plainMarket(fees);

test("the network's margin levels after a mark-to-market in which its position has no flow", () => {
  const T0 = 1_700_000_000n * NS;
  const RICH = 1_000_000n;
  const log = new EventLog();
  const ex = new Exchange({
    now: T0,
    params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS },
    sink: log,
  });
  ex.registerAsset({ id: 'USD', decimals: 0, quantum: Decimal.ONE });
  ex.createMarket(config(NO_FEES));
  for (const [p, a] of Object.entries({ A: RICH, B: 300n, C: RICH, D: RICH })) ex.deposit(p, 'USD', a);
  const place = (party: string, side: 'buy' | 'sell', price: number, tif: 'GTC' | 'IOC' = 'GTC') =>
    assert.equal(ex.submitOrder({ marketId: 'M', party, side, size: 1, price, type: 'LIMIT', tif }).error, undefined);
  place('A', 'buy', 1000);
  place('B', 'sell', 1000);
  ex.advanceTo(T0 + 2n * NS);
  // B (short 1, 300 held) is closed out at 1150: the network is short 1 (as in flows.test.ts)
  place('C', 'buy', 1150);
  place('D', 'sell', 1150, 'IOC');
  ex.endBlock();
  const levels = () =>
    log.events.filter(
      (e): e is Extract<EngineEvent, { type: 'marginLevels' }> =>
        e.type === 'marginLevels' && e.party === NETWORK_PARTY,
    );
  const before = levels().length;
  // next block: the mark stays at 1150, every flow is zero and there is no win, so the network's position reaches
  // the risk engine: maintenance 0.2 × 1 × 1150 = 230, search 253, initial 276, release 322
  ex.advanceTo(T0 + 3n * NS);
  ex.endBlock();
  const after = levels().slice(before);
  assert.ok(after.length > 0, 'a margin levels event for the network');
  const lv = after[after.length - 1]!.levels;
  assert.deepEqual([lv.maintenance, lv.search, lv.initial, lv.release], [230n, 253n, 276n, 322n]);
});
