// Parses a Vega new-spot-market governance proposal (JSON; spec 0080-SPOT, vega/governance.proto
// NewSpotMarketConfiguration) into the engine's SpotMarketSpec, with Vega v0.79's validation: the command checks
// (commands/proposal_submission.go checkNewSpotMarketConfiguration) and the governance checks
// (core/governance/market.go validateNewSpotMarketChange: assets, decimals against the assets, opening auction,
// triggers, risk and SLA parameters). Accepts the full proposal, the wallet's {proposalSubmission} wrapper, its
// `terms` or the bare `changes` (an `instrument` with `spot`). Every error names the field path and the reason.
import * as z from 'zod';
import { ConfigError, Decimal, validateSpotMarketSpec, type SpotMarketSpec } from '../core/index.ts';
import { assetRegistry, type AssetInfo } from './assets.ts';
import { formatPath, IssueCollector, ProposalValidationError, type PathSegment } from './errors.ts';
import { bool, double, int64, positive, text, uint64, uintString, within } from './fields.ts';
import { normaliseKeys, parseJsonText } from './json.ts';
import {
  DEFAULT_OPENING_AUCTION_SECONDS,
  errorMap,
  goDuration,
  readProposalText,
  VEGA_NETWORK_DEFAULTS,
  zodIssues,
  type DefaultedField,
  type ParseOptions,
} from './parse.ts';
import {
  liquidityFeeSettings,
  liquiditySlaParameters,
  logNormal,
  priceMonitoringParameters,
  simple,
  MAX_METADATA_TAGS,
} from './schema.ts';

const spotInstrument = z.strictObject({
  name: text({ nonEmpty: true }),
  code: text({ nonEmpty: true }),
  spot: z.strictObject({
    baseAsset: text({ nonEmpty: true }),
    quoteAsset: text({ nonEmpty: true }),
    name: text({ nonEmpty: true }),
  }),
});

/** NewSpotMarketConfiguration (v0.79 field names; decimalPlaces/positionDecimalPlaces read as their older names). */
export const newSpotMarketChanges = z.strictObject({
  instrument: spotInstrument,
  // uint64 < 150; proto3 default 0
  priceDecimalPlaces: uint64((v) => (v < 150 ? undefined : `must be less than 150, got ${v}`)).optional(),
  decimalPlaces: uint64((v) => (v < 150 ? undefined : `must be less than 150, got ${v}`)).optional(),
  // int64 in (-7, 7); proto3 default 0
  sizeDecimalPlaces: int64(within('[', -6, 6, ']')).optional(),
  positionDecimalPlaces: int64(within('[', -6, 6, ']')).optional(),
  tickSize: uintString().optional(),
  metadata: z.array(text()).max(MAX_METADATA_TAGS).optional(),
  priceMonitoringParameters: priceMonitoringParameters.optional(),
  targetStakeParameters: z.strictObject({ timeWindow: int64(positive()), scalingFactor: double(positive()) }),
  logNormal: logNormal.optional(),
  simple: simple.optional(),
  slaParams: liquiditySlaParameters.optional(),
  liquiditySlaParameters: liquiditySlaParameters.optional(),
  liquidityFeeSettings: liquidityFeeSettings.optional(),
  enableTransactionReordering: bool().optional(),
  allowedSellers: z.array(text({ nonEmpty: true })).optional(),
});
export type NewSpotMarketChanges = z.output<typeof newSpotMarketChanges>;

const spotTerms = z.strictObject({
  closingTimestamp: int64().optional(),
  enactmentTimestamp: int64().optional(),
  validationTimestamp: int64().optional(),
  newSpotMarket: z.strictObject({ changes: newSpotMarketChanges }),
});

const spotProposal = z.strictObject({
  reference: text().optional(),
  rationale: z.strictObject({ title: text({ nonEmpty: true }), description: text({ nonEmpty: true }) }),
  terms: spotTerms,
});

