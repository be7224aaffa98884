// AMM steps of Vega's feature dialect (spec 0090-VAMM): submit, amend and cancel AMMs, the pool status check,
// and the sub-account aliases (the runner substitutes an alias in every later table cell and step argument).
import type { Registry } from '../registry.ts';
import type { World } from '../world.ts';
import { StepError, type Row, type Table } from '../table.ts';
import {
  type AmmBaseSource,
  type AmmCancelMethod,
  type AmmParameters,
  type AmmPoolView,
  ammSubAccount,
  Decimal,
} from '../../src/core/index.ts';
import { checkError } from './parse.ts';

/**
 * Vega's AMM steps check the `error` cell only when the command fails (0090-VAMM-005 expects errors, even "blah",
 * from submissions that succeed); a failure must still match it.
 */
function checkAmmError(expected: string | undefined, actual: string | undefined, what: string): void {
  checkError(actual === undefined ? undefined : expected, actual, what);
}

const need = (t: Table | undefined): Table => {
  if (!t) throw new StepError('this step needs a table');
  return t;
};

const dec = (row: Row, col: string): Decimal | undefined => {
  const v = row.opt(col);
  if (v === undefined) return undefined;
  try {
    return Decimal.parse(v, col);
  } catch (e) {
    throw new StepError(`row ${row.index + 1}: ${(e as Error).message}`);
  }
};

/** The concentrated-liquidity parameters of a row, when it gives any (an amendment may give none). */
function params(row: Row): AmmParameters | undefined {
  const base = row.optInt('base');
  const lower = row.optInt('lower bound');
  const upper = row.optInt('upper bound');
  const ll = dec(row, 'lower leverage');
  const ul = dec(row, 'upper leverage');
  if (base === undefined && lower === undefined && upper === undefined) return undefined;
  if (base === undefined) throw new StepError(`row ${row.index + 1}: base: required with the bounds`);
  return {
    base,
    ...(lower !== undefined ? { lowerBound: lower } : {}),
    ...(upper !== undefined ? { upperBound: upper } : {}),
    ...(ll !== undefined ? { leverageAtLowerBound: ll } : {}),
    ...(ul !== undefined ? { leverageAtUpperBound: ul } : {}),
  };
}

/** The oracle-driven base price of a row: its `data source id` names a spec id an oracle step gave. */
function baseSource(w: World, row: Row): AmmBaseSource | undefined {
  const id = row.opt('data source id');
  if (id === undefined) return undefined;
  const source = w.oracleSpecIds.get(id);
  if (!source) throw new StepError(`row ${row.index + 1}: data source id: no data source with spec id "${id}"`);
  const trigger = dec(row, 'minimum price change trigger');
  return { source, ...(trigger ? { minimumPriceChangeTrigger: trigger } : {}) };
}

const STATUS: Record<string, AmmPoolView['status']> = {
  STATUS_ACTIVE: 'ACTIVE',
  STATUS_REJECTED: 'REJECTED',
  STATUS_CANCELLED: 'CANCELLED',
  STATUS_STOPPED: 'STOPPED',
  STATUS_REDUCE_ONLY: 'REDUCE_ONLY',
  STATUS_PENDING: 'PENDING',
};

const REASON: Record<string, AmmPoolView['reason']> = {
  STATUS_REASON_UNSPECIFIED: 'UNSPECIFIED',
  STATUS_REASON_CANNOT_REBASE: 'CANNOT_REBASE',
  STATUS_REASON_CANNOT_FILL: 'CANNOT_FILL',
  STATUS_REASON_PARTY_CLOSED_OUT: 'PARTY_CLOSED_OUT',
  STATUS_REASON_MARKET_CLOSED: 'MARKET_CLOSED',
};

const METHOD: Record<string, AmmCancelMethod> = {
  METHOD_IMMEDIATE: 'IMMEDIATE',
  METHOD_REDUCE_ONLY: 'REDUCE_ONLY',
};

