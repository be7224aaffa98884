// Oracle, perpetual-funding and market-lifecycle steps: data-source specs, broadcasts, perpetual oracle configs,
// product data, funding events, governance state updates.
import type { Registry } from '../registry.ts';
import { StepError, type Row, type Table } from '../table.ts';
import type { World } from '../world.ts';
import { Decimal, NS, type OracleCondition, type OracleFilter, type OracleValueType } from '../../src/core/index.ts';
import { duration, timestamp } from './parse.ts';
import { COMPOSITE_PRICE_COLUMNS, markPriceConfig } from './setup.ts';

const need = (t: Table | undefined): Table => {
  if (!t) throw new StepError('this step needs a table');
  return t;
};

function valueType(v: string): OracleValueType {
  const t = v.replace(/^TYPE_/, '');
  if (t === 'INTEGER' || t === 'DECIMAL' || t === 'BOOLEAN' || t === 'TIMESTAMP' || t === 'STRING') return t;
  throw new StepError(`type: "${v}" is not a property type`);
}

function condition(row: Row, type: OracleValueType): OracleCondition | undefined {
  const c = row.opt('condition');
  const v = row.opt('value');
  if ((c === undefined) !== (v === undefined)) throw new StepError('condition and value columns require each other');
  if (c === undefined || v === undefined) return undefined;
  const op = c.replace(/^OPERATOR_/, '');
  if (!['EQUALS', 'GREATER_THAN', 'GREATER_THAN_OR_EQUAL', 'LESS_THAN', 'LESS_THAN_OR_EQUAL'].includes(op))
    throw new StepError(`condition: "${c}" unknown`);
  // timestamps in conditions are written as RFC 3339 and compared in unix seconds
  const value = type === 'TIMESTAMP' ? (timestamp(v) / NS).toString() : v;
  return { operator: op as OracleCondition['operator'], value };
}

