// A liquidity provider that commits a bond and quotes to meet the SLA (spec 0044-LIME): at the start it submits its
// commitment with a nominated fee; then it keeps a ladder of `levels` orders per side between `nearest` and
// `furthest` (fractions of the mid, inside the market's SLA price range) whose notional per side, valued at the mark
// price as the SLA values it, is `coverage` × commitment. It rebuilds the ladder when the mid moved by `recenter`,
// when orders were filled or expired, and otherwise leaves it alone; a position beyond `maxPositionRatio` ×
// commitment of notional is reduced with a reduce-only market order.
import type { Side } from '../../core/index.ts';
import type { LiquidityProviderSpec } from '../scenario.ts';
import { positionOf, type Agent, type AgentContext } from './agent.ts';

export class LiquidityProviderAgent implements Agent {
  readonly kind = 'liquidity-provider';
  private center: number | undefined;
  private ladder = new Set<string>();
  private committed = false;
  private commitError: string | undefined;
  private rebuilds = 0;

  constructor(
    readonly party: string,
    private readonly spec: LiquidityProviderSpec,
    priceRange: number,
  ) {
    if (spec.furthest >= priceRange)
      throw new RangeError(
        `liquidity provider ${party}: furthest level ${spec.furthest} must be inside the SLA price range ${priceRange}`,
      );
    if (spec.nearest > spec.furthest)
      throw new RangeError(`liquidity provider ${party}: nearest (${spec.nearest}) beyond furthest (${spec.furthest})`);
  }

  start(ctx: AgentContext): number {
    return ctx.time;
  }

  act(ctx: AgentContext): number {
    const { feed, gateway, me } = ctx;
    const next = ctx.time + this.spec.refreshSeconds * (0.75 + 0.5 * ctx.rng.next());
    if (!this.committed) {
      this.committed = true;
      const amount = BigInt(Math.round(this.spec.commitment)) * BigInt(feed.assetScale);
      this.commitError = gateway.commitLiquidity(`lp-${this.party}`, amount, this.spec.fee);
    }
    const mid = feed.continuous ? (feed.mid() ?? feed.reference()) : feed.reference();
    if (mid === undefined) return next;
    const value = feed.mark() > 0 ? feed.mark() : mid;

    // inventory: shed what is beyond the limit
    const pos = positionOf(ctx);
    const limit = (this.spec.maxPositionRatio * this.spec.commitment) / value;
    if (feed.continuous && Math.abs(pos) > limit) {
      const side: Side = pos > 0 ? 'sell' : 'buy';
      gateway.market(side, feed.toSize((Math.abs(pos) - limit * 0.5) * 1), true);
    }

    let intact = this.ladder.size > 0;
    for (const id of this.ladder) if (!me.orders.has(id)) intact = false;
    const drift = this.center === undefined ? Infinity : Math.abs(mid - this.center) / this.center;
    if (intact && drift < this.spec.recenter) return next;

    gateway.cancelAll();
    this.ladder.clear();
    this.center = mid;
    this.rebuilds++;
    const n = this.spec.levels;
    const perLevelNotional = (this.spec.coverage * this.spec.commitment) / n;
    for (let i = 0; i < n; i++) {
      const f =
        n === 1 ? this.spec.nearest : this.spec.nearest + ((this.spec.furthest - this.spec.nearest) * i) / (n - 1);
      const size = feed.toSize(perLevelNotional / value);
      for (const side of ['buy', 'sell'] as const) {
        const px = side === 'buy' ? mid * (1 - f) : mid * (1 + f);
        // round away from the mid so the level stays at least `nearest` out
        const ticks =
          side === 'buy'
            ? Math.floor((px * feed.priceScale) / feed.tickSize) * feed.tickSize
            : Math.ceil((px * feed.priceScale) / feed.tickSize) * feed.tickSize;
        if (ticks <= 0) continue;
        const r = gateway.limit(side, ticks, size);
        if (r.orderId && me.orders.has(r.orderId)) this.ladder.add(r.orderId);
      }
    }
    return next;
  }

  describe(): Record<string, unknown> {
    return {
      commitment: this.spec.commitment,
      fee: this.spec.fee,
      ...(this.commitError ? { commitmentRejected: this.commitError } : {}),
      ladderRebuilds: this.rebuilds,
    };
  }
}
