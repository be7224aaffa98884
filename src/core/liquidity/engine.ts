// Liquidity provision (specs 0044-LIME liquidity mechanics, 0042-LIQF fees and rewards, 0038-OLIQ obligations):
// the complete engine. This layer holds liquidity scores from the probability of trading, fee allocation to LP fee
// accounts every `providersFeeCalculationTimeStep`, epoch-end net distribution and the performance bonus, market
// value windows, succession and views; commitments are in liquidity/provisions.ts and the SLA in liquidity/sla.ts.
// The market owns the book, accounts and clock; it hands them in through LiquidityHost.
import { pow10 } from '../num/bigint.ts';
import { Decimal } from '../num/decimal.ts';
import { type ElsState } from './els.ts';
import { buildPoTTable, probabilityOfTrading, type PoTTable } from './pot.ts';

import {
  ONE,
  sameDecimal,
  sameScoreInputs,
  type LpOrderView,
  type ValidPriceRange,
  type LpFeeShare,
  type LpSlaStats,
  type ScoreInputs,
  type SlaPenalty,
} from './types.ts';
import { LiquiditySla } from './sla.ts';

export type {
  LiquidityHost,
  LiquidityProvision,
  LpFeeShare,
  LpOrderView,
  LpSlaStats,
  ProvisionStatus,
  SlaPenalty,
  ValidPriceRange,
} from './types.ts';

export class LiquidityEngine extends LiquiditySla {
  // ------------------------------------------------------------------ fee allocation and liquidity scores

  /**
   * Probability-of-trading table (a state variable): recomputed with the price-monitoring bound factors, from the
   * best static prices; kept as it was when a side of the book is empty.
   */
  recalculatePoT(): void {
    const { bid, ask } = this.host.bestStatic();
    if (bid === undefined || ask === undefined) return;
    this.potInputs = { bid, ask };
  }

  /** The table of the last calculation, built when first needed (and reused while its inputs are unchanged). */
  protected table(): PoTTable | undefined {
    const inp = this.potInputs;
    if (!inp) return undefined;
    const tau = this.host.params().probabilityOfTradingTauScaling;
    const key = this.potKey;
    if (this.potTable && key && key.bid === inp.bid && key.ask === inp.ask && sameDecimal(key.tau, tau))
      return this.potTable;
    this.potTable = buildPoTTable(Decimal.fromBigInt(inp.bid), Decimal.fromBigInt(inp.ask), this.host.riskPoT);
    this.potKey = { bid: inp.bid, ask: inp.ask, tau };
    return this.potTable;
  }

  /** Market config changed (risk model, price monitoring): the probability table is computed afresh. */
  resetPoT(): void {
    this.potInputs = undefined;
    this.potTable = undefined;
    this.potKey = undefined;
  }

  // ------------------------------------------------------------------ AMMs as liquidity providers (spec 0090-VAMM)

  /** per AMM sub-account: the sum of its implied stakes over this epoch's samples */
  private ammStakeSums = new Map<string, Decimal>();
  /** per AMM sub-account: its average liquidity score and the number of samples */
  protected ammScores = new Map<string, { score: Decimal; n: number }>();
  /** the last raw score of each AMM and what it was computed from */
  private ammScoreCache = new Map<
    string,
    {
      orders: readonly unknown[];
      bid: bigint;
      ask: bigint;
      table: PoTTable | undefined;
      pm: ValidPriceRange;
      minProb: Decimal;
      score: Decimal;
    }
  >();
  /** samples taken this epoch */
  private ammSamples = 0;

