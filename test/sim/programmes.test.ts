// Programmes in the simulator (issue 16): a scenario sets a referral programme, volume discount and rebate tiers and
// reward transfers; the run enacts them on the engine; each agent's P&L split shows discounts, rebates, referral
// rewards and rewards as separate lines that still add up to its equity change; a volume discount tier cuts the
// taker's fees by exactly the tier's factor against the same run without programmes; bad programme fields are
// refused with their path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent, FeeBreakdown, Trade } from '../../src/core/index.ts';
import { runSimulation } from '../../src/sim/runner.ts';
import { DEFAULT_SCENARIO, loadScenarioFile, parseScenario, ScenarioError } from '../../src/sim/scenario.ts';

const base = loadScenarioFile(DEFAULT_SCENARIO);

function scenario(programmes: Record<string, unknown> | undefined, extra: Record<string, string> = {}) {
  return parseScenario(
    {
      durationSeconds: 3 * 3600,
      network: { 'market.auction.minimumDuration': '600s', 'validators.epoch.length': '1800s', ...extra },
      markets: [
        {
          proposal: 'link-usd-perp.proposal.json',
          openingAuctionSeconds: 600,
          price: { process: 'gbm', start: 20, volatility: 0.5 },
          oracle: { everySeconds: 60 },
        },
      ],
      agents: [
        { type: 'avellaneda-stoikov', name: 'mm', deposit: 500000, gamma: 0.5, orderSize: 50, model: 'finite' },
        { type: 'liquidity-provider', name: 'lp', deposit: 60000, commitment: 20000, fee: '0.0005' },
        { type: 'noise', count: 6, deposit: 50000, meanIntervalSeconds: 60, notionalMedian: 400, maxLeverage: 2 },
      ],
      ...(programmes ? { programmes } : {}),
    },
    undefined,
    base.baseDir,
  );
}

const sumOf = (f: FeeBreakdown) => f.infrastructureFee + f.makerFee + f.liquidityFee;

test('the programme lines of every P&L split add up to the equity change and match the transfers', () => {
  const paid = new Map<string, bigint>();
  const referrer = new Map<string, bigint>();
  const r = runSimulation(
    scenario(
      {
        referral: {
          windowEpochs: 1,
          tiers: [{ minVolume: 0, discount: 0.1, reward: 0.05 }],
          sets: [{ referrer: 'lp', referees: ['noise'] }],
        },
        volumeRebate: { tiers: [{ minFraction: 0.1, rebate: 0.0001 }] },
        funder: { deposit: 10000 },
        rewards: [{ metric: 'MAKER_FEES_RECEIVED', amount: 100, lockEpochs: 1 }],
      },
      { 'market.fee.factors.treasuryFee': '0.0002', 'rewards.vesting.baseRate': '0.5' },
    ),
    {
      onEvent: (e: EngineEvent) => {
        if (e.type !== 'ledger') return;
        const x = e.entry;
        if (x.type === 'REWARD_PAYOUT') paid.set(x.to.owner, (paid.get(x.to.owner) ?? 0n) + x.amount);
        if (x.type === 'FEE_REFERRER_REWARD_DISTRIBUTE')
          referrer.set(x.to.owner, (referrer.get(x.to.owner) ?? 0n) + x.amount);
      },
    },
  );
  assert.equal(r.summary.conservation.ok, true, r.summary.conservation.failure);
  const scale = 1e6; // USDT has 6 decimals
  let discounts = 0;
  for (const a of r.agents) {
    const p = a.pnl;
    assert.notEqual(p.rewards, undefined, `${a.party}: programme lines present`);
    const parts =
      p.spread +
      p.inventory +
      p.funding +
      p.fees +
      p.lpFees +
      p.penalties +
      p.discounts! +
      p.rebates! +
      p.referralRewards! +
      p.rewards!;
    assert.ok(Math.abs(p.total - parts) < 1e-4 * Math.max(1, a.volume), `${a.party}: ${p.total} vs ${parts}`);
    assert.ok(Math.abs(p.rewards! - Number(paid.get(a.party) ?? 0n) / scale) < 1e-9, `${a.party} rewards`);
    assert.ok(Math.abs(p.referralRewards! - Number(referrer.get(a.party) ?? 0n) / scale) < 1e-9);
    assert.ok(p.vested! <= p.rewards! + 1e-9);
    discounts += p.discounts!;
  }
  const mm = r.agents.find((a) => a.party === 'mm')!;
  const lp = r.agents.find((a) => a.party === 'lp')!;
  assert.ok(mm.pnl.rewards! > 0, 'the maker earned maker-fee rewards');
  assert.ok(mm.pnl.rebates! > 0, 'the maker earned the high-volume rebate');
  assert.ok(lp.pnl.referralRewards! > 0, 'the referrer earned referral rewards');
  assert.ok(discounts > 0, 'the referees got discounts');
});

