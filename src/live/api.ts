// The venue's native HTTP API (fastify) and WebSocket endpoint. Routes are declared once in a table with their zod
// schemas; the same table validates requests and generates `/openapi.json`. Public routes read markets, market data,
// depth, trades and candles; party routes need the party's own key (401 without a valid key, 403 for another
// party's data); commands act for the key's party; the admin route needs the admin token, the oracle route the
// oracle key. Errors are JSON `{ error: { code, message, issues? } }`, each issue naming a field path and the reason.
import { BotBoard, botStateBody, type BotState } from './bots.ts';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { KeyStore, secretMatches, SpamLimiter } from './auth.ts';
import {
  accountsView,
  allMarginsView,
  depthView,
  marginsView,
  marketDataView,
  marketView,
  positionsView,
} from './queries.ts';
import {
  amendBody,
  batchBody,
  candleQuery,
  depositBody,
  depthQuery,
  insuranceQuery,
  listQuery,
  lpAmendBody,
  lpSubmitBody,
  marketQuery,
  optionalMarketQuery,
  oracleBody,
  orderBody,
  parseRequest,
  partyBody,
  RequestError,
  stopOrderBody,
} from './requests.ts';
import { CommandService, type CommandKind, type FaucetConfig } from './service.ts';
import type { Venue } from './venue.ts';
import { wireOrder } from './wire.ts';
import { errorBody, WsHub, wsMessage } from './ws.ts';

export interface ApiOptions {
  readonly keys: KeyStore;
  readonly adminToken?: string;
  readonly oracleKey?: string;
  readonly faucet: FaucetConfig;
  /** undefined: no rate limit */
  readonly limiter?: SpamLimiter;
  /** request body limit, bytes */
  readonly bodyLimit?: number;
  /** WebSocket book coalescing, ms */
  readonly bookMs?: number;
  readonly logger?: boolean;
}

type Auth = 'public' | 'party' | 'self' | 'admin' | 'oracle';

interface Ctx {
  readonly party: string | undefined;
  readonly params: Record<string, string>;
  readonly query: unknown;
  readonly body: unknown;
}

interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: Auth;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly handler: (ctx: Ctx) => unknown;
}

const PARTY_PARAM = 'party';

function presentedKey(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h === 'string' && h.startsWith('Bearer ')) return h.slice(7).trim();
  const k = req.headers['x-api-key'];
  if (typeof k === 'string') return k;
  const q = (req.query as Record<string, unknown> | undefined)?.key;
  return typeof q === 'string' ? q : undefined;
}

