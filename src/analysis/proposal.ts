// What a new-market proposal means for the people who vote on it and trade it: risk factors and leverage, margins at
// a price, price-monitoring bounds, funding, target stake and the SLA, with warnings for what a careful reviewer
// would raise. Every number comes from the engine's own code (src/core/risk/models.ts for the log-normal risk
// factors and the bound factors, margin.ts for margins, products/perpetual.ts for funding), so the analyser and the
// engine cannot disagree. Spec: vega-formulas.md §1.2 (risk factors), §1.4 (leverage as the console shows it),
// §2.2–2.3 (margins), §3.2 (bound factors), §5.4 (funding), §6.1–6.5 (SLA, target stake), 0062-SPAM (minimum order
// margin).
import { Decimal } from '../core/num/decimal.ts';
import { pow10 } from '../core/num/bigint.ts';
import { NS } from '../core/types.ts';
import type { MarketConfig, PerpetualProduct, RiskModelConfig } from '../core/config/market.ts';
import { defaultNetworkParams } from '../core/config/network.ts';
import { boundFactors, riskFactors as engineRiskFactors } from '../core/risk/models.ts';
import { crossMarginLevels, maintenanceMarginDecimal, type RiskFactors } from '../core/risk/margin.ts';
import { logNormalRiskFactors, SECONDS_PER_YEAR } from '../core/risk/quant.ts';
import { PerpetualState, YEAR_NS } from '../core/products/perpetual.ts';
import {
  formatPath,
  type DefaultedField,
  type LenientParse,
  type PathSegment,
  type ProposalRepair,
} from '../proposal/index.ts';
import { KNOWN_ORACLE_VALUES } from './oracles.ts';
import { duration, pct, positionFactor, shiftDown, shiftUp, sig, smallestSize } from './units.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface AnalysisWarning {
  readonly code: string;
  readonly severity: Severity;
  /** JSON path of the field in the proposal as given ('(document)' for the proposal as a whole) */
  readonly path: string;
  readonly message: string;
}

export interface AnalyzeOptions {
  /** price in quote units (market units) at which margins, bounds and target stake are evaluated */
  readonly price?: string;
  /** leverage above this is flagged (default DEFAULT_MAX_LEVERAGE) */
  readonly maxLeverage?: number;
  /** leverage below this is flagged (default DEFAULT_MIN_LEVERAGE) */
  readonly minLeverage?: number;
  /** the leverage the designers aim for: flagged when off by more than TARGET_TOLERANCE, and the tau that gives it */
  readonly targetLeverage?: number;
  /** spam.order.minimalMarginQuantumMultiple: a smallest order whose margin is below this × quantum is flagged */
  readonly minOrderMarginQuantumMultiple?: string;
}

export const DEFAULT_MAX_LEVERAGE = 100;
export const DEFAULT_MIN_LEVERAGE = 2;
export const DEFAULT_MIN_ORDER_MARGIN_QUANTUM_MULTIPLE = '0.1';
/** relative deviation from --target-leverage that is flagged */
export const TARGET_TOLERANCE = 0.15;
/** comparables: a leverage at least this many times (or at most 1/this of) the others' median is flagged */
export const COMPARABLE_RATIO = 2;
/** a margin horizon (tau) shorter than this, in seconds, is flagged */
export const SHORT_TAU_SECONDS = 60;

export interface SideValues<T> {
  readonly long: T;
  readonly short: T;
}

export interface MarginSet {
  readonly maintenance: SideValues<string>;
  readonly initial: SideValues<string>;
}

export interface PriceMonitoringEntry {
  readonly horizon: number;
  readonly horizonText: string;
  readonly probability: string;
  readonly auctionExtension: number;
  /** bounds at the analysis price, in market precision (min rounded up, max down, as Vega reports them) */
  readonly min: string;
  readonly max: string;
  /** the moves the bounds allow, in % of the price */
  readonly downPct: number;
  readonly upPct: number;
  readonly factors: { readonly down: string; readonly up: string };
}

export interface OracleInfo {
  readonly kind: 'ethereum' | 'signed';
  readonly address?: string;
  /** seconds between Ethereum oracle reads */
  readonly every?: number;
  readonly requiredConfirmations?: number;
  readonly signers?: number;
  readonly decimals: number;
  readonly property: string;
}

export interface FundingAnalysis {
  /** seconds between funding payments (time-trigger schedule), null for an oracle schedule */
  readonly every: number | null;
  readonly everyText: string;
  readonly periodsPerYear: number | null;
  readonly oracle: OracleInfo;
  readonly interestRate: string;
  /** interestRate × period / 365 days (the engine's funding year) */
  readonly interestPerPeriod: string | null;
  readonly clampLowerBound: string;
  readonly clampUpperBound: string;
  /** the funding rate per period when the mark and oracle prices agree, computed by the engine's funding code */
  readonly rateAtZeroPremium: string | null;
  readonly annualisedAtZeroPremium: number | null;
  readonly fundingRateScalingFactor: string | null;
  readonly fundingRateBounds: { readonly lower: string | null; readonly upper: string | null };
  /** largest funding payment per period in % of notional; null when the rate is not bounded */
  readonly largestPaymentPct: number | null;
  readonly largestPaymentNote: string;
  readonly marginFundingFactor: string;
  /** funding margin add-on per contract at zero premium (quote units) */
  readonly marginAddOnPerContract: string | null;
}

