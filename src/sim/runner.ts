// The simulation runner: builds an Exchange from a scenario (assets, markets from governance proposals, funded
// parties, agents), then runs one block per `blockSeconds`: the clock ticks, the underlying's price moves, the
// oracle publishes on its cadence, the agents that are due act (each chooses its next wake-up: Poisson arrivals,
// refresh intervals — nobody acts every block by default), the block ends (mark price, mark-to-market, margins,
// close-outs), money conservation is checked, and every `sampleSeconds` the recorder takes a row. Everything random
// comes from the scenario's seed through the simulator's own PRNG, so the same scenario and seed give the same
// events and the same state hash. The engine is only used through its command/event interface; agents see only
// what a client sees (see client.ts). The runner does not call Exchange.beginBlock: a long simulated block is a
// modelling step, not a stalled chain, so it does not trigger long-block auctions.
import {
  Decimal,
  Exchange,
  type EngineEvent,
  type Market,
  type MarketConfig,
  NS,
  type TransferType,
} from '../core/index.ts';
import { loadProposalFile, type AssetInfo, type ParsedProposal } from '../proposal/index.ts';
import type { Agent, AgentContext } from './agents/agent.ts';
import { makeAgent } from './agents/factory.ts';
import { EventBus, MarketFeed, OrderGateway, type GatewayStats, type PartyState } from './client.ts';
import type { ConservationReport } from './conservation.ts';
import { JumpDiffusion, loadPriceCsv, type PriceProcess } from './price-process.ts';
import { Prng } from './prng.ts';
import { FEE_TYPES, FUNDING_TYPES, LP_FEE_TYPES, PENALTY_TYPES, Recorder } from './recorder.ts';
import { enactProgrammes, ProgrammeTracker } from './programmes.ts';
import {
  agentParties,
  durationSeconds,
  proposalNetwork,
  partyNames,
  resolvePath,
  ScenarioError,
  type LoadedScenario,
  type MarketSpec,
} from './scenario.ts';

export interface RunOptions {
  /** override the scenario's duration, days */
  readonly days?: number;
  /** override the scenario's seed */
  readonly seed?: string;
  /** called every `progressEvery` blocks with (blocks done, total) */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
  /** blocks between full scans of every account by the conservation checker (default 3600) */
  readonly fullScanEvery?: number;
  /** the market configuration the engine runs, from the proposal's (a variant's rules: `perpsim compare`) */
  readonly marketConfig?: (cfg: MarketConfig) => MarketConfig;
  /** every market as it is created */
  readonly onMarket?: (market: Market) => void;
  /** every engine event, after the simulator's own bookkeeping */
  readonly onEvent?: (e: EngineEvent) => void;
}

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

interface MarketSetup {
  readonly spec: MarketSpec;
  readonly parsed: ParsedProposal;
  readonly market: Market;
  readonly feed: MarketFeed;
  readonly process: PriceProcess;
  readonly oracle:
    | {
        readonly signers: readonly string[];
        readonly property: string;
        readonly decimals: number;
        readonly decimal: boolean;
      }
    | undefined;
  nextOracle: number;
  truth: number;
  /** trading mode at the end of the previous block (auction bookkeeping) */
  mode: string;
}

interface Slot {
  readonly agent: Agent;
  readonly ctx: { time: number; signal?: number } & Omit<AgentContext, 'time' | 'signal'>;
  readonly setup: MarketSetup;
  readonly me: PartyState;
}

/** A binary min-heap of (time, sequence) keys for the agents' wake-ups: deterministic ties. */
class WakeQueue {
  private t: number[] = [];
  private s: number[] = [];
  private i: number[] = [];
  private seq = 0;

  get size(): number {
    return this.t.length;
  }

  peekTime(): number {
    return this.t.length ? this.t[0]! : Infinity;
  }

