// What the live page shows beyond the market data, per market: the insurance pool (its balance now and at every block
// end, capped), close-out trades (the network taking over distressed positions), and each liquidity provider's
// figures per epoch (spec 0050-EPOC) — its bond, the share of block ends at which it had orders on the book (as the
// simulation dashboard counts time on book), the liquidity fees it received and the SLA penalties it paid. Fees and
// penalties are net flows into the party's accounts of the simulator's transfer types (src/sim/recorder.ts), moves
// between the party's own accounts not counted. The venue feeds it every engine event and every block end, in a
// journal replay too, so a restarted venue shows the same figures. Read through the ledger and the Market interface.
import { LP_FEE_TYPES, PENALTY_TYPES } from '../sim/recorder.ts';
import { NETWORK_PARTY, SYSTEM_OWNER, type EngineEvent, type Exchange } from './engine.ts';
import type { MarketInfo } from './genesis.ts';
import { Ring } from './store.ts';

/** block-end samples of the insurance pool kept per market */
const INSURANCE_SAMPLES = 3600;
/** epochs kept per liquidity provider */
const EPOCHS_KEPT = 50;

const LP_FEES = new Set<string>(LP_FEE_TYPES);
const PENALTIES = new Set<string>(PENALTY_TYPES);

interface LpEpoch {
  readonly epoch: number;
  readonly start: bigint;
  end: bigint | undefined;
  blocks: number;
  onBook: number;
  lpFees: bigint;
  penalties: bigint;
  bond: bigint;
}

interface MarketTrack {
  readonly info: MarketInfo;
  readonly insurance: Ring<{ t: bigint; balance: bigint }>;
  closeOutTrades: number;
  readonly lps: Map<string, Ring<LpEpoch>>;
  /** the open epoch's row of each LP */
  readonly open: Map<string, LpEpoch>;
}

export class MarketInsight {
  private readonly tracks = new Map<string, MarketTrack>();
  private epoch = 0;
  private epochStart = 0n;
  private ending: bigint | undefined;

  constructor(
    private readonly ex: Exchange,
    markets: readonly MarketInfo[],
  ) {
    for (const info of markets)
      this.tracks.set(info.id, {
        info,
        insurance: new Ring(INSURANCE_SAMPLES),
        closeOutTrades: 0,
        lps: new Map(),
        open: new Map(),
      });
  }

  /** The figures, for a venue snapshot (src/live/venue-snapshot.ts); each market's info is not data. */
  exportState(): object {
    const tracks = new Map<string, object>();
    for (const [id, m] of this.tracks)
      tracks.set(id, { insurance: m.insurance, closeOutTrades: m.closeOutTrades, lps: m.lps, open: m.open });
    return { tracks, epoch: this.epoch, epochStart: this.epochStart, ending: this.ending };
  }

  /** Replaces the figures with a snapshot's (as exportState wrote it). */
  importState(s: object): void {
    const d = s as {
      tracks: Map<string, Omit<MarketTrack, 'info'>>;
      epoch: number;
      epochStart: bigint;
      ending?: bigint;
    };
    if (!(d.tracks instanceof Map)) throw new Error('insight.tracks: not a map');
    for (const [id, t] of d.tracks) {
      const m = this.tracks.get(id);
      if (m) this.tracks.set(id, { ...t, info: m.info });
    }
    this.epoch = d.epoch;
    this.epochStart = d.epochStart;
    this.ending = d.ending;
  }

  private row(m: MarketTrack, party: string): LpEpoch {
    let r = m.open.get(party);
    if (!r) {
      r = {
        epoch: this.epoch,
        start: this.epochStart,
        end: undefined,
        blocks: 0,
        onBook: 0,
        lpFees: 0n,
        penalties: 0n,
        bond: 0n,
      };
      m.open.set(party, r);
      let ring = m.lps.get(party);
      if (!ring) m.lps.set(party, (ring = new Ring(EPOCHS_KEPT)));
      ring.push(r);
    }
    return r;
  }

