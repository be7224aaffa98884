// The per-market activity behind the position-based reward metrics (spec 0056-REWA "Average position metric",
// "Relative return metric", "Returns volatility metric", "Realised returns metric") and the transfer options that
// read market activity (0057-TRAN target notional volume, reward cap by taker fees paid):
// - each party's time-weighted average position and notional per epoch, updated whenever the position changes and
//   at the end of the epoch with the spec's formula P̄ ← P̄·(1 − tₙ/t) + |Pₙ|·tₙ/t. As Vega does, times are whole
//   seconds and the weight tₙ/t is an integer fraction scaled by 10⁷ (truncated), each update truncated;
// - each party's mark-to-market wins less losses in the epoch, divided at the epoch end by its time-weighted
//   position (its relative return r = (|wins| − |losses|) / P̄);
// - each party's realised returns (funding payments and the PnL of position reductions);
// - the notional traded in the market (asset units) and the fees each party paid as taker, per epoch.
// Epochs are kept for at most 100 closed epochs (Vega's largest window).
import { Decimal } from '../num/decimal.ts';

/** Vega's scaling of the time weights. */
const SCALE = 10_000_000n;
const MAX_WINDOW = 100;
const NS_PER_S = 1_000_000_000n;
/** the network party of close-outs: it has a time-weighted notional but no position or returns */
const NETWORK = 'network';

interface TwPosition {
  /** |position| × SCALE / position factor, truncated */
  position: bigint;
  /** ns */
  t: bigint;
  /** this epoch's time-weighted position, scaled by SCALE */
  tw: bigint;
}

interface TwNotional {
  /** |position| × price / position factor (asset units, truncated) */
  notional: bigint;
  /** the price the notional was last valued at (asset units) */
  price: bigint;
  t: bigint;
  tw: bigint;
}

interface ClosedEpoch {
  twPosition: Map<string, bigint>;
  twNotional: Map<string, bigint>;
  returns: Map<string, Decimal>;
  realised: Map<string, Decimal>;
  volume: bigint;
  takerFees: Map<string, bigint>;
}

const secs = (ns: bigint) => ns / NS_PER_S;

/** The fraction tₙ/t scaled by SCALE (truncated), 0 when no time has passed in the epoch. */
function weight(sinceEpochStart: bigint, held: bigint): bigint {
  const t = secs(sinceEpochStart);
  return t === 0n ? 0n : (secs(held) * SCALE) / t;
}

export class MarketActivity {
  private readonly twPosition = new Map<string, TwPosition>();
  private readonly twNotional = new Map<string, TwNotional>();
  /** signed open volume per party, from the trades */
  private readonly openVolume = new Map<string, number>();
  /** average entry price per party (asset units), for the realised returns */
  private readonly entry = new Map<string, Decimal>();
  private m2m = new Map<string, Decimal>();
  private realised = new Map<string, Decimal>();
  private volume = 0n;
  private takerFees = new Map<string, bigint>();
  private markPrice = 0n;
  readonly closed: ClosedEpoch[] = [];
  /** every party seen in this market (trades, fees, settlements) */
  readonly parties = new Set<string>();

  constructor(
    readonly asset: string,
    private readonly positionFactor: Decimal,
  ) {}

  setMarkPrice(price: bigint): void {
    if (price > 0n) this.markPrice = price;
  }

  /** A trade: both sides' positions change at `time` (ns); `price` in asset units. */
  onTrade(buyer: string, seller: string, size: number, price: bigint, time: bigint, epochStart: bigint): void {
    for (const [party, delta] of [
      [buyer, size],
      [seller, -size],
    ] as const) {
      // the network's notional is tracked as Vega's tracker does (it ranks in average-notional games), not its
      // position or returns
      this.parties.add(party);
      const before = this.openVolume.get(party) ?? 0;
      const after = before + delta;
      if (party !== NETWORK) this.realise(party, before, after, price);
      if (after === 0) this.openVolume.delete(party);
      else this.openVolume.set(party, after);
      this.recordPosition(party, Math.abs(after), price, time, epochStart);
    }
  }

  /** The realised PnL of a reduction ((price − entry) × reduced size for a long, the reverse for a short). */
  private realise(party: string, before: number, after: number, price: bigint): void {
    const p = Decimal.fromBigInt(price);
    const entry = this.entry.get(party) ?? Decimal.ZERO;
    const reducing = before !== 0 && (Math.sign(after) !== Math.sign(before) || Math.abs(after) < Math.abs(before));
    if (reducing) {
      const closed = Math.min(Math.abs(before), Math.abs(before - after));
      const perUnit = before > 0 ? p.sub(entry) : entry.sub(p);
      const pnl = perUnit.mul(Decimal.fromInt(closed)).div(this.positionFactor);
      this.realised.set(party, (this.realised.get(party) ?? Decimal.ZERO).add(pnl));
    }
    if (after === 0) this.entry.delete(party);
    else if (before === 0 || Math.sign(after) !== Math.sign(before)) this.entry.set(party, p);
    else if (Math.abs(after) > Math.abs(before))
      this.entry.set(
        party,
        entry
          .mul(Decimal.fromInt(Math.abs(before)))
          .add(p.mul(Decimal.fromInt(Math.abs(after) - Math.abs(before))))
          .div(Decimal.fromInt(Math.abs(after))),
      );
  }

