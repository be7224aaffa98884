// Setup steps: named configurations, assets, network parameters, markets, block duration, insurance pools.
import type { Registry } from '../registry.ts';
import {
  type CompositePriceType,
  Decimal,
  DEFAULT_MARK_PRICE,
  LEGACY_LIQUIDATION_STRATEGY,
  type LiquidityFeeMethod,
  type MarketChanges,
  type MarketConfig,
  type MarkPriceConfig,
  NS,
  type OracleSource,
  type ProductConfig,
} from '../../src/core/index.ts';
import { StepError, type Row, type Table } from '../table.ts';
import type { World } from '../world.ts';
import { duration, seconds } from './parse.ts';

const need = (t: Table | undefined): Table => {
  if (!t) throw new StepError('this step needs a table');
  return t;
};

/** A float in a feature, read as Go reads it (float64) and turned into the decimal Vega derives from it. */
const float = (v: string, what: string): Decimal => {
  const n = Number(v);
  if (!Number.isFinite(n) || v.trim() === '') throw new StepError(`${what}: "${v}" is not a number`);
  return Decimal.fromFloat(n);
};

const decimal = (v: string, what: string): Decimal => {
  try {
    return Decimal.parse(v, what);
  } catch (e) {
    throw new StepError((e as Error).message);
  }
};

const integer = (v: string, what: string): number => {
  if (!/^-?\d+$/.test(v.trim())) throw new StepError(`${what}: "${v}" is not an integer`);
  return Number(v);
};

function lookup<T>(map: Map<string, T>, name: string, what: string): T {
  const v = map.get(name);
  if (v === undefined) throw new StepError(`no ${what} "${name}" registered`);
  return v;
}

