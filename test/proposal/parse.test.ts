// Tests for src/proposal: the LINK/USD proposals of the VMP-14 forum thread (seed 002) parse into the expected
// MarketConfig, the parsed futures variant is accepted by the engine, and a table of bad inputs gives errors that
// name the exact field path and the reason (Vega's proposal validation rules, vega-formulas.md §1.1–§9).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Decimal, Exchange, LEGACY_LIQUIDATION_STRATEGY } from '../../src/core/index.ts';
import {
  DEFAULT_OPENING_AUCTION_SECONDS,
  ProposalValidationError,
  USDT_ASSET_ID,
  parseAssetSpec,
  parseProposal,
  parseProposalText,
  loadProposalFile,
  type ParseOptions,
} from '../../src/proposal/index.ts';

const root = new URL('../../', import.meta.url);
const scenario = (name: string) => new URL(`scenarios/${name}.proposal.json`, root).pathname;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const read = (name: string): Json => JSON.parse(readFileSync(scenario(name), 'utf8'));
const d = (s: string) => Decimal.parse(s);
const CHANGES = 'terms.newMarket.changes';
const CHAINLINK_LINK_USD = '0x2c1d072e956affc0d435cb7ac38ef18d24d9127c';
const LINK_PRICE = {
  signers: [CHAINLINK_LINK_USD],
  property: 'link.price',
  decimals: 8,
  filters: [
    {
      property: 'link.price',
      type: 'INTEGER',
      decimals: 8,
      conditions: [{ operator: 'GREATER_THAN_OR_EQUAL', value: '0' }],
    },
  ],
};

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProposalValidationError) return [...e.issues];
    throw e;
  }
  assert.fail('expected a ProposalValidationError');
}

