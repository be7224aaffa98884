// The incentive programmes computed by hand from the specs: fee benefits (0029-FEES "Applying benefit factors"),
// the high-volume maker rebate and its cap (0095-HVMR), referral running volumes, tiers and staking multipliers
// (0083-RFPR), volume discounts (0084-VDPR) and activity streaks (0086-ASPR).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../src/core/num/decimal.ts';
import {
  applyMakerRebate,
  applyTakerBenefits,
  NO_FACTORS,
  type Factors,
} from '../../../src/core/programmes/benefits.ts';
import { DelegationEngine } from '../../../src/core/programmes/delegation.ts';
import { Programmes } from '../../../src/core/programmes/programmes.ts';

const d = (s: string) => Decimal.parse(s);
const f = (infra: string, maker: string, liquidity: string): Factors => ({
  infrastructure: d(infra),
  maker: d(maker),
  liquidity: d(liquidity),
});

test('referral discount, then volume discount, then the referrer reward, each floored', () => {
  // fees of 100 each; discount 2.4%/2.5%/2.6% → 2 each (floored); reward 2.1%/2.2%/2.3% of 98 → 2 each
  const r = applyTakerBenefits(
    { infrastructureFee: 100n, makerFee: 100n, liquidityFee: 100n },
    {
      referralDiscount: f('0.024', '0.025', '0.026'),
      volumeDiscount: NO_FACTORS,
      referralReward: f('0.021', '0.022', '0.023'),
      referrer: 'ref',
    },
  );
  assert.deepEqual(r.fees, { infrastructureFee: 96n, makerFee: 96n, liquidityFee: 96n });
  assert.deepEqual(r.referrerReward, { infrastructureFee: 2n, makerFee: 2n, liquidityFee: 2n });
  // volume discount applies to what the referral discount left: 10% of 98 = 9.8 → 9
  const v = applyTakerBenefits(
    { infrastructureFee: 100n, makerFee: 100n, liquidityFee: 100n },
    {
      referralDiscount: f('0.02', '0.02', '0.02'),
      volumeDiscount: f('0.1', '0.1', '0.1'),
      referralReward: NO_FACTORS,
      referrer: undefined,
    },
  );
  assert.deepEqual(v.volumeDiscount, { infrastructureFee: 9n, makerFee: 9n, liquidityFee: 9n });
  assert.deepEqual(v.fees, { infrastructureFee: 89n, makerFee: 89n, liquidityFee: 89n });
});

test('a discount or a reward below one unit is none (0029-FEES-029/030)', () => {
  const r = applyTakerBenefits(
    { infrastructureFee: 10n, makerFee: 10n, liquidityFee: 10n },
    {
      referralDiscount: f('0.09', '0.09', '0.09'),
      volumeDiscount: NO_FACTORS,
      referralReward: f('0.05', '0.05', '0.05'),
      referrer: 'ref',
    },
  );
  assert.deepEqual(r.fees, { infrastructureFee: 10n, makerFee: 10n, liquidityFee: 10n });
});

test('high-volume maker rebate: floor(rate × value), capped at treasury + buy-back, taken pro rata', () => {
  // trade value 50000, treasury and buy-back 0.001 each (50 + 50): a 0.001 rebate is 50 and halves both
  const a = applyMakerRebate(d('50000'), d('0.001'), d('0.001'), d('0.001'), 50n, 50n);
  assert.deepEqual(a, { highVolumeMakerFee: 50n, treasuryFee: 25n, buyBackFee: 25n });
  // a 0.003 rebate is capped at 0.002: 100, nothing left for the network (0095-HVMR-029)
  const b = applyMakerRebate(d('50000'), d('0.003'), d('0.001'), d('0.001'), 50n, 50n);
  assert.deepEqual(b, { highVolumeMakerFee: 100n, treasuryFee: 0n, buyBackFee: 0n });
  // no treasury nor buy-back factor: no rebate
  const c = applyMakerRebate(d('50000'), d('0.003'), d('0'), d('0'), 0n, 0n);
  assert.equal(c.highVolumeMakerFee, 0n);
});

function programmes(): Programmes {
  const p = new Programmes();
  p.setParameter('referralProgram.maxReferralRewardProportion', '0.1');
  p.referral.setProgram({
    endOfProgram: 0n,
    windowLength: 7,
    benefitTiers: [
      {
        minRunningVolume: d('2000'),
        minEpochs: 2,
        reward: f('0.021', '0.022', '0.023'),
        discount: f('0.024', '0.025', '0.026'),
      },
      {
        minRunningVolume: d('3000'),
        minEpochs: 3,
        reward: f('0.21', '0.22', '0.23'),
        discount: f('0.24', '0.25', '0.26'),
      },
    ],
    stakingTiers: [
      { minStaked: 2000n, multiplier: d('2') },
      { minStaked: 3000n, multiplier: d('10') },
    ],
  });
  p.onEpochStart(1);
  return p;
}

