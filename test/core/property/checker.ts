// The property test's invariant checker (test/core/property.test.ts): money conservation and ledger checks, the
// book, live orders and positions, after every command.
import type { Exchange } from '../../../src/core/exchange/exchange.ts';
import type { EngineEvent, EventSink } from '../../../src/core/events.ts';
import { NETWORK_PARTY } from '../../../src/core/types.ts';

import { type Command, describe } from './commands.ts';

// ------------------------------------------------------------------ checks

/** thrown: an exception out of a command; money: conservation and ledger checks; book: orders, book, positions */
export type ProblemKind = 'thrown' | 'money' | 'book';

export interface Counts {
  [name: string]: number;
}

/**
 * Event sink that checks every ledger entry as it is emitted and keeps, per account, the balance the entries
 * explain; after each command `check` compares it with the real balances and checks conservation per asset.
 */
export class Checker implements EventSink {
  readonly counts: Counts = {};
  readonly problems: Record<ProblemKind, string[]> = { thrown: [], money: [], book: [] };
  private readonly explained = new Map<string, bigint>();
  private readonly crossed = new Set<string>();
  private readonly reported = new Set<string>();
  /** deposits − withdrawals + insurance funding, per asset (only successful commands) */
  readonly netDeposits = new Map<string, bigint>();
  index = -1;
  command: Command | undefined;

  constructor(private readonly verify: boolean) {}

  count(name: string, n = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }

  /** A problem about the state that may persist: reported when it first appears, not for every later command. */
  once(kind: ProblemKind, key: string, what: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problem(kind, what);
  }

  problem(kind: ProblemKind, what: string): void {
    const list = this.problems[kind];
    if (list.length < 25) list.push(`command #${this.index} ${this.command ? describe(this.command) : ''}: ${what}`);
    else if (list.length === 25) list.push('… (more not listed)');
  }

  emit(e: EngineEvent): void {
    this.count(`event:${e.type}`);
    switch (e.type) {
      case 'accountCreated':
        if (this.verify) {
          if (e.account.balance !== 0n)
            this.problem('money', `account ${e.account.id} created with balance ${e.account.balance}`);
          this.explained.set(e.account.id, e.account.balance);
        }
        break;
      case 'ledger': {
        this.count(`transfer:${e.entry.type}`);
        if (!this.verify) break;
        const { from, to, amount, fromBalance, toBalance } = e.entry;
        if (from.asset !== to.asset) this.problem('money', `ledger entry across assets: ${from.id} -> ${to.id}`);
        // Vega records zero liquidity-fee allocations, zero trade-fee payments and wins socialised down to zero as
        // transfers; every other entry moves money
        const zeroOk =
          amount === 0n &&
          (e.entry.type === 'LIQUIDITY_FEE_ALLOCATE' ||
            e.entry.type === 'CLEAR_ACCOUNT' ||
            e.entry.type === 'MTM_WIN' ||
            e.entry.type === 'PERPETUALS_FUNDING_WIN' ||
            e.entry.type === 'MAKER_FEE_RECEIVE' ||
            e.entry.type.endsWith('_FEE_PAY'));
        if (amount <= 0n && !zeroOk)
          this.problem('money', `ledger entry of ${amount} (${e.entry.type}) ${from.id} -> ${to.id}`);
        const f = (this.explained.get(from.id) ?? 0n) - amount;
        const t = (this.explained.get(to.id) ?? 0n) + amount;
        this.explained.set(from.id, f);
        this.explained.set(to.id, t);
        if (from.id !== to.id && (f !== fromBalance || t !== toBalance)) {
          this.problem(
            'money',
            `ledger entry ${e.entry.type} ${from.id} -> ${to.id} ${amount}: balances ${fromBalance}/${toBalance}, entries explain ${f}/${t}`,
          );
        }
        break;
      }
      case 'trade': {
        const t = e.trade;
        this.count(t.type === 'DEFAULT' ? (t.aggressor ? 'trades' : 'auctionTrades') : `trades:${t.type}`);
        if (this.verify) {
          if (t.size <= 0 || t.price <= 0n) this.problem('book', `trade ${t.id} with size ${t.size} price ${t.price}`);
          if (t.type === 'DEFAULT' && t.aggressor && t.buyer === t.seller)
            this.problem('book', `continuous self-trade ${t.id} by ${t.buyer}`);
        }
        break;
      }
      case 'order':
        this.count(`order:${e.order.status}`);
        if (e.order.peg && e.order.status === 'ACTIVE') this.count('peggedActive');
        if (e.order.reservedRemaining > 0) this.count('icebergWithReserve');
        break;
      case 'expiredOrders':
        this.count('expiredOrders', e.orderIds.length);
        break;
      case 'fundingPeriod':
        if (e.fundingPayment !== undefined && e.fundingPayment !== 0n)
          this.count(e.fundingPayment > 0n ? 'funding:longsPay' : 'funding:shortsPay');
        break;
      case 'markPrice':
        this.count(`markPrice:${e.marketId}`);
        break;
      case 'auction':
        if (e.started) this.count('auctionsEntered');
        else if (e.leave) this.count('auctionsLeft');
        else this.count('auctionExtensions');
        break;
      case 'liquidityProvision':
        this.count(`lp:${e.status}`);
        break;
      default:
        break;
    }
  }

