// What `perpsim session` reports, collected from the engine's event stream: trades, the mark price, margin levels,
// account balances (from ledger transfers), margin searches and releases at block end, close-outs and funding.
import { type EngineEvent, type EventSink, type Trade, type MarginLevels, type TradingMode } from '../core/index.ts';

export type Phase = 'tx' | 'tick' | 'end';

interface AccountState {
  readonly owner: string;
  readonly type: string;
  readonly market: string;
  readonly asset: string;
  balance: bigint;
}

/** Collects what the session reports from the engine's event stream. */
export class SessionEvents implements EventSink {
  block = 0;
  phase: Phase = 'tx';
  tradingMode: TradingMode = 'OPENING_AUCTION';
  readonly trades: { block: number; trade: Trade }[] = [];
  markPrice = 0n;
  readonly margins = new Map<string, MarginLevels>();
  readonly accounts = new Map<string, AccountState>();
  readonly searched = new Map<number, Set<string>>();
  readonly released = new Map<number, Set<string>>();
  readonly distressed: { block: number; parties: readonly string[] }[] = [];
  readonly fundingPeriods: (EngineEvent & { type: 'fundingPeriod' })[] = [];
  readonly fundingPayments = new Map<number, readonly { party: string; amount: bigint }[]>();

  constructor(private readonly marketId: string) {}

  emit(e: EngineEvent): void {
    switch (e.type) {
      case 'accountCreated': {
        const a = e.account;
        this.accounts.set(a.id, { owner: a.owner, type: a.type, market: a.market, asset: a.asset, balance: 0n });
        break;
      }
      case 'ledger': {
        const { from, to, fromBalance, toBalance, type } = e.entry;
        const f = this.accounts.get(from.id);
        const t = this.accounts.get(to.id);
        if (f) f.balance = fromBalance;
        if (t) t.balance = toBalance;
        if (this.phase === 'end') {
          if (type === 'MARGIN_LOW' && to.type === 'MARGIN' && to.market === this.marketId)
            this.mark(this.searched, to.owner);
          if (type === 'MARGIN_HIGH' && from.type === 'MARGIN' && from.market === this.marketId)
            this.mark(this.released, from.owner);
        }
        break;
      }
      case 'trade':
        if (e.trade.marketId === this.marketId) this.trades.push({ block: this.block, trade: e.trade });
        break;
      case 'markPrice':
        if (e.marketId === this.marketId) this.markPrice = e.price;
        break;
      case 'marginLevels':
        if (e.marketId === this.marketId) this.margins.set(e.party, e.levels);
        break;
      case 'distressedPositions':
        if (e.marketId === this.marketId && e.distressed.length)
          this.distressed.push({ block: this.block, parties: e.distressed });
        break;
      case 'fundingPeriod':
        if (e.marketId === this.marketId && e.end !== undefined) this.fundingPeriods.push(e);
        break;
      case 'fundingPayments':
        if (e.marketId === this.marketId) this.fundingPayments.set(e.seq, e.payments);
        break;
      case 'marketState':
        if (e.marketId === this.marketId) this.tradingMode = e.tradingMode;
        break;
      default:
        break;
    }
  }

  private mark(m: Map<number, Set<string>>, party: string): void {
    let s = m.get(this.block);
    if (!s) m.set(this.block, (s = new Set()));
    s.add(party);
  }

  balance(owner: string, type: string, market = ''): bigint {
    for (const a of this.accounts.values())
      if (a.owner === owner && a.type === type && a.market === market) return a.balance;
    return 0n;
  }
}

// ------------------------------------------------------------------ the scripted session
