// Steps of protocol automated purchases (spec 0097-PAPU) and the built-in time triggers that drive them (0048-DSRI):
// named time triggers (their next firing time is set when the step runs, as Vega's harness builds them), the
// programme definition, and the checks of its last snapshot announcement and of the running programme and order.
import type { Registry } from '../registry.ts';
import { StepError, type Table } from '../table.ts';
import type { World } from '../world.ts';
import { Decimal, TimeTrigger, type AccountType, type AutomatedPurchaseConfig } from '../../src/core/index.ts';
import { duration } from './parse.ts';

function need(t: Table | undefined): Table {
  if (!t) throw new StepError('this step needs a table');
  return t;
}

const triggers = new WeakMap<World, Map<string, TimeTrigger>>();

function namedTriggers(w: World): Map<string, TimeTrigger> {
  let m = triggers.get(w);
  if (!m) {
    m = new Map();
    triggers.set(w, m);
  }
  return m;
}

function uint(v: string, what: string): bigint {
  if (!/^\d+$/.test(v)) throw new StepError(`${what}: "${v}" is not a non-negative integer`);
  return BigInt(v);
}

function accountType(v: string, what: string): AccountType {
  if (!v.startsWith('ACCOUNT_TYPE_')) throw new StepError(`${what}: "${v}" is not an ACCOUNT_TYPE_… value`);
  return v.slice('ACCOUNT_TYPE_'.length) as AccountType;
}

export function registerPapSteps(r: Registry): void {
  r.define(/^the time triggers oracle spec is:$/, (w, _a, t) => {
    for (const row of need(t).expect(['name', 'initial', 'every']).rows) {
      const name = row.str('name');
      const every = uint(row.str('every'), `every of ${name}`);
      if (every === 0n) throw new StepError(`every of ${name}: must be greater than 0`);
      namedTriggers(w).set(name, new TimeTrigger(uint(row.str('initial'), `initial of ${name}`), every, w.ex.now()));
    }
  });

  r.define(/^the protocol automated purchase is defined as:$/, (w, _a, t) => {
    const table = need(t).expect([
      'id',
      'from',
      'from account type',
      'to account type',
      'market id',
      'price oracle',
      'price oracle staleness tolerance',
      'oracle offset factor',
      'auction schedule oracle',
      'auction volume snapshot schedule oracle',
      'auction duration',
      'minimum auction size',
      'maximum auction size',
      'expiry timestamp',
    ]);
    for (const row of table.rows) {
      const trigger = (col: string) => {
        const tt = namedTriggers(w).get(row.str(col));
        if (!tt) throw new StepError(`${col}: no time trigger named "${row.str(col)}"`);
        return tt.clone();
      };
      const oracle = w.compositeOracles.get(row.str('price oracle'));
      if (!oracle) throw new StepError(`price oracle: no composite price oracle named "${row.str('price oracle')}"`);
      let offset: Decimal;
      try {
        offset = Decimal.parse(row.str('oracle offset factor'), 'oracle offset factor');
      } catch (e) {
        throw new StepError((e as Error).message);
      }
      const cfg: AutomatedPurchaseConfig = {
        id: row.str('id'),
        from: row.str('from'),
        fromAccountType: accountType(row.str('from account type'), 'from account type'),
        toAccountType: accountType(row.str('to account type'), 'to account type'),
        marketId: row.str('market id'),
        priceOracle: oracle,
        priceStalenessTolerance: duration(row.str('price oracle staleness tolerance')),
        oracleOffsetFactor: offset,
        auctionSchedule: trigger('auction schedule oracle'),
        auctionVolumeSnapshotSchedule: trigger('auction volume snapshot schedule oracle'),
        auctionDuration: duration(row.str('auction duration')),
        minimumAuctionSize: uint(row.str('minimum auction size'), 'minimum auction size'),
        maximumAuctionSize: uint(row.str('maximum auction size'), 'maximum auction size'),
        expiry: uint(row.str('expiry timestamp'), 'expiry timestamp') * 1_000_000_000n,
      };
      const error = w.ex.automatedPurchases.add(cfg);
      if (error) throw new StepError(`automated purchase ${cfg.id}: ${error}`);
    }
  });

  r.define(
    /^the automated purchase program for market "([^"]+)" should have a snapshot balance of "([^"]+)"$/,
    (w, [market, amount]) => {
      // the last announcement of a snapshot for the market (Vega's harness reads the last event)
      let got: bigint | undefined;
      for (const e of w.events) if (e.type === 'automatedPurchaseAnnounced' && e.marketId === market) got = e.amount;
      if (got === undefined) throw new StepError(`no automated purchase snapshot for market "${market}"`);
      if (got.toString() !== amount)
        throw new StepError(`automated purchase snapshot for market "${market}": ${got}, expected ${amount}`);
    },
  );

  r.define(/^the active pap id should be "([^"]+)" for the market "([^"]+)"$/, (w, [id, market]) => {
    const got = w.ex.automatedPurchases.of(market!)?.cfg.id ?? 'none';
    if (got !== id) throw new StepError(`active automated purchase of market "${market}": ${got}, expected ${id}`);
  });

  r.define(/^the active pap order id should be "([^"]+)" for the market "([^"]+)"$/, (w, [id, market]) => {
    const got = w.ex.automatedPurchases.of(market!)?.activeOrder ?? 'none';
    if (got !== id)
      throw new StepError(`active automated purchase order of market "${market}": ${got}, expected ${id}`);
  });
}
