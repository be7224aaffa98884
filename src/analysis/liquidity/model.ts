// The daily economics of liquidity provision on a Vega market (the model of seed 000's notebooks, done with Vega's
// rules): for each day of market data (24-hour notional volume, open interest, price) and the commitments in force,
// the target stake, the supplied stake, the liquidity fee factor from the providers' fee bids, each provider's
// equity-like share, liquidity score, fee income after SLA penalties and bonuses, the margin its order-book
// obligation needs, and its annualised return on bond plus margin.
//
// One day is one epoch (validators.epoch.length 24h) and one fee-distribution period. Spec and rules:
// target stake 0041-TSTK (vega-formulas.md §6.5: max OI × price × trunc5(max rf) × trunc5(scaling factor)); fee factor
// 0042-LIQF (§6.6: marginal cost, weighted average, constant); equity-like share and virtual stake (§6.8, R6 §4.6:
// stake increases add to the virtual stake, decreases scale it, growth at each market.value.windowLength);
// liquidity score (R6 §4.3: per side Σ PoT·size / Σ size over orders inside the LP and price-monitoring ranges,
// PoT 0.5 at the best price and 0.5 × the log-normal probability of trading elsewhere; the minimum of the two sides);
// allocation (§6.9: ELS-weighted scores, floor per provider, the remainder carried); SLA penalties and bonus (§6.4,
// §6.9); margin of resting orders (§2.2, the engine's crossMarginLevels).
//
// What the daily data cannot give and is assumed (documented in the report): the book is at the day's price (best bid
// = best ask = mid = price); providers quote their order shape all day and are on the book for `timeOnBook` of the
// epoch; no position is taken (no inventory risk, as in seed 000); the day's liquidity fees are volume × fee factor.
import {
  boundFactors,
  crossMarginLevels,
  Decimal,
  defaultNetworkParams,
  type MarketConfig,
  pow10,
  probabilityOfTrading,
  riskFactors as engineRiskFactors,
} from '../../core/index.ts';

/**
 * The market the model runs on: a new-market proposal (ParsedProposal has these fields) or a spot market (spec
 * 0080-SPOT: `config` from spotMarketConfig, `asset` the quote asset, `spot` the base asset).
 */
export interface LiquidityMarket {
  readonly config: MarketConfig;
  readonly asset: { readonly symbol: string; readonly decimals: number };
  readonly instrument: { readonly name: string };
  readonly spot?: { readonly base: string };
}
import { positionFactor, shiftDown, shiftUp } from '../units.ts';
import type { CommitmentInput, CommitmentsFile, DailyRow } from './inputs.ts';
import { LiquidityInputError } from './inputs.ts';

export interface OrderShape {
  readonly offset: Decimal;
  readonly weight: Decimal;
}

export interface NetworkSettings {
  readonly stakeToCcyVolume: Decimal;
  readonly equityLikeShareFeeFraction: Decimal;
  readonly marketValueWindowDays: number;
  readonly bondPenaltySlope: Decimal;
  readonly bondPenaltyMax: Decimal;
  readonly probabilityOfTradingTauScaling: Decimal;
  readonly minProbabilityOfTrading: Decimal;
}

export interface ProviderDay {
  readonly party: string;
  readonly commitment: string;
  readonly fee: string;
  readonly virtualStake: string;
  readonly equityLikeShare: string;
  /** liquidity score (before normalisation) */
  readonly score: string;
  /** share of the day's liquidity fees allocated to the provider */
  readonly feeShare: string;
  readonly allocatedFees: string;
  /** whether the order shape puts the obligation on both sides within the SLA price range */
  readonly obligationMet: boolean;
  readonly timeOnBook: string;
  readonly feePenalty: string;
  readonly netFees: string;
  readonly bonus: string;
  readonly bondPenalty: string;
  /** net fees + bonus − bond penalty */
  readonly income: string;
  readonly buySize: string;
  readonly sellSize: string;
  readonly maintenanceMargin: string;
  readonly initialMargin: string;
  /**
   * spot markets (no margin): what the resting orders of the obligation hold — the buys' value in quote and the
   * sells' size in base — and the quote value of both at the price
   */
  readonly held?: { readonly quote: string; readonly base: string; readonly value: string };
  /** commitment (bond) + initial margin (spot: + the value held by the resting orders) */
  readonly capital: string;
  /** income / capital × 365 */
  readonly annualisedReturn: number;
}

