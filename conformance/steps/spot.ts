// Spot steps (spec 0080-SPOT): `the spot markets:` and `the spot markets are updated:` as Vega's harness builds
// them, and the holding-account and account-list checks.
import type { Registry } from '../registry.ts';
import {
  Decimal,
  SYSTEM_OWNER,
  type AccountType,
  type MarketChanges,
  type SpotMarketSpec,
} from '../../src/core/index.ts';
import { StepError, type Table } from '../table.ts';
import type { World } from '../world.ts';
import { accountType, expectInt } from './checks/common.ts';

const need = (t: Table | undefined): Table => {
  if (!t) throw new StepError('this step needs a table');
  return t;
};

const integer = (v: string, what: string): number => {
  if (!/^-?\d+$/.test(v.trim())) throw new StepError(`${what}: "${v}" is not an integer`);
  return Number(v);
};

function lookup<T>(map: Map<string, T>, name: string, what: string): T {
  const v = map.get(name);
  if (v === undefined) throw new StepError(`no ${what} "${name}" registered`);
  return v;
}

const SPOT_REQUIRED = [
  'id',
  'name',
  'base asset',
  'quote asset',
  'risk model',
  'fees',
  'price monitoring',
  'auction duration',
  'sla params',
];
const SPOT_OPTIONAL = ['decimal places', 'position decimal places', 'liquidity monitoring', 'tick size'];

/** Assets a spot market names are enabled as the harness does: 0 decimals, quantum 1 (unless registered before). */
function enableAsset(w: World, id: string): void {
  if (!w.ex.asset(id)) w.ex.registerAsset({ id, decimals: 0, quantum: Decimal.ONE });
}

