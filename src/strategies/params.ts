// The market maker's parameters as a user states them (the simulator's scenario and the live bot's config share
// these), and the one place they become the strategy's MakerConfig: σ's prior from an annual relative volatility at
// the starting price, the (A, κ) estimator bucketed by the tick, the priors' weights. The simulator's agent and
// `perpsim mm` both build their maker here, so the same parameters give the same strategy.
import type { FairPriceKind } from './fair-price.ts';
import type { MakerConfig } from './market-maker.ts';

const SECONDS_PER_YEAR = 365 * 86_400;

export interface MakerParams {
  readonly model: 'glft' | 'finite';
  readonly horizonSeconds: number;
  readonly gamma: number;
  readonly eta: number;
  readonly orderSize: number;
  readonly minSpread: number;
  readonly fairPrice: FairPriceKind;
  readonly vampLevels: number;
  /** σ prior as an annual relative volatility (converted at the starting price) */
  readonly sigmaPriorAnnual: number;
  readonly sigmaHalfLifeSeconds: number;
  /** A prior, arrivals per second near the mid */
  readonly aPrior: number;
  /** κ prior, per price unit */
  readonly kappaPrior: number;
  readonly intensityHalfLifeSeconds: number;
  readonly orderRefreshSeconds: number;
  readonly filledOrderDelaySeconds: number;
  readonly maxOrderAgeSeconds: number;
  readonly refreshToleranceTicks: number;
  readonly fundingCarry: boolean;
}

/** The strategy's configuration for a market whose price starts near `startPrice` with price tick `tick`. */
export function makerConfig(p: MakerParams, startPrice: number, tick: number): MakerConfig {
  return {
    model: p.model,
    horizonSeconds: p.horizonSeconds,
    gamma: p.gamma,
    eta: p.eta,
    orderSize: p.orderSize,
    minSpread: p.minSpread,
    fairPrice: p.fairPrice,
    vampLevels: p.vampLevels,
    volatility: {
      // annual relative volatility at the starting price → price units per √second
      prior: (p.sigmaPriorAnnual * startPrice) / Math.sqrt(SECONDS_PER_YEAR),
      priorWeightSeconds: 600,
      halfLifeSeconds: p.sigmaHalfLifeSeconds,
    },
    intensity: {
      priorA: p.aPrior,
      priorKappa: p.kappaPrior,
      priorWeight: 50,
      bucket: tick,
      buckets: 30,
      halfLifeSeconds: p.intensityHalfLifeSeconds,
    },
    orderRefreshSeconds: p.orderRefreshSeconds,
    filledOrderDelaySeconds: p.filledOrderDelaySeconds,
    maxOrderAgeSeconds: p.maxOrderAgeSeconds,
    refreshToleranceTicks: p.refreshToleranceTicks,
    fundingCarry: p.fundingCarry,
  };
}
