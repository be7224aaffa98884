// The protocol automated purchase programmes of the network (spec 0097-PAPU), at most one per spot market, and the
// earmarks they share on the network's accounts. The exchange feeds it oracle data and each tick (the programmes'
// time triggers before the markets' tick, the end of their orders and their expiry after it).
import { AutomatedPurchase, Earmarks, type AutomatedPurchaseConfig, type AutomatedPurchaseHost } from './pap.ts';
import type { OracleData } from '../products/oracle.ts';

const SOURCE_ACCOUNTS = new Set(['BUY_BACK_FEES', 'NETWORK_TREASURY']);
const DESTINATION_ACCOUNTS = new Set(['BUY_BACK_FEES', 'NETWORK_TREASURY', 'GLOBAL_INSURANCE']);

export class AutomatedPurchases {
  private readonly byMarket = new Map<string, AutomatedPurchase>();
  readonly earmarks = new Earmarks();

  constructor(private readonly host: AutomatedPurchaseHost) {}

  /** Starts a programme on a spot market; a clear error when the configuration or the market does not allow it. */
  add(cfg: AutomatedPurchaseConfig): string | undefined {
    const market = this.host.market(cfg.marketId);
    if (!market) return `market id: no spot market "${cfg.marketId}"`;
    if (this.byMarket.has(cfg.marketId))
      return `market id: market "${cfg.marketId}" already has an automated purchase programme`;
    if (!SOURCE_ACCOUNTS.has(cfg.fromAccountType))
      return `from account type: ${cfg.fromAccountType} is not a network account automated purchases can use`;
    if (!DESTINATION_ACCOUNTS.has(cfg.toAccountType))
      return `to account type: ${cfg.toAccountType} is not a network account automated purchases can pay into`;
    if (cfg.minimumAuctionSize <= 0n) return 'minimum auction size: must be greater than 0';
    if (cfg.maximumAuctionSize < cfg.minimumAuctionSize)
      return 'maximum auction size: must not be less than the minimum auction size';
    if (!cfg.oracleOffsetFactor.isPositive()) return 'oracle offset factor: must be greater than 0';
    if (cfg.auctionDuration <= 0n) return 'auction duration: must be greater than 0';
    if (cfg.priceStalenessTolerance < 0n) return 'price oracle staleness tolerance: must not be negative';
    if (cfg.expiry < 0n || (cfg.expiry > 0n && cfg.expiry <= this.host.now()))
      return 'expiry timestamp: must be 0 or in the future';
    try {
      this.byMarket.set(cfg.marketId, new AutomatedPurchase(cfg, market, this.host, this.earmarks));
    } catch (e) {
      if (e instanceof RangeError) return e.message;
      throw e;
    }
    return undefined;
  }

  /** The programme running on a market. */
  of(marketId: string): AutomatedPurchase | undefined {
    return this.byMarket.get(marketId);
  }

  onOracleData(data: OracleData): void {
    for (const p of this.byMarket.values()) p.onOracleData(data);
  }

  /** Before the markets' tick: every programme's time triggers, in market-id order. */
  beforeMarkets(now: bigint): void {
    if (this.byMarket.size === 0) return;
    for (const id of [...this.byMarket.keys()].sort()) this.byMarket.get(id)!.onTriggers(now);
  }

  /** After the markets' tick: finished orders are settled, expired programmes stop and finished ones end. */
  afterMarkets(now: bigint): void {
    if (this.byMarket.size === 0) return;
    for (const id of [...this.byMarket.keys()].sort())
      if (this.byMarket.get(id)!.afterTick(now)) this.byMarket.delete(id);
  }

  hashParts(): string[] {
    const parts = [...this.earmarks.hashParts()];
    for (const id of [...this.byMarket.keys()].sort()) parts.push(...this.byMarket.get(id)!.hashParts());
    return parts;
  }
}
