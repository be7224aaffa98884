// The side-by-side views of `perpsim compare`: a plain-text table for the terminal and a self-contained HTML page
// (the dashboard's page shell with uPlot: the mark and index price, close-outs, the insurance pool and the largest
// leverage over time under each mechanism, and the tables of the text view).
import { escapeHtml, htmlTable, kvTable, renderPage, tiles, type Cell } from '../web/shell.ts';
import { MECHANISMS, type CompareResult, type MechanismResult } from './compare.ts';

const LABEL = { vega: 'Vega', 'margin-fraction': 'margin fraction' } as const;

function n(v: number | null, digits = 2): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Rows of the comparison: label, then one value per mechanism. */
export function comparisonRows(r: CompareResult): [string, string, string][] {
  const row = (label: string, f: (m: MechanismResult) => string): [string, string, string] => [
    label,
    f(r.mechanisms.vega),
    f(r.mechanisms['margin-fraction']),
  ];
  return [
    row('close-outs', (m) => String(m.closeOuts.total)),
    row('parties closed out', (m) => String(m.closeOuts.parties)),
    row('liquidated notional', (m) => n(m.liquidatedNotional)),
    row('insurance pool used', (m) => n(m.insurance.used)),
    row('insurance pool received', (m) => n(m.insurance.received)),
    row('insurance pool at the end', (m) => n(m.insurance.final)),
    row('socialised losses', (m) => n(m.socialisedLosses.total)),
    row('funding paid', (m) => n(m.fundingPaid)),
    row('funding periods', (m) => String(m.fundingPeriods)),
    row('mean funding rate', (m) => (m.meanFundingRate === null ? '–' : m.meanFundingRate.toExponential(3))),
    row('largest leverage', (m) =>
      m.largestLeverage.party ? `${n(m.largestLeverage.value)}× (${m.largestLeverage.party})` : '–',
    ),
    row('trades', (m) => String(m.trades)),
    row('traded notional', (m) => n(m.notional, 0)),
    row('orders rejected', (m) => String(m.ordersRejected)),
    row('final mark price', (m) => n(m.finalMark, 4)),
    row('money conserved', (m) => (m.conservation.ok ? 'yes' : `NO: ${m.conservation.failure ?? ''}`)),
  ];
}

/** The margin-fraction run's token collateral (--token-collateral): label, value rows; empty without it. */
export function collateralRows(r: CompareResult): [string, string][] {
  const c = r.mechanisms['margin-fraction'].collateral;
  if (!c) return [];
  const rows: [string, string][] = [
    ['share of the traders’ deposits held as tokens', n(c.share, 2)],
    ['traders holding tokens', String(c.parties)],
    ['token value at the start', n(c.tokenValue)],
    ['lending pool funded / at the end', `${n(c.lendingPool.funded)} / ${n(c.lendingPool.final)}`],
    ['loans drawn', n(c.loans.lent)],
    ['loans repaid from money', n(c.loans.repaid)],
    ['loans repaid by token liquidation', n(c.loans.repaidByLiquidation)],
    ['bad debt written off', n(c.loans.badDebt)],
    ['loans open at the end', n(c.loans.outstanding)],
    [
      'borrowing used, peak (quote spent beyond own money)',
      `${n(c.borrowing.peak)} (${c.borrowing.peakBorrowers} traders, t = ${c.borrowing.peakT} s)`,
    ],
    ['borrowing used at the end', `${n(c.borrowing.final)} (${c.borrowing.finalBorrowers} traders)`],
    ['token liquidations (accounts)', String(c.liquidations)],
  ];
  for (const t of c.tokens)
    rows.push([
      `${t.asset} (weights ${t.initialWeight} / ${t.maintenanceWeight})`,
      `price ${n(t.startPrice)} → ${n(t.finalPrice)}; held ${n(t.deposited, 4)} → ${n(t.heldAtEnd, 4)}, liquidated ${n(t.liquidated, 4)}; conserved ${t.conserved ? 'yes' : 'NO'}`,
    ]);
  rows.push(['loans add up (open = drawn − repaid − liquidated − written off)', c.loans.balanced ? 'yes' : 'NO']);
  return rows;
}

