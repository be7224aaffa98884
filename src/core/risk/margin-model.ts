// The market's margin model, chosen once when the market is built (spec 0019-MCAL): the margin levels of a party
// from its position and live orders. Cross or isolated margin stays a per-party mode (risk/isolated.ts, the market's
// margin flow); the model is the market-level family of rules:
// - `StandardMarginModel`: Vega's margin calculator (risk factors, slippage, auction order notional, perpetual
//   funding add-on), `crossMarginLevels`;
// - `FullyCollateralisedMarginModel`: capped futures with full collateralisation (no leverage).
// Another family (e.g. seed 001's initial/maintenance margin-fraction rules) is a further implementation of
// `MarginModel` fed by the same host; a spot market's "no margin" is one whose `levels` are always ZERO_MARGIN and
// that permits neither isolated margin nor assumes market orders filled.
import type { MarketConfig } from '../config/market.ts';
import type { Order } from '../book/order.ts';
import { Decimal } from '../num/decimal.ts';
import type { Position } from '../positions/positions.ts';
import { MarginFractionMarginModel } from '../margin-fraction/engine.ts';
import { crossMarginLevels, ZERO_MARGIN, type MarginInput, type MarginLevels, type RiskFactors } from './margin.ts';

/** What a margin model reads from its market. */
export interface MarginHost {
  readonly positionFactor: Decimal;
  /** the current configuration (slippage and scaling factors, the product's cap) */
  marginConfig(): MarketConfig;
  marginRiskFactors(): RiskFactors;
  /** market precision → asset precision */
  toAsset(p: number): bigint;
  /** the party's order notional and auction price while in an auction (undefined outside auctions) */
  auctionNotional(party: string, extra?: Order): MarginInput['auction'] | undefined;
  /** perpetuals: the funding add-on per unit */
  fundingIncrease(): Decimal | undefined;
  /** the party's live orders (any status; the model filters) */
  partyOrders(party: string): ReadonlySet<Order> | undefined;
  /** perpetuals: the latest index (oracle) price, asset precision, 0 before any (the margin-fraction rules) */
  indexPrice(): bigint;
  /** margin-fraction cross collateral: the party's maintenance- minus initial-weighted token value (asset precision) */
  collateralHaircut?(party: string): bigint;
}

export interface MarginModel {
  /** margin levels of a party at `price` (asset precision), counting `extra` (an order being checked) */
  levels(pos: Position, price: bigint, extra?: Order): MarginLevels;
  /** the pre-trade check of a market order margins the position as if the order filled */
  readonly assumesMarketOrdersFilled: boolean;
  /** whether parties may switch to isolated margin (else the reason Vega gives) */
  readonly isolatedMarginRejection: string | undefined;
}

/** Vega's margin calculator: maintenance from risk factors and slippage, scaled to search, initial, release. */
export class StandardMarginModel implements MarginModel {
  readonly assumesMarketOrdersFilled = true;
  readonly isolatedMarginRejection = undefined;

  constructor(private readonly host: MarginHost) {}

  levels(pos: Position, price: bigint, extra?: Order): MarginLevels {
    const h = this.host;
    const cfg = h.marginConfig();
    const auction = h.auctionNotional(pos.party, extra);
    const funding = h.fundingIncrease();
    return crossMarginLevels(
      {
        openVolume: pos.openVolume,
        buyOrders: pos.buy,
        sellOrders: pos.sell,
        price,
        positionFactor: h.positionFactor,
        riskFactors: h.marginRiskFactors(),
        linearSlippageFactor: cfg.linearSlippageFactor,
        quadraticSlippageFactor: cfg.quadraticSlippageFactor,
        // plain fields (undefined when absent) rather than conditional spreads: asked per party at every MTM
        auction,
        fundingIncreasePerUnit: funding,
      },
      cfg.marginScalingFactors,
    );
  }
}

/**
 * Fully-collateralised margin (spec 0019-MCAL): a long position needs |V| × price, a short |V| × (cap − price); buy
 * orders price × size, sell orders (cap − price) × size, the larger side counting. Every level is the same, rounded
 * up. Price moves alone never leave a party short (mark-to-market moves the margin by as much as the level), but fees
 * paid out of margin can, and such a party is closed out as usual.
 */
export class FullyCollateralisedMarginModel implements MarginModel {
  /** a market order is valued at the cap (buy) or 0 (sell), not assumed filled */
  readonly assumesMarketOrdersFilled = false;
  readonly isolatedMarginRejection = 'isolated margin not permitted on fully collateralised markets';

  constructor(private readonly host: MarginHost) {}

  levels(pos: Position, price: bigint, extra?: Order): MarginLevels {
    const h = this.host;
    const p = h.marginConfig().product;
    const max = h.toAsset(Number(p.kind === 'future' && p.cap ? p.cap.maxPrice : 0n));
    const pf = h.positionFactor;
    const v = BigInt(pos.openVolume);
    let total = Decimal.fromBigInt(v >= 0n ? v * price : -v * (max - price)).div(pf);
    // per side Σ price × size and Σ size; the orders are valued at the side's volume-weighted price, floored to an
    // integer (Vega quirk inferred from 0019-MCAL-154: buys 15@18 and 30@16 count as 45 × 16 = 720, not 750)
    let buyNotional = 0n;
    let buySize = 0n;
    let sellNotional = 0n;
    let sellSize = 0n;
    const add = (o: Order) => {
      if (o.remaining <= 0) return;
      const op = o.type === 'MARKET' ? (o.side === 'buy' ? max : 0n) : h.toAsset(o.price);
      const size = BigInt(o.remaining);
      if (o.side === 'buy') {
        buyNotional += op * size;
        buySize += size;
      } else {
        sellNotional += op * size;
        sellSize += size;
      }
    };
    const mine = h.partyOrders(pos.party);
    for (const o of mine ?? []) if (o.status === 'ACTIVE' || o.status === 'PARKED') add(o);
    if (extra && !mine?.has(extra)) add(extra);
    const buy = buySize === 0n ? 0n : (buyNotional / buySize) * buySize;
    const sell = sellSize === 0n ? 0n : (max - sellNotional / sellSize) * sellSize;
    total = total.add(Decimal.fromBigInt(buy > sell ? buy : sell).div(pf));
    const level = total.ceil();
    return { maintenance: level, search: level, initial: level, release: level };
  }
}

/**
 * A spot market's model (spec 0080-SPOT): no margin at all (orders are covered in full by holdings instead), no
 * isolated margin, market orders not assumed filled.
 */
export class NoMarginModel implements MarginModel {
  readonly assumesMarketOrdersFilled = false;
  readonly isolatedMarginRejection = 'isolated margin not permitted on spot markets';

  levels(): MarginLevels {
    return ZERO_MARGIN;
  }
}

/**
 * The margin model of a market configuration: seed 001's margin-fraction rules when configured, fully collateralised
 * capped futures, else the standard calculator.
 */
export function createMarginModel(cfg: MarketConfig, host: MarginHost): MarginModel {
  if (cfg.marginFraction) return new MarginFractionMarginModel(host, cfg.marginFraction);
  return cfg.product.kind === 'future' && cfg.product.cap?.fullyCollateralised === true
    ? new FullyCollateralisedMarginModel(host)
    : new StandardMarginModel(host);
}
