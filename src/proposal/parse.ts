// Parses a Vega new-market governance proposal (JSON) into the engine's MarketConfig, applying Vega's proposal
// validation (commands/proposal_submission.go, core/governance/market.go; vega-formulas.md §1.1, §2.1, §3.1, §5.1,
// §6.1, §9). Accepts the full proposal {rationale, terms: {newMarket: {changes}}}, the wallet's
// {proposalSubmission: …} wrapper, its `terms` or the bare `changes` object; snake_case keys are read as their camelCase JSON
// names, as protobuf JSON allows. Every error names the field path in the input and the reason. Fields the proposal
// leaves to the network (fees, margin scaling factors) or omits take the protocol's defaults, each listed in
// `defaults` of the result so that a reader sees what was assumed.
import { readFileSync, statSync } from 'node:fs';
import * as z from 'zod';
import {
  ConfigError,
  DEFAULT_MARK_PRICE,
  LEGACY_LIQUIDATION_STRATEGY,
  validateMarketConfig,
  type FeeConfig,
  type LiquidationStrategy,
  type LiquidityFeeMethod,
  type MarginScalingFactors,
  type MarketConfig,
  type MarkPriceConfig,
  type ProductConfig,
  type RiskModelConfig,
  Decimal,
} from '../core/index.ts';
import { assetRegistry, type AssetInfo, type AssetRegistry } from './assets.ts';
import { formatPath, IssueCollector, ProposalValidationError, type PathSegment, type ProposalIssue } from './errors.ts';
import type { Repair } from './fields.ts';
import { MAX_PROPOSAL_BYTES, normaliseKeys, parseJsonText } from './json.ts';
import {
  buildCompositePrice,
  buildFuture,
  buildPerpetual,
  notModelledFields,
  type NotModelledField,
} from './products.ts';
import {
  newMarketChanges,
  OTHER_CHANGE_KINDS,
  proposal,
  proposalTerms,
  type NewMarketChanges,
  type ProposalJson,
} from './schema.ts';

export { normaliseKeys, parseJsonText } from './json.ts';
export type { NotModelledField } from './products.ts';

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
  /** market.auction.minimumDuration, seconds: the shortest opening auction a proposal may give */
  readonly auctionMinimumDuration: number;
  /** market.auction.maximumDuration, seconds: the longest */
  readonly auctionMaximumDuration: number;
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
  auctionMinimumDuration: 30 * 60,
  auctionMaximumDuration: 168 * 3600,
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

// ------------------------------------------------------------------ entry points

/**
 * Reads a proposal file's text: a regular file of at most MAX_PROPOSAL_BYTES. Throws an Error naming the file and
 * the reason (missing, a directory, a device, too large).
 */
