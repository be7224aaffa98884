// Tests of the liquidity-economics calculator: a small market worked through by hand from the spec's rules (target
// stake 0041-TSTK, marginal-cost fee 0042-LIQF, virtual stake growth, fee allocation, SLA fee penalty and bonus, margin
// of resting orders), the liquidity score against the log-normal probability of trading computed independently,
// agreement with the engine's own target stake and fee factor, the shipped example, the output files and input errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { Decimal, Exchange, NS, riskFactors } from '../../src/core/index.ts';
import { loadProposalFile } from '../../src/proposal/index.ts';
import {
  liquidityFeeFactor,
  liquidityScore,
  networkSettings,
  targetStake,
  type LiquidityReport,
} from '../../src/analysis/liquidity/model.ts';
import { LiquidityInputError } from '../../src/analysis/liquidity/inputs.ts';
import { runLiquidity, writeLiquidityFiles } from '../../src/cli/liquidity.ts';
import { close, normalCdf, riskFactorsByIntegration, trunc5 } from './independent.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PROPOSAL = `${root}scenarios/link-usd-perp.proposal.json`;
// the risk model of scenarios/link-usd-perp.proposal.json
const MODEL = { lambda: 1e-6, tau: 0.0001140771161, mu: 0, sigma: 1 };

function files(csv: string, commitments: object): { daily: string; commitments: string } {
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-liq-'));
  const daily = join(dir, 'daily.csv');
  const c = join(dir, 'commitments.json');
  writeFileSync(daily, csv);
  writeFileSync(c, JSON.stringify({ proposal: PROPOSAL, ...commitments }));
  return { daily, commitments: c };
}

const AT_BEST = [{ offset: '0', weight: '1' }];

