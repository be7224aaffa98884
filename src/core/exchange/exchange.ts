// The engine's single entry point (DESIGN: commands in, events out): assets, collateral, markets, the clock and
// epochs. Deterministic: no I/O, no wall clock, no randomness; time moves only through advanceTo / endBlock, and
// the same commands in the same order give the same events and the same state hash. This last layer holds the clock,
// blocks, epochs (spec 0050-EPOC), the successor take-over at a tick and the state hash.
import { Market } from '../market/market.ts';
import type { SuccessionState } from '../market/types.ts';
import { sha256Hex } from '../hash.ts';
import { Decimal } from '../num/decimal.ts';
import { SYSTEM_OWNER, type MarketState } from '../types.ts';

import { ExchangeTrading } from './trading.ts';

export type { ExchangeOptions } from './markets.ts';

export class Exchange extends ExchangeTrading {
  // ------------------------------------------------------------------ time

  /** Moves the clock to `t` (never backwards) and runs every time-driven mechanism (Vega's OnTick). */
  advanceTo(t: bigint): void {
    if (t < this.clock) throw new RangeError(`time cannot go backwards (${t} < ${this.clock})`);
    this.clock = t;
    this.epochTick(t);
    this.programmes.onTime(t);
    // the built-in time source ticks before the markets
    for (const m of this.markets.values()) if (!m.closed) m.onTime(t);
    // successors in their opening auction see their parent as of the parent's last tick
    const parentStates = new Map<string, SuccessionState | undefined>();
    for (const [pid, sids] of this.successors) {
      const st = this.succession.get(pid)?.state ?? this.markets.get(pid)?.successionState();
      for (const sid of sids) parentStates.set(sid, st);
    }
    const toReject = new Set<string>();
    const expired: string[] = [];
    for (const m of [...this.markets.values()]) {
      if (toReject.has(m.id)) continue;
      if (m.closed) {
        // a settled or closed market is removed; a successor can still take over its LPs and insurance pool within
        // the successor window, unless one already has (a cancelled market cannot be succeeded)
        this.markets.delete(m.id);
        if (m.state === 'CANCELLED' || m.succeeded) {
          this.succession.delete(m.id);
          if (m.state === 'CANCELLED') expired.push(m.id);
        } else {
          this.succession.set(m.id, {
            state: m.successionState(),
            ttl: t + this.params.successorLaunchWindow,
            closed: m,
          });
        }
        continue;
      }
      let successor = parentStates.has(m.id);
      const inOpening = successor && m.state === 'PENDING';
      if (inOpening) {
        const ps = parentStates.get(m.id);
        if (ps === undefined) {
          this.removeSuccessor(m.parentMarketId!, m.id);
          m.forgetParent();
          successor = false;
        } else m.inheritParent(ps);
      }
      m.onTick(t);
      // the state read again: the tick may have ended the opening auction
      if (successor && inOpening && (m.state as MarketState) === 'ACTIVE') this.takeOver(m, toReject);
      else if (successor) m.rollbackInheritance();
      if (!m.succeeded)
        this.succession.set(m.id, { state: m.successionState(), ttl: t + this.params.successorLaunchWindow });
      else this.succession.delete(m.id);
    }
    for (const id of [...toReject].sort()) this.rejectMarket(id);
    // a closed market's state expires after the successor window: its insurance pool goes to the global pool and
    // its pending successors become markets like any other
    for (const id of [...this.succession.keys()].sort()) {
      const c = this.succession.get(id)!;
      if (c.ttl >= t) continue;
      if (c.closed) {
        c.closed.clearInsurancePool();
        expired.push(id);
      } else if (!this.markets.has(id)) expired.push(id);
    }
    for (const id of expired) {
      this.succession.delete(id);
      for (const sid of this.successors.get(id) ?? []) this.markets.get(sid)?.forgetParent();
      this.successors.delete(id);
    }
  }

  /**
   * A successor left its opening auction (spec 0081-SUCM): it takes its share of the parent's insurance pool, the
   * parent is succeeded (a closed parent's remaining pool goes to the global pool) and the other pending successors
   * of the parent are rejected.
   */
  protected takeOver(m: Market, toReject: Set<string>): void {
    const pid = m.parentMarketId!;
    const pool = this.ledger.get(SYSTEM_OWNER, 'INSURANCE', m.asset, pid);
    if (pool && !m.insurancePoolFraction.isZero()) {
      const amount = m.insurancePoolFraction.mulBig(pool.balance).floor();
      const to = this.ledger.getOrCreate(SYSTEM_OWNER, 'INSURANCE', m.asset, m.id);
      if (amount > 0n) this.ledger.transfer(pool, to, amount, 'SUCCESSOR_INSURANCE_FRACTION');
    }
    const parent = this.markets.get(pid);
    if (parent) parent.markSucceeded();
    else this.succession.get(pid)?.closed?.clearInsurancePool();
    for (const sid of this.successors.get(pid) ?? []) if (sid !== m.id && this.markets.has(sid)) toReject.add(sid);
    this.successors.delete(pid);
    this.succession.delete(pid);
  }

