// `perpsim session`: a short scripted, deterministic market session on a governance proposal (default: the embedded
// LINK/USD perpetual proposal) run through the engine. It registers the settlement asset, creates the market in its
// opening auction, funds named parties (two market makers, two takers and one under-collateralised trader),
// uncrosses the auction, then runs blocks along a seeded price path (a dip and a recovery) in which takers trade
// against the makers' quotes: the mark price moves, margins are searched and released, and the leveraged trader is
// closed out. For a perpetual the path's price is also published as the settlement-data oracle, the external price
// of funding. Everything it reports is collected from the engine's events (trades, mark prices, margin levels,
// ledger transfers, close-outs, funding), so the same options always print the same session.
import { Command, InvalidArgumentError, Option } from 'commander';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { Exchange, riskFactors, Decimal, type Side, NETWORK_PARTY, NS } from '../core/index.ts';
import { loadProposalFile, parseAssetSpec, type AssetRegistry, type ParsedProposal } from '../proposal/index.ts';
import { formatScaled, isoTime } from './format.ts';
import { SessionEvents } from './session-events.ts';
import {
  renderSession,
  sessionJson,
  type BlockRow,
  type CloseOutRow,
  type FundingRow,
  type PartyRow,
  type SessionReport,
  type TradeRow,
} from './session-report.ts';

export { renderSession, sessionJson } from './session-report.ts';
export type { BlockRow, CloseOutRow, FundingRow, PartyRow, SessionReport, TradeRow } from './session-report.ts';

/** The proposal the session runs when none is given: the last JSON of the VMP-14 forum thread. */
export const DEFAULT_PROPOSAL = fileURLToPath(new URL('../../scenarios/link-usd-perp.proposal.json', import.meta.url));

export interface SessionOptions {
  /** proposal file (default DEFAULT_PROPOSAL) */
  readonly proposal?: string;
  /** trading blocks after the opening auction */
  readonly steps?: number;
  /** seed of the price path noise and the takers' choices */
  readonly seed?: string;
  /** seconds between blocks */
  readonly blockSeconds?: number;
  /** opening price in quote units, e.g. "15.00" */
  readonly price?: string;
  /** extra assets for proposals settled in an asset the default registry lacks */
  readonly assets?: AssetRegistry;
}

export const SESSION_DEFAULTS = { steps: 12, seed: '1', blockSeconds: 5, price: '15' } as const;

/** When the session starts if the proposal has no closing timestamp: 2024-01-01T00:00:00Z. */
const DEFAULT_START_SECONDS = 1_704_067_200n;
/** Depth of the scripted dip of the price path, as a fraction of the opening price. */
const DIP = 0.03;
/** Noise on the path, ± this fraction. */
const NOISE = 0.0015;
/** Half the makers' quoted spread, as a fraction of the price (at least one tick). */
const HALF_SPREAD = 0.001;

interface PartyPlan {
  readonly name: string;
  readonly role: string;
  /** quote units (USDT) */
  readonly deposit: number | 'computed';
}

const PARTIES: readonly PartyPlan[] = [
  { name: 'mm-alice', role: 'market maker', deposit: 200_000 },
  { name: 'mm-bob', role: 'market maker', deposit: 200_000 },
  { name: 'taker-carol', role: 'taker', deposit: 30_000 },
  { name: 'taker-dave', role: 'taker', deposit: 30_000 },
  { name: 'trader-erin', role: 'leveraged trader', deposit: 'computed' },
];
const MAKERS = ['mm-alice', 'mm-bob'];
const TAKERS = ['taker-carol', 'taker-dave'];
const TRADER = 'trader-erin';
/** notional (quote units) of the trader's position: opened in the opening auction, deposit just above initial margin */
const TRADER_NOTIONAL = 7_500;

/** Raised for a session that cannot run (bad options, a proposal the engine cannot simulate). */
export class SessionError extends Error {}

// ------------------------------------------------------------------ the scripted session

