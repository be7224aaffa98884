// Sweeps on this machine: grid keys that would reach an object's prototype are refused (and Object.prototype is left
// untouched), the number of runs is bounded before anything is expanded, a run that runs out of its worker thread's
// memory becomes a row with its error while the other runs keep their results, output folders are checked before a
// run, the sweep modules import each other without a cycle, and a --queue address is read or refused clearly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSweep, MAX_SWEEP_RUNS, runSweep } from '../../src/sim/sweep.ts';
import { checkOutDir } from '../../src/cli/output-dir.ts';
import { main } from '../../src/cli/main.ts';
import { parseRedisUrl } from '../../src/sim/sweep-jobs.ts';
import { checkRedis } from '../../src/sim/sweep-queue.ts';
import { createServer } from 'node:net';

const root = fileURLToPath(new URL('../../', import.meta.url));
const scenario = join(root, 'scenarios/default.scenario.yaml');
const dir = mkdtempSync(join(tmpdir(), 'perpsim-sweep-unit-'));

function sweepFile(name: string, body: string): string {
  const f = join(dir, name);
  writeFileSync(f, `scenario: ${JSON.stringify(scenario)}\n${body}`);
  return f;
}

describe('sweep grid keys', () => {
  for (const key of [
    '__proto__.polluted',
    'constructor.prototype.polluted',
    'markets[0].__proto__.polluted',
    'agents.mm-bold.constructor.polluted',
  ]) {
    test(`"${key}" is refused and pollutes nothing`, () => {
      const f = sweepFile('proto.yaml', `days: 0.025\ngrid:\n  ${JSON.stringify(key)}: [1]\n`);
      assert.throws(
        () => loadSweep(f),
        (e: Error) => e.message.includes(`grid."${key}"`) && /prototype keys are refused/.test(e.message),
      );
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
    });
  }

  test('a name only inherited from Object.prototype is not a scenario field', () => {
    const f = sweepFile('inherited.yaml', `days: 0.025\ngrid:\n  markets[0].price.hasOwnProperty.x: [1]\n`);
    assert.throws(() => loadSweep(f), /the scenario has nothing at markets\[0\]\.price\.hasOwnProperty/);
  });

  test('the number of runs is bounded before the grid is expanded, with the limit in the message', () => {
    const values = Array.from({ length: 30 }, (_, i) => (i + 1) / 100);
    const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
    const count = values.length * values.length * seeds.length;
    assert.ok(count > MAX_SWEEP_RUNS);
    const f = sweepFile(
      'big.yaml',
      `days: 0.025\nseeds: ${JSON.stringify(seeds)}\ngrid:\n  agents.mm-bold.gamma: ${JSON.stringify(values)}\n` +
        `  agents.mm-balanced.gamma: ${JSON.stringify(values)}\n`,
    );
    assert.throws(
      () => loadSweep(f),
      (e: Error) => e.message.includes(`${count} runs`) && e.message.includes(`limit of ${MAX_SWEEP_RUNS} runs`),
    );
  });
});

test('a run that runs out of memory is a row with its error; the other runs keep their results', async () => {
  // the middle run has far more noise traders than a 64 MB heap holds; the two others are small
  const f = sweepFile('oom.yaml', `days: 0.025\nmemoryMb: 64\ngrid:\n  agents.noise.count: [1, 9900, 2]\n`);
  const sweep = loadSweep(f);
  const rows = await runSweep(sweep, { workers: 2 });
  assert.deepEqual(
    rows.map((r) => r.index),
    [0, 1, 2],
  );
  assert.match(rows[1]!.error ?? '', /out of memory: the run went past its 64 MB heap limit/);
  assert.equal(rows[1]!.summary, undefined);
  for (const i of [0, 2]) {
    assert.equal(rows[i]!.error, undefined);
    assert.match(rows[i]!.summary!.stateHash, /^[0-9a-f]{64}$/);
    assert.equal(rows[i]!.params['agents.noise.count'], i === 0 ? 1 : 2);
  }
});

describe('checkOutDir', () => {
  test('a writable folder, new or existing, passes and nothing is left behind', () => {
    const d = join(dir, 'new', 'deeper');
    checkOutDir(d); // not there yet: its nearest existing ancestor is writable
    mkdirSync(d, { recursive: true });
    checkOutDir(d);
    assert.deepEqual(readdirSync(d), []); // the write probe is removed
  });
  test('a file in the way is named with the flag', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    assert.throws(
      () => checkOutDir(file),
      new RegExp(`^OutDirError: --out ${file}: is an existing file, not a folder`),
    );
    assert.throws(
      () => checkOutDir(join(file, 'sub'), '--report-dir'),
      /^OutDirError: --report-dir .*is a file, not a folder|inside a file/,
    );
  });
  test('/proc cannot hold results', () => {
    assert.throws(() => checkOutDir('/proc/perpsim-out'), /^OutDirError: --out \/proc\/perpsim-out: is inside \/proc/);
    assert.throws(() => checkOutDir('/proc'), /^OutDirError: --out \/proc: is inside \/proc/);
  });
  test('a read-only folder is refused', { skip: process.getuid?.() === 0 ? 'root writes anywhere' : false }, () => {
    const ro = join(dir, 'ro');
    checkOutDir(ro);
    chmodSync(ro, 0o500);
    assert.throws(() => checkOutDir(ro), /is not writable/);
  });
});

