// Sweeps across machines on BullMQ, against a real redis-server (Debian's, started here on a free port): a 6-run
// sweep through the queue with two `perpsim worker` processes, one killed with SIGKILL while it runs a run, completes
// with every run present once and the same rows and state hashes as the same sweep run locally on worker threads;
// the killed run is taken by the other worker (BullMQ's stalled-job check). A run that fails for good (out of its
// heap limit, after its retries) fails the sweep visibly with that run's error, and the other runs' rows are kept.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { loadSweep, runSweep, writeSweep } from '../../src/sim/sweep.ts';
import { SweepQueue } from '../../src/sim/sweep-queue.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const REDIS = process.env['PERPSIM_REDIS_SERVER'] ?? '/usr/bin/redis-server';
const available = existsSync(REDIS);
if (!available && (process.env['CI'] || process.env['PERPSIM_REQUIRE_REDIS']))
  throw new Error(`redis-server not found at ${REDIS} (.ci/run installs Debian's redis-server)`);

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

/** A child process whose output is collected; `waitFor` resolves when a line matches. */
class Proc {
  out = '';
  readonly exited: Promise<number | null>;
  private waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  constructor(readonly child: ChildProcess) {
    const take = (b: Buffer) => {
      this.out += b.toString();
      this.waiters = this.waiters.filter((w) => {
        const m = this.out.match(w.re);
        if (m) w.resolve(m);
        return !m;
      });
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }
  waitFor(re: RegExp): Promise<RegExpMatchArray> {
    const m = this.out.match(re);
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => this.waiters.push({ re, resolve }));
  }
}

function perpsim(args: string[]): Proc {
  return new Proc(
    spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, stdio: 'pipe' }),
  );
}

type Rec = Record<string, string>;
const readCsv = (f: string) => parseCsv(readFileSync(f, 'utf8'), { columns: true }) as Rec[];
/** every column but the wall-clock ones */
const deterministic = (r: Rec) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'wallSeconds' && k !== 'blocksPerSecond'));

describe('perpsim sweep --queue with perpsim worker (BullMQ on a real redis-server)', { skip: !available }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-sweep-queue-'));
  let redis: ChildProcess;
  let url = '';
  const workers: Proc[] = [];

  before(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'pipe',
    });
    const ready = new Proc(redis);
    await ready.waitFor(/Ready to accept connections/);
  });

  after(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    redis.kill('SIGTERM');
    await new Promise((r) => redis.once('exit', r));
  });

  test('6 runs, two workers, one killed mid-run: every run once, the local sweep’s rows and state hashes', async () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(
      file,
      `scenario: ${JSON.stringify(join(root, 'scenarios/default.scenario.yaml'))}\ndays: 0.03\nseeds: [1, 2]\n` +
        `grid:\n  agents.mm-bold.gamma: [0.01, 0.1, 1]\n`,
    );
    const local = loadSweep(file);
    assert.equal(local.runs.length, 6);
    writeSweep(local, await runSweep(local, { workers: 2 }), join(dir, 'local'));

    const lock = ['--concurrency', '1', '--lock-duration', '3000'];
    const a = perpsim(['worker', '--queue', url, ...lock]);
    const b = perpsim(['worker', '--queue', url, ...lock]);
    workers.push(a, b);
    await Promise.all([a.waitFor(/ready on/), b.waitFor(/ready on/)]);
    const sweep = perpsim(['sweep', file, '--queue', url, '--out', join(dir, 'queue')]);
    // worker A is killed while it runs its first run (the run's thread is still starting or simulating)
    const started = await a.waitFor(/run (\d+) of (sweep-\S+): started/);
    a.child.kill('SIGKILL');
    await a.exited;
    const killedRun = started[1]!;
    assert.equal(await sweep.exited, 0, sweep.out);
    assert.doesNotMatch(a.out, new RegExp(`run ${killedRun} of \\S+: done`));
    assert.match(b.out, new RegExp(`run ${killedRun} of ${started[2]}: done`), b.out);

    const q = readCsv(join(dir, 'queue', 'sweep.csv'));
    const l = readCsv(join(dir, 'local', 'sweep.csv'));
    assert.deepEqual(
      q.map((r) => r['run']),
      ['0', '1', '2', '3', '4', '5'],
    );
    assert.deepEqual(Object.keys(q[0]!), Object.keys(l[0]!));
    assert.deepEqual(q.map(deterministic), l.map(deterministic));
    for (const r of q) assert.match(r['stateHash']!, /^[0-9a-f]{64}$/);
    const json = JSON.parse(readFileSync(join(dir, 'queue', 'sweep.json'), 'utf8')) as { rows: unknown[] };
    assert.equal(json.rows.length, 6);
    assert.ok(existsSync(join(dir, 'queue', 'sweep.html')));
  });

  test('a run that fails for good fails the sweep with its error; the other rows are kept', async () => {
    const file = join(dir, 'failing.yaml');
    writeFileSync(
      file,
      `scenario: ${JSON.stringify(join(root, 'scenarios/default.scenario.yaml'))}\ndays: 0.025\n` +
        `grid:\n  agents.noise.count: [1, 9900]\n`,
    );
    // only a worker whose runs have a 64 MB heap: the others (idle) stop first
    for (const p of workers) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(workers.map((p) => p.exited));
    const w = perpsim(['worker', '--queue', url, '--concurrency', '1', '--memory-mb', '64']);
    workers.push(w);
    await w.waitFor(/ready on/);
    const detached = perpsim(['sweep', file, '--queue', url, '--detach', '--attempts', '2']);
    assert.equal(await detached.exited, 0, detached.out);
    const id = /queued as (sweep-\S+)/.exec(detached.out)![1]!;
    // the run over its heap limit is tried twice (with backoff), then the sweep fails with its error
    const q = await SweepQueue.open(url);
    const final = await q.wait(id, () => {});
    await q.close();
    assert.equal(final.state, 'failed');
    assert.equal(final.failed, 1);
    const status = perpsim(['sweep', '--status', id, '--queue', url, '--out', join(dir, 'failing')]);
    await status.exited;
    assert.equal((w.out.match(new RegExp(`run 1 of ${id}: failed: .*out of memory`, 'g')) ?? []).length, 2, w.out);
    assert.equal(status.child.exitCode, 1, status.out);
    assert.match(status.out, /failed: run 1 .*agents\.noise\.count=9900/);
    const rows = readCsv(join(dir, 'failing', 'sweep.csv'));
    assert.equal(rows.length, 2);
    assert.match(rows[0]!['stateHash']!, /^[0-9a-f]{64}$/);
    assert.notEqual(rows[1]!['error'] ?? '', '');
    const cancel = perpsim(['sweep', '--cancel', id, '--queue', url]);
    assert.equal(await cancel.exited, 0, cancel.out);
    const gone = perpsim(['sweep', '--status', id, '--queue', url]);
    assert.equal(await gone.exited, 1);
    assert.match(gone.out, /not found/);
  });
});
