// What an AMM over a given range would hold, earn and risk on a market (spec 0090-VAMM): its two curves built by
// the engine's own code (core/amm/curve.ts: leverage factor, theoretical position at the bounds, virtual
// liquidity), then, across the range, the position it would hold at each price, the notional, the cash it paid or
// received moving along its curve and so its P&L (the divergence loss −L·(√p − √p_base)²/√p_base), its equity and
// leverage, the maker fees of sweeping the range, and where a move past a bound would exhaust the commitment.
// Amounts are in asset units, prices in quote units, positions in contracts.
import {
  Decimal,
  type MarketConfig,
  generateCurve,
  leverageFactor,
  positionAt,
  riskFactors,
  sqrtPrice,
  type AmmCurve,
} from '../core/index.ts';

export interface AmmAnalysisInput {
  readonly config: MarketConfig;
  readonly assetDecimals: number;
  /** asset units */
  readonly commitment: Decimal;
  /** quote units */
  readonly base: Decimal;
  readonly lower?: Decimal;
  readonly upper?: Decimal;
  readonly leverageAtLower?: Decimal;
  readonly leverageAtUpper?: Decimal;
  /** maker fee factor the AMM earns on its volume (default: the market's) */
  readonly makerFee?: Decimal;
  /** price points of the table, bounds included (default 9) */
  readonly points?: number;
}

export interface AmmSideAnalysis {
  readonly side: 'long (lower range)' | 'short (upper range)';
  readonly from: string;
  readonly to: string;
  /** r_f = min(leverage at bound, 1 / ((risk factor + linear slippage) × initial factor)) */
  readonly leverageFactor: string;
  /** position at the far bound (contracts) */
  readonly positionAtBound: string;
  /** average price of trading the whole range (the geometric mean of its ends) */
  readonly averagePrice: string;
  readonly notionalAtBound: string;
  /** P&L of moving from base to the bound (asset units) */
  readonly pnlAtBound: string;
  /** maker fees of one sweep from base to the bound and back */
  readonly feesPerRoundTrip: string;
  /** price past the bound where the loss uses up the commitment (none when the position cannot lose it all) */
  readonly exhaustedAt: string | null;
}

export interface AmmPoint {
  readonly price: string;
  readonly position: string;
  readonly notional: string;
  readonly pnl: string;
  readonly equity: string;
  readonly leverage: string;
}

export interface AmmAnalysis {
  readonly commitment: string;
  readonly base: string;
  readonly sides: AmmSideAnalysis[];
  readonly points: AmmPoint[];
}

export class AmmAnalysisError extends Error {}

const ten = (n: number): Decimal =>
  n >= 0 ? Decimal.fromBigInt(10n ** BigInt(n)) : Decimal.ONE.div(Decimal.fromBigInt(10n ** BigInt(-n)));

const fmt = (d: Decimal, places = 4): string => d.roundTo(places).reduce().toString();

