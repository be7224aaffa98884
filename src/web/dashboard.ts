// The dashboard page of a finished simulation (also its report.html) or sweep: tables are rendered here as HTML,
// charts are drawn in the browser by src/web/assets/dashboard.js from the embedded data, through the shared page
// shell (src/web/shell.ts: uPlot inlined, works offline). Sections: price (candles with volume, price-monitoring
// bounds, auctions shaded; mark, index, oracle and last trade), order book (ladder, depth, trades tape — the book at
// the end of the run), funding (estimate, history per period, TWAPs), open interest and liquidity (stake, each LP's
// time on book, fees and penalties per epoch), margins (per party, close-outs, insurance pool), the market makers
// (quotes vs fair, inventory, P&L split) and every agent's P&L, with a time-range selector over all time charts.
import { overviewRows } from '../sim/summary.ts';
import type { AgentDetail, RunData, SweepData } from './data.ts';
import { assetScript, escapeHtml, htmlTable, kvTable, num, renderPage, tiles, type Cell } from './shell.ts';

const card = (title: string, inner: string, cls = '') =>
  `<section class="card ${cls}"><h3>${escapeHtml(title)}</h3>${inner}</section>`;

const slot = (id: string, cls = '') => `<div id="${id}" class="slot ${cls}"></div>`;

const last = (xs: readonly (number | null)[] | undefined): number | null => {
  if (!xs) return null;
  for (let i = xs.length - 1; i >= 0; i--) if (xs[i] !== null && xs[i] !== undefined) return xs[i]!;
  return null;
};

const pct = (x: number | null, d = 4) => (x === null ? '–' : `${(x * 100).toFixed(d)}%`);

