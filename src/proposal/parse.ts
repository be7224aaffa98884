// Parses a Vega new-market governance proposal (JSON) into the engine's MarketConfig, applying Vega's proposal
// validation (commands/proposal_submission.go, core/governance/market.go; vega-formulas.md §1.1, §2.1, §3.1, §5.1,
// §6.1, §9). Accepts the full proposal {rationale, terms: {newMarket: {changes}}}, the wallet's
// {proposalSubmission: …} wrapper, its `terms` or the bare `changes` object; snake_case keys are read as their camelCase JSON
// names, as protobuf JSON allows. Every error names the field path in the input and the reason. Fields the proposal
// leaves to the network (fees, margin scaling factors) or omits take the protocol's defaults, each listed in
// `defaults` of the result so that a reader sees what was assumed.
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import {
  ConfigError,
  Decimal,
  DEFAULT_MARK_PRICE,
  type FeeConfig,
  type FundingSchedule,
  type FutureProduct,
  LEGACY_LIQUIDATION_STRATEGY,
  type LiquidationStrategy,
  type LiquidityFeeMethod,
  type MarginScalingFactors,
  type MarketConfig,
  type MarkPriceConfig,
  type OracleFilter,
  type OracleSource,
  parseDuration,
  type ProductConfig,
  type RiskModelConfig,
  validateMarketConfig,
} from '../core/index.ts';
import { assetRegistry, type AssetInfo, type AssetRegistry } from './assets.ts';
import { formatPath, IssueCollector, ProposalValidationError, type PathSegment, type ProposalIssue } from './errors.ts';
import type { Repair } from './fields.ts';
import {
  BUILTIN_TIME_TRIGGER,
  BUILTIN_TIMESTAMP,
  newMarketChanges,
  OTHER_CHANGE_KINDS,
  proposal,
  proposalTerms,
  type CompositePriceConfiguration,
  type DataSourceDefinition,
  type NewMarketChanges,
  type ProposalJson,
} from './schema.ts';

/** Network parameters a new market takes its fees and margin scaling factors from. */
export interface NetworkDefaults {
  /** market.margin.scalingFactors */
  readonly marginScalingFactors: MarginScalingFactors;
  /** market.fee.factors.makerFee */
  readonly makerFee: Decimal;
  /** market.fee.factors.infrastructureFee */
  readonly infrastructureFee: Decimal;
  /** market.fee.factors.buybackFee */
  readonly buyBackFee: Decimal;
  /** market.fee.factors.treasuryFee */
  readonly treasuryFee: Decimal;
}

/** Vega's code defaults of those network parameters (core/netparams/defaults.go; vega-formulas.md §2.1, §7). */
export const VEGA_NETWORK_DEFAULTS: NetworkDefaults = {
  marginScalingFactors: {
    searchLevel: Decimal.parse('1.1'),
    initialMargin: Decimal.parse('1.2'),
    collateralRelease: Decimal.parse('1.4'),
  },
  makerFee: Decimal.parse('0.00025'),
  infrastructureFee: Decimal.parse('0.0005'),
  buyBackFee: Decimal.ZERO,
  treasuryFee: Decimal.ZERO,
};

/**
 * Opening auction length when the proposal carries no closing/enactment timestamps (drafts use 0): 30 minutes,
 * the code default of market.auction.minimumDuration, the shortest opening auction Vega accepts by default.
 */
export const DEFAULT_OPENING_AUCTION_SECONDS = 1800;

export interface ParseOptions {
  /** assets by Vega asset id, added to (and overriding) the default registry */
  readonly assets?: AssetRegistry;
  /** market id in the engine (default: the instrument code) */
  readonly marketId?: string;
  /** seconds of opening auction when the proposal has no closing/enactment timestamps */
  readonly openingAuctionDuration?: number;
  /** network parameters in force (default: Vega's code defaults) */
  readonly network?: Partial<NetworkDefaults>;
  /** name of the input (a file name) for error messages */
  readonly source?: string;
}

/** A value the parser filled in because the proposal leaves it to the protocol. */
export interface DefaultedField {
  /** MarketConfig field */
  readonly field: string;
  readonly value: string;
  readonly source: string;
}

export interface ParsedProposal {
  readonly config: MarketConfig;
  readonly asset: AssetInfo & { readonly id: string };
  readonly instrument: { readonly name: string; readonly code: string };
  readonly metadata: readonly string[];
  readonly rationale?: { readonly title: string; readonly description: string };
  /** unix seconds, when set (> 0) */
  readonly closingTimestamp?: number;
  readonly enactmentTimestamp?: number;
  readonly defaults: readonly DefaultedField[];
  /** things that are valid but that Vega or the engine treat differently from what a reader may expect */
  readonly warnings: readonly string[];
  /** where the `changes` object is in the input (e.g. ['terms', 'newMarket', 'changes']; [] for bare changes) */
  readonly changesAt: readonly PathSegment[];
  /** fields of the proposal that the engine does not model (accepted, without effect on the simulation) */
  readonly notModelled: readonly NotModelledField[];
}

/** A proposal field the engine accepts but does not model, with the JSON path and why. */
export interface NotModelledField {
  readonly path: string;
  readonly reason: string;
}