test('a volume discount tier cuts each eligible taker fee by floor(fee × factor) against the run without it', () => {
  const collect = (out: { trade: Trade; epoch: number }[]) => {
    let epoch = -1;
    return (e: EngineEvent) => {
      if (e.type === 'epoch' && e.action === 'START') epoch = e.seq;
      if (e.type === 'trade') out.push({ trade: e.trade, epoch });
    };
  };
  const a: { trade: Trade; epoch: number }[] = [];
  const b: { trade: Trade; epoch: number }[] = [];
  runSimulation(scenario(undefined), { onEvent: collect(a) });
  runSimulation(scenario({ volumeDiscount: { windowEpochs: 1, tiers: [{ minVolume: 0, discount: 0.25 }] } }), {
    onEvent: collect(b),
  });
  assert.equal(b.length, a.length, 'same trades with and without the discount');
  // takers of each epoch in the run without programmes (the engine counts continuous-trading taker volume)
  const takers = new Map<number, Set<string>>();
  for (const { trade, epoch } of a)
    if (trade.aggressor && trade.type === 'DEFAULT') {
      const s = takers.get(epoch) ?? new Set<string>();
      s.add(trade.aggressor === 'buy' ? trade.buyer : trade.seller);
      takers.set(epoch, s);
    }
  let eligible = 0;
  let feesA = 0n;
  let feesB = 0n;
  a.forEach(({ trade: ta, epoch }, i) => {
    const tb = b[i]!.trade;
    assert.deepEqual(
      [tb.id, tb.price, tb.size, tb.buyer, tb.seller, tb.aggressor],
      [ta.id, ta.price, ta.size, ta.buyer, ta.seller, ta.aggressor],
      `trade ${i} differs`,
    );
    for (const [party, fa, fb] of [
      [ta.buyer, ta.buyerFee, tb.buyerFee],
      [ta.seller, ta.sellerFee, tb.sellerFee],
    ] as const) {
      // 0029-FEES: discount = floor(component × factor), per component; at an auction the maker fee is not cut
      const cut = epoch >= 1 && (takers.get(epoch - 1)?.has(party) ?? false);
      const less = (x: bigint) => (cut ? x - (x * 25n) / 100n : x);
      assert.equal(fb.infrastructureFee, less(fa.infrastructureFee), `trade ${ta.id} ${party} infrastructure`);
      assert.equal(fb.liquidityFee, less(fa.liquidityFee), `trade ${ta.id} ${party} liquidity`);
      assert.equal(fb.makerFee, ta.aggressor ? less(fa.makerFee) : fa.makerFee, `trade ${ta.id} ${party} maker`);
      if (cut && sumOf(fa) > 0n) {
        eligible++;
        feesA += sumOf(fa);
        feesB += sumOf(fb);
      }
    }
  });
  assert.ok(eligible > 20, `${eligible} discounted fees`);
  assert.ok(feesB < feesA, 'lower fees with the discount tier');
});

test('bad programme fields are refused with their path', () => {
  const bad = (p: Record<string, unknown>, re: RegExp) =>
    assert.throws(
      () => scenario(p),
      (e: unknown) => e instanceof ScenarioError && re.test(e.message),
    );
  bad(
    { volumeDiscount: { tiers: [{ minVolume: 10, discount: 1.5 }] } },
    /programmes\.volumeDiscount\.tiers\[0\]\.discount/,
  );
  bad(
    {
      volumeDiscount: {
        tiers: [
          { minVolume: 10, discount: 0.1 },
          { minVolume: 5, discount: 0.2 },
        ],
      },
    },
    /programmes\.volumeDiscount\.tiers: tiers: minVolume must increase/,
  );
  bad(
    { referral: { tiers: [{ discount: 0.1 }], sets: [{ referrer: 'nobody', referees: ['noise'] }] } },
    /programmes\.referral\.sets\[0\]\.referrer: "nobody" is not a party or agent/,
  );
  bad(
    { referral: { tiers: [{ discount: 0.1 }], sets: [{ referrer: 'noise', referees: ['mm'] }] } },
    /programmes\.referral\.sets\[0\]\.referrer: "noise" names 6 parties/,
  );
  bad({ rewards: [{ metric: 'MAKER_FEES_RECEIVED', amount: 10 }] }, /programmes\.funder: the reward transfers need/);
  bad({ rewards: [{ metric: 'VOLATILITY', amount: 10 }], funder: { deposit: 1 } }, /programmes\.rewards\[0\]\.metric/);
  bad(
    { volumeRebate: { tiers: [{ minFraction: 0.1, rebate: 0.1 }], extra: 1 } },
    /programmes\.volumeRebate: unknown field "extra"/,
  );
});

test('a reward transfer for a market the scenario does not have is refused at enactment, naming the field', () => {
  assert.throws(
    () =>
      runSimulation(
        scenario({
          funder: { deposit: 100 },
          rewards: [{ metric: 'LP_FEES_RECEIVED', amount: 10, markets: ['NOPE'] }],
        }),
      ),
    (e: unknown) =>
      e instanceof ScenarioError && /programmes\.rewards\[0\]\.markets\[0\]: "NOPE" is not a market/.test(e.message),
  );
});
