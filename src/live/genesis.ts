// A venue's genesis: the markets (governance proposals), extra assets and network parameters it starts with, and
// the engine built from them. The genesis is the journal's first record, so a restart rebuilds exactly the same
// engine whatever the command line says now.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseProposalText, type AssetInfo, type ParsedProposal } from '../proposal/index.ts';
import { Decimal, Exchange, NS, parseDuration, type EventSink, type Market } from './engine.ts';
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
  readonly asset: string;
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
  // the proposal check applies the venue's market.auction.minimumDuration, not Vega's 30-minute default
  const minAuction = g.network['market.auction.minimumDuration'];
  const auctionMinimumDuration =
    minAuction !== undefined ? Number(parseDuration(minAuction, 'market.auction.minimumDuration') / NS) : undefined;
  const markets: MarketInfo[] = [];
  const pairs = new Set<string>();
  g.markets.forEach((src, i) => {
    let parsed: ParsedProposal;
    try {
      parsed = parseProposalText(src.proposal, {
        source: src.source,
        assets: extraAssets,
        openingAuctionDuration: src.openingAuctionSeconds,
        ...(auctionMinimumDuration !== undefined ? { network: { auctionMinimumDuration } } : {}),
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
