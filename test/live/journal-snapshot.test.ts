// Venue snapshots (issue 11): with --snapshot-every, a restart restores the newest valid snapshot and replays only the
// journal records after it, reaching the full replay's state hash and the same read model (orders, fills,
// transfers, trades, candles); a crash at any byte after or before the snapshot recovers the state of the last whole
// record; a damaged newest snapshot falls back to the previous one, then to a full replay, saying why.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prng } from '../../src/sim/prng.ts';
import type { VenueCommand } from '../../src/live/commands.ts';
import { makeGenesis } from '../../src/live/genesis.ts';
import { JOURNAL_FILE } from '../../src/live/journal.ts';
import { DEFAULT_PROPOSAL } from '../../src/live/server.ts';
import { Venue } from '../../src/live/venue.ts';
import { listVenueSnapshots } from '../../src/live/venue-snapshot.ts';
import { START_NS } from './helpers.ts';

const GENESIS = makeGenesis(START_NS, [{ proposal: DEFAULT_PROPOSAL, openingAuctionSeconds: 2 }], {
  'market.auction.minimumDuration': '2s',
});
const PARTIES = ['p0', 'p1', 'p2', 'p3'];
const between = (rng: Prng, lo: number, hi: number) => lo + rng.int(hi - lo + 1);

function open(dir: string, snapshotEvery = 0): Venue {
  return new Venue({ genesis: GENESIS, journalDir: dir, fsync: 'off', clock: () => START_NS, snapshotEvery });
}

/** Everything the read model serves, as text. */
function readModel(v: Venue): string {
  const m = v.markets[0]!.id;
  const out: unknown[] = [v.store.recentTrades(m, 1000), v.store.candlesOf(m, '1m', 1000)];
  for (const p of PARTIES)
    out.push(v.store.orders(p, { limit: 10_000 }), v.store.fills(p, 1000), v.store.transfers(p, 1000));
  return JSON.stringify(out);
}

/** A random stream with a snapshot every `every` blocks; the journal size and state hash after every record. */
function run(dir: string, seed: string, steps: number, every: number) {
  let now = START_NS;
  const v = new Venue({ genesis: GENESIS, journalDir: dir, fsync: 'off', clock: () => now, snapshotEvery: every });
  const file = join(dir, JOURNAL_FILE);
  const ends = [statSync(file).size];
  const hashes = [v.stateHash()];
  const rng = new Prng(seed);
  const m = v.markets[0]!;
  const orders: { party: string; id: string }[] = [];
  const note = () => {
    v.commit();
    ends.push(statSync(file).size);
    hashes.push(v.stateHash());
  };
  const exec = (c: VenueCommand) => {
    const o = v.execute(c);
    if (o.order && (o.order.status === 'ACTIVE' || o.order.status === 'PARKED'))
      orders.push({ party: o.order.party, id: o.order.id });
    note();
  };
  for (const p of PARTIES) exec({ kind: 'deposit', party: p, asset: m.asset, amount: String(5_000n * 10n ** 6n) });
  const oracle = (price: bigint) =>
    exec({ kind: 'oracle', signers: [...m.oracle!.signers], properties: { [m.oracle!.property]: String(price) } });
  oracle(15n * 10n ** 8n);
  for (let i = 0; i < steps; i++) {
    const party = PARTIES[between(rng, 0, PARTIES.length - 1)]!;
    const r = rng.uniform(0, 1);
    if (r < 0.5) {
      const market = r > 0.42;
      exec({
        kind: 'submit',
        party,
        order: {
          marketId: m.id,
          side: rng.chance(0.5) ? 'buy' : 'sell',
          type: market ? 'MARKET' : 'LIMIT',
          tif: market ? 'IOC' : 'GTC',
          ...(market ? {} : { price: 1500 + between(rng, -20, 20) }),
          size: between(rng, 1, 20),
        },
      });
    } else if (r < 0.6 && orders.length) {
      const o = orders[between(rng, 0, orders.length - 1)]!;
      exec({ kind: 'cancel', party: o.party, marketId: m.id, orderId: o.id });
    } else if (r < 0.66 && orders.length) {
      const o = orders[between(rng, 0, orders.length - 1)]!;
      exec({
        kind: 'amend',
        party: o.party,
        amendment: { orderId: o.id, marketId: m.id, sizeDelta: between(rng, -2, 3) },
      });
    } else if (r < 0.7) {
      oracle(BigInt(1500 + between(rng, -30, 30)) * 10n ** 6n);
    } else {
      now += BigInt(between(rng, 1, 3)) * 1_000_000_000n;
      v.endBlock();
      note();
    }
  }
  const final = v.stateHash();
  const model = readModel(v);
  v.close();
  return { ends, hashes, final, model, blocks: v.block };
}

