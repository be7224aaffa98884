// The venue's one door into the engine: everything src/live needs from src/core is re-exported here, so that when
// the core's internal paths move only this file changes. Nothing in src/live imports src/core directly.
export {
  Exchange,
  type AssetConfig,
  type BatchInstruction,
  type BatchResult,
  type CommandResult,
} from '../core/exchange.ts';
export {
  Market,
  type MarketData,
  type OrderAmendment,
  type OrderResult,
  type OrderSubmission,
  type StopOrderSpec,
} from '../core/market.ts';
export { Decimal } from '../core/num/decimal.ts';
export type { EngineEvent, EventSink, OrderSnapshot, Trade, FeeBreakdown } from '../core/events.ts';
export type { Account, LedgerEntry } from '../core/ledger/ledger.ts';
export type { OracleData } from '../core/products/oracle.ts';
export type { MarginLevels } from '../core/risk/margin.ts';
export {
  NS,
  NETWORK_PARTY,
  SYSTEM_OWNER,
  type OrderStatus,
  type OrderType,
  type PeggedReference,
  type Side,
  type TimeInForce,
  type TradingMode,
} from '../core/types.ts';
