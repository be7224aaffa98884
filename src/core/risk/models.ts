// Risk models (spec 0018-RSKM): risk factors and price-monitoring bound factors for the simple and the log-normal
// model, as exact decimals the margin calculator and price monitor consume.
import { Decimal } from '../num/decimal.ts';
import type { RiskModelConfig } from '../config/market.ts';
import type { RiskFactors } from './margin.ts';
import {
  probabilityOfTrading,
  simpleProbabilityOfTrading,
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

/**
 * The risk model's probability of trading at `price` for a book at `current` (spec 0034-PROB), as Vega's models hand
 * it to the liquidity engine: the log-normal model converts the decimals to floats (horizon τ × tauScaling) and wraps
 * the result with DecimalFromFloat; the simple model gives its fixed probability inside [min, max].
 */
export function modelProbabilityOfTrading(
  model: RiskModelConfig,
  tauScaling: Decimal,
  current: Decimal,
  price: Decimal,
  min: Decimal,
  max: Decimal,
  isBid: boolean,
  applyMinMax: boolean,
): Decimal {
  if (model.kind === 'simple') return simpleProbabilityOfTrading(price, min, max, applyMinMax, model);
  const yearFraction = Decimal.fromFloat(model.tau).mul(tauScaling).toNumber();
  const p = probabilityOfTrading(
    {
      currentPrice: current.toNumber(),
      orderPrice: price.toNumber(),
      minPrice: min.toNumber(),
      maxPrice: max.toNumber(),
      yearFraction,
      isBid,
      applyMinMax,
    },
    model,
  );
  return Decimal.fromFloat(Number.isFinite(p) ? p : 0);
}
