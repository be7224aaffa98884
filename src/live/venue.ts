// The live venue: the engine in real time (DESIGN, "The live half"). The venue owns the wall clock and turns it into
// engine time: commands are applied as they arrive, at the current block's time, and a timer ends the block every
// `blockMs` (end of block: mark price, mark-to-market, margins; then the clock moves to the wall clock's now). Every
// command that reaches the engine is appended to the journal before it is applied and acknowledged; a block end is
// journaled too. Opening the venue on an existing journal replays it (genesis, commands at their times, block
// ends) to the same state hash, rebuilding the read model and the agents' view from the replayed events; only the
// live listeners (WebSocket, Redis) stay silent during the replay.
import { applyCommand, type CommandOutcome, type VenueCommand } from './commands.ts';
import { Exchange, type EngineEvent, type EventSink } from './engine.ts';
import { buildGenesis, type MarketInfo } from './genesis.ts';
import { Journal, readJournal, type FsyncMode, type Genesis, type JournalRead } from './journal.ts';
import { readFileSync } from 'node:fs';
import { OracleFeed, type OracleConfig } from './oracle.ts';
import { MarketInsight } from './insight.ts';
import { VenueStore } from './store.ts';
import { formatScaled } from './units.ts';
import { dirname } from 'node:path';
import { BackgroundAgents } from './agents.ts';
import {
  canonicalHash,
  decodeReadModel,
  encodeReadModel,
  listVenueSnapshots,
  readVenueSnapshot,
  writeVenueSnapshot,
  type VenueSnapshotBody,
} from './venue-snapshot.ts';
import type { LoadedScenario } from '../sim/scenario.ts';

export interface VenueOptions {
  /** the markets to start with when there is no journal yet (ignored when the journal has its genesis) */
  readonly genesis: Genesis;
  /** journal directory; none: the venue keeps nothing across restarts */
  readonly journalDir?: string;
  readonly fsync?: FsyncMode;
  /** write a snapshot into the journal directory every this many blocks (0 or absent: never) */
  readonly snapshotEvery?: number;
  readonly blockMs?: number;
  readonly oracle?: OracleConfig;
  readonly agents?: LoadedScenario;
  readonly agentSeed?: string;
  /** wall clock, ns since the Unix epoch (tests give their own) */
  readonly clock?: () => bigint;
}

/** Something that follows the venue live (not during a replay). */
export interface VenueListener {
  onEvent?(e: EngineEvent): void;
  /** after a command was applied and its events emitted */
  onCommand?(c: VenueCommand, o: CommandOutcome): void;
  /** after a block ended and the next began (oracle and agents included) */
  onBlock?(block: number, t: bigint): void;
}

export function wallClockNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

export class Venue {
  readonly ex: Exchange;
  readonly markets: readonly MarketInfo[];
  readonly store: VenueStore;
  /** insurance pools, close-outs and LP figures per epoch, for the live page */
  readonly insight: MarketInsight;
  readonly genesis: Genesis;
  readonly startNs: bigint;
  readonly journal: Journal | undefined;
  /** what opening found in the journal (and the snapshot it started from, if any) */
  readonly recovered: {
    records: number;
    tornBytes: number;
    blocks: number;
    commands: number;
    stateHash: string;
    /** the snapshot restored (the records replayed are the ones after it) */
    snapshot?: { file: string; seq: number; restoreMs: number };
    /** snapshots found unusable, newest first, with the reason */
    skippedSnapshots: string[];
    /** wall time of the restore and replay, ms */
    ms: number;
  };
  readonly snapshotEvery: number;
  /** the last snapshot written by this process */
  lastSnapshot: { file: string; seq: number; bytes: number; ms: number } | undefined;
  private readonly genesisHash: string;
  readonly oracle: OracleFeed;
  readonly agents: BackgroundAgents | undefined;
  readonly blockMs: number;
  private readonly listeners: VenueListener[] = [];
  private readonly byKey = new Map<string, MarketInfo>();
  private readonly clock: () => bigint;
  private replaying = false;
  private timer: NodeJS.Timeout | undefined;
  block = 0;
  commands = 0;

