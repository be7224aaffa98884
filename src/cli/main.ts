// The `perpsim` command: `session` (the default: a scripted market session on a governance proposal), `simulate`
// (an agent-based simulation of a scenario, with its report), `sweep` (a grid of simulations on worker threads,
// or on BullMQ workers), `worker` (takes queued sweep runs), `conformance` (Vega's feature files against the engine),
// `analyze` (what a proposal means), `liquidity` (the daily economics of liquidity provision), `serve` (the live
// venue), `mm` (the live market maker), `live` (venue, background market, bot and dashboard in one) and `dashboard`
// (the page of a finished simulation or sweep). Run from the working tree with `npm run perpsim -- …` or through
// bin/perpsim.js (`npx perpsim …`).
//
// Each subcommand's module is loaded only when it is the one being run (all of them for the top-level --help or an
// unknown word): the live venue's server, Redis and BullMQ clients and the Parquet writer are not loaded to analyse
// a proposal, which halves the command's start-up time.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type SetStatus = (code: number) => void;
type Track = (p: Promise<void>) => void;
type Factory = (setStatus: SetStatus, track: Track) => Command;

/** The subcommands in the order --help lists them; `session` is the default. */
const COMMANDS: Record<string, () => Promise<Factory>> = {
  session: async () => (await import('./session.ts')).sessionCommand,
  simulate: async () => (await import('./simulate.ts')).simulateCommand,
  sweep: async () => (await import('./sweep.ts')).sweepCommand,
  worker: async () => (await import('./worker.ts')).workerCommand,
  conformance: async () => (await import('./conformance.ts')).conformanceCommand,
  analyze: async () => (await import('./analyze.ts')).analyzeCommand,
  liquidity: async () => (await import('./liquidity.ts')).liquidityCommand,
  dashboard: async () => (await import('./dashboard.ts')).dashboardCommand,
  serve: async () => (await import('./serve.ts')).serveCommand,
  mm: async () => (await import('./mm.ts')).mmCommand,
  live: async () => (await import('./live.ts')).liveCommand,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Which subcommands `argv` needs: the one it names; `session` for options only; all for help or an unknown word. */
function needed(argv: readonly string[]): string[] {
  const first = argv[0];
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [first];
  const topLevel = ['-h', '--help', '-V', '--version', 'help'];
  if (first === undefined || (first.startsWith('-') && !argv.some((a) => topLevel.includes(a)))) return ['session'];
  return Object.keys(COMMANDS);
}

/**
 * Runs the CLI on `argv` (the arguments after the program name) and resolves to the exit status, once any command
 * that works asynchronously (sweep's worker threads, the venue) has finished.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let status = 0;
  let pending: Promise<void> | undefined;
  const setStatus = (code: number) => {
    status = code;
  };
  const track = (p: Promise<void>) => {
    pending = p;
  };
  const program = new Command('perpsim')
    .description('Deterministic engine and toolkit for Vega-style perpetual and cash-settled futures markets')
    .version(version())
    .exitOverride()
    .showHelpAfterError();
  const names = needed(argv);
  const factories = await Promise.all(names.map((n) => COMMANDS[n]!()));
  names.forEach((name, i) => program.addCommand(factories[i]!(setStatus, track), { isDefault: name === 'session' }));
  for (const c of program.commands) c.exitOverride();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    // --help, --version and usage errors: commander has already printed what to say
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  if (pending) await pending;
  return status;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
