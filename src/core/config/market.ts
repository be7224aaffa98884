// Market configuration as the engine consumes it (spec 0001-MKTF market framework, 0070-MKTD decimals).
// Factors are exact decimals; durations are whole seconds unless named *Ns. Parsing of governance-proposal JSON
// into this shape lives outside the core (src/proposal); validateMarketConfig checks the engine's invariants.
import { Decimal } from '../num/decimal.ts';
import { marginFractionProblem, type MarginFractionParams } from '../margin-fraction/params.ts';

export interface SimpleRiskModel {
  readonly kind: 'simple';
  readonly factorLong: Decimal;
  readonly factorShort: Decimal;
  readonly maxMoveUp: Decimal;
  readonly minMoveDown: Decimal;
  readonly probabilityOfTrading: Decimal;
}

export interface LogNormalRiskModel {
  readonly kind: 'logNormal';
  readonly riskAversionParameter: number;
  readonly tau: number;
  readonly mu: number;
  readonly r: number;
  readonly sigma: number;
  readonly riskFactorOverride?: { readonly long: Decimal; readonly short: Decimal };
}

export type RiskModelConfig = SimpleRiskModel | LogNormalRiskModel;

export interface MarginScalingFactors {
  readonly searchLevel: Decimal;
  readonly initialMargin: Decimal;
  readonly collateralRelease: Decimal;
}

export type LiquidityFeeMethod = 'MARGINAL_COST' | 'WEIGHTED_AVERAGE' | 'CONSTANT';

export interface FeeConfig {
  readonly makerFee: Decimal;
  readonly infrastructureFee: Decimal;
  /** Liquidity fee factor before any LP has nominated one. */
  readonly liquidityFee: Decimal;
  readonly buyBackFee: Decimal;
  readonly treasuryFee: Decimal;
  readonly liquidityFeeMethod: LiquidityFeeMethod;
  readonly liquidityFeeConstant?: Decimal;
}

export interface PriceMonitoringTrigger {
  /** seconds */
  readonly horizon: number;
  readonly probability: Decimal;
  /** seconds */
  readonly auctionExtension: number;
}

export interface SlaParams {
  readonly priceRange: Decimal;
  readonly commitmentMinTimeFraction: Decimal;
  readonly performanceHysteresisEpochs: number;
  readonly slaCompetitionFactor: Decimal;
}

export interface TargetStakeParams {
  /** seconds */
  readonly timeWindow: number;
  readonly scalingFactor: Decimal;
}

export interface LiquidationStrategy {
  /** seconds between network disposal attempts */
  readonly disposalTimeStep: number;
  readonly disposalFraction: Decimal;
  readonly fullDisposalSize: bigint;
  readonly maxFractionConsumed: Decimal;
  readonly disposalSlippageRange: Decimal;
}

export type CompositePriceType = 'LAST_TRADE' | 'WEIGHTED' | 'MEDIAN';

export type OracleValueType = 'INTEGER' | 'DECIMAL' | 'BOOLEAN' | 'TIMESTAMP' | 'STRING';

export interface OracleCondition {
  readonly operator: 'EQUALS' | 'GREATER_THAN' | 'GREATER_THAN_OR_EQUAL' | 'LESS_THAN' | 'LESS_THAN_OR_EQUAL';
  readonly value: string;
}

export interface OracleFilter {
  readonly property: string;
  readonly type: OracleValueType;
  readonly decimals?: number;
  readonly conditions?: readonly OracleCondition[];
}

/** A data-source spec and the property bound to the product (spec 0045-DSRC, 0047-DSRF filters). */
export interface OracleSource {
  /** signer public keys accepted (ignored for the protocol's built-in time source) */
  readonly signers: readonly string[];
  /** property name carrying the value */
  readonly property: string;
  /** decimals of the oracle's value */
  readonly decimals: number;
  /** every filter of the spec: data must carry all these properties and meet their conditions (default: the property) */
  readonly filters?: readonly OracleFilter[];
}

export interface MarkPriceConfig {
  readonly type: CompositePriceType;
  readonly decayWeight: Decimal;
  readonly decayPower: Decimal;
  /** asset units */
  readonly cashAmount: bigint;
  /** [trades, book, oracles..., median] */
  readonly sourceWeights: readonly Decimal[];
  /** nanoseconds, same order as the weights */
  readonly sourceStalenessToleranceNs: readonly bigint[];
  readonly oracles: readonly OracleSource[];
}

