/**
 * The Plan section in headless Chromium, offline: a report of capacity runs with a plan beside
 * them shows the section, each target's chart draws (a Chart instance with painted pixels and
 * the band, fit, measured and planned datasets), nothing logs an error and nothing but files
 * is asked for; the claims table carries the plan's figures, labelled as computed. Saves
 * screenshots of the section and the claims table and prints their paths — look at them.
 * Needs /usr/bin/chromium; set CAPBENCH_SKIP_BROWSER=1 to skip where it is not installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { drawnCanvases, openOffline, useChromium } from '../testing/headless-chromium.ts';
import { writePlannedCapacityRuns } from '../testing/plan-fixtures.ts';
import { planChartId } from './html/plan-charts.ts';
import { renderReport } from './index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'capbench-plan-browser-'));
const { skip, browser } = useChromium();

test('a report with a plan in Chromium: the Plan section and its charts drawn offline, no console error', { skip }, async () => {
  const { dirs, plan } = writePlannedCapacityRuns(tmp, { prices: { vcpuHour: 0.04 } });
  const res = await renderReport({ runDirs: [dirs[0]!], outDir: join(tmp, 'report'), pngLoader: async () => { throw new Error('not needed here'); } });
  const { page, errors, blocked } = await openOffline(browser(), res.htmlPath);
  const section = page.locator('#plan');
  assert.ok(await section.isVisible(), 'the Plan section is visible');
  const canvases = await drawnCanvases(page, '#plan');
  assert.deepEqual(canvases.map((c) => c.id), plan.models.map((m) => planChartId(dirs[0]!.split('/').pop()!, m.target)));
  for (const c of canvases) {
    assert.ok(c.labels, `canvas ${c.id} has no Chart instance`);
    assert.ok(c.width > 100 && c.height > 100, `canvas ${c.id} is ${c.width}x${c.height}`);
    assert.ok(c.painted > 100, `canvas ${c.id} drew nothing`);
    for (const want of [/lower end/, /upper end/, /^USL fit/, /^measured capacity/, /^planned/]) assert.ok(c.labels.some((l) => want.test(l)), `${c.id}: no dataset ${want}`);
  }
  const text = await section.innerText();
  assert.match(text, /not verified/);
  assert.match(text, /computed from measurements \(plan of /);
  for (const reach of ['probed', 'beyond probed', 'extrapolated', 'unreachable']) assert.ok(text.includes(reach), reach);
  assert.ok(!/NaN|Infinity|undefined|\bnull\b/.test(text));
  assert.equal(await page.locator('#errors').textContent(), '');
  assert.deepEqual(errors, []);
  assert.deepEqual(blocked, [], 'the page must not ask for anything but files');
  // the seeds' sizing and cost claims carry the plan's figures, labelled as computed
  const computed = page.locator('#claims .computed');
  assert.ok((await computed.count()) > 0 && (await computed.first().isVisible()), 'computed figures in the claims table');
  assert.match(await computed.first().innerText(), /computed from measurements \(plan of plan-cap-0\)/);
  const shots = [join(tmp, 'plan-section.png'), join(tmp, 'plan-claims.png')];
  await section.screenshot({ path: shots[0]! });
  await page.locator('#claims').screenshot({ path: shots[1]! });
  console.log(`screenshots: ${shots.join(' ')}`);
});
