// Distressed parties (spec 0012-POSR position resolution): the candidates' orders are stopped, those whose margin then
// covers maintenance are safe; a distressed party's bond and (cross margin) general account are confiscated to the
// insurance pool through its margin account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confiscateCollateral, sortDistressed, type DistressedHost } from '../../../src/core/liquidation/distressed.ts';
import type { Order } from '../../../src/core/book/order.ts';
import { Ledger, type Account } from '../../../src/core/ledger/ledger.ts';
import { SYSTEM_OWNER } from '../../../src/core/types.ts';

const ASSET = 'USD';
const MARKET = 'M';

function world(orders: Record<string, string[]>, isolated: string[] = [], covered: string[] = []) {
  const ledger = new Ledger();
  const live = new Map<string, Order[]>();
  for (const [party, ids] of Object.entries(orders))
    live.set(
      party,
      ids.map((id) => ({ id, party, status: 'ACTIVE', updatedAt: 0n }) as unknown as Order),
    );
  const removed: string[] = [];
  const emitted: [string, string][] = [];
  const host: DistressedHost = {
    ledger,
    insurance: ledger.getOrCreate(SYSTEM_OWNER, 'INSURANCE', ASSET, MARKET),
    now: 9n,
    partyOrders: (party) => [...(live.get(party) ?? [])],
    removeLive: (o) => {
      removed.push(o.id);
      live.set(
        o.party,
        (live.get(o.party) ?? []).filter((x) => x !== o),
      );
    },
    emitOrder: (o) => emitted.push([o.id, o.status]),
    isIsolated: (party) => isolated.includes(party),
    aboveMaintenance: (party) => covered.includes(party),
    marginAccount: (party) => ledger.getOrCreate(party, 'MARGIN', ASSET, MARKET),
    general: (party) => ledger.get(party, 'GENERAL', ASSET),
    bond: (party) => ledger.get(party, 'BOND', ASSET, MARKET),
  };
  const fund = (account: Account, amount: bigint) =>
    ledger.transfer(ledger.external(ASSET), account, amount, 'DEPOSIT');
  return { ledger, host, removed, emitted, fund };
}

test('with no orders to stop every candidate is distressed, unchecked', () => {
  const w = world({}, [], ['A']);
  assert.deepEqual(sortDistressed(['A', 'B'], w.host), { distressed: ['A', 'B'], safe: [] });
});

test("cross candidates' orders are stopped, then those above maintenance are safe; isolated orders stay", () => {
  const w = world({ A: ['a1', 'a2'], B: ['b1'], I: ['i1'] }, ['I'], ['A']);
  assert.deepEqual(sortDistressed(['A', 'B', 'I'], w.host), { distressed: ['B', 'I'], safe: ['A'] });
  assert.deepEqual(w.removed, ['a1', 'a2', 'b1']);
  assert.deepEqual(w.emitted, [
    ['a1', 'STOPPED'],
    ['a2', 'STOPPED'],
    ['b1', 'STOPPED'],
  ]);
});

test("a cross party's bond, general and margin go to the insurance pool; an isolated party keeps general", () => {
  const w = world({});
  for (const p of ['C', 'I']) {
    w.fund(w.ledger.getOrCreate(p, 'BOND', ASSET, MARKET), 5n);
    w.fund(w.ledger.getOrCreate(p, 'GENERAL', ASSET), 10n);
    w.fund(w.ledger.getOrCreate(p, 'MARGIN', ASSET, MARKET), 20n);
  }
  confiscateCollateral('C', false, w.host);
  assert.equal(w.host.insurance.balance, 35n);
  assert.equal(w.ledger.get('C', 'GENERAL', ASSET)!.balance, 0n);
  confiscateCollateral('I', true, w.host);
  assert.equal(w.host.insurance.balance, 60n); // 35 + 5 + 20
  assert.equal(w.ledger.get('I', 'GENERAL', ASSET)!.balance, 10n);
  assert.equal(w.ledger.get('I', 'BOND', ASSET, MARKET)!.balance, 0n);
});
