// The `perpsim` command: `session` (the default: a scripted market session on a governance proposal),
// `conformance` (Vega's feature files against the engine), `analyze` (what a proposal means) and `liquidity` (the
// daily economics of liquidity provision). Run from the working tree with `npm run perpsim -- …`
// or through bin/perpsim.js (`npx perpsim …`).
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeCommand } from './analyze.ts';
import { conformanceCommand } from './conformance.ts';
import { liquidityCommand } from './liquidity.ts';
import { sessionCommand } from './session.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Runs the CLI on `argv` (the arguments after the program name) and returns the exit status. */
export function main(argv: readonly string[]): number {
  let status = 0;
  const setStatus = (code: number) => {
    status = code;
  };
  const program = new Command('perpsim')
    .description('Deterministic engine and toolkit for Vega-style perpetual and cash-settled futures markets')
    .version(version())
    .exitOverride()
    .showHelpAfterError();
  program.addCommand(sessionCommand(setStatus), { isDefault: true });
  program.addCommand(conformanceCommand(setStatus));
  program.addCommand(analyzeCommand(setStatus));
  program.addCommand(liquidityCommand(setStatus));
  for (const c of program.commands) c.exitOverride();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    // --help, --version and usage errors: commander has already printed what to say
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return status;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
