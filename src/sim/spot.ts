// Spot markets in the simulator (spec 0080-SPOT): a scenario market whose proposal is a new-spot-market proposal
// (`terms.newSpotMarket`) runs as the engine's SpotMarket. Its parties hold the base and the quote asset instead of
// margin: `deposit` is quote, `baseDeposit` base; orders are covered by holdings (quote plus fees for a buy, base for
// a sell) and every trade moves both assets at once (no positions, mark-to-market, margin, close-outs or funding).
// The agents that apply trade it with what they hold: their orders are sized to their holdings by SpotOrderGateway
// (a reduce-only order has no position to reduce on spot: it is sent as a plain order within the holdings); the
// Avellaneda–Stoikov maker's inventory limit comes from its holdings, not from margin (SpotMarketMakerAgent). The
// scenario's price process is published as a public external price (another venue's, e.g. the index a spot market
// is arbitraged against) on the oracle cadence — the engine receives no oracle data, a spot market has none — so the
// agents that quote in the opening auction and the arbitrageur (cross-venue toward that price) work as on a
// perpetual. AMM providers are refused: AMMs run on futures and perpetuals (0090-VAMM); spot AMMs (0092-SAMM) are
// not implemented.
import { Decimal, type Exchange, type Market, type Side, type SpotMarket } from '../core/index.ts';
import {
  isSpotProposal,
  parseJsonText,
  parseSpotProposal,
  readProposalText,
  type AssetInfo,
  type ParsedSpotProposal,
} from '../proposal/index.ts';
import type { Agent, AgentContext } from './agents/agent.ts';
import { makeAgent } from './agents/factory.ts';
import { MarketMakerAgent } from './agents/market-maker.ts';
import {
  MarketFeed,
  OrderGateway,
  type GatewayStats,
  type LimitOptions,
  type PartyState,
  type SubmitResult,
} from './client.ts';
import { proposalNetwork, resolvePath, ScenarioError, type AgentSpec, type LoadedScenario } from './scenario.ts';

/** What the runner keeps of a spot market's proposal. */
export interface SpotSetup {
  readonly parsed: ParsedSpotProposal;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly baseDecimals: number;
  readonly baseSymbol: string;
  readonly quoteSymbol: string;
}

/**
 * The document of a proposal file when it is a new-spot-market proposal, else undefined (the file is then read as
 * a new-market proposal, whose parser reports unreadable files and syntax errors).
 */
