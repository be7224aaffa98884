// An AMM liquidity provider (spec 0090-VAMM): once the market trades continuously it moves `commitment` into an
// AMM whose base is the mid and whose range is ±`width` of it; when the mid has drifted `rebaseAt` × width from the
// base it amends the pool to re-base at the mid (the pool trades back to its curve within `slippage`). The pool's
// position, margin and fees live in its sub-account; this agent reports the pool's state.
import type { AmmProviderSpec } from '../scenario.ts';
import type { Agent, AgentContext } from './agent.ts';

export class AmmProviderAgent implements Agent {
  readonly kind = 'amm-provider';
  private base: number | undefined;
  private submits = 0;
  private rebases = 0;
  private lastError: string | undefined;

  constructor(
    readonly party: string,
    private readonly spec: AmmProviderSpec,
  ) {}

  start(ctx: AgentContext): number {
    return ctx.time;
  }

  act(ctx: AgentContext): number {
    const { feed, gateway } = ctx;
    const next = ctx.time + this.spec.refreshSeconds * (0.75 + 0.5 * ctx.rng.next());
    if (!feed.continuous) return next;
    const mid = feed.mid() ?? feed.reference();
    if (mid === undefined || mid <= 0) return next;
    const drift = this.base === undefined ? Infinity : Math.abs(mid - this.base) / (this.base * this.spec.width);
    if (this.base !== undefined && (this.spec.rebaseAt === 0 || drift < this.spec.rebaseAt)) return next;
    // prices in market precision, on the tick, the bounds strictly around the base
    const tick = feed.tickSize;
    const onTick = (p: number) => BigInt(Math.max(tick, Math.round((p * feed.priceScale) / tick) * tick));
    const base = onTick(mid);
    const lower = onTick(mid * (1 - this.spec.width));
    const upper = onTick(mid * (1 + this.spec.width));
    if (!(lower < base && base < upper)) return next;
    const commitment = BigInt(Math.round(this.spec.commitment)) * BigInt(feed.assetScale);
    const err = gateway.amm(commitment, base, lower, upper, {
      fee: this.spec.fee,
      slippage: String(this.spec.slippage),
      ...(this.spec.leverage !== undefined ? { leverage: String(this.spec.leverage) } : {}),
    });
    if (err) {
      this.lastError = err;
      return next;
    }
    if (this.base === undefined) this.submits++;
    else this.rebases++;
    this.base = mid;
    return next;
  }

  describe(): Record<string, unknown> {
    return {
      commitment: this.spec.commitment,
      width: this.spec.width,
      base: this.base ?? null,
      submitted: this.submits,
      rebases: this.rebases,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }
}