export interface ProposalAnalysis {
  readonly source: string;
  readonly title: string | null;
  readonly market: {
    readonly name: string;
    readonly code: string;
    readonly product: 'future' | 'perpetual';
    readonly settlementAsset: {
      readonly id: string;
      readonly symbol: string;
      readonly decimals: number;
      readonly quantum: string;
    };
    readonly decimalPlaces: number;
    readonly positionDecimalPlaces: number;
    /** price tick in quote units */
    readonly tick: string;
    /** smallest order in contracts */
    readonly smallestOrder: string;
    readonly metadata: readonly string[];
    readonly closingTimestamp: number | null;
    readonly enactmentTimestamp: number | null;
  };
  readonly price: { readonly value: string; readonly source: 'option' | 'oracle' | 'default'; readonly note: string };
  readonly riskModel:
    | {
        readonly kind: 'logNormal';
        readonly tau: number;
        /** tau as a time horizon (365.25-day year) */
        readonly tauSeconds: number;
        readonly tauText: string;
        readonly riskAversionParameter: number;
        readonly mu: number;
        readonly r: number;
        readonly sigma: number;
        readonly riskFactorOverride: boolean;
      }
    | {
        readonly kind: 'simple';
        readonly factorLong: string;
        readonly factorShort: string;
        readonly maxMoveUp: string;
        readonly minMoveDown: string;
        readonly probabilityOfTrading: string;
      };
  readonly riskFactors: SideValues<string>;
  readonly leverage: {
    /** 1 / risk factor */
    readonly max: SideValues<number>;
    /** max / initial margin scaling factor */
    readonly initial: SideValues<number>;
    readonly initialMarginScalingFactor: string;
    /** 1 / (max risk factor + linear slippage factor): the most an isolated-margin position can use */
    readonly isolated: number;
    readonly linearSlippageFactor: string;
    /** the larger of max.long and max.short */
    readonly headline: number;
    /** JSON path of the risk model in the proposal */
    readonly riskModelPath: string;
    /** with --target-leverage: the tau that gives it, other parameters unchanged */
    readonly target?: { readonly leverage: number; readonly tau: number | null; readonly tauText: string | null };
  };
  readonly margins: {
    readonly price: string;
    readonly asset: string;
    /** per contract (one unit of the underlying), exact, before rounding to asset units */
    readonly perContract: { readonly position: MarginSet; readonly order: MarginSet };
    /** for the smallest order the position decimals allow, as the engine charges it (rounded up to asset units) */
    readonly smallestOrder: { readonly size: string; readonly position: MarginSet; readonly order: MarginSet };
    /** Vega's spam check (0062-SPAM): (rf + linear slippage) × size × price ≥ multiple × quantum */
    readonly spamCheck: {
      readonly margin: string;
      readonly threshold: string;
      readonly quantumMultiple: string;
      readonly passes: boolean;
    };
    readonly notes: readonly string[];
  };
  readonly priceMonitoring: readonly PriceMonitoringEntry[];
  readonly funding: FundingAnalysis | null;
  readonly liquidity: {
    readonly targetStake: {
      readonly timeWindow: number;
      readonly timeWindowText: string;
      readonly scalingFactor: string;
      /** target stake per contract of open interest at the price (quote units) */
      readonly perContractOfOpenInterest: string;
      /** target stake as a fraction of open-interest notional: trunc5(max rf) × trunc5(scaling factor) */
      readonly fractionOfOpenInterestNotional: string;
    };
    readonly feeMethod: string;
    readonly sla: {
      readonly priceRange: string;
      readonly commitmentMinTimeFraction: string;
      readonly performanceHysteresisEpochs: number;
      readonly slaCompetitionFactor: string;
      readonly description: readonly string[];
    };
  };
  readonly fees: {
    readonly maker: string;
    readonly infrastructure: string;
    readonly buyBack: string;
    readonly treasury: string;
  };
  readonly defaults: readonly DefaultedField[];
  readonly repairs: readonly ProposalRepair[];
  readonly warnings: AnalysisWarning[];
}

/** Raised for options the analyser cannot use (a bad --price). */
export class AnalysisError extends Error {}

const FIVE_DP = pow10(5);
const trunc5 = (d: Decimal) => Decimal.of(d.mulBig(FIVE_DP).trunc(), 5);

