// The live venue under load (`npm run bench`, after the book and engine benchmarks; or alone with
// `node --import tsx bench/venue-bench.ts`): `perpsim serve` runs in its own process (journal on, fsync per block,
// no rate limit) and 100 WebSocket clients on loopback, each its own party, send orders (limit orders around the
// mid, some crossing, and cancels of their own oldest orders so that the book stays bounded).
// - saturation: every client keeps a window of requests in flight; sustained orders/s (submits and cancels acked)
//   and ack latency;
// - paced: the clients together send a fixed rate (10,000 orders/s by default); ack latency p50/p99 at that rate;
// - events lost: every pushed message carries a per-connection seq (a gap is a lost message), and every acked order
//   must show up on the client's own `orders` stream;
// - resident memory of the venue process, sampled every second.
// Settings through the environment: PERPSIM_VENUE_BENCH_CLIENTS (100), _SECONDS (30 per phase), _RATE (10000),
// _WINDOW (8 requests in flight per client in the saturation phase). Nothing asserts on timings.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

const ROOT = new URL('..', import.meta.url).pathname;
const M = 'LINKUSDPERP';

interface Pending {
  t: number;
  kind: 'submit' | 'cancel';
}

interface Client {
  readonly party: string;
  readonly ws: WebSocket;
  nextId: number;
  readonly pending: Map<number, Pending>;
  readonly live: string[];
  /** order ids acked, and order ids seen on the orders stream */
  readonly acked: Set<string>;
  readonly seen: Set<string>;
  lastSeq: number;
  gaps: number;
  i: number;
}

const env = (k: string, d: number) => {
  const v = process.env[`PERPSIM_VENUE_BENCH_${k}`];
  const n = v === undefined ? d : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`PERPSIM_VENUE_BENCH_${k}: "${v}" must be a positive number`);
  return n;
};

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