// ------------------------------------------------------------------ entry points

/** Reads and parses a proposal file; throws ProposalValidationError (bad content) or an Error (unreadable file). */
export function loadProposalFile(path: string, opts: ParseOptions = {}): ParsedProposal {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${path}: cannot read the proposal file${code ? ` (${code})` : ''}`, { cause: e });
  }
  return parseProposalText(text, { source: path, ...opts });
}

/** Parses proposal JSON text; a syntax error is reported with its line and column. */
export function parseProposalText(text: string, opts: ParseOptions = {}): ParsedProposal {
  return parseProposal(parseJsonText(text, opts.source), opts);
}

/** JSON.parse with a ProposalValidationError giving the line and column of a syntax error. */
export function parseJsonText(text: string, source?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ProposalValidationError(
      [{ path: '(document)', message: `not valid JSON: ${jsonErrorWhere(text, e)}` }],
      source,
    );
  }
}

/** Parses a proposal already read from JSON. */
export function parseProposal(input: unknown, opts: ParseOptions = {}): ParsedProposal {
  const doc = normaliseKeys(input);
  if (!isObject(doc)) {
    throw new ProposalValidationError([{ path: '(document)', message: 'must be a JSON object' }], opts.source);
  }
  let base: PathSegment[] = [];
  let body: Record<string, unknown> = doc;
  if (isObject(doc.proposalSubmission)) {
    base = ['proposalSubmission'];
    body = doc.proposalSubmission;
  }
  if ('terms' in body || 'rationale' in body) return parseFull(body, base, opts);
  if ('newMarket' in body || OTHER_CHANGE_KINDS.some((k) => k in body)) return parseTerms(body, base, opts);
  if ('instrument' in body) return parseChanges(body, base, opts);
  throw new ProposalValidationError(
    [
      {
        path: formatPath(base),
        message:
          'expected a new-market proposal {rationale, terms: {newMarket: {changes}}}, its `terms` or its `changes` object',
      },
    ],
    opts.source,
  );
}

function parseFull(body: Record<string, unknown>, base: PathSegment[], opts: ParseOptions): ParsedProposal {
  const res = proposal.safeParse(body, { error: errorMap });
  if (!res.success) throw new ProposalValidationError(zodIssues(res.error, base), opts.source);
  return fromTerms(res.data.terms, [...base, 'terms'], opts, res.data.rationale);
}

/** The `terms` object of a proposal on its own ({newMarket: {changes}, closingTimestamp, enactmentTimestamp}). */
function parseTerms(body: Record<string, unknown>, base: PathSegment[], opts: ParseOptions): ParsedProposal {
  const res = proposalTerms.safeParse(body, { error: errorMap });
  if (!res.success) throw new ProposalValidationError(zodIssues(res.error, base), opts.source);
  return fromTerms(res.data, base, opts, undefined);
}

function fromTerms(
  terms: ProposalJson['terms'],
  termsPath: PathSegment[],
  opts: ParseOptions,
  rationale: ProposalJson['rationale'] | undefined,
): ParsedProposal {
  if (!terms.newMarket) {
    const found = OTHER_CHANGE_KINDS.filter((k) => terms[k] !== undefined);
    const what = found.length ? `this proposal is ${found.join(', ')}` : 'no change found';
    throw new ProposalValidationError(
      [
        {
          path: formatPath([...termsPath, 'newMarket']),
          message: `is required: perpsim reads new-market proposals (${what})`,
        },
      ],
      opts.source,
    );
  }
  const issues = new IssueCollector([]);
  const closing = terms.closingTimestamp ?? 0;
  const enactment = terms.enactmentTimestamp ?? 0;
  if (closing < 0) issues.add([...termsPath, 'closingTimestamp'], 'must not be negative');
  if (enactment < 0) issues.add([...termsPath, 'enactmentTimestamp'], 'must not be negative');
  if (closing > 0 && enactment > 0 && closing > enactment) {
    issues.add([...termsPath, 'closingTimestamp'], `cannot be after enactmentTimestamp (${closing} > ${enactment})`);
  }
  if ((terms.validationTimestamp ?? 0) !== 0) {
    issues.add([...termsPath, 'validationTimestamp'], 'must not be set for a new-market proposal');
  }
  const warnings: string[] = [];
  const timed = closing > 0 && enactment > 0;
  if (!timed) {
    warnings.push(
      `${formatPath(termsPath)}: closingTimestamp/enactmentTimestamp are not set (a draft); Vega requires both to be positive when the proposal is submitted`,
    );
  }
  return build(terms.newMarket.changes, [...termsPath, 'newMarket', 'changes'], opts, issues, warnings, {
    ...(rationale ? { rationale } : {}),
    ...(timed ? { closingTimestamp: closing, enactmentTimestamp: enactment } : {}),
  });
}

function parseChanges(body: Record<string, unknown>, base: PathSegment[], opts: ParseOptions): ParsedProposal {
  const res = newMarketChanges.safeParse(body, { error: errorMap });
  if (!res.success) throw new ProposalValidationError(zodIssues(res.error, base), opts.source);
  return build(res.data, base, opts, new IssueCollector([]), [], {});
}

// ------------------------------------------------------------------ from validated JSON to MarketConfig

interface Envelope {
  readonly rationale?: { readonly title: string; readonly description: string };
  readonly closingTimestamp?: number;
  readonly enactmentTimestamp?: number;
}

function build(
  c: NewMarketChanges,
  at: readonly PathSegment[],
  opts: ParseOptions,
  issues: IssueCollector,
  warnings: string[],
  env: Envelope,
): ParsedProposal {
  const add = (path: readonly PathSegment[], message: string) => issues.add([...at, ...path], message);
  const defaults: DefaultedField[] = [];
  const dflt = (field: string, value: string, source: string) => defaults.push({ field, value, source });
  const net = { ...VEGA_NETWORK_DEFAULTS, ...(opts.network ?? {}) };
  const registry = assetRegistry(opts.assets);

  // product: exactly one of future / perpetual
  const inst = c.instrument;
  if (inst.spot !== undefined)
    add(['instrument', 'spot'], 'spot markets are not supported: perpsim simulates futures and perpetuals');
  const kinds = (['future', 'perpetual'] as const).filter((k) => inst[k] !== undefined);
  if (kinds.length === 0 && inst.spot === undefined)
    add(['instrument'], 'a product is required: set future or perpetual');
  if (kinds.length > 1) add(['instrument'], 'only one product may be set, got future and perpetual');

  // risk model: exactly one of logNormal / simple
  if (!c.logNormal && !c.simple) add(['logNormal'], 'a risk model is required: set logNormal or simple');
  if (c.logNormal && c.simple) add(['simple'], 'only one risk model may be set, got logNormal and simple');

  // settlement asset and decimals (spec 0070-MKTD: mdp + PDP <= adp)
  const kind = kinds[0];
  const prod = kind ? inst[kind]! : undefined;
  let asset: AssetInfo | undefined;
  if (prod && kind) {
    asset = Object.hasOwn(registry, prod.settlementAsset) ? registry[prod.settlementAsset] : undefined;
    if (!asset) {
      const known = Object.entries(registry)
        .map(([id, a]) => `${a.symbol} ${id}`)
        .join(', ');
      add(
        ['instrument', kind, 'settlementAsset'],
        `unknown asset "${prod.settlementAsset}": not in the asset registry (known: ${known}); supply its symbol, decimals and quantum`,
      );
    } else if (c.decimalPlaces + c.positionDecimalPlaces > asset.decimals) {
      add(
        ['decimalPlaces'],
        `decimalPlaces + positionDecimalPlaces must be at most the settlement asset's decimals (${asset.symbol}: ${asset.decimals}), got ${c.decimalPlaces} + ${c.positionDecimalPlaces}`,
      );
    }
  }

  let product: ProductConfig | undefined;
  if (kind === 'future') product = buildFuture(inst.future!, ['instrument', 'future'], add);
  if (kind === 'perpetual') {
    product = buildPerpetual(inst.perpetual!, ['instrument', 'perpetual'], add, warnings, env.enactmentTimestamp, dflt);
  }

  // risk model
  let riskModel: RiskModelConfig | undefined;
  if (c.logNormal) {
    const l = c.logNormal;
    riskModel = {
      kind: 'logNormal',
      riskAversionParameter: l.riskAversionParameter,
      tau: l.tau,
      mu: l.params.mu,
      r: l.params.r,
      sigma: l.params.sigma,
      ...(l.riskFactorOverride
        ? { riskFactorOverride: { long: l.riskFactorOverride.long, short: l.riskFactorOverride.short } }
        : {}),
    };
  } else if (c.simple) {
    const s = c.simple;
    riskModel = {
      kind: 'simple',
      factorLong: Decimal.fromFloat(s.factorLong),
      factorShort: Decimal.fromFloat(s.factorShort),
      maxMoveUp: Decimal.fromFloat(s.maxMoveUp),
      minMoveDown: Decimal.fromFloat(s.minMoveDown),
      probabilityOfTrading: Decimal.fromFloat(s.probabilityOfTrading),
    };
  }

  // fees: the factors come from network parameters, the liquidity fee from LP nominations (none yet)
  const feeSettings = c.liquidityFeeSettings;
  if (feeSettings?.method === 'METHOD_CONSTANT' && feeSettings.feeConstant === undefined) {
    add(['liquidityFeeSettings', 'feeConstant'], 'is required when method is METHOD_CONSTANT');
  }
  if (feeSettings && feeSettings.method !== 'METHOD_CONSTANT' && feeSettings.feeConstant !== undefined) {
    add(
      ['liquidityFeeSettings', 'method'],
      `must be METHOD_CONSTANT when feeConstant is set, got ${feeSettings.method}`,
    );
  }
  const method = (feeSettings?.method ?? 'METHOD_MARGINAL_COST').replace(/^METHOD_/, '') as LiquidityFeeMethod;
  if (!feeSettings)
    dflt(
      'fees.liquidityFeeMethod',
      'MARGINAL_COST',
      'liquidityFeeSettings omitted: Vega uses the marginal-cost method',
    );
  const fees: FeeConfig = {
    makerFee: net.makerFee,
    infrastructureFee: net.infrastructureFee,
    liquidityFee: Decimal.ZERO,
    buyBackFee: net.buyBackFee,
    treasuryFee: net.treasuryFee,
    liquidityFeeMethod: method,
    ...(feeSettings?.feeConstant !== undefined ? { liquidityFeeConstant: feeSettings.feeConstant } : {}),
  };
  const netSource = (p: string) => `network parameter ${p}${opts.network ? '' : ' (Vega code default)'}`;
  dflt('fees.makerFee', fees.makerFee.toString(), netSource('market.fee.factors.makerFee'));
  dflt('fees.infrastructureFee', fees.infrastructureFee.toString(), netSource('market.fee.factors.infrastructureFee'));
  dflt('fees.buyBackFee', fees.buyBackFee.toString(), netSource('market.fee.factors.buybackFee'));
  dflt('fees.treasuryFee', fees.treasuryFee.toString(), netSource('market.fee.factors.treasuryFee'));
  dflt('fees.liquidityFee', '0', 'no liquidity provider has nominated a fee yet');
  const sf = net.marginScalingFactors;
  dflt(
    'marginScalingFactors',
    `${sf.searchLevel} / ${sf.initialMargin} / ${sf.collateralRelease}`,
    netSource('market.margin.scalingFactors'),
  );

  // price monitoring: omitted → network parameter market.monitor.price.defaultParameters ({"triggers": []})
  const triggers = c.priceMonitoringParameters?.triggers ?? [];
  if (!c.priceMonitoringParameters) {
    dflt(
      'priceMonitoringTriggers',
      '[]',
      'network parameter market.monitor.price.defaultParameters (default: no triggers)',
    );
  }

  // slippage: proto3 strings, absent → "" which Vega reads as 0
  const linear = c.linearSlippageFactor ?? Decimal.ZERO;
  const quadratic = c.quadraticSlippageFactor ?? Decimal.ZERO;
  if (!c.linearSlippageFactor) dflt('linearSlippageFactor', '0', 'omitted: Vega reads the empty string as 0');
  if (!c.quadraticSlippageFactor) dflt('quadraticSlippageFactor', '0', 'omitted: Vega reads the empty string as 0');

  // tick size: absent → 1 (market precision)
  const tickSize = c.tickSize !== undefined ? BigInt(c.tickSize) : 1n;
  if (c.tickSize === undefined) dflt('tickSize', '1', 'omitted: Vega uses a tick size of 1');
  if (tickSize === 0n) add(['tickSize'], 'must be positive');

  // liquidation strategy: omitted → Vega's legacy strategy (close out the whole network position at once)
  let liquidationStrategy: LiquidationStrategy = LEGACY_LIQUIDATION_STRATEGY;
  if (c.liquidationStrategy) {
    const s = c.liquidationStrategy;
    liquidationStrategy = {
      disposalTimeStep: s.disposalTimeStep,
      disposalFraction: s.disposalFraction,
      fullDisposalSize: s.fullDisposalSize,
      maxFractionConsumed: s.maxFractionConsumed,
      disposalSlippageRange: s.disposalSlippageRange,
    };
  } else {
    dflt(
      'liquidationStrategy',
      'legacy (whole network position at once)',
      'liquidationStrategy omitted: Vega applies its legacy strategy',
    );
  }

  // mark price: omitted → last trade
  let markPrice: MarkPriceConfig = DEFAULT_MARK_PRICE;
  if (c.markPriceConfiguration)
    markPrice = buildCompositePrice(c.markPriceConfiguration, ['markPriceConfiguration'], add);
  else dflt('markPrice', 'LAST_TRADE', 'markPriceConfiguration omitted: the mark price is the last traded price');

  if (c.successor)
    warnings.push(
      `${formatPath([...at, 'successor'])}: the parent market is not part of this run (the engine models succession, spec 0081-SUCM, between markets of one exchange); the market starts with an empty insurance pool and no inherited LP virtual stakes`,
    );

  // opening auction: from closing to enactment time
  let openingAuctionDuration: number;
  if (env.closingTimestamp !== undefined && env.enactmentTimestamp !== undefined) {
    openingAuctionDuration = env.enactmentTimestamp - env.closingTimestamp;
  } else {
    openingAuctionDuration = opts.openingAuctionDuration ?? DEFAULT_OPENING_AUCTION_SECONDS;
    dflt(
      'openingAuctionDuration',
      `${openingAuctionDuration}s`,
      'no closing/enactment timestamps: the configured default',
    );
  }

  if (!issues.ok || !product || !riskModel || !asset || !prod) {
    throw new ProposalValidationError(issues.issues, opts.source);
  }

  const config: MarketConfig = {
    id: opts.marketId ?? inst.code,
    name: inst.name,
    settlementAsset: prod.settlementAsset,
    quoteName: prod.quoteName,
    decimalPlaces: c.decimalPlaces,
    positionDecimalPlaces: c.positionDecimalPlaces,
    tickSize,
    linearSlippageFactor: linear,
    quadraticSlippageFactor: quadratic,
    riskModel,
    marginScalingFactors: sf,
    fees,
    priceMonitoringTriggers: triggers.map((t) => ({
      horizon: t.horizon,
      probability: t.probability,
      auctionExtension: t.auctionExtension,
    })),
    targetStake: {
      timeWindow: c.liquidityMonitoringParameters.targetStakeParameters.timeWindow,
      scalingFactor: Decimal.fromFloat(c.liquidityMonitoringParameters.targetStakeParameters.scalingFactor),
    },
    sla: {
      priceRange: c.liquiditySlaParameters.priceRange,
      commitmentMinTimeFraction: c.liquiditySlaParameters.commitmentMinTimeFraction,
      performanceHysteresisEpochs: c.liquiditySlaParameters.performanceHysteresisEpochs,
      slaCompetitionFactor: c.liquiditySlaParameters.slaCompetitionFactor,
    },
    liquidationStrategy,
    markPrice,
    product,
    openingAuctionDuration,
  };

  // the engine's own invariants (stricter than Vega's in places, e.g. mdp above the asset's decimals)
  try {
    validateMarketConfig(config, asset.decimals);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ProposalValidationError(
      [{ path: formatPath(at), message: `not supported by the perpsim engine: ${e.field}: ${e.reason}` }],
      opts.source,
    );
  }

  return {
    config,
    notModelled: notModelledFields(c, at),
    asset: { id: prod.settlementAsset, ...asset },
    instrument: { name: inst.name, code: inst.code },
    metadata: c.metadata ?? [],
    ...(env.rationale ? { rationale: env.rationale } : {}),
    ...(env.closingTimestamp !== undefined ? { closingTimestamp: env.closingTimestamp } : {}),
    ...(env.enactmentTimestamp !== undefined ? { enactmentTimestamp: env.enactmentTimestamp } : {}),
    defaults,
    warnings,
    changesAt: [...at],
  };
}