export function registerSetupSteps(r: Registry): void {
  r.define(/the simple risk model named "([^"]*)":$/, (w, [name], t) => {
    const row = need(t).expect(['long', 'short', 'max move up', 'min move down', 'probability of trading']).rows[0];
    if (!row) throw new StepError('empty table');
    w.riskModels.set(name!, {
      kind: 'simple',
      factorLong: float(row.str('long'), 'long'),
      factorShort: float(row.str('short'), 'short'),
      maxMoveUp: float(row.str('max move up'), 'max move up'),
      minMoveDown: float(row.str('min move down'), 'min move down'),
      probabilityOfTrading: float(row.str('probability of trading'), 'probability of trading'),
    });
  });

  r.define(/the log normal risk model named "([^"]*)":$/, (w, [name], t) => {
    const row = need(t).expect(['risk aversion', 'tau', 'mu', 'r', 'sigma']).rows[0];
    if (!row) throw new StepError('empty table');
    const f = (c: string) => {
      const n = Number(row.str(c));
      if (!Number.isFinite(n)) throw new StepError(`${c}: not a number`);
      return n;
    };
    w.riskModels.set(name!, {
      kind: 'logNormal',
      riskAversionParameter: f('risk aversion'),
      tau: f('tau'),
      mu: f('mu'),
      r: f('r'),
      sigma: f('sigma'),
    });
  });

  r.define(/the fees configuration named "([^"]*)":$/, (w, [name], t) => {
    const row = need(t).expect(
      ['maker fee', 'infrastructure fee'],
      ['liquidity fee method', 'liquidity fee constant', 'buy back fee', 'treasury fee'],
    ).rows[0];
    if (!row) throw new StepError('empty table');
    const method = (row.opt('liquidity fee method') ?? 'METHOD_MARGINAL_COST').replace(/^METHOD_/, '');
    if (!['MARGINAL_COST', 'WEIGHTED_AVERAGE', 'CONSTANT'].includes(method))
      throw new StepError(`liquidity fee method: "${method}" unknown`);
    const constant = row.opt('liquidity fee constant');
    w.fees.set(name!, {
      makerFee: decimal(row.str('maker fee'), 'maker fee'),
      infrastructureFee: decimal(row.str('infrastructure fee'), 'infrastructure fee'),
      liquidityFee: Decimal.ZERO,
      buyBackFee: decimal(row.opt('buy back fee') ?? '0', 'buy back fee'),
      treasuryFee: decimal(row.opt('treasury fee') ?? '0', 'treasury fee'),
      liquidityFeeMethod: method as LiquidityFeeMethod,
      ...(constant !== undefined ? { liquidityFeeConstant: decimal(constant, 'liquidity fee constant') } : {}),
    });
  });

  r.define(/the price monitoring named "([^"]*)":$/, (w, [name], t) => {
    const rows = need(t).expect(['horizon', 'probability', 'auction extension']).rows;
    w.priceMonitoring.set(
      name!,
      rows.map((row) => ({
        horizon: integer(row.str('horizon'), 'horizon'),
        probability: decimal(row.str('probability'), 'probability'),
        auctionExtension: integer(row.str('auction extension'), 'auction extension'),
      })),
    );
  });

  r.define(/the margin calculator named "([^"]*)":$/, (w, [name], t) => {
    const row = need(t).expect(['search factor', 'initial factor', 'release factor']).rows[0];
    if (!row) throw new StepError('empty table');
    w.marginCalculators.set(name!, {
      searchLevel: float(row.str('search factor'), 'search factor'),
      initialMargin: float(row.str('initial factor'), 'initial factor'),
      collateralRelease: float(row.str('release factor'), 'release factor'),
    });
  });

  r.define(/the liquidity monitoring parameters:$/, (w, _args, t) => {
    for (const row of need(t).expect(
      ['name', 'triggering ratio', 'time window', 'scaling factor'],
      ['auction extension'],
    ).rows) {
      // liquidity auctions no longer exist in Vega: the triggering ratio and extension only have to be well formed
      decimal(row.str('triggering ratio'), 'triggering ratio');
      const ext = row.opt('auction extension');
      if (ext !== undefined) integer(ext, 'auction extension');
      w.liquidityMonitoring.set(row.str('name'), {
        timeWindow: seconds(row.str('time window')),
        scalingFactor: float(row.str('scaling factor'), 'scaling factor'),
      });
    }
  });

  r.define(/the liquidity sla params named "([^"]*)":$/, (w, [name], t) => {
    const row = need(t).expect([
      'price range',
      'commitment min time fraction',
      'performance hysteresis epochs',
      'sla competition factor',
    ]).rows[0];
    if (!row) throw new StepError('empty table');
    w.sla.set(name!, {
      priceRange: decimal(row.str('price range'), 'price range'),
      commitmentMinTimeFraction: decimal(row.str('commitment min time fraction'), 'commitment min time fraction'),
      performanceHysteresisEpochs: integer(row.str('performance hysteresis epochs'), 'performance hysteresis epochs'),
      slaCompetitionFactor: decimal(row.str('sla competition factor'), 'sla competition factor'),
    });
  });

  r.define(/the liquidation strategies:$/, (w, _args, t) => {
    const cols = [
      'name',
      'disposal step',
      'disposal fraction',
      'full disposal size',
      'max fraction consumed',
      'disposal slippage range',
    ];
    for (const row of need(t).expect(cols).rows) {
      w.liquidation.set(row.str('name'), {
        disposalTimeStep: integer(row.str('disposal step'), 'disposal step'),
        disposalFraction: decimal(row.str('disposal fraction'), 'disposal fraction'),
        fullDisposalSize: row.int('full disposal size'),
        maxFractionConsumed: decimal(row.str('max fraction consumed'), 'max fraction consumed'),
        disposalSlippageRange: decimal(row.str('disposal slippage range'), 'disposal slippage range'),
      });
    }
  });

  r.define(/^the following assets are registered:$/, (w, _args, t) => {
    for (const row of need(t).expect(['id', 'decimal places'], ['quantum']).rows) {
      const q = row.opt('quantum');
      w.ex.registerAsset({
        id: row.str('id'),
        decimals: integer(row.str('decimal places'), 'decimal places'),
        quantum: q === undefined ? Decimal.fromInt(5000) : decimal(q, 'quantum'),
      });
    }
  });

  r.define(/^the following network parameters are set:$/, (w, _args, t) => {
    if (!w.successorWindowDispatched) {
      // Vega's harness sets the successor window to 1h before every step; it reaches the engine here
      w.ex.setNetworkParameter('market.liquidity.successorLaunchWindowLength', '1h');
      w.successorWindowDispatched = true;
    }
    for (const row of need(t).expect(['name', 'value']).rows) {
      try {
        w.ex.setNetworkParameter(row.str('name'), row.str('value'));
      } catch (e) {
        throw new StepError((e as Error).message);
      }
    }
  });

  r.define(/^the average block duration is "([^"]+)"$/, (w, [d]) => {
    w.blockDuration = BigInt(integer(d!, 'block duration')) * NS;
  });

  r.define(/^the markets:$/, (w, _args, t) => {
    for (const row of need(t).expect(MARKET_REQUIRED, MARKET_OPTIONAL).rows) {
      const cfg = marketConfig(w, row);
      // `is passed` false: the proposal is submitted but its opening auction does not start
      const passed = bool(row.opt('is passed') ?? 'true', 'is passed');
      w.ensureAsset(cfg.settlementAsset);
      try {
        w.ex.createMarket(cfg, { proposed: !passed });
      } catch (e) {
        throw new StepError((e as Error).message);
      }
      w.marketIds.push(cfg.id);
      w.assetOfMarket.set(cfg.id, cfg.settlementAsset);
    }
  });

  // Vega's regex is not anchored at the start
  r.define(/the successor market "([^"]+)" is enacted$/, (w, [id]) => {
    if (!w.marketIds.includes(id!)) throw new StepError(`couldn't enact successor market ${id} - no such market ID`);
    const res = w.ex.succeedMarket(id!);
    if (res.error) throw new StepError(`couldn't enact the successor market ${id}: ${res.error}`);
  });

  r.define(/^the markets are updated:$/, (w, _args, t) => {
    const opt = [
      'linear slippage factor',
      'quadratic slippage factor',
      'data source config',
      'price monitoring',
      'risk model',
      'liquidity monitoring',
      'sla params',
      'liquidity fee settings',
      'liquidation strategy',
      ...COMPOSITE_PRICE_COLUMNS,
      ...ORACLE_SOURCE_COLUMNS,
      'tick size',
    ];
    for (const row of need(t).expect(['id'], opt).rows) {
      const id = row.str('id');
      const m = w.market(id);
      const changes: MarketChanges = {};
      const v = (c: string) => row.opt(c);
      if (v('linear slippage factor') !== undefined)
        changes.linearSlippageFactor = decimal(v('linear slippage factor')!, 'linear slippage factor');
      if (v('quadratic slippage factor') !== undefined)
        changes.quadraticSlippageFactor = decimal(v('quadratic slippage factor')!, 'quadratic slippage factor');
      if (v('price monitoring') !== undefined)
        changes.priceMonitoringTriggers = lookup(w.priceMonitoring, v('price monitoring')!, 'price monitoring');
      if (v('risk model') !== undefined) changes.riskModel = lookup(w.riskModels, v('risk model')!, 'risk model');
      if (v('liquidity monitoring') !== undefined)
        changes.targetStake = lookup(w.liquidityMonitoring, v('liquidity monitoring')!, 'liquidity monitoring');
      if (v('sla params') !== undefined) changes.sla = lookup(w.sla, v('sla params')!, 'sla params');
      if (v('liquidation strategy') !== undefined)
        changes.liquidationStrategy = lookup(w.liquidation, v('liquidation strategy')!, 'liquidation strategy');
      if (v('tick size') !== undefined) changes.tickSize = BigInt(integer(v('tick size')!, 'tick size'));
      if (v('liquidity fee settings') !== undefined) {
        const f = lookup(w.fees, v('liquidity fee settings')!, 'fees configuration');
        changes.fees = {
          ...m.configView().fees,
          liquidityFeeMethod: f.liquidityFeeMethod,
          ...(f.liquidityFeeConstant !== undefined ? { liquidityFeeConstant: f.liquidityFeeConstant } : {}),
        };
      }
      if (v('data source config') !== undefined) {
        const oracle = lookup(w.oracles, w.oracleName(v('data source config')!), 'oracle config');
        const current = m.configView().product;
        if (oracle.kind === 'future' && current.kind === 'future') {
          changes.product = {
            kind: 'future',
            settlementData: oracle.settlementData,
            tradingTermination: oracle.trigger,
          };
        } else if (oracle.kind === 'perpetual' && current.kind === 'perpetual') {
          changes.product = {
            ...current,
            settlementData: oracle.settlementData,
            settlementSchedule: { kind: 'oracle', ...oracle.trigger },
            marginFundingFactor: oracle.marginFundingFactor,
            interestRate: oracle.interestRate,
            clampLowerBound: oracle.clampLowerBound,
            clampUpperBound: oracle.clampUpperBound,
            fundingRateScalingFactor: oracle.fundingRateScalingFactor,
            fundingRateLowerBound: oracle.fundingRateLowerBound,
            fundingRateUpperBound: oracle.fundingRateUpperBound,
          };
        } else throw new StepError(`data source config "${v('data source config')}" does not fit the market's product`);
      }
      // as the harness: every update rebuilds the mark-price configuration (last trade unless a price type is given)
      changes.markPrice = markPriceConfig(w, row, m.configView().markPrice);
      const res = w.ex.updateMarket(id, changes);
      if (res.error) throw new StepError(res.error);
    }
  });

  r.define(/^the initial insurance pool balance is "([^"]*)" for all the markets$/, (w, [amount]) => {
    const a = BigInt(integer(amount!, 'amount'));
    // Vega's step adds the amount to each pool: zero leaves them as they are
    if (a === 0n) return;
    for (const id of w.marketIds) {
      const res = w.ex.fundInsurancePool(id, a);
      if (res.error) throw new StepError(res.error);
      w.netDeposits += a;
    }
  });
}

