// Inputs of the liquidity-economics calculator: the daily market data (CSV: day, 24-hour notional volume, open
// interest, price) and the liquidity commitments (JSON: the market's proposal, network parameters, and a list of
// commitments by day). Both are validated; every error names the row and column, or the JSON path, and the reason.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import * as z from 'zod';
import { Decimal } from '../../core/index.ts';
import { formatPath, parseJsonText, type PathSegment } from '../../proposal/index.ts';

/** Raised for invalid calculator input; `issues` lists every problem as "where: reason". */
export class LiquidityInputError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`${source}: invalid input\n${issues.map((i) => `  ${i}`).join('\n')}`);
    this.name = 'LiquidityInputError';
  }
}

// ------------------------------------------------------------------ daily CSV

export interface DailyRow {
  /** the day's label as written (a number or a date) */
  readonly day: string;
  /** traded notional over the day, quote units */
  readonly notionalVolume: Decimal;
  /** open interest at the end of the day, contracts */
  readonly openInterest: Decimal;
  /** largest open interest within the target-stake window (default: openInterest), contracts */
  readonly maxOpenInterest: Decimal;
  /** mark price, quote units */
  readonly price: Decimal;
}

/** Accepted column names (lower case, spaces/dashes read as underscores) for each field. */
const COLUMNS: Readonly<Record<keyof DailyRow, readonly string[]>> = {
  day: ['day', 'date'],
  notionalVolume: ['notional_volume', 'volume', '24h_notional_volume', '24hour_notional_volume', 'notional_volume_24h'],
  openInterest: ['open_interest', 'oi'],
  maxOpenInterest: ['max_open_interest', 'max_oi'],
  price: ['price', 'mark_price'],
};

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Largest amount (notional, open interest, commitment) and price the calculator takes: 10^15. */
export const MAX_INPUT = Decimal.parse('1e15');
/** Most rows (days) of the daily CSV, and largest input file. */
export const MAX_DAYS = 100_000;
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** A decimal written as `v`, within ±MAX_INPUT and not finer than 10^-30; undefined with the reason otherwise. */
function boundedDecimal(v: string): { value?: Decimal; reason?: string } {
  if (!DECIMAL.test(v)) return { reason: `"${v}" is not a number` };
  const exp = /[eE]([+-]?\d+)$/.exec(v);
  if (exp && Math.abs(Number(exp[1])) > 40) return { reason: `"${v}" is out of range (at most 1e15 in size)` };
  const d = Decimal.parse(v);
  if (d.abs().gt(MAX_INPUT)) return { reason: `${v} is out of range: at most 1e15` };
  if (!d.isZero() && d.abs().lt(Decimal.parse('1e-30'))) return { reason: `${v} is too small: at least 1e-30` };
  return { value: d };
}

/** Day labels the calculator can order: ISO dates (YYYY-MM-DD…) or numbers; null when they are free text. */
export function dayOrder(days: readonly string[]): ((d: string) => number) | null {
  if (days.every((d) => /^-?\d+(\.\d+)?$/.test(d))) return (d) => Number(d);
  if (days.every((d) => /^\d{4}-\d{2}-\d{2}/.test(d) && !Number.isNaN(Date.parse(d)))) return (d) => Date.parse(d);
  return null;
}

/**
 * Parses the daily CSV text (header row required; lines starting with # are comments). For a spot market
 * (`spot`) open interest does not exist: its columns are optional and read as 0 when absent.
 */
