// A venue's genesis: the markets (governance proposals), extra assets and network parameters it starts with, and
// the engine built from them. The genesis is the journal's first record, so a restart rebuilds exactly the same
// engine whatever the command line says now.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  isSpotProposal,
  parseJsonText,
  parseProposalText,
  parseSpotProposal,
  type AssetInfo,
  type ParsedProposal,
} from '../proposal/index.ts';
import { Decimal, Exchange, parseDuration, type EventSink, type Market } from './engine.ts';
import type { Genesis } from './journal.ts';
import { MarketUnits } from './units.ts';

/** What the venue knows about one market beyond the engine's own state. */
export interface MarketInfo {
  readonly id: string;
  /** the market code without separators: the Redis channel suffix and a URL-safe alias */
  readonly pair: string;
  readonly name: string;
  readonly code: string;
  readonly product: string;
  /** the settlement asset (spot: the quote asset) */
  readonly asset: string;
  /** spot markets: the base asset (sizes) */
  readonly baseAsset?: string;
  readonly units: MarketUnits;
  /** tick in market precision */
  readonly tickSize: number;
  readonly market: Market;
  /** perpetuals: where the index (settlement data) comes from */
  readonly oracle?: {
    readonly signers: readonly string[];
    readonly property: string;
    readonly decimals: number;
    readonly decimal: boolean;
  };
}

export interface MarketSource {
  /** path of a governance proposal JSON file */
  readonly proposal: string;
  readonly openingAuctionSeconds: number;
  readonly marketId?: string;
  /** asset units */
  readonly insurancePool?: number;
}

