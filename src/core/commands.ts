// The commands the engine accepts (order submissions, amendments, stop orders, batches, market changes) with their
// results, and the boundary checks that need no market state (spec 0014-ORDT order types, 0068-MATC order
// validation, 0074-BTCH batch market instructions). Imported by the market, the exchange and every client.
import type { MarketConfig } from './config/market.ts';
import type { OrderSnapshot, Trade } from './events.ts';
import type { Peg } from './book/order.ts';
import type { Decimal } from './num/decimal.ts';
import type { OrderType, PeggedReference, Side, TimeInForce } from './types.ts';

export interface OrderSubmission {
  readonly marketId: string;
  readonly party: string;
  readonly side: Side;
  /** position units, > 0 */
  readonly size: number;
  /** market precision; required for limit orders that are not pegged */
  readonly price?: number;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  /** ns since epoch, GTT only */
  readonly expiresAt?: bigint;
  readonly reference?: string;
  readonly postOnly?: boolean;
  readonly reduceOnly?: boolean;
  readonly peg?: Peg;
  readonly iceberg?: { readonly peakSize: number; readonly minimumVisibleSize: number };
}

/** One leg of a stop-order submission. */
export interface StopOrderSpec {
  readonly submission: OrderSubmission;
  readonly trigger:
    { readonly kind: 'price'; readonly price: bigint } | { readonly kind: 'trailing'; readonly offset: Decimal };
  /** ns */
  readonly expiresAt?: bigint;
  readonly expiryStrategy?: 'CANCELS' | 'SUBMIT';
  /** submit a fraction of the position instead of the wrapped size (1 when undefined) */
  readonly sizeOverride?: { readonly fraction?: Decimal };
}

export interface OrderAmendment {
  readonly orderId: string;
  readonly marketId: string;
  readonly party: string;
  /** new price in market precision (undefined: unchanged) */
  readonly price?: number;
  readonly sizeDelta?: number;
  /** new absolute size */
  readonly size?: number;
  readonly tif?: TimeInForce;
  /** new expiry (ns); undefined: unchanged */
  readonly expiresAt?: bigint;
  readonly peggedOffset?: number;
  readonly peggedReference?: PeggedReference;
}

export interface OrderResult {
  readonly order?: OrderSnapshot;
  readonly trades: readonly Trade[];
  readonly error?: string;
}

/** The parts of a market's configuration a market update can change. */
export type MarketChanges = {
  -readonly [
    K in Exclude<keyof MarketConfig, 'id' | 'settlementAsset' | 'decimalPlaces' | 'positionDecimalPlaces'>
  ]?: MarketConfig[K];
};

export interface AssetConfig {
  readonly id: string;
  readonly decimals: number;
  /** asset quantum (minimum LP stake unit etc.), asset units */
  readonly quantum: Decimal;
}

export interface CommandResult {
  readonly error?: string;
}

/** One party's batch of market instructions (spec 0074-BTCH). */
export interface BatchInstruction {
  readonly party: string;
  /** an order id cancels that order; a market id alone cancels the party's orders there; neither cancels all */
  readonly cancellations?: readonly { readonly marketId?: string; readonly orderId?: string }[];
  readonly amendments?: readonly Omit<OrderAmendment, 'party'>[];
  readonly marginMode?: {
    readonly marketId: string;
    readonly mode: 'cross' | 'isolated';
    readonly marginFactor?: Decimal;
  };
  readonly submissions?: readonly Omit<OrderSubmission, 'party'>[];
}

export interface BatchResult {
  /** the whole batch was refused (empty or too large); nothing was processed */
  readonly error?: string;
  /** one result per instruction, in processing order */
  readonly results: readonly {
    readonly kind: 'cancel' | 'amend' | 'marginMode' | 'submit';
    /** index within its list */
    readonly index: number;
    readonly error?: string;
    readonly result?: OrderResult;
  }[];
}

/** Thrown for a rejected command; carries Vega's reason string. */
export class OrderRejection extends Error {}

/** Vega's checks of a peg (reference against side, offset sign), in its order; undefined when valid. */
export function pegError(side: Side, reference: PeggedReference, offset: number): string | undefined {
  if (side === 'buy' && reference === 'BEST_ASK') return 'OrderError: buy cannot reference best ask price';
  if (side === 'sell' && reference === 'BEST_BID') return 'OrderError: sell cannot reference best bid price';
  if (offset < 0) return 'OrderError: offset must be >= 0';
  if (reference === 'MID' && offset <= 0) return 'OrderError: offset must be greater than zero';
  return undefined;
}

const ORDER_TYPES: ReadonlySet<unknown> = new Set(['LIMIT', 'MARKET', 'NETWORK']);
export const TIMES_IN_FORCE: ReadonlySet<unknown> = new Set(['GTC', 'GTT', 'IOC', 'FOK', 'GFA', 'GFN']);
export const PEG_REFERENCES: ReadonlySet<unknown> = new Set(['BEST_BID', 'BEST_ASK', 'MID']);

export function validParty(p: string): boolean {
  return p.length > 0 && p.length <= 256 && !/[\s|]/.test(p);
}

/** Stateless checks of an order submission at the boundary: malformed numbers and missing fields. */
export function checkSubmission(s: OrderSubmission): string | undefined {
  if (!validParty(s.party)) return `party: "${s.party}" is not a valid party id`;
  if (s.side !== 'buy' && s.side !== 'sell') return `side: "${String(s.side)}" must be buy or sell`;
  if (!Number.isSafeInteger(s.size) || s.size <= 0) return 'OrderError: Invalid Size';
  if (!ORDER_TYPES.has(s.type)) return 'OrderError: Invalid Type';
  if (!TIMES_IN_FORCE.has(s.tif)) return 'OrderError: invalid time in force';
  if (s.price !== undefined && (!Number.isSafeInteger(s.price) || s.price < 0)) return 'invalid order price';
  if (s.type === 'LIMIT' && !s.peg && (s.price === undefined || s.price <= 0)) return 'invalid order price';
  if (s.peg) {
    if (!PEG_REFERENCES.has(s.peg.reference))
      return `peg.reference: "${String(s.peg.reference)}" is not a valid reference (BEST_BID, BEST_ASK or MID)`;
    if (!Number.isSafeInteger(s.peg.offset)) return 'peg.offset: must be an integer';
  }
  if (s.iceberg) {
    const { peakSize, minimumVisibleSize } = s.iceberg;
    if (
      !Number.isSafeInteger(peakSize) ||
      !Number.isSafeInteger(minimumVisibleSize) ||
      minimumVisibleSize <= 0 ||
      peakSize <= 0
    ) {
      return 'iceberg: peak size and minimum visible size must be positive integers';
    }
  }
  return undefined;
}