/** The columns markPriceConfig reads for a composite price's methodology, and for its oracle sources. */
export const COMPOSITE_PRICE_COLUMNS = [
  'price type',
  'decay weight',
  'decay power',
  'cash amount',
  'source weights',
  'source staleness tolerance',
];
export const ORACLE_SOURCE_COLUMNS = ['oracle1', 'oracle2', 'oracle3', 'oracle4', 'oracle5'];

const MARKET_REQUIRED = [
  'id',
  'quote name',
  'asset',
  'risk model',
  'fees',
  'data source config',
  'price monitoring',
  'margin calculator',
  'auction duration',
  'linear slippage factor',
  'quadratic slippage factor',
  'sla params',
];

const MARKET_OPTIONAL = [
  'decimal places',
  'position decimal places',
  'liquidity monitoring',
  'parent market id',
  'insurance pool fraction',
  'successor auction',
  'is passed',
  'market type',
  'liquidation strategy',
  ...COMPOSITE_PRICE_COLUMNS,
  ...ORACLE_SOURCE_COLUMNS,
  'tick size',
  'max price cap',
  'binary',
  'fully collateralised',
  'allowed empty amm levels',
];

function marketConfig(w: World, row: Row): MarketConfig {
  const unsupported = (col: string, ok: (v: string) => boolean) => {
    const v = row.opt(col);
    if (v !== undefined && !ok(v)) throw new StepError(`column "${col}" = "${v}": not supported by perpsim yet`);
  };
  unsupported('allowed empty amm levels', () => false);

  const id = row.str('id');
  const asset = row.str('asset');
  const oracleName = w.oracleName(row.str('data source config'));
  const oracle = lookup(w.oracles, oracleName, 'oracle config');
  // a market on a swapped default oracle is a perpetual (perps mode)
  const declared = row.opt('market type') ?? 'future';
  const marketType = oracleName !== row.str('data source config') ? 'perp' : declared;
  if (marketType !== 'future' && marketType !== 'perp')
    throw new StepError(`market type: "${marketType}" must be future or perp`);
  let product: ProductConfig;
  if (marketType === 'perp') {
    if (row.opt('max price cap') !== undefined) throw new StepError('max price cap: only futures can be capped');
    if (bool(row.opt('binary') ?? 'false', 'binary') || bool(row.opt('fully collateralised') ?? 'false', 'full'))
      throw new StepError('binary settlement and full collateralisation are for capped futures');
    if (oracle.kind !== 'perpetual')
      throw new StepError(`data source config "${row.str('data source config')}" is not a perpetual oracle config`);
    product = {
      kind: 'perpetual',
      settlementData: oracle.settlementData,
      settlementSchedule: { kind: 'oracle', ...oracle.trigger },
      marginFundingFactor: oracle.marginFundingFactor,
      interestRate: oracle.interestRate,
      clampLowerBound: oracle.clampLowerBound,
      clampUpperBound: oracle.clampUpperBound,
      ...(oracle.fundingRateScalingFactor ? { fundingRateScalingFactor: oracle.fundingRateScalingFactor } : {}),
      ...(oracle.fundingRateLowerBound ? { fundingRateLowerBound: oracle.fundingRateLowerBound } : {}),
      ...(oracle.fundingRateUpperBound ? { fundingRateUpperBound: oracle.fundingRateUpperBound } : {}),
      ...(oracle.internalCompositePrice ? { internalCompositePrice: oracle.internalCompositePrice } : {}),
    };
  } else {
    if (oracle.kind !== 'future')
      throw new StepError(`data source config "${row.str('data source config')}" is not a future oracle config`);
    // as the harness does: every settlement filter takes the decimals recorded for this oracle name (0 if none)
    const name = row.str('data source config');
    const dec = w.settlementDecimals.get(name) ?? oracle.settlementData.decimals;
    const settlementData = {
      ...oracle.settlementData,
      decimals: dec,
      ...(oracle.settlementData.filters
        ? { filters: oracle.settlementData.filters.map((f) => ({ ...f, decimals: dec })) }
        : {}),
    };
    const maxPrice = row.opt('max price cap');
    const binary = bool(row.opt('binary') ?? 'false', 'binary');
    const full = bool(row.opt('fully collateralised') ?? 'false', 'fully collateralised');
    if (maxPrice === undefined && (binary || full))
      throw new StepError('binary settlement and full collateralisation need a max price cap');
    product = {
      kind: 'future',
      settlementData,
      tradingTermination: oracle.trigger,
      ...(maxPrice !== undefined
        ? { cap: { maxPrice: BigInt(maxPrice), binarySettlement: binary, fullyCollateralised: full } }
        : {}),
    };
  }
  const liq = row.opt('liquidation strategy');
  const tick = row.opt('tick size');
  // a successor market: the harness lengthens its opening auction by `successor auction` (5 × auction duration
  // when absent)
  const parent = row.opt('parent market id');
  const fraction = row.opt('insurance pool fraction');
  const successorAuction = row.opt('successor auction');
  const auctionDuration = integer(row.str('auction duration'), 'auction duration');
  if (parent === undefined && (fraction !== undefined || successorAuction !== undefined))
    throw new StepError('insurance pool fraction and successor auction need a parent market id');
  const openingAuctionDuration =
    parent === undefined
      ? auctionDuration
      : auctionDuration +
        (successorAuction === undefined ? 5 * auctionDuration : integer(successorAuction, 'successor auction'));
  return {
    id,
    settlementAsset: asset,
    quoteName: row.str('quote name'),
    decimalPlaces: integer(row.opt('decimal places') ?? '0', 'decimal places'),
    positionDecimalPlaces: integer(row.opt('position decimal places') ?? '0', 'position decimal places'),
    tickSize: tick === undefined ? 1n : BigInt(integer(tick, 'tick size')),
    linearSlippageFactor: decimal(row.str('linear slippage factor'), 'linear slippage factor'),
    quadraticSlippageFactor: decimal(row.str('quadratic slippage factor'), 'quadratic slippage factor'),
    riskModel: lookup(w.riskModels, row.str('risk model'), 'risk model'),
    marginScalingFactors: lookup(w.marginCalculators, row.str('margin calculator'), 'margin calculator'),
    fees: lookup(w.fees, row.str('fees'), 'fees configuration'),
    priceMonitoringTriggers: lookup(w.priceMonitoring, row.str('price monitoring'), 'price monitoring'),
    targetStake: lookup(
      w.liquidityMonitoring,
      row.opt('liquidity monitoring') ?? 'default-parameters',
      'liquidity monitoring',
    ),
    sla: lookup(w.sla, row.str('sla params'), 'sla params'),
    liquidationStrategy:
      liq === undefined
        ? (lookup(w.liquidation, 'legacy-liquidation-strategy', 'liquidation strategy') ?? LEGACY_LIQUIDATION_STRATEGY)
        : lookup(w.liquidation, liq, 'liquidation strategy'),
    markPrice: markPriceConfig(w, row),
    product,
    openingAuctionDuration,
    ...(parent !== undefined
      ? {
          successor: {
            parentMarketId: parent,
            insurancePoolFraction: fraction === undefined ? Decimal.ZERO : decimal(fraction, 'insurance pool fraction'),
          },
        }
      : {}),
  };
}