/** Each maker's total P&L under both mechanisms. */
export function makerRows(r: CompareResult): [string, string, number, number, number][] {
  const mf = new Map(r.mechanisms['margin-fraction'].makers.map((m) => [m.party, m]));
  return r.mechanisms.vega.makers.map((v) => {
    const f = mf.get(v.party);
    const other = f?.pnl.total ?? Number.NaN;
    return [v.party, v.kind, v.pnl.total, other, other - v.pnl.total];
  });
}

function pad(s: string, w: number, right: boolean): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

function textTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => '  ' + r.map((c, i) => pad(c, w[i]!, i > 0)).join('  ');
  return [line(head), '  ' + w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

/** The terminal view. */
export function renderComparison(r: CompareResult, outDir?: string): string {
  const out: string[] = [];
  out.push(
    `perpsim compare: ${r.scenario}, seed ${r.seed}, ${r.days} days, ${r.market}`,
    `margin fraction: IMF ${r.parameters.imf}, MMF ${r.parameters.mmf}, one-sided multiplier ${r.parameters.oneSidedMultiplier}`,
    '',
    textTable(['', LABEL.vega, LABEL['margin-fraction']], comparisonRows(r)),
    '',
    'P&L of the makers (quote units):',
    textTable(
      ['party', 'kind', LABEL.vega, LABEL['margin-fraction'], 'difference'],
      makerRows(r).map(([p, k, a, b, d]) => [p, k, n(a), n(b), n(d)]),
    ),
  );
  const coll = collateralRows(r);
  if (coll.length) out.push('', 'Margin fraction, cross-collateral tokens (quote units):', textTable(['', ''], coll));
  if (outDir) out.push('', `written: ${outDir}/compare.html, ${outDir}/compare.json`);
  return out.join('\n') + '\n';
}

const PAGE_SCRIPT = `
(function () {
  var C = PerpsimCharts;
  var d = JSON.parse(document.getElementById('data').textContent);
  var names = ['vega', 'margin-fraction'];
  var labels = { vega: 'Vega', 'margin-fraction': 'margin fraction' };
  function el(id) { return document.getElementById(id); }
  // uPlot's time axis is in Unix seconds; the series are in seconds since the start
  function xs(s) { return s.t.map(function (t) { return d.startMs / 1000 + t; }); }
  names.forEach(function (m, k) {
    var s = d.series[m];
    C.line(el('price-' + m), {
      name: 'price-' + m, data: [xs(s), s.mark, s.index],
      series: [{ label: labels[m] + ' mark', color: C.COLORS[k], width: 2 }, { label: 'index', color: '#7f7f7f', width: 1, step: 1 }],
      unit: d.quote
    });
  });
  function both(id, key, unit) {
    var v = d.series.vega, f = d.series['margin-fraction'];
    // the two runs sample at their own mark-price times: one chart each, on the same synchronised time cursor
    C.line(el(id), {
      name: id, data: [xs(v), v[key]],
      series: [{ label: 'Vega', color: C.COLORS[0], width: 2, step: 1 }],
      unit: unit
    });
    C.line(el(id + '-mf'), {
      name: id + '-mf', data: [xs(f), f[key]],
      series: [{ label: 'margin fraction', color: C.COLORS[1], width: 2, step: 1 }],
      unit: unit
    });
  }
  both('closeouts', 'closeOuts', 'close-outs');
  both('insurance', 'insurance', d.quote);
  both('leverage', 'maxLeverage', '×');
  var f = d.series['margin-fraction'];
  if (f.borrowed && el('borrowed')) {
    C.line(el('borrowed'), {
      name: 'borrowed', data: [xs(f), f.borrowed],
      series: [{ label: 'borrowed beyond own money', color: C.COLORS[1], width: 2, step: 1 }],
      unit: d.quote
    });
  }
  C.seal();
})();
`;

/** The HTML page. */
export function renderComparisonPage(r: CompareResult, startMs: number, quote: string): string {
  const v = r.mechanisms.vega;
  const f = r.mechanisms['margin-fraction'];
  const rows: Cell[][] = comparisonRows(r).map((x) => [...x]);
  const chart = (id: string, caption: string) =>
    `<section class="card chart"><h3>${escapeHtml(caption)}</h3><div id="${id}"></div></section>`;
  const body = `${tiles([
    ['close-outs (Vega / MF)', `${v.closeOuts.total} / ${f.closeOuts.total}`],
    ['liquidated notional', `${n(v.liquidatedNotional, 0)} / ${n(f.liquidatedNotional, 0)}`],
    ['funding paid', `${n(v.fundingPaid)} / ${n(f.fundingPaid)}`],
    ['largest leverage', `${n(v.largestLeverage.value)}× / ${n(f.largestLeverage.value)}×`],
    ['socialised losses', `${n(v.socialisedLosses.total)} / ${n(f.socialisedLosses.total)}`],
    ['money conserved', `${v.conservation.ok ? 'yes' : 'NO'} / ${f.conservation.ok ? 'yes' : 'NO'}`],
  ])}
<div class="grid">
<section class="card"><h3>Side by side (${escapeHtml(quote)})</h3>${htmlTable(
    [{ title: '', left: true }, { title: LABEL.vega }, { title: LABEL['margin-fraction'] }],
    rows,
  )}</section>
<section class="card"><h3>Rules</h3>${kvTable(MECHANISMS.map((m) => [LABEL[m], r.mechanisms[m].rules]))}
<p class="note">Same scenario, seed, agents and price path; agents react to what they see, so the order flows diverge
from the first different margin decision.</p></section>
<section class="card wide"><h3>P&amp;L of the makers (${escapeHtml(quote)})</h3>${htmlTable(
    [
      { title: 'party', left: true },
      { title: 'kind', left: true },
      { title: LABEL.vega, signed: true },
      { title: LABEL['margin-fraction'], signed: true },
      { title: 'difference', signed: true },
    ],
    makerRows(r),
  )}</section>
${chart('price-vega', 'Vega: mark and index price')}
${chart('price-margin-fraction', 'Margin fraction: mark and index price')}
${chart('closeouts', 'Vega: close-outs (cumulative)')}
${chart('closeouts-mf', 'Margin fraction: close-outs (cumulative)')}
${chart('insurance', `Vega: insurance pool (${quote})`)}
${chart('insurance-mf', `Margin fraction: insurance pool (${quote})`)}
${chart('leverage', 'Vega: largest trader leverage at each mark-to-market')}
${chart('leverage-mf', 'Margin fraction: largest trader leverage at each mark-to-market')}
${
  f.collateral
    ? `<section class="card wide"><h3>Margin fraction: cross-collateral tokens (${escapeHtml(quote)})</h3>${kvTable(collateralRows(r))}
<p class="note">Traders other than the makers hold this share of their deposit as ETH and BTC; a lending pool lends
the quote against them up to their maintenance-weighted value (price − confidence), so losses beyond their own money
are borrowed; a falling token price makes the loan repaid from money or the tokens liquidated.</p></section>
${chart('borrowed', `Margin fraction: quote borrowed beyond the traders' own money (${quote})`)}`
    : ''
}
</div>`;
  return renderPage({
    title: `perpsim compare — ${r.market}`,
    subtitle: escapeHtml(
      `${r.scenario}, seed ${r.seed}, ${r.days} days; margin fraction IMF ${r.parameters.imf}, MMF ${r.parameters.mmf}`,
    ),
    body,
    data: { series: r.series, startMs, quote },
    script: PAGE_SCRIPT,
  });
}
