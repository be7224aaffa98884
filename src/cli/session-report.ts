// The report of `perpsim session`: its rows (blocks, trades, parties, close-outs, funding), the text rendering as
// tables and the JSON form. Every amount is an exact decimal string in the market's or the asset's precision.
import { type TradingMode } from '../core/index.ts';
import { clock, formatTime, table } from './format.ts';

export interface TradeRow {
  readonly block: number;
  readonly time: string;
  readonly buyer: string;
  readonly seller: string;
  readonly price: string;
  readonly size: string;
  /** buy / sell (the aggressor's side), auction, or the network trade type */
  readonly kind: string;
}

export interface BlockRow {
  readonly block: number;
  readonly time: string;
  readonly targetPrice: string | null;
  readonly markPrice: string;
  readonly tradingMode: TradingMode;
  readonly trades: number;
  readonly volume: string;
  /** parties whose margin was topped up from general (margin search) at the block's mark-to-market */
  readonly marginSearched: readonly string[];
  /** parties whose excess margin went back to general (release) at the block's mark-to-market */
  readonly marginReleased: readonly string[];
  readonly closedOut: readonly string[];
}

export interface PartyRow {
  readonly party: string;
  readonly role: string;
  readonly deposit: string;
  readonly position: string;
  readonly maintenance: string;
  readonly search: string;
  readonly initial: string;
  readonly release: string;
  readonly general: string;
  readonly margin: string;
}

export interface CloseOutRow {
  readonly block: number;
  readonly time: string;
  readonly party: string;
  readonly size: string;
  readonly price: string;
}

export interface FundingRow {
  readonly seq: number;
  readonly start: string;
  readonly end: string;
  /** funding rate of the period */
  readonly rate: string | null;
  /** funding payment per unit of position, in the settlement asset (longs pay when positive) */
  readonly paymentPerUnit: string | null;
  /** time-weighted mark (internal) and oracle (external) prices of the period */
  readonly internalTwap: string | null;
  readonly externalTwap: string | null;
  /** signed cash flows of the parties (positive: received) */
  readonly payments: readonly { readonly party: string; readonly amount: string }[];
}

export interface SessionReport {
  readonly proposal: {
    readonly file: string;
    readonly title: string | null;
    readonly warnings: readonly string[];
    /** proposal fields the engine accepts without modelling them */
    readonly notModelled: readonly { readonly path: string; readonly reason: string }[];
  };
  readonly market: {
    readonly id: string;
    readonly name: string;
    readonly product: 'future' | 'perpetual' | 'spot';
    readonly asset: { readonly id: string; readonly symbol: string; readonly decimals: number };
    readonly decimalPlaces: number;
    readonly positionDecimalPlaces: number;
    readonly tickSize: string;
    readonly riskFactors: { readonly long: string; readonly short: string };
    readonly marginScalingFactors: { readonly search: string; readonly initial: string; readonly release: string };
    readonly openingAuction: { readonly start: string; readonly end: string };
  };
  readonly options: {
    readonly steps: number;
    readonly seed: string;
    readonly blockSeconds: number;
    readonly price: string;
  };
  readonly blocks: readonly BlockRow[];
  readonly trades: readonly TradeRow[];
  readonly parties: readonly PartyRow[];
  readonly closeOuts: readonly CloseOutRow[];
  /** perpetuals: funding periods that ended during the session */
  readonly funding: readonly FundingRow[];
  /** commands the engine refused (none in a normal run) */
  readonly rejectedCommands: readonly {
    readonly block: number;
    readonly command: 'order' | 'oracle data';
    readonly party: string;
    readonly error: string;
  }[];
  readonly summary: {
    readonly trades: number;
    readonly networkTrades: number;
    readonly closeOuts: number;
    readonly totalVolume: string;
    readonly totalNotional: string;
    readonly feesPaid: { readonly maker: string; readonly infrastructure: string; readonly liquidity: string };
    readonly insurancePool: string;
    readonly finalMarkPrice: string;
    /** the sum of all accounts equals net deposits (from the ledger events) */
    readonly moneyConserved: boolean;
    readonly stateHash: string;
  };
}

// ------------------------------------------------------------------ text rendering

