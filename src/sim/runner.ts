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
import {
  assetAmount,
  makeSpotAgent,
  SpotOrderGateway,
  spotBaseChange,
  spotHoldings,
  spotMarket,
  spotProposalDocument,
  spotRefusal,
  type SpotSetup,
} from './spot.ts';
import { EventBus, MarketFeed, OrderGateway, type GatewayStats, type PartyState } from './client.ts';
import { JumpDiffusion, loadPriceCsv, type PriceProcess } from './price-process.ts';
import { Prng } from './prng.ts';
import { FEE_TYPES, FUNDING_TYPES, LP_FEE_TYPES, PENALTY_TYPES, Recorder } from './recorder.ts';
import { enactProgrammes, MAX_REFERRAL_REWARD_PROPORTION, ProgrammeTracker } from './programmes.ts';
import type { AgentResult, MarketResult, RunResult, Summary } from './run-result.ts';
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
  /** assets the agents' view and P&L leave out (collateral tokens of `perpsim compare`); conservation still checks them */
  readonly hiddenAssets?: readonly string[];
  /** at the start of every block, before the agents act (block 0: after the deposits); `parties`: party → agent kind */
  readonly onBlock?: (b: { ex: Exchange; t: number; block: number; parties: ReadonlyMap<string, string> }) => void;
}

export type { AgentResult, MarketResult, PnlSplit, ProgrammeEpochRow, RunResult, Summary } from './run-result.ts';

interface MarketSetup {
  readonly spec: MarketSpec;
  /** the instrument's name */
  readonly name: string;
  /** decimals of the settlement (spot: quote) asset */
  readonly assetDecimals: number;
  /** spot markets (spec 0080-SPOT): the base and quote assets (spot.ts) */
  readonly spot: SpotSetup | undefined;
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
  for (const a of opts.hiddenAssets ?? []) bus.hiddenAssets.add(a);
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
  if (sc.programmes?.referral) ex.setNetworkParameter(...MAX_REFERRAL_REWARD_PROPORTION);
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
    const spotDoc = spotProposalDocument(resolvePath(loaded, spec.proposal));
    if (spotDoc !== undefined) {
      const { market, spot, feed } = spotMarket(ex, loaded, i, spotDoc, extraAssets, opts.marketConfig !== undefined);
      opts.onMarket?.(market);
      bus.feeds.set(market.id, feed);
      const process = buildProcess(loaded, spec, root.fork(`price/${market.id}`), seconds);
      const name = spot.parsed.instrument.name;
      const assetDecimals = spot.parsed.quoteAsset.decimals;
      const truth = process.at(0);
      setups.push({
        spec,
        name,
        assetDecimals,
        spot,
        market,
        feed,
        process,
        oracle: undefined,
        nextOracle: 0,
        truth,
        mode: 'CONTINUOUS',
      });
      return;
    }
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
      name: parsed.instrument.name,
      assetDecimals: asset.decimals,
      spot: undefined,
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
    const spot = setup.spot;
    const refusal = spot ? spotRefusal(spec, setup.market.id) : undefined;
    if (refusal) throw new ScenarioError([`agents[${i}]: ${refusal}`], loaded.source);
    if (!spot && spec.baseDeposit !== undefined)
      throw new ScenarioError(
        [
          `agents[${i}].baseDeposit: only for spot markets; ${setup.market.id} is a ${setup.market.configView().product.kind}`,
        ],
        loaded.source,
      );
    for (const party of partyNames(spec.name ?? spec.type, spec.count)) {
      const me = bus.addParty(party, spec.type);
      if (spot) me.baseAsset = spot.baseAsset;
      kinds.set(party, spec.type);
      const amount = (BigInt(Math.round(spec.deposit * 100)) * 10n ** BigInt(setup.assetDecimals)) / 100n;
      const r = ex.deposit(party, setup.market.asset, amount);
      if (r.error) throw new ScenarioError([`agents[${i}].deposit: ${r.error}`], loaded.source);
      if (spot && spec.baseDeposit) {
        const rb = ex.deposit(party, spot.baseAsset, assetAmount(spec.baseDeposit, spot.baseDecimals));
        if (rb.error) throw new ScenarioError([`agents[${i}].baseDeposit: ${rb.error}`], loaded.source);
      }
      let agent: Agent;
      try {
        agent = (spot ? makeSpotAgent : makeAgent)(
          spec,
          party,
          setup.truth,
          setup.feed.tick,
          setup.market.configView().sla.priceRange.toNumber(),
        );
      } catch (e) {
        throw new ScenarioError([`agents[${i}]: ${(e as Error).message}`], loaded.source);
      }
      const gateway = spot
        ? new SpotOrderGateway(ex, party, setup.market.id, gatewayStats, me, setup.feed, setup.market)
        : new OrderGateway(ex, party, setup.market.id, gatewayStats);
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
          const m = marketOf.get(id)!;
          return { id: m.market.asset, decimals: m.assetDecimals };
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
      if (s.spot && t >= s.nextOracle) {
        // spot: a public external price on the oracle cadence (no oracle data: a spot market has none)
        s.feed.oraclePrice = s.truth;
        s.feed.oracleTime = t;
        s.nextOracle = t + s.spec.oracle.everySeconds;
      } else if (s.oracle && t >= s.nextOracle) {
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
    opts.onBlock?.({ ex, t, block: b, parties: kinds });
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
      name: s.name,
      product: s.market.configView().product.kind,
      priceProcess: s.process.description,
      finalMark: s.feed.mark(),
      finalIndex: s.truth,
      openInterest: md.openInterest / s.feed.sizeScale,
      insurancePool: q(s.market.insuranceBalance(), s),
      targetStake: q(md.targetStake, s),
      suppliedStake: q(md.suppliedStake, s),
      jumps: j.length,
      ...(s.spot ? { spot: { base: s.spot.baseSymbol, quote: s.spot.quoteSymbol } } : {}),
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
  // spot: the base asset bought or sold since the start counts at the final mark (equity − deposits in quote)
  const total = q(me.equity() - me.deposited) + (me.baseAsset === undefined ? 0 : spotBaseChange(me, f) * mark);
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
    ...(me.baseAsset !== undefined ? { holdings: spotHoldings(me, f) } : {}),
  };
}
