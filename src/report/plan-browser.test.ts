/**
 * The Plan section in headless Chromium, offline: a report of capacity runs with a plan beside
 * them shows the section, each target's chart draws (a Chart instance with painted pixels and
 * the band, fit, measured and planned datasets), nothing logs an error and nothing but files
 * is asked for. Saves a screenshot of the section and prints its path — look at it.
 * Needs /usr/bin/chromium; set CAPBENCH_SKIP_BROWSER=1 to skip where it is not installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { useChromium, VIEWPORT } from '../testing/headless-chromium.ts';
import { writePlannedCapacityRuns } from '../testing/plan-fixtures.ts';
import { planChartId } from './html/plan-charts.ts';
import { renderReport } from './index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'capbench-plan-browser-'));
const { skip, browser } = useChromium();

test('a report with a plan in Chromium: the Plan section and its charts drawn offline, no console error', { skip }, async () => {
  const { dirs, plan } = writePlannedCapacityRuns(tmp, { prices: { vcpuHour: 0.04 } });
  const res = await renderReport({ runDirs: [dirs[0]!], outDir: join(tmp, 'report'), pngLoader: async () => { throw new Error('not needed here'); } });
  const context = await browser().newContext({ viewport: VIEWPORT });
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

  const section = page.locator('#plan');
  assert.ok(await section.isVisible(), 'the Plan section is visible');
  const canvases = await page.locator('#plan canvas').evaluateAll((cs) => {
    const w = window as unknown as { capbenchCharts?: Record<string, { data: { datasets: Array<{ label: string }> } }> };
    return (cs as HTMLCanvasElement[]).map((c) => {
      const ctx = c.getContext('2d');
      let painted = 0;
      if (ctx && c.width > 0 && c.height > 0) {
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4 * 7) if (d[i] !== 0) painted++;
      }
      const chart = w.capbenchCharts?.[c.id];
      return { id: c.id, width: c.width, height: c.height, painted, labels: chart ? chart.data.datasets.map((x) => x.label) : null };
    });
  });
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
  const shot = join(tmp, 'plan-section.png');
  await section.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);
});
