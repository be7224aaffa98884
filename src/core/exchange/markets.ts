// The exchange's state and its configuration and collateral commands (spec 0001-MKTF, 0013-ACCT, 0028-GOVE): assets,
// network parameters, creating, enacting, updating and succeeding markets (0081-SUCM), deposits and withdrawals.
// The trading and clock layers extend this class (exchange/trading.ts, exchange/exchange.ts).
import { validParty } from '../commands.ts';
import { Ledger } from '../ledger/ledger.ts';
import { Decimal } from '../num/decimal.ts';
import { defaultNetworkParams, setNetworkParameter, type NetworkParams } from '../config/network.ts';
import { validateMarketConfig, type MarketConfig } from '../config/market.ts';
import { Market } from '../market/market.ts';
import { SpotMarket, type SpotAssets } from '../spot/market.ts';
import { validateSpotMarketSpec, type SpotMarketSpec } from '../spot/config.ts';
import type { SuccessionState } from '../market/types.ts';
import type { AssetConfig, CommandResult, MarketChanges } from '../commands.ts';
import type { EngineEvent, EventSink, Trade } from '../events.ts';
import { NULL_SINK } from '../events.ts';
import { SYSTEM_OWNER, type AccountType, type TransferType } from '../types.ts';
import { Programmes } from '../programmes/programmes.ts';
import { AutomatedPurchases } from '../pap/engine.ts';
import { baseFactorOf } from '../pap/pap.ts';
import { pow10 } from '../num/bigint.ts';

/** How a market was constructed (see ExchangeMarkets.buildMarket). */
export type MarketInput =
  | { readonly kind: 'future'; readonly cfg: MarketConfig; readonly decimals: number; readonly proposed: boolean }
  | {
      readonly kind: 'spot';
      readonly cfg: MarketConfig;
      readonly decimals: number;
      readonly spot: SpotAssets;
      readonly proposed: boolean;
    };

export interface ExchangeOptions {
  /** start time, ns since the Unix epoch */
  readonly now?: bigint;
  readonly params?: Partial<NetworkParams>;
  readonly sink?: EventSink;
}

const MAX_AMOUNT = 2n ** 256n - 1n;

export abstract class ExchangeMarkets {
  readonly ledger = new Ledger();
  readonly params: NetworkParams;
  readonly markets = new Map<string, Market>();
  readonly assets = new Map<string, AssetConfig>();
  protected clock: bigint;
  protected seq = 0;
  protected sinkRef: EventSink;
  // epochs (spec 0050-EPOC): a tick past the expiry marks the epoch ready to end, the next block end makes it
  // ready to start, and the following tick starts the next epoch
  epochSeq = -1;
  protected epochExpiry = 0n;
  protected epochPhase: 'running' | 'readyToEnd' | 'readyToStart' = 'running';
  // succession (spec 0081-SUCM), as Vega's execution engine keeps it: the pending successors of each parent, and
  // every market's state as of its last tick (kept for the successor window once the market has closed)
  protected readonly successors = new Map<string, string[]>();
  protected readonly succession = new Map<string, { state: SuccessionState; ttl: bigint; closed?: Market }>();

  /** each market's construction inputs, by market id (for a snapshot's restore) */
  protected readonly marketInputs = new Map<string, MarketInput>();

  /** the network's incentive programmes, transfers, rewards, vesting and staking (src/core/programmes) */
  readonly programmes: Programmes;
  /** protocol automated purchase programmes on spot markets (src/core/pap) */
  readonly automatedPurchases: AutomatedPurchases;

