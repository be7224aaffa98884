// What a new-spot-market proposal means (spec 0080-SPOT): the assets and their units (price in quote, size in base,
// tick, smallest order and its value at a price), what an order must hold (no leverage: the full value plus fees for
// a buy, the size for a sell), price-monitoring bounds at a price (the engine's bound factors, as for futures),
// target stake (scaling factor × the largest total stake over the window, spec 0041-TSTK spot), the SLA and fees,
// and the warnings a reviewer would raise.
import { boundFactors, Decimal, pow10, type SpotMarketSpec } from '../core/index.ts';
import {
  formatPath,
  isSpotProposal,
  parseJsonText,
  parseSpotProposal,
  readProposalText,
  type AssetRegistry,
  type ParsedSpotProposal,
} from '../proposal/index.ts';
import { AnalysisError, type AnalysisWarning, type PriceMonitoringEntry } from './types.ts';
import { duration, pct, shiftDown, shiftUp, smallestSize } from './units.ts';

export interface SpotAnalysis {
  readonly source: string;
  readonly title?: string;
  readonly market: {
    readonly name: string;
    readonly code: string;
    readonly product: 'spot';
    readonly base: { readonly id: string; readonly symbol: string; readonly decimals: number };
    readonly quote: { readonly id: string; readonly symbol: string; readonly decimals: number };
    readonly priceDecimalPlaces: number;
    readonly sizeDecimalPlaces: number;
    /** tick in quote units */
    readonly tick: string;
    /** smallest order in base units */
    readonly smallestOrder: string;
  };
  readonly price: { readonly value: string; readonly note: string };
  readonly orders: {
    /** value in quote of the smallest order at the price */
    readonly smallestOrderValue: string;
    /** fees a buy of the smallest order pays as aggressor (maker + infrastructure, before the liquidity fee) */
    readonly smallestOrderFees: string;
    /** quote a buyer holds per base unit at the price: price × (1 + maker + infrastructure) */
    readonly buyCoverPerUnit: string;
    readonly notes: readonly string[];
  };
  readonly priceMonitoring: readonly PriceMonitoringEntry[];
  readonly liquidity: {
    readonly targetStake: {
      readonly timeWindow: number;
      readonly timeWindowText: string;
      readonly scalingFactor: string;
    };
    readonly feeMethod: string;
    readonly sla: {
      readonly priceRange: string;
      readonly commitmentMinTimeFraction: string;
      readonly performanceHysteresisEpochs: number;
      readonly slaCompetitionFactor: string;
    };
    readonly notes: readonly string[];
  };
  readonly fees: { readonly makerFee: string; readonly infrastructureFee: string };
  readonly openingAuction: { readonly seconds: number; readonly text: string };
  readonly defaults: ParsedSpotProposal['defaults'];
  readonly warnings: readonly AnalysisWarning[];
}

/**
 * The spot analysis of a proposal file, or undefined when the file is not a new-spot-market proposal (the caller
 * then reads it as a new-market proposal). Throws AnalysisError (unreadable file) or ProposalValidationError.
 */
export function analyseSpotProposalFile(
  file: string,
  opts: { price?: string; assets?: AssetRegistry } = {},
): SpotAnalysis | undefined {
  let text: string;
  try {
    text = readProposalText(file);
  } catch (e) {
    throw new AnalysisError((e as Error).message);
  }
  const doc = parseJsonText(text, file);
  if (!isSpotProposal(doc)) return undefined;
  const parsed = parseSpotProposal(doc, { source: file, ...(opts.assets ? { assets: opts.assets } : {}) });
  return analyseSpotProposal(file, parsed, opts.price !== undefined ? { price: opts.price } : {});
}

