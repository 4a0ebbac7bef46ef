/**
 * Opens index.html from disk in headless Chromium with the network blocked: every chart
 * draws and nothing logs an error; and the top of the page answers in one glance — with a
 * Kubernetes measurement (GO / NO-GO and the deciding figures) and without one (the one
 * line saying what to do next). Saves screenshots and prints their paths.
 * Needs /usr/bin/chromium; set CAPBENCH_SKIP_BROWSER=1 to skip where it is not installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { NO_KUBERNETES_FIXTURE, TEMP_FIXTURES, writeFixtureRun } from '../testing/report-fixtures.ts';
import { gateValue } from './format.ts';
import { openOffline, useChromium, VIEWPORT } from '../testing/headless-chromium.ts';
import { renderReport, type RenderReportResult } from './index.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/runs/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'capbench-browser-'));
const { skip, browser } = useChromium();

const noPng = async (): Promise<never> => {
  throw new Error('not needed here');
};

/** The report opened offline: anything but file: is blocked and recorded; errors are collected. */
const open = (res: RenderReportResult) => openOffline(browser(), res.htmlPath);

async function shoot(page: Page, name: string): Promise<void> {
  const top = join(tmp, `${name}-top.png`);
  const full = join(tmp, `${name}-full-page.png`);
  await page.screenshot({ path: top });
  await page.screenshot({ path: full, fullPage: true });
  console.log(`screenshots: ${top} ${full}`);
}

/** The top block: what a reader sees before scrolling. */
async function top(page: Page) {
  const box = await page.locator('#verdict').boundingBox();
  return {
    bottomPx: box ? box.y + box.height : Infinity,
    badge: (await page.locator('#verdict .badge').textContent())?.trim(),
    reason: (await page.locator('#verdict .reason').textContent())?.trim(),
    deciding: await page.locator('#verdict .deciding li').allTextContents(),
    reproduce: await page.locator('#verdict .reproduce code').allTextContents(),
    unavailable: (await page.locator('#verdict .unavailable').allTextContents()).join(''),
  };
}

test('index.html renders every chart offline without console errors', { skip }, async () => {
  const crash = writeFixtureRun(tmp, TEMP_FIXTURES.find((f) => f.scenario === 'node-crash')!);
  const res = await renderReport({
    runDirs: [join(FIXTURES, 'spike-60s'), crash, join(FIXTURES, 'rolling-update-60s'), join(FIXTURES, 'spike-60s-interrupted')],
    outDir: join(tmp, 'report'),
    pngLoader: noPng,
  });
  const { page, errors, blocked } = await open(res);
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
  await shoot(page, 'four-runs');
});

test('top of the page with a Kubernetes measurement: the verdict, the deciding figures, the command', { skip }, async () => {
  for (const [name, dir, badge] of [['no-go', join(FIXTURES, 'spike-60s'), 'NO-GO'], ['go', join(FIXTURES, 'rolling-update-60s'), 'GO']] as const) {
    const res = await renderReport({ runDirs: [dir], outDir: join(tmp, name), pngLoader: noPng });
    const { page, errors } = await open(res);
    const t = await top(page);
    assert.equal(t.badge, badge);
    assert.ok(t.bottomPx < VIEWPORT.height / 2, `the top block ends at ${t.bottomPx}px: more than half a screen`);
    const v = res.verdict;
    assert.ok(v.deciding.length >= 1 && v.deciding.length <= 2);
    assert.equal(t.deciding.length, v.deciding.length + (badge === 'NO-GO' ? Math.min(1, v.failedGates.length - v.deciding.length) : 0));
    v.deciding.forEach((g, i) => {
      assert.ok(g.gate !== 'data');
      assert.ok(t.deciding[i]!.startsWith(`${gateValue(g.gate, g.actual)} `), t.deciding[i]);
      assert.ok(t.deciding[i]!.includes(`${g.scenario} / ${g.target} · limit ${gateValue(g.gate, g.limit)}`), t.deciding[i]);
    });
    assert.equal(t.reason, badge === 'GO' ? `Every Kubernetes target passed every gate (${v.gates.filter((g) => g.candidate).length} gates checked).` : `${v.failedGates.length} gate${v.failedGates.length === 1 ? '' : 's'} failed on Kubernetes.`);
    assert.deepEqual(t.reproduce, [`npx capbench run ${res.verdict.targets[0]!.scenario} --quick`]);
    assert.equal(t.unavailable, '');
    assert.deepEqual(errors, []);
    await shoot(page, name);
  }
});

test('top of the page without Kubernetes: one line with the next step, the unavailable targets once, no failed-gate rows for them', { skip }, async () => {
  const dir = writeFixtureRun(tmp, NO_KUBERNETES_FIXTURE);
  const res = await renderReport({ runDirs: [dir], outDir: join(tmp, 'no-kubernetes'), pngLoader: noPng });
  const { page, errors } = await open(res);
  const t = await top(page);
  assert.equal(t.badge, 'no verdict');
  assert.equal(t.reason, 'No Kubernetes here: run npx capbench cluster up local-k8s as root, or install kind');
  assert.ok(t.bottomPx < VIEWPORT.height / 2, `the top block ends at ${t.bottomPx}px`);
  assert.deepEqual(t.deciding, []);
  assert.deepEqual(t.reproduce, ['npx capbench run spike --quick --target auto']);
  assert.equal(t.unavailable, 'not available here: local-k8s (local-k8s cluster is not running (API=down)) · kind (kind is not installed) · minikube (minikube is not installed) · kubernetes (no kubeconfig context given)');
  const rows = await page.locator('#summary tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[1]!.textContent!.trim()));
  assert.deepEqual(rows, ['locallocal', 'composecompose']);
  const gates = await page.locator('#gates li').allTextContents();
  assert.ok(gates.length > 0 && gates.every((g) => /^spike \/ (local|compose): /.test(g)), gates.join('\n'));
  const body = await page.locator('main').innerText();
  assert.ok(!/NO DATA|no data/.test(body), 'no wall of "no data"');
  assert.deepEqual(errors, []);
  await shoot(page, 'no-kubernetes');
});