  /** The invariants after one command. */
  check(ex: Exchange): void {
    const held = new Map<string, bigint>();
    for (const a of ex.ledger.all()) {
      const bal = a.balance;
      if (a.type !== 'EXTERNAL') {
        if (bal < 0n) this.once('money', `negative ${a.id}`, `negative balance ${a.id} = ${bal}`);
        held.set(a.asset, (held.get(a.asset) ?? 0n) + bal);
      }
      const explained = this.explained.get(a.id) ?? 0n;
      if (explained !== bal) {
        this.problem('money', `balance of ${a.id} is ${bal} but its ledger entries explain ${explained}`);
        this.explained.set(a.id, bal);
      }
    }
    for (const asset of ex.assets.keys()) {
      const want = this.netDeposits.get(asset) ?? 0n;
      const got = held.get(asset) ?? 0n;
      if (got !== want) {
        this.problem('money', `${asset}: accounts hold ${got} but net deposits are ${want} (difference ${got - want})`);
        this.netDeposits.set(asset, got); // report each new leak once
      }
      const external = ex.ledger.netDeposits(asset);
      if (external !== want)
        this.once(
          'money',
          `external ${asset} ${external - want}`,
          `${asset}: EXTERNAL says net deposits ${external}, commands say ${want}`,
        );
    }
    for (const m of ex.markets.values()) {
      let net = 0;
      for (const p of m.allPositions()) {
        net += p.openVolume;
        if (p.buy < 0 || p.sell < 0)
          this.once(
            'book',
            `negpot ${m.id} ${p.party}`,
            `${m.id}: negative potential volume of ${p.party}: buy ${p.buy} sell ${p.sell}`,
          );
      }
      if (net !== 0) this.once('book', `net ${m.id} ${net}`, `${m.id}: open volumes sum to ${net}`);
      // live orders, the book and the positions' potential volumes tell the same story
      const potential = new Map<string, { buy: number; sell: number }>();
      let booked = 0;
      for (const o of m.liveOrders()) {
        if (o.status !== 'ACTIVE') {
          if (o.status !== 'PARKED')
            this.once('book', `status ${o.id}`, `${m.id}: live order ${o.id} has status ${o.status}`);
          continue;
        }
        booked++;
        const v = potential.get(o.party) ?? { buy: 0, sell: 0 };
        v[o.side] += o.remaining;
        potential.set(o.party, v);
      }
      let inBook = 0;
      for (const o of m.bookOrders()) {
        inBook++;
        if (m.liveOrder(o.id) !== o)
          this.once('book', `book ${o.id}`, `${m.id}: order ${o.id} (${o.status}) is in the book but not live`);
      }
      if (inBook !== booked)
        this.once(
          'book',
          `count ${m.id} ${inBook} ${booked}`,
          `${m.id}: ${inBook} orders in the book, ${booked} live ACTIVE orders`,
        );
      for (const p of m.allPositions()) {
        if (p.party === NETWORK_PARTY) continue;
        const v = potential.get(p.party) ?? { buy: 0, sell: 0 };
        if (v.buy !== p.buy || v.sell !== p.sell) {
          this.once(
            'book',
            `potential ${m.id} ${p.party} ${p.buy} ${p.sell} ${v.buy} ${v.sell}`,
            `${m.id}: ${p.party} potential buy/sell ${p.buy}/${p.sell}, live orders ${v.buy}/${v.sell}`,
          );
        }
        potential.delete(p.party);
      }
      for (const [party, v] of potential)
        this.once(
          'book',
          `record ${m.id} ${party}`,
          `${m.id}: ${party} has live orders ${v.buy}/${v.sell} but no position record`,
        );
      const bid = m.bestBid();
      const ask = m.bestAsk();
      const crossed = !m.inAuction && bid !== undefined && ask !== undefined && bid >= ask;
      // reported when it happens, not again for every later command while it lasts
      if (crossed && !this.crossed.has(m.id))
        this.problem('book', `${m.id}: book crossed in continuous trading (bid ${bid} >= ask ${ask})`);
      if (crossed) this.crossed.add(m.id);
      else this.crossed.delete(m.id);
    }
  }
}