describe('a small market worked by hand', () => {
  // market value window of 1 day so that the virtual stakes grow daily; lp-b joins on day 3
  const f = files(
    ['day,notional_volume,open_interest,price', '1,100000,10000,15', '2,120000,12000,15.5', '3,90000,11000,15.2'].join(
      '\n',
    ),
    {
      network: { marketValueWindowDays: 1 },
      commitments: [
        { day: 1, party: 'lp-a', amount: '1000', fee: '0.001', buy: AT_BEST, sell: AT_BEST },
        { day: 3, party: 'lp-b', amount: '1000', fee: '0.002', timeOnBook: '0.9', buy: AT_BEST, sell: AT_BEST },
      ],
    },
  );
  const r = runLiquidity(f.daily, f.commitments);
  const rf = riskFactorsByIntegration(MODEL);
  const rfMax = Math.max(rf.long, rf.short);

  test('target stake: price × open interest × trunc5(max risk factor) × trunc5(scaling factor 0.05)', () => {
    const expected = [15 * 10000, 15.5 * 12000, 15.2 * 11000].map((v) => v * trunc5(rfMax) * 0.05);
    r.days.forEach((d, i) =>
      assert.ok(close(+d.targetStake, expected[i]!, 1e-9), `${d.targetStake} vs ${expected[i]}`),
    );
    assert.deepEqual(
      r.days.map((d) => d.suppliedStake),
      ['1000', '1000', '2000'],
    );
  });

  test('fee factor: the cheapest bid covers the target (marginal cost); fees = volume × factor', () => {
    assert.deepEqual(
      r.days.map((d) => d.liquidityFeeFactor),
      ['0.001', '0.001', '0.001'],
    );
    assert.deepEqual(
      r.days.map((d) => d.liquidityFees),
      ['100', '120', '90'],
    );
  });

  test('virtual stakes grow with the average traded notional; a late provider gets a smaller share', () => {
    // end of day 1: first window, A = 100000, r = 0; end of day 2: A = (100000 + 120000)/2 = 110000, r = 0.1
    assert.equal(r.days[0]!.growth, '0');
    assert.equal(r.days[1]!.growth, '0.1');
    const [a, b] = r.days[2]!.providers;
    assert.equal(a!.virtualStake, '1100');
    assert.equal(b!.virtualStake, '1000');
    assert.ok(close(+a!.equityLikeShare, 1100 / 2100, 1e-15));
    // equal scores (all orders at the best price: probability 0.5 on both sides), so the fee shares are the ELS
    assert.equal(a!.score, b!.score);
    assert.equal(a!.score, '0.5');
    assert.ok(close(+a!.feeShare, 1100 / 2100, 1e-15));
  });

  test('allocation floors per provider; SLA penalty on lp-b (90% of the time) feeds the bonus of lp-a', () => {
    const fees = 90_000_000; // 90 USDT in base units
    const allocA = Math.floor((fees * 1100) / 2100);
    const allocB = Math.floor((fees * 1000) / 2100);
    const [a, b] = r.days[2]!.providers;
    assert.equal(a!.allocatedFees, String(allocA / 1e6));
    assert.equal(b!.allocatedFees, String(allocB / 1e6));
    assert.equal(r.days[2]!.carried, String((fees - allocA - allocB) / 1e6));
    // fee penalty (1 − (t − s)/(1 − s)) × c with t 0.9, s 0.85, c 0.5 = 1/3; lp-a on book all the time: 0
    assert.ok(close(+b!.feePenalty, 1 / 3, 1e-15));
    assert.equal(a!.feePenalty, '0');
    // net = trunc((1 − p) × allocation); exactly 2/3 here, while Vega's decimals carry 1/3 to 16 places, which may
    // truncate to one base unit less
    const netB = Math.trunc((2 / 3) * allocB);
    assert.ok(Math.abs(+b!.netFees * 1e6 - netB) <= 1, `${b!.netFees} vs ${netB / 1e6}`);
    // the withheld part goes back as a bonus, weighted by (1 − p) × allocation
    const pool = allocB - netB;
    const wA = allocA / (allocA + (2 / 3) * allocB);
    assert.ok(Math.abs(+a!.bonus * 1e6 - Math.floor(wA * pool)) <= 1);
    assert.ok(Math.abs(+b!.bonus * 1e6 - Math.floor((1 - wA) * pool)) <= 1);
    assert.equal(b!.bondPenalty, '0', 'above the minimum time fraction: no bond penalty');
  });

  test('margin of the obligation: orders worth the commitment on each side, valued at the price', () => {
    // lp-a on day 3: 1000 USDT of notional per side at 15.2 → ceil(1000 / 15.2) = 66 contracts (0 position decimals)
    const a = r.days[2]!.providers[0]!;
    assert.equal(a.buySize, '66');
    assert.equal(a.sellSize, '66');
    // resting orders only: max(66 × 15.2 × rf_long, 66 × 15.2 × rf_short), rounded up to asset units; initial × 1.2
    const mm = Math.ceil(66 * 15.2 * rfMax * 1e6);
    assert.equal(a.maintenanceMargin, String(mm / 1e6));
    assert.equal(a.initialMargin, String(Math.floor(mm * 1.2) / 1e6));
    assert.equal(a.capital, String((1000e6 + Math.floor(mm * 1.2)) / 1e6));
    assert.ok(close(a.annualisedReturn, (+a.income / +a.capital) * 365, 1e-12));
  });

  test('a provider below the minimum time fraction loses all its fees and part of its bond', () => {
    const g = files(['day,volume,oi,price', 'd1,100000,10000,15', 'd2,100000,10000,15'].join('\n'), {
      commitments: [
        { day: 'd1', party: 'lp-a', amount: '1000', fee: '0.001', buy: AT_BEST, sell: AT_BEST },
        { day: 'd1', party: 'lp-b', amount: '2000', fee: '0.001', timeOnBook: '0.5', buy: AT_BEST, sell: AT_BEST },
      ],
    });
    const rr = runLiquidity(g.daily, g.commitments);
    const b = rr.days[0]!.providers[1]!;
    assert.equal(b.feePenalty, '1');
    assert.equal(b.netFees, '0');
    // bond penalty min(max 0.05, slope 1 × (1 − 0.5/0.85)) = 0.05 of the commitment
    assert.equal(b.bondPenalty, '100');
    assert.equal(b.income, '-100');
    // the next day the commitment is the bond left: 1900
    assert.equal(rr.days[1]!.providers[1]!.commitment, '1900');
    // lp-a gets lp-b's allocation as bonus: all 100 USDT of fees (up to the rounding remainder)
    const a = rr.days[0]!.providers[0]!;
    assert.ok(Math.abs(+a.netFees + +a.bonus - 100) <= 1e-6);
  });
});

