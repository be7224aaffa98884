// Order steps: place (plain, with ticks, N blocks apart), pegged, iceberg and pegged iceberg orders; amend; cancel.
import type { Registry } from '../registry.ts';
import { StepError, type Row, type Table } from '../table.ts';
import type { World } from '../world.ts';
import { Decimal, NS, type OrderSubmission, type StopOrderSpec } from '../../src/core/index.ts';
import { checkError, orderType, peggedReference, side, tif, timestamp } from './parse.ts';

const need = (t: Table | undefined): Table => {
  if (!t) throw new StepError('this step needs a table');
  return t;
};

const STOP_COLUMNS = [
  'fb price trigger',
  'fb trailing',
  'fb expires in',
  'fb expiry strategy',
  'fb size override setting',
  'fb size override percentage',
  'ra price trigger',
  'ra trailing',
  'ra expires in',
  'ra expiry strategy',
  'ra size override setting',
  'ra size override percentage',
];

const ORDER_OPTIONAL = [
  'reference',
  'error',
  'resulting trades',
  'expires in',
  'only',
  'pegged reference',
  'pegged offset',
  ...STOP_COLUMNS,
];

type After = { kind: 'none' } | { kind: 'ticks' } | { kind: 'blocks'; n: number };

function only(row: Row): { postOnly?: boolean; reduceOnly?: boolean } {
  const v = row.opt('only');
  if (v === undefined) return {};
  if (v === 'post') return { postOnly: true };
  if (v === 'reduce') return { reduceOnly: true };
  throw new StepError(`only: "${v}" must be post or reduce`);
}

function expiry(row: Row, t: string, start: bigint, isMarket: boolean): bigint | undefined {
  const e = row.opt('expires in');
  if (t !== 'GTT' || isMarket) return undefined;
  if (e === undefined) throw new StepError('a GTT order needs "expires in"');
  return start + BigInt(Number(e)) * NS;
}

/** Submits one row and checks error and resulting trades; returns true when the row counts for ticks/blocks. */
function submitRow(w: World, row: Row, sub: OrderSubmission): boolean {
  const res = w.ex.submitOrder(sub);
  const expected = row.opt('error');
  checkError(expected, res.error, `order ${sub.reference || `row ${row.index + 1}`}`);
  const rt = row.optNum('resulting trades');
  if (rt !== undefined && res.error === undefined && res.trades.length !== rt) {
    throw new StepError(`row ${row.index + 1}: ${res.trades.length} trades, expected ${rt}`);
  }
  return rt !== undefined && res.error === undefined;
}

function after(w: World, how: After): void {
  if (how.kind === 'ticks') {
    w.ex.endBlock();
    w.ex.advanceTo(w.ex.now());
  } else if (how.kind === 'blocks') {
    for (let i = 0; i < how.n; i++) w.nextBlock();
  }
}

/** One stop-order leg ("fb" or "ra") of a row, undefined when the row has no trigger for it. */
function stopLeg(row: Row, leg: 'fb' | 'ra', sub: OrderSubmission, start: bigint): StopOrderSpec | undefined {
  const price = row.optInt(`${leg} price trigger`);
  const trailing = row.opt(`${leg} trailing`);
  const expires = row.opt(`${leg} expires in`);
  const strategy = row.opt(`${leg} expiry strategy`);
  const setting = row.opt(`${leg} size override setting`);
  const pct = row.opt(`${leg} size override percentage`);
  if (price === undefined && trailing === undefined) {
    for (const [c, v] of [
      ['expires in', expires],
      ['expiry strategy', strategy],
      ['size override setting', setting],
      ['size override percentage', pct],
    ]) {
      if (v !== undefined) throw new StepError(`"${leg} ${c}" without a ${leg} trigger`);
    }
    return undefined;
  }
  if (price !== undefined && trailing !== undefined)
    throw new StepError(`${leg}: a price trigger and a trailing trigger cannot both be set`);
  const strategies: Record<string, 'CANCELS' | 'SUBMIT'> = {
    EXPIRY_STRATEGY_CANCELS: 'CANCELS',
    EXPIRY_STRATEGY_SUBMIT: 'SUBMIT',
  };
  if (strategy !== undefined && !strategies[strategy])
    throw new StepError(`${leg} expiry strategy: "${strategy}" unknown`);
  const overrideOn = setting !== undefined && /POSITION$/.test(setting);
  if (setting !== undefined && !/(POSITION|NONE)$/.test(setting))
    throw new StepError(`${leg} size override setting: "${setting}" unknown`);
  return {
    submission: sub,
    trigger:
      price !== undefined
        ? { kind: 'price', price }
        : { kind: 'trailing', offset: Decimal.parse(trailing!, `${leg} trailing`) },
    ...(expires !== undefined
      ? {
          expiresAt: start + BigInt(Number(expires)) * NS,
          expiryStrategy: strategy ? strategies[strategy]! : 'CANCELS',
        }
      : {}),
    ...(overrideOn
      ? { sizeOverride: pct !== undefined ? { fraction: Decimal.parse(pct, `${leg} size override percentage`) } : {} }
      : {}),
  };
}

