// Validator scores and staking rewards (0061-REWP, 0069-VCBS) and the delegation engine's reconciliation and
// auto-delegation (0059-STKG), with the expected values computed by hand in the comments from the specs' formulas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { DelegationEngine } from '../../../src/core/programmes/delegation.ts';
import { rawValidatorScore, StakingRewards } from '../../../src/core/programmes/validators.ts';
import { Programmes } from '../../../src/core/programmes/programmes.ts';

const d = (s: string) => Decimal.parse(s);
const S = 1_000_000_000n;

function rewards(pool: bigint) {
  const paid: [string, bigint][] = [];
  const r = new StakingRewards({
    poolBalance: () => pool,
    pay: (party, _asset, amount) => paid.push([party, amount]),
  });
  for (const [k, v] of [
    ['reward.asset', 'VEGA'],
    ['reward.staking.delegation.delegatorShare', '0.5'],
    ['reward.staking.delegation.minimumValidatorStake', '100'],
    ['reward.staking.delegation.competitionLevel', '1.1'],
    ['reward.staking.delegation.minValidators', '5'],
    ['reward.staking.delegation.optimalStakeMultiplier', '2'],
  ] as const)
    assert.equal(r.setParameter(k, v), true);
  return { r, paid };
}

// three validators: v1 1000 own + 500 from d, v2 1000 own, v3 50 own (below the minimum own stake of 100)
const stakes = [
  { id: 'v1', key: 'k1', selfStake: 1000n, delegators: new Map([['d', 500n]]) },
  { id: 'v2', key: 'k2', selfStake: 1000n, delegators: new Map<string, bigint>() },
  { id: 'v3', key: 'k3', selfStake: 50n, delegators: new Map<string, bigint>() },
];

test('raw validator score: linear up to the optimal stake, flat up to the multiplier, then down', () => {
  // total 2550, a = max(5, 3 / 1.1) = 5, optStake = 510
  const p = { competitionLevel: d('1.1'), minValidators: 5, optimalStakeMultiplier: d('2') };
  // 1500: (1500 − 990 − 480) / 2550 = 30 / 2550
  assert.equal(rawValidatorScore(1500n, 2550n, 3, p).toFixedRounded(10), d('30').div(d('2550')).toFixedRounded(10));
  // 1000: (1000 − 490 − 0) / 2550 = 0.2
  assert.equal(rawValidatorScore(1000n, 2550n, 3, p).toString(), '0.2');
  // below the optimal stake: stake / total
  assert.equal(rawValidatorScore(51n, 2550n, 3, p).toString(), '0.02');
  assert.equal(rawValidatorScore(0n, 2550n, 3, p).toString(), '0');
  // far above: clamped at 0
  assert.equal(rawValidatorScore(2500n, 2550n, 3, p).toString(), '0');
});

test('staking rewards: normalised scores, the delegators share, floors, the minimum own stake', () => {
  const { r, paid } = rewards(10_000n);
  r.onEpochEnd(1, stakes);
  const s = r.scoresOf(1)!;
  // v3 is below the minimum own stake: score 0; normalised v1 = 30 / 540, v2 = 510 / 540
  assert.deepEqual(
    s.map((x) => [x.id, x.validatorScore.toFixedRounded(5), x.normalisedScore.toFixedRounded(5)]),
    [
      ['v1', '0.01176', '0.05556'],
      ['v2', '0.20000', '0.94444'],
      ['v3', '0.00000', '0.00000'],
    ],
  );
  // v1's amount 10000 × 30/540 = 555.55…: d gets 555.55 × 0.5 × 500/1500 = 92.59 → 92, v1 keeps 555.55 × (1 −
  // 0.5 × 500/1500) = 462.96 → 462; v2 keeps 10000 × 510/540 = 9444.44 → 9444
  assert.deepEqual(
    new Map(paid),
    new Map([
      ['d', 92n],
      ['k1', 462n],
      ['k2', 9444n],
    ]),
  );
  assert.equal(r.rewardPaid(1, 'k2', 'VEGA'), 9444n);
  assert.equal(r.rewardPaid(1, 'k3', 'VEGA'), 0n);
});

test('staking rewards: the per-participant cap, and nothing without a reward asset or a pool', () => {
  const { r, paid } = rewards(10_000n);
  r.setParameter('reward.staking.delegation.maxPayoutPerParticipant', '9000');
  r.onEpochEnd(1, stakes);
  assert.deepEqual(
    new Map(paid),
    new Map([
      ['d', 92n],
      ['k1', 462n],
      ['k2', 9000n],
    ]),
  );
  const empty = rewards(0n);
  empty.r.onEpochEnd(1, stakes);
  assert.deepEqual(empty.paid, []);
  assert.equal(empty.r.scoresOf(1)!.length, 3);
  assert.throws(() => r.setParameter('reward.staking.delegation.delegatorShare', '1.5'), /at most 1/);
  assert.throws(() => r.setParameter('reward.staking.delegation.competitionLevel', '0.5'), /at least 1/);
});

