// Steps of validator scores and staking rewards (specs 0061-REWP, 0069-VCBS): the validators' scores published at
// the end of an epoch. The scores are compared as Vega's harness does: the engine's value rounded half away from
// zero to the number of decimals the feature gives (5 in Vega's corpus).
import type { Registry } from '../registry.ts';
import { StepError, type Table } from '../table.ts';
import type { World } from '../world.ts';

function need(t: Table | undefined): Table {
  if (!t) throw new StepError('this step needs a table');
  return t;
}

function places(expected: string, what: string): number {
  if (!/^\d+(\.\d+)?$/.test(expected)) throw new StepError(`${what}: "${expected}" is not a non-negative decimal`);
  const dot = expected.indexOf('.');
  return dot < 0 ? 0 : expected.length - dot - 1;
}

export function registerValidatorSteps(r: Registry): void {
  r.define(/^the validators should have the following val scores for epoch (\d+):$/, (w: World, [epoch], t) => {
    const seq = Number(epoch);
    const scores = w.ex.programmes.staking.scoresOf(seq);
    for (const row of need(t).expect(['node id', 'validator score', 'normalised score']).rows) {
      const id = row.str('node id');
      const s = scores?.find((x) => x.id === id);
      if (!s) throw new StepError(`no validator score for ${id} in epoch ${seq}`);
      for (const [col, v] of [
        ['validator score', s.validatorScore],
        ['normalised score', s.normalisedScore],
      ] as const) {
        const want = row.str(col);
        const got = v.toFixedRounded(places(want, `${col} of ${id}`));
        if (got !== want) throw new StepError(`${col} of ${id} for epoch ${seq}: ${got}, expected ${want}`);
      }
    }
  });
}
