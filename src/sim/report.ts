// The HTML report of a run (report.html): the dashboard page of the run's output directory (src/web/dashboard.ts),
// self-contained (uPlot and the chart runtime inlined, the data embedded as JSON), so it opens offline in any
// browser. It is rendered from the files writeResults has just written, so `perpsim dashboard DIR` and the report
// show the same page.
import { renderRunDashboard } from '../web/dashboard.ts';
import { loadRunDir } from '../web/data.ts';
import { COLORS as PALETTE } from '../web/shell.ts';

/** The chart palette (matplotlib's tab10), shared with the sweep page. */
export const COLORS: readonly string[] = PALETTE;

/** The report of a run whose results (summary.json, CSV tables) are in `dir`. */
export function renderReport(dir: string, opts: { maxPoints?: number } = {}): string {
  return renderRunDashboard(loadRunDir(dir, opts.maxPoints !== undefined ? { maxPoints: opts.maxPoints } : {}));
}
