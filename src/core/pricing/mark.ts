// The mark-price method (spec 0009-MRKP mark price, 0089-COMP composite price), chosen from the configuration: the
// last traded price, or a composite price (pricing/composite.ts); and the order book as the book price source reads
// it (best prices and the volume-weighted price of the best displayed volume, in asset precision).
import type { BookOrder, OrderBook } from '../book/orderbook.ts';
import type { MarkPriceConfig } from '../config/market.ts';
import type { OracleData } from '../products/oracle.ts';
import type { Side } from '../types.ts';
import {
  CompositePriceCalculator,
  type BookFactors,
  type BookView,
  type PriceSource,
  type TradeSample,
} from './composite.ts';

/**
 * A mark-price method: it is fed trades, book samples and oracle data, and proposes a candidate price at each
 * calculation; the market decides (price monitoring) and may set `price` (the perpetual's internal series).
 */
export interface MarkPriceMethod {
  readonly cfg: MarkPriceConfig;
  /** the current price of the method (undefined until one is known) */
  price: bigint | undefined;
  /** whether the book source is sampled (composite methods with a book source) */
  readonly samplesBook: boolean;
  newTrade(price: bigint, size: number, time: bigint): void;
  sampleBook(t: bigint, view: BookView, f: BookFactors): void;
  setBookPriceAt(t: bigint, price: bigint): void;
  onOracleData(data: OracleData, now: bigint): void;
  /** the candidate price at t over the mark-price period δ (undefined: nothing usable) */
  calculate(t: bigint, delta: bigint): bigint | undefined;
  /** after every calculation: trades and book samples are forgotten */
  endCalculation(): void;
  /** the sources holding a value, with Vega's names (market data) */
  sources(): PriceSource[];
  /** a new configuration of the same method (market update): source values forgotten, trades and price kept */
  updateConfig(cfg: MarkPriceConfig): void;
  tradeSamples(): readonly TradeSample[];
}

/** LAST_TRADE: the price of the last trade since the previous calculation; no book or oracle sources. */
export class LastTradePrice implements MarkPriceMethod {
  price: bigint | undefined;
  readonly samplesBook = false;
  private trades: TradeSample[] = [];

  constructor(
    public cfg: MarkPriceConfig,
    carried?: { trades: readonly TradeSample[]; price: bigint | undefined },
  ) {
    if (carried) {
      this.trades = [...carried.trades];
      this.price = carried.price;
    }
  }

  newTrade(price: bigint, size: number, time: bigint): void {
    this.trades.push({ price, size: BigInt(size), time });
  }
  sampleBook(): void {}
  setBookPriceAt(): void {}
  onOracleData(): void {}
  calculate(): bigint | undefined {
    return this.trades[this.trades.length - 1]?.price;
  }
  endCalculation(): void {
    this.trades = [];
  }
  sources(): PriceSource[] {
    return [];
  }
  updateConfig(cfg: MarkPriceConfig): void {
    this.cfg = cfg;
  }
  tradeSamples(): readonly TradeSample[] {
    return this.trades;
  }
}

/** The method of a configuration; with `previous`, a market update: same kind reconfigured, else a new one carrying
 * the trades since the last calculation and the price over. */
export function markPriceMethod(
  cfg: MarkPriceConfig,
  assetDecimals: number,
  previous?: MarkPriceMethod,
): MarkPriceMethod {
  const lastTrade = cfg.type === 'LAST_TRADE';
  if (previous && (previous.cfg.type === 'LAST_TRADE') === lastTrade) {
    previous.updateConfig(cfg);
    return previous;
  }
  const carried = previous ? { trades: previous.tradeSamples(), price: previous.price } : undefined;
  return lastTrade ? new LastTradePrice(cfg, carried) : new CompositePriceCalculator(cfg, assetDecimals, carried);
}

/**
 * The order book as the book price source sees it: asset-precision prices (market price × `priceFactor`), displayed
 * volumes only (iceberg reserves are not visible). Built once per market; reads the live book on every call.
 */
export function markBookView<O extends BookOrder>(book: OrderBook<O>, priceFactor: bigint): BookView {
  return {
    best: (side: Side) => {
      const p = side === 'buy' ? book.bestBid() : book.bestAsk();
      return p === undefined ? undefined : BigInt(p) * priceFactor;
    },
    vwap: (side: Side, volume: bigint) => {
      const levels = book.side(side).levels;
      if (levels.length === 0) return undefined;
      if (volume === 0n) return BigInt(levels[levels.length - 1]!.price) * priceFactor;
      let left = volume;
      let notional = 0n;
      for (let i = levels.length - 1; i >= 0 && left > 0n; i--) {
        const l = levels[i]!;
        let shown = 0n;
        for (const o of l.orders()) shown += BigInt(o.displayed);
        const take = shown < left ? shown : left;
        notional += BigInt(l.price) * priceFactor * take;
        left -= take;
      }
      return left > 0n ? undefined : notional / volume;
    },
  };
}
