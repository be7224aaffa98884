// `perpsim serve`: runs the live venue — the engine in real time with its HTTP/WebSocket API, journal and (with
// --redis) the Redis streams — until SIGINT/SIGTERM. With no flags: the LINK/USD perpetual, a 30 s opening auction,
// 1 s blocks, index prices from the default jump-diffusion, a faucet, no journal, no Redis.
import { Command, InvalidArgumentError, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_CONFIG,
  DEFAULT_SPOT_ASSETS,
  DEFAULT_SPOT_PROPOSAL,
  startVenue,
  type VenueConfig,
} from '../live/server.ts';
import { VEGA_SPAM_DEFAULTS } from '../live/auth.ts';

function positiveInteger(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a positive integer.');
  return Number(v);
}

function nonNegativeInteger(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('must be a non-negative integer.');
  return Number(v);
}

function decimal(v: string): string {
  if (!/^(0|[1-9]\d*)(\.\d+)?$/.test(v)) throw new InvalidArgumentError('must be a non-negative decimal number.');
  return v;
}

interface ServeOptions {
  host: string;
  port: number;
  market?: string[];
  spot?: string[] | boolean;
  openingAuction: number;
  blockMs: number;
  journal?: string;
  fsync: 'command' | 'block' | 'off';
  snapshotEvery?: number;
  agents?: string;
  oracle: string;
  oracleEvery?: number;
  oracleKey?: string;
  parties?: string;
  adminToken?: string;
  faucet: string | false;
  rateLimit: boolean;
  spamTxPerBlock: number;
  spamPastBlocks: number;
  bodyLimit: number;
  bookMs: number;
  redis?: string;
  lobMs: number;
  lobLevels: number;
  streamMaxlen: number;
  seed: string;
}

