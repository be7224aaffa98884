// Long random-command fuzz of the engine (not in CI): `npm run fuzz -- --commands N --seed S [--check-every K]`.
// N seeded random commands go through one Exchange with a perpetual (hourly funding, oracle settlement data)
// and a cash-settled future (both opened by an opening auction first): limit orders of every time in force, market orders, post-only, reduce-only,
// pegged and iceberg orders, stop orders, amends, cancels, cancel-all, deposits, withdrawals, liquidity commitments
// and their amendments, oracle prices, ticks and block ends. After every command money must be conserved: the
// simulator's conservation checker (src/sim/conservation.ts) mirrors every account from the ledger events and checks
// the accounts touched by the command against the engine, no negative balance, and Σ non-EXTERNAL balances = net
// deposits per asset; every K commands (and at the end) every account is scanned and the engine's total is also
// compared with the net deposits this script counted itself from accepted deposits and withdrawals. The whole run is
// then repeated from the same seed and the two state hashes must be equal. Exit 0 when all holds, 1 otherwise.
// The generator lives here rather than being shared with test/core/property.test.ts, because that one reaches into
// engine internals and code outside src/core may use only src/core/index.ts.
import { parseArgs } from 'node:util';
import { benchMarketConfig } from '../bench/engine-bench.ts';
import { Prng } from '../bench/prng.ts';
import {
  dec,
  Decimal,
  Exchange,
  NS,
  type EngineEvent,
  type EventSink,
  type MarketConfig,
  type OrderSubmission,
  type PeggedReference,
  type Side,
  type TimeInForce,
} from '../src/core/index.ts';
import { ConservationChecker } from '../src/sim/conservation.ts';

const USAGE = `usage: npm run fuzz -- [--commands N] [--seed S] [--check-every K] [--exclude KIND,...] [--quiet]
  --exclude KINDS  leave out command kinds (e.g. one with a known engine bug): limit, market, pegged, stop, amend,
                   cancel, cancelAll, deposit, withdraw, lp-submit, lp-amend, lp-cancel, oracle, tick, block
  --commands N     random commands per run (default 1000000; 10000000 for the long run)
  --seed S         generator seed (default 1)
  --check-every K  full account scans every K commands (default 10000); conservation is checked after every command
  --quiet          no progress lines`;

const ASSET = 'USD';
const ORACLE = '0xFUZZ';
const START = 1_700_000_000n * NS;
const PARTIES = Array.from({ length: 24 }, (_, i) => `fuzz${String(i).padStart(2, '0')}`);
const MARKETS = ['PERP', 'FUT'] as const;

function marketConfigs(): MarketConfig[] {
  const base = benchMarketConfig();
  const perp: MarketConfig = {
    ...base,
    id: 'PERP',
    riskModel: { ...base.riskModel, maxMoveUp: dec('200'), minMoveDown: dec('-200') } as MarketConfig['riskModel'],
    openingAuctionDuration: 2,
    product: {
      kind: 'perpetual',
      settlementData: { signers: [ORACLE], property: 'perp.USD.value', decimals: 0 },
      settlementSchedule: { kind: 'timeTrigger', every: 3600 },
      marginFundingFactor: dec('0.9'),
      interestRate: dec('0.1095'),
      clampLowerBound: dec('-0.0005'),
      clampUpperBound: dec('0.0005'),
    },
  };
  const fut: MarketConfig = { ...base, id: 'FUT', openingAuctionDuration: 2 };
  return [perp, fut];
}

/** The sink: ledger events to the conservation mirror, and a count of the events. */
class FuzzSink implements EventSink {
  readonly checker = new ConservationChecker();
  events = 0;
  emit(e: EngineEvent): void {
    this.events++;
    if (e.type === 'ledger') this.checker.onEntry(e.entry);
    else if (e.type === 'accountCreated') this.checker.onAccountCreated(e.account);
  }
}

interface RunStats {
  readonly stateHash: string;
  readonly seconds: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly trades: number;
  readonly events: number;
  readonly byKind: Record<string, number>;
  readonly reasons: ReadonlyMap<string, number>;
  /** per market, the commands aimed at it that found it in continuous trading (the rest met an auction) */
  readonly continuousCommands: Record<string, number>;
}

class FuzzFailure extends Error {}

/** The command kinds by the generator's first draw (lp stands for lp-submit, lp-amend and lp-cancel). */
const KIND_BOUNDS: readonly [number, string][] = [
  [0.4, 'limit'],
  [0.47, 'market'],
  [0.52, 'pegged'],
  [0.54, 'stop'],
  [0.66, 'amend'],
  [0.8, 'cancel'],
  [0.81, 'cancelAll'],
  [0.83, 'deposit'],
  [0.85, 'withdraw'],
  [0.86, 'lp'],
  [0.88, 'oracle'],
  [0.9, 'tick'],
  [1, 'block'],
];
export const KINDS = [...KIND_BOUNDS.map(([, k]) => k).filter((k) => k !== 'lp'), 'lp-submit', 'lp-amend', 'lp-cancel'];
const kindOf = (u: number): string => KIND_BOUNDS.find(([b]) => u < b)![1];

