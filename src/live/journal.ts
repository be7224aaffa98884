// The venue's append-only journal: the genesis (markets, start time, network parameters), then every accepted
// command with the engine time it was applied at, and every block end. Replaying it from the start rebuilds the
// engine to the same state hash (the engine is deterministic: same commands at the same times, same state).
//
// On disk: a file `journal.psj` of records, each `u32 length | u32 CRC-32 | JSON payload` (big-endian). A record is
// written (and, with fsync 'command', flushed to disk) before its command is acknowledged: records are buffered
// while commands are applied and written together (one write, one fsync) before the acknowledgements go out.
// Reading:
// - a record whose header or payload runs past the end of the file is a torn write from a crash: it is dropped and
//   the file truncated to the last whole record (its command was never acknowledged);
// - a whole record whose CRC, JSON, schema or sequence number is wrong is corruption: the venue refuses to start
//   and names the byte offset.
// Records carry a sequence number `n` so that a snapshot of the engine taken after record n can later be restored
// and only the tail (records after n) replayed (src/live/venue-snapshot.ts): the records the newest snapshot covers
// are then only checksummed, not decoded.
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import { venueCommand, type VenueCommand } from './commands.ts';

export const genesisSchema = z.strictObject({
  /** engine start time, ns since the Unix epoch */
  startNs: z.string().regex(/^\d+$/),
  network: z.record(z.string(), z.string()),
  /** assets beyond the default registry (a scenario's), by Vega asset id */
  assets: z
    .record(z.string(), z.strictObject({ symbol: z.string(), decimals: z.number().int(), quantum: z.string() }))
    .optional(),
  markets: z.array(
    z.strictObject({
      /** the proposal file's JSON text, so a restart does not depend on the file still being there */
      proposal: z.string(),
      source: z.string(),
      openingAuctionSeconds: z.number().int().nonnegative(),
      marketId: z.string().optional(),
      insurancePool: z.string().regex(/^\d+$/).optional(),
    }),
  ),
});
export type Genesis = z.infer<typeof genesisSchema>;

const recordSchema = z.discriminatedUnion('k', [
  z.strictObject({ k: z.literal('genesis'), n: z.number().int(), genesis: genesisSchema }),
  z.strictObject({ k: z.literal('cmd'), n: z.number().int(), t: z.string().regex(/^\d+$/), c: venueCommand }),
  z.strictObject({ k: z.literal('block'), n: z.number().int(), t: z.string().regex(/^\d+$/) }),
]);
export type JournalRecord = z.infer<typeof recordSchema>;
/**
 * A whole record whose checksum was verified but whose payload was not decoded: one a snapshot already covers
 * (see readJournal's `decodeFrom`). It is never replayed.
 */
export interface CoveredRecord {
  readonly k: 'covered';
  readonly n: number;
}
export type JournalRecordBody = JournalRecord extends infer R
  ? R extends { n: number }
    ? Omit<R, 'n'>
    : never
  : never;

export type FsyncMode = 'command' | 'block' | 'off';

export class JournalCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    reason: string,
  ) {
    super(`${file}: corrupt journal record at byte offset ${offset}: ${reason}`);
  }
}

export interface JournalRead {
  readonly records: (JournalRecord | CoveredRecord)[];
  /** bytes of whole records */
  readonly validBytes: number;
  /** bytes of a torn last record that were dropped (0 if none) */
  readonly tornBytes: number;
}

const HEADER = 8;
export const JOURNAL_FILE = 'journal.psj';

/**
 * Reads and checks every record of a journal file's contents. With `decodeFrom` (the sequence number a snapshot
 * covers), the records 1 … decodeFrom-2 are checked (length, checksum) but not decoded: they come back as
 * 'covered' and are never replayed; the genesis and the last covered record (whose time the snapshot must match)
 * are decoded as usual.
 */
