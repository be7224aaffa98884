// The summary table printed at the end of a run: activity (blocks, speed, trades, volume, auctions, close-outs),
// funding, fees, liquidity provision (LP fees and penalties from the ledger's transfers), each market maker's P&L
// split into spread, inventory, funding and fees, P&L by agent type, and the integrity lines (state hash, money).
import { table } from '../cli/format.ts';
import type { RunResult, Summary } from './runner.ts';

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const n2 = (x: number) =>
  x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'auto' });
const pct = (x: number, d = 4) => `${(x * 100).toFixed(d)}%`;

export function renderSummary(r: RunResult, outDir?: string): string {
  const s: Summary = r.summary;
  const out: string[] = [];
  const m = s.markets[0];
  out.push(
    `perpsim simulate: ${s.scenario} — ${s.days} days of ${s.blockSeconds}-second blocks, ${s.agents} agents, seed ${s.seed}`,
  );
  for (const mk of s.markets) out.push(`  market          ${mk.name} (${mk.product}); underlying: ${mk.priceProcess}`);
  out.push('');
  // spot markets (spec 0080-SPOT) have no close-outs, funding, open interest or insurance pool
  const spot = s.markets.length > 0 && s.markets.every((mk) => mk.spot !== undefined) ? m?.spot : undefined;
  let rows = overviewRows(s, (x, d) => (d === 2 ? n2(x) : n0(x)));
  if (spot)
    rows = rows
      .filter(([k]) => k !== 'close-outs' && k !== 'funding')
      .map(([k, v]) => [
        k,
        k === 'volume' ? v.replace('contracts, notional', `${spot.base}, notional`) + ` ${spot.quote}` : v,
      ]);
  rows.push(['LP stake', m ? `supplied ${n2(m.suppliedStake)} vs target ${n2(m.targetStake)} at the end` : '-']);
  if (m)
    rows.push([
      'end',
      spot
        ? `mark ${m.finalMark.toFixed(4)} vs external price ${m.finalIndex.toFixed(4)} ${spot.quote}`
        : `mark ${m.finalMark.toFixed(4)} vs index ${m.finalIndex.toFixed(4)}; open interest ${n0(m.openInterest)}; insurance pool ${n2(m.insurancePool)}`,
    ]);
  const w = Math.max(...rows.map((x) => x[0].length));
  for (const [k, v] of rows) out.push(`  ${k.padEnd(w)}  ${v}`);
  if (s.commands.topRejections.length)
    out.push(`  ${''.padEnd(w)}  rejections: ${s.commands.topRejections.map(([k, v]) => `${k} ×${v}`).join('; ')}`);

  out.push(
    '',
    spot
      ? `Market makers (P&L in ${spot.quote}; total = ${spot.quote} + ${spot.base} at the final mark − what they started with; inventory in ${spot.base} bought net)`
      : 'Market makers (P&L in the settlement asset; total = equity − deposits)',
  );
  const fundingCol = spot ? [] : [{ title: 'funding', align: 'right' as const }];
  out.push(
    table(
      [
        { title: 'party' },
        { title: 'gamma', align: 'right' },
        { title: 'trades', align: 'right' },
        { title: 'position', align: 'right' },
        { title: 'spread', align: 'right' },
        { title: 'inventory', align: 'right' },
        ...fundingCol,
        { title: 'fees', align: 'right' },
        { title: 'other', align: 'right' },
        { title: 'total', align: 'right' },
      ],
      s.marketMakers.map((a) => [
        a.party,
        String(a.strategy?.['gamma'] ?? ''),
        n0(a.trades),
        spot ? a.position.toFixed(4) : n0(a.position),
        n2(a.pnl.spread),
        n2(a.pnl.inventory),
        ...(spot ? [] : [n2(a.pnl.funding)]),
        n2(a.pnl.fees),
        n2(a.pnl.other),
        n2(a.pnl.total),
      ]),
    ),
  );
  const lps = r.agents.filter((a) => a.kind === 'liquidity-provider');
  if (lps.length) {
    out.push('', 'Liquidity providers');
    out.push(
      table(
        [
          { title: 'party' },
          { title: 'commitment', align: 'right' },
          { title: 'fee' },
          { title: 'status' },
          { title: 'LP fees', align: 'right' },
          { title: 'penalties', align: 'right' },
          { title: 'trading', align: 'right' },
          { title: 'total', align: 'right' },
        ],
        lps.map((a) => {
          const p = s.liquidity.provisions.find((x) => x.party === a.party);
          const trading = a.pnl.spread + a.pnl.inventory + a.pnl.funding + a.pnl.fees + a.pnl.other;
          return [
            a.party,
            p ? n2(p.commitment) : '-',
            p?.fee ?? '-',
            p?.status.toLowerCase() ?? 'none',
            n2(a.pnl.lpFees),
            n2(a.pnl.penalties),
            n2(trading),
            n2(a.pnl.total),
          ];
        }),
      ),
    );
  }
  if (spot) out.push(...spotHoldingsTable(r, spot));
  if (r.agents.some((a) => a.pnl.rewards !== undefined)) {
    // the programmes' lines: makers and LPs one by one, the other agents summed by type
    const rows = new Map<string, { d: number; rb: number; rr: number; rw: number; v: number }>();
    for (const a of r.agents) {
      const key = a.kind === 'avellaneda-stoikov' || a.kind === 'liquidity-provider' ? a.party : `${a.kind} (all)`;
      const x = rows.get(key) ?? { d: 0, rb: 0, rr: 0, rw: 0, v: 0 };
      x.d += a.pnl.discounts ?? 0;
      x.rb += a.pnl.rebates ?? 0;
      x.rr += a.pnl.referralRewards ?? 0;
      x.rw += a.pnl.rewards ?? 0;
      x.v += a.pnl.vested ?? 0;
      rows.set(key, x);
    }
    out.push('', 'Incentive programmes (fees in the splits above are before these discounts)');
    out.push(
      table(
        [
          { title: 'party' },
          { title: 'discounts', align: 'right' },
          { title: 'rebates', align: 'right' },
          { title: 'referral rewards', align: 'right' },
          { title: 'rewards', align: 'right' },
          { title: 'of which vested', align: 'right' },
        ],
        [...rows].map(([k, x]) => [k, n2(x.d), n2(x.rb), n2(x.rr), n2(x.rw), n2(x.v)]),
      ),
    );
  }
  out.push('', 'By agent type');
  out.push(
    table(
      [
        { title: 'type' },
        { title: 'parties', align: 'right' },
        { title: 'volume', align: 'right' },
        { title: 'P&L', align: 'right' },
      ],
      Object.entries(s.byKind).map(([k, v]) => [k, String(v.parties), n0(v.volume), n2(v.pnl)]),
    ),
  );
  out.push('');
  out.push(`  state hash      ${s.stateHash}`);
  const c = s.conservation;
  out.push(
    `  money           ${c.ok ? 'conserved' : 'NOT CONSERVED'}: ${n0(c.transfersChecked)} transfers and ${n0(c.blocksChecked)} block ends checked, ${c.fullScans} full scans of ${c.accounts} accounts${c.failure ? `; first failure ${c.failure}` : ''}`,
  );
  if (outDir) out.push(`  results         ${outDir}/ (summary.json, report.html, CSV time series)`);
  return out.join('\n');
}