type Add = (path: readonly PathSegment[], message: string) => void;

const ETH_ORACLE_REASON =
  'not modelled: perpsim does not call Ethereum contracts; the value reaches the engine as oracle data carrying the normalised properties, signed by the contract address';

/** Every field of the changes that the engine accepts without modelling, in document order. */
function notModelledFields(c: NewMarketChanges, at: readonly PathSegment[]): NotModelledField[] {
  const out: NotModelledField[] = [];
  const note = (path: readonly PathSegment[], reason: string) =>
    out.push({ path: formatPath([...at, ...path]), reason });
  const source = (spec: DataSourceDefinition | undefined, path: readonly PathSegment[]) => {
    const eth = spec?.external?.ethOracle;
    if (!eth) return;
    const p = [...path, 'external', 'ethOracle'];
    for (const k of ['abi', 'method', 'args', 'requiredConfirmations', 'sourceChainId'] as const)
      if (eth[k] !== undefined) note([...p, k], ETH_ORACLE_REASON);
    eth.normalisers.forEach((n, i) => {
      note(
        [...p, 'normalisers', i, 'expression'],
        `not modelled: the JSONPath is not evaluated; oracle data must carry the property "${n.name}" itself`,
      );
    });
    if (eth.trigger.timeTrigger !== undefined)
      note(
        [...p, 'trigger', 'timeTrigger'],
        'not modelled: nothing polls the contract; oracle data arrives when the session or caller submits it',
      );
  };
  const inst = c.instrument;
  if (inst.future) {
    source(inst.future.dataSourceSpecForSettlementData, ['instrument', 'future', 'dataSourceSpecForSettlementData']);
    source(inst.future.dataSourceSpecForTradingTermination, [
      'instrument',
      'future',
      'dataSourceSpecForTradingTermination',
    ]);
  }
  if (inst.perpetual) {
    const p = inst.perpetual;
    source(p.dataSourceSpecForSettlementData, ['instrument', 'perpetual', 'dataSourceSpecForSettlementData']);
    source(p.dataSourceSpecForSettlementSchedule, ['instrument', 'perpetual', 'dataSourceSpecForSettlementSchedule']);
    p.internalCompositePriceConfiguration?.dataSourcesSpec?.forEach((d, i) =>
      source(d, ['instrument', 'perpetual', 'internalCompositePriceConfiguration', 'dataSourcesSpec', i]),
    );
  }
  c.markPriceConfiguration?.dataSourcesSpec?.forEach((d, i) =>
    source(d, ['markPriceConfiguration', 'dataSourcesSpec', i]),
  );
  if (c.metadata !== undefined) note(['metadata'], 'informational: tags for front ends, no effect on the market');
  const lm = c.liquidityMonitoringParameters;
  if (lm.triggeringRatio !== undefined)
    note(
      ['liquidityMonitoringParameters', 'triggeringRatio'],
      'not modelled: Vega no longer has liquidity auctions and ignores it too',
    );
  if (lm.auctionExtension !== undefined)
    note(
      ['liquidityMonitoringParameters', 'auctionExtension'],
      'not modelled: Vega no longer has liquidity auctions and ignores it too',
    );
  if (c.enableTransactionReordering !== undefined)
    note(['enableTransactionReordering'], 'not modelled: the engine executes transactions in the order they are given');
  if (c.allowedEmptyAmmLevels !== undefined)
    note(['allowedEmptyAmmLevels'], 'not modelled: the engine has no automated market makers');
  return out;
}

