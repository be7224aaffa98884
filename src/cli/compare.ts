// `perpsim compare [SCENARIO] [--days N] [--seed S] [--json] [--out DIR] [--imf X] [--mmf X] [--multiplier X]
// [--funding-every S] [--token-collateral SHARE]`:
// runs a scenario (default: the LINK/USD perpetual under stress, scenarios/compare.scenario.yaml) under Vega's rules and under
// seed 001's margin-fraction rules with the same agents and price path, prints the two side by side (or, with
// --json, `{mechanisms: {vega: {...}, "margin-fraction": {...}}}`) and writes compare.json and compare.html into DIR.
// Exit status 2 when money was not conserved in either run.
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { COMPARE_SCENARIO, CompareError, compareJson, runComparison, type Mechanism } from '../sim/compare.ts';
import { renderComparison, renderComparisonPage } from '../sim/compare-report.ts';
import { fileSafe } from '../sim/output.ts';
import { PriceCsvError } from '../sim/price-process.ts';
import { checkRun, loadScenarioFile, ScenarioError } from '../sim/scenario.ts';
import { checkOutDir, OutDirError } from './output-dir.ts';

interface CompareFlags {
  days?: number;
  seed?: string;
  out?: string;
  json?: boolean;
  imf?: string;
  mmf?: string;
  multiplier?: string;
  fundingEvery?: number;
  tokenCollateral?: number;
  progress: boolean;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!/^\d*\.?\d+$/.test(v) || !(n > 0)) throw new InvalidArgumentError('must be a positive number.');
  if (n > 3650) throw new InvalidArgumentError('at most 3650 (ten years).');
  return n;
}

function seedText(v: string): string {
  if (v.length === 0 || v.length > 1000) throw new InvalidArgumentError('must be 1 to 1000 characters.');
  return v;
}

function fundingSeconds(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !(n >= 60) || n > 30 * 86_400)
    throw new InvalidArgumentError('must be whole seconds from 60 to 2592000 (30 days).');
  return n;
}

function shareOfDeposit(v: string): number {
  const n = Number(v);
  if (!/^(0|1)?\.\d+$|^1$/.test(v) || !(n > 0 && n <= 1))
    throw new InvalidArgumentError('must be a fraction in (0, 1], such as 0.5.');
  return n;
}

function fractionText(v: string): string {
  if (!/^(0|1)?\.\d+$|^[01]$/.test(v)) throw new InvalidArgumentError('must be a decimal fraction such as 0.05.');
  return v;
}

export function runCompareCommand(file: string | undefined, o: CompareFlags): { ok: boolean } {
  const loaded = loadScenarioFile(file ?? COMPARE_SCENARIO);
  if (o.days !== undefined) {
    const problems = checkRun(loaded.scenario, Math.round(o.days * 86_400)).map((p) => `${p} (with --days ${o.days})`);
    if (problems.length) throw new ScenarioError(problems, loaded.source);
  }
  const out = o.out ?? `out/${fileSafe(loaded.scenario.name)}-compare`;
  checkOutDir(out, o.out !== undefined ? '--out' : 'output folder (scenario name)');
  let lastPct = -1;
  const progress =
    o.progress && !o.json
      ? (m: Mechanism, done: number, total: number) => {
          const pct = Math.floor((100 * done) / total / 10) * 10;
          if (pct !== lastPct || done === total) {
            lastPct = pct;
            process.stderr.write(`comparing: ${m} ${pct}% (${done}/${total} blocks)\n`);
          }
        }
      : undefined;
  const r = runComparison(loaded, {
    ...(o.days !== undefined ? { days: o.days } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.imf !== undefined ? { imf: o.imf } : {}),
    ...(o.mmf !== undefined ? { mmf: o.mmf } : {}),
    ...(o.multiplier !== undefined ? { multiplier: o.multiplier } : {}),
    ...(o.fundingEvery !== undefined ? { fundingEvery: o.fundingEvery } : {}),
    ...(o.tokenCollateral !== undefined ? { tokenCollateral: o.tokenCollateral } : {}),
    ...(progress ? { onProgress: progress } : {}),
  });
  mkdirSync(out, { recursive: true });
  const json = compareJson(r);
  writeFileSync(join(out, 'compare.json'), json);
  writeFileSync(join(out, 'compare.html'), renderComparisonPage(r, Date.parse(loaded.scenario.start), 'quote units'));
  const shown = relative(process.cwd(), out) || '.';
  process.stdout.write(o.json ? json : renderComparison(r, shown.startsWith('..') ? out : shown));
  return { ok: r.mechanisms.vega.conservation.ok && r.mechanisms['margin-fraction'].conservation.ok };
}

export function compareCommand(setStatus: (code: number) => void): Command {
  return new Command('compare')
    .description(
      "run a scenario under Vega's rules and under seed 001's margin-fraction rules (same agents and price path) and compare close-outs, liquidations, insurance, socialised losses, funding, leverage and the makers' P&L",
    )
    .argument('[scenario]', 'scenario file, YAML or JSON (default: scenarios/compare.scenario.yaml)')
    .option('--days <n>', "simulated days (default: the scenario's)", positiveNumber)
    .option('--seed <s>', "random seed (default: the scenario's)", seedText)
    .option('--out <dir>', 'results directory for compare.json and compare.html (default: out/<scenario name>-compare)')
    .option('--json', 'print the comparison as JSON instead of the table')
    .option('--imf <x>', 'margin fraction: initial margin fraction (default 0.1)', fractionText)
    .option('--mmf <x>', 'margin fraction: maintenance (close-out) margin fraction (default 0.05)', fractionText)
    .option(
      '--multiplier <x>',
      'margin fraction: one-sided mark-price multiplier, in (0, 1) (default 0.01)',
      fractionText,
    )
    .option(
      '--funding-every <s>',
      "both mechanisms: the perpetual's funding period in seconds (default: the proposal's)",
      fundingSeconds,
    )
    .option(
      '--token-collateral <share>',
      'margin fraction: each trader (not the makers) holds this share of its deposit as ETH and BTC collateral tokens, borrowing the quote against them',
      shareOfDeposit,
    )
    .option('--no-progress', 'no progress lines on stderr')
    .action((file: string | undefined, o: CompareFlags) => {
      try {
        const r = runCompareCommand(file, o);
        setStatus(r.ok ? 0 : 2);
      } catch (e) {
        const known =
          e instanceof ScenarioError ||
          e instanceof OutDirError ||
          e instanceof PriceCsvError ||
          e instanceof CompareError;
        const msg = e instanceof Error ? e.message : String(e);
        console.error(`perpsim compare: ${known ? msg : `the run stopped: ${msg}`}`);
        if (!known && process.env['PERPSIM_DEBUG']) console.error((e as Error).stack);
        setStatus(1);
      }
    });
}