test('referral: running volume of the whole set; reward tier by volume, discount tier by volume and epochs', () => {
  const p = programmes();
  p.referral.createSet('referrer', 'code', 1, 0n);
  p.referral.applyCode('referee', 'code', 1);
  // the referee takes 20 (quantum) and 1000, the referrer takes 1000, a maker volume counts for nobody
  p.onTrade({ buyer: 'aux', seller: 'referee', aggressor: 'seller', quantumNotional: d('1000') });
  p.onTrade({ buyer: 'referrer', seller: 'aux', aggressor: 'buyer', quantumNotional: d('1000') });
  p.onTrade({ buyer: 'referee', seller: 'aux', aggressor: 'seller', quantumNotional: d('5000') });
  p.onEpochEnd(1, 0n, new Map());
  const s1 = p.referral.setStats('code', 1)!;
  assert.equal(s1.runningVolume.toString(), '2000');
  // 1 epoch in the set: the reward tier 1, no discount yet
  assert.equal(s1.referees[0]!.reward.maker.toString(), '0.022');
  assert.equal(s1.referees[0]!.discount.maker.toString(), '0');
  p.onTrade({ buyer: 'aux', seller: 'referee', aggressor: 'seller', quantumNotional: d('1000') });
  p.onEpochEnd(2, 0n, new Map());
  const s2 = p.referral.setStats('code', 2)!;
  assert.equal(s2.runningVolume.toString(), '3000');
  assert.equal(s2.referees[0]!.reward.maker.toString(), '0.22');
  assert.equal(s2.referees[0]!.discount.maker.toString(), '0.025');
  // the reward factor in force is capped at maxReferralRewardProportion (0.1)
  const b = p.takerBenefits('referee');
  assert.equal(b.referrer, 'referrer');
  assert.equal(b.referralReward.maker.toString(), '0.1');
});

test('referral: the staking multiplier scales the reward factors; the per-epoch cap limits each party', () => {
  const p = programmes();
  p.setParameter('referralProgram.maxPartyNotionalVolumeByQuantumPerEpoch', '1500');
  p.referral.createSet('referrer', 'code', 1, 0n);
  p.referral.applyCode('referee', 'code', 1);
  p.stake('referrer', 2001n);
  p.onTrade({ buyer: 'aux', seller: 'referee', aggressor: 'seller', quantumNotional: d('10000') });
  p.onTrade({ buyer: 'aux', seller: 'referrer', aggressor: 'seller', quantumNotional: d('1000') });
  p.onEpochEnd(1, 0n, new Map());
  assert.equal(p.referral.setStats('code', 1)!.runningVolume.toString(), '2500');
  assert.equal(p.takerBenefits('referee').referralReward.infrastructure.toString(), '0.042');
  assert.throws(() => p.referral.applyCode('referrer', 'code', 1), /referrer/);
  // a set created under an existing id replaces it (Vega's set ids are deterministic): x is now a referrer
  p.referral.createSet('x', 'code', 1, 0n);
  assert.throws(() => p.referral.createSet('x', 'other', 1, 0n), /already a referrer/);
});

test('volume discount and rebate programmes start at the next epoch and fix factors for an epoch', () => {
  const p = new Programmes();
  p.volumeRebate.setProgram({
    endOfProgram: 0n,
    windowLength: 1,
    tiers: [
      { minFraction: d('0.0001'), rebate: d('0.001') },
      { minFraction: d('0.5000000001'), rebate: d('0.01') },
    ],
  });
  p.volumeDiscount.setProgram({
    endOfProgram: 0n,
    windowLength: 2,
    tiers: [{ minRunningVolume: d('100'), discount: f('0.1', '0.2', '0.3') }],
  });
  p.onTrade({ buyer: 'm1', seller: 't', aggressor: 'seller', quantumNotional: d('50000') });
  p.onEpochEnd(1, 0n, new Map());
  // not active yet in epoch 1
  assert.equal(p.makerRebate('m1').toString(), '0');
  p.onEpochStart(1);
  p.onTrade({ buyer: 'm1', seller: 't', aggressor: 'seller', quantumNotional: d('50000') });
  p.onTrade({ buyer: 'm2', seller: 't', aggressor: 'seller', quantumNotional: d('50100') });
  assert.equal(p.makerRebate('m2').toString(), '0');
  p.onEpochEnd(2, 0n, new Map());
  p.onEpochStart(1);
  assert.equal(p.makerRebate('m1').toString(), '0.001');
  assert.equal(p.makerRebate('m2').toString(), '0.01');
  assert.equal(p.takerBenefits('t').volumeDiscount.liquidity.toString(), '0.3');
  assert.equal(p.takerBenefits('m1').volumeDiscount.liquidity.toString(), '0');
});

