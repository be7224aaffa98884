// Time series of a run, sampled every `sampleSeconds`: one table per market (prices, funding, open interest, spread
// and depth, margins, stakes, activity) and one long table of every agent's position and P&L. Columns are plain
// number arrays (NaN where a value does not exist, e.g. the mid of a one-sided book), written as CSV.

export const MARKET_COLUMNS = [
  'time',
  'index',
  'oracle',
  'mark',
  'mid',
  'best_bid',
  'best_ask',
  'spread_bps',
  'depth_bid_1pct',
  'depth_ask_1pct',
  'open_interest',
  'funding_rate',
  'target_stake',
  'supplied_stake',
  'insurance_pool',
  'margin_maintenance',
  'margin_held',
  'continuous',
  'trades',
  'volume',
] as const;

export type MarketColumn = (typeof MARKET_COLUMNS)[number];

export const AGENT_COLUMNS = ['time', 'position', 'equity', 'pnl'] as const;

export class Table<C extends string> {
  readonly data: Record<C, number[]>;

  constructor(readonly columns: readonly C[]) {
    this.data = Object.fromEntries(columns.map((c) => [c, [] as number[]])) as unknown as Record<C, number[]>;
  }

  add(row: Record<C, number>): void {
    for (const c of this.columns) this.data[c].push(row[c]);
  }

  get length(): number {
    return this.data[this.columns[0]!].length;
  }
}

export class Recorder {
  readonly markets = new Map<string, Table<MarketColumn>>();
  /** per party */
  readonly agents = new Map<string, Table<(typeof AGENT_COLUMNS)[number]>>();

  market(id: string): Table<MarketColumn> {
    let t = this.markets.get(id);
    if (!t) this.markets.set(id, (t = new Table(MARKET_COLUMNS)));
    return t;
  }

  agent(party: string): Table<(typeof AGENT_COLUMNS)[number]> {
    let t = this.agents.get(party);
    if (!t) this.agents.set(party, (t = new Table(AGENT_COLUMNS)));
    return t;
  }
}

function cell(v: number | string): string {
  if (typeof v === 'string') return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  if (Number.isNaN(v)) return '';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(12)));
}

/** CSV of a table, with a leading ISO time column computed from `startMs`. */
export function tableCsv<C extends string>(t: Table<C>, startMs: number, extra?: Record<string, string>): string {
  const keys = extra ? Object.keys(extra) : [];
  const lines = [['time_utc', ...keys, ...t.columns].join(',')];
  const n = t.length;
  const times = (t.data as Record<string, number[]>)['time']!;
  for (let i = 0; i < n; i++) {
    const iso = new Date(startMs + times[i]! * 1000).toISOString();
    lines.push([iso, ...keys.map((k) => cell(extra![k]!)), ...t.columns.map((c) => cell(t.data[c][i]!))].join(','));
  }
  return lines.join('\n') + '\n';
}

/** One CSV of every agent's series (long format: one row per agent per sample). */
export function agentsCsv(rec: Recorder, kinds: ReadonlyMap<string, string>, startMs: number): string {
  const lines = [['time_utc', 'time', 'party', 'kind', 'position', 'equity', 'pnl'].join(',')];
  for (const [party, t] of rec.agents) {
    const kind = kinds.get(party) ?? '';
    for (let i = 0; i < t.length; i++) {
      const time = t.data.time[i]!;
      lines.push(
        [
          new Date(startMs + time * 1000).toISOString(),
          cell(time),
          cell(party),
          cell(kind),
          cell(t.data.position[i]!),
          cell(t.data.equity[i]!),
          cell(t.data.pnl[i]!),
        ].join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}
