// Events the engine emits (spec 0036-BRIE event queue). Everything a client learns about the engine's state
// changes arrives as one of these; prices in events are in asset precision unless a field says otherwise.
import type { Account, LedgerEntry } from './ledger/ledger.ts';
import type { Decimal } from './num/decimal.ts';
import type { MarginLevels } from './risk/margin.ts';
import type { AmmPoolView } from './amm/pool.ts';
import type {
  AccountType,
  AuctionTrigger,
  MarginMode,
  OrderStatus,
  OrderType,
  PeggedReference,
  Side,
  TimeInForce,
  TradingMode,
  MarketState,
} from './types.ts';

export interface OrderSnapshot {
  readonly id: string;
  readonly marketId: string;
  readonly party: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  readonly status: OrderStatus;
  /** market precision (0 for market orders and parked pegged orders) */
  readonly price: number;
  readonly size: number;
  /** displayed remaining (icebergs: the visible part) */
  readonly remaining: number;
  /** iceberg hidden volume */
  readonly reservedRemaining: number;
  readonly reference: string;
  readonly createdAt: bigint;
  readonly updatedAt: bigint;
  readonly expiresAt: bigint;
  readonly postOnly: boolean;
  readonly reduceOnly: boolean;
  readonly peg?: { readonly reference: PeggedReference; readonly offset: number };
  readonly version: number;
  readonly reason?: string;
}

export type TradeType = 'DEFAULT' | 'NETWORK_CLOSE_OUT_GOOD' | 'NETWORK_CLOSE_OUT_BAD';

export interface FeeBreakdown {
  readonly makerFee: bigint;
  readonly infrastructureFee: bigint;
  readonly liquidityFee: bigint;
  readonly buyBackFee: bigint;
  readonly treasuryFee: bigint;
  /** the programmes' part (src/core/programmes), when any applies: the maker's additional rebate (0095-HVMR) */
  readonly highVolumeMakerFee?: bigint;
  /** the referrer's cut of each component, paid by the taker (0083-RFPR) */
  readonly referrerReward?: ProgrammeFeeParts;
  readonly referralDiscount?: ProgrammeFeeParts;
  readonly volumeDiscount?: ProgrammeFeeParts;
  /** the party the referrer reward goes to */
  readonly referrer?: string;
}

export interface ProgrammeFeeParts {
  readonly infrastructureFee: bigint;
  readonly makerFee: bigint;
  readonly liquidityFee: bigint;
}

export const NO_FEES: FeeBreakdown = {
  makerFee: 0n,
  infrastructureFee: 0n,
  liquidityFee: 0n,
  buyBackFee: 0n,
  treasuryFee: 0n,
};

export interface Trade {
  readonly id: string;
  readonly marketId: string;
  /** asset precision */
  readonly price: bigint;
  /** market precision (truncated) */
  readonly marketPrice: bigint;
  readonly size: number;
  readonly buyer: string;
  readonly seller: string;
  /** undefined for auction uncrossing trades */
  readonly aggressor: Side | undefined;
  readonly buyOrder: string;
  readonly sellOrder: string;
  readonly timestamp: bigint;
  readonly type: TradeType;
  readonly buyerFee: FeeBreakdown;
  readonly sellerFee: FeeBreakdown;
}

export interface SettleTrade {
  /** asset precision */
  readonly price: bigint;
  /** signed for the party */
  readonly size: number;
}