/** Analyses a parsed proposal (from parseProposalLenient) at a price. */
export function analyseProposal(source: string, input: LenientParse, opts: AnalyzeOptions = {}): ProposalAnalysis {
  const { parsed, document } = input;
  const cfg = parsed.config;
  const asset = parsed.asset;
  const adp = asset.decimals;
  const mdp = cfg.decimalPlaces;
  const changes = locate(document, parsed.changesAt);
  const pathOf = (...rest: PathSegment[]) => formatPath([...parsed.changesAt, ...rest]);

  // ---- price
  const price = resolvePrice(opts.price, cfg, adp);
  const priceAsset = shiftUp(price.value, adp).trunc();

  // ---- risk factors (the engine's: LogNormal.CalculateRiskFactors → DecimalFromFloat, or the override / simple)
  const rf = engineRiskFactors(cfg.riskModel);
  const rfMax = Decimal.max(rf.long, rf.short);
  const sf = cfg.marginScalingFactors;
  const initialFactor = trunc5(sf.initialMargin);
  const inv = (d: Decimal) => (d.isZero() ? Infinity : 1 / d.toNumber());
  const maxLev = { long: inv(rf.long), short: inv(rf.short) };
  const leverage: ProposalAnalysis['leverage'] = {
    max: maxLev,
    initial: { long: maxLev.long / initialFactor.toNumber(), short: maxLev.short / initialFactor.toNumber() },
    initialMarginScalingFactor: sf.initialMargin.toString(),
    isolated: inv(rfMax.add(cfg.linearSlippageFactor)),
    linearSlippageFactor: cfg.linearSlippageFactor.toString(),
    headline: Math.max(maxLev.long, maxLev.short),
    riskModelPath: pathOf(cfg.riskModel.kind === 'logNormal' ? 'logNormal' : 'simple'),
    ...(opts.targetLeverage !== undefined ? { target: targetTau(cfg.riskModel, opts.targetLeverage) } : {}),
  };

  // ---- margins
  const margins = analyseMargins(cfg, rf, priceAsset, price.value, asset, initialFactor, opts);

  // ---- price monitoring
  const priceFactor = pow10(adp - mdp);
  const priceMonitoring = cfg.priceMonitoringTriggers.map((t): PriceMonitoringEntry => {
    const ref = Decimal.fromBigInt(priceAsset);
    const f = boundFactors(cfg.riskModel, ref, t.horizon, t.probability);
    const minAsset = ref.mul(f.down).ceil();
    const maxAsset = ref.mul(f.up).floor();
    const minMarket = (minAsset + priceFactor - 1n) / priceFactor;
    const maxMarket = maxAsset / priceFactor;
    return {
      horizon: t.horizon,
      horizonText: duration(t.horizon),
      probability: t.probability.toString(),
      auctionExtension: t.auctionExtension,
      min: shiftDown(Decimal.fromBigInt(minMarket), mdp).toFixed(Math.max(mdp, 0)),
      max: shiftDown(Decimal.fromBigInt(maxMarket), mdp).toFixed(Math.max(mdp, 0)),
      downPct: f.down.sub(Decimal.ONE).toNumber() * 100,
      upPct: f.up.sub(Decimal.ONE).toNumber() * 100,
      factors: { down: f.down.toString(), up: f.up.toString() },
    };
  });

  // ---- funding
  const funding = cfg.product.kind === 'perpetual' ? analyseFunding(cfg.product, changes, priceAsset, adp) : null;

  // ---- liquidity
  const sfTarget = trunc5(cfg.targetStake.scalingFactor);
  const targetFraction = trunc5(rfMax).mul(sfTarget);
  const net = defaultNetworkParams();
  const sla = cfg.sla;
  const liquidity: ProposalAnalysis['liquidity'] = {
    targetStake: {
      timeWindow: cfg.targetStake.timeWindow,
      timeWindowText: duration(cfg.targetStake.timeWindow),
      scalingFactor: cfg.targetStake.scalingFactor.toString(),
      perContractOfOpenInterest: price.value.mul(targetFraction).toString(),
      fractionOfOpenInterestNotional: targetFraction.toString(),
    },
    feeMethod: cfg.fees.liquidityFeeMethod,
    sla: {
      priceRange: sla.priceRange.toString(),
      commitmentMinTimeFraction: sla.commitmentMinTimeFraction.toString(),
      performanceHysteresisEpochs: sla.performanceHysteresisEpochs,
      slaCompetitionFactor: sla.slaCompetitionFactor.toString(),
      description: slaInWords(cfg, net),
    },
  };

  const riskModel: ProposalAnalysis['riskModel'] =
    cfg.riskModel.kind === 'logNormal'
      ? {
          kind: 'logNormal',
          tau: cfg.riskModel.tau,
          tauSeconds: cfg.riskModel.tau * SECONDS_PER_YEAR,
          tauText: duration(cfg.riskModel.tau * SECONDS_PER_YEAR),
          riskAversionParameter: cfg.riskModel.riskAversionParameter,
          mu: cfg.riskModel.mu,
          r: cfg.riskModel.r,
          sigma: cfg.riskModel.sigma,
          riskFactorOverride: cfg.riskModel.riskFactorOverride !== undefined,
        }
      : {
          kind: 'simple',
          factorLong: cfg.riskModel.factorLong.toString(),
          factorShort: cfg.riskModel.factorShort.toString(),
          maxMoveUp: cfg.riskModel.maxMoveUp.toString(),
          minMoveDown: cfg.riskModel.minMoveDown.toString(),
          probabilityOfTrading: cfg.riskModel.probabilityOfTrading.toString(),
        };

  const analysis: ProposalAnalysis = {
    source,
    title: parsed.rationale?.title ?? null,
    market: {
      name: parsed.instrument.name,
      code: parsed.instrument.code,
      product: cfg.product.kind,
      settlementAsset: {
        id: asset.id,
        symbol: asset.symbol,
        decimals: adp,
        quantum: shiftDown(asset.quantum, adp).toString(),
      },
      decimalPlaces: mdp,
      positionDecimalPlaces: cfg.positionDecimalPlaces,
      tick: shiftDown(Decimal.fromBigInt(cfg.tickSize), mdp).toString(),
      smallestOrder: smallestSize(cfg.positionDecimalPlaces).toString(),
      metadata: parsed.metadata,
      closingTimestamp: parsed.closingTimestamp ?? null,
      enactmentTimestamp: parsed.enactmentTimestamp ?? null,
    },
    price: { value: price.value.toString(), source: price.source, note: price.note },
    riskModel,
    riskFactors: { long: rf.long.toString(), short: rf.short.toString() },
    leverage,
    margins,
    priceMonitoring,
    funding,
    liquidity,
    fees: {
      maker: cfg.fees.makerFee.toString(),
      infrastructure: cfg.fees.infrastructureFee.toString(),
      buyBack: cfg.fees.buyBackFee.toString(),
      treasury: cfg.fees.treasuryFee.toString(),
    },
    defaults: parsed.defaults,
    repairs: input.repairs,
    warnings: [],
  };
  analysis.warnings.push(...reviewWarnings(analysis, input, changes, pathOf, opts));
  return analysis;
}