export async function runVenueBench(): Promise<Record<string, unknown>> {
  const clients = env('CLIENTS', 100);
  const seconds = env('SECONDS', 30);
  const rate = env('RATE', 10_000);
  const window = env('WINDOW', 8);
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-venue-bench-'));
  const parties = Array.from({ length: clients }, (_, i) => `bench${i}`);
  const key = (p: string) => `venue-bench-key-${p}-0123456789`;
  writeFileSync(
    join(dir, 'parties.yaml'),
    `parties:\n${parties.map((p) => `  - { party: ${p}, key: ${key(p)} }\n`).join('')}`,
  );
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      ...['--port', '0', '--journal', join(dir, 'journal'), '--fsync', 'block', '--parties', join(dir, 'parties.yaml')],
      ...['--oracle', 'push', '--opening-auction', '1', '--no-rate-limit', '--faucet', '100000000'],
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (c) => reject(new Error(`venue exited (${c}): ${out}`)));
  });
  const pid = child.pid!;
  const rss: { t: number; mb: number }[] = [];
  const t0 = performance.now();
  const sampler = setInterval(() => rss.push({ t: (performance.now() - t0) / 1000, mb: rssMb(pid) }), 1000);
  const log = (s: string) => console.log(s);
  log('');
  log(`Venue benchmark: perpsim serve (journal, fsync per block) and ${clients} WebSocket clients on loopback`);

  let latencies: number[] = [];
  let acks = 0;
  const cs: Client[] = await Promise.all(
    parties.map(
      (party) =>
        new Promise<Client>((resolve, reject) => {
          const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/ws`, {
            headers: { authorization: `Bearer ${key(party)}` },
          });
          const c: Client = {
            party,
            ws,
            nextId: 1,
            pending: new Map(),
            live: [],
            acked: new Set(),
            seen: new Set(),
            lastSeq: 0,
            gaps: 0,
            i: 0,
          };
          ws.on('message', (d) => {
            const m = JSON.parse(d.toString()) as {
              seq: number;
              op?: string;
              id?: number;
              ok?: boolean;
              order?: { id: string; status: string };
              channel?: string;
              data?: { id: string };
            };
            if (m.seq !== c.lastSeq + 1) c.gaps += m.seq - c.lastSeq - 1;
            c.lastSeq = m.seq;
            if (m.channel === 'orders' && m.data) c.seen.add(m.data.id);
            if (m.op !== 'ack' || typeof m.id !== 'number') return;
            const p = c.pending.get(m.id);
            if (!p) return;
            c.pending.delete(m.id);
            latencies.push(performance.now() - p.t);
            acks++;
            if (m.order && m.ok) {
              c.acked.add(m.order.id);
              if (p.kind === 'submit' && (m.order.status === 'ACTIVE' || m.order.status === 'PARTIALLY_FILLED'))
                c.live.push(m.order.id);
            }
          });
          ws.once('open', () => resolve(c));
          ws.once('error', reject);
        }),
    ),
  );
  const send = (c: Client) => {
    const id = c.nextId++;
    c.i++;
    let msg: Record<string, unknown>;
    let kind: Pending['kind'] = 'submit';
    if (c.live.length > 20 || (c.i % 3 === 0 && c.live.length > 0)) {
      kind = 'cancel';
      msg = { op: 'cancel', id, orderId: c.live.shift(), market: M };
    } else {
      const side = c.i % 2 ? 'buy' : 'sell';
      // around 15, a few ticks through the touch sometimes: some orders trade
      const off = ((c.i * 37 + c.party.length * 11) % 41) - 5;
      const price = (side === 'buy' ? 1500 - off : 1500 + off) / 100;
      msg = { op: 'submit', id, body: { market: M, side, price: price.toFixed(2), size: '1' } };
    }
    c.pending.set(id, { t: performance.now(), kind });
    c.ws.send(JSON.stringify(msg));
  };
  // setup: subscribe to own orders, fund every party, then let the opening auction end
  for (const c of cs) {
    c.ws.send(JSON.stringify({ op: 'subscribe', channel: 'orders' }));
    c.ws.send(JSON.stringify({ op: 'deposit', id: 0, body: { amount: '10000000' } }));
  }
  await new Promise((r) => setTimeout(r, 2500));
  const drain = async () => {
    for (let i = 0; i < 500 && cs.some((c) => c.pending.size > 0); i++) await new Promise((r) => setTimeout(r, 10));
  };

  // ---- saturation
  latencies = [];
  acks = 0;
  let running = true;
  for (const c of cs) for (let k = 0; k < window; k++) send(c);
  const refill = setInterval(() => {
    if (!running) return;
    for (const c of cs) while (c.pending.size < window) send(c);
  }, 1);
  const satStart = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  clearInterval(refill);
  const satAcks = acks;
  const satSecs = (performance.now() - satStart) / 1000;
  const satLat = latencies;
  await drain();

  // ---- paced
  latencies = [];
  acks = 0;
  const perClientMs = (1000 * clients) / rate;
  let paced = true;
  const timers = cs.map((c, i) => {
    const startIn = (perClientMs * i) / clients;
    let timer: NodeJS.Timeout | undefined;
    const h = setTimeout(() => {
      timer = setInterval(() => paced && send(c), perClientMs);
    }, startIn);
    return () => {
      clearTimeout(h);
      if (timer) clearInterval(timer);
    };
  });
  const paceStart = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  paced = false;
  for (const stop of timers) stop();
  const paceSecs = (performance.now() - paceStart) / 1000;
  const paceAcks = acks;
  const paceLat = latencies;
  await drain();
  await new Promise((r) => setTimeout(r, 300));

  // ---- events lost
  let gaps = 0;
  let missing = 0;
  let ackedOrders = 0;
  for (const c of cs) {
    gaps += c.gaps;
    ackedOrders += c.acked.size;
    for (const id of c.acked) if (!c.seen.has(id)) missing++;
  }
  clearInterval(sampler);
  for (const c of cs) c.ws.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });

  const r1 = (x: number) => Math.round(x * 10) / 10;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const mem = rss.map((s) => s.mb);
  const res = {
    clients,
    saturation: {
      seconds: r1(satSecs),
      ordersPerSec: Math.round(satAcks / satSecs),
      window,
      p50Ms: r3(percentile(satLat, 50)),
      p99Ms: r3(percentile(satLat, 99)),
    },
    paced: {
      seconds: r1(paceSecs),
      targetPerSec: rate,
      ordersPerSec: Math.round(paceAcks / paceSecs),
      p50Ms: r3(percentile(paceLat, 50)),
      p99Ms: r3(percentile(paceLat, 99)),
    },
    events: { ackedOrders, seqGaps: gaps, ackedOrdersNotStreamed: missing },
    rssMb: {
      start: r1(mem[0] ?? Number.NaN),
      max: r1(Math.max(...mem)),
      end: r1(mem[mem.length - 1] ?? Number.NaN),
      samples: mem.length,
      everyTenSeconds: mem.filter((_, i) => i % 10 === 0).map(r1),
    },
  };
  log(
    `  saturation (${window} in flight per client): ${res.saturation.ordersPerSec.toLocaleString('en-US')} orders/s acked over ${res.saturation.seconds} s; ack latency p50 ${res.saturation.p50Ms} ms, p99 ${res.saturation.p99Ms} ms`,
  );
  log(
    `  paced at ${rate.toLocaleString('en-US')}/s: ${res.paced.ordersPerSec.toLocaleString('en-US')} orders/s acked; ack latency p50 ${res.paced.p50Ms} ms, p99 ${res.paced.p99Ms} ms`,
  );
  log(
    `  events lost: ${gaps} seq gaps, ${missing} of ${ackedOrders.toLocaleString('en-US')} acked orders missing from the orders stream`,
  );
  log(`  venue resident memory (MB) every 10 s: ${res.rssMb.everyTenSeconds.join(', ')} (max ${res.rssMb.max})`);
  log(JSON.stringify({ venue: res }));
  return res;
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) await runVenueBench();
