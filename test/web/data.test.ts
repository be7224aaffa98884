// The dashboard's data layer without a browser: thinning keeps candles true (first open, highest high, lowest low,
// last close, summed volume), per-epoch LP figures come from the cumulative columns, frames write the same columns to
// CSV and Parquet, and a directory that is not an output directory is refused with the file named.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameCsv, writeFrame } from '../../src/io/frame.ts';
import { readParquet } from '../../src/io/parquet.ts';
import { DashboardInputError, loadOutputDir, lpEpochs, thinSeries } from '../../src/web/data.ts';

describe('dashboard data', () => {
  test('thinning merges candles: first open, highest high, lowest low, last close, summed volume', () => {
    const n = 10;
    const cols = {
      time: Array.from({ length: n }, (_, i) => 1000 + i * 60),
      open: [null, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      high: [null, 9, 3, 4, 5, 6, 7, 8, 9, 10],
      low: [null, 1.5, 3, 4, 5, 0.5, 7, 8, 9, 10],
      close: [null, 2.5, 3, 4, null, 6, 7, 8, 9, null],
      volume: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      mark: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    };
    const t = thinSeries(cols, 2); // buckets of five rows
    assert.deepEqual(t['time'], [1240, 1540], 'a bucket keeps its last time');
    assert.deepEqual(t['open'], [2, 6]);
    assert.deepEqual(t['high'], [9, 10]);
    assert.deepEqual(t['low'], [1.5, 0.5]);
    assert.deepEqual(t['close'], [4, 9], 'the last close present in the bucket');
    assert.deepEqual(t['volume'], [15, 40]);
    assert.deepEqual(t['mark'], [14, 19], 'levels at the bucket end');
    // no thinning needed: values kept (rounded to 7 significant digits), times exact
    const same = thinSeries({ time: [1704067200, 1704067260], mark: [15.123456789, 15.2] }, 10);
    assert.deepEqual(same['time'], [1704067200, 1704067260]);
    assert.deepEqual(same['mark'], [15.12346, 15.2]);
  });

  test('LP epochs from cumulative fees and penalties and live orders per sample', () => {
    const rows = [
      { epoch: '0', orders: '2', lp_fees: '1', penalties: '0' },
      { epoch: '0', orders: '0', lp_fees: '3', penalties: '0' },
      { epoch: '1', orders: '2', lp_fees: '3', penalties: '-1' },
      { epoch: '1', orders: '2', lp_fees: '7', penalties: '-1' },
      { epoch: '1', orders: '2', lp_fees: '8', penalties: '-4' },
    ];
    assert.deepEqual(lpEpochs(rows), [
      { epoch: 0, samples: 2, onBook: 0.5, fees: 3, penalties: 0 },
      { epoch: 1, samples: 3, onBook: 1, fees: 5, penalties: -4 },
    ]);
  });

  test('a frame: the same columns in CSV and Parquet; NaN is an empty cell and a null', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-frame-'));
    const frame = [
      { name: 'time_utc', type: 'TIMESTAMP', data: [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 1)] },
      { name: 'party', type: 'STRING', data: ['a,b', 'say "hi"'] },
      { name: 'x', type: 'DOUBLE', data: [1.5, Number.NaN] },
      { name: 'n', type: 'DOUBLE', data: [-3, 1 / 3] },
    ] as const;
    assert.equal(
      frameCsv(frame),
      'time_utc,party,x,n\n2024-01-01T00:00:00.000Z,"a,b",1.5,-3\n2024-01-01T00:01:00.000Z,"say ""hi""",,0.333333333333\n',
    );
    const { csv, parquet } = writeFrame(join(dir, 't.csv'), frame);
    assert.ok(readFileSync(csv, 'utf8').startsWith('time_utc,'));
    const rows = await readParquet(parquet);
    assert.equal(rows.length, 2);
    assert.equal((rows[0]!['time_utc'] as Date).toISOString(), '2024-01-01T00:00:00.000Z');
    assert.deepEqual(
      rows.map((r) => [r['party'], r['x'], r['n']]),
      [
        ['a,b', 1.5, -3],
        ['say "hi"', null, 1 / 3],
      ],
    );
  });

  test('a directory that is not an output directory is refused, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perpsim-empty-'));
    assert.throws(
      () => loadOutputDir(dir),
      (e: unknown) => e instanceof DashboardInputError && e.message.startsWith(dir),
    );
    assert.throws(() => loadOutputDir(join(dir, 'nope')), /no such directory/);
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ scenario: 'x', seed: 1 }));
    assert.throws(
      () => loadOutputDir(dir),
      (e: unknown) => e instanceof DashboardInputError && /summary\.json: seed: .*string/.test(e.message),
    );
  });
});
