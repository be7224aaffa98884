// Time, collateral, liquidity-provision and housekeeping steps.
import type { Registry } from '../registry.ts';
import { StepError, type Table } from '../table.ts';
import { Decimal } from '../../src/core/num/decimal.ts';
import { NS } from '../../src/core/types.ts';
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
      w.ex.endBlock();
      w.ex.advanceTo(w.ex.now() + d);
    }
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
    w.ex.endBlock();
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
    // as Vega's step: one row per id (the first), in id order; one error expectation for the whole table
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
      if (type !== 'submission') throw new StepError(`lp type "${type}" is not supported by perpsim yet`);
      const res = w.ex.submitLiquidityProvision(
        id,
        row.str('party'),
        row.str('market id'),
        row.int('commitment amount'),
        Decimal.parse(row.str('fee')),
      );
      checkError(expected, res.error, `liquidity provision ${id}`);
    }
  });

  r.define(/^the liquidity provisions should have the following states:$/, (w, _a, t) => {
    for (const row of need(t).expect(['id', 'party', 'market', 'commitment amount', 'status']).rows) {
      const id = row.str('id');
      let last;
      for (const e of w.lpEvents)
        if (e.id === id && e.party === row.str('party') && e.marketId === row.str('market')) last = e;
      if (!last) throw new StepError(`no liquidity provision ${id}`);
      if (last.commitment !== row.int('commitment amount'))
        throw new StepError(`LP ${id} commitment: expected ${row.str('commitment amount')}, got ${last.commitment}`);
      if (`STATUS_${last.status}` !== row.str('status'))
        throw new StepError(`LP ${id} status: expected ${row.str('status')}, got STATUS_${last.status}`);
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
