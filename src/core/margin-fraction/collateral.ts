// Cross-collateral token balances of the margin-fraction engine variant (seed 001 "Margining": an account of token
// balances, negative = borrowed, with per-token weights), held by the exchange for every party:
//
//  - collateral tokens are engine assets (deposited to the party's general account of that asset, so tokens are
//    conserved per asset by the ledger's double entry); each is configured against a quote (settlement) asset with an
//    initial and a maintenance weight, 0 ≤ initial ≤ maintenance ≤ 1, and priced by an oracle with a confidence
//    interval (Pyth style, pricing.ts `ConfidencePrice`) valued at its lower bound price − confidence (what the
//    token is worth at worst); a price whose confidence / price exceeds the token's `maxConfidence` counts as 0;
//  - the party's quote balance is its money in the quote asset (general + margin accounts) minus its loan; a loan is
//    the seed's negative quote balance ("a negative balance is a borrow"): quote lent by the lending pool (an
//    account of SYSTEM_OWNER, funded with `fundLendingPool`) against the tokens;
//  - the loan is kept equal to the maintenance-weighted token value W_m = Σ floor(balance × (price − conf) × w_m)
//    (rounded down: the account is never credited more than its tokens are worth), drawn into the party's general
//    account whenever W_m rises (deposit, price) as far as the pool holds money, and repaid when W_m falls, from the
//    general account, then from the party's margin accounts in margin-fraction markets of that quote. So the
//    party's quote money in the engine is its own quote + W_m, which is the seed's maintenance account value
//    AV_m = quote balance + Σ weighted token value, and the market's own rules act on it unchanged: close-out when
//    money < Σ |V| × index × MMF (AV_m < MMF), orders only while money ≥ Σ open size × index × IMF + (W_m − W_i)
//    (AV_i ≥ IMF; the haircut W_m − W_i reaches the margin model through `MarginHost.collateralHaircut`);
//    the seed's OMF numerator min(AV, C + unsettled funding) is AV here: mark-to-market settles the PnL every block
//    and funding at each period's end (no unsettled funding between), and C (the unweighted value of the positive
//    balances) is never below AV (weights ≤ 1, a negative quote balance counts in AV only);
//  - account close-out: when the loan exceeds W_m and the party's quote money cannot repay the excess, the account is
//    below maintenance whatever its positions (AV_m < 0): its tokens are liquidated to the lending pool at the lower
//    price, in asset order, just enough whole units (rounded up) to repay the whole loan; a loan that outlives the
//    tokens is written off as the pool's bad debt (the lenders' loss, reported).
//
// Choices where the seed is silent: loans carry no interest and no borrow fee (the seed prices none; interest would
// be a rate model of our own); a loan is only ever of the quote asset (the engine's markets settle in it; tokens are
// never sold short here, the standalone model in account.ts allows any negative balance); the quote debt has no
// initial / maintenance fraction of its own (it has no price risk in the unit of account, the risk of the tokens
// behind it is in their weights); the pool lends at most what it holds; the drawn loan cannot be withdrawn (a quote
// withdrawal leaves the loan in the general account) and a token withdrawal is refused when the general account
// cannot repay the loan it backs.
import type { Account, Ledger } from '../ledger/ledger.ts';
import { Decimal } from '../num/decimal.ts';
import { ceilDiv, minBig, pow10 } from '../num/bigint.ts';
import { SYSTEM_OWNER } from '../types.ts';
import { ConfidencePrice } from './pricing.ts';

export interface CollateralTokenParams {
  /** the token: an engine asset */
  readonly asset: string;
  /** the quote (settlement) asset the token is lent against */
  readonly quote: string;
  /** weight of the token's value in the initial (order) check */
  readonly initialWeight: Decimal;
  /** weight in the maintenance (close-out) check; 0 ≤ initial ≤ maintenance ≤ 1 */
  readonly maintenanceWeight: Decimal;
  /** a price whose confidence / |price| exceeds this values the token at 0 (optional) */
  readonly maxConfidence?: Decimal;
}

