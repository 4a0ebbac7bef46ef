/**
 * Headless Chromium for the report's browser tests: one launch per test file, closed after.
 * `useChromium()` registers the node:test hooks; without /usr/bin/chromium it fails loudly
 * unless CAPBENCH_SKIP_BROWSER=1, then `skip` is true for the file's tests. `openOffline` opens a
 * report with the network blocked; `drawnCanvases` reads back what each chart drew.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

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

/** A report opened offline: anything but file: is blocked and recorded; console and page errors are collected. */
export async function openOffline(browser: Browser, htmlPath: string): Promise<{ page: Page; errors: string[]; blocked: string[] }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
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
  await page.goto(`file://${htmlPath}`, { waitUntil: 'load' });
  return { page, errors, blocked };
}

/** The canvases under `selector`: size, painted pixels (every 7th alpha sample), and the dataset labels of their Chart (null: none). */
export async function drawnCanvases(page: Page, selector: string): Promise<Array<{ id: string; width: number; height: number; painted: number; labels: string[] | null }>> {
  return page.locator(`${selector} canvas`).evaluateAll((cs) => {
    const w = window as unknown as { capbenchCharts?: Record<string, { data: { datasets: Array<{ label?: string }> } }> };
    return (cs as HTMLCanvasElement[]).map((c) => {
      const ctx = c.getContext('2d');
      let painted = 0;
      if (ctx && c.width > 0 && c.height > 0) {
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4 * 7) if (d[i] !== 0) painted++;
      }
      const chart = w.capbenchCharts?.[c.id];
      return { id: c.id, width: c.width, height: c.height, painted, labels: chart ? chart.data.datasets.map((x) => String(x.label ?? '')) : null };
    });
  });
}