function buildFuture(
  f: NonNullable<NewMarketChanges['instrument']['future']>,
  at: PathSegment[],
  add: Add,
): ProductConfig {
  const settlementData = settlementDataSource(
    f.dataSourceSpecForSettlementData,
    f.dataSourceSpecBinding.settlementDataProperty,
    at,
    add,
  );
  const term = f.dataSourceSpecForTradingTermination;
  const termPath = [...at, 'dataSourceSpecForTradingTermination'];
  const termProp = f.dataSourceSpecBinding.tradingTerminationProperty;
  const bindingPath = [...at, 'dataSourceSpecBinding', 'tradingTerminationProperty'];
  let tradingTermination: FutureProduct['tradingTermination'] = {
    signers: [],
    property: termProp,
    filters: filtersOf(term),
  };
  if (term.internal?.timeTrigger) {
    add(
      [...termPath, 'internal', 'timeTrigger'],
      'a time trigger cannot terminate a future: use internal.time or an external oracle',
    );
  } else if (term.internal?.time) {
    // the built-in time source: terminates when vegaprotocol.builtin.timestamp meets the conditions
    if (termProp !== BUILTIN_TIMESTAMP)
      add(bindingPath, `must be "${BUILTIN_TIMESTAMP}" for an internal time source, got "${termProp}"`);
  } else if (term.external?.ethOracle) {
    tradingTermination = {
      signers: [term.external.ethOracle.address.toLowerCase()],
      property: termProp,
      filters: filtersOf(term),
    };
    checkBinding(term, termProp, ['TYPE_BOOLEAN', 'TYPE_TIMESTAMP'], bindingPath, add);
  } else if (term.external?.oracle) {
    tradingTermination = { signers: signersOf(term), property: termProp, filters: filtersOf(term) };
    checkBinding(
      term,
      termProp,
      termProp === BUILTIN_TIMESTAMP ? ['TYPE_TIMESTAMP'] : ['TYPE_BOOLEAN'],
      bindingPath,
      add,
    );
  }
  if (f.cap) add([...at, 'cap'], 'capped futures are not supported by the perpsim engine yet');
  return { kind: 'future', settlementData, tradingTermination };
}

