// The orders an AMM would place within a price range (spec 0090-VAMM "Determining Liquidity Contribution") and the
// implied commitment taken from them (0042-LIQF-108): the vAMM of Vega's feature 0042-LIQF-108 (commitment 10000,
// base 100, range 98..102, same risk model and margin factors) has a virtual stake of 4669 with stakeToCcyVolume 1,
// the lesser side's notional.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal, riskFactors } from '../../../src/core/index.ts';
import { AmmEngine } from '../../../src/core/amm/engine.ts';
import type { AmmRiskInputs } from '../../../src/core/amm/pool.ts';
import { EquityLikeShares } from '../../../src/core/liquidity/els.ts';

const rf = riskFactors({
  kind: 'logNormal',
  riskAversionParameter: 0.001,
  tau: Number('0.0011407711613050422'),
  mu: 0,
  r: 0.9,
  sigma: 3,
});
const risk: AmmRiskInputs = {
  riskFactorLong: rf.long,
  riskFactorShort: rf.short,
  initialFactor: Decimal.parse('1.5'),
  linearSlippage: Decimal.ONE,
  priceFactor: 1n,
  priceDivisor: 1n,
  positionFactor: Decimal.ONE,
  allowedEmptyLevels: 5,
};
const checks = { quantum: Decimal.ONE, minCommitmentQuantum: Decimal.ONE, available: 1_000_000n };

function pool() {
  const eng = new AmmEngine('ETH/MAR22', () => 0n);
  const p = eng.create(
    {
      party: 'vamm1',
      marketId: 'ETH/MAR22',
      commitment: 10000n,
      slippageTolerance: Decimal.parse('0.05'),
      proposedFee: Decimal.parse('0.03'),
      params: { base: 100n, lowerBound: 98n, upperBound: 102n },
    },
    risk,
    checks,
  );
  eng.confirm(p);
  return { eng, p };
}

const notional = (orders: { price: bigint; size: bigint }[]) => orders.reduce((s, o) => s + o.price * o.size, 0n);

test('the shape within the SLA range: bids 99..98, asks 101..102, the first levels are the best quotes', () => {
  const { eng, p } = pool();
  const shape = p.shape(95n, 105n);
  const bids = shape.filter((o) => o.side === 'buy');
  const asks = shape.filter((o) => o.side === 'sell');
  assert.deepEqual(
    bids.map((o) => o.price),
    [99n, 98n],
  );
  assert.deepEqual(
    asks.map((o) => o.price),
    [101n, 102n],
  );
  const best = eng.bestPrices();
  assert.equal(bids[0]!.size, best.bid!.volume);
  assert.equal(asks[0]!.size, best.ask!.volume);
  // the levels add up to the volume the pool trades out to its bounds
  assert.equal(
    bids.reduce((s, o) => s + o.size, 0n),
    p.volumeUpTo('sell', 98n),
  );
  assert.equal(
    asks.reduce((s, o) => s + o.size, 0n),
    p.volumeUpTo('buy', 102n),
  );
  // Vega's expected virtual stake in 0042-LIQF-108: the lesser notional, the ask side's
  const v = notional(bids) < notional(asks) ? notional(bids) : notional(asks);
  assert.equal(v, 4669n);
});

test('a narrower range cuts the shape; a range beside the pool gives no orders', () => {
  const { p } = pool();
  const shape = p.shape(99n, 101n);
  assert.deepEqual(
    shape.map((o) => [o.side, o.price]),
    [
      ['buy', 99n],
      ['sell', 101n],
    ],
  );
  assert.deepEqual(p.shape(110n, 120n), []);
});

test("an AMM's stake enters the ELS like a commitment, its shown share stays 0 until shares are computed", () => {
  const els = new EquityLikeShares();
  els.setPartyStake('lp1', 10000n);
  els.setPartyStake('lp2', 10000n);
  els.setAmmStake('amm', 4669n);
  const amm = els.entries().find((e) => e.party === 'amm')!;
  // avg = ΣV after entry = 20000 + 4669; shown share 0 (0042-LIQF-109 after the epoch)
  assert.equal(amm.avg.toString(), '24669');
  assert.equal(amm.vStake.toString(), '4669');
  assert.equal(amm.share.toString(), '0');
  // the next computation (a fee allocation): 4669 / 24669 at 16 dp
  assert.equal(els.shares().get('amm')!.toString(), '0.1892658802545705');
  assert.equal(
    els
      .entries()
      .find((e) => e.party === 'amm')!
      .share.toString(),
    '0.1892658802545705',
  );
});
