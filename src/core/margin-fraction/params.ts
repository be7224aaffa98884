// Parameters of the margin-fraction family (seed 001) as a market chooses it at construction: the market's initial
// and maintenance margin fractions and the one-sided mark-price multiplier. Kept free of other engine imports so
// the market configuration can name it without an import cycle.
import { Decimal } from '../num/decimal.ts';

export interface MarginFractionParams {
  /** initial margin fraction (IMF): orders are accepted while OMF ≥ IMF; 0 < MMF ≤ IMF ≤ 1 */
  readonly initialFraction: Decimal;
  /** maintenance margin fraction (MMF): the account is closed out when AV < Σ notional × MMF */
  readonly maintenanceFraction: Decimal;
  /** mark price with one side of the book only: best ask × (1 − m) or best bid × (1 + m), 0 < m < 1 */
  readonly oneSidedMultiplier: Decimal;
}

/** The engine's invariants of the parameters; throws a RangeError naming the field. */
export function validateMarginFraction(p: MarginFractionParams, where = 'marginFraction'): void {
  const { initialFraction: imf, maintenanceFraction: mmf, oneSidedMultiplier: m } = p;
  if (!mmf.isPositive()) throw new RangeError(`${where}.maintenanceFraction: ${mmf.toString()} must be > 0`);
  if (imf.lt(mmf))
    throw new RangeError(
      `${where}.initialFraction: ${imf.toString()} must be ≥ the maintenance fraction ${mmf.toString()}`,
    );
  if (imf.gt(Decimal.ONE)) throw new RangeError(`${where}.initialFraction: ${imf.toString()} must be ≤ 1`);
  if (!(m.isPositive() && m.lt(Decimal.ONE)))
    throw new RangeError(`${where}.oneSidedMultiplier: ${m.toString()} is not in (0, 1)`);
}
