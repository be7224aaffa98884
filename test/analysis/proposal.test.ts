// Tests of the proposal analyser on the LINK/USD proposals of the VMP-14 forum thread (seed 002). Expected numbers
// come from test/analysis/independent.ts (expected shortfall by numerical integration, normal quantiles by
// bisection) and from the spec's formulas evaluated here by hand, never from the analyser's own output.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runAnalyze } from '../../src/cli/analyze.ts';
import { analyseProposal, type ProposalAnalysis } from '../../src/analysis/proposal.ts';
import { parseProposalLenient, ProposalValidationError } from '../../src/proposal/index.ts';
import { close, priceRange, riskFactorsByIntegration, trunc5 } from './independent.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scenario = (name: string) => `${root}scenarios/${name}.proposal.json`;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const read = (name: string): Json => JSON.parse(readFileSync(scenario(name), 'utf8'));
const analyse = (doc: Json, opts: Parameters<typeof analyseProposal>[2] = {}) =>
  analyseProposal('test', parseProposalLenient(doc), opts);
const codes = (a: ProposalAnalysis) => a.warnings.map((w) => w.code);
const warning = (a: ProposalAnalysis, code: string) => a.warnings.find((w) => w.code === code);
const CHANGES = 'terms.newMarket.changes';
const LAMBDA = 1e-6;

/** The last JSON of the thread with the risk model the thread says went to the vote (or the intended one). */
function withRiskModel(tau: number, sigma: number): Json {
  const j = read('link-usd-perp');
  j.terms.newMarket.changes.logNormal = { tau, riskAversionParameter: LAMBDA, params: { mu: 0, r: 0, sigma } };
  return j;
}

describe('leverage of the LINK/USD proposal put to the vote and the one intended', () => {
  test('tau 6.5e-7, sigma 1.5: roughly 167x, and the analyser warns', () => {
    const a = analyse(withRiskModel(6.5e-7, 1.5));
    const rf = riskFactorsByIntegration({ lambda: LAMBDA, tau: 6.5e-7, mu: 0, sigma: 1.5 });
    assert.ok(close(+a.riskFactors.long, rf.long, 1e-8), `${a.riskFactors.long} vs ${rf.long}`);
    assert.ok(close(+a.riskFactors.short, rf.short, 1e-7), `${a.riskFactors.short} vs ${rf.short}`);
    assert.ok(close(a.leverage.max.long, 1 / rf.long, 1e-8));
    assert.ok(close(a.leverage.max.short, 1 / rf.short, 1e-7));
    assert.ok(a.leverage.headline > 166.5 && a.leverage.headline < 168.5, `${a.leverage.headline}`);
    const w = warning(a, 'leverage-above-cap');
    assert.ok(w, 'warns about the leverage');
    assert.equal(w.severity, 'warning');
    assert.equal(w.path, `${CHANGES}.logNormal`);
    assert.match(w.message, /167\.6x/);
    // tau as a time: 6.5e-7 × 365.25 days = 20.5 s (the forum user computed 20.4984 s with 365 days)
    assert.equal(a.riskModel.kind, 'logNormal');
    if (a.riskModel.kind === 'logNormal') assert.ok(close(a.riskModel.tauSeconds, 6.5e-7 * 365.25 * 86400, 1e-12));
    assert.ok(codes(a).includes('tau-short'));
  });

  test('tau 6.5e-6, sigma 1.5: roughly 53x, no leverage warning', () => {
    const a = analyse(withRiskModel(6.5e-6, 1.5));
    const rf = riskFactorsByIntegration({ lambda: LAMBDA, tau: 6.5e-6, mu: 0, sigma: 1.5 });
    assert.ok(close(a.leverage.max.long, 1 / rf.long, 1e-8));
    assert.ok(close(a.leverage.max.short, 1 / rf.short, 1e-7));
    assert.ok(a.leverage.headline > 52.5 && a.leverage.headline < 54, `${a.leverage.headline}`);
    assert.ok(!codes(a).includes('leverage-above-cap'));
    assert.ok(!codes(a).includes('tau-short'), '205 s is not flagged');
  });

  test('initial and isolated leverage from the scaling factor and the linear slippage factor', () => {
    const a = analyse(withRiskModel(6.5e-6, 1.5));
    const rf = riskFactorsByIntegration({ lambda: LAMBDA, tau: 6.5e-6, mu: 0, sigma: 1.5 });
    // network default initial scaling factor 1.2 (market.margin.scalingFactors)
    assert.ok(close(a.leverage.initial.long, 1 / rf.long / 1.2, 1e-8));
    assert.ok(close(a.leverage.initial.short, 1 / rf.short / 1.2, 1e-7));
    assert.ok(close(a.leverage.isolated, 1 / (Math.max(rf.long, rf.short) + 0.001), 1e-7));
  });

  test('--target-leverage: the tau it reports gives the target, and a proposal off target is flagged', () => {
    const a = analyse(withRiskModel(6.5e-7, 1.5), { targetLeverage: 50 });
    const tau = a.leverage.target?.tau;
    assert.ok(tau !== undefined && tau !== null);
    const rf = riskFactorsByIntegration({ lambda: LAMBDA, tau, mu: 0, sigma: 1.5 });
    assert.ok(close(1 / Math.min(rf.long, rf.short), 50, 1e-4), `${1 / Math.min(rf.long, rf.short)}`);
    assert.ok(codes(a).includes('leverage-off-target'));
    assert.ok(!codes(analyse(withRiskModel(6.5e-6, 1.5), { targetLeverage: 50 })).includes('leverage-off-target'));
  });

  test('a proposal compared with markets of much lower leverage is flagged', () => {
    const run = runAnalyze([scenario('link-usd-perp-onchain'), scenario('link-usd-perp-intended')]);
    const [voted, intended] = run.analyses;
    assert.ok(codes(voted!).includes('leverage-vs-comparables'));
    assert.ok(codes(intended!).includes('leverage-vs-comparables'), 'symmetric: the other is far below');
    const same = runAnalyze([scenario('link-usd-perp-intended'), scenario('link-usd-perp-v2')]);
    assert.ok(
      same.analyses.every((a) => !codes(a).includes('leverage-vs-comparables')),
      '53x vs 44x is comparable',
    );
  });
});

