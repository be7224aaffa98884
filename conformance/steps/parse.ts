// Parsing of the feature dialect's cell values into engine vocabulary.
import { StepError } from '../table.ts';
import {
  NS,
  type OrderType,
  parseDuration,
  type PeggedReference,
  type Side,
  type TimeInForce,
} from '../../src/core/index.ts';

export function side(v: string): Side {
  if (v === 'buy' || v === 'sell') return v;
  throw new StepError(`side: "${v}" must be buy or sell`);
}

export function orderType(v: string): OrderType {
  const m: Record<string, OrderType> = { TYPE_LIMIT: 'LIMIT', TYPE_MARKET: 'MARKET', TYPE_NETWORK: 'NETWORK' };
  const t = m[v];
  if (!t) throw new StepError(`type: "${v}" is not an order type`);
  return t;
}

export function tif(v: string): TimeInForce {
  const t = v.replace(/^TIF_/, '').replace(/^TIME_IN_FORCE_/, '');
  if (t === 'GTC' || t === 'GTT' || t === 'IOC' || t === 'FOK' || t === 'GFA' || t === 'GFN') return t;
  throw new StepError(`tif: "${v}" is not a time in force`);
}

export function peggedReference(v: string): PeggedReference {
  if (v === 'BID' || v === 'PEGGED_REFERENCE_BEST_BID') return 'BEST_BID';
  if (v === 'ASK' || v === 'PEGGED_REFERENCE_BEST_ASK') return 'BEST_ASK';
  if (v === 'MID' || v === 'PEGGED_REFERENCE_MID') return 'MID';
  throw new StepError(`pegged reference: "${v}" must be BID, ASK or MID`);
}

/** "YYYY-MM-DDTHH:MM:SSZ" to ns since the Unix epoch. */
export function timestamp(v: string): bigint {
  const ms = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(v) || Number.isNaN(ms)) throw new StepError(`"${v}" is not a UTC time`);
  return BigInt(ms) * 1_000_000n;
}

/** Durations in features: Go durations ("24h", "1h25m0s") or bare seconds. */
export function duration(v: string): bigint {
  try {
    return parseDuration(v);
  } catch (e) {
    throw new StepError((e as Error).message);
  }
}

export function seconds(v: string): number {
  return Number(duration(v) / NS);
}

/** Compares an error returned by the engine with the table's expectation (Vega's checkExpectedError). */
export function checkError(expected: string | undefined, actual: string | undefined, what: string): void {
  if (expected === undefined && actual !== undefined) throw new StepError(`${what}: unexpected error "${actual}"`);
  if (expected !== undefined && actual === undefined)
    throw new StepError(`${what}: expected error "${expected}" but none occurred`);
  if (expected !== undefined && actual !== expected)
    throw new StepError(`${what}: expected error "${expected}", got "${actual}"`);
}
