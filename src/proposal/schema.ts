// The shape of a Vega new-market governance proposal (protobuf JSON of commands.v1.ProposalSubmission with
// terms.newMarket, vega/governance.proto NewMarketConfiguration) as zod schemas, with Vega's per-field validation
// rules (commands/proposal_submission.go and core/governance/market.go, restated in vega-formulas.md §1.1, §2.1,
// §3.1, §5.1, §6.1, §9). Rules that relate several fields (one product, one risk model, bindings, decimals against
// the settlement asset) are checked after the shape, in parse.ts. Objects are strict: an unknown field is an error,
// as in protobuf JSON, which catches misspelt parameter names.
import * as z from 'zod';
import { Decimal } from '../core/index.ts';
import {
  atMost,
  bool,
  decimalString,
  optionalDecimalString,
  uintString,
  double,
  enumName,
  int64,
  nonNegative,
  positive,
  text,
  uint64,
  uint64Big,
  within,
  type Check,
} from './fields.ts';

const isVegaPubKey: Check<string> = (v) =>
  /^[0-9a-f]{64}$/.test(v) ? undefined : `"${v}" is not a valid Vega public key (64 hex digits)`;
const isEthAddress: Check<string> = (v) =>
  /^0x[0-9a-fA-F]{40}$/.test(v) ? undefined : `"${v}" is not a valid Ethereum address (0x and 40 hex digits)`;
const isGoDuration: Check<string> = (v) =>
  /^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$/.test(v)
    ? undefined
    : `"${v}" is not a duration such as "10s" or "1h30m"`;
const isUintString: Check<string> = (v) => (/^\d+$/.test(v) ? undefined : `"${v}" is not an unsigned integer`);

export const CONDITION_OPERATORS = [
  'OPERATOR_EQUALS',
  'OPERATOR_GREATER_THAN',
  'OPERATOR_GREATER_THAN_OR_EQUAL',
  'OPERATOR_LESS_THAN',
  'OPERATOR_LESS_THAN_OR_EQUAL',
] as const;

export const PROPERTY_TYPES = [
  'TYPE_EMPTY',
  'TYPE_INTEGER',
  'TYPE_STRING',
  'TYPE_BOOLEAN',
  'TYPE_DECIMAL',
  'TYPE_TIMESTAMP',
] as const;

/** Property a built-in time trigger publishes (Vega spec.BuiltinTimeTrigger). */
export const BUILTIN_TIME_TRIGGER = 'vegaprotocol.builtin.timetrigger';
/** Property the built-in time source publishes (Vega spec.BuiltinTimestamp). */
export const BUILTIN_TIMESTAMP = 'vegaprotocol.builtin.timestamp';

/** An object of which exactly one of `keys` must be set (a protobuf oneof). */
function oneOf<T extends z.ZodType>(schema: T, keys: readonly string[], what: string) {
  return schema.superRefine((v, ctx) => {
    const set = keys.filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    if (set.length === 0)
      ctx.addIssue({ code: 'custom', message: `${what} is required: set one of ${keys.join(', ')}` });
    else if (set.length > 1)
      ctx.addIssue({ code: 'custom', message: `only one ${what} may be set, got ${set.join(' and ')}` });
  });
}

// ------------------------------------------------------------------ data sources (vega/data_source.proto)

const condition = z.strictObject({
  operator: enumName(CONDITION_OPERATORS),
  value: text({ nonEmpty: true }),
});

const filter = z.strictObject({
  key: z.strictObject({
    name: text({ nonEmpty: true }),
    type: enumName(PROPERTY_TYPES),
    numberDecimalPlaces: uint64(atMost(150)).optional(),
  }),
  conditions: z.array(condition).optional(),
});

const signer = oneOf(
  z.strictObject({
    pubKey: z.strictObject({ key: text({ check: isVegaPubKey }) }).optional(),
    ethAddress: z.strictObject({ address: text({ check: isEthAddress }) }).optional(),
  }),
  ['pubKey', 'ethAddress'],
  'signer',
);

const oracleSpec = z.strictObject({
  signers: z.array(signer).min(1, 'is required: at least one signer'),
  filters: z.array(filter).min(1, 'is required: at least one filter'),
});

const ethTimeTrigger = z.strictObject({
  initial: uint64().optional(),
  every: uint64().optional(),
  until: uint64().optional(),
});

