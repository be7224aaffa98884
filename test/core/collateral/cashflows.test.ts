// CashFlows on a real ledger (spec 0003-MTMK mark-to-market, 0005-COLL collateral, 0015-INSR insurance pool):
// where a loss is collected from, in order, and how wins are cut when less was collected than they expect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CashFlows } from '../../../src/core/collateral/cashflows.ts';
import type { EngineEvent } from '../../../src/core/events.ts';
import { Ledger, type Account } from '../../../src/core/ledger/ledger.ts';
import { NETWORK_PARTY, SYSTEM_OWNER } from '../../../src/core/types.ts';

const ASSET = 'USD';
const MARKET = 'M';
const MTM = { loss: 'MTM_LOSS', win: 'MTM_WIN', funding: false } as const;

function world(isolated: readonly string[] = []) {
  const ledger = new Ledger();
  const events: EngineEvent[] = [];
  const insurance = ledger.getOrCreate(SYSTEM_OWNER, 'INSURANCE', ASSET, MARKET);
  const settlementAccount = ledger.getOrCreate(SYSTEM_OWNER, 'SETTLEMENT', ASSET, MARKET);
  const margin = (party: string) => ledger.getOrCreate(party, 'MARGIN', ASSET, MARKET);
  const flows = new CashFlows({
    ledger,
    marketId: MARKET,
    insurance,
    settlementAccount,
    marginAccount: margin,
    general: (party) => ledger.get(party, 'GENERAL', ASSET),
    bond: (party) => ledger.get(party, 'BOND', ASSET, MARKET),
    isIsolated: (party) => isolated.includes(party),
    emit: (e) => events.push(e),
  });
  const fund = (account: Account, amount: bigint) =>
    ledger.transfer(ledger.external(ASSET), account, amount, 'DEPOSIT');
  const general = (party: string) => ledger.getOrCreate(party, 'GENERAL', ASSET);
  const bond = (party: string) => ledger.getOrCreate(party, 'BOND', ASSET, MARKET);
  const socialised = () =>
    events.flatMap((e) => (e.type === 'lossSocialisation' ? [[e.party, e.amount] as const] : []));
  return { ledger, flows, insurance, settlementAccount, margin, general, bond, fund, socialised };
}

test('a loss is collected from margin, then general, then bond, then the insurance pool', () => {
  const w = world();
  w.fund(w.margin('L'), 10n);
  w.fund(w.general('L'), 20n);
  w.fund(w.bond('L'), 30n);
  w.fund(w.insurance, 1000n);
  const order = w.flows.settle(
    [
      { party: 'L', amount: -100n },
      { party: 'W', amount: 100n },
    ],
    MTM,
  );
  assert.deepEqual(order, ['L', 'W']);
  assert.deepEqual(
    [w.margin('L').balance, w.general('L').balance, w.bond('L').balance],
    [0n, 0n, 0n],
    'every account of the loser is emptied first',
  );
  // 10 + 20 + 30 from the party, the last 40 from the pool: the winner is paid in full
  assert.equal(w.insurance.balance, 960n);
  assert.equal(w.margin('W').balance, 100n);
  assert.equal(w.settlementAccount.balance, 0n);
  assert.deepEqual(w.socialised(), []);
});

test("an isolated-margin party's loss is not taken from its general account", () => {
  const w = world(['L']);
  w.fund(w.margin('L'), 10n);
  w.fund(w.general('L'), 500n);
  w.flows.settle(
    [
      { party: 'L', amount: -50n },
      { party: 'W', amount: 50n },
    ],
    MTM,
  );
  assert.equal(w.general('L').balance, 500n);
  assert.equal(w.margin('L').balance, 0n);
  // 10 collected, 40 short: the loser's shortfall and the winner's cut are reported
  assert.equal(w.margin('W').balance, 10n);
  assert.deepEqual(w.socialised(), [
    ['L', 40n],
    ['W', -40n],
  ]);
});

test('wins are cut pro rata to what was collected', () => {
  const w = world();
  w.fund(w.margin('L'), 150n);
  w.flows.settle(
    [
      { party: 'L', amount: -300n },
      { party: 'W1', amount: 100n },
      { party: 'W2', amount: 200n },
    ],
    MTM,
  );
  // 150 of 300 collected: each win is halved
  assert.equal(w.margin('W1').balance, 50n);
  assert.equal(w.margin('W2').balance, 100n);
  assert.equal(w.settlementAccount.balance, 0n);
  assert.deepEqual(w.socialised(), [
    ['L', 150n],
    ['W1', -50n],
    ['W2', -100n],
  ]);
});

test("the network's loss comes from the insurance pool, and its win goes there", () => {
  const w = world();
  w.fund(w.insurance, 70n);
  w.flows.settle(
    [
      { party: NETWORK_PARTY, amount: -70n },
      { party: 'W', amount: 70n },
    ],
    MTM,
  );
  assert.equal(w.insurance.balance, 0n);
  assert.equal(w.margin('W').balance, 70n);
  w.fund(w.margin('L'), 25n);
  w.flows.settle(
    [
      { party: 'L', amount: -25n },
      { party: NETWORK_PARTY, amount: 25n },
    ],
    MTM,
  );
  assert.equal(w.insurance.balance, 25n);
  assert.equal(w.ledger.totalHeld(ASSET), 70n + 25n, 'money conservation');
});