function buildPerpetual(
  p: NonNullable<NewMarketChanges['instrument']['perpetual']>,
  at: PathSegment[],
  add: Add,
  warnings: string[],
  enactment: number | undefined,
  dflt: (field: string, value: string, source: string) => void,
): ProductConfig {
  if (p.clampUpperBound.lt(p.clampLowerBound)) {
    add(
      [...at, 'clampUpperBound'],
      `must be at least clampLowerBound (${p.clampLowerBound}), got ${p.clampUpperBound}`,
    );
  }
  if (p.fundingRateLowerBound && p.fundingRateUpperBound && p.fundingRateLowerBound.gt(p.fundingRateUpperBound)) {
    add(
      [...at, 'fundingRateLowerBound'],
      `must not be above fundingRateUpperBound (${p.fundingRateUpperBound}), got ${p.fundingRateLowerBound}`,
    );
  }
  const settlementData = settlementDataSource(
    p.dataSourceSpecForSettlementData,
    p.dataSourceSpecBinding.settlementDataProperty,
    at,
    add,
  );

  const sched = p.dataSourceSpecForSettlementSchedule;
  const schedPath = [...at, 'dataSourceSpecForSettlementSchedule'];
  const schedProp = p.dataSourceSpecBinding.settlementScheduleProperty;
  const bindingPath = [...at, 'dataSourceSpecBinding', 'settlementScheduleProperty'];
  let settlementSchedule: FundingSchedule = { kind: 'oracle', signers: [], property: schedProp };
  if (sched.internal?.timeTrigger) {
    const trig = sched.internal.timeTrigger.triggers[0]!;
    if (schedProp !== BUILTIN_TIME_TRIGGER)
      add(bindingPath, `must be "${BUILTIN_TIME_TRIGGER}" for an internal time trigger, got "${schedProp}"`);
    // Vega: a trigger without `initial` first fires at the enactment time, then every `every` seconds
    let initial = trig.initial;
    if (initial === undefined && enactment !== undefined) {
      initial = enactment;
      dflt(
        'product.settlementSchedule.initial',
        String(enactment),
        'time trigger without initial: Vega starts it at the enactment time',
      );
    }
    // conditions apply to the trigger's time (vegaprotocol.builtin.timetrigger, unix seconds)
    const conditions = (sched.internal.timeTrigger.conditions ?? []).map((c) => ({
      operator: c.operator.replace(/^OPERATOR_/, '') as NonNullable<OracleFilter['conditions']>[number]['operator'],
      value: c.value,
    }));
    settlementSchedule = {
      kind: 'timeTrigger',
      every: trig.every,
      ...(initial !== undefined ? { initial } : {}),
      ...(conditions.length ? { conditions } : {}),
    };
  } else if (sched.internal?.time) {
    add(
      [...schedPath, 'internal', 'time'],
      'the settlement schedule must be a time trigger (internal.timeTrigger) or an external oracle',
    );
  } else if (sched.external?.ethOracle) {
    add(
      [...schedPath, 'external', 'ethOracle'],
      'an Ethereum oracle settlement schedule is not supported; use internal.timeTrigger',
    );
  } else if (sched.external?.oracle) {
    checkBinding(sched, schedProp, ['TYPE_TIMESTAMP', 'TYPE_INTEGER'], bindingPath, add);
    settlementSchedule = { kind: 'oracle', signers: signersOf(sched), property: schedProp, filters: filtersOf(sched) };
    warnings.push(
      `${formatPath(schedPath)}: Vega's governance accepts only internal time triggers as the settlement schedule of a new perpetual market; an oracle schedule is for simulation`,
    );
  }
  return {
    kind: 'perpetual',
    settlementData,
    settlementSchedule,
    marginFundingFactor: p.marginFundingFactor,
    interestRate: p.interestRate,
    clampLowerBound: p.clampLowerBound,
    clampUpperBound: p.clampUpperBound,
    ...(p.fundingRateScalingFactor ? { fundingRateScalingFactor: p.fundingRateScalingFactor } : {}),
    ...(p.fundingRateLowerBound ? { fundingRateLowerBound: p.fundingRateLowerBound } : {}),
    ...(p.fundingRateUpperBound ? { fundingRateUpperBound: p.fundingRateUpperBound } : {}),
    ...(p.internalCompositePriceConfiguration
      ? {
          internalCompositePrice: buildCompositePrice(
            p.internalCompositePriceConfiguration,
            [...at, 'internalCompositePriceConfiguration'],
            add,
          ),
        }
      : {}),
  };
}

