// The HTML report of a run: one self-contained file (uPlot and its stylesheet are inlined from node_modules, the data
// is embedded as JSON), so it opens offline in any browser. It shows the summary, the market makers' P&L split, the
// liquidity providers, auctions and jumps, and charts of mark, index and oracle prices; the funding rate; open
// interest; spread and depth; margins; LP stake against the target stake; trading activity; and every agent's P&L
// (each market maker and LP, the other agents by type). Series are thinned to at most `maxPoints` points each.
// When every chart has drawn, the page sets `document.body.dataset.charts` to their number (the rendering test
// waits for it).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RunResult } from './runner.ts';
import type { MarketColumn, Table } from './recorder.ts';
import { renderSummary } from './summary.ts';

const require = createRequire(import.meta.url);

function uplotAssets(): { js: string; css: string } {
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  return { js, css };
}

interface ChartSpec {
  readonly title: string;
  readonly unit: string;
  /** x: unix seconds; then one array per series (null for gaps) */
  readonly data: (number | null)[][];
  readonly series: readonly {
    readonly label: string;
    readonly color: string;
    readonly width?: number;
    readonly dash?: number[];
    /** 2: plotted against a second y axis on the right (its unit in `unit2`) */
    readonly axis?: 2;
  }[];
  readonly unit2?: string;
  /** false: no legend (charts with dozens of series) */
  readonly legend?: boolean;
}

/** The chart palette (matplotlib's tab10), shared with the sweep page. */
export const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

function stride(n: number, maxPoints: number): number {
  return Math.max(1, Math.ceil(n / maxPoints));
}

