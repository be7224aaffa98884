// Shared fixture of the margin-fraction engine tests: a perpetual with IMF 0.1, MMF 0.05 and a 1% one-sided
// multiplier; asset and market decimals 0 and PDP 0 (plain integers), no fees, no price monitoring, a 1 s opening
// auction, the index from oracle ORACLE's `perp.price`, funding cued by its `perp.funding.cue`.
import type { MarketConfig } from '../../../src/core/config/market.ts';
import { dec, Decimal } from '../../../src/core/num/decimal.ts';
import { NO_FEES, plainMarket } from '../market/plain-market.ts';

export const ORACLE = '0xORACLE';

export function mfMarket(overrides: Partial<MarketConfig> = {}): MarketConfig {
  return plainMarket(NO_FEES, {
    product: {
      kind: 'perpetual',
      settlementData: { signers: [ORACLE], property: 'perp.price', decimals: 0 },
      settlementSchedule: { kind: 'oracle', signers: [ORACLE], property: 'perp.funding.cue' },
      marginFundingFactor: dec('0.9'),
      interestRate: Decimal.ZERO,
      clampLowerBound: Decimal.ZERO,
      clampUpperBound: Decimal.ZERO,
    },
    marginFraction: {
      initialFraction: dec('0.1'),
      maintenanceFraction: dec('0.05'),
      oneSidedMultiplier: dec('0.01'),
    },
    ...overrides,
  });
}