  constructor(opts: VenueOptions) {
    this.clock = opts.clock ?? wallClockNs;
    this.blockMs = opts.blockMs ?? 1000;
    const started = performance.now();
    let read: JournalRead | undefined;
    if (opts.journalDir) {
      // the records the newest snapshot covers are only checksummed, not decoded (re-read if it proves unusable)
      const newest = listVenueSnapshots(opts.journalDir)[0]?.seq ?? 0;
      const j = Journal.open(opts.journalDir, opts.fsync ?? 'block', newest);
      this.journal = j.journal;
      read = j.read;
    }
    const first = read?.records[0];
    this.genesis = first?.k === 'genesis' ? first.genesis : opts.genesis;
    this.genesisHash = canonicalHash(this.genesis);
    this.startNs = BigInt(this.genesis.startNs);
    this.snapshotEvery = opts.snapshotEvery ?? 0;
    const fanout: EventSink = { emit: (e) => this.onEngineEvent(e) };
    const built = buildGenesis(this.genesis, fanout);
    // the newest usable snapshot replaces the genesis engine; the journal records after it are replayed below
    const skipped: string[] = [];
    const reread = () => readJournal(readFileSync(this.journal!.file), this.journal!.file);
    const snap =
      opts.journalDir && read ? this.findSnapshot(opts.journalDir, read, reread, fanout, skipped) : undefined;
    if (snap) read = snap.read;
    else if (read?.records.some((r) => r.k === 'covered')) read = { ...reread(), tornBytes: read.tornBytes };
    this.ex = snap?.ex ?? built.ex;
    this.markets = snap
      ? built.markets.map((m) => {
          const market = snap.ex.market(m.id);
          if (!market) throw new Error(`snapshot ${snap.file}: market ${m.id} of the genesis is missing`);
          return { ...m, market };
        })
      : built.markets;
    for (const m of this.markets) {
      this.byKey.set(m.id, m);
      this.byKey.set(m.pair, m);
    }
    this.insight = new MarketInsight(this.ex, this.markets);
    this.store = new VenueStore(
      this.ex,
      (id) => this.byKey.get(id)?.units,
      (asset) => {
        const d = this.ex.asset(asset)?.decimals ?? 0;
        return (v: bigint) => formatScaled(v, d);
      },
    );
    this.oracle = new OracleFeed(this.markets, opts.oracle ?? { mode: 'push' });
    if (snap) {
      const rm = decodeReadModel(snap.body.readModel);
      this.store.importState(rm.store);
      this.insight.importState(rm.insight);
      for (const [id, price, time] of snap.body.oracleLast) this.oracle.last.set(id, { price, time });
      this.block = snap.body.block;
      this.commands = snap.body.commands;
      this.blockErrors = snap.body.blockErrors;
    }
    this.agents = opts.agents
      ? new BackgroundAgents(
          this,
          opts.agents,
          this.markets,
          this.startNs,
          (id) => this.oracle.last.get(id)?.price,
          opts.agentSeed ?? String(opts.agents.scenario.seed),
        )
      : undefined;
    if (!first) this.journal?.append({ k: 'genesis', genesis: this.genesis });
    this.recovered = {
      ...this.replay(read, snap?.body.seq ?? 0),
      ...(snap ? { snapshot: { file: snap.file, seq: snap.body.seq, restoreMs: snap.ms } } : {}),
      skippedSnapshots: skipped,
      ms: performance.now() - started,
    };
    for (const w of skipped) process.emitWarning(`venue snapshot skipped: ${w}`);
    this.oracle.start(this.seconds());
    this.agents?.fund();
    this.commit();
  }

