// Luno API response shapes (https://www.luno.com/en/developers/api) over the venue's spot markets: decimals as
// strings, times in ms since the epoch, pairs in Luno's style (XBTMYR), BID/ASK for limit orders and BUY/SELL for
// market orders, PENDING/COMPLETE order states. Every figure comes from the engine's spot market or the venue's read
// model; nothing is made up here.
import type { OrderSnapshot } from '../engine.ts';
import type { MarketInfo } from '../genesis.ts';
import { formatScaled, parseScaled } from '../units.ts';
import type { Venue } from '../venue.ts';
import type { WireFill } from '../wire.ts';

/** ns (engine time) → ms, truncated */
export const ms = (ns: bigint | string): number => Number(BigInt(ns) / 1_000_000n);

/** The asset's code on the facade: its symbol in the genesis, else its id. */
export function assetCode(v: Venue, id: string): string {
  return v.genesis.assets?.[id]?.symbol ?? id;
}

/** Luno's market status: ACTIVE in continuous trading, POSTONLY in an auction (nothing matches at once), else DISABLED. */
export function lunoStatus(m: MarketInfo): 'ACTIVE' | 'POSTONLY' | 'DISABLED' {
  const mode = m.market.tradingMode;
  if (mode === 'CONTINUOUS') return 'ACTIVE';
  if (mode.includes('AUCTION') && m.market.state !== 'SUSPENDED') return 'POSTONLY';
  return 'DISABLED';
}

/** /api/exchange/1/markets entry */
export function marketEntry(v: Venue, m: MarketInfo) {
  const u = m.units;
  const maxSize = BigInt(Number.MAX_SAFE_INTEGER);
  return {
    market_id: m.pair,
    trading_status: lunoStatus(m),
    base_currency: assetCode(v, m.baseAsset!),
    counter_currency: assetCode(v, m.asset),
    min_volume: u.fmtSize(1),
    max_volume: u.fmtSize(maxSize),
    volume_scale: u.positionDecimals,
    min_price: u.fmtPrice(m.tickSize),
    max_price: u.fmtPrice(maxSize - (maxSize % BigInt(m.tickSize))),
    price_scale: u.priceDecimals,
    fee_scale: u.assetDecimals,
  };
}

/** Price levels best first, aggregated per price: [{price, volume}] */
export function bookSide(m: MarketInfo, side: 'buy' | 'sell', max: number) {
  const lv = m.market.depthLevels(side);
  const out: { price: string; volume: string }[] = [];
  for (let i = lv.length - 1; i >= 0 && out.length < max; i--) {
    const l = lv[i]!;
    if (l.volume > 0) out.push({ price: m.units.fmtPrice(l.price), volume: m.units.fmtSize(l.volume) });
  }
  return out;
}

export function tickerOf(v: Venue, m: MarketInfo) {
  const bid = bookSide(m, 'buy', 1)[0];
  const ask = bookSide(m, 'sell', 1)[0];
  const trades = v.store.recentTrades(m.id, 500);
  const since = v.now() - 86_400_000_000_000n;
  let vol = 0n;
  for (const t of trades)
    if (BigInt(t.timestamp) >= since) vol += parseScaled(t.size, m.units.positionDecimals, 'size');
  return {
    pair: m.pair,
    timestamp: ms(v.now()),
    bid: bid?.price ?? '0',
    ask: ask?.price ?? '0',
    last_trade: trades[0]?.price ?? '0',
    rolling_24_hour_volume: formatScaled(vol, m.units.positionDecimals),
    status: lunoStatus(m),
  };
}

/** base, counter and fee totals of an order's fills (exact: counter at price + size decimals) */
export function fillTotals(m: MarketInfo, fills: readonly WireFill[]) {
  const u = m.units;
  let base = 0n;
  let counter = 0n;
  let fee = 0n;
  for (const f of fills) {
    const size = parseScaled(f.size, u.positionDecimals, 'size');
    base += size;
    counter += parseScaled(f.price, u.priceDecimals, 'price') * size;
    fee += parseScaled(f.fee, u.assetDecimals, 'fee');
  }
  return {
    base: formatScaled(base, u.positionDecimals),
    counter: formatScaled(counter, u.priceDecimals + u.positionDecimals),
    fee_base: '0',
    // Vega's spot fees are paid in the quote asset, by buyers and sellers alike
    fee_counter: formatScaled(fee, u.assetDecimals),
  };
}

const LIVE = new Set(['ACTIVE', 'PARKED', 'PARTIALLY_FILLED']);

export function isPending(o: OrderSnapshot): boolean {
  return LIVE.has(o.status);
}

/** A Luno order (GET /api/1/orders/{id}, listorders) */
export function orderOf(m: MarketInfo, o: OrderSnapshot, fills: readonly WireFill[]) {
  const pending = isPending(o);
  const limit = o.type === 'LIMIT';
  return {
    order_id: o.id,
    client_order_id: o.reference,
    creation_timestamp: ms(o.createdAt),
    expiration_timestamp: o.expiresAt > 0n ? ms(o.expiresAt) : 0,
    completed_timestamp: pending ? 0 : ms(o.updatedAt),
    type: limit ? (o.side === 'buy' ? 'BID' : 'ASK') : o.side === 'buy' ? 'BUY' : 'SELL',
    side: o.side === 'buy' ? 'BUY' : 'SELL',
    state: pending ? 'PENDING' : 'COMPLETE',
    status: pending ? 'AWAITING' : 'COMPLETE',
    limit_price: limit ? m.units.fmtPrice(o.price) : '0',
    limit_volume: m.units.fmtSize(o.size),
    pair: m.pair,
    time_in_force: o.tif,
    ...fillTotals(m, fills),
  };
}

/** A Luno trade of the party (listtrades) */
export function myTradeOf(m: MarketInfo, f: WireFill) {
  const t = fillTotals(m, [f]);
  const buy = f.side === 'buy';
  return {
    pair: m.pair,
    sequence: f.tradeId,
    order_id: f.orderId,
    type: buy ? 'BID' : 'ASK',
    timestamp: ms(f.timestamp),
    price: f.price,
    volume: f.size,
    base: t.base,
    counter: t.counter,
    // the fee is always in the counter (quote) asset here, so no fee_base: ccxt's parseTrade reads fee_counter only
    // when fee_base is absent (with both present its unified fee stays empty); Luno's SDKs read a missing field as 0
    fee_counter: t.fee_counter,
    // as in Luno's public trades: whether the aggressor (taker) bought; ccxt derives maker/taker from it and `type`
    is_buy: f.liquidity === 'auction' ? false : (f.liquidity === 'taker') === buy,
    maker_order_id: f.liquidity === 'maker' ? f.orderId : '',
    client_order_id: '',
  };
}
