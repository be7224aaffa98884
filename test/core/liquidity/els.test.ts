// Equity-like shares and market-value growth (spec 0042-LIQF), checked against values worked by hand from the spec's
// formulas (the growing-market walk-through of verified/0042-LIQF-fees_rewards_growing_market.feature).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EquityLikeShares, MarketValueWindows } from '../../../src/core/liquidity/els.ts';
import { Decimal } from '../../../src/core/num/decimal.ts';

const d = (s: string) => Decimal.parse(s);

test('a new LP enters at the total virtual stake: avg = ΣV after its entry', () => {
  const els = new EquityLikeShares();
  els.setPartyStake('lp1', 3000n);
  els.setPartyStake('lp2', 46000n);
  const [a, b] = els.entries();
  assert.equal(a!.avg.toString(), '3000');
  assert.equal(b!.avg.toString(), '49000');
  // shares: 3000/49000 and 46000/49000 at 16 dp, half away from zero
  assert.equal(a!.share.toString(), '0.0612244897959184');
  assert.equal(b!.share.toString(), '0.9387755102040816');
});

test('market growth raises virtual stakes; a later increase re-prices the entry valuation', () => {
  const els = new EquityLikeShares();
  const windows = new MarketValueWindows();
  els.setPartyStake('lp1', 3000n);
  els.setPartyStake('lp2', 46000n);
  // opening auction traded 20000; the first window has no trade: A = 20000, r = 0
  windows.addTradeValue(20000n);
  els.openingAuctionEnded();
  windows.windowStarted(0n);
  els.avgTradeValue(windows.averageTradeValue());
  windows.windowStarted(1n);
  // a trade of 21 × 1001 = 21021 in the second window: A = 20000/2 + 21021/2 = 20510.5, r = 510.5/20000 = 0.025525
  windows.addTradeValue(21021n);
  const avg = windows.averageTradeValue();
  assert.equal(avg.toString(), '20510.5');
  els.avgTradeValue(avg);
  const [a, b] = els.entries();
  assert.equal(a!.vStake.toString(), '3076.575'); // 3000 × 1.025525
  assert.equal(b!.vStake.toString(), '47174.15'); // 46000 × 1.025525
  // lp1 goes to 4000: ΣV = 50250.725 + 1000; avg = 3000 × 3000/4000 + 51250.725 × 1000/4000
  els.setPartyStake('lp1', 4000n);
  const [a2] = els.entries();
  assert.equal(a2!.avg.toString(), '15062.68125'); // 2250 + 12812.68125
  assert.equal(a2!.vStake.toString(), '4076.575');
  assert.equal(a2!.share.toString(), d('4076.575').div(d('51250.725')).toString());
  assert.equal(a2!.share.toString(), '0.0795418016037822');
});

test('a decrease scales the virtual stake and keeps the entry valuation; zero removes the LP', () => {
  const els = new EquityLikeShares();
  els.setPartyStake('lp1', 8000n);
  els.setPartyStake('lp2', 2000n);
  els.setPartyStake('lp1', 5000n);
  const [a, b] = els.entries();
  assert.equal(a!.vStake.toString(), '5000'); // 8000 × 5000/8000
  assert.equal(a!.avg.toString(), '8000');
  assert.equal(a!.share.toString(), d('5000').div(d('7000')).toString());
  assert.equal(b!.share.toString(), d('2000').div(d('7000')).toString());
  els.setPartyStake('lp1', 0n);
  assert.deepEqual(
    els.entries().map((e) => [e.party, e.share.toString()]),
    [['lp2', '1']],
  );
});