/** mulberry32 over an FNV-1a hash of the seed: a small deterministic generator for the script's choices. */
function prng(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  let a = h;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface CheckedOptions {
  readonly file: string;
  readonly steps: number;
  readonly seed: string;
  readonly blockSeconds: number;
  readonly startPrice: Decimal;
}

/** The largest opening price in market precision the script works with (floating point below 2^53, with room). */
const MAX_PRICE_UNITS = 1e12;

function checkOptions(opts: SessionOptions): CheckedOptions {
  const file = opts.proposal ?? DEFAULT_PROPOSAL;
  const steps = opts.steps ?? SESSION_DEFAULTS.steps;
  const seed = opts.seed ?? SESSION_DEFAULTS.seed;
  const blockSeconds = opts.blockSeconds ?? SESSION_DEFAULTS.blockSeconds;
  const priceText = opts.price ?? SESSION_DEFAULTS.price;
  if (!/^\d+(\.\d+)?$/.test(priceText))
    throw new SessionError(`--price: must be a positive decimal number such as 15 or 0.25, got "${priceText}"`);
  const startPrice = Decimal.parse(priceText, 'price');
  if (!Number.isInteger(steps) || steps < 1 || steps > 10_000)
    throw new SessionError(`--steps: must be an integer in [1, 10000], got ${steps}`);
  if (!Number.isInteger(blockSeconds) || blockSeconds < 1 || blockSeconds > 86_400) {
    throw new SessionError(`--block-seconds: must be an integer in [1, 86400], got ${blockSeconds}`);
  }
  if (!startPrice.isPositive()) throw new SessionError(`--price: must be positive, got ${startPrice}`);
  if (seed.length > 1000) throw new SessionError(`--seed: at most 1000 characters, got ${seed.length}`);
  return { file, steps, seed, blockSeconds, startPrice };
}

export function runSession(opts: SessionOptions = {}): SessionReport {
  const { file, steps, seed, blockSeconds, startPrice } = checkOptions(opts);

  const parsed: ParsedProposal = loadProposalFile(file, opts.assets ? { assets: opts.assets } : {});
  const cfg = parsed.config;
  const asset = parsed.asset;
  const mdp = cfg.decimalPlaces;
  const pdp = cfg.positionDecimalPlaces;
  const adp = asset.decimals;
  const tick = Number(cfg.tickSize);
  // asset → market precision: ÷10^(adp − mdp), or ×10^(mdp − adp) when the market has more decimals (truncated)
  const toMarketPrice = (p: bigint): bigint =>
    adp >= mdp ? p / 10n ** BigInt(adp - mdp) : p * 10n ** BigInt(mdp - adp);
  const rf = riskFactors(cfg.riskModel);
  const rand = prng(seed);

  // ---- helpers in market/position/asset precision
  const unitsPerQuote = 10 ** mdp;
  const snap = (p: number) => Math.max(tick, Math.round(p / tick) * tick);
  const priceUnits = startPrice.toNumber() * unitsPerQuote;
  if (!(priceUnits <= MAX_PRICE_UNITS))
    throw new SessionError(
      `--price: ${startPrice} is ${priceUnits.toExponential(3)} in market precision (${mdp} decimals); at most ${MAX_PRICE_UNITS.toExponential(0)}`,
    );
  if (priceUnits < 100 * tick)
    throw new SessionError(
      `--price: ${startPrice} is below 100 ticks (tick ${formatScaled(cfg.tickSize, mdp)}): the script's quotes and price path need room; give a higher price`,
    );
  const base = snap(priceUnits);
  const halfSpread = snap(base * HALF_SPREAD);
  const sizeFor = (notional: number, price: number) =>
    Math.max(1, Math.round((notional / (price / unitsPerQuote)) * 10 ** pdp));
  const assetUnits = (quote: number) => BigInt(Math.round(quote)) * 10n ** BigInt(adp);
  const price = (p: bigint) => formatScaled(p, mdp);
  const size = (s: number | bigint) => formatScaled(BigInt(s), pdp);

  const start = (parsed.closingTimestamp !== undefined ? BigInt(parsed.closingTimestamp) : DEFAULT_START_SECONDS) * NS;
  const blockNs = BigInt(blockSeconds) * NS;
  const ev = new SessionEvents(cfg.id);
  const ex = new Exchange({ now: start, sink: ev });
  ex.registerAsset({ id: asset.id, decimals: adp, quantum: asset.quantum });
  try {
    ex.createMarket(cfg);
  } catch (e) {
    const hint =
      cfg.product.kind === 'perpetual'
        ? '; a futures variant runs: --proposal scenarios/link-usd-future.proposal.json'
        : '';
    throw new SessionError(
      `the engine cannot run market ${cfg.id} from ${displayPath(file)}: ${(e as Error).message}${hint}`,
    );
  }
  const market = ex.market(cfg.id)!;
  const opening = market.marketData();

  // ---- parties: the leveraged trader gets just over the initial margin of its position (sized in floating point:
  // this is the script's choice of a deposit, not a protocol computation)
  const traderSize = sizeFor(TRADER_NOTIONAL, base);
  const traderNotional = (traderSize / 10 ** pdp) * (base / unitsPerQuote);
  const maintenanceFraction = rf.long.toNumber() + cfg.linearSlippageFactor.toNumber();
  const traderDeposit = Math.ceil(
    traderNotional * maintenanceFraction * cfg.marginScalingFactors.initialMargin.toNumber() * 1.03,
  );
  const deposits = new Map<string, bigint>();
  for (const p of PARTIES) {
    const amount = assetUnits(p.deposit === 'computed' ? traderDeposit : p.deposit);
    deposits.set(p.name, amount);
    const r = ex.deposit(p.name, asset.id, amount);
    if (r.error) throw new SessionError(`deposit for ${p.name}: ${r.error}`);
  }

  const rejected: SessionReport['rejectedCommands'][number][] = [];
  const order = (party: string, side: Side, sz: number, px?: number) => {
    const r = ex.submitOrder({
      marketId: cfg.id,
      party,
      side,
      size: sz,
      ...(px !== undefined
        ? { price: px, type: 'LIMIT' as const, tif: 'GTC' as const }
        : { type: 'MARKET' as const, tif: 'IOC' as const }),
    });
    if (r.error) rejected.push({ block: ev.block, command: 'order', party, error: r.error });
  };
  // makers withdraw all their quotes before any re-quotes, so that new quotes never trade with stale ones
  // and take turns at the front of the queue
  const quote = (mid: number) => {
    for (const mm of MAKERS) ex.cancelAllOrders(mm, cfg.id);
    const turn = ev.block % MAKERS.length;
    for (const mm of [...MAKERS.slice(turn), ...MAKERS.slice(0, turn)]) {
      order(mm, 'buy', sizeFor(4_500, mid), mid - halfSpread);
      order(mm, 'buy', sizeFor(9_000, mid), Math.max(tick, mid - 3 * halfSpread));
      order(mm, 'sell', sizeFor(4_500, mid), mid + halfSpread);
      order(mm, 'sell', sizeFor(9_000, mid), mid + 3 * halfSpread);
    }
  };

  // perpetuals: the external (spot) price of funding comes from the settlement-data oracle; the script publishes
  // the path's target price, in the oracle's decimals, once per block
  const publishSpot = (target: number) => {
    if (cfg.product.kind !== 'perpetual') return;
    const src = cfg.product.settlementData;
    const v = BigInt(target);
    const value = src.decimals >= mdp ? v * 10n ** BigInt(src.decimals - mdp) : v / 10n ** BigInt(mdp - src.decimals);
    const r = ex.submitOracleData({
      signers: src.signers,
      properties: { [src.property]: value.toString() },
      timestamp: ex.now(),
    });
    if (r.error)
      rejected.push({ block: ev.block, command: 'oracle data', party: src.signers.join(' '), error: r.error });
  };

  // ---- opening auction: resting quotes plus orders that cross at the opening price
  quote(base);
  const makerOpen = sizeFor(3_000, base);
  order('mm-alice', 'buy', makerOpen, base);
  order('mm-bob', 'sell', makerOpen + traderSize, base);
  order(TRADER, 'buy', traderSize, base);

  const blocks: BlockRow[] = [];
  const row = (block: number, target: number | null) => {
    const inBlock = ev.trades.filter((t) => t.block === block);
    blocks.push({
      block,
      time: isoTime(ex.now()),
      targetPrice: target === null ? null : price(BigInt(target)),
      markPrice: price(toMarketPrice(ev.markPrice)),
      tradingMode: ev.tradingMode,
      trades: inBlock.length,
      volume: size(inBlock.reduce((s, t) => s + BigInt(t.trade.size), 0n)),
      marginSearched: [...(ev.searched.get(block) ?? [])].sort(),
      marginReleased: [...(ev.released.get(block) ?? [])].sort(),
      closedOut: ev.distressed.filter((d) => d.block === block).flatMap((d) => d.parties),
    });
  };
  const endBlock = () => {
    ev.phase = 'end';
    ex.endBlock();
    ev.phase = 'tx';
  };
  const nextBlock = () => {
    ev.phase = 'tick';
    ex.advanceTo(ex.now() + blockNs);
    ev.phase = 'tx';
  };

  // blocks keep coming while the auction runs; the uncrossing happens in the first block after its end
  endBlock();
  const guard = Number((opening.auctionEnd - opening.auctionStart) / blockNs) + 10;
  for (let i = 0; ev.tradingMode === 'OPENING_AUCTION'; i++) {
    if (i > guard) throw new SessionError(`market ${cfg.id}: the opening auction did not end (no uncrossing price)`);
    nextBlock();
    if (ev.tradingMode !== 'OPENING_AUCTION') break;
    endBlock();
  }
  publishSpot(base);
  endBlock();
  row(0, base);

  // ---- trading blocks along the path: a dip of DIP at mid-session, then a recovery
  for (let k = 1; k <= steps; k++) {
    ev.block = k;
    nextBlock();
    const shape = -DIP * Math.sin((Math.PI * k) / (steps + 1));
    const target = snap(base * (1 + shape + (rand() * 2 - 1) * NOISE));
    publishSpot(target);
    quote(target);
    for (const t of TAKERS) {
      const side: Side = rand() < 0.5 ? 'buy' : 'sell';
      order(t, side, sizeFor(300 + Math.floor(rand() * 1200), target));
    }
    endBlock();
    row(k, target);
  }

  return sessionReport({
    file,
    parsed,
    ev,
    ex,
    deposits,
    blocks,
    rejected,
    rf,
    opening,
    options: { steps, seed, blockSeconds, price: price(BigInt(base)) },
    toMarketPrice,
  });
}

/** What the report is assembled from: the run's context and what the script collected. */
interface ReportInput {
  readonly file: string;
  readonly parsed: ParsedProposal;
  readonly ev: SessionEvents;
  readonly ex: Exchange;
  readonly deposits: ReadonlyMap<string, bigint>;
  readonly blocks: readonly BlockRow[];
  readonly rejected: SessionReport['rejectedCommands'];
  readonly rf: ReturnType<typeof riskFactors>;
  readonly opening: { readonly auctionStart: bigint; readonly auctionEnd: bigint };
  readonly options: SessionReport['options'];
  readonly toMarketPrice: (p: bigint) => bigint;
}

/** The session's tables (trades, close-outs, funding, parties) and summary, from the collected events. */
function sessionReport(x: ReportInput): SessionReport {
  const { file, parsed, ev, ex, deposits, rf, opening, toMarketPrice } = x;
  const cfg = parsed.config;
  const asset = parsed.asset;
  const mdp = cfg.decimalPlaces;
  const pdp = cfg.positionDecimalPlaces;
  const adp = asset.decimals;
  const price = (p: bigint) => formatScaled(p, mdp);
  const size = (s: number | bigint) => formatScaled(BigInt(s), pdp);
  const money = (v: bigint) => formatScaled(v, adp);
  // ---- tables from the collected events
  const trades: TradeRow[] = ev.trades.map(({ block, trade: t }) => ({
    block,
    time: isoTime(t.timestamp),
    buyer: t.buyer,
    seller: t.seller,
    price: price(t.marketPrice),
    size: size(t.size),
    kind: t.type !== 'DEFAULT' ? t.type.toLowerCase().replace(/_/g, '-') : (t.aggressor ?? 'auction'),
  }));

  const positions = new Map<string, bigint>();
  for (const { trade: t } of ev.trades) {
    positions.set(t.buyer, (positions.get(t.buyer) ?? 0n) + BigInt(t.size));
    positions.set(t.seller, (positions.get(t.seller) ?? 0n) - BigInt(t.size));
  }
  const closeOuts: CloseOutRow[] = ev.trades
    .filter(({ trade: t }) => t.type === 'NETWORK_CLOSE_OUT_BAD')
    .map(({ block, trade: t }) => ({
      block,
      time: isoTime(t.timestamp),
      party: t.buyer === NETWORK_PARTY ? t.seller : t.buyer,
      size: size(t.size),
      price: price(t.marketPrice),
    }));

  const funding: FundingRow[] = ev.fundingPeriods.map((f) => ({
    seq: f.seq,
    start: isoTime(f.start),
    end: isoTime(f.end!),
    rate: f.fundingRate ?? null,
    paymentPerUnit: f.fundingPayment !== undefined ? money(f.fundingPayment) : null,
    internalTwap: f.internalTwap !== undefined ? money(f.internalTwap) : null,
    externalTwap: f.externalTwap !== undefined ? money(f.externalTwap) : null,
    payments: (ev.fundingPayments.get(f.seq) ?? []).map((p) => ({ party: p.party, amount: money(p.amount) })),
  }));

  const none = { maintenance: 0n, search: 0n, initial: 0n, release: 0n };
  const parties: PartyRow[] = [
    ...PARTIES.map((p) => ({ name: p.name, role: p.role })),
    { name: NETWORK_PARTY, role: 'network (close-outs)' },
  ].map(({ name, role }) => {
    const lv = name === NETWORK_PARTY ? none : (ev.margins.get(name) ?? none);
    const net = name === NETWORK_PARTY;
    return {
      party: name,
      role,
      deposit: money(deposits.get(name) ?? 0n),
      position: size(positions.get(name) ?? 0n),
      maintenance: net ? '-' : money(lv.maintenance),
      search: net ? '-' : money(lv.search),
      initial: net ? '-' : money(lv.initial),
      release: net ? '-' : money(lv.release),
      general: net ? '-' : money(ev.balance(name, 'GENERAL')),
      margin: net ? '-' : money(ev.balance(name, 'MARGIN', cfg.id)),
    };
  });

  let maker = 0n;
  let infra = 0n;
  let liq = 0n;
  let notional = 0n;
  let volume = 0n;
  for (const { trade: t } of ev.trades) {
    for (const f of [t.buyerFee, t.sellerFee]) {
      maker += f.makerFee;
      infra += f.infrastructureFee;
      liq += f.liquidityFee;
    }
    volume += BigInt(t.size);
    // notional in asset units: price (asset precision) × size / 10^PDP, truncated
    notional +=
      pdp >= 0 ? (t.price * BigInt(t.size)) / 10n ** BigInt(pdp) : t.price * BigInt(t.size) * 10n ** BigInt(-pdp);
  }
  let held = 0n;
  let external = 0n;
  for (const a of ev.accounts.values()) {
    if (a.asset !== asset.id) continue;
    if (a.type === 'EXTERNAL') external += a.balance;
    else held += a.balance;
  }

  return {
    proposal: {
      file: displayPath(file),
      title: parsed.rationale?.title ?? null,
      warnings: parsed.warnings,
      notModelled: parsed.notModelled,
    },
    market: {
      id: cfg.id,
      name: cfg.name ?? cfg.id,
      product: cfg.product.kind,
      asset: { id: asset.id, symbol: asset.symbol, decimals: adp },
      decimalPlaces: mdp,
      positionDecimalPlaces: pdp,
      tickSize: price(cfg.tickSize),
      riskFactors: { long: rf.long.toFixed(8), short: rf.short.toFixed(8) },
      marginScalingFactors: {
        search: cfg.marginScalingFactors.searchLevel.toString(),
        initial: cfg.marginScalingFactors.initialMargin.toString(),
        release: cfg.marginScalingFactors.collateralRelease.toString(),
      },
      openingAuction: { start: isoTime(opening.auctionStart), end: isoTime(opening.auctionEnd) },
    },
    options: x.options,
    blocks: [...x.blocks],
    trades,
    parties,
    closeOuts,
    funding,
    rejectedCommands: x.rejected,
    summary: {
      trades: trades.length,
      networkTrades: ev.trades.filter((t) => t.trade.type !== 'DEFAULT').length,
      closeOuts: closeOuts.length,
      totalVolume: size(volume),
      totalNotional: money(notional),
      feesPaid: { maker: money(maker), infrastructure: money(infra), liquidity: money(liq) },
      insurancePool: money(ev.balance('*', 'INSURANCE', cfg.id)),
      finalMarkPrice: price(toMarketPrice(ev.markPrice)),
      moneyConserved: held === -external,
      stateHash: ex.stateHash(),
    },
  };
}

function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel.startsWith('..') ? p : rel;
}

