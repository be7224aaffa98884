// The property test's random command generator (test/core/property.test.ts): commands aimed from the engine's
// current state, so the stream is recorded during the first run and replayed verbatim afterwards.
import type { Exchange } from '../../../src/core/exchange/exchange.ts';
import type { Market } from '../../../src/core/market/market.ts';
import type { OrderSubmission } from '../../../src/core/commands.ts';
import { Decimal } from '../../../src/core/num/decimal.ts';
import type { Side, TimeInForce } from '../../../src/core/types.ts';
import { NS } from '../../../src/core/types.ts';
import { BTC, ORACLE, Rng, USD } from '../fixtures.ts';
import { TERMINATE_AT, SETTLE_AT, type Command, type Role, type MarketModel, PARTIES, byRole } from './commands.ts';

/**
 * Produces commands from the engine's current state (it reads live orders and balances to aim amends, cancels and
 * withdrawals), so the stream is recorded during the first run and replayed verbatim afterwards.
 */
export class Generator {
  private readonly queue: Command[] = [];
  private readonly models: MarketModel[];
  private lpSeq = 0;
  private refSeq = 0;

  constructor(
    private readonly rng: Rng,
    private readonly ex: Exchange,
  ) {
    this.models = [
      {
        id: 'SIMPLE',
        tick: 5,
        unit: 100,
        priceFactor: 1000,
        logBase: Math.log(100_000),
        logFair: Math.log(100_000),
        marginFraction: 0.2,
      },
      {
        id: 'LOGNORMAL',
        tick: 10,
        unit: 1,
        priceFactor: 1,
        logBase: Math.log(5_000_000),
        logFair: Math.log(5_000_000),
        marginFraction: 0.08,
      },
      {
        id: 'PERP',
        tick: 5,
        unit: 100,
        priceFactor: 1000,
        logBase: Math.log(100_000),
        logFair: Math.log(100_000),
        marginFraction: 0.2,
      },
      {
        id: 'FUTURE',
        tick: 10,
        unit: 1,
        priceFactor: 1,
        logBase: Math.log(5_000_000),
        logFair: Math.log(5_000_000),
        marginFraction: 0.08,
      },
    ];
    this.setup();
  }

  private setup(): void {
    const q = this.queue;
    for (const p of PARTIES) {
      const amount =
        p.role === 'mm' || p.role === 'whale'
          ? 10n ** 13n
          : p.role === 'lp'
            ? 10n ** 12n
            : p.role === 'trader'
              ? this.rng.bigint(10n ** 9n, 10n ** 11n)
              : this.rng.bigint(10n ** 7n, 10n ** 8n);
      q.push({ k: 'deposit', party: p.id, asset: USD.id, amount });
      if (this.rng.chance(0.3))
        q.push({ k: 'deposit', party: p.id, asset: BTC.id, amount: this.rng.bigint(1n, 10n ** 10n) });
    }
    for (const m of this.models) q.push({ k: 'insurance', market: m.id, amount: 10n ** 5n });
    // liquidity commitments during the opening auction become active at once
    for (const p of byRole('lp')) {
      for (const m of this.models) q.push(this.lp(p.id, m.id));
    }
    // a crossed book so both opening auctions can uncross, plus some depth
    for (const m of this.models) {
      const fair = this.fair(m);
      q.push(this.limit('mm0', m, 'buy', fair, 5 * m.unit, 'GTC'));
      q.push(this.limit('mm1', m, 'sell', fair, 5 * m.unit, 'GTC'));
      q.push(this.limit('mm2', m, 'buy', fair, 2 * m.unit, 'GFA'));
      for (let i = 1; i <= 5; i++) {
        q.push(this.limit(`mm${i % 4}`, m, 'buy', fair - i * 4 * m.tick, 10 * m.unit, 'GTC'));
        q.push(this.limit(`mm${(i + 1) % 4}`, m, 'sell', fair + i * 4 * m.tick, 10 * m.unit, 'GTC'));
      }
    }
  }