  private recordPosition(party: string, absPos: number, price: bigint, time: bigint, epochStart: bigint): void {
    const scaled = Decimal.fromBigInt(BigInt(absPos) * SCALE)
      .div(this.positionFactor)
      .trunc();
    const notional = Decimal.fromBigInt(BigInt(absPos) * price)
      .div(this.positionFactor)
      .trunc();
    const p = this.twPosition.get(party);
    if (party === NETWORK) {
      // no time-weighted position for the network
    } else if (!p) this.twPosition.set(party, { position: scaled, t: time, tw: 0n });
    else {
      const f = weight(time - epochStart, time - p.t);
      p.tw = (p.tw * (SCALE - f) + p.position * f) / SCALE;
      p.position = scaled;
      p.t = time;
    }
    const n = this.twNotional.get(party);
    if (!n) this.twNotional.set(party, { notional, price, t: time, tw: 0n });
    else {
      const f = weight(time - epochStart, time - n.t);
      n.tw = (n.tw * (SCALE - f) + n.notional * f) / SCALE;
      n.notional = notional;
      n.price = price;
      n.t = time;
    }
  }

  /** A mark-to-market transfer: positive for a win, negative for a loss. */
  onMarkToMarket(party: string, amount: bigint): void {
    if (party === NETWORK || amount === 0n) return;
    this.parties.add(party);
    this.m2m.set(party, (this.m2m.get(party) ?? Decimal.ZERO).add(Decimal.fromBigInt(amount)));
  }

  /** A funding payment: positive received, negative paid. */
  onFunding(party: string, amount: bigint): void {
    if (party === NETWORK || amount === 0n) return;
    this.parties.add(party);
    this.realised.set(party, (this.realised.get(party) ?? Decimal.ZERO).add(Decimal.fromBigInt(amount)));
  }

  /** Notional traded (asset units) and the fees the taker (or each auction side) paid. */
  onTradeValue(value: bigint): void {
    this.volume += value;
  }

  onFeesPaid(party: string, amount: bigint): void {
    if (amount <= 0n || party === NETWORK) return;
    this.parties.add(party);
    this.takerFees.set(party, (this.takerFees.get(party) ?? 0n) + amount);
  }

  /** Closes the epoch [start, end] (ns): time-weights to its end, returns, and resets the running values. */
  closeEpoch(start: bigint, end: bigint): void {
    const twNotional = new Map<string, bigint>();
    for (const [party, n] of this.twNotional) {
      const f = weight(end - start, end - n.t);
      // the open notional is revalued at the mark price at the end of the epoch
      const notional =
        this.markPrice > 0n && n.price > 0n
          ? Decimal.fromBigInt(n.notional).div(Decimal.fromBigInt(n.price)).mulBig(this.markPrice).trunc()
          : n.notional;
      n.tw = (n.tw * (SCALE - f) + notional * f) / SCALE;
      n.notional = notional;
      if (this.markPrice > 0n) n.price = this.markPrice;
      n.t = end;
      twNotional.set(party, n.tw);
    }
    for (const [party, n] of [...this.twNotional]) if (n.tw === 0n && n.notional === 0n) this.twNotional.delete(party);
    const twPosition = new Map<string, bigint>();
    for (const [party, p] of this.twPosition) {
      const f = weight(end - start, end - p.t);
      p.tw = (p.tw * (SCALE - f) + p.position * f) / SCALE;
      p.t = end;
      twPosition.set(party, p.tw);
    }
    for (const [party, p] of [...this.twPosition]) if (p.tw === 0n && p.position === 0n) this.twPosition.delete(party);
    const returns = new Map<string, Decimal>();
    for (const [party, m] of this.m2m) {
      const p = this.twPosition.get(party);
      if (!p) continue;
      returns.set(party, p.tw === 0n ? Decimal.ZERO : m.div(Decimal.fromBigInt(p.tw).divBig(SCALE)));
    }
    this.closed.push({
      twPosition,
      twNotional,
      returns,
      realised: this.realised,
      volume: this.volume,
      takerFees: this.takerFees,
    });
    while (this.closed.length > MAX_WINDOW) this.closed.shift();
    this.m2m = new Map();
    this.realised = new Map();
    this.volume = 0n;
    this.takerFees = new Map();
  }

  /** The last `n` closed epochs, newest first. */
  window(n: number): ClosedEpoch[] {
    return this.closed.slice(-Math.max(n, 0)).reverse();
  }

  hashParts(id: string): string[] {
    const parts: string[] = [];
    const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [p, v] of sorted(this.twPosition)) parts.push(`activity ${id} pos ${p} ${v.position} ${v.t} ${v.tw}`);
    for (const [p, v] of sorted(this.twNotional))
      parts.push(`activity ${id} notional ${p} ${v.notional} ${v.price} ${v.t} ${v.tw}`);
    for (const [p, v] of sorted(this.m2m)) parts.push(`activity ${id} m2m ${p} ${v}`);
    for (const [p, v] of sorted(this.realised)) parts.push(`activity ${id} realised ${p} ${v}`);
    parts.push(`activity ${id} volume ${this.volume} closed ${this.closed.length}`);
    return parts;
  }
}
