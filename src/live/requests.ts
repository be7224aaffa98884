// The API's request schemas (zod) and their conversion into journaled engine commands. The same schemas validate
// HTTP bodies, WebSocket command messages and generate /openapi.json. Prices are decimal strings in quote units,
// sizes decimal strings in contracts, amounts decimal strings in asset units, times ns-since-epoch integer
// strings; each converts exactly to the engine's integers or is refused with the field path and the reason.
import { z } from 'zod';
import type { VenueCommand, EngineSubmission, EngineAmendment, EngineStopLeg } from './commands.ts';
import type { MarketInfo } from './genesis.ts';
import { UnitError } from './units.ts';

export const decimalString = z
  .string()
  .max(64)
  .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a non-negative decimal string such as "15.25"');
export const signedDecimalString = z
  .string()
  .max(64)
  .regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "-0.05"');
export const nsString = z.string().max(24).regex(/^\d+$/, 'must be an integer string of ns since the Unix epoch');
const marketKey = z.string().min(1).max(64).describe('market id (e.g. "LINK/USD-PERP") or pair code ("LINKUSDPERP")');
const reference = z.string().max(100);
const tif = z.enum(['GTC', 'GTT', 'IOC', 'FOK', 'GFA', 'GFN']);
const pegRef = z.enum(['BEST_BID', 'BEST_ASK', 'MID']);

export const orderBody = z.strictObject({
  market: marketKey,
  side: z.enum(['buy', 'sell']),
  type: z.enum(['LIMIT', 'MARKET']).default('LIMIT'),
  tif: tif.optional().describe('default GTC for limit orders, IOC for market orders'),
  price: decimalString.optional().describe('quote units; required for a limit order that is not pegged'),
  size: decimalString.describe('contracts'),
  expiresAt: nsString.optional().describe('GTT orders'),
  reference: reference.optional(),
  postOnly: z.boolean().optional(),
  reduceOnly: z.boolean().optional(),
  peg: z.strictObject({ reference: pegRef, offset: signedDecimalString.describe('quote units') }).optional(),
  iceberg: z.strictObject({ peakSize: decimalString, minimumVisibleSize: decimalString }).optional(),
});
export type OrderBody = z.infer<typeof orderBody>;

export const amendBody = z.strictObject({
  market: marketKey,
  price: decimalString.optional(),
  size: decimalString.optional().describe('new total size, contracts'),
  sizeDelta: signedDecimalString.optional().describe('change of size, contracts'),
  tif: tif.optional(),
  expiresAt: nsString.optional(),
  peggedOffset: signedDecimalString.optional(),
  peggedReference: pegRef.optional(),
});
export type AmendBody = z.infer<typeof amendBody>;

export const marketQuery = z.strictObject({ market: marketKey });
export const optionalMarketQuery = z.strictObject({ market: marketKey.optional() });

export const batchBody = z.strictObject({
  cancellations: z
    .array(z.strictObject({ market: marketKey.optional(), orderId: z.string().max(64).optional() }))
    .max(100)
    .default([]),
  amendments: z
    .array(amendBody.extend({ orderId: z.string().max(64) }))
    .max(100)
    .default([]),
  submissions: z.array(orderBody).max(100).default([]),
});

const stopLegBody = z.strictObject({
  order: orderBody.omit({ market: true }),
  triggerPrice: decimalString.optional().describe('quote units: the leg triggers when the last price crosses it'),
  trailingPercent: decimalString.optional().describe('a fraction in (0, 1) for a trailing stop'),
  expiresAt: nsString.optional(),
  expiryStrategy: z.enum(['CANCELS', 'SUBMIT']).optional(),
  sizeFraction: decimalString.optional().describe('submit this fraction of the position instead of the size'),
});

export const stopOrderBody = z.strictObject({
  market: marketKey,
  fallsBelow: stopLegBody.optional(),
  risesAbove: stopLegBody.optional(),
});

export const lpSubmitBody = z.strictObject({
  market: marketKey,
  commitment: decimalString.describe('asset units'),
  fee: decimalString.describe('nominated liquidity fee factor, e.g. "0.001"'),
  reference: reference.optional(),
});
export const lpAmendBody = z.strictObject({
  market: marketKey,
  commitment: decimalString.optional(),
  fee: decimalString.optional(),
  reference: reference.optional(),
});

export const depositBody = z.strictObject({
  asset: z.string().max(64).optional().describe('default: the first market settlement asset'),
  amount: decimalString.describe('asset units'),
});

