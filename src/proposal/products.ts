// The product and data-source parts of a new-market proposal → the engine's product, oracle and mark-price
// configuration, with Vega's rules on bindings, time triggers and composite prices (core/governance/market.go
// validateFuture / validatePerps, checkCompositePriceConfiguration; vega-formulas.md §4.2, §5.1); and the list of
// proposal fields the engine accepts without modelling.
import {
  DEFAULT_MARK_PRICE,
  type FundingSchedule,
  type FutureProduct,
  type MarkPriceConfig,
  type OracleFilter,
  type OracleSource,
  type ProductConfig,
  parseDuration,
  Decimal,
} from '../core/index.ts';
import { formatPath, type PathSegment } from './errors.ts';
import {
  BUILTIN_TIME_TRIGGER,
  BUILTIN_TIMESTAMP,
  type CompositePriceConfiguration,
  type DataSourceDefinition,
  type NewMarketChanges,
} from './schema.ts';

/** A proposal field the engine accepts but does not model, with the JSON path and why. */
export interface NotModelledField {
  readonly path: string;
  readonly reason: string;
}

export type Add = (path: readonly PathSegment[], message: string) => void;

const ETH_ORACLE_REASON =
  'not modelled: perpsim does not call Ethereum contracts; the value reaches the engine as oracle data carrying the normalised properties, signed by the contract address';

/** Every field of the changes that the engine accepts without modelling, in document order. */
export function notModelledFields(c: NewMarketChanges, at: readonly PathSegment[]): NotModelledField[] {
  const out: NotModelledField[] = [];
  const note = (path: readonly PathSegment[], reason: string) =>
    out.push({ path: formatPath([...at, ...path]), reason });
  const source = (spec: DataSourceDefinition | undefined, path: readonly PathSegment[]) => {
    const eth = spec?.external?.ethOracle;
    if (!eth) return;
    const p = [...path, 'external', 'ethOracle'];
    for (const k of ['abi', 'method', 'args', 'requiredConfirmations', 'sourceChainId'] as const)
      if (eth[k] !== undefined) note([...p, k], ETH_ORACLE_REASON);
    eth.normalisers.forEach((n, i) => {
      note(
        [...p, 'normalisers', i, 'expression'],
        `not modelled: the JSONPath is not evaluated; oracle data must carry the property "${n.name}" itself`,
      );
    });
    if (eth.trigger.timeTrigger !== undefined)
      note(
        [...p, 'trigger', 'timeTrigger'],
        'not modelled: nothing polls the contract; oracle data arrives when the session or caller submits it',
      );
  };
  const inst = c.instrument;
  if (inst.future) {
    source(inst.future.dataSourceSpecForSettlementData, ['instrument', 'future', 'dataSourceSpecForSettlementData']);
    source(inst.future.dataSourceSpecForTradingTermination, [
      'instrument',
      'future',
      'dataSourceSpecForTradingTermination',
    ]);
  }
  if (inst.perpetual) {
    const p = inst.perpetual;
    source(p.dataSourceSpecForSettlementData, ['instrument', 'perpetual', 'dataSourceSpecForSettlementData']);
    source(p.dataSourceSpecForSettlementSchedule, ['instrument', 'perpetual', 'dataSourceSpecForSettlementSchedule']);
    p.internalCompositePriceConfiguration?.dataSourcesSpec?.forEach((d, i) =>
      source(d, ['instrument', 'perpetual', 'internalCompositePriceConfiguration', 'dataSourcesSpec', i]),
    );
  }
  c.markPriceConfiguration?.dataSourcesSpec?.forEach((d, i) =>
    source(d, ['markPriceConfiguration', 'dataSourcesSpec', i]),
  );
  if (c.metadata !== undefined) note(['metadata'], 'informational: tags for front ends, no effect on the market');
  const lm = c.liquidityMonitoringParameters;
  if (lm.triggeringRatio !== undefined)
    note(
      ['liquidityMonitoringParameters', 'triggeringRatio'],
      'not modelled: Vega no longer has liquidity auctions and ignores it too',
    );
  if (lm.auctionExtension !== undefined)
    note(
      ['liquidityMonitoringParameters', 'auctionExtension'],
      'not modelled: Vega no longer has liquidity auctions and ignores it too',
    );
  if (c.enableTransactionReordering !== undefined)
    note(['enableTransactionReordering'], 'not modelled: the engine executes transactions in the order they are given');
  if (c.allowedEmptyAmmLevels !== undefined)
    note(['allowedEmptyAmmLevels'], 'not modelled: the engine has no automated market makers');
  return out;
}

