// Leaf field types of Vega's governance-proposal JSON (protobuf JSON mapping) as zod schemas, each with its own
// reason strings. The mapping decides the JSON type: decimal factors are protobuf `string`s ("0.001"), 64-bit
// integers are accepted as a JSON number or a decimal-digit string ("3600"), doubles as a number or a numeric
// string, enums by name. A value of the wrong JSON type is rejected, as Vega's wallet rejects it.
import * as z from 'zod';
import { Decimal } from '../core/index.ts';

/** A check on a parsed value: the reason it is invalid, or undefined. */
export type Check<T> = (v: T) => string | undefined;

type Ctx = {
  addIssue(issue: { code: 'custom'; message: string; input?: unknown; params?: Record<string, unknown> }): void;
};

/**
 * How a value that Vega would reject can be read anyway: stray whitespace around a number, or a number written as a
 * JSON number where protobuf JSON wants a string. Carried on the issue (zod `params.repair`) so that a lenient
 * reader (parseProposalLenient) can report the problem and analyse the corrected value.
 */
export interface Repair {
  readonly kind: 'whitespace' | 'type';
  /** the value to read instead */
  readonly value: unknown;
}

function fail(ctx: Ctx, message: string, input: unknown, repair?: Repair): never {
  ctx.addIssue({ code: 'custom', message, input, ...(repair ? { params: { repair } } : {}) });
  return z.NEVER;
}

const WHITESPACE_REASON = (v: string) => `"${v}" is not a valid number: remove the surrounding whitespace`;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Decimal exponents beyond this are refused (values such as 1e-99999 mean nothing in a market configuration). */
const MAX_EXPONENT = 1000;

// shopspring/decimal (Vega's num.DecimalFromString) syntax: optional sign, digits with an optional fraction,
// optional exponent; no surrounding whitespace
const DECIMAL_SYNTAX = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal carried as a JSON string (protobuf `string` fields such as linearSlippageFactor). */
export function decimalString(check?: Check<Decimal>) {
  return z.unknown().transform((v, ctx): Decimal => {
    if (v === undefined) return fail(ctx, 'is required', v);
    if (typeof v === 'number') {
      const asString = String(v);
      return fail(
        ctx,
        `must be a decimal string such as "${v}" (protobuf JSON encodes this field as a string)`,
        v,
        Number.isFinite(v) && DECIMAL_SYNTAX.test(asString) ? { kind: 'type', value: asString } : undefined,
      );
    }
    if (typeof v !== 'string') return fail(ctx, `must be a decimal string, got ${describe(v)}`, v);
    if (v.trim() !== v && DECIMAL_SYNTAX.test(v.trim())) {
      return fail(ctx, WHITESPACE_REASON(v), v, { kind: 'whitespace', value: v.trim() });
    }
    if (!DECIMAL_SYNTAX.test(v)) return fail(ctx, `"${v}" is not a valid number`, v);
    const exp = /[eE]([+-]?\d+)$/.exec(v);
    if (exp && Math.abs(Number(exp[1])) > MAX_EXPONENT)
      return fail(ctx, `"${v}" is out of the range perpsim reads (an exponent beyond ±${MAX_EXPONENT})`, v);
    const d = Decimal.parse(v);
    const reason = check?.(d);
    return reason ? fail(ctx, reason, v) : d;
  });
}

/**
 * A decimal protobuf `string` field that may be left out: absent and "" (proto3's default) both read as not set;
 * anything else as decimalString.
 */
export function optionalDecimalString(check?: Check<Decimal>) {
  const inner = decimalString(check);
  return z.unknown().transform((v, ctx): Decimal | undefined => {
    if (v === undefined || v === '') return undefined;
    const r = inner.safeParse(v);
    if (r.success) return r.data;
    const iss = r.error.issues[0]!;
    const repair = (iss as { params?: { repair?: Repair } }).params?.repair;
    return fail(ctx, iss.message, v, repair);
  });
}

