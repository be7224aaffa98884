// Positions API PnL (spec 0007-POSN; R1 §1.3–1.6): volume and PnL move with settle-position events, loss
// socialisation is booked as realised, a close-out books unrealised − remaining collateral as realised, and fee
// counters come from trade events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { PnlTracker } from '../../../src/core/positions/pnl.ts';
import {
  NO_FEES,
  type EngineEvent,
  type FeeBreakdown,
  type SettleTrade,
  type Trade,
} from '../../../src/core/events.ts';

const M = 'M';

function spe(party: string, markPrice: bigint, trades: SettleTrade[]): EngineEvent {
  return { type: 'settlePosition', marketId: M, party, markPrice, positionFactor: Decimal.ONE, trades };
}

function view(t: PnlTracker, party: string) {
  const p = t.get(M, party)!;
  return {
    volume: p.openVolume,
    aep: p.averageEntryPrice,
    unrealised: p.unrealised.toString(),
    realised: p.realised.toString(),
  };
}

test('plugin vector: +100@50 then +25@100, mark 100', () => {
  const t = new PnlTracker();
  t.onEvent(
    spe('A', 100n, [
      { price: 50n, size: 100 },
      { price: 100n, size: 25 },
    ]),
  );
  // AEP (100×50 + 25×100)/125 = 60; unrealised 125 × (100 − 60) = 5000
  assert.deepEqual(view(t, 'A'), { volume: 125, aep: 60n, unrealised: '5000', realised: '0' });
});

test('plugin vector: +100@50 then −25@100, mark 100', () => {
  const t = new PnlTracker();
  t.onEvent(
    spe('A', 100n, [
      { price: 50n, size: 100 },
      { price: 100n, size: -25 },
    ]),
  );
  // closing 25 realises (100 − 50) × 25 = 1250; AEP kept at 50; unrealised 75 × (100 − 50) = 3750
  assert.deepEqual(view(t, 'A'), { volume: 75, aep: 50n, unrealised: '3750', realised: '1250' });
});

test('loss socialisation is booked as realised (funding ones also as funding payments)', () => {
  const t = new PnlTracker();
  t.onEvent(spe('A', 100n, [{ price: 50n, size: 100 }]));
  t.onEvent({ type: 'lossSocialisation', marketId: M, party: 'A', amount: -30n, funding: false });
  t.onEvent({ type: 'lossSocialisation', marketId: M, party: 'A', amount: -7n, funding: true });
  // realised 0 − 30 − 7; unrealised untouched at 100 × (100 − 50)
  assert.deepEqual(view(t, 'A'), { volume: 100, aep: 50n, unrealised: '5000', realised: '-37' });
  assert.equal(t.get(M, 'A')!.fundingPayments, -7n);
  // a party the plugin has never seen gets no entry
  t.onEvent({ type: 'lossSocialisation', marketId: M, party: 'Z', amount: -1n, funding: false });
  assert.equal(t.get(M, 'Z'), undefined);
});

test('close-out (SettleDistressed): realised += unrealised − remaining collateral, position zeroed', () => {
  const t = new PnlTracker();
  t.onEvent(spe('A', 100n, [{ price: 100n, size: 10 }]));
  t.onEvent(spe('A', 90n, [])); // unrealised 10 × (90 − 100) = −100
  t.onEvent({ type: 'settleDistressed', marketId: M, party: 'A', margin: 50n, price: 90n });
  // realised 0 + (−100) − 50 = −150
  assert.deepEqual(view(t, 'A'), { volume: 0, aep: 0n, unrealised: '0', realised: '-150' });
  assert.equal(t.get(M, 'A')!.status, 'POSITION_STATUS_CLOSED_OUT');
});

function trade(aggressor: Trade['aggressor'], buyerFee: FeeBreakdown, sellerFee: FeeBreakdown): EngineEvent {
  return {
    type: 'trade',
    trade: {
      id: 'T1',
      marketId: M,
      price: 100n,
      marketPrice: 100n,
      size: 1,
      buyer: 'A',
      seller: 'B',
      aggressor,
      buyOrder: 'OA',
      sellOrder: 'OB',
      timestamp: 0n,
      type: 'DEFAULT',
      buyerFee,
      sellerFee,
    },
  };
}

const FEE: FeeBreakdown = { makerFee: 4n, infrastructureFee: 5n, liquidityFee: 10n, buyBackFee: 1n, treasuryFee: 2n };

test('fee counters: the taker pays maker + other fees, the maker receives the maker fee', () => {
  const t = new PnlTracker();
  t.onEvent(trade('sell', NO_FEES, FEE)); // no market entry yet: not counted
  t.onEvent(spe('A', 100n, []));
  t.onEvent(trade('sell', NO_FEES, FEE));
  const a = t.get(M, 'A')!;
  const b = t.get(M, 'B')!;
  // B (aggressor) pays maker 4 and other 5 + 10 + 1 + 2 = 18; A receives 4
  assert.deepEqual([b.takerFees, b.takerFeesSince, b.otherFees, b.otherFeesSince], [4n, 4n, 18n, 18n]);
  assert.deepEqual([a.makerFeesReceived, a.makerFeesReceivedSince, a.takerFees], [4n, 4n, 0n]);
  // an auction trade (no aggressor): each side receives the other's maker component
  t.onEvent(trade(undefined, FEE, FEE));
  assert.deepEqual([a.makerFeesReceived, b.makerFeesReceived], [8n, 4n]);
});
