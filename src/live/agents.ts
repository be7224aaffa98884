// A scenario's agents as the venue's background market (`perpsim serve --agents SCENARIO`): the simulator's own
// agents (noise, momentum, informed, arbitrageur, liquidity providers, Avellaneda–Stoikov makers) reading the same
// client view (MarketFeed, PartyState, public trades) and acting through an OrderGateway whose commands go through
// the venue's journaled command path, in real time. Each agent wakes when it asks to (seconds since the venue's
// genesis); the venue calls `onBlock` once per block. The agents' own state is not journaled: after a restart they
// start afresh, with their parties' state rebuilt from the replayed events.
import { makeAgent } from '../sim/agents/factory.ts';
import type { Agent, AgentContext } from '../sim/agents/agent.ts';
import { EventBus, MarketFeed, OrderGateway, type GatewayStats, type PartyState } from '../sim/client.ts';
import { Prng } from '../sim/prng.ts';
import { partyNames, type AgentSpec, type LoadedScenario } from '../sim/scenario.ts';
import type { CommandOutcome, VenueCommand } from './commands.ts';
import type { Exchange, OrderResult, OrderSubmission } from './engine.ts';
import type { MarketInfo } from './genesis.ts';

/** What the agents need from the venue. */
export interface AgentHost {
  execute(c: VenueCommand): CommandOutcome;
  now(): bigint;
  readonly ex: Exchange;
}

interface Slot {
  readonly agent: Agent;
  readonly ctx: { time: number; signal?: number } & Omit<AgentContext, 'time' | 'signal'>;
  readonly info: MarketInfo;
  readonly me: PartyState;
  readonly spec: AgentSpec;
  wake: number;
  started: boolean;
}

/**
 * The engine commands an OrderGateway sends, routed through the venue (journaled, published). OrderGateway is
 * typed on the Exchange; this object has exactly the members it uses.
 */
function gatewayExchange(host: AgentHost): Exchange {
  const orderResult = (o: CommandOutcome): OrderResult => ({
    trades: o.trades ?? [],
    ...(o.order ? { order: o.order } : {}),
    ...(o.error ? { error: o.error } : {}),
  });
  const proxy = {
    now: () => host.now(),
    submitOrder: (s: OrderSubmission) =>
      orderResult(
        host.execute({
          kind: 'submit',
          party: s.party,
          order: {
            marketId: s.marketId,
            side: s.side,
            size: s.size,
            type: s.type === 'MARKET' ? 'MARKET' : 'LIMIT',
            tif: s.tif,
            ...(s.price !== undefined ? { price: s.price } : {}),
            ...(s.expiresAt !== undefined ? { expiresAt: s.expiresAt.toString() } : {}),
            ...(s.postOnly ? { postOnly: true } : {}),
            ...(s.reduceOnly ? { reduceOnly: true } : {}),
          },
        }),
      ),
    cancelOrder: (party: string, marketId: string, orderId: string) =>
      orderResult(host.execute({ kind: 'cancel', party, marketId, orderId })),
    cancelAllOrders: (party: string, marketId?: string) =>
      orderResult(host.execute({ kind: 'cancelAll', party, ...(marketId ? { marketId } : {}) })),
    submitLiquidityProvision: (id: string, party: string, marketId: string, commitment: bigint, fee: unknown) =>
      host.execute({
        kind: 'lpSubmit',
        party,
        marketId,
        id,
        commitment: commitment.toString(),
        fee: String(fee),
      }),
  };
  return proxy as unknown as Exchange;
}

export class BackgroundAgents {
  readonly bus: EventBus;
  readonly feeds = new Map<string, MarketFeed>();
  private readonly slots: Slot[] = [];
  readonly stats: GatewayStats = { submitted: 0, rejected: 0, cancels: 0, reasons: new Map() };
  /** agent exceptions (an agent that throws is stopped, the venue goes on) */
  readonly failures: string[] = [];

