// Where a live venue's index prices come from: a price process as in scenarios (GBM or jump-diffusion, from
// src/sim/price-process.ts), a CSV replay of historical prices, or nothing but what an oracle key pushes through
// the API. Each publication becomes an `oracle` command (journaled like any other), carrying the value in the
// form the market's data source expects (an integer with the source's decimals, or a decimal).
import { JumpDiffusion, loadPriceCsv, type PriceProcess } from '../sim/price-process.ts';
import { Prng } from '../sim/prng.ts';
import type { VenueCommand } from './commands.ts';
import type { MarketInfo } from './genesis.ts';
import { formatScaled, parseScaled } from './units.ts';

export type PriceModel =
  | { readonly process: 'gbm'; readonly start: number; readonly drift: number; readonly volatility: number }
  | {
      readonly process: 'jump-diffusion';
      readonly start: number;
      readonly drift: number;
      readonly volatility: number;
      readonly jumps: { readonly perDay: number; readonly meanLog: number; readonly sigmaLog: number };
    }
  | { readonly process: 'csv'; readonly file: string };

export type OracleConfig =
  | { readonly mode: 'push' }
  | {
      readonly mode: 'model';
      /** per market id (a market without an entry uses `fallback`) */
      readonly models: ReadonlyMap<string, PriceModel>;
      readonly fallback: PriceModel;
      readonly everySeconds: number;
      readonly seed: string;
    };

/** LINK around 15 USD, 80% annual volatility and about one ~2% jump a day: the default scenario's process. */
export const DEFAULT_PRICE_MODEL: PriceModel = {
  process: 'jump-diffusion',
  start: 15,
  drift: 0,
  volatility: 0.8,
  jumps: { perDay: 1, meanLog: 0, sigmaLog: 0.02 },
};

/** The oracle value of `price` for a source with `decimals` (integer form unless `decimal`). */
export function oracleValueOf(price: number, decimals: number, decimal: boolean): string {
  const fixed = price.toFixed(Math.min(decimals, 100));
  if (decimal) return fixed;
  return formatScaled(parseScaled(fixed, decimals, 'price'), 0);
}

/** An exact decimal price string as the source's value (refused if it has more places than the source). */
export function oracleValueExact(price: string, decimals: number, decimal: boolean, path: string): string {
  const v = parseScaled(price, decimals, path);
  return decimal ? formatScaled(v, decimals) : v.toString();
}

/** The price a published value stands for (quote units). */
export function oraclePriceOf(value: string, decimals: number, decimal: boolean): number {
  return decimal ? Number(value) : Number(value) / 10 ** decimals;
}

interface Feed {
  readonly info: MarketInfo;
  process: PriceProcess;
  /** seconds since the genesis when the process started */
  readonly origin: number;
  next: number;
}

/** Publishes model prices on a cadence; remembers the last published price of every market (replay included). */
export class OracleFeed {
  private readonly feeds: Feed[] = [];
  readonly last = new Map<string, { price: number; time: number }>();

  constructor(
    private readonly markets: readonly MarketInfo[],
    private readonly cfg: OracleConfig,
  ) {}

  /** Records what a (replayed or live) oracle command published, for each market it feeds. */
  observe(c: VenueCommand, tSec: number): void {
    if (c.kind !== 'oracle') return;
    for (const m of this.markets) {
      const o = m.oracle;
      if (!o || !o.signers.every((s) => c.signers.includes(s))) continue;
      const v = c.properties[o.property];
      if (v !== undefined) this.last.set(m.id, { price: oraclePriceOf(v, o.decimals, o.decimal), time: tSec });
    }
  }

  /** Starts the models at `tSec` (after replay): a process continues from the last published price. */
  start(tSec: number): void {
    if (this.cfg.mode !== 'model') return;
    const cfg = this.cfg;
    const root = new Prng(`perpsim/venue/${cfg.seed}`);
    for (const info of this.markets) {
      if (!info.oracle) continue;
      const model = cfg.models.get(info.id) ?? cfg.fallback;
      let process: PriceProcess;
      let origin = tSec;
      if (model.process === 'csv') {
        process = loadPriceCsv(model.file);
        origin = 0;
      } else {
        const start = this.last.get(info.id)?.price ?? model.start;
        process = new JumpDiffusion(
          { start, drift: model.drift, volatility: model.volatility },
          model.process === 'jump-diffusion' ? model.jumps : undefined,
          root.fork(`price/${info.id}/${Math.floor(tSec)}`),
        );
      }
      this.feeds.push({ info, process, origin, next: tSec });
    }
  }

  /** The oracle commands due at `tSec` (seconds since the genesis). */
  due(tSec: number): VenueCommand[] {
    if (this.cfg.mode !== 'model') return [];
    const out: VenueCommand[] = [];
    for (const f of this.feeds) {
      if (tSec < f.next) continue;
      const o = f.info.oracle!;
      const price = f.process.at(Math.max(0, tSec - f.origin));
      out.push({
        kind: 'oracle',
        signers: [...o.signers],
        properties: { [o.property]: oracleValueOf(price, o.decimals, o.decimal) },
      });
      f.next = tSec + this.cfg.everySeconds;
    }
    return out;
  }
}
