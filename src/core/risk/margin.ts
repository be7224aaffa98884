// Cross-margin levels (spec 0019-MCAL margin calculator; vega-formulas.md 2.2–2.4).
// maintenance = ceil(max(MM_long, MM_short)); the slippage term applies to the open position only, orders are
// valued at the mark price (in auctions at max(order price, auction price)); search/initial/release are the
// maintenance times 5-decimal truncated scaling factors, floored.
import { Decimal } from '../num/decimal.ts';
import { pow10 } from '../num/bigint.ts';
import type { MarginScalingFactors } from '../config/market.ts';

export interface RiskFactors {
  readonly long: Decimal;
  readonly short: Decimal;
}

export interface MarginLevels {
  readonly maintenance: bigint;
  readonly search: bigint;
  readonly initial: bigint;
  readonly release: bigint;
}

export const ZERO_MARGIN: MarginLevels = { maintenance: 0n, search: 0n, initial: 0n, release: 0n };

export interface MarginInput {
  /** signed open volume, position units */
  readonly openVolume: number;
  /** total remaining size of live buy orders, position units */
  readonly buyOrders: number;
  /** total remaining size of live sell orders, position units */
  readonly sellOrders: number;
  /** market observable price (mark price; indicative price in the opening auction), asset precision */
  readonly price: bigint;
  readonly positionFactor: Decimal;
  readonly riskFactors: RiskFactors;
  readonly linearSlippageFactor: Decimal;
  readonly quadraticSlippageFactor: Decimal;
  /** perpetuals: funding payment per unit times the margin funding factor (may be negative) */
  readonly fundingIncreasePerUnit?: Decimal;
  /**
   * In an auction the order part uses max(Σ size×limit price, size×auctionPrice) per side, where auctionPrice is
   * max(mark price, indicative uncrossing price).
   */
  readonly auction?: { readonly auctionPrice: bigint; readonly buyNotional: bigint; readonly sellNotional: bigint };
}

const SCALE_DIGITS = 5;
const SCALE = pow10(SCALE_DIGITS);

/** Slippage per unit of price for a volume: linear × |v| + quadratic × v². */
function slip(m: MarginInput, v: Decimal): Decimal {
  return m.linearSlippageFactor.mul(v.abs()).add(m.quadraticSlippageFactor.mul(v).mul(v));
}

/** Maintenance margin as an exact decimal (before rounding up). */
export function maintenanceMarginDecimal(m: MarginInput): Decimal {
  const pf = m.positionFactor;
  const V = Decimal.fromInt(m.openVolume).div(pf);
  const B = Decimal.fromInt(m.buyOrders).div(pf);
  const S = Decimal.fromInt(m.sellOrders).div(pf);
  const P = Decimal.fromBigInt(m.price);
  let mmLong = Decimal.ZERO;
  let mmShort = Decimal.ZERO;
  const riskiestLong = V.add(B);
  const riskiestShort = V.sub(S);
  const funding = m.fundingIncreasePerUnit ? Decimal.max(Decimal.ZERO, m.fundingIncreasePerUnit.mul(V)) : Decimal.ZERO;
  if (riskiestLong.isPositive()) {
    const vL = Decimal.max(V, Decimal.ZERO);
    const slippage = Decimal.max(Decimal.ZERO, P.mul(slip(m, vL)));
    const orders = m.auction
      ? Decimal.max(
          Decimal.fromBigInt(m.auction.buyNotional).div(pf),
          B.mul(Decimal.fromBigInt(m.auction.auctionPrice)),
        ).mul(m.riskFactors.long)
      : B.mul(m.riskFactors.long).mul(P);
    mmLong = slippage.add(vL.mul(m.riskFactors.long).mul(P)).add(orders).add(funding);
  }
  if (riskiestShort.isNegative()) {
    const vS = Decimal.min(V, Decimal.ZERO).abs();
    const slippage = Decimal.max(Decimal.ZERO, P.mul(slip(m, vS)));
    const orders = m.auction
      ? Decimal.max(
          Decimal.fromBigInt(m.auction.sellNotional).div(pf),
          S.mul(Decimal.fromBigInt(m.auction.auctionPrice)),
        ).mul(m.riskFactors.short)
      : S.mul(m.riskFactors.short).mul(P);
    mmShort = slippage.add(vS.mul(m.riskFactors.short).mul(P)).add(orders).add(funding);
  }
  return Decimal.max(mmLong, mmShort);
}

