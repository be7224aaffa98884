// The CLI test thread: runs `perpsim` command lines it is sent (src/cli/main.ts `main`), one at a time, with the
// environment entries given for that run. After each run it writes the end marker to stdout and stderr, so the test
// side knows where that run's output ends, then posts the exit status (or the error main threw).
import { parentPort } from 'node:worker_threads';
import { main } from '../../src/cli/main.ts';
import { endMarker, type RunRequest, type RunResult } from './cli-protocol.ts';

const port = parentPort!;
port.on('message', (req: RunRequest) => {
  void (async () => {
    const saved = Object.fromEntries(Object.keys(req.env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, req.env);
    let status: number | undefined;
    let error: string | undefined;
    try {
      status = await main(req.args);
    } catch (e) {
      error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      process.exitCode = undefined;
    }
    const marker = endMarker(req.id);
    await new Promise<void>((done) => process.stdout.write(marker, () => done()));
    await new Promise<void>((done) => process.stderr.write(marker, () => done()));
    const result: RunResult = { id: req.id, status, error };
    port.postMessage(result);
  })();
});
