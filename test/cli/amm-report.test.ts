// `perpsim analyze PROPOSAL --amm …`: the option's parsing (each bad value named) and the report, run as the
// command line runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { parseAmmSpec } from '../../src/cli/amm-report.ts';

const cli = ['--import', 'tsx', 'src/cli/main.ts', 'analyze', 'scenarios/link-usd-perp.proposal.json'];

test('--amm values: key=value pairs, base and commitment required, numbers only', () => {
  assert.deepEqual(parseAmmSpec('base=15,lower=12,commitment=100'), { base: '15', lower: '12', commitment: '100' });
  assert.throws(() => parseAmmSpec('base=15'), /"commitment" is required/);
  assert.throws(() => parseAmmSpec('base=15,commitment=1,top=3'), /unknown key "top"/);
  assert.throws(() => parseAmmSpec('base=x,commitment=1'), /base: "x" is not a non-negative number/);
  assert.throws(() => parseAmmSpec('base=1,base=2,commitment=1'), /"base" given twice/);
});

test('analyze --amm prints the ranges and the price table; a bad range is refused with exit status 1', () => {
  const out = execFileSync(process.execPath, [...cli, '--amm', 'base=15,lower=12,upper=18,commitment=10000'], {
    encoding: 'utf8',
  });
  assert.match(out, /AMM with commitment 10000 USDT, base price 15/);
  assert.match(out, /long \(lower range\): 15 → 12/);
  assert.match(out, /short \(upper range\): 15 → 18/);
  const json = JSON.parse(
    execFileSync(process.execPath, [...cli, '--json', '--amm', 'base=15,upper=18,commitment=10000'], {
      encoding: 'utf8',
    }),
  ) as { amm: { sides: { side: string }[] } };
  assert.deepEqual(
    json.amm.sides.map((s) => s.side),
    ['short (upper range)'],
  );
  const bad = spawnSync(process.execPath, [...cli, '--amm', 'base=15,lower=16,commitment=10000'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /perpsim analyze: lower bound: must be below the base price/);
});