  /**
   * End of block: mark prices, mark-to-market, margins and close-outs for every market (Vega's BlockEnd), after the
   * epoch service's block end (an epoch past its expiry becomes ready to start the next at the following tick).
   * `epochs: false` runs only the markets' block end, as some steps of Vega's test harness do.
   */
  endBlock(opts: { epochs?: boolean } = {}): void {
    if (opts.epochs !== false && this.epochPhase === 'readyToEnd') this.epochPhase = 'readyToStart';
    for (const m of this.markets.values()) m.onBlockEnd();
  }

  /**
   * Start of a block whose predecessor lasted `previous` ns (Vega's BeginBlock): a block at least as long as a threshold of
   * auction.LongBlock puts every market into a network-wide auction (spec 0094-PRAC). `nextBlock` does not call it:
   * a chain's block times are an input, not something the engine infers.
   */
  beginBlock(previous: bigint): void {
    let duration: bigint | undefined;
    // a block as long as a threshold counts (0094-PRAC-008: 40 s takes the 40 s row)
    for (const row of this.params.longBlockAuctions) if (previous >= row.threshold) duration = row.duration;
    if (duration === undefined) return;
    for (const m of this.markets.values()) if (!m.closed) m.enterLongBlockAuction(duration);
  }

  /** Ends the block and advances time by `duration` ns, as one block of a chain. */
  nextBlock(duration: bigint): void {
    this.endBlock();
    this.advanceTo(this.clock + duration);
  }

  protected epochTick(t: bigint): void {
    if (this.epochSeq < 0) {
      this.startEpoch(t);
      return;
    }
    if (this.epochPhase === 'readyToStart') {
      // the epoch ends and the next starts in the same tick, before the markets' own tick
      this.sink.emit({ type: 'epoch', seq: this.epochSeq, action: 'END', time: t });
      for (const m of this.markets.values()) m.onEpochEnd();
      this.programmes.onEpochEnd(this.epochSeq, t, this.openNotionalsByParty());
      this.startEpoch(t);
      return;
    }
    if (this.epochPhase === 'running' && t > this.epochExpiry) this.epochPhase = 'readyToEnd';
  }

  protected startEpoch(t: bigint): void {
    this.epochSeq++;
    this.epochExpiry = t + this.params.epochLength;
    this.epochPhase = 'running';
    this.sink.emit({ type: 'epoch', seq: this.epochSeq, action: 'START', time: t });
    this.programmes.onEpochStart(this.epochSeq);
    for (const m of this.markets.values()) m.onEpochStart();
  }

  /** Each party's open notional across markets in quantum units (activity streaks, 0086-ASPR). */
  private openNotionalsByParty(): Map<string, Decimal> {
    const out = new Map<string, Decimal>();
    for (const m of this.markets.values()) {
      const q = this.programmes.quantumOf(m.asset);
      for (const [party, v] of m.openNotionals())
        out.set(party, (out.get(party) ?? Decimal.ZERO).add(q.isZero() ? v : v.div(q)));
    }
    return out;
  }

  // ------------------------------------------------------------------ state

  /** Hash of the full engine state (balances, markets, orders, positions, clock). */
  stateHash(): string {
    const parts: string[] = [`t=${this.clock}`, `seq=${this.seq}`, `epoch=${this.epochSeq}`];
    const accounts = [...this.ledger.all()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const a of accounts) parts.push(`${a.id}=${a.balance}`);
    for (const [pid, sids] of [...this.successors].sort(([a], [b]) => (a < b ? -1 : 1)))
      parts.push(`successors ${pid} ${sids.join(',')}`);
    for (const id of [...this.succession.keys()].sort()) {
      const c = this.succession.get(id)!;
      if (c.closed) parts.push(`closed ${id} until=${c.ttl}`);
    }
    for (const m of this.markets.values()) for (const p of m.hashParts()) parts.push(p);
    for (const p of this.programmes.hashParts()) parts.push(p);
    return sha256Hex(parts.join('\n'));
  }
}
