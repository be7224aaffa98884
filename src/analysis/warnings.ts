// The review of a proposal analysis: the warnings a careful reviewer would raise (values Vega rejects, leverage
// against the targets, tau shorter than a block, spam checks, funding bounds that never bind, SLA parameters, the
// parser's notes), each with a severity, the JSON path in the proposal and a code.
import { type PerpetualProduct, Decimal } from '../core/index.ts';
import { formatPath, type LenientParse, type PathSegment } from '../proposal/index.ts';
import {
  DEFAULT_MAX_LEVERAGE,
  DEFAULT_MIN_LEVERAGE,
  SHORT_TAU_SECONDS,
  TARGET_TOLERANCE,
  type AnalysisWarning,
  type AnalyzeOptions,
  type FundingAnalysis,
  type ProposalAnalysis,
  type Severity,
} from './types.ts';
import { duration, pct, sig, trimDecimal } from './units.ts';

// ------------------------------------------------------------------ warnings

export function reviewWarnings(
  a: ProposalAnalysis,
  input: LenientParse,
  changes: Record<string, unknown>,
  pathOf: (...rest: PathSegment[]) => string,
  opts: AnalyzeOptions,
): AnalysisWarning[] {
  const out: AnalysisWarning[] = [];
  const w = (code: string, severity: Severity, path: string, message: string) =>
    out.push({ code, severity, path, message });
  const { parsed } = input;
  const cfg = parsed.config;

  // rules Vega rejects the proposal for that do not change the figures below
  for (const r of input.rejections) w('vega-rejects', 'error', r.path, `Vega rejects the proposal: ${r.message}`);

  // values Vega rejects as written
  for (const r of input.repairs) {
    if (r.kind === 'whitespace') {
      w(
        'stray-whitespace',
        'error',
        r.path,
        `${JSON.stringify(r.original)} has stray whitespace: Vega rejects the proposal (the value is not a valid number); analysed as ${JSON.stringify(r.value)}`,
      );
    } else {
      w(
        'wrong-type',
        'error',
        r.path,
        `${JSON.stringify(r.original)} is a JSON number where protobuf JSON requires a string: Vega rejects the proposal; analysed as ${JSON.stringify(r.value)}`,
      );
    }
  }

  // leverage
  const lev = a.leverage.headline;
  const maxCap = opts.maxLeverage ?? DEFAULT_MAX_LEVERAGE;
  const minCap = opts.minLeverage ?? DEFAULT_MIN_LEVERAGE;
  const riskPath = a.leverage.riskModelPath;
  const tauNote =
    a.riskModel.kind === 'logNormal'
      ? ` (tau ${a.riskModel.tau} = ${a.riskModel.tauText} of price risk at sigma ${a.riskModel.sigma})`
      : '';
  if (lev > maxCap) {
    w(
      'leverage-above-cap',
      'warning',
      riskPath,
      `maximum leverage is ${sig(lev, 4)}x${tauNote}, above ${maxCap}x: a ${pct(1 / lev, 3)} adverse move uses up the maintenance margin of a fully levered position`,
    );
  } else if (lev < minCap) {
    w(
      'leverage-below-floor',
      'warning',
      riskPath,
      `maximum leverage is only ${sig(lev, 4)}x${tauNote}: margin is more than ${pct(1 / minCap, 3)} of notional`,
    );
  }
  if (a.leverage.target) {
    const t = a.leverage.target;
    const off = lev / t.leverage - 1;
    if (Math.abs(off) > TARGET_TOLERANCE) {
      const fix = t.tau !== null ? `; tau ${sig(t.tau, 4)} (${t.tauText}) would give ${t.leverage}x` : '';
      w(
        'leverage-off-target',
        'warning',
        riskPath,
        `maximum leverage is ${sig(lev, 4)}x, ${pct(Math.abs(off), 3)} ${off > 0 ? 'above' : 'below'} the target ${t.leverage}x${fix}`,
      );
    }
  }

  // risk model parameters
  if (a.riskModel.kind === 'logNormal') {
    if (a.riskModel.tauSeconds < SHORT_TAU_SECONDS && !a.riskModel.riskFactorOverride) {
      w(
        'tau-short',
        'warning',
        pathOf('logNormal', 'tau'),
        `tau ${a.riskModel.tau} is a margin horizon of ${a.riskModel.tauText} (tau × 365.25 days): margins cover the price risk of only that long`,
      );
    }
    if (a.riskModel.r !== 0) {
      w(
        'risk-model-r-unused',
        'info',
        pathOf('logNormal', 'params', 'r'),
        `r = ${a.riskModel.r} has no effect: Vega's log-normal model ignores r in the risk factors and price bounds; it is unrelated to the perpetual's funding interestRate`,
      );
    }
  }

  // smallest order margin (spam) and decimals
  const spam = a.margins.spamCheck;
  const priceNote = a.price.source === 'default' ? ' (at the assumed price 1: give --price)' : '';
  if (!spam.passes) {
    w(
      'min-order-margin-small',
      'warning',
      pathOf('positionDecimalPlaces'),
      `the smallest order (${a.margins.smallestOrder.size} contract${a.margins.smallestOrder.size === '1' ? '' : 's'}) needs only ${trimDecimal(spam.margin, 6)} ${a.margins.asset} of margin at price ${a.price.value}${priceNote}, below ${spam.quantumMultiple} × quantum = ${spam.threshold} ${a.margins.asset} (spam.order.minimalMarginQuantumMultiple): the book can be spammed with cheap orders; fewer position decimals raise it (decimals cannot be changed by a market update)`,
    );
  }
  const tickFraction = Decimal.parse(a.market.tick).toNumber() / Decimal.parse(a.price.value).toNumber();
  if (tickFraction < 1e-4 && a.price.source !== 'default') {
    w(
      'price-decimals-fine',
      'info',
      pathOf('decimalPlaces'),
      `the price tick ${a.market.tick} is ${sig(tickFraction * 1e4, 3)} basis points of the price ${a.price.value}: finer than needed; decimals cannot be changed by a market update`,
    );
  }

  // price monitoring
  const triggers = cfg.priceMonitoringTriggers.length;
  if (triggers === 0) {
    w(
      'no-price-monitoring',
      'warning',
      pathOf('priceMonitoringParameters'),
      'no price-monitoring trigger: no auction stops a sudden price move',
    );
  } else if (triggers === 1) {
    w(
      'single-price-trigger',
      'info',
      pathOf('priceMonitoringParameters', 'triggers'),
      `only one price-monitoring trigger (${a.priceMonitoring[0]!.horizonText}): moves within shorter horizons are checked against the same wide band`,
    );
  }

  // funding
  if (a.funding && cfg.product.kind === 'perpetual') {
    fundingWarnings(a.funding, cfg.product, pathOf, w);
  }

  // deprecated fields
  const lmp = (changes.liquidityMonitoringParameters ?? {}) as Record<string, unknown>;
  for (const k of ['triggeringRatio', 'auctionExtension']) {
    if (lmp[k] !== undefined) {
      w(
        'deprecated-field',
        'info',
        pathOf('liquidityMonitoringParameters', k),
        'ignored: liquidity-monitoring auctions were removed from Vega',
      );
    }
  }

  // metadata and envelope
  parsed.metadata.forEach((m, i) => {
    const match = /^enactment:(.*)$/i.exec(m.trim());
    if (!match) return;
    const value = match[1]!.trim();
    const when = Date.parse(value);
    if (!/\d/.test(value) || Number.isNaN(when)) {
      w(
        'enactment-tbd',
        'warning',
        pathOf('metadata', i),
        `metadata says "${m}": the convention is to give the anticipated enactment date`,
      );
    } else if (parsed.enactmentTimestamp !== undefined) {
      const meta = new Date(when).toISOString().slice(0, 10);
      const terms = new Date(parsed.enactmentTimestamp * 1000).toISOString().slice(0, 10);
      if (meta !== terms) {
        w(
          'enactment-mismatch',
          'warning',
          pathOf('metadata', i),
          `metadata gives enactment ${meta} but enactmentTimestamp is ${terms}`,
        );
      }
    }
  });
  for (const note of parsed.warnings) {
    const i = note.indexOf(': ');
    const path = i > 0 ? note.slice(0, i) : '(document)';
    const message = i > 0 ? note.slice(i + 2) : note;
    if (message.startsWith('deprecated:')) w('deprecated-field', 'warning', path, message);
    else
      w(
        /closingTimestamp\/enactmentTimestamp/.test(message) ? 'draft-timestamps' : 'parser-note',
        'info',
        path,
        message,
      );
  }
  if (parsed.rationale && !/^\[?VMP-\d+\b/.test(parsed.rationale.title.trim())) {
    w(
      'title-convention',
      'info',
      formatPath([...parsed.changesAt.slice(0, -3), 'rationale', 'title']),
      `title "${parsed.rationale.title}" does not start with the forum's proposal id (e.g. "VMP-14 - Create Market - …"), the naming convention for governance proposals`,
    );
  }
  return out;
}

function fundingWarnings(
  f: FundingAnalysis,
  p: PerpetualProduct,
  pathOf: (...rest: PathSegment[]) => string,
  w: (code: string, severity: Severity, path: string, message: string) => void,
): void {
  const at = (k: string) => pathOf('instrument', 'perpetual', k);
  const lo = p.clampLowerBound;
  const hi = p.clampUpperBound;
  const band = `[${pct(lo.toNumber())}, ${pct(hi.toNumber())}]`;
  if (!p.interestRate.isZero()) {
    if (lo.isZero() && hi.isZero()) {
      w(
        'interest-without-clamps',
        'warning',
        at('interestRate'),
        `interestRate ${p.interestRate} has no effect: the clamp band is [0, 0], so the interest term is always clamped to 0`,
      );
    } else if (f.interestPerPeriod !== null) {
      const i = Decimal.parse(f.interestPerPeriod);
      if (i.gt(hi) || i.lt(lo)) {
        w(
          'interest-outside-clamps',
          'warning',
          at('interestRate'),
          `interestRate ${p.interestRate} is ${pct(i.toNumber())} per ${duration(f.every!)} period, outside the clamp band ${band}: with no premium the funding rate is ${pct(Decimal.parse(f.rateAtZeroPremium ?? '0').toNumber())}, not the interest rate`,
        );
      }
    }
  } else if (!lo.isZero() || !hi.isZero()) {
    w(
      'clamps-unused',
      'info',
      at('clampLowerBound'),
      `with interestRate 0 the clamp band ${band} has no effect: Vega skips the interest term (and its clamp) when the rate is 0`,
    );
  }
  if (lo.isPositive() || hi.isNegative()) {
    w(
      'clamp-band-excludes-zero',
      'warning',
      at(lo.isPositive() ? 'clampLowerBound' : 'clampUpperBound'),
      `the clamp band ${band} does not contain 0: funding is paid even when the interest and the premium are both 0`,
    );
  }
  if (f.largestPaymentPct === null) {
    w('funding-unbounded', 'info', at('fundingRateUpperBound'), f.largestPaymentNote);
  }
  if (f.every !== null && f.oracle.every !== undefined && f.oracle.every * 2 > f.every) {
    w(
      'oracle-cadence',
      'warning',
      pathOf('instrument', 'perpetual', 'dataSourceSpecForSettlementData'),
      `the oracle is read every ${duration(f.oracle.every)} but funding is paid every ${duration(f.every)}: the oracle TWAP of a period rests on one or two values`,
    );
  }
}
