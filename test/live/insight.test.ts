/* eslint-disable @typescript-eslint/no-explicit-any -- JSON replies: the assertions check them field by field */
// The live page's extra endpoints against independent views of the same venue: the insurance pool against the
// ledger's post-transfer balances in a party's transfers, each LP's time on book against the blocks counted by hand,
// its LP fees and SLA penalties per epoch against its own transfers, and every party's margins (admin) against each
// party's own margin and account endpoints; the admin view refused without the admin token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, testVenue, type TestVenue } from './helpers.ts';

const M = 'LINKUSDPERP';
const LP_FEE_TYPES = [
  'LIQUIDITY_FEE_ALLOCATE',
  'LIQUIDITY_FEE_DISTRIBUTE',
  'LIQUIDITY_FEE_NET_DISTRIBUTE',
  'SLA_PERFORMANCE_BONUS_DISTRIBUTE',
];
const PENALTY_TYPES = [
  'LIQUIDITY_FEE_UNPAID_COLLECT',
  'SLA_PENALTY_LP_FEE_APPLY',
  'SLA_PENALTY_BOND_APPLY',
  'BOND_SLASHING',
];

/** a decimal string as a bigint of 10^-18 units (the test's own exact arithmetic) */
function fixed(s: string): bigint {
  const [i, f = ''] = s.replace('-', '').split('.');
  const v = BigInt(i!) * 10n ** 18n + BigInt(f.padEnd(18, '0'));
  return s.startsWith('-') ? -v : v;
}