describe('the three JSONs of the thread', () => {
  test('v1 (3 price decimals, 1 position decimal): the smallest order margin a reviewer computed by hand', () => {
    const a = analyse(read('link-usd-perp-v1'));
    assert.equal(a.price.value, '11', 'the LINK price of the thread, as the known oracle value');
    assert.equal(a.price.source, 'oracle');
    const rf = riskFactorsByIntegration({ lambda: LAMBDA, tau: 0.000009506426342, mu: 0, sigma: 1.5 });
    // the reviewer: "price x 1e-1 x RF = 11 x 0.1 x 0.02264"
    assert.ok(Math.abs(rf.long - 0.02264) < 5e-6);
    const order = a.margins.smallestOrder.order;
    assert.equal(a.margins.smallestOrder.size, '0.1');
    // the engine charges whole asset units (USDT has 6 decimals), rounded up; initial = floor(1.2 × maintenance)
    const mm = Math.ceil(11 * 0.1 * rf.long * 1e6);
    assert.equal(order.maintenance.long, String(mm / 1e6));
    assert.equal(order.initial.long, String(Math.floor(mm * 1.2) / 1e6));
    assert.ok(Math.abs(+order.maintenance.long - 11 * 0.1 * 0.02264) < 1e-4);
    // an open position of the same size adds the linear slippage factor 0.001
    const pos = Math.ceil(11 * 0.1 * (rf.long + 0.001) * 1e6);
    assert.equal(a.margins.smallestOrder.position.maintenance.long, String(pos / 1e6));
    // per contract: exact
    assert.ok(close(+a.margins.perContract.order.maintenance.long, 11 * rf.long, 1e-9));
    assert.ok(close(+a.margins.perContract.position.maintenance.short, 11 * (rf.short + 0.001), 1e-7));
    // too cheap: (rf + slippage) × 0.1 × 11 < 0.1 × quantum (1 USDT)
    assert.equal(a.margins.spamCheck.passes, false);
    const spam = warning(a, 'min-order-margin-small');
    assert.equal(spam?.path, `${CHANGES}.positionDecimalPlaces`);
    assert.equal(warning(a, 'price-decimals-fine')?.path, `${CHANGES}.decimalPlaces`);
    // r = 0.016 is carried by the model but has no effect; one price-monitoring trigger; enactment TBD; title
    assert.equal(warning(a, 'risk-model-r-unused')?.path, `${CHANGES}.logNormal.params.r`);
    assert.ok(codes(a).includes('single-price-trigger'));
    assert.equal(warning(a, 'enactment-tbd')?.path, `${CHANGES}.metadata[0]`);
    assert.equal(warning(a, 'title-convention')?.path, 'rationale.title');
    // v1 funding: interest 0 and clamps 0 → nothing to flag about them; funding every 30 minutes, oracle every 30 s
    assert.ok(!codes(a).some((c) => /interest|clamp/.test(c)));
    assert.equal(a.funding?.every, 1800);
    assert.equal(a.funding?.oracle.every, 30);
    assert.equal(a.funding?.rateAtZeroPremium, '0');
  });

  test('v3 (the last JSON): the trailing space of interestRate is reported with its path, and the rest is analysed', () => {
    const a = analyse(read('link-usd-perp-v3'));
    const w = warning(a, 'stray-whitespace');
    assert.ok(w, 'reported');
    assert.equal(w.severity, 'error');
    assert.equal(w.path, `${CHANGES}.instrument.perpetual.interestRate`);
    assert.match(w.message, /"0\.1095 "/);
    assert.equal(a.repairs.length, 1);
    assert.equal(a.funding?.interestRate, '0.1095');
    // decimals fixed after the reviewer's comment: position decimals 0 → the smallest order passes the spam check
    const rf = riskFactorsByIntegration({ lambda: LAMBDA, tau: 0.0001140771161, mu: 0, sigma: 1 });
    assert.equal(a.margins.smallestOrder.order.maintenance.long, String(Math.ceil(11 * rf.long * 1e6) / 1e6));
    assert.ok(a.margins.spamCheck.passes);
    assert.ok(!codes(a).includes('min-order-margin-small'));
    assert.ok(!codes(a).includes('single-price-trigger'), 'three triggers');
    // the console's figures for this risk model (vega-formulas.md §11): 19.405x / 18.445x
    assert.equal(Math.trunc(a.leverage.max.long * 1000) / 1000, 19.405);
    assert.equal(Math.trunc(a.leverage.max.short * 1000) / 1000, 18.445);
  });

  test('funding of the last JSON: 10.95% a year is 0.01% per 8-hour period, inside the ±0.05% clamps', () => {
    const a = analyse(read('link-usd-perp-v3'));
    const f = a.funding!;
    assert.equal(f.every, 28800);
    assert.equal(f.periodsPerYear, 1095);
    // interestRate × 8h / 365 days = 0.1095 × 28800 / 31536000 = 3153.6 / 31536000 = 0.0001 exactly
    assert.equal(f.interestPerPeriod, '0.0001');
    assert.ok(close(Number(f.rateAtZeroPremium), 0.0001, 1e-12));
    assert.ok(close(f.annualisedAtZeroPremium!, 0.1095, 1e-9));
    assert.equal(f.clampLowerBound, '-0.0005');
    assert.equal(f.clampUpperBound, '0.0005');
    assert.equal(f.largestPaymentPct, null, 'no funding-rate bounds');
    assert.ok(codes(a).includes('funding-unbounded'));
    assert.ok(!codes(a).some((c) => /interest-|clamp/.test(c)));
    // margin add-on at zero premium: 0.0001 × 11 × marginFundingFactor 0.9 per contract
    assert.ok(close(Number(f.marginAddOnPerContract), 0.0001 * 11 * 0.9, 1e-9));
  });

  test('price-monitoring bounds of the last JSON at 11 agree with the log-normal quantiles', () => {
    const a = analyse(read('link-usd-perp-v3'));
    assert.deepEqual(
      a.priceMonitoring.map((t) => [t.horizon, t.probability, t.auctionExtension]),
      [
        [3600, '0.9999999', 120],
        [14400, '0.9999999', 180],
        [43200, '0.9999999', 300],
      ],
    );
    for (const t of a.priceMonitoring) {
      const r = priceRange(11, t.horizon, 0.9999999, 0, 1);
      assert.ok(close(t.downPct, (r.min / 11 - 1) * 100, 1e-9), `${t.horizon}: ${t.downPct}`);
      assert.ok(close(t.upPct, (r.max / 11 - 1) * 100, 1e-9), `${t.horizon}: ${t.upPct}`);
      // in market precision (2 decimals), the minimum rounded up and the maximum down
      assert.equal(t.min, (Math.ceil(r.min * 100) / 100).toFixed(2));
      assert.equal(t.max, (Math.floor(r.max * 100) / 100).toFixed(2));
    }
  });

  test('target stake per contract of open interest: price × trunc5(max rf) × trunc5(scaling factor)', () => {
    const v3 = analyse(read('link-usd-perp-v3'));
    const rf = riskFactorsByIntegration({ lambda: LAMBDA, tau: 0.0001140771161, mu: 0, sigma: 1 });
    const expected = 11 * trunc5(Math.max(rf.long, rf.short)) * 0.05;
    assert.ok(close(+v3.liquidity.targetStake.perContractOfOpenInterest, expected, 1e-12));
    // v1 used a scaling factor of 1, 20 times v2's 0.05 (same risk model)
    const v1 = analyse(read('link-usd-perp-v1'));
    const v2 = analyse(read('link-usd-perp-v2'));
    assert.ok(
      close(
        +v1.liquidity.targetStake.perContractOfOpenInterest,
        20 * +v2.liquidity.targetStake.perContractOfOpenInterest,
        1e-12,
      ),
    );
  });

  test('the SLA in words names the parameters of the proposal', () => {
    const a = analyse(read('link-usd-perp-v3'));
    const text = a.liquidity.sla.description.join(' ');
    assert.match(text, /within 3% of the mid price/);
    assert.match(text, /at least 85% of each epoch/);
    assert.match(text, /from 50% \(slaCompetitionFactor\) at 85%/);
    assert.match(text, /penalties of the previous epoch \(performanceHysteresisEpochs 1\)/);
  });

  test('the scenario files are the JSONs of the forum thread', (t) => {
    const candidates = [
      `${root}../shared/seeds/002-link-usd-perpetual-market-proposal.txt`,
      '/work/shared/seeds/002-link-usd-perpetual-market-proposal.txt',
    ];
    const seed = candidates.find((p) => existsSync(p));
    if (!seed) {
      t.skip('seed 002 is not available next to the repository');
      return;
    }
    const jsons = jsonBlocks(readFileSync(seed, 'utf8'));
    assert.equal(jsons.length, 3);
    // as posted, but for the tick size that Vega v0.79 requires (added as "1", the tick the thread's markets assumed)
    const posted = (name: string) => {
      const j = read(name);
      assert.equal(j.terms.newMarket.changes.tickSize, '1', name);
      delete j.terms.newMarket.changes.tickSize;
      return j;
    };
    assert.deepEqual(posted('link-usd-perp-v1'), jsons[0]);
    assert.deepEqual(posted('link-usd-perp-v2'), jsons[1]);
    assert.deepEqual(posted('link-usd-perp-v3'), jsons[2]);
  });
});

