// A spot market's configuration (spec 0080-SPOT §1, §4): the base and quote assets, price and size decimals, tick
// size, risk model (price monitoring bounds and probability of trading), fees, price monitoring, target stake and
// liquidity SLA. The market's flows run on a MarketConfig whose settlement asset is the quote asset; a spot market
// has no margin, slippage factors, liquidation strategy or product oracles, so those fields are fixed here to values
// the flows never use; its product reports the kind 'spot' (SPOT_PRODUCT).
import {
  DEFAULT_MARK_PRICE,
  LEGACY_LIQUIDATION_STRATEGY,
  validateMarketConfig,
  type FeeConfig,
  type MarketConfig,
  type MarkPriceConfig,
  type PriceMonitoringTrigger,
  type SpotProductConfig,
  type RiskModelConfig,
  type SlaParams,
  type TargetStakeParams,
} from '../config/market.ts';
import { Decimal } from '../num/decimal.ts';

export interface SpotMarketSpec {
  readonly id: string;
  readonly name?: string;
  /** the asset bought and sold (sizes) */
  readonly baseAsset: string;
  /** the asset it is paid in (prices, fees, liquidity commitments) */
  readonly quoteAsset: string;
  /** price decimal places (of the quote asset) */
  readonly decimalPlaces: number;
  /** size decimal places (of the base asset) */
  readonly positionDecimalPlaces: number;
  /** tick size in market precision */
  readonly tickSize: bigint;
  readonly riskModel: RiskModelConfig;
  readonly fees: FeeConfig;
  readonly priceMonitoringTriggers: readonly PriceMonitoringTrigger[];
  readonly targetStake: TargetStakeParams;
  readonly sla: SlaParams;
  /** last trade unless given */
  readonly markPrice?: MarkPriceConfig;
  /** seconds; 0 or less means no opening auction */
  readonly openingAuctionDuration: number;
}

/**
 * The product fields the market's flows read from the configuration: a spec no oracle data ever matches (the
 * market's product variant is SpotProductImpl, chosen by SpotMarket; a spot market settles every trade at once).
 */
const NEVER = {
  signers: [] as string[],
  property: '\u0000spot',
  filters: [{ property: '\u0000spot', type: 'STRING' as const }],
};

export const SPOT_PRODUCT: SpotProductConfig = {
  kind: 'spot',
  settlementData: { ...NEVER, decimals: 0 },
  tradingTermination: NEVER,
};

/** Margin scaling factors of 1: a spot market has no margin (nothing reads them). */
const NO_MARGIN = { searchLevel: Decimal.ONE, initialMargin: Decimal.ONE, collateralRelease: Decimal.ONE };

/** The MarketConfig the market's flows run on for a spot market (settlement asset = quote asset). */
export function spotMarketConfig(s: SpotMarketSpec): MarketConfig {
  return {
    id: s.id,
    ...(s.name !== undefined ? { name: s.name } : {}),
    settlementAsset: s.quoteAsset,
    quoteName: s.quoteAsset,
    decimalPlaces: s.decimalPlaces,
    positionDecimalPlaces: s.positionDecimalPlaces,
    tickSize: s.tickSize,
    linearSlippageFactor: Decimal.ZERO,
    quadraticSlippageFactor: Decimal.ZERO,
    riskModel: s.riskModel,
    marginScalingFactors: NO_MARGIN,
    fees: s.fees,
    priceMonitoringTriggers: s.priceMonitoringTriggers,
    targetStake: s.targetStake,
    sla: s.sla,
    liquidationStrategy: LEGACY_LIQUIDATION_STRATEGY,
    markPrice: s.markPrice ?? DEFAULT_MARK_PRICE,
    product: SPOT_PRODUCT,
    openingAuctionDuration: s.openingAuctionDuration,
  };
}

/**
 * Checks a spot specification against the engine's invariants and the assets' decimals (Vega: base and quote must
 * differ, 0080-SPOT-022); throws ConfigError / RangeError naming the field.
 */
export function validateSpotMarketSpec(s: SpotMarketSpec, quoteDecimals: number): MarketConfig {
  if (s.baseAsset === s.quoteAsset)
    throw new RangeError(`market ${s.id} baseAsset: must differ from the quote asset (${s.quoteAsset})`);
  const cfg = spotMarketConfig(s);
  validateMarketConfig(cfg, quoteDecimals);
  return cfg;
}
