// The journal: replay reaches the uninterrupted run's state hash; a crash at any byte (a torn last record) recovers
// the state as of the last whole record; a damaged record refuses to start, naming its offset. Property test over
// random command streams (seeded) and random crash points.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
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
import { encodeRecord, JOURNAL_FILE, JournalCorruptError, readJournal } from '../../src/live/journal.ts';
import { DEFAULT_PROPOSAL } from '../../src/live/server.ts';
import { formatScaled, parseScaled } from '../../src/live/units.ts';
import { Venue } from '../../src/live/venue.ts';
import { START_NS } from './helpers.ts';

const GENESIS = makeGenesis(START_NS, [{ proposal: DEFAULT_PROPOSAL, openingAuctionSeconds: 2 }], {
  'market.auction.minimumDuration': '2s',
});

/** a uniform integer in [lo, hi] */
function between(rng: Prng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

function open(dir: string, clock: () => bigint): Venue {
  return new Venue({ genesis: GENESIS, journalDir: dir, fsync: 'off', clock });
}

/** Runs a random command stream; returns the journal's size and the state hash after every record. */
function randomRun(dir: string, seed: string, steps: number): { ends: number[]; hashes: string[]; final: string } {
  let now = START_NS;
  const v = open(dir, () => now);
  const file = join(dir, JOURNAL_FILE);
  const ends = [statSync(file).size];
  const hashes = [v.stateHash()];
  const rng = new Prng(seed);
  const parties = ['p0', 'p1', 'p2', 'p3'];
  const m = v.markets[0]!;
  const orders: { party: string; id: string }[] = [];
  const note = () => {
    v.commit(); // the group commit, as the API does before it answers
    ends.push(statSync(file).size);
    hashes.push(v.stateHash());
  };
  const exec = (c: VenueCommand) => {
    const o = v.execute(c);
    if (o.order && (o.order.status === 'ACTIVE' || o.order.status === 'PARKED'))
      orders.push({ party: o.order.party, id: o.order.id });
    note();
  };
  for (const p of parties) exec({ kind: 'deposit', party: p, asset: m.asset, amount: String(5_000n * 10n ** 6n) });
  exec({
    kind: 'oracle',
    signers: [...m.oracle!.signers],
    properties: { [m.oracle!.property]: String(15n * 10n ** 8n) },
  });
  for (let i = 0; i < steps; i++) {
    const party = parties[between(rng, 0, parties.length - 1)]!;
    const r = rng.uniform(0, 1);
    if (r < 0.45) {
      const side = rng.chance(0.5) ? 'buy' : 'sell';
      exec({
        kind: 'submit',
        party,
        order: {
          marketId: m.id,
          side,
          type: 'LIMIT',
          tif: 'GTC',
          price: 1500 + between(rng, -20, 20),
          size: between(rng, 1, 20),
        },
      });
    } else if (r < 0.55) {
      exec({
        kind: 'submit',
        party,
        order: {
          marketId: m.id,
          side: rng.chance(0.5) ? 'buy' : 'sell',
          type: 'MARKET',
          tif: 'IOC',
          size: between(rng, 1, 10),
        },
      });
    } else if (r < 0.65 && orders.length) {
      const o = orders[between(rng, 0, orders.length - 1)]!;
      exec({ kind: 'cancel', party: o.party, marketId: m.id, orderId: o.id });
    } else if (r < 0.72 && orders.length) {
      const o = orders[between(rng, 0, orders.length - 1)]!;
      exec({
        kind: 'amend',
        party: o.party,
        amendment: { orderId: o.id, marketId: m.id, sizeDelta: between(rng, -2, 3) },
      });
    } else if (r < 0.75) {
      exec({ kind: 'cancelAll', party, marketId: m.id });
    } else if (r < 0.78) {
      exec({
        kind: 'oracle',
        signers: [...m.oracle!.signers],
        properties: { [m.oracle!.property]: String(BigInt(1500 + between(rng, -30, 30)) * 10n ** 6n) },
      });
    } else {
      now += BigInt(between(rng, 1, 3)) * 1_000_000_000n;
      v.endBlock();
      note();
    }
  }
  const final = v.stateHash();
  v.close();
  return { ends, hashes, final };
}

describe('journal', () => {
  test('units convert exactly both ways', () => {
    assert.equal(parseScaled('15.25', 2, 'x'), 1525n);
    assert.equal(parseScaled('15.2500', 2, 'x'), 1525n);
    assert.equal(parseScaled('-0.05', 2, 'x', true), -5n);
    assert.throws(() => parseScaled('15.255', 2, 'price'), /price: "15.255" has more than 2 decimal places/);
    assert.throws(() => parseScaled('1e3', 2, 'price'), /not a non-negative decimal/);
    assert.equal(formatScaled(1525n, 2), '15.25');
    assert.equal(formatScaled(-5n, 2), '-0.05');
    assert.equal(formatScaled(1500n, 2), '15');
    assert.equal(formatScaled(7n, 0), '7');
  });

  for (const seed of ['a', 'b', 'c']) {
    test(`random stream ${seed}: replay and every crash point recover the state of the last whole record`, () => {
      const root = mkdtempSync(join(tmpdir(), 'perpsim-journal-'));
      try {
        const dir = join(root, 'run');
        const run = randomRun(dir, `journal/${seed}`, 150);
        // uninterrupted: a full replay gives the same state hash
        let now = START_NS;
        const again = open(dir, () => now);
        assert.equal(again.stateHash(), run.final);
        assert.equal(again.recovered.tornBytes, 0);
        again.close();
        // crash points: the file cut at random bytes (a torn last record) and at record boundaries
        const rng = new Prng(`crash/${seed}`);
        const size = run.ends[run.ends.length - 1]!;
        const cuts = [run.ends[1]!, run.ends[40]!];
        for (let i = 0; i < 10; i++) cuts.push(between(rng, run.ends[0]! + 1, size - 1));
        for (const cut of cuts) {
          const d = join(root, `cut-${cut}`);
          mkdirSync(d);
          copyFileSync(join(dir, JOURNAL_FILE), join(d, JOURNAL_FILE));
          truncateSync(join(d, JOURNAL_FILE), cut);
          // the last whole record at or before the cut
          let k = 0;
          while (k + 1 < run.ends.length && run.ends[k + 1]! <= cut) k++;
          now = START_NS;
          const rv = open(d, () => now);
          assert.equal(rv.stateHash(), run.hashes[k], `cut at ${cut}: state after record ${k}`);
          assert.equal(rv.recovered.tornBytes, cut - run.ends[k]!);
          rv.close();
          // the torn tail was truncated away: the journal reads clean and ends at the last whole record
          assert.equal(statSync(join(d, JOURNAL_FILE)).size, run.ends[k]);
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  test('a damaged record refuses to start and names its byte offset', () => {
    const root = mkdtempSync(join(tmpdir(), 'perpsim-journal-'));
    try {
      const dir = join(root, 'run');
      const run = randomRun(dir, 'journal/corrupt', 30);
      const file = join(dir, JOURNAL_FILE);
      const buf = readFileSync(file);
      const at = run.ends[10]!;
      const bad = Buffer.from(buf);
      bad[at + 12] = bad[at + 12]! ^ 0x20; // a payload byte of record 11
      writeFileSync(file, bad);
      assert.throws(
        () => open(dir, () => START_NS),
        (e: unknown) => e instanceof JournalCorruptError && e.offset === at && /checksum/.test(e.message),
      );
      // a whole record that is valid JSON with the right checksum but out of sequence (ends[3]: after 4 records)
      const recs = readJournal(buf).records;
      const out = Buffer.concat([buf.subarray(0, run.ends[3]), encodeRecord({ ...recs[5]!, n: 9 } as never)]);
      writeFileSync(file, out);
      assert.throws(() => open(dir, () => START_NS), /byte offset \d+: sequence number 9, expected 4/);
      // a record that fails the schema
      const payload = Buffer.from(JSON.stringify({ k: 'cmd', n: 4, t: 'soon', c: {} }));
      writeFileSync(file, Buffer.concat([buf.subarray(0, run.ends[3]), encodeRecord(JSON.parse(payload.toString()))]));
      assert.throws(() => open(dir, () => START_NS), new RegExp(`byte offset ${run.ends[3]}: t:`));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
