// Trade checks: executed and network trades, average fill prices, auction uncrossing volume and price.
import type { Registry } from '../../registry.ts';
import { StepError } from '../../table.ts';
import { Decimal, type Trade } from '../../../src/core/index.ts';
import { side } from '../parse.ts';
import { need, mismatch, feeSum } from './common.ts';

/** Trade columns of the programmes' fee parts (treasury, buy-back, high-volume maker fee, discounts). */
const PROGRAMME_FEE_COLUMNS: [string, (t: Trade) => bigint][] = (['buyer', 'seller'] as const).flatMap((s) => {
  const f = (t: Trade) => (s === 'buyer' ? t.buyerFee : t.sellerFee);
  return [
    [`${s} treasury fee`, (t: Trade) => f(t).treasuryFee],
    [`${s} buyback fee`, (t: Trade) => f(t).buyBackFee],
    [`${s} high volume maker fee`, (t: Trade) => f(t).highVolumeMakerFee ?? 0n],
    [`${s} infrastructure fee referrer discount`, (t: Trade) => f(t).referralDiscount?.infrastructureFee ?? 0n],
    [`${s} liquidity fee referrer discount`, (t: Trade) => f(t).referralDiscount?.liquidityFee ?? 0n],
    [`${s} maker fee referrer discount`, (t: Trade) => f(t).referralDiscount?.makerFee ?? 0n],
    [`${s} infrastructure fee volume discount`, (t: Trade) => f(t).volumeDiscount?.infrastructureFee ?? 0n],
    [`${s} liquidity fee volume discount`, (t: Trade) => f(t).volumeDiscount?.liquidityFee ?? 0n],
    [`${s} maker fee volume discount`, (t: Trade) => f(t).volumeDiscount?.makerFee ?? 0n],
  ] as [string, (t: Trade) => bigint][];
});

export function registerTradeChecks(r: Registry): void {
  r.define(/^the following trades should be executed:$/, (w, _a, t) => {
    const opt = [
      'aggressor side',
      'buyer fee',
      'seller fee',
      'buyer infrastructure fee',
      'seller infrastructure fee',
      'buyer maker fee',
      'seller maker fee',
      'buyer liquidity fee',
      'seller liquidity fee',
      'is amm',
      ...PROGRAMME_FEE_COLUMNS.map(([c]) => c),
    ];
    for (const row of need(t).expect(['buyer', 'seller', 'price', 'size'], opt).rows) {
      row.opt('is amm'); // an AMM alias, already resolved by the runner
      const buyer = row.str('buyer');
      const seller = row.str('seller');
      const price = row.int('price');
      const size = row.num('size');
      const aggr = row.opt('aggressor side');
      const fees: [string, (t: Trade) => bigint][] = [
        ['buyer fee', (t) => feeSum(t.buyerFee)],
        ['seller fee', (t) => feeSum(t.sellerFee)],
        ['buyer infrastructure fee', (t) => t.buyerFee.infrastructureFee],
        ['seller infrastructure fee', (t) => t.sellerFee.infrastructureFee],
        ['buyer maker fee', (t) => t.buyerFee.makerFee],
        ['seller maker fee', (t) => t.sellerFee.makerFee],
        ['buyer liquidity fee', (t) => t.buyerFee.liquidityFee],
        ['seller liquidity fee', (t) => t.sellerFee.liquidityFee],
        ...PROGRAMME_FEE_COLUMNS,
      ];
      const wanted = fees.map(([c, f]) => [row.opt(c), f] as const).filter(([v]) => v !== undefined);
      const aggrSide = aggr === undefined ? undefined : side(aggr);
      const found = w.trades.some(
        (tr) =>
          tr.buyer === buyer &&
          tr.seller === seller &&
          tr.marketPrice === price &&
          tr.size === size &&
          (aggrSide === undefined || tr.aggressor === aggrSide) &&
          wanted.every(([v, f]) => BigInt(v!) === f(tr)),
      );
      if (!found)
        throw new StepError(
          `no trade ${buyer} <- ${seller} ${size} @ ${price}${aggr ? ` aggressor ${aggr}` : ''}${wanted.length ? ' with the given fees' : ''}`,
        );
    }
  });

  r.define(/^the following network trades should be executed:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'aggressor side', 'volume']).rows) {
      const party = row.str('party');
      const aggr = side(row.str('aggressor side'));
      const vol = row.num('volume');
      const found = w.trades.some(
        (tr) => (tr.buyer === party || tr.seller === party) && tr.aggressor === aggr && tr.size === vol,
      );
      if (!found) throw new StepError(`no network trade for ${party} aggressor ${aggr} volume ${vol}`);
    }
  });

  r.define(/^the average fill price is:$/, (w, _a, t) => {
    if (!t) throw new StepError('this step needs a table');
    const rows = t.expect(
      ['market', 'volume', 'side'],
      ['fill price', 'ref price', 'equivalent linear slippage factor', 'mark price'],
    ).rows;
    for (const row of rows) {
      const m = w.market(row.str('market'));
      const volume = Number(row.int('volume'));
      const s = side(row.str('side'));
      const fill = m.fillPrice(volume, s);
      if (fill === undefined) throw new StepError(`not enough volume on the ${s} side of ${m.id} to fill ${volume}`);
      const fillMarket = m.toMarketPrice(fill);
      const fp = row.opt('fill price');
      if (fp !== undefined && BigInt(fp) !== fillMarket)
        throw new StepError(`wrong fill price for ${m.id} ${volume} ${s}: expected ${fp}, got ${fillMarket}`);
      const mp = row.opt('mark price');
      if (mp !== undefined && BigInt(mp) !== m.toMarketPrice(m.markPrice))
        throw new StepError(`mark price of ${m.id}: expected ${mp}, got ${m.toMarketPrice(m.markPrice)}`);
      const factor = row.opt('equivalent linear slippage factor');
      const ref = row.opt('ref price');
      if (factor !== undefined) {
        if (ref === undefined)
          throw new StepError("'ref price' must be specified with 'equivalent linear slippage factor'");
        const r = Decimal.parse(ref);
        const actual = Decimal.max(Decimal.ZERO, Decimal.fromBigInt(fillMarket).sub(r).div(r));
        if (!actual.eq(Decimal.parse(factor)))
          throw new StepError(
            `wrong effective linear slippage factor for ${m.id} ${volume} ${s}: expected ${factor}, got ${actual.toString()}`,
          );
      } else if (ref !== undefined) {
        throw new StepError("'ref price' is only used with 'equivalent linear slippage factor'");
      }
    }
  });

  r.define(/^the auction ends with a traded volume of "([^"]+)" at a price of "([^"]+)"/, (w, [vol, price]) => {
    const now = w.ex.now();
    let total = 0;
    for (const tr of w.trades) {
      if (tr.timestamp > now) continue;
      if (tr.marketPrice !== BigInt(price!))
        throw new StepError(`a trade at ${tr.marketPrice}, expected all at ${price}`);
      total += tr.size;
    }
    if (total !== Number(vol)) throw mismatch('auction traded volume', vol!, total);
  });
}
