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

/** The first parameter that breaks the engine's invariants (field and reason), or undefined. */
export function marginFractionProblem(p: MarginFractionParams): { field: string; reason: string } | undefined {
  const { initialFraction: imf, maintenanceFraction: mmf, oneSidedMultiplier: m } = p;
  if (!mmf.isPositive()) return { field: 'maintenanceFraction', reason: `${mmf.toString()} must be > 0` };
  if (imf.lt(mmf))
    return {
      field: 'initialFraction',
      reason: `${imf.toString()} must be ≥ the maintenance fraction ${mmf.toString()}`,
    };
  if (imf.gt(Decimal.ONE)) return { field: 'initialFraction', reason: `${imf.toString()} must be ≤ 1` };
  if (!(m.isPositive() && m.lt(Decimal.ONE)))
    return { field: 'oneSidedMultiplier', reason: `${m.toString()} is not in (0, 1)` };
  return undefined;
}

/** The engine's invariants of the parameters; throws a RangeError naming the field (`where`.field). */
export function validateMarginFraction(p: MarginFractionParams, where = 'marginFraction'): void {
  const problem = marginFractionProblem(p);
  if (problem) throw new RangeError(`${where}.${problem.field}: ${problem.reason}`);
}