export const oracleBody = z.strictObject({
  market: marketKey,
  price: decimalString.describe('quote units, at most the data source decimals'),
});

export const partyBody = z.strictObject({
  party: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits or _.:-')
    .refine((p) => p !== 'network', 'is reserved'),
});

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  market: marketKey.optional(),
  live: z.enum(['true', 'false']).optional(),
});
export const depthQuery = z.strictObject({ levels: z.coerce.number().int().min(1).max(500).default(20) });
/** how many block-end samples of the insurance pool, newest first */
export const insuranceQuery = z.strictObject({ history: z.coerce.number().int().min(0).max(3600).default(600) });
export const candleQuery = z.strictObject({
  interval: z.enum(['1m', '5m', '15m', '1h', '1d']).default('1m'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** A request refused at the boundary: HTTP status, machine code, message; `issues` name the field paths. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export function formatPath(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out || '(root)';
}

/** Validates `input` against `schema`; every issue is reported with its path under `base` (body, query …). */
export function parseRequest<T extends z.ZodType>(schema: T, input: unknown, base: string): z.infer<T> {
  const r = schema.safeParse(input ?? (base === 'body' ? undefined : {}));
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    const path = formatPath(base, i.path);
    if (i.code === 'unrecognized_keys')
      return {
        path,
        message: `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`,
      };
    return { path, message: i.message };
  });
  throw new RequestError(400, 'invalid_request', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

/** Runs a unit conversion, turning a UnitError into a 400 naming the field. */
export function convert<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UnitError)
      throw new RequestError(400, 'invalid_request', e.message, [{ path: e.path, message: e.reason }]);
    throw e;
  }
}

export type MarketLookup = (key: string, path: string) => MarketInfo;

function submission(b: Omit<OrderBody, 'market'>, m: MarketInfo, path: string): EngineSubmission {
  const u = m.units;
  if (b.type === 'MARKET' && b.price !== undefined)
    throw new RequestError(400, 'invalid_request', `${path}.price: a market order has no price`, [
      { path: `${path}.price`, message: 'a market order has no price' },
    ]);
  return convert(() => ({
    marketId: m.id,
    side: b.side,
    type: b.type,
    tif: b.tif ?? (b.type === 'MARKET' ? 'IOC' : 'GTC'),
    size: u.size(b.size, `${path}.size`),
    ...(b.price !== undefined ? { price: u.price(b.price, `${path}.price`) } : {}),
    ...(b.expiresAt !== undefined ? { expiresAt: b.expiresAt } : {}),
    ...(b.reference !== undefined ? { reference: b.reference } : {}),
    ...(b.postOnly !== undefined ? { postOnly: b.postOnly } : {}),
    ...(b.reduceOnly !== undefined ? { reduceOnly: b.reduceOnly } : {}),
    ...(b.peg ? { peg: { reference: b.peg.reference, offset: u.offset(b.peg.offset, `${path}.peg.offset`) } } : {}),
    ...(b.iceberg
      ? {
          iceberg: {
            peakSize: u.size(b.iceberg.peakSize, `${path}.iceberg.peakSize`),
            minimumVisibleSize: u.size(b.iceberg.minimumVisibleSize, `${path}.iceberg.minimumVisibleSize`),
          },
        }
      : {}),
  }));
}

function amendment(b: AmendBody, orderId: string, m: MarketInfo, path: string): EngineAmendment {
  const u = m.units;
  return convert(() => ({
    orderId,
    marketId: m.id,
    ...(b.price !== undefined ? { price: u.price(b.price, `${path}.price`) } : {}),
    ...(b.size !== undefined ? { size: u.size(b.size, `${path}.size`) } : {}),
    ...(b.sizeDelta !== undefined ? { sizeDelta: u.offsetSize(b.sizeDelta, `${path}.sizeDelta`) } : {}),
    ...(b.tif !== undefined ? { tif: b.tif } : {}),
    ...(b.expiresAt !== undefined ? { expiresAt: b.expiresAt } : {}),
    ...(b.peggedOffset !== undefined ? { peggedOffset: u.offset(b.peggedOffset, `${path}.peggedOffset`) } : {}),
    ...(b.peggedReference !== undefined ? { peggedReference: b.peggedReference } : {}),
  }));
}

