// Risk models (spec 0018-RSKM): risk factors and price-monitoring bound factors for the simple and the log-normal
// model, as exact decimals the margin calculator and price monitor consume.
import { Decimal } from '../num/decimal.ts';
import type { RiskModelConfig } from '../config/market.ts';
import type { RiskFactors } from './margin.ts';
import {
  logNormalRiskFactorsDecimal,
  priceMonitoringBoundFactors,
  simpleBoundFactors,
  simpleRiskFactors,
  type BoundFactors,
} from './quant.ts';

export function riskFactors(model: RiskModelConfig): RiskFactors {
  if (model.kind === 'simple') return simpleRiskFactors(model);
  if (model.riskFactorOverride) return model.riskFactorOverride;
  return logNormalRiskFactorsDecimal(model);
}

/** Bound factors of one trigger given the trigger's current reference price (asset precision). */
export function boundFactors(
  model: RiskModelConfig,
  ref: Decimal,
  horizonSeconds: number,
  probability: Decimal,
): BoundFactors {
  if (model.kind === 'simple') return simpleBoundFactors(ref, model);
  return priceMonitoringBoundFactors(ref, horizonSeconds, probability, model);
}