// ------------------------------------------------------------------ the subcommand

interface CommandOptions {
  proposal?: string;
  steps: number;
  seed: string;
  json?: boolean;
  blockSeconds: number;
  price: string;
  asset: string[];
}

function positiveInteger(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a positive integer.');
  return Number(v);
}

export function sessionCommand(setStatus: (code: number) => void): Command {
  return new Command('session')
    .description(
      'run a short scripted, deterministic market session on a governance proposal and print trades, mark prices and margins',
    )
    .option(
      '--proposal <file>',
      'new-market proposal JSON (default: the embedded LINK/USD perpetual, scenarios/link-usd-perp.proposal.json)',
    )
    .option('--steps <n>', 'trading blocks after the opening auction', positiveInteger, SESSION_DEFAULTS.steps)
    .option('--seed <s>', 'seed of the price path noise and the takers', SESSION_DEFAULTS.seed)
    .option('--json', 'print the session as JSON instead of tables')
    .option('--block-seconds <n>', 'seconds between blocks', positiveInteger, SESSION_DEFAULTS.blockSeconds)
    .option('--price <p>', 'opening price in quote units', SESSION_DEFAULTS.price)
    .addOption(
      new Option(
        '--asset <spec>',
        'settlement asset missing from the default registry: ID=SYMBOL:DECIMALS[:QUANTUM] (repeatable)',
      )
        .argParser((v: string, prev: string[]) => [...prev, v])
        .default([], 'USDT only'),
    )
    .action((o: CommandOptions) => {
      try {
        const assets = Object.fromEntries(o.asset.map(parseAssetSpec));
        const report = runSession({
          ...(o.proposal !== undefined ? { proposal: o.proposal } : {}),
          steps: o.steps,
          seed: o.seed,
          blockSeconds: o.blockSeconds,
          price: o.price,
          assets,
        });
        console.log(o.json ? sessionJson(report) : renderSession(report));
        setStatus(0);
      } catch (e) {
        console.error(`perpsim session: ${(e as Error).message}`);
        setStatus(1);
      }
    });
}
