// The engine's single entry point (DESIGN: commands in, events out): assets, collateral, markets, the clock and
// epochs. Deterministic: no I/O, no wall clock, no randomness; time moves only through advanceTo / endBlock, and
// the same commands in the same order give the same events and the same state hash.
import { Ledger } from './ledger/ledger.ts';
import { Decimal } from './num/decimal.ts';
import { defaultNetworkParams, setNetworkParameter, type NetworkParams } from './config/network.ts';
import { validateMarketConfig, type MarketConfig } from './config/market.ts';
import { Market } from './market/market.ts';
import type { SuccessionState } from './market/types.ts';
import type {
  AssetConfig,
  BatchInstruction,
  BatchResult,
  CommandResult,
  MarketChanges,
  OrderAmendment,
  OrderResult,
  OrderSubmission,
  StopOrderSpec,
} from './commands.ts';
import type { EngineEvent, EventSink } from './events.ts';
import { NULL_SINK } from './events.ts';
import { sha256Hex } from './hash.ts';
import { snapshot } from './book/order.ts';
import { SYSTEM_OWNER } from './types.ts';
import { OracleError, type OracleData } from './products/oracle.ts';

export interface ExchangeOptions {
  /** start time, ns since the Unix epoch */
  readonly now?: bigint;
  readonly params?: Partial<NetworkParams>;
  readonly sink?: EventSink;
}

const MAX_AMOUNT = 2n ** 256n - 1n;

export class Exchange {
  readonly ledger = new Ledger();
  readonly params: NetworkParams;
  readonly markets = new Map<string, Market>();
  readonly assets = new Map<string, AssetConfig>();
  private clock: bigint;
  private seq = 0;
  private sinkRef: EventSink;
  // epochs (spec 0050-EPOC): a tick past the expiry marks the epoch ready to end, the next block end makes it
  // ready to start, and the following tick starts the next epoch
  epochSeq = -1;
  private epochExpiry = 0n;
  private epochPhase: 'running' | 'readyToEnd' | 'readyToStart' = 'running';
  // succession (spec 0081-SUCM), as Vega's execution engine keeps it: the pending successors of each parent, and
  // every market's state as of its last tick (kept for the successor window once the market has closed)
  private readonly successors = new Map<string, string[]>();
  private readonly succession = new Map<string, { state: SuccessionState; ttl: bigint; closed?: Market }>();

  constructor(opts: ExchangeOptions = {}) {
    this.clock = opts.now ?? 0n;
    this.params = { ...defaultNetworkParams(), ...(opts.params ?? {}) };
    this.sinkRef = opts.sink ?? NULL_SINK;
    this.ledger.listener = {
      onAccountCreated: (account) => this.sinkRef.emit({ type: 'accountCreated', account }),
      onEntry: (entry) => this.sinkRef.emit({ type: 'ledger', entry }),
    };
  }

  get sink(): EventSink {
    return this.sinkRef;
  }

  set sink(s: EventSink) {
    this.sinkRef = s;
  }

  now(): bigint {
    return this.clock;
  }

  private nextId(kind: 'order' | 'trade'): string {
    this.seq++;
    return `${kind === 'order' ? 'O' : 'T'}${this.seq.toString().padStart(10, '0')}`;
  }

  emit(e: EngineEvent): void {
    this.sinkRef.emit(e);
  }

  // ------------------------------------------------------------------ configuration

  registerAsset(a: AssetConfig): void {
    if (!/^[A-Za-z0-9_.:-]+$/.test(a.id)) throw new RangeError(`asset id: "${a.id}" is not a valid id`);
    if (!Number.isInteger(a.decimals) || a.decimals < 0 || a.decimals > 80)
      throw new RangeError(`asset ${a.id} decimals: must be an integer in [0, 80]`);
    if (a.quantum.isNegative()) throw new RangeError(`asset ${a.id} quantum: must not be negative`);
    const known = this.assets.get(a.id);
    // an asset's decimals are fixed once enabled (balances are held in them); its quantum may be updated
    if (known && known.decimals !== a.decimals)
      throw new RangeError(
        `asset ${a.id} already enabled with ${known.decimals} decimals, cannot change to ${a.decimals}`,
      );
    this.assets.set(a.id, a);
    // enabling an asset creates its asset-level system accounts
    this.ledger.getOrCreate(SYSTEM_OWNER, 'GLOBAL_INSURANCE', a.id);
    this.ledger.getOrCreate(SYSTEM_OWNER, 'FEES_INFRASTRUCTURE', a.id);
  }

