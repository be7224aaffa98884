// `perpsim analyze PROPOSAL.json [--price P] [--json] [--compare OTHER.json …]`: what a new-market proposal means —
// risk factors, leverage, margins at a price, price-monitoring bounds, funding, target stake, the SLA in words — and
// the warnings a careful reviewer would raise; with --compare, proposals side by side with the differences marked.
// A proposal Vega would reject only for a repairable value (a number with stray whitespace, a decimal given as a JSON
// number) is analysed as meant and the problem reported as an error-severity warning; any other invalid input is an
// error naming the JSON path, with a non-zero exit status.
import { Command, InvalidArgumentError, Option } from 'commander';
import { addComparableWarnings, compareAnalyses, type Comparison } from '../analysis/compare.ts';
import {
  AnalysisError,
  analyseProposal,
  DEFAULT_MAX_LEVERAGE,
  DEFAULT_MIN_ORDER_MARGIN_QUANTUM_MULTIPLE,
  trimDecimal,
  type AnalysisWarning,
  type AnalyzeOptions,
  type ProposalAnalysis,
  type Severity,
} from '../analysis/proposal.ts';
import { duration, pct, sig, trimNumber } from '../analysis/units.ts';
import {
  parseAssetSpec,
  parseJsonText,
  parseProposalLenient,
  ProposalValidationError,
  readProposalText,
  type AssetRegistry,
  type LenientParse,
} from '../proposal/index.ts';
import { analyseSpotProposalFile, renderSpotAnalysis } from '../analysis/spot.ts';
import { runSpotComparison } from '../analysis/spot-compare.ts';
import { table } from './format.ts';
import { renderAmm, runAmmAnalysis } from './amm-report.ts';
import { AmmAnalysisError } from '../analysis/amm.ts';
import { ProgrammeAnalysisError, renderProgrammes, runProgrammeAnalysis } from '../analysis/programmes.ts';

export interface AnalyzeRun {
  readonly analyses: readonly ProposalAnalysis[];
  readonly comparison: Comparison | null;
}

/** Reads, parses and analyses the proposals; the first is the subject, the others are compared with it. */
export function runAnalyze(
  files: readonly string[],
  opts: AnalyzeOptions & { readonly assets?: AssetRegistry } = {},
): AnalyzeRun {
  const parses: LenientParse[] = files.map((f) => readProposal(f, opts.assets));
  const analyses = parses.map((p, i) => analyseProposal(files[i]!, p, opts));
  if (analyses.length < 2) return { analyses, comparison: null };
  addComparableWarnings(analyses);
  const comparison = compareAnalyses(
    analyses,
    parses.map((p) => ({ document: p.written, changesAt: p.parsed.changesAt })),
  );
  return { analyses, comparison };
}

function readProposal(file: string, assets: AssetRegistry | undefined): LenientParse {
  let text: string;
  try {
    text = readProposalText(file);
  } catch (e) {
    throw new AnalysisError((e as Error).message);
  }
  return parseProposalLenient(parseJsonText(text, file), { source: file, ...(assets ? { assets } : {}) });
}

// ------------------------------------------------------------------ text output

const x = (v: number) => (Number.isFinite(v) ? `${sig(v, 4)}x` : 'unlimited');
const money = (a: ProposalAnalysis, s: string) => `${trimDecimal(s, a.market.settlementAsset.decimals)}`;

