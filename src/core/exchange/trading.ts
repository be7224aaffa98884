// The exchange's trading commands, routed to their market after the boundary checks (spec 0008-TRAD, 0074-BTCH
// batches, 0044-LIME commitments, 0045-DSRC oracle data, 0019-MCAL margin modes).
import { Decimal } from '../num/decimal.ts';
import type {
  BatchInstruction,
  BatchResult,
  CommandResult,
  OrderAmendment,
  OrderResult,
  OrderSubmission,
  StopOrderSpec,
} from '../commands.ts';
import { OracleError, type OracleData } from '../products/oracle.ts';

import { checkSubmission, PEG_REFERENCES, TIMES_IN_FORCE, validParty } from '../commands.ts';
import { ExchangeMarkets } from './markets.ts';
import type { AmmAmendment, AmmCancellation, AmmSubmission } from '../amm/engine.ts';
import type { AmmBaseSource, AmmParameters, AmmPoolView } from '../amm/pool.ts';

/**
 * Boundary checks of an AMM's parameters (spec 0090-VAMM): positive prices, lower < base < upper, a range. With an
 * oracle-driven base (`source`) the base given is ignored: only the bounds are checked, and the trigger.
 */
function ammParamsError(p: AmmParameters, source?: AmmBaseSource): string | undefined {
  if (source) {
    if (source.minimumPriceChangeTrigger?.isNegative()) return 'minimum price change trigger: must not be negative';
    if (p.lowerBound === undefined && p.upperBound === undefined)
      return 'lower bound and upper bound: at least one is required';
    if (p.lowerBound !== undefined && p.lowerBound <= 0n) return 'lower bound: must be positive';
    if (p.lowerBound !== undefined && p.upperBound !== undefined && p.upperBound <= p.lowerBound)
      return 'upper bound: must be above the lower bound';
    return ammParamsError({ ...p, base: p.lowerBound !== undefined ? p.lowerBound + 1n : p.upperBound! - 1n });
  }
  if (p.base <= 0n) return 'base price: must be positive';
  if (p.lowerBound === undefined && p.upperBound === undefined)
    return 'lower bound and upper bound: at least one is required';
  if (p.lowerBound !== undefined && (p.lowerBound <= 0n || p.lowerBound >= p.base))
    return 'lower bound: must be positive and below the base price';
  if (p.upperBound !== undefined && p.upperBound <= p.base) return 'upper bound: must be above the base price';
  for (const [k, v] of [
    ['leverage at lower bound', p.leverageAtLowerBound],
    ['leverage at upper bound', p.leverageAtUpperBound],
  ] as const)
    if (v !== undefined && !v.isPositive()) return `${k}: must be positive`;
  return undefined;
}

export abstract class ExchangeTrading extends ExchangeMarkets {
  // ------------------------------------------------------------------ trading commands

  submitOrder(sub: OrderSubmission): OrderResult {
    const m = this.markets.get(sub.marketId);
    if (!m) return { trades: [], error: 'OrderError: Invalid Market ID' };
    const bad = checkSubmission(sub);
    if (bad) return { trades: [], error: bad };
    if (sub.peg && this.livePeggedOrders() >= this.params.maxPeggedOrders)
      return { trades: [], error: 'OrderError: too many pegged orders' };
    return m.submitOrder(sub);
  }

  amendOrder(a: OrderAmendment): OrderResult {
    const m = this.markets.get(a.marketId);
    if (!m) return { trades: [], error: 'OrderError: Invalid Market ID' };
    for (const [k, v] of Object.entries({
      price: a.price,
      sizeDelta: a.sizeDelta,
      size: a.size,
      peggedOffset: a.peggedOffset,
    })) {
      if (v !== undefined && !Number.isSafeInteger(v)) return { trades: [], error: `${k}: must be an integer` };
    }
    if ((a.price !== undefined && a.price < 0) || (a.size !== undefined && a.size < 0))
      return { trades: [], error: 'price and size must not be negative' };
    if (a.price === 0) return { trades: [], error: 'OrderError: price must be positive' };
    if (a.size !== undefined && a.sizeDelta !== undefined)
      return { trades: [], error: 'OrderError: size and sizeDelta cannot be amended together' };
    if (a.tif !== undefined && !TIMES_IN_FORCE.has(a.tif))
      return { trades: [], error: 'OrderError: invalid time in force' };
    if (a.peggedReference !== undefined && !PEG_REFERENCES.has(a.peggedReference))
      return {
        trades: [],
        error: `peggedReference: "${String(a.peggedReference)}" is not a valid reference (BEST_BID, BEST_ASK or MID)`,
      };
    return m.amendOrder(a);
  }

