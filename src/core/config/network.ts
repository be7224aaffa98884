// Network parameters the engine reads (spec 0054-NETP), by their protocol names. `setNetworkParameter` parses a
// value as Vega does (durations like "5s", "1h25m0s", or bare seconds where the protocol uses seconds) and
// rejects unknown names and malformed values with a reason.
import { Decimal } from '../num/decimal.ts';
import { NS } from '../types.ts';

export interface NetworkParams {
  /** market.amm.minCommitmentQuantum: an AMM commitment in quanta must be at least this (spec 0090-VAMM) */
  ammMinCommitmentQuantum: Decimal;
  /** network.markPriceUpdateMaximumFrequency, ns */
  markPriceUpdateMaximumFrequency: bigint;
  /** network.internalCompositePriceUpdateFrequency, ns */
  internalCompositePriceUpdateFrequency: bigint;
  /** market.auction.minimumDuration, ns */
  auctionMinimumDuration: bigint;
  /** market.auction.maximumDuration, ns (0 = no limit) */
  auctionMaximumDuration: bigint;
  /** network.floatingPointUpdates.delay, ns */
  floatingPointUpdatesDelay: bigint;
  /** limits.markets.maxPeggedOrders */
  maxPeggedOrders: number;
  /** market.fee.factors.makerFee / infrastructureFee / buybackFee / treasuryFee (override market fees when set) */
  makerFee: Decimal | undefined;
  infrastructureFee: Decimal | undefined;
  buyBackFee: Decimal | undefined;
  treasuryFee: Decimal | undefined;
  /** market.liquidity.* */
  stakeToCcyVolume: Decimal;
  bondPenaltyParameter: Decimal;
  earlyExitPenalty: Decimal;
  maximumLiquidityFeeFactorLevel: Decimal;
  slaNonPerformanceBondPenaltySlope: Decimal;
  slaNonPerformanceBondPenaltyMax: Decimal;
  providersFeeCalculationTimeStep: bigint;
  equityLikeShareFeeFraction: Decimal;
  minLpStakeQuantumMultiple: Decimal;
  /** market.liquidity.minimum.probabilityOfTrading.lpOrders: floor of an LP order's probability of trading */
  minProbabilityOfTradingLPOrders: Decimal;
  /** market.liquidity.probabilityOfTrading.tau.scaling: horizon multiplier of the probability of trading */
  probabilityOfTradingTauScaling: Decimal;
  /** market.value.windowLength, ns */
  marketValueWindowLength: bigint;
  /** validators.epoch.length, ns */
  epochLength: bigint;
  /** market.liquidity.successorLaunchWindowLength, ns: how long a settled market's insurance pool waits for a successor */
  successorLaunchWindow: bigint;
  /** spam.protection.max.stopOrdersPerMarket */
  maxStopOrdersPerMarket: number;
  /** spam.protection.max.batchSize: instructions in one batch */
  maxBatchSize: number;
  /**
   * auction.LongBlock: network-wide auction durations by block-time threshold (spec 0094-PRAC), ascending by
   * threshold, ns. A block at least as long as a threshold puts every market in auction for the largest such threshold's
   * duration.
   */
  longBlockAuctions: readonly { readonly threshold: bigint; readonly duration: bigint }[];
}

