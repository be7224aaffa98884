// Steps of transfers (0057-TRAN), rewards (0056-REWA) and vesting (0085-RVST): one-off and recurring transfers,
// cancellations, the fee-free discount, reward and vesting balances; plus asset updates and teams created in bulk.
import type { Registry } from '../registry.ts';
import { StepError, type Table, type Row } from '../table.ts';
import type { World } from '../world.ts';
import {
  Decimal,
  isRewardMetric,
  METRIC_ACCOUNT,
  parseRankTable,
  strategyKey,
  SYSTEM_OWNER,
} from '../../src/core/index.ts';
import { checkError, timestamp } from './parse.ts';

function need(t: Table | undefined): Table {
  if (!t) throw new StepError('this step needs a table');
  return t;
}

function engine<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StepError) throw e;
    throw new StepError((e as Error).message);
  }
}

const kind = (v: string) => v.replace(/^ACCOUNT_TYPE_/, '');

function epochCell(row: Row, col: string): number | undefined {
  const v = row.opt(col);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new StepError(`${col}: "${v}" is not a non-negative integer`);
  return Number(v);
}

/** The strategy of a recurring transfer to a reward account, or an error for what perpsim does not model. */
function strategy(w: World, row: Row, toKind: string, asset: string) {
  const metricCell = row.opt('metric');
  if (metricCell === undefined) return undefined;
  const metric = metricCell.replace(/^DISPATCH_METRIC_/, '');
  if (!isRewardMetric(metric)) throw new StepError(`metric ${metricCell}: not supported by perpsim yet`);
  if (METRIC_ACCOUNT[metric] !== toKind)
    throw new StepError(`metric ${metricCell}: pays from ${METRIC_ACCOUNT[metric]}, not ${toKind}`);
  const scopeCell = (row.opt('entity_scope') ?? 'INDIVIDUALS').replace(/^ENTITY_SCOPE_/, '');
  if (scopeCell !== 'INDIVIDUALS' && scopeCell !== 'TEAMS')
    throw new StepError(`entity_scope ${scopeCell}: must be INDIVIDUALS or TEAMS`);
  const individualCell = (row.opt('individual_scope') ?? 'ALL').replace(/^INDIVIDUAL_SCOPE_/, '').replace('_A_', '_');
  const individual =
    scopeCell === 'TEAMS'
      ? 'ALL'
      : individualCell === 'ALL'
        ? 'ALL'
        : individualCell === 'IN_TEAM'
          ? 'IN_TEAM'
          : individualCell === 'NOT_IN_TEAM'
            ? 'NOT_IN_TEAM'
            : undefined;
  if (!individual) throw new StepError(`individual_scope ${individualCell}: must be ALL, IN_TEAM or NOT_IN_TEAM`);
  const teams = (row.opt('teams') ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  const ntop = row.opt('ntop');
  const dist = (row.opt('distribution_strategy') ?? 'PRO_RATA').replace(/^DISTRIBUTION_STRATEGY_/, '');
  if (dist !== 'PRO_RATA' && dist !== 'RANK')
    throw new StepError(`distribution_strategy ${dist}: only PRO_RATA and RANK are supported by perpsim`);
  const ranksCell = row.opt('ranks') ?? row.opt('rank_table');
  if (dist === 'RANK' && ranksCell === undefined) throw new StepError('distribution_strategy RANK: needs ranks');
  const rankTable = dist === 'RANK' ? engine(() => parseRankTable(ranksCell!, 'ranks')) : undefined;
  const notional = row.optInt('notional_requirement') ?? 0n;
  const cap = row.opt('cap_reward_fee_multiple');
  const capD = cap !== undefined ? Decimal.parse(cap, 'cap_reward_fee_multiple') : undefined;
  if (capD && !capD.isPositive()) throw new StepError('cap_reward_fee_multiple: must be positive');
  const target = row.optInt('target_notional_volume');
  const interval = epochCell(row, 'transfer_interval');
  const markets = (row.opt('markets') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const s = {
    metric,
    metricAsset: row.opt('metric_asset') ?? (metric === 'ELIGIBLE_ENTITIES' ? '' : asset),
    markets,
    windowLength: epochCell(row, 'window_length') ?? 1,
    lockPeriod: epochCell(row, 'lock_period') ?? 0,
    stakingRequirement: row.optInt('staking_requirement') ?? 0n,
    eligibleKeys: (row.opt('eligible_keys') ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== ''),
    entityScope: scopeCell,
    individualScope: individual,
    teams,
    ...(ntop !== undefined ? { nTop: Decimal.parse(ntop, 'ntop') } : {}),
    notionalRequirement: notional,
    ...(rankTable ? { rankTable } : {}),
    ...(capD ? { capRewardFeeMultiple: capD } : {}),
    ...(target !== undefined && target > 0n ? { targetNotionalVolume: target } : {}),
    ...(interval !== undefined ? { transferInterval: interval } : {}),
  } as const;
  const key = strategyKey(s);
  w.ex.programmes.addRewardStrategy(key, s);
  return { metric, metricAsset: s.metricAsset, markets, key };
}

function deposit(w: World, party: string, asset: string, amount: bigint): void {
  const res = w.ex.deposit(party, asset, amount);
  if (res.error) throw new StepError(`deposit for ${party}: ${res.error}`);
  w.netDeposits += amount;
}

export function registerTransferSteps(r: Registry): void {
  r.define(/^the following assets are updated:$/, (w, _a, t) => {
    for (const row of need(t).expect(['id', 'decimal places'], ['quantum']).rows) {
      const q = row.opt('quantum');
      const decimals = row.num('decimal places');
      engine(() =>
        w.ex.registerAsset({
          id: row.str('id'),
          decimals,
          quantum: q === undefined ? Decimal.fromInt(5000) : Decimal.parse(q, 'quantum'),
        }),
      );
    }
  });

  r.define(/^create the network treasury account for asset "([^"]+)"$/, (w, [asset]) => {
    w.ensureAsset(asset!);
    w.ex.ledger.getOrCreate(SYSTEM_OWNER, 'NETWORK_TREASURY', asset!);
  });

  r.define(/^the parties submit the following one off transfers:$/, (w, _a, t) => {
    const table = need(t).expect(
      ['id', 'from', 'from_account_type', 'to', 'to_account_type', 'asset', 'amount', 'delivery_time'],
      ['error'],
    );
    for (const row of table.rows) {
      let err: string | undefined;
      try {
        w.ex.programmes.transfers.submitOneOff(
          {
            id: row.str('id'),
            from: row.str('from'),
            fromKind: kind(row.str('from_account_type')),
            to: row.str('to'),
            toKind: kind(row.str('to_account_type')),
            asset: row.str('asset'),
            amount: row.int('amount'),
            deliverOn: timestamp(row.str('delivery_time')),
          },
          w.ex.now(),
        );
      } catch (e) {
        if (e instanceof StepError) throw e;
        err = (e as Error).message;
      }
      checkError(row.opt('error'), err, `one-off transfer ${row.str('id')}`);
    }
  });

  r.define(/^the parties submit the following recurring transfers:$/, (w, _a, t) => {
    const table = need(t).expect(
      [
        'id',
        'from',
        'from_account_type',
        'to',
        'to_account_type',
        'asset',
        'amount',
        'start_epoch',
        'end_epoch',
        'factor',
      ],
      [
        'metric',
        'metric_asset',
        'markets',
        'lock_period',
        'window_length',
        'distribution_strategy',
        'entity_scope',
        'individual_scope',
        'staking_requirement',
        'notional_requirement',
        'eligible_keys',
        'error',
        'teams',
        'ntop',
        'target_notional_volume',
        'rank_table',
        'ranks',
        'cap_reward_fee_multiple',
        'transfer_interval',
      ],
    );
    for (const row of table.rows) {
      const toKind = kind(row.str('to_account_type'));
      const asset = row.str('asset');
      let err: string | undefined;
      try {
        const dispatch = strategy(w, row, toKind, asset);
        w.ex.programmes.transfers.submitRecurring({
          id: row.str('id'),
          from: row.str('from'),
          fromKind: kind(row.str('from_account_type')),
          to: row.str('to'),
          toKind,
          asset,
          amount: row.int('amount'),
          startEpoch: epochCell(row, 'start_epoch') ?? 0,
          endEpoch: epochCell(row, 'end_epoch'),
          factor: Decimal.parse(row.str('factor'), 'factor'),
          ...(dispatch ? { dispatch } : {}),
        });
      } catch (e) {
        if (e instanceof StepError) throw e;
        err = (e as Error).message;
      }
      checkError(row.opt('error'), err, `recurring transfer ${row.str('id')}`);
    }
  });

  r.define(/^the parties submit the following transfer cancellations:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'transfer_id'], ['error']).rows) {
      let err: string | undefined;
      try {
        w.ex.programmes.transfers.cancelRecurring(row.str('party'), row.str('transfer_id'));
      } catch (e) {
        err = (e as Error).message;
      }
      checkError(row.opt('error'), err, `cancelling transfer ${row.str('transfer_id')}`);
    }
  });

  r.define(/^the parties have the following transfer fee discounts/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'asset', 'available discount']).rows) {
      const got = w.ex.programmes.transfers.discountOf(row.str('party'), row.str('asset'));
      if (got !== row.int('available discount'))
        throw new StepError(
          `transfer fee discount of ${row.str('party')} in ${row.str('asset')}: ${got}, expected ${row.str('available discount')}`,
        );
    }
  });

  const balanceOf = (w: World, party: string, type: 'VESTING_REWARDS' | 'VESTED_REWARDS', asset: string) =>
    w.ex.ledger.get(party, type, asset)?.balance ?? 0n;

  r.define(/^"([^"]*)" should have vesting account balance of "([^"]*)" for asset "([^"]*)"$/, (w, [p, v, a]) => {
    const got = balanceOf(w, p!, 'VESTING_REWARDS', a!);
    if (got.toString() !== v) throw new StepError(`vesting account of ${p} in ${a}: ${got}, expected ${v}`);
  });

  r.define(/^"([^"]*)" should have vested account balance of "([^"]*)" for asset "([^"]*)"$/, (w, [p, v, a]) => {
    const got = balanceOf(w, p!, 'VESTED_REWARDS', a!);
    if (got.toString() !== v) throw new StepError(`vested account of ${p} in ${a}: ${got}, expected ${v}`);
  });

  r.define(/^parties should have the following vesting account balances:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'asset', 'balance']).rows) {
      const got = balanceOf(w, row.str('party'), 'VESTING_REWARDS', row.str('asset'));
      if (got !== row.int('balance'))
        throw new StepError(
          `vesting account of ${row.str('party')} in ${row.str('asset')}: ${got}, expected ${row.str('balance')}`,
        );
    }
  });

  r.define(/^the parties receive the following reward for epoch (\d+):$/, (w, [epoch], t) => {
    for (const row of need(t).expect(['party', 'asset', 'amount']).rows) {
      const [seq, party, asset] = [Number(epoch), row.str('party'), row.str('asset')];
      const got =
        w.ex.programmes.rewards.rewardPaid(seq, party, asset) + w.ex.programmes.staking.rewardPaid(seq, party, asset);
      if (got !== row.int('amount'))
        throw new StepError(`reward of ${row.str('party')} for epoch ${epoch}: ${got}, expected ${row.str('amount')}`);
    }
  });

  r.define(
    /^the reward account of type "([^"]+)" should have balance of "([^"]+)" for asset "([^"]+)"$/,
    (w, [type, v, asset]) => {
      const k = kind(type!);
      let sum = 0n;
      for (const a of w.ex.ledger.accountsOf(SYSTEM_OWNER)) if (a.type === k && a.asset === asset) sum += a.balance;
      if (sum.toString() !== v) throw new StepError(`${type} in ${asset}: ${sum}, expected ${v}`);
    },
  );

  r.define(/^the following teams with referees are created:$/, (w, _a, t) => {
    const table = need(t).expect(
      ['referrer', 'prefix', 'code', 'team name', 'referees', 'balance', 'asset'],
      ['closed', 'allow list'],
    );
    for (const row of table.rows) {
      const referrer = row.str('referrer');
      const asset = row.str('asset');
      const balance = row.int('balance');
      const n = row.num('referees');
      const allow = row.opt('allow list');
      w.ensureAsset(asset);
      deposit(w, referrer, asset, balance);
      const team = row.str('team name');
      engine(() =>
        w.ex.programmes.referral.createSet(
          referrer,
          row.str('code'),
          w.ex.epochSeq,
          w.ex.programmes.stakedOf(referrer),
          {
            name: team,
          },
        ),
      );
      for (let i = 1; i <= n; i++) {
        const party = `${row.str('prefix')}-${String(i).padStart(4, '0')}`;
        deposit(w, party, asset, balance);
        engine(() => w.ex.programmes.referral.applyCode(party, row.str('code'), w.ex.epochSeq, team));
      }
      // the team's own referees join before it is closed to others
      if (row.opt('closed') !== undefined || allow)
        engine(() =>
          w.ex.programmes.referral.updateTeam(
            team,
            row.opt('closed') !== undefined ? row.bool('closed') : false,
            allow ? allow.split(',').map((s) => s.trim()) : [],
          ),
        );
    }
  });
}