/** Builders of the journaled command for each request kind, for `party` (the key's party). */
export const toCommand = {
  submit(party: string, b: OrderBody, market: MarketLookup): VenueCommand {
    const m = market(b.market, 'body.market');
    return { kind: 'submit', party, order: submission(b, m, 'body') };
  },
  amend(party: string, orderId: string, b: AmendBody, market: MarketLookup): VenueCommand {
    const m = market(b.market, 'body.market');
    return { kind: 'amend', party, amendment: amendment(b, orderId, m, 'body') };
  },
  cancel(party: string, orderId: string, marketKey: string, market: MarketLookup): VenueCommand {
    return { kind: 'cancel', party, marketId: market(marketKey, 'query.market').id, orderId };
  },
  cancelAll(party: string, marketKey: string | undefined, market: MarketLookup): VenueCommand {
    return {
      kind: 'cancelAll',
      party,
      ...(marketKey !== undefined ? { marketId: market(marketKey, 'query.market').id } : {}),
    };
  },
  batch(party: string, b: z.infer<typeof batchBody>, market: MarketLookup): VenueCommand {
    return {
      kind: 'batch',
      party,
      cancellations: b.cancellations.map((c, i) => ({
        ...(c.market !== undefined ? { marketId: market(c.market, `body.cancellations[${i}].market`).id } : {}),
        ...(c.orderId !== undefined ? { orderId: c.orderId } : {}),
      })),
      amendments: b.amendments.map((a, i) =>
        amendment(a, a.orderId, market(a.market, `body.amendments[${i}].market`), `body.amendments[${i}]`),
      ),
      submissions: b.submissions.map((s, i) =>
        submission(s, market(s.market, `body.submissions[${i}].market`), `body.submissions[${i}]`),
      ),
    };
  },
  stopOrders(party: string, b: z.infer<typeof stopOrderBody>, market: MarketLookup): VenueCommand {
    const m = market(b.market, 'body.market');
    if (!b.fallsBelow && !b.risesAbove)
      throw new RequestError(400, 'invalid_request', 'body: needs fallsBelow, risesAbove or both', [
        { path: 'body', message: 'needs fallsBelow, risesAbove or both' },
      ]);
    const leg = (l: z.infer<typeof stopLegBody> | undefined, path: string): EngineStopLeg | undefined => {
      if (!l) return undefined;
      if ((l.triggerPrice === undefined) === (l.trailingPercent === undefined))
        throw new RequestError(400, 'invalid_request', `${path}: give exactly one of triggerPrice, trailingPercent`, [
          { path, message: 'give exactly one of triggerPrice, trailingPercent' },
        ]);
      return {
        submission: submission(l.order, m, `${path}.order`),
        ...(l.triggerPrice !== undefined
          ? {
              triggerPrice: convert(() => m.units.assetPrice(l.triggerPrice!, `${path}.triggerPrice`).toString()),
            }
          : {}),
        ...(l.trailingPercent !== undefined ? { trailingPercent: l.trailingPercent } : {}),
        ...(l.expiresAt !== undefined ? { expiresAt: l.expiresAt } : {}),
        ...(l.expiryStrategy !== undefined ? { expiryStrategy: l.expiryStrategy } : {}),
        ...(l.sizeFraction !== undefined ? { sizeFraction: l.sizeFraction } : {}),
      };
    };
    const fallsBelow = leg(b.fallsBelow, 'body.fallsBelow');
    const risesAbove = leg(b.risesAbove, 'body.risesAbove');
    return {
      kind: 'stopOrders',
      party,
      marketId: m.id,
      ...(fallsBelow ? { fallsBelow } : {}),
      ...(risesAbove ? { risesAbove } : {}),
    };
  },
  lpSubmit(party: string, id: string, b: z.infer<typeof lpSubmitBody>, market: MarketLookup): VenueCommand {
    const m = market(b.market, 'body.market');
    return {
      kind: 'lpSubmit',
      party,
      marketId: m.id,
      id,
      commitment: convert(() => m.units.amount(b.commitment, 'body.commitment').toString()),
      fee: b.fee,
      ...(b.reference !== undefined ? { reference: b.reference } : {}),
    };
  },
  lpAmend(party: string, b: z.infer<typeof lpAmendBody>, market: MarketLookup): VenueCommand {
    const m = market(b.market, 'body.market');
    return {
      kind: 'lpAmend',
      party,
      marketId: m.id,
      ...(b.commitment !== undefined
        ? { commitment: convert(() => m.units.amount(b.commitment!, 'body.commitment').toString()) }
        : {}),
      ...(b.fee !== undefined ? { fee: b.fee } : {}),
      ...(b.reference !== undefined ? { reference: b.reference } : {}),
    };
  },
};