describe('live page endpoints: insurance, LP figures per epoch, every party’s margins', () => {
  let v: TestVenue;
  let alice: string;
  let bob: string;
  let lp: string;
  before(async () => {
    v = await testVenue({ network: { 'validators.epoch.length': '5s' } });
    alice = await v.key('alice');
    bob = await v.key('bob');
    lp = await v.key('lp');
    for (const k of [alice, bob, lp]) await v.call('POST', '/v1/deposit', { key: k, body: { amount: '100000' } });
    await v.call('POST', '/v1/orders', { key: alice, body: { market: M, side: 'buy', price: '15', size: '2' } });
    await v.call('POST', '/v1/orders', { key: bob, body: { market: M, side: 'sell', price: '15', size: '2' } });
    // a book either side so the market has a mid after the auction
    await v.call('POST', '/v1/orders', { key: alice, body: { market: M, side: 'buy', price: '14', size: '1' } });
    await v.call('POST', '/v1/orders', { key: bob, body: { market: M, side: 'sell', price: '16', size: '1' } });
    for (let i = 0; i < 4; i++) v.block(1);
  });
  after(async () => {
    await v.close();
  });

  test('LP time on book per epoch counts the block ends with its orders on the book; fees and penalties are its transfers', async () => {
    const r = await v.call('POST', '/v1/liquidity', { key: lp, body: { market: M, commitment: '1000', fee: '0.001' } });
    assert.equal(r.body.ok, true, JSON.stringify(r.body));
    // by hand: 3 block ends without orders, 4 with one, 8 without (across at least two 5 s epochs)
    for (let i = 0; i < 3; i++) v.block(1);
    const o = await v.call('POST', '/v1/orders', {
      key: lp,
      body: { market: M, side: 'buy', price: '14.5', size: '1' },
    });
    assert.equal(o.body.ok, true, JSON.stringify(o.body));
    for (let i = 0; i < 4; i++) v.block(1);
    await v.call('DELETE', `/v1/orders/${o.body.order.id}?market=${M}`, { key: lp });
    for (let i = 0; i < 8; i++) v.block(1);
    const liq = await v.call('GET', `/v1/markets/${M}/liquidity`);
    assert.equal(liq.status, 200);
    const mine = liq.body.providers.find((p: any) => p.party === 'lp');
    assert.ok(mine, JSON.stringify(liq.body));
    const epochs: any[] = mine.epochs;
    assert.ok(epochs.length >= 2, `epochs ${epochs.length}`);
    assert.equal(
      epochs.reduce((n, e) => n + e.blocks, 0),
      15,
    );
    assert.equal(
      epochs.reduce((n, e) => n + e.blocksOnBook, 0),
      4,
    );
    for (const e of epochs) assert.equal(e.timeOnBook, e.blocks ? e.blocksOnBook / e.blocks : null);
    assert.equal(epochs[0].end, null); // the open epoch first, then the ended ones, newest first
    assert.deepEqual(
      epochs.map((e) => e.epoch),
      epochs.map((_, i) => liq.body.epoch - i),
    );
    assert.ok(epochs.slice(1).every((e) => e.end !== null && BigInt(e.end) > BigInt(e.start)));
    // fees and penalties: the net flows of the LP's own transfers of those types, each side of the party counted
    const tr = await v.call('GET', '/v1/parties/lp/transfers?limit=500', { key: lp });
    const net = (types: string[]) =>
      (tr.body as any[])
        .filter((t) => types.includes(t.type) && t.from.owner !== t.to.owner)
        .reduce((s, t) => s + (t.to.owner === 'lp' ? 1n : -1n) * fixed(t.amount), 0n);
    const sum = (k: string) => epochs.reduce((s, e) => s + fixed(e[k]), 0n);
    assert.equal(sum('lpFees'), net(LP_FEE_TYPES));
    assert.equal(sum('penalties'), net(PENALTY_TYPES));
    // the bond now is the bond account's balance
    const acc = await v.call('GET', '/v1/parties/lp/accounts', { key: lp });
    const bond = (acc.body as any[]).find((a) => a.type === 'BOND' && a.market === liq.body.market);
    assert.equal(fixed(epochs[0].bond), fixed(bond.balance));
    // the insurance pool: the balance the ledger reported after the latest transfer into or out of it, if any
    const ins = await v.call('GET', `/v1/markets/${M}/insurance?history=5`);
    assert.equal(ins.status, 200);
    assert.equal(ins.body.history.length, 5);
    assert.equal(ins.body.history[0].balance, ins.body.balance);
    const pool = (tr.body as any[]).find((t) => t.to.type === 'INSURANCE' || t.from.type === 'INSURANCE');
    if (pool)
      assert.equal(fixed(ins.body.balance), fixed(pool.to.type === 'INSURANCE' ? pool.to.balance : pool.from.balance));
    else assert.equal(fixed(ins.body.balance), 0n);
    const bad = await v.call('GET', `/v1/markets/${M}/insurance?history=9999`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.issues[0].path, 'query.history');
  });

  test('every party’s margins (admin): refused without the token, equal to each party’s own views with it', async () => {
    const no = await v.call('GET', '/v1/admin/margins');
    assert.equal(no.status, 401);
    const wrong = await v.call('GET', '/v1/admin/margins', { key: alice });
    assert.equal(wrong.status, 401);
    const all = await v.call('GET', '/v1/admin/margins', { key: ADMIN });
    assert.equal(all.status, 200);
    for (const [party, key] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      const row = (all.body as any[]).find((x) => x.party === party);
      assert.ok(row, party);
      const own = await v.call('GET', `/v1/parties/${party}/margins`, { key });
      assert.equal(row.maintenance, own.body[0].maintenance);
      assert.equal(row.initial, own.body[0].initial);
      const pos = await v.call('GET', `/v1/parties/${party}/positions`, { key });
      assert.equal(row.openVolume, pos.body[0].openVolume);
      const acc = await v.call('GET', `/v1/parties/${party}/accounts`, { key });
      const bal = (type: string) => (acc.body as any[]).find((a) => a.type === type)?.balance ?? '0';
      assert.equal(fixed(row.margin), fixed(bal('MARGIN')));
      assert.equal(fixed(row.general), fixed(bal('GENERAL')));
    }
    assert.equal((all.body as any[]).find((x) => x.party === 'alice').openVolume, '2');
    const openapi = await v.call('GET', '/openapi.json');
    for (const p of ['/v1/admin/margins', '/v1/markets/{market}/insurance', '/v1/markets/{market}/liquidity'])
      assert.ok(openapi.body.paths[p], p);
  });
});
