// Tests for src/proposal: the LINK/USD proposals of the VMP-14 forum thread (seed 002) parse into the expected
// MarketConfig, the parsed futures variant is accepted by the engine, and a table of bad inputs gives errors that
// name the exact field path and the reason (Vega's proposal validation rules, vega-formulas.md §1.1–§9).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal, Exchange, LEGACY_LIQUIDATION_STRATEGY } from '../../src/core/index.ts';
import {
  DEFAULT_OPENING_AUCTION_SECONDS,
  USDT_ASSET_ID,
  parseAssetSpec,
  parseProposal,
  parseProposalText,
  loadProposalFile,
  type ParseOptions,
} from '../../src/proposal/index.ts';

import { CHANGES, d, issuesOf, LINK_PRICE, read, scenario, type Json } from './helpers.ts';

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
