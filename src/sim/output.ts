// Writes a run's results into a directory: summary.json (the summary, every agent's P&L split and strategy state),
// report.html (the dashboard page of the run, self-contained), and each table as CSV with a Parquet file of the same
// columns next to it: series-<market> (one row per sample), agents (one row per agent per sample), funding-<market>
// (one row per funding period), trades-<market> (the last public trades), book-<market> (the final order book) and
// auctions. CSV loads directly into pandas, R or a spreadsheet; times are given both as ISO-8601 UTC and as seconds
// since the start.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFrame, type Frame } from '../io/frame.ts';
import type { ParquetColumn } from '../io/parquet.ts';
import { AGENT_COLUMNS, type Recorder, type Table } from './recorder.ts';
import { renderReport } from './report.ts';
import type { RunResult } from './runner.ts';

export interface WrittenFiles {
  readonly summary: string;
  readonly report: string;
  readonly series: readonly string[];
  readonly agents: string;
  /** every CSV written (each has a .parquet twin) */
  readonly csv: readonly string[];
}

/** A market id as a file-name part: LINK/USD-PERP → link-usd-perp. */
export function fileSafe(id: string): string {
  return (
    id
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'market'
  );
}

export function resultJson(r: RunResult): string {
  return JSON.stringify({ ...r.summary, agentsDetail: r.agents }, null, 2) + '\n';
}

const dbl = (name: string, data: readonly number[]): ParquetColumn => ({ name, type: 'DOUBLE', data });
const str = (name: string, data: readonly string[]): ParquetColumn => ({ name, type: 'STRING', data });
const times = (startMs: number, seconds: readonly number[]): ParquetColumn => ({
  name: 'time_utc',
  type: 'TIMESTAMP',
  data: seconds.map((t) => startMs + t * 1000),
});

/** A market's series: time_utc, market, then every recorded column. */
export function seriesFrame<C extends string>(t: Table<C>, market: string, startMs: number): Frame {
  const time = (t.data as Record<string, number[]>)['time']!;
  return [
    times(startMs, time),
    str(
      'market',
      time.map(() => market),
    ),
    ...t.columns.map((c) => dbl(c, t.data[c])),
  ];
}

/** Every agent's series, long format: time_utc, time, party, kind, then the agent columns. */
export function agentsFrame(rec: Recorder, kinds: ReadonlyMap<string, string>, startMs: number): Frame {
  const party: string[] = [];
  const kind: string[] = [];
  const cols = Object.fromEntries(AGENT_COLUMNS.map((c) => [c, [] as number[]])) as Record<
    (typeof AGENT_COLUMNS)[number],
    number[]
  >;
  for (const [p, t] of rec.agents) {
    const k = kinds.get(p) ?? '';
    for (let i = 0; i < t.length; i++) {
      party.push(p);
      kind.push(k);
      for (const c of AGENT_COLUMNS) cols[c].push(t.data[c][i]!);
    }
  }
  return [
    times(startMs, cols.time),
    dbl('time', cols.time),
    str('party', party),
    str('kind', kind),
    ...AGENT_COLUMNS.filter((c) => c !== 'time').map((c) => dbl(c, cols[c])),
  ];
}

export function writeResults(r: RunResult, dir: string): WrittenFiles {
  mkdirSync(dir, { recursive: true });
  const rec = r.recorder;
  const csv: string[] = [];
  const write = (name: string, frame: Frame) => {
    const f = writeFrame(join(dir, name), frame).csv;
    csv.push(f);
    return f;
  };
  const series: string[] = [];
  for (const [id, t] of rec.markets) {
    const safe = fileSafe(id);
    series.push(write(`series-${safe}.csv`, seriesFrame(t, id, r.startMs)));
    const funding = rec.funding.get(id) ?? [];
    write(`funding-${safe}.csv`, [
      times(
        r.startMs,
        funding.map((p) => p.end),
      ),
      dbl(
        'seq',
        funding.map((p) => p.seq),
      ),
      dbl(
        'end',
        funding.map((p) => p.end),
      ),
      dbl(
        'rate',
        funding.map((p) => p.rate),
      ),
      dbl(
        'payment',
        funding.map((p) => p.payment),
      ),
    ]);
    const tape = rec.tape(id);
    write(`trades-${safe}.csv`, [
      times(
        r.startMs,
        tape.map((x) => x.time),
      ),
      dbl(
        'time',
        tape.map((x) => x.time),
      ),
      dbl(
        'price',
        tape.map((x) => x.price),
      ),
      dbl(
        'size',
        tape.map((x) => x.size),
      ),
      str(
        'aggressor',
        tape.map((x) => x.aggressor),
      ),
    ]);
    const book = rec.books.get(id) ?? { bids: [], asks: [] };
    const levels = [
      ...book.bids.map((l) => ['buy', l[0], l[1]] as const),
      ...book.asks.map((l) => ['sell', l[0], l[1]] as const),
    ];
    write(`book-${safe}.csv`, [
      str(
        'side',
        levels.map((l) => l[0]),
      ),
      dbl(
        'price',
        levels.map((l) => l[1]),
      ),
      dbl(
        'size',
        levels.map((l) => l[2]),
      ),
    ]);
  }
  write('auctions.csv', [
    str(
      'market',
      r.auctions.map((a) => a.market),
    ),
    str(
      'trigger',
      r.auctions.map((a) => a.trigger),
    ),
    dbl(
      'start',
      r.auctions.map((a) => a.start),
    ),
    dbl(
      'end',
      r.auctions.map((a) => a.end),
    ),
  ]);
  const agents = write('agents.csv', agentsFrame(rec, r.kinds, r.startMs));
  const pr = r.programmes;
  if (pr)
    write('programmes.csv', [
      dbl(
        'epoch',
        pr.map((x) => x.epoch),
      ),
      str(
        'party',
        pr.map((x) => x.party),
      ),
      dbl(
        'discounts',
        pr.map((x) => x.discounts),
      ),
      dbl(
        'rebates',
        pr.map((x) => x.rebates),
      ),
      dbl(
        'referral_rewards',
        pr.map((x) => x.referralRewards),
      ),
      dbl(
        'rewards',
        pr.map((x) => x.rewards),
      ),
      dbl(
        'vested',
        pr.map((x) => x.vested),
      ),
    ]);
  const summary = join(dir, 'summary.json');
  writeFileSync(summary, resultJson(r));
  const report = join(dir, 'report.html');
  writeFileSync(report, renderReport(dir));
  return { summary, report, series, agents, csv };
}