export function readProposalText(path: string): string {
  const fail = (why: string, cause?: unknown): never => {
    throw new Error(`${path}: cannot read the proposal file (${why})`, { cause });
  };
  try {
    const st = statSync(path);
    if (st.isDirectory()) fail('it is a directory');
    if (!st.isFile()) fail('not a regular file');
    if (st.size > MAX_PROPOSAL_BYTES) fail(`${st.size} bytes; a proposal is at most ${MAX_PROPOSAL_BYTES} (4 MiB)`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${path}: `)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'ENOENT' : (code ?? String(e)), e);
  }
}

/** Reads and parses a proposal file; throws ProposalValidationError (bad content) or an Error (unreadable file). */
export function loadProposalFile(path: string, opts: ParseOptions = {}): ParsedProposal {
  return parseProposalText(readProposalText(path), { source: path, ...opts });
}

/** Parses proposal JSON text; a syntax error is reported with its line and column. */
export function parseProposalText(text: string, opts: ParseOptions = {}): ParsedProposal {
  return parseProposal(parseJsonText(text, opts.source), opts);
}

export function parseProposal(input: unknown, opts: ParseOptions = {}): ParsedProposal {
  const doc = normaliseKeys(input, opts.source);
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

  // slippage (v0.79): the linear factor is required; the quadratic factor is deprecated: read, range-checked as
  // Vega checks it, then set to 0 so that no margin uses it
  if (c.linearSlippageFactor === undefined) add(['linearSlippageFactor'], 'is required');
  const linear = c.linearSlippageFactor ?? Decimal.ZERO;
  if (c.quadraticSlippageFactor !== undefined && !c.quadraticSlippageFactor.isZero()) {
    warnings.push(
      `${formatPath([...at, 'quadraticSlippageFactor'])}: deprecated: Vega v0.79 ignores it (sets it to 0), so margins use only the linear slippage factor; "${c.quadraticSlippageFactor.toString()}" has no effect`,
    );
  }
  dflt('quadraticSlippageFactor', '0', 'deprecated: Vega v0.79 sets it to 0 whatever the proposal gives');

  // tick size: required and positive (v0.79)
  if (c.tickSize === undefined) add(['tickSize'], 'is required');
  else if (c.tickSize === 0n) add(['tickSize'], 'must be positive');
  const tickSize = c.tickSize ?? 1n;

  // liquidation strategy: omitted → Vega's legacy strategy (close out the whole network position at once)
  let liquidationStrategy: LiquidationStrategy = LEGACY_LIQUIDATION_STRATEGY;
  if (c.liquidationStrategy) {
    const s = c.liquidationStrategy;
    // core/governance/market.go validateLiquidationStrategy
    if (!s.disposalSlippageRange?.isPositive())
      add(
        ['liquidationStrategy', 'disposalSlippageRange'],
        'liquidation strategy must specify a disposal slippage range > 0',
      );
    liquidationStrategy = {
      disposalTimeStep: s.disposalTimeStep,
      disposalFraction: s.disposalFraction,
      fullDisposalSize: s.fullDisposalSize,
      maxFractionConsumed: s.maxFractionConsumed,
      disposalSlippageRange: s.disposalSlippageRange ?? Decimal.ZERO,
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

  // opening auction: from closing to enactment time, within market.auction.minimumDuration and maximumDuration
  // (core/governance/market.go validateAuctionDuration); never stretched to fit
  let openingAuctionDuration: number;
  const timed = env.closingTimestamp !== undefined && env.enactmentTimestamp !== undefined;
  if (timed) {
    openingAuctionDuration = env.enactmentTimestamp! - env.closingTimestamp!;
  } else {
    openingAuctionDuration = opts.openingAuctionDuration ?? DEFAULT_OPENING_AUCTION_SECONDS;
    dflt(
      'openingAuctionDuration',
      `${openingAuctionDuration}s`,
      'no closing/enactment timestamps: the configured default',
    );
  }
  const auctionWhere = timed ? 'enactmentTimestamp - closingTimestamp' : 'the opening auction given to perpsim';
  if (openingAuctionDuration < net.auctionMinimumDuration) {
    issues.add(
      timed ? [...at.slice(0, -2), 'enactmentTimestamp'] : [...at],
      `proposal opening auction duration is too short, expected > ${goDuration(net.auctionMinimumDuration)}, got ${goDuration(openingAuctionDuration)} (${auctionWhere}; network parameter market.auction.minimumDuration)`,
    );
  } else if (openingAuctionDuration > net.auctionMaximumDuration) {
    issues.add(
      timed ? [...at.slice(0, -2), 'enactmentTimestamp'] : [...at],
      `proposal opening auction duration is too long, expected < ${goDuration(net.auctionMaximumDuration)}, got ${goDuration(openingAuctionDuration)} (${auctionWhere}; network parameter market.auction.maximumDuration)`,
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
    quadraticSlippageFactor: Decimal.ZERO,
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

/** A number of seconds as Go's time.Duration prints it (Vega's messages): 45s, 10m0s, 168h0m0s. */
export function goDuration(seconds: number): string {
  const neg = seconds < 0 ? '-' : '';
  let t = Math.abs(seconds);
  const h = Math.floor(t / 3600);
  t -= h * 3600;
  const m = Math.floor(t / 60);
  const sec = t - m * 60;
  if (h > 0) return `${neg}${h}h${m}m${sec}s`;
  if (m > 0) return `${neg}${m}m${sec}s`;
  return `${neg}${sec}s`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ------------------------------------------------------------------ zod plumbing

/** Reason strings for zod's built-in checks (type mismatches, arrays); our leaf types give their own. */
export const errorMap: z.core.$ZodErrorMap = (iss) => {
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

export function zodIssues(err: z.ZodError, base: readonly PathSegment[]): ProposalIssue[] {
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