  push(time: number, idx: number): void {
    const t = this.t;
    const s = this.s;
    const ix = this.i;
    let k = t.length;
    t.push(time);
    s.push(this.seq++);
    ix.push(idx);
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (t[p]! < t[k]! || (t[p] === t[k] && s[p]! < s[k]!)) break;
      this.swap(k, p);
      k = p;
    }
  }

  pop(): number {
    const t = this.t;
    const s = this.s;
    const ix = this.i;
    const top = ix[0]!;
    const lt = t.pop()!;
    const ls = s.pop()!;
    const li = ix.pop()!;
    if (t.length === 0) return top;
    t[0] = lt;
    s[0] = ls;
    ix[0] = li;
    let k = 0;
    const n = t.length;
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < n && (t[l]! < t[m]! || (t[l] === t[m] && s[l]! < s[m]!))) m = l;
      if (r < n && (t[r]! < t[m]! || (t[r] === t[m] && s[r]! < s[m]!))) m = r;
      if (m === k) break;
      this.swap(k, m);
      k = m;
    }
    return top;
  }

  private swap(a: number, b: number): void {
    const t = this.t;
    const s = this.s;
    const ix = this.i;
    // element by element (a destructuring swap allocates an array per swap)
    const ta = t[a]!;
    t[a] = t[b]!;
    t[b] = ta;
    const sa = s[a]!;
    s[a] = s[b]!;
    s[b] = sa;
    const ia = ix[a]!;
    ix[a] = ix[b]!;
    ix[b] = ia;
  }
}

function buildProcess(loaded: LoadedScenario, spec: MarketSpec, rng: Prng, seconds: number): PriceProcess {
  const p = spec.price;
  if (p.process === 'csv') {
    let h;
    try {
      h = loadPriceCsv(resolvePath(loaded, p.file));
    } catch (e) {
      throw new ScenarioError([`markets: price.file: ${(e as Error).message}`], loaded.source);
    }
    if (h.span < seconds)
      throw new ScenarioError(
        [
          `markets: price.file ${p.file} covers ${(h.span / 86_400).toFixed(3)} days, the scenario runs ${(seconds / 86_400).toFixed(3)} days`,
        ],
        loaded.source,
      );
    return h;
  }
  return new JumpDiffusion(
    { start: p.start, drift: p.drift, volatility: p.volatility },
    p.process === 'jump-diffusion' ? p.jumps : undefined,
    rng,
  );
}

/** Decimal string of a non-negative float with `decimals` places (the oracle's integer or decimal value). */
function oracleValue(price: number, decimals: number, decimal: boolean): string {
  const fixed = price.toFixed(Math.min(decimals, 100));
  if (decimal) return fixed;
  return decimals === 0 ? fixed : fixed.replace('.', '').replace(/^0+(?=\d)/, '');
}

