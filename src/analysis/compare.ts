// Proposals side by side: the analysed figures and the proposal parameters of each, rows where they differ marked,
// and each proposal's leverage checked against the others' (a market far more or less levered than the markets it is
// compared with is flagged).
import type { PathSegment } from '../proposal/index.ts';
import { COMPARABLE_RATIO, type ProposalAnalysis } from './proposal.ts';
import { pct, sig, trimNumber } from './units.ts';
import { trimDecimal } from './proposal.ts';

export interface ComparisonRow {
  readonly section: string;
  readonly label: string;
  readonly values: readonly string[];
  readonly differs: boolean;
}

export interface Comparison {
  /** one column per proposal: its source */
  readonly columns: readonly string[];
  /** analysed figures */
  readonly rows: readonly ComparisonRow[];
  /** proposal fields (path relative to `changes`, plus rationale.title and timestamps) whose values differ */
  readonly parameters: readonly { readonly path: string; readonly values: readonly (string | null)[] }[];
}

type Metric = readonly [section: string, label: string, value: (a: ProposalAnalysis) => string];

const lev = (x: number) => `${sig(x, 4)}x`;
const mm = (a: ProposalAnalysis, s: string) => `${trimDecimal(s, 6)} ${a.margins.asset}`;

const METRICS: readonly Metric[] = [
  ['market', 'title', (a) => a.title ?? '-'],
  ['market', 'product', (a) => `${a.market.product} (${a.market.settlementAsset.symbol})`],
  ['market', 'price / position decimals', (a) => `${a.market.decimalPlaces} / ${a.market.positionDecimalPlaces}`],
  ['market', 'tick / smallest order', (a) => `${a.market.tick} / ${a.market.smallestOrder}`],
  ['market', 'analysis price', (a) => `${a.price.value} (${a.price.source})`],
  [
    'risk',
    'risk model',
    (a) =>
      a.riskModel.kind === 'logNormal'
        ? `tau ${a.riskModel.tau} (${a.riskModel.tauText}), sigma ${a.riskModel.sigma}, lambda ${a.riskModel.riskAversionParameter}, r ${a.riskModel.r}`
        : `simple ${a.riskModel.factorLong} / ${a.riskModel.factorShort}`,
  ],
  ['risk', 'risk factor long / short', (a) => `${sig(+a.riskFactors.long, 6)} / ${sig(+a.riskFactors.short, 6)}`],
  ['risk', 'max leverage long / short', (a) => `${lev(a.leverage.max.long)} / ${lev(a.leverage.max.short)}`],
  [
    'risk',
    'initial leverage long / short',
    (a) => `${lev(a.leverage.initial.long)} / ${lev(a.leverage.initial.short)}`,
  ],
  ['risk', 'isolated max leverage', (a) => lev(a.leverage.isolated)],
  ['risk', 'linear slippage factor', (a) => a.leverage.linearSlippageFactor],
  ['margin', 'per contract, position (maint. long)', (a) => mm(a, a.margins.perContract.position.maintenance.long)],
  [
    'margin',
    'smallest order margin (maint. long)',
    (a) => `${mm(a, a.margins.smallestOrder.order.maintenance.long)} for ${a.margins.smallestOrder.size}`,
  ],
  ['margin', 'spam check', (a) => (a.margins.spamCheck.passes ? 'passes' : 'fails')],
  [
    'price monitoring',
    'triggers (horizon: down / up)',
    (a) =>
      a.priceMonitoring.length === 0
        ? 'none'
        : a.priceMonitoring
            .map((t) => `${t.horizonText}: ${trimNumber(t.downPct, 2)}% / +${trimNumber(t.upPct, 2)}%`)
            .join('; '),
  ],
  ['funding', 'schedule', (a) => a.funding?.everyText ?? '-'],
  [
    'funding',
    'oracle cadence',
    (a) => (a.funding?.oracle.every !== undefined ? `every ${a.funding.oracle.every}s` : a.funding ? 'signed' : '-'),
  ],
  ['funding', 'interest rate (per year)', (a) => a.funding?.interestRate ?? '-'],
  ['funding', 'interest per period', (a) => (a.funding?.interestPerPeriod ? pct(+a.funding.interestPerPeriod) : '-')],
  [
    'funding',
    'clamp band per period',
    (a) => (a.funding ? `${pct(+a.funding.clampLowerBound)} .. ${pct(+a.funding.clampUpperBound)}` : '-'),
  ],
  ['funding', 'rate at zero premium', (a) => (a.funding?.rateAtZeroPremium ? pct(+a.funding.rateAtZeroPremium) : '-')],
  [
    'funding',
    'largest payment per period',
    (a) =>
      a.funding ? (a.funding.largestPaymentPct === null ? 'unbounded' : `${sig(a.funding.largestPaymentPct)}%`) : '-',
  ],
  ['funding', 'margin funding factor', (a) => a.funding?.marginFundingFactor ?? '-'],
  [
    'liquidity',
    'target stake window / scaling',
    (a) => `${a.liquidity.targetStake.timeWindowText} / ${a.liquidity.targetStake.scalingFactor}`,
  ],
  [
    'liquidity',
    'target stake per contract of OI',
    (a) => `${trimDecimal(a.liquidity.targetStake.perContractOfOpenInterest, 6)} ${a.margins.asset}`,
  ],
  [
    'liquidity',
    'SLA range / min time / hysteresis / competition',
    (a) =>
      `${a.liquidity.sla.priceRange} / ${a.liquidity.sla.commitmentMinTimeFraction} / ${a.liquidity.sla.performanceHysteresisEpochs} / ${a.liquidity.sla.slaCompetitionFactor}`,
  ],
  [
    'review',
    'errors / warnings / notes',
    (a) =>
      (['error', 'warning', 'info'] as const).map((s) => a.warnings.filter((w) => w.severity === s).length).join(' / '),
  ],
];

