// Engine benchmark: the full perpsim engine (Exchange → Market) on one futures market with 100 funded parties.
// Orders go through Exchange.submitOrder (validation, pre-trade margin checks, matching, fees, positions, events)
// and cancels through Exchange.cancelOrder; every `blockEvery` commands the block ends (mark price, mark-to-market,
// margin search / release, close-outs) and the clock moves on by one second.
//
// The random draws (command kind, party, side, offsets, sizes) are generated once, up front, as plain data. Prices,
// crossing sizes and cancel targets are resolved against the live book while replaying, because the engine's
// self-trade prevention and margin checks make the book diverge from any pre-computed one.
import {
  Decimal,
  DEFAULT_MARK_PRICE,
  Exchange,
  LEGACY_LIQUIDATION_STRATEGY,
  type Market,
  type MarketConfig,
  NS,
  type Side,
} from '../src/core/index.ts';
import { Prng } from './prng.ts';
import {
  BUY,
  CROSS_MAX_THROUGH,
  FAIR_STEP_PROBABILITY,
  OP_CANCEL,
  OP_CROSS,
  OP_REST,
  REST_MAX_SIZE,
  REST_MEAN_OFFSET,
  SELL,
  SWEEP_SHARE,
  crossingSize,
  restingPrice,
} from './workload.ts';

export interface EngineOptions {
  /** number of commands (order submissions and cancels) */
  readonly commands: number;
  readonly seed: number;
  readonly parties?: number;
  /** commands per block */
  readonly blockEvery?: number;
  /** book depth (live orders) the crossing flow steers towards */
  readonly targetLive?: number;
}

/** The pre-generated draws of an engine run. */
export interface EngineStream {
  readonly length: number;
  readonly parties: number;
  readonly blockEvery: number;
  readonly targetLive: number;
  readonly kind: Uint8Array;
  readonly party: Uint16Array;
  readonly side: Uint8Array;
  /** fair price (ticks) at each command */
  readonly fair: Int32Array;
  /** resting orders: ticks away from the fair price; crossing orders: ticks through the opposite best */
  readonly offset: Int32Array;
  /** resting orders: the size; sweeping crossing orders: the size beyond the opposite best level; otherwise 0 */
  readonly size: Int32Array;
  /** crossing orders: the size draw; cancels: which live order */
  readonly u: Float64Array;
}

export interface EngineStats {
  readonly commands: number;
  readonly submits: number;
  readonly cancels: number;
  readonly blocks: number;
  readonly trades: number;
  readonly tradedVolume: number;
  /** commands answered with an error (submits and cancels) */
  readonly rejections: number;
  readonly rejectionReasons: Record<string, number>;
  /** aggressors stopped at their own resting order (Vega self-trade prevention; not an error) */
  readonly selfTradeStops: number;
  /** cancels skipped because no order was live */
  readonly idleCancels: number;
  readonly liveOrdersAtEnd: number;
  readonly openPositionsAtEnd: number;
  readonly markPrice: string;
  readonly stateHash: string;
}

export interface EngineResult {
  readonly ns: bigint;
  readonly stats: EngineStats;
}

const MARKET_ID = 'BENCH/FUT';
const ASSET = 'USD';
/** asset decimals; the market has 0 decimals, so one tick is 10^ASSET_DECIMALS asset units */
const ASSET_DECIMALS = 2;
const FAIR_START = 1000;
const DEPOSIT = 10n ** 10n;
const START = 1_700_000_000n * NS;

