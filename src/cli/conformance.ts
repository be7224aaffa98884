// `perpsim conformance …`: runs Vega's feature files against the engine (conformance/cli.ts); every argument after
// the subcommand name is passed through unchanged, and the command exits with the harness's status.
import { Command, CommanderError } from 'commander';
import { runConformance } from '../../conformance/cli.ts';

export function conformanceCommand(setStatus: (code: number) => void): Command {
  return new Command('conformance')
    .description(
      "run Vega's integration feature files against the engine (arguments pass through; see `perpsim conformance --help`)",
    )
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]', 'arguments of the conformance harness')
    .action((args: string[]) => {
      try {
        setStatus(runConformance(args));
      } catch (e) {
        // the harness's own parser reports --help and bad options as CommanderErrors (exitOverride)
        if (e instanceof CommanderError) setStatus(e.exitCode);
        else {
          const msg = e instanceof Error ? e.message : String(e);
          const code = (e as NodeJS.ErrnoException).code;
          console.error(
            `perpsim conformance: ${code === 'ENOTDIR' ? `--features: not a folder (${msg.replace(/^ENOTDIR: /, '')})` : msg}`,
          );
          if (process.env['PERPSIM_DEBUG']) console.error((e as Error).stack);
          setStatus(2);
        }
      }
    });
}
