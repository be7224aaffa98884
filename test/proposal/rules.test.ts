// Tests for src/proposal: a table of bad inputs gives errors that name the exact field path and the reason, and each
// Vega v0.79 proposal rule perpsim mirrors (commands/proposal_submission.go, core/governance/market.go) has a test.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ProposalValidationError, parseProposal, parseProposalText } from '../../src/proposal/index.ts';
import { CHANGES, issuesOf, read, scenario, type Json } from './helpers.ts';

const P = `${CHANGES}`;
const PERP = `${P}.instrument.perpetual`;
type Case = [name: string, mutate: (j: Json) => void, path: string, reason: RegExp];

const BAD: Case[] = [
  [
    'tau above 1',
    (j) => (j.terms.newMarket.changes.logNormal.tau = 2),
    `${P}.logNormal.tau`,
    /must be in \[1e-8, 1\], got 2/,
  ],
  ['tau zero', (j) => (j.terms.newMarket.changes.logNormal.tau = 0), `${P}.logNormal.tau`, /must be in \[1e-8, 1\]/],
  [
    'tau not a number',
    (j) => (j.terms.newMarket.changes.logNormal.tau = 'abc'),
    `${P}.logNormal.tau`,
    /must be a number/,
  ],
  [
    'risk aversion above 0.1',
    (j) => (j.terms.newMarket.changes.logNormal.riskAversionParameter = 0.5),
    `${P}.logNormal.riskAversionParameter`,
    /\[1e-8, 0\.1\]/,
  ],
  [
    'sigma zero',
    (j) => (j.terms.newMarket.changes.logNormal.params.sigma = 0),
    `${P}.logNormal.params.sigma`,
    /\[1e-3, 50\]/,
  ],
  [
    'mu too large',
    (j) => (j.terms.newMarket.changes.logNormal.params.mu = 0.01),
    `${P}.logNormal.params.mu`,
    /\[-1e-6, 1e-6\]/,
  ],
  ['r above 1', (j) => (j.terms.newMarket.changes.logNormal.params.r = 2), `${P}.logNormal.params.r`, /\[-1, 1\]/],
  [
    'misspelt field',
    (j) => (j.terms.newMarket.changes.logNormal.riskAversionParam = 1e-6),
    `${P}.logNormal.riskAversionParam`,
    /unknown field/,
  ],
  ['no risk model', (j) => delete j.terms.newMarket.changes.logNormal, `${P}.logNormal`, /a risk model is required/],
  [
    'two risk models',
    (j) => (j.terms.newMarket.changes.simple = { factorLong: 0.1, factorShort: 0.1 }),
    `${P}.simple`,
    /only one risk model/,
  ],
  [
    'trigger probability 0.9',
    (j) => (j.terms.newMarket.changes.priceMonitoringParameters.triggers[1].probability = '0.9'),
    `${P}.priceMonitoringParameters.triggers[1].probability`,
    /must be in \(0\.9, 1\), got 0\.9/,
  ],
  [
    'trigger probability 1',
    (j) => (j.terms.newMarket.changes.priceMonitoringParameters.triggers[0].probability = '1'),
    `${P}.priceMonitoringParameters.triggers[0].probability`,
    /\(0\.9, 1\)/,
  ],
  [
    'trigger horizon 0',
    (j) => (j.terms.newMarket.changes.priceMonitoringParameters.triggers[2].horizon = '0'),
    `${P}.priceMonitoringParameters.triggers[2].horizon`,
    /must be positive/,
  ],
  [
    'trigger horizon fractional',
    (j) => (j.terms.newMarket.changes.priceMonitoringParameters.triggers[2].horizon = 1.5),
    `${P}.priceMonitoringParameters.triggers[2].horizon`,
    /must be an integer/,
  ],
  [
    'trigger extension negative',
    (j) => (j.terms.newMarket.changes.priceMonitoringParameters.triggers[0].auctionExtension = '-5'),
    `${P}.priceMonitoringParameters.triggers[0].auctionExtension`,
    /must be positive/,
  ],
  [
    // core/governance/market.go validateNewMarketChange: ProposalErrorTooManyPriceMonitoringTriggers
    '101 triggers (Vega v0.79 allows 100)',
    (j) => {
      const t = j.terms.newMarket.changes.priceMonitoringParameters.triggers;
      while (t.length < 101) t.push(t[0]);
    },
    `${P}.priceMonitoringParameters.triggers`,
    /^101 price monitoring triggers set, maximum allowed is 100$/,
  ],
  [
    'negative linear slippage',
    (j) => (j.terms.newMarket.changes.linearSlippageFactor = '-0.1'),
    `${P}.linearSlippageFactor`,
    // core/governance/market.go validateSlippageFactor
    /^proposal slippage factor has incorrect value, expected value in \[0,1000000\], got -0\.1$/,
  ],
  [
    'linear slippage as a JSON number',
    (j) => (j.terms.newMarket.changes.linearSlippageFactor = 0.001),
    `${P}.linearSlippageFactor`,
    /decimal string/,
  ],
  [
    'quadratic slippage above 1e6',
    (j) => (j.terms.newMarket.changes.quadraticSlippageFactor = '2000000'),
    `${P}.quadraticSlippageFactor`,
    /expected value in \[0,1000000\], got 2000000/,
  ],
  [
    'decimals above the asset',
    (j) => (j.terms.newMarket.changes.decimalPlaces = '7'),
    `${P}.decimalPlaces`,
    /at most the settlement asset's decimals \(USDT: 6\), got 7 \+ 0/,
  ],
  [
    'position decimals push the sum above the asset',
    (j) => {
      j.terms.newMarket.changes.decimalPlaces = '5';
      j.terms.newMarket.changes.positionDecimalPlaces = '2';
    },
    `${P}.decimalPlaces`,
    /got 5 \+ 2/,
  ],
  [
    'position decimals out of range',
    (j) => (j.terms.newMarket.changes.positionDecimalPlaces = '-7'),
    `${P}.positionDecimalPlaces`,
    /must be in \[-6, 6\]/,
  ],
  [
    'decimals not an integer',
    (j) => (j.terms.newMarket.changes.decimalPlaces = 'two'),
    `${P}.decimalPlaces`,
    /is not an integer/,
  ],
  ['tick size zero', (j) => (j.terms.newMarket.changes.tickSize = '0'), `${P}.tickSize`, /must be positive/],
  [
    'tick size fractional',
    (j) => (j.terms.newMarket.changes.tickSize = '0.5'),
    `${P}.tickSize`,
    /not an unsigned integer/,
  ],
  [
    'margin funding factor above 1',
    (j) => (j.terms.newMarket.changes.instrument.perpetual.marginFundingFactor = '1.5'),
    `${PERP}.marginFundingFactor`,
    /must be in \[0, 1\]/,
  ],
  [
    'interest rate below -1',
    (j) => (j.terms.newMarket.changes.instrument.perpetual.interestRate = '-2'),
    `${PERP}.interestRate`,
    /must be in \[-1, 1\]/,
  ],
  [
    'interest rate missing',
    (j) => delete j.terms.newMarket.changes.instrument.perpetual.interestRate,
    `${PERP}.interestRate`,
    /is required/,
  ],
  [
    'clamp upper below lower',
    (j) => (j.terms.newMarket.changes.instrument.perpetual.clampUpperBound = '-0.001'),
    `${PERP}.clampUpperBound`,
    /at least clampLowerBound \(-0\.0005\)/,
  ],
  [
    'funding rate scaling factor zero',
    (j) => (j.terms.newMarket.changes.instrument.perpetual.fundingRateScalingFactor = '0'),
    `${PERP}.fundingRateScalingFactor`,
    /must be positive/,
  ],
  [
    'funding rate bounds inverted',
    (j) => {
      j.terms.newMarket.changes.instrument.perpetual.fundingRateLowerBound = '0.01';
      j.terms.newMarket.changes.instrument.perpetual.fundingRateUpperBound = '0.001';
    },
    `${PERP}.fundingRateLowerBound`,
    /must not be above fundingRateUpperBound/,
  ],
  [
    'funding every 0 seconds',
    (j) =>
      (j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementSchedule.internal.timeTrigger.triggers[0].every = 0),
    `${PERP}.dataSourceSpecForSettlementSchedule.internal.timeTrigger.triggers[0].every`,
    /must be positive/,
  ],
  [
    'funding initial 0',
    (j) =>
      (j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementSchedule.internal.timeTrigger.triggers[0].initial = 0),
    `${PERP}.dataSourceSpecForSettlementSchedule.internal.timeTrigger.triggers[0].initial`,
    /must be positive/,
  ],
  [
    'two funding triggers',
    (j) => {
      const t =
        j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementSchedule.internal.timeTrigger
          .triggers;
      t.push({ every: 60 });
    },
    `${PERP}.dataSourceSpecForSettlementSchedule.internal.timeTrigger.triggers`,
    /exactly one trigger/,
  ],
  [
    'schedule bound to another property',
    (j) => (j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecBinding.settlementScheduleProperty = 'my.cue'),
    `${PERP}.dataSourceSpecBinding.settlementScheduleProperty`,
    /must be "vegaprotocol\.builtin\.timetrigger"/,
  ],
  [
    'bad Ethereum address',
    (j) =>
      (j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementData.external.ethOracle.address =
        '0x123'),
    `${PERP}.dataSourceSpecForSettlementData.external.ethOracle.address`,
    /not a valid Ethereum address/,
  ],
  [
    'Ethereum oracle without normalisers',
    (j) =>
      (j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementData.external.ethOracle.normalisers =
        []),
    `${PERP}.dataSourceSpecForSettlementData.external.ethOracle.normalisers`,
    /at least one normaliser/,
  ],
  [
    'settlement data bound to an unknown property',
    (j) => (j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecBinding.settlementDataProperty = 'btc.price'),
    `${PERP}.dataSourceSpecBinding.settlementDataProperty`,
    /"btc\.price" matches no property of the data source \("link\.price"\)/,
  ],
  [
    'settlement data property of the wrong type',
    (j) =>
      (j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementData.external.ethOracle.filters[0].key.type =
        'TYPE_STRING'),
    `${PERP}.dataSourceSpecBinding.settlementDataProperty`,
    /TYPE_STRING.*expected TYPE_INTEGER or TYPE_DECIMAL/,
  ],
  [
    'filter condition operator unknown',
    (j) =>
      (j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementData.external.ethOracle.filters[0].conditions[0].operator =
        'OPERATOR_ABOUT'),
    `${PERP}.dataSourceSpecForSettlementData.external.ethOracle.filters[0].conditions[0].operator`,
    /must be one of OPERATOR_EQUALS/,
  ],
  [
    'settlement data from an internal source',
    (j) =>
      (j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementData = {
        internal: { time: { conditions: [{ operator: 'OPERATOR_GREATER_THAN', value: '0' }] } },
      }),
    `${PERP}.dataSourceSpecForSettlementData.internal`,
    /must be an external source/,
  ],
  [
    'data source with both internal and external',
    (j) => {
      const s = j.terms.newMarket.changes.instrument.perpetual.dataSourceSpecForSettlementData;
      s.internal = { time: { conditions: [{ operator: 'OPERATOR_GREATER_THAN', value: '0' }] } };
    },
    `${PERP}.dataSourceSpecForSettlementData`,
    /only one data source may be set/,
  ],
  [
    'unknown settlement asset',
    (j) => (j.terms.newMarket.changes.instrument.perpetual.settlementAsset = 'ab'),
    `${PERP}.settlementAsset`,
    /unknown asset "ab"/,
  ],
  [
    'no product',
    (j) => delete j.terms.newMarket.changes.instrument.perpetual,
    `${P}.instrument`,
    /a product is required/,
  ],
  [
    'instrument without a code',
    (j) => (j.terms.newMarket.changes.instrument.code = ''),
    `${P}.instrument.code`,
    /is required/,
  ],
  [
    'SLA price range zero',
    (j) => (j.terms.newMarket.changes.liquiditySlaParameters.priceRange = '0'),
    `${P}.liquiditySlaParameters.priceRange`,
    /must be in \(0, 20\]/,
  ],
  [
    'SLA min time fraction above 1',
    (j) => (j.terms.newMarket.changes.liquiditySlaParameters.commitmentMinTimeFraction = '1.1'),
    `${P}.liquiditySlaParameters.commitmentMinTimeFraction`,
    /\[0, 1\]/,
  ],
  [
    'SLA competition factor negative',
    (j) => (j.terms.newMarket.changes.liquiditySlaParameters.slaCompetitionFactor = '-0.1'),
    `${P}.liquiditySlaParameters.slaCompetitionFactor`,
    /\[0, 1\]/,
  ],
  [
    'SLA hysteresis epochs 400',
    (j) => (j.terms.newMarket.changes.liquiditySlaParameters.performanceHysteresisEpochs = '400'),
    `${P}.liquiditySlaParameters.performanceHysteresisEpochs`,
    /at most 366/,
  ],
  [
    'SLA parameters missing',
    (j) => delete j.terms.newMarket.changes.liquiditySlaParameters,
    `${P}.liquiditySlaParameters`,
    /is required/,
  ],
  [
    'target stake window 0',
    (j) => (j.terms.newMarket.changes.liquidityMonitoringParameters.targetStakeParameters.timeWindow = '0'),
    `${P}.liquidityMonitoringParameters.targetStakeParameters.timeWindow`,
    /must be positive/,
  ],
  [
    'target stake scaling 0',
    (j) => (j.terms.newMarket.changes.liquidityMonitoringParameters.targetStakeParameters.scalingFactor = 0),
    `${P}.liquidityMonitoringParameters.targetStakeParameters.scalingFactor`,
    /must be positive/,
  ],
  [
    'liquidation time step 0',
    (j) =>
      (j.terms.newMarket.changes.liquidationStrategy = {
        disposalTimeStep: '0',
        disposalFraction: '0.1',
        maxFractionConsumed: '0.05',
        disposalSlippageRange: '0.1',
      }),
    `${P}.liquidationStrategy.disposalTimeStep`,
    /must be in \[1, 3600\]/,
  ],
  [
    'liquidation disposal fraction 0',
    (j) =>
      (j.terms.newMarket.changes.liquidationStrategy = {
        disposalTimeStep: '10',
        disposalFraction: '0',
        maxFractionConsumed: '0.05',
        disposalSlippageRange: '0.1',
      }),
    `${P}.liquidationStrategy.disposalFraction`,
    /must be in \(0, 1\]/,
  ],
  [
    'constant liquidity fee without a constant',
    (j) => (j.terms.newMarket.changes.liquidityFeeSettings = { method: 'METHOD_CONSTANT' }),
    `${P}.liquidityFeeSettings.feeConstant`,
    /required when method is METHOD_CONSTANT/,
  ],
  [
    'unknown liquidity fee method',
    (j) => (j.terms.newMarket.changes.liquidityFeeSettings = { method: 'METHOD_FOO' }),
    `${P}.liquidityFeeSettings.method`,
    /must be one of METHOD_MARGINAL_COST/,
  ],
  [
    'last-trade mark price with a decay weight',
    (j) =>
      (j.terms.newMarket.changes.markPriceConfiguration = {
        compositePriceType: 'COMPOSITE_PRICE_TYPE_LAST_TRADE',
        decayWeight: '0.5',
      }),
    `${P}.markPriceConfiguration.decayWeight`,
    /must not be set for COMPOSITE_PRICE_TYPE_LAST_TRADE/,
  ],
  [
    'weighted mark price with a weight missing',
    (j) =>
      (j.terms.newMarket.changes.markPriceConfiguration = {
        compositePriceType: 'COMPOSITE_PRICE_TYPE_WEIGHTED',
        decayWeight: '0',
        decayPower: '1',
        cashAmount: '0',
        sourceWeights: ['1', '0'],
        sourceStalenessTolerance: ['1m', '1m', '1m'],
      }),
    `${P}.markPriceConfiguration.sourceWeights`,
    /must give a weight for each of the 3 price sources/,
  ],
  [
    'internal composite price with a decay power of 4',
    (j) =>
      (j.terms.newMarket.changes.instrument.perpetual.internalCompositePriceConfiguration = {
        compositePriceType: 'COMPOSITE_PRICE_TYPE_MEDIAN',
        decayWeight: '0',
        decayPower: '4',
        cashAmount: '0',
        sourceStalenessTolerance: ['1m', '1m', '1m'],
      }),
    `${P}.instrument.perpetual.internalCompositePriceConfiguration.decayPower`,
    /must be 1, 2 or 3/,
  ],
  [
    'interest rate as posted on the forum, with a trailing space',
    (j) => (j.terms.newMarket.changes.instrument.perpetual.interestRate = '0.1095 '),
    `${P}.instrument.perpetual.interestRate`,
    /is not a valid number: remove the surrounding whitespace/,
  ],
  [
    'margin funding factor above 1',
    (j) => (j.terms.newMarket.changes.instrument.perpetual.marginFundingFactor = '1.5'),
    `${P}.instrument.perpetual.marginFundingFactor`,
    /must be in \[0, 1\]/,
  ],
  [
    'metadata not an array',
    (j) => (j.terms.newMarket.changes.metadata = 'base:LINK'),
    `${P}.metadata`,
    /must be an array/,
  ],
  [
    'closing after enactment',
    (j) => {
      j.terms.closingTimestamp = 20;
      j.terms.enactmentTimestamp = 10;
    },
    'terms.closingTimestamp',
    /cannot be after enactmentTimestamp/,
  ],
  ['empty title', (j) => (j.rationale.title = '  '), 'rationale.title', /is required/],
  [
    'title over 100 characters',
    (j) => (j.rationale.title = 'x'.repeat(101)),
    'rationale.title',
    /at most 100 characters/,
  ],
  [
    'not a new-market proposal',
    (j) => {
      j.terms = { updateMarket: { marketId: 'm' }, closingTimestamp: 1, enactmentTimestamp: 2 };
    },
    'terms.newMarket',
    /reads new-market proposals \(this proposal is updateMarket\)/,
  ],
];