  next(): Command {
    this.calls++;
    // the FUTURE market's life: terminated by the oracle, then settled by it (and removed at the next tick)
    if (this.calls === TERMINATE_AT) this.queue.unshift(this.oracle({ 'fut.terminated': 'true' }));
    if (this.calls === SETTLE_AT) {
      const fut = this.models.find((m) => m.id === 'FUTURE')!;
      this.queue.unshift(this.oracle({ 'fut.USD.value': String(this.fair(fut) * fut.priceFactor) }));
    }
    const queued = this.queue.shift();
    if (queued) return queued;
    const r = this.rng;
    const what = r.weighted([
      ['block', 7],
      ['tick', 0.3],
      ['pegBurst', 0.04],
      ['mmQuote', 28],
      ['mmRefresh', 1.5],
      ['trader', 22],
      ['degen', 7],
      ['amend', 11],
      ['cancel', 5],
      ['cancelAll', 1.2],
      ['deposit', 2],
      ['withdraw', 2],
      ['lp', 0.3],
      ['insurance', 0.1],
      ['shock', 0.25],
      ['bad', 2.5],
      ['oracle', 2],
    ] as const);
    // a settled market is gone: commands go to the markets that exist
    const m = r.pick(this.models.filter((x) => this.ex.market(x.id)));
    switch (what) {
      case 'block':
        return this.block();
      case 'tick':
        return { k: 'tick', dt: r.chance(0.5) ? 0n : BigInt(r.int(1, 999)) * 1_000_000n };
      case 'pegBurst': {
        // a run of pegged orders, past limits.markets.maxPeggedOrders
        const p = r.pick(byRole('mm')).id;
        for (let i = 0; i < 25; i++) {
          const side: Side = i % 2 === 0 ? 'buy' : 'sell';
          const reference = r.chance(0.5) ? 'MID' : side === 'buy' ? 'BEST_BID' : 'BEST_ASK';
          const sub: OrderSubmission = {
            marketId: m.id,
            party: p,
            side,
            size: Math.max(1, Math.round(m.unit * r.float())),
            type: 'LIMIT',
            tif: 'GTC',
            reference: this.ref(),
            peg: { reference, offset: r.int(1, 10) * m.tick },
          };
          this.queue.push({ k: 'submit', sub });
        }
        return { k: 'cancelAll', party: p, market: m.id };
      }
      case 'mmQuote': {
        const p = r.pick(byRole('mm')).id;
        if (this.liveOrders(p, m.id) > 16) return { k: 'cancelAll', party: p, market: m.id };
        return this.randomOrder(p, m, false);
      }
      case 'mmRefresh': {
        const p = r.pick(byRole('mm')).id;
        this.queue.push(...this.quotes(p, m, r.int(2, 6)));
        return { k: 'cancelAll', party: p, market: m.id };
      }
      case 'trader': {
        const p = r.pick([...byRole('trader'), ...byRole('lp')]).id;
        if (this.liveOrders(p, m.id) > 10)
          return { k: 'cancelAll', party: p, ...(r.chance(0.5) ? { market: m.id } : {}) };
        return this.randomOrder(p, m, r.chance(0.35));
      }
      case 'degen':
        return this.degenOrder(r.pick(byRole('degen')).id, m);
      case 'amend':
        return this.amend(m);
      case 'cancel':
        return this.cancel(m);
      case 'cancelAll': {
        const p = r.pick(PARTIES).id;
        return { k: 'cancelAll', party: p, ...(r.chance(0.7) ? { market: m.id } : {}) };
      }
      case 'deposit':
        return this.deposit();
      case 'withdraw':
        return this.withdraw();
      case 'lp':
        return this.lp(r.pick(PARTIES).id, m.id);
      case 'insurance':
        return { k: 'insurance', market: m.id, amount: r.bigint(1n, 10n ** 8n) };
      case 'shock':
        return this.shock(m);
      case 'bad':
        return this.bad(m);
      case 'oracle':
        return this.perpOracle();
    }
  }

  private calls = 0;

  private oracle(properties: Record<string, string>, signers: readonly string[] = [ORACLE]): Command {
    return { k: 'oracle', signers, properties, ts: this.ex.now() };
  }

