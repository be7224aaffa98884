// Shared test fixtures for engine-level tests: a seeded PRNG (no Math.random anywhere in the tests), the assets and
// market configurations the property and bad-command tests run against, and helpers to snapshot an exchange's
// observable state (balances, live orders, positions) for "nothing changed" assertions.
import { Exchange, type ExchangeOptions } from '../../src/core/exchange/exchange.ts';
import type { AssetConfig } from '../../src/core/commands.ts';
import {
  DEFAULT_MARK_PRICE,
  LEGACY_LIQUIDATION_STRATEGY,
  type FeeConfig,
  type MarketConfig,
  type ProductConfig,
} from '../../src/core/config/market.ts';
import { Decimal, dec } from '../../src/core/num/decimal.ts';
import { snapshot } from '../../src/core/book/order.ts';
import { NS } from '../../src/core/types.ts';

// ------------------------------------------------------------------ PRNG

/**
 * sfc32 (Chris Doty-Humphrey's small fast counter), seeded through splitmix32. 32-bit integer arithmetic only,
 * so the stream is identical on every platform.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 16; i++) this.u32();
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Uniform bigint in [lo, hi] (inclusive). */
  bigint(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    const r = (BigInt(this.u32()) << 64n) | (BigInt(this.u32()) << 32n) | BigInt(this.u32());
    return lo + (r % span);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('pick from an empty list');
    return xs[Math.floor(this.float() * xs.length)]!;
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let x = this.float() * total;
    for (const [v, w] of entries) {
      x -= w;
      if (x < 0) return v;
    }
    return entries[entries.length - 1]![0];
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Geometric number of failures before a success with probability p (0, 1, 2, ...). */
  geometric(p: number): number {
    let n = 0;
    while (!this.chance(p) && n < 1000) n++;
    return n;
  }
}

// ------------------------------------------------------------------ assets and markets

/** 2023-11-14T22:13:20Z: any fixed start time will do. */
export const T0 = 1_700_000_000n * NS;

/** Settlement asset of both test markets: 5 decimals, quantum 1 USD. */
export const USD: AssetConfig = { id: 'USD', decimals: 5, quantum: Decimal.fromInt(100_000) };
/** An asset no market settles in: deposits and withdrawals only (checks nothing leaks across assets). */
export const BTC: AssetConfig = { id: 'BTC', decimals: 8, quantum: Decimal.fromInt(1000) };

const FUTURE: ProductConfig = {
  kind: 'future',
  settlementData: { signers: ['0xCAFEDOOD'], property: 'prices.USD.value', decimals: 5 },
  tradingTermination: { signers: ['0xCAFEDOOD'], property: 'trading.terminated' },
};

export const NO_FEES: FeeConfig = {
  makerFee: Decimal.ZERO,
  infrastructureFee: Decimal.ZERO,
  liquidityFee: Decimal.ZERO,
  buyBackFee: Decimal.ZERO,
  treasuryFee: Decimal.ZERO,
  liquidityFeeMethod: 'MARGINAL_COST',
};

export const SOME_FEES: FeeConfig = {
  makerFee: dec('0.0004'),
  infrastructureFee: dec('0.0005'),
  liquidityFee: dec('0.001'),
  buyBackFee: dec('0.0001'),
  treasuryFee: dec('0.0002'),
  liquidityFeeMethod: 'MARGINAL_COST',
};

const COMMON = {
  quoteName: 'USD',
  settlementAsset: USD.id,
  linearSlippageFactor: dec('0.01'),
  quadraticSlippageFactor: Decimal.ZERO,
  marginScalingFactors: { searchLevel: dec('1.1'), initialMargin: dec('1.2'), collateralRelease: dec('1.4') },
  targetStake: { timeWindow: 3600, scalingFactor: dec('1') },
  sla: {
    priceRange: dec('0.1'),
    commitmentMinTimeFraction: dec('0.5'),
    performanceHysteresisEpochs: 1,
    slaCompetitionFactor: dec('1'),
  },
  liquidationStrategy: LEGACY_LIQUIDATION_STRATEGY,
  markPrice: DEFAULT_MARK_PRICE,
  product: FUTURE,
} as const;