/** Analyses a parsed spot proposal at a price (quote units; default 1). */
export function analyseSpotProposal(
  source: string,
  p: ParsedSpotProposal,
  opts: { price?: string } = {},
): SpotAnalysis {
  const s: SpotMarketSpec = p.spec;
  const qdp = p.quoteAsset.decimals;
  const mdp = s.decimalPlaces;
  const sdp = s.positionDecimalPlaces;
  let price = Decimal.ONE;
  let note = 'no --price given: amounts are per 1 unit of price; give --price';
  if (opts.price !== undefined) {
    try {
      price = Decimal.parse(opts.price);
    } catch {
      throw new AnalysisError(`--price: "${opts.price}" is not a number`);
    }
    if (!price.isPositive()) throw new AnalysisError(`--price: must be positive, got ${opts.price}`);
    if (!shiftUp(price, qdp).isInteger())
      throw new AnalysisError(`--price: ${opts.price} has more decimals than the quote asset (${qdp})`);
    note = 'given with --price';
  }
  const priceAsset = shiftUp(price, qdp).trunc();
  const smallest = smallestSize(sdp);
  // value of a size at the price, in quote units (asset precision truncated, as the engine moves it)
  const valueOf = (size: Decimal) => shiftDown(Decimal.fromBigInt(shiftUp(price.mul(size), qdp).trunc()), qdp);
  const smallestValue = valueOf(smallest);
  const feeRate = s.fees.makerFee.add(s.fees.infrastructureFee);
  const smallestFees = shiftDown(Decimal.fromBigInt(shiftUp(smallestValue.mul(feeRate), qdp).ceil()), qdp);

  const priceFactor = pow10(qdp - mdp);
  const priceMonitoring = s.priceMonitoringTriggers.map((t): PriceMonitoringEntry => {
    const ref = Decimal.fromBigInt(priceAsset);
    const f = boundFactors(s.riskModel, ref, t.horizon, t.probability);
    const minMarket = (ref.mul(f.down).ceil() + priceFactor - 1n) / priceFactor;
    const maxMarket = ref.mul(f.up).floor() / priceFactor;
    return {
      horizon: t.horizon,
      horizonText: duration(t.horizon),
      probability: t.probability.toString(),
      auctionExtension: t.auctionExtension,
      min: shiftDown(Decimal.fromBigInt(minMarket), mdp).toFixed(Math.max(mdp, 0)),
      max: shiftDown(Decimal.fromBigInt(maxMarket), mdp).toFixed(Math.max(mdp, 0)),
      downPct: f.down.sub(Decimal.ONE).toNumber() * 100,
      upPct: f.up.sub(Decimal.ONE).toNumber() * 100,
      factors: { down: f.down.toString(), up: f.up.toString() },
    };
  });

  const changes = (...rest: string[]) => formatPath([...p.changesAt, ...rest]);
  const warnings: AnalysisWarning[] = p.warnings.map((message) => ({
    severity: 'info',
    code: 'proposal',
    path: '(document)',
    message,
  }));
  const warn = (severity: AnalysisWarning['severity'], code: string, path: string, message: string) =>
    warnings.push({ severity, code, path, message });
  if (priceMonitoring.length === 0)
    warn(
      'warning',
      'no-price-monitoring',
      changes('priceMonitoringParameters'),
      'no price-monitoring triggers: any price can trade without an auction',
    );
  if (s.targetStake.scalingFactor.lt(Decimal.ONE))
    warn(
      'info',
      'target-stake',
      changes('targetStakeParameters', 'scalingFactor'),
      `target stake is ${pct(s.targetStake.scalingFactor.toNumber())} of the largest total stake over ${duration(s.targetStake.timeWindow)}: a sole LP can reduce its commitment only down to that`,
    );
  if (sdp === p.baseAsset.decimals)
    warn(
      'info',
      'size-decimals',
      changes('sizeDecimalPlaces'),
      `sizes use all ${sdp} decimals of ${p.baseAsset.symbol}: the smallest order is one base unit`,
    );

  return {
    source,
    ...(p.rationale ? { title: p.rationale.title } : {}),
    market: {
      name: p.instrument.name,
      code: p.instrument.code,
      product: 'spot',
      base: { id: p.baseAsset.id, symbol: p.baseAsset.symbol, decimals: p.baseAsset.decimals },
      quote: { id: p.quoteAsset.id, symbol: p.quoteAsset.symbol, decimals: qdp },
      priceDecimalPlaces: mdp,
      sizeDecimalPlaces: sdp,
      tick: shiftDown(Decimal.fromBigInt(s.tickSize), mdp).toString(),
      smallestOrder: smallest.toString(),
    },
    price: { value: price.toString(), note },
    orders: {
      smallestOrderValue: smallestValue.toString(),
      smallestOrderFees: smallestFees.toString(),
      buyCoverPerUnit: price.mul(Decimal.ONE.add(feeRate)).toString(),
      notes: [
        `No leverage: a buy must hold its full value in ${p.quoteAsset.symbol} plus the fees it may pay as aggressor (maker ${s.fees.makerFee}, infrastructure ${s.fees.infrastructureFee}, and the liquidity fee); a sell must hold its size in ${p.baseAsset.symbol}.`,
        `What rests on the book is moved to the party's holding accounts; in a price-monitoring auction a buy also holds its half of the auction fees.`,
        `A seller's fees come out of the ${p.quoteAsset.symbol} it receives.`,
      ],
    },
    priceMonitoring,
    liquidity: {
      targetStake: {
        timeWindow: s.targetStake.timeWindow,
        timeWindowText: duration(s.targetStake.timeWindow),
        scalingFactor: s.targetStake.scalingFactor.toString(),
      },
      feeMethod: s.fees.liquidityFeeMethod,
      sla: {
        priceRange: s.sla.priceRange.toString(),
        commitmentMinTimeFraction: s.sla.commitmentMinTimeFraction.toString(),
        performanceHysteresisEpochs: s.sla.performanceHysteresisEpochs,
        slaCompetitionFactor: s.sla.slaCompetitionFactor.toString(),
      },
      notes: [
        `Commitments and bonds are in ${p.quoteAsset.symbol}; an LP's orders on both sides must be worth its commitment (valued in ${p.quoteAsset.symbol}) within ${pct(s.sla.priceRange.toNumber())} of the mid price for ${pct(s.sla.commitmentMinTimeFraction.toNumber())} of each epoch.`,
        `Target stake = ${s.targetStake.scalingFactor} × the largest total supplied stake over ${duration(s.targetStake.timeWindow)} (not open interest: a spot market has none).`,
        'Bond penalties go to the network treasury (a spot market has no insurance pool).',
      ],
    },
    fees: { makerFee: s.fees.makerFee.toString(), infrastructureFee: s.fees.infrastructureFee.toString() },
    openingAuction: { seconds: s.openingAuctionDuration, text: duration(s.openingAuctionDuration) },
    defaults: p.defaults,
    warnings,
  };
}