// ------------------------------------------------------------------ price

function resolvePrice(
  given: string | undefined,
  cfg: MarketConfig,
  adp: number,
): { value: Decimal; source: 'option' | 'oracle' | 'default'; note: string } {
  if (given !== undefined) {
    let v: Decimal;
    try {
      v = Decimal.parse(given);
    } catch {
      throw new AnalysisError(`--price: "${given}" is not a number`);
    }
    if (!v.isPositive()) throw new AnalysisError(`--price: must be positive, got ${given}`);
    if (v.gt(Decimal.parse('1e15'))) throw new AnalysisError(`--price: at most 1e15, got ${given}`);
    if (!shiftUp(v, adp).isInteger()) {
      throw new AnalysisError(`--price: ${given} has more decimals than the settlement asset (${adp})`);
    }
    return { value: v.reduce(), source: 'option', note: 'given with --price' };
  }
  const signer = cfg.product.settlementData.signers[0];
  const known = signer !== undefined ? KNOWN_ORACLE_VALUES[signer.toLowerCase()] : undefined;
  if (known) {
    return {
      value: Decimal.parse(known.price),
      source: 'oracle',
      note: `last value of the settlement oracle known to perpsim (${known.feed}; ${known.source})`,
    };
  }
  return {
    value: Decimal.ONE,
    source: 'default',
    note: 'no --price given and the oracle is not one perpsim knows: amounts are per 1 unit of price; give --price',
  };
}

// ------------------------------------------------------------------ margins

function analyseMargins(
  cfg: MarketConfig,
  rf: RiskFactors,
  priceAsset: bigint,
  price: Decimal,
  asset: { readonly decimals: number; readonly symbol: string; readonly quantum: Decimal },
  initialFactor: Decimal,
  opts: AnalyzeOptions,
): ProposalAnalysis['margins'] {
  const adp = asset.decimals;
  const common = {
    price: priceAsset,
    riskFactors: rf,
    linearSlippageFactor: cfg.linearSlippageFactor,
    quadraticSlippageFactor: cfg.quadraticSlippageFactor,
  };
  const units = (d: Decimal) => shiftDown(d, adp).toString();
  // per contract: exact decimals with a position factor of 1 (one unit of the underlying)
  const exact = (openVolume: number, buyOrders: number, sellOrders: number) => {
    const mm = maintenanceMarginDecimal({ ...common, openVolume, buyOrders, sellOrders, positionFactor: Decimal.ONE });
    return { maintenance: units(mm), initial: units(mm.mul(initialFactor)) };
  };
  const perContractSet = (long: ReturnType<typeof exact>, short: ReturnType<typeof exact>): MarginSet => ({
    maintenance: { long: long.maintenance, short: short.maintenance },
    initial: { long: long.initial, short: short.initial },
  });
  // the smallest order: one unit of position precision, through the engine's cross-margin levels
  const pf = positionFactor(cfg.positionDecimalPlaces);
  const engine = (openVolume: number, buyOrders: number, sellOrders: number) => {
    const l = crossMarginLevels(
      { ...common, openVolume, buyOrders, sellOrders, positionFactor: pf },
      cfg.marginScalingFactors,
    );
    return {
      maintenance: units(Decimal.fromBigInt(l.maintenance)),
      initial: units(Decimal.fromBigInt(l.initial)),
    };
  };
  const size = smallestSize(cfg.positionDecimalPlaces);
  const multiple = Decimal.parse(opts.minOrderMarginQuantumMultiple ?? DEFAULT_MIN_ORDER_MARGIN_QUANTUM_MULTIPLE);
  const cheapestRf = Decimal.min(rf.long, rf.short);
  const spamMargin = cheapestRf.add(cfg.linearSlippageFactor).mul(size).mul(price);
  const threshold = multiple.mul(shiftDown(asset.quantum, adp));
  return {
    price: price.toString(),
    asset: asset.symbol,
    perContract: {
      position: perContractSet(exact(1, 0, 0), exact(-1, 0, 0)),
      order: perContractSet(exact(0, 1, 0), exact(0, 0, 1)),
    },
    smallestOrder: {
      size: size.toString(),
      position: perContractSet(engine(1, 0, 0), engine(-1, 0, 0)),
      order: perContractSet(engine(0, 1, 0), engine(0, 0, 1)),
    },
    spamCheck: {
      margin: spamMargin.toString(),
      threshold: threshold.toString(),
      quantumMultiple: multiple.toString(),
      passes: spamMargin.gte(threshold),
    },
    notes: [
      'position: an open position (risk factor + slippage factors); order: a resting order (risk factor only)',
      'perpetuals: the funding margin add-on (payment × marginFundingFactor) comes on top once a funding period has data',
    ],
  };
}