describe('interest rate and clamps', () => {
  const perp = (f: (p: Json) => void) => {
    const j = read('link-usd-perp');
    f(j.terms.newMarket.changes.instrument.perpetual);
    return analyse(j);
  };
  test('an interest per period outside the clamp band', () => {
    // 1.0 a year = 1 × 28800 / 31536000 = 0.0913% per 8h period > 0.05%
    const a = perp((p) => (p.interestRate = '1'));
    const w = warning(a, 'interest-outside-clamps');
    assert.equal(w?.path, `${CHANGES}.instrument.perpetual.interestRate`);
    // with no premium the funding rate is the clamp, not the interest
    assert.equal(a.funding?.rateAtZeroPremium, '0.0005');
  });
  test('an interest rate with a [0, 0] clamp band has no effect', () => {
    const a = perp((p) => {
      p.clampLowerBound = '0';
      p.clampUpperBound = '0';
    });
    assert.ok(codes(a).includes('interest-without-clamps'));
    assert.equal(a.funding?.rateAtZeroPremium, '0');
  });
  test('clamps with a zero interest rate are unused; a band without 0 is flagged', () => {
    assert.ok(codes(perp((p) => (p.interestRate = '0'))).includes('clamps-unused'));
    const a = perp((p) => {
      p.clampLowerBound = '0.0001';
      p.clampUpperBound = '0.0005';
    });
    assert.equal(warning(a, 'clamp-band-excludes-zero')?.path, `${CHANGES}.instrument.perpetual.clampLowerBound`);
  });
  test('funding-rate bounds give the largest payment per period', () => {
    const a = perp((p) => {
      p.fundingRateLowerBound = '-0.001';
      p.fundingRateUpperBound = '0.002';
    });
    assert.equal(a.funding?.largestPaymentPct, 0.2);
    assert.ok(!codes(a).includes('funding-unbounded'));
  });
  test('an oracle read less often than funding is paid', () => {
    const j = read('link-usd-perp');
    j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementData.external.ethOracle.trigger.timeTrigger.every = 28800;
    assert.ok(codes(analyse(j)).includes('oracle-cadence'));
  });
});

