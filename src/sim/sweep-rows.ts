// The rows of a sweep: what one run sends back, its flat record (the CSV/JSON row) and the CSV. Kept apart from the
// sweep's loader and runner so that the sweep page (sweep-report.ts) and the queue sweep import it without a cycle.
import type { Summary } from './runner.ts';

export type GridValue = number | string | boolean;

export interface SweepRun {
  readonly index: number;
  readonly seed: string;
  /** grid key → value */
  readonly params: Readonly<Record<string, GridValue>>;
  /** the scenario document with the values applied */
  readonly doc: unknown;
}

/** The outcome of one run, as a worker sends it back. */
export interface SweepRow {
  readonly index: number;
  readonly seed: string;
  readonly params: Readonly<Record<string, GridValue>>;
  readonly summary?: Summary;
  /** party → P&L split total etc. */
  readonly agents?: readonly { party: string; kind: string; pnl: Record<string, number> }[];
  readonly error?: string;
}

/** What the outputs of a sweep say about it besides its rows: the sweep file, the scenario and the grid. */
export interface SweepMeta {
  readonly source: string;
  readonly scenarioPath: string;
  readonly spec: { readonly grid: Readonly<Record<string, readonly GridValue[]>> };
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(12))) : '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The flat record of one run: parameters, headline figures, each market maker's and each agent type's P&L. */
export function rowRecord(row: SweepRow): Record<string, unknown> {
  const s = row.summary;
  const rec: Record<string, unknown> = { run: row.index, seed: row.seed, ...row.params };
  if (!s) return { ...rec, error: row.error ?? 'failed' };
  Object.assign(rec, {
    blocks: s.blocks,
    wallSeconds: s.wallSeconds,
    blocksPerSecond: s.blocksPerSecond,
    trades: s.trades,
    volume: s.volume,
    notional: s.notional,
    auctions: s.auctions.total,
    closeOuts: s.closeOuts.total,
    fundingPaid: s.funding.paid,
    lpFees: s.liquidity.lpFees,
    lpFeePenalties: s.liquidity.feePenalties,
    lpBondPenalties: s.liquidity.bondPenalties,
    finalMark: s.markets[0]?.finalMark,
    conservationOk: s.conservation.ok,
    stateHash: s.stateHash,
  });
  for (const mm of s.marketMakers) {
    rec[`${mm.party}.total`] = mm.pnl.total;
    rec[`${mm.party}.spread`] = mm.pnl.spread;
    rec[`${mm.party}.inventory`] = mm.pnl.inventory;
    rec[`${mm.party}.funding`] = mm.pnl.funding;
    rec[`${mm.party}.fees`] = mm.pnl.fees;
  }
  for (const [k, v] of Object.entries(s.byKind)) rec[`pnl.${k}`] = v.pnl;
  return rec;
}

export function sweepCsv(rows: readonly SweepRow[]): string {
  const recs = rows.map(rowRecord);
  const cols: string[] = [];
  for (const r of recs) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return [cols.join(','), ...recs.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}
