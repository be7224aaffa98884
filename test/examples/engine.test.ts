// The README's engine example runs and does what it says: the opening auction uncrosses alice's and bob's orders,
// the market trades continuously, and both parties hold margin for the position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('examples/engine.ts runs', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/engine.ts'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.match(out, /^trading mode CONTINUOUS, mark price 11000000 \(asset precision\), open interest 10$/m);
  assert.match(out, /^trade alice buys 10 from bob at 1100$/m);
  for (const party of ['alice', 'bob'])
    assert.match(out, new RegExp(`^${party}: GENERAL \\d+, MARGIN [1-9]\\d*$`, 'm'));
  assert.match(out, /^state hash [0-9a-f]{64}$/m);
});
