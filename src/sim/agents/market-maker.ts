// The Avellaneda–Stoikov market maker agent: the venue-agnostic strategy (src/strategies) wired to the simulated
// venue. Every `wakeSeconds` (jittered) it samples the book without its own orders, feeds the public trade stream
// (with the mid before each trade, the aggressive order behind it, auction uncrossings marked) to the intensity
// estimator, derives its position limit from the market's margin
// parameters and its equity, reads the funding estimate, and lets the strategy plan cancels and new quotes. In an
// auction (where the book may be crossed) it quotes around the mark, or the oracle price before the first mark.
import { AvellanedaStoikovMaker, makerConfig, type RestingQuote } from '../../strategies/index.ts';
import type { Side } from '../../core/index.ts';
import type { PublicTrade } from '../client.ts';
import type { MarketMakerSpec } from '../scenario.ts';
import { equityOf, positionOf, type Agent, type AgentContext } from './agent.ts';

export class MarketMakerAgent implements Agent {
  readonly kind = 'avellaneda-stoikov';
  readonly maker: AvellanedaStoikovMaker;
  private readonly resting: { bid?: RestingQuote & { id: string }; ask?: RestingQuote & { id: string } } = {};
  private lastMaxPosition = 0;
  private quotesPlaced = 0;
  /** cancels of resting quotes, by reason (a replacement is a cancel followed by a new quote) */
  private readonly cancels: Record<string, number> = {};

  constructor(
    readonly party: string,
    protected readonly spec: MarketMakerSpec,
    private readonly startPrice: number,
    tick: number,
  ) {
    const cfg = makerConfig(spec, startPrice, tick);
    this.maker = new AvellanedaStoikovMaker(cfg);
  }

  start(ctx: AgentContext): number {
    return ctx.time + ctx.rng.uniform(0, this.spec.wakeSeconds);
  }

  onPublicTrade(t: PublicTrade): void {
    this.maker.observeTrade(t.time, t.price, t.midBefore, {
      ...(t.aggressorOrder !== undefined ? { arrival: t.aggressorOrder } : {}),
      auction: t.aggressor === undefined,
    });
  }

  onFill(t: PublicTrade): void {
    this.maker.observeFill(t.time);
  }

  act(ctx: AgentContext): number {
    const { feed, me, gateway } = ctx;
    // forget quotes that are no longer live (filled, cancelled, expired)
    for (const side of ['bid', 'ask'] as const) {
      const r = this.resting[side];
      if (!r) continue;
      const live = me.orders.get(r.id);
      if (!live) delete this.resting[side];
      // one position unit is one lot
      else if (live.remaining !== r.lots) this.resting[side] = { ...r, lots: live.remaining };
    }
    const continuous = feed.continuous;
    const book = continuous ? feed.depth(this.spec.vampLevels, me.orders) : { bids: [], asks: [] };
    if (continuous) this.maker.observeBook(ctx.time, book);
    const reference = feed.reference();
    const price = reference ?? this.startPrice;
    const maxPosition = this.positionLimit(ctx, price);
    this.lastMaxPosition = maxPosition;
    const rate = feed.fundingPeriodSeconds !== undefined ? feed.fundingRate() : undefined;
    const plan = this.maker.plan(
      {
        time: ctx.time,
        book,
        reference,
        inventory: positionOf(ctx),
        maxPosition,
        funding:
          rate !== undefined && feed.fundingPeriodSeconds !== undefined
            ? { rate, periodSeconds: feed.fundingPeriodSeconds }
            : undefined,
        rules: { tick: feed.tick, lot: feed.lot, minSize: feed.lot },
      },
      this.resting,
    );
    for (const side of plan.cancel) {
      const why = plan.reasons[side] ?? 'unquoted';
      this.cancels[why] = (this.cancels[why] ?? 0) + 1;
      const r = this.resting[side];
      if (r) gateway.cancel(r.id);
      delete this.resting[side];
    }
    for (const { side, leg } of plan.place) {
      const engineSide: Side = side === 'bid' ? 'buy' : 'sell';
      const res = gateway.limit(engineSide, leg.ticks * feed.tickSize, leg.lots);
      this.quotesPlaced++;
      if (res.orderId && me.orders.has(res.orderId))
        this.resting[side] = { id: res.orderId, ticks: leg.ticks, lots: leg.lots, placedAt: ctx.time };
    }
    // wake again after about wakeSeconds (jittered so the makers do not move in lockstep)
    return ctx.time + this.spec.wakeSeconds * (0.5 + ctx.rng.next());
  }

  /** The largest |inventory| (contracts): `marginUtilisation` of the equity as initial margin at `price`. */
  protected positionLimit(ctx: AgentContext, price: number): number {
    return Math.max(0, (equityOf(ctx) * this.spec.marginUtilisation) / (price * ctx.feed.initialMarginFraction));
  }

  describe(): Record<string, unknown> {
    const s = this.maker.state();
    return {
      gamma: this.spec.gamma,
      model: this.spec.model,
      sigma: s.volatility.sigma,
      sigmaSamples: s.volatility.samples,
      A: s.intensity.A,
      kappa: s.intensity.kappa,
      intensityFit: s.intensity.fit,
      ...(s.intensity.reason ? { intensityNote: s.intensity.reason } : {}),
      maxPosition: this.lastMaxPosition,
      sigmaIntervalSeconds: s.volatility.intervalSeconds,
      quotesPlaced: this.quotesPlaced,
      cancelsByReason: { ...this.cancels },
    };
  }
}
