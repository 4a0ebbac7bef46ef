/**
 * The report of a capacity run (issue 12): the Capacity section, its charts, summary.md's
 * table and capacity-steps.csv show what run.json's TargetRun.capacity holds; no GO/NO-GO
 * and no spike/crash/rollout figures for it; every case without a figure reads as a sentence.
 * The runs are synthetic (src/testing/capacity-fixtures.ts): the assertions compare the
 * rendering with the saved run, never with invented measurements.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ReplicaCapacity, TargetCapacity } from '../model/index.ts';
import { parseSlo } from '../scenario/slo-file.ts';
import { readRun } from '../store/run-store.ts';
import { CAPACITY_EDGE_FIXTURE, CAPACITY_FIXTURE, writeCapacityFixtureRun } from '../testing/capacity-fixtures.ts';
import { capacityRow, capacityText, decidingStep, noCapacityWhy } from './capacity/facts.ts';
import type { ReportData } from './data.ts';
import { rps } from './format.ts';
import { golden } from '../testing/golden.ts';
import { renderReport } from './index.ts';
import { loadReportRun } from './runs.ts';
import { decide } from './verdict/verdict.ts';

const SPIKE = fileURLToPath(new URL('../../test/fixtures/runs/spike-60s', import.meta.url));
const SLO = parseSlo({ scenarios: { spike: { gates: { p95Ms: 1000, errorRate: 0.01 } } } }, 'test-slo.yaml');
const noPng = async (): Promise<never> => {
  throw new Error('canvas: not installed (test)');
};
const root = mkdtempSync(join(tmpdir(), 'capbench-capacity-'));
const synthetic = writeCapacityFixtureRun(root, CAPACITY_FIXTURE);
const edges = writeCapacityFixtureRun(root, CAPACITY_EDGE_FIXTURE);

function page(htmlPath: string): { visible: string; data: ReportData } {
  const html = readFileSync(htmlPath, 'utf8');
  const m = /<script type="application\/json" id="capbench-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m);
  return { visible: html.slice(0, html.indexOf('<script')), data: JSON.parse(m[1]!) as ReportData };
}

async function report(dirs: string[], name: string) {
  const res = await renderReport({ runDirs: dirs, outDir: join(root, name), slo: SLO, pngLoader: noPng, now: new Date('2025-01-15T12:00:00.000Z') });
  return { res, ...page(res.htmlPath), md: readFileSync(res.summaryMdPath, 'utf8') };
}

const NONSENSE = /NaN|Infinity|undefined|\bnull\b|\[object/;

test('a capacity run: capacity on top instead of GO/NO-GO, no spike/crash/rollout figures, the table from run.json', async () => {
  const { res, visible, data, md } = await report([synthetic], 'synthetic');
  assert.equal(res.verdict.verdict, 'NO DATA');
  assert.match(res.verdict.reason, /^No go\/no-go: these runs measure capacity/);
  assert.equal(res.gatesFailed, false);
  assert.deepEqual(res.verdict.gates, []);
  assert.match(visible, /<div class="badge">CAPACITY<\/div>/);
  assert.ok(!/id="summary"|id="gates"|badge">(GO|NO-GO|INVALID)|downtime by/.test(visible), 'no gate, verdict or downtime for a capacity run');
  assert.ok(!NONSENSE.test(visible) && !NONSENSE.test(md));
  const saved = readRun(synthetic).record;
  for (const t of saved.targets) {
    const shown = data.runs[0]!.targets.find((x) => x.name === t.name)!;
    assert.deepEqual(shown.capacity, t.capacity);
    for (const r of t.capacity!.byReplicas) {
      const row = capacityRow(t.name, t.capacity!, r);
      assert.ok(visible.includes(row.capacity.replace(/"/g, '&quot;')), `${t.name} × ${r.replicas}: ${row.capacity}`);
      assert.ok(md.includes(`| ${t.name} | ${r.replicas} | ${row.hasFigure ? `**${row.capacity}**` : row.capacity} |`), `${t.name} × ${r.replicas} in summary.md`);
      if (r.capacityAtSloRps !== null) assert.equal(row.capacity, `${r.capacityIsLowerBound ? '≥ ' : ''}${rps(r.capacityAtSloRps)}`);
    }
  }
  // the fixture has a floor (generator gave out) and a failed scaling: both visible as such
  assert.match(visible, /≥ \d/);
  assert.match(visible, /scaling to 3 replicas failed: deployment/);
  golden('capacity-summary.md', md);
  golden('capacity-steps.csv', readFileSync(join(root, 'synthetic', 'capacity-steps.csv'), 'utf8'));
  assert.ok(res.written.some((p) => p.endsWith('capacity-steps.csv')));
});

test('the latency-against-throughput chart: one line per target × replicas through its app-bound steps, excluded steps apart, knees marked', async () => {
  const { data } = await report([synthetic], 'synthetic-charts');
  const charts = data.charts.filter((c) => c.section === 'capacity');
  assert.deepEqual(charts.map((c) => c.id), ['capacity-synthetic-capacity-curve', 'capacity-synthetic-capacity-replicas']);
  const curve = charts[0]!.config.data.datasets;
  const saved = readRun(synthetic).record;
  const knees: number[][] = [];
  for (const t of saved.targets) {
    for (const r of t.capacity!.byReplicas) {
      const app = r.steps.filter((s) => s.bound === 'app').map((s) => [s.achievedRps, s.p95Ms]);
      const out = r.steps.filter((s) => s.bound !== 'app').map((s) => [s.achievedRps, s.p95Ms]);
      const line = curve.find((d) => d.label === `${t.name} × ${r.replicas}`);
      if (app.length === 0) assert.equal(line, undefined);
      else assert.deepEqual(line!.data, app);
      const excluded = curve.find((d) => d.label === `${t.name} × ${r.replicas}: excluded (generator-/host-bound)`);
      if (out.length === 0) assert.equal(excluded, undefined);
      else assert.deepEqual(excluded!.data, out);
      const knee = r.steps.find((s) => s.index === r.kneeStepIndex);
      if (knee) knees.push([knee.achievedRps, knee.p95Ms!]);
    }
  }
  assert.ok(curve.some((d) => String(d.label).endsWith('excluded (generator-/host-bound)')), 'the fixture has excluded steps');
  assert.deepEqual(curve.find((d) => String(d.label).startsWith('knee'))!.data, knees);
  const hlines = (charts[0]!.config.options.plugins as { capbenchBands: { hlines: Array<{ y: number }> } }).capbenchBands.hlines;
  assert.deepEqual(hlines.map((h) => h.y), [saved.targets[0]!.capacity!.slo.p95Ms]);
  // capacity against replicas: scaled counts only, the failed one left out
  const byReplicas = charts[1]!.config.data.datasets.find((d) => d.label === 'local-k8s: capacity at SLO (triangle: a floor)')!;
  const k8s = saved.targets.find((t) => t.name === 'local-k8s')!.capacity!;
  assert.deepEqual(byReplicas.data, k8s.byReplicas.filter((r) => r.error === undefined).map((r) => [r.replicas, r.capacityAtSloRps]));
  // the run's time charts stay in the run's section; the capacity charts are not clickable seconds
  assert.ok(data.charts.some((c) => c.runId === 'capacity-synthetic' && c.section === undefined));
});

test('edge cases read as sentences: no step met the SLO, only generator-bound steps, scaling failed, one replica count', async () => {
  const { visible, md, data } = await report([edges], 'edges');
  assert.ok(!NONSENSE.test(visible) && !NONSENSE.test(md), 'no NaN, Infinity, null or undefined');
  for (const text of [
    'no step met the SLO, not even the first app-bound one at',
    'was generator- or host-bound: these say what the load generator or the machine could do, not the app',
    'scaling to 1 replica failed: deployment',
    'kind: no capacity was measured — target failed: kind: the cluster must be running (got no node Ready after 120 s).',
  ]) {
    assert.ok(visible.includes(text.replace(/"/g, '&quot;')), text);
    assert.ok(md.includes(text), text);
  }
  assert.match(visible, /One replica count was measured per target .* so there is no curve of capacity against replicas/);
  assert.deepEqual(data.charts.filter((c) => c.section === 'capacity').map((c) => c.id), ['capacity-edges-capacity-curve']);
  assert.ok(!md.includes('“≥”'), 'no floor, no explanation of one');
  assert.match(md, /- compose: 2 replicas → no step met the SLO\n- local: 1 replica → no app-bound step \(generator-\/host-bound only\)\n- local-k8s: 1 replica → scaling failed\n- kind: no capacity measured — failed: kind: the cluster/);
});

test('two replica counts but one figure: no capacity-against-replicas chart, and a sentence saying why', async () => {
  const dir = writeCapacityFixtureRun(root, { runId: 'capacity-one-figure', targets: [{ name: 'compose', kind: 'compose', replicas: [{ replicas: 1 }, { replicas: 2, shape: 'generator-only' }] }] });
  const { visible, data } = await report([dir], 'one-figure');
  assert.deepEqual(data.charts.filter((c) => c.section === 'capacity').map((c) => c.id), ['capacity-one-figure-capacity-curve']);
  assert.match(visible, /No target has a capacity figure at two replica counts or more \(compose: 1, 2\), so there is no curve of capacity against replicas/);
  assert.ok(!NONSENSE.test(visible));
});

test('a capacity run next to a spike run: the verdict is the spike run\'s alone, and says the capacity run is not part of it', async () => {
  const alone = decide([loadReportRun(SPIKE, SLO)], SLO);
  const { res, visible, md } = await report([SPIKE, synthetic], 'mixed');
  assert.equal(res.verdict.verdict, alone.verdict);
  assert.deepEqual(res.verdict.failedGates, alone.failedGates);
  assert.ok(res.verdict.targets.every((t) => t.scenario === 'spike'));
  assert.ok(res.verdict.notes.includes('run capacity-synthetic (capacity) measures capacity: it is not part of the go/no-go (see Capacity)'));
  assert.match(visible, /id="summary"/);
  assert.match(visible, /id="capacity"/);
  assert.ok(!/<td>capacity/.test(visible.slice(visible.indexOf('id="summary"'), visible.indexOf('id="capacity"'))), 'no capacity row in the spike summary');
  assert.ok(!/^\| capacity \|/m.test(md));
  assert.match(md, /### Capacity/);
});

const step = (index: number, achievedRps: number, p95Ms: number, meetsSlo: boolean, bound: 'app' | 'generator' = 'app') => ({
  index, startS: index * 10, endS: index * 10 + 10, settleS: 2, offeredRps: achievedRps, achievedRps, requests: 100, failures: 0, errorRate: 0, dropped: 0,
  p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms * 2, cpuPercentPerReplica: null, meetsSlo, bound, generatorBoundS: bound === 'app' ? 0 : 8, hostBoundS: 0,
});
const capacity = (byReplicas: ReplicaCapacity[]): TargetCapacity => ({ stepS: 10, settleS: 2, growth: 1.25, startRps: 10, capRps: 100, errorCeiling: 0.2, slo: { p95Ms: 500, errorRate: 0.01 }, byReplicas });
const rc = (o: Partial<ReplicaCapacity>): ReplicaCapacity => ({ replicas: 1, steps: [], stoppedBy: 'slo-broken-twice', capacityAtSloRps: null, capacityIsLowerBound: false, saturationRps: null, cpuMsPerRequest: null, kneeStepIndex: null, ...o });

test('facts: the deciding step, the floor, and the sentence for each case without a figure', () => {
  const knee = rc({ steps: [step(0, 10, 100, true), step(1, 20, 300, true), step(2, 24, 900, false), step(3, 25, 2000, false)], capacityAtSloRps: 22, kneeStepIndex: 1 });
  assert.equal(decidingStep(knee)?.index, 2);
  assert.equal(capacityText(knee), '22 req/s');
  assert.equal(capacityRow('x', capacity([knee]), knee).boundBy, 'app · step 3 at 24 req/s offered (p95 900 ms > 500 ms)');
  const floor = rc({ steps: [step(0, 10, 100, true), step(1, 20, 120, true, 'generator')], capacityAtSloRps: 10, capacityIsLowerBound: true, kneeStepIndex: 0, stoppedBy: 'generator-bound' });
  assert.equal(decidingStep(floor)?.index, 1);
  assert.equal(capacityText(floor), '≥ 10 req/s');
  const allPassed = rc({ steps: [step(0, 10, 100, true)], capacityAtSloRps: 10, kneeStepIndex: 0, stoppedBy: 'rate-cap' });
  assert.equal(decidingStep(allPassed), null);
  assert.equal(capacityRow('x', capacity([allPassed]), allPassed).boundBy, 'no step failed');
  assert.equal(capacityRow('x', capacity([allPassed]), allPassed).stoppedBy, 'safety cap on the rate reached (100 req/s)');
  const c = capacity([]);
  assert.equal(noCapacityWhy(knee, c), null);
  assert.equal(noCapacityWhy(rc({ error: 'quota exceeded' }), c), 'scaling to 1 replica failed: quota exceeded');
  assert.equal(noCapacityWhy(rc({ stoppedBy: 'interrupted' }), c), 'no step ran (interrupted)');
  assert.match(noCapacityWhy(rc({ steps: [step(0, 10, 100, true, 'generator')], stoppedBy: 'generator-bound' }), c)!, /^every step \(1\) was generator- or host-bound/);
  assert.equal(noCapacityWhy(rc({ steps: [step(0, 10, 800, false)] }), c), 'no step met the SLO, not even the first app-bound one at 10 req/s (p95 800 ms > 500 ms) — start the probe at a lower rate');
});