test('the sweep modules import one another without a cycle', () => {
  const simDir = join(root, 'src/sim');
  const files = readdirSync(simDir).filter((n) => /^sweep.*\.(ts|mjs)$/.test(n));
  const deps = new Map<string, string[]>();
  for (const n of files) {
    const text = readFileSync(join(simDir, n), 'utf8');
    // value and type imports alike: './x.ts' within src/sim
    deps.set(
      n,
      [...text.matchAll(/(?:from|import\()\s*'\.\/([^']+)'/g)].map((m) => m[1]!).filter((d) => files.includes(d)),
    );
  }
  const state = new Map<string, 'open' | 'done'>();
  const visit = (n: string, path: string[]) => {
    if (state.get(n) === 'done') return;
    assert.notEqual(state.get(n), 'open', `import cycle: ${[...path, n].join(' → ')}`);
    state.set(n, 'open');
    for (const d of deps.get(n) ?? []) visit(d, [...path, n]);
    state.set(n, 'done');
  };
  for (const n of files) visit(n, []);
  assert.ok(deps.get('sweep-report.ts')!.includes('sweep-rows.ts'));
});

describe('--queue addresses', () => {
  test('redis:// URLs are read, anything else is refused with the flag named', () => {
    assert.deepEqual(parseRedisUrl('redis://10.0.0.5:6380'), { host: '10.0.0.5', port: 6380 });
    assert.deepEqual(parseRedisUrl('rediss://u:p%40ss@cache.example:6390/2'), {
      host: 'cache.example',
      port: 6390,
      username: 'u',
      password: 'p@ss',
      db: 2,
      tls: {},
    });
    assert.equal(parseRedisUrl('redis://localhost').port, 6379);
    assert.throws(
      () => parseRedisUrl('localhost:6379'),
      /^Error: --queue localhost:6379: the scheme must be redis:\/\//,
    );
    assert.throws(() => parseRedisUrl('nonsense'), /^Error: --queue nonsense: not a URL/);
    assert.throws(() => parseRedisUrl('redis://h:1/x'), /the path must be a database number/);
  });

  test('a Redis that does not answer is reported with its address and the cause', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p)); // nothing listens there any more
      });
    });
    await assert.rejects(
      checkRedis(`redis://127.0.0.1:${port}`),
      new RegExp(
        `^Error: --queue redis://127.0.0.1:${port}: cannot reach Redis at 127.0.0.1:${port} \\(ECONNREFUSED\\)`,
      ),
    );
  });
});

describe('perpsim sweep: options refused before anything runs', () => {
  const sweepYaml = () => sweepFile('small.yaml', `days: 0.025\ngrid:\n  agents.mm-bold.gamma: [0.1]\n`);
  const cases: [string, () => string[], RegExp][] = [
    ['--status without --queue', () => ['sweep', '--status', 'sweep-x'], /--status needs --queue/],
    ['--cancel without --queue', () => ['sweep', '--cancel', 'sweep-x'], /--cancel needs --queue/],
    ['no sweep file', () => ['sweep'], /missing the sweep file/],
    ['--detach without --queue', () => ['sweep', sweepYaml(), '--detach'], /--detach needs --queue/],
    [
      '--workers with --queue',
      () => ['sweep', sweepYaml(), '--queue', 'redis://127.0.0.1:1', '--workers', '2'],
      /--workers sets local threads/,
    ],
    [
      '--memory-mb with --queue',
      () => ['sweep', sweepYaml(), '--queue', 'redis://127.0.0.1:1', '--memory-mb', '64'],
      /--memory-mb with --queue is a worker setting/,
    ],
    [
      '--out inside /proc',
      () => ['sweep', sweepYaml(), '--out', '/proc/perpsim-x'],
      /--out \/proc\/perpsim-x: is inside \/proc/,
    ],
  ];
  for (const [name, args, re] of cases) {
    test(name, async (t) => {
      const errors: string[] = [];
      t.mock.method(console, 'error', (...a: unknown[]) => errors.push(a.join(' ')));
      t.mock.method(console, 'log', () => {});
      const status = await main(args());
      assert.equal(status, 1);
      assert.match(errors.join('\n'), re);
      assert.doesNotMatch(errors.join('\n'), /\n\s+at /); // no stack trace
    });
  }
});