/**
 * Checks each proposal's leverage against the median of the others' and adds a `leverage-vs-comparables` warning
 * when it is COMPARABLE_RATIO times higher or lower. Call once, after every proposal is analysed.
 */
export function addComparableWarnings(analyses: readonly ProposalAnalysis[]): void {
  if (analyses.length < 2) return;
  analyses.forEach((a, i) => {
    const others = analyses.filter((_x, j) => j !== i).map((x) => x.leverage.headline);
    const ref = median(others);
    const ratio = a.leverage.headline / ref;
    if (ratio >= COMPARABLE_RATIO || ratio <= 1 / COMPARABLE_RATIO) {
      a.warnings.push({
        code: 'leverage-vs-comparables',
        severity: 'warning',
        path: a.leverage.riskModelPath,
        message: `maximum leverage ${sig(a.leverage.headline, 4)}x is ${sig(ratio, 3)} times the ${others.length > 1 ? 'median ' : ''}leverage of the proposals it is compared with (${sig(ref, 4)}x)`,
      });
    }
  });
}

/** The comparison table of analysed proposals with their documents as written (keys normalised). */
export function compareAnalyses(
  analyses: readonly ProposalAnalysis[],
  documents: readonly { readonly document: unknown; readonly changesAt: readonly PathSegment[] }[],
): Comparison {
  const rows = METRICS.map(([section, label, value]): ComparisonRow => {
    const values = analyses.map(value);
    return { section, label, values, differs: new Set(values).size > 1 };
  });
  return { columns: analyses.map((a) => a.source), rows, parameters: parameterDifferences(documents) };
}

/** The proposal fields (under each document's `changes`) whose values differ between the documents as written. */
export function parameterDifferences(
  documents: readonly { readonly document: unknown; readonly changesAt: readonly PathSegment[] }[],
): Comparison['parameters'] {
  const flat = documents.map((d) => {
    const out = new Map<string, string>();
    flatten(at(d.document, d.changesAt), '', out);
    return out;
  });
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))];
  return keys
    .map((k) => ({ path: k, values: flat.map((m) => m.get(k) ?? null) }))
    .filter((p) => new Set(p.values).size > 1);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function at(doc: unknown, segments: readonly PathSegment[]): unknown {
  let node = doc as Record<string | number, unknown> | undefined;
  for (const s of segments) node = node?.[s] as Record<string | number, unknown> | undefined;
  return node;
}

function flatten(v: unknown, prefix: string, out: Map<string, string>): void {
  if (Array.isArray(v)) {
    if (v.length === 0) out.set(prefix, '[]');
    v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix === '' ? k : `${prefix}.${k}`, out);
  } else {
    out.set(prefix, JSON.stringify(v));
  }
}
