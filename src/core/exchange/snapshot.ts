// The engine snapshot's format (issue 11; DESIGN "each mechanism owns its part of the state hash and of a
// snapshot"): what Exchange.snapshot() writes and Exchange.restore() reads. The state is written part by part — the
// ledger, the programmes, each market's mechanisms (book, positions, liquidity, pricing, auction, product, AMM …),
// then the exchange's own fields (clock, ids, epochs, succession) — by the object-graph codec of snapshot-codec.ts,
// which needs to know every class whose instances can hold state (the modules below) and the shared constants whose
// identity the engine compares. A snapshot is versioned and carries the state hash it was taken at: restore refuses
// another format or version, and a snapshot whose restored state does not hash to the recorded value.
import * as ammEngine from '../amm/engine.ts';
import * as ammMarket from '../amm/market-amm.ts';
import * as ammPool from '../amm/pool.ts';
import * as book from '../book/orderbook.ts';
import * as stops from '../book/stoporders.ts';
import * as cashflows from '../collateral/cashflows.ts';
import * as collateralFees from '../collateral/fees.ts';
import * as clearing from '../collateral/clearing.ts';
import * as marginMoves from '../collateral/margin-moves.ts';
import * as configMarket from '../config/market.ts';
import * as events from '../events.ts';
import * as ledger from '../ledger/ledger.ts';
import * as els from '../liquidity/els.ts';
import * as liquidityEngine from '../liquidity/engine.ts';
import * as oiHistory from '../liquidity/oi-history.ts';
import * as pot from '../liquidity/pot.ts';
import * as provisions from '../liquidity/provisions.ts';
import * as sla from '../liquidity/sla.ts';
import * as mfEngine from '../margin-fraction/engine.ts';
import * as mfPricing from '../margin-fraction/pricing.ts';
import * as market from '../market/market.ts';
import * as decimal from '../num/decimal.ts';
import * as pnl from '../positions/pnl.ts';
import * as positions from '../positions/positions.ts';
import * as composite from '../pricing/composite.ts';
import * as mark from '../pricing/mark.ts';
import * as priceMonitor from '../pricing/pricemonitor.ts';
import * as oracle from '../products/oracle.ts';
import * as perpetual from '../products/perpetual.ts';
import * as product from '../products/product.ts';
import * as delegation from '../programmes/delegation.ts';
import * as programmes from '../programmes/programmes.ts';
import * as referral from '../programmes/referral.ts';
import * as rewards from '../programmes/rewards.ts';
import * as streaks from '../programmes/streaks.ts';
import * as transfers from '../programmes/transfers.ts';
import * as vesting from '../programmes/vesting.ts';
import * as volume from '../programmes/volume.ts';
import * as window from '../programmes/window.ts';
import * as benefits from '../programmes/benefits.ts';
import * as marginModel from '../risk/margin-model.ts';
import * as margin from '../risk/margin.ts';
import * as quant from '../risk/quant.ts';
import * as settlement from '../settlement/settlement.ts';
import * as holdings from '../collateral/holdings.ts';
import * as spotMarket from '../spot/market.ts';
import * as spotTrading from '../spot/trading.ts';
import * as activity from '../programmes/activity.ts';
import * as distribution from '../programmes/distribution.ts';
import * as metrics from '../programmes/metrics.ts';
import * as validators from '../programmes/validators.ts';
import * as programmeFees from '../programmes/fees.ts';
import * as papEngine from '../pap/engine.ts';
import * as pap from '../pap/pap.ts';
import * as mfCollateral from '../margin-fraction/collateral.ts';
import type { CodecOptions, EncodedGraph } from './snapshot-codec.ts';
import { SnapshotError } from './snapshot-codec.ts';

export { SnapshotError } from './snapshot-codec.ts';

export const SNAPSHOT_FORMAT = 'perpsim-engine-snapshot';
/** Raised whenever what a snapshot holds changes meaning (a field's encoding, the part layout). */
export const SNAPSHOT_VERSION = 1;

/** A whole-engine snapshot: JSON-safe (bigints as decimal strings). */
export interface EngineSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: number;
  /** engine time (ns) and state hash when it was taken */
  readonly time: string;
  readonly stateHash: string;
  /** how each live market was constructed (kind, configuration, decimals), to rebuild its wiring */
  readonly markets: EncodedGraph;
  /** the state, part by part */
  readonly state: EncodedGraph;
}