export function readJournal(buf: Buffer, file = JOURNAL_FILE, decodeFrom = 0): JournalRead {
  const records: (JournalRecord | CoveredRecord)[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < HEADER) break;
    const len = buf.readUInt32BE(off);
    const crc = buf.readUInt32BE(off + 4);
    if (off + HEADER + len > buf.length) break;
    const payload = buf.subarray(off + HEADER, off + HEADER + len);
    if (crc32(payload) !== crc) throw new JournalCorruptError(file, off, 'checksum mismatch');
    const n = records.length;
    if (n > 0 && n < decodeFrom - 1) {
      records.push({ k: 'covered', n });
      off += HEADER + len;
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      throw new JournalCorruptError(file, off, 'not valid JSON');
    }
    const r = recordSchema.safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new JournalCorruptError(file, off, `${i.path.join('.') || '(record)'}: ${i.message}`);
    }
    if (r.data.n !== records.length)
      throw new JournalCorruptError(file, off, `sequence number ${r.data.n}, expected ${records.length}`);
    if ((records.length === 0) !== (r.data.k === 'genesis'))
      throw new JournalCorruptError(file, off, 'the genesis record must come first, and only once');
    records.push(r.data);
    off += HEADER + len;
  }
  return { records, validBytes: off, tornBytes: buf.length - off };
}

/** Encodes one record as it is stored. */
export function encodeRecord(r: JournalRecord): Buffer {
  const payload = Buffer.from(JSON.stringify(r), 'utf8');
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  payload.copy(out, HEADER);
  return out;
}

/** An open journal, appending. */
export class Journal {
  private fd: number;
  private n: number;
  private dirty = false;
  /** encoded records not yet written (group commit: `flush` writes them with one call) */
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  /** bytes appended by this process */
  bytes = 0;

  private constructor(
    readonly file: string,
    fd: number,
    next: number,
    readonly fsync: FsyncMode,
  ) {
    this.fd = fd;
    this.n = next;
  }

  /**
   * Opens (creating if needed) the journal in `dir`: returns the records to replay and the journal, positioned
   * after the last whole record (a torn tail is truncated away).
   */
  static open(dir: string, fsync: FsyncMode, decodeFrom = 0): { journal: Journal; read: JournalRead } {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, JOURNAL_FILE);
    const buf = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
    const read = readJournal(buf, file, decodeFrom);
    const fd = openSync(file, existsSync(file) ? 'r+' : 'w+');
    if (read.tornBytes > 0) {
      ftruncateSync(fd, read.validBytes);
      fsyncSync(fd);
    }
    closeSync(fd);
    const afd = openSync(file, 'a');
    return { journal: new Journal(file, afd, read.records.length, fsync), read };
  }

  get nextSeq(): number {
    return this.n;
  }

  /**
   * Appends a record to the journal's buffer. It reaches the file at the next `flush`, which the venue runs before
   * it acknowledges anything (group commit: the commands applied in one turn of the event loop share one write,
   * and with fsync 'command' one fsync).
   */
  append(body: JournalRecordBody): number {
    const n = this.n;
    const buf = encodeRecord({ ...body, n } as JournalRecord);
    this.buffered.push(buf);
    this.bufferedBytes += buf.length;
    this.n++;
    return n;
  }

  /** Whether records are waiting for `flush`. */
  get pending(): boolean {
    return this.bufferedBytes > 0;
  }

  /** Writes the buffered records (and with fsync 'command' flushes them to disk). */
  flush(): void {
    if (this.bufferedBytes === 0) return;
    const buf = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    this.bytes += buf.length;
    if (this.fsync === 'command') fsyncSync(this.fd);
    else this.dirty = true;
  }

  /** Called at a block end: with fsync 'block' the block's records reach the disk here. */
  flushBlock(): void {
    this.flush();
    if (this.fsync === 'block' && this.dirty) {
      fsyncSync(this.fd);
      this.dirty = false;
    }
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    if (this.fsync !== 'off' && this.dirty) fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}

export type { VenueCommand };