/** What the cross-collateral book reads and moves (implemented by the exchange). */
export interface CrossCollateralHost {
  readonly ledger: Ledger;
  /** decimals of a registered asset, undefined when unknown */
  assetDecimals(asset: string): number | undefined;
  /** the party's margin accounts in margin-fraction markets settled in `quote`, sorted by market id */
  marginAccounts(party: string, quote: string): Account[];
}

export interface CollateralTokenView {
  readonly asset: string;
  /** token units (asset precision) */
  readonly balance: bigint;
  /** quote units: floor(balance × (price − conf)) unweighted, and weighted by each weight */
  readonly value: bigint;
  readonly initialValue: bigint;
  readonly maintenanceValue: bigint;
}

export interface CrossCollateralAccount {
  readonly party: string;
  readonly quote: string;
  readonly tokens: readonly CollateralTokenView[];
  /** the loan (quote units, ≥ 0): the seed's negative quote balance */
  readonly loan: bigint;
  /** Σ initial- and maintenance-weighted token values (quote units) */
  readonly initialValue: bigint;
  readonly maintenanceValue: bigint;
  /** the party's quote money (general + margin accounts of margin-fraction markets) */
  readonly quoteMoney: bigint;
  /** seed quote balance = money − loan; account values AV = quote balance + weighted token value */
  readonly quoteBalance: bigint;
  readonly accountValueInitial: bigint;
  readonly accountValueMaintenance: bigint;
}

export interface LendingTotals {
  /** Σ drawn, Σ repaid in quote, Σ repaid by token liquidations (quote value), Σ written off */
  readonly lent: bigint;
  readonly repaid: bigint;
  readonly liquidated: bigint;
  readonly badDebt: bigint;
  /** number of account liquidations and token units sold per token */
  readonly liquidations: number;
  readonly tokensLiquidated: Readonly<Record<string, bigint>>;
  /** Σ of the open loans */
  readonly outstanding: bigint;
}

export class CollateralError extends Error {}

interface QuoteBook {
  readonly loans: Map<string, bigint>;
  lent: bigint;
  repaid: bigint;
  liquidated: bigint;
  badDebt: bigint;
  liquidations: number;
  readonly tokensLiquidated: Map<string, bigint>;
}

/** A weight in [0, 1] (field named in the error). */
function checkWeight(w: Decimal, field: string): void {
  if (w.isNegative() || w.gt(Decimal.ONE)) throw new CollateralError(`${field}: ${w.toString()} is not in [0, 1]`);
}

export class CrossCollateral {
  private readonly tokens = new Map<string, CollateralTokenParams>();
  private readonly prices = new Map<string, ConfidencePrice>();
  private readonly books = new Map<string, QuoteBook>();
  /** parties that ever held a collateral token or a loan, per quote */
  private readonly members = new Map<string, Set<string>>();

  constructor(private readonly host: CrossCollateralHost) {}

  /** Whether any token is configured (nothing else runs, and nothing is hashed, until one is). */
  get active(): boolean {
    return this.tokens.size > 0;
  }

  isToken(asset: string): boolean {
    return this.tokens.has(asset);
  }

  isQuote(asset: string): boolean {
    return this.books.has(asset);
  }

  /** Configures (or reconfigures) a collateral token; the accounts holding it are rebalanced. */
  configureToken(p: CollateralTokenParams): void {
    const h = this.host;
    if (h.assetDecimals(p.asset) === undefined) throw new CollateralError(`asset: "${p.asset}" is not registered`);
    if (h.assetDecimals(p.quote) === undefined) throw new CollateralError(`quote: "${p.quote}" is not registered`);
    if (p.asset === p.quote) throw new CollateralError(`asset: "${p.asset}" is the quote asset`);
    if (this.books.has(p.asset)) throw new CollateralError(`asset: "${p.asset}" is a quote asset of other tokens`);
    if (this.tokens.has(p.quote)) throw new CollateralError(`quote: "${p.quote}" is a collateral token`);
    const prev = this.tokens.get(p.asset);
    if (prev && prev.quote !== p.quote)
      throw new CollateralError(`quote: "${p.asset}" is already lent against "${prev.quote}"`);
    checkWeight(p.initialWeight, 'initialWeight');
    checkWeight(p.maintenanceWeight, 'maintenanceWeight');
    if (p.initialWeight.gt(p.maintenanceWeight))
      throw new CollateralError(
        `initialWeight: ${p.initialWeight.toString()} must be ≤ the maintenance weight ${p.maintenanceWeight.toString()}`,
      );
    if (p.maxConfidence && p.maxConfidence.isNegative())
      throw new CollateralError(`maxConfidence: ${p.maxConfidence.toString()} is negative`);
    this.tokens.set(p.asset, p);
    this.book(p.quote);
    this.rebalanceQuote(p.quote, false);
  }

