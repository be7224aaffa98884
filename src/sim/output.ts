// Writes a run's results into a directory: summary.json (the summary, every agent's P&L split and strategy state),
// report.html (self-contained charts), series-<market>.csv (one row per sample) and agents.csv (one row per agent
// per sample). CSV loads directly into pandas, R or a spreadsheet; times are given both as ISO-8601 UTC and as
// seconds since the start.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentsCsv, tableCsv } from './recorder.ts';
import { renderReport } from './report.ts';
import type { RunResult } from './runner.ts';

export interface WrittenFiles {
  readonly summary: string;
  readonly report: string;
  readonly series: readonly string[];
  readonly agents: string;
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

export function writeResults(r: RunResult, dir: string): WrittenFiles {
  mkdirSync(dir, { recursive: true });
  const series: string[] = [];
  for (const [id, t] of r.recorder.markets) {
    const f = join(dir, `series-${fileSafe(id)}.csv`);
    writeFileSync(f, tableCsv(t, r.startMs, { market: id }));
    series.push(f);
  }
  const agents = join(dir, 'agents.csv');
  writeFileSync(agents, agentsCsv(r.recorder, r.kinds, r.startMs));
  const report = join(dir, 'report.html');
  writeFileSync(report, renderReport(r));
  const summary = join(dir, 'summary.json');
  writeFileSync(summary, resultJson(r));
  return { summary, report, series, agents };
}
