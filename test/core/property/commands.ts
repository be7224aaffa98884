// The property test's command stream (test/core/property.test.ts): the command union, how one is run against the
// exchange, how it is described, the parties and their roles, and the run's sizes.
import type { Exchange } from '../../../src/core/exchange/exchange.ts';
import type { OrderAmendment, OrderSubmission } from '../../../src/core/commands.ts';
import { Decimal } from '../../../src/core/num/decimal.ts';

export const COMMANDS = 100_000;
export const CHECKPOINT_EVERY = 10_000;
/** Commands of the short run with a different seed (its hash at this point must differ from the main run's). */
export const SHORT_RUN = 5_000;
export const SEED = Number(process.env.PROPERTY_SEED ?? 0x5eed);
/** Generated commands after which the oracle terminates the FUTURE market, and after which it settles it. */
export const TERMINATE_AT = 60_000;
export const SETTLE_AT = 64_000;
export const OTHER_SEED = 0xbeef;

// ------------------------------------------------------------------ commands

export type Command =
  | { readonly k: 'submit'; readonly sub: OrderSubmission }
  | { readonly k: 'amend'; readonly a: OrderAmendment }
  | { readonly k: 'cancel'; readonly party: string; readonly market: string; readonly orderId: string }
  | { readonly k: 'cancelAll'; readonly party: string; readonly market?: string }
  | { readonly k: 'deposit'; readonly party: string; readonly asset: string; readonly amount: bigint }
  | { readonly k: 'withdraw'; readonly party: string; readonly asset: string; readonly amount: bigint }
  | {
      readonly k: 'lp';
      readonly id: string;
      readonly party: string;
      readonly market: string;
      readonly commitment: bigint;
      readonly fee: Decimal;
    }
  | { readonly k: 'insurance'; readonly market: string; readonly amount: bigint }
  | { readonly k: 'block'; readonly dt: bigint }
  /** oracle data (perpetual external and index prices, the future's termination and settlement) */
  | {
      readonly k: 'oracle';
      readonly signers: readonly string[];
      readonly properties: Readonly<Record<string, string>>;
      readonly ts: bigint;
    }
  /** a tick without a block end (Vega's OnTick at the same or a later time) */
  | { readonly k: 'tick'; readonly dt: bigint };

/** Runs one command; returns the engine's error string, if any (exceptions propagate). */
export function execute(ex: Exchange, c: Command): string | undefined {
  switch (c.k) {
    case 'submit':
      return ex.submitOrder(c.sub).error;
    case 'amend':
      return ex.amendOrder(c.a).error;
    case 'cancel':
      return ex.cancelOrder(c.party, c.market, c.orderId).error;
    case 'cancelAll':
      return ex.cancelAllOrders(c.party, c.market).error;
    case 'deposit':
      return ex.deposit(c.party, c.asset, c.amount).error;
    case 'withdraw':
      return ex.withdraw(c.party, c.asset, c.amount).error;
    case 'lp':
      return ex.submitLiquidityProvision(c.id, c.party, c.market, c.commitment, c.fee).error;
    case 'insurance':
      return ex.fundInsurancePool(c.market, c.amount).error;
    case 'block':
      ex.endBlock();
      ex.advanceTo(ex.now() + c.dt);
      return undefined;
    case 'tick':
      ex.advanceTo(ex.now() + c.dt);
      return undefined;
    case 'oracle':
      return ex.submitOracleData({ signers: c.signers, properties: c.properties, timestamp: c.ts }).error;
  }
}

/** What an accepted submit or amend exercised (order type, time in force, flags; amended fields). */
export function kinds(c: Command): string[] {
  if (c.k === 'submit') {
    const s = c.sub;
    const out = [`submit:${s.type} ${s.tif}`];
    if (s.peg) out.push(`submit:pegged ${s.peg.reference}${s.iceberg ? ' iceberg' : ''}`);
    else if (s.iceberg) out.push('submit:iceberg');
    if (s.postOnly) out.push('submit:post-only');
    if (s.reduceOnly) out.push('submit:reduce-only');
    return out;
  }
  if (c.k === 'amend') {
    const fields = ['price', 'sizeDelta', 'size', 'tif', 'expiresAt', 'peggedOffset', 'peggedReference'] as const;
    return fields.filter((f) => c.a[f] !== undefined).map((f) => `amend:${f}`);
  }
  return [];
}

/** Compact, JSON-safe description of a command for failure messages and reproductions. */
export function describe(c: Command): string {
  return JSON.stringify(c, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Decimal ? v.toString() : v,
  );
}

// ------------------------------------------------------------------ generator

export type Role = 'mm' | 'lp' | 'trader' | 'degen' | 'whale';

export interface Party {
  readonly id: string;
  readonly role: Role;
}

export interface MarketModel {
  readonly id: string;
  readonly tick: number;
  /** size units per contract (10^PDP) */
  readonly unit: number;
  /** market precision → asset precision */
  readonly priceFactor: number;
  readonly logBase: number;
  logFair: number;
  /** rough initial margin per contract as a fraction of the notional */
  readonly marginFraction: number;
}

export const PARTIES: readonly Party[] = [
  ...[0, 1, 2, 3].map((i) => ({ id: `mm${i}`, role: 'mm' as const })),
  ...[0, 1, 2].map((i) => ({ id: `lp${i}`, role: 'lp' as const })),
  ...Array.from({ length: 18 }, (_, i) => ({ id: `trader${String(i).padStart(2, '0')}`, role: 'trader' as const })),
  ...Array.from({ length: 8 }, (_, i) => ({ id: `degen${i}`, role: 'degen' as const })),
  { id: 'whale', role: 'whale' as const },
];
export const byRole = (r: Role) => PARTIES.filter((p) => p.role === r);
