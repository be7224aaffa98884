// The underlying's price path that the oracle publishes and the informed trader sees: geometric Brownian motion
// with drift and volatility, Merton jump-diffusion (GBM plus compound-Poisson log-normal jumps, drift-compensated so
// that the expected return is the drift), or a CSV of historical prices interpolated linearly in time. Drift,
// volatility and jump intensity are annual (a year of 365 days); prices are in quote units (floats: this is the
// world outside the engine, converted to the oracle's integer decimals when published).
import { readFileSync, statSync } from 'node:fs';
import type { Prng } from './prng.ts';

export const SECONDS_PER_YEAR = 365 * 24 * 3600;

export interface PriceProcess {
  /** The price at `t` seconds after the start; `t` never decreases between calls. */
  at(t: number): number;
  /** Human-readable description for the report. */
  readonly description: string;
}

export interface GbmParams {
  readonly start: number;
  /** annual drift μ (expected log-return per year is μ − σ²/2) */
  readonly drift: number;
  /** annual volatility σ */
  readonly volatility: number;
}

export interface JumpParams {
  /** expected jumps per day */
  readonly perDay: number;
  /** mean of the log jump size */
  readonly meanLog: number;
  /** standard deviation of the log jump size */
  readonly sigmaLog: number;
}

/** ln(1e9): the furthest a simulated path may move from its start. */
const MAX_LOG_MOVE = Math.log(1e9);

/** GBM, exact in distribution at any step size: S(t+dt) = S(t)·exp((μ − σ²/2)·dt + σ·√dt·Z), plus optional jumps. */
export class JumpDiffusion implements PriceProcess {
  private t = 0;
  private price: number;
  private logPrice: number;
  /** jumps that happened so far (the report lists them) */
  readonly jumps: { t: number; factor: number }[] = [];
  readonly description: string;

  constructor(
    private readonly p: GbmParams,
    private readonly jump: JumpParams | undefined,
    private readonly rng: Prng,
  ) {
    this.price = p.start;
    this.logPrice = Math.log(p.start);
    this.description = jump
      ? `jump-diffusion from ${p.start}: drift ${p.drift}, volatility ${p.volatility} per year; ${jump.perDay} jumps/day, log size N(${jump.meanLog}, ${jump.sigmaLog})`
      : `geometric Brownian motion from ${p.start}: drift ${p.drift}, volatility ${p.volatility} per year`;
  }

  at(t: number): number {
    const dt = t - this.t;
    if (dt < 0) throw new RangeError(`price process: time went backwards (${t} < ${this.t})`);
    if (dt === 0) return this.price;
    this.t = t;
    const years = dt / SECONDS_PER_YEAR;
    const s = this.p.volatility;
    let drift = this.p.drift - (s * s) / 2;
    if (this.jump) {
      // compensate so that E[S(t)] = S(0)·e^(μt): the jumps' mean relative size k = E[e^J] − 1 per unit intensity
      const k = Math.exp(this.jump.meanLog + (this.jump.sigmaLog * this.jump.sigmaLog) / 2) - 1;
      const lambdaYear = this.jump.perDay * 365;
      drift -= lambdaYear * k;
      const n = this.rng.poisson((this.jump.perDay * dt) / 86_400);
      for (let i = 0; i < n; i++) {
        const j = this.jump.meanLog + this.jump.sigmaLog * this.rng.normal();
        this.logPrice += j;
        this.jumps.push({ t, factor: Math.exp(j) });
      }
    }
    this.logPrice += drift * years + s * Math.sqrt(years) * this.rng.normal();
    this.price = Math.exp(this.logPrice);
    // a path a billion times away from its start has no meaning for a market (and rounds to a zero or overflowing
    // index price): stop with the reason rather than publish it
    if (!(Math.abs(this.logPrice - Math.log(this.p.start)) <= MAX_LOG_MOVE))
      throw new RangeError(
        `price process: the path moved from ${this.p.start} to ${this.price.toPrecision(4)} after ${(t / 86_400).toFixed(2)} days, more than a factor of 1e9: drift ${this.p.drift} and volatility ${this.p.volatility} a year (or the jumps) are too large for this duration`,
      );
    return this.price;
  }
}

