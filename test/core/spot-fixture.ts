// A plain spot market for the core tests: base BTC and quote ETH (both with 2 decimals), market prices and sizes with
// 0 decimals (a size of 1 is 100 BTC units, a price of 1000 is 100000 ETH units), simple risk model, maker fee 0.005
// and infrastructure fee 0.002, no price monitoring, a one-second opening auction.
import type { SpotMarketSpec } from '../../src/core/spot/config.ts';
import { Decimal, dec } from '../../src/core/num/decimal.ts';

export function spotSpec(overrides: Partial<SpotMarketSpec> = {}): SpotMarketSpec {
  return {
    id: 'BTC/ETH',
    baseAsset: 'BTC',
    quoteAsset: 'ETH',
    decimalPlaces: 0,
    positionDecimalPlaces: 0,
    tickSize: 1n,
    riskModel: {
      kind: 'simple',
      factorLong: dec('0.1'),
      factorShort: dec('0.1'),
      maxMoveUp: dec('1000'),
      minMoveDown: dec('-1000'),
      probabilityOfTrading: dec('0.1'),
    },
    fees: {
      makerFee: dec('0.005'),
      infrastructureFee: dec('0.002'),
      liquidityFee: Decimal.ZERO,
      buyBackFee: Decimal.ZERO,
      treasuryFee: Decimal.ZERO,
      liquidityFeeMethod: 'MARGINAL_COST',
    },
    priceMonitoringTriggers: [],
    targetStake: { timeWindow: 3600, scalingFactor: Decimal.ONE },
    sla: {
      priceRange: dec('0.5'),
      commitmentMinTimeFraction: Decimal.ZERO,
      performanceHysteresisEpochs: 0,
      slaCompetitionFactor: Decimal.ZERO,
    },
    openingAuctionDuration: 1,
    ...overrides,
  };
}