  /**
   * The PERP market's oracle: its external (spot) price and the index price of its composite mark price, near the
   * fair price but with a basis that drifts, so funding goes both ways; now and then a stale timestamp, an unknown
   * signer or a value that is not a number.
   */
  private perpOracle(): Command {
    const r = this.rng;
    const m = this.models.find((x) => x.id === 'PERP')!;
    const asset = (p: number) => String(Math.max(1, Math.round(p)) * m.priceFactor);
    const basis = Math.sin(Number(this.ex.now() / NS) / 7200) * 0.004;
    const spot = this.fair(m) * (1 + basis + 0.001 * r.normal());
    const kind = r.weighted([
      ['spot', 50],
      ['index', 30],
      ['both', 12],
      ['late', 3],
      ['stranger', 2],
      ['garbage', 3],
    ] as const);
    switch (kind) {
      case 'spot':
        return this.oracle({ 'perp.USD.value': asset(spot) });
      case 'index':
        return this.oracle({ 'index.USD.value': asset(this.fair(m) * (1 + 0.002 * r.normal())) });
      case 'both':
        return this.oracle({ 'perp.USD.value': asset(spot), 'index.USD.value': asset(spot) });
      case 'late':
        return {
          ...(this.oracle({ 'perp.USD.value': asset(spot) }) as Command & { k: 'oracle' }),
          ts: this.ex.now() - BigInt(r.int(1, 7200)) * NS,
        };
      case 'stranger':
        return this.oracle({ 'perp.USD.value': asset(spot * 2) }, ['0xSTRANGER']);
      case 'garbage':
        return this.oracle({ 'perp.USD.value': r.pick(['-5', '1.5', 'NaN', '']), 'fut.USD.value': 'x' });
    }
  }

  // ---------------------------------------------------------------- helpers

  private market(id: string): Market {
    return this.ex.market(id)!;
  }

  private fair(m: MarketModel): number {
    const p = Math.round(Math.exp(m.logFair) / m.tick) * m.tick;
    return Math.max(m.tick, p);
  }

  private liveOrders(party: string, market: string): number {
    return this.market(market).partyOrders(party).length;
  }

  private general(party: string, asset = USD.id): bigint {
    return this.ex.ledger.get(party, 'GENERAL', asset)?.balance ?? 0n;
  }

  private ref(): string {
    return `r${++this.refSeq}`;
  }

  private limit(party: string, m: MarketModel, side: Side, price: number, size: number, tif: TimeInForce): Command {
    const sub: OrderSubmission = {
      marketId: m.id,
      party,
      side,
      size,
      price,
      type: 'LIMIT',
      tif,
      reference: this.ref(),
      ...(tif === 'GTT' ? { expiresAt: this.ex.now() + BigInt(this.rng.int(1, 120)) * NS } : {}),
    };
    return { k: 'submit', sub };
  }

  private quotes(party: string, m: MarketModel, n: number): Command[] {
    const out: Command[] = [];
    const fair = this.fair(m);
    for (let i = 0; i < n; i++) {
      const side: Side = i % 2 === 0 ? 'buy' : 'sell';
      const dist = (this.rng.geometric(0.3) + 1) * m.tick * (m.id === 'SIMPLE' ? 4 : 10);
      const price = side === 'buy' ? Math.max(m.tick, fair - dist) : fair + dist;
      out.push(this.limit(party, m, side, price, this.size(m, 'mm'), this.rng.chance(0.7) ? 'GTC' : 'GTT'));
    }
    return out;
  }

  private size(m: MarketModel, role: Role): number {
    const r = this.rng;
    if (role === 'mm') return Math.max(1, Math.round(m.unit * (0.25 + r.float() * 10)));
    if (role === 'whale') return Math.max(1, Math.round(m.unit * r.int(10, 60)));
    return Math.max(1, Math.round(m.unit * r.float() * 5));
  }

  private block(): Command {
    const r = this.rng;
    const kind = r.weighted([
      ['1s', 70],
      ['sub', 14],
      ['few', 11],
      ['minutes', 4],
      ['hour', 1],
    ] as const);
    const dt =
      kind === '1s'
        ? NS
        : kind === 'sub'
          ? BigInt(r.int(0, 999)) * 1_000_000n
          : kind === 'few'
            ? BigInt(r.int(2, 10)) * NS
            : kind === 'minutes'
              ? BigInt(r.int(30, 180)) * NS
              : BigInt(r.int(300, 3600)) * NS;
    // the fair price wanders (mean-reverting in log space) once per block
    for (const m of this.models) m.logFair += -0.003 * (m.logFair - m.logBase) + 0.002 * r.normal();
    return { k: 'block', dt };
  }

  private tif(inAuction: boolean): TimeInForce {
    return inAuction
      ? this.rng.weighted([
          ['GTC', 40],
          ['GTT', 25],
          ['GFA', 25],
          ['IOC', 3],
          ['FOK', 3],
          ['GFN', 4],
        ] as const)
      : this.rng.weighted([
          ['GTC', 35],
          ['GTT', 25],
          ['IOC', 15],
          ['FOK', 10],
          ['GFN', 10],
          ['GFA', 3],
        ] as const);
  }

