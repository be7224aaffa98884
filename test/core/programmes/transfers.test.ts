// Transfers (0057-TRAN), rewards (0056-REWA) and vesting (0085-RVST) over an in-memory ledger, with the numbers
// worked by hand from the specs' formulas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../../../src/core/num/decimal.ts';
import { Programmes, type ProgrammesHost } from '../../../src/core/programmes/programmes.ts';

function memoryHost(quantum: Record<string, string>) {
  const balances = new Map<string, bigint>();
  const key = (a: { owner: string; kind: string; asset: string; market?: string }) =>
    `${a.owner}|${a.kind}|${a.asset}|${a.market ?? ''}`;
  const host: ProgrammesHost = {
    quantum: (a) => (quantum[a] ? Decimal.parse(quantum[a]!) : undefined),
    balance: (owner, kind, asset, market) => balances.get(key({ owner, kind, asset, market })) ?? 0n,
    accountBalance: (owner, kind, asset, market) => balances.get(key({ owner, kind, asset, market })),
    move: (from, to, amount) => {
      const f = balances.get(key(from)) ?? 0n;
      if (f < amount) throw new RangeError('insufficient');
      balances.set(key(from), f - amount);
      balances.set(key(to), (balances.get(key(to)) ?? 0n) + amount);
    },
  };
  const credit = (owner: string, kind: string, asset: string, amount: bigint) =>
    balances.set(key({ owner, kind, asset }), (balances.get(key({ owner, kind, asset })) ?? 0n) + amount);
  return { host, balances, credit, bal: (o: string, k: string, a: string, m?: string) => host.balance(o, k, a, m) };
}

const base = { fromKind: 'GENERAL', toKind: 'GENERAL', asset: 'VEGA' };

test('one-off transfer: fee min(amount × factor, max × quantum) taken at once, delivery at its time', () => {
  const m = memoryHost({ VEGA: '50000' });
  const p = new Programmes(m.host);
  p.setParameter('transfer.fee.factor', '0.5');
  p.setParameter('transfer.fee.maxQuantumAmount', '0.1');
  m.credit('a', 'GENERAL', 'VEGA', 10_000_000n);
  // fee = min(10000 × 0.5, 0.1 × 50000) = 5000
  p.transfers.submitOneOff({ ...base, id: '1', from: 'a', to: 'b', amount: 10000n, deliverOn: 10n }, 0n);
  assert.equal(m.bal('a', 'GENERAL', 'VEGA'), 9_985_000n);
  assert.equal(m.bal('b', 'GENERAL', 'VEGA'), 0n);
  p.onTime(10n);
  assert.equal(m.bal('b', 'GENERAL', 'VEGA'), 10000n);
  assert.equal(m.bal('*', 'FEES_INFRASTRUCTURE', 'VEGA'), 5000n);
  assert.throws(
    () => p.transfers.submitOneOff({ ...base, id: '2', from: 'c', to: 'b', amount: 10n, deliverOn: 0n }, 0n),
    /could not pay the fee for transfer: account does not exist: !cVEGA4/,
  );
  assert.throws(
    () =>
      p.transfers.submitOneOff(
        { ...base, toKind: 'MARGIN', id: '3', from: 'a', to: 'b', amount: 10n, deliverOn: 0n },
        0n,
      ),
    /unsupported to account type/,
  );
});

test('recurring transfer: amount × factor^(epoch − start) each epoch end from start to end epoch', () => {
  const m = memoryHost({ VEGA: '50000' });
  const p = new Programmes(m.host);
  p.setParameter('transfer.fee.factor', '0.5');
  m.credit('a', 'GENERAL', 'VEGA', 1_000_000n);
  p.transfers.submitRecurring({
    ...base,
    id: '1',
    from: 'a',
    to: 'b',
    amount: 10000n,
    startEpoch: 2,
    endEpoch: 5,
    factor: Decimal.parse('0.7'),
  });
  const end = (seq: number) => p.onEpochEnd(seq, 0n, new Map());
  end(1);
  assert.equal(m.bal('a', 'GENERAL', 'VEGA'), 1_000_000n);
  end(2); // 10000 + 5000 fee
  assert.equal(m.bal('a', 'GENERAL', 'VEGA'), 985_000n);
  end(3); // 7000 + 3500
  assert.deepEqual([m.bal('a', 'GENERAL', 'VEGA'), m.bal('b', 'GENERAL', 'VEGA')], [974_500n, 17_000n]);
  assert.throws(() => p.transfers.cancelRecurring('b', '1'), /recurring transfer does not exists/);
  p.transfers.cancelRecurring('a', '1');
  end(4);
  assert.equal(m.bal('b', 'GENERAL', 'VEGA'), 17_000n);
});

test('rewards: maker fees paid pro rata × streak multiplier into vesting; vesting at base rate, lock period', () => {
  const m = memoryHost({ USD: '10' });
  const p = new Programmes(m.host);
  p.setParameter('rewards.vesting.baseRate', '0.1');
  p.setParameter('rewards.vesting.minimumTransfer', '1');
  m.credit('funder', 'GENERAL', 'USD', 1_000_000n);
  const strategy = {
    metric: 'MAKER_FEES_PAID' as const,
    metricAsset: 'USD',
    markets: ['M'],
    windowLength: 1,
    lockPeriod: 2,
    stakingRequirement: 0n,
    eligibleKeys: [],
  };
  p.addRewardStrategy('k', strategy);
  p.transfers.submitRecurring({
    ...base,
    asset: 'USD',
    toKind: 'REWARD_MAKER_PAID_FEES',
    id: '1',
    from: 'funder',
    to: '0000',
    amount: 10000n,
    startEpoch: 1,
    endEpoch: undefined,
    factor: Decimal.ONE,
    dispatch: { metric: 'MAKER_FEES_PAID', metricAsset: 'USD', markets: ['M'], key: 'k' },
  });
  const trade = (taker: string, fee: bigint) =>
    p.onTrade({
      buyer: taker,
      seller: 'mm',
      aggressor: 'buyer',
      quantumNotional: Decimal.ONE,
      marketId: 'M',
      asset: 'USD',
      makerFee: fee,
    });
  trade('t1', 30n);
  trade('t2', 10n);
  p.onEpochEnd(1, 0n, new Map());
  // 10000 × 30/40 and × 10/40
  assert.equal(m.bal('t1', 'VESTING_REWARDS', 'USD'), 7500n);
  assert.equal(m.bal('t2', 'VESTING_REWARDS', 'USD'), 2500n);
  assert.equal(p.rewards.rewardPaid(1, 't1', 'USD'), 7500n);
  // locked for two epochs: nothing vests at the next epoch end, 10% at the one after
  p.onEpochEnd(2, 0n, new Map());
  assert.equal(m.bal('t1', 'VESTED_REWARDS', 'USD'), 0n);
  p.onEpochEnd(3, 0n, new Map());
  assert.equal(m.bal('t1', 'VESTED_REWARDS', 'USD'), 750n);
  // the minimum transfer (1 quantum = 10) vests the whole of a small balance
  assert.equal(m.bal('t2', 'VESTED_REWARDS', 'USD'), 250n);
});