  /**
   * One sample of every AMM's implied stake: the lesser of the notional (price × volume) it would place on each side
   * within the LP price range, over market.liquidity.stakeToCcyVolume. The epoch's average (counting 0 for samples
   * before an AMM existed or after it left) becomes its virtual commitment at the epoch end (spec 0090-VAMM
   * "Determining Liquidity Contribution", 0042-LIQF-108..111).
   */
  protected sampleAmmStakes(): void {
    const shapes = this.host.ammShapes;
    if (!shapes) return;
    const r = this.lpPriceRange();
    if (!r) return;
    const pools = shapes(r.min, r.max);
    if (pools.length === 0 && this.ammStakeSums.size === 0) return;
    this.ammSamples++;
    const ratio = this.host.params().stakeToCcyVolume;
    // the AMMs' liquidity scores: raw probability-weighted scores of their virtual orders, each averaged over the
    // samples since it was first seen (they join the LPs' scaled scores at the fee allocation)
    const pm = this.host.validPriceRange();
    const minProb = this.host.params().minProbabilityOfTradingLPOrders;
    const table = this.table();
    const raw = new Map<string, Decimal>();
    for (const { party, orders } of pools) {
      // the score is a pure function of the orders (the pool reuses its shape while unchanged), the best prices,
      // the ranges and the table: the last one is reused while none changed
      const last = this.ammScoreCache.get(party);
      if (
        last &&
        last.orders === orders &&
        last.bid === r.bid &&
        last.ask === r.ask &&
        last.table === table &&
        last.pm.minRep === pm.minRep &&
        last.pm.maxRep === pm.maxRep &&
        sameDecimal(last.minProb, minProb)
      ) {
        raw.set(party, last.score);
        continue;
      }
      const views = new Map<string, LpOrderView[]>([
        [
          party,
          orders.map((o) => ({
            side: o.side,
            price: o.price,
            remaining: Number(o.size),
            trueRemaining: Number(o.size),
          })),
        ],
      ]);
      const score = this.blockScores(r, pm, r.min, r.max, minProb, table, views, false).get(party) ?? Decimal.ZERO;
      this.ammScoreCache.set(party, { orders, bid: r.bid, ask: r.ask, table, pm, minProb, score });
      raw.set(party, score);
    }
    for (const [party, score] of raw) {
      const st = this.ammScores.get(party) ?? { score: Decimal.ZERO, n: 0 };
      st.score = st.score
        .mul(Decimal.fromInt(st.n))
        .add(score)
        .div(Decimal.fromInt(st.n + 1));
      st.n++;
      this.ammScores.set(party, st);
    }
    for (const { party, orders } of pools) {
      let buy = 0n;
      let sell = 0n;
      for (const o of orders) {
        if (o.side === 'buy') buy += o.price * o.size;
        else sell += o.price * o.size;
      }
      const value = buy < sell ? buy : sell;
      const stake = ratio.isZero() ? Decimal.ZERO : Decimal.fromBigInt(value).div(ratio);
      this.ammStakeSums.set(party, (this.ammStakeSums.get(party) ?? Decimal.ZERO).add(stake));
    }
  }

  /** Epoch end: every sampled AMM's average implied stake (truncated) becomes its stake in the equity-like shares. */
  protected applyAmmStakes(): void {
    if (this.ammSamples === 0) return;
    const n = Decimal.fromInt(this.ammSamples);
    for (const party of [...this.ammStakeSums.keys()].sort()) {
      this.els.setAmmStake(party, this.ammStakeSums.get(party)!.div(n).trunc());
    }
    this.ammStakeSums = new Map();
    this.ammSamples = 0;
  }

  /** AMM sub-accounts always meet their SLA: a zero penalty each, so they share the net distribution and bonus. */
  protected override slaPenalties(): Map<string, SlaPenalty> {
    const out = super.slaPenalties();
    for (const party of this.host.ammParties?.() ?? []) out.set(party, { fee: Decimal.ZERO, bond: Decimal.ZERO });
    return out;
  }

  override onEpochEnd(): void {
    this.applyAmmStakes();
    super.onEpochEnd();
  }

