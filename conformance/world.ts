// Per-scenario state of the conformance harness: a fresh exchange at Vega's harness start time, the named
// configurations, event buffers with the harness's clearing rules, the positions API, and the two invariants
// (every balance change explained by transfers after each step; balances sum to net deposits at the end).
import {
  Decimal,
  type EngineEvent,
  type EventSink,
  Exchange,
  type FeeConfig,
  type LedgerEntry,
  type LiquidationStrategy,
  type MarginLevels,
  type MarginScalingFactors,
  type Market,
  NS,
  type OracleFilter,
  type OracleSource,
  type OrderAmendment,
  type OrderSnapshot,
  type OrderSubmission,
  PnlTracker,
  type PriceMonitoringTrigger,
  type RiskModelConfig,
  type SlaParams,
  type TargetStakeParams,
  type Trade,
} from '../src/core/index.ts';
import type { Defaults, OracleConfig } from './defaults.ts';
import { StepError } from './table.ts';

/** The default futures oracles and their perpetual twins (perps mode). */
export const PERPS_SWAP: Readonly<Record<string, string>> = {
  'default-eth-for-future': 'default-eth-for-perps',
  'default-usd-for-future': 'default-usd-for-perps',
  'default-dai-for-future': 'default-dai-for-perps',
};

/** 2019-11-30T00:00:00Z, where Vega's harness clock starts. */
export const HARNESS_START = 1575072000n * NS;

export interface MarginRecord {
  readonly levels: MarginLevels;
  readonly orderMargin: bigint;
  readonly mode: 'cross' | 'isolated';
  readonly marginFactor?: string;
}

export class World implements EventSink {
  readonly ex: Exchange;
  readonly pnl = new PnlTracker();
  readonly riskModels: Map<string, RiskModelConfig>;
  readonly fees: Map<string, FeeConfig>;
  readonly priceMonitoring: Map<string, readonly PriceMonitoringTrigger[]>;
  readonly marginCalculators: Map<string, MarginScalingFactors>;
  readonly sla: Map<string, SlaParams>;
  readonly liquidityMonitoring: Map<string, TargetStakeParams>;
  readonly liquidation: Map<string, LiquidationStrategy>;
  readonly oracles: Map<string, OracleConfig>;
  readonly compositeOracles: Map<string, OracleSource>;
  /** data sources by the `spec id` a step gave them (AMMs name their base-price source so) */
  readonly oracleSpecIds = new Map<string, OracleSource>();
  readonly marketIds: string[] = [];
  /** settlement-data decimals recorded per oracle config name (the decimals step or a decimals cell) */
  readonly settlementDecimals = new Map<string, number>();
  /** the harness dispatches its successor-window parameter (1h) with the first network-parameter step */
  successorWindowDispatched = false;
  blockDuration = NS;
  /** deposits − withdrawals + insurance injected by the harness, all assets together */
  netDeposits = 0n;

  /** every event of the scenario */
  readonly events: EngineEvent[] = [];
  /** index in `events` of the first event after the last "clear all events" */
  eventsClearedAt = 0;
  /** trade events since the start or the last clear */
  trades: Trade[] = [];
  /** ledger entries since the last successful transfers step or clear */
  transfers: LedgerEntry[] = [];
  /** order events since the start or the last clear */
  orderEvents: OrderSnapshot[] = [];
  /** latest order event per order id (never cleared) */
  readonly latestOrder = new Map<string, OrderSnapshot>();
  readonly expiredOrderIds = new Set<string>();
  /** AMM sub-account aliases (alias → sub-account key), substituted in later tables and step arguments */
  readonly aliases = new Map<string, string>();
  readonly margins = new Map<string, MarginRecord>();
  readonly lpEvents: (EngineEvent & { type: 'liquidityProvision' })[] = [];
  /** batches being built, by party (the batch steps) */
  readonly batches = new Map<
    string,
    {
      submissions: Omit<OrderSubmission, 'party'>[];
      cancellations?: { marketId?: string; orderId?: string }[];
      amendments?: Omit<OrderAmendment, 'party'>[];
    }
  >();
  /** stop-order events since the start or the last clear */
  stopEvents: (EngineEvent & { type: 'stopOrder' })[] = [];

