// Assertion steps: trades, transfers, balances, margins, market data, positions and PnL, book volumes, orders. Each
// group lives in checks/; they are registered here in the order the registry has always seen them.
import type { Registry } from '../registry.ts';
import { registerAccountChecks, registerAccountChecksLate } from './checks/accounts.ts';
import { registerMarketChecks, registerMarketChecksLate } from './checks/market.ts';
import { registerOrderChecks } from './checks/orders.ts';
import { registerPnlChecks } from './checks/pnl.ts';
import { registerTradeChecks } from './checks/trades.ts';

export { tradingModeName, triggerName } from './checks/common.ts';

export function registerCheckSteps(r: Registry): void {
  registerMarketChecks(r);
  registerAccountChecks(r);
  registerTradeChecks(r);
  registerAccountChecksLate(r);
  registerOrderChecks(r);
  registerPnlChecks(r);
  registerMarketChecksLate(r);
}