  private expiry(): bigint {
    const r = this.rng;
    const now = this.ex.now();
    const x = r.float();
    if (x < 0.03) return now - BigInt(r.int(1, 10)) * NS; // in the past: rejected
    if (x < 0.05) return now; // expires at the next tick
    return now + BigInt(r.int(1, 300)) * NS;
  }

  /** Any kind of order: limit (every TIF), market, pegged, iceberg, pegged iceberg, post-only, reduce-only. */
  private randomOrder(
    party: string,
    m: MarketModel,
    aggressive: boolean,
    sizeOverride?: number,
    sideOverride?: Side,
  ): Command {
    const r = this.rng;
    const mk = this.market(m.id);
    const side: Side = sideOverride ?? (r.chance(0.5) ? 'buy' : 'sell');
    const role = PARTIES.find((p) => p.id === party)?.role ?? 'trader';
    const size = sizeOverride ?? this.size(m, role);
    const kind = r.weighted([
      ['limit', 68],
      ['market', 8],
      ['pegged', 12],
      ['iceberg', 7],
      ['peggedIceberg', 5],
    ] as const);
    const fair = this.fair(m);
    const base = { marketId: m.id, party, side, size, reference: this.ref() };
    const pos = mk.position(party)?.openVolume ?? 0;
    const reduces = pos !== 0 && pos > 0 === (side === 'sell');
    const reduceOnly = r.chance(reduces ? 0.25 : 0.04);
    const postOnly = !aggressive && r.chance(0.08);
    const flags = { ...(reduceOnly ? { reduceOnly } : {}), ...(postOnly ? { postOnly } : {}) };
    if (kind === 'market') {
      const tif: TimeInForce = r.weighted([
        ['IOC', 60],
        ['FOK', 35],
        ['GTC', 5], // rejected: OrderError: Invalid Persistence
      ] as const);
      return { k: 'submit', sub: { ...base, ...flags, type: 'MARKET', tif } };
    }
    if (kind === 'pegged' || kind === 'peggedIceberg') {
      const reference = r.weighted(
        side === 'buy'
          ? ([
              ['BEST_BID', 50],
              ['MID', 45],
              ['BEST_ASK', 5], // rejected
            ] as const)
          : ([
              ['BEST_ASK', 50],
              ['MID', 45],
              ['BEST_BID', 5], // rejected
            ] as const),
      );
      const offset = r.int(reference === 'MID' ? (r.chance(0.05) ? 0 : 1) : 0, 8) * m.tick;
      const tif: TimeInForce = r.weighted([
        ['GTC', 55],
        ['GTT', 30],
        ['GFN', 10],
        ['IOC', 5], // rejected: pegged orders must be GTC/GTT/GFN
      ] as const);
      const iceberg = kind === 'peggedIceberg' ? this.iceberg(size) : undefined;
      return {
        k: 'submit',
        sub: {
          ...base,
          ...flags,
          type: 'LIMIT',
          tif,
          peg: { reference, offset },
          ...(tif === 'GTT' ? { expiresAt: this.expiry() } : {}),
          ...(iceberg ? { iceberg } : {}),
        },
      };
    }
    const dist = aggressive ? -r.int(0, 30) : r.geometric(0.12) + 1;
    const price = Math.max(m.tick, side === 'buy' ? fair - dist * m.tick : fair + dist * m.tick);
    const tif = this.tif(mk.inAuction);
    const iceberg = kind === 'iceberg' ? this.iceberg(size) : undefined;
    return {
      k: 'submit',
      sub: {
        ...base,
        ...flags,
        type: 'LIMIT',
        tif,
        price,
        ...(tif === 'GTT' ? { expiresAt: this.expiry() } : {}),
        ...(iceberg ? { iceberg } : {}),
      },
    };
  }

  private iceberg(size: number): { peakSize: number; minimumVisibleSize: number } {
    const peakSize = Math.max(1, Math.round(size * (0.1 + this.rng.float() * 0.5)));
    const minimumVisibleSize = Math.max(1, Math.round(peakSize * (0.2 + this.rng.float() * 0.8)));
    return { peakSize, minimumVisibleSize };
  }

