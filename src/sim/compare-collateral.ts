// `perpsim compare --token-collateral SHARE`: the margin-fraction run with cross-collateral token balances
// (core margin-fraction/collateral.ts). At the start every trader that is not a maker or a liquidity provider turns
// SHARE of its quote deposit into equal values of two collateral tokens (ETH and BTC, bought at the price then),
// and a lending pool lends the quote against them: each trader's loan is its maintenance-weighted token value, so
// its money is its own quote plus that value, and a loss beyond its own quote is paid with borrowed quote. The
// tokens' prices follow their own geometric Brownian motions (seeded from the scenario's seed, independent of the
// perpetual's underlying) and reach the engine every minute with a Pyth-style confidence (widened now and then), so
// a falling token makes loans repaid from the traders' money or, when there is none left, their tokens liquidated.
// Reported: the borrowing used (Σ of negative quote balances, i.e. quote spent beyond one's own), the loans drawn
// and repaid, the token liquidations and the bad debt, and whether every token was conserved.
import type { Exchange, LendingTotals } from '../core/index.ts';
import { Decimal } from '../core/index.ts';
import { Prng } from './prng.ts';

export interface CollateralTokenSpec {
  readonly asset: string;
  readonly decimals: number;
  /** quote per whole token at the start */
  readonly price: number;
  /** annual volatility of its price */
  readonly volatility: number;
  readonly initialWeight: string;
  readonly maintenanceWeight: string;
  /** the oracle's confidence as a fraction of the price (×10 on 2% of the publications) */
  readonly confidence: number;
}

export const COLLATERAL_TOKENS: readonly CollateralTokenSpec[] = [
  {
    asset: 'ETH',
    decimals: 8,
    price: 2000,
    volatility: 0.8,
    initialWeight: '0.8',
    maintenanceWeight: '0.9',
    confidence: 0.001,
  },
  {
    asset: 'BTC',
    decimals: 8,
    price: 40_000,
    volatility: 0.6,
    initialWeight: '0.85',
    maintenanceWeight: '0.92',
    confidence: 0.0005,
  },
];

/** Agents that keep all their deposit in the quote (their P&L is compared across mechanisms). */
const QUOTE_ONLY_KINDS = new Set(['avellaneda-stoikov', 'liquidity-provider']);
const PRICE_EVERY_SECONDS = 60;
const YEAR_SECONDS = 365 * 86_400;

export interface TokenCollateralResult {
  /** share of each trader's deposit turned into tokens */
  readonly share: number;
  readonly tokens: readonly {
    readonly asset: string;
    readonly initialWeight: string;
    readonly maintenanceWeight: string;
    readonly startPrice: number;
    readonly finalPrice: number;
    /** held by the traders at the start and at the end, and by the lending pool (liquidated) at the end, tokens */
    readonly deposited: number;
    readonly heldAtEnd: number;
    readonly liquidated: number;
    /** Σ of every account of the token = its net deposits */
    readonly conserved: boolean;
  }[];
  readonly parties: number;
  /** quote value of the tokens bought at the start */
  readonly tokenValue: number;
  readonly lendingPool: { readonly funded: number; readonly final: number };
  readonly loans: {
    readonly lent: number;
    readonly repaid: number;
    readonly repaidByLiquidation: number;
    readonly badDebt: number;
    readonly outstanding: number;
    /** Σ open loans = lent − repaid − repaid by liquidation − written off */
    readonly balanced: boolean;
  };
  /** quote spent beyond the traders' own money: Σ max(0, loan − money) */
  readonly borrowing: {
    readonly peak: number;
    readonly peakT: number;
    readonly peakBorrowers: number;
    readonly final: number;
    readonly finalBorrowers: number;
  };
  readonly liquidations: number;
}

/** Checks the --token-collateral share (a fraction in (0, 1]). */
export function tokenShareProblem(share: number): string | undefined {
  if (!(share > 0 && share <= 1)) return `--token-collateral: ${share} is not in (0, 1]`;
  return undefined;
}

/** Drives the token side of one margin-fraction run through the runner's block hook. */
export class TokenCollateral {
  private ex: Exchange | undefined;
  private quote = '';
  private qd = 0;
  private readonly prices: number[];
  private readonly rng: Prng;
  private nextPrice = 0;
  private members: string[] = [];
  private funded = 0n;
  private tokenValue = 0n;
  private readonly deposited = new Map<string, bigint>();
  private peak = 0n;
  private peakT = 0;
  private peakBorrowers = 0;
  private lastT = 0;

  constructor(
    readonly share: number,
    seed: string,
    private readonly tokens: readonly CollateralTokenSpec[] = COLLATERAL_TOKENS,
  ) {
    this.prices = tokens.map((t) => t.price);
    this.rng = new Prng(`perpsim/${seed}/collateral-tokens`);
  }

  get assets(): string[] {
    return this.tokens.map((t) => t.asset);
  }

  onBlock(b: { ex: Exchange; t: number; block: number; parties: ReadonlyMap<string, string> }, quote: string): void {
    this.lastT = b.t;
    if (b.block === 0) this.setUp(b.ex, quote, b.parties);
    if (b.t >= this.nextPrice) {
      if (b.block > 0) this.move(b.t - (this.nextPrice - PRICE_EVERY_SECONDS));
      this.publish();
      this.nextPrice = b.t + PRICE_EVERY_SECONDS;
    }
  }

