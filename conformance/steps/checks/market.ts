// Market checks: mark price, auction times, trading mode and state, insurance, settlement and fee pools, bonds,
// market data, price-monitoring bounds, target and supplied stake, open interest, liquidity fee factor, time.
import type { Registry } from '../../registry.ts';
import { StepError } from '../../table.ts';
import { NS, SYSTEM_OWNER } from '../../../src/core/index.ts';
import { need, mismatch, expectInt, account, tradingModeName, checkMarketData } from './common.ts';

export function registerMarketChecks(r: Registry): void {
  r.define(/^the mark price should be "([^"]*)" for the market "([^"]*)"$/, (w, [price, id]) => {
    const m = w.market(id!);
    expectInt(`mark price of ${id}`, price!, m.markPrice / m.priceFactor);
  });

  r.define(/^the starting auction time for market "([^"]+)" is "([^"]+)"/, (w, [id, v]) => {
    expectInt(`auction start of ${id}`, v!, w.market(id!).marketData().auctionStart);
  });

  r.define(/^the ending auction time for market "([^"]+)" is "([^"]+)"/, (w, [id, v]) => {
    expectInt(`auction end of ${id}`, v!, w.market(id!).marketData().auctionEnd);
  });

  r.define(/^the trading mode should be "([^"]*)" for the market "([^"]*)"$/, (w, [mode, id]) => {
    const actual = tradingModeName(w.market(id!).tradingMode);
    if (actual !== mode) throw mismatch(`trading mode of ${id}`, mode!, actual);
  });

  r.define(/^the market state should be "([^"]*)" for the market "([^"]*)"$/, (w, [state, id]) => {
    const actual = `STATE_${w.market(id!).state}`;
    if (actual !== state) throw mismatch(`market state of ${id}`, state!, actual);
  });

  r.define(/^the insurance pool balance should be "([^"]*)" for the market "([^"]*)"$/, (w, [v, id]) => {
    expectInt(`insurance pool of ${id}`, v!, account(w, SYSTEM_OWNER, 'INSURANCE', w.marketAsset(id!), id!).balance);
  });

  r.define(/^the global insurance pool balance should be "([^"]*)" for the asset "([^"]*)"$/, (w, [v, asset]) => {
    expectInt(`global insurance pool of ${asset}`, v!, account(w, SYSTEM_OWNER, 'GLOBAL_INSURANCE', asset!).balance);
  });

  r.define(/^the settlement account should have a balance of "([^"]*)" for the market "([^"]*)"$/, (w, [v, id]) => {
    expectInt(
      `settlement account of ${id}`,
      v!,
      account(w, SYSTEM_OWNER, 'SETTLEMENT', w.marketAsset(id!), id!).balance,
    );
  });

  r.define(/^the accumulated liquidity fees should be "([^"]*)" for the market "([^"]*)"$/, (w, [v, id]) => {
    expectInt(
      `liquidity fees of ${id}`,
      v!,
      account(w, SYSTEM_OWNER, 'FEES_LIQUIDITY', w.marketAsset(id!), id!).balance,
    );
  });

  r.define(
    /^the party "([^"]*)" lp liquidity fee account balance should be "([^"]*)" for the market "([^"]*)"$/,
    (w, [party, v, id]) => {
      const m = w.market(id!);
      expectInt(`LP fee account of ${party}`, v!, account(w, party!, 'LP_LIQUIDITY_FEES', m.asset, m.id).balance);
    },
  );

  r.define(/^the accumulated infrastructure fees should be "([^"]*)" for the asset "([^"]*)"$/, (w, [v, asset]) => {
    expectInt(`infrastructure fees of ${asset}`, v!, account(w, SYSTEM_OWNER, 'FEES_INFRASTRUCTURE', asset!).balance);
  });

  r.define(
    /^"([^"]*)" should have general account balance of "([^"]*)" for asset "([^"]*)"$/,
    (w, [party, v, asset]) => {
      expectInt(`general account of ${party}`, v!, account(w, party!, 'GENERAL', asset!).balance);
    },
  );

  r.define(
    /^the party "([^"]*)" lp liquidity bond account balance should be "([^"]*)" for the market "([^"]*)"$/,
    (w, [party, v, id]) => {
      const m = w.market(id!);
      expectInt(`bond account of ${party}`, v!, account(w, party!, 'BOND', m.asset, m.id).balance);
    },
  );
}

export function registerMarketChecksLate(r: Registry): void {
  r.define(/^the market data for the market "([^"]+)" should be:$/, (w, [id], t) =>
    checkMarketData(w.market(id!), need(t)),
  );

  r.define(/^the price monitoring bounds for the market "([^"]+)" should be:$/, (w, [id], t) => {
    if (!t) throw new StepError('this step needs a table');
    const m = w.market(id!);
    const pf = m.priceFactor;
    // the market data's bounds in market precision: max floored, min floored plus one when precisions differ
    const actual = m.marketData().priceMonitoringBounds.map((b) => ({
      min: b.minValidPrice / pf + (pf !== 1n ? 1n : 0n),
      max: b.maxValidPrice / pf,
    }));
    for (const row of t.expect(['min bound', 'max bound']).rows) {
      const min = row.int('min bound');
      const max = row.int('max bound');
      if (!actual.some((b) => b.min === min && b.max === max))
        throw new StepError(
          `missing price monitoring bounds for market ${id} want [${min}, ${max}]; got ${actual.map((b) => `[${b.min}, ${b.max}]`).join(' ') || 'none'}`,
        );
    }
  });

  r.define(/^the target stake should be "([^"]*)" for the market "([^"]*)"$/, (w, [v, id]) => {
    const actual = w.market(id!).targetStake().toString();
    if (actual !== v) throw mismatch(`target stake of ${id}`, v!, actual);
  });

  r.define(/^the supplied stake should be "([^"]*)" for the market "([^"]*)"$/, (w, [v, id]) => {
    const actual = w.market(id!).suppliedStake().toString();
    if (actual !== v) throw mismatch(`supplied stake of ${id}`, v!, actual);
  });

  r.define(/^the open interest should be "([^"]*)" for the market "([^"]*)"$/, (w, [v, id]) => {
    expectInt(`open interest of ${id}`, v!, w.market(id!).openInterest());
  });

  r.define(/^the liquidity fee factor should be "([^"]*)" for the market "([^"]*)"$/, (w, [v, id]) => {
    let latest: string | undefined;
    for (const e of w.events) if (e.type === 'marketUpdated' && e.marketId === id) latest = e.liquidityFee;
    if (latest === undefined) throw new StepError(`no market update event for ${id}`);
    if (latest !== v) throw mismatch(`liquidity fee factor of ${id}`, v!, latest);
  });

  r.define(/system unix time is "([^"]+)"/, (w, [v]) => {
    expectInt('system unix time', v!, w.ex.now() / NS);
  });
}