  asset(id: string): AssetConfig | undefined {
    return this.assets.get(id);
  }

  setNetworkParameter(name: string, value: string): void {
    setNetworkParameter(this.params, name, value);
    for (const m of this.markets.values()) m.onNetworkParametersChanged();
    if (name === 'market.auction.minimumDuration') for (const m of this.markets.values()) m.applyMinimumDuration();
  }

  /**
   * Creates a market and starts its opening auction; `proposed` leaves it in the PROPOSED state (a proposal still in
   * its vote) until startOpeningAuction.
   */
  createMarket(cfg: MarketConfig, opts: { proposed?: boolean } = {}): Market {
    if (this.markets.has(cfg.id)) throw new RangeError(`market ${cfg.id}: already exists`);
    const asset = this.assets.get(cfg.settlementAsset);
    if (!asset)
      throw new RangeError(`market ${cfg.id} settlementAsset: asset "${cfg.settlementAsset}" is not registered`);
    validateMarketConfig(cfg, asset.decimals);
    if (cfg.successor) {
      const pid = cfg.successor.parentMarketId;
      const parent = this.markets.get(pid) ?? this.succession.get(pid)?.closed;
      if (!parent)
        throw new RangeError(
          `market ${cfg.id} successor.parentMarketId: market "${pid}" does not exist or left the successor window`,
        );
      if (parent.asset !== cfg.settlementAsset)
        throw new RangeError(
          `market ${cfg.id} successor.parentMarketId: the parent settles in ${parent.asset}, not ${cfg.settlementAsset}`,
        );
    }
    const m = new Market(
      cfg,
      asset.decimals,
      {
        ledger: this.ledger,
        params: this.params,
        sink: { emit: (e) => this.sinkRef.emit(e) },
        now: () => this.clock,
        nextId: (k) => this.nextId(k),
        assetQuantum: (id) => this.assets.get(id)?.quantum ?? Decimal.ONE,
      },
      opts.proposed === true,
    );
    this.markets.set(cfg.id, m);
    if (cfg.successor) {
      const list = this.successors.get(cfg.successor.parentMarketId) ?? [];
      list.push(cfg.id);
      this.successors.set(cfg.successor.parentMarketId, list);
    }
    return m;
  }

  /** A proposed market passed its vote: its opening auction starts. */
  startOpeningAuction(id: string): CommandResult {
    const m = this.markets.get(id);
    if (!m) return { error: 'market does not exist' };
    if (m.state !== 'PROPOSED') return { error: `market ${id} is not a proposal (state ${m.state})` };
    m.startOpeningAuction();
    return {};
  }

  /**
   * Governance enacts a successor market proposal (Vega's SucceedMarket). The take-over itself happens when the
   * successor leaves its opening auction; here a successor whose parent is gone (closed beyond the successor window)
   * becomes a market like any other.
   */
  succeedMarket(id: string): CommandResult {
    const m = this.markets.get(id);
    if (!m) return { error: 'market does not exist' };
    const pid = m.parentMarketId;
    if (pid === undefined) return {};
    const parent = this.markets.get(pid);
    if (!parent && !this.succession.get(pid)?.closed) {
      m.forgetParent();
      this.removeSuccessor(pid, id);
      return {};
    }
    // a successor cannot be enacted before its parent
    if (parent?.state === 'PROPOSED') {
      this.rejectMarket(id);
      return { error: "parent market in proposed state, can't enact successor" };
    }
    return {};
  }

  private removeSuccessor(parent: string, id: string): void {
    const list = this.successors.get(parent);
    if (!list) return;
    const rest = list.filter((x) => x !== id);
    if (rest.length) this.successors.set(parent, rest);
    else this.successors.delete(parent);
  }

  /** A pending successor loses: the market is rejected and removed, with any successors of its own. */
  private rejectMarket(id: string): void {
    const m = this.markets.get(id);
    if (!m) return;
    m.rejectMarket();
    this.markets.delete(id);
    this.succession.delete(id);
    if (m.parentMarketId !== undefined) this.removeSuccessor(m.parentMarketId, id);
    const own = this.successors.get(id);
    this.successors.delete(id);
    for (const s of own ?? []) this.rejectMarket(s);
  }