/**
 * Market "SIMPLE": simple risk model, two price-monitoring triggers, fees > 0, market decimals 2 below the asset's 5
 * (price factor 1000) and position decimals 2 (size 100 = one contract), tick size 5. Prices around 1000.00 are
 * 100000 in market precision, 100000000 in asset precision; the simple model's moves are asset units (±5%).
 */
export function simpleMarket(overrides: Partial<MarketConfig> = {}): MarketConfig {
  return {
    ...COMMON,
    id: 'SIMPLE',
    decimalPlaces: 2,
    positionDecimalPlaces: 2,
    tickSize: 5n,
    riskModel: {
      kind: 'simple',
      factorLong: dec('0.15'),
      factorShort: dec('0.12'),
      maxMoveUp: dec('5000000'),
      minMoveDown: dec('-5000000'),
      probabilityOfTrading: dec('0.1'),
    },
    fees: SOME_FEES,
    priceMonitoringTriggers: [
      { horizon: 5, probability: dec('0.95'), auctionExtension: 6 },
      { horizon: 60, probability: dec('0.99'), auctionExtension: 10 },
    ],
    openingAuctionDuration: 5,
    ...overrides,
  };
}

/**
 * A SIMPLE market stripped down so that prices and sizes are plain integers (market decimals = the asset's, whole
 * contracts, tick 1), without fees or price monitoring and with a one-second opening auction.
 */
export function plainMarket(id: string, overrides: Partial<MarketConfig> = {}): MarketConfig {
  return simpleMarket({
    id,
    decimalPlaces: USD.decimals,
    positionDecimalPlaces: 0,
    tickSize: 1n,
    fees: NO_FEES,
    priceMonitoringTriggers: [],
    openingAuctionDuration: 1,
    ...overrides,
  });
}

/**
 * Market "LOGNORMAL": log-normal risk model (sigma 1.5, tau one hour), no price monitoring, no fees, market
 * decimals = asset decimals (price factor 1), whole contracts, tick size 10. Prices around 50.00000 = 5000000.
 */
export function logNormalMarket(overrides: Partial<MarketConfig> = {}): MarketConfig {
  return {
    ...COMMON,
    id: 'LOGNORMAL',
    decimalPlaces: 5,
    positionDecimalPlaces: 0,
    tickSize: 10n,
    riskModel: { kind: 'logNormal', riskAversionParameter: 0.001, tau: 1 / 24 / 365.25, mu: 0, r: 0.016, sigma: 1.5 },
    fees: NO_FEES,
    priceMonitoringTriggers: [],
    openingAuctionDuration: 3,
    liquidationStrategy: {
      disposalTimeStep: 5,
      disposalFraction: dec('0.5'),
      fullDisposalSize: 20n,
      maxFractionConsumed: dec('0.5'),
      disposalSlippageRange: dec('0.2'),
    },
    ...overrides,
  };
}

/** The property test's oracle: signs perpetual prices, index prices and the future's termination and settlement. */
export const ORACLE = '0xORACLE';

/**
 * Market "PERP": a perpetual like SIMPLE (prices ~1000.00, price factor 1000, PDP 2) whose funding periods end
 * every hour (built-in time trigger), with the LINK proposal's interest rate, clamps and margin funding factor,
 * funding-rate bounds ±1 %, an external price from the oracle, and composite prices: a weighted mark price (trades
 * with decay, the book, the oracle's index price, the median) and a median internal price for funding.
 */
