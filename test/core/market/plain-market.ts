// The plain futures market several core tests share: asset and market decimals 0, PDP 0 (plain integers), simple
// risk model with factors 0.1 / 0.1, linear slippage 0.1, margin scaling 1.1 / 1.2 / 1.4 (so a position V at mark P
// has maintenance 0.2 × |V| × P), no price monitoring, a 1 s opening auction, settlement and termination from the
// oracle 0xORACLE.
import {
  DEFAULT_MARK_PRICE,
  LEGACY_LIQUIDATION_STRATEGY,
  type FeeConfig,
  type MarketConfig,
} from '../../../src/core/config/market.ts';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';

export const NO_FEES: FeeConfig = {
  makerFee: Decimal.ZERO,
  infrastructureFee: Decimal.ZERO,
  liquidityFee: Decimal.ZERO,
  buyBackFee: Decimal.ZERO,
  treasuryFee: Decimal.ZERO,
  liquidityFeeMethod: 'MARGINAL_COST',
};

/** The plain market with these fees; `overrides` replace whole fields (e.g. the product). */
export function plainMarket(fees: FeeConfig = NO_FEES, overrides: Partial<MarketConfig> = {}): MarketConfig {
  return {
    id: 'M',
    settlementAsset: 'USD',
    quoteName: 'USD',
    decimalPlaces: 0,
    positionDecimalPlaces: 0,
    tickSize: 1n,
    linearSlippageFactor: dec('0.1'),
    quadraticSlippageFactor: Decimal.ZERO,
    riskModel: {
      kind: 'simple',
      factorLong: dec('0.1'),
      factorShort: dec('0.1'),
      maxMoveUp: dec('100'),
      minMoveDown: dec('-100'),
      probabilityOfTrading: dec('0.1'),
    },
    marginScalingFactors: { searchLevel: dec('1.1'), initialMargin: dec('1.2'), collateralRelease: dec('1.4') },
    fees,
    priceMonitoringTriggers: [],
    targetStake: { timeWindow: 3600, scalingFactor: dec('1') },
    sla: {
      priceRange: dec('0.1'),
      commitmentMinTimeFraction: dec('0.5'),
      performanceHysteresisEpochs: 1,
      slaCompetitionFactor: dec('1'),
    },
    liquidationStrategy: LEGACY_LIQUIDATION_STRATEGY,
    markPrice: DEFAULT_MARK_PRICE,
    product: {
      kind: 'future',
      settlementData: { signers: ['0xORACLE'], property: 'prices.USD.value', decimals: 0 },
      tradingTermination: { signers: ['0xORACLE'], property: 'trading.terminated' },
    },
    openingAuctionDuration: 1,
    ...overrides,
  };
}
