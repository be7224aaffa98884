// A noise trader: orders at Poisson times (mean `meanIntervalSeconds`), a random side and a log-normal notional;
// either a market order or a limit order at a random offset around the mid (some of them marketable) that expires
// after `limitLifetimeSeconds`. Beyond `maxLeverage` × equity of position notional it only sends reduce-only market
// orders (and nothing once it has neither money nor position, e.g. after a close-out). In the
// opening auction it places limit orders around the oracle price, which is what lets the auction uncross.
import type { Side } from '../../core/index.ts';
import type { NoiseSpec } from '../scenario.ts';
import { equityOf, positionOf, type Agent, type AgentContext } from './agent.ts';

export class NoiseTrader implements Agent {
  readonly kind = 'noise';

  constructor(
    readonly party: string,
    private readonly spec: NoiseSpec,
  ) {}

  start(ctx: AgentContext): number {
    return ctx.time + ctx.rng.exponential(this.spec.meanIntervalSeconds);
  }

  act(ctx: AgentContext): number {
    const { feed, gateway, rng } = ctx;
    const next = ctx.time + rng.exponential(this.spec.meanIntervalSeconds);
    const ref = feed.continuous ? (feed.mid() ?? feed.reference()) : feed.reference();
    if (ref === undefined) return next;
    const notional = rng.logNormal(Math.log(this.spec.notionalMedian), this.spec.notionalSigma);
    const size = feed.toSize(notional / ref);
    const pos = positionOf(ctx);
    const cap = (this.spec.maxLeverage * Math.max(0, equityOf(ctx))) / ref;
    if (Math.abs(pos) >= cap) {
      // over its leverage (or out of money): only a market order that reduces the position, when there is one
      if (pos !== 0 && feed.continuous)
        gateway.market(pos > 0 ? 'sell' : 'buy', Math.min(size, Math.abs(ctx.me.position)), true);
      return next;
    }
    const side: Side = rng.chance(0.5) ? 'buy' : 'sell';
    if (!feed.continuous) {
      // auction: a limit order within ±0.5% of the reference
      const px = ref * (1 + (side === 'buy' ? 1 : -1) * rng.uniform(-0.005, 0.005));
      gateway.limit(side, feed.toTicks(px), size, { tif: 'GTT', expiresInSeconds: this.spec.limitLifetimeSeconds });
      return next;
    }
    if (rng.chance(this.spec.marketOrderProbability)) {
      gateway.market(side, size);
      return next;
    }
    // limit: from a few ticks through the touch to limitOffsetTicks behind it
    const k = this.spec.limitOffsetTicks;
    const offset = Math.round(rng.uniform(-k / 4, k)) * feed.tickSize;
    const best = side === 'buy' ? feed.bestBid() : feed.bestAsk();
    const base = best ?? feed.toTicks(ref);
    const price = side === 'buy' ? base - offset : base + offset;
    if (price > 0) gateway.limit(side, price, size, { tif: 'GTT', expiresInSeconds: this.spec.limitLifetimeSeconds });
    return next;
  }
}
