// Liquidity provision on the seed's final LINK/USD perpetual proposal (scenarios/link-usd-perp.proposal.json): two
// LPs commit the same stake; lpA keeps quotes within the SLA price range all the time, lpB only for the first half of
// each epoch. Over three full epochs the test recomputes, from the spec's formulas (0044-LIME, 0042-LIQF) and its own
// record of what happened, what the engine must do at every epoch end:
// - lpB's time on book f_B = (time quoted) / (observed epoch length) < commitmentMinTimeFraction (0.85): fee penalty 1
//   and bond penalty min(max 0.05, slope 1 × (1 − f_B / 0.85)) = 0.05 of its commitment, to the insurance pool;
// - lpA's f_A = 1: fee penalty (1 − (1 − 0.85)/(1 − 0.85)) × 0.5 = 0, so lpA keeps all its allocated fees and, as the
//   only LP without a full penalty, receives lpB's forfeited fees as its performance bonus;
// - lpB's commitment follows its bond at the next epoch start (supplied stake = C_A + C_B − penalty);
// - every liquidity fee paid is ceil(price × size × 0.001) (the marginal-cost factor: lpA's bid covers the target).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import type { EngineEvent } from '../../../src/core/events.ts';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { NS } from '../../../src/core/types.ts';
import { loadProposalFile } from '../../../src/proposal/index.ts';

const PROPOSAL = fileURLToPath(new URL('../../../scenarios/link-usd-perp.proposal.json', import.meta.url));
const BLOCK = 60n * NS;
const EPOCH = 3600n * NS;
const USDT = 1_000_000n; // 6 decimals
const COMMITMENT = 10_000n * USDT;
const PRICE = 1500; // 15.00 in market precision (2 decimals)

interface EpochRecord {
  start: bigint;
  end?: bigint;
  /** when lpB's quotes went off the book (a block end at which they were absent) */
  bOff?: bigint;
  /** when lpB's quotes were first on the book at a block end */
  bOn?: bigint;
}