/** Scales a maintenance margin into the four levels (newMarginLevels: factors truncated to 5 decimals, floored). */
export function scaleMargins(maintenance: bigint, sf: MarginScalingFactors): MarginLevels {
  return {
    maintenance,
    search: (scaleFactor(sf.searchLevel) * maintenance) / SCALE,
    initial: (scaleFactor(sf.initialMargin) * maintenance) / SCALE,
    release: (scaleFactor(sf.collateralRelease) * maintenance) / SCALE,
  };
}

/** A scaling factor truncated to 5 decimals, as an integer of 10^-5 units (kept per factor: decimals are immutable). */
function scaleFactor(x: Decimal): bigint {
  let v = SCALED.get(x);
  if (v === undefined) {
    v = x.mulBig(SCALE).trunc();
    SCALED.set(x, v);
  }
  return v;
}

const SCALED = new WeakMap<Decimal, bigint>();

export function crossMarginLevels(m: MarginInput, sf: MarginScalingFactors): MarginLevels {
  if (m.auction) return computeCrossMarginLevels(m, sf);
  // a pure function of its inputs, asked for twice per party at every mark-to-market (settlement, then the recheck):
  // a small direct-mapped cache of recent answers, compared field by field (objects by identity, the funding
  // add-on by value)
  const slot =
    (Math.imul(m.openVolume | 0, 0x9e3779b1) ^ Math.imul(m.buyOrders | 0, 0x85ebca6b) ^ (m.sellOrders | 0)) &
    CACHE_MASK;
  const f = m.fundingIncreasePerUnit;
  const e = CACHE[slot];
  if (
    e !== undefined &&
    e.openVolume === m.openVolume &&
    e.buyOrders === m.buyOrders &&
    e.sellOrders === m.sellOrders &&
    e.price === m.price &&
    e.positionFactor === m.positionFactor &&
    e.riskFactors === m.riskFactors &&
    e.linear === m.linearSlippageFactor &&
    e.quadratic === m.quadraticSlippageFactor &&
    e.sf === sf &&
    (f === undefined ? e.fundingCoef === undefined : e.fundingCoef === f.coef && e.fundingScale === f.scale)
  ) {
    return e.levels;
  }
  const levels = computeCrossMarginLevels(m, sf);
  CACHE[slot] = {
    openVolume: m.openVolume,
    buyOrders: m.buyOrders,
    sellOrders: m.sellOrders,
    price: m.price,
    positionFactor: m.positionFactor,
    riskFactors: m.riskFactors,
    linear: m.linearSlippageFactor,
    quadratic: m.quadraticSlippageFactor,
    sf,
    fundingCoef: f?.coef,
    fundingScale: f?.scale ?? 0,
    levels,
  };
  return levels;
}

function computeCrossMarginLevels(m: MarginInput, sf: MarginScalingFactors): MarginLevels {
  const mm = maintenanceMarginDecimal(m);
  return scaleMargins(mm.isNegative() ? 0n : mm.ceil(), sf);
}

interface CacheEntry {
  readonly openVolume: number;
  readonly buyOrders: number;
  readonly sellOrders: number;
  readonly price: bigint;
  readonly positionFactor: Decimal;
  readonly riskFactors: RiskFactors;
  readonly linear: Decimal;
  readonly quadratic: Decimal;
  readonly sf: MarginScalingFactors;
  readonly fundingCoef: bigint | undefined;
  readonly fundingScale: number;
  readonly levels: MarginLevels;
}

const CACHE_MASK = 1023;
const CACHE: (CacheEntry | undefined)[] = new Array<CacheEntry | undefined>(CACHE_MASK + 1);