describe('rules', () => {
  test('marginal cost: the bid at which the cumulative commitment reaches the target, else the highest', () => {
    const lps = [
      { commitment: Decimal.parse('5000'), fee: Decimal.parse('0.003') },
      { commitment: Decimal.parse('1000'), fee: Decimal.parse('0.001') },
      { commitment: Decimal.parse('2000'), fee: Decimal.parse('0.002') },
    ];
    const fee = (target: string) =>
      liquidityFeeFactor('MARGINAL_COST', lps, Decimal.parse(target), undefined).toString();
    assert.equal(fee('1000'), '0.001');
    assert.equal(fee('1000.01'), '0.002');
    assert.equal(fee('3000'), '0.002');
    assert.equal(fee('3001'), '0.003');
    assert.equal(fee('99999'), '0.003');
    // weighted average: (5000·0.003 + 1000·0.001 + 2000·0.002) / 8000
    assert.equal(liquidityFeeFactor('WEIGHTED_AVERAGE', lps, Decimal.ZERO, undefined).toString(), '0.0025');
    assert.equal(liquidityFeeFactor('MARGINAL_COST', [], Decimal.ONE, undefined).toString(), '0');
  });

  test('liquidity score: 0.5 × the log-normal probability of trading away from the best price', () => {
    const cfg = loadProposalFile(PROPOSAL).config;
    const net = networkSettings({});
    const P = 15;
    const o = 0.002;
    const shape = [{ offset: Decimal.parse(String(o)), weight: Decimal.ONE }];
    // price after tau: ln S ~ N(ln P − σ²τ/2, σ²τ); bids truncated to [0, P], asks to [P, 6P]
    const s = MODEL.sigma * Math.sqrt(MODEL.tau);
    const m = Math.log(P) - 0.5 * MODEL.sigma ** 2 * MODEL.tau;
    const F = (x: number) => normalCdf((Math.log(x) - m) / s);
    const bid = F(P * (1 - o)) / F(P);
    const ask = (F(6 * P) - F(P * (1 + o))) / (F(6 * P) - F(P));
    const expected = 0.5 * Math.min(bid, ask);
    const got = liquidityScore({ buy: shape, sell: shape }, Decimal.fromInt(P), cfg, net, undefined);
    assert.ok(close(+got, expected, 1e-8), `${got} vs ${expected}`);
    // orders beyond the SLA price range (3%) do not count: a side with only such orders scores 0
    const far = [{ offset: Decimal.parse('0.05'), weight: Decimal.ONE }];
    assert.equal(liquidityScore({ buy: far, sell: shape }, Decimal.fromInt(P), cfg, net, undefined).toString(), '0');
  });

  test('target stake and fee factor agree with the engine', () => {
    const p = loadProposalFile(PROPOSAL);
    const ex = new Exchange({ now: 1_704_067_200n * NS });
    ex.registerAsset({ id: p.asset.id, decimals: p.asset.decimals, quantum: p.asset.quantum });
    const market = ex.createMarket(p.config);
    const id = p.config.id;
    for (const who of ['a', 'b', 'lp1', 'lp2', 'lp3']) assert.deepEqual(ex.deposit(who, p.asset.id, 10n ** 12n), {});
    const bids = [
      ['lp1', 7500n, '0.0002'],
      ['lp2', 15000n, '0.0005'],
      ['lp3', 25000n, '0.001'],
    ] as const;
    for (const [party, amount, fee] of bids) {
      assert.deepEqual(ex.submitLiquidityProvision(party, party, id, amount * 10n ** 6n, Decimal.parse(fee)), {});
    }
    const order = (party: string, side: 'buy' | 'sell', size: number, price: number) =>
      assert.equal(
        ex.submitOrder({ marketId: id, party, side, size, price, type: 'LIMIT', tif: 'GTC' }).error,
        undefined,
      );
    order('a', 'buy', 300_000, 1460);
    order('b', 'sell', 300_000, 1460);
    order('a', 'buy', 1, 1400);
    order('b', 'sell', 1, 1500);
    ex.endBlock();
    ex.advanceTo(ex.now() + 1801n * NS);
    ex.endBlock();
    ex.advanceTo(ex.now() + NS);
    ex.endBlock();
    const md = market.marketData();
    assert.equal(md.tradingMode, 'CONTINUOUS');
    assert.equal(md.openInterest, 300_000);
    const rf = riskFactors(p.config.riskModel);
    const ours = targetStake(
      md.markPrice,
      Decimal.fromInt(md.openInterest),
      Decimal.max(rf.long, rf.short),
      p.config.targetStake.scalingFactor,
    );
    assert.equal(ours, md.targetStake);
    // by hand: 14.60 × 300000 × trunc5(rf_short) × 0.05, in USDT base units
    assert.ok(close(Number(ours), 14.6 * 300_000 * trunc5(riskFactorsByIntegration(MODEL).short) * 0.05 * 1e6, 1e-12));
    const fee = liquidityFeeFactor(
      'MARGINAL_COST',
      bids.map(([, amount, f]) => ({ commitment: Decimal.fromBigInt(amount), fee: Decimal.parse(f) })),
      Decimal.fromBigInt(ours).divBig(10n ** 6n),
      undefined,
    );
    assert.equal(fee.toString(), market.liquidityFee.toString());
  });
});

