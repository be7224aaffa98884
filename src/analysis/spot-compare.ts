// Spot proposals side by side (`perpsim analyze SPOT.json --compare OTHER.json …`, spec 0080-SPOT): each proposal's
// spot analysis (spot.ts) and the figures that matter on a spot market — units, what an order must hold, fees, the
// risk model as it sets price-monitoring bounds, the bounds at the price, target stake and the SLA — in one table,
// rows that differ marked, then the proposal fields that differ as written. There is no leverage, margin or funding
// to compare. A spot proposal is compared with spot proposals only.
import type { RiskModelConfig } from '../core/index.ts';
import {
  isSpotProposal,
  parseJsonText,
  parseSpotProposal,
  readProposalText,
  type AssetRegistry,
} from '../proposal/index.ts';
import { parameterDifferences, type Comparison, type ComparisonRow } from './compare.ts';
import { analyseSpotProposal, type SpotAnalysis } from './spot.ts';
import { AnalysisError } from './types.ts';

interface Entry {
  readonly a: SpotAnalysis;
  readonly riskModel: RiskModelConfig;
}

type Metric = readonly [section: string, label: string, value: (e: Entry) => string];

const q = (e: Entry) => e.a.market.quote.symbol;

const METRICS: readonly Metric[] = [
  ['market', 'title', (e) => e.a.title ?? '-'],
  ['market', 'product', (e) => `spot (${e.a.market.base.symbol}/${e.a.market.quote.symbol})`],
  ['market', 'price / size decimals', (e) => `${e.a.market.priceDecimalPlaces} / ${e.a.market.sizeDecimalPlaces}`],
  ['market', 'tick / smallest order', (e) => `${e.a.market.tick} / ${e.a.market.smallestOrder}`],
  ['market', 'analysis price', (e) => `${e.a.price.value} ${q(e)}`],
  ['market', 'opening auction', (e) => e.a.openingAuction.text],
  ['orders', 'smallest order value', (e) => `${e.a.orders.smallestOrderValue} ${q(e)}`],
  ['orders', 'smallest order fees (aggressor)', (e) => `${e.a.orders.smallestOrderFees} ${q(e)}`],
  ['orders', 'a buy holds, per base unit', (e) => `${e.a.orders.buyCoverPerUnit} ${q(e)}`],
  ['fees', 'maker / infrastructure', (e) => `${e.a.fees.makerFee} / ${e.a.fees.infrastructureFee}`],
  [
    'price monitoring',
    'risk model',
    (e) =>
      e.riskModel.kind === 'logNormal'
        ? `tau ${e.riskModel.tau}, sigma ${e.riskModel.sigma}, lambda ${e.riskModel.riskAversionParameter}, mu ${e.riskModel.mu}, r ${e.riskModel.r}`
        : `simple, max move up ${e.riskModel.maxMoveUp}, min move down ${e.riskModel.minMoveDown}`,
  ],
  ['price monitoring', 'triggers', (e) => String(e.a.priceMonitoring.length)],
  [
    'price monitoring',
    'bounds at the price (horizon: min .. max)',
    (e) =>
      e.a.priceMonitoring.length === 0
        ? 'none'
        : e.a.priceMonitoring.map((t) => `${t.horizonText}: ${t.min} .. ${t.max}`).join('; '),
  ],
  [
    'liquidity',
    'target stake',
    (e) =>
      `${e.a.liquidity.targetStake.scalingFactor} × largest supplied stake over ${e.a.liquidity.targetStake.timeWindowText}`,
  ],
  ['liquidity', 'fee method', (e) => e.a.liquidity.feeMethod],
  [
    'liquidity',
    'SLA range / min time / hysteresis / competition',
    (e) => {
      const s = e.a.liquidity.sla;
      return `${s.priceRange} / ${s.commitmentMinTimeFraction} / ${s.performanceHysteresisEpochs} / ${s.slaCompetitionFactor}`;
    },
  ],
  [
    'review',
    'errors / warnings / notes',
    (e) =>
      (['error', 'warning', 'info'] as const)
        .map((s) => e.a.warnings.filter((w) => w.severity === s).length)
        .join(' / '),
  ],
];

export interface SpotComparisonRun {
  readonly analyses: readonly SpotAnalysis[];
  readonly comparison: Comparison;
}

/**
 * Analyses spot proposals at one price and compares them with the first. A file that is not a new-spot-market
 * proposal is refused, naming it (throws AnalysisError, or ProposalValidationError for an invalid proposal).
 */
export function runSpotComparison(
  files: readonly string[],
  opts: { price?: string; assets?: AssetRegistry } = {},
): SpotComparisonRun {
  const entries: Entry[] = [];
  const documents: { document: unknown; changesAt: readonly (string | number)[] }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readProposalText(file);
    } catch (e) {
      throw new AnalysisError((e as Error).message);
    }
    const doc = parseJsonText(text, file);
    if (!isSpotProposal(doc))
      throw new AnalysisError(
        `--compare: ${file} is not a new-spot-market proposal; a spot proposal is compared with spot proposals only`,
      );
    const parsed = parseSpotProposal(doc, { source: file, ...(opts.assets ? { assets: opts.assets } : {}) });
    const a = analyseSpotProposal(file, parsed, opts.price !== undefined ? { price: opts.price } : {});
    entries.push({ a, riskModel: parsed.spec.riskModel });
    documents.push({ document: doc, changesAt: parsed.changesAt });
  }
  const rows = METRICS.map(([section, label, value]): ComparisonRow => {
    const values = entries.map(value);
    return { section, label, values, differs: new Set(values).size > 1 };
  });
  return {
    analyses: entries.map((e) => e.a),
    comparison: { columns: files, rows, parameters: parameterDifferences(documents) },
  };
}
