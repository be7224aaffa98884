// The one page shell of perpsim's HTML pages (dashboard, simulation report, liquidity report, sweep page): a
// self-contained document with uPlot and perpsim's chart runtime (src/web/assets/charts.js) inlined, the page's data
// embedded as JSON, one stylesheet, and helpers for HTML tables. Pages open offline from disk. One chart library for
// all of them: uPlot (MIT, ~50 kB) draws time series with a hundred thousand points, a stepped depth chart, and OHLC
// candles with volume through its draw hook, so no second library (and no attribution banner) is needed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The chart palette (matplotlib's tab10). */
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
] as const;

export function color(i: number): string {
  return COLORS[((i % COLORS.length) + COLORS.length) % COLORS.length]!;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** A script's source safe to inline: no "</script" in its strings closes the element early. */
function inlineScript(src: string): string {
  return src.replace(/<\/script/gi, '<\\/script');
}

let cache: { uplotJs: string; uplotCss: string; charts: string } | undefined;

/** The libraries every page inlines (read once per process). */
export function assets(): { uplotJs: string; uplotCss: string; charts: string } {
  cache ??= {
    uplotJs: inlineScript(readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8')),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    charts: inlineScript(readFileSync(new URL('./assets/charts.js', import.meta.url), 'utf8')),
  };
  return cache;
}

/** A browser script shipped with perpsim (src/web/assets/NAME), inline-safe. */
export function assetScript(name: string): string {
  return inlineScript(readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8'));
}

export const STYLE = `
:root { --bg: #f4f5f7; --card: #fff; --ink: #1d2330; --muted: #6b7280; --line: #e3e5ea; --up: #1a9850; --down: #d73027; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0; color: var(--ink); background: var(--bg); }
header.top { background: #1d2330; color: #fff; padding: 14px 24px; display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap; }
header.top h1 { font-size: 18px; margin: 0; font-weight: 600; }
header.top .sub { color: #c3c8d2; font-size: 13px; }
main { padding: 16px 24px 40px; max-width: 1500px; margin: 0 auto; }
h2 { font-size: 16px; margin: 26px 0 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
.card > h2:first-child, .card > h3:first-child { margin-top: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 14px; }
.grid.narrow { grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); }
.wide { grid-column: 1 / -1; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 6px 0 4px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.tile .k { color: var(--muted); font-size: 12px; }
.tile .v { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
.chart h3 { font-size: 13px; margin: 0 0 4px; font-weight: 600; }
.chart { margin: 4px 0 10px; }
.unit { color: var(--muted); font-weight: normal; }
.note { color: var(--muted); font-size: 12px; }
table.t { border-collapse: collapse; font-size: 12.5px; width: 100%; font-variant-numeric: tabular-nums; }
table.t th, table.t td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
table.t th { background: #f7f8fa; font-weight: 600; color: #374151; position: sticky; top: 0; }
table.t th.l, table.t td.l { text-align: left; }
table.t td.pos { color: var(--up); } table.t td.neg { color: var(--down); } table.t tr.below td { color: var(--down); font-weight: 600; }
table.kv td { white-space: normal; } table.kv td:first-child { color: var(--muted); width: 1%; white-space: nowrap; }
.scroll { max-height: 360px; overflow: auto; }
.range { display: flex; gap: 6px; align-items: center; margin: 8px 0 12px; flex-wrap: wrap; }
.range button { border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 3px 10px; cursor: pointer; }
.range button:hover { background: #eef2ff; }
.range-label { color: var(--muted); font-size: 12px; margin-left: 8px; }
.ladder td.bid { color: var(--up); } .ladder td.ask { color: var(--down); }
.ladder td.bar { position: relative; }
.status { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #374151; }
.status.ok { background: #166534; } .status.bad { background: #991b1b; }
.u-legend { font-size: 12px; }
`;

export interface PageOptions {
  readonly title: string;
  /** the header line under the title (HTML) */
  readonly subtitle?: string;
  /** the page's main content (HTML) */
  readonly body: string;
  /** embedded as <script id="data" type="application/json"> */
  readonly data?: unknown;
  /** the page's own script, run after the chart runtime */
  readonly script?: string;
  /** extra HTML in the header bar (right of the subtitle) */
  readonly headerExtra?: string;
}

/** A complete, self-contained HTML document. */
export function renderPage(o: PageOptions): string {
  const a = assets();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
<style>${a.uplotCss}</style>
<style>${STYLE}</style>
</head>
<body>
<header class="top"><h1>${escapeHtml(o.title)}</h1>${o.subtitle ? `<span class="sub">${o.subtitle}</span>` : ''}${o.headerExtra ?? ''}</header>
<main>
${o.body}
</main>
<script>${a.uplotJs}</script>
<script>${a.charts}</script>
${o.data !== undefined ? `<script id="data" type="application/json">${scriptJson(o.data)}</script>` : ''}
${o.script ? `<script>${inlineScript(o.script)}</script>` : ''}
</body>
</html>
`;
}

export interface Column {
  readonly title: string;
  /** left-aligned (text); numbers are right-aligned */
  readonly left?: boolean;
  /** colour the cell by sign */
  readonly signed?: boolean;
}

export type Cell = string | number | null | undefined;

/** Formats a number for a table: thousands separators, `digits` decimals (default: by magnitude). */
export function num(v: number | null | undefined, digits?: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  const d = digits ?? (Number.isInteger(v) ? 0 : a >= 1000 ? 0 : a >= 10 ? 2 : a >= 1 ? 3 : 5);
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** An HTML table; numbers are formatted with `num`, strings are escaped. */
export function htmlTable(columns: readonly Column[], rows: readonly (readonly Cell[])[], cls = 't'): string {
  const head = columns.map((c) => `<th${c.left ? ' class="l"' : ''}>${escapeHtml(c.title)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${columns
          .map((c, i) => {
            const v = r[i];
            const classes: string[] = [];
            if (c.left) classes.push('l');
            if (c.signed && typeof v === 'number' && v !== 0) classes.push(v > 0 ? 'pos' : 'neg');
            const text = typeof v === 'number' ? num(v) : v === null || v === undefined ? '' : escapeHtml(v);
            return `<td${classes.length ? ` class="${classes.join(' ')}"` : ''}>${text}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table class="${cls}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A two-column key/value table. */
export function kvTable(rows: readonly (readonly [string, Cell])[]): string {
  return htmlTable(
    [
      { title: '', left: true },
      { title: '', left: true },
    ],
    rows,
    't kv',
  ).replace(/<thead>.*?<\/thead>/, '');
}

/** Tiles of headline figures. */
export function tiles(items: readonly (readonly [string, string])[]): string {
  return `<div class="tiles">${items
    .map(
      ([k, v]) => `<div class="tile"><div class="k">${escapeHtml(k)}</div><div class="v">${escapeHtml(v)}</div></div>`,
    )
    .join('')}</div>`;
}
