// The venue's commands in engine units, as they are journaled and applied: the API converts a request into one of
// these (exact units, party from the key), the journal stores it as JSON (bigints as decimal strings) and replay
// applies it through the same `applyCommand`. The schema validates journal records on read, so a damaged journal
// is refused with the field path rather than applied.
import { z } from 'zod';
import { Decimal, type Exchange, type OrderResult, type OrderSubmission, type StopOrderSpec } from './engine.ts';

const int = z.number().int();
const bigintText = z.string().regex(/^-?\d+$/, 'must be an integer string');
const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string');

export const engineSubmission = z.strictObject({
  marketId: z.string(),
  side: z.enum(['buy', 'sell']),
  size: int,
  price: int.optional(),
  type: z.enum(['LIMIT', 'MARKET']),
  tif: z.enum(['GTC', 'GTT', 'IOC', 'FOK', 'GFA', 'GFN']),
  expiresAt: bigintText.optional(),
  reference: z.string().optional(),
  postOnly: z.boolean().optional(),
  reduceOnly: z.boolean().optional(),
  peg: z.strictObject({ reference: z.enum(['BEST_BID', 'BEST_ASK', 'MID']), offset: int }).optional(),
  iceberg: z.strictObject({ peakSize: int, minimumVisibleSize: int }).optional(),
});
export type EngineSubmission = z.infer<typeof engineSubmission>;

export const engineAmendment = z.strictObject({
  orderId: z.string(),
  marketId: z.string(),
  price: int.optional(),
  sizeDelta: int.optional(),
  size: int.optional(),
  tif: z.enum(['GTC', 'GTT', 'IOC', 'FOK', 'GFA', 'GFN']).optional(),
  expiresAt: bigintText.optional(),
  peggedOffset: int.optional(),
  peggedReference: z.enum(['BEST_BID', 'BEST_ASK', 'MID']).optional(),
});
export type EngineAmendment = z.infer<typeof engineAmendment>;

const stopLeg = z.strictObject({
  submission: engineSubmission,
  /** asset precision */
  triggerPrice: bigintText.optional(),
  trailingPercent: decimalText.optional(),
  expiresAt: bigintText.optional(),
  expiryStrategy: z.enum(['CANCELS', 'SUBMIT']).optional(),
  sizeFraction: decimalText.optional(),
});
export type EngineStopLeg = z.infer<typeof stopLeg>;

export const venueCommand = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('deposit'), party: z.string(), asset: z.string(), amount: bigintText }),
  z.strictObject({ kind: z.literal('withdraw'), party: z.string(), asset: z.string(), amount: bigintText }),
  z.strictObject({ kind: z.literal('submit'), party: z.string(), order: engineSubmission }),
  z.strictObject({ kind: z.literal('amend'), party: z.string(), amendment: engineAmendment }),
  z.strictObject({ kind: z.literal('cancel'), party: z.string(), marketId: z.string(), orderId: z.string() }),
  z.strictObject({ kind: z.literal('cancelAll'), party: z.string(), marketId: z.string().optional() }),
  z.strictObject({
    kind: z.literal('batch'),
    party: z.string(),
    cancellations: z.array(z.strictObject({ marketId: z.string().optional(), orderId: z.string().optional() })),
    amendments: z.array(engineAmendment),
    submissions: z.array(engineSubmission),
  }),
  z.strictObject({
    kind: z.literal('stopOrders'),
    party: z.string(),
    marketId: z.string(),
    fallsBelow: stopLeg.optional(),
    risesAbove: stopLeg.optional(),
  }),
  z.strictObject({
    kind: z.literal('cancelStop'),
    party: z.string(),
    marketId: z.string().optional(),
    id: z.string().optional(),
  }),
  z.strictObject({
    kind: z.literal('lpSubmit'),
    party: z.string(),
    marketId: z.string(),
    id: z.string(),
    commitment: bigintText,
    fee: decimalText,
    reference: z.string().optional(),
  }),
  z.strictObject({
    kind: z.literal('lpAmend'),
    party: z.string(),
    marketId: z.string(),
    commitment: bigintText.optional(),
    fee: decimalText.optional(),
    reference: z.string().optional(),
  }),
  z.strictObject({ kind: z.literal('lpCancel'), party: z.string(), marketId: z.string() }),
  z.strictObject({
    kind: z.literal('oracle'),
    signers: z.array(z.string()),
    properties: z.record(z.string(), z.string()),
  }),
]);
export type VenueCommand = z.infer<typeof venueCommand>;

/** What a command did, ready for JSON (engine units; the API formats it for the wire). */
export interface CommandOutcome {
  readonly error?: string;
  readonly order?: OrderResult['order'];
  readonly trades?: OrderResult['trades'];
  /** batch: one entry per instruction */
  readonly results?: readonly { kind: string; index: number; error?: string; orderId?: string }[];
}