  emit(e: EngineEvent): void {
    switch (e.type) {
      case 'epoch':
        // the epoch-end work (SLA penalties, fee distribution) comes after END and before the next START: it
        // belongs to the epoch that ends, whose rows are closed at START
        if (e.action === 'END') this.ending = e.time;
        else {
          for (const m of this.tracks.values()) {
            for (const r of m.open.values()) r.end = this.ending ?? e.time;
            m.open.clear();
          }
          this.ending = undefined;
          this.epoch = e.seq;
          this.epochStart = e.time;
        }
        break;
      case 'trade': {
        const m = this.tracks.get(e.trade.marketId);
        if (m && (e.trade.buyer === NETWORK_PARTY || e.trade.seller === NETWORK_PARTY)) m.closeOutTrades++;
        break;
      }
      case 'ledger': {
        const en = e.entry;
        const fee = LP_FEES.has(en.type);
        if (!fee && !PENALTIES.has(en.type)) break;
        if (en.from.owner === en.to.owner) break; // a move between the party's own accounts
        const m = this.tracks.get(en.from.market || en.to.market);
        if (!m) break;
        for (const [acc, sign] of [
          [en.to, 1n],
          [en.from, -1n],
        ] as const) {
          if (acc.owner === SYSTEM_OWNER || acc.owner === NETWORK_PARTY || acc.type === 'EXTERNAL') continue;
          const r = this.row(m, acc.owner);
          if (fee) r.lpFees += sign * en.amount;
          else r.penalties += sign * en.amount;
        }
        break;
      }
      default:
        break;
    }
  }

  /** At each block end: the insurance pools, and the LPs (parties with a bond in the market) with orders on the book. */
  onBlock(t: bigint): void {
    const bonds = new Map<string, Map<string, bigint>>();
    for (const a of this.ex.ledger.all()) {
      if (a.type !== 'BOND' || !this.tracks.has(a.market)) continue;
      let b = bonds.get(a.market);
      if (!b) bonds.set(a.market, (b = new Map()));
      b.set(a.owner, a.balance);
    }
    for (const m of this.tracks.values()) {
      const pool = this.ex.ledger.get(SYSTEM_OWNER, 'INSURANCE', m.info.asset, m.info.id);
      m.insurance.push({ t, balance: pool?.balance ?? 0n });
      for (const [party, bond] of bonds.get(m.info.id) ?? []) {
        if (bond <= 0n && !m.open.has(party)) continue;
        const r = this.row(m, party);
        r.bond = bond;
        r.blocks++;
        const p = m.info.market.position(party);
        if (p && (p.buy > 0 || p.sell > 0)) r.onBook++;
      }
    }
  }

  /** The insurance pool of a market: now, and at the latest block ends (newest first, at most `limit`). */
  insuranceView(info: MarketInfo, limit: number) {
    const m = this.tracks.get(info.id)!;
    const pool = this.ex.ledger.get(SYSTEM_OWNER, 'INSURANCE', info.asset, info.id);
    const global = this.ex.ledger.get(SYSTEM_OWNER, 'GLOBAL_INSURANCE', info.asset);
    const a = (v: bigint) => info.units.fmtAsset(v);
    return {
      market: info.id,
      asset: info.asset,
      balance: a(pool?.balance ?? 0n),
      globalBalance: a(global?.balance ?? 0n),
      closeOutTrades: m.closeOutTrades,
      history: m.insurance.latest(limit).map((s) => ({ time: s.t.toString(), balance: a(s.balance) })),
    };
  }

  /** Each liquidity provider's figures per epoch, the open epoch first. */
  liquidityView(info: MarketInfo) {
    const m = this.tracks.get(info.id)!;
    const a = (v: bigint) => info.units.fmtAsset(v);
    return {
      market: info.id,
      epoch: this.epoch,
      providers: [...m.lps].map(([party, ring]) => ({
        party,
        epochs: ring.latest(EPOCHS_KEPT).map((r) => ({
          epoch: r.epoch,
          start: r.start.toString(),
          end: r.end?.toString() ?? null,
          blocks: r.blocks,
          blocksOnBook: r.onBook,
          timeOnBook: r.blocks > 0 ? r.onBook / r.blocks : null,
          bond: a(r.bond),
          lpFees: a(r.lpFees),
          penalties: a(r.penalties),
        })),
      })),
    };
  }
}
