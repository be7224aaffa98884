// A random command stream over a spot market (spec 0080-SPOT) and a futures market with two AMM pools (spec
// 0090-VAMM), for the snapshot property test (test/core/snapshot.test.ts): the main property generator reaches
// futures and perpetuals only. Commands are drawn from a seeded generator and aimed with the ids of orders the
// stream placed earlier, so one recorded stream is replayed verbatim on restored exchanges.
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import type { OrderAmendment, OrderSubmission } from '../../../src/core/commands.ts';
import type { AmmAmendment, AmmCancellation, AmmSubmission } from '../../../src/core/amm/engine.ts';
import type { EventSink } from '../../../src/core/events.ts';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { NS } from '../../../src/core/types.ts';
import { logNormalMarket, NO_FEES, Rng, T0 } from '../fixtures.ts';
import { spotSpec } from '../spot-fixture.ts';

export type SpotAmmCommand =
  | { readonly k: 'submit'; readonly sub: OrderSubmission }
  | { readonly k: 'amend'; readonly a: OrderAmendment }
  | { readonly k: 'cancel'; readonly party: string; readonly market: string; readonly orderId: string }
  | { readonly k: 'cancelAll'; readonly party: string; readonly market: string }
  | { readonly k: 'deposit'; readonly party: string; readonly asset: string; readonly amount: bigint }
  | { readonly k: 'withdraw'; readonly party: string; readonly asset: string; readonly amount: bigint }
  | { readonly k: 'ammSubmit'; readonly s: AmmSubmission }
  | { readonly k: 'ammAmend'; readonly a: AmmAmendment }
  | { readonly k: 'ammCancel'; readonly c: AmmCancellation }
  | { readonly k: 'block'; readonly dt: bigint }
  | { readonly k: 'tick'; readonly dt: bigint };

export const SPOT = 'BTC/ETH';
export const FUT = 'ETH/MAR22';
const PARTIES = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
const POOL_OWNERS = ['vamm1', 'vamm2'];
const d = (s: string) => Decimal.parse(s);

/** The exchange of the stream: both markets out of their opening auctions, every party funded. */
export function spotAmmExchange(sink?: EventSink): Exchange {
  const ex = new Exchange({
    now: T0,
    ...(sink ? { sink } : {}),
    params: { auctionMinimumDuration: NS, markPriceUpdateMaximumFrequency: 0n },
  });
  ex.registerAsset({ id: 'BTC', decimals: 2, quantum: Decimal.ONE });
  ex.registerAsset({ id: 'ETH', decimals: 2, quantum: Decimal.ONE });
  ex.registerAsset({ id: 'USD0', decimals: 0, quantum: Decimal.ONE });
  ex.setNetworkParameter('market.amm.minCommitmentQuantum', '1');
  ex.createSpotMarket(spotSpec({ id: SPOT }));
  ex.createMarket(
    logNormalMarket({
      id: FUT,
      settlementAsset: 'USD0',
      decimalPlaces: 0,
      tickSize: 1n,
      linearSlippageFactor: d('1'),
      marginScalingFactors: { searchLevel: d('1.2'), initialMargin: d('1.5'), collateralRelease: d('1.7') },
      riskModel: {
        kind: 'logNormal',
        riskAversionParameter: 0.001,
        tau: Number('0.0011407711613050422'),
        mu: 0,
        r: 0.9,
        sigma: 3,
      },
      fees: NO_FEES,
      openingAuctionDuration: 1,
      allowedEmptyAmmLevels: 5,
    }),
  );
  for (const p of [...PARTIES, ...POOL_OWNERS]) {
    ex.deposit(p, 'USD0', 1_000_000n);
    ex.deposit(p, 'BTC', 2_000n);
    ex.deposit(p, 'ETH', 2_000_000n);
  }
  const lim = (marketId: string, party: string, side: 'buy' | 'sell', size: number, price: number) =>
    ex.submitOrder({ marketId, party, side, type: 'LIMIT', tif: 'GTC', size, price });
  lim(FUT, 'p0', 'buy', 20, 90);
  lim(FUT, 'p1', 'buy', 1, 100);
  lim(FUT, 'p2', 'sell', 1, 100);
  lim(FUT, 'p3', 'sell', 20, 110);
  lim(SPOT, 'p0', 'buy', 1, 1000);
  lim(SPOT, 'p1', 'sell', 1, 1000);
  ex.nextBlock(2n * NS);
  ex.nextBlock(NS);
  return ex;
}

