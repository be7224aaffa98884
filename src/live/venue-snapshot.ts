// Venue snapshots (issue 11): every N blocks the venue writes the engine's snapshot (Exchange.snapshot()), its read
// model (orders, fills, transfers, trades, candles), its live-page figures, the oracle's last prices and its
// counters, together with the journal sequence number it covers, into the journal directory. On start the newest
// valid snapshot is restored and only the journal records after it are replayed, to the same state hash as a full
// replay; a damaged snapshot is skipped, with the reason, for the previous one or a full replay.
//
// A file `snapshot-<seq>.json` is one header line — {format, version, seq, bytes, sha256} — then the body's JSON.
// It is written atomically: to a temporary file, fsync'd, renamed over its final name, and the directory fsync'd;
// the newest `keep` snapshots are kept, older ones removed.
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { decodeGraph, encodeGraph, type CodecOptions, type EncodedGraph, type EngineSnapshot } from './engine.ts';
import { Ring } from './store.ts';

export const VENUE_SNAPSHOT_FORMAT = 'perpsim-venue-snapshot';
export const VENUE_SNAPSHOT_VERSION = 1;
const FILE_RE = /^snapshot-(\d{12})\.json$/;

export interface VenueSnapshotBody {
  /** journal records covered: the state is the one after records 0 … seq-1 */
  readonly seq: number;
  /** canonical hash of the journal's genesis (a snapshot belongs to one journal) */
  readonly genesis: string;
  readonly block: number;
  readonly commands: number;
  readonly blockErrors: number;
  readonly engine: EngineSnapshot;
  /** the read model and the live-page figures (object graph, as the engine's) */
  readonly readModel: EncodedGraph;
  /** each market's last oracle price and its time (seconds since the genesis) */
  readonly oracleLast: readonly (readonly [string, number, number])[];
}

/** The codec for the read model: plain data and rings. */
export const READ_MODEL_CODEC: CodecOptions = {
  classes: new Map([['Ring', Ring]]),
  constants: new Map(),
  skipFields: new Map(),
};

export function encodeReadModel(store: object, insight: object): EncodedGraph {
  return encodeGraph(
    [
      ['store', store],
      ['insight', insight],
    ],
    READ_MODEL_CODEC,
  );
}

export function decodeReadModel(g: EncodedGraph): { store: object; insight: object } {
  const parts = decodeGraph(g, new Map(), READ_MODEL_CODEC);
  const store = parts.get('store');
  const insight = parts.get('insight');
  if (typeof store !== 'object' || store === null || typeof insight !== 'object' || insight === null)
    throw new Error('readModel: missing the store or the insight part');
  return { store, insight };
}

/** JSON with object keys sorted, for hashing a genesis the same way whoever wrote it. */
export function canonicalHash(v: unknown): string {
  const canon = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(canon);
    if (x && typeof x === 'object')
      return Object.fromEntries(
        Object.keys(x)
          .sort()
          .map((k) => [k, canon((x as Record<string, unknown>)[k])]),
      );
    return x;
  };
  return createHash('sha256')
    .update(JSON.stringify(canon(v)))
    .digest('hex');
}

export function snapshotFileName(seq: number): string {
  return `snapshot-${String(seq).padStart(12, '0')}.json`;
}

/** The snapshot files of a directory, newest (highest sequence number) first. */
export function listVenueSnapshots(dir: string): { file: string; seq: number }[] {
  if (!existsSync(dir)) return [];
  const out: { file: string; seq: number }[] = [];
  for (const name of readdirSync(dir)) {
    const m = FILE_RE.exec(name);
    if (m) out.push({ file: join(dir, name), seq: Number(m[1]) });
  }
  return out.sort((a, b) => b.seq - a.seq);
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some platforms cannot fsync a directory; the rename is still atomic
  }
}

/** Writes a snapshot atomically and prunes all but the newest `keep`. Returns the file and its size. */
export function writeVenueSnapshot(dir: string, body: VenueSnapshotBody, keep = 2): { file: string; bytes: number } {
  const text = JSON.stringify(body);
  const bytes = Buffer.byteLength(text);
  const sha256 = createHash('sha256').update(text).digest('hex');
  const header = JSON.stringify({
    format: VENUE_SNAPSHOT_FORMAT,
    version: VENUE_SNAPSHOT_VERSION,
    seq: body.seq,
    bytes,
    sha256,
  });
  const file = join(dir, snapshotFileName(body.seq));
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${header}\n`);
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDir(dir);
  for (const old of listVenueSnapshots(dir).slice(keep)) rmSync(old.file, { force: true });
  return { file, bytes: bytes + header.length + 1 };
}

/** Reads and checks one snapshot file (header, length, checksum, shape); throws an Error saying what is wrong. */
export function readVenueSnapshot(file: string): VenueSnapshotBody {
  const buf = readFileSync(file);
  const nl = buf.indexOf(10);
  if (nl < 0) throw new Error('no header line');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error('the header is not JSON');
  }
  if (header.format !== VENUE_SNAPSHOT_FORMAT) throw new Error(`format ${JSON.stringify(header.format)}`);
  if (header.version !== VENUE_SNAPSHOT_VERSION)
    throw new Error(`version ${JSON.stringify(header.version)}, this venue reads ${VENUE_SNAPSHOT_VERSION}`);
  const body = buf.subarray(nl + 1);
  if (body.length !== header.bytes) throw new Error(`${body.length} bytes of body, the header says ${header.bytes}`);
  if (createHash('sha256').update(body).digest('hex') !== header.sha256) throw new Error('checksum mismatch');
  const b = JSON.parse(body.toString('utf8')) as VenueSnapshotBody;
  if (
    typeof b !== 'object' ||
    b === null ||
    !Number.isInteger(b.seq) ||
    b.seq !== header.seq ||
    typeof b.genesis !== 'string' ||
    !Number.isInteger(b.block) ||
    !Number.isInteger(b.commands) ||
    !Array.isArray(b.oracleLast)
  )
    throw new Error('malformed body');
  return b;
}
