// The Luno-compatible facade (issue 12 item 2): Luno's REST API under /api over the venue's engine spot markets, so
// that ccxt's `luno` class and the Luno SDKs trade the venue with only their base URL changed. Parameters come from
// the query string or a form (or JSON) body; private routes take HTTP Basic with the key id = the party and the
// secret = that party's venue key. Errors are Luno's `{ error, error_code }` with Luno's HTTP statuses; orders the
// engine rejects carry Vega's own reason. Commands go through the venue's CommandService (validation, rate limit,
// journal) exactly as the native API's do, so a refused request changes nothing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { KeyStore } from '../auth.ts';
import { secretMatches } from '../auth.ts';
import type { MarketInfo } from '../genesis.ts';
import { RequestError } from '../requests.ts';
import type { CommandReply, CommandService } from '../service.ts';
import { formatScaled, parseScaled } from '../units.ts';
import type { Venue } from '../venue.ts';
import { registerLunoStreams, type LunoStreamOptions, type LunoStreams } from './stream.ts';
import { assetCode, bookSide, isPending, marketEntry, ms, myTradeOf, orderOf, tickerOf } from './views.ts';

/** A Luno error: HTTP status, Luno's error code, message. */
export class LunoError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Params = Record<string, string>;

const FILL_HISTORY = 500;

function paramsOf(req: FastifyRequest): Params {
  const out: Params = {};
  const add = (src: unknown) => {
    if (typeof src !== 'object' || src === null) return;
    for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
      if (typeof v === 'string') out[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
      else if (Array.isArray(v)) throw new LunoError(400, 'ErrInvalidArguments', `${k}: given more than once`);
    }
  };
  add(req.query);
  add(req.body);
  return out;
}

const invalid = (field: string, why: string, code = 'ErrInvalidArguments') =>
  new LunoError(400, code, `${field}: ${why}`);

/** A decimal parameter at most `decimals` places (Luno: ErrXDenominationNotAllowed beyond). */
function decimalParam(p: Params, name: string, decimals: number, denomCode: string, invalidCode: string): bigint {
  const t = p[name];
  if (t === undefined || t === '') throw invalid(name, 'required', invalidCode);
  if (!/^\d+(\.\d+)?$/.test(t)) throw invalid(name, `"${t}" is not a non-negative decimal number`, invalidCode);
  try {
    return parseScaled(t, decimals, name);
  } catch {
    throw invalid(name, `"${t}" has more than ${decimals} decimal places`, denomCode);
  }
}

/** post_only as Luno's clients send it: true/True/1 (and false/False/0). */
export function boolParam(p: Params, name: string): boolean {
  const t = p[name];
  if (t === undefined) return false;
  if (t === 'true' || t === 'True' || t === '1') return true;
  if (t === 'false' || t === 'False' || t === '0') return false;
  throw invalid(name, `"${t}" must be true, True, 1, false, False or 0`);
}

/** Luno's error code for an engine rejection (the message is Vega's own reason). */
function engineCode(reason: string): string {
  const r = reason.toLowerCase();
  if (r.includes('sufficient') || r.includes('not enough')) return 'ErrInsufficientBalance';
  if (r.includes('post only') || r.includes('post-only')) return 'ErrPostOnlyMode';
  if (r.includes('tick')) return 'ErrPriceDenominationNotAllowed';
  if (r.includes('auction')) return 'ErrMarketUnavailable';
  return 'ErrOrderRejected';
}

function fromRequestError(e: RequestError): LunoError {
  if (e.status === 429) return new LunoError(429, 'ErrTooManyRequests', e.message);
  if (e.code === 'unknown_market') return new LunoError(400, 'ErrInvalidMarketPair', e.message);
  if (e.code === 'faucet_disabled') return new LunoError(403, 'ErrInsufficientPerms', e.message);
  return new LunoError(e.status >= 500 ? 500 : 400, 'ErrInvalidArguments', e.message);
}

