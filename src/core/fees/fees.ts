// Trading fees (spec 0029-FEES; vega-formulas.md section 7). Trade value = price × size / positionFactor (asset
// precision). Continuous trading: the aggressor pays each component rounded up (ceil). Price-monitoring auction
// uncrossing: no maker fee, each side pays ceil(ceil(TV × factor) / 2). Opening auction: no fees.
import { Decimal } from '../num/decimal.ts';
import type { FeeBreakdown } from '../events.ts';
import { NO_FEES } from '../events.ts';

export interface FeeFactors {
  readonly makerFee: Decimal;
  readonly infrastructureFee: Decimal;
  readonly liquidityFee: Decimal;
  readonly buyBackFee: Decimal;
  readonly treasuryFee: Decimal;
}

export function tradeValue(price: bigint, size: number, positionFactor: Decimal): Decimal {
  return Decimal.fromBigInt(price * BigInt(size)).div(positionFactor);
}

/** Fees the aggressor pays for one continuous-trading trade. */
export function continuousFees(f: FeeFactors, price: bigint, size: number, positionFactor: Decimal): FeeBreakdown {
  return continuousFeesOfValue(f, tradeValue(price, size, positionFactor));
}

/** `continuousFees` of a trade whose value (`tradeValue`) the caller already has. */
export function continuousFeesOfValue(f: FeeFactors, tv: Decimal): FeeBreakdown {
  return {
    makerFee: tv.mul(f.makerFee).ceil(),
    infrastructureFee: tv.mul(f.infrastructureFee).ceil(),
    liquidityFee: tv.mul(f.liquidityFee).ceil(),
    buyBackFee: tv.mul(f.buyBackFee).ceil(),
    treasuryFee: tv.mul(f.treasuryFee).ceil(),
  };
}

const half = (x: bigint) => (x + 1n) / 2n;

/** Fees each side pays for one trade of a (non-opening) auction uncrossing. */
export function auctionFeesPerSide(f: FeeFactors, price: bigint, size: number, positionFactor: Decimal): FeeBreakdown {
  const tv = tradeValue(price, size, positionFactor);
  return {
    makerFee: 0n,
    infrastructureFee: half(tv.mul(f.infrastructureFee).ceil()),
    liquidityFee: half(tv.mul(f.liquidityFee).ceil()),
    buyBackFee: half(tv.mul(f.buyBackFee).ceil()),
    treasuryFee: half(tv.mul(f.treasuryFee).ceil()),
  };
}

export function totalFee(f: FeeBreakdown): bigint {
  // with the programmes' parts (src/core/programmes/fees.ts): the maker's rebate and the referrer's reward
  const r = f.referrerReward;
  const programmes = (f.highVolumeMakerFee ?? 0n) + (r ? r.infrastructureFee + r.makerFee + r.liquidityFee : 0n);
  return f.makerFee + f.infrastructureFee + f.liquidityFee + f.buyBackFee + f.treasuryFee + programmes;
}

export function addFees(a: FeeBreakdown, b: FeeBreakdown): FeeBreakdown {
  return {
    makerFee: a.makerFee + b.makerFee,
    infrastructureFee: a.infrastructureFee + b.infrastructureFee,
    liquidityFee: a.liquidityFee + b.liquidityFee,
    buyBackFee: a.buyBackFee + b.buyBackFee,
    treasuryFee: a.treasuryFee + b.treasuryFee,
  };
}

export { NO_FEES };