export function buildFuture(
  f: NonNullable<NewMarketChanges['instrument']['future']>,
  at: PathSegment[],
  add: Add,
): ProductConfig {
  const settlementData = settlementDataSource(
    f.dataSourceSpecForSettlementData,
    f.dataSourceSpecBinding.settlementDataProperty,
    at,
    add,
  );
  const term = f.dataSourceSpecForTradingTermination;
  const termPath = [...at, 'dataSourceSpecForTradingTermination'];
  const termProp = f.dataSourceSpecBinding.tradingTerminationProperty;
  const bindingPath = [...at, 'dataSourceSpecBinding', 'tradingTerminationProperty'];
  let tradingTermination: FutureProduct['tradingTermination'] = {
    signers: [],
    property: termProp,
    filters: filtersOf(term),
  };
  if (term.internal?.timeTrigger) {
    add(
      [...termPath, 'internal', 'timeTrigger'],
      'a time trigger cannot terminate a future: use internal.time or an external oracle',
    );
  } else if (term.internal?.time) {
    // the built-in time source: terminates when vegaprotocol.builtin.timestamp meets the conditions
    if (termProp !== BUILTIN_TIMESTAMP)
      add(bindingPath, `must be "${BUILTIN_TIMESTAMP}" for an internal time source, got "${termProp}"`);
  } else if (term.external?.ethOracle) {
    tradingTermination = {
      signers: [term.external.ethOracle.address.toLowerCase()],
      property: termProp,
      filters: filtersOf(term),
    };
    checkBinding(term, termProp, ['TYPE_BOOLEAN', 'TYPE_TIMESTAMP'], bindingPath, add);
  } else if (term.external?.oracle) {
    tradingTermination = { signers: signersOf(term), property: termProp, filters: filtersOf(term) };
    checkBinding(
      term,
      termProp,
      termProp === BUILTIN_TIMESTAMP ? ['TYPE_TIMESTAMP'] : ['TYPE_BOOLEAN'],
      bindingPath,
      add,
    );
  }
  if (f.cap) add([...at, 'cap'], 'capped futures are not supported by the perpsim engine yet');
  return { kind: 'future', settlementData, tradingTermination };
}

export function buildPerpetual(
  p: NonNullable<NewMarketChanges['instrument']['perpetual']>,
  at: PathSegment[],
  add: Add,
  warnings: string[],
  enactment: number | undefined,
  dflt: (field: string, value: string, source: string) => void,
): ProductConfig {
  if (p.clampUpperBound.lt(p.clampLowerBound)) {
    add(
      [...at, 'clampUpperBound'],
      `must be at least clampLowerBound (${p.clampLowerBound}), got ${p.clampUpperBound}`,
    );
  }
  if (p.fundingRateLowerBound && p.fundingRateUpperBound && p.fundingRateLowerBound.gt(p.fundingRateUpperBound)) {
    add(
      [...at, 'fundingRateLowerBound'],
      `must not be above fundingRateUpperBound (${p.fundingRateUpperBound}), got ${p.fundingRateLowerBound}`,
    );
  }
  const settlementData = settlementDataSource(
    p.dataSourceSpecForSettlementData,
    p.dataSourceSpecBinding.settlementDataProperty,
    at,
    add,
  );

  const sched = p.dataSourceSpecForSettlementSchedule;
  const schedPath = [...at, 'dataSourceSpecForSettlementSchedule'];
  const schedProp = p.dataSourceSpecBinding.settlementScheduleProperty;
  const bindingPath = [...at, 'dataSourceSpecBinding', 'settlementScheduleProperty'];
  let settlementSchedule: FundingSchedule = { kind: 'oracle', signers: [], property: schedProp };
  if (sched.internal?.timeTrigger) {
    const trig = sched.internal.timeTrigger.triggers[0]!;
    if (schedProp !== BUILTIN_TIME_TRIGGER)
      add(bindingPath, `must be "${BUILTIN_TIME_TRIGGER}" for an internal time trigger, got "${schedProp}"`);
    // Vega: a trigger without `initial` first fires at the enactment time, then every `every` seconds
    let initial = trig.initial;
    if (initial === undefined && enactment !== undefined) {
      initial = enactment;
      dflt(
        'product.settlementSchedule.initial',
        String(enactment),
        'time trigger without initial: Vega starts it at the enactment time',
      );
    }
    // conditions apply to the trigger's time (vegaprotocol.builtin.timetrigger, unix seconds)
    const conditions = (sched.internal.timeTrigger.conditions ?? []).map((c) => ({
      operator: c.operator.replace(/^OPERATOR_/, '') as NonNullable<OracleFilter['conditions']>[number]['operator'],
      value: c.value,
    }));
    settlementSchedule = {
      kind: 'timeTrigger',
      every: trig.every,
      ...(initial !== undefined ? { initial } : {}),
      ...(conditions.length ? { conditions } : {}),
    };
  } else if (sched.internal?.time) {
    add(
      [...schedPath, 'internal', 'time'],
      'the settlement schedule must be a time trigger (internal.timeTrigger) or an external oracle',
    );
  } else if (sched.external?.ethOracle) {
    add(
      [...schedPath, 'external', 'ethOracle'],
      'an Ethereum oracle settlement schedule is not supported; use internal.timeTrigger',
    );
  } else if (sched.external?.oracle) {
    checkBinding(sched, schedProp, ['TYPE_TIMESTAMP', 'TYPE_INTEGER'], bindingPath, add);
    settlementSchedule = { kind: 'oracle', signers: signersOf(sched), property: schedProp, filters: filtersOf(sched) };
    warnings.push(
      `${formatPath(schedPath)}: Vega's governance accepts only internal time triggers as the settlement schedule of a new perpetual market; an oracle schedule is for simulation`,
    );
  }
  return {
    kind: 'perpetual',
    settlementData,
    settlementSchedule,
    marginFundingFactor: p.marginFundingFactor,
    interestRate: p.interestRate,
    clampLowerBound: p.clampLowerBound,
    clampUpperBound: p.clampUpperBound,
    ...(p.fundingRateScalingFactor ? { fundingRateScalingFactor: p.fundingRateScalingFactor } : {}),
    ...(p.fundingRateLowerBound ? { fundingRateLowerBound: p.fundingRateLowerBound } : {}),
    ...(p.fundingRateUpperBound ? { fundingRateUpperBound: p.fundingRateUpperBound } : {}),
    ...(p.internalCompositePriceConfiguration
      ? {
          internalCompositePrice: buildCompositePrice(
            p.internalCompositePriceConfiguration,
            [...at, 'internalCompositePriceConfiguration'],
            add,
          ),
        }
      : {}),
  };
}