export interface MarketDay {
  readonly day: string;
  readonly price: string;
  readonly notionalVolume: string;
  readonly openInterest: string;
  readonly targetStake: string;
  readonly suppliedStake: string;
  /** supplied / target (null when the target is 0) */
  readonly coverage: number | null;
  readonly liquidityFeeFactor: string;
  readonly liquidityFees: string;
  /** fees left in the market's fee account after the allocation (floor rounding), carried to the next day */
  readonly carried: string;
  /** fees that went to the insurance pool (all providers fully penalised) and bond penalties */
  readonly toInsurancePool: string;
  /** bonus-pool remainder Vega gives to one pseudo-randomly chosen provider (not modelled) */
  readonly bonusRemainder: string;
  /** market.value.windowLength growth applied at the end of this day, if a window ended */
  readonly growth: string | null;
  readonly providers: readonly ProviderDay[];
}

export interface ProviderTotal {
  readonly party: string;
  readonly days: number;
  readonly income: string;
  readonly fees: string;
  readonly bondPenalties: string;
  readonly averageCapital: string;
  /** total income / average capital × 365 / days active */
  readonly annualisedReturn: number;
}

export interface LiquidityReport {
  readonly market: {
    readonly proposal: string;
    readonly name: string;
    readonly asset: string;
    readonly assetDecimals: number;
    /** spot markets: the base asset (amounts are in the quote asset, `asset`) */
    readonly spot?: { readonly base: string };
    readonly riskFactors: { readonly long: string; readonly short: string };
    readonly targetStakeScalingFactor: string;
    readonly feeMethod: string;
    readonly sla: {
      readonly priceRange: string;
      readonly commitmentMinTimeFraction: string;
      readonly slaCompetitionFactor: string;
      readonly performanceHysteresisEpochs: number;
    };
  };
  readonly network: { readonly [K in keyof NetworkSettings]: string | number };
  readonly assumptions: readonly string[];
  readonly days: readonly MarketDay[];
  readonly totals: readonly ProviderTotal[];
}

interface Provider {
  readonly party: string;
  commitment: Decimal;
  fee: Decimal;
  virtualStake: Decimal;
  timeOnBook: Decimal;
  notionalMultiple: Decimal;
  buy: readonly OrderShape[];
  sell: readonly OrderShape[];
  /** fee penalties of past epochs, newest last (hysteresis) */
  penalties: Decimal[];
}

const FIVE_DP = pow10(5);

export function networkSettings(input: CommitmentsFile['network']): NetworkSettings {
  const net = defaultNetworkParams();
  return {
    stakeToCcyVolume: input.stakeToCcyVolume ?? net.stakeToCcyVolume,
    equityLikeShareFeeFraction: input.equityLikeShareFeeFraction ?? net.equityLikeShareFeeFraction,
    marketValueWindowDays:
      input.marketValueWindowDays ?? Number(net.marketValueWindowLength / (86400n * 1_000_000_000n)),
    bondPenaltySlope: input.bondPenaltySlope ?? net.slaNonPerformanceBondPenaltySlope,
    bondPenaltyMax: input.bondPenaltyMax ?? net.slaNonPerformanceBondPenaltyMax,
    probabilityOfTradingTauScaling: input.probabilityOfTradingTauScaling ?? Decimal.ONE,
    minProbabilityOfTrading: input.minProbabilityOfTrading ?? Decimal.parse('1e-8'),
  };
}

/** Target stake in asset base units (0041-TSTK): floor(floor(price × maxOI) × trunc5(rf) × trunc5(sf) / 1e10). */
export function targetStake(
  priceAsset: bigint,
  maxOpenInterest: Decimal,
  rfMax: Decimal,
  scalingFactor: Decimal,
): bigint {
  const value = Decimal.fromBigInt(priceAsset).mul(maxOpenInterest).floor();
  const rfU = rfMax.mulBig(FIVE_DP).trunc();
  const sfU = scalingFactor.mulBig(FIVE_DP).trunc();
  return (value * rfU * sfU) / (FIVE_DP * FIVE_DP);
}