/** Generates the random draws of an engine run (deterministic for a seed). */
export function generateEngineStream(opts: EngineOptions): EngineStream {
  const n = opts.commands;
  const parties = opts.parties ?? 100;
  const rng = new Prng(opts.seed);
  const s: EngineStream = {
    length: n,
    parties,
    blockEvery: opts.blockEvery ?? 100,
    targetLive: opts.targetLive ?? 2000,
    kind: new Uint8Array(n),
    party: new Uint16Array(n),
    side: new Uint8Array(n),
    fair: new Int32Array(n),
    offset: new Int32Array(n),
    size: new Int32Array(n),
    u: new Float64Array(n),
  };
  let fair = FAIR_START;
  for (let i = 0; i < n; i++) {
    if (rng.next() < FAIR_STEP_PROBABILITY) fair += rng.next() < 0.5 ? -1 : 1;
    s.fair[i] = fair;
    const r = rng.next();
    const k = r < 0.4 ? OP_REST : r < 0.7 ? OP_CROSS : OP_CANCEL;
    s.kind[i] = k;
    s.party[i] = rng.int(0, parties - 1);
    s.side[i] = rng.next() < 0.5 ? BUY : SELL;
    if (k === OP_REST) {
      s.offset[i] = Math.floor(rng.exp(REST_MEAN_OFFSET));
      s.size[i] = rng.int(1, REST_MAX_SIZE);
    } else if (k === OP_CROSS) {
      s.offset[i] = rng.int(0, CROSS_MAX_THROUGH);
      s.size[i] = rng.next() < SWEEP_SHARE ? rng.int(1, REST_MAX_SIZE) : 0;
      s.u[i] = rng.next();
    } else {
      s.u[i] = rng.next();
    }
  }
  return s;
}

/** The benchmark market: a cash-settled future, simple risk model, small fees, no price monitoring. */
export function benchMarketConfig(): MarketConfig {
  const d = (v: string) => Decimal.parse(v);
  return {
    id: MARKET_ID,
    settlementAsset: ASSET,
    quoteName: ASSET,
    decimalPlaces: 0,
    positionDecimalPlaces: 0,
    tickSize: 1n,
    linearSlippageFactor: d('0.001'),
    quadraticSlippageFactor: d('0'),
    riskModel: {
      kind: 'simple',
      factorLong: d('0.1'),
      factorShort: d('0.1'),
      maxMoveUp: d('10'),
      minMoveDown: d('-10'),
      probabilityOfTrading: d('0.1'),
    },
    marginScalingFactors: { searchLevel: d('1.1'), initialMargin: d('1.2'), collateralRelease: d('1.4') },
    fees: {
      makerFee: d('0.0001'),
      infrastructureFee: d('0.0001'),
      liquidityFee: d('0'),
      buyBackFee: d('0'),
      treasuryFee: d('0'),
      liquidityFeeMethod: 'MARGINAL_COST',
    },
    priceMonitoringTriggers: [],
    targetStake: { timeWindow: 3600, scalingFactor: d('1') },
    sla: {
      priceRange: d('0.05'),
      commitmentMinTimeFraction: d('0.5'),
      performanceHysteresisEpochs: 1,
      slaCompetitionFactor: d('0.5'),
    },
    liquidationStrategy: LEGACY_LIQUIDATION_STRATEGY,
    markPrice: DEFAULT_MARK_PRICE,
    product: {
      kind: 'future',
      settlementData: { signers: ['0xBENCH'], property: 'prices.USD.value', decimals: 0 },
      tradingTermination: { signers: ['0xBENCH'], property: 'trading.terminated' },
    },
    openingAuctionDuration: 0,
  };
}

/** A fresh exchange with the benchmark market (continuous from the start) and funded parties. */
function setup(parties: number): { ex: Exchange; market: Market; partyIds: string[] } {
  // mark-to-market at every block end (the default allows one mark price update per 5 s)
  const ex = new Exchange({ now: START, params: { markPriceUpdateMaximumFrequency: NS } });
  ex.registerAsset({ id: ASSET, decimals: ASSET_DECIMALS, quantum: Decimal.ONE });
  const market = ex.createMarket(benchMarketConfig());
  const partyIds: string[] = [];
  for (let p = 0; p < parties; p++) {
    const id = `party${p.toString().padStart(3, '0')}`;
    const r = ex.deposit(id, ASSET, DEPOSIT);
    if (r.error) throw new Error(`deposit for ${id}: ${r.error}`);
    partyIds.push(id);
  }
  ex.advanceTo(START);
  return { ex, market, partyIds };
}