  // ------------------------------------------------------------------ AMMs (spec 0090-VAMM)

  submitAmm(s: AmmSubmission): CommandResult {
    const m = this.markets.get(s.marketId);
    if (!m) return { error: 'market does not exist' };
    if (!validParty(s.party)) return { error: 'party: invalid' };
    if (s.commitment <= 0n) return { error: 'commitment amount: must be positive' };
    if (s.slippageTolerance.isNegative()) return { error: 'slippage tolerance: must not be negative' };
    if (s.proposedFee.isNegative()) return { error: 'proposed fee: must not be negative' };
    const bad = ammParamsError(s.params, s.baseSource);
    if (bad) return { error: bad };
    return m.submitAmm(s);
  }

  amendAmm(a: AmmAmendment): CommandResult {
    const m = this.markets.get(a.marketId);
    if (!m) return { error: 'market does not exist' };
    if (a.commitment !== undefined && a.commitment <= 0n) return { error: 'commitment amount: must be positive' };
    const bad = a.params ? ammParamsError(a.params, a.baseSource) : undefined;
    if (bad) return { error: bad };
    return m.amendAmm(a);
  }

  cancelAmm(c: AmmCancellation): CommandResult {
    const m = this.markets.get(c.marketId);
    if (!m) return { error: 'market does not exist' };
    if (c.method !== 'IMMEDIATE' && c.method !== 'REDUCE_ONLY')
      return { error: `method: "${String(c.method)}" must be IMMEDIATE or REDUCE_ONLY` };
    return m.cancelAmm(c);
  }

  /** A party's AMM on a market (live, or the last state of an ended one). */
  ammPool(marketId: string, owner: string): AmmPoolView | undefined {
    return this.markets.get(marketId)?.ammPool(owner);
  }

  cancelOrder(party: string, marketId: string, orderId: string): OrderResult {
    const m = this.markets.get(marketId);
    if (!m) return { trades: [], error: 'OrderError: Invalid Market ID' };
    return m.cancelOrder(party, orderId);
  }

  cancelAllOrders(party: string, marketId?: string): OrderResult {
    if (marketId !== undefined) {
      const m = this.markets.get(marketId);
      if (!m) return { trades: [], error: 'OrderError: Invalid Market ID' };
      return m.cancelAllOrders(party);
    }
    for (const m of this.markets.values()) m.cancelAllOrders(party);
    return { trades: [] };
  }

  /**
   * A batch of market instructions from one party, processed as one transaction (spec 0074-BTCH): all
   * cancellations, then all amendments, then the margin-mode change, then all submissions, each in list order and
   * each validated when its turn comes (funds released by earlier ones are available, an auction entered on the way
   * applies to what follows). A failing instruction is skipped and reported; a second amendment of the same order is
   * an error; when the margin-mode change fails, the later instructions for that market are not processed.
   */
  batch(b: BatchInstruction): BatchResult {
    const cancels = b.cancellations ?? [];
    const amends = b.amendments ?? [];
    const subs = b.submissions ?? [];
    const size = cancels.length + amends.length + subs.length;
    if (size === 0 && !b.marginMode) return { error: 'batch: empty', results: [] };
    if (size > this.params.maxBatchSize)
      return { error: `batch: ${size} instructions exceed the limit of ${this.params.maxBatchSize}`, results: [] };
    const results: BatchResult['results'][number][] = [];
    const push = (kind: BatchResult['results'][number]['kind'], index: number, r: OrderResult | CommandResult) =>
      results.push({ kind, index, ...(r.error ? { error: r.error } : {}), ...('trades' in r ? { result: r } : {}) });
    cancels.forEach((c, i) => {
      if (c.orderId !== undefined) {
        if (c.marketId === undefined) push('cancel', i, { error: 'batch: an order id needs its market id' });
        else push('cancel', i, this.cancelOrder(b.party, c.marketId, c.orderId));
      } else push('cancel', i, this.cancelAllOrders(b.party, c.marketId));
    });
    const amended = new Set<string>();
    amends.forEach((a, i) => {
      if (amended.has(a.orderId)) return push('amend', i, { error: 'OrderError: order already amended in batch' });
      amended.add(a.orderId);
      push('amend', i, this.amendOrder({ ...a, party: b.party }));
    });
    let stoppedMarket: string | undefined;
    if (b.marginMode) {
      const mm = b.marginMode;
      const r = this.updateMarginMode(b.party, mm.marketId, mm.mode, mm.marginFactor);
      push('marginMode', 0, r);
      if (r.error) stoppedMarket = mm.marketId;
    }
    subs.forEach((sub, i) => {
      if (sub.marketId === stoppedMarket) return push('submit', i, { error: 'margin mode update failed' });
      push('submit', i, this.submitOrder({ ...sub, party: b.party }));
    });
    return { results };
  }