/** Runs a scenario to the end and returns its summary, per-agent results and time series. */
export function runSimulation(loaded: LoadedScenario, opts: RunOptions = {}): RunResult {
  const wallStart = performance.now();
  const sc = loaded.scenario;
  const seed = opts.seed ?? String(sc.seed);
  const seconds = opts.days !== undefined ? Math.round(opts.days * 86_400) : durationSeconds(sc);
  if (!(seconds > 0)) throw new ScenarioError(['days: the run must last at least one second']);
  const blockSeconds = sc.blockSeconds;
  const blocks = Math.floor(seconds / blockSeconds);
  const startMs = Date.parse(sc.start);
  const startNs = BigInt(startMs) * 1_000_000n;
  const root = new Prng(`perpsim/${seed}`);

  const bus = new EventBus(startNs);
  const partiesOf = agentParties(sc);
  const prog = sc.programmes ? new ProgrammeTracker(new Set([...partiesOf.values()].flat())) : undefined;
  const onEvent = prog ? prog.wrap(opts.onEvent) : opts.onEvent;
  const sink = onEvent
    ? {
        emit(e: EngineEvent) {
          bus.emit(e);
          onEvent(e);
        },
      }
    : bus;
  const ex = new Exchange({ now: startNs, sink });
  for (const [name, value] of Object.entries(sc.network)) {
    try {
      ex.setNetworkParameter(name, value);
    } catch (e) {
      throw new ScenarioError([`network.${name}: ${(e as Error).message}`], loaded.source);
    }
  }

  // assets named by the scenario, then the markets' settlement assets
  const extraAssets: Record<string, AssetInfo> = {};
  for (const a of sc.assets)
    extraAssets[a.id] = {
      symbol: a.symbol,
      decimals: a.decimals,
      quantum: a.quantum ? Decimal.parse(a.quantum) : Decimal.fromBigInt(10n ** BigInt(a.decimals)),
    };

  const setups: MarketSetup[] = [];
  sc.markets.forEach((spec, i) => {
    let parsed: ParsedProposal;
    try {
      parsed = loadProposalFile(resolvePath(loaded, spec.proposal), {
        assets: extraAssets,
        openingAuctionDuration: spec.openingAuctionSeconds,
        network: proposalNetwork(sc),
        ...(spec.id ? { marketId: spec.id } : {}),
      });
    } catch (e) {
      throw new ScenarioError([`markets[${i}].proposal: ${(e as Error).message}`], loaded.source);
    }
    const asset = parsed.asset;
    if (!ex.asset(asset.id)) ex.registerAsset({ id: asset.id, decimals: asset.decimals, quantum: asset.quantum });
    let market: Market;
    try {
      market = ex.createMarket(opts.marketConfig ? opts.marketConfig(parsed.config) : parsed.config);
    } catch (e) {
      throw new ScenarioError([`markets[${i}]: the engine cannot run ${parsed.config.id}: ${(e as Error).message}`]);
    }
    opts.onMarket?.(market);
    if (spec.insurancePool > 0)
      ex.fundInsurancePool(market.id, BigInt(Math.round(spec.insurancePool)) * 10n ** BigInt(asset.decimals));
    const feed = new MarketFeed(market);
    bus.feeds.set(market.id, feed);
    const process = buildProcess(loaded, spec, root.fork(`price/${market.id}`), seconds);
    const prod = parsed.config.product;
    const src = prod.settlementData;
    const type = src.filters?.find((f) => f.property === src.property)?.type ?? 'INTEGER';
    const oracle =
      prod.kind === 'perpetual'
        ? {
            signers: src.signers,
            property: src.property,
            decimals: src.decimals,
            decimal: type === 'DECIMAL',
          }
        : undefined;
    setups.push({
      spec,
      parsed,
      market,
      feed,
      process,
      oracle,
      nextOracle: 0,
      truth: process.at(0),
      mode: 'CONTINUOUS',
    });
  });

  // parties and agents
  const slots: Slot[] = [];
  const kinds = new Map<string, string>();
  const gatewayStats: GatewayStats = { submitted: 0, rejected: 0, cancels: 0, reasons: new Map() };
  const marketOf = new Map<string, MarketSetup>(setups.map((s) => [s.market.id, s]));
  sc.agents.forEach((spec, i) => {
    const setup = spec.market ? marketOf.get(spec.market) : setups[0];
    if (!setup)
      throw new ScenarioError(
        [`agents[${i}].market: "${spec.market}" is not a market of the scenario (${[...marketOf.keys()].join(', ')})`],
        loaded.source,
      );
    for (const party of partyNames(spec.name ?? spec.type, spec.count)) {
      const me = bus.addParty(party, spec.type);
      kinds.set(party, spec.type);
      const amount = (BigInt(Math.round(spec.deposit * 100)) * 10n ** BigInt(setup.parsed.asset.decimals)) / 100n;
      const r = ex.deposit(party, setup.market.asset, amount);
      if (r.error) throw new ScenarioError([`agents[${i}].deposit: ${r.error}`], loaded.source);
      let agent: Agent;
      try {
        agent = makeAgent(
          spec,
          party,
          setup.truth,
          setup.feed.tick,
          setup.market.configView().sla.priceRange.toNumber(),
        );
      } catch (e) {
        throw new ScenarioError([`agents[${i}]: ${(e as Error).message}`], loaded.source);
      }
      const gateway = new OrderGateway(ex, party, setup.market.id, gatewayStats);
      const ctx = { time: 0, feed: setup.feed, me, gateway, rng: root.fork(`agent/${party}`) };
      slots.push({ agent, ctx, setup, me });
      if (agent.onPublicTrade) {
        const a = agent;
        const id = setup.market.id;
        bus.tradeListeners.push((t, m) => {
          if (m === id) a.onPublicTrade!(t);
        });
      }
      if (agent.onFill) {
        const a = agent;
        bus.fillListeners.set(party, (t, side) => a.onFill!(t, side));
      }
    }
  });

  if (sc.programmes) {
    try {
      enactProgrammes(ex, sc.programmes, partiesOf, {
        ids: setups.map((s) => s.market.id),
        assetOf: (id) => {
          const a = marketOf.get(id)!.parsed.asset;
          return { id: a.id, decimals: a.decimals };
        },
      });
    } catch (e) {
      throw new ScenarioError([(e as Error).message], loaded.source);
    }
  }

  const queue = new WakeQueue();
  const recorder = new Recorder();
  recorder.epochSeconds = Number(ex.params.epochLength / NS);
  bus.tradeListeners.push((tr, m) => recorder.onTrade(m, tr));
  const sample = (t: number, agents: boolean) => recorder.sample(t, setups, slots, bus, agents);
  const fullScanEvery = opts.fullScanEvery ?? 3600;
  const progressEvery = opts.progressEvery ?? 2000;

  // block 0 is the start time (the markets' opening auctions begin now); each later block advances the clock. The
  // agents stop one mark-price interval before the end, so that every trade is marked to market when the run ends
  // (the P&L split then adds up to the accounts exactly, up to the engine's rounding)
  const quietBlocks = Math.ceil(Number(ex.params.markPriceUpdateMaximumFrequency) / 1e9 / blockSeconds) + 1;
  const lastActiveBlock = Math.max(0, blocks - quietBlocks);
  let sampleNext = 0;
  let agentSampleNext = 0;
  // the failure label is built only if a conservation check fails, not once per block
  let whereBlock = 0;
  bus.conservation.where = () => `block ${whereBlock} (t = ${whereBlock * blockSeconds} s)`;
  for (let b = 0; b <= blocks; b++) {
    const t = b * blockSeconds;
    bus.time = t;
    if (b > 0) ex.advanceTo(startNs + BigInt(t) * NS);
    whereBlock = b;
    for (const s of setups) {
      s.truth = s.process.at(t);
      s.feed.block = b;
      if (s.oracle && t >= s.nextOracle) {
        const r = ex.submitOracleData({
          signers: s.oracle.signers,
          properties: { [s.oracle.property]: oracleValue(s.truth, s.oracle.decimals, s.oracle.decimal) },
          timestamp: ex.now(),
        });
        if (r.error) throw new Error(`oracle data for ${s.market.id} refused: ${r.error}`);
        s.feed.oraclePrice = s.truth;
        s.feed.oracleTime = t;
        s.nextOracle = t + s.spec.oracle.everySeconds;
      }
      s.feed.midAtBlockStart = s.feed.mid();
    }
    if (b === 0) {
      slots.forEach((slot, i) => {
        slot.ctx.time = 0;
        queue.push(slot.agent.start(slot.ctx as AgentContext), i);
      });
    }
    while (b <= lastActiveBlock && queue.peekTime() <= t) {
      const i = queue.pop();
      const slot = slots[i]!;
      slot.ctx.time = t;
      if (slot.agent.informed) slot.ctx.signal = slot.setup.truth;
      let next = slot.agent.act(slot.ctx as AgentContext);
      if (!(next > t)) next = t + blockSeconds;
      queue.push(next, i);
    }
    ex.endBlock();
    bus.conservation.endBlock();
    for (const s of setups) {
      // auctions from the public trading mode: one entry per auction, with its trigger and its length
      const mode = s.market.tradingMode;
      if (mode !== s.mode) {
        const auctions = bus.totals.auctions;
        if (s.mode === 'CONTINUOUS' && mode !== 'CONTINUOUS')
          auctions.push({ market: s.market.id, trigger: s.market.auction?.trigger ?? mode, start: t, end: Number.NaN });
        else if (mode === 'CONTINUOUS') {
          for (let k = auctions.length - 1; k >= 0; k--) {
            const a = auctions[k]!;
            if (a.market === s.market.id && Number.isNaN(a.end)) {
              a.end = t;
              break;
            }
          }
        }
        s.mode = mode;
      }
    }
    if (b % fullScanEvery === 0) bus.conservation.fullScan(ex.ledger.all());
    if (t >= sampleNext) {
      const agentsDue = t >= agentSampleNext;
      sample(t, agentsDue);
      sampleNext = t + sc.sampleSeconds;
      if (agentsDue) agentSampleNext = t + sc.agentSampleSeconds;
    }
    if (opts.onProgress && b % progressEvery === 0) opts.onProgress(b, blocks);
  }
  bus.conservation.fullScan(ex.ledger.all());
  recorder.finish(setups, bus);
  opts.onProgress?.(blocks, blocks);
  const stateHash = ex.stateHash();
  const wallSeconds = (performance.now() - wallStart) / 1000;

  // ---- results
  const agents: AgentResult[] = slots.map((slot) => agentResult(slot, prog));
  const totals = bus.totals;
  const q = (v: bigint, s: MarketSetup | undefined = setups[0]) => Number(v) / (s?.feed.assetScale ?? 1);
  const flowAll = (types: TransferType[]) => types.reduce((s, t) => s + (totals.transfers.get(t) ?? 0n), 0n);
  const byTrigger: Record<string, number> = {};
  for (const a of totals.auctions) byTrigger[a.trigger] = (byTrigger[a.trigger] ?? 0) + 1;
  const rates = totals.fundingPeriods.map((f) => f.rate).filter((r): r is number => r !== undefined);
  const byKind: Record<string, { parties: number; pnl: number; volume: number }> = {};
  for (const a of agents) {
    const k = (byKind[a.kind] ??= { parties: 0, pnl: 0, volume: 0 });
    k.parties++;
    k.pnl += a.pnl.total;
    k.volume += a.volume;
  }
  const jumps: Record<string, { t: number; factor: number }[]> = {};
  const markets: MarketResult[] = setups.map((s) => {
    const md = s.market.marketData();
    const j = s.process instanceof JumpDiffusion ? s.process.jumps : [];
    jumps[s.market.id] = j;
    return {
      id: s.market.id,
      name: s.parsed.instrument.name,
      product: s.market.configView().product.kind,
      priceProcess: s.process.description,
      finalMark: s.feed.mark(),
      finalIndex: s.truth,
      openInterest: md.openInterest / s.feed.sizeScale,
      insurancePool: q(s.market.insuranceBalance(), s),
      targetStake: q(md.targetStake, s),
      suppliedStake: q(md.suppliedStake, s),
      jumps: j.length,
    };
  });
  const summary: Summary = {
    scenario: sc.name,
    seed,
    start: new Date(startMs).toISOString(),
    days: seconds / 86_400,
    blockSeconds,
    blocks,
    wallSeconds: round(wallSeconds, 3),
    blocksPerSecond: Math.round(blocks / wallSeconds),
    agents: slots.length,
    trades: totals.trades,
    networkTrades: totals.networkTrades,
    volume: totals.volume / (setups[0]?.feed.sizeScale ?? 1),
    notional: round(totals.notional, 2),
    auctions: { total: totals.auctions.length, byTrigger },
    closeOuts: { total: totals.closeOuts, parties: totals.closedOutParties.size },
    funding: {
      periods: totals.fundingPeriods.length,
      paid: q(totals.transfers.get('PERPETUALS_FUNDING_LOSS') ?? 0n),
      meanRate: rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : null,
    },
    fees: {
      maker: q(totals.transfers.get('MAKER_FEE_PAY') ?? 0n),
      infrastructure: q(totals.transfers.get('INFRASTRUCTURE_FEE_PAY') ?? 0n),
      liquidity: q(totals.transfers.get('LIQUIDITY_FEE_PAY') ?? 0n),
    },
    liquidity: {
      lpFees: q(totals.transfers.get('LIQUIDITY_FEE_ALLOCATE') ?? 0n),
      bonus: q(totals.transfers.get('SLA_PERFORMANCE_BONUS_DISTRIBUTE') ?? 0n),
      feePenalties: q(flowAll(['LIQUIDITY_FEE_UNPAID_COLLECT', 'SLA_PENALTY_LP_FEE_APPLY'])),
      bondPenalties: q(flowAll(['SLA_PENALTY_BOND_APPLY', 'BOND_SLASHING'])),
      provisions: [...totals.provisions].map(([party, p]) => ({
        party,
        commitment: q(p.commitment),
        fee: p.fee,
        status: p.status,
      })),
    },
    commands: {
      submitted: gatewayStats.submitted,
      rejected: gatewayStats.rejected,
      cancels: gatewayStats.cancels,
      topRejections: [...gatewayStats.reasons].sort((a, b) => b[1] - a[1]).slice(0, 5),
    },
    markets,
    marketMakers: agents.filter((a) => a.kind === 'avellaneda-stoikov'),
    byKind,
    stateHash,
    conservation: bus.conservation.report(),
  };
  const programmes = prog?.epochs.map((e) => ({
    epoch: e.epoch,
    party: e.party,
    discounts: q(e.discounts),
    rebates: q(e.rebates),
    referralRewards: q(e.referralRewards),
    rewards: q(e.rewards),
    vested: q(e.vested),
  }));
  return {
    summary,
    agents,
    recorder,
    kinds,
    startMs,
    jumps,
    auctions: totals.auctions,
    ...(programmes ? { programmes } : {}),
  };
}