/** Target stake of a spot market in asset base units: trunc(scaling factor × the largest total supplied stake). */
export function spotTargetStake(supplied: readonly Decimal[], scalingFactor: Decimal, adp: number): bigint {
  const max = supplied.reduce((m, x) => Decimal.max(m, x), Decimal.ZERO);
  return shiftUp(max.mul(scalingFactor), adp).trunc();
}

/** The liquidity fee factor from the providers' bids (0042-LIQF), the engine's rules. */
export function liquidityFeeFactor(
  method: MarketConfig['fees']['liquidityFeeMethod'],
  providers: readonly { readonly commitment: Decimal; readonly fee: Decimal }[],
  target: Decimal,
  constant: Decimal | undefined,
): Decimal {
  if (providers.length === 0) return Decimal.ZERO;
  if (method === 'CONSTANT') return constant ?? Decimal.ZERO;
  if (method === 'WEIGHTED_AVERAGE') {
    let num = Decimal.ZERO;
    let den = Decimal.ZERO;
    for (const p of providers) {
      num = num.add(p.fee.mul(p.commitment));
      den = den.add(p.commitment);
    }
    return den.isZero() ? Decimal.ZERO : num.div(den);
  }
  // marginal cost: cheapest first (a stable sort keeps the commitment order among equal bids); the first bid at
  // which the cumulative commitment reaches the target, else the highest bid
  const sorted = [...providers].sort((a, b) => a.fee.cmp(b.fee));
  let cum = Decimal.ZERO;
  for (const p of sorted) {
    cum = cum.add(p.commitment);
    if (cum.gte(target)) return p.fee;
  }
  return sorted[sorted.length - 1]!.fee;
}

/** SLA fee penalty of one epoch (§6.4) before hysteresis. */
export function slaFeePenalty(t: Decimal, minTime: Decimal, competition: Decimal): Decimal {
  if (t.lt(minTime)) return Decimal.ONE;
  if (minTime.eq(Decimal.ONE)) return Decimal.ZERO;
  return Decimal.ONE.sub(t.sub(minTime).div(Decimal.ONE.sub(minTime))).mul(competition);
}

/** SLA bond penalty fraction of one epoch (§6.4). */
export function slaBondPenalty(t: Decimal, minTime: Decimal, slope: Decimal, max: Decimal): Decimal {
  if (!t.lt(minTime)) return Decimal.ZERO;
  const p = slope.mul(Decimal.ONE.sub(t.div(minTime)));
  return Decimal.max(Decimal.ZERO, Decimal.min(max, p));
}

