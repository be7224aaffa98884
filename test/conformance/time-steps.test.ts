// The harness's `time is updated to` step at or before the current time: Vega's harness sets its time stub and ticks
// every engine whatever the value; nothing falls due, so the scenario goes on. Before, the step failed with the
// engine's "time cannot go backwards".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFeatureFile } from '../../conformance/runner.ts';
import { buildRegistry } from '../../conformance/steps/index.ts';
import type { Defaults } from '../../conformance/defaults.ts';

const FEATURE = `Feature: time steps
  Scenario: time set back to the start and to the current time
    Given time is updated to "2019-11-30T00:00:10Z"
    When time is updated to "2019-11-30T00:00:00Z"
    And time is updated to "2019-11-30T00:00:10Z"
    Then time is updated to "2019-11-30T00:00:20Z"
`;

test('time steps at or before the current time tick without moving the clock back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perpsim-time-'));
  const file = join(dir, 'time.feature');
  writeFileSync(file, FEATURE);
  const results = runFeatureFile(buildRegistry(), {} as Defaults, dir, file);
  assert.equal(results.length, 1);
  assert.equal(results[0]!.status, 'passed', results[0]!.error);
});