export function registerOracleSteps(r: Registry): void {
  const oracleSpec =
    (slot: 'settlement' | 'termination') =>
    (w: World, [signers, name]: string[], t: Table | undefined) => {
      const filters: OracleFilter[] = [];
      let bound: string | undefined;
      let decimals: number | undefined;
      for (const row of need(t).expect(
        ['property', 'type', 'binding'],
        ['decimals', 'condition', 'value', 'source chain'],
      ).rows) {
        const type = valueType(row.str('type'));
        const dec = row.optNum('decimals');
        const cond = condition(row, type);
        // the source chain only matters for Ethereum oracles, not for signed data
        row.opt('source chain');
        filters.push({
          property: row.str('property'),
          type,
          ...(dec !== undefined ? { decimals: dec } : {}),
          ...(cond ? { conditions: [cond] } : {}),
        });
        if (dec !== undefined && decimals === undefined) decimals = dec;
        const binding = row.str('binding');
        if (
          (slot === 'settlement' && binding === 'settlement data') ||
          (slot === 'termination' && binding === 'trading termination')
        )
          bound = row.str('property');
      }
      const spec = {
        signers: signers!.split(',').map((s) => s.trim()),
        property: bound ?? filters[0]?.property ?? '',
        filters,
      };
      w.setFutureOracleSlot(name!, slot, spec, slot === 'settlement' ? decimals : undefined);
    };
  r.define(
    /^the oracle spec for settlement data filtering data from "([^"]*)" named "([^"]*)":$/,
    oracleSpec('settlement'),
  );
  r.define(
    /^the oracle spec for trading termination filtering data from "([^"]*)" named "([^"]*)":$/,
    oracleSpec('termination'),
  );

  r.define(
    /^the settlement data decimals for the oracle named "([^"]*)" is given in "([^"]*)" decimal places$/,
    (w, [name, n]) => {
      if (!/^\d+$/.test(n!)) throw new StepError(`decimals: "${n}" is not a number`);
      w.settlementDecimals.set(name!, Number(n));
    },
  );

  r.define(/^the oracles broadcast data signed with "([^"]*)":$/, (w, [signers], t) => {
    const props: Record<string, string> = {};
    let eth: string | undefined;
    for (const row of need(t).expect(['name', 'value'], ['eth-block-time']).rows) {
      const name = row.str('name');
      if (name in props) throw new StepError(`property ${name} has been declared multiple times`);
      props[name] = row.str('value');
      const e = row.opt('eth-block-time');
      if (row.index === need(t).rows.length - 1) eth = e;
    }
    const ts = eth !== undefined ? BigInt(eth) * NS : (w.ex.now() / NS) * NS;
    broadcast(w, signers!, props, ts);
  });

  r.define(/^the oracles broadcast data with block time signed with "([^"]*)":$/, (w, [signers], t) => {
    const groups = new Map<string, { props: Record<string, string>; ts: bigint }>();
    const now = w.ex.now();
    for (const row of need(t).expect(['name', 'value', 'time offset'], ['eth-block-time']).rows) {
      const eth = row.opt('eth-block-time');
      const at =
        now + duration(row.str('time offset').replace(/^-/, '')) * (row.str('time offset').startsWith('-') ? -1n : 1n);
      const key = eth ?? at.toString();
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { props: {}, ts: eth !== undefined ? BigInt(eth) * NS : (at / NS) * NS }));
      const name = row.str('name');
      if (name in g.props) throw new StepError(`property ${name} has been declared multiple times`);
      g.props[name] = row.str('value');
    }
    for (const g of groups.values()) broadcast(w, signers!, g.props, g.ts);
  });

  r.define(/^the perpetual oracles from "([^"]+)":/, (w, [signers], t) => {
    const opt = [
      'settlement decimals',
      'margin funding factor',
      'interest rate',
      'clamp lower bound',
      'clamp upper bound',
      'quote name',
      'funding rate scaling factor',
      'funding rate lower bound',
      'funding rate upper bound',
      ...COMPOSITE_PRICE_COLUMNS,
      'spec id',
    ];
    const signerList = signers!.split(',').map((s) => s.trim());
    for (const row of need(t).expect(
      ['name', 'asset', 'settlement property', 'settlement type', 'schedule property', 'schedule type'],
      opt,
    ).rows) {
      const dec = row.optNum('settlement decimals') ?? 0;
      const d = (c: string) => {
        const v = row.opt(c);
        return v === undefined ? undefined : Decimal.parse(v, c);
      };
      const settlementProperty = row.str('settlement property');
      const scheduleProperty = row.str('schedule property');
      valueType(row.str('schedule type'));
      const settlementData = {
        signers: signerList,
        property: settlementProperty,
        decimals: dec,
        filters: [{ property: settlementProperty, type: valueType(row.str('settlement type')), decimals: dec }],
      };
      // specs are identified by their content; a spec id only names the settlement source for AMMs
      const specId = row.opt('spec id');
      if (specId !== undefined) w.oracleSpecIds.set(specId, settlementData);
      w.oracles.set(row.str('name'), {
        kind: 'perpetual',
        settlementAsset: row.str('asset'),
        quoteName: row.opt('quote name') ?? '',
        settlementData,
        trigger: {
          signers: signerList,
          property: scheduleProperty,
          filters: [{ property: scheduleProperty, type: 'TIMESTAMP' }],
        },
        marginFundingFactor: d('margin funding factor') ?? Decimal.ZERO,
        interestRate: d('interest rate') ?? Decimal.ZERO,
        clampLowerBound: d('clamp lower bound') ?? Decimal.ZERO,
        clampUpperBound: d('clamp upper bound') ?? Decimal.ZERO,
        ...(d('funding rate scaling factor') ? { fundingRateScalingFactor: d('funding rate scaling factor')! } : {}),
        ...(d('funding rate lower bound') ? { fundingRateLowerBound: d('funding rate lower bound')! } : {}),
        ...(d('funding rate upper bound') ? { fundingRateUpperBound: d('funding rate upper bound')! } : {}),
        // the harness always gives a perpetual an internal composite price (last trade unless a price type is set)
        internalCompositePrice: markPriceConfig(w, row),
      });
    }
  });

  r.define(/^the composite price oracles from "([^"]+)":$/, (w, [signers], t) => {
    const signerList = signers!.split(',').map((s) => s.trim());
    for (const row of need(t).expect(['name', 'price property', 'price type'], ['price decimals']).rows) {
      const property = row.str('price property');
      const type = valueType(row.str('price type'));
      const decimals = row.optNum('price decimals') ?? 0;
      // one filter, no conditions: the key with its type and decimals
      w.compositeOracles.set(row.str('name'), {
        signers: signerList,
        property,
        decimals,
        filters: [{ property, type, decimals }],
      });
    }
  });

  r.define(/^the mark price algo should be "([^"]+)" for the market "([^"]+)"$/, (w, [algo, id]) => {
    const actual = `COMPOSITE_PRICE_TYPE_${w.market(id!).configView().markPrice.type}`;
    if (actual !== algo)
      throw new StepError(`unexpected mark price algo for market "${id}": expected ${algo}, got ${actual}`);
  });

  r.define(/^the product data for the market "([^"]+)" should be:$/, (w, [id], t) => {
    const m = w.market(id!);
    const d = m.productData();
    for (const row of need(t).expect(
      ['internal twap', 'external twap'],
      ['funding payment', 'funding rate', 'internal composite price', 'price type'],
    ).rows) {
      if (!d) throw new StepError(`no product data for ${id}`);
      const errors: string[] = [];
      const cmp = (c: string, actual: string | undefined) => {
        const v = row.opt(c);
        if (v !== undefined && v !== actual) errors.push(`${c}: expected ${v}, got ${actual ?? 'none'}`);
      };
      if (row.str('internal twap') !== d.internalTwap.toString())
        errors.push(`internal twap: expected ${row.str('internal twap')}, got ${d.internalTwap}`);
      if (row.str('external twap') !== d.externalTwap.toString())
        errors.push(`external twap: expected ${row.str('external twap')}, got ${d.externalTwap}`);
      cmp('funding payment', d.fundingPayment?.toString());
      cmp('funding rate', d.fundingRate);
      cmp('internal composite price', m.toMarketPrice(d.internalCompositePrice).toString());
      const p = m.configView().product;
      cmp(
        'price type',
        p.kind === 'perpetual' && p.internalCompositePrice
          ? `COMPOSITE_PRICE_TYPE_${p.internalCompositePrice.type}`
          : undefined,
      );
      if (errors.length) throw new StepError(`product data of ${id}: ${errors.join('; ')}`);
    }
  });

  r.define(/^the following funding period events should be emitted:$/, (w, _a, t) => {
    const events = w.events.filter((e) => e.type === 'fundingPeriod');
    for (const row of need(t).expect(
      ['internal twap', 'external twap'],
      ['funding payment', 'funding rate', 'start', 'end'],
    ).rows) {
      const time = (want: string | undefined, actual: bigint | undefined) =>
        want === undefined || (actual !== undefined && (BigInt(want) * NS === actual || BigInt(want) === actual));
      const found = events.some(
        (e) =>
          e.type === 'fundingPeriod' &&
          time(row.opt('start'), e.start) &&
          time(row.opt('end'), e.end) &&
          (row.opt('internal twap') ?? undefined) === e.internalTwap?.toString() &&
          (row.opt('external twap') ?? undefined) === e.externalTwap?.toString() &&
          (row.opt('funding payment') === undefined || row.opt('funding payment') === e.fundingPayment?.toString()) &&
          (row.opt('funding rate') === undefined || row.opt('funding rate') === e.fundingRate),
      );
      if (!found) {
        throw new StepError(
          `funding period event with start=${row.opt('start') ?? ''}, end=${row.opt('end') ?? ''}, internal TWAP=${row.opt('internal twap') ?? ''}, external TWAP=${row.opt('external twap') ?? ''} not found`,
        );
      }
    }
  });

  r.define(/^the following funding payment events should be emitted:$/, (w, _a, t) => {
    const rows = need(t).expect(['party', 'market', 'amount'], ['loss type', 'loss amount']).rows;
    const lossCheck = rows.some((row) => row.opt('loss type') !== undefined || row.opt('loss amount') !== undefined);
    for (const row of rows) {
      const party = row.str('party');
      const market = row.str('market');
      const payments = w.events.flatMap((e) =>
        e.type === 'fundingPayments' && e.marketId === market ? e.payments : [],
      );
      if (payments.length === 0) throw new StepError(`could not find funding payment events for market ${market}`);
      const mine = payments.filter((p) => p.party === party);
      if (mine.length === 0)
        throw new StepError(`could not find funding payment events for party ${party} in market ${market}`);
      if (!mine.some((p) => p.amount.toString() === row.str('amount'))) {
        throw new StepError(
          `could not find funding payment of amount ${row.str('amount')} for party ${party} in market ${market}`,
        );
      }
      const lt = row.opt('loss type');
      const la = row.opt('loss amount');
      if (lossCheck && (lt !== undefined || la !== undefined)) {
        const ok = w.events.some(
          (e) =>
            e.type === 'lossSocialisation' &&
            e.marketId === market &&
            e.party === party &&
            (lt === undefined || lt === (e.funding ? 'TYPE_FUNDING_PAYMENT' : 'TYPE_SETTLEMENT')) &&
            (la === undefined || la === e.amount.toString()),
        );
        if (!ok)
          throw new StepError(
            `could not find loss amount/type ${la ?? ''} ${lt ?? ''} for party ${party} in market ${market}`,
          );
      }
    }
  });

  r.define(/^the last market state should be "([^"]+)" for the market "([^"]+)"$/, (w, [state, id]) => {
    let last: string | undefined;
    for (const e of w.events) if (e.type === 'marketState' && e.marketId === id) last = `STATE_${e.state}`;
    if (last === undefined) throw new StepError('no market updates found');
    if (last !== state) throw new StepError(`last market state of ${id}: expected ${state}, got ${last}`);
  });

  r.define(/^the market states are updated through governance:/, (w, _a, t) => {
    for (const row of need(t).expect(['market id', 'state'], ['settlement price', 'error']).rows) {
      const kinds: Record<string, 'TERMINATE' | 'SUSPEND' | 'RESUME'> = {
        MARKET_STATE_UPDATE_TYPE_TERMINATE: 'TERMINATE',
        MARKET_STATE_UPDATE_TYPE_SUSPEND: 'SUSPEND',
        MARKET_STATE_UPDATE_TYPE_RESUME: 'RESUME',
      };
      const kind = kinds[row.str('state')];
      if (!kind) throw new StepError(`state: "${row.str('state')}" unknown`);
      const price = row.optInt('settlement price');
      const res = w.ex.updateMarketState(row.str('market id'), kind, price);
      const expected = row.opt('error');
      // as Vega's step: without an error column, a returned error is not a failure
      if (expected !== undefined && res.error !== expected)
        throw new StepError(`expected error "${expected}", got "${res.error ?? 'none'}"`);
    }
  });
}

function broadcast(w: World, signers: string, properties: Record<string, string>, ts: bigint): void {
  const res = w.ex.submitOracleData({ signers: signers.split(',').map((s) => s.trim()), properties, timestamp: ts });
  if (res.error) throw new StepError(res.error);
}