function run(
  commands: number,
  seed: number,
  checkEvery: number,
  excluded: ReadonlySet<string>,
  progress: (done: number) => void,
): RunStats {
  const rng = new Prng(seed);
  const sink = new FuzzSink();
  const ex = new Exchange({ now: START, sink, params: { markPriceUpdateMaximumFrequency: NS } });
  ex.registerAsset({ id: ASSET, decimals: 6, quantum: Decimal.ONE });
  for (const c of marketConfigs()) ex.createMarket(c);
  let netDeposits = 0n;
  let now = START;
  let accepted = 0;
  let rejected = 0;
  let trades = 0;
  let lpSeq = 0;
  const fair = { PERP: 10_000, FUT: 10_000 };
  /** our view of live order ids per market (pruned lazily: a stale id just gets rejected) */
  const live: Record<string, { id: string; party: string }[]> = { PERP: [], FUT: [] };
  const byKind: Record<string, number> = {};
  const count = (k: string) => (byKind[k] = (byKind[k] ?? 0) + 1);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)]!;
  const side = (): Side => (rng.next() < 0.5 ? 'buy' : 'sell');
  const reasons = new Map<string, number>();
  const result = (r: { error?: string }) => {
    if (r.error === undefined) accepted++;
    else {
      rejected++;
      reasons.set(r.error, (reasons.get(r.error) ?? 0) + 1);
    }
  };

  const deposit = (party: string, amount: bigint) => {
    const r = ex.deposit(party, ASSET, amount);
    if (!r.error) netDeposits += amount;
    result(r);
  };
  for (const p of PARTIES) deposit(p, 1_000_000_000_000n);
  const check = (i: number, what: string) => {
    sink.checker.where = () => `command ${i} (${what})`;
    sink.checker.endBlock();
    if (!sink.checker.ok) throw new FuzzFailure(`seed ${seed}: money not conserved: ${sink.checker.report().failure}`);
  };
  const fullCheck = (i: number) => {
    sink.checker.fullScan(ex.ledger.all());
    let held = 0n;
    for (const a of ex.ledger.all()) if (a.type !== 'EXTERNAL' && a.asset === ASSET) held += a.balance;
    if (held !== netDeposits)
      throw new FuzzFailure(`seed ${seed}: after command ${i} accounts hold ${held}, net deposits are ${netDeposits}`);
    const r = sink.checker.report();
    if (!r.ok) throw new FuzzFailure(`seed ${seed}: money not conserved: ${r.failure}`);
  };

  // an opening for both markets: liquidity commitments, and a buy and a sell at the fair price to uncross at
  for (const m of MARKETS) {
    for (const p of PARTIES.slice(0, 2))
      result(ex.submitLiquidityProvision(`lp${++lpSeq}`, p, m, 100_000_000_000n, dec('0.01')));
    for (let k = 0; k < 2; k++) {
      const p = PARTIES[2 + k]!;
      result(
        ex.submitOrder({
          marketId: m,
          party: p,
          side: k ? 'sell' : 'buy',
          size: 5,
          price: fair[m],
          type: 'LIMIT',
          tif: 'GTC',
        }),
      );
      result(
        ex.submitOrder({
          marketId: m,
          party: p,
          side: k ? 'sell' : 'buy',
          size: 5,
          price: fair[m] + (k ? 20 : -20),
          type: 'LIMIT',
          tif: 'GTC',
        }),
      );
    }
  }
  ex.endBlock();
  now += 1801n * NS; // the network's minimum opening auction is 30 minutes
  ex.advanceTo(now);
  ex.endBlock();
  const continuousCommands: Record<string, number> = { PERP: 0, FUT: 0 };
  const t0 = process.hrtime.bigint();
  let kind = 'setup';
  for (let i = 1; i <= commands; i++) {
    try {
      const market = pick(MARKETS);
      const party = pick(PARTIES);
      // the fair price jumps now and then, and is pulled back towards 10,000 (so that margins stay affordable)
      if (rng.next() < 0.01) {
        const f = fair[market] * (1 + (rng.next() - 0.5) * 0.06);
        fair[market] = Math.max(100, Math.round(f + (10_000 - f) * 0.1));
      }
      const px = () => Math.max(1, fair[market] + rng.int(-60, 60));
      const u = rng.next();
      if (excluded.has(kindOf(u))) continue;
      if (u < 0.4) {
        kind = 'limit';
        const tif: TimeInForce = pick(['GTC', 'GTC', 'GTC', 'GTT', 'IOC', 'FOK', 'GFN'] as const);
        const sub: OrderSubmission = {
          marketId: market,
          party,
          side: side(),
          size: rng.int(1, 20),
          price: px(),
          type: 'LIMIT',
          tif,
          ...(tif === 'GTT' ? { expiresAt: now + BigInt(rng.int(1, 120)) * NS } : {}),
          ...(rng.next() < 0.1 && (tif === 'GTC' || tif === 'GTT') ? { postOnly: true } : {}),
          ...(rng.next() < 0.05 && (tif === 'IOC' || tif === 'FOK') ? { reduceOnly: true } : {}),
          ...(rng.next() < 0.05 && tif === 'GTC' ? { iceberg: { peakSize: 3, minimumVisibleSize: 1 } } : {}),
        };
        const r = ex.submitOrder(sub);
        result(r);
        trades += r.trades.length;
        if (r.order && (r.order.status === 'ACTIVE' || r.order.status === 'PARKED'))
          live[market]!.push({ id: r.order.id, party });
      } else if (u < 0.47) {
        kind = 'market';
        const r = ex.submitOrder({
          marketId: market,
          party,
          side: side(),
          size: rng.int(1, 10),
          type: 'MARKET',
          tif: rng.next() < 0.5 ? 'IOC' : 'FOK',
          ...(rng.next() < 0.2 ? { reduceOnly: true } : {}),
        });
        result(r);
        trades += r.trades.length;
      } else if (u < 0.52) {
        kind = 'pegged';
        const s = side();
        const reference: PeggedReference =
          s === 'buy' ? pick(['BEST_BID', 'MID'] as const) : pick(['BEST_ASK', 'MID'] as const);
        const r = ex.submitOrder({
          marketId: market,
          party,
          side: s,
          size: rng.int(1, 10),
          type: 'LIMIT',
          tif: 'GTC',
          peg: { reference, offset: rng.int(reference === 'MID' ? 1 : 0, 20) },
        });
        result(r);
        if (r.order && (r.order.status === 'ACTIVE' || r.order.status === 'PARKED'))
          live[market]!.push({ id: r.order.id, party });
      } else if (u < 0.54) {
        kind = 'stop';
        const trigger = fair[market] + rng.int(-100, 100);
        const spec = {
          submission: {
            marketId: market,
            party,
            side: side(),
            size: rng.int(1, 5),
            type: 'MARKET' as const,
            tif: 'IOC' as const,
            reduceOnly: true,
          },
          trigger: { kind: 'price' as const, price: BigInt(Math.max(1, trigger)) },
        };
        result(
          rng.next() < 0.5
            ? ex.submitStopOrders(party, market, spec)
            : ex.submitStopOrders(party, market, undefined, spec),
        );
      } else if (u < 0.66) {
        kind = 'amend';
        const l = live[market]!;
        if (l.length === 0) continue;
        const o = l[rng.int(0, l.length - 1)]!;
        const v = rng.next();
        result(
          ex.amendOrder({
            orderId: o.id,
            marketId: market,
            party: o.party,
            ...(v < 0.4 ? { price: px() } : v < 0.8 ? { sizeDelta: rng.int(-3, 3) || 1 } : { size: rng.int(1, 20) }),
          }),
        );
      } else if (u < 0.8) {
        kind = 'cancel';
        const l = live[market]!;
        if (l.length === 0) continue;
        const j = rng.int(0, l.length - 1);
        const o = l[j]!;
        l[j] = l[l.length - 1]!;
        l.pop();
        result(ex.cancelOrder(o.party, market, o.id));
      } else if (u < 0.81) {
        kind = 'cancelAll';
        result(ex.cancelAllOrders(party, rng.next() < 0.5 ? market : undefined));
      } else if (u < 0.83) {
        kind = 'deposit';
        deposit(party, BigInt(rng.int(1, 1_000_000)) * 1_000_000n);
      } else if (u < 0.85) {
        kind = 'withdraw';
        const amount = BigInt(rng.int(1, 1_000_000)) * 1000n;
        const r = ex.withdraw(party, ASSET, amount);
        if (!r.error) netDeposits -= amount;
        result(r);
      } else if (u < 0.86) {
        const commitment = BigInt(rng.int(1, 50)) * 1_000_000_000n;
        const fee = dec(String(rng.int(1, 50) / 1000));
        kind = rng.next() < 0.7 ? 'lp-submit' : rng.next() < 0.7 ? 'lp-amend' : 'lp-cancel';
        if (excluded.has(kind)) continue;
        const r =
          kind === 'lp-submit'
            ? ex.submitLiquidityProvision(`lp${++lpSeq}`, party, market, commitment, fee)
            : kind === 'lp-amend'
              ? ex.amendLiquidityProvision(party, market, commitment, fee)
              : ex.cancelLiquidityProvision(party, market);
        result(r);
      } else if (u < 0.88) {
        kind = 'oracle';
        const r = ex.submitOracleData({
          signers: [ORACLE],
          properties: { 'perp.USD.value': String(fair.PERP + rng.int(-50, 50)) },
          timestamp: now,
        });
        result(r);
      } else if (u < 0.9) {
        kind = 'tick';
        now += BigInt(rng.int(0, 2)) * NS;
        ex.advanceTo(now);
      } else {
        kind = 'block';
        ex.endBlock();
        now += BigInt(rng.next() < 0.02 ? rng.int(60, 1800) : 1) * NS;
        ex.advanceTo(now);
      }
      count(kind);
      if (ex.market(market)?.tradingMode === 'CONTINUOUS') continuousCommands[market]!++;
      check(i, kind);
      if (i % checkEvery === 0) {
        fullCheck(i);
        progress(i);
      }
      if (live[market]!.length > 4000) live[market]!.splice(0, 2000); // stale ids: keep the list bounded
    } catch (e) {
      if (e instanceof FuzzFailure) throw e;
      // the engine reports rejections as results; an exception is a bug found (reproduce with the same seed)
      const err = e as Error;
      throw new FuzzFailure(`seed ${seed}: command ${i} (${kind}) threw ${err.name}: ${err.message}`);
    }
  }
  ex.endBlock();
  check(commands, 'final block end');
  fullCheck(commands);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    stateHash: ex.stateHash(),
    seconds,
    accepted,
    rejected,
    trades,
    events: sink.events,
    byKind,
    reasons,
    continuousCommands,
  };
}

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        commands: { type: 'string', default: '1000000' },
        seed: { type: 'string', default: '1' },
        'check-every': { type: 'string', default: '10000' },
        quiet: { type: 'boolean', default: false },
        exclude: { type: 'string', default: '' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const int = (v: string, name: string, min: number): number => {
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < min) throw new FuzzFailure(`--${name}: "${v}" must be an integer >= ${min}`);
    return n;
  };
  let commands: number, seed: number, checkEvery: number;
  const excluded = new Set(values.exclude.split(',').filter((k) => k !== ''));
  try {
    for (const k of excluded)
      if (!KINDS.includes(k))
        throw new FuzzFailure(`--exclude: unknown command kind "${k}" (kinds: ${KINDS.join(', ')})`);
    commands = int(values.commands, 'commands', 1);
    seed = int(values.seed, 'seed', 0);
    checkEvery = int(values['check-every'], 'check-every', 1);
  } catch (e) {
    console.error(`fuzz: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const started = performance.now();
  const runs: RunStats[] = [];
  try {
    for (const label of ['run 1', 'run 2']) {
      const t = performance.now();
      const step = Math.max(checkEvery, Math.ceil(commands / 20 / checkEvery) * checkEvery);
      const r = run(commands, seed, checkEvery, excluded, (done) => {
        if (!values.quiet && done % step === 0)
          console.error(
            `${label}: ${fmt(done)}/${fmt(commands)} commands, ${fmt(done / ((performance.now() - t) / 1000))} commands/s`,
          );
      });
      runs.push(r);
      console.log(
        `${label}: ${fmt(commands)} commands in ${r.seconds.toFixed(1)} s = ${fmt(commands / r.seconds)} commands/s; ` +
          `${fmt(r.accepted)} accepted, ${fmt(r.rejected)} rejected, ${fmt(r.trades)} trades, ${fmt(r.events)} events; money conserved after every command; state hash ${r.stateHash.slice(0, 16)}…`,
      );
    }
  } catch (e) {
    if (e instanceof FuzzFailure) {
      console.error(`fuzz: FAILED: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const [a, b] = runs as [RunStats, RunStats];
  const mix = Object.entries(a.byKind)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
  console.log(`command mix: ${mix}`);
  const top = [...a.reasons]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join('; ');
  console.log(`top rejections: ${top}`);
  const share = (m: string) => `${m} ${((100 * a.continuousCommands[m]!) / commands).toFixed(0)}%`;
  console.log(
    `commands that found their market in continuous trading (of all commands): ${MARKETS.map(share).join(', ')}`,
  );
  if (a.stateHash !== b.stateHash) {
    console.log(
      `fuzz: FAILED: seed ${seed}: the two runs ended in different states (${a.stateHash} vs ${b.stateHash})`,
    );
    return 1;
  }
  const total = (performance.now() - started) / 1000;
  console.log(
    `fuzz: OK: seed ${seed}, ${fmt(commands)} commands x 2 runs, identical state hash ${a.stateHash}, ` +
      `${fmt((2 * commands) / (a.seconds + b.seconds))} commands/s (${total.toFixed(1)} s in all)`,
  );
  return 0;
}

process.exitCode = main();