const MODULES: readonly Record<string, unknown>[] = [
  ammEngine,
  ammMarket,
  ammPool,
  book,
  stops,
  cashflows,
  collateralFees,
  clearing,
  marginMoves,
  configMarket,
  events,
  ledger,
  els,
  liquidityEngine,
  oiHistory,
  pot,
  provisions,
  sla,
  mfEngine,
  mfPricing,
  market,
  decimal,
  pnl,
  positions,
  composite,
  mark,
  priceMonitor,
  oracle,
  perpetual,
  product,
  delegation,
  programmes,
  referral,
  rewards,
  streaks,
  transfers,
  vesting,
  volume,
  window,
  benefits,
  marginModel,
  settlement,
  holdings,
  spotMarket,
  spotTrading,
  activity,
  distribution,
  metrics,
  validators,
  programmeFees,
  papEngine,
  pap,
  mfCollateral,
];

const isClass = (v: unknown): v is { name: string; prototype: object } =>
  typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));

let cached: CodecOptions | undefined;

/** The codec's knowledge of the engine: its classes (plus `extra`, the exchange's own), constants and wiring. */
export function codecOptions(extra: readonly { name: string; prototype: object }[]): CodecOptions {
  if (cached) return cached;
  const classes = new Map<string, { prototype: object }>();
  for (const c of [...MODULES.flatMap((m) => Object.values(m).filter(isClass)), ...extra]) {
    const known = classes.get(c.name);
    if (known && known !== c) throw new SnapshotError(`two engine classes are named ${c.name}`);
    classes.set(c.name, c);
  }
  const constants = new Map<string, object>([
    ['Decimal.ZERO', decimal.Decimal.ZERO],
    ['Decimal.ONE', decimal.Decimal.ONE],
    ['NO_FEES', events.NO_FEES],
    ['NULL_SINK', events.NULL_SINK],
    ['ZERO_MARGIN', margin.ZERO_MARGIN],
    ['LOG_NORMAL_DEFAULT_RISK_FACTORS', quant.LOG_NORMAL_DEFAULT_RISK_FACTORS],
    ['DEFAULT_BOUND_FACTORS', quant.DEFAULT_BOUND_FACTORS],
    ['DEFAULT_MARK_PRICE', configMarket.DEFAULT_MARK_PRICE],
    ['LEGACY_LIQUIDATION_STRATEGY', configMarket.LEGACY_LIQUIDATION_STRATEGY],
    ['NO_LEDGER', programmes.NO_LEDGER],
    ['NO_FACTORS', benefits.NO_FACTORS],
    ['NO_BENEFITS', benefits.NO_BENEFITS],
    ['METRIC_ACCOUNT', rewards.METRIC_ACCOUNT],
  ]);
  // the exchange's event sink belongs to whoever restores it
  const skipFields = new Map<string, ReadonlySet<string>>([['Exchange', new Set(['sinkRef'])]]);
  cached = { classes, constants, skipFields };
  return cached;
}

/** Checks the envelope of a snapshot read from outside (format, version, shape) before any decoding. */
export function checkEnvelope(s: unknown): EngineSnapshot {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new SnapshotError('not an object');
  const o = s as Record<string, unknown>;
  if (o.format !== SNAPSHOT_FORMAT)
    throw new SnapshotError(`format: expected "${SNAPSHOT_FORMAT}", got ${JSON.stringify(o.format)}`);
  if (o.version !== SNAPSHOT_VERSION)
    throw new SnapshotError(
      `version: this engine reads version ${SNAPSHOT_VERSION}, the snapshot is version ${JSON.stringify(o.version)}`,
    );
  if (typeof o.time !== 'string' || !/^\d+$/.test(o.time)) throw new SnapshotError('time: not a decimal string');
  if (typeof o.stateHash !== 'string' || !/^[0-9a-f]{64}$/.test(o.stateHash))
    throw new SnapshotError('stateHash: not a SHA-256 hex digest');
  for (const k of ['markets', 'state'] as const) {
    const g = o[k] as Record<string, unknown> | undefined;
    if (typeof g !== 'object' || g === null || !Array.isArray(g.parts) || !Array.isArray(g.nodes))
      throw new SnapshotError(`${k}: not a part list and node table`);
  }
  return s as EngineSnapshot;
}
