/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies from the wire: the assertions check them field by field */
// Crash recovery of the real `perpsim serve` process: clients send orders while the venue runs in a child process,
// the child is killed with SIGKILL mid-stream, and a new process on the same journal must hold every acknowledged
// order and trade, contradict no acknowledged event (remaining sizes only shrink, final states stay final), and a
// further restart must reach the same state hash (replay is deterministic).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const M = 'LINKUSDPERP';
const PARTIES = ['c0', 'c1', 'c2', 'c3'];
const KEY = (p: string) => `crash-test-key-of-${p}-0123456789`;
const FINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'STOPPED', 'EXPIRED']);

function startChild(dir: string, snapshotEvery = 0): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--port',
      '0',
      '--journal',
      join(dir, 'journal'),
      '--parties',
      join(dir, 'parties.yaml'),
      '--opening-auction',
      '1',
      '--block-ms',
      '50',
      '--oracle',
      'push',
      '--no-rate-limit',
      ...(snapshotEvery > 0 ? ['--snapshot-every', String(snapshotEvery)] : []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, out: () => out });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`venue exited (${code}) before listening: ${out}${err}`)));
  });
}

async function call(url: string, method: string, path: string, party: string, body?: unknown): Promise<any> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY(party)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return r.json();
}

// the second run writes a snapshot every 5 blocks (250 ms): the restarts restore the newest and replay the tail
for (const snapshotEvery of [0, 5])
  describe(`crash recovery (kill -9 of perpsim serve)${snapshotEvery ? ', with snapshots' : ''}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-crash-'));
    const children: ChildProcess[] = [];
    after(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    test('every acknowledged order survives, nothing acknowledged is contradicted, replay is deterministic', async () => {
      writeFileSync(
        join(dir, 'parties.yaml'),
        `parties:\n${PARTIES.map((p) => `  - party: ${p}\n    key: ${KEY(p)}\n`).join('')}`,
      );
      const first = await startChild(dir, snapshotEvery);
      children.push(first.child);
      for (const p of PARTIES)
        assert.equal((await call(first.url, 'POST', '/v1/deposit', p, { amount: '100000' })).ok, true);
      // acknowledged orders: id → what the ack said
      const acked = new Map<string, { party: string; status: string; remaining: number }>();
      const ackedTrades = new Set<string>();
      let stop = false;
      let sent = 0;
      const client = async (party: string, k: number) => {
        let i = 0;
        while (!stop) {
          i++;
          const side = (i + k) % 2 === 0 ? 'buy' : 'sell';
          // prices around 15 so that orders cross and trade
          const price = (15 + (((i * 7 + k * 3) % 11) - 5) / 100).toFixed(2);
          let r: any;
          try {
            sent++;
            r = await call(first.url, 'POST', '/v1/orders', party, {
              market: M,
              side,
              price,
              size: String(1 + (i % 3)),
            });
          } catch {
            return; // the venue died under us: this request was never acknowledged
          }
          if (r.order && r.ok)
            acked.set(r.order.id, { party, status: r.order.status, remaining: Number(r.order.remaining) });
          for (const t of r.trades ?? []) ackedTrades.add(`${party}:${t.id}`);
        }
      };
      const clients = PARTIES.map((p, k) => client(p, k));
      while (acked.size < 150) await new Promise((r) => setTimeout(r, 10));
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      stop = true;
      await Promise.all(clients);
      assert.ok(sent > acked.size);

      const second = await startChild(dir, snapshotEvery);
      children.push(second.child);
      const status: any = await (await fetch(`${second.url}/v1/status`)).json();
      assert.ok(status.commands >= acked.size + PARTIES.length);
      if (snapshotEvery > 0) {
        assert.ok(status.recovered.snapshot, `no snapshot restored: ${JSON.stringify(status.recovered)}`);
        assert.ok(status.recovered.commands < status.commands, 'only the journal tail was replayed');
      } else assert.ok(status.recovered.commands >= acked.size + PARTIES.length);
      for (const [id, a] of acked) {
        const o = await call(second.url, 'GET', `/v1/parties/${a.party}/orders/${id}`, a.party);
        assert.equal(o.id, id, `acknowledged order ${id} of ${a.party} is missing: ${JSON.stringify(o)}`);
        assert.ok(Number(o.remaining) <= a.remaining, `${id}: remaining grew from ${a.remaining} to ${o.remaining}`);
        if (FINAL.has(a.status)) assert.equal(o.status, a.status, `${id}: was ${a.status}, now ${o.status}`);
      }
      for (const p of PARTIES) {
        const fills = await call(second.url, 'GET', `/v1/parties/${p}/fills?limit=1000`, p);
        const have = new Set(fills.map((f: { tradeId: string }) => `${p}:${f.tradeId}`));
        for (const t of ackedTrades)
          if (t.startsWith(`${p}:`)) assert.ok(have.has(t), `acknowledged trade ${t} missing`);
      }
      // a clean stop prints the final state hash; a restart on the journal reaches exactly that state
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
      const stopped = /stopped at block \d+, state hash ([0-9a-f]{64})/.exec(second.out());
      assert.ok(stopped, second.out());
      const third = await startChild(dir, snapshotEvery);
      children.push(third.child);
      const s3: any = await (await fetch(`${third.url}/v1/status`)).json();
      third.child.kill('SIGKILL');
      assert.equal(s3.recovered.stateHash, stopped[1]);
      assert.equal(s3.recovered.tornBytes, 0);
      if (snapshotEvery > 0) assert.deepEqual(s3.recovered.skippedSnapshots, []);
    });
  });