/** Builds the server (not listening yet). */
export async function buildApi(
  venue: Venue,
  opts: ApiOptions,
): Promise<{ app: FastifyInstance; hub: WsHub; service: CommandService }> {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: opts.bodyLimit ?? 64 * 1024 });
  const service = new CommandService(venue, opts.limiter, opts.faucet);
  const hub = new WsHub(venue, service, opts.bookMs ?? 100);
  venue.addListener(hub);
  if (opts.limiter) {
    const limiter = opts.limiter;
    venue.addListener({ onBlock: (b) => limiter.onBlock(b) });
  }
  await app.register(websocket, { options: { maxPayload: opts.bodyLimit ?? 64 * 1024 } });

  const market = (key: string) => service.market(key, 'params.market');
  const command =
    (kind: CommandKind, p: (ctx: Ctx) => { id?: string; market?: string } = () => ({})) =>
    (ctx: Ctx) =>
      service.run(ctx.party!, kind, ctx.body, p(ctx));

  const bots = new BotBoard();
  const routes: Route[] = [
    {
      method: 'GET',
      url: '/v1/markets',
      summary: 'Every market',
      tag: 'markets',
      auth: 'public',
      handler: () => venue.markets.map(marketView),
    },
    {
      method: 'GET',
      url: '/v1/markets/:market',
      summary: 'One market (id or pair code)',
      tag: 'markets',
      auth: 'public',
      handler: (c) => marketView(market(c.params.market!)),
    },
    {
      method: 'GET',
      url: '/v1/markets/:market/data',
      summary: 'Market data: mark, index, funding estimate, price-monitoring bounds, trading mode',
      tag: 'markets',
      auth: 'public',
      handler: (c) => marketDataView(market(c.params.market!)),
    },
    {
      method: 'GET',
      url: '/v1/markets/:market/depth',
      summary: 'Aggregated L2 depth, best first: [price, size]',
      tag: 'markets',
      auth: 'public',
      query: depthQuery,
      handler: (c) => depthView(market(c.params.market!), (c.query as z.infer<typeof depthQuery>).levels, venue.now()),
    },
    {
      method: 'GET',
      url: '/v1/markets/:market/trades',
      summary: 'Recent public trades, newest first',
      tag: 'markets',
      auth: 'public',
      query: listQuery.pick({ limit: true }),
      handler: (c) => venue.store.recentTrades(market(c.params.market!).id, (c.query as { limit: number }).limit),
    },
    {
      method: 'GET',
      url: '/v1/markets/:market/candles',
      summary: 'OHLCV candles, newest first',
      tag: 'markets',
      auth: 'public',
      query: candleQuery,
      handler: (c) => {
        const q = c.query as z.infer<typeof candleQuery>;
        return venue.store.candlesOf(market(c.params.market!).id, q.interval, q.limit);
      },
    },
    {
      method: 'GET',
      url: '/v1/markets/:market/insurance',
      summary:
        "The market's insurance pool (and its asset's global pool), close-out trades, the pool at each block end",
      tag: 'markets',
      auth: 'public',
      query: insuranceQuery,
      handler: (c) =>
        venue.insight.insuranceView(market(c.params.market!), (c.query as z.infer<typeof insuranceQuery>).history),
    },
    {
      method: 'GET',
      url: '/v1/markets/:market/liquidity',
      summary: "Each liquidity provider's bond, time on book, LP fees and SLA penalties per epoch",
      tag: 'markets',
      auth: 'public',
      handler: (c) => venue.insight.liquidityView(market(c.params.market!)),
    },
    {
      method: 'GET',
      url: '/v1/status',
      summary: 'Block, engine time, state hash, journal and connections',
      tag: 'venue',
      auth: 'public',
      handler: () => ({
        block: venue.block,
        time: venue.now().toString(),
        stateHash: venue.stateHash(),
        commands: venue.commands,
        recovered: venue.recovered,
        journal: venue.journal ? { file: venue.journal.file, fsync: venue.journal.fsync } : null,
        websocketConnections: hub.connections,
      }),
    },
    {
      method: 'POST',
      url: '/v1/bots/state',
      summary: "A bot's own state for the dashboard: quotes against fair, inventory, P&L split (not a command)",
      tag: 'bots',
      auth: 'party',
      body: botStateBody,
      handler: (c) => {
        bots.post(c.party!, c.body as BotState, Date.now());
        return { ok: true };
      },
    },
    {
      method: 'GET',
      url: '/v1/bots',
      summary: 'The last state each bot posted',
      tag: 'bots',
      auth: 'public',
      handler: () => bots.list(),
    },
    {
      method: 'GET',
      url: '/v1/me',
      summary: 'The party of the presented key',
      tag: 'parties',
      auth: 'party',
      handler: (c) => ({ party: c.party }),
    },
    {
      method: 'GET',
      url: '/v1/parties/:party/accounts',
      summary: "The party's accounts",
      tag: 'parties',
      auth: 'self',
      handler: (c) => accountsView(venue, c.party!),
    },
    {
      method: 'GET',
      url: '/v1/parties/:party/positions',
      summary: "The party's positions",
      tag: 'parties',
      auth: 'self',
      handler: (c) => positionsView(venue, c.party!),
    },
    {
      method: 'GET',
      url: '/v1/parties/:party/margins',
      summary: "The party's margin levels",
      tag: 'parties',
      auth: 'self',
      handler: (c) => marginsView(venue, c.party!),
    },
    {
      method: 'GET',
      url: '/v1/parties/:party/orders',
      summary: "The party's orders, newest first (live=true: only live ones)",
      tag: 'parties',
      auth: 'self',
      query: listQuery,
      handler: (c) => {
        const q = c.query as z.infer<typeof listQuery>;
        return venue.store.orders(c.party!, {
          limit: q.limit,
          live: q.live === 'true',
          ...(q.market !== undefined ? { market: market(q.market).id } : {}),
        });
      },
    },
    {
      method: 'GET',
      url: '/v1/parties/:party/orders/:id',
      summary: "One of the party's orders",
      tag: 'parties',
      auth: 'self',
      handler: (c) => {
        const o = venue.store.order(c.party!, c.params.id!);
        const u = o && venue.market(o.marketId)?.units;
        if (!o || !u)
          throw new RequestError(404, 'unknown_order', `params.id: no order "${c.params.id}" of party ${c.party}`);
        return wireOrder(o, u);
      },
    },
    {
      method: 'GET',
      url: '/v1/parties/:party/fills',
      summary: "The party's fills, newest first",
      tag: 'parties',
      auth: 'self',
      query: listQuery.pick({ limit: true }),
      handler: (c) => venue.store.fills(c.party!, (c.query as { limit: number }).limit),
    },
    {
      method: 'GET',
      url: '/v1/parties/:party/transfers',
      summary: "Transfers to and from the party's accounts, newest first",
      tag: 'parties',
      auth: 'self',
      query: listQuery.pick({ limit: true }),
      handler: (c) => venue.store.transfers(c.party!, (c.query as { limit: number }).limit),
    },
    {
      method: 'POST',
      url: '/v1/deposit',
      summary: "Faucet: deposit into the party's general account",
      tag: 'commands',
      auth: 'party',
      body: depositBody,
      handler: command('deposit'),
    },
    {
      method: 'POST',
      url: '/v1/orders',
      summary: 'Submit an order',
      tag: 'commands',
      auth: 'party',
      body: orderBody,
      handler: command('submit'),
    },
    {
      method: 'PATCH',
      url: '/v1/orders/:id',
      summary: 'Amend an order',
      tag: 'commands',
      auth: 'party',
      body: amendBody,
      handler: command('amend', (c) => ({ id: c.params.id! })),
    },
    {
      method: 'DELETE',
      url: '/v1/orders/:id',
      summary: 'Cancel an order',
      tag: 'commands',
      auth: 'party',
      query: marketQuery,
      handler: command('cancel', (c) => ({ id: c.params.id!, market: (c.query as { market: string }).market })),
    },
    {
      method: 'DELETE',
      url: '/v1/orders',
      summary: "Cancel all the party's orders (in one market, or everywhere)",
      tag: 'commands',
      auth: 'party',
      query: optionalMarketQuery,
      handler: command('cancelAll', (c) => {
        const m = (c.query as { market?: string }).market;
        return m !== undefined ? { market: m } : {};
      }),
    },
    {
      method: 'POST',
      url: '/v1/batch',
      summary: 'Batch: cancellations, then amendments, then submissions (spec 0074-BTCH)',
      tag: 'commands',
      auth: 'party',
      body: batchBody,
      handler: command('batch'),
    },
    {
      method: 'POST',
      url: '/v1/stop-orders',
      summary: 'Stop order: one leg or an OCO pair',
      tag: 'commands',
      auth: 'party',
      body: stopOrderBody,
      handler: command('stopOrders'),
    },
    {
      method: 'DELETE',
      url: '/v1/stop-orders/:id',
      summary: 'Cancel a stop order',
      tag: 'commands',
      auth: 'party',
      query: marketQuery,
      handler: command('cancelStop', (c) => ({ id: c.params.id!, market: (c.query as { market: string }).market })),
    },
    {
      method: 'DELETE',
      url: '/v1/stop-orders',
      summary: "Cancel all the party's stop orders",
      tag: 'commands',
      auth: 'party',
      query: optionalMarketQuery,
      handler: command('cancelStop', (c) => {
        const m = (c.query as { market?: string }).market;
        return m !== undefined ? { market: m } : {};
      }),
    },
    {
      method: 'POST',
      url: '/v1/liquidity',
      summary: 'Submit a liquidity provision (commitment and fee)',
      tag: 'commands',
      auth: 'party',
      body: lpSubmitBody,
      handler: command('lpSubmit'),
    },
    {
      method: 'PATCH',
      url: '/v1/liquidity',
      summary: 'Amend the liquidity provision',
      tag: 'commands',
      auth: 'party',
      body: lpAmendBody,
      handler: command('lpAmend'),
    },
    {
      method: 'DELETE',
      url: '/v1/liquidity',
      summary: 'Cancel the liquidity provision',
      tag: 'commands',
      auth: 'party',
      query: marketQuery,
      handler: command('lpCancel', (c) => ({ market: (c.query as { market: string }).market })),
    },
    {
      method: 'POST',
      url: '/v1/oracle',
      summary: 'Push an index price (oracle key)',
      tag: 'oracle',
      auth: 'oracle',
      body: oracleBody,
      handler: (c) => service.pushOracle(c.body),
    },
    {
      method: 'GET',
      url: '/v1/admin/margins',
      summary: "Every party's margin levels against its balances, per market (admin token)",
      tag: 'admin',
      auth: 'admin',
      handler: () => allMarginsView(venue),
    },
    {
      method: 'POST',
      url: '/v1/admin/parties',
      summary: 'Issue a key for a party (admin token)',
      tag: 'admin',
      auth: 'admin',
      body: partyBody,
      handler: (c) => {
        const { party } = c.body as z.infer<typeof partyBody>;
        return { party, key: opts.keys.issue(party) };
      },
    },
  ];

  const authorise = (route: Route, req: FastifyRequest, params: Record<string, string>): string | undefined => {
    if (route.auth === 'public') return undefined;
    if (route.auth === 'admin') {
      if (!opts.adminToken) throw new RequestError(403, 'forbidden', 'the admin endpoint is disabled (--admin-token)');
      if (!secretMatches(presentedKey(req) ?? (req.headers['x-admin-token'] as string | undefined), opts.adminToken))
        throw new RequestError(401, 'unauthorized', 'needs the admin token (Authorization: Bearer <token>)');
      return undefined;
    }
    if (route.auth === 'oracle') {
      if (!opts.oracleKey) throw new RequestError(403, 'forbidden', 'no oracle key is configured (--oracle-key)');
      if (!secretMatches((req.headers['x-oracle-key'] as string | undefined) ?? presentedKey(req), opts.oracleKey))
        throw new RequestError(401, 'unauthorized', 'needs the oracle key (X-Oracle-Key)');
      return undefined;
    }
    const key = presentedKey(req);
    const party = key !== undefined ? opts.keys.party(key) : undefined;
    if (party === undefined)
      throw new RequestError(
        401,
        'unauthorized',
        key === undefined ? 'needs a party key (Authorization: Bearer <key>)' : 'unknown key',
      );
    if (route.auth === 'self' && params[PARTY_PARAM] !== party)
      throw new RequestError(
        403,
        'forbidden',
        `the key is party ${party}'s; it cannot read party ${params[PARTY_PARAM]}`,
      );
    return party;
  };

  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const params = req.params as Record<string, string>;
        const party = authorise(route, req, params);
        const rawQuery = { ...(req.query as Record<string, unknown>) };
        delete rawQuery.key;
        const query = route.query ? parseRequest(route.query, rawQuery, 'query') : rawQuery;
        if (!route.query && Object.keys(rawQuery).length)
          throw new RequestError(
            400,
            'invalid_request',
            `query: unknown parameter${Object.keys(rawQuery).length > 1 ? 's' : ''} ${Object.keys(rawQuery).join(', ')}`,
            Object.keys(rawQuery).map((k) => ({ path: `query.${k}`, message: 'unknown parameter' })),
          );
        // a command's body is validated by the command service (the WebSocket path shares it); others here
        const body = route.body && route.tag !== 'commands' ? parseRequest(route.body, req.body, 'body') : req.body;
        if (
          !route.body &&
          req.body !== undefined &&
          req.body !== null &&
          route.method !== 'GET' &&
          route.method !== 'DELETE'
        )
          throw new RequestError(400, 'invalid_request', 'body: this endpoint takes no body');
        const result = route.handler({ party, params, query, body });
        void reply.header('cache-control', 'no-store');
        // nothing is answered before the journal holds every command applied so far (group commit)
        await venue.committed();
        return result;
      },
    });
  }

  app.get('/v1/ws', { websocket: true }, (socket, req) => {
    const key = presentedKey(req);
    const party = key !== undefined ? opts.keys.party(key) : undefined;
    if (key !== undefined && party === undefined) {
      socket.close(4401, 'unknown key');
      return;
    }
    hub.attach(socket, party, req.socket);
  });

  const openapi = buildOpenApi(routes);
  app.get('/openapi.json', async () => openapi);
  app.get('/health', async () => ({ ok: true }));

  app.setNotFoundHandler(async (req, reply) => {
    await reply.code(404).send({
      error: {
        code: 'not_found',
        message: `${req.method} ${req.url.split('?')[0]}: no such endpoint (see /openapi.json)`,
      },
    });
  });
  app.setErrorHandler(async (err, _req, reply) => {
    if (err instanceof RequestError) {
      if (err.status === 429) void reply.header('retry-after', '1');
      return reply.code(err.status).send({ error: errorBody(err) });
    }
    const e = err as { statusCode?: number; code?: string; message: string };
    const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    const code =
      e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'body_too_large'
        : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported_media_type'
          : status === 500
            ? 'internal'
            : 'invalid_request';
    const message =
      code === 'body_too_large'
        ? `body: larger than the limit of ${opts.bodyLimit ?? 64 * 1024} bytes`
        : status === 500
          ? 'internal error'
          : `body: ${e.message}`;
    if (status === 500) app.log.error(err);
    return reply.code(status).send({ error: { code, message } });
  });
  app.addHook('onClose', async () => hub.close());
  return { app, hub, service };
}

