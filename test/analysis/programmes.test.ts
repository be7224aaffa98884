// What a party receives from incentive programmes at a given volume (src/analysis/programmes.ts), against numbers
// worked by hand from the specs (0029-FEES benefit order and flooring, 0083-RFPR, 0084-VDPR, 0095-HVMR cap,
// 0056-REWA pro rata), and the CLI's refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Decimal } from '../../src/core/index.ts';
import { analyseProgrammes, parseVolumes, ProgrammeAnalysisError } from '../../src/analysis/programmes.ts';
import { programmesSchema } from '../../src/sim/programmes.ts';

const d = (s: string) => Decimal.parse(s);
const fees = {
  makerFee: d('0.0002'),
  infrastructureFee: d('0.0005'),
  liquidityFee: d('0.001'),
  treasuryFee: d('0.0002'),
  buyBackFee: d('0.0001'),
};
const programmes = programmesSchema.parse({
  referral: { windowEpochs: 1, tiers: [{ minVolume: 0, discount: 0.05, reward: 0.1 }] },
  volumeDiscount: {
    windowEpochs: 2,
    tiers: [
      { minVolume: 50000, discount: 0.1 },
      { minVolume: 150000, discount: 0.25 },
    ],
  },
  volumeRebate: {
    tiers: [
      { minFraction: 0.25, rebate: 0.0001 },
      { minFraction: 0.5, rebate: 0.0005 },
    ],
  },
  rewards: [
    { metric: 'MAKER_FEES_RECEIVED', amount: 1000 },
    { metric: 'MAKER_FEES_PAID', amount: 300 },
    { metric: 'LP_FEES_RECEIVED', amount: 200 },
  ],
});
const USDT = 1_000_000n; // 6 decimals, quantum 1 USDT
const run = (volumes: string) =>
  analyseProgrammes({
    programmes,
    fees,
    assetDecimals: 6,
    quantum: Decimal.fromBigInt(USDT),
    volumes: parseVolumes(volumes),
  });

test('discounts, referrer cut, rebate and rewards at a volume that reaches the upper discount tier', () => {
  const a = run('taker=100000,maker=300000,market=1000000,lp-share=0.1');
  // running taker volume 2 × 100,000 = 200,000 ≥ 150,000: the 25% tier; the referral set's 100,000 ≥ 0: 5% / 10%
  assert.equal(a.volumeDiscountFactors.infrastructure, '0.25');
  assert.equal(a.referralDiscountFactors.maker, '0.05');
  // fees before: infra 50, maker 20, liquidity 100 = 170
  assert.equal(a.takerFeesBefore, 170n * USDT);
  // referral 5%: 2.5 + 1 + 5 = 8.5; volume 25% of the rest (47.5, 19, 95): 11.875 + 4.75 + 23.75 = 40.375
  assert.equal(a.referralDiscount, 8_500_000n);
  assert.equal(a.volumeDiscount, 40_375_000n);
  // referrer 10% of (35.625, 14.25, 71.25) = 12.1125; the taker pays 121.125 in all
  assert.equal(a.referrerReward, 12_112_500n);
  assert.equal(a.takerFeesAfter, 121_125_000n);
  // maker share 0.3: the 0.0001 rebate tier (under the 0.0003 treasury + buy-back cap): 300,000 × 0.0001 = 30
  assert.equal(a.makerFraction, '0.3');
  assert.equal(a.rebate, 30n * USDT);
  assert.equal(a.makerFeesReceived, 60n * USDT);
  // rewards pro rata: 0.3 × 1000, 0.1 × 300, 0.1 × 200
  assert.deepEqual(
    a.rewards.map((r) => r.reward),
    [300n * USDT, 30n * USDT, 20n * USDT],
  );
  assert.equal(a.total, 8_500_000n + 40_375_000n + 30n * USDT + 350n * USDT);
});

test('the lower tier, and the rebate capped at treasury + buy-back', () => {
  const a = run('taker=50000,maker=600000,market=1000000');
  // running 100,000: the 10% tier; fees before 85: referral 4.25, volume 10% of 80.75 = 8.075
  assert.equal(a.volumeDiscountFactors.liquidity, '0.1');
  assert.equal(a.referralDiscount, 4_250_000n);
  assert.equal(a.volumeDiscount, 8_075_000n);
  // share 0.6 reaches the 0.0005 tier, capped at 0.0003: 600,000 × 0.0003 = 180
  assert.equal(a.rebateFactor, '0.0005');
  assert.equal(a.rebate, 180n * USDT);
  // no volume: no tier
  const none = run('maker=0,market=1000');
  assert.equal(none.volumeDiscount, 0n);
  assert.equal(none.volumeDiscountFactors.maker, '0');
});

test('bad volumes are refused, naming the key', () => {
  assert.throws(() => parseVolumes('taker=1'), /market=… .* is required/);
  assert.throws(() => parseVolumes('taker=1,market=x'), ProgrammeAnalysisError);
  assert.throws(() => parseVolumes('speed=1,market=2'), /unknown key "speed"/);
  assert.throws(() => parseVolumes('lp-share=2,market=2'), /lp-share is at most 1/);
  assert.throws(() => run('taker=5,market=2'), /taker is more than the market volume/);
});

test('the analyze command prints the programmes section and refuses --programme without --volumes', () => {
  const cli = (args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'analyze', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const out = cli([
    'scenarios/link-usd-perp.proposal.json',
    '--programme',
    'scenarios/programme.example.yaml',
    '--volumes',
    'taker=50000,maker=400000,market=1000000,lp-share=0.25',
    '--json',
  ]);
  const j = JSON.parse(out) as { programmes: { rewards: { reward: string }[] } };
  // 0.4 × 1000 USDT and 0.25 × 500 USDT
  assert.deepEqual(
    j.programmes.rewards.map((r) => r.reward),
    ['400000000', '125000000'],
  );
  assert.throws(
    () => cli(['scenarios/link-usd-perp.proposal.json', '--programme', 'scenarios/programme.example.yaml']),
    (e: { stderr?: string }) => /--programme needs --volumes/.test(e.stderr ?? ''),
  );
});
