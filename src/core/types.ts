// Vocabulary shared by the engine's mechanisms: sides, order types and statuses, account and transfer types.
// Names follow the protocol (spec 0014-ORDT order types, 0024-OSTA order status, 0013-ACCT accounts).

export type Side = 'buy' | 'sell';

export type OrderType = 'LIMIT' | 'MARKET' | 'NETWORK';

export type TimeInForce = 'GTC' | 'GTT' | 'IOC' | 'FOK' | 'GFA' | 'GFN';

export type OrderStatus =
  'ACTIVE' | 'EXPIRED' | 'CANCELLED' | 'STOPPED' | 'FILLED' | 'REJECTED' | 'PARTIALLY_FILLED' | 'PARKED';

export type PeggedReference = 'BEST_BID' | 'BEST_ASK' | 'MID';

export type TradingMode =
  | 'CONTINUOUS'
  | 'OPENING_AUCTION'
  | 'MONITORING_AUCTION'
  | 'LONG_BLOCK_AUCTION'
  | 'PROTOCOL_AUTOMATED_PURCHASE_AUCTION'
  | 'NO_TRADING'
  | 'SUSPENDED_VIA_GOVERNANCE';

export type AuctionTrigger =
  | 'UNSPECIFIED'
  | 'OPENING'
  | 'PRICE'
  | 'LIQUIDITY_TARGET_NOT_MET'
  | 'GOVERNANCE_SUSPENSION'
  | 'LONG_BLOCK'
  | 'PROTOCOL_AUTOMATED_PURCHASE';

export type MarketState =
  | 'PROPOSED'
  | 'PENDING'
  | 'ACTIVE'
  | 'SUSPENDED'
  | 'SUSPENDED_VIA_GOVERNANCE'
  | 'TRADING_TERMINATED'
  | 'SETTLED'
  | 'CANCELLED'
  | 'CLOSED'
  | 'REJECTED';

export type MarginMode = 'cross' | 'isolated';

export type AccountType =
  | 'GENERAL'
  | 'MARGIN'
  | 'ORDER_MARGIN'
  | 'BOND'
  | 'INSURANCE'
  | 'GLOBAL_INSURANCE'
  | 'SETTLEMENT'
  | 'FEES_INFRASTRUCTURE'
  | 'FEES_LIQUIDITY'
  | 'FEES_MAKER'
  | 'LP_LIQUIDITY_FEES'
  | 'LIQUIDITY_FEES_BONUS_DISTRIBUTION'
  | 'NETWORK_TREASURY'
  | 'BUY_BACK_FEES'
  | 'HOLDING'
  | 'EXTERNAL'
  // programmes (src/core/programmes): transfers, rewards, vesting, referral rewards
  | 'PENDING_TRANSFERS'
  | 'PENDING_FEE_REFERRAL_REWARD'
  | 'VESTING_REWARDS'
  | 'VESTED_REWARDS'
  | 'GLOBAL_REWARD'
  | 'REWARD_MAKER_PAID_FEES'
  | 'REWARD_MAKER_RECEIVED_FEES'
  | 'REWARD_LP_RECEIVED_FEES'
  | 'REWARD_MARKET_PROPOSERS'
  | 'REWARD_AVERAGE_NOTIONAL'
  | 'REWARD_RELATIVE_RETURN'
  | 'REWARD_RETURN_VOLATILITY'
  | 'REWARD_VALIDATOR_RANKING'
  | 'REWARD_REALISED_RETURN'
  | 'REWARD_ELIGIBLE_ENTITIES'
  // margin-fraction cross collateral (src/core/margin-fraction/collateral.ts): lent quote and liquidated tokens
  | 'LENDING_POOL';

export type TransferType =
  | 'DEPOSIT'
  | 'WITHDRAW'
  | 'MTM_LOSS'
  | 'MTM_WIN'
  | 'LOSS'
  | 'WIN'
  | 'MARGIN_LOW'
  | 'MARGIN_HIGH'
  | 'MARGIN_CONFISCATED'
  | 'BOND_LOW'
  | 'BOND_HIGH'
  | 'BOND_SLASHING'
  | 'MAKER_FEE_PAY'
  | 'MAKER_FEE_RECEIVE'
  | 'INFRASTRUCTURE_FEE_PAY'
  | 'LIQUIDITY_FEE_PAY'
  | 'LIQUIDITY_FEE_ALLOCATE'
  | 'LIQUIDITY_FEE_DISTRIBUTE'
  | 'LIQUIDITY_FEE_NET_DISTRIBUTE'
  | 'LIQUIDITY_FEE_UNPAID_COLLECT'
  | 'SLA_PENALTY_BOND_APPLY'
  | 'SLA_PENALTY_LP_FEE_APPLY'
  | 'SLA_PERFORMANCE_BONUS_DISTRIBUTE'
  | 'CLEAR_ACCOUNT'
  | 'PERPETUALS_FUNDING_LOSS'
  | 'PERPETUALS_FUNDING_WIN'
  | 'ISOLATED_MARGIN_LOW'
  | 'ISOLATED_MARGIN_HIGH'
  | 'ORDER_MARGIN_LOW'
  | 'ORDER_MARGIN_HIGH'
  | 'TREASURY_FEE_PAY'
  | 'BUY_BACK_FEE_PAY'
  | 'CHECKPOINT_BALANCE_RESTORE'
  | 'SUCCESSOR_INSURANCE_FRACTION'
  | 'AMM_LOW'
  | 'AMM_HIGH'
  | 'AMM_RELEASE'
  | 'HOLDING_LOCK'
  | 'HOLDING_RELEASE'
  | 'SPOT'
  // programmes (src/core/programmes)
  | 'HIGH_MAKER_FEE_REBATE_PAY'
  | 'HIGH_MAKER_FEE_REBATE_RECEIVE'
  | 'FEE_REFERRER_REWARD_PAY'
  | 'FEE_REFERRER_REWARD_DISTRIBUTE'
  | 'TRANSFER_FUNDS_SEND'
  | 'TRANSFER_FUNDS_DISTRIBUTE'
  | 'REWARD_PAYOUT'
  | 'REWARDS_VESTED'
  // protocol automated purchase (src/core/pap): the earmarked amount to the programme's order, what it bought or
  // did not use back to the network's accounts
  | 'AUTOMATED_PURCHASE_FUND'
  | 'AUTOMATED_PURCHASE_PROCEEDS'
  | 'AUTOMATED_PURCHASE_RETURN'
  // margin-fraction cross collateral (src/core/margin-fraction/collateral.ts)
  | 'LOAN_DRAW'
  | 'LOAN_REPAY'
  | 'COLLATERAL_LIQUIDATION';

/** The party that takes over distressed positions (spec 0012-POSR). */
export const NETWORK_PARTY = 'network';
/** Owner of market- and asset-level system accounts. */
export const SYSTEM_OWNER = '*';

export function otherSide(s: Side): Side {
  return s === 'buy' ? 'sell' : 'buy';
}

/** Nanoseconds per second, as a bigint (Vega time is in nanoseconds). */
export const NS = 1_000_000_000n;