describe('seed proposals (VMP-14 LINK/USD perpetual)', () => {
  test('the latest JSON of the thread (scenarios/link-usd-perp.proposal.json)', () => {
    const p = loadProposalFile(scenario('link-usd-perp'));
    const c = p.config;
    assert.equal(c.id, 'LINK/USD-PERP');
    assert.equal(c.name, 'LINK/USD(USDT)-PERP');
    assert.equal(c.settlementAsset, USDT_ASSET_ID);
    assert.equal(c.quoteName, 'USD');
    assert.deepEqual(p.asset, { id: USDT_ASSET_ID, symbol: 'USDT', decimals: 6, quantum: d('1000000') });
    assert.equal(c.decimalPlaces, 2);
    assert.equal(c.positionDecimalPlaces, 0);
    assert.equal(c.tickSize, 1n);
    assert.ok(c.linearSlippageFactor.eq(d('0.001')));
    assert.ok(c.quadraticSlippageFactor.isZero());
    assert.deepEqual(c.riskModel, {
      kind: 'logNormal',
      riskAversionParameter: 1e-6,
      tau: 0.0001140771161,
      mu: 0,
      r: 0,
      sigma: 1,
    });
    assert.deepEqual(
      c.priceMonitoringTriggers.map((t) => [t.horizon, t.probability.toString(), t.auctionExtension]),
      [
        [3600, '0.9999999', 120],
        [14400, '0.9999999', 180],
        [43200, '0.9999999', 300],
      ],
    );
    assert.equal(c.targetStake.timeWindow, 3600);
    assert.ok(c.targetStake.scalingFactor.eq(d('0.05')));
    assert.deepEqual([c.sla.priceRange, c.sla.commitmentMinTimeFraction, c.sla.slaCompetitionFactor].map(String), [
      '0.03',
      '0.85',
      '0.5',
    ]);
    assert.equal(c.sla.performanceHysteresisEpochs, 1);
    assert.equal(c.product.kind, 'perpetual');
    if (c.product.kind !== 'perpetual') return;
    assert.equal(c.product.marginFundingFactor.toString(), '0.9');
    assert.equal(c.product.interestRate.toString(), '0.1095');
    assert.equal(c.product.clampLowerBound.toString(), '-0.0005');
    assert.equal(c.product.clampUpperBound.toString(), '0.0005');
    assert.deepEqual(c.product.settlementData, LINK_PRICE);
    assert.deepEqual(c.product.settlementSchedule, {
      kind: 'timeTrigger',
      every: 28800,
      conditions: [{ operator: 'GREATER_THAN_OR_EQUAL', value: '0' }],
    });
    // protocol defaults
    assert.deepEqual(
      [
        c.marginScalingFactors.searchLevel,
        c.marginScalingFactors.initialMargin,
        c.marginScalingFactors.collateralRelease,
      ].map(String),
      ['1.1', '1.2', '1.4'],
    );
    assert.deepEqual([c.fees.makerFee, c.fees.infrastructureFee, c.fees.liquidityFee].map(String), [
      '0.00025',
      '0.0005',
      '0',
    ]);
    assert.equal(c.fees.liquidityFeeMethod, 'MARGINAL_COST');
    assert.deepEqual(c.liquidationStrategy, LEGACY_LIQUIDATION_STRATEGY);
    assert.equal(c.markPrice.type, 'LAST_TRADE');
    assert.equal(c.openingAuctionDuration, DEFAULT_OPENING_AUCTION_SECONDS);
    assert.ok(p.defaults.some((x) => x.field === 'fees.makerFee' && /market\.fee\.factors\.makerFee/.test(x.source)));
    assert.ok(p.defaults.some((x) => x.field === 'marginScalingFactors'));
    assert.equal(p.rationale?.title, 'VMP-14 - Create Market - LINK/USD(USDT) Perpetual');
    assert.deepEqual(p.metadata, [
      'enactment:TBD',
      'base:LINK',
      'quote:USD',
      'class:fx/crypto',
      'perpetual',
      'sector:defi',
    ]);
    assert.ok(p.warnings.some((w) => /closingTimestamp\/enactmentTimestamp are not set/.test(w)));
  });

  test('as written in the forum the latest JSON is rejected: interestRate "0.1095 " has a trailing space', () => {
    const j = read('link-usd-perp');
    j.terms.newMarket.changes.instrument.perpetual.interestRate = '0.1095 ';
    const issues = issuesOf(() => parseProposal(j));
    assert.deepEqual(
      issues.map((i) => i.path),
      [`${CHANGES}.instrument.perpetual.interestRate`],
    );
    assert.match(issues[0]!.message, /whitespace/);
  });

  test('the first JSON of the thread (v1): 3 price and 1 position decimals, tau 9.5e-6, sigma 1.5', () => {
    const c = loadProposalFile(scenario('link-usd-perp-v1')).config;
    assert.equal(c.decimalPlaces, 3);
    assert.equal(c.positionDecimalPlaces, 1);
    assert.deepEqual(c.riskModel, {
      kind: 'logNormal',
      riskAversionParameter: 1e-6,
      tau: 0.000009506426342,
      mu: 0,
      r: 0.016,
      sigma: 1.5,
    });
    assert.equal(c.priceMonitoringTriggers.length, 1);
    assert.ok(c.targetStake.scalingFactor.eq(Decimal.ONE));
    assert.equal(c.product.kind, 'perpetual');
    if (c.product.kind !== 'perpetual') return;
    assert.equal(c.product.marginFundingFactor.toString(), '0.95');
    assert.ok(
      c.product.interestRate.isZero() && c.product.clampLowerBound.isZero() && c.product.clampUpperBound.isZero(),
    );
    assert.deepEqual(c.product.settlementSchedule, {
      kind: 'timeTrigger',
      every: 1800,
      conditions: [{ operator: 'GREATER_THAN_OR_EQUAL', value: '0' }],
    });
  });

  test('v2 opens with a 10-minute auction: Vega (market.auction.minimumDuration 30m) rejects it', () => {
    // core/governance/market.go validateAuctionDuration: ProposalErrorOpeningAuctionDurationTooSmall
    const issues = issuesOf(() => loadProposalFile(scenario('link-usd-perp-v2')));
    assert.deepEqual(
      issues.map((i) => i.path),
      ['terms.enactmentTimestamp'],
    );
    assert.match(issues[0]!.message, /^proposal opening auction duration is too short, expected > 30m0s, got 10m0s/);
    // and a week and a second is too long (market.auction.maximumDuration 168h)
    const j = read('link-usd-perp-v2');
    j.terms.enactmentTimestamp = j.terms.closingTimestamp + 168 * 3600 + 1;
    assert.match(
      issuesOf(() => parseProposal(j))[0]!.message,
      /^proposal opening auction duration is too long, expected < 168h0m0s, got 168h0m1s/,
    );
  });

  test('the second JSON (v2) has timestamps: the opening auction runs from closing to enactment, funding starts at enactment', () => {
    const p = loadProposalFile(scenario('link-usd-perp-v2'), { network: { auctionMinimumDuration: 600 } });
    assert.equal(p.closingTimestamp, 1701820800);
    assert.equal(p.enactmentTimestamp, 1701821400);
    assert.equal(p.config.openingAuctionDuration, 600);
    assert.equal(p.config.product.kind, 'perpetual');
    if (p.config.product.kind !== 'perpetual') return;
    assert.deepEqual(p.config.product.settlementSchedule, {
      kind: 'timeTrigger',
      every: 28800,
      initial: 1701821400,
      conditions: [{ operator: 'GREATER_THAN_OR_EQUAL', value: '0' }],
    });
    assert.ok(p.defaults.some((x) => x.field === 'product.settlementSchedule.initial'));
    assert.deepEqual(p.warnings, []);
  });

  test('every field of the three LINK proposals is honoured or reported as not modelled', () => {
    const eth = `${CHANGES}.instrument.perpetual.dataSourceSpecForSettlementData.external.ethOracle`;
    // fields the engine does not model, read off the JSON by hand
    const expected = [
      `${eth}.abi`,
      `${eth}.method`,
      `${eth}.requiredConfirmations`,
      `${eth}.normalisers[0].expression`,
      `${eth}.trigger.timeTrigger`,
      `${CHANGES}.metadata`,
      `${CHANGES}.liquidityMonitoringParameters.triggeringRatio`,
      `${CHANGES}.liquidityMonitoringParameters.auctionExtension`,
    ];
    // fields that shape the MarketConfig (asserted field by field in the tests above) or the session
    const honoured = [
      /^rationale\./,
      /^terms\.(closingTimestamp|enactmentTimestamp)$/,
      /\.(linearSlippageFactor|quadraticSlippageFactor|decimalPlaces|positionDecimalPlaces|tickSize)$/,
      /\.instrument\.(name|code)$/,
      /\.perpetual\.(settlementAsset|quoteName|marginFundingFactor|interestRate|clampLowerBound|clampUpperBound)$/,
      /\.ethOracle\.(address|normalisers\[\d+\]\.name|filters\[.*)$/,
      /\.dataSourceSpecForSettlementSchedule\.internal\.timeTrigger\.(conditions|triggers)\[.*$/,
      /\.dataSourceSpecBinding\.(settlementDataProperty|settlementScheduleProperty)$/,
      /\.priceMonitoringParameters\.triggers\[\d+\]\.(horizon|probability|auctionExtension)$/,
      /\.liquidityMonitoringParameters\.targetStakeParameters\.(timeWindow|scalingFactor)$/,
      /\.logNormal\.(tau|riskAversionParameter|params\.(mu|r|sigma))$/,
      /\.liquiditySlaParameters\.\w+$/,
    ];
    const leaves = (v: Json, path: string, out: string[]) => {
      if (Array.isArray(v) && v.some((x) => typeof x === 'object'))
        v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
      else if (v !== null && typeof v === 'object' && !Array.isArray(v))
        for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
      else out.push(path);
      return out;
    };
    for (const name of ['link-usd-perp-v1', 'link-usd-perp-v2', 'link-usd-perp']) {
      const p = loadProposalFile(scenario(name), { network: { auctionMinimumDuration: 600 } });
      const reported = p.notModelled.map((f) => f.path);
      assert.deepEqual(reported, expected, name);
      for (const f of p.notModelled) assert.match(f.reason, /^(not modelled|informational): /, f.path);
      for (const leaf of leaves(read(name), '', [])) {
        const covered = reported.some((r) => leaf === r || leaf.startsWith(`${r}.`) || leaf.startsWith(`${r}[`));
        assert.ok(covered || honoured.some((re) => re.test(leaf)), `${name}: ${leaf} is neither honoured nor reported`);
      }
    }
  });

  test('the futures variant keeps the parameters and the engine accepts its config', () => {
    const fut = loadProposalFile(scenario('link-usd-future'));
    const perp = loadProposalFile(scenario('link-usd-perp'));
    const { product, id, name, ...rest } = fut.config;
    const { product: _p, id: _i, name: _n, ...perpRest } = perp.config;
    assert.deepEqual(rest, perpRest);
    assert.equal(id, 'LINK/USD-FUT');
    assert.ok(name?.includes('Future'));
    assert.equal(product.kind, 'future');
    if (product.kind !== 'future') return;
    assert.deepEqual(product.settlementData, LINK_PRICE);
    assert.deepEqual(product.tradingTermination, {
      signers: ['cab1df3bf38d427cabbef897bb89e1bc62c1cfb66c45e6e8bc5920f6e5da15fc'],
      property: 'trading.terminated',
      filters: [
        { property: 'trading.terminated', type: 'BOOLEAN', conditions: [{ operator: 'EQUALS', value: 'true' }] },
      ],
    });
    const ex = new Exchange();
    ex.registerAsset({ id: fut.asset.id, decimals: fut.asset.decimals, quantum: fut.asset.quantum });
    const m = ex.createMarket(fut.config);
    assert.equal(m.tradingMode, 'OPENING_AUCTION');
  });
});

describe('input forms and options', () => {
  test('the bare changes object, the wallet wrapper and snake_case keys give the same config', () => {
    const full = parseProposal(read('link-usd-perp')).config;
    const bare = parseProposal(read('link-usd-perp').terms.newMarket.changes).config;
    assert.deepEqual(bare, full);
    const wrapped = parseProposal({ proposalSubmission: read('link-usd-perp') }).config;
    assert.deepEqual(wrapped, full);
    const snake = read('link-usd-perp');
    const ch = snake.terms.newMarket.changes;
    ch.linear_slippage_factor = ch.linearSlippageFactor;
    delete ch.linearSlippageFactor;
    ch.liquidity_sla_parameters = {
      price_range: '0.03',
      commitment_min_time_fraction: '0.85',
      performance_hysteresis_epochs: '1',
      sla_competition_factor: '0.5',
    };
    delete ch.liquiditySlaParameters;
    assert.deepEqual(parseProposal(snake).config, full);
  });

  test('errors in the bare form are named from its root', () => {
    const ch = read('link-usd-perp').terms.newMarket.changes;
    ch.logNormal.tau = 0;
    assert.deepEqual(
      issuesOf(() => parseProposal(ch)).map((i) => i.path),
      ['logNormal.tau'],
    );
  });

  test('asset registry: extra assets, and an override of the default entry', () => {
    const j = read('link-usd-perp');
    const id = 'a'.repeat(64);
    j.terms.newMarket.changes.instrument.perpetual.settlementAsset = id;
    const [aid, info] = parseAssetSpec(`${id}=USDC:6:1000000`);
    const p = parseProposal(j, { assets: { [aid]: info } });
    assert.deepEqual(p.asset, { id, symbol: 'USDC', decimals: 6, quantum: d('1000000') });
    const issues = issuesOf(() =>
      parseProposal(read('link-usd-perp'), {
        assets: { [USDT_ASSET_ID]: { symbol: 'USDT', decimals: 1, quantum: Decimal.ONE } },
      }),
    );
    assert.deepEqual(
      issues.map((i) => i.path),
      [`${CHANGES}.decimalPlaces`],
    );
    assert.match(issues[0]!.message, /at most the settlement asset's decimals \(USDT: 1\), got 2 \+ 0/);
    assert.throws(() => parseAssetSpec('nonsense'), /ID=SYMBOL:DECIMALS/);
  });

  test('network parameters, market id and default opening auction can be given', () => {
    const opts: ParseOptions = {
      marketId: 'link-perp',
      openingAuctionDuration: 120,
      network: {
        auctionMinimumDuration: 60,
        makerFee: d('0.0002'),
        marginScalingFactors: { searchLevel: d('1.2'), initialMargin: d('2'), collateralRelease: d('2.4') },
      },
    };
    const c = parseProposal(read('link-usd-perp'), opts).config;
    assert.equal(c.id, 'link-perp');
    assert.equal(c.openingAuctionDuration, 120);
    assert.equal(c.fees.makerFee.toString(), '0.0002');
    assert.equal(c.fees.infrastructureFee.toString(), '0.0005');
    assert.equal(c.marginScalingFactors.initialMargin.toString(), '2');
  });

  test('optional sections: liquidation strategy, composite mark price, constant liquidity fee, tick size, simple risk model', () => {
    const j = read('link-usd-perp');
    const ch = j.terms.newMarket.changes;
    ch.tickSize = '5';
    ch.liquidationStrategy = {
      disposalTimeStep: '10',
      disposalFraction: '0.1',
      fullDisposalSize: '20',
      maxFractionConsumed: '0.05',
      disposalSlippageRange: '0.1',
    };
    ch.liquidityFeeSettings = { method: 'METHOD_CONSTANT', feeConstant: '0.001' };
    delete ch.logNormal;
    ch.simple = { factorLong: 0.15, factorShort: 0.25, maxMoveUp: 10, minMoveDown: -5, probabilityOfTrading: 0.1 };
    const oracle = {
      external: {
        oracle: {
          signers: [{ pubKey: { key: 'b'.repeat(64) } }],
          filters: [{ key: { name: 'link.mark', type: 'TYPE_INTEGER', numberDecimalPlaces: '5' } }],
        },
      },
    };
    ch.markPriceConfiguration = {
      compositePriceType: 'COMPOSITE_PRICE_TYPE_WEIGHTED',
      decayWeight: '0.5',
      decayPower: '2',
      cashAmount: '5000000',
      sourceWeights: ['0', '0', '1', '0'],
      sourceStalenessTolerance: ['1m', '1m', '10s', '1m'],
      dataSourcesSpec: [oracle],
      dataSourcesSpecBinding: [{ priceSourceProperty: 'link.mark' }],
    };
    const c = parseProposal(j).config;
    assert.equal(c.tickSize, 5n);
    assert.equal(c.liquidationStrategy.disposalTimeStep, 10);
    assert.equal(c.liquidationStrategy.fullDisposalSize, 20n);
    assert.equal(c.liquidationStrategy.maxFractionConsumed.toString(), '0.05');
    assert.equal(c.fees.liquidityFeeMethod, 'CONSTANT');
    assert.equal(c.fees.liquidityFeeConstant?.toString(), '0.001');
    assert.deepEqual(c.riskModel, {
      kind: 'simple',
      factorLong: d('0.15'),
      factorShort: d('0.25'),
      maxMoveUp: d('10'),
      minMoveDown: d('-5'),
      probabilityOfTrading: d('0.1'),
    });
    assert.equal(c.markPrice.type, 'WEIGHTED');
    assert.deepEqual(c.markPrice.sourceWeights.map(String), ['0', '0', '1', '0']);
    assert.deepEqual(c.markPrice.sourceStalenessToleranceNs, [
      60_000_000_000n,
      60_000_000_000n,
      10_000_000_000n,
      60_000_000_000n,
    ]);
    assert.equal(c.markPrice.cashAmount, 5_000_000n);
    assert.deepEqual(c.markPrice.oracles, [
      {
        signers: ['b'.repeat(64)],
        property: 'link.mark',
        decimals: 5,
        filters: [{ property: 'link.mark', type: 'INTEGER', decimals: 5 }],
      },
    ]);
  });

  test('a perpetual settlement schedule from an external oracle maps to an oracle funding schedule', () => {
    const j = read('link-usd-perp');
    const perp = j.terms.newMarket.changes.instrument.perpetual;
    perp.dataSourceSpecForSettlementSchedule = {
      external: {
        oracle: {
          signers: [{ pubKey: { key: 'c'.repeat(64) } }],
          filters: [{ key: { name: 'perp.funding.cue', type: 'TYPE_TIMESTAMP' } }],
        },
      },
    };
    perp.dataSourceSpecBinding.settlementScheduleProperty = 'perp.funding.cue';
    const p = parseProposal(j);
    assert.equal(p.config.product.kind, 'perpetual');
    if (p.config.product.kind !== 'perpetual') return;
    assert.deepEqual(p.config.product.settlementSchedule, {
      kind: 'oracle',
      signers: ['c'.repeat(64)],
      property: 'perp.funding.cue',
      filters: [{ property: 'perp.funding.cue', type: 'TIMESTAMP' }],
    });
    assert.ok(p.warnings.some((w) => /only internal time triggers/.test(w)));
  });

  test('a future terminated by the built-in time source keeps the termination time as a filter', () => {
    const j = read('link-usd-future');
    const fut = j.terms.newMarket.changes.instrument.future;
    fut.dataSourceSpecForTradingTermination = {
      internal: { time: { conditions: [{ operator: 'OPERATOR_GREATER_THAN_OR_EQUAL', value: '1735689600' }] } },
    };
    fut.dataSourceSpecBinding.tradingTerminationProperty = 'vegaprotocol.builtin.timestamp';
    const c = parseProposal(j).config;
    assert.equal(c.product.kind, 'future');
    if (c.product.kind !== 'future') return;
    assert.deepEqual(c.product.tradingTermination, {
      signers: [],
      property: 'vegaprotocol.builtin.timestamp',
      filters: [
        {
          property: 'vegaprotocol.builtin.timestamp',
          type: 'TIMESTAMP',
          conditions: [{ operator: 'GREATER_THAN_OR_EQUAL', value: '1735689600' }],
        },
      ],
    });
  });

  test('not JSON, not an object, not a new-market proposal', () => {
    assert.match(issuesOf(() => parseProposalText('{\n  "terms": {,\n}'))[0]!.message, /not valid JSON.*line 2/);
    assert.deepEqual(
      issuesOf(() => parseProposal([1, 2])),
      [{ path: '(document)', message: 'must be a JSON object' }],
    );
    assert.match(issuesOf(() => parseProposal({ hello: 1 }))[0]!.message, /expected a new-market proposal/);
  });
});

// ------------------------------------------------------------------ bad inputs

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