describe('venue snapshots', () => {
  test('a restart restores the newest snapshot and replays the tail: same state hash and read model as a full replay', () => {
    const root = mkdtempSync(join(tmpdir(), 'perpsim-snap-'));
    try {
      const dir = join(root, 'run');
      const r = run(dir, 'snap/a', 300, 5);
      const snaps = listVenueSnapshots(dir);
      assert.equal(snaps.length, 2, 'the newest two snapshots are kept');
      assert.ok(r.blocks >= 10);
      assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temporary file left');
      const v = open(dir);
      assert.equal(v.recovered.snapshot?.seq, snaps[0]!.seq);
      assert.deepEqual(v.recovered.skippedSnapshots, []);
      assert.equal(v.stateHash(), r.final);
      assert.equal(v.block, r.blocks);
      assert.ok(
        v.recovered.commands + v.recovered.blocks < r.ends.length - snaps[0]!.seq + 1,
        'only the tail replayed',
      );
      assert.equal(readModel(v), r.model, 'the read model matches the uninterrupted run');
      v.close();
      // the same journal without its snapshots: a full replay, same state and read model
      const full = join(root, 'full');
      mkdirSync(full);
      copyFileSync(join(dir, JOURNAL_FILE), join(full, JOURNAL_FILE));
      const f = open(full);
      assert.equal(f.recovered.snapshot, undefined);
      assert.equal(f.stateHash(), r.final);
      assert.equal(readModel(f), r.model);
      f.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('crashes at random bytes, before and after the snapshots, recover the state of the last whole record', () => {
    const root = mkdtempSync(join(tmpdir(), 'perpsim-snap-'));
    try {
      const dir = join(root, 'run');
      const r = run(dir, 'snap/b', 250, 4);
      const rng = new Prng('snap/crash');
      const size = r.ends[r.ends.length - 1]!;
      const cuts: number[] = [];
      for (let i = 0; i < 8; i++) cuts.push(between(rng, r.ends[0]! + 1, size - 1));
      for (const cut of cuts) {
        const d = join(root, `cut-${cut}`);
        mkdirSync(d);
        for (const f of readdirSync(dir)) copyFileSync(join(dir, f), join(d, f));
        truncateSync(join(d, JOURNAL_FILE), cut);
        let k = 0;
        while (k + 1 < r.ends.length && r.ends[k + 1]! <= cut) k++;
        const v = open(d);
        assert.equal(v.stateHash(), r.hashes[k], `cut at ${cut}: state after record ${k}`);
        // a snapshot past the cut is refused (it covers records the journal lost), never restored
        const used = v.recovered.snapshot?.seq ?? 0;
        assert.ok(used <= k + 1);
        for (const s of v.recovered.skippedSnapshots) assert.match(s, /covers \d+ records, the journal holds \d+/);
        v.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a damaged newest snapshot falls back to the previous one, then to a full replay, saying why', () => {
    const root = mkdtempSync(join(tmpdir(), 'perpsim-snap-'));
    try {
      const dir = join(root, 'run');
      const r = run(dir, 'snap/c', 200, 3);
      const [newest, older] = listVenueSnapshots(dir);
      assert.ok(newest && older);
      const buf = readFileSync(newest.file);
      const bad = Buffer.from(buf);
      bad[bad.length - 10] = bad[bad.length - 10]! ^ 0x01;
      writeFileSync(newest.file, bad);
      const v = open(dir);
      assert.equal(v.recovered.snapshot?.seq, older.seq);
      assert.equal(v.recovered.skippedSnapshots.length, 1);
      assert.match(v.recovered.skippedSnapshots[0]!, /snapshot-\d+\.json: checksum mismatch/);
      assert.equal(v.stateHash(), r.final);
      v.close();
      // the older one from another version: neither is usable, the whole journal is replayed
      const text = readFileSync(older.file, 'utf8');
      writeFileSync(older.file, text.replace('"version":1', '"version":2'));
      const w = open(dir);
      assert.equal(w.recovered.snapshot, undefined);
      assert.equal(w.recovered.skippedSnapshots.length, 2);
      assert.match(w.recovered.skippedSnapshots[1]!, /version 2, this venue reads 1/);
      assert.equal(w.stateHash(), r.final);
      w.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
