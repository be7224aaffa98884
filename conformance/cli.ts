// `npm run conformance -- [--features DIR] [--defaults DIR] [--json FILE] [PATH-FILTER…]`: runs Vega's feature
// files against the engine, prints a per-folder table and `conformance: P passed, F failed of N scenarios`.
// `--check-baseline` fails when a scenario listed in conformance/baseline.json no longer passes;
// `--update-baseline` records the scenarios passing now (refused while any baseline scenario fails).
// `--perps` runs the suite as Vega's CI does with `-perps`: markets on the default futures oracles become
// perpetuals on their `-for-perps` twins and @NoPerp scenarios are left out; its baseline is
// conformance/baseline-perps.json.
import { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFeatureFiles, featureKey, runFeatureFile, type ScenarioResult } from './runner.ts';
import { buildRegistry } from './steps/index.ts';
import { loadDefaults } from './defaults.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const BASELINE = join(repoRoot, 'conformance', 'baseline.json');
const BASELINE_PERPS = join(repoRoot, 'conformance', 'baseline-perps.json');

/** Where the Vega corpus is looked for when --features is not given. */
export function defaultFeaturesDir(): string | undefined {
  const candidates = [
    process.env.PERPSIM_VEGA_FEATURES,
    resolve(repoRoot, '../shared/vega/features'),
    resolve(process.cwd(), '../shared/vega/features'),
    '/work/shared/vega/features',
  ].filter((c): c is string => !!c);
  return candidates.find((c) => existsSync(c));
}

export function scenarioId(r: { file: string; line: number }): string {
  return `${r.file}:${r.line}`;
}

interface Options {
  features?: string;
  defaults?: string;
  json?: string;
  checkBaseline?: boolean;
  updateBaseline?: boolean;
  quiet?: boolean;
  failures?: boolean;
  perps?: boolean;
}

