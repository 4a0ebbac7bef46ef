/**
 * Opens index.html from disk in headless Chromium with the network blocked, and checks that
 * every chart drew something and nothing logged an error. Saves a full-page screenshot.
 * Needs /usr/bin/chromium; set CAPBENCH_SKIP_BROWSER=1 to skip where it is not installed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { TEMP_FIXTURES, writeFixtureRun } from '../testing/report-fixtures.ts';
import { renderReport } from './index.ts';

const CHROMIUM = '/usr/bin/chromium';
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/runs/', import.meta.url));

test('index.html renders every chart offline without console errors', async (t) => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CAPBENCH_SKIP_BROWSER === '1') {
      t.skip(`${CHROMIUM} missing and CAPBENCH_SKIP_BROWSER=1`);
      return;
    }
    assert.fail(`${CHROMIUM} must exist for the browser test (got nothing); install chromium or set CAPBENCH_SKIP_BROWSER=1`);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'capbench-browser-'));
  const crash = writeFixtureRun(tmp, TEMP_FIXTURES.find((f) => f.scenario === 'node-crash')!);
  const res = await renderReport({
    runDirs: [join(FIXTURES, 'spike-60s'), crash, join(FIXTURES, 'rolling-update-60s'), join(FIXTURES, 'spike-60s-interrupted')],
    outDir: join(tmp, 'report'),
    pngLoader: async () => {
      throw new Error('not needed here');
    },
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
    const blocked: string[] = [];
    await context.route('**/*', (r) => {
      if (r.request().url().startsWith('file:')) return r.continue();
      blocked.push(r.request().url());
      return r.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${res.htmlPath}`, { waitUntil: 'load' });
    const result = await page.evaluate(() => {
      const w = window as unknown as { capbenchCharts?: Record<string, unknown> };
      return [...document.querySelectorAll('canvas')].map((c) => {
        const ctx = c.getContext('2d');
        let painted = 0;
        if (ctx && c.width > 0 && c.height > 0) {
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 4 * 7) if (d[i] !== 0) painted++;
        }
        return { id: c.id, width: c.width, height: c.height, painted, chart: Boolean(w.capbenchCharts?.[c.id]) };
      });
    });
    assert.ok(result.length >= 10, `expected many charts, got ${result.length}`);
    for (const c of result) {
      assert.ok(c.chart, `canvas ${c.id} has no Chart instance`);
      assert.ok(c.width > 100 && c.height > 100, `canvas ${c.id} is ${c.width}x${c.height}`);
      assert.ok(c.painted > 100, `canvas ${c.id} drew nothing`);
    }
    assert.equal(await page.locator('#errors').textContent(), '');
    assert.deepEqual(errors, []);
    assert.deepEqual(blocked, [], 'the page must not ask for anything but files');
    const shot = join(tmp, 'report-full-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
  } finally {
    await browser.close();
  }
});
