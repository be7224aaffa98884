#!/usr/bin/env node
// The project's test command (`npm test`): type check, conformance regression check against the committed
// baseline, then the unit and property tests. The last line printed gives the unit-test passed/failed counts.
// `--unit` runs only the unit tests; extra arguments are test-file filters.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out.sort();
}

let status = 0;
if (!unitOnly && filters.length === 0) {
  console.log('== type check');
  status ||= run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
  console.log('== conformance regression check (baseline: conformance/baseline.json)');
  status ||= run(process.execPath, ['--import', 'tsx', 'conformance/cli.ts', '--check-baseline', '--quiet']);
  console.log('== conformance regression check, perps mode (baseline: conformance/baseline-perps.json)');
  status ||= run(process.execPath, ['--import', 'tsx', 'conformance/cli.ts', '--perps', '--check-baseline', '--quiet']);
}
const files = testFiles(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
console.log(`== unit and property tests (${files.length} files)`);
const unit = run(process.execPath, [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=2',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/summary-reporter.mjs',
  '--test-reporter-destination=stdout',
  ...files,
]);
process.exit(status || unit);