test('two LPs on the LINK/USD perpetual: fee split, SLA fee and bond penalties over three epochs', () => {
  const parsed = loadProposalFile(PROPOSAL);
  const cfg = parsed.config;
  const asset = parsed.asset.id;
  const events: EngineEvent[] = [];
  const ex = new Exchange({
    now: 1_700_000_000n * NS,
    sink: { emit: (e) => events.push(e) },
    params: { epochLength: EPOCH },
  });
  ex.registerAsset({ id: asset, decimals: parsed.asset.decimals, quantum: parsed.asset.quantum });
  ex.createMarket(cfg);
  const id = cfg.id;
  const m = ex.market(id)!;
  for (const p of ['lpA', 'lpB', 'mm', 'taker1', 'taker2'])
    assert.equal(ex.deposit(p, asset, 1_000_000n * USDT).error, undefined);

  // commitments during the opening auction are active at once
  assert.equal(ex.submitLiquidityProvision('lpA', 'lpA', id, COMMITMENT, Decimal.parse('0.001')).error, undefined);
  assert.equal(ex.submitLiquidityProvision('lpB', 'lpB', id, COMMITMENT, Decimal.parse('0.002')).error, undefined);

  const order = (party: string, side: 'buy' | 'sell', size: number, price?: number) => {
    const r = ex.submitOrder({
      marketId: id,
      party,
      side,
      size,
      ...(price !== undefined
        ? { price, type: 'LIMIT' as const, tif: 'GTC' as const }
        : { type: 'MARKET' as const, tif: 'IOC' as const }),
    });
    assert.equal(r.error, undefined, `${party} ${side} ${size}@${price}: ${r.error}`);
  };
  // LP quotes: 1% from the price, 700 LINK a side: 700 × 15 = 10,500 USDT ≥ commitment × stakeToCcyVolume (1)
  const lpQuotes = (party: string) => {
    order(party, 'buy', 700, PRICE - 15);
    order(party, 'sell', 700, PRICE + 15);
  };
  const mmQuotes = () => {
    ex.cancelAllOrders('mm', id);
    order('mm', 'buy', 5_000, PRICE - 3);
    order('mm', 'sell', 5_000, PRICE + 3);
  };

  // opening auction: quotes and an uncross at 15.00
  lpQuotes('lpA');
  mmQuotes();
  order('taker1', 'buy', 10, PRICE);
  order('taker2', 'sell', 10, PRICE);
  while (m.tradingMode === 'OPENING_AUCTION') {
    ex.endBlock();
    ex.advanceTo(ex.now() + BLOCK);
  }

  const epochs: EpochRecord[] = [];
  let bQuoting = false;
  const bondB = () => ex.ledger.get('lpB', 'BOND', asset, id)!.balance;
  const lpFees = (p: string) => ex.ledger.get(p, 'LP_LIQUIDITY_FEES', asset, id)?.balance ?? 0n;
  let commitmentB = COMMITMENT;
  let checkedEpochs = 0;
  let feesPaid = 0n;
  let lastEventIndex = events.length;

  for (let block = 0; block < 400 && checkedEpochs < 3; block++) {
    // trading: two takers cross the market maker's spread; every trade pays ceil(notional × 0.001) liquidity fee
    mmQuotes();
    assert.equal(m.liquidityFee.toString(), '0.001', 'the marginal-cost factor is lpA fee bid');
    order('taker1', 'buy', 5);
    order('taker2', 'sell', 5);
    // lpB quotes in the first half of every epoch
    const current = epochs[epochs.length - 1];
    if (current) {
      const half = !bQuoting && ex.now() - current.start < EPOCH / 2n;
      if (half) {
        lpQuotes('lpB');
        bQuoting = true;
      } else if (bQuoting && ex.now() - current.start >= EPOCH / 2n) {
        ex.cancelAllOrders('lpB', id);
        bQuoting = false;
      }
    }
    // block end: lpB's SLA is measured here
    if (current) {
      if (bQuoting && current.bOn === undefined) current.bOn = ex.now();
      if (!bQuoting && current.bOn !== undefined && current.bOff === undefined) current.bOff = ex.now();
    }
    ex.endBlock();
    const feesBefore = { a: lpFees('lpA'), b: lpFees('lpB') };
    const generalA = ex.ledger.get('lpA', 'GENERAL', asset)!.balance;
    const insurance = m.insuranceBalance();
    const allocBefore = { a: feesBefore.a, b: feesBefore.b };
    ex.advanceTo(ex.now() + BLOCK);
    const fresh = events.slice(lastEventIndex);
    lastEventIndex = events.length;
    for (const e of fresh) {
      if (e.type === 'trade') feesPaid += ceilDiv(e.trade.price * BigInt(e.trade.size), 1000n);
    }
    const end = fresh.find((e) => e.type === 'epoch' && e.action === 'END');
    const start = fresh.find((e) => e.type === 'epoch' && e.action === 'START');
    if (end && end.type === 'epoch' && epochs.length > 0) {
      const ep = epochs[epochs.length - 1]!;
      ep.end = end.time;
      const entries = fresh
        .filter((e): e is EngineEvent & { type: 'ledger' } => e.type === 'ledger')
        .map((e) => e.entry);
      const of = (type: string, party: string) =>
        entries
          .filter((x) => x.type === type && (x.to.owner === party || x.from.owner === party))
          .reduce((s, x) => s + x.amount, 0n);
      // fees allocated in the END tick itself come before the distribution (the allocation runs in the market tick,
      // after the epoch events); the distribution moves what the LP fee accounts held before this tick
      const stats = m.lpSlaStats();
      const sB = stats.find((s) => s.party === 'lpB')!;
      const sA = stats.find((s) => s.party === 'lpA')!;
      // lpB: time on book by the test's own record
      const onBook = ep.bOn !== undefined ? (ep.bOff ?? ep.end) - ep.bOn : 0n;
      const fB = Decimal.fromBigInt(onBook).div(Decimal.fromBigInt(ep.end - ep.start));
      assert.equal(sB.lastFraction.toString(), fB.toString(), `epoch ${checkedEpochs}: lpB time on book`);
      assert.ok(fB.lt(Decimal.parse('0.85')));
      assert.equal(sA.lastFraction.toString(), '1');
      assert.equal(sB.lastFeePenalty.toString(), '1');
      assert.equal(sA.lastFeePenalty.toString(), '0');
      const slopeTerm = Decimal.ONE.sub(fB.div(Decimal.parse('0.85')));
      const bondPenalty = Decimal.min(Decimal.parse('0.05'), slopeTerm);
      assert.equal(sB.lastBondPenalty.toString(), bondPenalty.toString());
      const penalty = bondPenalty.mulBig(commitmentB).trunc();
      assert.equal(of('SLA_PENALTY_BOND_APPLY', 'lpB'), penalty, 'bond penalty of lpB');
      assert.equal(m.insuranceBalance() - insurance, penalty, 'insurance pool receives the bond penalty');
      // both LPs earned fees this epoch (lpB while it quoted)
      assert.ok(allocBefore.a > 0n && allocBefore.b > 0n, 'both LPs were allocated fees');
      // fee distribution: lpA keeps all of its fees, lpB forfeits all of its to the bonus pool, which goes to lpA
      assert.equal(of('LIQUIDITY_FEE_NET_DISTRIBUTE', 'lpA'), allocBefore.a);
      assert.equal(of('LIQUIDITY_FEE_NET_DISTRIBUTE', 'lpB'), 0n);
      assert.equal(of('LIQUIDITY_FEE_UNPAID_COLLECT', 'lpB'), allocBefore.b);
      assert.equal(of('SLA_PERFORMANCE_BONUS_DISTRIBUTE', 'lpA'), allocBefore.b);
      assert.equal(of('SLA_PERFORMANCE_BONUS_DISTRIBUTE', 'lpB'), 0n);
      assert.equal(
        ex.ledger.get('lpA', 'GENERAL', asset)!.balance - generalA,
        allocBefore.a + allocBefore.b,
        'lpA general account receives both LPs fees',
      );
      // the next epoch start syncs lpB's commitment with its bond
      assert.ok(start, 'the next epoch starts in the same tick');
      commitmentB -= penalty;
      assert.equal(bondB(), commitmentB);
      assert.equal(m.suppliedStake(), COMMITMENT + commitmentB);
      checkedEpochs++;
    }
    if (end && end.type === 'epoch' && epochs.length === 0) {
      // the partial epoch after the opening auction: lpB never quoted (f = 0), so its bond penalty is the maximum 0.05
      commitmentB -= Decimal.parse('0.05').mulBig(commitmentB).trunc();
      assert.equal(bondB(), commitmentB);
    }
    // quotes were pulled at the half: each new epoch starts without lpB on the book
    if (start && start.type === 'epoch') epochs.push({ start: start.time });
  }
  assert.equal(checkedEpochs, 3, 'three epoch ends were checked');
  // every liquidity fee paid reached the market's account, then the LPs' fee accounts and general accounts
  const paid = events
    .filter((e): e is EngineEvent & { type: 'ledger' } => e.type === 'ledger')
    .filter((e) => e.entry.type === 'LIQUIDITY_FEE_PAY')
    .reduce((s, e) => s + e.entry.amount, 0n);
  assert.equal(paid, feesPaid, 'liquidity fees are ceil(notional × 0.001) per trade');
});

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