const ethOracle = z.strictObject({
  address: text({ check: isEthAddress }),
  abi: text({ nonEmpty: true }),
  method: text({ nonEmpty: true }),
  args: z.array(z.unknown()).optional(),
  trigger: oneOf(z.strictObject({ timeTrigger: ethTimeTrigger.optional() }), ['timeTrigger'], 'trigger'),
  requiredConfirmations: uint64().optional(),
  filters: z.array(filter).min(1, 'is required: at least one filter'),
  normalisers: z
    .array(z.strictObject({ name: text({ nonEmpty: true }), expression: text({ nonEmpty: true }) }))
    .min(1, 'is required: at least one normaliser'),
  sourceChainId: uint64().optional(),
});

const timeTrigger = z.strictObject({
  conditions: z.array(condition).optional(),
  triggers: z
    .array(
      z.strictObject({
        initial: int64(positive()).optional(),
        every: int64(positive()),
      }),
    )
    .length(1, 'must hold exactly one trigger'),
});

export const dataSourceDefinition = oneOf(
  z.strictObject({
    internal: oneOf(
      z.strictObject({
        time: z
          .strictObject({ conditions: z.array(condition).min(1, 'is required: at least one condition') })
          .optional(),
        timeTrigger: timeTrigger.optional(),
      }),
      ['time', 'timeTrigger'],
      'internal source',
    ).optional(),
    external: oneOf(
      z.strictObject({ oracle: oracleSpec.optional(), ethOracle: ethOracle.optional() }),
      ['oracle', 'ethOracle'],
      'external source',
    ).optional(),
  }),
  ['internal', 'external'],
  'data source',
);
export type DataSourceDefinition = z.output<typeof dataSourceDefinition>;

// ------------------------------------------------------------------ composite price (vega/markets.proto)

export const COMPOSITE_PRICE_TYPES = [
  'COMPOSITE_PRICE_TYPE_WEIGHTED',
  'COMPOSITE_PRICE_TYPE_MEDIAN',
  'COMPOSITE_PRICE_TYPE_LAST_TRADE',
] as const;

export const compositePriceConfiguration = z.strictObject({
  decayWeight: decimalString(within('[', 0, 1, ']')).optional(),
  decayPower: uint64().optional(),
  cashAmount: text({ check: isUintString }).optional(),
  sourceWeights: z.array(decimalString(nonNegative())).optional(),
  sourceStalenessTolerance: z.array(text({ check: isGoDuration })).optional(),
  compositePriceType: enumName(COMPOSITE_PRICE_TYPES),
  dataSourcesSpec: z.array(dataSourceDefinition).max(5, 'at most 5 data sources are allowed').optional(),
  dataSourcesSpecBinding: z.array(z.strictObject({ priceSourceProperty: text({ nonEmpty: true }) })).optional(),
});
export type CompositePriceConfiguration = z.output<typeof compositePriceConfiguration>;

// ------------------------------------------------------------------ products

const future = z.strictObject({
  settlementAsset: text({ nonEmpty: true }),
  quoteName: text({ nonEmpty: true }),
  dataSourceSpecForSettlementData: dataSourceDefinition,
  dataSourceSpecForTradingTermination: dataSourceDefinition,
  dataSourceSpecBinding: z.strictObject({
    settlementDataProperty: text({ nonEmpty: true }),
    tradingTerminationProperty: text({ nonEmpty: true }),
  }),
  cap: z
    .strictObject({
      maxPrice: text({ check: isUintString }),
      binarySettlement: bool().optional(),
      fullyCollateralised: bool().optional(),
    })
    .optional(),
});
export type FutureProductJson = z.output<typeof future>;

const minusOneToOne = within<Decimal>('[', -1, 1, ']');

const perpetual = z.strictObject({
  settlementAsset: text({ nonEmpty: true }),
  quoteName: text({ nonEmpty: true }),
  marginFundingFactor: decimalString(within('[', 0, 1, ']')),
  interestRate: decimalString(minusOneToOne),
  clampLowerBound: decimalString(minusOneToOne),
  clampUpperBound: decimalString(minusOneToOne),
  fundingRateScalingFactor: decimalString(positive()).optional(),
  fundingRateLowerBound: decimalString().optional(),
  fundingRateUpperBound: decimalString().optional(),
  dataSourceSpecForSettlementData: dataSourceDefinition,
  dataSourceSpecForSettlementSchedule: dataSourceDefinition,
  dataSourceSpecBinding: z.strictObject({
    settlementDataProperty: text({ nonEmpty: true }),
    settlementScheduleProperty: text({ nonEmpty: true }),
  }),
  internalCompositePriceConfiguration: compositePriceConfiguration.optional(),
});
export type PerpetualProductJson = z.output<typeof perpetual>;