/** Runs the model over the days. */
export function runLiquidityModel(
  days: readonly DailyRow[],
  input: CommitmentsFile,
  proposal: LiquidityMarket,
  sources: { readonly commitments: string } = { commitments: 'commitments' },
): LiquidityReport {
  const cfg = proposal.config;
  const spot = proposal.spot;
  // spot target stake (0041-TSTK): the largest total supplied stake over the window, here in whole days
  const stakeWindowDays = Math.max(1, Math.ceil(cfg.targetStake.timeWindow / 86_400));
  const suppliedHistory: Decimal[] = [];
  const adp = proposal.asset.decimals;
  const pdp = cfg.positionDecimalPlaces;
  const net = networkSettings(input.network);
  const rf = engineRiskFactors(cfg.riskModel);
  const rfMax = Decimal.max(rf.long, rf.short);
  const sla = cfg.sla;
  const base = (d: Decimal) => shiftUp(d, adp).floor(); // quote units → asset base units (floor)
  const units = (b: bigint) => shiftDown(Decimal.fromBigInt(b), adp).toString();
  const pf = positionFactor(pdp);

  // commitments by day
  const dayIndex = new Map(days.map((d, i) => [d.day, i]));
  const byDay = new Map<number, { c: CommitmentInput; i: number }[]>();
  const issues: string[] = [];
  input.commitments.forEach((c, i) => {
    const k = dayIndex.get(c.day);
    if (k === undefined) {
      issues.push(`commitments[${i}].day: "${c.day}" is not a day of the market data`);
      return;
    }
    byDay.set(k, [...(byDay.get(k) ?? []), { c, i }]);
  });
  if (issues.length) throw new LiquidityInputError(sources.commitments, issues);

  const providers = new Map<string, Provider>();
  const totals = new Map<string, { days: number; income: bigint; fees: bigint; bond: bigint; capital: bigint }>();
  let carry = 0n;
  // market value proxy (ELS growth): window accumulator, running average, window number
  let windowAcc = Decimal.ZERO;
  let avg = Decimal.ZERO;
  let windowN = 0;
  let lastA = Decimal.ZERO;
  const out: MarketDay[] = [];

  days.forEach((d, k) => {
    // 1. commitments that start today (epoch start)
    for (const { c } of byDay.get(k) ?? []) applyCommitment(providers, c);
    const active = [...providers.values()].filter((p) => p.commitment.isPositive());

    // 2. target and supplied stake, fee factor
    const priceAsset = base(d.price);
    const supplied = active.reduce((s, p) => s.add(p.commitment), Decimal.ZERO);
    suppliedHistory.push(supplied);
    const target = spot
      ? spotTargetStake(suppliedHistory.slice(-stakeWindowDays), cfg.targetStake.scalingFactor, adp)
      : targetStake(priceAsset, d.maxOpenInterest, rfMax, cfg.targetStake.scalingFactor);
    const feeFactor = liquidityFeeFactor(
      cfg.fees.liquidityFeeMethod,
      active,
      shiftDown(Decimal.fromBigInt(target), adp),
      cfg.fees.liquidityFeeConstant,
    );
    const fees = base(d.notionalVolume.mul(feeFactor));

    // 3. equity-like shares, scores, allocation
    const vTotal = active.reduce((s, p) => s.add(p.virtualStake), Decimal.ZERO);
    const els = new Map(active.map((p) => [p.party, vTotal.isZero() ? Decimal.ZERO : p.virtualStake.div(vTotal)]));
    const pm = priceMonitoringRange(cfg, priceAsset, adp);
    const scores = new Map(active.map((p) => [p.party, liquidityScore(p, d.price, cfg, net, pm)]));
    const shares = feeShares(active, els, scores, net.equityLikeShareFeeFraction);
    const balance = fees + carry;
    const allocated = new Map<string, bigint>();
    let allocatedSum = 0n;
    for (const p of active) {
      const a = balance > 0n ? Decimal.fromBigInt(balance).mul(shares.get(p.party)!).floor() : 0n;
      allocated.set(p.party, a);
      allocatedSum += a;
    }
    carry = balance - allocatedSum;

    // 4. SLA at the epoch end: obligation, penalties, bonus
    const obligation = new Map(active.map((p) => [p.party, obligationOf(p, d.price, sla.priceRange, net, pf)]));
    const penalty = new Map<string, Decimal>();
    const timeOnBook = new Map<string, Decimal>();
    for (const p of active) {
      const t = obligation.get(p.party)!.met ? p.timeOnBook : Decimal.ZERO;
      timeOnBook.set(p.party, t);
      const now = slaFeePenalty(t, sla.commitmentMinTimeFraction, sla.slaCompetitionFactor);
      // hysteresis (R6 §3.3): the raw penalties of up to performanceHysteresisEpochs previous epochs; the applied
      // penalty is the larger of this epoch's and their mean
      const h = sla.performanceHysteresisEpochs;
      const past = h > 0 ? p.penalties.slice(-h) : [];
      const mean = past.length
        ? past.reduce((s, x) => s.add(x), Decimal.ZERO).divBig(BigInt(past.length))
        : Decimal.ZERO;
      penalty.set(p.party, Decimal.max(now, mean));
      p.penalties.push(now);
    }
    const net_ = new Map<string, bigint>();
    const bonus = new Map<string, bigint>();
    let toInsurance = 0n;
    let bonusRemainder = 0n;
    const allPenalised = active.length > 0 && active.every((p) => penalty.get(p.party)!.eq(Decimal.ONE));
    if (allPenalised) {
      for (const p of active) {
        toInsurance += allocated.get(p.party)!;
        net_.set(p.party, 0n);
        bonus.set(p.party, 0n);
      }
    } else {
      let pool = 0n;
      const A = active.reduce((s, p) => s + allocated.get(p.party)!, 0n);
      const weights = new Map<string, Decimal>();
      for (const p of active) {
        const a = allocated.get(p.party)!;
        const keep = Decimal.ONE.sub(penalty.get(p.party)!);
        const n = keep.mulBig(a).trunc();
        net_.set(p.party, n);
        pool += a - n;
        weights.set(p.party, A === 0n ? Decimal.ZERO : keep.mulBig(a).divBig(A));
      }
      const wSum = [...weights.values()].reduce((s, x) => s.add(x), Decimal.ZERO);
      let paid = 0n;
      for (const p of active) {
        const w = wSum.isZero() ? Decimal.ZERO : weights.get(p.party)!.div(wSum);
        const b = w.mulBig(pool).floor();
        bonus.set(p.party, b);
        paid += b;
      }
      bonusRemainder = pool - paid;
    }

    // 5. per provider: bond penalty, margin, income, return
    const bondSlashes = new Map<string, bigint>();
    const providerDays: ProviderDay[] = active.map((p) => {
      const t = timeOnBook.get(p.party)!;
      const bondFraction = slaBondPenalty(t, sla.commitmentMinTimeFraction, net.bondPenaltySlope, net.bondPenaltyMax);
      const commitmentBase = base(p.commitment);
      const bond = bondFraction.mulBig(commitmentBase).trunc();
      bondSlashes.set(p.party, bond);
      toInsurance += bond;
      const ob = obligation.get(p.party)!;
      // spot: no margin; the resting orders hold their value (buys, quote) and their size (sells, base)
      const heldQuote = Decimal.fromBigInt(priceAsset * BigInt(ob.buyUnits))
        .div(pf)
        .trunc();
      const heldBaseValue = Decimal.fromBigInt(priceAsset * BigInt(ob.sellUnits))
        .div(pf)
        .trunc();
      const levels = spot
        ? { maintenance: 0n, initial: heldQuote + heldBaseValue }
        : crossMarginLevels(
            {
              openVolume: 0,
              buyOrders: ob.buyUnits,
              sellOrders: ob.sellUnits,
              price: priceAsset,
              positionFactor: pf,
              riskFactors: rf,
              linearSlippageFactor: cfg.linearSlippageFactor,
              quadraticSlippageFactor: cfg.quadraticSlippageFactor,
            },
            cfg.marginScalingFactors,
          );
      const income = net_.get(p.party)! + bonus.get(p.party)! - bond;
      const capital = commitmentBase + levels.initial;
      const annualised = capital > 0n ? (Number(income) / Number(capital)) * 365 : 0;
      const tot = totals.get(p.party) ?? { days: 0, income: 0n, fees: 0n, bond: 0n, capital: 0n };
      tot.days += 1;
      tot.income += income;
      tot.fees += net_.get(p.party)! + bonus.get(p.party)!;
      tot.bond += bond;
      tot.capital += capital;
      totals.set(p.party, tot);
      return {
        party: p.party,
        commitment: p.commitment.toString(),
        fee: p.fee.toString(),
        virtualStake: p.virtualStake.toString(),
        equityLikeShare: els.get(p.party)!.toString(),
        score: scores.get(p.party)!.toString(),
        feeShare: shares.get(p.party)!.toString(),
        allocatedFees: units(allocated.get(p.party)!),
        obligationMet: ob.met,
        timeOnBook: t.toString(),
        feePenalty: penalty.get(p.party)!.toString(),
        netFees: units(net_.get(p.party)!),
        bonus: units(bonus.get(p.party)!),
        bondPenalty: units(bond),
        income: units(income),
        buySize: Decimal.fromInt(ob.buyUnits).div(pf).toString(),
        sellSize: Decimal.fromInt(ob.sellUnits).div(pf).toString(),
        maintenanceMargin: units(levels.maintenance),
        initialMargin: units(spot ? 0n : levels.initial),
        ...(spot
          ? {
              held: {
                quote: units(heldQuote),
                base: Decimal.fromInt(ob.sellUnits).div(pf).toString(),
                value: units(levels.initial),
              },
            }
          : {}),
        capital: units(capital),
        annualisedReturn: annualised,
      };
    });

    // 6. the next epoch starts with the commitment synced to the bond left after the SLA bond penalty (R6 §2.5):
    // a decrease of the commitment (and of the virtual stake); a bond used up cancels the provision
    for (const p of active) {
      const slashed = bondSlashes.get(p.party) ?? 0n;
      if (slashed > 0n) {
        setCommitment(p, Decimal.max(Decimal.ZERO, p.commitment.sub(shiftDown(Decimal.fromBigInt(slashed), adp))));
      }
    }

    // 7. market value window: growth of the virtual stakes at the window end
    windowAcc = windowAcc.add(d.notionalVolume);
    let growth: Decimal | null = null;
    if ((k + 1) % net.marketValueWindowDays === 0) {
      windowN += 1;
      const A =
        windowN === 1
          ? windowAcc
          : avg
              .mul(Decimal.fromInt(windowN - 1))
              .add(windowAcc)
              .divBig(BigInt(windowN));
      if (!A.isZero()) {
        const r = lastA.isZero() ? Decimal.ZERO : A.sub(lastA).div(lastA);
        growth = r;
        for (const p of active) {
          p.virtualStake = Decimal.max(p.commitment, p.virtualStake.mul(Decimal.ONE.add(r)));
        }
        lastA = A;
      }
      avg = A;
      windowAcc = Decimal.ZERO;
    }

    out.push({
      day: d.day,
      price: d.price.toString(),
      notionalVolume: d.notionalVolume.toString(),
      openInterest: d.openInterest.toString(),
      targetStake: units(target),
      suppliedStake: supplied.toString(),
      coverage: target === 0n ? null : supplied.toNumber() / shiftDown(Decimal.fromBigInt(target), adp).toNumber(),
      liquidityFeeFactor: feeFactor.toString(),
      liquidityFees: units(fees),
      carried: units(carry),
      toInsurancePool: units(toInsurance),
      bonusRemainder: units(bonusRemainder),
      growth: growth?.toString() ?? null,
      providers: providerDays,
    });
  });

  return {
    market: {
      proposal: input.proposal,
      name: proposal.instrument.name,
      asset: proposal.asset.symbol,
      assetDecimals: adp,
      ...(spot ? { spot } : {}),
      riskFactors: { long: rf.long.toString(), short: rf.short.toString() },
      targetStakeScalingFactor: cfg.targetStake.scalingFactor.toString(),
      feeMethod: cfg.fees.liquidityFeeMethod,
      sla: {
        priceRange: sla.priceRange.toString(),
        commitmentMinTimeFraction: sla.commitmentMinTimeFraction.toString(),
        slaCompetitionFactor: sla.slaCompetitionFactor.toString(),
        performanceHysteresisEpochs: sla.performanceHysteresisEpochs,
      },
    },
    network: Object.fromEntries(
      Object.entries(net).map(([k, v]) => [k, typeof v === 'number' ? v : (v as Decimal).toString()]),
    ) as LiquidityReport['network'],
    assumptions: spot
      ? [
          'one day is one epoch and one fee-distribution period',
          "the book sits at the day's price: best bid = best ask = mid = price; providers quote their order shape all day",
          'each day the liquidity fees are the notional volume × the fee factor, rounded down to asset units',
          `a spot market has no margin: the providers' resting orders hold their value in ${proposal.asset.symbol} (buys) and their size in ${spot.base} (sells), counted in the capital at the day's price; no position, no inventory risk`,
          `target stake = scaling factor × the largest total supplied stake over the window (${stakeWindowDays} day${stakeWindowDays > 1 ? 's' : ''} here), truncated; open interest is not used`,
          'bond penalties and withheld fees go to the network treasury (a spot market has no insurance pool)',
          'market value windows start on the first day with nothing traded before (no opening auction)',
          'the bonus-pool remainder Vega gives to one pseudo-randomly chosen provider is reported, not paid',
          'an SLA bond penalty lowers the commitment from the next day (Vega syncs the commitment to the bond at the epoch start)',
        ]
      : [
          'one day is one epoch and one fee-distribution period',
          "the book sits at the day's price: best bid = best ask = mid = price; providers quote their order shape all day",
          'each day the liquidity fees are the notional volume × the fee factor, rounded down to asset units',
          'providers take no position (no inventory risk, no funding): margin is that of their resting orders',
          "the target stake uses max_open_interest if given, else the day's open interest, as the maximum over the window",
          'market value windows start on the first day with nothing traded before (no opening auction)',
          'the bonus-pool remainder Vega gives to one pseudo-randomly chosen provider is reported, not paid',
          'an SLA bond penalty lowers the commitment from the next day (Vega syncs the commitment to the bond at the epoch start)',
        ],
    days: out,
    totals: [...totals.entries()].map(([party, t]) => {
      const avgCapital = t.capital / BigInt(t.days);
      return {
        party,
        days: t.days,
        income: units(t.income),
        fees: units(t.fees),
        bondPenalties: units(t.bond),
        averageCapital: units(avgCapital),
        annualisedReturn: avgCapital > 0n ? ((Number(t.income) / Number(avgCapital)) * 365) / t.days : 0,
      };
    }),
  };
}