  /** Small accounts taking the largest position they can afford (and sometimes more), aggressively. */
  private degenOrder(party: string, m: MarketModel): Command {
    const r = this.rng;
    const general = this.general(party);
    if (general < 1_000_000n && r.chance(0.5))
      return { k: 'deposit', party, asset: USD.id, amount: r.bigint(10n ** 6n, 5n * 10n ** 7n) };
    const notionalPerUnit = (this.fair(m) * m.priceFactor) / m.unit;
    const affordable = Number(general) / (notionalPerUnit * m.marginFraction * 1.2);
    const size = Math.max(1, Math.floor(affordable * (0.4 + r.float() * 0.8)));
    if (r.chance(0.7)) {
      const side: Side = r.chance(0.5) ? 'buy' : 'sell';
      const fair = this.fair(m);
      const price = Math.max(m.tick, side === 'buy' ? fair + r.int(0, 10) * m.tick : fair - r.int(0, 10) * m.tick);
      const tif = r.weighted([
        ['IOC', 50],
        ['GTC', 30],
        ['FOK', 20],
      ] as const);
      const inAuction = this.market(m.id).inAuction;
      return this.limit(party, m, side, price, size, inAuction ? 'GFA' : tif);
    }
    return this.randomOrder(party, m, true, size);
  }

  /** A price shock: the fair price jumps and the whale walks the book to it; market makers re-quote. */
  private shock(m: MarketModel): Command {
    const r = this.rng;
    const dir = r.chance(0.5) ? 1 : -1;
    // now and then a crash or a squeeze, large enough to exhaust the insurance pool (loss socialisation)
    const magnitude = r.chance(0.15) ? 0.2 + r.float() * 0.25 : 0.03 + r.float() * 0.12;
    m.logFair += dir * magnitude;
    const fair = this.fair(m);
    const side: Side = dir > 0 ? 'buy' : 'sell';
    const size = this.size(m, 'whale');
    const style = r.weighted([
      ['GTC', 35],
      ['IOC', 35],
      ['FOK', 10],
      ['MARKET', 20],
    ] as const);
    const inAuction = this.market(m.id).inAuction;
    const order: Command =
      style === 'MARKET'
        ? {
            k: 'submit',
            sub: { marketId: m.id, party: 'whale', side, size, type: 'MARKET', tif: 'IOC', reference: this.ref() },
          }
        : this.limit('whale', m, side, fair, size, inAuction ? 'GFA' : style);
    this.queue.push(order);
    for (const mm of byRole('mm')) {
      if (r.chance(0.6)) {
        this.queue.push({ k: 'cancelAll', party: mm.id, market: m.id });
        this.queue.push(...this.quotes(mm.id, m, r.int(2, 5)));
      }
    }
    return { k: 'cancelAll', party: 'whale', market: m.id };
  }

  private pickOrder(m: MarketModel) {
    const orders = [...this.market(m.id).liveOrders()];
    return orders.length ? this.rng.pick(orders) : undefined;
  }

  private amend(m: MarketModel): Command {
    const r = this.rng;
    const o = this.pickOrder(m);
    if (!o) return this.randomOrder(r.pick(PARTIES).id, m, false);
    const party = r.chance(0.03) ? r.pick(PARTIES).id : o.party;
    const base = { orderId: o.id, marketId: m.id, party };
    const kind = r.weighted([
      ['price', 30],
      ['sizeDelta', 20],
      ['size', 10],
      ['tif', 15],
      ['expiry', 10],
      ['peg', o.peg ? 12 : 1],
      ['combo', 5],
    ] as const);
    const newPrice = () => {
      const p = (o.price > 0 ? o.price : this.fair(m)) + r.int(-6, 6) * m.tick;
      return Math.max(m.tick, p) + (r.chance(0.03) ? 1 : 0); // occasionally off the tick
    };
    switch (kind) {
      case 'price':
        return { k: 'amend', a: { ...base, price: newPrice() } };
      case 'sizeDelta': {
        const d = r.int(-o.size, o.size) || 1;
        return { k: 'amend', a: { ...base, sizeDelta: d } };
      }
      case 'size':
        return { k: 'amend', a: { ...base, size: r.int(0, 2 * o.size) } };
      case 'tif': {
        const tif = r.weighted([
          ['GTC', 35],
          ['GTT', 35],
          ['GFA', 8],
          ['GFN', 8],
          ['IOC', 7],
          ['FOK', 7],
        ] as const);
        const withExpiry = tif === 'GTT' ? r.chance(0.9) : r.chance(0.05);
        return { k: 'amend', a: { ...base, tif, ...(withExpiry ? { expiresAt: this.expiry() } : {}) } };
      }
      case 'expiry':
        return { k: 'amend', a: { ...base, tif: 'GTT', expiresAt: this.expiry() } };
      case 'peg':
        return {
          k: 'amend',
          a: {
            ...base,
            peggedOffset: r.int(0, 8) * m.tick,
            ...(r.chance(0.3) ? { peggedReference: r.pick(['BEST_BID', 'BEST_ASK', 'MID'] as const) } : {}),
          },
        };
      case 'combo':
        return {
          k: 'amend',
          a: {
            ...base,
            price: newPrice(),
            sizeDelta: r.int(-o.size, o.size),
            ...(r.chance(0.5) ? { tif: 'GTT' as const, expiresAt: this.expiry() } : {}),
          },
        };
    }
  }

