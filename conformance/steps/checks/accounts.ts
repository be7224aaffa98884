// Account checks: accounts per asset and market, cumulated balance, account balances, margin levels, transfers.
import type { Registry } from '../../registry.ts';
import { StepError } from '../../table.ts';
import type { Account, AccountType } from '../../../src/core/index.ts';
import { need, mismatch, expectInt, accountType, transferAccountId, ledgerAccountId } from './common.ts';

export function registerAccountChecks(r: Registry): void {
  // Literal readings: every asset the party holds holds exactly one account, its general account (the corpus uses it
  // before a party trades: "no margin account created, just general account"); every market the party has accounts
  // in has exactly one margin account for it.
  r.define(/^"([^"]*)" should have one account per asset$/, (w, [party]) => {
    const accounts = w.ex.ledger.accountsOf(party!);
    if (accounts.length === 0) throw new StepError(`party "${party}" has no accounts`);
    const byAsset = new Map<string, Account[]>();
    for (const a of accounts) byAsset.set(a.asset, [...(byAsset.get(a.asset) ?? []), a]);
    for (const [asset, list] of byAsset)
      if (list.length !== 1 || list[0]!.type !== 'GENERAL')
        throw new StepError(
          `party "${party}" has ${list.length} accounts for asset ${asset}: ${list.map((a) => `${a.type}${a.market ? ` ${a.market}` : ''}`).join(', ')}`,
        );
  });

  r.define(/^"([^"]*)" should have one margin account per market$/, (w, [party]) => {
    const byMarket = new Map<string, number>();
    for (const a of w.ex.ledger.accountsOf(party!))
      if (a.market) byMarket.set(a.market, (byMarket.get(a.market) ?? 0) + (a.type === 'MARGIN' ? 1 : 0));
    for (const [market, n] of byMarket)
      if (n !== 1) throw new StepError(`party "${party}" has ${n} margin accounts in market ${market}`);
  });

  r.define(/^the cumulated balance for all accounts should be worth "([^"]*)"$/, (w, [v]) => {
    let total = 0n;
    for (const a of w.ex.ledger.all()) if (a.type !== 'EXTERNAL' && a.asset !== 'VOTE') total += a.balance;
    expectInt('cumulated balance', v!, total);
  });

  r.define(/^the parties should have the following account balances:$/, (w, _a, t) => {
    const cols = ['market id', 'margin', 'general', 'bond', 'order margin', 'vesting', 'vested', 'is amm'];
    for (const row of need(t).expect(['party', 'asset'], cols).rows) {
      const party = row.str('party');
      const asset = row.str('asset');
      const market = row.opt('market id');
      row.opt('is amm'); // the party cell is an AMM alias, already resolved by the runner
      const errors: string[] = [];
      const check = (col: string, type: AccountType, perMarket: boolean) => {
        const v = row.opt(col);
        if (v === undefined) return;
        if (perMarket && market === undefined) throw new StepError(`"${col}" needs a market id`);
        const a = w.ex.ledger.get(party, type, asset, perMarket ? market : '');
        if (!a) errors.push(`${col}: account does not exist`);
        else if (BigInt(v) !== a.balance) errors.push(`${col}: expected ${v}, got ${a.balance}`);
      };
      check('general', 'GENERAL', false);
      check('margin', 'MARGIN', true);
      check('bond', 'BOND', true);
      check('order margin', 'ORDER_MARGIN', true);
      for (const c of ['vesting', 'vested'])
        if (row.opt(c) !== undefined) throw new StepError(`"${c}" accounts are not supported by perpsim yet`);
      if (errors.length)
        throw new StepError(`account balances did not match for party "${party}": ${errors.join('; ')}`);
    }
  });

  r.define(/^the parties should have the following margin levels:$/, (w, _a, t) => {
    const opt = ['search', 'initial', 'release', 'order', 'margin mode', 'margin factor'];
    for (const row of need(t).expect(['party', 'market id', 'maintenance'], opt).rows) {
      const party = row.str('party');
      const market = row.str('market id');
      const rec = w.margins.get(`${party}|${market}`);
      if (!rec) throw new StepError(`no margin levels event for ${party} in ${market}`);
      const lv = rec.levels;
      expectInt(`${party} maintenance`, row.str('maintenance'), lv.maintenance);
      const o = (c: string, v: bigint) => {
        const e = row.opt(c);
        if (e !== undefined) expectInt(`${party} ${c}`, e, v);
      };
      o('search', lv.search);
      o('initial', lv.initial);
      o('release', lv.release);
      o('order', rec.orderMargin);
      const mode = row.opt('margin mode');
      if (mode !== undefined) {
        if (mode !== 'cross margin' && mode !== 'isolated margin')
          throw new StepError(`margin mode: "${mode}" unknown`);
        const actual = rec.mode === 'cross' ? 'cross margin' : 'isolated margin';
        if (actual !== mode) throw mismatch(`${party} margin mode`, mode, actual);
      }
      const factor = row.opt('margin factor');
      if (factor !== undefined) {
        const actual = rec.marginFactor ?? '0';
        if (Number(actual) !== Number(factor)) throw mismatch(`${party} margin factor`, factor, actual);
      }
    }
  });
}

export function registerAccountChecksLate(r: Registry): void {
  r.define(/^the following transfers should happen:$/, (w, _a, t) => {
    const rows = need(t).expect(
      ['from', 'to', 'from account', 'to account', 'market id', 'amount', 'asset'],
      ['type', 'is amm'],
    ).rows;
    for (const row of rows) {
      row.opt('is amm'); // an AMM alias, already resolved by the runner
      const market = row.opt('market id') ?? '';
      const asset = row.str('asset');
      const fromType = accountType(row.str('from account'));
      const toType = accountType(row.str('to account'));
      const from = transferAccountId(row.opt('from') ?? '', fromType, asset, market);
      // Vega's step builds network-treasury destinations without a market
      const to = transferAccountId(row.opt('to') ?? '', toType, asset, toType === 'NETWORK_TREASURY' ? '' : market);
      const type = row.opt('type');
      const amount = row.int('amount');
      const candidates = w.transfers.filter(
        (e) =>
          ledgerAccountId(e.from) === from &&
          ledgerAccountId(e.to) === to &&
          (type === undefined || `TRANSFER_TYPE_${e.type}` === type),
      );
      if (!candidates.some((e) => e.amount === amount)) {
        const seen = candidates.map((e) => e.amount).join(', ');
        throw new StepError(
          `no transfer ${from} -> ${to} of ${amount}${type ? ` (${type})` : ''}${seen ? `; found amounts ${seen}` : ''}`,
        );
      }
    }
    w.transfers = [];
  });

  r.define(/^the transfers of following types should (NOT )?happen:$/, (w, [not], t) => {
    const present = new Set(w.transfers.filter((e) => e.amount > 0n).map((e) => `TRANSFER_TYPE_${e.type}`));
    for (const row of need(t).expect(['type']).rows) {
      const type = row.str('type');
      if (not && present.has(type)) throw new StepError(`transfers of type ${type} happened`);
      if (!not && !present.has(type)) throw new StepError(`no transfer of type ${type} happened`);
    }
  });
}