function applyCommitment(providers: Map<string, Provider>, c: CommitmentInput): void {
  const p = providers.get(c.party);
  const shape = (s: CommitmentInput['buy']) => (s ?? []).map((o) => ({ offset: o.offset, weight: o.weight }));
  if (!p) {
    providers.set(c.party, {
      party: c.party,
      commitment: c.amount,
      fee: c.fee!,
      virtualStake: c.amount,
      timeOnBook: c.timeOnBook ?? Decimal.ONE,
      notionalMultiple: c.notionalMultiple ?? Decimal.ONE,
      buy: shape(c.buy),
      sell: shape(c.sell),
      penalties: [],
    });
    return;
  }
  setCommitment(p, c.amount);
  if (c.fee) p.fee = c.fee;
  if (c.timeOnBook) p.timeOnBook = c.timeOnBook;
  if (c.notionalMultiple) p.notionalMultiple = c.notionalMultiple;
  if (c.buy) p.buy = shape(c.buy);
  if (c.sell) p.sell = shape(c.sell);
}

/**
 * A new commitment amount: an increase adds to the virtual stake, a decrease scales it (R6 §4.6); a provider that
 * commits again after cancelling starts afresh.
 */
function setCommitment(p: Provider, amount: Decimal): void {
  if (p.commitment.isZero()) p.virtualStake = amount;
  else if (amount.gt(p.commitment)) p.virtualStake = p.virtualStake.add(amount.sub(p.commitment));
  else p.virtualStake = p.virtualStake.mul(amount).div(p.commitment);
  p.commitment = amount;
  if (amount.isZero()) p.penalties = [];
}