/** Vega's network defaults (core/netparams/defaults.go). */
export function defaultNetworkParams(): NetworkParams {
  return {
    ammMinCommitmentQuantum: Decimal.ZERO,
    markPriceUpdateMaximumFrequency: 5n * NS,
    internalCompositePriceUpdateFrequency: 5n * NS,
    auctionMinimumDuration: 30n * 60n * NS,
    auctionMaximumDuration: 7n * 24n * 3600n * NS,
    floatingPointUpdatesDelay: 5n * 60n * NS,
    maxPeggedOrders: 1500,
    makerFee: undefined,
    infrastructureFee: undefined,
    buyBackFee: undefined,
    treasuryFee: undefined,
    stakeToCcyVolume: Decimal.ONE,
    bondPenaltyParameter: Decimal.parse('0.1'),
    earlyExitPenalty: Decimal.parse('0.05'),
    maximumLiquidityFeeFactorLevel: Decimal.ONE,
    slaNonPerformanceBondPenaltySlope: Decimal.ONE,
    slaNonPerformanceBondPenaltyMax: Decimal.parse('0.05'),
    providersFeeCalculationTimeStep: 60n * NS,
    equityLikeShareFeeFraction: Decimal.ONE,
    minLpStakeQuantumMultiple: Decimal.ONE,
    minProbabilityOfTradingLPOrders: Decimal.parse('0.00000001'),
    probabilityOfTradingTauScaling: Decimal.ONE,
    marketValueWindowLength: 7n * 24n * 3600n * NS,
    epochLength: 24n * 3600n * NS,
    maxStopOrdersPerMarket: 4,
    maxBatchSize: 30,
    successorLaunchWindow: 168n * 3600n * NS,
    longBlockAuctions: [
      { threshold: 10n * NS, duration: 60n * NS },
      { threshold: 60n * NS, duration: 300n * NS },
      { threshold: 600n * NS, duration: 3600n * NS },
      { threshold: 3600n * NS, duration: 3600n * NS },
      { threshold: 6n * 3600n * NS, duration: 3n * 3600n * NS },
      { threshold: 24n * 3600n * NS, duration: 6n * 3600n * NS },
    ],
  };
}

/**
 * Parses auction.LongBlock: JSON `{"threshold_and_duration": [{"threshold": "10s", "duration": "1m"}, …]}` (the
 * camel-case key is accepted too); thresholds must be distinct; the table is kept sorted by threshold.
 */
export function parseLongBlockTable(v: string, name = 'auction.LongBlock'): NetworkParams['longBlockAuctions'] {
  let raw: unknown;
  try {
    raw = JSON.parse(v);
  } catch {
    throw new RangeError(`${name}: not JSON`);
  }
  const rows =
    (raw as Record<string, unknown> | null)?.['threshold_and_duration'] ??
    (raw as Record<string, unknown> | null)?.['thresholdAndDuration'];
  if (!Array.isArray(rows)) throw new RangeError(`${name}: threshold_and_duration must be a list`);
  const out = rows.map((r: unknown, i) => {
    const row = r as Record<string, unknown> | null;
    if (typeof row?.['threshold'] !== 'string' || typeof row['duration'] !== 'string')
      throw new RangeError(`${name}: row ${i + 1} needs threshold and duration strings`);
    return {
      threshold: parseDuration(row['threshold'], `${name} row ${i + 1} threshold`),
      duration: parseDuration(row['duration'], `${name} row ${i + 1} duration`),
    };
  });
  out.sort((a, b) => (a.threshold < b.threshold ? -1 : a.threshold > b.threshold ? 1 : 0));
  for (let i = 1; i < out.length; i++)
    if (out[i]!.threshold === out[i - 1]!.threshold) throw new RangeError(`${name}: duplicate threshold`);
  return out;
}

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  ms: 1_000_000n,
  s: NS,
  m: 60n * NS,
  h: 3600n * NS,
};

/** Parses a Go duration ("1h25m0s", "0s", "500ms") or a bare number of seconds into nanoseconds. */
export function parseDuration(v: string, field = 'duration'): bigint {
  const s = v.trim();
  if (/^\d+$/.test(s)) return BigInt(s) * NS;
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) throw new RangeError(`${field}: "${v}" is not a duration`);
  let total = 0n;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Decimal.parse(m[1]!).mulBig(UNIT_NS[m[2]!]!).trunc();
  }
  return total;
}

type Setter = (p: NetworkParams, v: string, name: string) => void;
const dec = (v: string, name: string) => Decimal.parse(v, name);
const int = (v: string, name: string) => {
  if (!/^\d+$/.test(v.trim())) throw new RangeError(`${name}: "${v}" is not a non-negative integer`);
  return Number(v.trim());
};