/**
 * An unsigned integer carried as a protobuf `string` (num.Uint, up to 256 bits), such as tickSize; "" reads as not
 * set. A JSON number is refused as protobuf JSON refuses it, with a repair to its string form.
 */
export function uintString() {
  return z.unknown().transform((v, ctx): bigint | undefined => {
    if (v === undefined || v === '') return undefined;
    if (typeof v === 'number') {
      return fail(
        ctx,
        `must be a string of digits such as "${v}" (protobuf JSON encodes this field as a string)`,
        v,
        Number.isSafeInteger(v) && v >= 0 ? { kind: 'type', value: String(v) } : undefined,
      );
    }
    if (typeof v !== 'string') return fail(ctx, `must be a string of digits, got ${describe(v)}`, v);
    if (v.trim() !== v && /^\d+$/.test(v.trim()))
      return fail(ctx, `"${v}" is not an unsigned integer: remove the surrounding whitespace`, v, {
        kind: 'whitespace',
        value: v.trim(),
      });
    if (!/^\d+$/.test(v)) return fail(ctx, `"${v}" is not an unsigned integer`, v);
    if (v.length > 78 || BigInt(v) >= 2n ** 256n) return fail(ctx, 'must fit in 256 bits', v);
    return BigInt(v);
  });
}

function integer(signed: boolean, check?: Check<number>) {
  return z.unknown().transform((v, ctx): number => {
    if (v === undefined) return fail(ctx, 'is required', v);
    let n: number;
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) return fail(ctx, `must be an integer, got ${v}`, v);
      if (!Number.isSafeInteger(v)) {
        return fail(
          ctx,
          'integers beyond 2^53 must be given as a string (protobuf JSON encodes 64-bit integers as strings)',
          v,
        );
      }
      n = v;
    } else if (typeof v === 'string') {
      if (v.trim() !== v && /^-?\d+$/.test(v.trim()))
        return fail(ctx, `"${v}" is not an integer: remove the surrounding whitespace`, v, {
          kind: 'whitespace',
          value: v.trim(),
        });
      if (!/^-?\d+$/.test(v)) return fail(ctx, `"${v}" is not an integer`, v);
      n = Number(v);
      if (!Number.isSafeInteger(n)) return fail(ctx, `${v} is out of the supported range (|n| < 2^53)`, v);
    } else {
      return fail(ctx, `must be an integer, got ${describe(v)}`, v);
    }
    if (!signed && n < 0) return fail(ctx, 'must not be negative (unsigned integer)', v);
    const reason = check?.(n);
    return reason ? fail(ctx, reason, v) : n;
  });
}

/** protobuf int64/int32: a JSON number or a string of digits. */
export function int64(check?: Check<number>) {
  return integer(true, check);
}

/** protobuf uint64/uint32. */
export function uint64(check?: Check<number>) {
  return integer(false, check);
}

/** A uint64 kept exact (sizes that may exceed 2^53, e.g. fullDisposalSize). */
export function uint64Big(check?: Check<bigint>) {
  return z.unknown().transform((v, ctx): bigint => {
    if (v === undefined) return fail(ctx, 'is required', v);
    let b: bigint;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) {
        return fail(ctx, 'must be an integer; integers beyond 2^53 must be given as a string', v);
      }
      b = BigInt(v);
    } else if (typeof v === 'string' && /^\d+$/.test(v)) {
      b = BigInt(v);
    } else if (typeof v === 'string' && /^\d+$/.test(v.trim())) {
      return fail(ctx, `"${v}" is not an integer: remove the surrounding whitespace`, v, {
        kind: 'whitespace',
        value: v.trim(),
      });
    } else {
      return fail(ctx, `must be an unsigned integer, got ${describe(v)}`, v);
    }
    if (b >= 2n ** 64n) return fail(ctx, 'must fit in 64 bits', v);
    const reason = check?.(b);
    return reason ? fail(ctx, reason, v) : b;
  });
}

