// Oracle data and data-source spec matching (spec 0045-DSRC data sourcing, 0047-DSRF filters, 0048-DSRI internal
// time source): which specs a message satisfies, and the scaling of a settlement value to asset decimals.
import { Decimal } from '../num/decimal.ts';
import { pow10 } from '../num/bigint.ts';
import type { OracleCondition, OracleFilter, OracleValueType } from '../config/market.ts';

export interface OracleData {
  readonly signers: readonly string[];
  readonly properties: Readonly<Record<string, string>>;
  /** the data's timestamp (ns): eth-block-time when given, else the time of receipt */
  readonly timestamp: bigint;
}

export interface SpecLike {
  readonly signers: readonly string[];
  readonly property: string;
  readonly filters?: readonly OracleFilter[];
}

/** The protocol's built-in time source: its properties start with this prefix and carry no signature. */
export const BUILTIN_PREFIX = 'vegaprotocol.builtin';

export class OracleError extends Error {}

function parseValue(v: string, type: OracleValueType): Decimal | bigint | boolean | string {
  switch (type) {
    case 'INTEGER':
      if (!/^-?\d+$/.test(v)) throw new OracleError(`"${v}" is not an integer`);
      return BigInt(v);
    case 'DECIMAL':
      return Decimal.parse(v);
    case 'TIMESTAMP':
      if (!/^\d+$/.test(v)) throw new OracleError(`"${v}" is not a timestamp`);
      return BigInt(v);
    case 'BOOLEAN': {
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
      throw new OracleError(`"${v}" is not a boolean`);
    }
    default:
      return v;
  }
}

function cmp(a: Decimal | bigint | boolean | string, b: Decimal | bigint | boolean | string): number {
  if (a instanceof Decimal && b instanceof Decimal) return a.cmp(b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  return a === b ? 0 : String(a) < String(b) ? -1 : 1;
}

function holds(value: string, type: OracleValueType, c: OracleCondition): boolean {
  const x = parseValue(value, type);
  const y = parseValue(c.value, type);
  const r = cmp(x, y);
  switch (c.operator) {
    case 'EQUALS':
      return r === 0;
    case 'GREATER_THAN':
      return r > 0;
    case 'GREATER_THAN_OR_EQUAL':
      return r >= 0;
    case 'LESS_THAN':
      return r < 0;
    case 'LESS_THAN_OR_EQUAL':
      return r <= 0;
  }
}

/**
 * Whether a message satisfies a spec: its signers are all accepted by the spec (not checked for built-in data),
 * every filter's property is present and every condition holds. A condition whose value cannot be parsed throws.
 */
export function specMatches(spec: SpecLike, data: OracleData): boolean {
  const builtin = Object.keys(data.properties).every((k) => k.startsWith(BUILTIN_PREFIX));
  const filters = spec.filters ?? [{ property: spec.property, type: 'INTEGER' as const }];
  if (!builtin) {
    if (data.signers.length === 0 || !data.signers.every((s) => spec.signers.includes(s))) return false;
  }
  for (const f of filters) {
    const v = data.properties[f.property];
    if (v === undefined) return false;
    for (const c of f.conditions ?? []) if (!holds(v, f.type, c)) return false;
  }
  return true;
}

/** A settlement value scaled from the oracle's decimals to the asset's: floor(value × 10^(adp − odp)); undefined if invalid. */
export function scaleToAsset(
  value: string,
  type: OracleValueType,
  oracleDecimals: number,
  assetDecimals: number,
): bigint | undefined {
  if (type === 'DECIMAL') {
    let d: Decimal;
    try {
      d = Decimal.parse(value);
    } catch {
      return undefined;
    }
    if (d.isNegative() || d.scale > assetDecimals) return undefined;
    return d.mulBig(pow10(assetDecimals)).floor();
  }
  if (!/^\d+$/.test(value)) return undefined;
  const v = BigInt(value);
  return assetDecimals >= oracleDecimals
    ? v * pow10(assetDecimals - oracleDecimals)
    : v / pow10(oracleDecimals - assetDecimals);
}

/**
 * A repeating built-in time trigger (spec 0048-DSRI §1.2): `initial` and `every` in Unix seconds. Its next firing
 * time is set when the trigger is defined: `initial` when that is still ahead, otherwise the first `initial + k ×
 * every` not before now. It fires on the first tick strictly after that time, and then moves one period on (a
 * trigger that fell behind fires on consecutive ticks until it has caught up, as Vega's does).
 */
export class TimeTrigger {
  private next: bigint;

  constructor(
    readonly initial: bigint,
    readonly every: bigint,
    definedAt: bigint,
  ) {
    if (every <= 0n) throw new RangeError('time trigger every: must be greater than 0');
    const start = initial * 1_000_000_000n;
    const period = every * 1_000_000_000n;
    this.next = start;
    if (start < definedAt) this.next = start + ((definedAt - start + period - 1n) / period) * period;
  }

  /** The next firing time (ns). */
  get nextTrigger(): bigint {
    return this.next;
  }

  /** Whether the trigger fires at `now` (it then moves on by one period). */
  isTriggered(now: bigint): boolean {
    if (this.next >= now) return false;
    this.next += this.every * 1_000_000_000n;
    return true;
  }

  clone(): TimeTrigger {
    const t = new TimeTrigger(this.initial, this.every, 0n);
    t.next = this.next;
    return t;
  }
}
