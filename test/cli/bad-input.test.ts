// Bad input, command by command, as a user types it: each row is the command line (and the files it reads, written
// to a temporary folder first), the exit status expected and words the message must contain. No row may crash (a
// stack trace), hang (each row has a time limit), run out of memory or be silently accepted. The proposal rules
// name the Vega v0.79 rule they mirror (commands/proposal_submission.go, core/governance/market.go).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { perpsimInProcess, type CliRun } from './in-process.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'perpsim-bad-input-'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const LINK: Json = JSON.parse(readFileSync(`${root}scenarios/link-usd-perp.proposal.json`, 'utf8'));
const LINK_TEXT = readFileSync(`${root}scenarios/link-usd-perp.proposal.json`, 'utf8');

/** The LINK proposal with `f` applied to its `changes`, written to `name` in the temporary folder. */
function proposal(name: string, f: (changes: Json, doc: Json) => void): string {
  const doc = structuredClone(LINK);
  f(doc.terms.newMarket.changes, doc);
  return file(name, JSON.stringify(doc, null, 2));
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const SC = (body: string) => `markets: [{proposal: ${root}scenarios/link-usd-perp.proposal.json, ${body}}]\n`;
const GBM = 'price: {process: gbm, start: 15, volatility: 0.5}';
const scenario = (name: string, text: string) => file(name, text);

mkdirSync(join(dir, 'features'));
writeFileSync(
  join(dir, 'features', 'broken.feature'),
  'Feature: broken\n  Scenario: x\n    Given the markets:\n  | a | b |\n  | 1 |\n  Scenario Outline\n   garbage here\n',
);
writeFileSync(join(dir, 'features', 'ok.feature'), 'Feature: empty\n');
const existingFile = file('existing-file', 'not a folder');

interface Row {
  readonly name: string;
  readonly args: readonly string[];
  readonly status: number;
  /** every pattern must match stderr (or stdout for status 0) */
  readonly words: readonly RegExp[];
}

const rows: Row[] = [
  // ------------------------------------------------------------ analyze: Vega's proposal rules
  {
    name: 'analyze: 101 price-monitoring triggers (market.go: at most 100)',
    args: [
      'analyze',
      proposal('triggers-101.json', (c) => {
        const t = c.priceMonitoringParameters.triggers;
        while (t.length < 101) t.push(t[0]);
      }),
    ],
    status: 1,
    words: [/priceMonitoringParameters\.triggers/, /101 price monitoring triggers set, maximum allowed is 100/],
  },
  {
    name: 'analyze: 100 triggers are accepted (v0.79)',
    args: [
      'analyze',
      proposal('triggers-100.json', (c) => {
        const t = c.priceMonitoringParameters.triggers;
        while (t.length < 100) t.push(t[0]);
      }),
    ],
    status: 0,
    words: [/Price monitoring at/],
  },
  {
    name: 'analyze: quadraticSlippageFactor "0.5" is read and ignored with a deprecation note',
    args: ['analyze', proposal('quadratic.json', (c) => (c.quadraticSlippageFactor = '0.5')), '--json'],
    status: 0,
    words: [/"deprecated-field"/, /Vega v0.79 ignores it/],
  },
  {
    name: 'analyze: tickSize missing (required since v0.75)',
    args: ['analyze', proposal('no-tick.json', (c) => delete c.tickSize)],
    status: 1,
    words: [/changes\.tickSize: is required/],
  },
  {
    name: 'analyze: tickSize "0" (must be positive)',
    args: ['analyze', proposal('tick-0.json', (c) => (c.tickSize = '0'))],
    status: 1,
    words: [/changes\.tickSize: must be positive/],
  },
  {
    name: 'analyze: linearSlippageFactor "" (required in v0.79)',
    args: ['analyze', proposal('no-linear.json', (c) => (c.linearSlippageFactor = ''))],
    status: 1,
    words: [/changes\.linearSlippageFactor: is required/],
  },
  {
    name: 'analyze: linear slippage above 1e6 (market.go validateSlippageFactor)',
    args: ['analyze', proposal('linear-big.json', (c) => (c.linearSlippageFactor = '1000001'))],
    status: 1,
    words: [/proposal slippage factor has incorrect value, expected value in \[0,1000000\]/],
  },
  {
    name: 'analyze: a field given twice (protojson: duplicate field)',
    args: [
      'analyze',
      file('dup.json', LINK_TEXT.replace('"decimalPlaces": "2",', '"decimalPlaces": "2",\n"decimalPlaces": "3",')),
    ],
    status: 1,
    words: [/changes\.decimalPlaces: duplicate field "decimalPlaces"/],
  },
  {
    name: 'analyze: camelCase and snake_case of one field (protojson: the same field twice)',
    args: [
      'analyze',
      file('camel-snake.json', LINK_TEXT.replace('"tickSize": "1",', '"tickSize": "1",\n"tick_size": "5",')),
    ],
    status: 1,
    words: [/duplicate field: "tickSize" and "tick_size" name the same field/],
  },
  {
    name: 'analyze: 101 metadata tags',
    args: [
      'analyze',
      proposal('meta-count.json', (c) => (c.metadata = Array.from({ length: 101 }, (_v, i) => `t${i}`))),
    ],
    status: 1,
    words: [/changes\.metadata: must have at most 100 tags, got 101/],
  },
  {
    name: 'analyze: a metadata tag of 300 characters',
    args: ['analyze', proposal('meta-long.json', (c) => (c.metadata = ['x'.repeat(300)]))],
    status: 1,
    words: [/changes\.metadata\[0\]: must be at most 256 characters, got 300/],
  },
  {
    name: 'analyze: a 10-minute opening auction (market.go validateAuctionDuration, minimumDuration 30m)',
    args: [
      'analyze',
      proposal('auction-short.json', (_c, d) => {
        d.terms.closingTimestamp = 1_701_820_800;
        d.terms.enactmentTimestamp = 1_701_821_400;
      }),
      '--fail-on',
      'error',
    ],
    status: 2,
    words: [/proposal opening auction duration is too short, expected > 30m0s, got 10m0s/],
  },
  {
    name: 'analyze: liquidation strategy without disposalSlippageRange (validateLiquidationStrategy)',
    args: [
      'analyze',
      proposal('no-disposal-slippage.json', (c) => {
        c.liquidationStrategy = {
          disposalTimeStep: '1',
          disposalFraction: '1',
          fullDisposalSize: '1000000',
          maxFractionConsumed: '0.1',
        };
      }),
    ],
    status: 1,
    words: [/liquidation strategy must specify a disposal slippage range > 0/],
  },
  {
    name: 'analyze: an exponent out of any range',
    args: ['analyze', proposal('exponent.json', (c) => (c.instrument.perpetual.interestRate = '1e-99999'))],
    status: 1,
    words: [/perpetual\.interestRate: "1e-99999" is out of the range perpsim reads/],
  },
  {
    name: 'analyze: JSON nested 100000 deep (no stack overflow)',
    args: ['analyze', file('deep.json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`)],
    status: 1,
    words: [/nested more than 64 levels deep/],
  },
  {
    name: 'analyze: not JSON',
    args: ['analyze', file('not-json.json', '{"terms": ')],
    status: 1,
    words: [/not valid JSON/, /line 1/],
  },
  {
    name: 'analyze: a directory',
    args: ['analyze', dir],
    status: 1,
    words: [/cannot read the proposal file \(it is a directory\)/],
  },
  { name: 'analyze: /dev/zero', args: ['analyze', '/dev/zero'], status: 1, words: [/not a regular file/] },
  {
    name: 'analyze: --price 1e308',
    args: ['analyze', `${root}scenarios/link-usd-perp.proposal.json`, '--price', '1e308'],
    status: 1,
    words: [/--price: at most 1e15/],
  },
  // ------------------------------------------------------------ session
  {
    name: 'session: a shorter opening auction is an error, not stretched',
    args: ['session', '--proposal', `${root}scenarios/link-usd-perp-v2.proposal.json`],
    status: 1,
    words: [/terms\.enactmentTimestamp: proposal opening auction duration is too short/],
  },
  {
    name: 'session: --price 1e308',
    args: ['session', '--price', '1e308'],
    status: 1,
    words: [/--price: must be a positive decimal/],
  },
  {
    name: 'session: --price too large',
    args: ['session', '--price', '99999999999999'],
    status: 1,
    words: [/--price: .* at most 1e\+12/],
  },
  {
    name: 'session: --price below 100 ticks',
    args: ['session', '--price', '0.01'],
    status: 1,
    words: [/--price: 0\.01 is below 100 ticks/],
  },
  {
    name: 'session: --steps too many',
    args: ['session', '--steps', '99999999'],
    status: 1,
    words: [/--steps: must be an integer in \[1, 10000\]/],
  },
  {
    name: 'session: --block-seconds too long',
    args: ['session', '--block-seconds', '999999'],
    status: 1,
    words: [/--block-seconds: must be an integer in \[1, 86400\]/],
  },
  {
    name: 'session: a missing proposal',
    args: ['session', '--proposal', join(dir, 'nope.json')],
    status: 1,
    words: [/nope\.json: cannot read the proposal file \(ENOENT\)/],
  },
  {
    name: 'session: a bad --asset',
    args: ['session', '--asset', 'zzz'],
    status: 1,
    words: [/asset "zzz": expected ID=SYMBOL:DECIMALS/],
  },
  // ------------------------------------------------------------ simulate: bounds checked before the run
  {
    name: 'simulate: deposit 1e308',
    args: ['simulate', scenario('deposit.yaml', `days: 0.05\n${SC(GBM)}agents: [{type: noise, deposit: 1e308}]\n`)],
    status: 1,
    words: [/agents\[0\]\.deposit: amount: at most 1e\+12, got 1e\+308/],
  },
  {
    name: 'simulate: price.start 1e308',
    args: [
      'simulate',
      scenario(
        'start.yaml',
        `days: 0.05\n${SC('price: {process: gbm, start: 1e308, volatility: 0.5}')}agents: [{type: noise, deposit: 1000}]\n`,
      ),
    ],
    status: 1,
    words: [/markets\[0\]\.price\.start: starting price: at most 1e\+9, got 1e\+308/],
  },
  {
    name: 'simulate: drift 1e6 and volatility 1e6',
    args: [
      'simulate',
      scenario(
        'rates.yaml',
        `days: 0.05\n${SC('price: {process: gbm, start: 15, drift: 1e6, volatility: 1e6}')}agents: [{type: noise, deposit: 1000}]\n`,
      ),
    ],
    status: 1,
    words: [/price\.drift: drift: at most 10 a year/, /price\.volatility: volatility: at most 10 a year/],
  },
  {
    name: 'simulate: jump rate 1e9 a day',
    args: [
      'simulate',
      scenario(
        'jumps.yaml',
        `days: 0.05\n${SC('price: {process: jump-diffusion, start: 15, volatility: 0.5, jumps: {perDay: 1e9, sigmaLog: 0.1}}')}agents: [{type: noise, deposit: 1000}]\n`,
      ),
    ],
    status: 1,
    words: [/price\.jumps\.perDay: jumps per day: at most 1000/],
  },
  {
    name: 'simulate: 100 million agents',
    args: [
      'simulate',
      scenario('agents.yaml', `days: 0.05\n${SC(GBM)}agents: [{type: noise, deposit: 1000, count: 100000000}]\n`),
    ],
    status: 1,
    words: [/agents\[0\]\.count: at most 10000 parties/],
  },
  {
    name: 'simulate: 3000 days of 1-second blocks',
    args: ['simulate', scenario('long.yaml', `days: 3000\n${SC(GBM)}agents: [{type: noise, deposit: 1000}]\n`)],
    status: 1,
    words: [/blockSeconds: .* blocks .* at most 50,000,000/],
  },
  {
    name: 'simulate: run shorter than a block',
    args: [
      'simulate',
      scenario(
        'short.yaml',
        `durationSeconds: 5\nblockSeconds: 10\n${SC(GBM)}agents: [{type: noise, deposit: 1000}]\n`,
      ),
    ],
    status: 1,
    words: [/shorter than one block/],
  },
  {
    name: 'simulate: LP fee above the maximum and commitment above the deposit',
    args: [
      'simulate',
      scenario(
        'lp.yaml',
        `days: 0.05\n${SC(GBM)}agents: [{type: liquidity-provider, deposit: 1000, commitment: 5000, fee: "2"}]\n`,
      ),
    ],
    status: 1,
    words: [
      /agents\[0\]\.fee: 2 is above market\.liquidity\.maximumLiquidityFeeFactorLevel/,
      /agents\[0\]\.commitment: 5000 is more than the deposit/,
    ],
  },
  {
    name: 'simulate: an opening auction below market.auction.minimumDuration',
    args: [
      'simulate',
      scenario(
        'auction.yaml',
        `days: 0.05\n${SC(`openingAuctionSeconds: 60, ${GBM}`)}agents: [{type: noise, deposit: 1000}]\n`,
      ),
    ],
    status: 1,
    words: [/markets\[0\]\.openingAuctionSeconds: 60 is shorter than market\.auction\.minimumDuration/],
  },
  {
    name: 'simulate: a scenario name that would leave out/',
    args: [
      'simulate',
      scenario('name.yaml', `name: ".."\ndays: 0.05\n${SC(GBM)}agents: [{type: noise, deposit: 1000}]\n`),
    ],
    status: 1,
    words: [/name: must contain a letter or digit/],
  },
  {
    name: 'simulate: --out is an existing file (checked before the run)',
    args: ['simulate', '--no-progress', '--out', existingFile],
    status: 1,
    words: [/--out .*existing-file: is an existing file, not a folder/],
  },
  {
    name: 'simulate: --out in /proc',
    args: ['simulate', '--no-progress', '--out', '/proc/perpsim'],
    status: 1,
    words: [/--out \/proc\/perpsim: is inside \/proc/],
  },
  {
    name: 'simulate: a price CSV with rows out of order',
    args: [
      'simulate',
      scenario(
        'csv.yaml',
        `days: 0.05\n${SC(`price: {process: csv, file: ${file('prices.csv', 'time,price\n100,15\n50,16\n')}}`)}agents: [{type: noise, deposit: 1000}]\n`,
      ),
    ],
    status: 1,
    words: [/prices\.csv line 3: times must increase/],
  },
  {
    name: 'simulate: /dev/zero as the scenario (no endless read)',
    args: ['simulate', '/dev/zero'],
    status: 1,
    words: [/\/dev\/zero: invalid scenario/, /not a regular file/],
  },
  {
    name: 'simulate: a YAML alias bomb',
    args: [
      'simulate',
      scenario(
        'bomb.yaml',
        [
          'a: &a [x, x, x, x, x, x, x, x, x]',
          ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
        ].join('\n'),
      ),
    ],
    status: 1,
    words: [/not valid YAML: Excessive alias count/],
  },
  {
    name: 'simulate: --days 1e9',
    args: ['simulate', '--days', '1e9'],
    status: 1,
    words: [/--days/, /must be a positive number/],
  },
  // ------------------------------------------------------------ liquidity
  {
    name: 'liquidity: days out of order',
    args: [
      'liquidity',
      file('days.csv', 'day,notional_volume,open_interest,price\n2024-01-02,1000,100,15\n2024-01-01,1000,100,15\n'),
      `${root}scenarios/liquidity/link-usd-commitments.json`,
      '--out',
      join(dir, 'liq'),
    ],
    status: 1,
    words: [/row 2, day: "2024-01-01" comes before the row above/],
  },
  {
    name: 'liquidity: a number with an exponent out of range',
    args: [
      'liquidity',
      file('exp.csv', 'day,notional_volume,open_interest,price\n2024-01-01,1e400,100,15\n'),
      `${root}scenarios/liquidity/link-usd-commitments.json`,
      '--out',
      join(dir, 'liq'),
    ],
    status: 1,
    words: [/row 1, notional_volume: "1e400" is out of range/],
  },
  {
    name: 'liquidity: a price below the market precision (no division by zero)',
    args: [
      'liquidity',
      file('tiny.csv', 'day,notional_volume,open_interest,price\n2024-01-01,1000,100,0.000000001\n'),
      `${root}scenarios/liquidity/link-usd-commitments.json`,
      '--out',
      join(dir, 'liq'),
    ],
    status: 1,
    words: [/row 1, price: .* is below one unit of the market's price/],
  },
  {
    name: 'liquidity: --out in /proc (checked before the run)',
    args: [
      'liquidity',
      `${root}scenarios/liquidity/link-usd-daily.csv`,
      `${root}scenarios/liquidity/link-usd-commitments.json`,
      '--out',
      '/proc/x',
    ],
    status: 1,
    words: [/--out \/proc\/x: is inside \/proc/],
  },
  {
    name: 'liquidity: /dev/zero as the daily CSV',
    args: ['liquidity', '/dev/zero', `${root}scenarios/liquidity/link-usd-commitments.json`, '--out', join(dir, 'liq')],
    status: 1,
    words: [/\/dev\/zero: invalid input/, /not a regular file/],
  },
  // ------------------------------------------------------------ conformance
  {
    name: 'conformance: a malformed feature file is reported with its path; the run goes on',
    args: ['conformance', '--features', join(dir, 'features'), '--failures'],
    status: 0,
    words: [/broken\.feature: not a valid feature file: \(\d+:\d+\)/, /conformance: 0 passed, 1 failed of 1 scenarios/],
  },
  {
    name: 'conformance: --features is a file',
    args: ['conformance', '--features', existingFile],
    status: 2,
    words: [/--features: not a folder/],
  },
];

/** Runs the CLI in this process (see in-process.ts); one row at a time. */
function perpsim(args: readonly string[]): Promise<CliRun> {
  return perpsimInProcess(args, { PERPSIM_DEBUG: '' });
}

describe('bad input: each command refuses it with a clear message, without a crash', () => {
  for (const row of rows) {
    test(row.name, { timeout: 120_000 }, async () => {
      const r = await perpsim(row.args);
      assert.equal(r.status, row.status, `exit status\n${r.stderr}\n${r.stdout.slice(0, 2000)}`);
      const text = row.status === 1 ? r.stderr : `${r.stdout}\n${r.stderr}`;
      for (const w of row.words) assert.match(text, w);
      // no stack trace, no engine-internal message without a field
      assert.doesNotMatch(r.stderr, /\n\s+at .+\(.+:\d+:\d+\)/, 'stack trace');
      assert.doesNotMatch(
        `${r.stdout}${r.stderr}`,
        /Maximum call stack size exceeded|decimal division by zero|^.*: exponent out of range|Cannot convert .* to a BigInt|JavaScript heap out of memory/m,
      );
    });
  }
});