/** When funding periods end: oracle data carrying a timestamp, or the protocol's built-in time trigger. */
export type FundingSchedule =
  | {
      readonly kind: 'oracle';
      readonly signers: readonly string[];
      readonly property: string;
      readonly filters?: readonly OracleFilter[];
    }
  | {
      readonly kind: 'timeTrigger';
      /** seconds between cues */ readonly every: number;
      /** unix seconds of the first cue */ readonly initial?: number;
      /** conditions on the trigger time (unix seconds); a cue whose time fails one is skipped */
      readonly conditions?: readonly OracleCondition[];
    };

/** A capped future (spec 0016-PFUT optional parameters): prices in [0, maxPrice]. */
export interface FutureCap {
  /** market precision, > 0 */
  readonly maxPrice: bigint;
  /** only 0 or maxPrice settle the market */
  readonly binarySettlement: boolean;
  /** positions and orders fully collateralised (0019-MCAL): no leverage, no close-outs */
  readonly fullyCollateralised: boolean;
}

export interface FutureProduct {
  readonly kind: 'future';
  readonly settlementData: OracleSource;
  readonly tradingTermination: {
    readonly signers: readonly string[];
    readonly property: string;
    readonly filters?: readonly OracleFilter[];
  };
  readonly cap?: FutureCap;
}

export interface PerpetualProduct {
  readonly kind: 'perpetual';
  readonly settlementData: OracleSource;
  readonly settlementSchedule: FundingSchedule;
  readonly marginFundingFactor: Decimal;
  readonly interestRate: Decimal;
  readonly clampLowerBound: Decimal;
  readonly clampUpperBound: Decimal;
  readonly fundingRateScalingFactor?: Decimal;
  readonly fundingRateLowerBound?: Decimal;
  readonly fundingRateUpperBound?: Decimal;
  readonly internalCompositePrice?: MarkPriceConfig;
}

/**
 * A spot market's product (0080-SPOT): no settlement data or trading termination ever arrives; the fields are a
 * spec no oracle data matches, so the flows that read them never act (spot/config.ts builds it).
 */
export interface SpotProductConfig {
  readonly kind: 'spot';
  readonly settlementData: OracleSource;
  readonly tradingTermination: FutureProduct['tradingTermination'];
}

export type ProductConfig = FutureProduct | PerpetualProduct | SpotProductConfig;

export interface MarketConfig {
  readonly id: string;
  readonly name?: string;
  readonly settlementAsset: string;
  readonly quoteName: string;
  /** market decimal places (mdp) */
  readonly decimalPlaces: number;
  /** position decimal places (PDP), -6..6 */
  readonly positionDecimalPlaces: number;
  /** tick size in market precision */
  readonly tickSize: bigint;
  readonly linearSlippageFactor: Decimal;
  readonly quadraticSlippageFactor: Decimal;
  readonly riskModel: RiskModelConfig;
  readonly marginScalingFactors: MarginScalingFactors;
  readonly fees: FeeConfig;
  readonly priceMonitoringTriggers: readonly PriceMonitoringTrigger[];
  readonly targetStake: TargetStakeParams;
  readonly sla: SlaParams;
  readonly liquidationStrategy: LiquidationStrategy;
  readonly markPrice: MarkPriceConfig;
  readonly product: ProductConfig;
  /** seconds; 0 or less means no opening auction */
  readonly openingAuctionDuration: number;
  /** price levels an AMM curve may leave without volume (spec 0090-VAMM; default 100) */
  readonly allowedEmptyAmmLevels?: number;
  /**
   * Successor market (spec 0081-SUCM): the parent market (live, or settled within
   * market.liquidity.successorLaunchWindowLength) whose LP virtual stakes carry over, and the fraction of its
   * insurance pool moved here when this market leaves its opening auction.
   */
  readonly successor?: { readonly parentMarketId: string; readonly insurancePoolFraction: Decimal };
  /** seed 001's margin-fraction rules instead of Vega's margin, mark price and funding (margin-fraction/engine.ts) */
  readonly marginFraction?: MarginFractionParams;
  /** asset decimals of the settlement asset are taken from the asset registry */
}

export const DEFAULT_MARK_PRICE: MarkPriceConfig = {
  type: 'LAST_TRADE',
  decayWeight: Decimal.ZERO,
  decayPower: Decimal.ZERO,
  cashAmount: 0n,
  sourceWeights: [Decimal.ZERO, Decimal.ZERO, Decimal.ZERO, Decimal.ZERO],
  sourceStalenessToleranceNs: [1000n, 1000n, 1000n, 1000n],
  oracles: [],
};

/** The legacy strategy: dispose of the whole network position at once (the harness's default). */
export const LEGACY_LIQUIDATION_STRATEGY: LiquidationStrategy = {
  disposalTimeStep: 0,
  disposalFraction: Decimal.ONE,
  fullDisposalSize: 18446744073709551615n,
  maxFractionConsumed: Decimal.ONE,
  disposalSlippageRange: Decimal.parse('10'),
};

