// The command path shared by HTTP and WebSocket: rate limit → build the engine command from the validated request
// → venue.execute (journaled, applied) → the outcome in wire form. Anything refused before venue.execute (schema,
// units, unknown market, rate limit, faucet limits) never reaches the journal or the engine, so it changes nothing.
import type { z } from 'zod';
import type { CommandOutcome, VenueCommand } from './commands.ts';
import type { MarketInfo } from './genesis.ts';
import {
  amendBody,
  batchBody,
  depositBody,
  lpAmendBody,
  lpSubmitBody,
  oracleBody,
  orderBody,
  parseRequest,
  RequestError,
  stopOrderBody,
  toCommand,
  convert,
} from './requests.ts';
import type { SpamLimiter } from './auth.ts';
import { oracleValueExact } from './oracle.ts';
import { parseScaled } from './units.ts';
import type { Venue } from './venue.ts';
import { wireOrder, wireTrade, type WireOrder, type WireTrade } from './wire.ts';

export interface FaucetConfig {
  /** largest amount per request, asset units (decimal string); undefined: no faucet */
  readonly maxPerRequest?: string;
}

export interface CommandReply {
  /** false when the engine rejected the command (it was journaled all the same: it reached the engine) */
  ok: boolean;
  error?: string;
  order?: WireOrder;
  trades?: WireTrade[];
  results?: readonly { kind: string; index: number; error?: string; orderId?: string }[];
  id?: string;
}

export type CommandKind =
  | 'submit'
  | 'amend'
  | 'cancel'
  | 'cancelAll'
  | 'batch'
  | 'stopOrders'
  | 'cancelStop'
  | 'lpSubmit'
  | 'lpAmend'
  | 'lpCancel'
  | 'deposit';

export class CommandService {
  constructor(
    readonly venue: Venue,
    private readonly limiter: SpamLimiter | undefined,
    private readonly faucet: FaucetConfig,
  ) {}

  market = (key: string, path: string): MarketInfo => {
    const m = this.venue.market(key);
    if (!m)
      throw new RequestError(404, 'unknown_market', `${path}: no market "${key}"`, [
        { path, message: `no market "${key}" (markets: ${this.venue.markets.map((x) => x.pair).join(', ')})` },
      ]);
    return m;
  };

  /** Validates and runs one command for `party`; `params` carries the URL's order id and query. */
  run(party: string, kind: CommandKind, body: unknown, params: { id?: string; market?: string } = {}): CommandReply {
    const cmd = this.build(party, kind, body, params);
    if (this.limiter && !this.limiter.take(party))
      throw new RequestError(
        429,
        'rate_limited',
        `party ${party} used its ${this.limiter.limits.txPerBlock} transactions per block over the last ${this.limiter.limits.pastBlocks} blocks (Vega spam.pow defaults)`,
      );
    return this.reply(cmd, this.venue.execute(cmd));
  }

  private build(
    party: string,
    kind: CommandKind,
    body: unknown,
    params: { id?: string; market?: string },
  ): VenueCommand {
    const m = this.market;
    switch (kind) {
      case 'submit':
        return toCommand.submit(party, parseRequest(orderBody, body, 'body'), m);
      case 'amend':
        return toCommand.amend(party, params.id!, parseRequest(amendBody, body, 'body'), m);
      case 'cancel':
        if (params.market === undefined) throw missing('query.market');
        return toCommand.cancel(party, params.id!, params.market, m);
      case 'cancelAll':
        return toCommand.cancelAll(party, params.market, m);
      case 'batch': {
        const b = parseRequest(batchBody, body, 'body');
        const n = b.cancellations.length + b.amendments.length + b.submissions.length;
        if (n === 0)
          throw new RequestError(400, 'invalid_request', 'body: an empty batch', [
            { path: 'body', message: 'an empty batch' },
          ]);
        return toCommand.batch(party, b, m);
      }
      case 'stopOrders':
        return toCommand.stopOrders(party, parseRequest(stopOrderBody, body, 'body'), m);
      case 'cancelStop':
        return {
          kind: 'cancelStop',
          party,
          ...(params.market !== undefined ? { marketId: m(params.market, 'query.market').id } : {}),
          ...(params.id !== undefined ? { id: params.id } : {}),
        };
      case 'lpSubmit':
        return toCommand.lpSubmit(
          party,
          `LP-${party}-${this.venue.commands}`,
          parseRequest(lpSubmitBody, body, 'body'),
          m,
        );
      case 'lpAmend':
        return toCommand.lpAmend(party, parseRequest(lpAmendBody, body, 'body'), m);
      case 'lpCancel':
        if (params.market === undefined) throw missing('query.market');
        return { kind: 'lpCancel', party, marketId: m(params.market, 'query.market').id };
      case 'deposit':
        return this.deposit(party, parseRequest(depositBody, body, 'body'));
    }
  }

