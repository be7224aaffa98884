/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies from the wire: the assertions check them field by field */
// Shared by the venue tests: an in-process venue on a free port with a clock the test moves and blocks the test
// ends, party keys, a small HTTP client, and a real redis-server on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { DEFAULT_CONFIG, startVenue, type RunningVenue, type VenueConfig } from '../../src/live/server.ts';

export const ADMIN = 'test-admin-token-0123456789';
export const ORACLE_KEY = 'test-oracle-key-0123456789';
export const START_NS = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

export interface TestVenue extends RunningVenue {
  /** moves the clock by `seconds` and ends a block */
  block(seconds?: number): void;
  key(party: string): Promise<string>;
  call(
    method: string,
    path: string,
    opts?: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any }>;
}

export async function testVenue(over: Partial<VenueConfig> = {}): Promise<TestVenue> {
  let now = START_NS;
  const run = await startVenue({
    ...DEFAULT_CONFIG,
    port: 0,
    openingAuctionSeconds: 2,
    oracle: 'push',
    oracleKey: ORACLE_KEY,
    adminToken: ADMIN,
    clock: () => now,
    manualBlocks: true,
    ...over,
  });
  const call: TestVenue['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.key) headers['authorization'] = `Bearer ${opts.key}`;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const r = await fetch(`${run.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    ...run,
    close: () => run.close(),
    block(seconds = 1) {
      now += BigInt(Math.round(seconds * 1e9));
      run.venue.endBlock();
    },
    async key(party: string) {
      const r = await call('POST', '/v1/admin/parties', { key: ADMIN, body: { party } });
      if (r.status !== 200) throw new Error(`issuing a key: ${JSON.stringify(r.body)}`);
      return r.body.key as string;
    },
    call,
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const REDIS_SERVER = process.env['PERPSIM_REDIS_SERVER'] ?? '/usr/bin/redis-server';

/** Starts redis-server on a free port (no persistence); resolves when it answers PING. */
export async function startRedis(): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(REDIS_SERVER, ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => {}); // not up yet: the next try tells
    try {
      await c.connect();
      await c.ping();
      c.disconnect();
      break;
    } catch {
      c.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function until<T>(f: () => T | undefined | Promise<T | undefined>, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