export class ConfigError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Checks the invariants the engine relies on; throws ConfigError naming the field. */
export function validateMarketConfig(c: MarketConfig, assetDecimals: number): void {
  const need = (ok: boolean, field: string, reason: string) => {
    if (!ok) throw new ConfigError(field, reason);
  };
  need(c.id.length > 0, 'id', 'must not be empty');
  need(
    Number.isInteger(c.decimalPlaces) && c.decimalPlaces >= 0 && c.decimalPlaces < 150,
    'decimalPlaces',
    'must be an integer in [0, 150)',
  );
  need(
    Number.isInteger(c.positionDecimalPlaces) && c.positionDecimalPlaces > -7 && c.positionDecimalPlaces < 7,
    'positionDecimalPlaces',
    'must be an integer in [-6, 6]',
  );
  // the protocol also requires decimalPlaces + positionDecimalPlaces <= asset decimals for new markets; that is
  // proposal validation (src/proposal). The engine takes any market decimals, more than the asset's included
  // (a price factor below 1, 0070-MKTD), so `assetDecimals` is not checked against here.
  void assetDecimals;
  need(c.tickSize > 0n, 'tickSize', 'must be positive');
  const mf = c.marginFraction ? marginFractionProblem(c.marginFraction) : undefined;
  if (mf) throw new ConfigError(`marginFraction.${mf.field}`, mf.reason);
  if (c.successor) {
    need(c.successor.parentMarketId.length > 0, 'successor.parentMarketId', 'must not be empty');
    need(c.successor.parentMarketId !== c.id, 'successor.parentMarketId', 'a market cannot succeed itself');
    need(
      !c.successor.insurancePoolFraction.isNegative() && c.successor.insurancePoolFraction.lte(Decimal.ONE),
      'successor.insurancePoolFraction',
      'must be in [0, 1]',
    );
  }
  need(
    !c.linearSlippageFactor.isNegative() && c.linearSlippageFactor.lte(Decimal.fromInt(1_000_000)),
    'linearSlippageFactor',
    'must be in [0, 1000000]',
  );
  need(!c.quadraticSlippageFactor.isNegative(), 'quadraticSlippageFactor', 'must not be negative');
  const sf = c.marginScalingFactors;
  // a positive search factor below 1 is accepted: Vega's own features create markets with 0.5 (0090-VAMM-016/017),
  // and its scaling-factor check orders the levels (search < initial < release) rather than bounding the search factor
  need(sf.searchLevel.gt(Decimal.ZERO), 'marginScalingFactors.searchLevel', 'must be > 0');
  need(sf.searchLevel.lte(sf.initialMargin), 'marginScalingFactors', 'searchLevel must be <= initialMargin');
  need(
    sf.initialMargin.lte(sf.collateralRelease),
    'marginScalingFactors',
    'initialMargin must be <= collateralRelease',
  );
  for (const [k, v] of Object.entries({
    makerFee: c.fees.makerFee,
    infrastructureFee: c.fees.infrastructureFee,
    liquidityFee: c.fees.liquidityFee,
    treasuryFee: c.fees.treasuryFee,
    buyBackFee: c.fees.buyBackFee,
  })) {
    need(!v.isNegative(), `fees.${k}`, 'must not be negative');
  }
  c.priceMonitoringTriggers.forEach((t, i) => {
    need(
      Number.isInteger(t.horizon) && t.horizon > 0,
      `priceMonitoringTriggers[${i}].horizon`,
      'must be a positive integer (seconds)',
    );
    need(
      t.probability.gt(Decimal.ZERO) && t.probability.lt(Decimal.ONE),
      `priceMonitoringTriggers[${i}].probability`,
      'must be in (0, 1)',
    );
    need(
      Number.isInteger(t.auctionExtension) && t.auctionExtension > 0,
      `priceMonitoringTriggers[${i}].auctionExtension`,
      'must be a positive integer (seconds)',
    );
  });
  const rm = c.riskModel;
  if (rm.kind === 'logNormal') {
    need(rm.tau > 0 && rm.tau <= 1, 'riskModel.tau', 'must be in (0, 1]');
    need(
      rm.riskAversionParameter > 0 && rm.riskAversionParameter < 1,
      'riskModel.riskAversionParameter',
      'must be in (0, 1)',
    );
    need(rm.sigma > 0, 'riskModel.sigma', 'must be positive');
    need(Number.isFinite(rm.mu), 'riskModel.mu', 'must be a finite number');
    need(Number.isFinite(rm.r), 'riskModel.r', 'must be a finite number');
  } else {
    need(!rm.factorLong.isNegative() && !rm.factorShort.isNegative(), 'riskModel.factors', 'must not be negative');
  }
  if (c.product.kind === 'future' && c.product.cap) {
    need(c.product.cap.maxPrice > 0n, 'product.cap.maxPrice', 'must be positive');
  }
  need(
    Number.isSafeInteger(c.openingAuctionDuration),
    'openingAuctionDuration',
    'must be a whole number of seconds (0 or less: no opening auction)',
  );
  const ts = c.targetStake;
  need(Number.isSafeInteger(ts.timeWindow) && ts.timeWindow >= 0, 'targetStake.timeWindow', 'must be an integer >= 0');
  // 0 is a valid engine value (a spot market's target stake then is 0, 0041-TSTK-111); a proposal must still give a
  // positive factor (Vega's command check, enforced by the proposal parser)
  need(!ts.scalingFactor.isNegative(), 'targetStake.scalingFactor', 'must not be negative');
  const ls = c.liquidationStrategy;
  need(
    Number.isSafeInteger(ls.disposalTimeStep) && ls.disposalTimeStep >= 0,
    'liquidationStrategy.disposalTimeStep',
    'must be an integer >= 0 (seconds)',
  );
  const unit = (d: Decimal) => !d.isNegative() && d.lte(Decimal.ONE);
  need(unit(ls.disposalFraction), 'liquidationStrategy.disposalFraction', 'must be in [0, 1]');
  need(unit(ls.maxFractionConsumed), 'liquidationStrategy.maxFractionConsumed', 'must be in [0, 1]');
  need(ls.fullDisposalSize >= 0n, 'liquidationStrategy.fullDisposalSize', 'must not be negative');
  need(!ls.disposalSlippageRange.isNegative(), 'liquidationStrategy.disposalSlippageRange', 'must not be negative');
  validateMarkPriceConfig(c.markPrice, 'markPrice');
  if (c.product.kind === 'perpetual') {
    const p = c.product;
    need(unit(p.marginFundingFactor), 'product.marginFundingFactor', 'must be in [0, 1]');
    need(p.clampLowerBound.lte(p.clampUpperBound), 'product.clampUpperBound', 'must be at least clampLowerBound');
    if (p.fundingRateScalingFactor)
      need(p.fundingRateScalingFactor.isPositive(), 'product.fundingRateScalingFactor', 'must be positive');
    if (p.fundingRateLowerBound && p.fundingRateUpperBound)
      need(
        p.fundingRateLowerBound.lte(p.fundingRateUpperBound),
        'product.fundingRateUpperBound',
        'must be at least fundingRateLowerBound',
      );
    const sched = p.settlementSchedule;
    if (sched.kind === 'timeTrigger')
      need(
        Number.isSafeInteger(sched.every) && sched.every > 0,
        'product.settlementSchedule.every',
        'must be a positive number of seconds',
      );
    if (p.internalCompositePrice) validateMarkPriceConfig(p.internalCompositePrice, 'product.internalCompositePrice');
  }
}

