// Order checks: book volumes, order status and states, rejections, events not emitted, cancel-alls, stop,
// iceberg and pegged orders.
import type { Registry } from '../../registry.ts';
import { StepError } from '../../table.ts';
import { type EngineEvent } from '../../../src/core/index.ts';
import { side } from '../parse.ts';
import { need, mismatch, expectInt, bookFromEvents } from './common.ts';

export function registerOrderChecks(r: Registry): void {
  r.define(/^the order book should have the following volumes for market "([^"]*)":$/, (w, [id], t) => {
    const book = bookFromEvents(w, id!);
    for (const row of need(t).expect(['side', 'price', 'volume']).rows) {
      const s = side(row.str('side'));
      const price = row.num('price');
      const actual = book.get(`${s}|${price}`) ?? 0;
      expectInt(`${s} volume at ${price}`, row.str('volume'), actual);
    }
  });

  r.define(/^the orders should have the following status:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'reference', 'status']).rows) {
      const o = w.orderByReference(row.str('party'), row.str('reference'));
      const status = w.expiredOrderIds.has(o.id) ? 'EXPIRED' : o.status;
      if (`STATUS_${status}` !== row.str('status'))
        throw mismatch(`status of ${row.str('reference')}`, row.str('status'), `STATUS_${status}`);
    }
  });

  // Vega's order errors are an enum whose names spell the message: "margin check failed" is
  // ORDER_ERROR_MARGIN_CHECK_FAILED. A row passes when some rejected order of the party in the market carries it.
  r.define(/^the following orders should be rejected:$/, (w, _a, t) => {
    const enumName = (reason: string) =>
      'ORDER_ERROR_' +
      reason
        .replace(/^OrderError:\s*/, '')
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, '_')
        .replace(/^_|_$/g, '');
    for (const row of need(t).expect(['party', 'market id', 'reason']).rows) {
      const party = row.str('party');
      const market = row.str('market id');
      const reason = row.str('reason');
      const rejected = w.orderEvents.filter(
        (o) => o.party === party && o.marketId === market && o.status === 'REJECTED',
      );
      if (!rejected.some((o) => o.reason !== undefined && enumName(o.reason) === reason))
        throw new StepError(
          `no order of ${party} in ${market} rejected with ${reason}` +
            (rejected.length ? ` (rejections: ${rejected.map((o) => enumName(o.reason ?? '')).join(', ')})` : ''),
        );
    }
  });

  // Vega's bus event type names this step is given in the corpus, with the perpsim events they correspond to; any
  // other name is refused rather than passing vacuously.
  const busTypes: Record<string, EngineEvent['type'][]> = { AuctionEvent: ['auction'] };
  r.define(/^the following events should NOT be emitted:$/, (w, _a, t) => {
    for (const row of need(t).expect(['type']).rows) {
      const name = row.str('type');
      const kinds = busTypes[name];
      if (!kinds) throw new StepError(`event type ${name} is not one perpsim emits`);
      const found = w.events.slice(w.eventsClearedAt).find((e) => kinds.includes(e.type));
      if (found)
        throw new StepError(
          `${name} was emitted: ${JSON.stringify(found, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`,
        );
    }
  });

  // Vega's cancelled-orders event of a cancel-all: every row's order must be in one for its party and market
  r.define(/the following orders are cancelled on market "([^"]+)":$/, (w, [market], t) => {
    const cancelled = new Set<string>();
    for (const e of w.events.slice(w.eventsClearedAt))
      if (e.type === 'cancelledOrders' && e.marketId === market) for (const id of e.orderIds) cancelled.add(id);
    for (const row of need(t).expect(['reference', 'party']).rows) {
      const o = w.orderByReference(row.str('party'), row.str('reference'));
      if (o.marketId !== market || !cancelled.has(o.id))
        throw new StepError(
          `order ${row.str('reference')} of ${row.str('party')} is in no cancelled-orders event of ${market}`,
        );
    }
  });

  r.define(/^the orders should have the following states:$/, (w, _a, t) => {
    for (const row of need(t).expect(
      ['party', 'market id', 'side', 'volume', 'price', 'remaining', 'status'],
      ['reference'],
    ).rows) {
      const party = row.str('party');
      const market = row.str('market id');
      const s = side(row.str('side'));
      const status = row.str('status');
      const size = row.num('volume');
      const price = row.num('price');
      const remaining = row.num('remaining');
      const ref = row.opt('reference');
      let ok = false;
      for (let i = w.orderEvents.length - 1; i >= 0; i--) {
        const o = w.orderEvents[i]!;
        if (ref !== undefined && o.reference !== ref) continue;
        if (o.party !== party || o.marketId !== market || o.side !== s || `STATUS_${o.status}` !== status) continue;
        const match = o.size === size && o.price === price && o.remaining === remaining;
        if (ref !== undefined && !match) {
          throw new StepError(
            `order ${ref}: size ${o.size} price ${o.price} remaining ${o.remaining}, expected ${size} ${price} ${remaining}`,
          );
        }
        if (match) {
          ok = true;
          break;
        }
      }
      if (!ok)
        throw new StepError(`no order event for ${party} ${s} ${size}@${price} remaining ${remaining} ${status}`);
    }
  });

  r.define(/^the stop orders should have the following states$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'market id', 'status'], ['reference']).rows) {
      const party = row.str('party');
      const market = row.str('market id');
      const status = row.str('status');
      const ref = row.opt('reference');
      const found = w.stopEvents.some(
        (e) =>
          e.party === party &&
          e.marketId === market &&
          `STATUS_${e.status}` === status &&
          (ref === undefined || e.reference === ref),
      );
      if (!found)
        throw new StepError(
          `no stop order event for ${party} in ${market} with ${status}${ref ? ` and reference ${ref}` : ''}`,
        );
    }
  });

  r.define(/^the iceberg orders should have the following states:$/, (w, _a, t) => {
    const cols = ['party', 'market id', 'side', 'visible volume', 'price', 'status', 'reserved volume'];
    for (const row of need(t).expect(cols, ['reference']).rows) {
      const party = row.str('party');
      const market = row.str('market id');
      const s = side(row.str('side'));
      const status = row.str('status');
      const visible = row.num('visible volume');
      const reserved = row.num('reserved volume');
      const price = row.num('price');
      const ref = row.opt('reference');
      let ok = false;
      for (let i = w.orderEvents.length - 1; i >= 0 && !ok; i--) {
        const o = w.orderEvents[i]!;
        if (ref !== undefined && o.reference !== ref) continue;
        if (o.party !== party || o.marketId !== market || o.side !== s || `STATUS_${o.status}` !== status) continue;
        ok = o.remaining === visible && o.reservedRemaining === reserved && o.price === price;
      }
      if (!ok)
        throw new StepError(
          `no iceberg order event for ${party} ${s} @${price} visible ${visible} reserved ${reserved} ${status}`,
        );
    }
  });

  r.define(/^the pegged orders should have the following states:$/, (w, _a, t) => {
    const cols = ['party', 'market id', 'side', 'volume', 'reference', 'offset', 'price', 'status'];
    const refs: Record<string, string> = { BID: 'BEST_BID', ASK: 'BEST_ASK', MID: 'MID' };
    for (const row of need(t).expect(cols).rows) {
      const party = row.str('party');
      const market = row.str('market id');
      const s = side(row.str('side'));
      const ref = refs[row.str('reference')];
      if (!ref) throw new StepError(`reference: "${row.str('reference')}" must be BID, ASK or MID`);
      const volume = row.num('volume');
      const offset = row.num('offset');
      const price = row.num('price');
      const status = row.str('status');
      const found = w.orderEvents.some(
        (o) =>
          o.party === party &&
          o.marketId === market &&
          o.side === s &&
          o.peg?.reference === ref &&
          o.peg.offset === offset &&
          o.size === volume &&
          o.price === price &&
          `STATUS_${o.status}` === status,
      );
      if (!found)
        throw new StepError(`no pegged order event for ${party} ${s} ${volume} ${ref}+${offset} @${price} ${status}`);
    }
  });
}