// ------------------------------------------------------------------ OpenAPI

function jsonSchema(s: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        issues: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
      required: ['code', 'message'],
    },
  },
};

export function buildOpenApi(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const params: Record<string, unknown>[] = [...r.url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (r.query) {
      const qs = jsonSchema(r.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(qs.properties ?? {}))
        params.push({ name, in: 'query', required: qs.required?.includes(name) ?? false, schema });
    }
    const responses: Record<string, unknown> = { '200': { description: 'OK' } };
    for (const [code, what] of [
      ['400', 'invalid request: every issue names its field path'],
      ...(r.auth !== 'public'
        ? [
            ['401', 'missing or unknown key'],
            ['403', 'not allowed for this key'],
          ]
        : []),
      ...(r.tag === 'commands'
        ? [
            ['429', 'rate limited (Vega spam.pow defaults)'],
            ['413', 'body too large'],
          ]
        : []),
    ] as [string, string][])
      responses[code] = { description: what, content: { 'application/json': { schema: errorSchema } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.auth !== 'public'
        ? { security: [r.auth === 'admin' ? { admin: [] } : r.auth === 'oracle' ? { oracle: [] } : { partyKey: [] }] }
        : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } }
        : {}),
      responses,
    };
  }
  paths['/v1/ws'] = {
    get: {
      summary:
        "WebSocket: subscribe to book/trades/marketData per market and orders/fills/accounts of the key's party; send commands",
      tags: ['streams'],
      description: `Client messages: ${JSON.stringify(jsonSchema(wsMessage))}`,
      responses: { '101': { description: 'switching protocols' } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'perpsim venue API',
      version: '1',
      description:
        "Prices are decimal strings in quote units, sizes decimal strings in contracts, money decimal strings in asset units, times integer strings of ns since the Unix epoch. A command that reaches the engine is journaled and answered 200 with ok=false and the engine's reason when the engine rejects it; a request refused before (400/401/403/404/413/429) changes nothing.",
    },
    components: {
      securitySchemes: {
        partyKey: { type: 'http', scheme: 'bearer' },
        admin: { type: 'http', scheme: 'bearer' },
        oracle: { type: 'apiKey', in: 'header', name: 'X-Oracle-Key' },
      },
    },
    paths,
  };
}