const instrument = z.strictObject({
  name: text({ nonEmpty: true }),
  code: text({ nonEmpty: true }),
  future: future.optional(),
  perpetual: perpetual.optional(),
  spot: z.unknown().optional(),
});

// ------------------------------------------------------------------ risk, monitoring, liquidity

export const logNormal = z.strictObject({
  // Vega accepts λ ∈ [1e-8, 0.1], τ ∈ [1e-8, 1], μ ∈ [-1e-6, 1e-6], r ∈ [-1, 1], σ ∈ [1e-3, 50] for new markets
  riskAversionParameter: double(within('[', '1e-8', '0.1', ']')),
  tau: double(within('[', '1e-8', 1, ']')),
  params: z.strictObject({
    // proto3 doubles: an absent μ or r is 0
    mu: double(within('[', '-1e-6', '1e-6', ']')).default(0),
    r: double(within('[', -1, 1, ']')).default(0),
    sigma: double(within('[', '1e-3', 50, ']')),
  }),
  riskFactorOverride: z
    .strictObject({ short: decimalString(nonNegative()), long: decimalString(nonNegative()) })
    .optional(),
});

export const simple = z.strictObject({
  // proto3 doubles: absent fields are 0
  factorLong: double(nonNegative()).default(0),
  factorShort: double(nonNegative()).default(0),
  maxMoveUp: double((v) => (v >= 0 ? undefined : `must not be negative, got ${v}`)).default(0),
  minMoveDown: double((v) => (v <= 0 ? undefined : `must not be positive, got ${v}`)).default(0),
  probabilityOfTrading: double(within('[', 0, 1, ']')).default(0),
});

/** Vega v0.79 accepts up to 100 price-monitoring triggers per market (spec 0032-PRIM-007). */
export const MAX_PRICE_MONITORING_TRIGGERS = 100;

export const priceMonitoringParameters = z.strictObject({
  triggers: z
    .array(
      z.strictObject({
        horizon: int64(positive()),
        probability: decimalString(within('(', '0.9', 1, ')')),
        auctionExtension: int64(positive()),
      }),
    )
    // core/governance/market.go validateNewMarketChange (v0.79): ProposalErrorTooManyPriceMonitoringTriggers
    .max(MAX_PRICE_MONITORING_TRIGGERS, {
      error: (iss) =>
        `${(iss.input as unknown[]).length} price monitoring triggers set, maximum allowed is ${MAX_PRICE_MONITORING_TRIGGERS}`,
    })
    .default([]),
});

const liquidityMonitoringParameters = z.strictObject({
  targetStakeParameters: z.strictObject({
    timeWindow: int64(positive()),
    scalingFactor: double(positive()),
  }),
  // deprecated since liquidity auctions were removed; accepted and ignored
  triggeringRatio: text().optional(),
  auctionExtension: int64().optional(),
});

export const liquiditySlaParameters = z.strictObject({
  priceRange: decimalString(within('(', 0, 20, ']')),
  commitmentMinTimeFraction: decimalString(within('[', 0, 1, ']')),
  // uint64, proto3 default 0
  performanceHysteresisEpochs: uint64(atMost(366)).default(0),
  slaCompetitionFactor: decimalString(within('[', 0, 1, ']')),
  // removed from later versions of the proto; accepted and ignored
  providersFeeCalculationTimeStep: int64().optional(),
});

export const LIQUIDITY_FEE_METHODS = ['METHOD_MARGINAL_COST', 'METHOD_WEIGHTED_AVERAGE', 'METHOD_CONSTANT'] as const;

export const liquidityFeeSettings = z.strictObject({
  method: enumName(LIQUIDITY_FEE_METHODS),
  feeConstant: decimalString(within('[', 0, 1, ']')).optional(),
});

const liquidationStrategy = z.strictObject({
  // seconds
  disposalTimeStep: int64(within('[', 1, 3600, ']')),
  disposalFraction: decimalString(within('(', 0, 1, ']')),
  fullDisposalSize: uint64Big().default(0n),
  maxFractionConsumed: decimalString(within('(', 0, 1, ']')),
  // proto3 string: absent is "", which Vega reads as 0 and refuses (validateLiquidationStrategy, checked in parse.ts)
  disposalSlippageRange: decimalString(nonNegative()).optional(),
});

const slippage: Check<Decimal> = (v) =>
  within<Decimal>('[', 0, 1_000_000, ']')(v)
    ? `proposal slippage factor has incorrect value, expected value in [0,1000000], got ${v.toString()}`
    : undefined;