export function spotProposalDocument(path: string): unknown {
  try {
    const doc = parseJsonText(readProposalText(path), path);
    return isSpotProposal(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates the spot market of a new-spot-market proposal: parsed with Vega v0.79's rules (the assets from the
 * scenario's `assets`), both assets registered, then Exchange.createSpotMarket. Throws with the reason.
 */
export function createSpotMarket(
  ex: Exchange,
  doc: unknown,
  source: string,
  opts: {
    assets: Record<string, AssetInfo>;
    openingAuctionDuration: number;
    network: { auctionMinimumDuration?: number; auctionMaximumDuration?: number };
    marketId?: string;
  },
): { market: SpotMarket; setup: SpotSetup } {
  const parsed = parseSpotProposal(doc, {
    source,
    assets: opts.assets,
    openingAuctionDuration: opts.openingAuctionDuration,
    network: opts.network,
    ...(opts.marketId ? { marketId: opts.marketId } : {}),
  });
  for (const a of [parsed.baseAsset, parsed.quoteAsset])
    if (!ex.asset(a.id)) ex.registerAsset({ id: a.id, decimals: a.decimals, quantum: a.quantum });
  const market = ex.createSpotMarket(parsed.spec);
  return {
    market,
    setup: {
      parsed,
      baseAsset: parsed.baseAsset.id,
      quoteAsset: parsed.quoteAsset.id,
      baseDecimals: parsed.baseAsset.decimals,
      baseSymbol: parsed.baseAsset.symbol,
      quoteSymbol: parsed.quoteAsset.symbol,
    },
  };
}

/**
 * The spot market of a scenario market whose proposal is a new-spot-market proposal (`doc`), with its feed; refuses
 * with the field named what a spot market does not have (an insurance pool, margin or funding rules to vary).
 */
export function spotMarket(
  ex: Exchange,
  loaded: LoadedScenario,
  i: number,
  doc: unknown,
  assets: Record<string, AssetInfo>,
  variantRules: boolean,
): { market: SpotMarket; spot: SpotSetup; feed: MarketFeed } {
  const spec = loaded.scenario.markets[i]!;
  const where = `markets[${i}]`;
  if (variantRules)
    throw new ScenarioError(
      [`${where}.proposal: a spot market has no margin or funding rules to vary (spec 0080-SPOT)`],
      loaded.source,
    );
  if (spec.insurancePool > 0)
    throw new ScenarioError(
      [`${where}.insurancePool: a spot market has no insurance pool (its penalties go to the network treasury)`],
      loaded.source,
    );
  let created;
  try {
    created = createSpotMarket(ex, doc, resolvePath(loaded, spec.proposal), {
      assets,
      openingAuctionDuration: spec.openingAuctionSeconds,
      network: proposalNetwork(loaded.scenario),
      ...(spec.id ? { marketId: spec.id } : {}),
    });
  } catch (e) {
    throw new ScenarioError([`${where}.proposal: ${(e as Error).message}`], loaded.source);
  }
  const feed = new MarketFeed(created.market);
  feed.baseAsset = created.setup.baseAsset;
  feed.baseScale = 10 ** created.setup.baseDecimals;
  return { market: created.market, spot: created.setup, feed };
}

/** `units` of an asset with `decimals` in asset precision, truncated (the scenario's amounts are floats). */
export function assetAmount(units: number, decimals: number): bigint {
  const fixed = units.toFixed(Math.min(decimals, 20));
  return Decimal.parse(fixed)
    .mul(Decimal.fromBigInt(10n ** BigInt(decimals)))
    .trunc();
}

/** Why an agent type cannot run on a spot market, or undefined when it can. */
export function spotRefusal(spec: AgentSpec, market: string): string | undefined {
  if (spec.type === 'amm-provider')
    return `amm-provider: AMMs run on futures and perpetual markets (spec 0090-VAMM); ${market} is a spot market (spot AMMs, spec 0092-SAMM, are not implemented)`;
  return undefined;
}

/** The agent of a scenario entry on a spot market (the maker with a holdings-based inventory limit). */
export function makeSpotAgent(
  spec: AgentSpec,
  party: string,
  startPrice: number,
  tick: number,
  slaPriceRange: number,
): Agent {
  if (spec.type === 'avellaneda-stoikov') return new SpotMarketMakerAgent(party, spec, startPrice, tick);
  return makeAgent(spec, party, startPrice, tick, slaPriceRange);
}

/**
 * The Avellaneda–Stoikov maker on a spot market: its inventory q is what it has bought net since the start, so it
 * can sell down to q − (base it holds) and buy up to q + (quote it holds) / price; the limit is `marginUtilisation`
 * of the nearer of the two, measured from inventory 0 (the strategy's limit is symmetric).
 */
export class SpotMarketMakerAgent extends MarketMakerAgent {
  protected override positionLimit(ctx: AgentContext, price: number): number {
    const f = ctx.feed;
    const q = ctx.me.position / f.sizeScale;
    const base = Number(ctx.me.baseHeld()) / f.baseScale;
    const quote = Number(ctx.me.equity()) / f.assetScale;
    const down = base - q; // further sales the base pays for, from inventory 0
    const up = quote / price + q; // further purchases the quote pays for, from inventory 0
    return Math.max(0, Math.min(down, up) * this.spec.marginUtilisation);
  }
}

/** The fee rate a buyer sets aside as aggressor (maker, infrastructure, liquidity, treasury, buy-back) plus a margin. */
function buyFeeRate(market: Market): number {
  const f = market.configView().fees;
  return (
    f.makerFee.toNumber() +
    f.infrastructureFee.toNumber() +
    f.treasuryFee.toNumber() +
    f.buyBackFee.toNumber() +
    market.liquidityFee.toNumber() +
    0.001
  );
}

/**
 * The order gateway of a spot party: orders are cut to what the party holds in its general accounts (a buy to the
 * quote that pays for it and its fees at the limit price — for a market order, walking the asks —, a sell to the base
 * it holds) and sent without the reduce-only flag; an order of less than one lot is not sent. The engine still
 * checks every order with Vega's rules and reasons.
 */
export class SpotOrderGateway extends OrderGateway {
  constructor(
    ex: Exchange,
    party: string,
    marketId: string,
    stats: GatewayStats,
    private readonly me: PartyState,
    private readonly feed: MarketFeed,
    private readonly spotMarket: Market,
  ) {
    super(ex, party, marketId, stats);
  }

  /** Base held in the general account, position units. */
  private sellable(): number {
    const perLot = this.feed.baseScale / this.feed.sizeScale;
    return Math.floor(Number(this.me.baseHeld('GENERAL')) / perLot + 1e-9);
  }

  /** Quote in the general account, quote units, less the fees a buy may pay. */
  private budget(): number {
    return Number(this.me.balance('GENERAL')) / this.feed.assetScale / (1 + buyFeeRate(this.spotMarket));
  }

  override limit(side: Side, price: number, size: number, opts: LimitOptions = {}): SubmitResult {
    const f = this.feed;
    const cap =
      side === 'sell' ? this.sellable() : Math.floor((this.budget() / (price / f.priceScale)) * f.sizeScale + 1e-9);
    const n = Math.min(size, cap);
    if (n < 1) return { filled: 0 };
    return super.limit(side, price, n, { ...opts, reduceOnly: false });
  }

  override market(side: Side, size: number): SubmitResult {
    let n = size;
    if (side === 'sell') n = Math.min(n, this.sellable());
    else {
      // what the budget buys walking the asks (the order trades no further than the book goes)
      let budget = this.budget();
      let lots = 0;
      for (const l of this.feed.depth(100).asks) {
        const levelLots = Math.round(l.size * this.feed.sizeScale);
        const perLot = l.price / this.feed.sizeScale;
        const take = Math.min(levelLots, Math.floor(budget / perLot + 1e-9), n - lots);
        lots += take;
        budget -= take * perLot;
        if (take < levelLots || lots >= n) break;
      }
      n = lots;
    }
    if (n < 1) return { filled: 0 };
    return super.market(side, n, false);
  }
}

/** A spot party's holdings at the end and at the start (base units and quote units). */
export interface SpotHoldings {
  readonly base: number;
  readonly quote: number;
  /** in the holding accounts (resting orders) */
  readonly baseHeld: number;
  readonly quoteHeld: number;
  readonly baseDeposit: number;
  readonly quoteDeposit: number;
}

/** Base bought net since the start, base units (what the party holds less what it deposited). */
export function spotBaseChange(me: PartyState, f: MarketFeed): number {
  return Number(me.baseHeld() - me.baseDeposited) / f.baseScale;
}

export function spotHoldings(me: PartyState, f: MarketFeed): SpotHoldings {
  const b = (v: bigint) => Number(v) / f.baseScale;
  const q = (v: bigint) => Number(v) / f.assetScale;
  return {
    base: b(me.baseHeld()),
    quote: q(me.equity()),
    baseHeld: b(me.baseHeld('HOLDING')),
    quoteHeld: q(me.balance('HOLDING')),
    baseDeposit: b(me.baseDeposited),
    quoteDeposit: q(me.deposited),
  };
}