/** Settlement data (and composite-price oracles): an external source whose bound property carries a number. */
function oracleSource(
  spec: DataSourceDefinition,
  property: string,
  specPath: PathSegment[],
  bindingPath: PathSegment[],
  add: Add,
): OracleSource {
  if (spec.internal) {
    add(
      [...specPath, 'internal'],
      'must be an external source (oracle or ethOracle): settlement data from an internal source is not allowed',
    );
    return { signers: [], property, decimals: 0 };
  }
  checkBinding(spec, property, ['TYPE_INTEGER', 'TYPE_DECIMAL'], bindingPath, add);
  const filters = spec.external?.oracle?.filters ?? spec.external?.ethOracle?.filters ?? [];
  // decimals of the value: the filter on the bound property, else the first filter (an Ethereum oracle's normaliser)
  const f = filters.find((x) => x.key.name === property) ?? filters[0];
  const decimals = f?.key.numberDecimalPlaces ?? 0;
  const eth = spec.external?.ethOracle;
  return { signers: eth ? [eth.address.toLowerCase()] : signersOf(spec), property, decimals, filters: filtersOf(spec) };
}

type JsonFilter = NonNullable<NonNullable<NonNullable<DataSourceDefinition['external']>['oracle']>['filters']>[number];

/** The spec's filters as the engine matches oracle data against them (TYPE_EMPTY keys carry no value to test). */
function filtersOf(spec: DataSourceDefinition): OracleFilter[] {
  const map = (fs: readonly JsonFilter[]): OracleFilter[] =>
    fs
      .filter((f) => f.key.type !== 'TYPE_EMPTY')
      .map((f) => ({
        property: f.key.name,
        type: f.key.type.replace(/^TYPE_/, '') as OracleFilter['type'],
        ...(f.key.numberDecimalPlaces !== undefined ? { decimals: f.key.numberDecimalPlaces } : {}),
        ...(f.conditions?.length
          ? {
              conditions: f.conditions.map((c) => ({
                operator: c.operator.replace(/^OPERATOR_/, '') as NonNullable<
                  OracleFilter['conditions']
                >[number]['operator'],
                value: c.value,
              })),
            }
          : {}),
      }));
  if (spec.external?.oracle) return map(spec.external.oracle.filters);
  if (spec.external?.ethOracle) return map(spec.external.ethOracle.filters);
  // the built-in time source: conditions on vegaprotocol.builtin.timestamp
  const conditions = spec.internal?.time?.conditions ?? [];
  return map([{ key: { name: BUILTIN_TIMESTAMP, type: 'TYPE_TIMESTAMP' }, conditions }]);
}

function settlementDataSource(spec: DataSourceDefinition, property: string, at: PathSegment[], add: Add): OracleSource {
  return oracleSource(
    spec,
    property,
    [...at, 'dataSourceSpecForSettlementData'],
    [...at, 'dataSourceSpecBinding', 'settlementDataProperty'],
    add,
  );
}