/** The tightest price-monitoring band at the price (all triggers), in quote units; undefined without triggers. */
function priceMonitoringRange(
  cfg: MarketConfig,
  priceAsset: bigint,
  adp: number,
): { min: Decimal; max: Decimal } | undefined {
  if (cfg.priceMonitoringTriggers.length === 0) return undefined;
  const ref = Decimal.fromBigInt(priceAsset);
  let min: bigint | undefined;
  let max: bigint | undefined;
  for (const t of cfg.priceMonitoringTriggers) {
    const f = boundFactors(cfg.riskModel, ref, t.horizon, t.probability);
    const lo = ref.mul(f.down).ceil();
    const hi = ref.mul(f.up).floor();
    if (min === undefined || lo > min) min = lo;
    if (max === undefined || hi < max) max = hi;
  }
  return { min: shiftDown(Decimal.fromBigInt(min!), adp), max: shiftDown(Decimal.fromBigInt(max!), adp) };
}

/**
 * Liquidity score of a provider's shape at `price` (R6 §4.3): orders outside [max(PM min, (1 − range)·price),
 * min(PM max, (1 + range)·price)] are skipped; PoT 0.5 at the best price, else 0.5 × the risk model's probability of
 * trading (floored at the minimum); per side Σ PoT·size / Σ size (sizes ∝ weights); the minimum of the two sides.
 */