function round(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

function agentResult(slot: Slot, prog: ProgrammeTracker | undefined): AgentResult {
  const { me, setup, agent } = slot;
  const f = setup.feed;
  const q = (v: bigint) => Number(v) / f.assetScale;
  const position = me.position / f.sizeScale;
  const mark = f.mark();
  const spread = me.spread;
  const inventory = mark * position - me.sizeTimesMid;
  const funding = q(me.flow(...FUNDING_TYPES));
  const pl = prog?.linesOf(me.party);
  const fees = q(me.flow(...FEE_TYPES) + (pl?.feeAdjust ?? 0n));
  const programmes = pl
    ? {
        discounts: q(pl.discounts),
        rebates: q(pl.rebates),
        referralRewards: q(pl.referralRewards),
        rewards: q(pl.rewards),
      }
    : undefined;
  const lpFees = q(me.flow(...LP_FEE_TYPES));
  const penalties = q(me.flow(...PENALTY_TYPES));
  const total = q(me.equity() - me.deposited);
  const prl = programmes
    ? programmes.discounts + programmes.rebates + programmes.referralRewards + programmes.rewards
    : 0;
  const other = total - (spread + inventory + funding + fees + lpFees + penalties + prl);
  const r2 = (x: number) => round(x, 6);
  return {
    party: me.party,
    kind: agent.kind,
    market: setup.market.id,
    deposit: q(me.deposited),
    position,
    trades: me.trades,
    volume: me.volume,
    closedOut: me.closedOut,
    pnl: {
      spread: r2(spread),
      inventory: r2(inventory),
      funding: r2(funding),
      fees: r2(fees),
      lpFees: r2(lpFees),
      penalties: r2(penalties),
      other: r2(other),
      total: r2(total),
      ...(programmes
        ? {
            discounts: r2(programmes.discounts),
            rebates: r2(programmes.rebates),
            referralRewards: r2(programmes.referralRewards),
            rewards: r2(programmes.rewards),
            vested: r2(q(prog!.vestedOf(me.party))),
          }
        : {}),
    },
    ...(agent.describe ? { strategy: agent.describe() } : {}),
  };
}
