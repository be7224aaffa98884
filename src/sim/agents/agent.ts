// The agent interface: an agent owns one party on one market, wakes at times it chooses (never every block unless
// it asks to), reads only client-visible data (the market feed, its own party state, the public trade stream, and —
// for the informed trader only — a private price signal) and acts through its order gateway.
import type { Side } from '../../core/index.ts';
import type { MarketFeed, OrderGateway, PartyState, PublicTrade } from '../client.ts';
import type { Prng } from '../prng.ts';

export interface AgentContext {
  /** seconds since the simulation start */
  readonly time: number;
  readonly feed: MarketFeed;
  readonly me: PartyState;
  readonly gateway: OrderGateway;
  readonly rng: Prng;
  /** the underlying's true price now (private information; only agents that declare `informed` receive it) */
  readonly signal?: number;
}

export interface Agent {
  readonly party: string;
  /** the scenario's agent type */
  readonly kind: string;
  /** receives the private price signal */
  readonly informed?: boolean;
  /** first wake-up time, seconds since the start */
  start(ctx: AgentContext): number;
  /** acts and returns the next wake-up time (seconds since the start; must be later than ctx.time) */
  act(ctx: AgentContext): number;
  /** public trades of the agent's market (subscribed agents only) */
  onPublicTrade?(t: PublicTrade): void;
  /** the agent's own trades */
  onFill?(t: PublicTrade, side: Side): void;
  /** strategy state for the report (estimators and such) */
  describe?(): Record<string, unknown>;
}

/**
 * Equity of a party in quote units; on a spot market its base asset counts at the reference price (the feed's
 * `baseScale` converts base asset precision to base units).
 */
export function equityOf(ctx: AgentContext): number {
  const quote = Number(ctx.me.equity()) / ctx.feed.assetScale;
  if (ctx.me.baseAsset === undefined) return quote;
  return quote + (Number(ctx.me.baseHeld()) / ctx.feed.baseScale) * (ctx.feed.reference() ?? 0);
}

/** Signed position in contracts. */
export function positionOf(ctx: AgentContext): number {
  return ctx.me.position / ctx.feed.sizeScale;
}