export function liquidityScore(
  p: { readonly buy: readonly OrderShape[]; readonly sell: readonly OrderShape[] },
  price: Decimal,
  cfg: MarketConfig,
  net: NetworkSettings,
  pm: { min: Decimal; max: Decimal } | undefined,
): Decimal {
  const range = cfg.sla.priceRange;
  let lo = Decimal.ONE.sub(range).mul(price);
  let hi = Decimal.ONE.add(range).mul(price);
  if (pm) {
    lo = Decimal.max(lo, pm.min);
    hi = Decimal.min(hi, pm.max);
  }
  const side = (orders: readonly OrderShape[], isBid: boolean): Decimal => {
    let num = Decimal.ZERO;
    let den = Decimal.ZERO;
    for (const o of orders) {
      const at = isBid ? price.mul(Decimal.ONE.sub(o.offset)) : price.mul(Decimal.ONE.add(o.offset));
      if (at.lt(lo) || at.gt(hi)) continue;
      const pot = probability(o.offset, at, price, isBid, cfg, net);
      num = num.add(pot.mul(o.weight));
      den = den.add(o.weight);
    }
    return den.isZero() ? Decimal.ZERO : num.div(den);
  };
  return Decimal.min(side(p.buy, true), side(p.sell, false));
}

function probability(
  offset: Decimal,
  at: Decimal,
  price: Decimal,
  isBid: boolean,
  cfg: MarketConfig,
  net: NetworkSettings,
): Decimal {
  if (offset.isZero()) return Decimal.parse('0.5');
  const model = cfg.riskModel;
  let pot: Decimal;
  if (model.kind === 'simple') pot = model.probabilityOfTrading;
  else {
    const P = price.toNumber();
    const x = probabilityOfTrading(
      {
        currentPrice: P,
        orderPrice: at.toNumber(),
        minPrice: isBid ? 0 : P,
        maxPrice: isBid ? P : 6 * P,
        yearFraction: model.tau * net.probabilityOfTradingTauScaling.toNumber(),
        isBid,
        applyMinMax: true,
      },
      model,
    );
    pot = Decimal.fromFloat(Number.isFinite(x) ? x : 0);
  }
  return Decimal.max(net.minProbabilityOfTrading, pot.mul(Decimal.parse('0.5')));
}