export function parseDailyCsv(text: string, source: string, opts: { readonly spot?: boolean } = {}): DailyRow[] {
  let records: string[][];
  try {
    records = parseCsv(text, {
      comment: '#',
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    }) as string[][];
  } catch (e) {
    throw new LiquidityInputError(source, [`not valid CSV: ${(e as Error).message}`]);
  }
  if (records.length === 0) throw new LiquidityInputError(source, ['empty: expected a header row and one row per day']);
  const header = records[0]!.map((h) => h.toLowerCase().replace(/[\s-]+/g, '_'));
  const index: Partial<Record<keyof DailyRow, number>> = {};
  const issues: string[] = [];
  for (const [field, names] of Object.entries(COLUMNS) as [keyof DailyRow, readonly string[]][]) {
    const i = header.findIndex((h) => names.includes(h));
    if (i >= 0) index[field] = i;
    else if (field !== 'maxOpenInterest' && !(opts.spot && field === 'openInterest'))
      issues.push(`header: missing column ${names[0]} (or ${names.slice(1).join(', ')})`);
  }
  if (issues.length) throw new LiquidityInputError(source, issues);
  const rows: DailyRow[] = [];
  const seen = new Set<string>();
  records.slice(1).forEach((r, k) => {
    const line = `row ${k + 1}`;
    const cell = (field: keyof DailyRow) => r[index[field]!] ?? '';
    const num = (field: keyof DailyRow, positive: boolean): Decimal | undefined => {
      const v = cell(field);
      const col = header[index[field]!];
      const b = boundedDecimal(v);
      if (!b.value) {
        issues.push(`${line}, ${col}: ${b.reason}`);
        return undefined;
      }
      const d = b.value;
      if (positive ? !d.isPositive() : d.isNegative()) {
        issues.push(`${line}, ${col}: must be ${positive ? 'positive' : 'at least 0'}, got ${v}`);
        return undefined;
      }
      return d;
    };
    const day = cell('day');
    if (day === '') issues.push(`${line}, day: is empty`);
    else if (seen.has(day)) issues.push(`${line}, day: "${day}" appears twice`);
    seen.add(day);
    const notionalVolume = num('notionalVolume', false);
    const openInterest = index.openInterest === undefined ? Decimal.ZERO : num('openInterest', false);
    const price = num('price', true);
    const maxOpenInterest =
      index.maxOpenInterest !== undefined && cell('maxOpenInterest') !== ''
        ? num('maxOpenInterest', false)
        : openInterest;
    if (openInterest && maxOpenInterest && maxOpenInterest.lt(openInterest)) {
      issues.push(`${line}, max_open_interest: must be at least open_interest (${openInterest})`);
    }
    if (day && notionalVolume && openInterest && price && maxOpenInterest) {
      rows.push({ day, notionalVolume, openInterest, maxOpenInterest, price });
    }
  });
  if (records.length - 1 > MAX_DAYS) issues.push(`${records.length - 1} rows: at most ${MAX_DAYS} days`);
  if (issues.length) throw new LiquidityInputError(source, issues);
  if (rows.length === 0) throw new LiquidityInputError(source, ['no data rows']);
  // each day builds on the day before (carried fees, the market value window): the rows must be in day order
  const order = dayOrder(rows.map((r) => r.day));
  if (order) {
    for (let k = 1; k < rows.length; k++) {
      if (order(rows[k]!.day) < order(rows[k - 1]!.day)) {
        issues.push(
          `row ${k + 1}, day: "${rows[k]!.day}" comes before the row above ("${rows[k - 1]!.day}"): rows must be in day order`,
        );
      }
    }
    if (issues.length) throw new LiquidityInputError(source, issues);
  }
  return rows;
}

// ------------------------------------------------------------------ commitments JSON