export function renderSpotAnalysis(a: SpotAnalysis): string {
  const m = a.market;
  const out = [
    `${m.name} (${m.code}): spot, ${m.base.symbol} bought and sold for ${m.quote.symbol}`,
    `  ${a.source}${a.title ? `: "${a.title}"` : ''}`,
    `  price in ${m.quote.symbol} with ${m.priceDecimalPlaces} decimals (tick ${m.tick}), size in ${m.base.symbol} with ${m.sizeDecimalPlaces} decimals (smallest order ${m.smallestOrder})`,
    `  analysis price ${a.price.value} ${m.quote.symbol}: ${a.price.note}`,
    '',
    'Orders',
    `  smallest order (${m.smallestOrder} ${m.base.symbol}) is worth ${a.orders.smallestOrderValue} ${m.quote.symbol}; as aggressor it pays ${a.orders.smallestOrderFees} ${m.quote.symbol} in maker and infrastructure fees`,
    `  a buy holds ${a.orders.buyCoverPerUnit} ${m.quote.symbol} per ${m.base.symbol} at the price (value and fees)`,
    ...a.orders.notes.map((n) => `  ${n}`),
    '',
    `Price monitoring at ${a.price.value}`,
    ...(a.priceMonitoring.length === 0
      ? ['  no triggers']
      : a.priceMonitoring.map(
          (t) =>
            `  ${t.horizonText} at ${t.probability}: ${t.min} .. ${t.max} (auction ${duration(t.auctionExtension)})`,
        )),
    '',
    'Liquidity',
    `  fee method ${a.liquidity.feeMethod}; SLA price range ${a.liquidity.sla.priceRange}, minimum time fraction ${a.liquidity.sla.commitmentMinTimeFraction}, hysteresis ${a.liquidity.sla.performanceHysteresisEpochs} epoch(s), competition factor ${a.liquidity.sla.slaCompetitionFactor}`,
    ...a.liquidity.notes.map((n) => `  ${n}`),
    '',
    `Opening auction ${a.openingAuction.text}; fees maker ${a.fees.makerFee}, infrastructure ${a.fees.infrastructureFee} (network parameters)`,
  ];
  if (a.defaults.length) {
    out.push('', 'Defaults assumed');
    for (const d of a.defaults) out.push(`  ${d.field} = ${d.value} (${d.source})`);
  }
  out.push('', a.warnings.length ? 'Warnings' : 'No warnings');
  for (const w of a.warnings) out.push(`  [${w.severity}] ${w.message}`);
  return out.join('\n');
}