  private deposit(party: string, b: z.infer<typeof depositBody>): VenueCommand {
    if (this.faucet.maxPerRequest === undefined)
      throw new RequestError(403, 'faucet_disabled', 'the faucet is disabled on this venue (--faucet)');
    const asset = b.asset ?? this.venue.markets[0]?.asset;
    const cfg = asset !== undefined ? this.venue.ex.asset(asset) : undefined;
    if (!cfg || asset === undefined)
      throw new RequestError(404, 'unknown_asset', `body.asset: no asset "${b.asset}"`, [
        { path: 'body.asset', message: `no asset "${b.asset}"` },
      ]);
    const amount = convert(() => parseScaled(b.amount, cfg.decimals, 'body.amount'));
    const max = parseScaled(this.faucet.maxPerRequest, cfg.decimals, 'faucet');
    if (amount <= 0n || amount > max)
      throw new RequestError(
        400,
        'invalid_request',
        `body.amount: must be positive and at most ${this.faucet.maxPerRequest}`,
        [{ path: 'body.amount', message: `must be positive and at most ${this.faucet.maxPerRequest}` }],
      );
    return { kind: 'deposit', party, asset, amount: amount.toString() };
  }

  /** Oracle data pushed with the oracle key: the market's data source signers and property, exact value. */
  pushOracle(body: unknown): CommandReply {
    const b = parseRequest(oracleBody, body, 'body');
    const m = this.market(b.market, 'body.market');
    const o = m.oracle;
    if (!o)
      throw new RequestError(400, 'invalid_request', `body.market: ${m.id} takes no oracle prices`, [
        { path: 'body.market', message: `${m.id} takes no oracle prices` },
      ]);
    const value = convert(() => oracleValueExact(b.price, o.decimals, o.decimal, 'body.price'));
    const cmd: VenueCommand = { kind: 'oracle', signers: [...o.signers], properties: { [o.property]: value } };
    return this.reply(cmd, this.venue.execute(cmd));
  }

  reply(cmd: VenueCommand, o: CommandOutcome): CommandReply {
    const m =
      'order' in cmd
        ? this.venue.market(cmd.order.marketId)
        : 'marketId' in cmd && cmd.marketId
          ? this.venue.market(cmd.marketId)
          : undefined;
    const u = (o.order && this.venue.market(o.order.marketId)?.units) || m?.units;
    return {
      ok: !o.error,
      ...(o.error ? { error: o.error } : {}),
      ...(o.order && u ? { order: wireOrder(o.order, u) } : {}),
      ...(o.trades && u ? { trades: o.trades.map((t) => wireTrade(t, u)) } : {}),
      ...(o.results ? { results: o.results } : {}),
      ...(cmd.kind === 'lpSubmit' ? { id: cmd.id } : {}),
    };
  }
}

function missing(path: string): RequestError {
  return new RequestError(400, 'invalid_request', `${path}: required`, [{ path, message: 'required' }]);
}
