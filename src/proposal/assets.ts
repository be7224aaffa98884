// Asset registry for proposal parsing: a proposal names its settlement asset by Vega asset id (a 64-hex hash); the
// symbol, decimals and quantum come from the network's asset records, which the caller supplies. A small default
// registry covers the assets of the bundled example proposals.
import { Decimal } from '../core/index.ts';

export interface AssetInfo {
  readonly symbol: string;
  /** asset decimal places (adp) */
  readonly decimals: number;
  /** asset quantum in asset base units (minimum LP stake unit, spam thresholds) */
  readonly quantum: Decimal;
}

export type AssetRegistry = Readonly<Record<string, AssetInfo>>;

/** Tether USD bridged from Ethereum, as enabled on Vega mainnet. */
export const USDT_ASSET_ID = 'bf1e88d19db4b3ca0d1d5bdb73718a01686b18cf731ca26adedf3c8b83802bba';

export const DEFAULT_ASSETS: AssetRegistry = {
  [USDT_ASSET_ID]: { symbol: 'USDT', decimals: 6, quantum: Decimal.parse('1000000') },
};

/** The default registry with `overrides` added (an entry for an existing id replaces it). */
export function assetRegistry(overrides: AssetRegistry = {}): AssetRegistry {
  return { ...DEFAULT_ASSETS, ...overrides };
}

/**
 * Parses an asset given on the command line: `ID=SYMBOL:DECIMALS[:QUANTUM]` (quantum in asset base units,
 * default 10^DECIMALS). Throws a RangeError naming the problem.
 */
export function parseAssetSpec(spec: string): [string, AssetInfo] {
  const m = /^([^=\s]+)=([^:\s]+):(\d+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) throw new RangeError(`asset "${spec}": expected ID=SYMBOL:DECIMALS[:QUANTUM]`);
  const decimals = Number(m[3]);
  if (decimals > 80) throw new RangeError(`asset "${spec}": decimals must be at most 80`);
  const quantum = m[4] !== undefined ? Decimal.parse(m[4]) : Decimal.fromBigInt(10n ** BigInt(decimals));
  return [m[1]!, { symbol: m[2]!, decimals, quantum }];
}