  /** An oracle price of a token (quote per whole token, with its confidence); the token's holders are rebalanced. */
  setPrice(asset: string, mantissa: bigint, decimals: number, confidence: bigint): void {
    const t = this.tokens.get(asset);
    if (!t) throw new CollateralError(`asset: "${asset}" is not a collateral token`);
    let price: ConfidencePrice;
    try {
      price = new ConfidencePrice(mantissa, decimals, confidence);
    } catch (e) {
      throw new CollateralError((e as Error).message);
    }
    if (mantissa <= 0n) throw new CollateralError(`price: ${mantissa} is not positive`);
    this.prices.set(asset, price);
    this.rebalanceQuote(t.quote, true);
  }

  /** The lending pool's account of an asset (quote lent from it, liquidated tokens received into it). */
  pool(asset: string): Account {
    return this.host.ledger.getOrCreate(SYSTEM_OWNER, 'LENDING_POOL', asset);
  }

  loan(party: string, quote: string): bigint {
    return this.books.get(quote)?.loans.get(party) ?? 0n;
  }

  /** Value of `units` of a token at its lower price in quote units, as an exact fraction (num / den). */
  private unitValue(asset: string): { num: bigint; den: bigint; exp: number } | undefined {
    const t = this.tokens.get(asset)!;
    const p = this.prices.get(asset);
    if (!p) return undefined;
    if (t.maxConfidence && p.relativeWidth.gt(t.maxConfidence)) return undefined;
    const qd = this.host.assetDecimals(t.quote)!;
    const td = this.host.assetDecimals(asset)!;
    // quote units per token unit = (m − c) / 10^d × 10^qd / 10^td
    return { num: (p.mantissa - p.confidence) * pow10(qd), den: pow10(p.decimals + td), exp: p.decimals + td };
  }

  /** `less`: token units taken off the balance (a withdrawal being checked) */
  private tokenView(party: string, t: CollateralTokenParams, less = 0n): CollateralTokenView {
    const acc = this.host.ledger.get(party, 'GENERAL', t.asset);
    const balance = (acc?.balance ?? 0n) - less;
    const u = this.unitValue(t.asset);
    if (!u || balance <= 0n) return { asset: t.asset, balance, value: 0n, initialValue: 0n, maintenanceValue: 0n };
    // the denominator is 10^e: the weighted values are exact decimals, each rounded down once
    const raw = Decimal.fromBigInt(balance * u.num).mul(Decimal.of(1n, u.exp));
    return {
      asset: t.asset,
      balance,
      value: (balance * u.num) / u.den,
      initialValue: raw.mul(t.initialWeight).floor(),
      maintenanceValue: raw.mul(t.maintenanceWeight).floor(),
    };
  }

  /** The party's account against `quote`: token values, loan and the seed's account values. */
  account(party: string, quote: string): CrossCollateralAccount {
    const tokens: CollateralTokenView[] = [];
    for (const asset of [...this.tokens.keys()].sort()) {
      const t = this.tokens.get(asset)!;
      if (t.quote === quote) tokens.push(this.tokenView(party, t));
    }
    let initialValue = 0n;
    let maintenanceValue = 0n;
    for (const v of tokens) {
      initialValue += v.initialValue;
      maintenanceValue += v.maintenanceValue;
    }
    const loan = this.loan(party, quote);
    let money = this.host.ledger.get(party, 'GENERAL', quote)?.balance ?? 0n;
    for (const a of this.host.marginAccounts(party, quote)) money += a.balance;
    const quoteBalance = money - loan;
    return {
      party,
      quote,
      tokens,
      loan,
      initialValue,
      maintenanceValue,
      quoteMoney: money,
      quoteBalance,
      accountValueInitial: quoteBalance + initialValue,
      accountValueMaintenance: quoteBalance + maintenanceValue,
    };
  }