/** protobuf double: a JSON number or a numeric string; NaN and infinities are rejected. */
export function double(check?: Check<number>) {
  return z.unknown().transform((v, ctx): number => {
    if (v === undefined) return fail(ctx, 'is required', v);
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && DECIMAL_SYNTAX.test(v)) n = Number(v);
    else if (typeof v === 'string' && DECIMAL_SYNTAX.test(v.trim()))
      return fail(ctx, WHITESPACE_REASON(v), v, { kind: 'whitespace', value: v.trim() });
    else return fail(ctx, `must be a number, got ${describe(v)}`, v);
    if (!Number.isFinite(n)) return fail(ctx, 'must be a finite number', v);
    const reason = check?.(n);
    return reason ? fail(ctx, reason, v) : n;
  });
}

/** protobuf string. */
export function text(opts: { nonEmpty?: boolean; check?: Check<string> } = {}) {
  return z.unknown().transform((v, ctx): string => {
    if (v === undefined) return fail(ctx, 'is required', v);
    if (typeof v !== 'string') return fail(ctx, `must be a string, got ${describe(v)}`, v);
    if (opts.nonEmpty && v.trim() === '') return fail(ctx, 'is required (must not be empty)', v);
    const reason = opts.check?.(v);
    return reason ? fail(ctx, reason, v) : v;
  });
}

/** protobuf bool. */
export function bool() {
  return z.unknown().transform((v, ctx): boolean => {
    if (typeof v !== 'boolean') return fail(ctx, `must be true or false, got ${describe(v)}`, v);
    return v;
  });
}

/** A protobuf enum by its name. */
export function enumName<const T extends string>(values: readonly T[]) {
  return z.unknown().transform((v, ctx): T => {
    if (v === undefined) return fail(ctx, 'is required', v);
    if (typeof v === 'string' && v.trim() !== v && (values as readonly string[]).includes(v.trim())) {
      return fail(ctx, `"${v}": remove the surrounding whitespace`, v, { kind: 'whitespace', value: v.trim() });
    }
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      return fail(ctx, `must be one of ${values.join(', ')}; got ${describe(v)}`, v);
    }
    return v as T;
  });
}

// ------------------------------------------------------------------ range checks

function show(x: Decimal | number): string {
  return typeof x === 'number' ? String(x) : x.toString();
}

function cmp(a: Decimal | number, b: Decimal | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const da = typeof a === 'number' ? Decimal.fromFloat(a) : a;
  const db = typeof b === 'number' ? Decimal.fromFloat(b) : b;
  return da.cmp(db);
}

/**
 * Interval check written as in mathematics: `within('[', 0, 1, ']')` is [0, 1], `within('(', 0, 20, ']')` is
 * (0, 20]. A bound given as a string is a decimal.
 */
export function within<T extends Decimal | number>(
  lo: '[' | '(',
  min: number | string,
  max: number | string,
  hi: ']' | ')',
): Check<T> {
  const mn = typeof min === 'string' ? Decimal.parse(min) : min;
  const mx = typeof max === 'string' ? Decimal.parse(max) : max;
  // bounds are shown as written (1e-8, not 0.00000001)
  const interval = `${lo}${String(min)}, ${String(max)}${hi}`;
  return (v) => {
    const a = cmp(v, mn);
    const b = cmp(v, mx);
    const ok = (lo === '[' ? a >= 0 : a > 0) && (hi === ']' ? b <= 0 : b < 0);
    return ok ? undefined : `must be in ${interval}, got ${show(v)}`;
  };
}

export function positive<T extends Decimal | number>(): Check<T> {
  return (v) => (cmp(v, 0) > 0 ? undefined : `must be positive, got ${show(v)}`);
}

export function nonNegative<T extends Decimal | number>(): Check<T> {
  return (v) => (cmp(v, 0) >= 0 ? undefined : `must not be negative, got ${show(v)}`);
}

export function atMost<T extends Decimal | number>(max: number): Check<T> {
  return (v) => (cmp(v, max) <= 0 ? undefined : `must be at most ${max}, got ${show(v)}`);
}