  /** A stop order: one leg, or a one-cancels-the-other pair (falls below / rises above). */
  submitStopOrders(
    party: string,
    marketId: string,
    fallsBelow?: StopOrderSpec,
    risesAbove?: StopOrderSpec,
  ): OrderResult {
    const m = this.markets.get(marketId);
    if (!m) return { trades: [], error: 'OrderError: Invalid Market ID' };
    for (const leg of [fallsBelow, risesAbove]) {
      if (!leg) continue;
      const bad = checkSubmission(leg.submission);
      if (bad) return { trades: [], error: bad };
      if (leg.trigger.kind === 'price' && leg.trigger.price <= 0n)
        return { trades: [], error: 'stop order trigger price must be positive' };
      if (
        leg.trigger.kind === 'trailing' &&
        (leg.trigger.offset.lte(Decimal.ZERO) || leg.trigger.offset.gte(Decimal.ONE))
      ) {
        return { trades: [], error: 'stop order trailing percentage must be in (0, 1)' };
      }
    }
    return m.submitStopOrders(party, fallsBelow, risesAbove);
  }

  cancelStopOrder(party: string, marketId: string, id: string): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    const error = m.cancelStopOrder(party, id);
    return error ? { error } : {};
  }

  cancelAllStopOrders(party: string, marketId?: string): CommandResult {
    if (marketId !== undefined) {
      const m = this.markets.get(marketId);
      if (!m) return { error: 'OrderError: Invalid Market ID' };
      const error = m.cancelAllStopOrders(party);
      return error ? { error } : {};
    }
    for (const m of this.markets.values()) m.cancelAllStopOrders(party);
    return {};
  }

  submitLiquidityProvision(
    id: string,
    party: string,
    marketId: string,
    commitment: bigint,
    fee: Decimal,
    reference = id,
  ): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    if (typeof commitment !== 'bigint') return { error: 'commitment amount: must be an integer' };
    if (commitment < 0n) return { error: 'commitment amount: must not be negative' };
    if (!validParty(party)) return { error: `party: "${party}" is not a valid party id` };
    const error = m.submitLiquidityProvision(id, party, commitment, fee, reference);
    return error ? { error } : {};
  }

  /**
   * Amends a party's commitment and/or fee (undefined or 0 keeps the current value). A changed commitment takes
   * effect at the next epoch start (at once in the opening auction); an increase is bonded at once.
   */
  amendLiquidityProvision(
    party: string,
    marketId: string,
    commitment: bigint | undefined,
    fee: Decimal | undefined,
    reference?: string,
  ): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    if (commitment !== undefined && (typeof commitment !== 'bigint' || commitment < 0n))
      return { error: 'commitment amount: must be a non-negative integer' };
    const error = m.amendLiquidityProvision(party, commitment, fee, reference);
    return error ? { error } : {};
  }

  /** Cancels a party's commitment: at once in the opening auction, otherwise at the next epoch start. */
  cancelLiquidityProvision(party: string, marketId: string): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    const error = m.cancelLiquidityProvision(party);
    return error ? { error } : {};
  }

  /** Oracle data (a signed message or the protocol's own): every market's products consume what matches. */
  submitOracleData(data: OracleData): CommandResult {
    try {
      for (const m of this.markets.values()) m.onOracleData(data);
      this.automatedPurchases.onOracleData(data);
    } catch (e) {
      if (e instanceof OracleError) return { error: e.message };
      throw e;
    }
    return {};
  }

  /** Switches a party between cross and isolated margin in a market, or changes its isolated margin factor. */
  updateMarginMode(
    party: string,
    marketId: string,
    mode: 'cross' | 'isolated',
    marginFactor: Decimal = Decimal.ZERO,
  ): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    const error = m.updateMarginMode(party, mode, marginFactor);
    return error ? { error } : {};
  }

  /** Governance market state update: TERMINATE (with a settlement price in market precision), SUSPEND, RESUME. */
  updateMarketState(
    marketId: string,
    kind: 'TERMINATE' | 'SUSPEND' | 'RESUME',
    settlementPrice?: bigint,
  ): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    const error = m.updateState(kind, settlementPrice);
    return error ? { error } : {};
  }

  protected livePeggedOrders(): number {
    let n = 0;
    for (const m of this.markets.values()) n += m.activePeggedOrderCount();
    return n;
  }
}
