// `perpsim liquidity DAILY.csv COMMITMENTS.json [--out DIR] [--json]`: the daily economics of liquidity provision
// (src/analysis/liquidity/model.ts) — a table on stdout, and in DIR the days and the providers as CSV and the charts
// as a self-contained HTML page.
import { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { liquidityHtml } from '../analysis/liquidity/html.ts';
import { columnsFromCells, parquetPathFor, writeParquet } from '../io/parquet.ts';
import { LiquidityInputError, parseCommitments, parseDailyCsv, readText } from '../analysis/liquidity/inputs.ts';
import { runLiquidityModel, type LiquidityMarket, type LiquidityReport } from '../analysis/liquidity/model.ts';
import { trimDecimal } from '../analysis/proposal.ts';
import {
  isSpotProposal,
  loadProposalFile,
  parseAssetSpec,
  parseJsonText,
  parseSpotProposal,
  ProposalValidationError,
  readProposalText,
  type AssetRegistry,
} from '../proposal/index.ts';
import { Decimal, spotMarketConfig } from '../core/index.ts';
import { table } from './format.ts';
import { checkOutDir, OutDirError } from './output-dir.ts';

export const DEFAULT_OUT = 'out/liquidity';

export interface LiquidityFiles {
  readonly days: string;
  readonly providers: string;
  readonly html: string;
  readonly json: string;
}

/** Runs the model on the two input files (the proposal comes from the commitments file unless `proposal` is given). */
export function runLiquidity(
  dailyFile: string,
  commitmentsFile: string,
  opts: { readonly proposal?: string; readonly assets?: AssetRegistry } = {},
): LiquidityReport {
  const commitments = parseCommitments(readText(commitmentsFile, 'commitments file'), commitmentsFile);
  const proposalPath = opts.proposal !== undefined ? resolve(opts.proposal) : commitments.proposal;
  const proposal = loadLiquidityMarket(proposalPath, opts.assets);
  const days = parseDailyCsv(readText(dailyFile, 'daily market data'), dailyFile, {
    spot: proposal.spot !== undefined,
  });
  // a price below one unit of the market's precision is 0 in the market: nothing can be computed from it
  const mdp = proposal.config.decimalPlaces;
  const unit = Decimal.parse(`1e-${mdp}`);
  const low = days.flatMap((d, k) =>
    d.price.lt(unit)
      ? [
          `row ${k + 1}, price: ${d.price.toString()} is below one unit of the market's price (${mdp} decimals: ${unit.toString()})`,
        ]
      : [],
  );
  if (low.length) throw new LiquidityInputError(dailyFile, low);
  return runLiquidityModel(
    days,
    { ...commitments, proposal: relative(process.cwd(), proposalPath) || proposalPath },
    proposal,
    { commitments: commitmentsFile },
  );
}

/**
 * The market of a proposal file: a new-market proposal, or a new-spot-market proposal (spec 0080-SPOT: amounts in
 * the quote asset, no margin, target stake from the supplied stake).
 */
function loadLiquidityMarket(path: string, assets: AssetRegistry | undefined): LiquidityMarket {
  let doc: unknown;
  try {
    doc = parseJsonText(readProposalText(path), path);
  } catch {
    doc = undefined; // the new-market reader reports an unreadable file or bad JSON
  }
  if (doc === undefined || !isSpotProposal(doc)) return loadProposalFile(path, assets ? { assets } : {});
  const p = parseSpotProposal(doc, { source: path, ...(assets ? { assets } : {}) });
  return {
    config: spotMarketConfig(p.spec),
    asset: p.quoteAsset,
    instrument: p.instrument,
    spot: { base: p.baseAsset.symbol },
  };
}

const pctText = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

export function renderLiquidity(r: LiquidityReport): string {
  const a = r.market.asset;
  const amount = (s: string) => trimDecimal(s, 2);
  const out: string[] = [
    `Liquidity economics of ${r.market.name} (${r.market.proposal}), amounts in ${a}${r.market.spot ? ` (spot: ${r.market.spot.base} bought and sold for ${a}; no margin, no open interest)` : ''}`,
    `  risk factors ${r.market.riskFactors.long} / ${r.market.riskFactors.short}, target-stake scaling factor ${r.market.targetStakeScalingFactor}, fee method ${r.market.feeMethod.toLowerCase().replace('_', ' ')}, SLA range ${r.market.sla.priceRange} / min time ${r.market.sla.commitmentMinTimeFraction} / competition ${r.market.sla.slaCompetitionFactor}`,
    '',
    table(
      [
        { title: 'day' },
        { title: 'price', align: 'right' },
        { title: 'volume', align: 'right' },
        { title: 'open int.', align: 'right' },
        { title: 'target stake', align: 'right' },
        { title: 'supplied', align: 'right' },
        { title: 'cover', align: 'right' },
        { title: 'fee factor', align: 'right' },
        { title: 'LP fees', align: 'right' },
      ],
      r.days.map((d) => [
        d.day,
        d.price,
        amount(d.notionalVolume),
        r.market.spot ? '-' : d.openInterest,
        amount(d.targetStake),
        amount(d.suppliedStake),
        pctText(d.coverage),
        d.liquidityFeeFactor,
        amount(d.liquidityFees),
      ]),
    ),
    '',
    'Providers by day (fees allocated by equity-like share × liquidity score; income = net fees + bonus − bond penalty)',
    table(
      [
        { title: 'day' },
        { title: 'provider' },
        { title: 'commitment', align: 'right' },
        { title: 'bid', align: 'right' },
        { title: 'ELS', align: 'right' },
        { title: 'score', align: 'right' },
        { title: 'share', align: 'right' },
        { title: 'fees', align: 'right' },
        { title: 'penalty', align: 'right' },
        { title: 'bonus', align: 'right' },
        { title: 'bond pen.', align: 'right' },
        { title: 'income', align: 'right' },
        { title: r.market.spot ? 'held (value)' : 'init. margin', align: 'right' },
        { title: 'annualised', align: 'right' },
      ],
      r.days.flatMap((d) =>
        d.providers.map((p) => [
          d.day,
          p.party,
          amount(p.commitment),
          p.fee,
          trimDecimal(p.equityLikeShare, 4),
          trimDecimal(p.score, 4),
          trimDecimal(p.feeShare, 4),
          amount(p.allocatedFees),
          trimDecimal(p.feePenalty, 4),
          amount(p.bonus),
          amount(p.bondPenalty),
          amount(p.income),
          amount(p.held ? p.held.value : p.initialMargin),
          pctText(p.annualisedReturn),
        ]),
      ),
    ),
    '',
    'Totals',
    table(
      [
        { title: 'provider' },
        { title: 'days', align: 'right' },
        { title: 'fees + bonus', align: 'right' },
        { title: 'bond penalties', align: 'right' },
        { title: 'income', align: 'right' },
        { title: 'avg capital', align: 'right' },
        { title: 'annualised', align: 'right' },
      ],
      r.totals.map((t) => [
        t.party,
        String(t.days),
        amount(t.fees),
        amount(t.bondPenalties),
        amount(t.income),
        amount(t.averageCapital),
        pctText(t.annualisedReturn),
      ]),
    ),
    '',
    'Assumptions',
    ...r.assumptions.map((s) => `  - ${s}`),
  ];
  return out.join('\n');
}

/** Writes the CSVs, the HTML charts and the JSON report into `dir`. */
export function writeLiquidityFiles(r: LiquidityReport, dir: string): LiquidityFiles {
  mkdirSync(dir, { recursive: true });
  const files: LiquidityFiles = {
    days: join(dir, 'liquidity-days.csv'),
    providers: join(dir, 'liquidity-providers.csv'),
    html: join(dir, 'liquidity.html'),
    json: join(dir, 'liquidity.json'),
  };
  const dayColumns = [
    'day',
    'price',
    'notionalVolume',
    'openInterest',
    'targetStake',
    'suppliedStake',
    'coverage',
    'liquidityFeeFactor',
    'liquidityFees',
    'carried',
    'toInsurancePool',
    'bonusRemainder',
    'growth',
  ] as const;
  const dayCells = r.days.map((d) => dayColumns.map((c) => String(d[c] ?? '')));
  writeFileSync(files.days, stringify(dayCells, { header: true, columns: [...dayColumns] }));
  writeParquet(parquetPathFor(files.days), columnsFromCells(dayColumns, dayCells));
  const providerColumns = [
    'party',
    'commitment',
    'fee',
    'virtualStake',
    'equityLikeShare',
    'score',
    'feeShare',
    'allocatedFees',
    'obligationMet',
    'timeOnBook',
    'feePenalty',
    'netFees',
    'bonus',
    'bondPenalty',
    'income',
    'buySize',
    'sellSize',
    'maintenanceMargin',
    'initialMargin',
    'capital',
    'annualisedReturn',
  ] as const;
  const providerCells = r.days.flatMap((d) =>
    d.providers.map((p) => [d.day, ...providerColumns.map((c) => String(p[c]))]),
  );
  writeFileSync(files.providers, stringify(providerCells, { header: true, columns: ['day', ...providerColumns] }));
  writeParquet(parquetPathFor(files.providers), columnsFromCells(['day', ...providerColumns], providerCells));
  writeFileSync(files.html, liquidityHtml(r, `perpsim liquidity: ${r.market.name}`));
  writeFileSync(files.json, `${JSON.stringify(r, null, 2)}\n`);
  return files;
}

interface CommandOptions {
  out: string;
  json?: boolean;
  proposal?: string;
  asset: string[];
}

export function liquidityCommand(setStatus: (code: number) => void): Command {
  return new Command('liquidity')
    .description(
      'daily liquidity-provision economics: target and supplied stake, fee factor, each provider’s share, fees, margin and return',
    )
    .argument('<daily>', 'CSV with one row per day: day, notional_volume (24h), open_interest, price')
    .argument('<commitments>', 'JSON: the market proposal, network parameters and the liquidity commitments by day')
    .option('--out <dir>', 'folder for the CSV files, the HTML charts and the JSON report', DEFAULT_OUT)
    .option('--json', 'print the report as JSON instead of tables')
    .option('--proposal <file>', 'market proposal (default: the one the commitments file names)')
    .option(
      '--asset <spec>',
      'settlement asset missing from the registry: ID=SYMBOL:DECIMALS[:QUANTUM] (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .action((daily: string, commitments: string, o: CommandOptions) => {
      try {
        const assets = Object.fromEntries(o.asset.map(parseAssetSpec));
        checkOutDir(o.out);
        const report = runLiquidity(daily, commitments, {
          ...(o.proposal !== undefined ? { proposal: o.proposal } : {}),
          assets,
        });
        const files = writeLiquidityFiles(report, o.out);
        if (o.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(renderLiquidity(report));
          console.log(
            `\nWrote ${files.days}, ${files.providers}, ${files.json} and ${files.html} (charts; opens offline)`,
          );
        }
        setStatus(0);
      } catch (e) {
        const known =
          e instanceof LiquidityInputError ||
          e instanceof ProposalValidationError ||
          e instanceof OutDirError ||
          (e instanceof Error && /cannot read the proposal file|^asset "/.test(e.message));
        const msg = e instanceof Error ? e.message : String(e);
        console.error(`perpsim liquidity: ${known ? msg : `the calculation stopped: ${msg}`}`);
        if (!known && process.env['PERPSIM_DEBUG']) console.error((e as Error).stack);
        setStatus(1);
      }
    });
}
