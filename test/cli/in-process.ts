// Runs the `perpsim` command in this test process (src/cli/main.ts `main`), with what it writes to stdout and
// stderr captured, instead of spawning a Node process per command line: a spawn costs about a second of start-up
// (tsx, the CLI's libraries) before the command even reads its arguments. Runs are serialised (one at a time),
// since the capture replaces the process's own streams. Tests that need the real executable (exit codes set by
// bin/perpsim.js, signals, a crash) keep spawning it.
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * `perpsim ...args`, in process, from the repository's root folder (as the spawned tests ran it); `env` entries are
 * set for the run and restored after it.
 */
export function perpsimInProcess(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = queue.then(() => runOnce(args, env));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const outWrite = process.stdout.write;
  const errWrite = process.stderr.write;
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const savedExitCode = process.exitCode;
  const savedCwd = process.cwd();
  process.chdir(root);
  const capture =
    (append: (s: string) => void) =>
    (chunk: string | Uint8Array, encoding?: unknown, cb?: unknown): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const done = typeof encoding === 'function' ? encoding : cb;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    };
  process.stdout.write = capture((s) => (stdout += s)) as typeof process.stdout.write;
  process.stderr.write = capture((s) => (stderr += s)) as typeof process.stderr.write;
  Object.assign(process.env, env);
  try {
    const status = await main(args);
    return { status, stdout, stderr };
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.exitCode = savedExitCode;
    process.chdir(savedCwd);
  }
}