/** Fee shares (§6.9, R6 §4.4): F × normalise(ELS × score) + (1 − F) × normalise(score); equal scores if all are 0. */
export function feeShares(
  active: readonly { readonly party: string }[],
  els: ReadonlyMap<string, Decimal>,
  scores: ReadonlyMap<string, Decimal>,
  F: Decimal,
): Map<string, Decimal> {
  const n = active.length;
  const scoreSum = active.reduce((s, p) => s.add(scores.get(p.party)!), Decimal.ZERO);
  const scaled = new Map(
    active.map((p) => [
      p.party,
      scoreSum.isZero() ? Decimal.ONE.divBig(BigInt(n)) : scores.get(p.party)!.div(scoreSum),
    ]),
  );
  const w = new Map(active.map((p) => [p.party, els.get(p.party)!.mul(scaled.get(p.party)!)]));
  const wSum = [...w.values()].reduce((s, x) => s.add(x), Decimal.ZERO);
  const out = new Map<string, Decimal>();
  for (const p of active) {
    const wi = wSum.isZero() ? Decimal.ZERO : w.get(p.party)!.div(wSum);
    out.set(p.party, F.mul(wi).add(Decimal.ONE.sub(F).mul(scaled.get(p.party)!)));
  }
  return out;
}

/**
 * The orders a provider's shape puts on the book at `price`: each side's notional (commitment × stakeToCcyVolume ×
 * notionalMultiple, valued at the price) split by weight, sizes rounded up to the lot; and whether the notional within
 * the SLA price range meets the obligation on both sides.
 */
function obligationOf(
  p: Provider,
  price: Decimal,
  priceRange: Decimal,
  net: NetworkSettings,
  pf: Decimal,
): { buyUnits: number; sellUnits: number; met: boolean } {
  const obligation = p.commitment.mul(net.stakeToCcyVolume);
  const notional = obligation.mul(p.notionalMultiple);
  const side = (orders: readonly OrderShape[]) => {
    const wSum = orders.reduce((s, o) => s.add(o.weight), Decimal.ZERO);
    let units = 0n;
    let inRange = Decimal.ZERO;
    for (const o of orders) {
      // contracts = notional share / price; position units = contracts × 10^PDP, rounded up
      const contracts = notional.mul(o.weight).div(wSum).div(price);
      const u = contracts.mul(pf).ceil();
      units += u;
      if (!o.offset.gt(priceRange)) inRange = inRange.add(Decimal.fromBigInt(u).div(pf).mul(price));
    }
    return { units, met: inRange.gte(obligation) };
  };
  const b = side(p.buy);
  const s = side(p.sell);
  if (b.units > BigInt(Number.MAX_SAFE_INTEGER) || s.units > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${p.party}: order sizes too large`);
  }
  return { buyUnits: Number(b.units), sellUnits: Number(s.units), met: b.met && s.met };
}