  /** Applies a market update proposal's changes (see Market.update). */
  updateMarket(id: string, changes: MarketChanges): CommandResult {
    const m = this.markets.get(id);
    if (!m) return { error: `market "${id}" does not exist` };
    try {
      const asset = this.assets.get(m.asset)!;
      validateMarketConfig({ ...m.cfg, ...changes }, asset.decimals);
      m.update(changes);
    } catch (e) {
      return { error: (e as Error).message };
    }
    return {};
  }

  market(id: string): Market | undefined {
    return this.markets.get(id);
  }

  // ------------------------------------------------------------------ collateral

  deposit(party: string, asset: string, amount: bigint): CommandResult {
    if (!this.assets.has(asset)) return { error: `asset "${asset}" is not registered` };
    if (!validParty(party)) return { error: `party: "${party}" is not a valid party id` };
    if (typeof amount !== 'bigint' || amount <= 0n || amount > MAX_AMOUNT)
      return { error: 'amount: must be a positive integer below 2^256' };
    const general = this.ledger.getOrCreate(party, 'GENERAL', asset);
    this.ledger.transfer(this.ledger.external(asset), general, amount, 'DEPOSIT');
    return {};
  }

  /** Puts money into a market's insurance pool from outside (a treasury or governance transfer). */
  fundInsurancePool(marketId: string, amount: bigint): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: `market "${marketId}" does not exist` };
    if (typeof amount !== 'bigint' || amount <= 0n || amount > MAX_AMOUNT)
      return { error: 'amount: must be a positive integer below 2^256' };
    this.ledger.transfer(this.ledger.external(m.asset), m.insurance, amount, 'DEPOSIT');
    return {};
  }

  withdraw(party: string, asset: string, amount: bigint): CommandResult {
    if (!this.assets.has(asset)) return { error: `asset "${asset}" is not registered` };
    if (typeof amount !== 'bigint') return { error: 'amount: must be a positive integer' };
    const general = this.ledger.get(party, 'GENERAL', asset);
    if (!general) return { error: 'party has insufficient balance in asset' };
    if (amount <= 0n) return { error: 'amount: must be a positive integer' };
    if (general.balance < amount) return { error: 'invalid withdrawal, not enough funds in general account' };
    this.ledger.transfer(general, this.ledger.external(asset), amount, 'WITHDRAW');
    return {};
  }

  // ------------------------------------------------------------------ trading commands

  submitOrder(sub: OrderSubmission): OrderResult {
    const m = this.markets.get(sub.marketId);
    if (!m) return { trades: [], error: 'OrderError: Invalid Market ID' };
    const bad = checkSubmission(sub);
    if (bad) return { trades: [], error: bad };
    if (sub.peg && this.livePeggedOrders() >= this.params.maxPeggedOrders)
      return { trades: [], error: 'OrderError: too many pegged orders' };
    return m.submitOrder(sub);
  }

  amendOrder(a: OrderAmendment): OrderResult {
    const m = this.markets.get(a.marketId);
    if (!m) return { trades: [], error: 'OrderError: Invalid Market ID' };
    for (const [k, v] of Object.entries({
      price: a.price,
      sizeDelta: a.sizeDelta,
      size: a.size,
      peggedOffset: a.peggedOffset,
    })) {
      if (v !== undefined && !Number.isSafeInteger(v)) return { trades: [], error: `${k}: must be an integer` };
    }
    if ((a.price !== undefined && a.price < 0) || (a.size !== undefined && a.size < 0))
      return { trades: [], error: 'price and size must not be negative' };
    if (a.price === 0) return { trades: [], error: 'OrderError: price must be positive' };
    if (a.size !== undefined && a.sizeDelta !== undefined)
      return { trades: [], error: 'OrderError: size and sizeDelta cannot be amended together' };
    if (a.tif !== undefined && !TIMES_IN_FORCE.has(a.tif))
      return { trades: [], error: 'OrderError: invalid time in force' };
    if (a.peggedReference !== undefined && !PEG_REFERENCES.has(a.peggedReference))
      return {
        trades: [],
        error: `peggedReference: "${String(a.peggedReference)}" is not a valid reference (BEST_BID, BEST_ASK or MID)`,
      };
    return m.amendOrder(a);
  }

  cancelOrder(party: string, marketId: string, orderId: string): OrderResult {
    const m = this.markets.get(marketId);
    if (!m) return { trades: [], error: 'OrderError: Invalid Market ID' };
    return m.cancelOrder(party, orderId);
  }

  cancelAllOrders(party: string, marketId?: string): OrderResult {
    if (marketId !== undefined) {
      const m = this.markets.get(marketId);
      if (!m) return { trades: [], error: 'OrderError: Invalid Market ID' };
      return m.cancelAllOrders(party);
    }
    for (const m of this.markets.values()) m.cancelAllOrders(party);
    return { trades: [] };
  }

  /**
   * A batch of market instructions from one party, processed as one transaction (spec 0074-BTCH): all
   * cancellations, then all amendments, then the margin-mode change, then all submissions, each in list order and
   * each validated when its turn comes (funds released by earlier ones are available, an auction entered on the way
   * applies to what follows). A failing instruction is skipped and reported; a second amendment of the same order is
   * an error; when the margin-mode change fails, the later instructions for that market are not processed.
   */
  batch(b: BatchInstruction): BatchResult {
    const cancels = b.cancellations ?? [];
    const amends = b.amendments ?? [];
    const subs = b.submissions ?? [];
    const size = cancels.length + amends.length + subs.length;
    if (size === 0 && !b.marginMode) return { error: 'batch: empty', results: [] };
    if (size > this.params.maxBatchSize)
      return { error: `batch: ${size} instructions exceed the limit of ${this.params.maxBatchSize}`, results: [] };
    const results: BatchResult['results'][number][] = [];
    const push = (kind: BatchResult['results'][number]['kind'], index: number, r: OrderResult | CommandResult) =>
      results.push({ kind, index, ...(r.error ? { error: r.error } : {}), ...('trades' in r ? { result: r } : {}) });
    cancels.forEach((c, i) => {
      if (c.orderId !== undefined) {
        if (c.marketId === undefined) push('cancel', i, { error: 'batch: an order id needs its market id' });
        else push('cancel', i, this.cancelOrder(b.party, c.marketId, c.orderId));
      } else push('cancel', i, this.cancelAllOrders(b.party, c.marketId));
    });
    const amended = new Set<string>();
    amends.forEach((a, i) => {
      if (amended.has(a.orderId)) return push('amend', i, { error: 'OrderError: order already amended in batch' });
      amended.add(a.orderId);
      push('amend', i, this.amendOrder({ ...a, party: b.party }));
    });
    let stoppedMarket: string | undefined;
    if (b.marginMode) {
      const mm = b.marginMode;
      const r = this.updateMarginMode(b.party, mm.marketId, mm.mode, mm.marginFactor);
      push('marginMode', 0, r);
      if (r.error) stoppedMarket = mm.marketId;
    }
    subs.forEach((sub, i) => {
      if (sub.marketId === stoppedMarket) return push('submit', i, { error: 'margin mode update failed' });
      push('submit', i, this.submitOrder({ ...sub, party: b.party }));
    });
    return { results };
  }

  /** A stop order: one leg, or a one-cancels-the-other pair (falls below / rises above). */
  submitStopOrders(
    party: string,
    marketId: string,
    fallsBelow?: StopOrderSpec,
    risesAbove?: StopOrderSpec,
  ): OrderResult {
    const m = this.markets.get(marketId);
    if (!m) return { trades: [], error: 'OrderError: Invalid Market ID' };
    for (const leg of [fallsBelow, risesAbove]) {
      if (!leg) continue;
      const bad = checkSubmission(leg.submission);
      if (bad) return { trades: [], error: bad };
      if (leg.trigger.kind === 'price' && leg.trigger.price <= 0n)
        return { trades: [], error: 'stop order trigger price must be positive' };
      if (
        leg.trigger.kind === 'trailing' &&
        (leg.trigger.offset.lte(Decimal.ZERO) || leg.trigger.offset.gte(Decimal.ONE))
      ) {
        return { trades: [], error: 'stop order trailing percentage must be in (0, 1)' };
      }
    }
    return m.submitStopOrders(party, fallsBelow, risesAbove);
  }

  cancelStopOrder(party: string, marketId: string, id: string): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    const error = m.cancelStopOrder(party, id);
    return error ? { error } : {};
  }

  cancelAllStopOrders(party: string, marketId?: string): CommandResult {
    if (marketId !== undefined) {
      const m = this.markets.get(marketId);
      if (!m) return { error: 'OrderError: Invalid Market ID' };
      const error = m.cancelAllStopOrders(party);
      return error ? { error } : {};
    }
    for (const m of this.markets.values()) m.cancelAllStopOrders(party);
    return {};
  }

  submitLiquidityProvision(
    id: string,
    party: string,
    marketId: string,
    commitment: bigint,
    fee: Decimal,
    reference = id,
  ): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    if (typeof commitment !== 'bigint') return { error: 'commitment amount: must be an integer' };
    if (commitment < 0n) return { error: 'commitment amount: must not be negative' };
    if (!validParty(party)) return { error: `party: "${party}" is not a valid party id` };
    const error = m.submitLiquidityProvision(id, party, commitment, fee, reference);
    m.flushMargins();
    return error ? { error } : {};
  }

  /**
   * Amends a party's commitment and/or fee (undefined or 0 keeps the current value). A changed commitment takes
   * effect at the next epoch start (at once in the opening auction); an increase is bonded at once.
   */
  amendLiquidityProvision(
    party: string,
    marketId: string,
    commitment: bigint | undefined,
    fee: Decimal | undefined,
    reference?: string,
  ): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    if (commitment !== undefined && (typeof commitment !== 'bigint' || commitment < 0n))
      return { error: 'commitment amount: must be a non-negative integer' };
    const error = m.amendLiquidityProvision(party, commitment, fee, reference);
    m.flushMargins();
    return error ? { error } : {};
  }

  /** Cancels a party's commitment: at once in the opening auction, otherwise at the next epoch start. */
  cancelLiquidityProvision(party: string, marketId: string): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    const error = m.cancelLiquidityProvision(party);
    m.flushMargins();
    return error ? { error } : {};
  }

  /** Oracle data (a signed message or the protocol's own): every market's products consume what matches. */
  submitOracleData(data: OracleData): CommandResult {
    try {
      for (const m of this.markets.values()) m.onOracleData(data);
    } catch (e) {
      if (e instanceof OracleError) return { error: e.message };
      throw e;
    }
    return {};
  }

  /** Switches a party between cross and isolated margin in a market, or changes its isolated margin factor. */
  updateMarginMode(
    party: string,
    marketId: string,
    mode: 'cross' | 'isolated',
    marginFactor: Decimal = Decimal.ZERO,
  ): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    const error = m.updateMarginMode(party, mode, marginFactor);
    m.flushMargins();
    return error ? { error } : {};
  }

  /** Governance market state update: TERMINATE (with a settlement price in market precision), SUSPEND, RESUME. */
  updateMarketState(
    marketId: string,
    kind: 'TERMINATE' | 'SUSPEND' | 'RESUME',
    settlementPrice?: bigint,
  ): CommandResult {
    const m = this.markets.get(marketId);
    if (!m) return { error: 'OrderError: Invalid Market ID' };
    const error = m.updateState(kind, settlementPrice);
    return error ? { error } : {};
  }

  private livePeggedOrders(): number {
    let n = 0;
    for (const m of this.markets.values()) for (const o of m.orders.values()) if (o.peg && o.status === 'ACTIVE') n++;
    return n;
  }

  // ------------------------------------------------------------------ time

  /** Moves the clock to `t` (never backwards) and runs every time-driven mechanism (Vega's OnTick). */
  advanceTo(t: bigint): void {
    if (t < this.clock) throw new RangeError(`time cannot go backwards (${t} < ${this.clock})`);
    this.clock = t;
    this.epochTick(t);
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
      if (successor && inOpening && m.state === 'ACTIVE') this.takeOver(m, toReject);
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
  private takeOver(m: Market, toReject: Set<string>): void {
    const pid = m.parentMarketId!;
    const pool = this.ledger.get(SYSTEM_OWNER, 'INSURANCE', m.asset, pid);
    if (pool && !m.insurancePoolFraction.isZero()) {
      const amount = m.insurancePoolFraction.mulBig(pool.balance).floor();
      const to = this.ledger.getOrCreate(SYSTEM_OWNER, 'INSURANCE', m.asset, m.id);
      if (amount > 0n) this.ledger.transfer(pool, to, amount, 'SUCCESSOR_INSURANCE_FRACTION');
    }
    const parent = this.markets.get(pid);
    if (parent) parent.succeeded = true;
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

  private epochTick(t: bigint): void {
    if (this.epochSeq < 0) {
      this.startEpoch(t);
      return;
    }
    if (this.epochPhase === 'readyToStart') {
      // the epoch ends and the next starts in the same tick, before the markets' own tick
      this.sink.emit({ type: 'epoch', seq: this.epochSeq, action: 'END', time: t });
      for (const m of this.markets.values()) m.onEpochEnd();
      this.startEpoch(t);
      return;
    }
    if (this.epochPhase === 'running' && t > this.epochExpiry) this.epochPhase = 'readyToEnd';
  }

  private startEpoch(t: bigint): void {
    this.epochSeq++;
    this.epochExpiry = t + this.params.epochLength;
    this.epochPhase = 'running';
    this.sink.emit({ type: 'epoch', seq: this.epochSeq, action: 'START', time: t });
    for (const m of this.markets.values()) m.onEpochStart();
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
    for (const m of this.markets.values()) {
      parts.push(
        `market ${m.id} ${m.state} ${m.tradingMode} mark=${m.markPrice} last=${m.lastTradedPrice} auction=${m.auction ? `${m.auction.start}-${m.auction.end}` : '-'} parent=${m.parentMarketId ?? '-'} succeeded=${m.succeeded}`,
      );
      const orders = [...m.orders.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
      for (const o of orders) {
        const s = snapshot(o);
        parts.push(
          `o ${s.id} ${s.party} ${s.side} ${s.status} ${s.price} ${s.size} ${o.remaining} ${s.remaining} ${s.tif} ${s.expiresAt}`,
        );
      }
      for (const side of [m.book.bids, m.book.asks]) {
        for (const l of side.levels)
          parts.push(`l ${side.side} ${l.price} ${l.volume} ${[...l.orders()].map((o) => o.id).join(',')}`);
      }
      for (const p of m.positions.all()) parts.push(`p ${p.party} ${p.openVolume} ${p.buy} ${p.sell}`);
    }
    return sha256Hex(parts.join('\n'));
  }
}

const ORDER_TYPES: ReadonlySet<unknown> = new Set(['LIMIT', 'MARKET', 'NETWORK']);
const TIMES_IN_FORCE: ReadonlySet<unknown> = new Set(['GTC', 'GTT', 'IOC', 'FOK', 'GFA', 'GFN']);
const PEG_REFERENCES: ReadonlySet<unknown> = new Set(['BEST_BID', 'BEST_ASK', 'MID']);

function validParty(p: string): boolean {
  return p.length > 0 && p.length <= 256 && !/[\s|]/.test(p);
}

/** Stateless checks of an order submission at the boundary: malformed numbers and missing fields. */
function checkSubmission(s: OrderSubmission): string | undefined {
  if (!validParty(s.party)) return `party: "${s.party}" is not a valid party id`;
  if (s.side !== 'buy' && s.side !== 'sell') return `side: "${String(s.side)}" must be buy or sell`;
  if (!Number.isSafeInteger(s.size) || s.size <= 0) return 'OrderError: Invalid Size';
  if (!ORDER_TYPES.has(s.type)) return 'OrderError: Invalid Type';
  if (!TIMES_IN_FORCE.has(s.tif)) return 'OrderError: invalid time in force';
  if (s.price !== undefined && (!Number.isSafeInteger(s.price) || s.price < 0)) return 'invalid order price';
  if (s.type === 'LIMIT' && !s.peg && (s.price === undefined || s.price <= 0)) return 'invalid order price';
  if (s.peg) {
    if (!PEG_REFERENCES.has(s.peg.reference))
      return `peg.reference: "${String(s.peg.reference)}" is not a valid reference (BEST_BID, BEST_ASK or MID)`;
    if (!Number.isSafeInteger(s.peg.offset)) return 'peg.offset: must be an integer';
  }
  if (s.iceberg) {
    const { peakSize, minimumVisibleSize } = s.iceberg;
    if (
      !Number.isSafeInteger(peakSize) ||
      !Number.isSafeInteger(minimumVisibleSize) ||
      minimumVisibleSize <= 0 ||
      peakSize <= 0
    ) {
      return 'iceberg: peak size and minimum visible size must be positive integers';
    }
  }
  return undefined;
}
