// The real Vega mainnet new-market proposals of scenarios/mainnet/ (transcribed from vegaprotocol/vega-market-sim's
// mainnet configs, sources in scenarios/mainnet/README.md): those Vega v0.79 accepts analyse with exit status 0, with
// risk factors equal to an independent integration of the log-normal expected shortfall over the parameters read
// straight from the JSON; those it rejects are refused with Vega's own reason; `session` runs on the accepted ones.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProposalAnalysis } from '../../src/analysis/proposal.ts';
import { close, riskFactorsByIntegration } from './independent.ts';
import { perpsimInProcess } from '../cli/in-process.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = 'scenarios/mainnet';

/** The CLI, run in this process (test/cli/in-process.ts). */
function perpsim(args: string[]) {
  return perpsimInProcess(args);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (name: string): any => JSON.parse(readFileSync(`${root}${dir}/${name}.proposal.json`, 'utf8'));

/** Accepted by Vega v0.79, with a price to run a session at (about the market's level when it was proposed). */
const ACCEPTED: Record<string, string> = {
  'btc-usdt-perp': '60000',
  'sol-usdt-perp': '150',
  'hlp-usdt-points-future': '0.5',
};
/**
 * Rejected by v0.79: the liquidation strategy has no disposalSlippageRange, required since v0.76 (CHANGELOG
 * "New futures and derivatives market proposals now require … disposalSlippageRange"); core/governance/market.go
 * validateLiquidationStrategy: "liquidation strategy must specify a disposal slippage range > 0".
 */
const REJECTED = ['eth-usdt-perp', 'inj-usdt-perp', 'ldo-usdt-perp', 'snx-usdt-perp', 'eglp-usdt-points-future'];

describe('real mainnet proposals (scenarios/mainnet)', () => {
  test('the folder holds the eight proposals, each listed in its README with its source', async () => {
    const files = readdirSync(`${root}${dir}`).filter((f) => f.endsWith('.proposal.json'));
    assert.deepEqual(
      files.map((f) => f.replace('.proposal.json', '')).sort(),
      [...Object.keys(ACCEPTED), ...REJECTED].sort(),
    );
    const readme = readFileSync(`${root}${dir}/README.md`, 'utf8');
    for (const f of files) assert.ok(readme.includes(f), `${f} is described in the README`);
  });

  test('the 18 triggers of BTC and the 71 of the points futures are within Vega v0.79 bound of 100', async () => {
    assert.equal(json('btc-usdt-perp').priceMonitoringParameters.triggers.length, 18);
    assert.equal(json('hlp-usdt-points-future').priceMonitoringParameters.triggers.length, 71);
    assert.equal(json('eglp-usdt-points-future').priceMonitoringParameters.triggers.length, 71);
  });

  for (const name of Object.keys(ACCEPTED)) {
    test(`${name}: analyses with exit 0; risk factors match the log-normal expected shortfall`, async () => {
      const r = await perpsim(['analyze', `${dir}/${name}.proposal.json`, '--json']);
      assert.equal(r.status, 0, r.stderr);
      const a = JSON.parse(r.stdout) as ProposalAnalysis;
      const ln = json(name).logNormal;
      const rf = riskFactorsByIntegration({
        lambda: Number(ln.riskAversionParameter),
        tau: Number(ln.tau),
        mu: Number(ln.params.mu),
        sigma: Number(ln.params.sigma),
      });
      assert.ok(close(+a.riskFactors.long, rf.long, 1e-7), `long ${a.riskFactors.long} vs ${rf.long}`);
      assert.ok(close(+a.riskFactors.short, rf.short, 1e-7), `short ${a.riskFactors.short} vs ${rf.short}`);
      // every trigger of the proposal is analysed
      assert.equal(a.priceMonitoring.length, json(name).priceMonitoringParameters.triggers.length);
      // quadraticSlippageFactor "" or absent: no deprecation note; no error-severity finding
      assert.deepEqual(
        a.warnings.filter((w) => w.severity === 'error'),
        [],
      );
    });
  }

  test('BTC: about 100x maximum leverage, as the forum described it (1/rf_short = 100.6)', async () => {
    const r = await perpsim(['analyze', `${dir}/btc-usdt-perp.proposal.json`, '--json']);
    const a = JSON.parse(r.stdout) as ProposalAnalysis;
    assert.ok(Math.abs(a.leverage.max.short - 100.6) < 0.05, String(a.leverage.max.short));
  });

  for (const name of REJECTED) {
    test(`${name}: refused with Vega's reason`, async () => {
      const r = await perpsim(['analyze', `${dir}/${name}.proposal.json`]);
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /liquidationStrategy\.disposalSlippageRange: liquidation strategy must specify a disposal slippage range > 0/,
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  for (const [name, price] of Object.entries(ACCEPTED)) {
    test(`session runs on ${name}`, async () => {
      const r = await perpsim([
        'session',
        '--proposal',
        `${dir}/${name}.proposal.json`,
        '--price',
        price,
        '--steps',
        '4',
        '--json',
      ]);
      assert.equal(r.status, 0, r.stderr);
      const s = JSON.parse(r.stdout) as {
        market: { id: string };
        summary: { trades: number; moneyConserved: boolean };
      };
      assert.equal(s.market.id, json(name).instrument.code);
      assert.ok(s.summary.trades > 0, 'the opening auction uncrosses and the market trades');
      assert.equal(s.summary.moneyConserved, true);
    });
  }
});