  constructor(opts: ExchangeOptions = {}) {
    this.clock = opts.now ?? 0n;
    this.programmes = new Programmes({
      quantum: (asset) => this.assets.get(asset)?.quantum,
      balance: (owner, kind, asset, market) =>
        this.ledger.get(owner, kind as AccountType, asset, market)?.balance ?? 0n,
      accountBalance: (owner, kind, asset, market) =>
        this.ledger.get(owner, kind as AccountType, asset, market)?.balance,
      move: (from, to, amount, type) => {
        const a = this.ledger.getOrCreate(from.owner, from.kind as AccountType, from.asset, from.market);
        const b = this.ledger.getOrCreate(to.owner, to.kind as AccountType, to.asset, to.market);
        this.ledger.transfer(a, b, amount, type as TransferType, { recordZero: true });
      },
      parties: () => [...this.ledger.all()].filter((a) => a.type === 'GENERAL').map((a) => a.owner),
    });
    const spot = (id: string) => {
      const m = this.markets.get(id);
      return m instanceof SpotMarket ? m : undefined;
    };
    this.automatedPurchases = new AutomatedPurchases({
      now: () => this.clock,
      market: spot,
      baseFactor: (id) => {
        const m = spot(id)!;
        return baseFactorOf(this.assets.get(m.baseAsset)?.decimals ?? 0, m.configView().positionDecimalPlaces);
      },
      positionFactor: (id) => Decimal.fromBigInt(pow10(spot(id)!.configView().positionDecimalPlaces)),
      balance: (owner, kind, asset) => this.ledger.get(owner, kind, asset)?.balance ?? 0n,
      move: (from, to, amount, type) => {
        const a = this.ledger.getOrCreate(from.owner, from.kind, from.asset);
        const b = this.ledger.getOrCreate(to.owner, to.kind, to.asset);
        this.ledger.transfer(a, b, amount, type);
      },
      announced: (cfg, amount) =>
        this.sinkRef.emit({
          type: 'automatedPurchaseAnnounced',
          marketId: cfg.marketId,
          id: cfg.id,
          from: cfg.from,
          fromAccountType: cfg.fromAccountType,
          toAccountType: cfg.toAccountType,
          amount,
        }),
    });
    this.params = { ...defaultNetworkParams(), ...(opts.params ?? {}) };
    this.sinkRef = opts.sink ?? NULL_SINK;
    this.ledger.listener = {
      onAccountCreated: (account) => this.sinkRef.emit({ type: 'accountCreated', account }),
      onEntry: (entry) => {
        // liquidity fees allocated to an LP are its "LP fees received" reward metric (0056-REWA)
        if (entry.type === 'LIQUIDITY_FEE_ALLOCATE')
          this.programmes.onLpFeesReceived(entry.to.market, entry.to.asset, entry.to.owner, entry.amount);
        // mark-to-market and funding wins and losses: the relative and realised return metrics (0056-REWA)
        else if (entry.type === 'MTM_WIN' || entry.type === 'PERPETUALS_FUNDING_WIN')
          this.programmes.onSettlement(
            entry.to.market,
            entry.to.asset,
            entry.to.owner,
            entry.amount,
            entry.type === 'MTM_WIN' ? 'MTM' : 'FUNDING',
          );
        else if (entry.type === 'MTM_LOSS' || entry.type === 'PERPETUALS_FUNDING_LOSS')
          this.programmes.onSettlement(
            entry.from.market,
            entry.from.asset,
            entry.from.owner,
            -entry.amount,
            entry.type === 'MTM_LOSS' ? 'MTM' : 'FUNDING',
          );
        this.sinkRef.emit({ type: 'ledger', entry });
      },
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

  protected nextId(kind: 'order' | 'trade'): string {
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

  /** Margin-fraction cross collateral: a party's initial haircut in an asset (the Exchange layer holds the tokens). */
  protected collateralHaircut(_party: string, _asset: string): bigint {
    return 0n;
  }

  /** Every trade reaches the programmes with its value in quantum units (volumes, streaks, reward metrics). */
  private onTradeForProgrammes(m: Market, t: Trade, spot = false): void {
    const q = this.programmes.quantumOf(m.asset);
    const value = m.tradeValueOf(t);
    const total = (f: Trade['buyerFee']) =>
      f.makerFee + f.infrastructureFee + f.liquidityFee + f.buyBackFee + f.treasuryFee;
    const takerFee = t.aggressor === 'buy' ? t.buyerFee : t.aggressor === 'sell' ? t.sellerFee : undefined;
    this.programmes.onTrade({
      buyer: t.buyer,
      seller: t.seller,
      aggressor: t.aggressor === 'buy' ? 'buyer' : t.aggressor === 'sell' ? 'seller' : undefined,
      quantumNotional: q.isZero() ? value : value.div(q),
      marketId: m.id,
      asset: m.asset,
      ...(takerFee ? { makerFee: takerFee.makerFee } : {}),
      buyerFees: t.aggressor === 'sell' ? 0n : total(t.buyerFee),
      sellerFees: t.aggressor === 'buy' ? 0n : total(t.sellerFee),
      value: value.trunc(),
      ...(spot
        ? {}
        : { size: t.size, price: t.price, time: t.timestamp, positionDecimals: m.configView().positionDecimalPlaces }),
    });
  }

  asset(id: string): AssetConfig | undefined {
    return this.assets.get(id);
  }

  setNetworkParameter(name: string, value: string): void {
    if (this.programmes.setParameter(name, value)) return;
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
    const m = this.buildMarket({ kind: 'future', cfg, decimals: asset.decimals, proposed: opts.proposed === true });
    this.markets.set(cfg.id, m);
    if (cfg.successor) {
      const list = this.successors.get(cfg.successor.parentMarketId) ?? [];
      list.push(cfg.id);
      this.successors.set(cfg.successor.parentMarketId, list);
    }
    return m;
  }

  /** Creates a spot market (spec 0080-SPOT) and starts its opening auction (`proposed`: as createMarket). */
  createSpotMarket(spec: SpotMarketSpec, opts: { proposed?: boolean } = {}): SpotMarket {
    if (this.markets.has(spec.id)) throw new RangeError(`market ${spec.id}: already exists`);
    const quote = this.assets.get(spec.quoteAsset);
    if (!quote) throw new RangeError(`market ${spec.id} quoteAsset: asset "${spec.quoteAsset}" is not registered`);
    const base = this.assets.get(spec.baseAsset);
    if (!base) throw new RangeError(`market ${spec.id} baseAsset: asset "${spec.baseAsset}" is not registered`);
    const cfg = validateSpotMarketSpec(spec, quote.decimals);
    const spot = { baseAsset: spec.baseAsset, quoteAsset: spec.quoteAsset, baseDecimals: base.decimals };
    const m = this.buildMarket({ kind: 'spot', cfg, decimals: quote.decimals, spot, proposed: opts.proposed === true });
    this.markets.set(spec.id, m);
    return m as SpotMarket;
  }

  /**
   * Constructs a market from its inputs (validated by the caller) and remembers them: a snapshot's restore rebuilds
   * each market's wiring (its host interfaces, closures over this exchange) from them before restoring its state.
   */
  protected buildMarket(input: MarketInput): Market {
    this.marketInputs.set(input.cfg.id, input);
    if (input.kind === 'spot') {
      // spot trades feed the programmes (fee discounts, rebates, volumes, fee-based reward metrics) but hold no
      // position
      const ctx = {
        ...this.marketContext(),
        sink: {
          emit: (e: EngineEvent) => {
            if (e.type === 'trade') this.onTradeForProgrammes(sm, e.trade, true);
            this.sinkRef.emit(e);
          },
        },
        programmes: this.programmes,
      };
      const sm: SpotMarket = new SpotMarket(input.cfg, input.decimals, input.spot, ctx, input.proposed);
      return sm;
    }
    const m = new Market(
      input.cfg,
      input.decimals,
      {
        ledger: this.ledger,
        params: this.params,
        sink: {
          emit: (e) => {
            if (e.type === 'trade') this.onTradeForProgrammes(m, e.trade);
            else if (e.type === 'markPrice') this.programmes.onMarkPrice(e.marketId, e.price);
            this.sinkRef.emit(e);
          },
        },
        now: () => this.clock,
        nextId: (k) => this.nextId(k),
        assetQuantum: (id) => this.assets.get(id)?.quantum ?? Decimal.ONE,
        programmes: this.programmes,
        collateralHaircut: (party, asset) => this.collateralHaircut(party, asset),
      },
      input.proposed,
    );
    return m;
  }

  protected marketContext() {
    return {
      ledger: this.ledger,
      params: this.params,
      sink: { emit: (e: EngineEvent) => this.sinkRef.emit(e) },
      now: () => this.clock,
      nextId: (k: 'order' | 'trade') => this.nextId(k),
      assetQuantum: (id: string) => this.assets.get(id)?.quantum ?? Decimal.ONE,
    };
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

  protected removeSuccessor(parent: string, id: string): void {
    const list = this.successors.get(parent);
    if (!list) return;
    const rest = list.filter((x) => x !== id);
    if (rest.length) this.successors.set(parent, rest);
    else this.successors.delete(parent);
  }

  /** A pending successor loses: the market is rejected and removed, with any successors of its own. */
  protected rejectMarket(id: string): void {
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
      validateMarketConfig({ ...m.configView(), ...changes }, asset.decimals);
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
    const pool = this.ledger.getOrCreate(SYSTEM_OWNER, 'INSURANCE', m.asset, m.id);
    this.ledger.transfer(this.ledger.external(m.asset), pool, amount, 'DEPOSIT');
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
}
