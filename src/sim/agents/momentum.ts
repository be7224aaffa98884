// A momentum trader: every `wakeSeconds` it updates a fast and a slow exponential average of the mark price (time
// constants in seconds) and, when they are more than `threshold` apart, targets a position of `positionNotional` in
// the trend's direction (flat again when the gap closes to half the threshold), trading toward it with market
// orders of at most `orderNotional`.
import type { MomentumSpec } from '../scenario.ts';
import { positionOf, type Agent, type AgentContext } from './agent.ts';

export class MomentumTrader implements Agent {
  readonly kind = 'momentum';
  private fast: number | undefined;
  private slow: number | undefined;
  private lastT = 0;
  private target = 0;

  constructor(
    readonly party: string,
    private readonly spec: MomentumSpec,
  ) {}

  start(ctx: AgentContext): number {
    return ctx.time + ctx.rng.uniform(0, this.spec.wakeSeconds);
  }

  act(ctx: AgentContext): number {
    const { feed, gateway } = ctx;
    const next = ctx.time + this.spec.wakeSeconds;
    const mark = feed.mark();
    if (!(mark > 0) || !feed.continuous) return next;
    if (this.fast === undefined || this.slow === undefined) {
      this.fast = mark;
      this.slow = mark;
      this.lastT = ctx.time;
      return next;
    }
    const dt = ctx.time - this.lastT;
    this.lastT = ctx.time;
    this.fast += (1 - Math.exp(-dt / this.spec.fastSeconds)) * (mark - this.fast);
    this.slow += (1 - Math.exp(-dt / this.spec.slowSeconds)) * (mark - this.slow);
    const signal = (this.fast - this.slow) / this.slow;
    const size = this.spec.positionNotional / mark;
    if (signal > this.spec.threshold) this.target = size;
    else if (signal < -this.spec.threshold) this.target = -size;
    else if (Math.abs(signal) < this.spec.threshold / 2) this.target = 0;
    const gap = this.target - positionOf(ctx);
    const step = Math.min(Math.abs(gap), this.spec.orderNotional / mark);
    if (step * feed.sizeScale >= 1) gateway.market(gap > 0 ? 'buy' : 'sell', feed.toSize(step));
    return next;
  }
}
