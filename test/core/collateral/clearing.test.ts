// AccountClearing on a real ledger (spec 0005-COLL, 0015-INSR, 0002-STTL): a closing market's party accounts go back
// to general, its fee accounts to the insurance pool, and that pool to the asset's global pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccountClearing } from '../../../src/core/collateral/clearing.ts';
import { Ledger, type Account } from '../../../src/core/ledger/ledger.ts';
import { NETWORK_PARTY, SYSTEM_OWNER } from '../../../src/core/types.ts';

const ASSET = 'USD';
const MARKET = 'M';

function world() {
  const ledger = new Ledger();
  const sys = (
    type: 'INSURANCE' | 'SETTLEMENT' | 'FEES_LIQUIDITY' | 'FEES_MAKER' | 'LIQUIDITY_FEES_BONUS_DISTRIBUTION',
  ) => ledger.getOrCreate(SYSTEM_OWNER, type, ASSET, MARKET);
  const host = {
    ledger,
    asset: ASSET,
    marketId: MARKET,
    insurance: sys('INSURANCE'),
    settlementAccount: sys('SETTLEMENT'),
    liquidityFeeAccount: sys('FEES_LIQUIDITY'),
    makerFeeAccount: sys('FEES_MAKER'),
    bonusAccount: sys('LIQUIDITY_FEES_BONUS_DISTRIBUTION'),
  };
  const fund = (account: Account, amount: bigint) =>
    ledger.transfer(ledger.external(ASSET), account, amount, 'DEPOSIT');
  const global = () => ledger.getOrCreate(SYSTEM_OWNER, 'GLOBAL_INSURANCE', ASSET);
  return { ledger, host, clearing: new AccountClearing(host), fund, global };
}

test('a closing market returns margin, order margin and bond to general and sweeps fees into the insurance pool', () => {
  const w = world();
  const l = w.ledger;
  w.fund(l.getOrCreate('B', 'MARGIN', ASSET, MARKET), 7n);
  w.fund(l.getOrCreate('B', 'ORDER_MARGIN', ASSET, MARKET), 2n);
  w.fund(l.getOrCreate('A', 'BOND', ASSET, MARKET), 30n);
  w.fund(l.getOrCreate('A', 'LP_LIQUIDITY_FEES', ASSET, MARKET), 4n);
  w.fund(w.host.makerFeeAccount, 3n);
  w.fund(w.host.bonusAccount, 1n);
  w.fund(w.host.insurance, 10n);
  w.clearing.clearMarketAccounts(['B', 'A', NETWORK_PARTY, 'B']);
  assert.equal(l.get('A', 'GENERAL', ASSET)!.balance, 30n);
  assert.equal(l.get('B', 'GENERAL', ASSET)!.balance, 9n);
  assert.equal(l.get(NETWORK_PARTY, 'GENERAL', ASSET), undefined);
  assert.equal(w.host.insurance.balance, 18n); // 10 + LP fees 4 + maker 3 + bonus 1
  w.clearing.clearInsurancePool();
  assert.equal(w.host.insurance.balance, 0n);
  assert.equal(w.global().balance, 18n);
});

test('the settlement residue goes to the insurance pool after funding and to the global pool after final settlement', () => {
  const w = world();
  w.fund(w.host.settlementAccount, 5n);
  w.clearing.settlementResidueToInsurance();
  assert.equal(w.host.insurance.balance, 5n);
  w.fund(w.host.settlementAccount, 2n);
  w.clearing.settlementResidueToGlobal();
  assert.deepEqual([w.host.settlementAccount.balance, w.global().balance, w.host.insurance.balance], [0n, 2n, 5n]);
});