export function serveCommand(setStatus: (code: number) => void, track: (p: Promise<void>) => void): Command {
  const d = DEFAULT_CONFIG;
  return new Command('serve')
    .description('run a live venue: the engine in real time, HTTP/WebSocket API, journal, Redis streams')
    .option('--host <host>', 'interface to listen on', d.host)
    .option('--port <n>', 'TCP port (0: any free port)', nonNegativeInteger, d.port)
    .option('--market <proposal...>', 'market proposal JSON file(s) (default: the LINK/USD perpetual)')
    .option(
      '--spot [proposal...]',
      'spot (newSpotMarket) proposal file(s) beside the markets, traded through the Luno-compatible facade under /api (no file: the XBT/MYR pair)',
    )
    .option('--opening-auction <s>', 'opening auction length, seconds', nonNegativeInteger, d.openingAuctionSeconds)
    .option('--block-ms <ms>', 'block length, ms', positiveInteger, d.blockMs)
    .option(
      '--journal <dir>',
      'journal directory: commands are appended before they are acknowledged and replayed on start',
    )
    .addOption(
      new Option('--fsync <when>', 'flush the journal to disk per command or per block')
        .choices(['command', 'block', 'off'])
        .default(d.fsync),
    )
    .option(
      '--snapshot-every <blocks>',
      'with --journal: write a snapshot every this many blocks; a restart restores the newest and replays the rest',
      positiveInteger,
    )
    .option('--agents <scenario>', "run a scenario's agents as a background market (its markets and price process)")
    .option('--oracle <source>', 'index prices: model (price process), csv:FILE, or push (POST /v1/oracle)', d.oracle)
    .option(
      '--oracle-every <s>',
      "seconds between model/CSV oracle prices (default: the scenario's, else 60)",
      positiveInteger,
    )
    .option('--oracle-key <key>', 'key for POST /v1/oracle')
    .option('--parties <file>', 'party keys (YAML/JSON: parties: [{ party, key }])')
    .option('--admin-token <token>', 'token for POST /v1/admin/parties (default: a random one, printed)')
    .option('--faucet <amount>', 'largest faucet deposit per request, asset units', decimal, d.faucet.maxPerRequest)
    .option('--no-faucet', 'no faucet')
    .option('--no-rate-limit', 'no per-party rate limit')
    .option('--spam-tx-per-block <n>', 'spam.pow.numberOfTxPerBlock', positiveInteger, VEGA_SPAM_DEFAULTS.txPerBlock)
    .option('--spam-past-blocks <n>', 'spam.pow.numberOfPastBlocks', positiveInteger, VEGA_SPAM_DEFAULTS.pastBlocks)
    .option('--body-limit <bytes>', 'largest request body', positiveInteger, d.bodyLimit)
    .option('--book-ms <ms>', 'WebSocket book updates at most this often', positiveInteger, d.bookMs)
    .option('--redis <url>', 'publish LOB::, TRADES:: and ORDER_UPDATES to Redis (e.g. redis://127.0.0.1:6379)')
    .option('--lob-ms <ms>', 'LOB:: messages at most this often per market', positiveInteger, d.lobMs)
    .option('--lob-levels <n>', 'levels per side in LOB:: messages', positiveInteger, d.lobLevels)
    .option('--stream-maxlen <n>', 'approximate length cap of each Redis stream', positiveInteger, d.streamMaxLen)
    .option('--seed <seed>', 'seed of the price process and the agents', d.seed)
    .action((o: ServeOptions) => {
      const generatedAdmin = !o.adminToken && !o.parties ? randomBytes(16).toString('hex') : undefined;
      const cfg: VenueConfig = {
        ...d,
        host: o.host,
        port: o.port,
        markets: o.market ?? d.markets,
        ...(o.spot
          ? {
              spot: o.spot === true ? [DEFAULT_SPOT_PROPOSAL] : o.spot,
              assets: DEFAULT_SPOT_ASSETS,
            }
          : {}),
        openingAuctionSeconds: o.openingAuction,
        blockMs: o.blockMs,
        fsync: o.fsync,
        oracle: o.oracle,
        faucet: o.faucet === false ? {} : { maxPerRequest: o.faucet },
        bodyLimit: o.bodyLimit,
        bookMs: o.bookMs,
        lobMs: o.lobMs,
        lobLevels: o.lobLevels,
        streamMaxLen: o.streamMaxlen,
        seed: o.seed,
        ...(o.rateLimit
          ? { spam: { txPerBlock: o.spamTxPerBlock, pastBlocks: o.spamPastBlocks } }
          : { spam: undefined }),
        ...(o.journal ? { journalDir: o.journal } : {}),
        ...(o.snapshotEvery ? { snapshotEvery: o.snapshotEvery } : {}),
        ...(o.agents ? { agents: o.agents } : {}),
        ...(o.oracleEvery ? { oracleEverySeconds: o.oracleEvery } : {}),
        ...(o.oracleKey ? { oracleKey: o.oracleKey } : {}),
        ...(o.parties ? { partiesFile: o.parties } : {}),
        ...((o.adminToken ?? generatedAdmin) ? { adminToken: o.adminToken ?? generatedAdmin } : {}),
        ...(o.redis ? { redisUrl: o.redis } : {}),
      };
      track(
        startVenue(cfg).then(
          (run) => {
            const v = run.venue;
            const r = v.recovered;
            console.log(`perpsim venue listening on ${run.url}`);
            console.log(
              `  markets: ${v.markets.map((m) => `${m.id} (${m.pair})`).join(', ')}${r.records > 0 ? " (from the journal's genesis: on a restart the journal decides the markets, opening auction and network parameters)" : ''}`,
            );
            console.log(
              `  journal: ${v.journal ? `${v.journal.file} (fsync ${o.fsync}); replayed ${r.commands} commands, ${r.blocks} blocks${r.tornBytes ? `, dropped a torn last record of ${r.tornBytes} bytes` : ''}` : 'none (state is not kept across restarts)'}`,
            );
            if (r.snapshot)
              console.log(
                `  snapshot: restored ${r.snapshot.file} (journal records before ${r.snapshot.seq}) in ${r.snapshot.restoreMs.toFixed(0)} ms`,
              );
            if (v.journal) console.log(`  recovery took ${r.ms.toFixed(0)} ms`);
            console.log(`  state hash after recovery: ${r.stateHash}`);
            if (v.agents) console.log(`  agents: ${v.agents.parties.length} parties from ${o.agents}`);
            if (run.redis) console.log(`  redis: ${o.redis}`);
            if (generatedAdmin)
              console.log(`  admin token: ${generatedAdmin}  (POST /v1/admin/parties {"party": "..."})`);
            console.log(`  API: ${run.url}/openapi.json`);
            return new Promise<void>((resolve) => {
              const stop = () => {
                process.off('SIGINT', stop);
                process.off('SIGTERM', stop);
                void run.close().then(() => {
                  console.log(`perpsim venue stopped at block ${v.block}, state hash ${v.stateHash()}`);
                  resolve();
                });
              };
              process.on('SIGINT', stop);
              process.on('SIGTERM', stop);
            });
          },
          (e: unknown) => {
            console.error(`perpsim serve: ${(e as Error).message}`);
            setStatus(1);
          },
        ),
      );
    });
}
