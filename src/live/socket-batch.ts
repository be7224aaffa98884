// Batched WebSocket writes for the venue's streams (the native /v1/ws and the Luno-compatible /api/1/stream): the
// messages of a connection are queued and written together on the next turn of the event loop, after the journal
// holds every command applied so far (nothing is streamed before it is journaled), in one corked write where the
// socket allows it. A consumer that cannot keep up is disconnected (it reconnects and re-reads) rather than letting
// its backlog grow without bound in the venue or silently dropping messages from the middle of its stream.
import type { WebSocket } from 'ws';

/** a connection with more than this waiting to be sent is closed as too slow */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** The raw socket under a WebSocket, whose writes can be gathered into one (writev). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** A connection as the batcher sees it: its socket, and the messages waiting for the next flush. */
export interface BatchedConnection {
  readonly socket: WebSocket;
  readonly raw?: Corkable | undefined;
  out: string[];
}

export class SocketBatcher<C extends BatchedConnection> {
  private readonly waiting = new Set<C>();
  private scheduled = false;

  /** @param beforeFlush makes everything applied so far durable (the venue's journal commit) */
  constructor(private readonly beforeFlush: () => void) {}

  /** Queues one serialised message for a connection (dropped if the socket is no longer open). */
  push(c: C, text: string): void {
    if (c.socket.readyState !== 1) return;
    c.out.push(text);
    this.waiting.add(c);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    this.beforeFlush();
    for (const c of this.waiting) {
      const out = c.out;
      c.out = [];
      if (c.socket.readyState !== 1) continue;
      if (c.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        c.socket.close(1013, 'too slow: more than 16 MiB of messages waiting');
        continue;
      }
      c.raw?.cork();
      for (const m of out) c.socket.send(m);
      c.raw?.uncork();
    }
    this.waiting.clear();
  }
}