/** A series of historical prices: linear interpolation between rows, times relative to the first row. */
export class HistoricalPrices implements PriceProcess {
  readonly description: string;
  private i = 0;

  constructor(
    private readonly times: readonly number[],
    private readonly prices: readonly number[],
    source: string,
  ) {
    this.description = `historical prices from ${source} (${times.length} rows over ${formatSpan(times[times.length - 1]! - times[0]!)})`;
  }

  /** Seconds covered by the series. */
  get span(): number {
    return this.times[this.times.length - 1]! - this.times[0]!;
  }

  at(t: number): number {
    const x = this.times[0]! + t;
    const ts = this.times;
    if (x >= ts[ts.length - 1]!) return this.prices[ts.length - 1]!;
    while (this.i + 1 < ts.length && ts[this.i + 1]! <= x) this.i++;
    const t0 = ts[this.i]!;
    const t1 = ts[this.i + 1]!;
    const p0 = this.prices[this.i]!;
    const p1 = this.prices[this.i + 1]!;
    return p0 + ((p1 - p0) * (x - t0)) / (t1 - t0);
  }
}

function formatSpan(seconds: number): string {
  if (seconds >= 86_400) return `${(seconds / 86_400).toFixed(2)} days`;
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(2)} hours`;
  return `${seconds} seconds`;
}

/** Largest price CSV read, bytes, and most rows. */
export const MAX_CSV_BYTES = 64 * 1024 * 1024;
export const MAX_CSV_ROWS = 2_000_000;

/** Raised for a price CSV that cannot be used; the message names the file, line and reason. */
export class PriceCsvError extends Error {}

/**
 * Reads `time,price` rows (a header line is allowed). Time is unix seconds or an ISO-8601 date-time; price a
 * positive decimal. Rows must be in increasing time order.
 */
export function loadPriceCsv(path: string): HistoricalPrices {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new PriceCsvError(`${path}: not a regular file`);
    if (st.size > MAX_CSV_BYTES)
      throw new PriceCsvError(`${path}: ${st.size} bytes; a price CSV is at most ${MAX_CSV_BYTES} (64 MiB)`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof PriceCsvError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new PriceCsvError(`${path}: cannot read the price CSV${code ? ` (${code})` : ''}`);
  }
  return parsePriceCsv(text, path);
}

export function parsePriceCsv(text: string, source: string): HistoricalPrices {
  const times: number[] = [];
  const prices: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    if (cells.length < 2) throw new PriceCsvError(`${source} line ${n + 1}: expected "time,price", got "${line}"`);
    const [timeCell, priceCell] = cells as [string, string];
    const numericTime = /^-?\d+(\.\d+)?$/.test(timeCell);
    const price = Number(priceCell);
    if (times.length === 0 && !numericTime && Number.isNaN(Date.parse(timeCell)) && Number.isNaN(price)) continue; // header
    const t = numericTime ? Number(timeCell) : Date.parse(timeCell) / 1000;
    if (!Number.isFinite(t)) throw new PriceCsvError(`${source} line ${n + 1}: time "${timeCell}" is not a time`);
    if (!Number.isFinite(price) || price <= 0 || !/^\d*\.?\d+(e[+-]?\d+)?$/i.test(priceCell))
      throw new PriceCsvError(`${source} line ${n + 1}: price "${priceCell}" is not a positive number`);
    if (price < 1e-6 || price > 1e9)
      throw new PriceCsvError(`${source} line ${n + 1}: price ${priceCell} is outside [1e-6, 1e9] quote units`);
    if (times.length > 0 && t <= times[times.length - 1]!)
      throw new PriceCsvError(`${source} line ${n + 1}: times must increase (${timeCell} is not after the row before)`);
    if (times.length >= MAX_CSV_ROWS)
      throw new PriceCsvError(`${source} line ${n + 1}: more than ${MAX_CSV_ROWS.toLocaleString('en-US')} price rows`);
    times.push(t);
    prices.push(price);
  }
  if (times.length < 2) throw new PriceCsvError(`${source}: needs at least two price rows, found ${times.length}`);
  return new HistoricalPrices(times, prices, source);
}
