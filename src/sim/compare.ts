// `perpsim compare`: one scenario run twice — the same seed, so the same agents, the same price path and the same
// oracle publications — once under Vega's rules as the proposal configures them, once with the perpetual switched
// to the margin-fraction family of seed 001 (margin levels from initial and maintenance fractions of the notional at
// the index price, the book's mid as mark price, funding as the time-weighted spot rate mark / index − 1). The engine
// is the same otherwise, so the difference in close-outs, liquidated notional, insurance use, socialised losses,
// funding, leverage and the makers' P&L is the rules' doing. Agents react to what they see, so from the first
// different margin decision the order flows diverge: the comparison is of the two systems under the same
// population and the same underlying, not of one fixed order sequence.
import { fileURLToPath } from 'node:url';
import {
  Decimal,
  NETWORK_PARTY,
  SYSTEM_OWNER,
  validateMarginFraction,
  type EngineEvent,
  type Market,
  type MarketConfig,
  type MarginFractionParams,
} from '../core/index.ts';
import type { ConservationReport } from './conservation.ts';
import { TokenCollateral, tokenShareProblem, type TokenCollateralResult } from './compare-collateral.ts';
import { runSimulation, type AgentResult, type RunOptions, type RunResult } from './runner.ts';
import type { LoadedScenario } from './scenario.ts';

/** The default scenario of `perpsim compare`: the LINK/USD perpetual under stress, with hourly funding. */
export const COMPARE_SCENARIO = fileURLToPath(new URL('../../scenarios/compare.scenario.yaml', import.meta.url));

