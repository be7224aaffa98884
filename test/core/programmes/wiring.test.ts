// The programmes inside the exchange: a volume rebate earned in one epoch pays the maker a high-volume fee in the
// next, taken out of the treasury and buy-back fees (0095-HVMR, 0029-FEES); a referee's taker fees are discounted
// and its referrer paid (0083-RFPR); money is conserved throughout. Numbers worked by hand from the specs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import { EventLog, type Trade } from '../../../src/core/events.ts';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';
import { NS } from '../../../src/core/types.ts';
import { plainMarket, T0, USD } from '../fixtures.ts';

const FEES = {
  makerFee: dec('0.01'),
  infrastructureFee: dec('0.01'),
  liquidityFee: Decimal.ZERO,
  buyBackFee: dec('0.1'),
  treasuryFee: dec('0.1'),
  liquidityFeeMethod: 'MARGINAL_COST' as const,
};

function setup() {
  const log = new EventLog();
  const ex = new Exchange({
    now: T0,
    params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS, epochLength: 10n * NS },
    sink: log,
  });
  // quantum 1 so that volumes in quantum are the trade values
  ex.registerAsset({ ...USD, quantum: Decimal.ONE });
  ex.createMarket(plainMarket('M', { fees: FEES, priceMonitoringTriggers: [], openingAuctionDuration: 1 }));
  let deposits = 0n;
  for (const p of ['aux1', 'aux2', 'm1', 'm2', 't', 'ref', 'referee']) {
    assert.deepEqual(ex.deposit(p, 'USD', 10n ** 12n), {});
    deposits += 10n ** 12n;
  }
  let now = T0;
  const tick = (s: bigint) => {
    ex.endBlock();
    now += s * NS;
    ex.advanceTo(now);
  };
  const place = (party: string, side: 'buy' | 'sell', size: number, price: number) => {
    const r = ex.submitOrder({ marketId: 'M', party, side, size, price, type: 'LIMIT', tif: 'GTC' });
    assert.equal(r.error, undefined, `${party} ${side}: ${r.error}`);
  };
  ex.advanceTo(now);
  place('aux1', 'buy', 1, 49_000);
  place('aux2', 'sell', 1, 49_000);
  tick(2n);
  const nextEpoch = () => {
    const seq = ex.epochSeq;
    while (ex.epochSeq === seq) tick(1n);
  };
  const trades = () =>
    log.events.filter((e): e is { type: 'trade'; trade: Trade } => e.type === 'trade').map((e) => e.trade);
  const ledger = () => log.events.flatMap((e) => (e.type === 'ledger' ? [e.entry] : []));
  const conserved = () => assert.equal(ex.ledger.totalHeld('USD'), deposits, 'money conservation');
  return { ex, place, nextEpoch, trades, ledger, conserved };
}

test('a maker rebate earned in one epoch is paid in the next, out of the treasury and buy-back fees', () => {
  const s = setup();
  s.ex.programmes.volumeRebate.setProgram({
    endOfProgram: 0n,
    windowLength: 1,
    tiers: [{ minFraction: dec('0.0001'), rebate: dec('0.001') }],
  });
  s.nextEpoch();
  s.place('m1', 'buy', 1, 50_000);
  s.place('t', 'sell', 1, 50_000);
  s.nextEpoch();
  s.place('m1', 'buy', 1, 50_000);
  s.place('t', 'sell', 1, 50_000);
  const last = s.trades().at(-1)!;
  // trade value 50000: rebate floor(0.001 × 50000) = 50; treasury and buy-back 5000 each keep
  // floor(5000 × (1 − 50 / 10000)) = 4975
  assert.equal(last.sellerFee.highVolumeMakerFee, 50n);
  assert.equal(last.sellerFee.treasuryFee, 4975n);
  assert.equal(last.sellerFee.buyBackFee, 4975n);
  const received = s.ledger().filter((e) => e.type === 'HIGH_MAKER_FEE_REBATE_RECEIVE');
  assert.deepEqual(
    received.map((e) => [e.to.owner, e.amount]),
    [['m1', 50n]],
  );
  s.conserved();
});

test('a referee pays discounted taker fees and its referrer receives a reward', () => {
  const s = setup();
  const f = (x: string) => ({ infrastructure: dec(x), maker: dec(x), liquidity: dec(x) });
  s.ex.programmes.setParameter('referralProgram.maxReferralRewardProportion', '0.1');
  s.ex.programmes.referral.setProgram({
    endOfProgram: 0n,
    windowLength: 1,
    benefitTiers: [{ minRunningVolume: dec('1'), minEpochs: 1, reward: f('0.02'), discount: f('0.03') }],
    stakingTiers: [],
  });
  s.nextEpoch();
  s.ex.programmes.referral.createSet('ref', 'code', s.ex.epochSeq, 0n);
  s.ex.programmes.referral.applyCode('referee', 'code', s.ex.epochSeq);
  s.place('aux1', 'buy', 1, 50_000);
  s.place('referee', 'sell', 1, 50_000);
  s.nextEpoch();
  assert.equal(s.ex.programmes.referral.setStats('code', s.ex.epochSeq - 1)?.runningVolume.toString(), '50000');
  s.place('aux1', 'buy', 2, 50_000);
  s.place('referee', 'sell', 2, 50_000);
  const fee = s.trades().at(-1)!.sellerFee;
  // maker and infrastructure fees 1000 each: discount floor(1000 × 0.03) = 30, reward floor(970 × 0.02) = 19
  assert.equal(fee.makerFee, 951n);
  assert.equal(fee.infrastructureFee, 951n);
  assert.deepEqual(fee.referrerReward, { infrastructureFee: 19n, makerFee: 19n, liquidityFee: 0n });
  const paid = s.ledger().filter((e) => e.type === 'FEE_REFERRER_REWARD_DISTRIBUTE');
  assert.deepEqual(
    paid.map((e) => [e.to.owner, e.amount]),
    [['ref', 38n]],
  );
  s.conserved();
});
