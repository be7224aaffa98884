// The bots' boards: a bot trading the venue (`perpsim mm`, `perpsim live`) posts its own state — the quotes it wants
// against its fair price, its resting orders, its inventory and its live P&L split — with its party key
// (`POST /v1/bots/state`), and the live page reads every bot's latest state (`GET /v1/bots`). The venue cannot
// compute this itself: fair, reservation price and the split by source (spread, inventory, funding, fees) are the
// bot's model and bookkeeping, so the bot reports them and the venue only keeps the last report per party, in
// memory (it is not a command: it is not journaled and changes no engine state).
import { z } from 'zod';

const price = z.number().finite().nullable();
const money = z.number().finite();
const exact = z.string().regex(/^-?\d+(\.\d+)?$/);
const resting = z.strictObject({ price: z.number().finite().positive(), lots: z.number().finite().nonnegative() });

export const botStateBody = z.strictObject({
  time: z.number().finite().nonnegative(),
  market: z.string().max(64).nullable(),
  pair: z.string().max(64).nullable(),
  state: z.enum(['starting', 'quoting', 'killed', 'stopped']),
  kill: z.string().max(500).nullable(),
  position: z.number().finite(),
  maxPosition: z.number().finite().nonnegative(),
  mark: price,
  fair: price,
  reservation: price,
  quotes: z.strictObject({ bid: price, ask: price }),
  orders: z.strictObject({ bid: resting.nullable(), ask: resting.nullable() }),
  fills: z.number().int().nonnegative(),
  placed: z.number().int().nonnegative(),
  pnl: z
    .strictObject({
      spread: money,
      inventory: money,
      funding: money,
      fees: money,
      other: money,
      total: money,
      exact: z.strictObject({
        spread: exact,
        inventory: exact,
        funding: exact,
        fees: exact,
        other: exact,
        total: exact,
      }),
    })
    .nullable(),
});

export type BotState = z.infer<typeof botStateBody>;

/** The last state each bot party posted, with the venue's receipt time (ms since the epoch). */
export class BotBoard {
  private readonly states = new Map<string, BotState & { readonly party: string; readonly receivedAt: number }>();

  post(party: string, s: BotState, receivedAt: number): void {
    this.states.set(party, { ...s, party, receivedAt });
  }

  list(): readonly (BotState & { readonly party: string; readonly receivedAt: number })[] {
    return [...this.states.values()].sort((a, b) => (a.party < b.party ? -1 : a.party > b.party ? 1 : 0));
  }
}
