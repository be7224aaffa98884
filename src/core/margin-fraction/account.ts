// A margin-fraction account (seed 001 "Margining"): cross-collateral token balances with weights (negative =
// borrowed) and perpetual positions, valued at index prices. All values are exact decimals of the quote asset;
// fractions are compared by their numerators over the same denominator, so the order check is exact.
//
//   account value  AV  = Σ positions size × (index − open price) + Σ tokens balance × index × w,
//                        w = the token's weight when the balance is ≥ 0, 1 when it is borrowed
//   collateral     C   = Σ max(0, balance) × index                    (value of the positive balances)
//   position notional PN  = Σ |size| × index + Σ borrowed |balance| × index
//   position open notional PON = Σ open size × index + Σ borrowed |balance| × index,
//                        open size = max(|size + Σ bids|, |size − Σ asks|) (the riskiest position if one side fills)
//   OMF = min(AV, C + unsettled funding) / PON          IMF = (Σ PON_i × IMF_i + Σ borrowed_j × IMF_j) / PON
//   orders are accepted while OMF ≥ IMF, i.e. min(AV, C + funding) ≥ Σ PON_i × IMF_i + Σ borrowed_j × IMF_j
//   maintenance (close-out): an account is closed out when AV < Σ PN_i × MMF_i + Σ borrowed_j × MMF_j
//
// Seed bugs (documented; the corrected behaviour is what this module computes):
//  1. `user_markets_av`, `user_tokens_av` and `user_unsettled_funding` compute a sum and never return it (None), so
//     `user_av` raises TypeError. Here they return the sum.
//  2. `user_col` adds raw balances of different tokens (1 ETH + 1000 USDC = 1001); collateral is a value:
//     1 ETH at 2500 + 1000 USDC at 1 = 3500.
//  3. `position_open_notional` returns a size, not a notional (missing × index price).
//  4. `position_open_size` = size + max(asks, bids) is negative for shorts (−10 with no orders → −10, a negative
//     notional that lowers the IMF): the open size is max(|size + bids|, |size − asks|) = 10.
//  5. `user_position_notional` calls `position_notional(**p)` whose parameters are positional and named differently
//     (TypeError); here every notional is a plain function of the position.
import { Decimal } from '../num/decimal.ts';

export interface TokenBalance {
  readonly token: string;
  /** whole tokens; negative = borrowed */
  readonly balance: Decimal;
  /** quote per token */
  readonly indexPrice: Decimal;
  /** weight applied to a positive balance in the account value, in [0, 1] */
  readonly weight: Decimal;
  /** initial margin fraction of a borrow */
  readonly imf: Decimal;
  /** maintenance margin fraction of a borrow */
  readonly mmf: Decimal;
  /** Pyth-style confidence (quote per token): when set, balances are valued at index − conf, borrows at index + conf */
  readonly confidence?: Decimal;
}

export interface PerpPosition {
  readonly market: string;
  /** base units, positive long, negative short */
  readonly size: Decimal;
  /** volume-weighted open price, quote per base */
  readonly openPrice: Decimal;
  readonly indexPrice: Decimal;
  /** total remaining size of live buy orders (≥ 0) */
  readonly bids: Decimal;
  /** total remaining size of live sell orders (≥ 0) */
  readonly asks: Decimal;
  readonly imf: Decimal;
  readonly mmf: Decimal;
  /** funding accrued and not yet settled, quote; positive = owed to the account */
  readonly unsettledFunding: Decimal;
}

const ZERO = Decimal.ZERO;

function sum<T>(xs: readonly T[], f: (x: T) => Decimal): Decimal {
  let s = ZERO;
  for (const x of xs) s = s.add(f(x));
  return s;
}

/** Price a token balance is valued at: conservative bound when a confidence is given (Pyth best practice). */
function valuationPrice(t: TokenBalance): Decimal {
  if (!t.confidence) return t.indexPrice;
  return t.balance.isNegative() ? t.indexPrice.add(t.confidence) : t.indexPrice.sub(t.confidence);
}

export function positionPnl(p: PerpPosition): Decimal {
  return p.size.mul(p.indexPrice.sub(p.openPrice));
}

export function tokenValue(t: TokenBalance): Decimal {
  const v = t.balance.mul(valuationPrice(t));
  return t.balance.isNegative() ? v : v.mul(t.weight);
}

export function accountValue(positions: readonly PerpPosition[], tokens: readonly TokenBalance[]): Decimal {
  return sum(positions, positionPnl).add(sum(tokens, tokenValue));
}

export function collateralValue(tokens: readonly TokenBalance[]): Decimal {
  return sum(tokens, (t) => (t.balance.isPositive() ? t.balance.mul(valuationPrice(t)) : ZERO));
}

export function unsettledFunding(positions: readonly PerpPosition[]): Decimal {
  return sum(positions, (p) => p.unsettledFunding);
}

export function positionNotional(p: PerpPosition): Decimal {
  return p.size.abs().mul(p.indexPrice);
}

/** max(|size + bids|, |size − asks|): the position if every order on the riskier side filled. */
export function positionOpenSize(size: Decimal, bids: Decimal, asks: Decimal): Decimal {
  return Decimal.max(size.add(bids).abs(), size.sub(asks).abs());
}

