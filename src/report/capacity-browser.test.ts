/**
 * The Capacity section in headless Chromium, offline: both capacity charts draw, nothing logs
 * an error, the top of the page is capacity (no GO/NO-GO) and fits in half a screen; and the
 * edge cases (no figure, one replica count) draw their one chart and their sentences. Saves
 * screenshots of the section and prints their paths — look at them.
 * Needs /usr/bin/chromium; set CAPBENCH_SKIP_BROWSER=1 to skip where it is not installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { CAPACITY_EDGE_FIXTURE, CAPACITY_FIXTURE, writeCapacityFixtureRun, type CapacityFixtureOptions } from '../testing/capacity-fixtures.ts';
import { headlineLine } from './capacity/facts.ts';
import { drawnCanvases, openOffline, useChromium, VIEWPORT } from '../testing/headless-chromium.ts';
import { renderReport } from './index.ts';
import { readRun } from '../store/run-store.ts';

const tmp = mkdtempSync(join(tmpdir(), 'capbench-capacity-browser-'));
const { skip, browser } = useChromium();

const noPng = async (): Promise<never> => {
  throw new Error('not needed here');
};

async function open(fixture: CapacityFixtureOptions): Promise<{ page: Page; errors: string[]; blocked: string[]; dir: string }> {
  const dir = writeCapacityFixtureRun(tmp, fixture);
  const res = await renderReport({ runDirs: [dir], outDir: join(tmp, `${fixture.runId}-report`), pngLoader: noPng });
  return { ...(await openOffline(browser(), res.htmlPath)), dir };
}

/** The capacity charts: each has a Chart instance and painted pixels. */
const capacityCanvases = (page: Page) => drawnCanvases(page, '#capacity');

async function shoot(page: Page, name: string): Promise<void> {
  const top = join(tmp, `${name}-top.png`);
  const section = join(tmp, `${name}-capacity-section.png`);
  await page.screenshot({ path: top });
  await page.locator('#capacity').screenshot({ path: section });
  console.log(`screenshots: ${top} ${section}`);
}

test('a capacity run in Chromium: capacity on top, both charts drawn offline, no console error', { skip }, async () => {
  const { page, errors, blocked, dir } = await open(CAPACITY_FIXTURE);
  assert.equal((await page.locator('#verdict .badge').textContent())?.trim(), 'CAPACITY');
  const box = await page.locator('#verdict').boundingBox();
  assert.ok(box && box.y + box.height < VIEWPORT.height / 2, `the top block ends at ${box ? box.y + box.height : '?'}px`);
  const lines = await page.locator('#verdict .capacity-lines li').allTextContents();
  assert.deepEqual(lines, readRun(dir).record.targets.map((t) => headlineLine({ ...t, color: '' })));
  const canvases = await capacityCanvases(page);
  assert.deepEqual(canvases.map((c) => c.id), ['capacity-synthetic-capacity-curve', 'capacity-synthetic-capacity-replicas']);
  for (const c of canvases) {
    assert.ok(c.labels, `canvas ${c.id} has no Chart instance`);
    assert.ok(c.width > 100 && c.height > 100, `canvas ${c.id} is ${c.width}x${c.height}`);
    assert.ok(c.painted > 100, `canvas ${c.id} drew nothing`);
  }
  assert.equal(await page.locator('#errors').textContent(), '');
  assert.deepEqual(errors, []);
  assert.deepEqual(blocked, [], 'the page must not ask for anything but files');
  await shoot(page, 'capacity');
});

test('capacity edge cases in Chromium: one chart, the sentences, no console error', { skip }, async () => {
  const { page, errors } = await open(CAPACITY_EDGE_FIXTURE);
  const canvases = await capacityCanvases(page);
  assert.deepEqual(canvases.map((c) => c.id), ['capacity-edges-capacity-curve']);
  assert.ok(canvases[0]!.labels && canvases[0]!.painted > 100);
  const text = await page.locator('#capacity').innerText();
  assert.match(text, /One replica count was measured per target/);
  assert.match(text, /no step met the SLO, not even the first/);
  assert.match(text, /scaling to 1 replica failed/);
  assert.ok(!/NaN|Infinity|undefined|null/.test(text));
  assert.deepEqual(errors, []);
  await shoot(page, 'capacity-edges');
});