  private stepStart = new Map<string, bigint>();
  private stepEntries: LedgerEntry[] = [];

  /** Vega's `-perps` mode: the default futures oracles are swapped for their perpetual twins */
  readonly perpsSwap: boolean;

  constructor(defaults: Defaults, opts: { perps?: boolean } = {}) {
    this.perpsSwap = opts.perps === true;
    // named configurations live for the whole run, as in Vega's harness (a process-wide registry): a scenario
    // may use a name an earlier scenario defined
    this.riskModels = defaults.riskModels;
    this.fees = defaults.fees;
    this.priceMonitoring = defaults.priceMonitoring;
    this.marginCalculators = defaults.marginCalculators;
    this.sla = defaults.sla;
    this.liquidityMonitoring = defaults.liquidityMonitoring;
    this.liquidation = defaults.liquidation;
    this.oracles = defaults.oracles;
    this.compositeOracles = defaults.compositeOracles;
    // the harness only pushes network parameters that a feature sets: otherwise the engines' internal defaults hold
    this.ex = new Exchange({
      now: HARNESS_START,
      sink: this,
      params: {
        auctionMinimumDuration: 0n,
        auctionMaximumDuration: 0n,
        floatingPointUpdatesDelay: 0n,
        epochLength: 0n,
        providersFeeCalculationTimeStep: 5n * NS,
        minLpStakeQuantumMultiple: Decimal.ZERO,
        // liquidity parameters the harness never dispatches keep the engines' zero values (R6 §1.6)
        stakeToCcyVolume: Decimal.ZERO,
        slaNonPerformanceBondPenaltySlope: Decimal.ZERO,
        slaNonPerformanceBondPenaltyMax: Decimal.ZERO,
        earlyExitPenalty: Decimal.ZERO,
        bondPenaltyParameter: Decimal.ZERO,
        equityLikeShareFeeFraction: Decimal.ZERO,
        marketValueWindowLength: 0n,
        successorLaunchWindow: 0n,
      },
    });
  }

  emit(e: EngineEvent): void {
    this.events.push(e);
    this.pnl.onEvent(e);
    switch (e.type) {
      case 'trade':
        this.trades.push(e.trade);
        break;
      case 'ledger':
        this.transfers.push(e.entry);
        this.stepEntries.push(e.entry);
        break;
      case 'order':
        this.orderEvents.push(e.order);
        this.latestOrder.set(e.order.id, e.order);
        break;
      case 'expiredOrders':
        for (const id of e.orderIds) this.expiredOrderIds.add(id);
        break;
      case 'marginLevels':
        this.margins.set(`${e.party}|${e.marketId}`, {
          levels: e.levels,
          orderMargin: e.orderMargin,
          mode: e.mode,
          ...(e.marginFactor !== undefined ? { marginFactor: e.marginFactor } : {}),
        });
        break;
      case 'liquidityProvision':
        this.lpEvents.push(e);
        break;
      case 'stopOrder':
        this.stopEvents.push(e);
        break;
      default:
        break;
    }
  }

  /** Stores one slot of a futures oracle config (settlement data or trading termination) under a name. */
  setFutureOracleSlot(
    name: string,
    slot: 'settlement' | 'termination',
    spec: { signers: string[]; property: string; filters: OracleFilter[] },
    decimals?: number,
  ): void {
    const prev = this.oracles.get(name);
    const never = {
      signers: [] as string[],
      property: '',
      decimals: 0,
      filters: [{ property: '\u0000unset', type: 'STRING' as const }],
    };
    const settlement =
      slot === 'settlement'
        ? { ...spec, decimals: decimals ?? 0 }
        : prev?.kind === 'future'
          ? prev.settlementData
          : never;
    const trigger = slot === 'termination' ? spec : prev?.kind === 'future' ? prev.trigger : never;
    if (decimals !== undefined) this.settlementDecimals.set(name, decimals);
    this.oracles.set(name, {
      kind: 'future',
      settlementAsset: '',
      quoteName: '',
      settlementData: settlement,
      trigger,
      marginFundingFactor: Decimal.ZERO,
      interestRate: Decimal.ZERO,
      clampLowerBound: Decimal.ZERO,
      clampUpperBound: Decimal.ZERO,
    });
  }