  /** Maintenance- minus initial-weighted token value: what the margin model adds to the initial level. */
  haircut(party: string, quote: string): bigint {
    if (!this.books.has(quote)) return 0n;
    let h = 0n;
    for (const t of this.tokens.values()) {
      if (t.quote !== quote) continue;
      const v = this.tokenView(party, t);
      h += v.maintenanceValue - v.initialValue;
    }
    return h;
  }

  private book(quote: string): QuoteBook {
    let b = this.books.get(quote);
    if (!b) {
      b = {
        loans: new Map(),
        lent: 0n,
        repaid: 0n,
        liquidated: 0n,
        badDebt: 0n,
        liquidations: 0,
        tokensLiquidated: new Map(),
      };
      this.books.set(quote, b);
    }
    return b;
  }

  private member(party: string, quote: string): void {
    let s = this.members.get(quote);
    if (!s) this.members.set(quote, (s = new Set()));
    s.add(party);
  }

  /** A deposit or withdrawal of a token or the quote by `party` happened: rebalance its loan (general only). */
  balanceChanged(party: string, asset: string): void {
    const t = this.tokens.get(asset);
    const quote = t ? t.quote : this.books.has(asset) ? asset : undefined;
    if (quote === undefined) return;
    if (t) this.member(party, quote);
    if (this.members.get(quote)?.has(party)) this.rebalance(party, quote, false);
  }

  /**
   * Refusal reason of a withdrawal, or undefined: the quote withdrawn must leave the loan in the general account; a
   * token withdrawn must leave a maintenance value whose shortfall against the loan the general account can repay.
   */
  withdrawalRefusal(party: string, asset: string, amount: bigint): string | undefined {
    const t = this.tokens.get(asset);
    if (t) {
      const loan = this.loan(party, t.quote);
      if (loan === 0n) return undefined;
      const acc = this.host.ledger.get(party, 'GENERAL', asset);
      if (!acc || acc.balance < amount) return undefined; // the exchange's own check refuses it
      let after = 0n;
      for (const o of this.tokens.values())
        if (o.quote === t.quote) after += this.tokenView(party, o, o === t ? amount : 0n).maintenanceValue;
      const general = this.host.ledger.get(party, 'GENERAL', t.quote)?.balance ?? 0n;
      if (loan - after > general)
        return 'margin-fraction collateral: the withdrawal would leave the loan it backs uncovered';
      return undefined;
    }
    const loan = this.books.has(asset) ? this.loan(party, asset) : 0n;
    if (loan === 0n) return undefined;
    const general = this.host.ledger.get(party, 'GENERAL', asset)?.balance ?? 0n;
    if (general - amount < loan) return 'margin-fraction collateral: borrowed funds cannot be withdrawn';
    return undefined;
  }

  /** Every member of every quote (end of block, after the markets' close-outs): loans follow W_m, from any account. */
  rebalanceAll(): void {
    for (const quote of [...this.books.keys()].sort()) this.rebalanceQuote(quote, true);
  }

  private rebalanceQuote(quote: string, fromMargin: boolean): void {
    const s = this.members.get(quote);
    if (!s) return;
    for (const party of [...s].sort()) this.rebalance(party, quote, fromMargin);
  }

