/**
 * Headless Chromium for the report's browser tests: one launch per test file, closed after.
 * `useChromium()` registers the node:test hooks; without /usr/bin/chromium it fails loudly
 * unless CAPBENCH_SKIP_BROWSER=1, then `skip` is true for the file's tests.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const VIEWPORT = { width: 1500, height: 1000 };

export function useChromium(): { skip: boolean; browser: () => Browser } {
  const skip = !existsSync(CHROMIUM) && process.env['CAPBENCH_SKIP_BROWSER'] === '1';
  let browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    if (!existsSync(CHROMIUM)) assert.fail(`${CHROMIUM} must exist for the browser test (got nothing); install chromium or set CAPBENCH_SKIP_BROWSER=1`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
  });
  return { skip, browser: () => browser! };
}