  constructor(
    private readonly host: AgentHost,
    readonly loaded: LoadedScenario,
    markets: readonly MarketInfo[],
    startNs: bigint,
    private readonly truth: (marketId: string) => number | undefined,
    seed: string,
  ) {
    this.bus = new EventBus(startNs);
    for (const m of markets) {
      const f = new MarketFeed(m.market);
      this.feeds.set(m.id, f);
      this.bus.feeds.set(m.id, f);
    }
    const byId = new Map(markets.map((m) => [m.id, m]));
    const root = new Prng(`perpsim/${seed}`);
    const gx = gatewayExchange(host);
    const sc = loaded.scenario;
    sc.agents.forEach((spec, i) => {
      const info = spec.market ? byId.get(spec.market) : markets[0];
      if (!info)
        throw new Error(
          `agents[${i}].market: "${spec.market}" is not a market of the venue (${[...byId.keys()].join(', ')})`,
        );
      const feed = this.feeds.get(info.id)!;
      const mspec = sc.markets.find((m) => (m.id ?? '') === info.id) ?? sc.markets[0];
      const startPrice = mspec && mspec.price.process !== 'csv' ? mspec.price.start : 1;
      for (const party of partyNames(spec.name ?? spec.type, spec.count)) {
        const me = this.bus.addParty(party, spec.type);
        const agent = makeAgent(spec, party, startPrice, feed.tick, info.market.configView().sla.priceRange.toNumber());
        const gateway = new OrderGateway(gx, party, info.id, this.stats);
        const ctx = { time: 0, feed, me, gateway, rng: root.fork(`agent/${party}`) };
        this.slots.push({ agent, ctx, info, me, spec, wake: 0, started: false });
        if (agent.onPublicTrade) {
          const a = agent;
          this.bus.tradeListeners.push((t, m) => {
            if (m === info.id) a.onPublicTrade!(t);
          });
        }
        if (agent.onFill) {
          const a = agent;
          this.bus.fillListeners.set(party, (t, side) => a.onFill!(t, side));
        }
      }
    });
  }

  get parties(): string[] {
    return this.slots.map((s) => s.me.party);
  }

  /**
   * Funds every agent party that has no general account yet (a fresh venue). After a restart the agents start
   * afresh, so their parties' orders from before are cancelled (journaled like any command) rather than forgotten.
   */
  fund(): void {
    for (const s of this.slots) {
      const asset = s.info.asset;
      if (this.host.ex.ledger.get(s.me.party, 'GENERAL', asset)) {
        if (s.info.market.partyOrders(s.me.party).length)
          this.host.execute({ kind: 'cancelAll', party: s.me.party, marketId: s.info.id });
        continue;
      }
      const amount = (BigInt(Math.round(s.spec.deposit * 100)) * 10n ** BigInt(s.info.units.assetDecimals)) / 100n;
      const r = this.host.execute({ kind: 'deposit', party: s.me.party, asset, amount: amount.toString() });
      if (r.error) throw new Error(`agent ${s.me.party} deposit: ${r.error}`);
    }
  }

  /** Called at the start of every block, after the oracle, with seconds since the genesis. */
  onBlock(tSec: number, block: number): void {
    this.bus.time = tSec;
    for (const f of this.feeds.values()) {
      f.block = block;
      f.midAtBlockStart = f.mid();
    }
    for (const s of this.slots) {
      if (!s.started) {
        s.started = true;
        s.ctx.time = tSec;
        s.wake = this.guard(s, () => s.agent.start(s.ctx as AgentContext));
        continue;
      }
      if (s.wake > tSec) continue;
      s.ctx.time = tSec;
      if (s.agent.informed) {
        const t = this.truth(s.info.id);
        if (t !== undefined) s.ctx.signal = t;
      }
      let next = this.guard(s, () => s.agent.act(s.ctx as AgentContext));
      if (!(next > tSec)) next = tSec + 1;
      s.wake = next;
    }
  }

  /** Publishes an oracle price to the agents' feed. */
  onOracle(marketId: string, price: number, tSec: number): void {
    const f = this.feeds.get(marketId);
    if (!f) return;
    f.oraclePrice = price;
    f.oracleTime = tSec;
  }

  private guard(s: Slot, f: () => number): number {
    try {
      return f();
    } catch (e) {
      this.failures.push(`${s.me.party}: ${(e as Error).message}`);
      return Infinity;
    }
  }
}
