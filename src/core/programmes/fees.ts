// The programmes' part of one trade's fees (spec 0029-FEES "Applying benefit factors", 0095-HVMR): the taker's
// referral and volume discounts and its referrer's reward, and the maker's high-volume rebate taken out of the
// treasury and buy-back fees. Continuous trading: the taker's whole breakdown; auction uncrossing: each side's half
// (infrastructure and liquidity fees only, as there is no maker fee and no maker).
import type { FeeBreakdown } from '../events.ts';
import type { FeeFactors } from '../fees/fees.ts';
import { Decimal } from '../num/decimal.ts';
import { applyMakerRebate, applyTakerBenefits, isZeroFactors, type TakerBenefits } from './benefits.ts';
import type { Programmes } from './programmes.ts';

function noBenefit(b: TakerBenefits): boolean {
  return isZeroFactors(b.referralDiscount) && isZeroFactors(b.volumeDiscount) && isZeroFactors(b.referralReward);
}

function withTakerBenefits(base: FeeBreakdown, b: TakerBenefits, auction: boolean): FeeBreakdown {
  if (noBenefit(b)) return base;
  const r = applyTakerBenefits(
    {
      infrastructureFee: base.infrastructureFee,
      makerFee: auction ? 0n : base.makerFee,
      liquidityFee: base.liquidityFee,
    },
    b,
  );
  const reward = r.referrerReward.infrastructureFee + r.referrerReward.makerFee + r.referrerReward.liquidityFee;
  return {
    ...base,
    infrastructureFee: r.fees.infrastructureFee,
    makerFee: auction ? base.makerFee : r.fees.makerFee,
    liquidityFee: r.fees.liquidityFee,
    referralDiscount: r.referralDiscount,
    volumeDiscount: r.volumeDiscount,
    ...(reward > 0n && b.referrer ? { referrerReward: r.referrerReward, referrer: b.referrer } : {}),
  };
}

/** The aggressor's fees for one continuous-trading trade against `maker`. */
export function continuousProgrammeFees(
  p: Programmes | undefined,
  base: FeeBreakdown,
  taker: string,
  maker: string,
  tradeValue: Decimal,
  f: FeeFactors,
): FeeBreakdown {
  if (!p) return base;
  let fee = withTakerBenefits(base, p.takerBenefits(taker), false);
  const rebate = p.makerRebate(maker);
  if (rebate.isPositive()) {
    const split = applyMakerRebate(tradeValue, rebate, f.treasuryFee, f.buyBackFee, fee.treasuryFee, fee.buyBackFee);
    fee = { ...fee, ...split };
  }
  return fee;
}

/** One side's fees at an auction uncrossing. */
export function auctionProgrammeFees(p: Programmes | undefined, base: FeeBreakdown, party: string): FeeBreakdown {
  if (!p) return base;
  return withTakerBenefits(base, p.takerBenefits(party), true);
}

/** Everything the payer pays for one trade, programmes included. */
export function programmeFeeTotal(f: FeeBreakdown): bigint {
  const r = f.referrerReward;
  return (f.highVolumeMakerFee ?? 0n) + (r ? r.infrastructureFee + r.makerFee + r.liquidityFee : 0n);
}
