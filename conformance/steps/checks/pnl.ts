// Position checks: the parties' profit and loss.
import type { Registry } from '../../registry.ts';
import { StepError } from '../../table.ts';
import { Decimal } from '../../../src/core/index.ts';
import { need, mismatch, expectInt } from './common.ts';

export function registerPnlChecks(r: Registry): void {
  r.define(/^the parties should have the following profit and loss:$/, (w, _a, t) => {
    const opt = [
      'status',
      'market id',
      'is amm',
      'taker fees',
      'taker fees since',
      'maker fees',
      'maker fees since',
      'other fees',
      'other fees since',
      'funding payments',
      'funding payments since',
    ];
    for (const row of need(t).expect(['party', 'volume', 'unrealised pnl', 'realised pnl'], opt).rows) {
      row.opt('is amm'); // an AMM alias, already resolved by the runner
      const party = row.str('party');
      const market = row.opt('market id');
      const positions = market !== undefined ? [w.pnl.get(market, party)] : w.pnl.ofParty(party);
      if (market !== undefined && !positions[0]) throw new StepError(`no position for ${party} in ${market}`);
      const volume = row.num('volume');
      const realised = Decimal.parse(row.str('realised pnl'));
      const unrealised = Decimal.parse(row.str('unrealised pnl'));
      if (positions.length === 0) {
        if (volume !== 0 || !realised.isZero() || !unrealised.isZero()) throw new StepError(`no position for ${party}`);
        for (const c of opt) row.opt(c);
        continue;
      }
      if (positions.length > 1) throw new StepError(`${party} has positions in several markets`);
      const p = positions[0]!;
      if (p.openVolume !== volume) throw mismatch(`${party} volume`, volume, p.openVolume);
      if (!p.realised.eq(realised)) throw mismatch(`${party} realised pnl`, realised.toString(), p.realised.toString());
      if (!p.unrealised.eq(unrealised))
        throw mismatch(`${party} unrealised pnl`, unrealised.toString(), p.unrealised.toString());
      const counters: [string, bigint][] = [
        ['taker fees', p.takerFees],
        ['taker fees since', p.takerFeesSince],
        ['maker fees', p.makerFeesReceived],
        ['maker fees since', p.makerFeesReceivedSince],
        ['other fees', p.otherFees],
        ['other fees since', p.otherFeesSince],
        ['funding payments', p.fundingPayments],
        ['funding payments since', p.fundingPaymentsSince],
      ];
      for (const [c, v] of counters) {
        const e = row.opt(c);
        if (e !== undefined) expectInt(`${party} ${c}`, e, v);
      }
      const status = row.opt('status');
      if (status !== undefined) {
        const statuses = new Set(w.pnl.ofParty(party).map((x) => x.status));
        if (statuses.size !== 1 || !statuses.has(status as never))
          throw mismatch(`${party} status`, status, [...statuses].join(','));
      }
    }
  });
}