  /** Tick: allocate accrued liquidity fees when the allocation period has passed, else sample liquidity scores. */
  onTick(now: bigint): void {
    if (this.lastFeeAllocation === undefined || now - this.lastFeeAllocation > this.p.feeCalculationTimeStep) {
      this.allocateFees();
      this.avgScores = new Map();
      this.nAvg = 1;
      this.lastFeeAllocation = now;
      return;
    }
    this.sampleAmmStakes();
    this.updateScores();
  }

  /** The LP price range around the static mid (asset precision), or undefined without both best static prices. */
  protected lpPriceRange(): { min: bigint; max: bigint; bid: bigint; ask: bigint } | undefined {
    const { bid, ask } = this.host.bestStatic();
    if (bid === undefined || ask === undefined) return undefined;
    const pf = this.host.priceFactor;
    const range = this.slaParams.priceRange;
    // a pure function of the best static prices and the range: the last result is reused while they are unchanged
    const last = this.rangeCache;
    if (last && last.bid === bid && last.ask === ask && last.range === range && last.pf === pf) return last.value;
    const value = this.computeLpPriceRange(bid, ask, pf, range);
    this.rangeCache = { bid, ask, range, pf, value };
    return value;
  }

  protected computeLpPriceRange(
    bid: bigint,
    ask: bigint,
    pf: bigint,
    range: Decimal,
  ): { min: bigint; max: bigint; bid: bigint; ask: bigint } {
    const mid = Decimal.fromBigInt(bid + ask).div(Decimal.fromInt(2));
    const lowerD = ONE.sub(range).mul(mid);
    const upperD = ONE.add(range).mul(mid);
    const pfD = Decimal.fromBigInt(pf);
    // lower bound rounded up, upper bound down, to a whole price tick of the market (priceFactor in asset units)
    let lower = lowerD.div(pfD).ceil() * pf;
    let upper = upperD.div(pfD).floor() * pf;
    if (lower <= 0n) lower = pf;
    if (lower >= upper) upper = lower + pf;
    if (lower >= ask) lower = ask - pf;
    if (upper <= ask) upper = ask + pf;
    return { min: lower, max: upper, bid, ask };
  }

  protected updateScores(): void {
    const r = this.lpPriceRange();
    if (!r) return;
    const pm = this.host.validPriceRange();
    // the LP price range filters orders; the price-monitoring bounds only zero their probability (blockScores)
    const lower = r.min;
    const upper = r.max;
    const minProb = this.host.params().minProbabilityOfTradingLPOrders;
    const table = this.provisions.size > 0 ? this.table() : undefined;
    if (table !== this.potMemoTable) {
      this.potMemo.clear();
      this.potMemoEntries = 0;
      this.potMemoTable = table;
      this.scoreCache = undefined;
    }
    // this block's scores are a pure function of the best static prices, the ranges, the table and the LPs' orders:
    // when none of them changed since the last block (most blocks), the last block's scores are reused
    const inputs: ScoreInputs = {
      bid: r.bid,
      ask: r.ask,
      lower,
      upper,
      minRep: pm.minRep,
      maxRep: pm.maxRep,
      minProb,
      orders: new Map(),
    };
    for (const [party] of this.provisions) inputs.orders.set(party, this.host.activeOrders(party));
    let scores: Map<string, Decimal>;
    if (this.scoreCache && sameScoreInputs(this.scoreCache.inputs, inputs)) scores = this.scoreCache.scores;
    else {
      scores = this.blockScores(r, pm, lower, upper, minProb, table, inputs.orders);
      this.scoreCache = { inputs, scores };
    }
    const n = scores.size;
    if (n === 0) return;
    const current = new Map<string, Decimal>();
    if (this.nAvg > 1) {
      const w = divRound16(BigInt(this.nAvg - 1), 0, BigInt(this.nAvg));
      for (const [k, v] of scores) current.set(k, runningAverage(this.avgScores.get(k), w, v, BigInt(this.nAvg)));
    } else for (const [k, v] of scores) current.set(k, v.roundTo(10).reduce());
    this.avgScores = current;
    this.nAvg++;
  }