export const MECHANISMS = ['vega', 'margin-fraction'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** The margin-fraction rules' defaults: 10× initial leverage, closed out at 20× (5%), 1% one-sided multiplier. */
export const DEFAULT_FRACTIONS = { imf: '0.1', mmf: '0.05', multiplier: '0.01' } as const;

export interface CompareOptions {
  readonly days?: number;
  readonly seed?: string;
  /** decimal strings */
  readonly imf?: string;
  readonly mmf?: string;
  readonly multiplier?: string;
  /** both mechanisms: a perpetual's funding period, seconds (default: the proposal's schedule) */
  readonly fundingEvery?: number;
  /** seconds between samples of the time series (default 60) */
  readonly sampleSeconds?: number;
  /** margin-fraction run: share of each trader's deposit held as collateral tokens (compare-collateral.ts) */
  readonly tokenCollateral?: number;
  readonly onProgress?: (mechanism: Mechanism, done: number, total: number) => void;
}

export interface MakerPnl {
  readonly party: string;
  readonly kind: string;
  readonly position: number;
  readonly trades: number;
  readonly closedOut: number;
  readonly pnl: AgentResult['pnl'];
}

export interface MechanismResult {
  readonly rules: string;
  readonly closeOuts: { readonly total: number; readonly parties: number };
  /** Σ |position| × mark price of the positions taken over at close-out, quote units */
  readonly liquidatedNotional: number;
  readonly insurance: {
    /** paid out of the insurance pool (losses of closed-out parties it covered), quote units */
    readonly used: number;
    /** paid into it (margin of closed-out parties left over, penalties) */
    readonly received: number;
    readonly final: number;
  };
  /** Σ of the winners' reductions when losses exceed the insurance pool, quote units; by mark-to-market and funding */
  readonly socialisedLosses: { readonly total: number; readonly mtm: number; readonly funding: number };
  /** Σ of the funding payments made (losers to winners), quote units */
  readonly fundingPaid: number;
  readonly fundingPeriods: number;
  readonly meanFundingRate: number | null;
  /**
   * the largest |position| × mark / equity of any trader (the network excluded) at each new mark price, with the
   * money held before that mark-to-market's transfers and close-outs
   */
  readonly largestLeverage: { readonly value: number; readonly party: string | null; readonly t: number };
  readonly trades: number;
  readonly notional: number;
  readonly ordersRejected: number;
  readonly topRejections: readonly [string, number][];
  readonly finalMark: number;
  readonly makers: readonly MakerPnl[];
  readonly conservation: ConservationReport;
  readonly stateHash: string;
  /** margin fraction with --token-collateral: loans, borrowing used, token liquidations, tokens conserved */
  readonly collateral?: TokenCollateralResult;
}

export interface CompareSeries {
  readonly t: number[];
  readonly mark: number[];
  readonly index: number[];
  readonly closeOuts: number[];
  readonly insurance: number[];
  readonly maxLeverage: number[];
  /** --token-collateral: quote borrowed beyond the traders' own money at each sample */
  borrowed?: number[];
}

export interface CompareResult {
  readonly scenario: string;
  readonly seed: string;
  readonly days: number;
  readonly market: string;
  readonly parameters: {
    readonly imf: string;
    readonly mmf: string;
    readonly oneSidedMultiplier: string;
    /** seconds, when --funding-every replaced the proposal's schedule */
    readonly fundingEvery?: number;
    /** --token-collateral: share of the traders' deposits held as tokens in the margin-fraction run */
    readonly tokenCollateral?: number;
  };
  readonly mechanisms: Record<Mechanism, MechanismResult>;
  readonly series: Record<Mechanism, CompareSeries>;
}

export class CompareError extends Error {}

function fraction(v: string | undefined, def: string, flag: string): Decimal {
  const s = v ?? def;
  try {
    return Decimal.parse(s, flag);
  } catch {
    throw new CompareError(`${flag}: "${s}" is not a decimal number`);
  }
}

/** The margin-fraction parameters from the options, checked (errors name the flag). */
export function fractionParams(o: CompareOptions): MarginFractionParams {
  const p: MarginFractionParams = {
    initialFraction: fraction(o.imf, DEFAULT_FRACTIONS.imf, '--imf'),
    maintenanceFraction: fraction(o.mmf, DEFAULT_FRACTIONS.mmf, '--mmf'),
    oneSidedMultiplier: fraction(o.multiplier, DEFAULT_FRACTIONS.multiplier, '--multiplier'),
  };
  try {
    validateMarginFraction(p, 'margin fraction');
  } catch (e) {
    const msg = (e as Error).message
      .replace('margin fraction.initialFraction', '--imf')
      .replace('margin fraction.maintenanceFraction', '--mmf')
      .replace('margin fraction.oneSidedMultiplier', '--multiplier');
    throw new CompareError(msg);
  }
  return p;
}

/** The proposal's market under the margin-fraction rules (perpetuals: the mark price is the funding's internal series). */
export function marginFractionConfig(cfg: MarketConfig, p: MarginFractionParams): MarketConfig {
  const product =
    cfg.product.kind === 'perpetual' ? { ...cfg.product, internalCompositePrice: undefined } : cfg.product;
  return { ...cfg, product, marginFraction: p };
}

/** Both mechanisms: the perpetual's funding on the protocol's time trigger every `seconds`. */
export function withFundingEvery(cfg: MarketConfig, seconds: number): MarketConfig {
  if (cfg.product.kind !== 'perpetual') return cfg;
  return { ...cfg, product: { ...cfg.product, settlementSchedule: { kind: 'timeTrigger', every: seconds } } };
}

/** Watches one run's events: positions, equity, close-outs, insurance, socialised losses, leverage, samples. */
class Observer {
  market: Market | undefined;
  private readonly positions = new Map<string, number>();
  private readonly equity = new Map<string, bigint>();
  private mark = 0n;
  private pf = 1;
  private scale = 1;
  private nextSample = 0;
  closeOuts = 0;
  liquidated = 0n;
  insuranceUsed = 0n;
  insuranceReceived = 0n;
  socialisedMtm = 0n;
  socialisedFunding = 0n;
  maxLev = 0;
  maxLevParty: string | null = null;
  maxLevT = 0;
  readonly series: CompareSeries = { t: [], mark: [], index: [], closeOuts: [], insurance: [], maxLeverage: [] };
  /** --token-collateral: the borrowing used now, sampled with the series */
  borrowed: ((t: number) => number) | undefined;

  constructor(
    private readonly startNs: bigint,
    private readonly sampleSeconds: number,
  ) {}

  attach(m: Market): void {
    if (this.market) return; // the first market is the one compared
    this.market = m;
    this.pf = 10 ** m.configView().positionDecimalPlaces;
    this.scale = 10 ** m.assetDecimals;
  }

  on(e: EngineEvent): void {
    const m = this.market;
    switch (e.type) {
      case 'ledger': {
        const { from, to, amount } = e.entry;
        if (m && from.type === 'INSURANCE' && from.market === m.id) this.insuranceUsed += amount;
        // the pool's initial funding (from the external account) is not income
        if (m && to.type === 'INSURANCE' && to.market === m.id && from.type !== 'EXTERNAL')
          this.insuranceReceived += amount;
        // the market's asset only (collateral tokens are valued by their loans, which are money in that asset)
        if (m && from.asset !== m.asset) break;
        if (isTrader(from.owner) && from.type !== 'EXTERNAL')
          this.equity.set(from.owner, (this.equity.get(from.owner) ?? 0n) - amount);
        if (isTrader(to.owner) && to.type !== 'EXTERNAL')
          this.equity.set(to.owner, (this.equity.get(to.owner) ?? 0n) + amount);
        break;
      }
      case 'trade':
        if (e.trade.marketId !== m?.id) break;
        // the network takes the distressed position over at the mark price
        if (e.trade.type === 'NETWORK_CLOSE_OUT_BAD')
          this.liquidated += (BigInt(e.trade.size) * e.trade.price) / BigInt(this.pf);
        this.positions.set(e.trade.buyer, (this.positions.get(e.trade.buyer) ?? 0) + e.trade.size);
        this.positions.set(e.trade.seller, (this.positions.get(e.trade.seller) ?? 0) - e.trade.size);
        break;
      case 'distressedPositions':
        if (e.marketId !== m?.id) break;
        this.closeOuts += e.distressed.length;
        break;
      case 'lossSocialisation':
        if (e.marketId !== m?.id || e.amount >= 0n) break;
        if (e.funding) this.socialisedFunding -= e.amount;
        else this.socialisedMtm -= e.amount;
        break;
      case 'markPrice':
        if (e.marketId !== m?.id) break;
        this.mark = e.price;
        this.onMark(e.timestamp);
        break;
    }
  }

  private onMark(ts: bigint): void {
    const t = Number((ts - this.startNs) / 1_000_000n) / 1000;
    let top = 0;
    let who: string | null = null;
    const mark = Number(this.mark) / this.scale;
    for (const [party, pos] of this.positions) {
      if (pos === 0 || !isTrader(party)) continue;
      const eq = Number(this.equity.get(party) ?? 0n) / this.scale;
      if (!(eq > 0)) continue;
      const lev = (Math.abs(pos) / this.pf) * (mark / eq);
      if (lev > top) {
        top = lev;
        who = party;
      }
    }
    if (top > this.maxLev) {
      this.maxLev = top;
      this.maxLevParty = who;
      this.maxLevT = t;
    }
    if (t >= this.nextSample && this.market) {
      const s = this.series;
      s.t.push(t);
      s.mark.push(mark);
      const index = this.market.marketData().perpetual?.underlyingIndexPrice;
      s.index.push(index !== undefined && index > 0n ? Number(index) / this.scale : NaN);
      s.closeOuts.push(this.closeOuts);
      s.insurance.push(Number(this.market.insuranceBalance()) / this.scale);
      s.maxLeverage.push(round(top, 4));
      if (this.borrowed) (s.borrowed ??= []).push(this.borrowed(t));
      this.nextSample = t + this.sampleSeconds;
    }
  }

  q(v: bigint): number {
    return Number(v) / this.scale;
  }
}

function isTrader(owner: string): boolean {
  return owner !== SYSTEM_OWNER && owner !== NETWORK_PARTY && owner !== '';
}

function round(x: number, places: number): number {
  const f = 10 ** places;
  return Math.round(x * f) / f;
}

function runOne(
  loaded: LoadedScenario,
  mechanism: Mechanism,
  params: MarginFractionParams,
  o: CompareOptions,
): { run: RunResult; obs: Observer; tokens: TokenCollateral | undefined } {
  const startNs = BigInt(Date.parse(loaded.scenario.start)) * 1_000_000n;
  const obs = new Observer(startNs, o.sampleSeconds ?? 60);
  const tokens =
    mechanism === 'margin-fraction' && o.tokenCollateral !== undefined
      ? new TokenCollateral(o.tokenCollateral, String(o.seed ?? loaded.scenario.seed))
      : undefined;
  if (tokens) obs.borrowed = (t) => tokens.sample(t);
  const run = runSimulation(loaded, {
    ...(o.days !== undefined ? { days: o.days } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.onProgress
      ? { onProgress: (d: number, t: number) => o.onProgress!(mechanism, d, t), progressEvery: 1000 }
      : {}),
    marketConfig: (c: MarketConfig) => {
      const base = o.fundingEvery !== undefined ? withFundingEvery(c, o.fundingEvery) : c;
      return mechanism === 'margin-fraction' ? marginFractionConfig(base, params) : base;
    },
    onMarket: (m) => obs.attach(m),
    onEvent: (e) => obs.on(e),
    ...(tokens
      ? {
          hiddenAssets: tokens.assets,
          onBlock: (b: Parameters<NonNullable<RunOptions['onBlock']>>[0]) => tokens.onBlock(b, obs.market!.asset),
        }
      : {}),
  });
  return { run, obs, tokens };
}

const MAKER_KINDS = new Set(['avellaneda-stoikov', 'liquidity-provider']);

function mechanismResult(
  mechanism: Mechanism,
  params: MarginFractionParams,
  run: RunResult,
  obs: Observer,
  tokens: TokenCollateral | undefined,
) {
  const s = run.summary;
  const rules =
    mechanism === 'vega'
      ? 'Vega: risk-model margins (maintenance, search, initial, release), composite mark price, Vega funding'
      : `margin fraction: IMF ${params.initialFraction.toString()}, MMF ${params.maintenanceFraction.toString()} of the notional at the index price; mark = book mid (one-sided ×(1 ∓ ${params.oneSidedMultiplier.toString()})); funding = TWAP(mark / index − 1) × index`;
  const result: MechanismResult = {
    rules,
    closeOuts: { total: s.closeOuts.total, parties: s.closeOuts.parties },
    liquidatedNotional: obs.q(obs.liquidated),
    insurance: {
      used: obs.q(obs.insuranceUsed),
      received: obs.q(obs.insuranceReceived),
      final: s.markets[0]?.insurancePool ?? 0,
    },
    socialisedLosses: {
      total: obs.q(obs.socialisedMtm + obs.socialisedFunding),
      mtm: obs.q(obs.socialisedMtm),
      funding: obs.q(obs.socialisedFunding),
    },
    fundingPaid: s.funding.paid,
    fundingPeriods: s.funding.periods,
    meanFundingRate: s.funding.meanRate,
    largestLeverage: { value: round(obs.maxLev, 4), party: obs.maxLevParty, t: obs.maxLevT },
    trades: s.trades,
    notional: s.notional,
    ordersRejected: s.commands.rejected,
    topRejections: s.commands.topRejections,
    finalMark: s.markets[0]?.finalMark ?? 0,
    makers: run.agents
      .filter((a) => MAKER_KINDS.has(a.kind))
      .map((a) => ({
        party: a.party,
        kind: a.kind,
        position: a.position,
        trades: a.trades,
        closedOut: a.closedOut,
        pnl: a.pnl,
      })),
    conservation: s.conservation,
    stateHash: s.stateHash,
    ...(tokens ? { collateral: tokens.result() } : {}),
  };
  return result;
}

/** Runs the scenario under both mechanisms. */
export function runComparison(loaded: LoadedScenario, o: CompareOptions = {}): CompareResult {
  const params = fractionParams(o);
  if (o.tokenCollateral !== undefined) {
    const problem = tokenShareProblem(o.tokenCollateral);
    if (problem) throw new CompareError(problem);
  }
  const mechanisms = {} as Record<Mechanism, MechanismResult>;
  const series = {} as Record<Mechanism, CompareSeries>;
  let first: RunResult | undefined;
  for (const m of MECHANISMS) {
    const { run, obs, tokens } = runOne(loaded, m, params, o);
    first ??= run;
    mechanisms[m] = mechanismResult(m, params, run, obs, tokens);
    series[m] = obs.series;
  }
  const s = first!.summary;
  return {
    scenario: s.scenario,
    seed: s.seed,
    days: s.days,
    market: s.markets[0]?.name ?? '',
    parameters: {
      imf: params.initialFraction.toString(),
      mmf: params.maintenanceFraction.toString(),
      oneSidedMultiplier: params.oneSidedMultiplier.toString(),
      ...(o.fundingEvery !== undefined ? { fundingEvery: o.fundingEvery } : {}),
      ...(o.tokenCollateral !== undefined ? { tokenCollateral: o.tokenCollateral } : {}),
    },
    mechanisms,
    series,
  };
}

/** The JSON of a comparison (`--json`): numbers as numbers, the series left out. */
export function compareJson(r: CompareResult): string {
  const { series: _series, ...rest } = r;
  return JSON.stringify(rest, null, 2) + '\n';
}