// ------------------------------------------------------------------ leverage target

/** The tau at which the highest max leverage equals `target`, by bisection on the engine's risk-factor formula. */
function targetTau(
  model: RiskModelConfig,
  target: number,
): { leverage: number; tau: number | null; tauText: string | null } {
  if (model.kind !== 'logNormal' || model.riskFactorOverride || !(target > 0)) {
    return { leverage: target, tau: null, tauText: null };
  }
  const lev = (tau: number) => {
    const f = logNormalRiskFactors({ ...model, tau });
    return 1 / Math.min(f.long, f.short);
  };
  // leverage falls as tau grows; search tau in [1e-12, 1] on a log scale
  let lo = Math.log(1e-12);
  let hi = 0;
  if (lev(Math.exp(hi)) > target || lev(Math.exp(lo)) < target) return { leverage: target, tau: null, tauText: null };
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (lev(Math.exp(mid)) > target) lo = mid;
    else hi = mid;
  }
  const tau = Number(Math.exp((lo + hi) / 2).toPrecision(6));
  return { leverage: target, tau, tauText: duration(tau * SECONDS_PER_YEAR) };
}

// ------------------------------------------------------------------ funding

function analyseFunding(
  p: PerpetualProduct,
  changes: Record<string, unknown>,
  priceAsset: bigint,
  adp: number,
): FundingAnalysis {
  const every = p.settlementSchedule.kind === 'timeTrigger' ? p.settlementSchedule.every : null;
  let interestPerPeriod: Decimal | null = null;
  let rateAtZeroPremium: Decimal | null = null;
  let paymentAtZeroPremium: Decimal | null = null;
  if (every !== null) {
    const periodNs = BigInt(every) * NS;
    interestPerPeriod = p.interestRate.mul(Decimal.fromBigInt(periodNs)).div(Decimal.fromBigInt(YEAR_NS));
    // the engine's funding code over one period in which the mark price and the oracle both sit at the price
    const st = new PerpetualState(p);
    st.start(0n);
    st.addInternal(0n, priceAsset);
    st.addExternal(0n, priceAsset);
    const f = st.fundingAt(periodNs);
    if (f) {
      rateAtZeroPremium = f.rate;
      paymentAtZeroPremium = f.exact;
    }
  }
  const lower = p.fundingRateLowerBound ?? null;
  const upper = p.fundingRateUpperBound ?? null;
  let largest: number | null = null;
  let note: string;
  if (lower && upper) {
    largest = Decimal.max(lower.abs(), upper.abs()).toNumber() * 100;
    note = `the funding rate is capped to [${lower}, ${upper}] per period`;
  } else {
    note =
      lower || upper
        ? `only one funding-rate bound is set (${lower ? `lower ${lower}` : `upper ${upper}`}): payments are unbounded on the other side`
        : 'no funding-rate bounds: a payment follows the premium (mark TWAP − oracle TWAP)/oracle TWAP without limit; only the interest term is clamped';
  }
  const periodsPerYear = every !== null ? (365 * 86400) / every : null;
  const perpJson = ((changes.instrument as Record<string, unknown> | undefined)?.perpetual ?? {}) as Record<
    string,
    unknown
  >;
  return {
    every,
    everyText: every !== null ? `every ${duration(every)}` : 'when the schedule oracle publishes',
    periodsPerYear,
    oracle: oracleInfo(p, perpJson),
    interestRate: p.interestRate.toString(),
    interestPerPeriod: interestPerPeriod?.toString() ?? null,
    clampLowerBound: p.clampLowerBound.toString(),
    clampUpperBound: p.clampUpperBound.toString(),
    rateAtZeroPremium: rateAtZeroPremium?.toString() ?? null,
    annualisedAtZeroPremium:
      rateAtZeroPremium && periodsPerYear !== null ? rateAtZeroPremium.toNumber() * periodsPerYear : null,
    fundingRateScalingFactor: p.fundingRateScalingFactor?.toString() ?? null,
    fundingRateBounds: { lower: lower?.toString() ?? null, upper: upper?.toString() ?? null },
    largestPaymentPct: largest,
    largestPaymentNote: note,
    marginFundingFactor: p.marginFundingFactor.toString(),
    marginAddOnPerContract:
      paymentAtZeroPremium !== null ? shiftDown(paymentAtZeroPremium.mul(p.marginFundingFactor), adp).toString() : null,
  };
}