/**
 * The run's activity as label/value rows (blocks, trades, volume, auctions, close-outs, funding, fees, LP fees,
 * commands), shared by the terminal summary and the dashboard's overview table; `fmt` formats a number with 0 or 2
 * decimals.
 */
type Overview = Pick<
  Summary,
  | 'blocks'
  | 'wallSeconds'
  | 'blocksPerSecond'
  | 'trades'
  | 'networkTrades'
  | 'volume'
  | 'notional'
  | 'auctions'
  | 'closeOuts'
  | 'funding'
  | 'fees'
  | 'liquidity'
  | 'commands'
>;

export function overviewRows(s: Overview, fmt: (x: number, digits: 0 | 2) => string): [string, string][] {
  const n0 = (x: number) => fmt(x, 0);
  const n2 = (x: number) => fmt(x, 2);
  return [
    ['blocks', `${n0(s.blocks)} in ${s.wallSeconds.toFixed(1)} s (${n0(s.blocksPerSecond)} blocks/s)`],
    ['trades', `${n0(s.trades)} (+ ${n0(s.networkTrades)} with the network)`],
    ['volume', `${n0(s.volume)} contracts, notional ${n2(s.notional)}`],
    [
      'auctions',
      `${s.auctions.total}${
        s.auctions.total
          ? ` (${Object.entries(s.auctions.byTrigger)
              .map(([k, v]) => `${k.toLowerCase()} ${v}`)
              .join(', ')})`
          : ''
      }`,
    ],
    ['close-outs', `${s.closeOuts.total} (${s.closeOuts.parties} parties)`],
    [
      'funding',
      `${s.funding.periods} periods, ${n2(s.funding.paid)} paid${s.funding.meanRate !== null ? `, mean rate ${pct(s.funding.meanRate)}` : ''}`,
    ],
    [
      'fees paid',
      `maker ${n2(s.fees.maker)}, infrastructure ${n2(s.fees.infrastructure)}, liquidity ${n2(s.fees.liquidity)}`,
    ],
    [
      'LP fees',
      `${n2(s.liquidity.lpFees)} allocated; SLA fee penalties ${n2(s.liquidity.feePenalties)} (bonus paid back ${n2(s.liquidity.bonus)}); bond penalties ${n2(s.liquidity.bondPenalties)}`,
    ],
    [
      'commands',
      `${n0(s.commands.submitted)} submitted, ${n0(s.commands.rejected)} rejected, ${n0(s.commands.cancels)} cancels`,
    ],
  ];
}

/** Spot markets: what each agent type holds at the end against what it started with (base and quote units). */
function spotHoldingsTable(r: RunResult, spot: { base: string; quote: string }): string[] {
  const byKind = new Map<string, { n: number; base: number; base0: number; quote: number; quote0: number }>();
  for (const a of r.agents) {
    const h = a.holdings;
    if (!h) continue;
    const k = byKind.get(a.kind) ?? { n: 0, base: 0, base0: 0, quote: 0, quote0: 0 };
    k.n++;
    k.base += h.base;
    k.base0 += h.baseDeposit;
    k.quote += h.quote;
    k.quote0 += h.quoteDeposit;
    byKind.set(a.kind, k);
  }
  const b = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  return [
    '',
    `Holdings at the end (${spot.base} and ${spot.quote}, all accounts: general, holding, bond, LP fees)`,
    table(
      [
        { title: 'type' },
        { title: 'parties', align: 'right' },
        { title: `${spot.base} start`, align: 'right' },
        { title: `${spot.base} end`, align: 'right' },
        { title: `${spot.quote} start`, align: 'right' },
        { title: `${spot.quote} end`, align: 'right' },
      ],
      [...byKind].map(([k, v]) => [k, String(v.n), b(v.base0), b(v.base), n2(v.quote0), n2(v.quote)]),
    ),
  ];
}
