// The live bot's P&L, split as the simulator splits a maker's (src/sim/runner.ts): spread captured against the mid
// the bot saw before each fill, inventory (holding the position from the mid at each fill to the mark now), funding
// and fees from the venue's transfers; the total is the equity change from the venue's accounts less deposits, and
// `other` is what the split does not explain (a mark that moved after the last mark-to-market, rounding). Exact:
// every amount is a fixed-point bigint (fixed.ts), and the rows are written as CSV.
import { createWriteStream, type WriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { TransferKind } from './adapter.ts';
import { formatFixed, ONE, parseFixed, SCALE, toNumber } from './fixed.ts';

export interface PnlSplit {
  readonly spread: number;
  readonly inventory: number;
  readonly funding: number;
  readonly fees: number;
  readonly other: number;
  readonly total: number;
}

/** One CSV row: money as exact decimal strings. */
export interface PnlRow {
  readonly time: number;
  readonly position: string;
  readonly mark: string;
  readonly equity: string;
  readonly split: Readonly<Record<'spread' | 'inventory' | 'funding' | 'fees' | 'other' | 'total', string>>;
  readonly state: string;
}

export class PnlTracker {
  /** Σ signed size × (mid − price), 10^36 */
  private spread = 0n;
  /** Σ signed size × mid, 10^36 */
  private sizeTimesMid = 0n;
  /** 10^18 */
  private position = 0n;
  private fees = 0n;
  private funding = 0n;
  private deposits = 0n;
  private startEquity = 0n;
  fills = 0;

  /** The state at the start: equity, an existing position valued at `mark` (it earns inventory P&L from there). */
  start(equity: string, position: string, mark: string): void {
    this.startEquity = parseFixed(equity, 'equity');
    this.position = parseFixed(position, 'position');
    this.sizeTimesMid = this.position * parseFixed(mark, 'mark');
  }

  /** One of the bot's fills, with the mid it saw just before (10^18; undefined: the fill's own price). */
  onFill(side: 'buy' | 'sell', price: string, size: string, midBefore: bigint | undefined): void {
    const p = parseFixed(price, 'fill price');
    const s = parseFixed(size, 'fill size') * (side === 'buy' ? 1n : -1n);
    const mid = midBefore ?? p;
    this.spread += s * (mid - p);
    this.sizeTimesMid += s * mid;
    this.position += s;
    this.fills++;
  }

  onTransfer(kind: TransferKind, amount: string): void {
    const a = parseFixed(amount, 'transfer amount');
    if (kind === 'fee') this.fees += a;
    else if (kind === 'funding') this.funding += a;
    else if (kind === 'deposit') this.deposits += a;
  }

  /** Signed position from the fills, size units. */
  positionNow(): number {
    return toNumber(this.position);
  }

  /** The split against the mark now; with the venue's equity, the total and the unexplained rest. */
  split(mark: string, equity?: string): PnlSplit & { readonly exact: PnlRow['split'] } {
    const m = parseFixed(mark, 'mark');
    const inventory = this.position * m - this.sizeTimesMid;
    const explained = this.spread + inventory + (this.funding + this.fees) * ONE;
    const total =
      equity !== undefined ? (parseFixed(equity, 'equity') - this.startEquity - this.deposits) * ONE : explained;
    const other = total - explained;
    const s2 = 2 * SCALE;
    return {
      spread: toNumber(this.spread, s2),
      inventory: toNumber(inventory, s2),
      funding: toNumber(this.funding),
      fees: toNumber(this.fees),
      other: toNumber(other, s2),
      total: toNumber(total, s2),
      exact: {
        spread: formatFixed(this.spread, s2),
        inventory: formatFixed(inventory, s2),
        funding: formatFixed(this.funding),
        fees: formatFixed(this.fees),
        other: formatFixed(other, s2),
        total: formatFixed(total, s2),
      },
    };
  }
}

const COLUMNS = [
  'time',
  'position',
  'mark',
  'equity',
  'spread',
  'inventory',
  'funding',
  'fees',
  'other',
  'total',
  'state',
] as const;

/** The P&L rows as CSV (a header, then one row per call), loadable with pandas. */
export class PnlCsv {
  private readonly out: WriteStream;

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { flags: 'w' });
    this.out.write(stringify([COLUMNS as unknown as string[]]));
  }

  write(r: PnlRow): void {
    this.out.write(
      stringify([
        [
          new Date(r.time * 1000).toISOString(),
          r.position,
          r.mark,
          r.equity,
          r.split.spread,
          r.split.inventory,
          r.split.funding,
          r.split.fees,
          r.split.other,
          r.split.total,
          r.state,
        ],
      ]),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}