export function renderSession(r: SessionReport): string {
  const m = r.market;
  const sym = m.asset.symbol;
  const out: string[] = [];
  out.push(`perpsim session: ${m.name} (${m.product}), market ${m.id}`);
  out.push(`  proposal        ${r.proposal.file}${r.proposal.title ? ` - "${r.proposal.title}"` : ''}`);
  out.push(
    `  settlement      ${sym} (${m.asset.decimals} decimals); prices ${m.decimalPlaces} dp, sizes ${m.positionDecimalPlaces} dp, tick ${m.tickSize}`,
  );
  out.push(
    `  risk factors    long ${m.riskFactors.long}, short ${m.riskFactors.short}; margin scaling search ${m.marginScalingFactors.search}, initial ${m.marginScalingFactors.initial}, release ${m.marginScalingFactors.release}`,
  );
  out.push(
    `  opening auction ${formatTime(BigInt(Date.parse(m.openingAuction.start)) * 1_000_000n)} to ${clock(BigInt(Date.parse(m.openingAuction.end)) * 1_000_000n)} UTC`,
  );
  out.push(
    `  script          ${r.options.steps} blocks of ${r.options.blockSeconds}s from ${r.options.price}, seed ${r.options.seed}`,
  );
  for (const w of r.proposal.warnings) out.push(`  note: ${w}`);
  if (r.proposal.notModelled.length) {
    out.push('', 'Proposal fields not modelled (accepted, no effect on the simulation)');
    for (const f of r.proposal.notModelled) out.push(`  ${f.path}: ${f.reason}`);
  }

  const t = (iso: string) => clock(BigInt(Date.parse(iso)) * 1_000_000n);
  const list = (xs: readonly string[]) => (xs.length ? xs.join(' ') : '-');
  out.push('', 'Blocks (mark price after each block; margin moves at its mark-to-market)');
  out.push(
    table(
      [
        { title: 'block', align: 'right' },
        { title: 'time' },
        { title: 'target', align: 'right' },
        { title: 'mark', align: 'right' },
        { title: 'mode' },
        { title: 'trades', align: 'right' },
        { title: 'volume', align: 'right' },
        { title: 'margin searched' },
        { title: 'margin released' },
        { title: 'closed out' },
      ],
      r.blocks.map((b) => [
        b.block === 0 ? 'open' : String(b.block),
        t(b.time),
        b.targetPrice ?? '-',
        b.markPrice,
        b.tradingMode.toLowerCase(),
        String(b.trades),
        b.volume,
        list(b.marginSearched),
        list(b.marginReleased),
        list(b.closedOut),
      ]),
    ),
  );

  out.push('', 'Trades');
  out.push(
    table(
      [
        { title: 'block', align: 'right' },
        { title: 'time' },
        { title: 'buyer' },
        { title: 'seller' },
        { title: 'price', align: 'right' },
        { title: 'size', align: 'right' },
        { title: 'aggressor / type' },
      ],
      r.trades.map((x) => [
        x.block === 0 ? 'open' : String(x.block),
        t(x.time),
        x.buyer,
        x.seller,
        x.price,
        x.size,
        x.kind,
      ]),
    ),
  );

  if (r.funding.length) {
    out.push('', `Funding periods (payment per unit in ${sym}; longs pay when positive)`);
    out.push(
      table(
        [
          { title: 'period', align: 'right' },
          { title: 'end' },
          { title: 'rate', align: 'right' },
          { title: 'per unit', align: 'right' },
          { title: 'mark TWAP', align: 'right' },
          { title: 'oracle TWAP', align: 'right' },
          { title: 'payments' },
        ],
        r.funding.map((f) => [
          String(f.seq),
          t(f.end),
          f.rate ?? '-',
          f.paymentPerUnit ?? 'no data',
          f.internalTwap ?? '-',
          f.externalTwap ?? '-',
          f.payments.map((p) => `${p.party} ${p.amount}`).join(', ') || '-',
        ]),
      ),
    );
  }

  out.push('', `Parties at the end (${sym})`);
  out.push(
    table(
      [
        { title: 'party' },
        { title: 'role' },
        { title: 'position', align: 'right' },
        { title: 'maintenance', align: 'right' },
        { title: 'search', align: 'right' },
        { title: 'initial', align: 'right' },
        { title: 'release', align: 'right' },
        { title: 'general', align: 'right' },
        { title: 'margin', align: 'right' },
        { title: 'deposited', align: 'right' },
      ],
      r.parties.map((p) => [
        p.party,
        p.role,
        p.position,
        p.maintenance,
        p.search,
        p.initial,
        p.release,
        p.general,
        p.margin,
        p.deposit,
      ]),
    ),
  );

  const s = r.summary;
  out.push('', 'Summary');
  const closeOuts = r.closeOuts.map((c) => `${c.party} ${c.size} at ${c.price} (block ${c.block})`).join(', ');
  out.push(`  close-outs      ${s.closeOuts}${closeOuts ? `: ${closeOuts}` : ''}`);
  out.push(`  insurance pool  ${s.insurancePool} ${sym}`);
  out.push(
    `  total volume    ${s.totalVolume} (notional ${s.totalNotional} ${sym}) in ${s.trades} trades, ${s.networkTrades} with the network`,
  );
  out.push(
    `  fees paid       maker ${s.feesPaid.maker}, infrastructure ${s.feesPaid.infrastructure}, liquidity ${s.feesPaid.liquidity} ${sym}`,
  );
  out.push(`  final mark      ${s.finalMarkPrice}`);
  if (r.rejectedCommands.length) {
    const list = r.rejectedCommands.map((c) => `${c.command} of ${c.party} (block ${c.block}): ${c.error}`);
    out.push(`  rejected        ${r.rejectedCommands.length}: ${list.join('; ')}`);
  }
  out.push(
    `  money check     ${s.moneyConserved ? 'all accounts sum to net deposits' : 'MISMATCH: accounts do not sum to net deposits'}`,
  );
  out.push(`  state hash      ${s.stateHash}`);
  return out.join('\n');
}

/** JSON of the report (bigints never reach it: every amount is already an exact decimal string). */
export function sessionJson(r: SessionReport): string {
  return JSON.stringify(r, null, 2);
}