  private setUp(ex: Exchange, quote: string, parties: ReadonlyMap<string, string>): void {
    this.ex = ex;
    this.quote = quote;
    this.qd = ex.asset(quote)!.decimals;
    for (const t of this.tokens) {
      const known = ex.asset(t.asset);
      if (known && known.decimals !== t.decimals)
        throw new Error(
          `--token-collateral: the scenario's asset ${t.asset} has ${known.decimals} decimals, not ${t.decimals}`,
        );
      if (!known) ex.registerAsset({ id: t.asset, decimals: t.decimals, quantum: Decimal.ONE });
      const r = ex.configureCollateralToken({
        asset: t.asset,
        quote,
        initialWeight: Decimal.parse(t.initialWeight),
        maintenanceWeight: Decimal.parse(t.maintenanceWeight),
      });
      if (r.error) throw new Error(`--token-collateral: ${r.error}`);
    }
    this.members = [...parties.entries()]
      .filter(([, kind]) => !QUOTE_ONLY_KINDS.has(kind))
      .map(([p]) => p)
      .sort();
    const per = this.tokens.length;
    for (const party of this.members) {
      const general = ex.ledger.get(party, 'GENERAL', quote)?.balance ?? 0n;
      const move = (general * BigInt(Math.round(this.share * 1e6))) / 1_000_000n;
      if (move <= 0n) continue;
      const w = ex.withdraw(party, quote, move);
      if (w.error) throw new Error(`--token-collateral: ${party}: ${w.error}`);
      this.tokens.forEach((t, i) => {
        // equal quote values of each token, whole units rounded down: units = value × 10^td / (price × 10^qd)
        const mantissa = this.mantissa(i);
        const units = ((move / BigInt(per)) * 10n ** BigInt(t.decimals) * 100n) / (mantissa * 10n ** BigInt(this.qd));
        if (units <= 0n) return;
        const r = ex.deposit(party, t.asset, units);
        if (r.error) throw new Error(`--token-collateral: ${party}: ${r.error}`);
        this.deposited.set(t.asset, (this.deposited.get(t.asset) ?? 0n) + units);
      });
      this.tokenValue += move;
    }
    // the pool can lend each trader all its maintenance-weighted value twice over
    this.funded = 2n * this.tokenValue > 0n ? 2n * this.tokenValue : 1n;
    const f = ex.fundLendingPool(quote, this.funded);
    if (f.error) throw new Error(`--token-collateral: ${f.error}`);
  }

  private mantissa(i: number): bigint {
    return BigInt(Math.max(1, Math.round(this.prices[i]! * 100)));
  }

  /** One geometric Brownian step of `dt` seconds per token (zero drift). */
  private move(dt: number): void {
    this.tokens.forEach((t, i) => {
      const s = t.volatility * Math.sqrt(dt / YEAR_SECONDS);
      this.prices[i] = this.prices[i]! * Math.exp(-0.5 * s * s + s * this.rng.normal());
    });
  }

  private publish(): void {
    const ex = this.ex!;
    this.tokens.forEach((t, i) => {
      const m = this.mantissa(i);
      const wide = this.rng.chance(0.02) ? 10 : 1;
      let conf = BigInt(Math.round(Number(m) * t.confidence * wide));
      if (conf >= m) conf = m - 1n;
      const r = ex.collateralPrice(t.asset, m, 2, conf);
      if (r.error) throw new Error(`--token-collateral: price of ${t.asset}: ${r.error}`);
    });
  }

  /** Σ max(0, loan − money) over the members (quote units) and how many borrow; kept as the peak. */
  sample(t: number): number {
    const ex = this.ex;
    if (!ex) return 0;
    let used = 0n;
    let borrowers = 0;
    for (const p of this.members) {
      const a = ex.crossCollateralAccount(p, this.quote);
      if (a.quoteBalance < 0n) {
        used -= a.quoteBalance;
        borrowers++;
      }
    }
    if (used > this.peak) {
      this.peak = used;
      this.peakT = t;
      this.peakBorrowers = borrowers;
    }
    return Number(used) / 10 ** this.qd;
  }

  result(): TokenCollateralResult {
    const ex = this.ex!;
    const q = (v: bigint) => Number(v) / 10 ** this.qd;
    const finalUsed = this.sample(this.lastT);
    let finalBorrowers = 0;
    for (const p of this.members) if (ex.crossCollateralAccount(p, this.quote).quoteBalance < 0n) finalBorrowers++;
    const totals: LendingTotals = ex.crossCollateral.totals(this.quote);
    const tokens = this.tokens.map((tk, i) => {
      const scale = 10 ** tk.decimals;
      let held = 0n;
      for (const p of this.members) held += ex.ledger.get(p, 'GENERAL', tk.asset)?.balance ?? 0n;
      return {
        asset: tk.asset,
        initialWeight: tk.initialWeight,
        maintenanceWeight: tk.maintenanceWeight,
        startPrice: tk.price,
        finalPrice: Number(this.mantissa(i)) / 100,
        deposited: Number(this.deposited.get(tk.asset) ?? 0n) / scale,
        heldAtEnd: Number(held) / scale,
        liquidated: Number(totals.tokensLiquidated[tk.asset] ?? 0n) / scale,
        conserved: ex.ledger.totalHeld(tk.asset) === ex.ledger.netDeposits(tk.asset),
      };
    });
    return {
      share: this.share,
      tokens,
      parties: this.members.length,
      tokenValue: q(this.tokenValue),
      lendingPool: { funded: q(this.funded), final: q(ex.crossCollateral.pool(this.quote).balance) },
      loans: {
        lent: q(totals.lent),
        repaid: q(totals.repaid),
        repaidByLiquidation: q(totals.liquidated),
        badDebt: q(totals.badDebt),
        outstanding: q(totals.outstanding),
        balanced: ex.crossCollateral.loansBalance(this.quote),
      },
      borrowing: {
        peak: q(this.peak),
        peakT: this.peakT,
        peakBorrowers: this.peakBorrowers,
        final: finalUsed,
        finalBorrowers,
      },
      liquidations: totals.liquidations,
    };
  }
}
