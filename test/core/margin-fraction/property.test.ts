// Property test of the margin-fraction rules in the engine: random streams of deposits, limit and market orders,
// cancellations, index moves, funding cues and blocks on a margin-fraction perpetual. After every command money is
// conserved (all accounts but EXTERNAL sum to the net deposits), no balance is negative, the book is not crossed in
// continuous trading; the same stream gives the same state hash; and the stream did exercise trades, close-outs,
// loss-making funding and rejections (so the checks ran on the paths that move money).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import { EventLog } from '../../../src/core/events.ts';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { NS, type Side } from '../../../src/core/types.ts';
import { Rng } from '../fixtures.ts';
import { mfMarket, ORACLE } from './helpers.ts';

const T0 = 1_700_000_000n * NS;
const PARTIES = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'mm0', 'mm1'];
const COMMANDS = 4000;

interface Stats {
  trades: number;
  closeOuts: number;
  fundingPeriods: number;
  rejections: number;
  insuranceUsed: boolean;
}

function run(seed: number): { hash: string; stats: Stats } {
  const rng = new Rng(seed);
  const log = new EventLog();
  const ex = new Exchange({
    now: T0,
    params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS },
    sink: log,
  });
  ex.registerAsset({ id: 'USD', decimals: 0, quantum: Decimal.ONE });
  const market = ex.createMarket(mfMarket());
  let deposits = 0n;
  const deposit = (party: string, amount: bigint) => {
    assert.deepEqual(ex.deposit(party, 'USD', amount), {});
    deposits += amount;
  };
  for (const p of PARTIES) deposit(p, p.startsWith('mm') ? 1_000_000n : BigInt(rng.int(300, 3000)));
  let clock = 0n;
  let fair = 1000;
  const stats: Stats = { trades: 0, closeOuts: 0, fundingPeriods: 0, rejections: 0, insuranceUsed: false };
  const check = (what: string) => {
    assert.equal(ex.ledger.totalHeld('USD'), deposits, `money conservation after ${what}`);
    for (const a of ex.ledger.all())
      if (a.type !== 'EXTERNAL') assert.ok(a.balance >= 0n, `${a.id} negative (${a.balance}) after ${what}`);
    if (market.tradingMode === 'CONTINUOUS') {
      const bid = market.bestBid();
      const ask = market.bestAsk();
      if (bid !== undefined && ask !== undefined) assert.ok(bid < ask, `book crossed after ${what}`);
    }
  };
  for (let i = 0; i < COMMANDS; i++) {
    const kind = rng.weighted([
      ['limit', 40],
      ['quote', 15],
      ['market', 8],
      ['cancel', 10],
      ['index', 8],
      ['block', 15],
      ['cue', 2],
      ['deposit', 2],
    ] as const);
    const party = rng.pick(PARTIES);
    const side: Side = rng.chance(0.5) ? 'buy' : 'sell';
    let r: { error?: string } = {};
    switch (kind) {
      case 'limit': {
        const price = Math.max(1, Math.round(fair * (1 + (rng.float() - 0.5) * 0.06)));
        r = ex.submitOrder({
          marketId: 'M',
          party,
          side,
          size: rng.int(1, 20),
          price,
          type: 'LIMIT',
          tif: rng.chance(0.7) ? 'GTC' : 'IOC',
        });
        break;
      }
      case 'quote': {
        // a maker quotes both sides around fair (keeps a two-sided book for the mark price)
        const mm = rng.pick(['mm0', 'mm1']);
        const half = rng.int(1, 10);
        ex.submitOrder({
          marketId: 'M',
          party: mm,
          side: 'buy',
          size: 10,
          price: fair - half,
          type: 'LIMIT',
          tif: 'GTC',
        });
        r = ex.submitOrder({
          marketId: 'M',
          party: mm,
          side: 'sell',
          size: 10,
          price: fair + half,
          type: 'LIMIT',
          tif: 'GTC',
        });
        break;
      }
      case 'market':
        r = ex.submitOrder({ marketId: 'M', party, side, size: rng.int(1, 30), type: 'MARKET', tif: 'IOC' });
        break;
      case 'cancel': {
        const mine = market.partyOrders(party);
        if (mine.length) r = ex.cancelOrder(party, 'M', rng.pick(mine).id);
        break;
      }
      case 'index':
        // a random walk with jumps: positions at 10× leverage get closed out on the way
        fair = Math.max(
          50,
          Math.round(fair * (1 + rng.normal() * 0.02 + (rng.chance(0.1) ? (rng.float() - 0.5) * 0.2 : 0))),
        );
        r = ex.submitOracleData({ signers: [ORACLE], properties: { 'perp.price': String(fair) }, timestamp: ex.now() });
        break;
      case 'block':
        clock += BigInt(rng.int(1, 5));
        ex.advanceTo(T0 + clock * NS);
        ex.endBlock();
        break;
      case 'cue':
        r = ex.submitOracleData({
          signers: [ORACLE],
          properties: { 'perp.funding.cue': String(ex.now() / NS) },
          timestamp: ex.now(),
        });
        break;
      case 'deposit':
        deposit(party, BigInt(rng.int(100, 2000)));
        break;
    }
    if (r.error) stats.rejections++;
    check(`command ${i} (${kind} by ${party})`);
  }
  for (const e of log.events) {
    if (e.type === 'trade') stats.trades++;
    else if (e.type === 'distressedPositions') stats.closeOuts += e.distressed.length;
    else if (e.type === 'fundingPayments' && e.payments.some((p) => p.amount !== 0n)) stats.fundingPeriods++;
    else if (e.type === 'ledger' && e.entry.from.type === 'INSURANCE') stats.insuranceUsed = true;
  }
  return { hash: ex.stateHash(), stats };
}

test(`${COMMANDS} random commands on a margin-fraction perpetual: money conserved, no negative balance, book uncrossed`, () => {
  const { stats } = run(0x5eed);
  // the stream must have exercised what moves money under the new rules
  assert.ok(stats.trades > 200, `trades: ${stats.trades}`);
  assert.ok(stats.closeOuts > 0, `close-outs: ${stats.closeOuts}`);
  assert.ok(stats.fundingPeriods > 0, `funding periods with payments: ${stats.fundingPeriods}`);
  assert.ok(stats.rejections > 0, `rejections: ${stats.rejections}`);
});

test('margin-fraction rules are deterministic: the same stream gives the same state hash, another seed another', () => {
  const a = run(7);
  const b = run(7);
  assert.equal(a.hash, b.hash);
  assert.notEqual(run(8).hash, a.hash);
});