/** Market metadata tags: at most this many (perpsim's bound; see README, "What the commands refuse"). */
export const MAX_METADATA_TAGS = 100;
/** Characters in one metadata tag (perpsim's bound). */
export const MAX_METADATA_TAG_LENGTH = 256;

/** NewMarketConfiguration: the `changes` of a new-market proposal. */
export const newMarketChanges = z.strictObject({
  instrument,
  // uint64 < 150; proto3 default 0
  decimalPlaces: uint64((v) => (v < 150 ? undefined : `must be less than 150, got ${v}`)).default(0),
  positionDecimalPlaces: int64(within('[', -6, 6, ']')).default(0),
  // required and positive since v0.75 (checked in parse.ts: absent or "" → "is required")
  tickSize: uintString().optional(),
  metadata: z
    .array(
      text({
        check: (v) =>
          v.length <= MAX_METADATA_TAG_LENGTH
            ? undefined
            : `must be at most ${MAX_METADATA_TAG_LENGTH} characters, got ${v.length}`,
      }),
    )
    .max(MAX_METADATA_TAGS, {
      error: (iss) => `must have at most ${MAX_METADATA_TAGS} tags, got ${(iss.input as unknown[]).length}`,
    })
    .optional(),
  priceMonitoringParameters: priceMonitoringParameters.optional(),
  liquidityMonitoringParameters,
  logNormal: logNormal.optional(),
  simple: simple.optional(),
  // required in v0.79 (absent or "" → "is required", parse.ts); [0, 1e6] (validateSlippageFactor)
  linearSlippageFactor: optionalDecimalString(slippage).optional(),
  // deprecated: read and range-checked as Vega does, then set to 0 (parse.ts)
  quadraticSlippageFactor: optionalDecimalString(slippage).optional(),
  successor: z
    .strictObject({
      parentMarketId: text({ nonEmpty: true }),
      insurancePoolFraction: decimalString(within('[', 0, 1, ']')),
    })
    .optional(),
  liquiditySlaParameters,
  liquidityFeeSettings: liquidityFeeSettings.optional(),
  liquidationStrategy: liquidationStrategy.optional(),
  markPriceConfiguration: compositePriceConfiguration.optional(),
  enableTransactionReordering: bool().optional(),
  allowedEmptyAmmLevels: uint64().optional(),
});
export type NewMarketChanges = z.output<typeof newMarketChanges>;

/** Change kinds of ProposalTerms other than newMarket: recognised so that the error says what was found. */
export const OTHER_CHANGE_KINDS = [
  'updateMarket',
  'updateNetworkParameter',
  'newAsset',
  'updateAsset',
  'newFreeform',
  'newSpotMarket',
  'updateSpotMarket',
  'newTransfer',
  'cancelTransfer',
  'updateMarketState',
  'updateReferralProgram',
  'updateVolumeDiscountProgram',
  'updateVolumeRebateProgram',
] as const;

export const proposalTerms = z.strictObject({
  closingTimestamp: int64().optional(),
  enactmentTimestamp: int64().optional(),
  validationTimestamp: int64().optional(),
  newMarket: z.strictObject({ changes: newMarketChanges }).optional(),
  updateMarket: z.unknown().optional(),
  updateNetworkParameter: z.unknown().optional(),
  newAsset: z.unknown().optional(),
  updateAsset: z.unknown().optional(),
  newFreeform: z.unknown().optional(),
  newSpotMarket: z.unknown().optional(),
  updateSpotMarket: z.unknown().optional(),
  newTransfer: z.unknown().optional(),
  cancelTransfer: z.unknown().optional(),
  updateMarketState: z.unknown().optional(),
  updateReferralProgram: z.unknown().optional(),
  updateVolumeDiscountProgram: z.unknown().optional(),
  updateVolumeRebateProgram: z.unknown().optional(),
});

export const proposal = z.strictObject({
  reference: text({ check: (v) => (v.length <= 100 ? undefined : 'must be at most 100 characters') }).optional(),
  rationale: z.strictObject({
    title: text({
      nonEmpty: true,
      check: (v) => (v.length <= 100 ? undefined : `must be at most 100 characters, got ${v.length}`),
    }),
    description: text({
      nonEmpty: true,
      check: (v) => (v.length <= 20000 ? undefined : `must be at most 20000 characters, got ${v.length}`),
    }),
  }),
  terms: proposalTerms,
});
export type ProposalJson = z.output<typeof proposal>;
