// Runs Vega feature files against the engine: parses them with the official Gherkin parser, compiles scenarios
// (each Examples row is its own scenario), runs every step through the registry with a fresh World per scenario,
// and checks Vega's two global invariants: after every step every balance change is explained by transfers,
// after every scenario all balances sum to the net deposits.
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Registry } from './registry.ts';
import { StepError, Table } from './table.ts';
import { World } from './world.ts';
import type { Defaults } from './defaults.ts';

export type ScenarioStatus = 'passed' | 'failed' | 'undefined' | 'skipped';

export interface ScenarioResult {
  file: string;
  name: string;
  line: number;
  status: ScenarioStatus;
  error?: string;
  /** Tables given to steps that take none (see below), ignored as godog ignores them. */
  ignoredTables?: string[];
}

export function findFeatureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findFeatureFiles(p));
    else if (name.endsWith('.feature')) out.push(p);
  }
  return out;
}

/** Feature file path relative to the features folder, with forward slashes. */
export function featureKey(featuresDir: string, file: string): string {
  return relative(featuresDir, file).split(sep).join('/');
}

export interface RunOptions {
  /**
   * Vega's `-perps` mode: markets on the default futures oracles become perpetuals on their `-for-perps` twins,
   * and scenarios tagged @NoPerp are left out.
   */
  readonly perps?: boolean;
}

export function runFeatureFile(
  registry: Registry,
  defaults: Defaults,
  featuresDir: string,
  file: string,
  opts: RunOptions = {},
): ScenarioResult[] {
  const key = featureKey(featuresDir, file);
  const newId = IdGenerator.incrementing();
  let pickles: ReturnType<typeof compile>;
  try {
    const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(file, 'utf8'));
    pickles = compile(doc, key, newId);
  } catch (e) {
    // a file that cannot be read or parsed is one failed entry naming the file; the run goes on with the others
    const msg = e instanceof Error ? e.message : String(e);
    const line = Number(/\((\d+):\d+\)/.exec(msg)?.[1] ?? 0);
    return [
      {
        file: key,
        name: '(feature file does not parse)',
        line,
        status: 'failed',
        error: `${file}: not a valid feature file: ${msg.replace(/^Parser errors:\s*/, '').split('\n')[0]}`,
      },
    ];
  }
  if (opts.perps) pickles = pickles.filter((p) => !p.tags.some((t) => t.name === '@NoPerp'));
  return pickles.map((pickle) => {
    const result: ScenarioResult = { file: key, name: pickle.name, line: pickle.location?.line ?? 0, status: 'passed' };
    const world = new World(defaults, { perps: opts.perps === true });
    // resolve every step first: a scenario with a step we have no definition for is "undefined"
    const resolved = pickle.steps.map((s) => ({ step: s, match: registry.find(s.text) }));
    const missing = resolved.find((r) => !r.match);
    if (missing) {
      result.status = 'undefined';
      result.error = `undefined step: ${missing.step.text}`;
      return result;
    }
    for (const { step, match } of resolved) {
      // AMM sub-account aliases stand for the sub-account key in every cell after the header
      const rows = step.argument?.dataTable?.rows.map((r, i) =>
        r.cells.map((c) => (i > 0 ? (world.aliases.get(c.value.trim()) ?? c.value) : c.value)),
      );
      let table = rows ? new Table(rows) : undefined;
      // godog passes a step's table as an extra argument, and a Go step function that declares no table parameter
      // never sees it (in the corpus: the table of a commented-out step lands under the step above it). Our step
      // functions mirror the Go signatures, so one declared without a table parameter ignores it the same way; the
      // result says so.
      if (table && match!.def.fn.length < 3) {
        (result.ignoredTables ??= []).push(step.text);
        table = undefined;
      }
      try {
        world.beginStep();
        match!.def.fn(
          world,
          match!.args.map((a) => world.aliases.get(a) ?? a),
          table,
        );
        const unread = table?.untouched() ?? [];
        if (unread.length) throw new StepError(`step did not check column(s): ${unread.join(', ')}`);
        world.endStep();
      } catch (e) {
        result.status = 'failed';
        result.error = `${step.text}: ${e instanceof StepError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
        return result;
      }
    }
    try {
      world.endScenario();
    } catch (e) {
      result.status = 'failed';
      result.error = `after scenario: ${e instanceof Error ? e.message : String(e)}`;
    }
    return result;
  });
}