export function positionOpenNotional(p: PerpPosition): Decimal {
  return positionOpenSize(p.size, p.bids, p.asks).mul(p.indexPrice);
}

/** Notional of a borrow: |balance| × price when the balance is negative, else 0. */
export function tokenNotional(t: TokenBalance): Decimal {
  return t.balance.isNegative() ? t.balance.neg().mul(valuationPrice(t)) : ZERO;
}

export function totalPositionNotional(positions: readonly PerpPosition[], tokens: readonly TokenBalance[]): Decimal {
  return sum(positions, positionNotional).add(sum(tokens, tokenNotional));
}

export function totalOpenNotional(positions: readonly PerpPosition[], tokens: readonly TokenBalance[]): Decimal {
  return sum(positions, positionOpenNotional).add(sum(tokens, tokenNotional));
}

export interface Fractions {
  readonly accountValue: Decimal;
  readonly collateral: Decimal;
  readonly unsettledFunding: Decimal;
  /** min(AV, C + funding) */
  readonly omfNumerator: Decimal;
  /** Σ PON_i × IMF_i + Σ borrows × IMF */
  readonly imfNumerator: Decimal;
  /** Σ PN_i × MMF_i + Σ borrows × MMF */
  readonly mmfNumerator: Decimal;
  readonly positionNotional: Decimal;
  readonly openNotional: Decimal;
  /** OMF, IMF: undefined when the open notional is zero (no risk: any order within collateral is fine) */
  readonly omf: Decimal | undefined;
  readonly imf: Decimal | undefined;
  /** AV / PN: undefined when PN is zero */
  readonly marginFraction: Decimal | undefined;
  /** OMF ≥ IMF (numerators compared exactly) */
  readonly canOpenOrders: boolean;
  /** AV < maintenance numerator: the account is closed out */
  readonly closeOut: boolean;
}

export function fractions(positions: readonly PerpPosition[], tokens: readonly TokenBalance[]): Fractions {
  const av = accountValue(positions, tokens);
  const col = collateralValue(tokens);
  const fund = unsettledFunding(positions);
  const omfNum = Decimal.min(av, col.add(fund));
  const imfNum = sum(positions, (p) => positionOpenNotional(p).mul(p.imf)).add(
    sum(tokens, (t) => tokenNotional(t).mul(t.imf)),
  );
  const mmfNum = sum(positions, (p) => positionNotional(p).mul(p.mmf)).add(
    sum(tokens, (t) => tokenNotional(t).mul(t.mmf)),
  );
  const pn = totalPositionNotional(positions, tokens);
  const pon = totalOpenNotional(positions, tokens);
  return {
    accountValue: av,
    collateral: col,
    unsettledFunding: fund,
    omfNumerator: omfNum,
    imfNumerator: imfNum,
    mmfNumerator: mmfNum,
    positionNotional: pn,
    openNotional: pon,
    omf: pon.isZero() ? undefined : omfNum.div(pon),
    imf: pon.isZero() ? undefined : imfNum.div(pon),
    marginFraction: pn.isZero() ? undefined : av.div(pn),
    canOpenOrders: omfNum.gte(imfNum),
    closeOut: av.lt(mmfNum),
  };
}

export interface FillResult {
  readonly size: Decimal;
  readonly openPrice: Decimal;
  /** profit realised by the part of the fill that reduced the position, quote */
  readonly realised: Decimal;
}

/**
 * A fill of `fillSize` (signed) at `fillPrice` on a position. Increasing: the open price becomes the size-weighted
 * average (exact division, 16 digits half away from zero). Reducing: the reduced part realises
 * reduced × (fill − open) × sign(position); a flip opens the remainder at the fill price.
 *
 * Seed bugs: `Book.fill` averages with `price` (the Decimal class, not the fill price) and is called with three
 * arguments for four parameters; on a reduce it subtracts size × (open − fill), which has the wrong sign (long 10 at
 * 100 selling 4 at 110 realises +40, the seed books −40) and never reduces the position; `execute` gives the buyer
 * the sell order's size (−100) and the seller +100.
 */
export function applyFill(size: Decimal, openPrice: Decimal, fillSize: Decimal, fillPrice: Decimal): FillResult {
  if (fillSize.isZero()) return { size, openPrice, realised: ZERO };
  if (size.isZero() || size.sign() === fillSize.sign()) {
    const next = size.add(fillSize);
    const open = size.mul(openPrice).add(fillSize.mul(fillPrice)).div(next);
    return { size: next, openPrice: open, realised: ZERO };
  }
  const reduced = Decimal.min(size.abs(), fillSize.abs());
  const sign = size.isPositive() ? Decimal.ONE : Decimal.ONE.neg();
  const realised = reduced.mul(fillPrice.sub(openPrice)).mul(sign);
  const next = size.add(fillSize);
  if (next.isZero()) return { size: next, openPrice: ZERO, realised };
  if (next.sign() === size.sign()) return { size: next, openPrice, realised };
  return { size: next, openPrice: fillPrice, realised };
}