const decimal = (check?: (d: Decimal) => string | undefined) =>
  z.unknown().transform((v, ctx): Decimal => {
    const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : v;
    if (typeof s !== 'string' || !DECIMAL.test(s)) {
      ctx.addIssue({ code: 'custom', message: `must be a number or a decimal string, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    const b = boundedDecimal(s);
    if (!b.value) {
      ctx.addIssue({ code: 'custom', message: b.reason! });
      return z.NEVER;
    }
    const d = b.value;
    const reason = check?.(d);
    if (reason) {
      ctx.addIssue({ code: 'custom', message: `${reason}, got ${s}` });
      return z.NEVER;
    }
    return d;
  });
const nonNegative = (d: Decimal) => (d.isNegative() ? 'must not be negative' : undefined);
const positive = (d: Decimal) => (d.isPositive() ? undefined : 'must be positive');
const fraction = (d: Decimal) => (d.isNegative() || d.gt(Decimal.ONE) ? 'must be in [0, 1]' : undefined);
const offset = (d: Decimal) => (d.isNegative() || d.gte(Decimal.ONE) ? 'must be in [0, 1)' : undefined);

const order = z.strictObject({
  /** distance from the mid price as a fraction of it (0.002 = 0.2 %) */
  offset: decimal(offset),
  /** relative weight of the order within its side */
  weight: decimal(positive),
});

const commitment = z.strictObject({
  day: z.union([z.string(), z.number()]).transform((v) => String(v).trim()),
  party: z.string().trim().min(1, 'must not be empty'),
  /** commitment in quote (settlement asset) units; 0 cancels */
  amount: decimal(nonNegative),
  /** nominated liquidity fee factor */
  fee: decimal(fraction).optional(),
  /** fraction of each epoch the provider meets its obligation (SLA time on book) */
  timeOnBook: decimal(fraction).optional(),
  /** each side's order notional as a multiple of the obligation (commitment × stakeToCcyVolume) */
  notionalMultiple: decimal(positive).optional(),
  buy: z.array(order).min(1, 'needs at least one order').optional(),
  sell: z.array(order).min(1, 'needs at least one order').optional(),
});

const network = z.strictObject({
  stakeToCcyVolume: decimal(positive).optional(),
  equityLikeShareFeeFraction: decimal(fraction).optional(),
  /** market.value.windowLength in days */
  marketValueWindowDays: z.number().int().positive().optional(),
  bondPenaltySlope: decimal(nonNegative).optional(),
  bondPenaltyMax: decimal(fraction).optional(),
  probabilityOfTradingTauScaling: decimal(positive).optional(),
  minProbabilityOfTrading: decimal(fraction).optional(),
});

const commitmentsFile = z.strictObject({
  description: z.string().optional(),
  /** the market's proposal JSON, relative to this file */
  proposal: z.string().min(1),
  network: network.optional(),
  commitments: z.array(commitment).min(1, 'needs at least one commitment'),
});

export type CommitmentInput = z.output<typeof commitment>;
export type NetworkInput = z.output<typeof network>;

export interface CommitmentsFile {
  readonly description?: string;
  /** absolute path of the proposal */
  readonly proposal: string;
  readonly network: NetworkInput;
  readonly commitments: readonly CommitmentInput[];
}

/** Parses the commitments JSON text; the proposal path is resolved against the file's folder. */
export function parseCommitments(text: string, source: string): CommitmentsFile {
  const doc = parseJsonText(text, source);
  const res = commitmentsFile.safeParse(doc, {
    error: (iss) => (iss.code === 'invalid_type' && iss.input === undefined ? 'is required' : undefined),
  });
  if (!res.success) {
    throw new LiquidityInputError(
      source,
      res.error.issues.flatMap((i) =>
        i.code === 'unrecognized_keys'
          ? i.keys.map((k) => `${formatPath([...(i.path as PathSegment[]), k])}: unknown field`)
          : [`${formatPath(i.path as PathSegment[])}: ${i.message}`],
      ),
    );
  }
  const c = res.data;
  // commitments apply in day order: sort them by day (stably, so that one day's entries keep their file order);
  // messages keep the index in the file
  const order = dayOrder(c.commitments.map((x) => x.day));
  const indexed = c.commitments.map((x, i) => ({ x, i }));
  if (order) indexed.sort((a, b) => order(a.x.day) - order(b.x.day));
  // the first commitment of a party must say everything a provider needs
  const known = new Set<string>();
  const issues: string[] = [];
  for (const { x, i } of indexed) {
    if (known.has(x.party)) continue;
    known.add(x.party);
    for (const k of ['fee', 'buy', 'sell'] as const) {
      if (x[k] === undefined)
        issues.push(`commitments[${i}].${k}: is required in the first commitment of "${x.party}" (by day)`);
    }
  }
  if (issues.length) throw new LiquidityInputError(source, issues);
  return {
    ...(c.description !== undefined ? { description: c.description } : {}),
    proposal: resolve(dirname(source), c.proposal),
    network: c.network ?? {},
    commitments: indexed.map((e) => e.x),
  };
}

export function readText(path: string, what: string): string {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new LiquidityInputError(path, [`cannot read the ${what}: it is a directory`]);
    if (!st.isFile()) throw new LiquidityInputError(path, [`cannot read the ${what}: not a regular file`]);
    if (st.size > MAX_INPUT_BYTES)
      throw new LiquidityInputError(path, [`the ${what} is ${st.size} bytes; at most ${MAX_INPUT_BYTES} (16 MiB)`]);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof LiquidityInputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new LiquidityInputError(path, [`cannot read the ${what}${code ? ` (${code})` : ''}`]);
  }
}