/** Settlement data (and composite-price oracles): an external source whose bound property carries a number. */
function oracleSource(
  spec: DataSourceDefinition,
  property: string,
  specPath: PathSegment[],
  bindingPath: PathSegment[],
  add: Add,
): OracleSource {
  if (spec.internal) {
    add(
      [...specPath, 'internal'],
      'must be an external source (oracle or ethOracle): settlement data from an internal source is not allowed',
    );
    return { signers: [], property, decimals: 0 };
  }
  checkBinding(spec, property, ['TYPE_INTEGER', 'TYPE_DECIMAL'], bindingPath, add);
  const filters = spec.external?.oracle?.filters ?? spec.external?.ethOracle?.filters ?? [];
  // decimals of the value: the filter on the bound property, else the first filter (an Ethereum oracle's normaliser)
  const f = filters.find((x) => x.key.name === property) ?? filters[0];
  const decimals = f?.key.numberDecimalPlaces ?? 0;
  const eth = spec.external?.ethOracle;
  return { signers: eth ? [eth.address.toLowerCase()] : signersOf(spec), property, decimals, filters: filtersOf(spec) };
}

type JsonFilter = NonNullable<NonNullable<NonNullable<DataSourceDefinition['external']>['oracle']>['filters']>[number];

/** The spec's filters as the engine matches oracle data against them (TYPE_EMPTY keys carry no value to test). */
function filtersOf(spec: DataSourceDefinition): OracleFilter[] {
  const map = (fs: readonly JsonFilter[]): OracleFilter[] =>
    fs
      .filter((f) => f.key.type !== 'TYPE_EMPTY')
      .map((f) => ({
        property: f.key.name,
        type: f.key.type.replace(/^TYPE_/, '') as OracleFilter['type'],
        ...(f.key.numberDecimalPlaces !== undefined ? { decimals: f.key.numberDecimalPlaces } : {}),
        ...(f.conditions?.length
          ? {
              conditions: f.conditions.map((c) => ({
                operator: c.operator.replace(/^OPERATOR_/, '') as NonNullable<
                  OracleFilter['conditions']
                >[number]['operator'],
                value: c.value,
              })),
            }
          : {}),
      }));
  if (spec.external?.oracle) return map(spec.external.oracle.filters);
  if (spec.external?.ethOracle) return map(spec.external.ethOracle.filters);
  // the built-in time source: conditions on vegaprotocol.builtin.timestamp
  const conditions = spec.internal?.time?.conditions ?? [];
  return map([{ key: { name: BUILTIN_TIMESTAMP, type: 'TYPE_TIMESTAMP' }, conditions }]);
}

