// Property test of the margin-fraction cross collateral (src/core/margin-fraction/collateral.ts): random streams of
// token and quote deposits and withdrawals, token prices with random confidence (and crashes), orders, index moves
// and blocks on a margin-fraction perpetual whose traders hold ETH and BTC as collateral. After every command each
// asset is conserved (Σ accounts = net deposits: tokens move only between parties and the lending pool), no account
// is negative, the loans add up (Σ open loans = lent − repaid − repaid by liquidation − written off, and the pool's
// quote = funded − lent + repaid); after every block end no loan exceeds its maintenance-weighted collateral. The
// stream must have drawn and repaid loans, liquidated tokens and closed positions out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Exchange } from '../../../src/core/exchange/exchange.ts';
import { EventLog } from '../../../src/core/events.ts';
import { Decimal, dec } from '../../../src/core/num/decimal.ts';
import { NS, type Side } from '../../../src/core/types.ts';
import { Rng } from '../fixtures.ts';
import { mfMarket, ORACLE } from './helpers.ts';

const T0 = 1_700_000_000n * NS;
const TRADERS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
const ASSETS = ['USD', 'ETH', 'BTC'] as const;
const COMMANDS = 3000;

function run(seed: number) {
  const rng = new Rng(seed);
  const log = new EventLog();
  const ex = new Exchange({
    now: T0,
    params: { markPriceUpdateMaximumFrequency: 0n, auctionMinimumDuration: NS },
    sink: log,
  });
  ex.registerAsset({ id: 'USD', decimals: 0, quantum: Decimal.ONE });
  ex.registerAsset({ id: 'ETH', decimals: 3, quantum: Decimal.ONE });
  ex.registerAsset({ id: 'BTC', decimals: 4, quantum: Decimal.ONE });
  const market = ex.createMarket(mfMarket());
  const net: Record<string, bigint> = { USD: 0n, ETH: 0n, BTC: 0n };
  const deposit = (party: string, asset: string, amount: bigint) => {
    assert.deepEqual(ex.deposit(party, asset, amount), {});
    net[asset]! += amount;
  };
  let funded = 200_000n;
  assert.deepEqual(ex.fundLendingPool('USD', funded), {});
  net.USD! += funded;
  assert.equal(
    ex.configureCollateralToken({
      asset: 'ETH',
      quote: 'USD',
      initialWeight: dec('0.8'),
      maintenanceWeight: dec('0.9'),
    }).error,
    undefined,
  );
  assert.equal(
    ex.configureCollateralToken({
      asset: 'BTC',
      quote: 'USD',
      initialWeight: dec('0.7'),
      maintenanceWeight: dec('0.85'),
      maxConfidence: dec('0.02'),
    }).error,
    undefined,
  );
  // prices in USD per whole token, 2 decimals
  const px: Record<string, number> = { ETH: 200_000, BTC: 3_000_000 };
  const price = (asset: 'ETH' | 'BTC') => {
    const conf = BigInt(Math.floor(px[asset]! * rng.float() * 0.03));
    assert.deepEqual(ex.collateralPrice(asset, BigInt(px[asset]!), 2, conf), {});
  };
  price('ETH');
  price('BTC');
  for (const p of ['mm0', 'mm1']) deposit(p, 'USD', 1_000_000n);
  for (const p of TRADERS) {
    deposit(p, 'USD', BigInt(rng.int(0, 500)) + 1n);
    deposit(p, 'ETH', BigInt(rng.int(100, 2000))); // 0.1 to 2 ETH
    if (rng.chance(0.5)) deposit(p, 'BTC', BigInt(rng.int(10, 300)));
  }
  let clock = 0n;
  let fair = 1000;
  const stats = { drawn: 0, repaid: 0, liquidations: 0, closeOuts: 0, refusedWithdrawals: 0, trades: 0 };
  const check = (what: string, afterBlock: boolean) => {
    for (const a of ASSETS) assert.equal(ex.ledger.totalHeld(a), net[a], `${a} conserved after ${what}`);
    for (const a of ex.ledger.all())
      if (a.type !== 'EXTERNAL') assert.ok(a.balance >= 0n, `${a.id} negative (${a.balance}) after ${what}`);
    const cc = ex.crossCollateral;
    assert.ok(cc.loansBalance('USD'), `loans identity after ${what}`);
    const t = cc.totals('USD');
    assert.equal(cc.pool('USD').balance, funded - t.lent + t.repaid, `pool after ${what}`);
    if (afterBlock)
      for (const p of TRADERS) {
        const a = ex.crossCollateralAccount(p, 'USD');
        assert.ok(a.loan <= a.maintenanceValue, `${p}: loan ${a.loan} > collateral ${a.maintenanceValue} (${what})`);
      }
  };
  check('setup', true);
  for (let i = 0; i < COMMANDS; i++) {
    const kind = rng.weighted([
      ['limit', 30],
      ['quote', 15],
      ['market', 8],
      ['cancel', 8],
      ['index', 8],
      ['token', 8],
      ['block', 15],
      ['deposit', 3],
      ['withdraw', 4],
      ['fund', 1],
    ] as const);
    const party = rng.pick(TRADERS);
    const side: Side = rng.chance(0.5) ? 'buy' : 'sell';
    let r: { error?: string } = {};
    switch (kind) {
      case 'limit':
        r = ex.submitOrder({
          marketId: 'M',
          party,
          side,
          size: rng.int(1, 20),
          price: Math.max(1, Math.round(fair * (1 + (rng.float() - 0.5) * 0.06))),
          type: 'LIMIT',
          tif: rng.chance(0.7) ? 'GTC' : 'IOC',
        });
        break;
      case 'quote': {
        const mm = rng.pick(['mm0', 'mm1']);
        const half = rng.int(1, 10);
        for (const [s, p] of [
          ['buy', fair - half],
          ['sell', fair + half],
        ] as const)
          ex.submitOrder({ marketId: 'M', party: mm, side: s, size: 10, price: p, type: 'LIMIT', tif: 'GTC' });
        break;
      }
      case 'market':
        r = ex.submitOrder({ marketId: 'M', party, side, size: rng.int(1, 30), type: 'MARKET', tif: 'IOC' });
        break;
      case 'cancel': {
        const mine = market.partyOrders(party);
        if (mine.length) r = ex.cancelOrder(party, 'M', rng.pick(mine).id);
        break;
      }
      case 'index':
        fair = Math.max(50, Math.round(fair * (1 + rng.normal() * 0.02)));
        r = ex.submitOracleData({ signers: [ORACLE], properties: { 'perp.price': String(fair) }, timestamp: ex.now() });
        break;
      case 'token': {
        const a = rng.chance(0.5) ? 'ETH' : 'BTC';
        // a walk with crashes: loans must be repaid from the money or the tokens liquidated
        const move = rng.chance(0.08) ? -0.5 * rng.float() : rng.normal() * 0.05;
        px[a] = Math.max(100, Math.round(px[a]! * (1 + move)));
        price(a);
        break;
      }
      case 'block':
        clock += BigInt(rng.int(1, 5));
        ex.advanceTo(T0 + clock * NS);
        ex.endBlock();
        break;
      case 'deposit': {
        const a = rng.pick(ASSETS);
        deposit(party, a, BigInt(rng.int(1, a === 'USD' ? 1000 : 500)));
        break;
      }
      case 'withdraw': {
        const a = rng.pick(ASSETS);
        const have = ex.ledger.get(party, 'GENERAL', a)?.balance ?? 0n;
        if (have <= 0n) break;
        const amount = BigInt(rng.int(1, Number(have > 10_000n ? 10_000n : have)));
        const w = ex.withdraw(party, a, amount);
        if (w.error) {
          assert.match(w.error, /^margin-fraction collateral: /);
          stats.refusedWithdrawals++;
        } else net[a]! -= amount;
        break;
      }
      case 'fund': {
        const amount = BigInt(rng.int(1000, 20_000));
        assert.deepEqual(ex.fundLendingPool('USD', amount), {});
        funded += amount;
        net.USD! += amount;
        break;
      }
    }
    void r;
    check(`command ${i} (${kind} by ${party})`, kind === 'block');
  }
  for (const e of log.events) {
    if (e.type === 'trade') stats.trades++;
    else if (e.type === 'distressedPositions') stats.closeOuts += e.distressed.length;
    else if (e.type === 'ledger' && e.entry.type === 'LOAN_DRAW') stats.drawn++;
    else if (e.type === 'ledger' && e.entry.type === 'LOAN_REPAY') stats.repaid++;
  }
  stats.liquidations = ex.crossCollateral.totals('USD').liquidations;
  return { hash: ex.stateHash(), stats };
}

test(`${COMMANDS} random commands with token collateral: every token conserved, loans balanced and covered`, () => {
  const { stats } = run(0xc011);
  assert.ok(stats.trades > 100, `trades: ${stats.trades}`);
  assert.ok(stats.drawn > 20, `loan draws: ${stats.drawn}`);
  assert.ok(stats.repaid > 5, `loan repayments: ${stats.repaid}`);
  assert.ok(stats.liquidations > 0, `token liquidations: ${stats.liquidations}`);
  assert.ok(stats.closeOuts > 0, `close-outs: ${stats.closeOuts}`);
  assert.ok(stats.refusedWithdrawals > 0, `refused withdrawals: ${stats.refusedWithdrawals}`);
});

test('cross collateral is deterministic: the same stream gives the same state hash', () => {
  assert.equal(run(11).hash, run(11).hash);
});