/**
 * A mark-price (or internal composite price) configuration the calculator can run: a staleness tolerance per
 * source (trades, book, oracles, median; at least 3), a weight per tolerance when weighted, weights and tolerances
 * not negative, the decay weight in [0, 1].
 */
export function validateMarkPriceConfig(m: MarkPriceConfig, field: string): void {
  const need = (ok: boolean, f: string, reason: string) => {
    if (!ok) throw new ConfigError(`${field}.${f}`, reason);
  };
  need(!m.decayWeight.isNegative() && m.decayWeight.lte(Decimal.ONE), 'decayWeight', 'must be in [0, 1]');
  need(!m.decayPower.isNegative(), 'decayPower', 'must not be negative');
  need(m.cashAmount >= 0n, 'cashAmount', 'must not be negative');
  m.sourceWeights.forEach((w, i) => need(!w.isNegative(), `sourceWeights[${i}]`, 'must not be negative'));
  m.sourceStalenessToleranceNs.forEach((t, i) =>
    need(t >= 0n, `sourceStalenessTolerance[${i}]`, 'must not be negative'),
  );
  if (m.type === 'LAST_TRADE') return;
  const n = m.sourceStalenessToleranceNs.length;
  // (an oracle without a slot of its own, beyond n − 3, is not used; governance requires exactly 3 + oracles)
  need(
    n >= 3,
    'sourceStalenessTolerance',
    `needs a tolerance for the trades, the book and the median at least, got ${n}`,
  );
  if (m.type === 'WEIGHTED')
    need(
      m.sourceWeights.length === n,
      'sourceWeights',
      `needs one weight per staleness tolerance (${n}), got ${m.sourceWeights.length}`,
    );
}