/** Builds a genesis from proposal files, reading them now (their text goes into the journal). */
export function makeGenesis(
  startNs: bigint,
  sources: readonly MarketSource[],
  network: Record<string, string> = {},
  assets: Record<string, AssetInfo> = {},
): Genesis {
  return {
    startNs: startNs.toString(),
    network,
    ...(Object.keys(assets).length
      ? {
          assets: Object.fromEntries(
            Object.entries(assets).map(([id, a]) => [
              id,
              { symbol: a.symbol, decimals: a.decimals, quantum: a.quantum.toString() },
            ]),
          ),
        }
      : {}),
    markets: sources.map((s) => {
      let text: string;
      try {
        text = readFileSync(s.proposal, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new Error(`${s.proposal}: cannot read the proposal file${code ? ` (${code})` : ''}`, { cause: e });
      }
      return {
        proposal: text,
        source: basename(s.proposal),
        openingAuctionSeconds: s.openingAuctionSeconds,
        ...(s.marketId ? { marketId: s.marketId } : {}),
        ...(s.insurancePool ? { insurancePool: String(Math.round(s.insurancePool)) } : {}),
      };
    }),
  };
}

/** The pair code: the market code without separators, upper case (LINK/USD-PERP → LINKUSDPERP). */
export function pairOf(code: string): string {
  return code.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

/** Builds the engine of a genesis; errors name the market and the reason. */
export function buildGenesis(g: Genesis, sink: EventSink): { ex: Exchange; markets: MarketInfo[] } {
  const extraAssets: Record<string, AssetInfo> = {};
  for (const [id, a] of Object.entries(g.assets ?? {}))
    extraAssets[id] = {
      symbol: a.symbol,
      decimals: a.decimals,
      quantum: Decimal.parse(a.quantum, `assets.${id}.quantum`),
    };
  const ex = new Exchange({ now: BigInt(g.startNs), sink });
  for (const [name, value] of Object.entries(g.network)) {
    try {
      ex.setNetworkParameter(name, value);
    } catch (e) {
      throw new Error(`network.${name}: ${(e as Error).message}`, { cause: e });
    }
  }
  // The venue is its own network: its opening auctions are seconds long, so market.auction.minimumDuration is 1s
  // unless the genesis sets it (Vega's 30m default would refuse every venue market).
  const auctionSeconds = (name: string, dflt: number): number => {
    const v = g.network[name];
    return v === undefined ? dflt : Number(parseDuration(v, `network.${name}`) / 1_000_000_000n);
  };
  const proposalNetwork = {
    auctionMinimumDuration: auctionSeconds('market.auction.minimumDuration', 1),
    auctionMaximumDuration: auctionSeconds('market.auction.maximumDuration', 168 * 3600),
  };
  const markets: MarketInfo[] = [];
  const pairs = new Set<string>();
  g.markets.forEach((src, i) => {
    let spotDoc: unknown;
    try {
      spotDoc = parseJsonText(src.proposal, src.source);
    } catch {
      spotDoc = undefined; // the perpetual/future parser reports the syntax error below
    }
    if (spotDoc !== undefined && isSpotProposal(spotDoc)) {
      markets.push(buildSpot(ex, src, i, spotDoc, extraAssets, proposalNetwork, pairs));
      return;
    }
    let parsed: ParsedProposal;
    try {
      parsed = parseProposalText(src.proposal, {
        source: src.source,
        assets: extraAssets,
        openingAuctionDuration: src.openingAuctionSeconds,
        network: proposalNetwork,
        ...(src.marketId ? { marketId: src.marketId } : {}),
      });
    } catch (e) {
      throw new Error(`markets[${i}] (${src.source}): ${(e as Error).message}`, { cause: e });
    }
    const a = parsed.asset;
    if (!ex.asset(a.id)) ex.registerAsset({ id: a.id, decimals: a.decimals, quantum: a.quantum });
    let market: Market;
    try {
      market = ex.createMarket(parsed.config);
    } catch (e) {
      throw new Error(`markets[${i}] (${src.source}): the engine cannot run it: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (src.insurancePool) ex.fundInsurancePool(market.id, BigInt(src.insurancePool) * 10n ** BigInt(a.decimals));
    const pair = pairOf(parsed.instrument.code);
    if (pairs.has(pair)) throw new Error(`markets[${i}] (${src.source}): a second market with the pair code ${pair}`);
    pairs.add(pair);
    const prod = parsed.config.product;
    const sd = prod.settlementData;
    const type = sd.filters?.find((f) => f.property === sd.property)?.type ?? 'INTEGER';
    markets.push({
      id: market.id,
      pair,
      name: parsed.instrument.name,
      code: parsed.instrument.code,
      product: prod.kind,
      asset: a.id,
      units: new MarketUnits(parsed.config.decimalPlaces, parsed.config.positionDecimalPlaces, a.decimals),
      tickSize: market.tickSize,
      market,
      ...(prod.kind === 'perpetual'
        ? { oracle: { signers: sd.signers, property: sd.property, decimals: sd.decimals, decimal: type === 'DECIMAL' } }
        : {}),
    });
  });
  return { ex, markets };
}

/** A spot market of the genesis (spec 0080-SPOT): both assets registered, the engine's own SpotMarket. */
function buildSpot(
  ex: Exchange,
  src: Genesis['markets'][number],
  i: number,
  doc: unknown,
  assets: Record<string, AssetInfo>,
  network: { auctionMinimumDuration: number; auctionMaximumDuration: number },
  pairs: Set<string>,
): MarketInfo {
  let parsed;
  try {
    parsed = parseSpotProposal(doc, {
      source: src.source,
      assets,
      openingAuctionDuration: src.openingAuctionSeconds,
      network,
      ...(src.marketId ? { marketId: src.marketId } : {}),
    });
  } catch (e) {
    throw new Error(`markets[${i}] (${src.source}): ${(e as Error).message}`, { cause: e });
  }
  for (const a of [parsed.baseAsset, parsed.quoteAsset])
    if (!ex.asset(a.id)) ex.registerAsset({ id: a.id, decimals: a.decimals, quantum: a.quantum });
  let market: Market;
  try {
    market = ex.createSpotMarket(parsed.spec);
  } catch (e) {
    throw new Error(`markets[${i}] (${src.source}): the engine cannot run it: ${(e as Error).message}`, { cause: e });
  }
  const pair = pairOf(parsed.instrument.spotName);
  if (pairs.has(pair)) throw new Error(`markets[${i}] (${src.source}): a second market with the pair code ${pair}`);
  pairs.add(pair);
  return {
    id: market.id,
    pair,
    name: parsed.instrument.name,
    code: parsed.instrument.code,
    product: 'spot',
    asset: parsed.quoteAsset.id,
    baseAsset: parsed.baseAsset.id,
    units: new MarketUnits(parsed.spec.decimalPlaces, parsed.spec.positionDecimalPlaces, parsed.quoteAsset.decimals),
    tickSize: market.tickSize,
    market,
  };
}
