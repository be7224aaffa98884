// New-spot-market proposals (spec 0080-SPOT; Vega v0.79 checkNewSpotMarketConfiguration and
// validateNewSpotMarketChange): the BTC/USDT example (vega-market-sim's research configuration) read into a
// SpotMarketSpec, Vega's refusals with the field path, the spot analysis at a price, and `perpsim analyze` on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Decimal } from '../../src/core/index.ts';
import { isSpotProposal, parseSpotProposal, type AssetRegistry } from '../../src/proposal/index.ts';
import { analyseSpotProposal } from '../../src/analysis/spot.ts';
import { issuesOf, read, root } from './helpers.ts';

const BTC_ID = 'b335cd4ba8a9c5b387b66117e5ee6dbd5a03fb7c74ee4a1d012589aafd45eb25';
const assets: AssetRegistry = { [BTC_ID]: { symbol: 'BTC', decimals: 8, quantum: Decimal.parse('1000') } };
const CHANGES = 'terms.newSpotMarket.changes';
const example = () => read('btc-usdt-spot');

test('the BTC/USDT spot proposal reads into a spot market specification', () => {
  const doc = example();
  assert.equal(isSpotProposal(doc), true);
  const p = parseSpotProposal(doc, { assets });
  const s = p.spec;
  assert.equal(s.id, 'BTC/USDT-SPOT');
  assert.equal(s.baseAsset, BTC_ID);
  assert.equal(p.quoteAsset.symbol, 'USDT');
  assert.equal(s.decimalPlaces, 2);
  assert.equal(s.positionDecimalPlaces, 4);
  assert.equal(s.tickSize, 10n);
  assert.equal(s.priceMonitoringTriggers.length, 4);
  assert.equal(s.targetStake.timeWindow, 3600);
  assert.equal(s.targetStake.scalingFactor.toString(), '0.05');
  assert.equal(s.sla.priceRange.toString(), '0.03');
  // enactment − closing = 1701450000 − 1701446400
  assert.equal(s.openingAuctionDuration, 3600);
  assert.equal(s.riskModel.kind, 'logNormal');
});

test('Vega refusals name the field: same assets, decimals beyond the assets, unknown fields, missing parts', () => {
  const same = example();
  same.terms.newSpotMarket.changes.instrument.spot.baseAsset =
    same.terms.newSpotMarket.changes.instrument.spot.quoteAsset;
  assert.ok(
    issuesOf(() => parseSpotProposal(same, { assets })).some(
      (i) => i.path === `${CHANGES}.instrument.spot.quoteAsset` && /must differ/.test(i.message),
    ),
  );
  // price 3 + size 4 decimals > USDT's 6
  const dp = example();
  dp.terms.newSpotMarket.changes.priceDecimalPlaces = '3';
  assert.ok(
    issuesOf(() => parseSpotProposal(dp, { assets })).some(
      (i) => i.path === `${CHANGES}.priceDecimalPlaces` && /less than or equal to asset decimals/.test(i.message),
    ),
  );
  // size 4 decimals > a base asset with 2
  const few = { [BTC_ID]: { symbol: 'BTC', decimals: 2, quantum: Decimal.ONE } };
  assert.ok(
    issuesOf(() => parseSpotProposal(example(), { assets: few })).some(
      (i) => i.path === `${CHANGES}.sizeDecimalPlaces` && /base asset decimal places/.test(i.message),
    ),
  );
  const unknown = example();
  unknown.terms.newSpotMarket.changes.linearSlippageFactor = '0.1';
  assert.ok(
    issuesOf(() => parseSpotProposal(unknown, { assets })).some((i) => i.path === `${CHANGES}.linearSlippageFactor`),
  );
  const noTick = example();
  delete noTick.terms.newSpotMarket.changes.tickSize;
  assert.deepEqual(
    issuesOf(() => parseSpotProposal(noTick, { assets })).map((i) => [i.path, i.message]),
    [[`${CHANGES}.tickSize`, 'is required']],
  );
  const prob = example();
  prob.terms.newSpotMarket.changes.priceMonitoringParameters.triggers[0].probability = '0.5';
  assert.ok(
    issuesOf(() => parseSpotProposal(prob, { assets })).some((i) =>
      i.path.startsWith(`${CHANGES}.priceMonitoringParameters.triggers[0].probability`),
    ),
  );
  // without --asset the base asset is unknown
  assert.ok(
    issuesOf(() => parseSpotProposal(example())).some((i) => i.path === `${CHANGES}.instrument.spot.baseAsset`),
  );
});

test('the spot analysis at a price: smallest order, its value and fees, bounds and the SLA', () => {
  const a = analyseSpotProposal('x', parseSpotProposal(example(), { assets }), { price: '40000' });
  // smallest order 10^-4 BTC worth 40000 × 0.0001 = 4 USDT; maker 0.00025 + infrastructure 0.0005 on 4 = 0.003
  assert.equal(a.market.smallestOrder, '0.0001');
  assert.equal(a.orders.smallestOrderValue, '4');
  assert.equal(a.orders.smallestOrderFees, '0.003');
  // tick 10 in 2 price decimals = 0.1
  assert.equal(a.market.tick, '0.1');
  assert.equal(a.priceMonitoring.length, 4);
  for (const t of a.priceMonitoring) assert.ok(+t.min < 40000 && +t.max > 40000);
  assert.throws(() => analyseSpotProposal('x', parseSpotProposal(example(), { assets }), { price: '1.0000001' }));
});

test('perpsim analyze on the spot proposal: text, JSON and the asset given on the command line', () => {
  const cwd = fileURLToPath(root);
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'analyze', ...args], { cwd, encoding: 'utf8' });
  const asset = `${BTC_ID}=BTC:8`;
  const text = run(['scenarios/btc-usdt-spot.proposal.json', '--price', '40000', '--asset', asset]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /spot, BTC bought and sold for USDT/);
  const json = run(['scenarios/btc-usdt-spot.proposal.json', '--json', '--asset', asset]);
  assert.equal(json.status, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).market.product, 'spot');
  const missing = run(['scenarios/btc-usdt-spot.proposal.json']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /instrument\.spot\.baseAsset: unknown asset/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /);
});
