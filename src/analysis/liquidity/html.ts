// A self-contained HTML page of the liquidity report: Chart.js (MIT, bundled inline from the installed package, so
// the page opens offline) draws the target and supplied stake, the fee factor and fees, each provider's fee income,
// equity-like share, margin and annualised return; the totals and the model's assumptions are listed as text.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LiquidityReport } from './model.ts';

/** The minified Chart.js UMD bundle of the installed chart.js package. */
export function chartJsSource(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('chart.js');
  // an inline script ends at the first "</script": keep any in the library's strings from closing it
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON safe inside a <script> element. */
const scriptJson = (v: unknown) =>
  JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** The series the charts draw, as plain numbers (display only). */
export function chartData(r: LiquidityReport) {
  const parties = r.totals.map((t) => t.party);
  const per = (field: keyof LiquidityReport['days'][number]['providers'][number], scale = 1) =>
    parties.map((party) => ({
      party,
      values: r.days.map((d) => {
        const p = d.providers.find((x) => x.party === party);
        return p ? Number(p[field]) * scale : null;
      }),
    }));
  return {
    days: r.days.map((d) => d.day),
    targetStake: r.days.map((d) => Number(d.targetStake)),
    suppliedStake: r.days.map((d) => Number(d.suppliedStake)),
    feeFactor: r.days.map((d) => Number(d.liquidityFeeFactor) * 100),
    fees: r.days.map((d) => Number(d.liquidityFees)),
    income: per('income'),
    els: per('equityLikeShare', 100),
    margin: per('initialMargin'),
    annualised: per('annualisedReturn', 100),
  };
}

export function liquidityHtml(r: LiquidityReport, title: string): string {
  const asset = escapeHtml(r.market.asset);
  const totals = r.totals
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.party)}</td><td>${t.days}</td><td>${escapeHtml(t.fees)}</td><td>${escapeHtml(t.bondPenalties)}</td><td>${escapeHtml(t.income)}</td><td>${escapeHtml(t.averageCapital)}</td><td>${(t.annualisedReturn * 100).toFixed(1)}%</td></tr>`,
    )
    .join('\n');
  const assumptions = r.assumptions.map((a) => `<li>${escapeHtml(a)}</li>`).join('\n');
  const charts = [
    ['stake', `Target and supplied stake (${asset})`],
    ['fees', `Liquidity fee factor (%) and the day's liquidity fees (${asset})`],
    ['income', `Fee income per provider per day, after SLA penalties, bonus and bond penalties (${asset})`],
    ['annualised', 'Annualised return on bond + initial margin (%)'],
    ['els', 'Equity-like share (%)'],
    ['margin', `Initial margin of the order-book obligation (${asset})`],
  ]
    .map(([id, caption]) => `<figure><figcaption>${caption}</figcaption><canvas id="${id}"></canvas></figure>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
figure { margin: 1.5em 0; max-width: 1100px; }
figcaption { font-weight: 600; margin-bottom: 0.5em; }
table { border-collapse: collapse; }
td, th { padding: 0.25em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }
td:first-child, th:first-child { text-align: left; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Market ${escapeHtml(r.market.name)} (${escapeHtml(r.market.proposal)}), settled in ${asset}; risk factors long
${escapeHtml(r.market.riskFactors.long)}, short ${escapeHtml(r.market.riskFactors.short)}; target-stake scaling factor
${escapeHtml(r.market.targetStakeScalingFactor)}; liquidity fee method ${escapeHtml(r.market.feeMethod)}; SLA price range
${escapeHtml(r.market.sla.priceRange)}, minimum time fraction ${escapeHtml(r.market.sla.commitmentMinTimeFraction)},
competition factor ${escapeHtml(r.market.sla.slaCompetitionFactor)}.</p>
<h2>Totals</h2>
<table>
<tr><th>provider</th><th>days</th><th>fees (${asset})</th><th>bond penalties</th><th>income</th><th>average capital</th><th>annualised</th></tr>
${totals}
</table>
${charts}
<h2>Assumptions</h2>
<ul>
${assumptions}
</ul>
<script id="data" type="application/json">${scriptJson(chartData(r))}</script>
<script>${chartJsSource()}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('data').textContent);
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  function series(list, extra) {
    return list.map(function (s, i) {
      return Object.assign({ label: s.party, data: s.values, borderColor: palette[i % palette.length],
        backgroundColor: palette[i % palette.length], spanGaps: false }, extra || {});
    });
  }
  function chart(id, type, datasets, options) {
    new Chart(document.getElementById(id), { type: type, data: { labels: d.days, datasets: datasets },
      options: Object.assign({ animation: false, interaction: { mode: 'index', intersect: false } }, options || {}) });
  }
  chart('stake', 'line', [
    { label: 'target stake', data: d.targetStake, borderColor: '#d62728', backgroundColor: '#d62728' },
    { label: 'supplied stake', data: d.suppliedStake, borderColor: '#1f77b4', backgroundColor: '#1f77b4', stepped: true }
  ]);
  chart('fees', 'bar', [
    { type: 'line', label: 'fee factor (%)', data: d.feeFactor, borderColor: '#ff7f0e', backgroundColor: '#ff7f0e', stepped: true, yAxisID: 'y1' },
    { label: 'liquidity fees', data: d.fees, backgroundColor: '#9ecae1' }
  ], { scales: { y: { position: 'left' }, y1: { position: 'right', grid: { drawOnChartArea: false } } } });
  chart('income', 'bar', series(d.income), { scales: { x: { stacked: true }, y: { stacked: true } } });
  chart('annualised', 'line', series(d.annualised));
  chart('els', 'line', series(d.els, { fill: true }), { scales: { y: { stacked: true, max: 100 } } });
  chart('margin', 'line', series(d.margin));
})();
</script>
</body>
</html>
`;
}