export function renderAnalysis(a: ProposalAnalysis): string {
  const out: string[] = [];
  const asset = a.market.settlementAsset.symbol;
  out.push(
    `${a.market.name} (${a.market.code}): ${a.market.product} settled in ${asset}`,
    `  ${a.source}${a.title ? `: "${a.title}"` : ''}`,
    `  price ${a.market.decimalPlaces} decimals (tick ${a.market.tick}), position ${a.market.positionDecimalPlaces} decimals (smallest order ${a.market.smallestOrder})`,
    `  analysis price ${a.price.value} ${asset}: ${a.price.note}`,
    '',
  );

  // risk and leverage
  const rm = a.riskModel;
  out.push(
    rm.kind === 'logNormal'
      ? `Risk model: log-normal, tau ${rm.tau} (${rm.tauText} of price risk), sigma ${rm.sigma}, risk aversion ${rm.riskAversionParameter}, mu ${rm.mu}, r ${rm.r}${rm.riskFactorOverride ? ' (risk factors overridden)' : ''}`
      : `Risk model: simple, factors ${rm.factorLong} / ${rm.factorShort}`,
  );
  out.push(
    table(
      [{ title: '' }, { title: 'long', align: 'right' }, { title: 'short', align: 'right' }],
      [
        ['risk factor', sig(+a.riskFactors.long, 6), sig(+a.riskFactors.short, 6)],
        ['max leverage (1/rf)', x(a.leverage.max.long), x(a.leverage.max.short)],
        [
          `initial leverage (/ ${a.leverage.initialMarginScalingFactor})`,
          x(a.leverage.initial.long),
          x(a.leverage.initial.short),
        ],
      ],
    ),
  );
  out.push(
    `  isolated margin: at most ${x(a.leverage.isolated)} (1 / (max risk factor + linear slippage ${a.leverage.linearSlippageFactor}))`,
  );
  if (a.leverage.target) {
    const t = a.leverage.target;
    out.push(
      `  target ${t.leverage}x: ${t.tau !== null ? `tau ${sig(t.tau, 4)} (${t.tauText}) with the other parameters unchanged` : 'no tau reaches it with this model'}`,
    );
  }
  out.push('');

  // margins
  const m = a.margins;
  const row = (label: string, s: ProposalAnalysis['margins']['perContract']['order']) => [
    label,
    money(a, s.maintenance.long),
    money(a, s.maintenance.short),
    money(a, s.initial.long),
    money(a, s.initial.short),
  ];
  out.push(`Margins at price ${m.price} (${asset})`);
  out.push(
    table(
      [
        { title: '' },
        { title: 'maint. long', align: 'right' },
        { title: 'maint. short', align: 'right' },
        { title: 'initial long', align: 'right' },
        { title: 'initial short', align: 'right' },
      ],
      [
        row('1 contract, position', m.perContract.position),
        row('1 contract, order', m.perContract.order),
        row(`smallest order (${m.smallestOrder.size}), position`, m.smallestOrder.position),
        row(`smallest order (${m.smallestOrder.size}), order`, m.smallestOrder.order),
      ],
    ),
  );
  out.push(
    `  spam check (0062-SPAM): smallest order (rf + slippage) × size × price = ${trimDecimal(m.spamCheck.margin, 6)} ${asset} ${m.spamCheck.passes ? '>=' : '<'} ${m.spamCheck.quantumMultiple} × quantum = ${m.spamCheck.threshold} ${asset}: ${m.spamCheck.passes ? 'passes' : 'fails'}`,
  );
  for (const n of m.notes) out.push(`  ${n}`);
  out.push('');

  // price monitoring
  out.push(`Price monitoring at ${a.price.value}`);
  if (a.priceMonitoring.length === 0) out.push('  no triggers');
  else
    out.push(
      table(
        [
          { title: 'horizon' },
          { title: 'probability', align: 'right' },
          { title: 'auction ext.', align: 'right' },
          { title: 'min', align: 'right' },
          { title: 'max', align: 'right' },
          { title: 'down', align: 'right' },
          { title: 'up', align: 'right' },
        ],
        a.priceMonitoring.map((t) => [
          t.horizonText,
          t.probability,
          duration(t.auctionExtension),
          t.min,
          t.max,
          `${trimNumber(t.downPct, 3)}%`,
          `+${trimNumber(t.upPct, 3)}%`,
        ]),
      ),
    );
  out.push('');

  // funding
  const f = a.funding;
  if (f) {
    out.push('Funding');
    const oracle =
      f.oracle.kind === 'ethereum'
        ? `Ethereum oracle ${f.oracle.address}${f.oracle.every !== undefined ? ` read every ${duration(f.oracle.every)}` : ''}${f.oracle.requiredConfirmations !== undefined ? `, ${f.oracle.requiredConfirmations} confirmations` : ''}`
        : `signed oracle data (${f.oracle.signers} signer(s))`;
    const lines: [string, string][] = [
      ['schedule', `${f.everyText}${f.periodsPerYear !== null ? ` (${sig(f.periodsPerYear, 6)} periods a year)` : ''}`],
      ['external price', `${oracle}; property ${f.oracle.property}, ${f.oracle.decimals} decimals`],
      [
        'interest',
        `${f.interestRate} a year = ${f.interestPerPeriod !== null ? pct(+f.interestPerPeriod) : '?'} per period (365-day year)`,
      ],
      ['clamp band', `${pct(+f.clampLowerBound)} .. ${pct(+f.clampUpperBound)} of the oracle price per period`],
      [
        'rate at zero premium',
        f.rateAtZeroPremium !== null
          ? `${pct(+f.rateAtZeroPremium)} per period${f.annualisedAtZeroPremium !== null ? ` (${pct(f.annualisedAtZeroPremium)} a year)` : ''}`
          : '-',
      ],
      [
        'largest payment',
        f.largestPaymentPct !== null ? `${sig(f.largestPaymentPct)}% of notional per period` : 'unbounded',
      ],
      ['', f.largestPaymentNote],
      [
        'margin add-on',
        `funding payment × marginFundingFactor ${f.marginFundingFactor}${f.marginAddOnPerContract !== null ? ` (at zero premium ${trimDecimal(f.marginAddOnPerContract, 6)} ${asset} per contract long)` : ''}`,
      ],
    ];
    if (f.fundingRateScalingFactor) lines.push(['scaling factor', f.fundingRateScalingFactor]);
    out.push(
      table([{ title: '' }, { title: '' }], lines)
        .split('\n')
        .slice(2)
        .join('\n'),
    );
    out.push('');
  }

  // liquidity
  const l = a.liquidity;
  out.push('Liquidity');
  out.push(
    `  target stake: ${trimDecimal(l.targetStake.perContractOfOpenInterest, 6)} ${asset} per contract of open interest at ${a.price.value} (${pct(+l.targetStake.fractionOfOpenInterestNotional)} of open-interest notional: max risk factor × scaling factor ${l.targetStake.scalingFactor}, both truncated to 5 decimals; max open interest over ${l.targetStake.timeWindowText})`,
  );
  out.push(`  liquidity fee: ${l.feeMethod.toLowerCase().replace('_', ' ')} of the providers' fee bids`);
  out.push(
    `  SLA: price range ${l.sla.priceRange}, minimum time fraction ${l.sla.commitmentMinTimeFraction}, hysteresis ${l.sla.performanceHysteresisEpochs} epoch(s), competition factor ${l.sla.slaCompetitionFactor}`,
  );
  for (const s of l.sla.description) out.push(`    - ${s}`);
  out.push(
    `  trading fees (network): maker ${a.fees.maker}, infrastructure ${a.fees.infrastructure}, buy-back ${a.fees.buyBack}, treasury ${a.fees.treasury}`,
  );
  out.push('');

  out.push(renderWarnings(a.warnings));
  return out.join('\n');
}