test('activity streaks: active on trade or open volume strictly above the minimum; reset at the inactivity limit', () => {
  const p = new Programmes();
  p.setParameter('rewards.activityStreak.minQuantumTradeVolume', '10000');
  p.setParameter('rewards.activityStreak.minQuantumOpenVolume', '10000');
  p.setParameter('rewards.activityStreak.inactivityLimit', '2');
  p.setParameter(
    'rewards.activityStreak.benefitTiers',
    '{"tiers": [{"minimum_activity_streak": 1, "reward_multiplier": "2", "vesting_multiplier": "3"}]}',
  );
  p.onTrade({ buyer: 'a', seller: 'b', aggressor: undefined, quantumNotional: d('10000') });
  p.onEpochEnd(1, 0n, new Map([['b', d('10001')]]));
  assert.equal(p.streaks.streakAt(1, 'a')!.activeFor, 0);
  assert.equal(p.streaks.streakAt(1, 'a')!.inactiveFor, 1);
  const b1 = p.streaks.streakAt(1, 'b')!;
  assert.deepEqual(
    [b1.activeFor, b1.inactiveFor, b1.rewardMultiplier.toString(), b1.vestingMultiplier.toString()],
    [1, 0, '2', '3'],
  );
  p.onEpochEnd(2, 0n, new Map());
  assert.equal(p.streaks.streakAt(2, 'b')!.activeFor, 1);
  p.onEpochEnd(3, 0n, new Map());
  assert.deepEqual([p.streaks.streakAt(3, 'b')!.activeFor, p.streaks.streakAt(3, 'b')!.inactiveFor], [0, 2]);
  assert.throws(
    () =>
      p.setParameter(
        'rewards.activityStreak.benefitTiers',
        '{"tiers": [{"minimum_activity_streak": 1, "reward_multiplier": "0.5", "vesting_multiplier": "1"}]}',
      ),
    /at least 1/,
  );
  assert.equal(p.setParameter('no.such.parameter', '1'), false);
});

test('nothing configured: no part in the state hash; staking and a validator add one', () => {
  const p = new Programmes();
  p.onTrade({ buyer: 'a', seller: 'b', aggressor: 'buyer', quantumNotional: d('10') });
  p.onEpochEnd(1, 0n, new Map());
  assert.deepEqual(p.hashParts(), []);
  p.addValidator('node1', 'pk1', 1000n);
  assert.equal(p.stakedOf('pk1'), 1000n);
  p.stake('a', 100n);
  assert.throws(() => p.delegation.delegate('a', 'node2', 10n), /invalid node ID/);
  assert.throws(() => p.delegation.delegate('a', 'node1', 101n), /insufficient balance for delegation/);
  p.delegation.delegate('a', 'node1', 100n);
  assert.equal(p.delegation.delegationAt('a', 'node1', 1), 100n);
  assert.throws(() => p.unstake('a', 101n), /only 100 staked/);
  assert.notDeepEqual(p.hashParts(), []);
});

test('delegation (0059-STKG): next epoch, undelegate at epoch end or now, retrospective reconciliation', () => {
  const g = new DelegationEngine();
  g.minAmount = 10n;
  g.addValidator('node1', 'node1', 1000n);
  g.addValidator('node2', 'node2', 1000n);
  g.onEpochStart(1);
  g.stake('p', 10000n);
  assert.throws(() => g.delegate('p', 'node1', 9n), /lower than the minimum/);
  g.delegate('p', 'node1', 5000n);
  assert.throws(() => g.delegate('p', 'node2', 6000n), /insufficient balance for delegation/);
  assert.equal(g.delegationAt('p', 'node1', 1), 0n);
  assert.equal(g.delegationAt('p', 'node1', 2), 5000n);
  g.onEpochEnd();
  g.onEpochStart(2);
  assert.equal(g.delegationAt('p', 'node1', 2), 5000n);
  // at epoch end: only the next epoch changes; now: the running epoch as well
  g.undelegate('p', 'node1', 1000n, 'endOfEpoch');
  assert.throws(() => g.undelegate('p', 'node1', 4001n, 'endOfEpoch'), /incorrect token amount/);
  g.undelegate('p', 'node1', 500n, 'now');
  assert.deepEqual([g.delegationAt('p', 'node1', 2), g.delegationAt('p', 'node1', 3)], [4500n, 3500n]);
  // withdrawing to 1000 leaves both epochs cut to 1000 at the epoch end (the ending one retrospectively)
  g.unstake('p', 9000n);
  assert.equal(g.delegationAt('p', 'node1', 2), 4500n);
  g.onEpochEnd();
  g.onEpochStart(3);
  assert.deepEqual([g.delegationAt('p', 'node1', 2), g.delegationAt('p', 'node1', 3)], [1000n, 1000n]);
  // undelegating everything now (amount 0) clears the pending increase and the running nomination
  assert.throws(() => g.delegate('p', 'node2', 10n), /insufficient/);
  g.undelegate('p', 'node1', 0n, 'now');
  assert.deepEqual([g.delegationAt('p', 'node1', 3), g.delegationAt('p', 'node1', 4)], [0n, 0n]);
  g.delegate('p', 'node2', 1000n);
  assert.equal(g.delegationAt('p', 'node2', 4), 1000n);
});
