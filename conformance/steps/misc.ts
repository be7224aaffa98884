// Time, collateral, liquidity-provision and housekeeping steps.
import type { Registry } from '../registry.ts';
import { StepError, type Table } from '../table.ts';
import { Decimal, NS } from '../../src/core/index.ts';
import { checkError, duration, timestamp } from './parse.ts';

const need = (t: Table | undefined): Table => {
  if (!t) throw new StepError('this step needs a table');
  return t;
};

export function registerMiscSteps(r: Registry): void {
  r.define(/^the parties deposit on asset's general account the following amount:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'asset', 'amount'], ['error']).rows) {
      const asset = row.str('asset');
      w.ensureAsset(asset);
      const amount = row.int('amount');
      const res = w.ex.deposit(row.str('party'), asset, amount);
      checkError(row.opt('error'), res.error, `deposit for ${row.str('party')}`);
      if (!res.error) w.netDeposits += amount;
    }
  });

  r.define(/^the parties withdraw the following assets:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'asset', 'amount'], ['error']).rows) {
      const amount = row.int('amount');
      const res = w.ex.withdraw(row.str('party'), row.str('asset'), amount);
      checkError(row.opt('error'), res.error, `withdrawal for ${row.str('party')}`);
      if (!res.error) w.netDeposits -= amount;
    }
  });

  r.define(/the network moves ahead "([^"]+)" blocks/, (w, [n]) => {
    const count = Number(n);
    if (!Number.isInteger(count) || count < 0) throw new StepError(`"${n}" is not a number of blocks`);
    for (let i = 0; i < count; i++) w.nextBlock();
  });

  r.define(/the network moves ahead "([^"]+)" with block duration of "([^"]+)"/, (w, [total, block]) => {
    const end = w.ex.now() + duration(total!);
    const d = duration(block!);
    while (w.ex.now() < end) {
      w.ex.endBlock({ epochs: false });
      w.ex.advanceTo(w.ex.now() + d);
    }
  });

  r.define(/^the long block duration table is:$/, (w, _a, t) => {
    const rows = need(t)
      .expect(['threshold', 'duration'])
      .rows.map((row) => ({ threshold: row.str('threshold'), duration: row.str('duration') }));
    try {
      w.ex.setNetworkParameter('auction.LongBlock', JSON.stringify({ threshold_and_duration: rows }));
    } catch (e) {
      throw new StepError((e as Error).message);
    }
  });

  r.define(/^the previous block duration was "([^"]+)"$/, (w, [d]) => {
    w.ex.beginBlock(duration(d!));
  });

  r.define(/^the network moves ahead "([^"]+)" epochs$/, (w, [n]) => {
    for (let i = 0; i < Number(n); i++) {
      const seq = w.ex.epochSeq;
      let guard = 0;
      while (w.ex.epochSeq === seq) {
        w.nextBlock();
        if (++guard > 1_000_000) throw new StepError('epoch did not end');
      }
    }
  });

  r.define(/^the current epoch is "([^"]+)"$/, (w, [n]) => {
    const seq = Math.max(0, w.ex.epochSeq);
    if (String(seq) !== n) throw new StepError(`current epoch: expected ${n}, got ${seq}`);
  });

  r.define(/^time is updated to "([^"]*)"$/, (w, [v]) => {
    w.ex.advanceTo(timestamp(v!));
    w.ex.endBlock({ epochs: false });
  });

  r.define(/^the opening auction period ends for market "([^"]+)"$/, (w, [id]) => {
    const m = w.market(id!);
    const now = w.ex.now();
    const end = m.auction?.end ?? 0n;
    w.ex.advanceTo(end < now ? now + NS : now + 2n * (end - now));
  });

  r.define(/^the parties submit the following liquidity provision:$/, (w, _a, t) => {
    const rows = need(t).expect(
      ['id', 'party', 'market id', 'commitment amount', 'fee', 'lp type'],
      ['reference', 'error'],
    ).rows;
    // as Vega's step: one row per id (the first), in id order; one error expectation for the whole table (the first
    // row's, replaced by any later row that names an error). The LP reference is the row id.
    const byId = new Map<string, (typeof rows)[number]>();
    let errorRow = rows[0];
    for (const row of rows) {
      row.opt('reference');
      if (!byId.has(row.str('id'))) byId.set(row.str('id'), row);
      if (row.opt('error') !== undefined) errorRow = row;
    }
    const expected = errorRow?.opt('error');
    for (const id of [...byId.keys()].sort()) {
      const row = byId.get(id)!;
      const type = row.str('lp type');
      const party = row.str('party');
      const market = row.str('market id');
      const commitment = row.int('commitment amount');
      const fee = Decimal.parse(row.str('fee'), 'fee');
      let res: { error?: string };
      if (type === 'submission') res = w.ex.submitLiquidityProvision(id, party, market, commitment, fee, id);
      else if (type === 'amendment') res = w.ex.amendLiquidityProvision(party, market, commitment, fee, id);
      else if (type === 'cancellation') res = w.ex.cancelLiquidityProvision(party, market);
      else continue; // Vega's step ignores any other type
      checkError(expected, res.error, `liquidity provision ${id} (${type})`);
    }
  });

  r.define(/^party "([^"]+)" cancels their liquidity provision for market "([^"]+)"$/, (w, [party, market]) => {
    const res = w.ex.cancelLiquidityProvision(party!, market!);
    if (res.error) throw new StepError(`failed to cancel LP for party ${party} on market ${market}: ${res.error}`);
  });

  r.define(/^the liquidity provisions should have the following states:$/, (w, _a, t) => {
    for (const row of need(t).expect(['id', 'party', 'market', 'commitment amount', 'status']).rows) {
      const id = row.str('id');
      let last;
      for (const e of w.lpEvents) if (e.reference === id) last = e;
      if (!last) throw new StepError(`liquidity provision event not found for ${id}`);
      const errors: string[] = [];
      if (last.party !== row.str('party')) errors.push(`party: expected ${row.str('party')}, got ${last.party}`);
      if (last.marketId !== row.str('market'))
        errors.push(`market: expected ${row.str('market')}, got ${last.marketId}`);
      if (last.commitment.toString() !== row.str('commitment amount'))
        errors.push(`commitment: expected ${row.str('commitment amount')}, got ${last.commitment}`);
      if (`STATUS_${last.status}` !== row.str('status'))
        errors.push(`status: expected ${row.str('status')}, got STATUS_${last.status}`);
      if (errors.length) throw new StepError(`liquidity provision ${id}: ${errors.join('; ')}`);
    }
  });

  r.define(/^the following LP events should be emitted:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'id', 'version'], ['commitment amount', 'final']).rows) {
      const party = row.str('party');
      const id = row.str('id');
      const version = Number(row.str('version'));
      const amount = row.opt('commitment amount');
      const final = row.opt('final');
      if (final !== undefined && final !== 'true' && final !== 'false')
        throw new StepError(`final: "${final}" is not true or false`);
      const evts = w.lpEvents.filter((e) => e.party === party && e.reference === id);
      const matches = (e: (typeof evts)[number]) =>
        e.version === version && (amount === undefined || e.commitment.toString() === amount);
      const ok = final === 'true' ? evts.length > 0 && matches(evts[evts.length - 1]!) : evts.some(matches);
      if (!ok)
        throw new StepError(
          `no LP event for ${party}/${id} version ${version}${amount !== undefined ? ` commitment ${amount}` : ''}` +
            `${final === 'true' ? ' (as the last event)' : ''}; got ${evts.map((e) => `v${e.version}:${e.commitment}`).join(', ')}`,
        );
    }
  });

  r.define(/^the liquidity provider fee shares for the market "([^"]+)" should be:$/, (w, [id], t) => {
    const shares = w.market(id!).lpFeeShares();
    for (const row of need(t).expect(
      ['party', 'equity like share', 'average entry valuation'],
      ['average score', 'virtual stake'],
    ).rows) {
      const party = row.str('party');
      const els = row.str('equity like share');
      const avg = row.str('average entry valuation');
      const score = row.opt('average score');
      const vstake = row.opt('virtual stake');
      const found = shares.some(
        (s) =>
          s.party === party &&
          s.equityLikeShare.toString() === els &&
          s.averageEntryValuation.toString() === avg &&
          (score === undefined || s.averageScore.toString() === score) &&
          (vstake === undefined || s.virtualStake.toFixedRounded(16) === vstake),
      );
      if (!found) {
        const got = shares
          .map(
            (s) =>
              `${s.party}: els ${s.equityLikeShare.toString()}, avg ${s.averageEntryValuation.toString()}, score ${s.averageScore.toString()}, vstake ${s.virtualStake.toFixedRounded(16)}`,
          )
          .join('; ');
        throw new StepError(
          `no fee share ${party} els ${els} avg ${avg}${score !== undefined ? ` score ${score}` : ''}${vstake !== undefined ? ` vstake ${vstake}` : ''}; got ${got || 'none'}`,
        );
      }
    }
  });

  r.define(/^the parties submit update margin mode:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'market', 'margin_mode'], ['margin_factor', 'error']).rows) {
      const mode = row.str('margin_mode');
      if (mode !== 'cross margin' && mode !== 'isolated margin')
        throw new StepError(`margin_mode: "${mode}" must be cross margin or isolated margin`);
      const isolated = mode === 'isolated margin';
      const f = row.opt('margin_factor');
      const factor = isolated && f !== undefined ? Decimal.parse(f, 'margin_factor') : Decimal.ZERO;
      const res = w.ex.updateMarginMode(row.str('party'), row.str('market'), isolated ? 'isolated' : 'cross', factor);
      // as Vega's step: only an expected error is checked; an unexpected one is ignored
      const expected = row.opt('error');
      if (expected !== undefined && res.error !== expected)
        throw new StepError(`expected error "${expected}", got "${res.error ?? 'none'}"`);
    }
  });

  r.define(/^clear all events$/, (w) => {
    w.eventsClearedAt = w.events.length;
    w.trades = [];
    w.transfers = [];
    w.orderEvents = [];
    w.stopEvents = [];
  });
  r.define(/^clear trade events$/, (w) => {
    w.trades = [];
  });
  r.define(/^clear transfer response events$/, (w) => {
    w.transfers = [];
  });
  // debug steps only print in Vega's harness
  r.define(/^debug (trades|transfers|orders|funding period events|loss socialisation events)$/, () => {});
  r.define(/^debug detailed orderbook volumes for market "([^"]*)"$/, () => {});
}