function oracleInfo(p: PerpetualProduct, perp: Record<string, unknown>): OracleInfo {
  const ext = ((perp.dataSourceSpecForSettlementData as Record<string, unknown> | undefined)?.external ?? {}) as Record<
    string,
    unknown
  >;
  const eth = ext.ethOracle as Record<string, unknown> | undefined;
  const base = { decimals: p.settlementData.decimals, property: p.settlementData.property };
  if (eth) {
    const every = (
      (eth.trigger as Record<string, unknown> | undefined)?.timeTrigger as Record<string, unknown> | undefined
    )?.every;
    const conf = eth.requiredConfirmations;
    return {
      kind: 'ethereum',
      address: String(eth.address),
      ...(every !== undefined ? { every: Number(every) } : {}),
      ...(conf !== undefined ? { requiredConfirmations: Number(conf) } : {}),
      ...base,
    };
  }
  return { kind: 'signed', signers: p.settlementData.signers.length, ...base };
}

// ------------------------------------------------------------------ SLA in words

function slaInWords(cfg: MarketConfig, net: ReturnType<typeof defaultNetworkParams>): string[] {
  const s = cfg.sla;
  const range = pct(s.priceRange.toNumber());
  const minTime = pct(s.commitmentMinTimeFraction.toNumber());
  const competition = pct(s.slaCompetitionFactor.toNumber());
  const epoch = duration(Number(net.epochLength / NS));
  const out = [
    `Each liquidity provider must keep buy orders and sell orders each worth at least its commitment × ${net.stakeToCcyVolume} (market.liquidity.stakeToCcyVolume) in notional, valued at the mark price, within ${range} of the mid price.`,
    `It must do so for at least ${minTime} of each epoch (${epoch} by default). Below that it forfeits all its liquidity fees for the epoch and loses part of its bond: ${net.slaNonPerformanceBondPenaltySlope} × (1 − time on book / ${s.commitmentMinTimeFraction}), at most ${pct(net.slaNonPerformanceBondPenaltyMax.toNumber())} of the commitment (network parameters sla.nonPerformanceBondPenaltySlope / Max).`,
    s.commitmentMinTimeFraction.lt(Decimal.ONE)
      ? `Above ${minTime}, the share of its fees withheld falls linearly from ${competition} (slaCompetitionFactor) at ${minTime} of the time to 0 at 100% of the time; withheld fees go as a bonus to the providers that did better.`
      : 'The minimum time fraction is 100%: a provider earns its fees only if it is on the book all the time.',
    s.performanceHysteresisEpochs > 0
      ? `Penalties carry over: an epoch's fee penalty is at least the average of the penalties of the previous ${s.performanceHysteresisEpochs === 1 ? 'epoch' : `${s.performanceHysteresisEpochs} epochs`} (performanceHysteresisEpochs ${s.performanceHysteresisEpochs}), so one bad epoch also costs fees in the next.`
      : "No carry-over: each epoch's fee penalty depends on that epoch only (performanceHysteresisEpochs 0).",
  ];
  return out;
}

// ------------------------------------------------------------------ warnings

