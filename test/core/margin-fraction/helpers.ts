// Shared fixture of the margin-fraction engine tests: a perpetual with IMF 0.1, MMF 0.05 and a 1% one-sided
// multiplier; asset and market decimals 0 and PDP 0 (plain integers), no fees, no price monitoring, a 1 s opening
// auction, the index from oracle ORACLE's `perp.price`, funding cued by its `perp.funding.cue`.
import { DEFAULT_MARK_PRICE, LEGACY_LIQUIDATION_STRATEGY, type MarketConfig } from '../../../src/core/config/market.ts';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';

export const ORACLE = '0xORACLE';

export function mfMarket(overrides: Partial<MarketConfig> = {}): MarketConfig {
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
    fees: {
      makerFee: Decimal.ZERO,
      infrastructureFee: Decimal.ZERO,
      liquidityFee: Decimal.ZERO,
      buyBackFee: Decimal.ZERO,
      treasuryFee: Decimal.ZERO,
      liquidityFeeMethod: 'MARGINAL_COST',
    },
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
      kind: 'perpetual',
      settlementData: { signers: [ORACLE], property: 'perp.price', decimals: 0 },
      settlementSchedule: { kind: 'oracle', signers: [ORACLE], property: 'perp.funding.cue' },
      marginFundingFactor: dec('0.9'),
      interestRate: Decimal.ZERO,
      clampLowerBound: Decimal.ZERO,
      clampUpperBound: Decimal.ZERO,
    },
    openingAuctionDuration: 1,
    marginFraction: {
      initialFraction: dec('0.1'),
      maintenanceFraction: dec('0.05'),
      oneSidedMultiplier: dec('0.01'),
    },
    ...overrides,
  };
}