  /**
   * The newest snapshot in `dir` that reads, checks and restores, and belongs to this journal (same genesis, no more
   * records than the journal holds, taken at the time of its last record); the reasons the newer ones were not.
   */
  private findSnapshot(
    dir: string,
    read: JournalRead,
    reread: () => JournalRead,
    sink: EventSink,
    skipped: string[],
  ): { ex: Exchange; body: VenueSnapshotBody; file: string; ms: number; read: JournalRead } | undefined {
    for (const { file } of listVenueSnapshots(dir)) {
      const t0 = performance.now();
      try {
        const body = readVenueSnapshot(file);
        if (body.genesis !== this.genesisHash) throw new Error('it belongs to a journal with another genesis');
        if (body.seq < 1 || body.seq > read.records.length)
          throw new Error(`it covers ${body.seq} records, the journal holds ${read.records.length}`);
        let last = read.records[body.seq - 1]!;
        // an older snapshot than the newest: the records it does not cover must be decoded after all
        if (last.k === 'covered') {
          read = { ...reread(), tornBytes: read.tornBytes };
          last = read.records[body.seq - 1]!;
        }
        if (last.k === 'covered') throw new Error('the journal could not be decoded');
        const lastT = last.k === 'genesis' ? last.genesis.startNs : last.t;
        if (body.engine.time !== lastT)
          throw new Error(`its engine time ${body.engine.time} is not the time of journal record ${body.seq - 1}`);
        const ex = Exchange.restore(body.engine, { sink });
        return { ex, body, file, ms: performance.now() - t0, read };
      } catch (e) {
        skipped.push(`${file}: ${(e as Error).message}`);
      }
    }
    return undefined;
  }

  private replay(read: JournalRead | undefined, from: number): Omit<Venue['recovered'], 'skippedSnapshots' | 'ms'> {
    let blocks = 0;
    let commands = 0;
    if (!read) return { records: 0, tornBytes: 0, blocks, commands, stateHash: this.ex.stateHash() };
    this.replaying = true;
    try {
      for (const r of read.records) {
        if (r.k === 'genesis' || r.k === 'covered' || r.n < from) continue;
        const t = BigInt(r.t);
        if (r.k === 'block') {
          this.blockEnd(t);
          this.block++;
          blocks++;
          continue;
        }
        if (t !== this.ex.now())
          throw new Error(
            `${this.journal!.file}: record ${r.n} was applied at ${r.t}, but the replay is at ${this.ex.now()}`,
          );
        this.apply(r.c);
        commands++;
      }
    } finally {
      this.replaying = false;
    }
    return {
      records: read.records.length,
      tornBytes: read.tornBytes,
      blocks,
      commands,
      stateHash: this.ex.stateHash(),
    };
  }

  /** The market with this id or pair code. */
  market(key: string): MarketInfo | undefined {
    return this.byKey.get(key);
  }

  addListener(l: VenueListener): void {
    this.listeners.push(l);
  }

  now(): bigint {
    return this.ex.now();
  }

  /** seconds since the genesis, engine time */
  seconds(): number {
    return Number(this.ex.now() - this.startNs) / 1e9;
  }

  stateHash(): string {
    return this.ex.stateHash();
  }

  private onEngineEvent(e: EngineEvent): void {
    // the genesis's own events (the asset's system accounts) come before the read model exists
    if (!this.store) return;
    if (e.type === 'expiredOrders') {
      for (const order of this.store.expired(e.orderIds, this.ex.now())) this.onEngineEvent({ type: 'order', order });
      return;
    }
    this.store.emit(e);
    this.insight.emit(e);
    this.agents?.bus.emit(e);
    if (this.replaying) return;
    for (const l of this.listeners) l.onEvent?.(e);
  }

  private apply(c: VenueCommand): CommandOutcome {
    let o: CommandOutcome;
    try {
      o = applyCommand(this.ex, c);
    } catch (e) {
      // an engine exception is deterministic too: the replay meets the same one at the same place
      o = { error: `internal error: ${(e as Error).message}` };
    }
    if (c.kind === 'oracle' && !o.error) {
      const tSec = this.seconds();
      this.oracle.observe(c, tSec);
      if (this.agents)
        for (const m of this.markets) {
          const last = this.oracle.last.get(m.id);
          if (last && last.time === tSec) this.agents.onOracle(m.id, last.price, tSec);
        }
    }
    this.commands++;
    return o;
  }

