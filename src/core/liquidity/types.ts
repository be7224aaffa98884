// The liquidity engine's data types (commitments, SLA records and penalties, fee shares) and its host interface: what
// the market hands the engine (spec 0044-LIME).
import type { NetworkParams } from '../config/network.ts';
import type { EngineEvent } from '../events.ts';
import type { Account, Ledger } from '../ledger/ledger.ts';
import { Decimal } from '../num/decimal.ts';
import type { Side } from '../types.ts';
import { type RiskModelPoT } from './pot.ts';

export const ONE = Decimal.ONE;

export type ProvisionStatus = 'PENDING' | 'ACTIVE' | 'CANCELLED' | 'STOPPED' | 'REJECTED';

export interface LiquidityProvision {
  readonly id: string;
  readonly party: string;
  commitment: bigint;
  fee: Decimal;
  reference: string;
  version: number;
  status: ProvisionStatus;
  readonly createdAt: bigint;
  updatedAt: bigint;
}

/** An LP's live order as the liquidity engine sees it (prices in asset precision). */
export interface LpOrderView {
  readonly side: Side;
  readonly price: bigint;
  /** visible remaining (liquidity score) */
  readonly remaining: number;
  /** visible plus hidden remaining (SLA) */
  readonly trueRemaining: number;
}

export interface ValidPriceRange {
  /** lower bound as computed (decimal) and its representation (ceil) */
  readonly min: Decimal;
  readonly minRep: bigint;
  /** upper bound as computed (decimal) and its representation (floor); undefined when unbounded */
  readonly max: Decimal | undefined;
  readonly maxRep: bigint | undefined;
}

export interface LiquidityHost {
  readonly marketId: string;
  readonly asset: string;
  readonly ledger: Ledger;
  /** 10^(asset decimals − market decimals) */
  readonly priceFactor: bigint;
  readonly positionFactor: Decimal;
  now(): bigint;
  params(): NetworkParams;
  emit(e: EngineEvent): void;
  insurance(): Account;
  feeAccount(): Account;
  bonusAccount(): Account;
  marginAccount(party: string): Account;
  general(party: string): Account | undefined;
  isOpeningAuction(): boolean;
  inAuction(): boolean;
  activeOrders(party: string): readonly LpOrderView[];
  /** best static bid and ask, asset precision */
  bestStatic(): { bid: bigint | undefined; ask: bigint | undefined };
  /** the order book's last traded price (continuous trading only), asset precision */
  lastTradedPrice(): bigint;
  indicativePrice(): bigint;
  validPriceRange(): ValidPriceRange;
  riskPoT: RiskModelPoT;
  /**
   * Every AMM pool of the market by sub-account, with the orders it would place within [min, max] (asset precision;
   * spec 0090-VAMM "Determining Liquidity Contribution"); absent for markets without AMMs.
   */
  /** the sub-accounts of the market's AMM pools; absent for markets without AMMs */
  ammParties?(): string[];
  ammShapes?(
    min: bigint,
    max: bigint,
  ): { party: string; orders: readonly { side: Side; price: bigint; size: bigint }[] }[];
}

export interface SlaRecord {
  /** time on book accumulated this epoch, ns */
  s: bigint;
  /** since when the LP meets its obligation, undefined when it does not */
  start: bigint | undefined;
  /** raw fee penalties of previous epochs, oldest first, at most `size` */
  ring: Decimal[];
  readonly size: number;
  lastFraction: Decimal;
  lastFeePenalty: Decimal;
  lastBondPenalty: Decimal;
}

export interface SlaPenalty {
  readonly fee: Decimal;
  readonly bond: Decimal;
}

/** Parameters the engine takes from the network at creation, at each epoch start (and during the opening auction). */
export interface EngineParams {
  stakeToCcyVolume: Decimal;
  slope: Decimal;
  max: Decimal;
  earlyExitPenalty: Decimal;
  bondPenaltyFactor: Decimal;
  feeCalculationTimeStep: bigint;
}

export interface LpFeeShare {
  readonly party: string;
  readonly equityLikeShare: Decimal;
  readonly averageEntryValuation: Decimal;
  readonly averageScore: Decimal;
  readonly virtualStake: Decimal;
}

export interface LpSlaStats {
  readonly party: string;
  readonly currentFraction: Decimal;
  readonly lastFraction: Decimal;
  readonly lastFeePenalty: Decimal;
  readonly lastBondPenalty: Decimal;
}

/** What one block's liquidity scores depend on (besides the probability table). */
export interface ScoreInputs {
  readonly bid: bigint;
  readonly ask: bigint;
  readonly lower: bigint;
  readonly upper: bigint;
  /**
   * the price-monitoring range as the orders are filtered by it (asset precision): the scores depend on the bounds
   * only through it (see blockScores)
   */
  readonly minRep: bigint;
  readonly maxRep: bigint | undefined;
  readonly minProb: Decimal;
  readonly orders: Map<string, readonly LpOrderView[]>;
}

/** What an LP's SLA check depends on. */
export interface MeetsInputs {
  readonly auction: boolean;
  /** mid (continuous trading) or last traded price (auction) */
  readonly a: bigint;
  /** indicative price (auction) */
  readonly b: bigint;
  readonly mark: bigint;
  readonly commitment: bigint;
  readonly stake: Decimal;
  readonly range: Decimal;
  readonly orders: readonly LpOrderView[];
}

export function sameDecimal(x: Decimal | undefined, y: Decimal | undefined): boolean {
  return x === y || (x !== undefined && y !== undefined && x.coef === y.coef && x.scale === y.scale);
}

export function sameOrders(x: readonly LpOrderView[], y: readonly LpOrderView[]): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (a.side !== b.side || a.price !== b.price || a.remaining !== b.remaining || a.trueRemaining !== b.trueRemaining)
      return false;
  }
  return true;
}

export function sameScoreInputs(x: ScoreInputs, y: ScoreInputs): boolean {
  if (x.bid !== y.bid || x.ask !== y.ask || x.lower !== y.lower || x.upper !== y.upper) return false;
  if (x.minRep !== y.minRep || x.maxRep !== y.maxRep || !sameDecimal(x.minProb, y.minProb)) return false;
  if (x.orders.size !== y.orders.size) return false;
  // the two maps side by side, in order (no copies: compared at every block)
  const yi = y.orders.entries();
  for (const [party, orders] of x.orders) {
    const [yParty, yOrders] = yi.next().value!;
    if (party !== yParty || !sameOrders(orders, yOrders)) return false;
  }
  return true;
}

export function sameMeetsInputs(x: MeetsInputs, y: MeetsInputs): boolean {
  return (
    x.auction === y.auction &&
    x.a === y.a &&
    x.b === y.b &&
    x.mark === y.mark &&
    x.commitment === y.commitment &&
    sameDecimal(x.stake, y.stake) &&
    sameDecimal(x.range, y.range) &&
    sameOrders(x.orders, y.orders)
  );
}
