// Loads the named configurations Vega's feature files refer to (defaults/<category>/<name>.json, protobuf JSON)
// into engine configuration pieces. Scenario steps add their own named configurations on top of these.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  Decimal,
  type FeeConfig,
  type LiquidationStrategy,
  type LiquidityFeeMethod,
  type MarginScalingFactors,
  type MarkPriceConfig,
  type OracleFilter,
  type OracleSource,
  type OracleValueType,
  type PriceMonitoringTrigger,
  type RiskModelConfig,
  type SlaParams,
  type TargetStakeParams,
} from '../src/core/index.ts';

export interface OracleConfig {
  readonly kind: 'future' | 'perpetual';
  readonly settlementAsset: string;
  readonly quoteName: string;
  readonly settlementData: OracleSource;
  /** trading termination (future) or settlement schedule (perpetual) */
  readonly trigger: {
    readonly signers: readonly string[];
    readonly property: string;
    readonly filters?: readonly OracleFilter[];
  };
  /** perpetuals: the internal composite price configuration */
  readonly internalCompositePrice?: MarkPriceConfig;
  readonly marginFundingFactor: Decimal;
  readonly interestRate: Decimal;
  readonly clampLowerBound: Decimal;
  readonly clampUpperBound: Decimal;
  readonly fundingRateScalingFactor?: Decimal;
  readonly fundingRateLowerBound?: Decimal;
  readonly fundingRateUpperBound?: Decimal;
}

export interface Defaults {
  readonly fees: Map<string, FeeConfig>;
  readonly priceMonitoring: Map<string, readonly PriceMonitoringTrigger[]>;
  readonly marginCalculators: Map<string, MarginScalingFactors>;
  readonly sla: Map<string, SlaParams>;
  readonly liquidityMonitoring: Map<string, TargetStakeParams>;
  readonly liquidation: Map<string, LiquidationStrategy>;
  readonly riskModels: Map<string, RiskModelConfig>;
  readonly oracles: Map<string, OracleConfig>;
  /** composite-price oracles (`the composite price oracles from …`), named for oracle1…oracle5 columns */
  readonly compositeOracles: Map<string, OracleSource>;
}

/** JSON.parse that keeps integers beyond 2^53 exact by reading them as strings. */
function readJson(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8').replace(/(:\s*)(\d{16,})(\s*[,}\n])/g, '$1"$2"$3');
  return JSON.parse(text) as Record<string, unknown>;
}

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v && typeof v === 'object' ? (v as J) : {});
const d = (v: unknown, dflt = '0'): Decimal => Decimal.parse(v === undefined || v === null ? dflt : String(v));
const num = (v: unknown, dflt = 0): number => (v === undefined || v === null ? dflt : Number(v));

function jsonFiles(dir: string): [string, J][] {
  if (!existsSync(dir)) return [];
  const out: [string, J][] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (name.endsWith('.json')) out.push([basename(name, '.json'), readJson(p)]);
  }
  return out;
}

export function parseFeeConfig(j: J): FeeConfig {
  const f = obj(j.factors);
  const s = obj(j.liquidityFeeSettings);
  const method = String(s.method ?? 'METHOD_MARGINAL_COST').replace(/^METHOD_/, '') as LiquidityFeeMethod;
  return {
    makerFee: d(f.makerFee),
    infrastructureFee: d(f.infrastructureFee),
    liquidityFee: d(f.liquidityFee),
    buyBackFee: d(f.buyBackFee),
    treasuryFee: d(f.treasuryFee),
    liquidityFeeMethod: method,
    ...(s.feeConstant !== undefined ? { liquidityFeeConstant: d(s.feeConstant) } : {}),
  };
}

function parseOracleSource(spec: J, decimalsOverride?: number): OracleSource {
  const oracle = obj(obj(obj(obj(spec.data).external).oracle));
  const signers = ((oracle.signers as J[] | undefined) ?? []).map((s) => String(obj(obj(s).pubKey).key));
  const filters: OracleFilter[] = ((oracle.filters as J[] | undefined) ?? []).map((f) => {
    const key = obj(obj(f).key);
    const conditions = ((obj(f).conditions as J[] | undefined) ?? []).map((c) => ({
      operator: String(c.operator).replace(/^OPERATOR_/, '') as 'EQUALS',
      value: String(c.value),
    }));
    return {
      property: String(key.name ?? ''),
      type: String(key.type ?? 'TYPE_INTEGER').replace(/^TYPE_/, '') as OracleValueType,
      ...(key.numberDecimalPlaces !== undefined ? { decimals: num(key.numberDecimalPlaces) } : {}),
      ...(conditions.length ? { conditions } : {}),
    };
  });
  const first = filters[0];
  return { signers, property: first?.property ?? '', decimals: decimalsOverride ?? first?.decimals ?? 0, filters };
}

