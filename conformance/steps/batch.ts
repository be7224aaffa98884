// Batch steps beyond submissions (spec 0074-BTCH), as Vega's harness defines them: cancellations and amendments
// added to a party's batch by order reference, and a batch submitted expecting Vega's error string, which the
// harness formats as "<instruction index> (<reason>)" with the index counted over cancellations, then amendments,
// then submissions.
import type { Registry } from '../registry.ts';
import { StepError, type Table } from '../table.ts';
import type { World } from '../world.ts';
import { peggedReference, tif } from './parse.ts';

const need = (t: Table | undefined): Table => {
  if (!t) throw new StepError('this step needs a table');
  return t;
};

function batchOf(w: World, party: string) {
  const b = w.batches.get(party);
  if (!b) throw new StepError(`party ${party} has not started a batch`);
  return b;
}

export function registerBatchSteps(r: Registry): void {
  r.define(/^the party "([^"]+)" adds the following cancels to a batch:$/, (w, [party], t) => {
    const b = batchOf(w, party!);
    for (const row of need(t).expect(['market id', 'reference']).rows) {
      const o = w.orderByReference(party!, row.str('reference'));
      (b.cancellations ??= []).push({ marketId: row.str('market id'), orderId: o.id });
    }
  });

  r.define(/^the party "([^"]+)" adds the following amends to a batch:$/, (w, [party], t) => {
    const b = batchOf(w, party!);
    const opt = ['price', 'size', 'size delta', 'expires at', 'tif', 'pegged offset', 'pegged reference'];
    for (const row of need(t).expect(['market id', 'reference'], opt).rows) {
      const o = w.orderByReference(party!, row.str('reference'));
      const price = row.optNum('price');
      const delta = row.optNum('size delta');
      const size = row.optNum('size');
      const exp = row.opt('expires at');
      const off = row.optNum('pegged offset');
      const ref = row.opt('pegged reference');
      const tifCell = row.opt('tif');
      (b.amendments ??= []).push({
        orderId: o.id,
        marketId: row.str('market id'),
        ...(price !== undefined && price !== 0 ? { price } : {}),
        ...(delta !== undefined && delta !== 0 ? { sizeDelta: delta } : {}),
        ...(size !== undefined ? { size } : {}),
        ...(exp !== undefined ? { expiresAt: BigInt(exp) } : {}),
        ...(tifCell !== undefined ? { tif: tif(tifCell) } : {}),
        ...(off !== undefined ? { peggedOffset: off } : {}),
        ...(ref !== undefined ? { peggedReference: peggedReference(ref) } : {}),
      });
    }
  });

  r.define(/^the party "([^"]+)" submits their batch instruction with error "([^"]*)"$/, (w, [party, expected]) => {
    const b = batchOf(w, party!);
    w.batches.delete(party!);
    const res = w.ex.batch({
      party: party!,
      submissions: b.submissions,
      ...(b.cancellations ? { cancellations: b.cancellations } : {}),
      ...(b.amendments ? { amendments: b.amendments } : {}),
    });
    const nCancel = b.cancellations?.length ?? 0;
    const nAmend = b.amendments?.length ?? 0;
    const index = (kind: string, i: number) =>
      kind === 'cancel' ? i : kind === 'amend' ? nCancel + i : nCancel + nAmend + i;
    const errors = res.results.filter((x) => x.error).map((x) => `${index(x.kind, x.index)} (${x.error})`);
    const got = [res.error, ...errors].filter((e): e is string => !!e).join(', ');
    if (got !== `1 (${expected})`)
      throw new StepError(`batch of ${party}: expected error "1 (${expected})", got "${got}"`);
  });
}