describe('input forms, repairs and errors', () => {
  test('the terms and the bare changes give the same figures, with paths named from their root', () => {
    const j = read('link-usd-perp-v1');
    const full = analyse(j);
    const terms = analyse(j.terms);
    const changes = analyse(j.terms.newMarket.changes);
    assert.deepEqual(terms.leverage.max, full.leverage.max);
    assert.deepEqual(changes.margins, full.margins);
    assert.equal(warning(terms, 'risk-model-r-unused')?.path, 'newMarket.changes.logNormal.params.r');
    assert.equal(warning(changes, 'risk-model-r-unused')?.path, 'logNormal.params.r');
    assert.equal(warning(changes, 'title-convention'), undefined, 'no rationale to check');
  });

  test('a decimal given as a JSON number is reported as a wrong type and read as meant', () => {
    const j = read('link-usd-perp');
    j.terms.newMarket.changes.linearSlippageFactor = 0.001;
    j.terms.newMarket.changes.decimalPlaces = ' 2';
    const a = analyse(j);
    assert.deepEqual(
      a.warnings
        .filter((w) => w.severity === 'error')
        .map((w) => `${w.code} ${w.path}`)
        .sort(),
      [`stray-whitespace ${CHANGES}.decimalPlaces`, `wrong-type ${CHANGES}.linearSlippageFactor`],
    );
    assert.equal(a.leverage.linearSlippageFactor, '0.001');
    assert.equal(a.market.decimalPlaces, 2);
  });

  test('invalid values are errors naming the path, also when repairable ones are present', () => {
    const j = read('link-usd-perp-v3');
    j.terms.newMarket.changes.logNormal.tau = 'abc';
    try {
      analyse(j);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof ProposalValidationError);
      const paths = e.issues.map((i) => i.path);
      assert.ok(paths.includes(`${CHANGES}.logNormal.tau`));
      assert.ok(paths.includes(`${CHANGES}.instrument.perpetual.interestRate`));
      assert.match(e.message, /logNormal\.tau: must be a number, got string "abc"/);
    }
  });

  test('--price sets the price; a price finer than the asset decimals is refused', () => {
    const a = analyse(read('link-usd-perp'), { price: '20' });
    assert.equal(a.price.source, 'option');
    const rf = riskFactorsByIntegration({ lambda: LAMBDA, tau: 0.0001140771161, mu: 0, sigma: 1 });
    assert.equal(a.margins.smallestOrder.order.maintenance.short, String(Math.ceil(20 * rf.short * 1e6) / 1e6));
    assert.throws(
      () => analyse(read('link-usd-perp'), { price: '1.0000001' }),
      /more decimals than the settlement asset/,
    );
    assert.throws(() => analyse(read('link-usd-perp'), { price: '-3' }), /must be positive/);
  });

  test('an unknown oracle gives price 1 with a note', () => {
    const j = read('link-usd-perp');
    j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementData.external.ethOracle.address =
      '0x0000000000000000000000000000000000000001';
    const a = analyse(j);
    assert.equal(a.price.source, 'default');
    assert.equal(a.price.value, '1');
  });

  test('metadata enactment date against enactmentTimestamp', () => {
    const j = read('link-usd-perp-v2');
    j.terms.newMarket.changes.metadata[0] = 'enactment:2023-12-07T00:00:00Z';
    // enactmentTimestamp 1701821400 is 2023-12-06
    assert.ok(codes(analyse(j)).includes('enactment-mismatch'));
    j.terms.newMarket.changes.metadata[0] = 'enactment:2023-12-06T00:10:00Z';
    const a = analyse(j);
    assert.ok(!codes(a).includes('enactment-mismatch') && !codes(a).includes('enactment-tbd'));
  });
});