export function parseOracleConfig(j: J): OracleConfig {
  const perp = j.dataSourceSpecForSettlementSchedule !== undefined;
  const trig = parseOracleSource(
    obj(perp ? j.dataSourceSpecForSettlementSchedule : j.dataSourceSpecForTradingTermination),
  );
  return {
    kind: perp ? 'perpetual' : 'future',
    settlementAsset: String(j.settlementAsset ?? ''),
    quoteName: String(j.quoteName ?? ''),
    settlementData: parseOracleSource(obj(j.dataSourceSpecForSettlementData)),
    trigger: { signers: trig.signers, property: trig.property, ...(trig.filters ? { filters: trig.filters } : {}) },
    marginFundingFactor: d(j.marginFundingFactor),
    interestRate: d(j.interestRate),
    clampLowerBound: d(j.clampLowerBound),
    clampUpperBound: d(j.clampUpperBound),
    ...(j.fundingRateScalingFactor !== undefined ? { fundingRateScalingFactor: d(j.fundingRateScalingFactor) } : {}),
    ...(j.fundingRateLowerBound !== undefined ? { fundingRateLowerBound: d(j.fundingRateLowerBound) } : {}),
    ...(j.fundingRateUpperBound !== undefined ? { fundingRateUpperBound: d(j.fundingRateUpperBound) } : {}),
  };
}

export function loadDefaults(dir: string): Defaults {
  const defaults: Defaults = {
    fees: new Map(),
    priceMonitoring: new Map(),
    marginCalculators: new Map(),
    sla: new Map(),
    liquidityMonitoring: new Map(),
    liquidation: new Map(),
    riskModels: new Map(),
    oracles: new Map(),
    compositeOracles: new Map(),
  };
  for (const [name, j] of jsonFiles(join(dir, 'fees-config'))) defaults.fees.set(name, parseFeeConfig(j));
  for (const [name, j] of jsonFiles(join(dir, 'price-monitoring'))) {
    const triggers = ((obj(j.parameters).triggers as J[] | undefined) ?? []).map((t) => ({
      horizon: num(t.horizon),
      probability: d(t.probability),
      auctionExtension: num(t.auctionExtension),
    }));
    defaults.priceMonitoring.set(name, triggers);
  }
  for (const [name, j] of jsonFiles(join(dir, 'margin-calculator'))) {
    const s = obj(j.scalingFactors);
    defaults.marginCalculators.set(name, {
      searchLevel: d(s.searchLevel),
      initialMargin: d(s.initialMargin),
      collateralRelease: d(s.collateralRelease),
    });
  }
  for (const [name, j] of jsonFiles(join(dir, 'liquidity-sla-params'))) {
    defaults.sla.set(name, {
      priceRange: d(j.price_range),
      commitmentMinTimeFraction: d(j.commitment_min_time_fraction),
      performanceHysteresisEpochs: num(j.performance_hysteresis_epochs),
      slaCompetitionFactor: d(j.sla_competition_factor),
    });
  }
  for (const [name, j] of jsonFiles(join(dir, 'liquidity-monitoring'))) {
    const t = obj(j.target_stake_parameters);
    defaults.liquidityMonitoring.set(name, { timeWindow: num(t.time_window), scalingFactor: d(t.scaling_factor) });
  }
  for (const [name, j] of jsonFiles(join(dir, 'liquidation-config'))) {
    defaults.liquidation.set(name, {
      disposalTimeStep: num(j.disposal_time_step),
      disposalFraction: d(j.disposal_fraction),
      fullDisposalSize: BigInt(String(j.full_disposal_size ?? 0)),
      maxFractionConsumed: d(j.max_fraction_consumed),
      disposalSlippageRange: d(j.disposal_slippage_range),
    });
  }
  for (const [name, j] of jsonFiles(join(dir, 'risk-model'))) {
    if (j.simpleRiskModel) {
      const p = obj(obj(j.simpleRiskModel).params);
      defaults.riskModels.set(name, {
        kind: 'simple',
        factorLong: d(p.factorLong),
        factorShort: d(p.factorShort),
        maxMoveUp: d(p.maxMoveUp),
        minMoveDown: d(p.minMoveDown),
        probabilityOfTrading: d(p.probabilityOfTrading),
      });
    } else if (j.logNormalRiskModel) {
      const l = obj(j.logNormalRiskModel);
      const p = obj(l.params);
      defaults.riskModels.set(name, {
        kind: 'logNormal',
        riskAversionParameter: num(l.riskAversionParameter),
        tau: num(l.tau),
        mu: num(p.mu),
        r: num(p.r),
        sigma: num(p.sigma),
      });
    }
  }
  for (const [name, j] of jsonFiles(join(dir, 'oracle-config'))) defaults.oracles.set(name, parseOracleConfig(j));
  return defaults;
}
