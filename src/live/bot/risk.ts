// The bot's risk manager (the seed's is an empty stub). Limits: the largest position and the largest notional
// (beyond either the maker quotes only the side that reduces the position), and the largest loss. The kill switch
// cancels every order and stops quoting on a breach of the loss limit (for good), on a stale book (no update for
// `stale_book_s`) and on a lost connection (a feed or the command channel down) — those two resume once the book is
// fresh and every channel is up again. While tripped, the cancel-all is retried until the venue confirms it.

export interface RiskLimits {
  /** size units */
  readonly maxPosition: number;
  /** quote units */
  readonly maxNotional: number;
  /** quote units, positive */
  readonly maxLoss: number;
  readonly staleBookSeconds: number;
}

export interface RiskInputs {
  readonly time: number;
  /** time of the last book update (undefined: none yet) */
  readonly lastBook: number | undefined;
  /** channels that are down, with the reason */
  readonly down: ReadonlyMap<string, string>;
  /** signed position, size units */
  readonly position: number;
  /** a price to value the position (mark, else mid) */
  readonly price: number | undefined;
  /** P&L since the start, quote units */
  readonly pnl: number;
}

export type KillReason = 'max-loss' | 'stale-book' | 'connection';

export interface RiskDecision {
  /** the kill switch is tripped: cancel everything, quote nothing */
  readonly kill?: { readonly reason: KillReason; readonly detail: string };
  /** the position limit for the maker: min(max position, max notional / price) */
  readonly maxPosition: number;
  /** the position is at or beyond a limit: only the reducing side is quoted */
  readonly reduceOnly: boolean;
}

export class RiskManager {
  private halted: { reason: KillReason; detail: string } | undefined;

  constructor(readonly limits: RiskLimits) {
    for (const [k, v] of Object.entries(limits))
      if (!(v > 0)) throw new RangeError(`risk limit ${k}: must be > 0 (got ${v})`);
  }

  /** Tripped for good (the loss limit). */
  get haltedFor(): { reason: KillReason; detail: string } | undefined {
    return this.halted;
  }

  check(s: RiskInputs): RiskDecision {
    const l = this.limits;
    const byNotional = s.price !== undefined && s.price > 0 ? l.maxNotional / s.price : l.maxPosition;
    const maxPosition = Math.min(l.maxPosition, byNotional);
    const reduceOnly = Math.abs(s.position) >= maxPosition;
    if (!this.halted && s.pnl < -l.maxLoss)
      this.halted = { reason: 'max-loss', detail: `P&L ${s.pnl.toFixed(6)} below −${l.maxLoss}` };
    if (this.halted) return { kill: this.halted, maxPosition, reduceOnly };
    if (s.down.size > 0) {
      const detail = [...s.down].map(([ch, why]) => `${ch}: ${why}`).join('; ');
      return { kill: { reason: 'connection', detail }, maxPosition, reduceOnly };
    }
    if (s.lastBook === undefined || s.time - s.lastBook > l.staleBookSeconds) {
      const detail =
        s.lastBook === undefined ? 'no book yet' : `no book update for ${(s.time - s.lastBook).toFixed(1)} s`;
      return { kill: { reason: 'stale-book', detail }, maxPosition, reduceOnly };
    }
    return { maxPosition, reduceOnly };
  }
}
