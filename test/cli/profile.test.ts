// `perpsim simulate --profile`: the CPU profile file is a V8 profile whose samples cover the run (the simulator's own
// runSimulation is among its functions), the top-15 table goes to stderr, and the --json summary on stdout is unchanged
// in shape and state hash by profiling; an unwritable profile path is refused before the run, naming the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const perpsim = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });

test('simulate --profile writes a CPU profile and prints the top self-time functions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-profile-'));
  const file = join(dir, 'prof', 'run.cpuprofile');
  const base = ['simulate', '--days', '0.03', '--seed', '3', '--no-progress', '--json'];
  const plain = perpsim([...base, '--out', join(dir, 'a')]);
  assert.equal(plain.status, 0, plain.stderr);
  const profiled = perpsim([...base, '--out', join(dir, 'b'), '--profile', file]);
  assert.equal(profiled.status, 0, profiled.stderr);

  const p = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string } }[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  assert.ok(p.samples.length > 10, 'samples recorded');
  assert.equal(p.samples.length, p.timeDeltas.length);
  const ids = new Set(p.nodes.map((n) => n.id));
  for (const s of p.samples) assert.ok(ids.has(s), `sample of unknown node ${s}`);
  assert.ok(p.nodes.some((n) => n.callFrame.functionName === 'runSimulation'));

  assert.match(profiled.stderr, new RegExp(`CPU profile: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const table = profiled.stderr.split('Top 15 functions by self time:\n')[1]!.trim().split('\n');
  assert.match(table[0]!, /self ms +share +function +location/);
  assert.equal(table.length, 16, 'header and 15 rows');
  const ms = table.slice(1).map((l) => Number(l.trim().split(/\s+/)[0]));
  for (let i = 1; i < ms.length; i++) assert.ok(ms[i - 1]! >= ms[i]!, 'rows sorted by self time');

  // profiling does not change the run
  const hash = (out: string) => (JSON.parse(out) as { stateHash: string }).stateHash;
  assert.equal(hash(profiled.stdout), hash(plain.stdout));
});

test('simulate --profile into a path under a file is refused before the run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-profile-'));
  writeFileSync(join(dir, 'afile'), 'x');
  const r = perpsim([
    'simulate',
    '--days',
    '0.03',
    '--no-progress',
    '--out',
    join(dir, 'o'),
    '--profile',
    join(dir, 'afile', 'p.cpuprofile'),
  ]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--profile/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