/** A limit or market order row (optionally an iceberg) without its party: the iceberg and batch steps. */
function orderRow(row: Row, start: bigint, iceberg: boolean): Omit<OrderSubmission, 'party'> {
  const type = orderType(row.str('type'));
  const tf = tif(row.str('tif'));
  const exp = expiry(row, tf, start, type === 'MARKET');
  return {
    marketId: row.str('market id'),
    side: side(row.str('side')),
    size: row.num('volume'),
    price: row.num('price'),
    type,
    tif: tf,
    reference: row.opt('reference') ?? '',
    ...only(row),
    ...(exp !== undefined ? { expiresAt: exp } : {}),
    ...(iceberg
      ? { iceberg: { peakSize: row.num('peak size'), minimumVisibleSize: row.num('minimum visible size') } }
      : {}),
  };
}

function placeOrders(w: World, t: Table, how: After): void {
  const start = w.ex.now();
  // Vega's "with ticks" and "blocks apart" steps first set the clock to its current time ("ensure time is set"):
  // one tick, without a block end, before the first row (a liquidity-score sample, a state-variable update, ...)
  if (how.kind !== 'none') w.ex.advanceTo(start);
  for (const row of t.expect(['party', 'market id', 'side', 'volume', 'price', 'type', 'tif'], ORDER_OPTIONAL).rows) {
    const isStop = ['fb price trigger', 'fb trailing', 'ra price trigger', 'ra trailing'].some(
      (c) => row.opt(c) !== undefined,
    );
    const pegRef = row.opt('pegged reference');
    const pegOffset = row.optNum('pegged offset');
    const sub: OrderSubmission = {
      ...orderRow(row, start, false),
      party: row.str('party'),
      ...(pegRef !== undefined ? { peg: { reference: peggedReference(pegRef), offset: pegOffset ?? 0 } } : {}),
    };
    if (isStop) {
      let fb = stopLeg(row, 'fb', sub, start);
      let ra = stopLeg(row, 'ra', sub, start);
      if (fb && ra) {
        fb = { ...fb, submission: { ...sub, reference: `${sub.reference}-1` } };
        ra = { ...ra, submission: { ...sub, reference: `${sub.reference}-2` } };
      }
      const res = w.ex.submitStopOrders(sub.party, sub.marketId, fb, ra);
      checkError(row.opt('error'), res.error, `stop order ${sub.reference || `row ${row.index + 1}`}`);
      const rt = row.optNum('resulting trades');
      if (rt !== undefined && res.error === undefined && res.trades.length !== rt)
        throw new StepError(`row ${row.index + 1}: ${res.trades.length} trades, expected ${rt}`);
      if (rt !== undefined && res.error === undefined) after(w, how);
      continue;
    }
    for (const c of STOP_COLUMNS) row.opt(c);
    if (submitRow(w, row, sub)) after(w, how);
  }
}

