// The live venue under load (`npm run bench`, after the book and engine benchmarks; or alone with
// `npm run bench:venue`): `perpsim serve` runs in its own process (journal on, fsync per block, no rate limit) and
// 100 WebSocket clients on loopback, each its own party, send orders (limit orders around the mid, some crossing,
// and cancels of their own oldest orders so that the book stays bounded). The clients are spread over several
// load threads (bench/venue-load-worker.ts), so that the load generator is not the bottleneck.
// - saturation: every client keeps a window of requests in flight (closed loop); sustained orders/s (submits and
//   cancels acked) and ack latency;
// - paced: the threads together offer a fixed rate (10,000 orders/s by default) for minutes; ack latency p50/p99 at
//   that rate, and the venue's resident memory over the run;
// - events lost: every pushed message carries a per-connection seq (a gap is a lost message), and every acked order
//   must show up on the client's own `orders` stream;
// - the venue process's resident memory and CPU (from /proc), sampled every second.
// Settings through the environment (PERPSIM_VENUE_BENCH_…): CLIENTS (100), THREADS (load threads, 3), SECONDS (the
// saturation phase, 30), PACED_SECONDS (the paced phase, 120), RATE (10000), WINDOW (8 requests in flight per client
// when saturating), NODE_ARGS (extra node flags for the venue process, e.g. --cpu-prof to profile it under this
// load), SNAPSHOT_EVERY (the venue writes a snapshot every this many blocks; default none). Nothing asserts on
// timings.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Histogram } from './venue-histogram.ts';
import type { WorkerCommand, WorkerInit, WorkerReply } from './venue-load-worker.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const M = 'LINKUSDPERP';
/** clock ticks per second of /proc/<pid>/stat's CPU times (Linux's USER_HZ) */
const CLK_TCK = 100;

type Report = Extract<WorkerReply, { type: 'report' }>;

const env = (k: string, d: number) => {
  const v = process.env[`PERPSIM_VENUE_BENCH_${k}`];
  const n = v === undefined ? d : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`PERPSIM_VENUE_BENCH_${k}: "${v}" must be a positive number`);
  return n;
};

function rssMb(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return Number.NaN; // the venue has exited (its own error is on stderr)
  }
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** user + system CPU seconds of a process so far */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // fields 14 and 15 (utime, stime), counted from field 3
}

