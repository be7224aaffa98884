// An arbitrageur that trades the perpetual toward the oracle: every `wakeSeconds` it compares the mid with the last
// published oracle price (public data) and, when the basis exceeds `threshold`, sells a rich perpetual or buys a
// cheap one with immediate-or-cancel limit orders priced at the oracle ± threshold, within a position limit; when
// the basis has turned, it unwinds the position it holds the same way.
import type { Side } from '../../core/index.ts';
import type { ArbitrageurSpec } from '../scenario.ts';
import { positionOf, type Agent, type AgentContext } from './agent.ts';

export class Arbitrageur implements Agent {
  readonly kind = 'arbitrageur';

  constructor(
    readonly party: string,
    private readonly spec: ArbitrageurSpec,
  ) {}

  start(ctx: AgentContext): number {
    return ctx.time + ctx.rng.uniform(0, this.spec.wakeSeconds);
  }

  act(ctx: AgentContext): number {
    const { feed, gateway } = ctx;
    const next = ctx.time + this.spec.wakeSeconds;
    const oracle = feed.oraclePrice;
    const mid = feed.mid();
    if (oracle === undefined || mid === undefined || !feed.continuous) return next;
    const basis = (mid - oracle) / oracle;
    const pos = positionOf(ctx);
    const maxPos = this.spec.maxPositionNotional / oracle;
    const size = this.spec.orderNotional / oracle;
    const th = this.spec.threshold;
    let side: Side | undefined;
    let qty = 0;
    if (basis > th && pos > -maxPos) {
      side = 'sell';
      qty = Math.min(size, maxPos + pos);
    } else if (basis < -th && pos < maxPos) {
      side = 'buy';
      qty = Math.min(size, maxPos - pos);
    } else if (pos > 0 && basis > 0) {
      side = 'sell';
      qty = Math.min(size, pos);
    } else if (pos < 0 && basis < 0) {
      side = 'buy';
      qty = Math.min(size, -pos);
    }
    if (!side || qty * feed.sizeScale < 1) return next;
    // trade only at prices that are on the right side of the oracle
    const limit =
      side === 'sell'
        ? Math.ceil((oracle * (1 + (Math.abs(basis) > th ? th : 0) / 2) * feed.priceScale) / feed.tickSize) *
          feed.tickSize
        : Math.floor((oracle * (1 - (Math.abs(basis) > th ? th : 0) / 2) * feed.priceScale) / feed.tickSize) *
          feed.tickSize;
    if (limit > 0) gateway.limit(side, limit, feed.toSize(qty), { tif: 'IOC' });
    return next;
  }
}
