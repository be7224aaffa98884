// One load-generating thread of the venue benchmark (bench/venue-bench.ts starts several, so that the clients are
// not the bottleneck): it owns a slice of the WebSocket clients, each its own party, and on the coordinator's word
// subscribes and funds them, then sends orders — closed loop (each client keeps `window` requests in flight) or
// paced (the thread's share of a fixed rate, spread evenly over its clients) — and measures every ack's latency into
// a histogram. Events lost: every pushed message carries a per-connection seq (a gap is a lost message), and every
// order acked must show up on the client's own `orders` stream.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { Histogram } from './venue-histogram.ts';

export interface WorkerInit {
  readonly url: string;
  readonly market: string;
  readonly parties: readonly { readonly party: string; readonly key: string }[];
}

/** coordinator → worker */
export type WorkerCommand =
  | { readonly cmd: 'setup' }
  | { readonly cmd: 'saturate'; readonly window: number }
  | { readonly cmd: 'pace'; readonly rate: number }
  | { readonly cmd: 'stop' }
  | { readonly cmd: 'drain' }
  | { readonly cmd: 'report' }
  | { readonly cmd: 'close' };

/** worker → coordinator */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly cmd: WorkerCommand['cmd'] }
  | { readonly type: 'error'; readonly message: string }
  | {
      readonly type: 'report';
      readonly acks: number;
      readonly sent: number;
      readonly refused: number;
      readonly hist: Uint32Array;
      readonly seqGaps: number;
      readonly ackedOrders: number;
      /** acked orders not (yet) seen on the orders stream */
      readonly notStreamed: number;
      readonly pending: number;
    };

interface Client {
  readonly party: string;
  readonly ws: WebSocket;
  nextId: number;
  /** request id → send time (ms) */
  readonly pending: Map<number, number>;
  /** the client's resting orders, oldest first (cancelled in that order to keep the book bounded) */
  readonly live: string[];
  /** acked orders not yet seen on the orders stream, and orders seen on it not yet acked (with when, for pruning) */
  readonly unseen: Set<string>;
  readonly early: Map<string, number>;
  lastSeq: number;
  i: number;
}

const init = workerData as WorkerInit;
const port = parentPort!;
const hist = new Histogram();
let acks = 0;
let sent = 0;
let refused = 0;
let seqGaps = 0;
let ackedOrders = 0;
let mode: { kind: 'idle' } | { kind: 'saturate'; window: number } | { kind: 'pace'; rate: number } = { kind: 'idle' };
let paceTimer: NodeJS.Timeout | undefined;
const clients: Client[] = [];

function reply(r: WorkerReply): void {
  port.postMessage(r);
}

function onMessage(c: Client, text: string): void {
  const m = JSON.parse(text) as {
    seq: number;
    op?: string;
    id?: number;
    ok?: boolean;
    order?: { id: string; status: string };
    channel?: string;
    data?: { id: string; status?: string };
  };
  if (m.seq !== c.lastSeq + 1) seqGaps += m.seq - c.lastSeq - 1;
  c.lastSeq = m.seq;
  if (m.channel === 'orders' && m.data) {
    const id = m.data.id;
    // an order that traded away or was cancelled is no longer the client's to cancel
    if (m.data.status !== 'ACTIVE' && m.data.status !== 'PARTIALLY_FILLED') {
      const k = c.live.indexOf(id);
      if (k >= 0) c.live.splice(k, 1);
    }
    if (!c.unseen.delete(id) && !c.early.has(id)) c.early.set(id, performance.now());
    return;
  }
  if (m.op !== 'ack' || typeof m.id !== 'number') return;
  const t = c.pending.get(m.id);
  if (t === undefined) return;
  c.pending.delete(m.id);
  hist.record(performance.now() - t);
  acks++;
  if (!m.ok) refused++;
  if (m.order && m.ok) {
    const id = m.order.id;
    if (m.order.status === 'ACTIVE' || m.order.status === 'PARTIALLY_FILLED') {
      if (!c.live.includes(id)) {
        c.live.push(id);
        ackedOrders++;
        if (!c.early.delete(id)) c.unseen.add(id);
      }
    } else if (m.order.status === 'FILLED' && !c.live.includes(id)) {
      ackedOrders++;
      if (!c.early.delete(id)) c.unseen.add(id);
    }
  }
  if (mode.kind === 'saturate') while (c.pending.size < mode.window) send(c);
}