function iso(unixS: number): string {
  return new Date(unixS * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

function runTables(d: RunData): { overview: string; mm: string; lp: string; kinds: string; closeOuts: string } {
  const s = d.summary;
  const overview = kvTable([
    ...overviewRows(s, (x, d) => num(x, d)),
    ...(s.commands.topRejections.length
      ? [['rejections', s.commands.topRejections.map(([k, v]) => `${k} ×${v}`).join('; ')] as [string, Cell]]
      : []),
    ['state hash', s.stateHash],
    ['money', s.conservation.ok ? 'conserved at every block' : 'NOT conserved'],
  ]);
  const mms = s.agentsDetail.filter((a) => a.kind === 'avellaneda-stoikov');
  const mm = htmlTable(
    [
      { title: 'party', left: true },
      { title: 'gamma' },
      { title: 'trades' },
      { title: 'position' },
      { title: 'spread', signed: true },
      { title: 'inventory', signed: true },
      { title: 'funding', signed: true },
      { title: 'fees', signed: true },
      { title: 'other', signed: true },
      { title: 'total', signed: true },
    ],
    mms.map((a) => [
      a.party,
      typeof a.strategy?.['gamma'] === 'number' ? String(a.strategy['gamma']) : '',
      a.trades,
      a.position,
      a.pnl.spread,
      a.pnl.inventory,
      a.pnl.funding,
      a.pnl.fees,
      a.pnl.other,
      a.pnl.total,
    ]),
  );
  const lps = s.agentsDetail.filter((a) => a.kind === 'liquidity-provider');
  const lp = htmlTable(
    [
      { title: 'party', left: true },
      { title: 'commitment' },
      { title: 'fee' },
      { title: 'status', left: true },
      { title: 'LP fees', signed: true },
      { title: 'penalties', signed: true },
      { title: 'trading', signed: true },
      { title: 'total', signed: true },
    ],
    lps.map((a) => {
      const p = s.liquidity.provisions.find((x) => x.party === a.party);
      const trading = a.pnl.spread + a.pnl.inventory + a.pnl.funding + a.pnl.fees + a.pnl.other;
      return [
        a.party,
        p ? p.commitment : null,
        p?.fee ?? '–',
        p?.status.toLowerCase() ?? 'none',
        a.pnl.lpFees,
        a.pnl.penalties,
        trading,
        a.pnl.total,
      ];
    }),
  );
  const kinds = htmlTable(
    [{ title: 'agent type', left: true }, { title: 'parties' }, { title: 'volume' }, { title: 'P&L', signed: true }],
    Object.entries(s.byKind).map(([k, v]) => [k, v.parties, v.volume, v.pnl]),
  );
  const closed = s.agentsDetail.filter((a) => a.closedOut > 0);
  const closeOuts = closed.length
    ? htmlTable(
        [
          { title: 'party', left: true },
          { title: 'type', left: true },
          { title: 'close-outs' },
          { title: 'deposit' },
          { title: 'P&L', signed: true },
        ],
        closed.map((a) => [a.party, a.kind, a.closedOut, a.deposit, a.pnl.total]),
      )
    : '<p class="note">No party was closed out.</p>';
  return { overview, mm, lp, kinds, closeOuts };
}

/** The programmes' lines of every agent (discounts, rebates, referral rewards, rewards; vested of the rewards). */
function programmesTable(d: RunData): string {
  const rows = d.summary.agentsDetail.filter((a) => a.pnl['rewards'] !== undefined);
  const n = (a: AgentDetail, k: string) => (typeof a.pnl[k] === 'number' ? (a.pnl[k] as number) : 0);
  return htmlTable(
    [
      { title: 'party', left: true },
      { title: 'type', left: true },
      { title: 'fees (before discounts)', signed: true },
      { title: 'discounts', signed: true },
      { title: 'rebates', signed: true },
      { title: 'referral rewards', signed: true },
      { title: 'rewards', signed: true },
      { title: 'of which vested' },
      { title: 'total P&L', signed: true },
    ],
    rows.map((a) => [
      a.party,
      a.kind,
      a.pnl.fees,
      n(a, 'discounts'),
      n(a, 'rebates'),
      n(a, 'referralRewards'),
      n(a, 'rewards'),
      n(a, 'vested'),
      a.pnl.total,
    ]),
  );
}

function marginsTable(d: RunData): string {
  const detail = new Map<string, AgentDetail>(d.summary.agentsDetail.map((a) => [a.party, a]));
  return htmlTable(
    [
      { title: 'party', left: true },
      { title: 'type', left: true },
      { title: 'position' },
      { title: 'maintenance' },
      { title: 'initial' },
      { title: 'margin account' },
      { title: 'order margin' },
      { title: 'general' },
      { title: 'margin / maintenance' },
      { title: 'close-outs' },
    ],
    d.agents.map((a) => {
      const m = last(a.series['maintenance']);
      const held = last(a.series['margin']);
      return [
        a.party,
        a.kind,
        last(a.series['position']),
        m,
        last(a.series['initial']),
        held,
        last(a.series['order_margin']),
        last(a.series['general']),
        m && held !== null ? held / m : null,
        detail.get(a.party)?.closedOut ?? 0,
      ];
    }),
  );
}

function lpEpochTable(d: RunData): string {
  const rows: Cell[][] = [];
  for (const a of d.agents)
    for (const e of a.epochs ?? [])
      rows.push([a.party, e.epoch, e.samples, e.onBook * 100, e.fees, e.penalties === 0 ? 0 : -e.penalties]);
  if (!rows.length) return '<p class="note">No liquidity provider in this run.</p>';
  return htmlTable(
    [
      { title: 'LP', left: true },
      { title: 'epoch' },
      { title: 'samples' },
      { title: 'time on book %' },
      { title: 'fees', signed: true },
      { title: 'penalties' },
    ],
    rows,
  );
}

function marketSection(d: RunData, i: number): string {
  const m = d.markets[i]!;
  const s = m.series;
  const perp = m.product === 'perpetual';
  // spot (spec 0080-SPOT): no open interest, insurance pool or margin; the "oracle" is the public external price
  const spot = m.product === 'spot';
  const summary = d.summary.markets.find((x) => x.id === m.id);
  const head = tiles([
    ['mark', num(last(s['mark']))],
    ['index (underlying)', num(last(s['index']))],
    [spot ? 'external price' : 'oracle', num(last(s['oracle']))],
    ['last trade', num(last(s['last_trade']))],
    ...(perp ? ([['funding estimate', pct(last(s['funding_rate']))]] as [string, string][]) : []),
    ...(spot
      ? []
      : ([
          ['open interest', num(last(s['open_interest']))],
          ['insurance pool', num(summary?.insurancePool ?? last(s['insurance_pool']), 2)],
        ] as [string, string][])),
    ['supplied / target stake', `${num(last(s['supplied_stake']), 0)} / ${num(last(s['target_stake']), 0)}`],
  ]);
  const auctions = m.auctions.length
    ? htmlTable(
        [{ title: 'trigger', left: true }, { title: 'start (UTC)', left: true }, { title: 'length (s)' }],
        m.auctions.map((a) => [
          a[2].toLowerCase(),
          iso(a[0]),
          a[1] === null ? 'still running at the end' : a[1] - a[0],
        ]),
      )
    : '<p class="note">No auction after the opening auction.</p>';
  const funding = perp
    ? `<h2>Funding</h2>
<div class="grid">
${card('Funding rate estimate (the current period’s rate if it ended now)', slot(`c-funding-${i}`))}
${card('Funding rate per period', slot(`c-funding-history-${i}`))}
${card('Mark and index TWAPs of the current funding period', slot(`c-twaps-${i}`))}
${card(
  'Funding periods',
  `<div class="scroll">${htmlTable(
    [{ title: 'period', left: true }, { title: 'end (UTC)', left: true }, { title: 'rate %' }, { title: 'payment' }],
    m.funding.map((f) => [f.seq, iso(f.end), f.rate === null ? null : f.rate * 100, f.payment]),
  )}</div>`,
)}
</div>`
    : '';
  return `<h2>${escapeHtml(m.name)} <span class="unit">(${escapeHtml(m.id)}, ${escapeHtml(m.product)})</span></h2>
${head}
<div class="grid">
${card('Price: candles with volume, mark, price-monitoring bounds; auctions shaded', slot(`c-candles-${i}`), 'wide')}
${card('Mark, index, oracle and last trade', slot(`c-prices-${i}`), 'wide')}
</div>
<h2>Order book <span class="unit">(at the end of the run)</span></h2>
<div class="grid narrow">
${card('Ladder', slot(`ladder-${i}`))}
${card('Depth', slot(`c-depth-${i}`))}
${card('Trades tape (latest first)', `<div class="scroll">${slot(`tape-${i}`)}</div>`)}
</div>
${funding}
<h2>${spot ? 'Liquidity' : 'Open interest and liquidity'}</h2>
<div class="grid">
${spot ? '' : card('Open interest', slot(`c-oi-${i}`))}
${card('Target vs supplied stake', slot(`c-stake-${i}`))}
${card('Spread and depth within 1% of the mid', slot(`c-spread-${i}`))}
${card('Activity per sample', slot(`c-activity-${i}`))}
</div>
${
  spot
    ? ''
    : `<h2>Margins</h2>
<div class="grid">
${card('All parties: maintenance margin, margin accounts, insurance pool', slot(`c-margins-${i}`))}
${card('One party: margin levels vs balances', `<select id="party-${i}" class="pick"></select>${slot(`c-party-${i}`)}`)}
</div>`
}
<h2>Auctions</h2>
<div class="card">${auctions}</div>`;
}

/** The dashboard of a finished simulation (also written as its report.html). */
export function renderRunDashboard(d: RunData): string {
  const s = d.summary;
  const t = runTables(d);
  const data = {
    kind: 'simulation',
    start: d.start,
    end: d.end,
    markets: d.markets,
    agents: d.agents,
    ...(d.programmes ? { programmes: d.programmes } : {}),
  };
  const programmes = d.programmes
    ? `<h2>Incentive programmes <span class="unit">(referral, volume discount, volume rebate, rewards)</span></h2>
<div class="grid">
${card('Programme income per epoch end, cumulative (discounts + rebates + referral rewards + rewards)', slot('c-programmes'))}
${card('Rewards paid and vested, cumulative, all agents', slot('c-programmes-vesting'))}
${card('Each agent’s programme lines (settlement asset; they add to the P&L split’s total)', `<div class="scroll">${programmesTable(d)}</div>`, 'wide')}
</div>`
    : '';
  const body = `<div id="range"></div>
${d.markets.map((_, i) => marketSection(d, i)).join('\n')}
<h2>Liquidity providers</h2>
<div class="grid">
${card('Commitments and P&L', t.lp)}
${card('Fees and penalties per epoch', slot('c-lp-epochs'))}
${card('Per epoch: time on book (share of samples with orders on the book), fees, penalties', `<div class="scroll">${lpEpochTable(d)}</div>`, 'wide')}
</div>
<h2>Market makers</h2>
<div class="grid">
${card('Quotes vs fair price', `<select id="mm-pick" class="pick"></select>${slot('c-mm-quotes')}`)}
${card('Inventory (position, contracts)', slot('c-mm-inventory'))}
${card('P&L split (settlement asset; total = equity − deposits)', t.mm, 'wide')}
</div>
${programmes}
<h2>Parties at the end</h2>
<div class="grid">
${card('Margins per party', `<div class="scroll">${marginsTable(d)}</div>`, 'wide')}
${card('Close-outs', t.closeOuts)}
${card('P&L by agent type', t.kinds)}
</div>
<h2>P&amp;L of every agent</h2>
<div class="grid">
${card('Each market maker and liquidity provider', slot('c-pnl-individual'))}
${card('Other agents, summed by type', slot('c-pnl-kinds'))}
${card('Every other agent', slot('c-pnl-all'), 'wide')}
</div>
<h2>Run</h2>
<div class="card">${t.overview}</div>`;
  return renderPage({
    title: `perpsim — ${s.scenario}`,
    subtitle: escapeHtml(
      `${s.days} days of ${s.blockSeconds}-second blocks from ${s.start}, seed ${s.seed}, ${s.agents} agents; ${s.markets.map((m) => `${m.name} (${m.priceProcess})`).join('; ')}`,
    ),
    body,
    data,
    script: `${assetScript('dashboard.js')}\nPerpsimDashboard.simulation(JSON.parse(document.getElementById('data').textContent));`,
  });
}

/** The dashboard of a finished sweep: P&L against each swept parameter, and every run in a table. */
export function renderSweepDashboard(d: SweepData): string {
  const params = Object.keys(d.grid);
  const pnlKeys = [
    ...new Set(d.rows.flatMap((r) => Object.keys(r).filter((k) => k.endsWith('.total') || k.startsWith('pnl.')))),
  ];
  const cols: string[] = [];
  for (const r of d.rows) for (const k of Object.keys(r)) if (!cols.includes(k) && k !== 'stateHash') cols.push(k);
  const table = htmlTable(
    cols.map((c) => ({ title: c, left: typeof d.rows[0]?.[c] === 'string' })),
    d.rows.map((r) =>
      cols.map((c) => {
        const v = r[c];
        return typeof v === 'number' || typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
      }),
    ),
  );
  const body = `<p>${d.rows.length} runs of ${escapeHtml(d.scenario)}; grid ${escapeHtml(JSON.stringify(d.grid))}.</p>
<div class="grid">
${params.map((p, i) => card(`P&L against ${p}`, slot(`c-sweep-${i}`))).join('\n')}
${card('P&L by run', slot('c-sweep-runs'), 'wide')}
</div>
<h2>Runs</h2>
<div class="card"><div class="scroll">${table}</div></div>`;
  return renderPage({
    title: `perpsim sweep — ${d.source}`,
    subtitle: escapeHtml(`${d.rows.length} runs; parameters ${params.join(', ')}`),
    body,
    data: { kind: 'sweep', params, pnlKeys, rows: d.rows },
    script: `${assetScript('dashboard.js')}\nPerpsimDashboard.sweep(JSON.parse(document.getElementById('data').textContent));`,
  });
}
