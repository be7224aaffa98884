// `perpsim dashboard OUT_DIR [--out FILE]`: the dashboard of a finished simulation (a `perpsim simulate` output
// directory: summary.json and its CSV tables) or sweep (sweep.json), written as one static page that opens offline
// (default OUT_DIR/dashboard.html); prints the file's path and its file:// URL. No server is needed.
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderRunDashboard, renderSweepDashboard } from '../web/dashboard.ts';
import { DashboardInputError, loadOutputDir } from '../web/data.ts';

/** Writes the dashboard of `dir` and returns the page's path. */
export function writeDashboard(dir: string, out?: string): string {
  const data = loadOutputDir(dir);
  const html = data.kind === 'simulation' ? renderRunDashboard(data) : renderSweepDashboard(data);
  const file = resolve(out ?? join(dir, 'dashboard.html'));
  try {
    writeFileSync(file, html);
  } catch (e) {
    throw new DashboardInputError(
      `${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return file;
}

export function dashboardCommand(setStatus: (code: number) => void): Command {
  return new Command('dashboard')
    .description('write the dashboard page of a finished simulation or sweep (static, opens offline)')
    .argument('<out_dir>', 'the output directory of perpsim simulate (summary.json) or perpsim sweep (sweep.json)')
    .option('--out <file>', 'where to write the page (default: OUT_DIR/dashboard.html)')
    .action((dir: string, o: { out?: string }) => {
      try {
        const file = writeDashboard(dir, o.out);
        console.log(file);
        console.log(pathToFileURL(file).href);
        setStatus(0);
      } catch (e) {
        if (e instanceof DashboardInputError) console.error(`perpsim dashboard: ${e.message}`);
        else console.error(`perpsim dashboard: ${(e as Error).stack ?? e}`);
        setStatus(1);
      }
    });
}
