// Venue snapshots and recovery, in process (`npm run bench:recovery`; not CI): a venue with a journal takes a
// bench-like load — 100 parties sending limit orders around the mid (some crossing) and cancelling their oldest —
// with a block every 2,000 commands, then reports the engine snapshot's and the venue snapshot's size and time, and
// the time to reopen the journal from the newest snapshot (restore + tail) against a full replay, both checked to
// reach the same state hash. With `node --expose-gc` it also reports the heap after a full GC every 100,000
// orders (the read model's and the engine's memory once their histories are full).
// Settings through the environment (PERPSIM_RECOVERY_BENCH_…): ORDERS (300000), SNAPSHOT_EVERY (blocks, 50).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeGenesis } from '../src/live/genesis.ts';
import { JOURNAL_FILE } from '../src/live/journal.ts';
import { DEFAULT_PROPOSAL } from '../src/live/server.ts';
import { Venue } from '../src/live/venue.ts';

const env = (k: string, d: number) => {
  const v = process.env[`PERPSIM_RECOVERY_BENCH_${k}`];
  const n = v === undefined ? d : Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`PERPSIM_RECOVERY_BENCH_${k}: "${v}" must be a positive integer`);
  return n;
};

const ORDERS = env('ORDERS', 300_000);
const EVERY = env('SNAPSHOT_EVERY', 50);
const START = 1_700_000_000_000_000_000n;
const gc = (globalThis as { gc?: () => void }).gc;

const root = mkdtempSync(join(tmpdir(), 'perpsim-recovery-bench-'));
try {
  const dir = join(root, 'journal');
  const genesis = makeGenesis(START, [{ proposal: DEFAULT_PROPOSAL, openingAuctionSeconds: 1 }], {
    'market.auction.minimumDuration': '1s',
  });
  let now = START;
  const v = new Venue({ genesis, journalDir: dir, fsync: 'block', clock: () => now, snapshotEvery: EVERY });
  const m = v.markets[0]!;
  const parties = Array.from({ length: 100 }, (_, i) => `bench${i}`);
  for (const p of parties) v.execute({ kind: 'deposit', party: p, asset: m.asset, amount: String(10n ** 12n) });
  v.execute({
    kind: 'oracle',
    signers: [...m.oracle!.signers],
    properties: { [m.oracle!.property]: String(15n * 10n ** 8n) },
  });
  const limit = (party: string, side: 'buy' | 'sell', price: number) =>
    v.execute({ kind: 'submit', party, order: { marketId: m.id, side, type: 'LIMIT', tif: 'GTC', price, size: 1 } });
  limit(parties[0]!, 'buy', 1500);
  limit(parties[1]!, 'sell', 1500);
  now += 2_000_000_000n;
  v.endBlock();
  const live = parties.map(() => [] as string[]);
  const heap: string[] = [];
  const t0 = performance.now();
  for (let n = 1; n <= ORDERS; n++) {
    const k = n % parties.length;
    const p = parties[k]!;
    const i = Math.floor(n / parties.length);
    const l = live[k]!;
    if (l.length > 20 || (i % 3 === 0 && l.length > 0)) {
      v.execute({ kind: 'cancel', party: p, marketId: m.id, orderId: l.shift()! });
    } else {
      const side = i % 2 ? 'buy' : 'sell';
      const off = ((i * 37 + k * 11) % 41) - 5;
      const o = limit(p, side, side === 'buy' ? 1500 - off : 1500 + off);
      if (o.order?.status === 'ACTIVE') l.push(o.order.id);
    }
    v.commit();
    if (n % 2_000 === 0) {
      now += 1_000_000_000n;
      v.endBlock();
    }
    if (gc && n % 100_000 === 0) {
      gc();
      heap.push(`${n}: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
    }
  }
  const loadSeconds = (performance.now() - t0) / 1000;
  let t = performance.now();
  const engineText = JSON.stringify(v.ex.snapshot());
  const engineMs = performance.now() - t;
  v.writeSnapshot();
  const snap = v.lastSnapshot!;
  const final = v.stateHash();
  const commands = v.commands;
  v.close();

  t = performance.now();
  const fromSnapshot = new Venue({ genesis, journalDir: dir, fsync: 'block', clock: () => now });
  const snapMs = performance.now() - t;
  if (fromSnapshot.stateHash() !== final) throw new Error('restore + tail: another state hash');
  const tail = fromSnapshot.recovered.commands;
  fromSnapshot.close();

  const full = join(root, 'full');
  mkdirSync(full);
  copyFileSync(join(dir, JOURNAL_FILE), join(full, JOURNAL_FILE));
  t = performance.now();
  const replayed = new Venue({ genesis, journalDir: full, fsync: 'block', clock: () => now });
  const fullMs = performance.now() - t;
  if (replayed.stateHash() !== final) throw new Error('full replay: another state hash');
  replayed.close();

  const r = {
    orders: ORDERS,
    commands,
    loadSeconds: Math.round(loadSeconds * 10) / 10,
    engineSnapshot: { bytes: engineText.length, ms: Math.round(engineMs) },
    venueSnapshot: { bytes: snap.bytes, ms: Math.round(snap.ms) },
    reopen: {
      fromSnapshotMs: Math.round(snapMs),
      tailCommands: tail,
      fullReplayMs: Math.round(fullMs),
      fullReplayCommands: commands,
    },
    ...(heap.length ? { heapAfterGc: heap } : {}),
  };
  console.log(
    `recovery bench: ${ORDERS.toLocaleString('en-US')} orders, ${commands.toLocaleString('en-US')} commands in ${r.loadSeconds} s`,
  );
  console.log(
    `  engine snapshot ${(r.engineSnapshot.bytes / 2 ** 20).toFixed(1)} MiB in ${r.engineSnapshot.ms} ms; venue snapshot (with the read model) ${(r.venueSnapshot.bytes / 2 ** 20).toFixed(1)} MiB in ${r.venueSnapshot.ms} ms`,
  );
  console.log(
    `  reopen: from the snapshot ${r.reopen.fromSnapshotMs} ms (tail of ${tail} commands); full replay ${r.reopen.fullReplayMs} ms (${commands} commands)`,
  );
  if (heap.length) console.log(`  heap after GC: ${heap.join(', ')}`);
  console.log(JSON.stringify({ recovery: r }));
} finally {
  rmSync(root, { recursive: true, force: true });
}
