// The market's public data types: its context (what the exchange provides), auction state, market data and the
// state a successor inherits.
import type { CompositePriceType } from '../config/market.ts';
import type { NetworkParams } from '../config/network.ts';
import type { EventSink } from '../events.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { ElsState } from '../liquidity/els.ts';
import { Decimal } from '../num/decimal.ts';
import type { PriceSource } from '../pricing/composite.ts';
import type { Programmes } from '../programmes/programmes.ts';
import type { AuctionTrigger, MarketState, TradingMode } from '../types.ts';

/** A market's state as a successor inherits it (Vega's checkpointed market state). */
export interface SuccessionState {
  readonly state: MarketState;
  readonly shares: readonly ElsState[];
  readonly tradeValue: bigint;
}

export interface MarketContext {
  readonly ledger: Ledger;
  readonly params: NetworkParams;
  readonly sink: EventSink;
  now(): bigint;
  nextId(kind: 'order' | 'trade'): string;
  assetQuantum(asset: string): Decimal;
  /** the network's incentive programmes (fee discounts, rebates, referral rewards), when the exchange runs them */
  readonly programmes?: Programmes;
  /** margin-fraction cross collateral: the party's maintenance- minus initial-weighted token value in an asset */
  collateralHaircut?(party: string, asset: string): bigint;
}

export interface AuctionState {
  readonly opening: boolean;
  readonly trigger: AuctionTrigger;
  extensionTrigger: AuctionTrigger;
  readonly start: bigint;
  end: bigint;
}

export interface MarketData {
  readonly marketId: string;
  readonly markPrice: bigint;
  readonly lastTradedPrice: bigint;
  readonly bestBidPrice: bigint;
  readonly bestBidVolume: number;
  readonly bestOfferPrice: bigint;
  readonly bestOfferVolume: number;
  readonly bestStaticBidPrice: bigint;
  readonly bestStaticBidVolume: number;
  readonly bestStaticOfferPrice: bigint;
  readonly bestStaticOfferVolume: number;
  readonly midPrice: bigint;
  readonly staticMidPrice: bigint;
  readonly openInterest: number;
  readonly indicativePrice: bigint;
  readonly indicativeVolume: number;
  readonly auctionStart: bigint;
  readonly auctionEnd: bigint;
  readonly tradingMode: TradingMode;
  readonly state: MarketState;
  readonly trigger: AuctionTrigger;
  readonly extensionTrigger: AuctionTrigger;
  readonly targetStake: bigint;
  readonly suppliedStake: bigint;
  readonly markPriceType: CompositePriceType;
  /** the mark-price sources holding a value (composite mark prices) */
  readonly markPriceSources: readonly PriceSource[];
  /** ns; when the mark price is next recalculated */
  readonly nextMarkToMarket: bigint;
  /** perpetuals: the internal composite price (the funding's internal series), its sources and next calculation */
  readonly perpetual?: {
    readonly internalCompositePrice: bigint;
    readonly internalCompositePriceType: CompositePriceType;
    readonly internalCompositePriceSources: readonly PriceSource[];
    readonly nextInternalCompositePriceCalc: bigint;
    /** the latest external (oracle) price point: the underlying index price */
    readonly underlyingIndexPrice: bigint;
    readonly fundingPeriodSeq: number;
    readonly fundingPeriodStart: bigint;
  };
  /** every trigger's bounds; `active` false once a breach consumed the trigger (until it is reset) */
  readonly priceMonitoringBounds: readonly {
    horizon: number;
    minValidPrice: bigint;
    maxValidPrice: bigint;
    referencePrice: Decimal;
    active: boolean;
  }[];
  readonly timestamp: bigint;
}

/** Margin moves an isolated aggressor needs after its trades (planned before the trades are committed). */