export function registerLuno(
  app: FastifyInstance,
  venue: Venue,
  keys: KeyStore,
  service: CommandService,
  streamOptions: LunoStreamOptions = {},
): LunoStreams {
  const spot = venue.markets.filter((m) => m.product === 'spot' && m.baseAsset !== undefined);
  const byPair = new Map(spot.map((m) => [m.pair, m]));

  const pairOf = (p: Params, required = true): MarketInfo | undefined => {
    const pair = p.pair;
    if (pair === undefined || pair === '') {
      if (required) throw invalid('pair', 'required', 'ErrInvalidMarketPair');
      return undefined;
    }
    const m = byPair.get(pair.toUpperCase());
    if (!m)
      throw invalid(
        'pair',
        `no spot market "${pair}" (pairs: ${[...byPair.keys()].join(', ') || 'none'})`,
        'ErrInvalidMarketPair',
      );
    return m;
  };

  const partyOf = (req: FastifyRequest): string => {
    const h = req.headers.authorization;
    const fail = (why: string) => new LunoError(401, 'ErrUnauthorised', `Unauthorised: ${why}`);
    if (typeof h !== 'string' || !h.startsWith('Basic ')) throw fail('HTTP Basic credentials required');
    const text = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
    const i = text.indexOf(':');
    if (i < 0) throw fail('malformed HTTP Basic credentials');
    const id = text.slice(0, i);
    const secret = text.slice(i + 1);
    const party = keys.party(secret);
    // the key id must be the party the secret belongs to (compared in constant time)
    if (party === undefined || !secretMatches(id, party)) throw fail('unknown API key id or secret');
    return party;
  };

  const run = (party: string, kind: 'submit' | 'cancel', body: unknown, params = {}): CommandReply => {
    let r: CommandReply;
    try {
      r = service.run(party, kind, body, params);
    } catch (e) {
      if (e instanceof RequestError) throw fromRequestError(e);
      throw e;
    }
    if (!r.ok) throw new LunoError(400, engineCode(r.error ?? ''), r.error ?? 'rejected');
    return r;
  };

  const fillsOf = (party: string, m: MarketInfo) =>
    venue.store.fills(party, FILL_HISTORY).filter((f) => f.market === m.id);

  const order = (party: string, id: string) => {
    const o = venue.store.order(party, id);
    const m = o ? venue.market(o.marketId) : undefined;
    if (!o || !m || m.product !== 'spot')
      throw new LunoError(404, 'ErrOrderNotFound', `Order not found: no order "${id}" of this account`);
    return { o, m };
  };

  type Handler = (p: Params, req: FastifyRequest) => unknown;
  const route = (method: 'GET' | 'POST', url: string, priv: boolean, h: Handler) => ({ method, url, priv, h });

  const routes = [
    route('GET', '/exchange/1/markets', false, (p) => {
      const ids = p.pair ? p.pair.split(',').map((x) => x.trim().toUpperCase()) : undefined;
      for (const id of ids ?? [])
        if (!byPair.has(id)) throw invalid('pair', `no spot market "${id}"`, 'ErrInvalidMarketPair');
      return { markets: spot.filter((m) => !ids || ids.includes(m.pair)).map((m) => marketEntry(venue, m)) };
    }),
    route('GET', '/1/tickers', false, (p) => {
      const ids = p.pair ? p.pair.split(',').map((x) => x.trim().toUpperCase()) : undefined;
      for (const id of ids ?? [])
        if (!byPair.has(id)) throw invalid('pair', `no spot market "${id}"`, 'ErrInvalidMarketPair');
      return { tickers: spot.filter((m) => !ids || ids.includes(m.pair)).map((m) => tickerOf(venue, m)) };
    }),
    route('GET', '/1/ticker', false, (p) => tickerOf(venue, pairOf(p)!)),
    route('GET', '/1/orderbook', false, (p) => {
      const m = pairOf(p)!;
      const n = Number.MAX_SAFE_INTEGER;
      return { timestamp: ms(venue.now()), bids: bookSide(m, 'buy', n), asks: bookSide(m, 'sell', n) };
    }),
    route('GET', '/1/orderbook_top', false, (p) => {
      const m = pairOf(p)!;
      return { timestamp: ms(venue.now()), bids: bookSide(m, 'buy', 100), asks: bookSide(m, 'sell', 100) };
    }),
    route('GET', '/1/trades', false, (p) => {
      const m = pairOf(p)!;
      const since =
        p.since !== undefined ? Number(decimalParam(p, 'since', 0, 'ErrInvalidArguments', 'ErrInvalidArguments')) : 0;
      const trades = venue.store
        .recentTrades(m.id, 100)
        .filter((t) => ms(t.timestamp) >= since)
        .map((t) => ({
          sequence: t.id,
          timestamp: ms(t.timestamp),
          price: t.price,
          volume: t.size,
          is_buy: t.aggressor === 'buy',
        }));
      return { trades };
    }),
    route('GET', '/1/balance', true, (p, req) => {
      const party = partyOf(req);
      const want = p.assets ? new Set(p.assets.split(',').map((x) => x.trim())) : undefined;
      const per = new Map<string, { total: bigint; reserved: bigint }>();
      for (const a of venue.ex.ledger.accountsOf(party)) {
        if (a.type !== 'GENERAL' && a.type !== 'HOLDING') continue;
        const x = per.get(a.asset) ?? { total: 0n, reserved: 0n };
        x.total += a.balance;
        if (a.type === 'HOLDING') x.reserved += a.balance;
        per.set(a.asset, x);
      }
      const balance = [];
      for (const [id, x] of [...per].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const code = assetCode(venue, id);
        if (want && !want.has(code)) continue;
        const d = venue.ex.asset(id)?.decimals ?? 0;
        balance.push({
          account_id: `${party}:${code}`,
          asset: code,
          balance: formatScaled(x.total, d),
          reserved: formatScaled(x.reserved, d),
          unconfirmed: '0',
        });
      }
      return { balance };
    }),
    route('POST', '/1/postorder', true, (p, req) => {
      const party = partyOf(req);
      const m = pairOf(p)!;
      const u = m.units;
      const side = p.type === 'BID' ? 'buy' : p.type === 'ASK' ? 'sell' : undefined;
      if (!side) throw invalid('type', `"${p.type ?? ''}" must be BID or ASK`, 'ErrInvalidOrderSide');
      const volume = decimalParam(
        p,
        'volume',
        u.positionDecimals,
        'ErrVolumeDenominationNotAllowed',
        'ErrInvalidVolume',
      );
      if (volume <= 0n) throw invalid('volume', 'must be positive', 'ErrVolumeTooLow');
      const price = decimalParam(p, 'price', u.priceDecimals, 'ErrPriceDenominationNotAllowed', 'ErrInvalidPrice');
      if (price <= 0n) throw invalid('price', 'must be positive', 'ErrPriceTooLow');
      if (price % BigInt(m.tickSize) !== 0n)
        throw invalid(
          'price',
          `must be a multiple of the tick ${u.fmtPrice(m.tickSize)}`,
          'ErrPriceDenominationNotAllowed',
        );
      const postOnly = boolParam(p, 'post_only');
      const tif = p.time_in_force ?? 'GTC';
      if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK')
        throw invalid('time_in_force', `"${tif}" must be GTC, IOC or FOK`);
      if (postOnly && tif !== 'GTC') throw invalid('post_only', 'only with time_in_force GTC', 'ErrPostOnlyNotAllowed');
      if (p.stop_price !== undefined || p.stop_direction !== undefined)
        throw invalid('stop_price', 'stop-limit orders are not supported by this venue');
      const r = run(party, 'submit', {
        market: m.id,
        side,
        type: 'LIMIT',
        tif,
        price: u.fmtPrice(price),
        size: u.fmtSize(volume),
        ...(postOnly ? { postOnly: true } : {}),
        ...(p.client_order_id ? { reference: p.client_order_id } : {}),
      });
      return { order_id: r.order!.id };
    }),
    route('POST', '/1/marketorder', true, (p, req) => {
      const party = partyOf(req);
      const m = pairOf(p)!;
      const u = m.units;
      let size: bigint;
      let side: 'buy' | 'sell';
      if (p.type === 'SELL') {
        side = 'sell';
        size = decimalParam(
          p,
          'base_volume',
          u.positionDecimals,
          'ErrVolumeDenominationNotAllowed',
          'ErrInvalidBaseVolume',
        );
      } else if (p.type === 'BUY') {
        side = 'buy';
        // Luno buys for an amount of the counter currency; the engine takes a size: the largest size the asks
        // fill for at most counter_volume (price × size at price + size decimals, exact), fees excluded
        const scale = u.priceDecimals + u.positionDecimals;
        let left = decimalParam(
          p,
          'counter_volume',
          scale,
          'ErrCounterDenominationNotAllowed',
          'ErrInvalidCounterVolume',
        );
        size = 0n;
        const asks = m.market.depthLevels('sell');
        for (let i = asks.length - 1; i >= 0 && left > 0n; i--) {
          const l = asks[i]!;
          const price = BigInt(l.price);
          if (l.volume <= 0 || price <= 0n) continue;
          const take = left / price < BigInt(l.volume) ? left / price : BigInt(l.volume);
          size += take;
          left -= take * price;
          if (take < BigInt(l.volume)) break;
        }
        if (size === 0n) throw invalid('counter_volume', 'buys nothing at the current asks', 'ErrNotEnoughLiquidity');
      } else throw invalid('type', `"${p.type ?? ''}" must be BUY or SELL`, 'ErrInvalidOrderSide');
      if (size <= 0n) throw invalid('base_volume', 'must be positive', 'ErrVolumeTooLow');
      const r = run(party, 'submit', {
        market: m.id,
        side,
        type: 'MARKET',
        tif: 'IOC',
        size: u.fmtSize(size),
        ...(p.client_order_id ? { reference: p.client_order_id } : {}),
      });
      return { order_id: r.order!.id };
    }),
    route('POST', '/1/stoporder', true, (p, req) => {
      const party = partyOf(req);
      const id = p.order_id;
      if (!id) throw invalid('order_id', 'required', 'ErrInvalidOrderRef');
      const o = venue.store.order(party, id);
      const m = o ? venue.market(o.marketId) : undefined;
      if (!o || !m || m.product !== 'spot' || !isPending(o))
        throw new LunoError(
          400,
          'ErrCannotStopUnknownOrNonPendingOrder',
          `Cannot stop unknown or non-pending order: ${id}`,
        );
      run(party, 'cancel', undefined, { id, market: m.id });
      return { success: true };
    }),
    route('GET', '/1/orders/:id', true, (_p, req) => {
      const party = partyOf(req);
      const { o, m } = order(party, (req.params as { id: string }).id);
      return orderOf(
        m,
        o,
        fillsOf(party, m).filter((f) => f.orderId === o.id),
      );
    }),
    route('GET', '/1/listorders', true, (p, req) => {
      const party = partyOf(req);
      const m = pairOf(p, false);
      const state = p.state;
      if (state !== undefined && state !== 'PENDING' && state !== 'COMPLETE')
        throw invalid('state', `"${state}" must be PENDING or COMPLETE`);
      const limit =
        p.limit !== undefined ? Number(decimalParam(p, 'limit', 0, 'ErrInvalidArguments', 'ErrInvalidArguments')) : 100;
      const before =
        p.created_before !== undefined
          ? Number(decimalParam(p, 'created_before', 0, 'ErrInvalidArguments', 'ErrInvalidArguments'))
          : undefined;
      const fills = venue.store.fills(party, FILL_HISTORY);
      const orders = [];
      for (const w of venue.store.orders(party, { limit: Number.MAX_SAFE_INTEGER, ...(m ? { market: m.id } : {}) })) {
        if (orders.length >= limit) break;
        const o = venue.store.order(party, w.id);
        const om = o ? venue.market(o.marketId) : undefined;
        if (!o || !om || om.product !== 'spot') continue;
        if (state === 'PENDING' && !isPending(o)) continue;
        if (state === 'COMPLETE' && isPending(o)) continue;
        if (before !== undefined && ms(o.createdAt) >= before) continue;
        orders.push(
          orderOf(
            om,
            o,
            fills.filter((f) => f.orderId === o.id),
          ),
        );
      }
      return { orders };
    }),
    route('GET', '/1/listtrades', true, (p, req) => {
      const party = partyOf(req);
      const m = pairOf(p)!;
      const since =
        p.since !== undefined ? Number(decimalParam(p, 'since', 0, 'ErrInvalidArguments', 'ErrInvalidArguments')) : 0;
      const before =
        p.before !== undefined
          ? Number(decimalParam(p, 'before', 0, 'ErrInvalidArguments', 'ErrInvalidArguments'))
          : undefined;
      const limit =
        p.limit !== undefined ? Number(decimalParam(p, 'limit', 0, 'ErrInvalidArguments', 'ErrInvalidArguments')) : 100;
      // Luno lists a party's trades oldest first from `since`
      const trades = fillsOf(party, m)
        .filter((f) => ms(f.timestamp) >= since && (before === undefined || ms(f.timestamp) < before))
        .reverse()
        .slice(0, limit)
        .map((f) => myTradeOf(m, f));
      return { trades };
    }),
    route('GET', '/1/fee_info', true, (p, req) => {
      const party = partyOf(req);
      const m = pairOf(p)!;
      const f = m.market.configView().fees;
      // Vega: the aggressor pays maker + infrastructure + liquidity (+ buy-back and treasury) fees; the passive
      // side receives the maker fee (a negative fee in Luno's terms)
      const taker = f.makerFee.add(f.infrastructureFee).add(m.market.liquidityFee).add(f.buyBackFee).add(f.treasuryFee);
      const monthAgo = ms(venue.now()) - 30 * 86_400_000;
      let vol = 0n;
      for (const x of fillsOf(party, m))
        if (ms(x.timestamp) >= monthAgo) vol += parseScaled(x.size, m.units.positionDecimals, 'size');
      return {
        maker_fee: f.makerFee.neg().toString(),
        taker_fee: taker.toString(),
        thirty_day_volume: formatScaled(vol, m.units.positionDecimals),
      };
    }),
    route('GET', '/1/send/networks', true, (p, req) => {
      partyOf(req);
      const code = p.currency;
      const ids = new Set(spot.flatMap((m) => [m.baseAsset!, m.asset]));
      const known = [...ids].filter((id) => !code || assetCode(venue, id) === code);
      if (code && known.length === 0)
        throw invalid('currency', `no asset "${code}" on this venue`, 'ErrInvalidCurrency');
      // the venue's only way in or out is its own ledger (the faucet): one network per asset, named after the venue.
      // The list also goes as `data`, where ccxt's fetchCurrencies (4.x) reads it, so its currencies are filled.
      const networks = known.map((id, i) => ({ id: i, name: 'perpsim', native_currency: assetCode(venue, id) }));
      return { networks, data: networks };
    }),
  ];

  void app.register(
    async (scope) => {
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of new URLSearchParams(body as string)) {
          const prev = out[k];
          out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
        done(null, out);
      });
      for (const r of routes)
        scope.route({
          method: r.method,
          url: r.url,
          handler: async (req: FastifyRequest, reply: FastifyReply) => {
            try {
              const out = r.h(paramsOf(req), req);
              await venue.committed();
              return await reply.send(out);
            } catch (e) {
              if (e instanceof LunoError) return reply.code(e.status).send({ error: e.message, error_code: e.code });
              throw e;
            }
          },
        });
      scope.setNotFoundHandler((req, reply) =>
        reply.code(404).send({ error: `Not found: ${req.method} ${req.url}`, error_code: 'ErrNotFound' }),
      );
      scope.setErrorHandler((e: { statusCode?: number; message: string }, _req, reply) => {
        const status = e.statusCode && e.statusCode < 500 ? e.statusCode : 500;
        return reply.code(status).send({
          error: status < 500 ? e.message : 'internal error',
          error_code: status < 500 ? 'ErrInvalidArguments' : 'ErrInternal',
        });
      });
    },
    { prefix: '/api' },
  );
  return registerLunoStreams(app, venue, keys, streamOptions);
}
