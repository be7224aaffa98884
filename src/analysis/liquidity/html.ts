// A self-contained HTML page of the liquidity report, in perpsim's shared page shell (src/web/shell.ts: uPlot and the
// chart runtime inlined, so the page opens offline): the target and supplied stake, the fee factor and the day's
// fees, each provider's fee income, annualised return, equity-like share and margin; the totals and the market's
// parameters as HTML tables, and the model's assumptions.
import { escapeHtml, htmlTable, kvTable, renderPage } from '../../web/shell.ts';
import type { LiquidityReport } from './model.ts';

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
  // ISO days become unix seconds (a time axis); other day labels are plotted by their position
  const times = r.days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
  const timeAxis = times.every((t) => Number.isFinite(t));
  return {
    days: r.days.map((d) => d.day),
    x: timeAxis ? times : r.days.map((_, i) => i + 1),
    timeAxis,
    targetStake: r.days.map((d) => Number(d.targetStake)),
    suppliedStake: r.days.map((d) => Number(d.suppliedStake)),
    feeFactor: r.days.map((d) => Number(d.liquidityFeeFactor) * 100),
    fees: r.days.map((d) => Number(d.liquidityFees)),
    income: per('income'),
    els: per('equityLikeShare', 100),
    // spot (no margin): the value the obligation's resting orders hold
    margin: r.market.spot
      ? parties.map((party) => ({
          party,
          values: r.days.map((d) => {
            const p = d.providers.find((x) => x.party === party);
            return p?.held ? Number(p.held.value) : null;
          }),
        }))
      : per('initialMargin'),
    annualised: per('annualisedReturn', 100),
  };
}

const PAGE_SCRIPT = `
(function () {
  var C = PerpsimCharts;
  var d = JSON.parse(document.getElementById('data').textContent);
  function el(id) { return document.getElementById(id); }
  function perParty(list, unit, name, opts) {
    return C.line(el(name), Object.assign({
      name: name, time: d.timeAxis, xLabel: d.timeAxis ? undefined : 'day',
      data: [d.x].concat(list.map(function (s) { return s.values; })),
      series: list.map(function (s, i) { return { label: s.party, color: C.COLORS[i % C.COLORS.length], width: 2, points: true }; }),
      unit: unit
    }, opts || {}));
  }
  C.line(el('stake'), {
    name: 'stake', time: d.timeAxis, xLabel: d.timeAxis ? undefined : 'day', data: [d.x, d.targetStake, d.suppliedStake],
    series: [{ label: 'target stake', color: '#d62728', width: 2 }, { label: 'supplied stake', color: '#1f77b4', width: 2, step: 1 }],
    unit: d.asset
  });
  C.line(el('fees'), {
    name: 'fees', time: d.timeAxis, xLabel: d.timeAxis ? undefined : 'day', data: [d.x, d.fees, d.feeFactor],
    series: [{ label: 'liquidity fees (left)', color: '#9ecae1', bars: true }, { label: 'fee factor % (right)', color: '#ff7f0e', width: 2, step: 1, axis: 2 }],
    unit: d.asset, unit2: '%'
  });
  perParty(d.income, d.asset, 'income');
  perParty(d.annualised, '%', 'annualised');
  perParty(d.els, '%', 'els');
  perParty(d.margin, d.asset, 'margin');
  C.seal();
})();
`;

export function liquidityHtml(r: LiquidityReport, title: string): string {
  const asset = r.market.asset;
  const totals = htmlTable(
    [
      { title: 'provider', left: true },
      { title: 'days' },
      { title: `fees (${asset})` },
      { title: 'bond penalties' },
      { title: 'income', signed: true },
      { title: 'average capital' },
      { title: 'annualised %', signed: true },
    ],
    r.totals.map((t) => [
      t.party,
      t.days,
      t.fees,
      t.bondPenalties,
      Number(t.income),
      t.averageCapital,
      Number((t.annualisedReturn * 100).toFixed(1)),
    ]),
  );
  const market = kvTable([
    ['market', `${r.market.name} (${r.market.proposal})`],
    ['settlement asset', asset],
    ['risk factors', `long ${r.market.riskFactors.long}, short ${r.market.riskFactors.short}`],
    ['target-stake scaling factor', r.market.targetStakeScalingFactor],
    ['liquidity fee method', r.market.feeMethod],
    [
      'SLA',
      `price range ${r.market.sla.priceRange}, minimum time fraction ${r.market.sla.commitmentMinTimeFraction}, competition factor ${r.market.sla.slaCompetitionFactor}, hysteresis ${r.market.sla.performanceHysteresisEpochs} epochs`,
    ],
  ]);
  const chart = (id: string, caption: string) =>
    `<section class="card"><h3>${escapeHtml(caption)}</h3><div id="${id}"></div></section>`;
  const body = `<div class="grid">
<section class="card"><h3>Market</h3>${market}</section>
<section class="card"><h3>Totals</h3>${totals}</section>
${chart('stake', `Target and supplied stake (${asset})`)}
${chart('fees', `Liquidity fees of the day (${asset}) and the liquidity fee factor (%)`)}
${chart('income', `Fee income per provider per day, after SLA penalties, bonus and bond penalties (${asset})`)}
${chart('annualised', r.market.spot ? 'Annualised return on bond + the value the resting orders hold (%)' : 'Annualised return on bond + initial margin (%)')}
${chart('els', 'Equity-like share (%)')}
${chart('margin', r.market.spot ? `Value held by the order-book obligation's resting orders (${asset}; spot has no margin)` : `Initial margin of the order-book obligation (${asset})`)}
</div>
<h2>Assumptions</h2>
<section class="card"><ul>
${r.assumptions.map((a) => `<li>${escapeHtml(a)}</li>`).join('\n')}
</ul></section>`;
  return renderPage({
    title,
    subtitle: escapeHtml(`${r.days.length} days, ${r.totals.length} providers`),
    body,
    data: { ...chartData(r), asset },
    script: PAGE_SCRIPT,
  });
}
