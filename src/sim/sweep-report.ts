// The HTML page of a sweep: every run's parameters and headline figures in a table, a chart of each market maker's
// total P&L (and each agent type's) by run, and — when the grid has a single numeric parameter — the same P&L
// against that parameter, averaged over the seeds. Self-contained like the run report (uPlot inlined).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SweepMeta, SweepRow } from './sweep-rows.ts';
import { rowRecord } from './sweep-rows.ts';
import { COLORS } from './report.ts';

const require = createRequire(import.meta.url);

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Chart {
  title: string;
  xLabel: string;
  data: (number | null)[][];
  series: { label: string; color: string }[];
}

export function renderSweepReport(sweep: SweepMeta, rows: readonly SweepRow[]): string {
  const recs = rows.map(rowRecord);
  const mmKeys = [...new Set(recs.flatMap((r) => Object.keys(r).filter((k) => k.endsWith('.total'))))];
  const kindKeys = [...new Set(recs.flatMap((r) => Object.keys(r).filter((k) => k.startsWith('pnl.'))))];
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const charts: Chart[] = [];
  const x = recs.map((r) => r['run'] as number);
  const ys = [...mmKeys, ...kindKeys];
  charts.push({
    title: 'P&L by run: each market maker (total) and each agent type',
    xLabel: 'run',
    data: [x, ...ys.map((k) => recs.map((r) => num(r[k])))],
    series: ys.map((k, i) => ({ label: k, color: COLORS[i % COLORS.length]! })),
  });
  const keys = Object.keys(sweep.spec.grid);
  if (keys.length === 1 && sweep.spec.grid[keys[0]!]!.every((v) => typeof v === 'number')) {
    const key = keys[0]!;
    const values = [...new Set(sweep.spec.grid[key] as number[])].sort((a, b) => a - b);
    const mean = (k: string, v: number) => {
      const xs = recs
        .filter((r) => r[key] === v)
        .map((r) => num(r[k]))
        .filter((n): n is number => n !== null);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
    };
    charts.push({
      title: `P&L against ${key} (mean over seeds)`,
      xLabel: key,
      data: [values, ...ys.map((k) => values.map((v) => mean(k, v)))],
      series: ys.map((k, i) => ({ label: k, color: COLORS[i % COLORS.length]! })),
    });
  }
  const cols: string[] = [];
  for (const r of recs) for (const k of Object.keys(r)) if (!cols.includes(k) && k !== 'stateHash') cols.push(k);
  const cell = (v: unknown) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v === undefined ? '' : String(v);
  const tableHtml = `<table><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${recs
    .map((r) => `<tr>${cols.map((c) => `<td>${esc(cell(r[c]))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const json = JSON.stringify({ charts }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>perpsim sweep — ${esc(sweep.source)}</title>
<style>${css}</style>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; font-size: 12px; } td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: right; }
th { background: #f3f3f3; } .chart { margin: 18px 0; } .chart h3 { font-size: 14px; margin: 0 0 4px; }
</style>
</head>
<body>
<h1>perpsim sweep</h1>
<p>${rows.length} runs of ${esc(sweep.scenarioPath)}; grid ${esc(JSON.stringify(sweep.spec.grid))}.</p>
<div id="charts"></div>
<h2>Runs</h2>
${tableHtml}
<script>${js}</script>
<script type="application/json" id="data">${json}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('data').textContent);
  var root = document.getElementById('charts');
  var drawn = 0;
  data.charts.forEach(function (c) {
    var box = document.createElement('div');
    box.className = 'chart';
    var h = document.createElement('h3');
    h.textContent = c.title;
    box.appendChild(h);
    root.appendChild(box);
    new uPlot({
      width: 1000, height: 300,
      scales: { x: { time: false } },
      axes: [{ label: c.xLabel }, { size: 70 }],
      series: [{ label: c.xLabel }].concat(c.series.map(function (s) {
        return { label: s.label, stroke: s.color, width: 1.5, points: { show: true, size: 6 } };
      })),
      hooks: { draw: [function (u) { if (u.perpsimDrawn) return; u.perpsimDrawn = true; drawn++; if (drawn === data.charts.length) document.body.dataset.charts = String(drawn); }] }
    }, c.data, box);
  });
})();
</script>
</body>
</html>
`;
}
