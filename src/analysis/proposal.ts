// What a new-market proposal means for the people who vote on it and trade it: risk factors and leverage, margins at
// a price, price-monitoring bounds, funding, target stake and the SLA, with warnings for what a careful reviewer
// would raise. Every number comes from the engine's own code (src/core/risk/models.ts for the log-normal risk
// factors and the bound factors, margin.ts for margins, products/perpetual.ts for funding), so the analyser and the
// engine cannot disagree. Spec: vega-formulas.md §1.2 (risk factors), §1.4 (leverage as the console shows it),
// §2.2–2.3 (margins), §3.2 (bound factors), §5.4 (funding), §6.1–6.5 (SLA, target stake), 0062-SPAM (minimum order
// margin).
import {
  Decimal,
  pow10,
  NS,
  type MarketConfig,
  type PerpetualProduct,
  type RiskModelConfig,
  defaultNetworkParams,
  boundFactors,
  riskFactors as engineRiskFactors,
  crossMarginLevels,
  maintenanceMarginDecimal,
  type RiskFactors,
  logNormalRiskFactors,
  SECONDS_PER_YEAR,
  PerpetualState,
  YEAR_NS,
} from '../core/index.ts';
import { formatPath, type LenientParse, type PathSegment } from '../proposal/index.ts';
import { KNOWN_ORACLE_VALUES } from './oracles.ts';
import {
  AnalysisError,
  DEFAULT_MIN_ORDER_MARGIN_QUANTUM_MULTIPLE,
  type AnalyzeOptions,
  type FundingAnalysis,
  type MarginSet,
  type OracleInfo,
  type PriceMonitoringEntry,
  type ProposalAnalysis,
} from './types.ts';
import { reviewWarnings } from './warnings.ts';

export * from './types.ts';
import { duration, pct, positionFactor, shiftDown, shiftUp, smallestSize } from './units.ts';

export { trimDecimal } from './units.ts';

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
  // 10^(adp − mdp) as factor / divisor: a market may have more decimals than its asset (0070-MKTD)
  const priceFactor = adp >= mdp ? pow10(adp - mdp) : 1n;
  const priceDivisor = adp >= mdp ? 1n : pow10(mdp - adp);
  const priceMonitoring = cfg.priceMonitoringTriggers.map((t): PriceMonitoringEntry => {
    const ref = Decimal.fromBigInt(priceAsset);
    const f = boundFactors(cfg.riskModel, ref, t.horizon, t.probability);
    const minAsset = ref.mul(f.down).ceil();
    const maxAsset = ref.mul(f.up).floor();
    const minMarket = (minAsset * priceDivisor + priceFactor - 1n) / priceFactor;
    const maxMarket = (maxAsset * priceDivisor) / priceFactor;
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

// ------------------------------------------------------------------ helpers

function locate(doc: unknown, segments: readonly PathSegment[]): Record<string, unknown> {
  let node = doc as Record<string | number, unknown>;
  for (const s of segments) node = (node?.[s] ?? {}) as Record<string | number, unknown>;
  return node as Record<string, unknown>;
}