export function runConformance(argv: string[]): number {
  const program = new Command()
    .name('perpsim conformance')
    .description("Run Vega's integration feature files against the perpsim engine")
    .option('--features <dir>', 'folder of .feature files (default ../shared/vega/features)')
    .option('--defaults <dir>', 'folder of named defaults (default <features>/../defaults)')
    .option('--json <file>', 'write per-scenario results as JSON')
    .option('--check-baseline', 'fail if a scenario of conformance/baseline.json no longer passes')
    .option('--update-baseline', 'record the scenarios that pass now in conformance/baseline.json')
    .option('--failures', 'list every scenario that did not pass, with its error')
    .option('--quiet', 'print only the summary')
    .option('--perps', 'swap the default futures oracles for their perpetual twins and skip @NoPerp scenarios')
    .argument('[filters...]', 'only feature files whose path contains one of these strings')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const opts = program.opts<Options>();
  const filters = program.args;

  const featuresDir = opts.features ? resolve(opts.features) : defaultFeaturesDir();
  if (!featuresDir || !existsSync(featuresDir)) {
    const msg = `conformance: feature folder not found (${opts.features ?? '../shared/vega/features'}); set --features or PERPSIM_VEGA_FEATURES`;
    if (opts.checkBaseline && !opts.features) {
      console.log(`${msg} — baseline check skipped`);
      return 0;
    }
    console.error(msg);
    return 2;
  }
  const defaultsDir = opts.defaults ? resolve(opts.defaults) : resolve(featuresDir, '..', 'defaults');
  const defaults = loadDefaults(defaultsDir);
  const registry = buildRegistry();

  const files = findFeatureFiles(featuresDir).filter(
    (f) => filters.length === 0 || filters.some((x) => featureKey(featuresDir, f).includes(x)),
  );
  const results: ScenarioResult[] = [];
  const started = Date.now();
  for (const f of files)
    results.push(...runFeatureFile(registry, defaults, featuresDir, f, { perps: opts.perps === true }));
  const elapsed = ((Date.now() - started) / 1000).toFixed(1);

  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.length - passed;
  if (!opts.quiet) printTable(results);
  if (opts.failures) {
    for (const r of results)
      if (r.status !== 'passed')
        console.log(`${r.status.padEnd(9)} ${scenarioId(r)} ${r.name}\n          ${(r.error ?? '').split('\n')[0]}`);
  }
  const ignored = results.filter((r) => r.ignoredTables?.length);
  if (ignored.length && !opts.quiet)
    for (const r of ignored)
      console.log(
        `note: ${scenarioId(r)}: table under a step that takes none ignored, as godog does: ${r.ignoredTables!.join('; ')}`,
      );
  console.log(
    `conformance${opts.perps ? ' (perps)' : ''}: ${passed} passed, ${failed} failed of ${results.length} scenarios (${elapsed}s)`,
  );

  if (opts.json) {
    writeFileSync(
      opts.json,
      JSON.stringify({ total: results.length, passed, failed, scenarios: results }, null, 1) + '\n',
    );
  }

  let status = 0;
  const filtered = filters.length > 0;
  if (opts.checkBaseline || opts.updateBaseline) {
    const file = opts.perps ? BASELINE_PERPS : BASELINE;
    const baseline: string[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).passing : [];
    const byId = new Map(results.map((r) => [scenarioId(r), r]));
    const ran = (id: string) => !filtered || byId.has(id);
    const regressions = baseline.filter((id) => ran(id) && byId.get(id)?.status !== 'passed');
    const newlyPassing = results.filter((r) => r.status === 'passed' && !baseline.includes(scenarioId(r)));
    for (const id of regressions) {
      const r = byId.get(id);
      console.log(
        `REGRESSION ${id}${r ? ` ${r.name}: ${(r.error ?? r.status).split('\n')[0]}` : ' (scenario no longer exists)'}`,
      );
    }
    if (regressions.length) {
      console.log(`conformance baseline: ${regressions.length} scenario(s) of the baseline no longer pass`);
      status = 1;
    } else {
      console.log(
        `conformance baseline: all ${baseline.filter(ran).length} baseline scenarios pass` +
          (newlyPassing.length ? `; ${newlyPassing.length} more pass (raise it with --update-baseline)` : ''),
      );
    }
    if (opts.updateBaseline) {
      if (regressions.length) {
        console.log('baseline not updated: fix the regressions first');
      } else {
        const keep = filtered ? baseline.filter((id) => !byId.has(id)) : [];
        const now = [...new Set([...keep, ...results.filter((r) => r.status === 'passed').map(scenarioId)])].sort();
        writeFileSync(file, JSON.stringify({ passing: now }, null, 2) + '\n');
        console.log(`baseline updated: ${now.length} scenarios`);
      }
    }
  }
  return status;
}

function printTable(results: ScenarioResult[]): void {
  const folders = new Map<string, { n: number; passed: number; failed: number; undef: number }>();
  for (const r of results) {
    const folder = r.file.includes('/') ? r.file.slice(0, r.file.indexOf('/')) : '(root)';
    const f = folders.get(folder) ?? { n: 0, passed: 0, failed: 0, undef: 0 };
    f.n++;
    if (r.status === 'passed') f.passed++;
    else if (r.status === 'undefined') f.undef++;
    else f.failed++;
    folders.set(folder, f);
  }
  const rows = [...folders.entries()].sort(([a], [b]) => a.localeCompare(b));
  console.log(
    `${'folder'.padEnd(22)}${'scenarios'.padStart(10)}${'passed'.padStart(8)}${'failed'.padStart(8)}${'undefined'.padStart(11)}`,
  );
  for (const [name, f] of rows) {
    console.log(
      `${name.padEnd(22)}${String(f.n).padStart(10)}${String(f.passed).padStart(8)}${String(f.failed).padStart(8)}${String(f.undef).padStart(11)}`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = runConformance(process.argv.slice(2));
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code?.startsWith('commander.')) process.exitCode = err.exitCode ?? 1;
    else throw e;
  }
}
