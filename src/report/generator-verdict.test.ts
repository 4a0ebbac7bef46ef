import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRun } from '../store/run-store.ts';
import { writeFixtureRun, type FixtureTarget } from '../testing/report-fixtures.ts';
import type { ReportData } from './data.ts';
import { renderReport } from './index.ts';
import { loadReportRun } from './runs.ts';
import { decide, gatesFailedOf } from './verdict/verdict.ts';
import { parseSlo } from '../scenario/slo-file.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'capbench-generator-'));
const noPng = async (): Promise<never> => {
  throw new Error('canvas: not installed (test)');
};
// gates so loose that every fixture passes them: only the generator can spoil the verdict
const loose = parseSlo({ scenarios: { spike: { gates: { p95Ms: 1e9, errorRate: 1 } } } }, 'loose-slo.yaml');

function run(root: string, runId: string, k8s: Partial<FixtureTarget>, compose: Partial<FixtureTarget> = {}) {
  const dir = writeFixtureRun(root, { runId, scenario: 'spike', durationS: 60, targets: [{ name: 'compose', kind: 'compose', ...compose }, { name: 'local-k8s', kind: 'kubernetes', ...k8s }] });
  return loadReportRun(dir, loose);
}

test('a run whose generator was starved in 20 % of its seconds is INVALID — not GO — with the reason and the next step', () => {
  const root = tmp();
  const healthy = decide([run(root, 'healthy', {})], loose);
  assert.equal(healthy.verdict, 'GO', healthy.reason);

  const r = run(root, 'starved', { generator: 'starved', starvedShare: 0.2 });
  const g = r.targets.find((t) => t.run.name === 'local-k8s')!.generator;
  assert.equal(g.status, 'invalid');
  assert.equal(g.generatorBoundS, Math.ceil(g.seconds / 5));
  const v = decide([r], loose);
  assert.equal(v.verdict, 'INVALID');
  assert.equal(
    v.reason,
    `Not evidence — spike/local-k8s: the load generator could not keep its schedule in ${g.generatorBoundS} of ${g.seconds} s (${((100 * g.generatorBoundS) / g.seconds).toFixed(1)} % > 5 %): event-loop delay p99 > 50 ms in ${g.generatorBoundS} s. Next: ${v.nextStep}`,
  );
  assert.match(v.nextStep ?? '', /CPU of its own/);
  assert.equal(gatesFailedOf(v), true, 'an INVALID run fails a CI job that fails on gates');
});

test('a starved target that is not Kubernetes also makes the run INVALID; a few stalled seconds (within 5 %) do not', () => {
  const root = tmp();
  assert.equal(decide([run(root, 'compose-starved', {}, { generator: 'starved', starvedShare: 0.25 })], loose).verdict, 'INVALID');
  // every 30th second stalled: 2 of 59 s
  const at5 = run(root, 'few-stalls', { generator: 'starved', starvedShare: 1 / 30 });
  const g = at5.targets.find((t) => t.run.name === 'local-k8s')!.generator;
  assert.equal(g.generatorBoundS, 2);
  const v = decide([at5], loose);
  assert.equal(v.verdict, 'GO');
  assert.ok(v.notes.some((n) => n.startsWith(`spike/local-k8s: the load generator could not keep its schedule in ${g.generatorBoundS} of ${g.seconds} s`)), v.notes.join('\n'));
});

test('without a Kubernetes target (NO DATA), an INVALID baseline target is still named in the notes', () => {
  const root = tmp();
  const dir = writeFixtureRun(root, { runId: 'no-k8s', scenario: 'spike', durationS: 60, targets: [{ name: 'compose', kind: 'compose', generator: 'starved', starvedShare: 0.2 }] });
  const v = decide([loadReportRun(dir, loose)], loose);
  assert.equal(v.verdict, 'NO DATA');
  assert.ok(v.notes.some((n) => n.startsWith('INVALID, not evidence — spike/compose: the load generator could not keep its schedule in 12 of 59 s')), v.notes.join('\n'));
});

test('a run saved before generator health existed is judged as before, with a note', () => {
  const v = decide([run(tmp(), 'old', { generator: 'none' }, { generator: 'none' })], loose);
  assert.equal(v.verdict, 'GO');
  assert.ok(v.notes.includes("spike/local-k8s: the generator's health was not recorded (run saved before it existed) — judged on dropped arrivals only"), v.notes.join('\n'));
});

test('the HTML: INVALID at the top, the validity per target in the data, a small health chart under each target with generator-bound seconds shaded', async () => {
  const root = tmp();
  const dir = writeFixtureRun(root, { runId: 'starved-html', scenario: 'spike', durationS: 60, targets: [{ name: 'compose', kind: 'compose' }, { name: 'local-k8s', kind: 'kubernetes', generator: 'starved', starvedShare: 0.2 }] });
  const res = await renderReport({ runDirs: [dir], outDir: join(root, 'report'), slo: loose, pngLoader: noPng, now: new Date('2025-01-15T12:00:00Z') });
  const html = readFileSync(res.htmlPath, 'utf8');
  assert.match(html, /<section class="verdict invalid" id="verdict"><div class="badge">INVALID<\/div>/);
  const data = JSON.parse(/<script type="application\/json" id="capbench-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as ReportData;
  const byName = Object.fromEntries(data.runs[0]!.targets.map((t) => [t.name, t.generator.status]));
  assert.deepEqual(byName, { compose: 'valid', 'local-k8s': 'invalid' });
  const health = data.charts.filter((c) => c.row === 'health');
  assert.deepEqual(health.map((c) => [c.title.split(':')[0], c.small]), [['spike · compose', true], ['spike · local-k8s', true]]);
  const k8s = health[1]!;
  const labels = k8s.config.data.datasets.map((d) => d.label);
  assert.deepEqual(labels, ['harness CPU (% of one core)', 'machine CPU busy (%)', 'loop delay p99 (ms)', 'in flight']);
  const bands = (k8s.config.options.plugins as { capbenchBands: { bands: Array<{ from: number; to: number }> } }).capbenchBands.bands;
  const stalled = readRun(dir).series['local-k8s']!.health;
  assert.deepEqual(bands.map((b) => b.from), stalled.filter((h) => h.loopDelayP99Ms > 50).map((h) => h.t), 'one shaded second per stalled second');
  assert.equal(res.gatesFailed, true);
  const md = readFileSync(res.summaryMdPath, 'utf8');
  assert.match(md, /^## capbench: ⛔ INVALID$/m);
  assert.match(md, /\| spike \| local-k8s \| kubernetes \| completed \| \*\*INVALID\*\* \(generator-bound \d+(\.\d+)? %\) · pass \|/);
});