describe('the shipped example and the output files', () => {
  const daily = `${root}scenarios/liquidity/link-usd-daily.csv`;
  const commitments = `${root}scenarios/liquidity/link-usd-commitments.json`;
  const r: LiquidityReport = runLiquidity(daily, commitments);

  test('runs over every day with the providers of the example', () => {
    assert.equal(r.days.length, 28);
    assert.deepEqual(
      r.totals.map((t) => [t.party, t.days]),
      [
        ['lp-gamma', 21],
        ['lp-alpha', 28],
        ['lp-beta', 21],
      ],
    );
    // each day's fees are shared out: allocated + carried = fees + the previous day's carry
    let carry = 0;
    for (const d of r.days) {
      const allocated = d.providers.reduce((s, p) => s + Math.round(+p.allocatedFees * 1e6), 0);
      assert.equal(allocated + Math.round(+d.carried * 1e6), Math.round(+d.liquidityFees * 1e6) + carry, d.day);
      carry = Math.round(+d.carried * 1e6);
      const shares = d.providers.reduce((s, p) => s + +p.feeShare, 0);
      assert.ok(Math.abs(shares - 1) < 1e-12, `${d.day}: shares sum to ${shares}`);
    }
  });

  test('writes the day and provider CSVs, the JSON report and a self-contained HTML page', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-liq-out-'));
    const out = writeLiquidityFiles(r, dir);
    const days = parseCsv(readFileSync(out.days, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(days.length, 28);
    assert.equal(days[0]!.targetStake, r.days[0]!.targetStake);
    const providers = parseCsv(readFileSync(out.providers, 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(
      providers.length,
      r.days.reduce((s, d) => s + d.providers.length, 0),
    );
    assert.deepEqual(Object.keys(providers[0]!).slice(0, 3), ['day', 'party', 'commitment']);
    assert.deepEqual(JSON.parse(readFileSync(out.json, 'utf8')).totals, JSON.parse(JSON.stringify(r.totals)));
    const html = readFileSync(out.html, 'utf8');
    assert.match(html, /uPlot/, 'the chart library is inlined');
    assert.doesNotMatch(html, /<script[^>]+src=/, 'no external scripts');
    assert.doesNotMatch(html, /<link[^>]+href=/, 'no external stylesheets');
    for (const id of ['stake', 'fees', 'income', 'annualised', 'els', 'margin'])
      assert.match(html, new RegExp(`id="${id}"`));
    // the page's own script (the last one) is valid JavaScript
    const scripts = [...html.matchAll(/<script>(.*?)<\/script>/gs)].map((m) => m[1]!);
    assert.equal(scripts.length, 3, 'the library, the chart runtime and the page script');
    for (const s of scripts) assert.doesNotThrow(() => new Function(s));
    const data = JSON.parse(/<script id="data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!);
    assert.deepEqual(
      data.days,
      r.days.map((d) => d.day),
    );
    assert.deepEqual(
      data.income.map((s: { party: string }) => s.party),
      ['lp-gamma', 'lp-alpha', 'lp-beta'],
    );
  });
});

describe('input errors name the row and column or the JSON path', () => {
  const bad = (csv: string, commitments: object) => {
    const f = files(csv, commitments);
    try {
      runLiquidity(f.daily, f.commitments);
    } catch (e) {
      if (e instanceof LiquidityInputError) return e.issues.join('\n');
      throw e;
    }
    assert.fail('expected an input error');
  };
  const ok = { commitments: [{ day: 1, party: 'x', amount: '1', fee: '0.001', buy: AT_BEST, sell: AT_BEST }] };
  const csv = 'day,notional_volume,open_interest,price\n1,100,10,15\n';
  test('CSV', () => {
    assert.match(bad('day,volume,price\n1,100,15\n', ok), /missing column open_interest/);
    assert.match(bad('day,volume,oi,price\n1,abc,10,15\n', ok), /row 1, volume: "abc" is not a number/);
    assert.match(bad('day,volume,oi,price\n1,100,10,0\n', ok), /row 1, price: must be positive/);
    assert.match(bad('day,volume,oi,price\n1,100,10,15\n1,100,10,15\n', ok), /row 2, day: "1" appears twice/);
  });
  test('commitments', () => {
    assert.match(
      bad(csv, { commitments: [{ day: 1, party: 'x', amount: '-1', fee: '0.001', buy: AT_BEST, sell: AT_BEST }] }),
      /commitments\[0\]\.amount: must not be negative/,
    );
    assert.match(
      bad(csv, { commitments: [{ day: 7, party: 'x', amount: '1', fee: '0.001', buy: AT_BEST, sell: AT_BEST }] }),
      /commitments\[0\]\.day: "7" is not a day of the market data/,
    );
    assert.match(
      bad(csv, { commitments: [{ day: 1, party: 'x', amount: '1' }] }),
      /commitments\[0\]\.fee: is required/,
    );
    assert.match(
      bad(csv, {
        commitments: [
          { day: 1, party: 'x', amount: '1', fee: '0.001', buy: [{ offset: '1.5', weight: 1 }], sell: AT_BEST },
        ],
      }),
      /commitments\[0\]\.buy\[0\]\.offset: must be in \[0, 1\)/,
    );
    assert.match(bad(csv, { ...ok, colour: 'red' }), /colour: unknown field/);
  });
});