describe('bad inputs name the field path and the reason', () => {
  for (const [name, mutate, path, reason] of BAD) {
    test(name, () => {
      const j = read('link-usd-perp');
      mutate(j);
      const issues = issuesOf(() => parseProposal(j));
      const hit = issues.find((i) => i.path === path);
      assert.ok(hit, `no issue at ${path}; got:\n${issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
      assert.match(hit.message, reason);
    });
  }

  test('the error message lists every issue as "path: reason", one per line, in document order', () => {
    const j = read('link-usd-perp');
    j.terms.newMarket.changes.logNormal.tau = 2;
    j.terms.newMarket.changes.liquiditySlaParameters.priceRange = '0';
    try {
      parseProposal(j, { source: 'p.json' });
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof ProposalValidationError);
      assert.equal(
        e.message,
        [
          'p.json: invalid proposal',
          `  ${P}.logNormal.tau: must be in [1e-8, 1], got 2`,
          `  ${P}.liquiditySlaParameters.priceRange: must be in (0, 20], got 0`,
        ].join('\n'),
      );
    }
  });
});

describe('Vega v0.79 proposal rules', () => {
  const withChanges = (f: (c: Json, j: Json) => void) => {
    const j = read('link-usd-perp');
    f(j.terms.newMarket.changes, j);
    return j;
  };
  const C = 'terms.newMarket.changes';

  test('market.go validateNewMarketChange: up to 100 price-monitoring triggers are accepted', () => {
    const j = withChanges((c) => {
      const t = c.priceMonitoringParameters.triggers;
      while (t.length < 100) t.push(t[0]);
    });
    assert.equal(parseProposal(j).config.priceMonitoringTriggers.length, 100);
  });

  test('quadraticSlippageFactor (deprecated, v0.79 sets it to 0): "", absent and "0.5" are accepted and read as 0', () => {
    for (const v of ['', undefined, '0.5', '1000000']) {
      const p = parseProposal(
        withChanges((c) => {
          if (v === undefined) delete c.quadraticSlippageFactor;
          else c.quadraticSlippageFactor = v;
        }),
      );
      assert.ok(p.config.quadraticSlippageFactor.isZero(), String(v));
      const noted = p.warnings.some((w) => /quadraticSlippageFactor: deprecated/.test(w));
      assert.equal(noted, v === '0.5' || v === '1000000', String(v));
    }
  });

  test('quadraticSlippageFactor out of [0, 1000000] or not a number is refused (validateSlippageFactor)', () => {
    assert.match(
      issuesOf(() => parseProposal(withChanges((c) => (c.quadraticSlippageFactor = '-1'))))[0]!.message,
      /^proposal slippage factor has incorrect value, expected value in \[0,1000000\], got -1$/,
    );
    assert.match(
      issuesOf(() => parseProposal(withChanges((c) => (c.quadraticSlippageFactor = 'abc'))))[0]!.message,
      /is not a valid number/,
    );
  });

  test('tickSize is required and positive', () => {
    for (const [v, reason] of [
      [undefined, /^is required$/],
      ['', /^is required$/],
      ['0', /^must be positive$/],
      ['-1', /is not an unsigned integer/],
    ] as const) {
      const issues = issuesOf(() =>
        parseProposal(
          withChanges((c) => {
            if (v === undefined) delete c.tickSize;
            else c.tickSize = v;
          }),
        ),
      );
      assert.deepEqual(
        issues.map((i) => i.path),
        [`${C}.tickSize`],
        String(v),
      );
      assert.match(issues[0]!.message, reason);
    }
  });

  test('linearSlippageFactor is required ("" or absent)', () => {
    for (const v of ['', undefined]) {
      const issues = issuesOf(() =>
        parseProposal(
          withChanges((c) => {
            if (v === undefined) delete c.linearSlippageFactor;
            else c.linearSlippageFactor = v;
          }),
        ),
      );
      assert.deepEqual(
        issues.map((i) => `${i.path}: ${i.message}`),
        [`${C}.linearSlippageFactor: is required`],
      );
    }
  });

  test('protojson: a field given twice, or as camelCase and snake_case, is refused', () => {
    const text = readFileSync(scenario('link-usd-perp'), 'utf8');
    const twice = text.replace('"tickSize": "1",', '"tickSize": "1",\n"tickSize": "2",');
    assert.match(issuesOf(() => parseProposalText(twice))[0]!.message, /^duplicate field "tickSize"/);
    const both = text.replace('"tickSize": "1",', '"tickSize": "1",\n"tick_size": "2",');
    const issue = issuesOf(() => parseProposalText(both))[0]!;
    assert.equal(issue.path, `${C}.tickSize`);
    assert.match(issue.message, /"tickSize" and "tick_size" name the same field/);
    // an object built in code (no text): the same rule
    assert.match(
      issuesOf(() => parseProposal(withChanges((c) => (c.tick_size = '2'))))[0]!.message,
      /name the same field/,
    );
  });

  test('metadata: at most 100 tags of at most 256 characters', () => {
    assert.match(
      issuesOf(() => parseProposal(withChanges((c) => (c.metadata = Array(101).fill('x')))))[0]!.message,
      /at most 100 tags, got 101/,
    );
    const long = issuesOf(() => parseProposal(withChanges((c) => (c.metadata = ['ok', 'y'.repeat(257)]))))[0]!;
    assert.equal(long.path, `${C}.metadata[1]`);
    assert.match(long.message, /at most 256 characters, got 257/);
  });

  test('market.go validateAuctionDuration: the opening auction given to perpsim is checked too, never stretched', () => {
    const issues = issuesOf(() => parseProposal(read('link-usd-perp'), { openingAuctionDuration: 600 }));
    assert.match(issues[0]!.message, /too short, expected > 30m0s, got 10m0s/);
    const ok = parseProposal(read('link-usd-perp'), {
      openingAuctionDuration: 600,
      network: { auctionMinimumDuration: 600 },
    });
    assert.equal(ok.config.openingAuctionDuration, 600);
  });

  test('market.go validateLiquidationStrategy: a disposal slippage range > 0 is required', () => {
    const j = withChanges(
      (c) =>
        (c.liquidationStrategy = {
          disposalTimeStep: '1',
          disposalFraction: '1',
          fullDisposalSize: '1',
          maxFractionConsumed: '0.1',
        }),
    );
    assert.deepEqual(
      issuesOf(() => parseProposal(j)).map((i) => `${i.path}: ${i.message}`),
      [
        `${C}.liquidationStrategy.disposalSlippageRange: liquidation strategy must specify a disposal slippage range > 0`,
      ],
    );
  });

  test('proto3: a last-trade mark price with zero values and empty lists (mainnet EGLP form) is accepted', () => {
    const j = withChanges(
      (c) =>
        (c.markPriceConfiguration = {
          decayWeight: '0',
          decayPower: '0',
          cashAmount: '0',
          sourceWeights: [],
          sourceStalenessTolerance: [],
          compositePriceType: 'COMPOSITE_PRICE_TYPE_LAST_TRADE',
          dataSourcesSpec: [],
          dataSourcesSpecBinding: [],
        }),
    );
    assert.equal(parseProposal(j).config.markPrice.type, 'LAST_TRADE');
  });
});