test('delegation: reconciled every 30 seconds, the excess taken proportionally and the remainder one by one', () => {
  const g = new DelegationEngine();
  g.addValidator('n1', 'n1', 0n);
  g.addValidator('n2', 'n2', 0n);
  g.addValidator('n3', 'n3', 0n);
  g.onEpochStart(1);
  g.onTime(0n);
  g.stake('p', 100n);
  g.delegate('p', 'n1', 50n);
  g.delegate('p', 'n2', 30n);
  g.delegate('p', 'n3', 20n);
  g.onEpochEnd(10n * S);
  g.onEpochStart(2);
  g.unstake('p', 51n);
  g.onTime(39n * S);
  assert.equal(g.delegationAt('p', 'n1', 2), 50n);
  // 30 s after the last reconciliation: 51 to take from 100: floor(50·51/100)=25, floor(30·51/100)=15,
  // floor(20·51/100)=10, then 1 more from n1: 24, 15, 10 (sum 49), for the running epoch and the next
  g.onTime(40n * S);
  assert.deepEqual(
    ['n1', 'n2', 'n3'].map((n) => [g.delegationAt('p', n, 2), g.delegationAt('p', n, 3)]),
    [
      [24n, 24n],
      [15n, 15n],
      [10n, 10n],
    ],
  );
});

test('auto-delegation: a party nominating ≥ 95% has new association spread, unless it changed or undelegated', () => {
  const g = new DelegationEngine();
  g.addValidator('n1', 'n1', 0n);
  g.addValidator('n2', 'n2', 0n);
  g.onEpochStart(1);
  g.stake('p', 1000n);
  g.delegate('p', 'n1', 600n);
  g.delegate('p', 'n2', 350n); // 95%
  g.onEpochEnd();
  g.onEpochStart(2);
  assert.equal(g.isAutoDelegating('p'), true);
  g.stake('p', 100n);
  g.onEpochEnd();
  g.onEpochStart(3);
  // 150 un-nominated: n1 600/950 × 150 = 94.7 → 94, n2 350/950 × 150 = 55.2 → 55
  assert.deepEqual([g.delegationAt('p', 'n1', 3), g.delegationAt('p', 'n2', 3)], [694n, 405n]);
  assert.deepEqual([g.delegationAt('p', 'n1', 4), g.delegationAt('p', 'n2', 4)], [694n, 405n]);
  // a manual delegation in the epoch: no auto-delegation at its end
  g.stake('p', 200n);
  g.delegate('p', 'n1', 10n);
  g.onEpochEnd();
  g.onEpochStart(4);
  assert.deepEqual([g.delegationAt('p', 'n1', 4), g.delegationAt('p', 'n2', 4)], [704n, 405n]);
  // an undelegation leaves the mode
  g.undelegate('p', 'n2', 5n, 'endOfEpoch');
  assert.equal(g.isAutoDelegating('p'), false);
  g.onEpochEnd();
  g.onEpochStart(5);
  assert.deepEqual([g.delegationAt('p', 'n1', 5), g.delegationAt('p', 'n2', 5)], [704n, 400n]);
});

test('programmes: staking rewards are paid from the global reward account into vesting at the epoch end', () => {
  const moves: string[] = [];
  let pool = 1000n;
  const p = new Programmes({
    quantum: () => Decimal.ONE,
    balance: (owner, kind) => (owner === '*' && kind === 'GLOBAL_REWARD' ? pool : 0n),
    accountBalance: () => undefined,
    move: (from, to, amount, type) => {
      pool -= amount;
      moves.push(`${from.kind}->${to.owner}/${to.kind} ${amount} ${type}`);
    },
  });
  for (const [k, v] of [
    ['reward.asset', 'VEGA'],
    ['reward.staking.delegation.delegatorShare', '0'],
    ['reward.staking.delegation.minimumValidatorStake', '1'],
    ['reward.staking.delegation.minValidators', '1'],
    ['reward.staking.delegation.optimalStakeMultiplier', '5'],
  ])
    assert.equal(p.setParameter(k!, v!), true);
  p.addValidator('n1', 'k1', 100n);
  p.addValidator('n2', 'k2', 100n);
  p.onEpochStart(1);
  p.delegation.delegate('k1', 'n1', 30n);
  p.delegation.delegate('k2', 'n2', 10n);
  p.onEpochEnd(1, 0n, new Map());
  p.onEpochStart(2);
  p.onEpochEnd(2, 0n, new Map());
  // a = max(1, 2/1) = 2, optStake = 20: n1 (30 − 10)/40 = 0.5, n2 10/40 = 0.25 → 2/3 and 1/3 of 1000
  assert.deepEqual(moves, [
    'GLOBAL_REWARD->k1/VESTING_REWARDS 666 REWARD_PAYOUT',
    'GLOBAL_REWARD->k2/VESTING_REWARDS 333 REWARD_PAYOUT',
  ]);
  assert.equal(p.staking.rewardPaid(2, 'k1', 'VEGA'), 666n);
});