export function executeSpotAmm(ex: Exchange, c: SpotAmmCommand): string | undefined {
  switch (c.k) {
    case 'submit':
      return ex.submitOrder(c.sub).error;
    case 'amend':
      return ex.amendOrder(c.a).error;
    case 'cancel':
      return ex.cancelOrder(c.party, c.market, c.orderId).error;
    case 'cancelAll':
      return ex.cancelAllOrders(c.party, c.market).error;
    case 'deposit':
      return ex.deposit(c.party, c.asset, c.amount).error;
    case 'withdraw':
      return ex.withdraw(c.party, c.asset, c.amount).error;
    case 'ammSubmit':
      return ex.submitAmm(c.s).error;
    case 'ammAmend':
      return ex.amendAmm(c.a).error;
    case 'ammCancel':
      return ex.cancelAmm(c.c).error;
    case 'block':
      ex.nextBlock(c.dt);
      return undefined;
    case 'tick':
      ex.advanceTo(ex.now() + c.dt);
      return undefined;
  }
}

/** Draws the stream's next command; `placed` holds [party, market, order id] of orders placed so far. */
export function nextSpotAmm(rng: Rng, placed: [string, string, string][]): SpotAmmCommand {
  const r = rng.float();
  const party = rng.pick(PARTIES);
  const side = rng.chance(0.5) ? ('buy' as const) : ('sell' as const);
  if (r < 0.3) {
    const price = 1000 + rng.int(-15, 15);
    const market = rng.chance(0.15);
    const tif = market ? rng.pick(['IOC', 'FOK'] as const) : rng.pick(['GTC', 'GTC', 'IOC', 'GFN'] as const);
    return {
      k: 'submit',
      sub: {
        marketId: SPOT,
        party,
        side,
        type: market ? 'MARKET' : 'LIMIT',
        tif,
        size: rng.int(1, 4),
        ...(market ? {} : { price }),
      },
    };
  }
  if (r < 0.6) {
    const market = rng.chance(0.15);
    const price = 100 + rng.int(-7, 7);
    return {
      k: 'submit',
      sub: {
        marketId: FUT,
        party,
        side,
        type: market ? 'MARKET' : 'LIMIT',
        tif: market ? 'IOC' : rng.pick(['GTC', 'GTC', 'IOC', 'GFN'] as const),
        size: rng.int(1, 40),
        ...(market ? {} : { price }),
      },
    };
  }
  if (r < 0.68 && placed.length > 0) {
    const [p, m, id] = rng.pick(placed);
    return { k: 'cancel', party: p, market: m, orderId: id };
  }
  if (r < 0.74 && placed.length > 0) {
    const [p, m, id] = rng.pick(placed);
    const a: OrderAmendment = rng.chance(0.5)
      ? {
          party: p,
          marketId: m,
          orderId: id,
          price: m === SPOT ? 1000 + rng.int(-15, 15) : 100 + rng.int(-7, 7),
        }
      : { party: p, marketId: m, orderId: id, sizeDelta: rng.int(-2, 3) };
    return { k: 'amend', a };
  }
  if (r < 0.76) return { k: 'cancelAll', party, market: rng.pick([SPOT, FUT]) };
  if (r < 0.8) {
    const owner = rng.pick(POOL_OWNERS);
    const base = BigInt(100 + rng.int(-4, 4));
    const params = { base, lowerBound: base - BigInt(rng.int(3, 8)), upperBound: base + BigInt(rng.int(3, 8)) };
    const slippageTolerance = d('0.05');
    const roll = rng.float();
    if (roll < 0.4)
      return {
        k: 'ammSubmit',
        s: {
          party: owner,
          marketId: FUT,
          commitment: BigInt(rng.int(20_000, 120_000)),
          slippageTolerance,
          proposedFee: d('0.03'),
          params,
        },
      };
    if (roll < 0.8)
      return {
        k: 'ammAmend',
        a: {
          party: owner,
          marketId: FUT,
          slippageTolerance,
          ...(rng.chance(0.5) ? { params } : { commitment: BigInt(rng.int(20_000, 150_000)) }),
        },
      };
    return {
      k: 'ammCancel',
      c: { party: owner, marketId: FUT, method: rng.chance(0.5) ? 'IMMEDIATE' : 'REDUCE_ONLY' },
    };
  }
  if (r < 0.84)
    return { k: 'deposit', party, asset: rng.pick(['BTC', 'ETH', 'USD0']), amount: BigInt(rng.int(1, 50_000)) };
  if (r < 0.86)
    return { k: 'withdraw', party, asset: rng.pick(['BTC', 'ETH', 'USD0']), amount: BigInt(rng.int(1, 20_000)) };
  if (r < 0.96) return { k: 'block', dt: BigInt(rng.int(1, 3)) * NS };
  return { k: 'tick', dt: BigInt(rng.int(0, 2)) * NS };
}