const SETTERS: Record<string, Setter> = {
  'network.markPriceUpdateMaximumFrequency': (p, v, n) => (p.markPriceUpdateMaximumFrequency = parseDuration(v, n)),
  'network.internalCompositePriceUpdateFrequency': (p, v, n) =>
    (p.internalCompositePriceUpdateFrequency = parseDuration(v, n)),
  'market.auction.minimumDuration': (p, v, n) => (p.auctionMinimumDuration = parseDuration(v, n)),
  'market.auction.maximumDuration': (p, v, n) => (p.auctionMaximumDuration = parseDuration(v, n)),
  'network.floatingPointUpdates.delay': (p, v, n) => (p.floatingPointUpdatesDelay = parseDuration(v, n)),
  'limits.markets.maxPeggedOrders': (p, v, n) => (p.maxPeggedOrders = int(v, n)),
  'market.fee.factors.makerFee': (p, v, n) => (p.makerFee = dec(v, n)),
  'market.fee.factors.infrastructureFee': (p, v, n) => (p.infrastructureFee = dec(v, n)),
  'market.fee.factors.buybackFee': (p, v, n) => (p.buyBackFee = dec(v, n)),
  'market.fee.factors.treasuryFee': (p, v, n) => (p.treasuryFee = dec(v, n)),
  'market.liquidity.stakeToCcyVolume': (p, v, n) => (p.stakeToCcyVolume = dec(v, n)),
  'market.liquidity.bondPenaltyParameter': (p, v, n) => (p.bondPenaltyParameter = dec(v, n)),
  'market.liquidity.earlyExitPenalty': (p, v, n) => (p.earlyExitPenalty = dec(v, n)),
  'market.liquidity.maximumLiquidityFeeFactorLevel': (p, v, n) => (p.maximumLiquidityFeeFactorLevel = dec(v, n)),
  'market.liquidity.sla.nonPerformanceBondPenaltySlope': (p, v, n) => (p.slaNonPerformanceBondPenaltySlope = dec(v, n)),
  'market.liquidity.sla.nonPerformanceBondPenaltyMax': (p, v, n) => (p.slaNonPerformanceBondPenaltyMax = dec(v, n)),
  'market.liquidity.providersFeeCalculationTimeStep': (p, v, n) =>
    (p.providersFeeCalculationTimeStep = parseDuration(v, n)),
  'market.liquidity.equityLikeShareFeeFraction': (p, v, n) => (p.equityLikeShareFeeFraction = dec(v, n)),
  'market.liquidityProvision.minLpStakeQuantumMultiple': (p, v, n) => (p.minLpStakeQuantumMultiple = dec(v, n)),
  'market.liquidity.minimum.probabilityOfTrading.lpOrders': (p, v, n) =>
    (p.minProbabilityOfTradingLPOrders = dec(v, n)),
  'market.liquidity.probabilityOfTrading.tau.scaling': (p, v, n) => (p.probabilityOfTradingTauScaling = dec(v, n)),
  'market.value.windowLength': (p, v, n) => (p.marketValueWindowLength = parseDuration(v, n)),
  'validators.epoch.length': (p, v, n) => (p.epochLength = parseDuration(v, n)),
  'spam.protection.max.stopOrdersPerMarket': (p, v, n) => (p.maxStopOrdersPerMarket = int(v, n)),
  'spam.protection.max.batchSize': (p, v, n) => (p.maxBatchSize = int(v, n)),
  'market.liquidity.successorLaunchWindowLength': (p, v, n) => (p.successorLaunchWindow = parseDuration(v, n)),
  'market.amm.minCommitmentQuantum': (p, v, n) => (p.ammMinCommitmentQuantum = dec(v, n)),
  'auction.LongBlock': (p, v, n) => (p.longBlockAuctions = parseLongBlockTable(v, n)),
};

/** Parameters that exist in Vega but that this engine does not model; accepted and ignored. */
const IGNORED = new Set([
  'market.liquidity.targetstake.triggering.ratio',
  'market.stake.target.timeWindow',
  'market.stake.target.scalingFactor',
]);

export function isKnownNetworkParameter(name: string): boolean {
  return name in SETTERS || IGNORED.has(name);
}

export function setNetworkParameter(p: NetworkParams, name: string, value: string): void {
  const s = SETTERS[name];
  if (s) return s(p, value, name);
  if (IGNORED.has(name)) return;
  throw new RangeError(`unknown network parameter "${name}"`);
}