  /**
   * The oracle config name a market row uses: in perps mode the default futures oracles become their perpetual
   * twins (Vega's perpsSwapMapping), which makes the market a perpetual.
   */
  oracleName(name: string): string {
    if (!this.perpsSwap) return name;
    const twin = PERPS_SWAP[name];
    return twin !== undefined && this.oracles.has(twin) ? twin : name;
  }

  /** The settlement asset of a market created in this scenario (also after the market was removed). */
  marketAsset(id: string): string {
    const a = this.assetOfMarket.get(id);
    if (a === undefined) throw new StepError(`market "${id}" does not exist`);
    return a;
  }

  readonly assetOfMarket = new Map<string, string>();

  market(id: string): Market {
    const m = this.ex.market(id);
    if (!m) throw new StepError(`market "${id}" does not exist`);
    return m;
  }

  /** Latest order event for (party, reference), among the clearable order events. */
  orderByReference(party: string, reference: string): OrderSnapshot {
    for (let i = this.orderEvents.length - 1; i >= 0; i--) {
      const o = this.orderEvents[i]!;
      if (o.party === party && o.reference === reference) return o;
    }
    throw new StepError(`no order for party "${party}" with reference "${reference}"`);
  }

  /** The asset is registered on first use with 0 decimals (the harness's permissive asset stub; quantum 5000). */
  ensureAsset(id: string): void {
    if (this.ex.asset(id)) return;
    this.ex.registerAsset({ id, decimals: 0, quantum: Decimal.fromInt(5000) });
    // Vega's collateral engine, which the markets read, enables such an asset with quantum 1
    this.ex.programmes.setMarketQuantum(id, Decimal.ONE);
  }

  // ------------------------------------------------------------------ time

  /** One block: block end, then time moves by the block duration (a tick). */
  nextBlock(): void {
    this.ex.endBlock();
    this.ex.advanceTo(this.ex.now() + this.blockDuration);
  }

  // ------------------------------------------------------------------ invariants

  beginStep(): void {
    this.stepStart = new Map();
    for (const a of this.ex.ledger.all()) if (a.type !== 'EXTERNAL') this.stepStart.set(a.id, a.balance);
    this.stepEntries = [];
  }

  /** Every balance must equal its value before the step plus the ledger entries of the step. */
  endStep(): void {
    const expected = new Map(this.stepStart);
    for (const e of this.stepEntries) {
      if (e.from.type !== 'EXTERNAL') expected.set(e.from.id, (expected.get(e.from.id) ?? 0n) - e.amount);
      if (e.to.type !== 'EXTERNAL') expected.set(e.to.id, (expected.get(e.to.id) ?? 0n) + e.amount);
    }
    for (const a of this.ex.ledger.all()) {
      if (a.type === 'EXTERNAL') continue;
      const want = expected.get(a.id) ?? 0n;
      if (want !== a.balance) {
        throw new StepError(`invariant: balance of ${a.id} is ${a.balance}, transfers of this step explain ${want}`);
      }
    }
  }

  /** All balances sum to net deposits (deposits − withdrawals + injected insurance). */
  endScenario(): void {
    let total = 0n;
    for (const a of this.ex.ledger.all()) if (a.type !== 'EXTERNAL') total += a.balance;
    if (total !== this.netDeposits) {
      throw new StepError(`invariant: all balances sum to ${total}, net deposits are ${this.netDeposits}`);
    }
  }
}