export function perpMarket(overrides: Partial<MarketConfig> = {}): MarketConfig {
  const index = {
    signers: [ORACLE],
    property: 'index.USD.value',
    decimals: 5,
    filters: [{ property: 'index.USD.value', type: 'INTEGER' as const, decimals: 5 }],
  };
  return simpleMarket({
    id: 'PERP',
    openingAuctionDuration: 4,
    priceMonitoringTriggers: [{ horizon: 60, probability: dec('0.99'), auctionExtension: 10 }],
    markPrice: {
      type: 'WEIGHTED',
      decayWeight: dec('0.5'),
      decayPower: dec('1'),
      cashAmount: 10_000_000n,
      sourceWeights: [dec('2'), dec('1'), dec('1'), dec('0')],
      sourceStalenessToleranceNs: [10n * NS, 10n * NS, 120n * NS, 600n * NS],
      oracles: [index],
    },
    product: {
      kind: 'perpetual',
      settlementData: { signers: [ORACLE], property: 'perp.USD.value', decimals: 5 },
      settlementSchedule: { kind: 'timeTrigger', every: 3600 },
      marginFundingFactor: dec('0.9'),
      interestRate: dec('0.1095'),
      clampLowerBound: dec('-0.0005'),
      clampUpperBound: dec('0.0005'),
      fundingRateLowerBound: dec('-0.01'),
      fundingRateUpperBound: dec('0.01'),
      internalCompositePrice: {
        type: 'MEDIAN',
        decayWeight: Decimal.ZERO,
        decayPower: dec('1'),
        cashAmount: 5_000_000n,
        sourceWeights: [],
        sourceStalenessToleranceNs: [30n * NS, 30n * NS, 300n * NS, 3600n * NS],
        oracles: [index],
      },
    },
    ...overrides,
  });
}

/**
 * Market "FUTURE": a cash-settled future like LOGNORMAL (prices ~50.00000, price factor 1) that the oracle
 * terminates (`fut.terminated`) and settles (`fut.USD.value`, 5 decimals).
 */
export function futureMarket(overrides: Partial<MarketConfig> = {}): MarketConfig {
  return logNormalMarket({
    id: 'FUTURE',
    product: {
      kind: 'future',
      settlementData: { signers: [ORACLE], property: 'fut.USD.value', decimals: 5 },
      tradingTermination: {
        signers: [ORACLE],
        property: 'fut.terminated',
        filters: [{ property: 'fut.terminated', type: 'BOOLEAN' }],
      },
    },
    ...overrides,
  });
}

/** A continuous-trading market with no opening auction (bad-command tests start trading at once). */
export function continuousMarket(id: string, overrides: Partial<MarketConfig> = {}): MarketConfig {
  return simpleMarket({ id, openingAuctionDuration: 0, priceMonitoringTriggers: [], ...overrides });
}

/** Network parameters of the property test: short auctions and epochs, a small pegged-order limit. */
export const TEST_PARAMS: ExchangeOptions['params'] = {
  markPriceUpdateMaximumFrequency: 2n * NS,
  auctionMinimumDuration: 5n * NS,
  floatingPointUpdatesDelay: 10n * NS,
  epochLength: 60n * NS,
  maxPeggedOrders: 20,
};

/** A fresh exchange at T0 with USD and BTC registered. */
export function newExchange(opts: ExchangeOptions = {}): Exchange {
  const ex = new Exchange({ now: T0, params: TEST_PARAMS, ...opts });
  ex.registerAsset(USD);
  ex.registerAsset(BTC);
  return ex;
}

// ------------------------------------------------------------------ observable state

/**
 * Everything a "nothing changed" assertion looks at, except the order/trade id counter that stateHash() includes:
 * every account balance (an absent account and a zero balance are the same thing), each market's state and mark
 * price, every live order (with its full snapshot), the book levels and every position.
 */
export function observableState(ex: Exchange): string {
  const lines: string[] = [`t=${ex.now()}`];
  const accounts = [...ex.ledger.all()].filter((a) => a.balance !== 0n).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const a of accounts) lines.push(`${a.id}=${a.balance}`);
  for (const m of ex.markets.values()) {
    lines.push(
      `market ${m.id} ${m.state} ${m.tradingMode} mark=${m.markPrice} last=${m.lastTradedPrice} lpfee=${m.liquidityFee.toString()}`,
    );
    for (const o of [...m.liveOrders()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      lines.push(`o ${JSON.stringify(snapshot(o), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
    }
    for (const side of ['buy', 'sell'] as const) {
      for (const l of m.depthLevels(side)) lines.push(`l ${side} ${l.price} ${l.volume}`);
    }
    for (const p of m.allPositions()) if (!p.isEmpty()) lines.push(`p ${p.party} ${p.openVolume} ${p.buy} ${p.sell}`);
    for (const lp of Object.values(m.liquidityProvisions()).flat())
      lines.push(`lp ${lp.party} ${lp.commitment} ${lp.fee.toString()} ${lp.status}`);
  }
  return lines.join('\n');
}
