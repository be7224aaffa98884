// Using the engine from TypeScript: a market from a governance proposal, two parties, an opening auction, a trade,
// mark-to-market, and what the market looks like afterwards. Run it with `node --import tsx examples/engine.ts`.
import { EventLog, Exchange, NS } from '../src/core/index.ts';
import { loadProposalFile } from '../src/proposal/index.ts';

const proposal = loadProposalFile(new URL('../scenarios/link-usd-perp.proposal.json', import.meta.url).pathname);
const market = proposal.config.id; // "LINK/USD-PERP"; prices have 2 decimals (1100 = 11.00 USDT), sizes are whole
const asset = proposal.asset.id; // USDT, 6 decimals

// Every event the engine emits (trades, transfers, margin levels, mark prices, auctions…) goes to the sink.
const log = new EventLog();
const ex = new Exchange({ now: 1_700_000_000n * NS, sink: log, params: { auctionMinimumDuration: NS } });
ex.registerAsset({ id: asset, decimals: proposal.asset.decimals, quantum: proposal.asset.quantum });
ex.createMarket({ ...proposal.config, openingAuctionDuration: 2 }); // shorter than the proposal's 30 minutes

for (const party of ['alice', 'bob']) ex.deposit(party, asset, 10_000n * 10n ** 6n); // 10,000 USDT each
const order = (party: string, side: 'buy' | 'sell', size: number, price: number) =>
  ex.submitOrder({ marketId: market, party, side, size, price, type: 'LIMIT', tif: 'GTC' });
order('alice', 'buy', 10, 1100); // crossing orders during the opening auction…
order('bob', 'sell', 10, 1100);
order('alice', 'buy', 5, 1090); // …and a book either side
order('bob', 'sell', 5, 1110);

for (let i = 0; i < 3; i++) ex.nextBlock(NS); // one-second blocks: the auction uncrosses, then mark-to-market

const m = ex.market(market)!;
const data = m.marketData();
console.log(
  `trading mode ${data.tradingMode}, mark price ${m.markPrice} (asset precision), open interest ${data.openInterest}`,
);
for (const e of log.events)
  if (e.type === 'trade')
    console.log(`trade ${e.trade.buyer} buys ${e.trade.size} from ${e.trade.seller} at ${e.trade.marketPrice}`);
for (const party of ['alice', 'bob']) {
  const accounts = ex.ledger.accountsOf(party).map((a) => `${a.type} ${a.balance}`);
  console.log(`${party}: ${accounts.join(', ')}`);
}
console.log(`state hash ${ex.stateHash()}`);