export function registerAmmSteps(r: Registry): void {
  r.define(/^the parties submit the following AMM:$/, (w, _a, t) => {
    const rows = need(t).expect(
      ['party', 'market id', 'amount', 'slippage', 'base', 'proposed fee'],
      [
        'lower bound',
        'upper bound',
        'lower leverage',
        'upper leverage',
        'error',
        'data source id',
        'minimum price change trigger',
      ],
    ).rows;
    for (const row of rows) {
      const source = baseSource(w, row);
      const p = params(row)!;
      const res = w.ex.submitAmm({
        party: row.str('party'),
        marketId: row.str('market id'),
        commitment: row.int('amount'),
        slippageTolerance: dec(row, 'slippage')!,
        proposedFee: dec(row, 'proposed fee')!,
        params: p,
        ...(source ? { baseSource: source } : {}),
      });
      checkAmmError(row.opt('error'), res.error, `AMM submission for ${row.str('party')}`);
    }
  });

  r.define(/^the parties amend the following AMM:$/, (w, _a, t) => {
    const rows = need(t).expect(
      ['party', 'market id', 'slippage'],
      [
        'amount',
        'base',
        'lower bound',
        'upper bound',
        'lower leverage',
        'upper leverage',
        'proposed fee',
        'error',
        'data source id',
        'minimum price change trigger',
      ],
    ).rows;
    for (const row of rows) {
      const source = baseSource(w, row);
      const p = params(row);
      const amount = row.optInt('amount');
      const fee = dec(row, 'proposed fee');
      const res = w.ex.amendAmm({
        party: row.str('party'),
        marketId: row.str('market id'),
        slippageTolerance: dec(row, 'slippage')!,
        ...(amount !== undefined ? { commitment: amount } : {}),
        ...(fee !== undefined ? { proposedFee: fee } : {}),
        ...(p ? { params: p } : {}),
        ...(source ? { baseSource: source } : {}),
      });
      checkAmmError(row.opt('error'), res.error, `AMM amendment for ${row.str('party')}`);
    }
  });

  r.define(/^the parties cancel the following AMM:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'market id', 'method'], ['error']).rows) {
      const method = METHOD[row.str('method')];
      if (!method) throw new StepError(`method: "${row.str('method')}" is not an AMM cancellation method`);
      const res = w.ex.cancelAmm({ party: row.str('party'), marketId: row.str('market id'), method });
      checkAmmError(row.opt('error'), res.error, `AMM cancellation for ${row.str('party')}`);
    }
  });

  r.define(/^the AMM pool status should be:$/, (w, _a, t) => {
    const rows = need(t).expect(
      ['party', 'market id', 'amount', 'status'],
      ['base', 'lower bound', 'upper bound', 'lower leverage', 'upper leverage', 'reason'],
    ).rows;
    for (const row of rows) {
      const party = row.str('party');
      const pool = w.ex.ammPool(row.str('market id'), party);
      if (!pool) throw new StepError(`no AMM pool for party "${party}" on market "${row.str('market id')}"`);
      const diffs: string[] = [];
      const eq = (col: string, want: string | undefined, got: string | undefined) => {
        if (want !== undefined && want !== (got ?? '')) diffs.push(`${col}: expected ${want}, got ${got ?? '(none)'}`);
      };
      eq('amount', row.str('amount'), pool.commitment.toString());
      const status = STATUS[row.str('status')];
      if (!status) throw new StepError(`status: "${row.str('status')}" is not an AMM pool status`);
      eq('status', status, pool.status);
      eq('base', row.opt('base'), pool.params.base.toString());
      eq('lower bound', row.opt('lower bound'), pool.params.lowerBound?.toString());
      eq('upper bound', row.opt('upper bound'), pool.params.upperBound?.toString());
      const lev = (col: string, got: Decimal | undefined) => {
        const want = dec(row, col);
        if (want !== undefined && (got === undefined || !got.eq(want)))
          diffs.push(`${col}: expected ${want.toString()}, got ${got?.toString() ?? '(none)'}`);
      };
      lev('lower leverage', pool.params.leverageAtLowerBound);
      lev('upper leverage', pool.params.leverageAtUpperBound);
      const reason = row.opt('reason');
      if (reason !== undefined) {
        const want = REASON[reason];
        if (!want) throw new StepError(`reason: "${reason}" is not an AMM status reason`);
        eq('reason', want, pool.reason);
      }
      if (diffs.length) throw new StepError(`AMM pool of ${party}: ${diffs.join('; ')}`);
    }
  });

  r.define(/^set the following AMM sub account aliases:$/, (w, _a, t) => {
    for (const row of need(t).expect(['party', 'market id', 'alias']).rows) {
      w.market(row.str('market id'));
      w.aliases.set(row.str('alias'), ammSubAccount(row.str('party'), row.str('market id')));
    }
  });
}