export type EngineEvent =
  /** a protocol automated purchase earmarked `amount` of its source account for its next auction (0097-PAPU) */
  | {
      readonly type: 'automatedPurchaseAnnounced';
      readonly marketId: string;
      readonly id: string;
      readonly from: string;
      readonly fromAccountType: AccountType;
      readonly toAccountType: AccountType;
      readonly amount: bigint;
    }
  /** an AMM pool was created, amended, cancelled, rejected or stopped (spec 0090-VAMM) */
  | { readonly type: 'ammPool'; readonly pool: AmmPoolView }
  | { readonly type: 'accountCreated'; readonly account: Account }
  | { readonly type: 'ledger'; readonly entry: LedgerEntry }
  | { readonly type: 'order'; readonly order: OrderSnapshot }
  | { readonly type: 'expiredOrders'; readonly marketId: string; readonly orderIds: readonly string[] }
  /** a party's cancel-all in one market: the orders it cancelled, by order id */
  | {
      readonly type: 'cancelledOrders';
      readonly marketId: string;
      readonly party: string;
      readonly orderIds: readonly string[];
    }
  | { readonly type: 'trade'; readonly trade: Trade }
  | {
      readonly type: 'marginLevels';
      readonly marketId: string;
      readonly party: string;
      readonly asset: string;
      readonly levels: MarginLevels;
      readonly orderMargin: bigint;
      readonly mode: MarginMode;
      readonly marginFactor?: string;
      readonly timestamp: bigint;
    }
  | {
      /** one per position at every mark-to-market (spec 0003-MTMK), the input of the positions API */
      readonly type: 'settlePosition';
      readonly marketId: string;
      readonly party: string;
      readonly markPrice: bigint;
      readonly positionFactor: Decimal;
      readonly trades: readonly SettleTrade[];
    }
  | {
      readonly type: 'lossSocialisation';
      readonly marketId: string;
      readonly party: string;
      /** signed: negative for a winner whose win was reduced, positive for an unpaid loss */
      readonly amount: bigint;
      readonly funding: boolean;
    }
  | {
      readonly type: 'settleDistressed';
      readonly marketId: string;
      readonly party: string;
      readonly margin: bigint;
      readonly price: bigint;
    }
  | { readonly type: 'distressedOrdersClosed'; readonly marketId: string; readonly parties: readonly string[] }
  | {
      readonly type: 'distressedPositions';
      readonly marketId: string;
      readonly distressed: readonly string[];
      readonly safe: readonly string[];
    }
  | {
      readonly type: 'settleMarket';
      readonly marketId: string;
      readonly price: bigint;
      readonly positionFactor: Decimal;
    }
  | {
      readonly type: 'fundingPayments';
      readonly marketId: string;
      readonly seq: number;
      readonly payments: readonly { party: string; amount: bigint }[];
    }
  | {
      /** a perpetual's funding period started or ended (spec 0053-PERP) */
      readonly type: 'fundingPeriod';
      readonly marketId: string;
      readonly seq: number;
      readonly start: bigint;
      readonly end?: bigint;
      readonly fundingPayment?: bigint;
      readonly fundingRate?: string;
      readonly internalTwap?: bigint;
      readonly externalTwap?: bigint;
    }
  | {
      /** a price point of a perpetual's funding series, with the series' TWAP at its time */
      readonly type: 'fundingDataPoint';
      readonly marketId: string;
      readonly seq: number;
      readonly source: 'INTERNAL' | 'EXTERNAL';
      readonly price: bigint;
      readonly timestamp: bigint;
      readonly twap: bigint;
    }
  | { readonly type: 'markPrice'; readonly marketId: string; readonly price: bigint; readonly timestamp: bigint }
  | {
      readonly type: 'auction';
      readonly marketId: string;
      readonly started: boolean;
      readonly leave: boolean;
      readonly trigger: AuctionTrigger;
      readonly extensionTrigger: AuctionTrigger;
      readonly start: bigint;
      readonly end: bigint;
    }
  | {
      readonly type: 'marketState';
      readonly marketId: string;
      readonly state: MarketState;
      readonly tradingMode: TradingMode;
    }
  | { readonly type: 'marketUpdated'; readonly marketId: string; readonly liquidityFee: string }
  | {
      readonly type: 'liquidityProvision';
      readonly marketId: string;
      readonly party: string;
      readonly id: string;
      readonly reference: string;
      readonly version: number;
      readonly commitment: bigint;
      readonly fee: string;
      readonly status: 'PENDING' | 'ACTIVE' | 'CANCELLED' | 'STOPPED' | 'REJECTED';
    }
  | { readonly type: 'txError'; readonly party: string; readonly command: string; readonly error: string }
  /** an epoch ended or started (spec 0050-EPOC); both happen in the same tick, the end first */
  | { readonly type: 'epoch'; readonly seq: number; readonly action: 'START' | 'END'; readonly time: bigint }
  | {
      readonly type: 'stopOrder';
      readonly id: string;
      readonly marketId: string;
      readonly party: string;
      readonly status: 'PENDING' | 'TRIGGERED' | 'EXPIRED' | 'CANCELLED' | 'STOPPED' | 'REJECTED';
      /** reference of the wrapped order */
      readonly reference: string;
      readonly ocoLink?: string;
      readonly orderId?: string;
      readonly rejectionReason?: string;
    };

export interface EventSink {
  emit(e: EngineEvent): void;
}

/** Keeps every event (tests, conformance, small simulations). */
export class EventLog implements EventSink {
  readonly events: EngineEvent[] = [];
  emit(e: EngineEvent): void {
    this.events.push(e);
  }
}

/** Drops every event (benchmarks). */
export const NULL_SINK: EventSink = { emit() {} };