  /**
   * Applies a command at the current block's time: journaled first (so it survives a crash once acknowledged),
   * then applied, then announced to the listeners.
   */
  execute(c: VenueCommand): CommandOutcome {
    this.journal?.append({ k: 'cmd', t: this.ex.now().toString(), c });
    const o = this.apply(c);
    for (const l of this.listeners) l.onCommand?.(c, o);
    return o;
  }

  /** engine exceptions at block ends (deterministic: a replay meets the same ones), the latest kept */
  blockErrors = 0;
  lastBlockError: string | undefined;

  /**
   * The engine's block end and tick. An engine exception here is caught and counted, live and in a replay alike,
   * so that one bad block neither stops the venue nor makes its journal unreplayable.
   */
  private blockEnd(t: bigint): void {
    try {
      this.ex.endBlock();
      this.ex.advanceTo(t);
    } catch (e) {
      this.blockErrors++;
      this.lastBlockError = (e as Error).message;
      if (!this.replaying) process.emitWarning(`block end at ${t}: ${(e as Error).message}`);
    }
    this.insight.onBlock(t);
  }

  /** Ends the current block and starts the next at the wall clock's time (never backwards). */
  endBlock(): void {
    const wall = this.clock();
    const t = wall > this.ex.now() ? wall : this.ex.now();
    this.journal?.append({ k: 'block', t: t.toString() });
    this.blockEnd(t);
    this.journal?.flushBlock();
    this.block++;
    if (this.snapshotEvery > 0 && this.journal && this.block % this.snapshotEvery === 0) this.writeSnapshot();
    const tSec = this.seconds();
    for (const c of this.oracle.due(tSec)) {
      const o = this.execute(c);
      if (o.error) process.emitWarning(`oracle data refused: ${o.error}`);
    }
    this.agents?.onBlock(tSec, this.block);
    for (const l of this.listeners) l.onBlock?.(this.block, t);
  }

  /**
   * Writes the journal's buffered records (group commit). Everything that acknowledges a command — an HTTP reply,
   * a WebSocket ack or push — calls this (or awaits `committed`) first, so nothing is acknowledged before it is
   * in the journal.
   */
  commit(): void {
    this.journal?.flush();
  }

  private waiters: (() => void)[] = [];

  /** Resolves once the records appended so far are written (one write for every command of this turn). */
  committed(): Promise<void> {
    if (!this.journal?.pending) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (this.waiters.length === 1)
        setImmediate(() => {
          this.commit();
          const w = this.waiters;
          this.waiters = [];
          for (const f of w) f();
        });
    });
  }

  /**
   * Writes a snapshot of the state after the journal's records so far (called at a block end, after the block's
   * records are written). A failure is reported and the venue goes on: the journal alone still recovers it.
   */
  writeSnapshot(): void {
    const j = this.journal;
    if (!j) return;
    const t0 = performance.now();
    try {
      j.flush();
      const body: VenueSnapshotBody = {
        seq: j.nextSeq,
        genesis: this.genesisHash,
        block: this.block,
        commands: this.commands,
        blockErrors: this.blockErrors,
        engine: this.ex.snapshot(),
        readModel: encodeReadModel(this.store.exportState(), this.insight.exportState()),
        oracleLast: [...this.oracle.last].map(([id, l]) => [id, l.price, l.time] as const),
      };
      const w = writeVenueSnapshot(dirname(j.file), body);
      this.lastSnapshot = { file: w.file, seq: body.seq, bytes: w.bytes, ms: performance.now() - t0 };
    } catch (e) {
      process.emitWarning(`venue snapshot failed: ${(e as Error).message}`);
    }
  }

  /** Starts the block timer. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.endBlock();
      this.commit();
    }, this.blockMs);
  }

  /** Stops the timer and closes the journal. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.journal?.close();
  }
}
