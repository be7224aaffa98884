// The engine's public surface (DESIGN "Layout"): the exchange, its commands and results, the events it emits, the
// configuration types and the pure helpers outside code legitimately uses (exact decimals, the risk-model and
// margin formulas the proposal analyser and the liquidity model evaluate, the funding formula, PnL accounting).
// Code outside src/core imports only this module; the folders behind it are the engine's internals.
export { Exchange, type ExchangeOptions } from './exchange/exchange.ts';
export { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, SnapshotError, type EngineSnapshot } from './exchange/snapshot.ts';
export { encodeGraph, decodeGraph, type CodecOptions, type EncodedGraph } from './exchange/snapshot-codec.ts';
export * from './commands.ts';
export * from './events.ts';
export * from './types.ts';
export * from './config/market.ts';
export * from './config/network.ts';
export { Decimal, dec, DIVISION_PRECISION } from './num/decimal.ts';
export { pow10, absBig, minBig, maxBig, floorDiv, ceilDiv, parseBigInt, medianBig } from './num/bigint.ts';
export { Ledger, InsufficientFundsError, accountId, type Account, type LedgerEntry } from './ledger/ledger.ts';
export type { Market } from './market/market.ts';
export { SpotMarket, type SpotAssets } from './spot/market.ts';
export { spotMarketConfig, validateSpotMarketSpec, type SpotMarketSpec } from './spot/config.ts';
export type { MarketData, AuctionState, SuccessionState } from './market/types.ts';
export {
  crossMarginLevels,
  maintenanceMarginDecimal,
  scaleMargins,
  ZERO_MARGIN,
  type MarginLevels,
  type RiskFactors,
} from './risk/margin.ts';
export { boundFactors, riskFactors } from './risk/models.ts';
export { logNormalRiskFactors, probabilityOfTrading, SECONDS_PER_YEAR } from './risk/quant.ts';
export { PerpetualState, YEAR_NS } from './products/perpetual.ts';
export type { OracleData } from './products/oracle.ts';
export { TimeTrigger } from './products/oracle.ts';
export type { AutomatedPurchaseConfig } from './pap/pap.ts';
export { PnlTracker } from './positions/pnl.ts';
export { OrderBook, type BookOrder } from './book/orderbook.ts';
export {
  ammSubAccount,
  type AmmSubmission,
  type AmmAmendment,
  type AmmCancellation,
  type AmmCancelMethod,
} from './amm/engine.ts';
export type { AmmBaseSource, AmmParameters, AmmPoolView, AmmStatus, AmmStatusReason } from './amm/pool.ts';
export {
  generateCurve,
  leverageFactor,
  positionAt,
  sqrtPrice,
  fairPrice as ammFairPrice,
  volumeBetween as ammVolumeBetween,
  type Curve as AmmCurve,
} from './amm/curve.ts';
export { Programmes, type ProgrammeTrade } from './programmes/programmes.ts';
export type { Factors as ProgrammeFactors } from './programmes/benefits.ts';
export { applyTakerBenefits, applyMakerRebate } from './programmes/benefits.ts';
export type { ReferralBenefitTier, ReferralStakingTier, ReferralSetStats } from './programmes/referral.ts';
export { isRewardMetric, METRIC_ACCOUNT, strategyKey, type RewardStrategy } from './programmes/rewards.ts';
export { parseRankTable } from './programmes/distribution.ts';
export type { MarginFractionParams } from './margin-fraction/params.ts';
export { validateMarginFraction } from './margin-fraction/params.ts';
export type { CollateralTokenParams, CrossCollateralAccount, LendingTotals } from './margin-fraction/collateral.ts';