/** A load thread and its replies, one command at a time. */
class LoadThread {
  private readonly w: Worker;
  private waiters: ((r: WorkerReply) => void)[] = [];
  constructor(init: WorkerInit) {
    // a worker does not inherit the parent's --import tsx: a bootstrap registers tsx in it, then loads the worker
    const api = import.meta.resolve('tsx/esm/api');
    const file = new URL('./venue-load-worker.ts', import.meta.url).href;
    const boot = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(file)}, ${JSON.stringify(file)}))`;
    this.w = new Worker(boot, { eval: true, workerData: init });
    this.w.on('message', (r: WorkerReply) => {
      if (r.type === 'error') console.error(`load thread: ${r.message}`);
      this.waiters.shift()?.(r);
    });
    this.w.on('error', (e) => console.error(`load thread: ${e.message}`));
  }
  next(): Promise<WorkerReply> {
    return new Promise((r) => this.waiters.push(r));
  }
  async run(c: WorkerCommand): Promise<WorkerReply> {
    const p = this.next();
    this.w.postMessage(c);
    const r = await p;
    if (r.type === 'error') throw new Error(`load thread: ${r.message}`);
    return r;
  }
  async close(): Promise<void> {
    await this.run({ cmd: 'close' });
    await this.w.terminate();
  }
}

interface Phase {
  seconds: number;
  acks: number;
  sent: number;
  refused: number;
  hist: Histogram;
  venueCpu: number;
}

export async function runVenueBench(): Promise<Record<string, unknown>> {
  const clients = env('CLIENTS', 100);
  const threads = Math.min(clients, env('THREADS', 3));
  const seconds = env('SECONDS', 30);
  const pacedSeconds = env('PACED_SECONDS', 120);
  const rate = env('RATE', 10_000);
  const window = env('WINDOW', 8);
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-venue-bench-'));
  const parties = Array.from({ length: clients }, (_, i) => ({
    party: `bench${i}`,
    key: `venue-bench-key-bench${i}-0123456789`,
  }));
  writeFileSync(
    join(dir, 'parties.yaml'),
    `parties:\n${parties.map((p) => `  - { party: ${p.party}, key: ${p.key} }\n`).join('')}`,
  );
  const child = spawn(
    process.execPath,
    [
      // extra node flags for the venue process, e.g. --cpu-prof to profile it under this load
      ...(process.env['PERPSIM_VENUE_BENCH_NODE_ARGS']?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      ...['--port', '0', '--journal', join(dir, 'journal'), '--fsync', 'block', '--parties', join(dir, 'parties.yaml')],
      ...['--oracle', 'push', '--opening-auction', '1', '--no-rate-limit', '--faucet', '100000000'],
      ...(process.env['PERPSIM_VENUE_BENCH_SNAPSHOT_EVERY']
        ? ['--snapshot-every', String(env('SNAPSHOT_EVERY', 1))]
        : []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`venue benchmark: the venue exited during the run (${signal ?? `exit ${code}`})`);
      process.exit(1);
    }
  });
  let stopping = false;
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
  log(
    `Venue benchmark: perpsim serve (journal, fsync per block) and ${clients} WebSocket clients on loopback in ${threads} load threads`,
  );

  const per = Math.ceil(clients / threads);
  const pool: LoadThread[] = [];
  const ready: Promise<WorkerReply>[] = [];
  for (let i = 0; i < threads; i++) {
    const t = new LoadThread({ url, market: M, parties: parties.slice(i * per, (i + 1) * per) });
    ready.push(t.next());
    pool.push(t);
  }
  for (const r of await Promise.all(ready)) if (r.type === 'error') throw new Error(r.message);
  const all = (c: WorkerCommand) => Promise.all(pool.map((t) => t.run(c)));
  const reports = async () => (await all({ cmd: 'report' })) as Report[];

  // setup: subscribe to own orders, fund every party, then let the opening auction end
  await all({ cmd: 'setup' });
  await new Promise((r) => setTimeout(r, 2500));
  await reports(); // drops the setup's acks

  const phase = async (start: WorkerCommand, secs: number): Promise<Phase> => {
    const cpu0 = cpuSeconds(pid);
    const s0 = performance.now();
    await all(start);
    await new Promise((r) => setTimeout(r, secs * 1000));
    await all({ cmd: 'stop' });
    const elapsed = (performance.now() - s0) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    await all({ cmd: 'drain' });
    const rs = await reports();
    const hist = new Histogram();
    for (const r of rs) hist.add(r.hist);
    const sum = (f: (r: Report) => number) => rs.reduce((n, r) => n + f(r), 0);
    return {
      seconds: elapsed,
      acks: sum((r) => r.acks),
      sent: sum((r) => r.sent),
      refused: sum((r) => r.refused),
      hist,
      venueCpu: cpu / elapsed,
    };
  };

  const sat = await phase({ cmd: 'saturate', window }, seconds);
  const paced = await phase({ cmd: 'pace', rate: rate / threads }, pacedSeconds);
  await new Promise((r) => setTimeout(r, 300));
  const last = await reports();
  const gaps = last.reduce((n, r) => n + r.seqGaps, 0);
  const missing = last.reduce((n, r) => n + r.notStreamed, 0);
  const ackedOrders = last.reduce((n, r) => n + r.ackedOrders, 0);
  clearInterval(sampler);
  await Promise.all(pool.map((t) => t.close()));
  stopping = true;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });

  const r1 = (x: number) => Math.round(x * 10) / 10;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const mem = rss.map((s) => s.mb);
  const view = (p: Phase) => ({
    seconds: r1(p.seconds),
    ordersPerSec: Math.round(p.acks / p.seconds),
    offeredPerSec: Math.round(p.sent / p.seconds),
    refused: p.refused,
    p50Ms: r3(p.hist.percentile(50)),
    p99Ms: r3(p.hist.percentile(99)),
    p999Ms: r3(p.hist.percentile(99.9)),
    venueCpu: r3(p.venueCpu),
  });
  const res = {
    clients,
    threads,
    saturation: { ...view(sat), window },
    paced: { ...view(paced), targetPerSec: rate },
    events: { ackedOrders, seqGaps: gaps, ackedOrdersNotStreamed: missing },
    rssMb: {
      start: r1(mem[0] ?? Number.NaN),
      max: r1(Math.max(...mem)),
      end: r1(mem[mem.length - 1] ?? Number.NaN),
      samples: mem.length,
      everyTenSeconds: mem.filter((_, i) => i % 10 === 0).map(r1),
    },
  };
  const s = res.saturation;
  const p = res.paced;
  log(
    `  saturation (${window} in flight per client): ${s.ordersPerSec.toLocaleString('en-US')} orders/s acked over ${s.seconds} s; ack latency p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms; venue CPU ${Math.round(s.venueCpu * 100)}% of a core`,
  );
  log(
    `  paced at ${rate.toLocaleString('en-US')}/s for ${p.seconds} s: ${p.offeredPerSec.toLocaleString('en-US')}/s offered, ${p.ordersPerSec.toLocaleString('en-US')}/s acked; ack latency p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms, p99.9 ${p.p999Ms} ms; venue CPU ${Math.round(p.venueCpu * 100)}% of a core`,
  );
  log(
    `  events lost: ${gaps} seq gaps, ${missing} of ${ackedOrders.toLocaleString('en-US')} acked orders missing from the orders stream`,
  );
  log(`  venue resident memory (MB) every 10 s: ${res.rssMb.everyTenSeconds.join(', ')} (max ${res.rssMb.max})`);
  log(JSON.stringify({ venue: res }));
  return res;
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) await runVenueBench();
