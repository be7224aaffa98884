// `perpsim sweep SWEEP.yaml [--out DIR] [--workers N]`: runs a grid of scenario parameters on all cores (worker
// threads) and writes sweep.csv (one row per run), sweep.json and sweep.html (a chart of the P&L across the grid).
// With `--queue redis://HOST:PORT` the runs go to BullMQ instead, for `perpsim worker` processes on any number of
// machines; the command waits with a progress bar (done / running / failed / waiting) and writes the same files.
// `--detach` only enqueues and prints the sweep's id; `--status ID` shows a sweep's progress (and writes its files
// once it has finished); `--cancel ID` removes it.
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { ScenarioError } from '../sim/scenario.ts';
import { loadSweep, runSweep, writeSweep, type SweepRow } from '../sim/sweep.ts';
import { RUN_ATTEMPTS, SweepQueue, type SweepStatus } from '../sim/sweep-queue.ts';
import { checkOutDir } from './output-dir.ts';

interface SweepOptions {
  out?: string;
  workers?: number;
  memoryMb?: number;
  queue?: string;
  detach?: boolean;
  status?: string;
  cancel?: string;
  attempts?: number;
  progress: boolean;
}

export function positiveInteger(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a positive integer.');
  return Number(v);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function describeRow(row: SweepRow): string {
  const p = Object.entries(row.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const what = row.summary
    ? `${row.summary.trades} trades, ${row.summary.blocksPerSecond} blocks/s`
    : `failed: ${row.error}`;
  return `run ${row.index} seed ${row.seed} ${p}: ${what}`;
}

function statusLine(s: SweepStatus): string {
  return `sweep ${s.id}: ${s.state}; ${s.done}/${s.total} done, ${s.running} running, ${s.failed} failed, ${s.waiting} waiting`;
}

async function queueSweep(file: string | undefined, o: SweepOptions): Promise<number> {
  const q = await SweepQueue.open(o.queue!);
  try {
    if (o.cancel !== undefined) {
      const waiting = await q.cancel(o.cancel, {
        onWait: (n) => console.error(`perpsim sweep: sweep ${o.cancel}: waiting for ${n} runs in progress`),
      });
      console.log(`perpsim sweep: sweep ${o.cancel} cancelled (${waiting} runs had not started)`);
      return 0;
    }
    let id: string;
    if (o.status !== undefined) {
      id = o.status;
      const s = await q.status(id);
      console.log(`perpsim sweep: ${statusLine(s)}`);
      if (s.failure) console.log(`perpsim sweep: failed: ${s.failure}`);
      if (s.state !== 'completed' && s.state !== 'failed') return 0;
    } else {
      const sweep = loadSweep(file!);
      const out = o.out ?? sweep.spec.out;
      // the results folder (or, by default, the folder out/<sweep id> will be made in) is checked before enqueueing
      if (!o.detach) checkOutDir(out ?? 'out');
      id = await q.enqueue(sweep, {
        ...(out !== undefined ? { out } : {}),
        ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
      });
      if (o.detach) {
        console.log(`perpsim sweep: ${sweep.runs.length} runs queued as ${id}`);
        console.log(`  progress: perpsim sweep --status ${id} --queue ${o.queue}`);
        return 0;
      }
      console.error(
        `perpsim sweep: ${sweep.runs.length} runs queued as ${id}; waiting for workers ` +
          `(Ctrl-C leaves the sweep running: perpsim sweep --status ${id} --queue ${o.queue})`,
      );
      const bar =
        o.progress && process.stderr.isTTY
          ? new SingleBar({
              format: `${id} [{bar}] {value}/{total} done | {running} running | {failed} failed | {waiting} waiting`,
              stream: process.stderr,
              hideCursor: true,
            })
          : undefined;
      bar?.start(sweep.runs.length, 0, { running: 0, failed: 0, waiting: sweep.runs.length });
      let last = '';
      const s = await q.wait(id, (st) => {
        bar?.update(st.done, { running: st.running, failed: st.failed, waiting: st.waiting });
        const line = statusLine(st);
        if (!bar && o.progress && line !== last) console.error(`  ${line}`);
        last = line;
      });
      bar?.stop();
      if (s.failure) console.error(`perpsim sweep: failed: ${s.failure}`);
    }
    const res = await q.results(id);
    const out = o.out ?? res.out ?? `out/${id}`;
    checkOutDir(out);
    const files = writeSweep(res.meta, res.rows, out);
    const failed = res.rows.filter((r) => !r.summary).length;
    console.log(
      `perpsim sweep: ${res.rows.length - failed}/${res.rows.length} runs${res.failure ? ' (the sweep failed)' : ''}; ${files.csv}, ${files.report}`,
    );
    return failed ? 1 : 0;
  } finally {
    await q.close();
  }
}

function localSweep(file: string, o: SweepOptions): Promise<number> {
  const sweep = loadSweep(file);
  const out = o.out ?? sweep.spec.out ?? `out/sweep-${basename(file).replace(/\.(ya?ml|json)$/i, '')}`;
  checkOutDir(out);
  const total = sweep.runs.length;
  const started = performance.now();
  console.error(
    `perpsim sweep: ${total} runs on ${Math.min(total, o.workers ?? sweep.spec.workers ?? availableParallelism())} worker threads`,
  );
  return runSweep(sweep, {
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    ...(o.memoryMb !== undefined ? { memoryMb: o.memoryMb } : {}),
    onRow: (row, done) => {
      if (o.progress) console.error(`  [${done}/${total}] ${describeRow(row)}`);
    },
  }).then((rows) => {
    const files = writeSweep(sweep, rows, out);
    const failed = rows.filter((r) => !r.summary);
    for (const r of failed) console.error(`perpsim sweep: ${describeRow(r)}`);
    const s = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`perpsim sweep: ${total - failed.length}/${total} runs in ${s} s; ${files.csv}, ${files.report}`);
    return failed.length ? 1 : 0;
  });
}

export function sweepCommand(setStatus: (code: number) => void, track: (p: Promise<void>) => void): Command {
  return new Command('sweep')
    .description('run a grid of scenario parameters on all cores, or on BullMQ workers, and write one row per run')
    .argument('[sweep]', 'sweep file (YAML or JSON): scenario, grid of parameter paths and values, seeds, days')
    .option('--out <dir>', 'results directory (default: the sweep file\'s "out", else out/sweep-<name>)')
    .option(
      '--workers <n>',
      `worker threads (default: the sweep file's, else ${availableParallelism()})`,
      positiveInteger,
    )
    .option('--memory-mb <mb>', 'heap limit of each run, MB (a run above it fails alone)', positiveInteger)
    .option('--queue <url>', 'run on BullMQ workers (perpsim worker) through Redis at redis://HOST:PORT')
    .option(
      '--attempts <n>',
      `with --queue: tries of a run (retries with exponential backoff) before it fails the sweep (default ${RUN_ATTEMPTS})`,
      positiveInteger,
    )
    .option('--detach', 'with --queue: enqueue, print the sweep id and return')
    .option('--status <id>', 'with --queue: show a sweep’s progress; write its files once it has finished')
    .option('--cancel <id>', 'with --queue: remove a sweep (runs in progress finish first)')
    .option('--no-progress', 'no progress output')
    .action((file: string | undefined, o: SweepOptions) => {
      const fail = (text: string) => {
        console.error(`perpsim sweep: ${text}`);
        setStatus(1);
      };
      const byId = o.status !== undefined || o.cancel !== undefined;
      if (o.status !== undefined && o.cancel !== undefined) return fail('--status and --cancel cannot be combined');
      if (o.attempts !== undefined && (o.queue === undefined || byId))
        return fail('--attempts applies to a new sweep with --queue');
      if ((byId || o.detach) && o.queue === undefined)
        return fail(
          `${o.detach ? '--detach' : byId && o.status !== undefined ? '--status' : '--cancel'} needs --queue`,
        );
      if (byId && file !== undefined) return fail('give either a sweep file or --status/--cancel ID, not both');
      if (byId && o.detach) return fail('--detach applies to a new sweep, not to --status/--cancel');
      if (!byId && file === undefined) return fail('missing the sweep file (or --status/--cancel ID with --queue)');
      if (o.queue !== undefined && o.memoryMb !== undefined)
        return fail('--memory-mb with --queue is a worker setting: `perpsim worker --memory-mb MB`');
      if (o.queue !== undefined && o.workers !== undefined)
        return fail('--workers sets local threads; with --queue, start `perpsim worker --concurrency N` instead');
      let p: Promise<number>;
      try {
        p = o.queue !== undefined ? queueSweep(file, o) : localSweep(file!, o);
      } catch (e) {
        return fail(message(e));
      }
      track(
        p.then(setStatus, (e: unknown) =>
          fail(e instanceof ScenarioError || e instanceof Error ? e.message : String(e)),
        ),
      );
    });
}