/** Replays the stream through a fresh engine; only the command loop (blocks included) is timed. */
export function runEngine(s: EngineStream): EngineResult {
  const { ex, market, partyIds } = setup(s.parties);
  // live orders we may cancel: ids and owners, pruned lazily when a picked order turned out to be gone
  const liveIds: string[] = [];
  const liveParties: string[] = [];
  const reasons: Record<string, number> = {};
  let submits = 0;
  let cancels = 0;
  let blocks = 0;
  let trades = 0;
  let tradedVolume = 0;
  let rejections = 0;
  let selfTradeStops = 0;
  let idleCancels = 0;
  let now = START;
  const reject = (error: string) => {
    rejections++;
    reasons[error] = (reasons[error] ?? 0) + 1;
  };

  const t0 = process.hrtime.bigint();
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && i % s.blockEvery === 0) {
      ex.endBlock();
      now += NS;
      ex.advanceTo(now);
      blocks++;
    }
    const party = partyIds[s.party[i]!]!;
    let kind = s.kind[i]!;
    if (kind === OP_CANCEL) {
      // pick a live order; drop entries that were filled, stopped or closed out since they were recorded
      let j = Math.floor(s.u[i]! * liveIds.length);
      while (liveIds.length > 0 && market.liveOrderStatus(liveIds[j]!) !== 'ACTIVE') {
        liveIds[j] = liveIds[liveIds.length - 1]!;
        liveParties[j] = liveParties[liveParties.length - 1]!;
        liveIds.pop();
        liveParties.pop();
        if (j >= liveIds.length) j = 0;
      }
      if (liveIds.length === 0) {
        idleCancels++;
        continue;
      }
      const id = liveIds[j]!;
      const owner = liveParties[j]!;
      liveIds[j] = liveIds[liveIds.length - 1]!;
      liveParties[j] = liveParties[liveParties.length - 1]!;
      liveIds.pop();
      liveParties.pop();
      cancels++;
      const r = ex.cancelOrder(owner, MARKET_ID, id);
      if (r.error) reject(r.error);
      continue;
    }
    let sideCode = s.side[i]!;
    let price = 0;
    let size = 0;
    if (kind === OP_CROSS) {
      let oppBest = sideCode === BUY ? market.bestAsk() : market.bestBid();
      if (oppBest === undefined) {
        sideCode = 1 - sideCode;
        oppBest = sideCode === BUY ? market.bestAsk() : market.bestBid();
      }
      if (oppBest === undefined) kind = OP_REST;
      else if (s.size[i]! > 0) {
        // sweep: the whole opposite best level, the remainder rests there
        price = oppBest;
        size = market.availableVolume(sideCode === BUY ? 'buy' : 'sell', price) + s.size[i]!;
      } else {
        const through = s.offset[i]!;
        price = sideCode === BUY ? oppBest + through : Math.max(1, oppBest - through);
        size = crossingSize(s.u[i]!, market.liveOrderCount(), s.targetLive);
      }
    }
    if (kind === OP_REST) {
      price = restingPrice(sideCode, s.fair[i]!, s.offset[i]!, market.bestBid(), market.bestAsk());
      size = s.size[i]! > 0 ? s.size[i]! : 1 + Math.floor(s.u[i]! * REST_MAX_SIZE);
    }
    const side: Side = sideCode === BUY ? 'buy' : 'sell';
    submits++;
    const r = ex.submitOrder({ marketId: MARKET_ID, party, side, size, price, type: 'LIMIT', tif: 'GTC' });
    if (r.error) {
      reject(r.error);
      continue;
    }
    trades += r.trades.length;
    for (const t of r.trades) tradedVolume += t.size;
    const o = r.order!;
    if (o.status === 'ACTIVE') {
      liveIds.push(o.id);
      liveParties.push(party);
    } else if (o.reason === 'OrderError: Self trading') selfTradeStops++;
  }
  ex.endBlock();
  const ns = process.hrtime.bigint() - t0;

  const openPositions = market.openPositionCount();
  return {
    ns,
    stats: {
      commands: s.length,
      submits,
      cancels,
      blocks: blocks + 1,
      trades,
      tradedVolume,
      rejections,
      rejectionReasons: reasons,
      selfTradeStops,
      idleCancels,
      liveOrdersAtEnd: market.liveOrderCount(),
      openPositionsAtEnd: openPositions,
      markPrice: market.markPrice.toString(),
      stateHash: ex.stateHash(),
    },
  };
}
