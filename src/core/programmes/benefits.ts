// Applying the programmes' benefits to one trade's fees (spec 0029-FEES "Applying benefit factors", 0095-HVMR
// "Application"). The taker's fee components are first cut by the referral discount, then by the volume discount,
// then the referrer's reward is taken out of what is left; every discount and reward is floored (so a fee never goes
// negative, and a discount or reward below one unit is none, 0029-FEES-029/030). The high-volume maker rebate is
// taken out of the treasury and buy-back components in proportion to their sizes, floored, and capped at their sum.
import { Decimal } from '../num/decimal.ts';

/** One factor per fee component a benefit applies to. */
export interface Factors {
  readonly infrastructure: Decimal;
  readonly maker: Decimal;
  readonly liquidity: Decimal;
}

export const NO_FACTORS: Factors = { infrastructure: Decimal.ZERO, maker: Decimal.ZERO, liquidity: Decimal.ZERO };

export function factorsEqual(a: Factors, b: Factors): boolean {
  return a.infrastructure.eq(b.infrastructure) && a.maker.eq(b.maker) && a.liquidity.eq(b.liquidity);
}

export function isZeroFactors(f: Factors): boolean {
  return f.infrastructure.isZero() && f.maker.isZero() && f.liquidity.isZero();
}

/** The three fee components the discounts and the referral reward apply to. */
export interface DiscountableFees {
  readonly infrastructureFee: bigint;
  readonly makerFee: bigint;
  readonly liquidityFee: bigint;
}

/** What a taker's programmes do to its fees. */
export interface TakerBenefits {
  readonly referralDiscount: Factors;
  readonly volumeDiscount: Factors;
  /** the referrer's reward factors, already multiplied by the staking multiplier and capped */
  readonly referralReward: Factors;
  /** the referrer paid the reward, if any */
  readonly referrer: string | undefined;
}

export const NO_BENEFITS: TakerBenefits = {
  referralDiscount: NO_FACTORS,
  volumeDiscount: NO_FACTORS,
  referralReward: NO_FACTORS,
  referrer: undefined,
};

export interface DiscountedFees {
  /** the fee components the taker pays to the pools after discounts and the referrer's cut */
  readonly fees: DiscountableFees;
  readonly referralDiscount: DiscountableFees;
  readonly volumeDiscount: DiscountableFees;
  /** the referrer's cut of each component (paid by the taker to the referrer) */
  readonly referrerReward: DiscountableFees;
}

const floorMul = (x: bigint, f: Decimal): bigint => (f.isZero() || x <= 0n ? 0n : Decimal.fromBigInt(x).mul(f).floor());

function cut(fees: DiscountableFees, f: Factors): DiscountableFees {
  return {
    infrastructureFee: floorMul(fees.infrastructureFee, f.infrastructure),
    makerFee: floorMul(fees.makerFee, f.maker),
    liquidityFee: floorMul(fees.liquidityFee, f.liquidity),
  };
}

function minus(a: DiscountableFees, b: DiscountableFees): DiscountableFees {
  return {
    infrastructureFee: a.infrastructureFee - b.infrastructureFee,
    makerFee: a.makerFee - b.makerFee,
    liquidityFee: a.liquidityFee - b.liquidityFee,
  };
}

/** Referral discount, then volume discount, then the referrer's reward (each floored), per 0029-FEES. */
export function applyTakerBenefits(original: DiscountableFees, b: TakerBenefits): DiscountedFees {
  const referralDiscount = cut(original, b.referralDiscount);
  const afterReferral = minus(original, referralDiscount);
  const volumeDiscount = cut(afterReferral, b.volumeDiscount);
  const afterVolume = minus(afterReferral, volumeDiscount);
  const referrerReward = b.referrer ? cut(afterVolume, b.referralReward) : cut(afterVolume, NO_FACTORS);
  return { fees: minus(afterVolume, referrerReward), referralDiscount, volumeDiscount, referrerReward };
}

export interface RebateSplit {
  readonly highVolumeMakerFee: bigint;
  readonly treasuryFee: bigint;
  readonly buyBackFee: bigint;
}

/**
 * The high-volume maker fee of one trade and what is left of the treasury and buy-back fees (0095-HVMR): the
 * rebate factor is capped at treasury + buy-back factors, the fee is floor(factor × trade value), and each of the
 * two components keeps floor(component × (1 − fee / (treasury + buy-back))).
 */
export function applyMakerRebate(
  tradeValue: Decimal,
  rebateFactor: Decimal,
  treasuryFactor: Decimal,
  buyBackFactor: Decimal,
  treasuryFee: bigint,
  buyBackFee: bigint,
): RebateSplit {
  const effective = Decimal.min(rebateFactor, treasuryFactor.add(buyBackFactor));
  const pool = treasuryFee + buyBackFee;
  if (!effective.isPositive() || pool <= 0n) return { highVolumeMakerFee: 0n, treasuryFee, buyBackFee };
  let hvmf = tradeValue.mul(effective).floor();
  if (hvmf > pool) hvmf = pool;
  const keep = Decimal.ONE.sub(Decimal.fromBigInt(hvmf).div(Decimal.fromBigInt(pool)));
  return {
    highVolumeMakerFee: hvmf,
    treasuryFee: Decimal.fromBigInt(treasuryFee).mul(keep).floor(),
    buyBackFee: Decimal.fromBigInt(buyBackFee).mul(keep).floor(),
  };
}
