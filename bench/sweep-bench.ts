// `npm run bench:sweep -- [--runs N] [--days D] [--processes 1,2,4] [--json FILE]`: the time of one sweep on this
// machine's worker threads (`perpsim sweep`) against the same sweep through BullMQ (`perpsim sweep --queue`) with 1,
// 2 and 4 `perpsim worker` processes of one run at a time, on a redis-server started here on a free port. Worker
// processes are started (and ready) before the clock starts, as long-lived workers on other machines would be; the
// queue's time runs from enqueueing to the rows in hand. Every queued sweep must give the local sweep's state hashes,
// else the benchmark fails; nothing asserts on timings. Not part of CI.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadSweep, runSweep, type SweepRow } from '../src/sim/sweep.ts';
import { SweepQueue } from '../src/sim/sweep-queue.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '8' },
    days: { type: 'string', default: '0.1' },
    processes: { type: 'string', default: '1,2,4' },
    json: { type: 'string' },
    redis: { type: 'string', default: '/usr/bin/redis-server' },
  },
  strict: true,
});
const runs = Number(values.runs);
const days = Number(values.days);
const processes = values.processes.split(',').map(Number);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: a positive integer`);
if (!(days > 0)) throw new Error(`--days ${values.days}: a positive number`);
if (processes.some((p) => !Number.isInteger(p) || p < 1)) throw new Error(`--processes ${values.processes}: 1,2,4`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function waitFor(child: ChildProcess, re: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const take = (b: Buffer) => {
      out += b.toString();
      if (re.test(out)) resolve();
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${re}: ${out}`)));
  });
}

const stopped = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)));
const hashes = (rows: readonly SweepRow[]) => rows.map((r) => r.summary?.stateHash ?? `error: ${r.error}`);

const dir = mkdtempSync(join(tmpdir(), 'perpsim-sweep-bench-'));
const file = join(dir, 'sweep.yaml');
writeFileSync(
  file,
  `scenario: ${JSON.stringify(join(root, 'scenarios/default.scenario.yaml'))}\ndays: ${days}\n` +
    `seeds: ${JSON.stringify(Array.from({ length: runs }, (_, i) => i + 1))}\ngrid:\n  agents.mm-bold.gamma: [0.1]\n`,
);
const sweep = loadSweep(file);
const cores = availableParallelism();
console.log(`sweep bench: ${runs} runs of ${days} days of the default scenario; ${cores} cores`);

const results: { mode: string; processes: number; seconds: number; runsPerSecond: number }[] = [];
let t = performance.now();
const local = await runSweep(sweep, { workers: cores });
const localSeconds = (performance.now() - t) / 1000;
results.push({
  mode: 'local worker threads',
  processes: cores,
  seconds: localSeconds,
  runsPerSecond: runs / localSeconds,
});

const port = await freePort();
const url = `redis://127.0.0.1:${port}`;
const redis = spawn(values.redis, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
try {
  await waitFor(redis, /Ready to accept connections/);
  for (const p of processes) {
    const admin = new Redis({ host: '127.0.0.1', port });
    await admin.flushall();
    admin.disconnect();
    const workers = Array.from({ length: p }, () =>
      spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--queue', url, '--concurrency', '1'], {
        cwd: root,
        stdio: 'pipe',
      }),
    );
    await Promise.all(workers.map((w) => waitFor(w, /ready on/)));
    const q = await SweepQueue.open(url);
    t = performance.now();
    const id = await q.enqueue(sweep);
    const status = await q.wait(id, () => {}, 100);
    const res = await q.results(id);
    const seconds = (performance.now() - t) / 1000;
    await q.close();
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map(stopped));
    if (status.state !== 'completed')
      throw new Error(`sweep with ${p} workers: ${status.state} ${status.failure ?? ''}`);
    if (JSON.stringify(hashes(res.rows)) !== JSON.stringify(hashes(local)))
      throw new Error(`sweep with ${p} workers: state hashes differ from the local sweep's`);
    results.push({ mode: 'BullMQ worker processes', processes: p, seconds, runsPerSecond: runs / seconds });
  }
} finally {
  redis.kill('SIGTERM');
  await stopped(redis);
}

console.log('mode                      procs   seconds   runs/s   vs local');
for (const r of results)
  console.log(
    `${r.mode.padEnd(25)} ${String(r.processes).padStart(5)} ${r.seconds.toFixed(2).padStart(9)} ${r.runsPerSecond
      .toFixed(2)
      .padStart(8)} ${(localSeconds / r.seconds).toFixed(2).padStart(9)}x`,
  );
const json = JSON.stringify({ runs, days, cores, results });
console.log(json);
if (values.json) writeFileSync(values.json, json + '\n');
