// Shared by the browser tests of the web pages: Debian's Chromium through playwright-core (offline unless a test
// needs loopback), a page that collects console errors and page errors, the pixel check of a chart's canvas, and
// screenshots kept under test-artifacts/web/ (git-ignored). Without Chromium the tests are skipped with a message,
// except in CI (CI or PERPSIM_REQUIRE_CHROMIUM set), where its absence is a failure.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['PERPSIM_CHROMIUM'] ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && (process.env['CI'] || process.env['PERPSIM_REQUIRE_CHROMIUM']))
  throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (.ci/run) for the browser tests`);
export const skip: string | false = available
  ? false
  : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set PERPSIM_CHROMIUM)`;

export const ARTIFACTS = new URL('../../test-artifacts/web/', import.meta.url).pathname;

export async function launch(offline: boolean): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'perpsim-web-profile-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
    offline,
  });
}

/** A new page whose console errors and page errors are collected in `problems`. */
export async function openPage(ctx: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  return { page, problems };
}

export interface CanvasInk {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** pixels of a saturated colour (a series: grid, axes and text are grey) */
  readonly coloured: number;
  /** distinct saturated colours */
  readonly colours: number;
}

/** Each chart's canvas (by its PerpsimCharts name), with the pixels a series drew. */
export async function canvasInk(page: Page): Promise<CanvasInk[]> {
  // browser-side code as a string: the tests are type-checked without the DOM library
  return (await page.evaluate(`Object.entries(PerpsimCharts.instances).map(([name, u]) => {
    const c = u.root.querySelector('canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 128) continue;
      const r = data[i], g = data[i + 1], b = data[i + 2];
      if (Math.max(r, g, b) - Math.min(r, g, b) < 60) continue;
      coloured++;
      colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
    }
    return { name, width: c.width, height: c.height, coloured, colours: colours.size };
  })`)) as CanvasInk[];
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