export interface ParsedSpotProposal {
  readonly spec: SpotMarketSpec;
  readonly baseAsset: AssetInfo & { readonly id: string };
  readonly quoteAsset: AssetInfo & { readonly id: string };
  readonly instrument: { readonly name: string; readonly code: string; readonly spotName: string };
  readonly metadata: readonly string[];
  readonly rationale?: { readonly title: string; readonly description: string };
  readonly closingTimestamp?: number;
  readonly enactmentTimestamp?: number;
  readonly defaults: readonly DefaultedField[];
  readonly warnings: readonly string[];
  /** where the `changes` object is in the input */
  readonly changesAt: readonly PathSegment[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a (key-normalised) document is a new-spot-market proposal, its terms or its changes. */
export function isSpotProposal(input: unknown): boolean {
  const doc = normaliseKeys(input);
  if (!isObject(doc)) return false;
  const body = isObject(doc.proposalSubmission) ? doc.proposalSubmission : doc;
  const terms = isObject(body.terms) ? body.terms : body;
  if (isObject(terms.newSpotMarket)) return true;
  return isObject(body.instrument) && isObject(body.instrument.spot);
}

export function loadSpotProposalFile(path: string, opts: ParseOptions = {}): ParsedSpotProposal {
  return parseSpotProposal(parseJsonText(readProposalText(path), path), { source: path, ...opts });
}

export function parseSpotProposal(input: unknown, opts: ParseOptions = {}): ParsedSpotProposal {
  const doc = normaliseKeys(input, opts.source);
  const fail = (path: readonly PathSegment[], message: string): never => {
    throw new ProposalValidationError([{ path: formatPath(path), message }], opts.source);
  };
  if (!isObject(doc)) return fail([], 'must be a JSON object');
  let base: PathSegment[] = [];
  let body: Record<string, unknown> = doc;
  if (isObject(doc.proposalSubmission)) {
    base = ['proposalSubmission'];
    body = doc.proposalSubmission;
  }
  const check = <T extends z.ZodType>(schema: T, v: unknown, at: PathSegment[]): z.output<T> => {
    const res = schema.safeParse(v, { error: errorMap });
    if (!res.success) throw new ProposalValidationError(zodIssues(res.error, at), opts.source);
    return res.data;
  };
  if ('terms' in body || 'rationale' in body) {
    const p = check(spotProposal, body, base);
    return build(p.terms.newSpotMarket.changes, [...base, 'terms'], p.terms, opts, p.rationale);
  }
  if ('newSpotMarket' in body) {
    const t = check(spotTerms, body, base);
    return build(t.newSpotMarket.changes, base, t, opts, undefined);
  }
  if ('instrument' in body) return build(check(newSpotMarketChanges, body, base), null, {}, opts, undefined, base);
  return fail(
    base,
    'expected a new-spot-market proposal {rationale, terms: {newSpotMarket: {changes}}}, its terms or its changes',
  );
}

function build(
  c: NewSpotMarketChanges,
  termsAt: PathSegment[] | null,
  terms: { closingTimestamp?: number; enactmentTimestamp?: number; validationTimestamp?: number },
  opts: ParseOptions,
  rationale: { title: string; description: string } | undefined,
  changesAt: PathSegment[] = [...(termsAt ?? []), 'newSpotMarket', 'changes'],
): ParsedSpotProposal {
  const at = termsAt === null ? changesAt : [...termsAt, 'newSpotMarket', 'changes'];
  const issues = new IssueCollector(at);
  const add = (path: readonly PathSegment[], message: string) => issues.add(path, message);
  const defaults: DefaultedField[] = [];
  const dflt = (field: string, value: string, source: string) => defaults.push({ field, value, source });
  const warnings: string[] = [];
  const net = { ...VEGA_NETWORK_DEFAULTS, ...(opts.network ?? {}) };
  const registry = assetRegistry(opts.assets);

  // the two spellings of the decimals fields (v0.79: price/size decimal places)
  if (c.priceDecimalPlaces !== undefined && c.decimalPlaces !== undefined)
    add(['decimalPlaces'], 'only one of priceDecimalPlaces and decimalPlaces may be set');
  if (c.sizeDecimalPlaces !== undefined && c.positionDecimalPlaces !== undefined)
    add(['positionDecimalPlaces'], 'only one of sizeDecimalPlaces and positionDecimalPlaces may be set');
  if (c.slaParams !== undefined && c.liquiditySlaParameters !== undefined)
    add(['liquiditySlaParameters'], 'only one of slaParams and liquiditySlaParameters may be set');
  const priceDp = c.priceDecimalPlaces ?? c.decimalPlaces ?? 0;
  const sizeDp = c.sizeDecimalPlaces ?? c.positionDecimalPlaces ?? 0;
  const sla = c.slaParams ?? c.liquiditySlaParameters;
  if (!sla) add(['slaParams'], 'is required');

  // product (checkNewSpot, validateSpot): two different, enabled assets; decimals within theirs
  const spot = c.instrument.spot;
  if (spot.baseAsset === spot.quoteAsset)
    add(
      ['instrument', 'spot', 'quoteAsset'],
      `is not valid: the base and quote assets must differ (both "${spot.baseAsset}")`,
    );
  const lookupAsset = (id: string, field: 'baseAsset' | 'quoteAsset'): AssetInfo | undefined => {
    const a = Object.hasOwn(registry, id) ? registry[id] : undefined;
    if (!a)
      add(
        ['instrument', 'spot', field],
        `unknown asset "${id}": not in the asset registry; supply its symbol, decimals and quantum`,
      );
    return a;
  };
  const quote = lookupAsset(spot.quoteAsset, 'quoteAsset');
  const baseA = lookupAsset(spot.baseAsset, 'baseAsset');
  if (quote && priceDp + sizeDp > quote.decimals)
    add(
      ['priceDecimalPlaces'],
      `market decimal + position decimals must be less than or equal to asset decimals (quote ${quote.symbol}: ${quote.decimals}), got ${priceDp} + ${sizeDp}`,
    );
  if (baseA && sizeDp > baseA.decimals)
    add(
      ['sizeDecimalPlaces'],
      `number of position decimal places must be less than or equal to the number base asset decimal places (base ${baseA.symbol}: ${baseA.decimals}), got ${sizeDp}`,
    );

  // risk model: exactly one
  if (!c.logNormal && !c.simple) add(['logNormal'], 'a risk model is required: set logNormal or simple');
  if (c.logNormal && c.simple) add(['simple'], 'only one risk model may be set, got logNormal and simple');

  // tick size: required and positive
  if (c.tickSize === undefined) add(['tickSize'], 'is required');
  else if (c.tickSize === 0n) add(['tickSize'], 'must be positive');

  const feeSettings = c.liquidityFeeSettings;
  if (feeSettings?.method === 'METHOD_CONSTANT' && feeSettings.feeConstant === undefined)
    add(['liquidityFeeSettings', 'feeConstant'], 'is required when method is METHOD_CONSTANT');
  if (feeSettings && feeSettings.method !== 'METHOD_CONSTANT' && feeSettings.feeConstant !== undefined)
    add(
      ['liquidityFeeSettings', 'method'],
      `must be METHOD_CONSTANT when feeConstant is set, got ${feeSettings.method}`,
    );
  if (c.allowedSellers?.length)
    warnings.push(
      `${formatPath([...at, 'allowedSellers'])}: only the listed parties may sell on this market; perpsim does not restrict sellers`,
    );

  // terms: timestamps and the opening auction (validateAuctionDuration)
  const closing = terms.closingTimestamp ?? 0;
  const enactment = terms.enactmentTimestamp ?? 0;
  const tAt = termsAt ?? [];
  if (termsAt) {
    if (closing < 0) issues.add(['closingTimestamp'], 'must not be negative');
    if (closing > 0 && enactment > 0 && closing > enactment)
      issues.add(['closingTimestamp'], `cannot be after enactmentTimestamp (${closing} > ${enactment})`);
    if ((terms.validationTimestamp ?? 0) !== 0)
      issues.add(['validationTimestamp'], 'must not be set for a new-market proposal');
  }
  const timed = closing > 0 && enactment > 0;
  let openingAuctionDuration: number;
  if (timed) openingAuctionDuration = enactment - closing;
  else {
    openingAuctionDuration = opts.openingAuctionDuration ?? DEFAULT_OPENING_AUCTION_SECONDS;
    dflt(
      'openingAuctionDuration',
      `${openingAuctionDuration}s`,
      'no closing/enactment timestamps: the configured default',
    );
  }
  if (openingAuctionDuration < net.auctionMinimumDuration)
    add(
      [],
      `proposal opening auction duration is too short, expected > ${goDuration(net.auctionMinimumDuration)}, got ${goDuration(openingAuctionDuration)}`,
    );
  else if (openingAuctionDuration > net.auctionMaximumDuration)
    add(
      [],
      `proposal opening auction duration is too long, expected < ${goDuration(net.auctionMaximumDuration)}, got ${goDuration(openingAuctionDuration)}`,
    );

  if (!issues.ok || !quote || !baseA || !sla || (!c.logNormal && !c.simple)) {
    throw new ProposalValidationError(issues.issues, opts.source);
  }

  const riskModel: SpotMarketSpec['riskModel'] = c.logNormal
    ? {
        kind: 'logNormal',
        riskAversionParameter: c.logNormal.riskAversionParameter,
        tau: c.logNormal.tau,
        mu: c.logNormal.params.mu,
        r: c.logNormal.params.r,
        sigma: c.logNormal.params.sigma,
      }
    : {
        kind: 'simple',
        factorLong: Decimal.fromFloat(c.simple!.factorLong),
        factorShort: Decimal.fromFloat(c.simple!.factorShort),
        maxMoveUp: Decimal.fromFloat(c.simple!.maxMoveUp),
        minMoveDown: Decimal.fromFloat(c.simple!.minMoveDown),
        probabilityOfTrading: Decimal.fromFloat(c.simple!.probabilityOfTrading),
      };
  const method = (feeSettings?.method ?? 'METHOD_MARGINAL_COST').replace(/^METHOD_/, '') as
    'MARGINAL_COST' | 'WEIGHTED_AVERAGE' | 'CONSTANT';
  if (!feeSettings)
    dflt(
      'fees.liquidityFeeMethod',
      'MARGINAL_COST',
      'liquidityFeeSettings omitted: Vega uses the marginal-cost method',
    );
  dflt('fees.makerFee', net.makerFee.toString(), 'network parameter market.fee.factors.makerFee');
  dflt(
    'fees.infrastructureFee',
    net.infrastructureFee.toString(),
    'network parameter market.fee.factors.infrastructureFee',
  );
  if (!c.priceMonitoringParameters)
    dflt(
      'priceMonitoringTriggers',
      '[]',
      'network parameter market.monitor.price.defaultParameters (default: no triggers)',
    );
  dflt('markPrice', 'LAST_TRADE', 'a spot market takes the last traded price as its mark price');

  const spec: SpotMarketSpec = {
    id: opts.marketId ?? c.instrument.code,
    name: c.instrument.name,
    baseAsset: spot.baseAsset,
    quoteAsset: spot.quoteAsset,
    decimalPlaces: priceDp,
    positionDecimalPlaces: sizeDp,
    tickSize: c.tickSize ?? 1n,
    riskModel,
    fees: {
      makerFee: net.makerFee,
      infrastructureFee: net.infrastructureFee,
      liquidityFee: Decimal.ZERO,
      buyBackFee: net.buyBackFee,
      treasuryFee: net.treasuryFee,
      liquidityFeeMethod: method,
      ...(feeSettings?.feeConstant !== undefined ? { liquidityFeeConstant: feeSettings.feeConstant } : {}),
    },
    priceMonitoringTriggers: (c.priceMonitoringParameters?.triggers ?? []).map((t) => ({
      horizon: t.horizon,
      probability: t.probability,
      auctionExtension: t.auctionExtension,
    })),
    targetStake: {
      timeWindow: c.targetStakeParameters.timeWindow,
      scalingFactor: Decimal.fromFloat(c.targetStakeParameters.scalingFactor),
    },
    sla: {
      priceRange: sla.priceRange,
      commitmentMinTimeFraction: sla.commitmentMinTimeFraction,
      performanceHysteresisEpochs: sla.performanceHysteresisEpochs,
      slaCompetitionFactor: sla.slaCompetitionFactor,
    },
    openingAuctionDuration,
  };
  // the engine's own invariants
  try {
    validateSpotMarketSpec(spec, quote.decimals);
  } catch (e) {
    if (!(e instanceof ConfigError) && !(e instanceof RangeError)) throw e;
    const msg = e instanceof ConfigError ? `${e.field}: ${e.reason}` : e.message;
    throw new ProposalValidationError(
      [{ path: formatPath(at), message: `not supported by the perpsim engine: ${msg}` }],
      opts.source,
    );
  }
  return {
    spec,
    baseAsset: { id: spot.baseAsset, ...baseA },
    quoteAsset: { id: spot.quoteAsset, ...quote },
    instrument: { name: c.instrument.name, code: c.instrument.code, spotName: spot.name },
    metadata: c.metadata ?? [],
    ...(rationale ? { rationale } : {}),
    ...(timed ? { closingTimestamp: closing, enactmentTimestamp: enactment } : {}),
    defaults,
    warnings:
      timed || !termsAt
        ? warnings
        : [
            `${formatPath(tAt)}: closingTimestamp/enactmentTimestamp are not set (a draft); Vega requires both to be positive when the proposal is submitted`,
            ...warnings,
          ],
    changesAt: at,
  };
}
