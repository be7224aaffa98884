// Posts the bot's state (quotes against fair, orders, inventory, P&L split) to the venue's bot board
// (`POST /v1/bots/state`) every `everyMs`, for the live page. A failed post is logged once per outage and retried at
// the next beat: the dashboard is a view, it never stops the bot.
import type { BotSnapshot } from './runner.ts';

export interface StatePosterOptions {
  readonly api: string;
  readonly key: string;
  readonly everyMs: number;
  readonly log?: (line: string) => void;
}

export class BotStatePoster {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private failing = false;
  posted = 0;

  constructor(
    private readonly bot: { snapshot(): BotSnapshot },
    private readonly opts: StatePosterOptions,
  ) {}

  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), this.opts.everyMs);
    this.timer.unref();
  }

  private beat(): void {
    if (this.inFlight) return;
    this.inFlight = this.post().finally(() => (this.inFlight = undefined));
  }

  /** Posts the state now; resolves when the venue has answered (or the post failed). */
  async post(): Promise<void> {
    try {
      const r = await fetch(`${this.opts.api}/v1/bots/state`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.opts.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(this.bot.snapshot()),
        signal: AbortSignal.timeout(5000),
      });
      if (!r.ok) throw new Error(`HTTP ${r.status}: ${(await r.text()).slice(0, 300)}`);
      this.posted++;
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.opts.log?.(`mm: posting the bot's state to the venue failed: ${(e as Error).message}`);
      this.failing = true;
    }
  }

  /** Stops the beat; a last post carries the final state (stopped, orders cancelled). */
  async stop(final = true): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    if (final) await this.post();
  }
}
