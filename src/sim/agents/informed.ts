// An informed trader: it sees the underlying's true price before the oracle publishes it (a private signal) and, at
// Poisson times, takes liquidity mispriced by more than `edge` against it — buying asks below true × (1 − edge),
// selling bids above true × (1 + edge) — with immediate-or-cancel limit orders, within a position limit. When the
// book no longer offers that edge it takes its profit: it closes its position at prices no worse than the true price.
import type { InformedSpec } from '../scenario.ts';
import { positionOf, type Agent, type AgentContext } from './agent.ts';

export class InformedTrader implements Agent {
  readonly kind = 'informed';
  readonly informed = true;

  constructor(
    readonly party: string,
    private readonly spec: InformedSpec,
  ) {}

  start(ctx: AgentContext): number {
    return ctx.time + ctx.rng.exponential(this.spec.meanIntervalSeconds);
  }

  act(ctx: AgentContext): number {
    const { feed, gateway } = ctx;
    const next = ctx.time + ctx.rng.exponential(this.spec.meanIntervalSeconds);
    const truth = ctx.signal;
    if (truth === undefined || !feed.continuous) return next;
    const pos = positionOf(ctx);
    const maxPos = this.spec.maxPositionNotional / truth;
    const size = this.spec.orderNotional / truth;
    const ask = feed.bestAsk();
    const bid = feed.bestBid();
    const scale = feed.priceScale;
    const tick = feed.tickSize;
    const buyBelow = truth * (1 - this.spec.edge);
    const sellAbove = truth * (1 + this.spec.edge);
    const buy = (qty: number, limit: number) => {
      if (qty * feed.sizeScale >= 1)
        gateway.limit('buy', Math.floor((limit * scale) / tick) * tick, feed.toSize(qty), { tif: 'IOC' });
    };
    const sell = (qty: number, limit: number) => {
      if (qty * feed.sizeScale >= 1)
        gateway.limit('sell', Math.ceil((limit * scale) / tick) * tick, feed.toSize(qty), { tif: 'IOC' });
    };
    if (ask !== undefined && ask / scale < buyBelow && pos < maxPos) buy(Math.min(size, maxPos - pos), buyBelow);
    else if (bid !== undefined && bid / scale > sellAbove && pos > -maxPos)
      sell(Math.min(size, maxPos + pos), sellAbove);
    else if (pos > 0 && bid !== undefined && bid / scale >= truth) sell(Math.min(size, pos), truth);
    else if (pos < 0 && ask !== undefined && ask / scale <= truth) buy(Math.min(size, -pos), truth);
    return next;
  }
}
