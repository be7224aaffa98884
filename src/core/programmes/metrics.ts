// The position-based reward metrics of spec 0056-REWA over a window of N closed epochs, summed over the markets in
// scope (from each market's activity, activity.ts):
// - average notional: the sum of the time-weighted average notionals / N;
// - relative return: the sum of the epochs' relative returns / N;
// - realised return: the sum of the epochs' realised returns / N;
// - returns volatility: 1 / the (population) variance of the epochs' returns (each summed over the markets); at
//   least two epochs with a return are needed, a zero variance gives 0.
// A party with no data in the window has no metric (it is not eligible).
import { Decimal } from '../num/decimal.ts';
import type { MarketActivity } from './activity.ts';

export type ActivityMetric =
  'AVERAGE_NOTIONAL' | 'RELATIVE_RETURN' | 'RETURN_VOLATILITY' | 'REALISED_RETURN' | 'ELIGIBLE_ENTITIES';

const ACTIVITY = new Set<string>([
  'AVERAGE_NOTIONAL',
  'RELATIVE_RETURN',
  'RETURN_VOLATILITY',
  'REALISED_RETURN',
  'ELIGIBLE_ENTITIES',
]);

export function isActivityMetric(m: string): m is ActivityMetric {
  return ACTIVITY.has(m);
}

/** Vega's scaling of the time weights (the time-weighted notional metric is divided by it). */
const SCALE = Decimal.fromBigInt(10_000_000n);

/** The markets in scope: those listed (else every market) settling in `asset` (every asset when empty). */
export function marketsInScope(
  activity: ReadonlyMap<string, MarketActivity>,
  asset: string,
  markets: readonly string[],
): MarketActivity[] {
  const ids = markets.length > 0 ? markets : [...activity.keys()].sort();
  const out: MarketActivity[] = [];
  for (const id of ids) {
    const a = activity.get(id);
    if (a && (asset === '' || a.asset === asset)) out.push(a);
  }
  return out;
}

/** A party's time-weighted average notional in the last closed epoch, summed over the markets. */
export function lastNotional(ms: readonly MarketActivity[], party: string): bigint {
  let total = 0n;
  for (const m of ms) total += m.closed.at(-1)?.twNotional.get(party) ?? 0n;
  return total;
}

/** The taker fees a party paid in the last `epochs` closed epochs, summed over the markets. */
export function takerFeesPaid(ms: readonly MarketActivity[], epochs: number): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const m of ms)
    for (const e of m.window(epochs)) for (const [p, v] of e.takerFees) out.set(p, (out.get(p) ?? 0n) + v);
  return out;
}

/** The notional traded over the last `epochs` closed epochs (asset units), summed over the markets. */
export function notionalTraded(ms: readonly MarketActivity[], epochs: number): bigint {
  let total = 0n;
  for (const m of ms) for (const e of m.window(epochs)) total += e.volume;
  return total;
}

/** A party's metric over the window, undefined when it has no data there. */
export function activityMetric(
  metric: Exclude<ActivityMetric, 'ELIGIBLE_ENTITIES'>,
  ms: readonly MarketActivity[],
  party: string,
  window: number,
): Decimal | undefined {
  const n = Math.max(window, 1);
  let found = false;
  let total = Decimal.ZERO;
  const returns: (Decimal | undefined)[] = new Array<Decimal | undefined>(n).fill(undefined);
  for (const m of ms) {
    const epochs = m.window(n);
    for (let i = 0; i < epochs.length; i++) {
      const e = epochs[i]!;
      if (metric === 'AVERAGE_NOTIONAL') {
        const v = e.twNotional.get(party);
        if (v !== undefined) {
          found = true;
          total = total.add(Decimal.fromBigInt(v));
        }
      } else if (metric === 'REALISED_RETURN') {
        const v = e.realised.get(party);
        if (v !== undefined) {
          found = true;
          total = total.add(v);
        }
      } else {
        const v = e.returns.get(party);
        if (v !== undefined) {
          found = true;
          total = total.add(v);
          returns[i] = (returns[i] ?? Decimal.ZERO).add(v);
        }
      }
    }
  }
  if (!found) return undefined;
  const N = Decimal.fromInt(n);
  if (metric === 'AVERAGE_NOTIONAL') return total.div(N.mul(SCALE));
  if (metric !== 'RETURN_VOLATILITY') return total.div(N);
  const rs = returns.filter((r): r is Decimal => r !== undefined);
  if (rs.length < 2) return undefined;
  let sum = Decimal.ZERO;
  for (const r of rs) sum = sum.add(r);
  const mean = sum.divBig(BigInt(rs.length));
  let sq = Decimal.ZERO;
  for (const r of rs) sq = sq.add(r.sub(mean).mul(r.sub(mean)));
  const variance = sq.divBig(BigInt(rs.length));
  return variance.isZero() ? Decimal.ZERO : Decimal.ONE.div(variance);
}