  /** The memo of probabilities for one side and context, by order price. */
  private potMemoFor(context: string): Map<bigint, Decimal> {
    let m = this.potMemo.get(context);
    if (m === undefined) this.potMemo.set(context, (m = new Map()));
    return m;
  }

  /** The LPs' liquidity scores of one block, scaled to sum to 1 (equal when all are zero), or raw (AMMs). */
  protected blockScores(
    r: { bid: bigint; ask: bigint },
    pm: ValidPriceRange,
    lower: bigint,
    upper: bigint,
    minProb: Decimal,
    table: PoTTable | undefined,
    orders: ReadonlyMap<string, readonly LpOrderView[]>,
    normalise = true,
  ): Map<string, Decimal> {
    const bestBid = Decimal.fromBigInt(r.bid);
    const bestAsk = Decimal.fromBigInt(r.ask);
    // memoised probabilities: one map per side and context (best price, floor), keyed by the order price. The
    // price-monitoring bounds are not part of the key: an order that reaches the calculation is within them
    // (price >= minRep = ceil(min) >= min, price <= maxRep = floor(max) <= max, or no maximum), where the bounds only
    // decide whether the probability is the floor — so its probability does not depend on them
    const floor = `${minProb.coef}e${minProb.scale}`;
    const bidMemo = this.potMemoFor(`b${r.bid}|${floor}`);
    const askMemo = this.potMemoFor(`a${r.ask}|${floor}`);
    const current = new Map<string, Decimal>();
    let total = Decimal.ZERO;
    for (const [party, os] of orders) {
      let bLiq = Decimal.ZERO;
      let sLiq = Decimal.ZERO;
      let bSize = 0n;
      let sSize = 0n;
      for (const o of os) {
        // orders outside the LP price range do not count; orders outside the tightest price-monitoring bounds count
        // with their volume at probability 0, and so do orders whose probability is at or below the minimum
        // (spec 0042-LIQF "Calculating the liquidity score")
        if (o.price < lower || o.price > upper) continue;
        const isBid = o.side === 'buy';
        let prob = Decimal.ZERO;
        if (o.price >= pm.minRep && (pm.maxRep === undefined || o.price <= pm.maxRep)) {
          const memoSide = isBid ? bidMemo : askMemo;
          const memo = memoSide.get(o.price);
          if (memo !== undefined) prob = memo;
          else {
            // without a maximum bound the ask side's is one tick above the order (a function of the order price)
            const maxPrice = pm.max ?? Decimal.fromBigInt(o.price + 1n);
            prob = probabilityOfTrading(
              bestBid,
              bestAsk,
              pm.min,
              maxPrice,
              table,
              Decimal.fromBigInt(o.price),
              isBid,
              minProb,
            );
            if (prob.lte(minProb)) prob = Decimal.ZERO;
            if (this.potMemoEntries >= 20_000) {
              this.potMemo.clear();
              this.potMemoEntries = 0;
            }
            memoSide.set(o.price, prob);
            this.potMemoEntries++;
          }
        }
        const size = BigInt(o.remaining);
        if (isBid) {
          bLiq = bLiq.add(prob.mulBig(size));
          bSize += size;
        } else {
          sLiq = sLiq.add(prob.mulBig(size));
          sSize += size;
        }
      }
      if (bSize > 0n) bLiq = bLiq.divBig(bSize);
      if (sSize > 0n) sLiq = sLiq.divBig(sSize);
      const score = bLiq.lte(sLiq) ? bLiq : sLiq;
      current.set(party, score);
      total = total.add(score);
    }
    const n = current.size;
    if (n === 0 || !normalise) return current;
    const equal = ONE.div(Decimal.fromInt(n));
    for (const [k, v] of current) current.set(k, total.isZero() ? equal : v.div(total));
    return current;
  }