export function analyseAmm(i: AmmAnalysisInput): AmmAnalysis {
  const cfg = i.config;
  const mdp = cfg.decimalPlaces;
  const pdp = cfg.positionDecimalPlaces;
  const adp = i.assetDecimals;
  if (adp < mdp) throw new AmmAnalysisError('the market has more decimal places than its asset');
  const pf = 10n ** BigInt(adp - mdp);
  const posFactor = ten(pdp);
  const priceUnit = ten(mdp);
  const assetUnit = ten(adp);
  const toMarket = (p: Decimal, what: string): bigint => {
    const v = p.mul(priceUnit);
    if (!v.isInteger() || !p.isPositive())
      throw new AmmAnalysisError(`${what}: ${p.toString()} must be a positive price in ${mdp} decimals`);
    return v.trunc();
  };
  const base = toMarket(i.base, 'base');
  const lower = i.lower !== undefined ? toMarket(i.lower, 'lower bound') : undefined;
  const upper = i.upper !== undefined ? toMarket(i.upper, 'upper bound') : undefined;
  if (lower === undefined && upper === undefined)
    throw new AmmAnalysisError('give a lower bound, an upper bound or both');
  if (lower !== undefined && lower >= base) throw new AmmAnalysisError('lower bound: must be below the base price');
  if (upper !== undefined && upper <= base) throw new AmmAnalysisError('upper bound: must be above the base price');
  if (!i.commitment.isPositive()) throw new AmmAnalysisError('commitment: must be positive');
  const commitment = i.commitment.mul(assetUnit).trunc();
  const rf = riskFactors(cfg.riskModel);
  const initialFactor = cfg.marginScalingFactors.initialMargin;
  const slip = cfg.linearSlippageFactor;
  const common = { commitment, initialFactor, linearSlippage: slip, positionFactor: posFactor };
  const baseA = base * pf;
  const empty = (isLower: boolean): AmmCurve => ({
    l: Decimal.ZERO,
    low: baseA,
    high: baseA,
    pv: Decimal.ZERO,
    empty: true,
    isLower,
    sqrtHigh: Decimal.ZERO,
  });
  const lowerCurve =
    lower === undefined
      ? empty(true)
      : generateCurve({
          ...common,
          low: lower * pf,
          high: baseA,
          riskFactor: rf.long,
          ...(i.leverageAtLower ? { leverage: i.leverageAtLower } : {}),
          isLower: true,
        });
  const upperCurve =
    upper === undefined
      ? empty(false)
      : generateCurve({
          ...common,
          low: baseA,
          high: upper * pf,
          riskFactor: rf.short,
          ...(i.leverageAtUpper ? { leverage: i.leverageAtUpper } : {}),
          isLower: false,
        });
  const maker = i.makerFee ?? cfg.fees.makerFee;
  const quote = (a: bigint): Decimal => Decimal.fromBigInt(a).div(assetUnit, 12);
  const units = (v: bigint | Decimal): Decimal =>
    (typeof v === 'bigint' ? Decimal.fromBigInt(v) : v).div(posFactor, 12);
  const sqrtBase = sqrtPrice(baseA);
  /** −L·(√p − √p_base)²/√p_base in asset precision: the P&L of moving the fair price from base to p */
  const pnlAt = (p: bigint): Decimal => {
    const c = p < baseA ? lowerCurve : upperCurve;
    if (c.empty) return Decimal.ZERO;
    const q = p < c.low ? c.low : p > c.high ? c.high : p;
    const d = sqrtPrice(q).sub(sqrtBase);
    let pnl = c.l.mul(d).mul(d).div(sqrtBase).neg().div(posFactor, 12);
    // past the bound the position stays at the bound and loses linearly
    if (p !== q) {
      const pos = positionAt(lowerCurve, upperCurve, q);
      pnl = pnl.add(Decimal.fromBigInt(pos * (p - q)).div(posFactor, 12));
    }
    return pnl;
  };
  const sides: AmmSideAnalysis[] = [];
  for (const c of [lowerCurve, upperCurve]) {
    if (c.empty) continue;
    const bound = c.isLower ? c.low : c.high;
    const pos = positionAt(lowerCurve, upperCurve, bound);
    const avg = sqrtPrice(c.low).mul(sqrtPrice(c.high));
    const pnl = pnlAt(bound);
    const equity = Decimal.fromBigInt(commitment).add(pnl);
    const absPos = units(pos < 0n ? -pos : pos);
    // one sweep out and back trades the whole range twice at about its average price
    const fees = absPos.mul(avg).mul(Decimal.fromInt(2)).mul(maker);
    let exhausted: string | null = null;
    if (absPos.isPositive() && equity.isPositive()) {
      const move = equity.div(absPos, 12);
      const at = c.isLower ? Decimal.fromBigInt(bound).sub(move) : Decimal.fromBigInt(bound).add(move);
      exhausted = at.isPositive() ? fmt(at.div(ten(adp), 12), mdp) : null;
    }
    sides.push({
      side: c.isLower ? 'long (lower range)' : 'short (upper range)',
      from: fmt(Decimal.fromBigInt(baseA).div(assetUnit, 12), mdp),
      to: fmt(Decimal.fromBigInt(bound).div(assetUnit, 12), mdp),
      leverageFactor: fmt(
        leverageFactor(
          c.isLower ? rf.long : rf.short,
          slip,
          initialFactor,
          c.isLower ? i.leverageAtLower : i.leverageAtUpper,
        ),
        6,
      ),
      positionAtBound: fmt(units(pos), pdp > 0 ? pdp : 0),
      averagePrice: fmt(avg.div(assetUnit, 12), mdp + 2),
      notionalAtBound: fmt(absPos.mul(quote(bound)), 2),
      pnlAtBound: fmt(pnl.div(assetUnit, 12), 2),
      feesPerRoundTrip: fmt(fees.div(assetUnit, 12), 2),
      exhaustedAt: exhausted,
    });
  }
  const lo = lower ?? base;
  const hi = upper ?? base;
  const n = Math.max(3, Math.min(101, i.points ?? 9));
  const prices = new Set<bigint>([lo, base, hi]);
  for (let k = 0; k < n; k++) prices.add(lo + ((hi - lo) * BigInt(k)) / BigInt(n - 1));
  const points = [...prices]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((p): AmmPoint => {
      const pa = p * pf;
      const pos = positionAt(lowerCurve, upperCurve, pa);
      const notional = units(pos < 0n ? -pos : pos).mul(quote(pa));
      const pnl = pnlAt(pa).div(assetUnit, 12);
      const equity = i.commitment.add(pnl);
      return {
        price: fmt(Decimal.fromBigInt(p).div(priceUnit, 12), mdp),
        position: fmt(units(pos), pdp > 0 ? pdp : 0),
        notional: fmt(notional, 2),
        pnl: fmt(pnl, 2),
        equity: fmt(equity, 2),
        leverage: equity.isPositive() ? fmt(notional.div(equity, 12), 2) : '∞',
      };
    });
  return { commitment: fmt(i.commitment, adp), base: fmt(i.base, mdp), sides, points };
}