/**
 * A mark-price (or internal composite price) configuration from a table row, as the harness builds it: the price
 * type from `price type` (last trade when absent); the other fields from their columns when present, else from
 * `base`; oracles from the oracle1…oracle5 cells (unknown names skipped) when an `oracle1` column is present.
 */
export function markPriceConfig(w: World, row: Row, base: MarkPriceConfig = DEFAULT_MARK_PRICE): MarkPriceConfig {
  const type = row.opt('price type') ?? 'last trade';
  const types: Record<string, CompositePriceType> = {
    'last trade': 'LAST_TRADE',
    weight: 'WEIGHTED',
    median: 'MEDIAN',
  };
  const t = types[type];
  if (!t) throw new StepError(`price type: "${type}" must be last trade, weight or median`);
  const weights = row.opt('source weights');
  const staleness = row.opt('source staleness tolerance');
  const decay = row.opt('decay weight');
  const power = row.opt('decay power');
  const cash = row.opt('cash amount');
  let oracles = base.oracles;
  if (row.opt('oracle1') !== undefined) {
    const found: OracleSource[] = [];
    for (const c of ORACLE_SOURCE_COLUMNS) {
      const v = row.opt(c);
      const o = v === undefined ? undefined : w.compositeOracles.get(v);
      if (o) found.push(o);
    }
    oracles = found;
  }
  return {
    type: t,
    decayWeight: decay === undefined ? base.decayWeight : decimal(decay, 'decay weight'),
    decayPower: power === undefined ? base.decayPower : decimal(power, 'decay power'),
    cashAmount: cash === undefined ? base.cashAmount : BigInt(integer(cash, 'cash amount')),
    sourceWeights:
      weights === undefined ? base.sourceWeights : weights.split(',').map((x) => decimal(x.trim(), 'source weights')),
    sourceStalenessToleranceNs:
      staleness === undefined ? base.sourceStalenessToleranceNs : staleness.split(',').map((x) => duration(x.trim())),
    oracles,
  };
}

function bool(v: string, what: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new StepError(`${what}: "${v}" is not true or false`);
}