function signersOf(spec: DataSourceDefinition): string[] {
  return (spec.external?.oracle?.signers ?? []).map((s) => s.pubKey?.key ?? s.ethAddress!.address.toLowerCase());
}

/** The binding names a property the source publishes (a filter key, or an Ethereum oracle's normaliser). */
function checkBinding(
  spec: DataSourceDefinition,
  property: string,
  types: readonly string[],
  path: PathSegment[],
  add: Add,
): void {
  const filters = spec.external?.oracle?.filters ?? spec.external?.ethOracle?.filters ?? [];
  const normalisers = spec.external?.ethOracle?.normalisers.map((n) => n.name) ?? [];
  const filter = filters.find((f) => f.key.name === property);
  if (!filter && !normalisers.includes(property)) {
    const names = [...new Set([...filters.map((f) => f.key.name), ...normalisers])];
    add(
      path,
      `"${property}" matches no property of the data source (${names.map((n) => `"${n}"`).join(', ') || 'none'})`,
    );
    return;
  }
  if (filter && !types.includes(filter.key.type)) {
    add(path, `"${property}" is ${filter.key.type} in the data source; expected ${types.join(' or ')}`);
  }
}

/** proto3: a zero value or an empty list is the same as not setting the field (mainnet's EGLP proposal writes them). */
function isUnset(v: unknown): boolean {
  if (v === undefined || v === 0 || v === '0' || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return v instanceof Decimal && v.isZero();
}

/** markPriceConfiguration / internalCompositePriceConfiguration (Vega checkCompositePriceConfiguration). */
export function buildCompositePrice(c: CompositePriceConfiguration, at: PathSegment[], add: Add): MarkPriceConfig {
  const type = c.compositePriceType;
  const specs = c.dataSourcesSpec ?? [];
  const bindings = c.dataSourcesSpecBinding ?? [];
  const sources = 3 + specs.length;
  if (type === 'COMPOSITE_PRICE_TYPE_LAST_TRADE') {
    const extra = (
      [
        'decayWeight',
        'decayPower',
        'cashAmount',
        'sourceWeights',
        'sourceStalenessTolerance',
        'dataSourcesSpec',
        'dataSourcesSpecBinding',
      ] as const
    ).filter((k) => !isUnset(c[k]));
    for (const k of extra) add([...at, k], 'must not be set for COMPOSITE_PRICE_TYPE_LAST_TRADE');
    return DEFAULT_MARK_PRICE;
  }
  if (c.decayPower === undefined || c.decayPower < 1 || c.decayPower > 3)
    add([...at, 'decayPower'], 'must be 1, 2 or 3');
  if (c.decayWeight === undefined) add([...at, 'decayWeight'], 'is required');
  if (c.cashAmount === undefined) add([...at, 'cashAmount'], 'is required');
  const weights = c.sourceWeights ?? [];
  const staleness = c.sourceStalenessTolerance ?? [];
  if (type === 'COMPOSITE_PRICE_TYPE_WEIGHTED') {
    if (weights.length !== sources)
      add(
        [...at, 'sourceWeights'],
        `must give a weight for each of the ${sources} price sources (trades, book, ${specs.length} oracle(s), median)`,
      );
    if (weights.every((w) => w.isZero())) add([...at, 'sourceWeights'], 'must have at least one non-zero weight');
  } else if (weights.length > 0) {
    add([...at, 'sourceWeights'], 'must be empty unless compositePriceType is COMPOSITE_PRICE_TYPE_WEIGHTED');
  }
  if (staleness.length !== sources)
    add([...at, 'sourceStalenessTolerance'], `must give a tolerance for each of the ${sources} price sources`);
  if (bindings.length !== specs.length) add([...at, 'dataSourcesSpecBinding'], 'must have one binding per data source');
  const oracles = specs.map((s, i) =>
    oracleSource(
      s,
      bindings[i]?.priceSourceProperty ?? '',
      [...at, 'dataSourcesSpec', i],
      [...at, 'dataSourcesSpecBinding', i, 'priceSourceProperty'],
      add,
    ),
  );
  return {
    type: type === 'COMPOSITE_PRICE_TYPE_WEIGHTED' ? 'WEIGHTED' : 'MEDIAN',
    decayWeight: c.decayWeight ?? Decimal.ZERO,
    decayPower: Decimal.fromInt(c.decayPower ?? 1),
    cashAmount: BigInt(c.cashAmount ?? '0'),
    sourceWeights: weights,
    sourceStalenessToleranceNs: staleness.map((s) => parseDuration(s)),
    oracles,
  };
}