  /**
   * Brings the party's loan to its maintenance-weighted token value: draws (as far as the pool holds money) or
   * repays (general, then margin accounts when `fromMargin`); liquidates its tokens when the loan cannot be repaid.
   */
  private rebalance(party: string, quote: string, fromMargin: boolean): void {
    const l = this.host.ledger;
    const b = this.book(quote);
    const acc = this.account(party, quote);
    const target = acc.maintenanceValue;
    let loan = acc.loan;
    const general = l.getOrCreate(party, 'GENERAL', quote);
    const pool = this.pool(quote);
    if (loan < target) {
      const draw = minBig(target - loan, pool.balance);
      if (draw > 0n) {
        l.transfer(pool, general, draw, 'LOAN_DRAW');
        loan += draw;
        b.lent += draw;
      }
    } else if (loan > target) {
      let need = loan - target;
      const sources = fromMargin ? [general, ...this.host.marginAccounts(party, quote)] : [general];
      for (const src of sources) {
        if (need === 0n) break;
        const paid = l.transferUpTo(src, pool, need, 'LOAN_REPAY');
        need -= paid;
        loan -= paid;
        b.repaid += paid;
      }
      if (need > 0n && fromMargin) loan = this.liquidate(party, quote, loan, b);
    }
    if (loan === 0n) b.loans.delete(party);
    else b.loans.set(party, loan);
  }

  /** Sells the party's tokens to the pool (asset order, whole units rounded up) to repay `loan`; returns what is left. */
  private liquidate(party: string, quote: string, loan: bigint, b: QuoteBook): bigint {
    const l = this.host.ledger;
    b.liquidations++;
    for (const asset of [...this.tokens.keys()].sort()) {
      if (loan === 0n) break;
      const t = this.tokens.get(asset)!;
      if (t.quote !== quote) continue;
      const acc = l.get(party, 'GENERAL', asset);
      const u = this.unitValue(asset);
      if (!acc || acc.balance <= 0n || !u || u.num <= 0n) continue;
      // units = ceil(loan / unit value), at most the balance; their value floor(units × unit value), at most the loan
      const units = minBig(ceilDiv(loan * u.den, u.num), acc.balance);
      const value = minBig((units * u.num) / u.den, loan);
      l.transfer(acc, this.pool(asset), units, 'COLLATERAL_LIQUIDATION');
      b.tokensLiquidated.set(asset, (b.tokensLiquidated.get(asset) ?? 0n) + units);
      b.liquidated += value;
      loan -= value;
    }
    if (loan > 0n) {
      b.badDebt += loan;
      loan = 0n;
    }
    return loan;
  }

  totals(quote: string): LendingTotals {
    const b = this.books.get(quote);
    if (!b)
      return {
        lent: 0n,
        repaid: 0n,
        liquidated: 0n,
        badDebt: 0n,
        liquidations: 0,
        tokensLiquidated: {},
        outstanding: 0n,
      };
    let outstanding = 0n;
    for (const v of b.loans.values()) outstanding += v;
    return {
      lent: b.lent,
      repaid: b.repaid,
      liquidated: b.liquidated,
      badDebt: b.badDebt,
      liquidations: b.liquidations,
      tokensLiquidated: Object.fromEntries([...b.tokensLiquidated].sort(([x], [y]) => (x < y ? -1 : 1))),
      outstanding,
    };
  }

  /** The loans' identity: Σ open loans = lent − repaid − repaid by liquidations − written off. */
  loansBalance(quote: string): boolean {
    const t = this.totals(quote);
    return t.outstanding === t.lent - t.repaid - t.liquidated - t.badDebt;
  }

  hashParts(): string[] {
    if (!this.active) return [];
    const parts: string[] = [];
    for (const asset of [...this.tokens.keys()].sort()) {
      const t = this.tokens.get(asset)!;
      const p = this.prices.get(asset);
      parts.push(
        `xcol token ${asset} ${t.quote} ${t.initialWeight.toString()} ${t.maintenanceWeight.toString()} ${t.maxConfidence?.toString() ?? '-'} price=${p ? `${p.mantissa}e-${p.decimals}±${p.confidence}` : '-'}`,
      );
    }
    for (const quote of [...this.books.keys()].sort()) {
      const b = this.books.get(quote)!;
      parts.push(
        `xcol quote ${quote} lent=${b.lent} repaid=${b.repaid} liquidated=${b.liquidated} bad=${b.badDebt} n=${b.liquidations} members=${[...(this.members.get(quote) ?? [])].sort().join(',')}`,
      );
      for (const [party, v] of [...b.loans].sort(([x], [y]) => (x < y ? -1 : 1)))
        parts.push(`xcol loan ${quote} ${party} ${v}`);
    }
    return parts;
  }
}