  /** The final allocation when the market settles. */
  allocateFeesNow(): void {
    this.allocateFees();
  }

  /** Allocation of the market's liquidity fee account to the LPs' fee accounts (the remainder stays). */
  protected allocateFees(): void {
    const acc = this.host.feeAccount();
    if (acc.balance === 0n) return;
    const shares = this.els.shares();
    const scores = new Map(this.avgScores);
    // AMMs take part with their (raw) average score, and an ELS of 0 until they have a virtual stake
    for (const [party, st] of this.ammScores) {
      if (!shares.has(party)) shares.set(party, Decimal.ZERO);
      scores.set(party, (scores.get(party) ?? Decimal.ZERO).add(st.score));
    }
    if (shares.size === 0 && scores.size === 0) return;
    // scores scaled to 1
    let scoreTotal = Decimal.ZERO;
    for (const s of scores.values()) scoreTotal = scoreTotal.add(s);
    const scaled = new Map<string, Decimal>();
    // all scores zero (only AMMs without liquidity in range): equal parts, as for the LPs' block scores
    const equalPart = scores.size > 0 ? ONE.div(Decimal.fromInt(scores.size)) : ONE;
    for (const [k, v] of scores) scaled.set(k, scoreTotal.isZero() ? equalPart : v.div(scoreTotal));
    // ELS × score, normalised
    const weighted = new Map(shares);
    let wTotal = Decimal.ZERO;
    for (const [party, share] of shares) {
      const score = scores.get(party);
      if (score === undefined) continue;
      const w = share.mul(score);
      weighted.set(party, w);
      wTotal = wTotal.add(w);
    }
    if (!wTotal.isZero()) for (const [k, v] of weighted) weighted.set(k, v.div(wTotal));
    let final: Map<string, Decimal>;
    if (scores.size === 0) final = weighted;
    else if (weighted.size === 0) final = scaled;
    else {
      const f = this.host.params().equityLikeShareFeeFraction;
      final = new Map();
      for (const [k, v] of weighted) if (!v.isZero()) final.set(k, v.mul(f));
      for (const [k, v] of scaled) {
        let rv = v.mul(ONE.sub(f));
        const e = final.get(k);
        if (e) rv = rv.add(e);
        if (rv.isZero()) continue;
        final.set(k, rv);
      }
    }
    if (final.size === 0) return;
    const balance = acc.balance;
    const l = this.host.ledger;
    for (const party of [...final.keys()].sort()) {
      const amount = final.get(party)!.mulBig(balance).floor();
      const to = l.getOrCreate(party, 'LP_LIQUIDITY_FEES', this.host.asset, this.host.marketId);
      // shares can add up to more than 1 (an LP with an equity-like share but no score yet keeps its raw share):
      // like Vega's collateral engine, a transfer takes what is left
      const moved = amount < acc.balance ? amount : acc.balance;
      // Vega records allocations of 0 as transfers too
      l.transfer(acc, to, moved, 'LIQUIDITY_FEE_ALLOCATE', { recordZero: true });
      this.allocatedThisEpoch.set(party, (this.allocatedThisEpoch.get(party) ?? 0n) + moved);
    }
  }

  // ------------------------------------------------------------------ market value windows (ELS growth)

  /** Tick: a market-value window longer than market.value.windowLength ends and grows the virtual stakes. */
  updateMarketValue(now: bigint): void {
    if (!this.windows.elapsed(now, this.host.params().marketValueWindowLength)) return;
    this.els.avgTradeValue(this.windows.averageTradeValue());
    this.windows.windowStarted(now);
  }