function reviewWarnings(
  a: ProposalAnalysis,
  input: LenientParse,
  changes: Record<string, unknown>,
  pathOf: (...rest: PathSegment[]) => string,
  opts: AnalyzeOptions,
): AnalysisWarning[] {
  const out: AnalysisWarning[] = [];
  const w = (code: string, severity: Severity, path: string, message: string) =>
    out.push({ code, severity, path, message });
  const { parsed } = input;
  const cfg = parsed.config;

  // rules Vega rejects the proposal for that do not change the figures below
  for (const r of input.rejections) w('vega-rejects', 'error', r.path, `Vega rejects the proposal: ${r.message}`);

  // values Vega rejects as written
  for (const r of input.repairs) {
    if (r.kind === 'whitespace') {
      w(
        'stray-whitespace',
        'error',
        r.path,
        `${JSON.stringify(r.original)} has stray whitespace: Vega rejects the proposal (the value is not a valid number); analysed as ${JSON.stringify(r.value)}`,
      );
    } else {
      w(
        'wrong-type',
        'error',
        r.path,
        `${JSON.stringify(r.original)} is a JSON number where protobuf JSON requires a string: Vega rejects the proposal; analysed as ${JSON.stringify(r.value)}`,
      );
    }
  }

  // leverage
  const lev = a.leverage.headline;
  const maxCap = opts.maxLeverage ?? DEFAULT_MAX_LEVERAGE;
  const minCap = opts.minLeverage ?? DEFAULT_MIN_LEVERAGE;
  const riskPath = a.leverage.riskModelPath;
  const tauNote =
    a.riskModel.kind === 'logNormal'
      ? ` (tau ${a.riskModel.tau} = ${a.riskModel.tauText} of price risk at sigma ${a.riskModel.sigma})`
      : '';
  if (lev > maxCap) {
    w(
      'leverage-above-cap',
      'warning',
      riskPath,
      `maximum leverage is ${sig(lev, 4)}x${tauNote}, above ${maxCap}x: a ${pct(1 / lev, 3)} adverse move uses up the maintenance margin of a fully levered position`,
    );
  } else if (lev < minCap) {
    w(
      'leverage-below-floor',
      'warning',
      riskPath,
      `maximum leverage is only ${sig(lev, 4)}x${tauNote}: margin is more than ${pct(1 / minCap, 3)} of notional`,
    );
  }
  if (a.leverage.target) {
    const t = a.leverage.target;
    const off = lev / t.leverage - 1;
    if (Math.abs(off) > TARGET_TOLERANCE) {
      const fix = t.tau !== null ? `; tau ${sig(t.tau, 4)} (${t.tauText}) would give ${t.leverage}x` : '';
      w(
        'leverage-off-target',
        'warning',
        riskPath,
        `maximum leverage is ${sig(lev, 4)}x, ${pct(Math.abs(off), 3)} ${off > 0 ? 'above' : 'below'} the target ${t.leverage}x${fix}`,
      );
    }
  }

  // risk model parameters
  if (a.riskModel.kind === 'logNormal') {
    if (a.riskModel.tauSeconds < SHORT_TAU_SECONDS && !a.riskModel.riskFactorOverride) {
      w(
        'tau-short',
        'warning',
        pathOf('logNormal', 'tau'),
        `tau ${a.riskModel.tau} is a margin horizon of ${a.riskModel.tauText} (tau × 365.25 days): margins cover the price risk of only that long`,
      );
    }
    if (a.riskModel.r !== 0) {
      w(
        'risk-model-r-unused',
        'info',
        pathOf('logNormal', 'params', 'r'),
        `r = ${a.riskModel.r} has no effect: Vega's log-normal model ignores r in the risk factors and price bounds; it is unrelated to the perpetual's funding interestRate`,
      );
    }
  }

  // smallest order margin (spam) and decimals
  const spam = a.margins.spamCheck;
  const priceNote = a.price.source === 'default' ? ' (at the assumed price 1: give --price)' : '';
  if (!spam.passes) {
    w(
      'min-order-margin-small',
      'warning',
      pathOf('positionDecimalPlaces'),
      `the smallest order (${a.margins.smallestOrder.size} contract${a.margins.smallestOrder.size === '1' ? '' : 's'}) needs only ${trimDecimal(spam.margin, 6)} ${a.margins.asset} of margin at price ${a.price.value}${priceNote}, below ${spam.quantumMultiple} × quantum = ${spam.threshold} ${a.margins.asset} (spam.order.minimalMarginQuantumMultiple): the book can be spammed with cheap orders; fewer position decimals raise it (decimals cannot be changed by a market update)`,
    );
  }
  const tickFraction = Decimal.parse(a.market.tick).toNumber() / Decimal.parse(a.price.value).toNumber();
  if (tickFraction < 1e-4 && a.price.source !== 'default') {
    w(
      'price-decimals-fine',
      'info',
      pathOf('decimalPlaces'),
      `the price tick ${a.market.tick} is ${sig(tickFraction * 1e4, 3)} basis points of the price ${a.price.value}: finer than needed; decimals cannot be changed by a market update`,
    );
  }

  // price monitoring
  const triggers = cfg.priceMonitoringTriggers.length;
  if (triggers === 0) {
    w(
      'no-price-monitoring',
      'warning',
      pathOf('priceMonitoringParameters'),
      'no price-monitoring trigger: no auction stops a sudden price move',
    );
  } else if (triggers === 1) {
    w(
      'single-price-trigger',
      'info',
      pathOf('priceMonitoringParameters', 'triggers'),
      `only one price-monitoring trigger (${a.priceMonitoring[0]!.horizonText}): moves within shorter horizons are checked against the same wide band`,
    );
  }

  // funding
  if (a.funding && cfg.product.kind === 'perpetual') {
    fundingWarnings(a.funding, cfg.product, pathOf, w);
  }

  // deprecated fields
  const lmp = (changes.liquidityMonitoringParameters ?? {}) as Record<string, unknown>;
  for (const k of ['triggeringRatio', 'auctionExtension']) {
    if (lmp[k] !== undefined) {
      w(
        'deprecated-field',
        'info',
        pathOf('liquidityMonitoringParameters', k),
        'ignored: liquidity-monitoring auctions were removed from Vega',
      );
    }
  }

  // metadata and envelope
  parsed.metadata.forEach((m, i) => {
    const match = /^enactment:(.*)$/i.exec(m.trim());
    if (!match) return;
    const value = match[1]!.trim();
    const when = Date.parse(value);
    if (!/\d/.test(value) || Number.isNaN(when)) {
      w(
        'enactment-tbd',
        'warning',
        pathOf('metadata', i),
        `metadata says "${m}": the convention is to give the anticipated enactment date`,
      );
    } else if (parsed.enactmentTimestamp !== undefined) {
      const meta = new Date(when).toISOString().slice(0, 10);
      const terms = new Date(parsed.enactmentTimestamp * 1000).toISOString().slice(0, 10);
      if (meta !== terms) {
        w(
          'enactment-mismatch',
          'warning',
          pathOf('metadata', i),
          `metadata gives enactment ${meta} but enactmentTimestamp is ${terms}`,
        );
      }
    }
  });
  for (const note of parsed.warnings) {
    const i = note.indexOf(': ');
    const path = i > 0 ? note.slice(0, i) : '(document)';
    const message = i > 0 ? note.slice(i + 2) : note;
    if (message.startsWith('deprecated:')) w('deprecated-field', 'warning', path, message);
    else
      w(
        /closingTimestamp\/enactmentTimestamp/.test(message) ? 'draft-timestamps' : 'parser-note',
        'info',
        path,
        message,
      );
  }
  if (parsed.rationale && !/^\[?VMP-\d+\b/.test(parsed.rationale.title.trim())) {
    w(
      'title-convention',
      'info',
      formatPath([...parsed.changesAt.slice(0, -3), 'rationale', 'title']),
      `title "${parsed.rationale.title}" does not start with the forum's proposal id (e.g. "VMP-14 - Create Market - …"), the naming convention for governance proposals`,
    );
  }
  return out;
}

function fundingWarnings(
  f: FundingAnalysis,
  p: PerpetualProduct,
  pathOf: (...rest: PathSegment[]) => string,
  w: (code: string, severity: Severity, path: string, message: string) => void,
): void {
  const at = (k: string) => pathOf('instrument', 'perpetual', k);
  const lo = p.clampLowerBound;
  const hi = p.clampUpperBound;
  const band = `[${pct(lo.toNumber())}, ${pct(hi.toNumber())}]`;
  if (!p.interestRate.isZero()) {
    if (lo.isZero() && hi.isZero()) {
      w(
        'interest-without-clamps',
        'warning',
        at('interestRate'),
        `interestRate ${p.interestRate} has no effect: the clamp band is [0, 0], so the interest term is always clamped to 0`,
      );
    } else if (f.interestPerPeriod !== null) {
      const i = Decimal.parse(f.interestPerPeriod);
      if (i.gt(hi) || i.lt(lo)) {
        w(
          'interest-outside-clamps',
          'warning',
          at('interestRate'),
          `interestRate ${p.interestRate} is ${pct(i.toNumber())} per ${duration(f.every!)} period, outside the clamp band ${band}: with no premium the funding rate is ${pct(Decimal.parse(f.rateAtZeroPremium ?? '0').toNumber())}, not the interest rate`,
        );
      }
    }
  } else if (!lo.isZero() || !hi.isZero()) {
    w(
      'clamps-unused',
      'info',
      at('clampLowerBound'),
      `with interestRate 0 the clamp band ${band} has no effect: Vega skips the interest term (and its clamp) when the rate is 0`,
    );
  }
  if (lo.isPositive() || hi.isNegative()) {
    w(
      'clamp-band-excludes-zero',
      'warning',
      at(lo.isPositive() ? 'clampLowerBound' : 'clampUpperBound'),
      `the clamp band ${band} does not contain 0: funding is paid even when the interest and the premium are both 0`,
    );
  }
  if (f.largestPaymentPct === null) {
    w('funding-unbounded', 'info', at('fundingRateUpperBound'), f.largestPaymentNote);
  }
  if (f.every !== null && f.oracle.every !== undefined && f.oracle.every * 2 > f.every) {
    w(
      'oracle-cadence',
      'warning',
      pathOf('instrument', 'perpetual', 'dataSourceSpecForSettlementData'),
      `the oracle is read every ${duration(f.oracle.every)} but funding is paid every ${duration(f.every)}: the oracle TWAP of a period rests on one or two values`,
    );
  }
}

// ------------------------------------------------------------------ helpers

function locate(doc: unknown, segments: readonly PathSegment[]): Record<string, unknown> {
  let node = doc as Record<string | number, unknown>;
  for (const s of segments) node = (node?.[s] ?? {}) as Record<string | number, unknown>;
  return node as Record<string, unknown>;
}

/** A decimal string rounded (half away from zero) to at most `places` fractional digits, trailing zeros removed. */
export function trimDecimal(s: string, places: number): string {
  return Decimal.of(Decimal.parse(s).mulBig(pow10(places)).round(), places).toString();
}