function settlementDataSource(spec: DataSourceDefinition, property: string, at: PathSegment[], add: Add): OracleSource {
  return oracleSource(
    spec,
    property,
    [...at, 'dataSourceSpecForSettlementData'],
    [...at, 'dataSourceSpecBinding', 'settlementDataProperty'],
    add,
  );
}

function signersOf(spec: DataSourceDefinition): string[] {
  return (spec.external?.oracle?.signers ?? []).map((s) => s.pubKey?.key ?? s.ethAddress!.address.toLowerCase());
}

/** The binding names a property the source publishes (a filter key, or an Ethereum oracle's normaliser). */
function checkBinding(
  spec: DataSourceDefinition,
  property: string,
  types: readonly string[],
  path: PathSegment[],
  add: Add,
): void {
  const filters = spec.external?.oracle?.filters ?? spec.external?.ethOracle?.filters ?? [];
  const normalisers = spec.external?.ethOracle?.normalisers.map((n) => n.name) ?? [];
  const filter = filters.find((f) => f.key.name === property);
  if (!filter && !normalisers.includes(property)) {
    const names = [...new Set([...filters.map((f) => f.key.name), ...normalisers])];
    add(
      path,
      `"${property}" matches no property of the data source (${names.map((n) => `"${n}"`).join(', ') || 'none'})`,
    );
    return;
  }
  if (filter && !types.includes(filter.key.type)) {
    add(path, `"${property}" is ${filter.key.type} in the data source; expected ${types.join(' or ')}`);
  }
}