  private cancel(m: MarketModel): Command {
    const r = this.rng;
    const o = this.pickOrder(m);
    if (!o || r.chance(0.04))
      return { k: 'cancel', party: r.pick(PARTIES).id, market: m.id, orderId: `O${r.int(0, 99999)}` };
    return { k: 'cancel', party: r.chance(0.04) ? r.pick(PARTIES).id : o.party, market: m.id, orderId: o.id };
  }

  private deposit(): Command {
    const r = this.rng;
    const p = r.pick(PARTIES);
    const asset = r.chance(0.85) ? USD.id : BTC.id;
    const amount = p.role === 'degen' ? r.bigint(10n ** 6n, 5n * 10n ** 7n) : r.bigint(1n, 10n ** 10n);
    return { k: 'deposit', party: p.id, asset, amount };
  }

  private withdraw(): Command {
    const r = this.rng;
    const p = r.pick(PARTIES);
    const asset = r.chance(0.85) ? USD.id : BTC.id;
    const g = this.general(p.id, asset);
    const x = r.float();
    const amount = x < 0.05 ? g + 1n : x < 0.1 ? g : g > 0n ? r.bigint(1n, g) / 2n + 1n : 1n;
    return { k: 'withdraw', party: p.id, asset, amount };
  }

  private lp(party: string, market: string): Command {
    const r = this.rng;
    const commitment = BigInt(r.int(50, 20_000)) * 100_000n;
    const fee = r.chance(0.03) ? Decimal.parse('1.5') : Decimal.parse((r.int(5, 500) / 10_000).toFixed(4));
    return { k: 'lp', id: `lp-${++this.lpSeq}`, party, market, commitment, fee };
  }

  /** Commands the engine must refuse (exercise the rejection paths inside the random stream). */
  private bad(m: MarketModel): Command {
    const r = this.rng;
    const p = r.pick(PARTIES).id;
    const fair = this.fair(m);
    const sub: OrderSubmission = {
      marketId: m.id,
      party: p,
      side: 'buy',
      size: m.unit,
      price: fair - 20 * m.tick,
      type: 'LIMIT',
      tif: 'GTC',
    };
    switch (r.int(0, 12)) {
      case 0:
        return { k: 'submit', sub: { ...sub, marketId: 'NO-SUCH-MARKET' } };
      case 1:
        return { k: 'submit', sub: { ...sub, party: `ghost${r.int(0, 5)}` } };
      case 2:
        return { k: 'submit', sub: { ...sub, size: r.pick([0, -1, 1.5, Number.NaN, 2 ** 53]) } };
      case 3:
        return { k: 'submit', sub: { ...sub, price: fair + 1 } };
      case 4:
        return { k: 'submit', sub: { ...sub, price: r.pick([-5, 0, 1.5, Number.NaN, 2 ** 60]) } };
      case 5:
        return { k: 'submit', sub: { ...sub, tif: 'GTT' } };
      case 6:
        return { k: 'amend', a: { orderId: 'O-nope', marketId: m.id, party: p, sizeDelta: 1 } };
      case 7:
        return { k: 'withdraw', party: `ghost${r.int(0, 5)}`, asset: USD.id, amount: 1n };
      case 8:
        return { k: 'deposit', party: p, asset: 'NOPE', amount: 1n };
      case 9:
        return { k: 'deposit', party: p, asset: USD.id, amount: r.pick([0n, -1n]) };
      case 10:
        return {
          k: 'lp',
          id: 'lp-bad',
          party: p,
          market: m.id,
          commitment: r.pick([0n, -5n]),
          fee: Decimal.parse('0.01'),
        };
      case 11:
        return { k: 'withdraw', party: p, asset: USD.id, amount: r.pick([0n, -1n]) };
      default:
        return { k: 'cancel', party: p, market: 'NO-SUCH-MARKET', orderId: 'O1' };
    }
  }
}
