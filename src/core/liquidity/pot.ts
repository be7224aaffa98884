// Probability of trading of LP orders (spec 0034-PROB, 0042-LIQF liquidity score): a table of (offset, probability)
// from the best static bid and ask in steps of 0.1 % of the price, built from the risk model at each state-variable
// calculation (horizon τ × market.liquidity.probabilityOfTrading.tau.scaling), then interpolated linearly for an
// order's price, whose offset from the best is counted in whole millionths (rounded down), and scaled by 0.5 (an order
// at or better than the best price gets 0.5). Before the first calculation a price within 20 % of the best gets 0.05.
import { Decimal } from '../num/decimal.ts';

/** The risk model's probability of trading (current price, order price, min, max, isBid, applyMinMax). */
export type RiskModelPoT = (
  current: Decimal,
  price: Decimal,
  min: Decimal,
  max: Decimal,
  isBid: boolean,
  applyMinMax: boolean,
) => Decimal;

/**
 * One side of the table: rows (offset, probability) from the best price outwards, computed on demand. Rows are
 * produced in order until the probability falls to 1e-8 or below, exactly as Vega builds the whole table; a lookup
 * only forces the rows up to the order's offset (or the whole side, when it lies beyond the end).
 */
export class PoTSide {
  readonly offsets: Decimal[] = [];
  readonly probs: Decimal[] = [];
  private done = false;
  private price: Decimal;
  private offset = Decimal.ZERO;
  private readonly step: Decimal;

  constructor(
    private readonly best: Decimal,
    private readonly isBid: boolean,
    private readonly pot: RiskModelPoT,
  ) {
    this.price = best;
    this.step = INCREMENT.mul(best);
  }

  /** Computes rows until the last offset exceeds `offset` or the side ends; true when the side has ended. */
  extendPast(offset: Decimal): boolean {
    while (!this.done) {
      const n = this.offsets.length;
      if (n > 0 && this.offsets[n - 1]!.gt(offset)) return false;
      if (n >= MAX_TABLE_ROWS) {
        this.done = true;
        break;
      }
      const prob = this.isBid
        ? this.pot(this.best, this.price, Decimal.ZERO, this.best, true, true)
        : this.pot(this.best, this.price, this.best, this.best.mul(MAX_ASK_MULTIPLIER), false, true);
      if (prob.lte(MIN_TABLE_PROBABILITY)) {
        this.done = true;
        break;
      }
      this.offsets.push(this.offset);
      this.probs.push(prob);
      this.offset = this.offset.add(INCREMENT);
      this.price = this.isBid ? this.price.sub(this.step) : this.price.add(this.step);
    }
    return true;
  }
}

export interface PoTTable {
  readonly bid: PoTSide;
  readonly ask: PoTSide;
}

const HALF = Decimal.parse('0.5');
const INCREMENT = Decimal.parse('0.001');
const OFFSET_ONE = Decimal.fromInt(1_000_000);
const MIN_TABLE_PROBABILITY = Decimal.parse('0.00000001');
const NO_CONSENSUS_PROBABILITY = Decimal.parse('0.05');
const NO_CONSENSUS_DISTANCE = Decimal.parse('0.2');
const MAX_ASK_MULTIPLIER = Decimal.fromInt(6);
/** a guard against a model that never falls below the table floor */
const MAX_TABLE_ROWS = 100_000;

/** The table from the best static bid and ask (asset precision); rows are computed as lookups need them. */
export function buildPoTTable(bestBid: Decimal, bestAsk: Decimal, pot: RiskModelPoT): PoTTable {
  return { bid: new PoTSide(bestBid, true, pot), ask: new PoTSide(bestAsk, false, pot) };
}

/**
 * Probability of trading of an order at `price` (asset precision) given the best static prices, the price-monitoring
 * valid range [minPrice, maxPrice] (decimals as computed) and the table (undefined before the first calculation).
 */
export function probabilityOfTrading(
  bestBid: Decimal,
  bestAsk: Decimal,
  minPrice: Decimal,
  maxPrice: Decimal,
  table: PoTTable | undefined,
  price: Decimal,
  isBid: boolean,
  minProbability: Decimal,
): Decimal {
  if ((isBid && price.gte(bestBid)) || (!isBid && price.lte(bestAsk))) return HALF;
  if (isBid) {
    if (price.lt(minPrice)) return minProbability;
    return sideProbability(bestBid, table?.bid, price, true, minProbability);
  }
  if (price.gt(maxPrice)) return minProbability;
  return sideProbability(bestAsk, table?.ask, price, false, minProbability);
}

function sideProbability(
  best: Decimal,
  side: PoTSide | undefined,
  price: Decimal,
  isBid: boolean,
  minProbability: Decimal,
): Decimal {
  // the offset from the best price is counted in whole millionths of it, rounded down (the table's rows are 1000
  // millionths apart), as Vega's integer offsets do
  const offset = side
    ? Decimal.fromBigInt((isBid ? best.sub(price) : price.sub(best)).div(best).mul(OFFSET_ONE).floor()).div(OFFSET_ONE)
    : Decimal.ZERO;
  if (side) side.extendPast(offset);
  if (!side || side.offsets.length === 0) {
    return best.sub(price).abs().lte(NO_CONSENSUS_DISTANCE.mul(best)) ? NO_CONSENSUS_PROBABILITY : minProbability;
  }
  const offsets = side.offsets;
  const probs = side.probs;
  const last = offsets.length - 1;
  if (offset.gt(offsets[last]!)) {
    // beyond the table: extrapolate from the last two points
    if (offsets.length === 1) return minProbability;
    const slope = offset.sub(offsets[last - 1]!).div(offsets[last]!.sub(offsets[last - 1]!));
    const prob = probs[last - 1]!.add(probs[last]!.sub(probs[last - 1]!).mul(slope));
    return Decimal.min(Decimal.ONE, Decimal.max(minProbability, prob.mul(HALF)));
  }
  // the first offset strictly above the order's offset; linear interpolation with the one before
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offset.lt(offsets[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  const i = lo;
  if (i >= probs.length) return Decimal.max(minProbability, probs[probs.length - 1]!.mul(HALF));
  const prev = offsets[i - 1]!;
  const ratio = offset.sub(prev).div(offsets[i]!.sub(prev));
  const prob = ratio.mul(probs[i]!).add(Decimal.ONE.sub(ratio).mul(probs[i - 1]!));
  return Decimal.max(minProbability, prob.mul(HALF));
}
