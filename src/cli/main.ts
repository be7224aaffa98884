// The `perpsim` command: `session` (the default: a scripted market session on a governance proposal), `simulate`
// (an agent-based simulation of a scenario, with its report), `sweep` (a grid of simulations on worker threads,
// or on BullMQ workers), `worker` (takes queued sweep runs), `conformance` (Vega's feature files against the engine),
// `analyze` (what a proposal means), `liquidity` (the daily economics of liquidity provision), `serve` (the live
// venue), `mm` (the live market maker) and `dashboard` (the page of a finished simulation or sweep). Run from the
// working tree with `npm run perpsim -- …` or through bin/perpsim.js (`npx perpsim …`).
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeCommand } from './analyze.ts';
import { conformanceCommand } from './conformance.ts';
import { dashboardCommand } from './dashboard.ts';
import { liquidityCommand } from './liquidity.ts';
import { liveCommand } from './live.ts';
import { mmCommand } from './mm.ts';
import { serveCommand } from './serve.ts';
import { sessionCommand } from './session.ts';
import { simulateCommand } from './simulate.ts';
import { sweepCommand } from './sweep.ts';
import { workerCommand } from './worker.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns the exit status; a command that works
 * asynchronously (sweep's worker threads) makes it a promise of the status.
 */
export function main(argv: readonly string[]): number | Promise<number> {
  let status = 0;
  let pending: Promise<void> | undefined;
  const setStatus = (code: number) => {
    status = code;
  };
  const program = new Command('perpsim')
    .description('Deterministic engine and toolkit for Vega-style perpetual and cash-settled futures markets')
    .version(version())
    .exitOverride()
    .showHelpAfterError();
  program.addCommand(sessionCommand(setStatus), { isDefault: true });
  program.addCommand(simulateCommand(setStatus));
  program.addCommand(
    sweepCommand(setStatus, (p) => {
      pending = p;
    }),
  );
  program.addCommand(
    workerCommand(setStatus, (p) => {
      pending = p;
    }),
  );
  program.addCommand(conformanceCommand(setStatus));
  program.addCommand(analyzeCommand(setStatus));
  program.addCommand(liquidityCommand(setStatus));
  program.addCommand(dashboardCommand(setStatus));
  program.addCommand(serveCommand(setStatus, (p) => (pending = p)));
  program.addCommand(mmCommand(setStatus, (p) => (pending = p)));
  program.addCommand(liveCommand(setStatus, (p) => (pending = p)));
  for (const c of program.commands) c.exitOverride();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    // --help, --version and usage errors: commander has already printed what to say
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return pending ? pending.then(() => status) : status;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = main(process.argv.slice(2));
  if (typeof r === 'number') process.exitCode = r;
  else void r.then((code) => (process.exitCode = code));
}
