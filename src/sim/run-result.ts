// What a simulation run returns: each agent's result and P&L split, each market's figures, the run's summary and
// the programme lines by epoch (runner.ts builds them; summary.ts, output.ts and the report read them).
import type { ConservationReport } from './conservation.ts';
import type { Recorder } from './recorder.ts';
import type { SpotHoldings } from './spot.ts';

/** One market maker's (or any agent's) P&L, split (quote units). */
export interface PnlSplit {
  /** captured against the public mid before each trade */
  readonly spread: number;
  /** holding inventory: Σ signed size × (final mark − mid at the trade) */
  readonly inventory: number;
  readonly funding: number;
  /** trading fees: maker rebates received minus fees paid */
  readonly fees: number;
  /** liquidity fees received as an LP (allocations, distributions, bonuses) */
  readonly lpFees: number;
  /** SLA penalties and bond slashing (negative) */
  readonly penalties: number;
  /** what the split does not explain: trades after the last mark-to-market, rounding, close-outs */
  readonly other: number;
  /** equity now minus net deposits: the exact total, from the accounts */
  readonly total: number;
  /** with programmes (src/sim/programmes.ts; `fees` is then before discounts): referral and volume discounts */
  readonly discounts?: number;
  /** high-volume maker rebates received */
  readonly rebates?: number;
  /** referral rewards received as a referrer */
  readonly referralRewards?: number;
  /** trading rewards (into the vesting account; vesting and vested both count in equity) */
  readonly rewards?: number;
  /** of the rewards, how much has vested (information; not a separate line) */
  readonly vested?: number;
}

export interface AgentResult {
  readonly party: string;
  readonly kind: string;
  readonly market: string;
  readonly deposit: number;
  readonly position: number;
  readonly trades: number;
  readonly volume: number;
  readonly closedOut: number;
  readonly pnl: PnlSplit;
  readonly strategy?: Record<string, unknown>;
  /** spot markets: what the party holds at the end and started with (base and quote units; spot.ts) */
  readonly holdings?: SpotHoldings;
}

export interface MarketResult {
  readonly id: string;
  readonly name: string;
  readonly product: string;
  readonly priceProcess: string;
  readonly finalMark: number;
  readonly finalIndex: number;
  readonly openInterest: number;
  readonly insurancePool: number;
  readonly targetStake: number;
  readonly suppliedStake: number;
  readonly jumps: number;
  /** spot markets: the base and quote assets (no open interest, insurance pool or funding) */
  readonly spot?: { readonly base: string; readonly quote: string };
}

export interface Summary {
  readonly scenario: string;
  readonly seed: string;
  readonly start: string;
  readonly days: number;
  readonly blockSeconds: number;
  readonly blocks: number;
  readonly wallSeconds: number;
  readonly blocksPerSecond: number;
  readonly agents: number;
  readonly trades: number;
  readonly networkTrades: number;
  /** contracts */
  readonly volume: number;
  /** quote units */
  readonly notional: number;
  readonly auctions: { readonly total: number; readonly byTrigger: Record<string, number> };
  readonly closeOuts: { readonly total: number; readonly parties: number };
  readonly funding: {
    readonly periods: number;
    /** Σ of the funding payments made (losers to winners), quote units */
    readonly paid: number;
    readonly meanRate: number | null;
  };
  readonly fees: { readonly maker: number; readonly infrastructure: number; readonly liquidity: number };
  readonly liquidity: {
    /** liquidity fees allocated to the LPs' fee accounts, quote units */
    readonly lpFees: number;
    /** SLA performance bonus paid out of withheld fees */
    readonly bonus: number;
    /** fees withheld for missing the SLA (to the bonus pool, or the insurance pool when every LP missed it) */
    readonly feePenalties: number;
    /** SLA bond penalties and bond slashing */
    readonly bondPenalties: number;
    readonly provisions: {
      readonly party: string;
      readonly commitment: number;
      readonly fee: string;
      readonly status: string;
    }[];
  };
  readonly commands: {
    readonly submitted: number;
    readonly rejected: number;
    readonly cancels: number;
    readonly topRejections: [string, number][];
  };
  readonly markets: readonly MarketResult[];
  readonly marketMakers: readonly AgentResult[];
  readonly byKind: Record<string, { readonly parties: number; readonly pnl: number; readonly volume: number }>;
  readonly stateHash: string;
  readonly conservation: ConservationReport;
}

export interface RunResult {
  readonly summary: Summary;
  readonly agents: readonly AgentResult[];
  readonly recorder: Recorder;
  /** party → agent kind */
  readonly kinds: ReadonlyMap<string, string>;
  readonly startMs: number;
  readonly jumps: Record<string, { t: number; factor: number }[]>;
  /** every auction: market, trigger, start and end (seconds since the start; end NaN if it had not ended) */
  readonly auctions: readonly { market: string; trigger: string; start: number; end: number }[];
  /** with programmes: each party's cumulative programme lines at each epoch end (quote units) */
  readonly programmes?: readonly ProgrammeEpochRow[];
}

/** One party's cumulative programme lines at the end of one epoch, quote units. */
export interface ProgrammeEpochRow {
  readonly epoch: number;
  readonly party: string;
  readonly discounts: number;
  readonly rebates: number;
  readonly referralRewards: number;
  readonly rewards: number;
  readonly vested: number;
}