export function registerSpotSteps(r: Registry): void {
  r.define(/^the spot markets:$/, (w, _args, t) => {
    for (const row of need(t).expect(SPOT_REQUIRED, SPOT_OPTIONAL).rows) {
      const base = row.str('base asset');
      const quote = row.str('quote asset');
      const liq = row.opt('liquidity monitoring') ?? 'default-parameters';
      const tick = row.opt('tick size');
      const spec: SpotMarketSpec = {
        id: row.str('id'),
        name: row.str('name'),
        baseAsset: base,
        quoteAsset: quote,
        decimalPlaces: integer(row.opt('decimal places') ?? '0', 'decimal places'),
        positionDecimalPlaces: integer(row.opt('position decimal places') ?? '0', 'position decimal places'),
        tickSize: tick === undefined ? 1n : BigInt(integer(tick, 'tick size')),
        riskModel: lookup(w.riskModels, row.str('risk model'), 'risk model'),
        fees: lookup(w.fees, row.str('fees'), 'fees configuration'),
        priceMonitoringTriggers: lookup(w.priceMonitoring, row.str('price monitoring'), 'price monitoring'),
        targetStake: lookup(w.liquidityMonitoring, liq, 'liquidity monitoring'),
        sla: lookup(w.sla, row.str('sla params'), 'sla params'),
        openingAuctionDuration: integer(row.str('auction duration'), 'auction duration'),
      };
      enableAsset(w, base);
      enableAsset(w, quote);
      try {
        w.ex.createSpotMarket(spec);
      } catch (e) {
        throw new StepError((e as Error).message);
      }
      w.marketIds.push(spec.id);
      w.assetOfMarket.set(spec.id, quote);
    }
  });

  r.define(/^the spot markets are updated:$/, (w, _args, t) => {
    const opt = [
      'price monitoring',
      'risk model',
      'liquidity monitoring',
      'sla params',
      'linear slippage factor',
      'quadratic slippage factor',
      'liquidity fee settings',
      'data source config',
    ];
    for (const row of need(t).expect(['id'], opt).rows) {
      const id = row.str('id');
      const m = w.market(id);
      const changes: MarketChanges = {};
      const v = (c: string) => row.opt(c);
      // a spot market has no slippage factors nor product oracles: the harness reads these columns (its update table
      // is the futures one) and the spot update ignores them
      v('linear slippage factor');
      v('quadratic slippage factor');
      v('data source config');
      if (v('price monitoring') !== undefined)
        changes.priceMonitoringTriggers = lookup(w.priceMonitoring, v('price monitoring')!, 'price monitoring');
      if (v('risk model') !== undefined) changes.riskModel = lookup(w.riskModels, v('risk model')!, 'risk model');
      if (v('liquidity monitoring') !== undefined)
        changes.targetStake = lookup(w.liquidityMonitoring, v('liquidity monitoring')!, 'liquidity monitoring');
      if (v('sla params') !== undefined) changes.sla = lookup(w.sla, v('sla params')!, 'sla params');
      if (v('liquidity fee settings') !== undefined) {
        const f = lookup(w.fees, v('liquidity fee settings')!, 'fees configuration');
        changes.fees = {
          ...m.configView().fees,
          liquidityFeeMethod: f.liquidityFeeMethod,
          ...(f.liquidityFeeConstant !== undefined ? { liquidityFeeConstant: f.liquidityFeeConstant } : {}),
        };
      }
      const res = w.ex.updateMarket(id, changes);
      if (res.error) throw new StepError(res.error);
    }
  });

  r.define(
    /^"([^"]*)" should have holding account balance of "([^"]*)" for asset "([^"]*)"$/,
    (w, [party, v, asset]) => {
      // an account never created holds nothing
      const a = w.ex.ledger.get(party!, 'HOLDING', asset!);
      expectInt(`holding account of ${party} for ${asset}`, v!, a?.balance ?? 0n);
    },
  );

  // the network's treasury and buy-back accounts of an asset (fees paid by trades; nothing yet is 0)
  r.define(/^the network treasury balance should be "([^"]*)" for the asset "([^"]*)"$/, (w, [v, asset]) => {
    const a = w.ex.ledger.get(SYSTEM_OWNER, 'NETWORK_TREASURY', asset!);
    expectInt(`network treasury of ${asset}`, v!, a?.balance ?? 0n);
  });

  r.define(/^the buy back fees balance should be "([^"]*)" for the asset "([^"]*)"$/, (w, [v, asset]) => {
    const a = w.ex.ledger.get(SYSTEM_OWNER, 'BUY_BACK_FEES', asset!);
    expectInt(`buy-back fees of ${asset}`, v!, a?.balance ?? 0n);
  });

  r.define(/^"([^"]*)" should have only the following accounts:$/, (w, [party], t) => {
    const rows = need(t).expect(['type', 'asset'], ['amount', 'market id']).rows;
    const expected = rows.map((row) => ({
      type: accountType(row.str('type')),
      asset: row.str('asset'),
      market: row.opt('market id') ?? '',
      amount: row.opt('amount'),
    }));
    const actual = w.ex.ledger.accountsOf(party!);
    const key = (type: AccountType, asset: string, market: string) => `${type}/${asset}/${market}`;
    const have = new Map(actual.map((a) => [key(a.type, a.asset, a.market), a]));
    for (const e of expected) {
      const a = have.get(key(e.type, e.asset, e.market));
      if (!a) throw new StepError(`party "${party}" has no ${e.type} account for ${e.asset}`);
      if (e.amount !== undefined) expectInt(`${e.type} account of ${party} for ${e.asset}`, e.amount, a.balance);
    }
    if (actual.length !== expected.length) {
      const extra = actual.filter(
        (a) => !expected.some((e) => key(e.type, e.asset, e.market) === key(a.type, a.asset, a.market)),
      );
      throw new StepError(
        `party "${party}" has ${actual.length} accounts, expected ${expected.length}; not expected: ${extra.map((a) => `${a.type} ${a.asset}${a.market ? ` ${a.market}` : ''}`).join(', ')}`,
      );
    }
  });
}