  /**
   * The opening auction ended: the auction's traded value seeds the first window, the SLA epoch restarts, pending
   * provisions apply and commitments follow their bond balance (a bond used for margin when the LP's orders came back
   * on the book lowers the commitment at once).
   */
  openingAuctionEnded(now: bigint, markPrice: bigint, midPrice: bigint, targetStake: bigint): void {
    this.els.openingAuctionEnded();
    this.windows.windowStarted(now);
    this.onEpochStart(markPrice, midPrice, targetStake);
  }

  // ------------------------------------------------------------------ succession (spec 0081-SUCM)

  /** What a successor market inherits: every LP's equity-like-share state and the current window's traded value. */
  successionState(): { shares: ElsState[]; tradeValue: bigint } {
    return { shares: this.els.snapshot(), tradeValue: this.windows.currentTradeValue };
  }

  /** Takes over the parent's state; done before every tick of the opening auction, and undone if it goes on. */
  inheritParent(shares: readonly ElsState[], tradeValue: bigint): void {
    this.windows.setTradeValue(tradeValue);
    this.els.inherit(shares);
  }

  rollbackInheritance(): void {
    this.windows.setTradeValue(0n);
    this.els.rollbackInheritance();
  }

  // ------------------------------------------------------------------ views

  feeShares(): LpFeeShare[] {
    return this.els.entries().map((e) => ({
      party: e.party,
      equityLikeShare: e.share,
      averageEntryValuation: e.avg,
      averageScore: this.avgScores.get(e.party) ?? Decimal.ZERO,
      virtualStake: e.vStake,
    }));
  }

  slaStats(): LpSlaStats[] {
    const now = this.host.now();
    return [...this.sla.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([party, r]) => ({
        party,
        currentFraction: this.fraction(now, r),
        lastFraction: r.lastFraction,
        lastFeePenalty: r.lastFeePenalty,
        lastBondPenalty: r.lastBondPenalty,
      }));
  }

  /** Fees allocated to each LP's fee account since the epoch started. */
  allocatedFees(): ReadonlyMap<string, bigint> {
    return this.allocatedThisEpoch;
  }
}

/**
 * (c × 10^-scale) / den at 16 fractional digits, rounded half away from zero, as an integer of 10^-16: the value
 * Decimal.div gives (DivisionPrecision 16), without the objects.
 */
function divRound16(c: bigint, scale: number, den: bigint): bigint {
  let num = c;
  let d = den;
  if (scale <= 16) num *= pow10(16 - scale);
  else d *= pow10(scale - 16);
  let q = num / d;
  const r = num % d;
  if (r !== 0n && (r < 0n ? -r : r) * 2n >= (d < 0n ? -d : d)) q += num < 0n !== d < 0n ? -1n : 1n;
  return q;
}

/**
 * The running average of one LP's score after n samples, as spec 0042-LIQF and Vega compute it block by block:
 * avg × ((n − 1) / n) + score / n, both quotients at 16 digits half away from zero, the sum rounded to 10 digits
 * half away from zero. `w` is (n − 1) / n as an integer of 10^-16. Exact bigint arithmetic on one scale (26 digits)
 * instead of decimal objects; the same value as the decimal formula.
 */
export function runningAverage(avg: Decimal | undefined, w: bigint, score: Decimal, n: bigint): Decimal {
  // avg is a rounded average (at most 10 digits) or absent (0)
  const a = avg === undefined ? 0n : avg.scale <= 10 ? avg.coef * pow10(10 - avg.scale) : undefined;
  if (a === undefined)
    return avg!
      .mul(Decimal.of(w, 16))
      .add(Decimal.of(divRound16(score.coef, score.scale, n), 16))
      .roundTo(10)
      .reduce();
  const x = a * w + divRound16(score.coef, score.scale, n) * pow10(10);
  // round the 26-digit value half away from zero to 10 digits
  const p = pow10(16);
  const neg = x < 0n;
  const abs = neg ? -x : x;
  let q = abs / p;
  if ((abs % p) * 2n >= p) q += 1n;
  return Decimal.of(neg ? -q : q, 10).reduce();
}