function toSubmission(party: string, s: EngineSubmission): OrderSubmission {
  return {
    marketId: s.marketId,
    party,
    side: s.side,
    size: s.size,
    type: s.type,
    tif: s.tif,
    ...(s.price !== undefined ? { price: s.price } : {}),
    ...(s.expiresAt !== undefined ? { expiresAt: BigInt(s.expiresAt) } : {}),
    ...(s.reference !== undefined ? { reference: s.reference } : {}),
    ...(s.postOnly !== undefined ? { postOnly: s.postOnly } : {}),
    ...(s.reduceOnly !== undefined ? { reduceOnly: s.reduceOnly } : {}),
    ...(s.peg ? { peg: s.peg } : {}),
    ...(s.iceberg ? { iceberg: s.iceberg } : {}),
  };
}

function toAmendment(party: string, a: EngineAmendment) {
  return {
    orderId: a.orderId,
    marketId: a.marketId,
    party,
    ...(a.price !== undefined ? { price: a.price } : {}),
    ...(a.sizeDelta !== undefined ? { sizeDelta: a.sizeDelta } : {}),
    ...(a.size !== undefined ? { size: a.size } : {}),
    ...(a.tif !== undefined ? { tif: a.tif } : {}),
    ...(a.expiresAt !== undefined ? { expiresAt: BigInt(a.expiresAt) } : {}),
    ...(a.peggedOffset !== undefined ? { peggedOffset: a.peggedOffset } : {}),
    ...(a.peggedReference !== undefined ? { peggedReference: a.peggedReference } : {}),
  };
}

function toStopLeg(party: string, l: EngineStopLeg | undefined): StopOrderSpec | undefined {
  if (!l) return undefined;
  return {
    submission: toSubmission(party, l.submission),
    trigger:
      l.triggerPrice !== undefined
        ? { kind: 'price', price: BigInt(l.triggerPrice) }
        : { kind: 'trailing', offset: Decimal.parse(l.trailingPercent ?? '0', 'trailingPercent') },
    ...(l.expiresAt !== undefined ? { expiresAt: BigInt(l.expiresAt) } : {}),
    ...(l.expiryStrategy !== undefined ? { expiryStrategy: l.expiryStrategy } : {}),
    ...(l.sizeFraction !== undefined
      ? { sizeOverride: { fraction: Decimal.parse(l.sizeFraction, 'sizeFraction') } }
      : {}),
  };
}

const orderOutcome = (r: OrderResult): CommandOutcome => ({
  ...(r.error ? { error: r.error } : {}),
  ...(r.order ? { order: r.order } : {}),
  trades: r.trades,
});

/**
 * Applies one command to the engine at its current time. Deterministic: the same command on the same state gives
 * the same outcome, which is what makes the journal's replay reach the same state hash.
 */
export function applyCommand(ex: Exchange, c: VenueCommand): CommandOutcome {
  switch (c.kind) {
    case 'deposit':
      return ex.deposit(c.party, c.asset, BigInt(c.amount));
    case 'withdraw':
      return ex.withdraw(c.party, c.asset, BigInt(c.amount));
    case 'submit':
      return orderOutcome(ex.submitOrder(toSubmission(c.party, c.order)));
    case 'amend':
      return orderOutcome(ex.amendOrder(toAmendment(c.party, c.amendment)));
    case 'cancel':
      return orderOutcome(ex.cancelOrder(c.party, c.marketId, c.orderId));
    case 'cancelAll':
      return orderOutcome(ex.cancelAllOrders(c.party, c.marketId));
    case 'batch': {
      const r = ex.batch({
        party: c.party,
        cancellations: c.cancellations,
        amendments: c.amendments.map((a) => {
          const { party: _p, ...rest } = toAmendment(c.party, a);
          return rest;
        }),
        submissions: c.submissions.map((s) => {
          const { party: _p, ...rest } = toSubmission(c.party, s);
          return rest;
        }),
      });
      return {
        ...(r.error ? { error: r.error } : {}),
        results: r.results.map((x) => ({
          kind: x.kind,
          index: x.index,
          ...(x.error ? { error: x.error } : {}),
          ...(x.result?.order ? { orderId: x.result.order.id } : {}),
        })),
      };
    }
    case 'stopOrders':
      return orderOutcome(
        ex.submitStopOrders(c.party, c.marketId, toStopLeg(c.party, c.fallsBelow), toStopLeg(c.party, c.risesAbove)),
      );
    case 'cancelStop':
      if (c.id !== undefined) {
        if (c.marketId === undefined) return { error: 'marketId: required with a stop order id' };
        return ex.cancelStopOrder(c.party, c.marketId, c.id);
      }
      return ex.cancelAllStopOrders(c.party, c.marketId);
    case 'lpSubmit':
      return ex.submitLiquidityProvision(
        c.id,
        c.party,
        c.marketId,
        BigInt(c.commitment),
        Decimal.parse(c.fee, 'fee'),
        c.reference ?? c.id,
      );
    case 'lpAmend':
      return ex.amendLiquidityProvision(
        c.party,
        c.marketId,
        c.commitment !== undefined ? BigInt(c.commitment) : undefined,
        c.fee !== undefined ? Decimal.parse(c.fee, 'fee') : undefined,
        c.reference,
      );
    case 'lpCancel':
      return ex.cancelLiquidityProvision(c.party, c.marketId);
    case 'oracle':
      return ex.submitOracleData({ signers: c.signers, properties: c.properties, timestamp: ex.now() });
  }
}
