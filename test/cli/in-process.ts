// Runs `perpsim` command lines on one worker thread of this test process (cli-thread.ts) instead of spawning a Node
// process per command line: a spawn costs a second or more of start-up (tsx, the CLI's libraries) before the command
// reads its arguments, while the thread loads them once. The thread's own stdout and stderr are captured, so the
// test runner's output is never mixed in. Runs are serialised; the relative paths of a command line are read from
// the test process's working folder (npm test runs from the repository root). Tests that need the real executable
// (bin/perpsim.js, signals, a crash) keep spawning it.
import { after } from 'node:test';
import { Worker } from 'node:worker_threads';
import { endMarker, type RunRequest, type RunResult } from './cli-protocol.ts';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Pending {
  readonly id: number;
  stdout: string;
  stderr: string;
  outDone: boolean;
  errDone: boolean;
  result?: RunResult;
  resolve: (r: CliRun) => void;
  reject: (e: Error) => void;
}

let worker: Worker | undefined;
let current: Pending | undefined;
let nextId = 1;
let queue: Promise<unknown> = Promise.resolve();

// the thread's piped streams keep the process alive: end it with the test file
after(() => worker?.terminate());

function settle(): void {
  const p = current;
  if (!p || !p.outDone || !p.errDone || !p.result) return;
  current = undefined;
  worker?.unref();
  if (p.result.error !== undefined) p.reject(new Error(`perpsim threw: ${p.result.error}`));
  else p.resolve({ status: p.result.status ?? 0, stdout: p.stdout, stderr: p.stderr });
}

function thread(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./cli-thread-entry.mjs', import.meta.url), {
    stdout: true,
    stderr: true,
    execArgv: [],
  });
  const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const p = current;
    if (!p) return;
    const text = p[stream] + chunk.toString();
    const marker = endMarker(p.id);
    const at = text.indexOf(marker);
    if (at >= 0) {
      p[stream] = text.slice(0, at);
      if (stream === 'stdout') p.outDone = true;
      else p.errDone = true;
      settle();
    } else p[stream] = text;
  };
  w.stdout.on('data', take('stdout'));
  w.stderr.on('data', take('stderr'));
  w.on('message', (m: RunResult) => {
    if (current && current.id === m.id) {
      current.result = m;
      settle();
    }
  });
  w.on('error', (e) => {
    current?.reject(e);
    current = undefined;
    worker = undefined;
  });
  w.on('exit', (code) => {
    current?.reject(new Error(`CLI test thread exited with ${code}`));
    current = undefined;
    worker = undefined;
  });
  w.unref();
  worker = w;
  return w;
}

/** `perpsim ...args` on the CLI test thread; `env` entries are set for the run and restored after it. */
export function perpsimInProcess(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = queue.then(
    () =>
      new Promise<CliRun>((resolve, reject) => {
        const w = thread();
        const id = nextId++;
        current = { id, stdout: '', stderr: '', outDone: false, errDone: false, resolve, reject };
        w.ref();
        const req: RunRequest = { id, args, env };
        w.postMessage(req);
      }),
  );
  queue = run.catch(() => undefined);
  return run;
}