export function renderWarnings(ws: readonly AnalysisWarning[]): string {
  if (ws.length === 0) return 'Warnings: none';
  const order: Severity[] = ['error', 'warning', 'info'];
  const sorted = [...ws].sort((p, q) => order.indexOf(p.severity) - order.indexOf(q.severity));
  const counts = order.map((s) => {
    const n = ws.filter((w) => w.severity === s).length;
    return `${n} ${s === 'info' ? 'info' : n === 1 ? s : `${s}s`}`;
  });
  return [
    `Warnings (${counts.join(', ')})`,
    ...sorted.map((w) => `  [${w.severity}] ${w.path}: ${w.message} (${w.code})`),
  ].join('\n');
}

export function renderComparison(run: {
  readonly analyses: readonly { readonly source: string; readonly warnings: readonly AnalysisWarning[] }[];
  readonly comparison: Comparison | null;
}): string {
  const c = run.comparison!;
  const names = c.columns.map((s, i) => `[${i + 1}] ${s}`);
  const out = [`Comparison (rows marked * differ)`, ...names.map((n) => `  ${n}`), ''];
  const cols = [{ title: '' }, { title: '' }, ...c.columns.map((_s, i) => ({ title: `[${i + 1}]` }))];
  let section = '';
  const rows: string[][] = [];
  for (const r of c.rows) {
    if (r.section !== section) {
      section = r.section;
      rows.push(['', section.toUpperCase(), ...c.columns.map(() => '')]);
    }
    rows.push([r.differs ? '*' : '', r.label, ...r.values]);
  }
  out.push(table(cols, rows));
  out.push('');
  if (c.parameters.length === 0) out.push('Proposal parameters: identical');
  else {
    out.push('Proposal parameters that differ (under changes)');
    out.push(
      table(
        [{ title: 'field' }, ...c.columns.map((_s, i) => ({ title: `[${i + 1}]` }))],
        c.parameters.map((p) => [p.path, ...p.values.map((v) => v ?? '(absent)')]),
      ),
    );
  }
  out.push('');
  run.analyses.forEach((a, i) => {
    out.push(`[${i + 1}] ${a.source}: ${renderWarnings(a.warnings)}`);
  });
  return out.join('\n');
}