describe('comparison', () => {
  test('rows that differ are marked and the parameters as written are listed', () => {
    const run = runAnalyze([scenario('link-usd-perp-v2'), scenario('link-usd-perp-v3')]);
    const c = run.comparison!;
    const row = (label: string) => c.rows.find((r) => r.label === label)!;
    assert.equal(row('max leverage long / short').differs, true);
    assert.equal(row('schedule').differs, false);
    assert.equal(row('margin funding factor').differs, false);
    const params = new Map(c.parameters.map((p) => [p.path, p.values]));
    assert.deepEqual(params.get('instrument.perpetual.interestRate'), ['"0.1095"', '"0.1095 "']);
    assert.deepEqual(params.get('decimalPlaces'), ['"3"', '"2"']);
    assert.deepEqual(params.get('logNormal.params.r'), ['0.016', '0']);
    assert.ok(!params.has('linearSlippageFactor'));
  });
});

/** The top-level JSON objects of a text (lines that are exactly "{" up to the matching "}"). */
function jsonBlocks(text: string): Json[] {
  const lines = text.split('\n');
  const out: Json[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '{') continue;
    let depth = 0;
    let j = i;
    for (; j < lines.length; j++) {
      for (const ch of lines[j]!.replace(/"(?:[^"\\]|\\.)*"/g, '')) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
      if (depth === 0) break;
    }
    out.push(JSON.parse(lines.slice(i, j + 1).join('\n')));
    i = j;
  }
  return out;
}

describe('quadratic slippage (deprecated in Vega v0.79, set to 0)', () => {
  test('a quadraticSlippageFactor of 0.5 changes no margin: maintenance = price × (risk factor + linear slippage)', () => {
    const j = read('link-usd-perp');
    j.terms.newMarket.changes.quadraticSlippageFactor = '0.5';
    const a = analyse(j, { price: '11' });
    const rf = riskFactorsByIntegration({ lambda: LAMBDA, tau: 0.0001140771161, mu: 0, sigma: 1 });
    // one contract held as a position: the slippage term is the linear factor alone (exit price = mark)
    assert.ok(Math.abs(+a.margins.perContract.position.maintenance.long - 11 * (rf.long + 0.001)) < 2e-6);
    assert.ok(Math.abs(+a.margins.perContract.position.maintenance.short - 11 * (rf.short + 0.001)) < 2e-6);
    const w = a.warnings.find((x) => x.path === 'terms.newMarket.changes.quadraticSlippageFactor');
    assert.deepEqual(w && [w.code, w.severity], ['deprecated-field', 'warning']);
    assert.match(w!.message, /Vega v0\.79 ignores it/);
  });
});