/** markPriceConfiguration / internalCompositePriceConfiguration (Vega checkCompositePriceConfiguration). */
function buildCompositePrice(c: CompositePriceConfiguration, at: PathSegment[], add: Add): MarkPriceConfig {
  const type = c.compositePriceType;
  const specs = c.dataSourcesSpec ?? [];
  const bindings = c.dataSourcesSpecBinding ?? [];
  const sources = 3 + specs.length;
  if (type === 'COMPOSITE_PRICE_TYPE_LAST_TRADE') {
    const extra = (
      [
        'decayWeight',
        'decayPower',
        'cashAmount',
        'sourceWeights',
        'sourceStalenessTolerance',
        'dataSourcesSpec',
        'dataSourcesSpecBinding',
      ] as const
    ).filter((k) => c[k] !== undefined);
    for (const k of extra) add([...at, k], 'must not be set for COMPOSITE_PRICE_TYPE_LAST_TRADE');
    return DEFAULT_MARK_PRICE;
  }
  if (c.decayPower === undefined || c.decayPower < 1 || c.decayPower > 3)
    add([...at, 'decayPower'], 'must be 1, 2 or 3');
  if (c.decayWeight === undefined) add([...at, 'decayWeight'], 'is required');
  if (c.cashAmount === undefined) add([...at, 'cashAmount'], 'is required');
  const weights = c.sourceWeights ?? [];
  const staleness = c.sourceStalenessTolerance ?? [];
  if (type === 'COMPOSITE_PRICE_TYPE_WEIGHTED') {
    if (weights.length !== sources)
      add(
        [...at, 'sourceWeights'],
        `must give a weight for each of the ${sources} price sources (trades, book, ${specs.length} oracle(s), median)`,
      );
    if (weights.every((w) => w.isZero())) add([...at, 'sourceWeights'], 'must have at least one non-zero weight');
  } else if (weights.length > 0) {
    add([...at, 'sourceWeights'], 'must be empty unless compositePriceType is COMPOSITE_PRICE_TYPE_WEIGHTED');
  }
  if (staleness.length !== sources)
    add([...at, 'sourceStalenessTolerance'], `must give a tolerance for each of the ${sources} price sources`);
  if (bindings.length !== specs.length) add([...at, 'dataSourcesSpecBinding'], 'must have one binding per data source');
  const oracles = specs.map((s, i) =>
    oracleSource(
      s,
      bindings[i]?.priceSourceProperty ?? '',
      [...at, 'dataSourcesSpec', i],
      [...at, 'dataSourcesSpecBinding', i, 'priceSourceProperty'],
      add,
    ),
  );
  return {
    type: type === 'COMPOSITE_PRICE_TYPE_WEIGHTED' ? 'WEIGHTED' : 'MEDIAN',
    decayWeight: c.decayWeight ?? Decimal.ZERO,
    decayPower: Decimal.fromInt(c.decayPower ?? 1),
    cashAmount: BigInt(c.cashAmount ?? '0'),
    sourceWeights: weights,
    sourceStalenessToleranceNs: staleness.map((s) => parseDuration(s)),
    oracles,
  };
}

// ------------------------------------------------------------------ zod plumbing

/** Reason strings for zod's built-in checks (type mismatches, arrays); our leaf types give their own. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type') {
    if (iss.input === undefined) return 'is required';
    const expected =
      iss.expected === 'object' ? 'an object' : iss.expected === 'array' ? 'an array' : `a ${iss.expected}`;
    return `must be ${expected}, got ${describe(iss.input)}`;
  }
  return undefined;
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function zodIssues(err: z.ZodError, base: readonly PathSegment[]): ProposalIssue[] {
  const out: ProposalIssue[] = [];
  for (const iss of err.issues) {
    const path = [...base, ...(iss.path as PathSegment[])];
    if (iss.code === 'unrecognized_keys') {
      for (const k of iss.keys)
        out.push({ path: formatPath([...path, k]), message: "unknown field (not part of Vega's new-market proposal)" });
    } else {
      const repair = iss.code === 'custom' ? (iss.params as { repair?: Repair } | undefined)?.repair : undefined;
      out.push({
        path: formatPath(path),
        message: iss.message,
        ...(repair ? { repair: { kind: repair.kind, segments: path, value: repair.value } } : {}),
      });
    }
  }
  return out;
}

// ------------------------------------------------------------------ input normalisation

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * protobuf JSON: `null` means "not set", and a field may be written with its proto name (snake_case). Returns a new
 * document with camelCase keys and no nulls (the input is not modified).
 */
export function normaliseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normaliseKeys);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (val === null) continue;
    // defineProperty: a "__proto__" key stays an ordinary (unknown) field
    const name = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(k)
      ? k.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase())
      : k;
    Object.defineProperty(out, name, {
      value: normaliseKeys(val),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function jsonErrorWhere(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(msg);
  if (!m) return msg;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `${msg.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${col}`;
}