// ------------------------------------------------------------------ command

interface CommandOptions {
  price?: string;
  json?: boolean;
  compare: string[];
  maxLeverage: number;
  minLeverage?: number;
  targetLeverage?: number;
  minOrderMargin: string;
  asset: string[];
  failOn?: Severity;
  amm?: string;
  programme?: string;
  volumes?: string;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function nonNegativeDecimal(v: string): string {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new InvalidArgumentError('must be a non-negative decimal number');
  return v;
}

export function analyzeCommand(setStatus: (code: number) => void): Command {
  return new Command('analyze')
    .description(
      'analyse a new-market proposal: risk factors, leverage, margins, price bounds, funding, target stake, SLA and warnings',
    )
    .argument('<proposal>', 'proposal JSON: a full proposal, its terms, or the bare changes')
    .option(
      '--price <p>',
      'price (quote units) for margins, bounds and target stake (default: the oracle value if known, else 1)',
    )
    .option('--json', 'print the analysis as JSON')
    .option(
      '--amm <spec>',
      'what an AMM would hold, earn and risk: base=P,commitment=A[,lower=P][,upper=P][,leverage=L][,points=N]',
    )
    .option(
      '--programme <file>',
      'what a party receives from incentive programmes (YAML/JSON: referral, volumeDiscount, volumeRebate, rewards)',
    )
    .option('--volumes <spec>', 'with --programme, per-epoch notionals: taker=X,maker=Y,market=Z[,lp-share=F][,set=S]')
    .addOption(
      new Option('--compare <file...>', 'other proposals to show side by side (differences marked)').default([]),
    )
    .option('--max-leverage <x>', 'flag a maximum leverage above this', positiveNumber, DEFAULT_MAX_LEVERAGE)
    .option('--min-leverage <x>', 'flag a maximum leverage below this (default 2)', positiveNumber)
    .option('--target-leverage <x>', 'flag a leverage off this target and give the tau that reaches it', positiveNumber)
    .option(
      '--min-order-margin <multiple>',
      'spam.order.minimalMarginQuantumMultiple: flag a smallest-order margin below this × the asset quantum',
      nonNegativeDecimal,
      DEFAULT_MIN_ORDER_MARGIN_QUANTUM_MULTIPLE,
    )
    .addOption(
      new Option(
        '--asset <spec>',
        'settlement asset missing from the registry: ID=SYMBOL:DECIMALS[:QUANTUM] (repeatable)',
      )
        .argParser((v: string, prev: string[]) => [...prev, v])
        .default([], 'USDT only'),
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit with status 2 when a warning of this severity or worse is reported',
      ).choices(['error', 'warning', 'info']),
    )
    .action((proposal: string, o: CommandOptions) => {
      try {
        const assets = Object.fromEntries(o.asset.map(parseAssetSpec));
        // a new-spot-market proposal (spec 0080-SPOT) has its own analysis
        const spot = analyseSpotProposalFile(proposal, {
          assets,
          ...(o.price !== undefined ? { price: o.price } : {}),
        });
        if (spot) {
          const order: Severity[] = ['error', 'warning', 'info'];
          const rank = (s: Severity) => order.indexOf(s);
          const failing = (ws: readonly AnalysisWarning[]) =>
            o.failOn !== undefined && ws.some((w) => rank(w.severity) <= rank(o.failOn!));
          if (o.compare.length) {
            // spot proposals side by side (analysis/spot-compare.ts)
            const run = runSpotComparison([proposal, ...o.compare], {
              assets,
              ...(o.price !== undefined ? { price: o.price } : {}),
            });
            console.log(
              o.json
                ? JSON.stringify({ proposals: run.analyses, comparison: run.comparison }, null, 2)
                : [...run.analyses.map(renderSpotAnalysis), renderComparison(run)].join(`\n\n${'='.repeat(100)}\n\n`),
            );
            setStatus(run.analyses.some((a) => failing(a.warnings)) ? 2 : 0);
            return;
          }
          console.log(o.json ? JSON.stringify(spot, null, 2) : renderSpotAnalysis(spot));
          setStatus(failing(spot.warnings) ? 2 : 0);
          return;
        }
        const run = runAnalyze([proposal, ...o.compare], {
          assets,
          maxLeverage: o.maxLeverage,
          ...(o.price !== undefined ? { price: o.price } : {}),
          ...(o.minLeverage !== undefined ? { minLeverage: o.minLeverage } : {}),
          ...(o.targetLeverage !== undefined ? { targetLeverage: o.targetLeverage } : {}),
          minOrderMarginQuantumMultiple: o.minOrderMargin,
        });
        const amm = o.amm !== undefined ? runAmmAnalysis(proposal, o.amm, assets) : undefined;
        const prog =
          o.programme !== undefined ? runProgrammeAnalysis(proposal, o.programme, o.volumes, assets) : undefined;
        if (o.json) {
          const body = run.comparison ? { proposals: run.analyses, comparison: run.comparison } : run.analyses[0];
          const progJson = prog ? { programmes: prog.analysis } : {};
          const json = JSON.stringify(
            amm ? { ...body, amm, ...progJson } : { ...body, ...progJson },
            (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x),
            2,
          );
          console.log(json);
        } else {
          const parts = run.analyses.map(renderAnalysis);
          if (run.comparison) parts.push(renderComparison(run));
          if (amm) parts.push(renderAmm(amm, run.analyses[0]!.market.settlementAsset.symbol));
          if (prog) parts.push(renderProgrammes(prog.analysis, prog.symbol, prog.decimals));
          console.log(parts.join(`\n\n${'='.repeat(100)}\n\n`));
        }
        const order: Severity[] = ['error', 'warning', 'info'];
        const failing =
          o.failOn !== undefined &&
          run.analyses.some((a) =>
            a.warnings.some((w) => order.indexOf(w.severity) <= order.indexOf(o.failOn as Severity)),
          );
        setStatus(failing ? 2 : 0);
      } catch (e) {
        const known =
          e instanceof ProposalValidationError ||
          e instanceof AnalysisError ||
          e instanceof AmmAnalysisError ||
          e instanceof ProgrammeAnalysisError ||
          e instanceof RangeError;
        const msg = e instanceof Error ? e.message : String(e);
        console.error(`perpsim analyze: ${known ? msg : `the analysis stopped: ${msg}`}`);
        if (!known && process.env['PERPSIM_DEBUG']) console.error((e as Error).stack);
        setStatus(1);
      }
    });
}