function thin(values: readonly number[], step: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < values.length; i += step) {
    const v = values[i]!;
    out.push(Number.isFinite(v) ? v : null);
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function marketCharts(id: string, t: Table<MarketColumn>, startS: number, maxPoints: number): ChartSpec[] {
  const step = stride(t.length, maxPoints);
  const x = thin(t.data.time, step).map((v) => (v ?? 0) + startS);
  const col = (c: MarketColumn, scale = 1) => thin(scale === 1 ? t.data[c] : t.data[c].map((v) => v * scale), step);
  const p = `${id}: `;
  return [
    {
      title: `${p}mark, index and oracle prices`,
      unit: 'price',
      data: [x, col('mark'), col('index'), col('oracle'), col('mid')],
      series: [
        { label: 'mark', color: COLORS[0]!, width: 2 },
        { label: 'index (underlying)', color: COLORS[1]! },
        { label: 'oracle (published)', color: COLORS[2]!, dash: [4, 4] },
        { label: 'mid', color: COLORS[7]!, width: 1 },
      ],
    },
    {
      title: `${p}funding rate (the current period's rate if it ended now)`,
      unit: '% per period',
      data: [x, col('funding_rate', 100)],
      series: [{ label: 'funding rate %', color: COLORS[3]! }],
    },
    {
      title: `${p}open interest`,
      unit: 'contracts',
      data: [x, col('open_interest')],
      series: [{ label: 'open interest', color: COLORS[4]! }],
    },
    {
      title: `${p}spread and depth`,
      unit: 'bps',
      unit2: 'contracts',
      data: [x, col('spread_bps'), col('depth_bid_1pct'), col('depth_ask_1pct')],
      series: [
        { label: 'spread (bps, left)', color: COLORS[0]!, width: 2 },
        { label: 'bid depth within 1% (right)', color: COLORS[2]!, axis: 2 },
        { label: 'ask depth within 1% (right)', color: COLORS[3]!, axis: 2 },
      ],
    },
    {
      title: `${p}margins`,
      unit: 'settlement asset',
      data: [x, col('margin_maintenance'), col('margin_held'), col('insurance_pool')],
      series: [
        { label: 'maintenance margin (all parties)', color: COLORS[3]! },
        { label: 'margin accounts (all parties)', color: COLORS[0]! },
        { label: 'insurance pool', color: COLORS[5]! },
      ],
    },
    {
      title: `${p}LP stake vs target stake`,
      unit: 'settlement asset',
      data: [x, col('supplied_stake'), col('target_stake')],
      series: [
        { label: 'supplied stake', color: COLORS[2]!, width: 2 },
        { label: 'target stake', color: COLORS[3]! },
      ],
    },
    {
      title: `${p}activity per sample`,
      unit: 'trades',
      unit2: 'contracts',
      data: [x, col('trades'), col('volume')],
      series: [
        { label: 'trades (left)', color: COLORS[0]! },
        { label: 'volume (right)', color: COLORS[1]!, axis: 2 },
      ],
    },
  ];
}

function agentCharts(r: RunResult, startS: number, maxPoints: number): ChartSpec[] {
  const individual = r.agents.filter((a) => a.kind === 'avellaneda-stoikov' || a.kind === 'liquidity-provider');
  const charts: ChartSpec[] = [];
  const first = r.recorder.agents.values().next().value;
  if (!first) return charts;
  const step = stride(first.length, maxPoints);
  const x = thin(first.data.time, step).map((v) => (v ?? 0) + startS);
  if (individual.length)
    charts.push({
      title: 'P&L of each market maker and liquidity provider',
      unit: 'settlement asset',
      data: [x, ...individual.map((a) => thin(r.recorder.agent(a.party).data.pnl, step))],
      series: individual.map((a, i) => ({ label: a.party, color: COLORS[i % COLORS.length]! })),
    });
  // every other agent, summed by type
  const kinds = [...new Set(r.agents.map((a) => a.kind))].filter(
    (k) => k !== 'avellaneda-stoikov' && k !== 'liquidity-provider',
  );
  if (kinds.length) {
    const sums = kinds.map((k) => {
      const parties = r.agents.filter((a) => a.kind === k).map((a) => r.recorder.agent(a.party).data.pnl);
      const s = new Array<number>(first.length).fill(0);
      for (const p of parties) for (let i = 0; i < s.length; i++) s[i]! += p[i]!;
      return thin(s, step);
    });
    charts.push({
      title: 'P&L of the other agents, by type (sum over the parties of each type)',
      unit: 'settlement asset',
      data: [x, ...sums],
      series: kinds.map((k, i) => ({ label: k, color: COLORS[(i + 3) % COLORS.length]! })),
    });
    // each of those agents on its own, faint, to see the spread within a type
    const others = r.agents.filter((a) => kinds.includes(a.kind));
    charts.push({
      title: 'P&L of every other agent',
      unit: 'settlement asset',
      data: [x, ...others.map((a) => thin(r.recorder.agent(a.party).data.pnl, step))],
      series: others.map((a) => ({
        label: a.party,
        color: COLORS[(kinds.indexOf(a.kind) + 3) % COLORS.length]!,
        width: 1,
      })),
      legend: false,
    });
  }
  return charts;
}

export function renderReport(r: RunResult, opts: { maxPoints?: number } = {}): string {
  const maxPoints = opts.maxPoints ?? 2500;
  const s = r.summary;
  const startS = r.startMs / 1000;
  const charts: ChartSpec[] = [];
  for (const [id, t] of r.recorder.markets) charts.push(...marketCharts(id, t, startS, maxPoints));
  charts.push(...agentCharts(r, startS, maxPoints));
  const { js, css } = uplotAssets();
  const json = JSON.stringify({ charts }).replace(/</g, '\\u003c');
  const summaryText = escapeHtml(renderSummary(r));
  const iso = (t: number) => new Date(r.startMs + t * 1000).toISOString();
  const auctions = escapeHtml(
    r.auctions.length
      ? r.auctions
          .map(
            (a) =>
              `${a.market} ${a.trigger.toLowerCase()} auction from ${iso(a.start)}${Number.isNaN(a.end) ? ', still running at the end' : ` for ${a.end - a.start} s`}`,
          )
          .join('\n')
      : 'none',
  );
  const jumps = Object.entries(r.jumps)
    .flatMap(([m, js]) => js.map((j) => `${m} ${iso(j.t)} ×${j.factor.toFixed(4)}`))
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>perpsim — ${escapeHtml(s.scenario)} (seed ${escapeHtml(s.seed)})</title>
<style>${css}</style>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1280px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
pre { background: #f6f6f6; padding: 12px; overflow-x: auto; font-size: 12px; }
.chart { margin: 18px 0 8px; }
.chart h3 { font-size: 14px; margin: 0 0 4px; font-weight: 600; }
.unit { color: #777; font-weight: normal; }
</style>
</head>
<body>
<h1>perpsim simulation report — ${escapeHtml(s.scenario)}</h1>
<p>${s.days} days of ${s.blockSeconds}-second blocks from ${escapeHtml(s.start)}, seed ${escapeHtml(s.seed)};
${s.blocks.toLocaleString('en-US')} blocks in ${s.wallSeconds.toFixed(1)} s (${s.blocksPerSecond.toLocaleString('en-US')} blocks/s).
State hash <code>${escapeHtml(s.stateHash)}</code>; money ${s.conservation.ok ? 'conserved at every block' : '<b>NOT conserved</b>'}.</p>
<h2>Summary</h2>
<pre>${summaryText}</pre>
<h2>Charts</h2>
<div id="charts"></div>
<h2>Auctions</h2>
<pre>${auctions}</pre>
<h2>Jumps of the underlying</h2>
<pre>${escapeHtml(jumps || 'none')}</pre>
<script>${js}</script>
<script type="application/json" id="data">${json}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('data').textContent);
  var root = document.getElementById('charts');
  var width = Math.max(600, Math.min(1200, root.clientWidth || 1100));
  var drawn = 0;
  data.charts.forEach(function (c) {
    var box = document.createElement('div');
    box.className = 'chart';
    var h = document.createElement('h3');
    h.innerHTML = c.title.replace(/</g, '&lt;') + ' <span class="unit">(' + c.unit + (c.unit2 ? '; right: ' + c.unit2 : '') + ')</span>';
    box.appendChild(h);
    root.appendChild(box);
    var series = [{}].concat(c.series.map(function (s) {
      return { label: s.label, stroke: s.color, width: s.width || 1.5, dash: s.dash, spanGaps: false, scale: s.axis === 2 ? 'y2' : 'y' };
    }));
    var axes = [{}, { scale: 'y', size: 70 }];
    if (c.unit2) axes.push({ scale: 'y2', side: 1, size: 70, grid: { show: false } });
    new uPlot({
      width: width,
      height: 260,
      series: series,
      scales: { x: { time: true }, y: {}, y2: {} },
      axes: axes,
      legend: { show: c.legend !== false, live: true },
      hooks: { draw: [function (u) { if (u.perpsimDrawn) return; u.perpsimDrawn = true; drawn++; if (drawn === data.charts.length) document.body.dataset.charts = String(drawn); }] }
    }, c.data, box);
  });
  if (data.charts.length === 0) document.body.dataset.charts = '0';
})();
</script>
</body>
</html>
`;
}