export function registerOrderSteps(r: Registry): void {
  r.define(/^the parties place the following orders:$/, (w, _a, t) => placeOrders(w, need(t), { kind: 'none' }));
  r.define(/^the parties place the following orders with ticks:$/, (w, _a, t) =>
    placeOrders(w, need(t), { kind: 'ticks' }),
  );
  r.define(/^the parties place the following orders "([^"]+)" blocks apart:$/, (w, [n], t) =>
    placeOrders(w, need(t), { kind: 'blocks', n: Number(n) }),
  );

  r.define(/^the parties place the following pegged orders:$/, (w, _a, t) => {
    for (const row of need(t).expect(
      ['party', 'market id', 'side', 'volume', 'pegged reference', 'offset'],
      ['error', 'reference'],
    ).rows) {
      submitRow(w, row, {
        marketId: row.str('market id'),
        party: row.str('party'),
        side: side(row.str('side')),
        size: row.num('volume'),
        type: 'LIMIT',
        tif: 'GTC',
        reference: row.opt('reference') ?? '',
        peg: { reference: peggedReference(row.str('pegged reference')), offset: row.num('offset') },
      });
    }
  });

  r.define(/^the parties place the following iceberg orders:$/, (w, _a, t) => {
    const start = w.ex.now();
    const cols = ['party', 'market id', 'side', 'volume', 'price', 'type', 'tif', 'peak size', 'minimum visible size'];
    for (const row of need(t).expect(cols, ['reference', 'error', 'resulting trades', 'expires in', 'only']).rows)
      submitRow(w, row, { ...orderRow(row, start, true), party: row.str('party') });
  });

  // batch instructions (spec 0074-BTCH): rows are collected per party and processed as one transaction
  r.define(/^the party "([^"]+)" starts a batch instruction$/, (w, [party]) => {
    w.batches.set(party!, { submissions: [] });
  });
  const addToBatch = (w: World, party: string, t: Table, iceberg: boolean) => {
    const b = w.batches.get(party);
    if (!b) throw new StepError(`party ${party} has not started a batch`);
    const start = w.ex.now();
    const cols = ['market id', 'side', 'volume', 'price', 'type', 'tif'];
    if (iceberg) cols.push('peak size', 'minimum visible size');
    for (const row of t.expect(cols, ['reference', 'expires in', 'only', 'error']).rows) {
      // the harness reads an error column here but never checks it (the batch's own step does)
      row.opt('error');
      b.submissions.push(orderRow(row, start, iceberg));
    }
  };
  r.define(/^the party "([^"]+)" adds the following orders to a batch:$/, (w, [party], t) =>
    addToBatch(w, party!, need(t), false),
  );
  r.define(/^the party "([^"]+)" adds the following iceberg orders to a batch:$/, (w, [party], t) =>
    addToBatch(w, party!, need(t), true),
  );
  r.define(/^the party "([^"]+)" submits their batch instruction$/, (w, [party]) => {
    const b = w.batches.get(party!);
    if (!b) throw new StepError(`party ${party} has not started a batch`);
    w.batches.delete(party!);
    const res = w.ex.batch({
      party: party!,
      submissions: b.submissions,
      ...(b.cancellations ? { cancellations: b.cancellations } : {}),
      ...(b.amendments ? { amendments: b.amendments } : {}),
    });
    const errors = [res.error, ...res.results.map((r) => r.error && `${r.kind} ${r.index + 1}: ${r.error}`)].filter(
      (e): e is string => !!e,
    );
    if (errors.length) throw new StepError(`batch of ${party}: ${errors.join('; ')}`);
  });

  r.define(/^the parties place the following pegged iceberg orders:$/, (w, _a, t) => {
    const start = w.ex.now();
    const cols = [
      'party',
      'market id',
      'side',
      'volume',
      'peak size',
      'minimum visible size',
      'pegged reference',
      'offset',
    ];
    for (const row of need(t).expect(cols, [
      'type',
      'tif',
      'reference',
      'error',
      'resulting trades',
      'expires in',
      'only',
    ]).rows) {
      const type = orderType(row.opt('type') ?? 'TYPE_LIMIT');
      const tf = tif(row.opt('tif') ?? 'TIF_GTC');
      const exp = expiry(row, tf, start, false);
      submitRow(w, row, {
        marketId: row.str('market id'),
        party: row.str('party'),
        side: side(row.str('side')),
        size: row.num('volume'),
        type,
        tif: tf,
        reference: row.opt('reference') ?? '',
        ...only(row),
        ...(exp !== undefined ? { expiresAt: exp } : {}),
        peg: { reference: peggedReference(row.str('pegged reference')), offset: row.num('offset') },
        iceberg: { peakSize: row.num('peak size'), minimumVisibleSize: row.num('minimum visible size') },
      });
    }
  });

  r.define(/^the parties amend the following orders:$/, (w, _a, t) => {
    for (const row of need(t).expect(
      ['party', 'reference', 'tif'],
      ['price', 'size delta', 'size', 'error', 'expiration date', 'pegged offset'],
    ).rows) {
      const party = row.str('party');
      const o = w.orderByReference(party, row.str('reference'));
      const price = row.optNum('price');
      const delta = row.optNum('size delta');
      const size = row.optNum('size');
      const exp = row.opt('expiration date');
      const off = row.optNum('pegged offset');
      const res = w.ex.amendOrder({
        orderId: o.id,
        marketId: o.marketId,
        party,
        tif: tif(row.str('tif')),
        ...(price !== undefined && price !== 0 ? { price } : {}),
        ...(delta !== undefined && delta !== 0 ? { sizeDelta: delta } : {}),
        ...(size !== undefined ? { size } : {}),
        ...(exp !== undefined ? { expiresAt: timestamp(exp) } : {}),
        ...(off !== undefined && off !== 0 ? { peggedOffset: off } : {}),
      });
      checkError(row.opt('error'), res.error, `amend ${row.str('reference')}`);
    }
  });

  r.define(/^the parties amend the following pegged iceberg orders:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'reference'], ['size delta', 'offset', 'error']).rows) {
      const party = row.str('party');
      const o = w.orderByReference(party, row.str('reference'));
      const delta = row.optNum('size delta');
      const off = row.optNum('offset');
      const res = w.ex.amendOrder({
        orderId: o.id,
        marketId: o.marketId,
        party,
        ...(delta !== undefined && delta !== 0 ? { sizeDelta: delta } : {}),
        ...(off !== undefined ? { peggedOffset: off } : {}),
      });
      checkError(row.opt('error'), res.error, `amend ${row.str('reference')}`);
    }
  });

  r.define(/^the parties cancel the following orders:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'reference'], ['error']).rows) {
      const party = row.str('party');
      const o = w.orderByReference(party, row.str('reference'));
      const res = w.ex.cancelOrder(party, o.marketId, o.id);
      checkError(row.opt('error'), res.error, `cancel ${row.str('reference')}`);
    }
  });

  r.define(/^the parties cancel the following stop orders:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'reference'], ['error']).rows) {
      const party = row.str('party');
      let ev;
      for (const e of w.stopEvents) if (e.party === party && e.reference === row.str('reference')) ev = e;
      if (!ev) throw new StepError(`no stop order for party "${party}" with reference "${row.str('reference')}"`);
      const res = w.ex.cancelStopOrder(party, ev.marketId, ev.id);
      checkError(row.opt('error'), res.error, `cancel stop order ${row.str('reference')}`);
    }
  });

  // as Vega's steps: errors of cancel-all are not checked
  r.define(/^the party "([^"]*)" cancels all their stop orders for the market "([^"]*)"$/, (w, [party, market]) => {
    w.ex.cancelAllStopOrders(party!, market!);
  });
  r.define(/^the party "([^"]*)" cancels all their stop orders/, (w, [party]) => {
    w.ex.cancelAllStopOrders(party!);
  });

  r.define(/^the parties cancel all their orders for the markets:$/, (w, _a, t) => {
    // as Vega's step: one cancel-all per row (every market when the market id is empty)
    for (const row of need(t).expect(['party', 'market id'], ['error']).rows) {
      const party = row.str('party');
      const res = w.ex.cancelAllOrders(party, row.opt('market id'));
      checkError(row.opt('error'), res.error, `cancel all of ${party}`);
    }
  });
}
