// The network's take-over of distressed positions (spec 0012-POSR position resolution): each distressed party's
// whole open volume is traded with the network at the mark price (NETWORK_CLOSE_OUT_BAD, no fees). It computes and
// returns the trades; the market applies them to positions and settlement, emits them and moves the collateral.
import type { Trade } from '../events.ts';
import { NO_FEES } from '../events.ts';
import { NETWORK_PARTY } from '../types.ts';

/** What the take-over reads from its market. */
export interface CloseOutHost {
  readonly marketId: string;
  /** the market's mark price (asset precision) and its factor to market precision */
  readonly markPrice: bigint;
  readonly priceFactor: bigint;
  readonly now: bigint;
  /** a party's signed open volume (0 when it has no position) */
  openVolume(party: string): number;
  nextTradeId(): string;
}

/**
 * The network's trades taking over the distressed parties' positions, in the parties' order (flat ones skipped; a
 * party listed twice is taken over once, its position being flat by its second turn).
 */
export function networkTakeOverTrades(distressed: readonly string[], host: CloseOutHost): Trade[] {
  const trades: Trade[] = [];
  const seen = new Set<string>();
  for (const party of distressed) {
    if (seen.has(party)) continue;
    seen.add(party);
    const volume = host.openVolume(party);
    const size = Math.abs(volume);
    if (size === 0) continue;
    const partyLong = volume > 0;
    trades.push({
      id: host.nextTradeId(),
      marketId: host.marketId,
      price: host.markPrice,
      marketPrice: host.markPrice / host.priceFactor,
      size,
      buyer: partyLong ? NETWORK_PARTY : party,
      seller: partyLong ? party : NETWORK_PARTY,
      aggressor: partyLong ? 'buy' : 'sell',
      buyOrder: '',
      sellOrder: '',
      timestamp: host.now,
      type: 'NETWORK_CLOSE_OUT_BAD',
      buyerFee: NO_FEES,
      sellerFee: NO_FEES,
    });
  }
  return trades;
}
