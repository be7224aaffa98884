// What the market-making bot needs from a venue, and nothing more: market data in (its rules, the book, public trades,
// the mark and funding), the bot's own orders, fills, transfers and account out of the venue's user stream, and three
// commands (place a post-only limit order, cancel one, cancel all). Each venue (the perpsim venue over Redis and
// HTTP, an exchange through ccxt) implements this; the bot runner and the strategy never see a venue's wire format.
// Prices, sizes and money cross this boundary as exact decimal strings; times as seconds since the Unix epoch.

export type BookSide = readonly { readonly price: string; readonly size: string }[];

/** The venue's rules for the market the bot trades. */
export interface MarketInfo {
  /** the venue's market id */
  readonly market: string;
  /** the pair code (e.g. LINKUSDPERP) */
  readonly pair: string;
  /** price step and size step, decimal strings */
  readonly tick: string;
  readonly lot: string;
  /** smallest order size, decimal string (at least one lot) */
  readonly minSize: string;
  /** the settlement (quote) asset */
  readonly asset: string;
  /** perpetuals: seconds between funding settlements */
  readonly fundingPeriodSeconds?: number;
}

export type VenueEvent =
  /** the top of the book (best first); `time` of the snapshot */
  | { readonly type: 'book'; readonly time: number; readonly bids: BookSide; readonly asks: BookSide }
  /** a public trade; `arrival` names the aggressive order when the venue says; `auction`: an uncrossing trade */
  | {
      readonly type: 'trade';
      readonly time: number;
      readonly price: string;
      readonly size: string;
      readonly aggressor?: 'buy' | 'sell';
      readonly arrival?: string;
      readonly auction: boolean;
    }
  /** market data: the mark price and the funding rate the period would pay now */
  | { readonly type: 'market'; readonly time: number; readonly mark?: string; readonly fundingRate?: string }
  /** one of the bot's orders: live (with its remaining size) or gone */
  | {
      readonly type: 'order';
      readonly id: string;
      readonly side: 'buy' | 'sell';
      readonly price: string;
      readonly remaining: string;
      readonly live: boolean;
      readonly status: string;
    }
  /** one of the bot's fills */
  | {
      readonly type: 'fill';
      readonly time: number;
      readonly tradeId: string;
      readonly orderId: string;
      readonly side: 'buy' | 'sell';
      readonly price: string;
      readonly size: string;
    }
  /** money moving into (+) or out of (−) the bot's accounts: fees, funding, deposits; `kind` from the venue's type */
  | {
      readonly type: 'transfer';
      readonly time: number;
      readonly kind: TransferKind;
      readonly venueType: string;
      readonly amount: string;
    }
  /** a feed or the command channel went down or came back */
  | { readonly type: 'connection'; readonly channel: string; readonly up: boolean; readonly reason: string };

/** fee: trading fees paid or maker fees received; funding: perpetual funding; deposit: money in or out; mtm and
 *  margin moves are not income on their own (mark-to-market is counted through trades and the mark) */
export type TransferKind = 'fee' | 'funding' | 'deposit' | 'other';

export interface AccountSnapshot {
  /** the bot's equity in the settlement asset (every account of the party for that asset) */
  readonly equity: string;
  /** signed position, size units */
  readonly position: string;
  /** the mark price now (perpetuals and futures) */
  readonly mark?: string;
  readonly orders: readonly {
    readonly id: string;
    readonly side: 'buy' | 'sell';
    readonly price: string;
    readonly remaining: string;
  }[];
}

export type PlaceResult = { readonly id: string } | { readonly error: string };

export interface OrderRequest {
  readonly side: 'buy' | 'sell';
  readonly price: string;
  readonly size: string;
  readonly postOnly: boolean;
}

export interface VenueAdapter {
  /** e.g. "perpsim", "ccxt:luno" */
  readonly name: string;
  /** connects the feeds and the user stream; events go to `onEvent` until `close` */
  connect(onEvent: (e: VenueEvent) => void): Promise<MarketInfo>;
  /** the account now, from the venue (the seed's balance update) */
  account(): Promise<AccountSnapshot>;
  place(o: OrderRequest): Promise<PlaceResult>;
  cancel(id: string): Promise<void>;
  /** cancels every order of the bot on its market; throws when the venue cannot be reached */
  cancelAll(): Promise<void>;
  close(): Promise<void>;
}