/** the next order of a client: limit orders around 15, some through the touch (they trade); cancels of its oldest */
function send(c: Client): void {
  const id = c.nextId++;
  c.i++;
  let msg: Record<string, unknown>;
  if (c.live.length > 20 || (c.i % 3 === 0 && c.live.length > 0)) {
    msg = { op: 'cancel', id, orderId: c.live.shift(), market: init.market };
  } else {
    const side = c.i % 2 ? 'buy' : 'sell';
    const off = ((c.i * 37 + c.party.length * 11) % 41) - 5;
    const cents = side === 'buy' ? 1500 - off : 1500 + off;
    // exact decimal text from whole cents (no float formatting)
    const price = `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    msg = { op: 'submit', id, body: { market: init.market, side, price, size: '1' } };
  }
  c.pending.set(id, performance.now());
  sent++;
  c.ws.send(JSON.stringify(msg));
}

function startPace(rate: number): void {
  // every millisecond, the orders owed since the start at `rate` per second, round-robin over the clients
  const start = performance.now();
  let due = 0;
  let next = 0;
  paceTimer = setInterval(() => {
    const owed = Math.floor(((performance.now() - start) * rate) / 1000) - due;
    for (let k = 0; k < owed; k++) {
      send(clients[next]!);
      next = (next + 1) % clients.length;
    }
    due += Math.max(0, owed);
  }, 1);
}

function stopSending(): void {
  mode = { kind: 'idle' };
  if (paceTimer) clearInterval(paceTimer);
  paceTimer = undefined;
}

async function connect(): Promise<void> {
  await Promise.all(
    init.parties.map(
      ({ party, key }) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`${init.url.replace('http', 'ws')}/v1/ws`, {
            headers: { authorization: `Bearer ${key}` },
          });
          const c: Client = {
            party,
            ws,
            nextId: 1,
            pending: new Map(),
            live: [],
            unseen: new Set(),
            early: new Map(),
            lastSeq: 0,
            i: 0,
          };
          ws.on('message', (d) => onMessage(c, d.toString()));
          ws.once('open', () => {
            clients.push(c);
            resolve();
          });
          ws.once('error', reject);
        }),
    ),
  );
  // orders seen on the stream but never acked by a submit (those a cancel acked, fills of orders acked filled) are
  // forgotten after a minute
  setInterval(() => {
    const old = performance.now() - 60_000;
    for (const c of clients) for (const [id, t] of c.early) if (t < old) c.early.delete(id);
  }, 5_000).unref();
}

port.on('message', (m: WorkerCommand) => {
  void (async () => {
    try {
      switch (m.cmd) {
        case 'setup':
          for (const c of clients) {
            c.ws.send(JSON.stringify({ op: 'subscribe', channel: 'orders' }));
            c.ws.send(JSON.stringify({ op: 'deposit', id: 0, body: { amount: '10000000' } }));
          }
          break;
        case 'saturate':
          mode = { kind: 'saturate', window: m.window };
          for (const c of clients) while (c.pending.size < m.window) send(c);
          break;
        case 'pace':
          mode = { kind: 'pace', rate: m.rate };
          startPace(m.rate);
          break;
        case 'stop':
          stopSending();
          break;
        case 'drain':
          for (let i = 0; i < 1000 && clients.some((c) => c.pending.size > 0); i++)
            await new Promise((r) => setTimeout(r, 10));
          break;
        case 'report': {
          const r: WorkerReply = {
            type: 'report',
            acks,
            sent,
            refused,
            hist: hist.counts.slice(),
            seqGaps,
            ackedOrders,
            notStreamed: clients.reduce((n, c) => n + c.unseen.size, 0),
            pending: clients.reduce((n, c) => n + c.pending.size, 0),
          };
          reply(r);
          acks = 0;
          sent = 0;
          refused = 0;
          hist.clear();
          return;
        }
        case 'close':
          stopSending();
          for (const c of clients) c.ws.close();
          break;
      }
      reply({ type: 'done', cmd: m.cmd });
    } catch (e) {
      reply({ type: 'error', message: (e as Error).message });
    }
  })();
});

connect().then(
  () => reply({ type: 'ready' }),
  (e: unknown) => reply({ type: 'error', message: `connect: ${(e as Error).message}` }),
);
