import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { computeFigures } from '../measure/figures.ts';
import { HarnessError } from '../model/index.ts';
import { readRun } from '../store/run-store.ts';
import type { ReportData } from './data.ts';
import { writeFixtureRun, TEMP_FIXTURES } from '../testing/report-fixtures.ts';
import { downsample, type Point } from './html/charts.ts';
import { scriptJson } from './html/render.ts';
import { golden } from '../testing/golden.ts';
import { renderReport, timelineCsv, timelineRows } from './index.ts';
import { loadReportRun, profileBits } from './runs.ts';
import { parseSlo, type SloConfig } from '../scenario/slo-file.ts';
import { decide, gatesFailedOf } from './verdict/verdict.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/runs/', import.meta.url));
const spike = join(FIXTURES, 'spike-60s');
const rolling = join(FIXTURES, 'rolling-update-60s');
const interrupted = join(FIXTURES, 'spike-60s-interrupted');
const noPng = async (): Promise<never> => {
  throw new Error('canvas: not installed (test)');
};
const fixedNow = new Date('2025-01-15T12:00:00.000Z');

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'capbench-report-'));
}

function embedded(htmlPath: string): ReportData {
  const html = readFileSync(htmlPath, 'utf8');
  const m = /<script type="application\/json" id="capbench-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'index.html must embed #capbench-data');
  return JSON.parse(m[1]!) as ReportData;
}

function slo(scenarios: Record<string, unknown>, extra: Record<string, unknown> = {}): SloConfig {
  return parseSlo({ scenarios, ...extra }, 'test-slo.yaml');
}

test('embedded JSON carries exactly the figures computeFigures gives for the saved series', async () => {
  const out = tmp();
  const res = await renderReport({ runDirs: [spike, rolling], outDir: out, pngLoader: noPng, now: fixedNow });
  const data = embedded(res.htmlPath);
  assert.ok(readFileSync(res.htmlPath, 'utf8').includes('downtime by completion second'), 'the report says when availability fell back to completion seconds');
  for (const dir of [spike, rolling]) {
    const saved = readRun(dir);
    const { windows, slo: s, durationS } = profileBits(saved.record.profile, saved.record.model);
    const run = data.runs.find((r) => r.runId === saved.record.runId)!;
    assert.ok(run);
    assert.equal(run.targets.length, 2);
    for (const t of saved.record.targets) {
      const series = saved.series[t.name]!;
      const expected = computeFigures({ load: series.load, starts: series.starts, platform: series.platform, faults: t.faults, windows, slo: s, ...(durationS === null ? {} : { durationS }) });
      const got = run.targets.find((x) => x.name === t.name)!;
      assert.equal(got.figuresSource, 'recomputed');
      assert.deepEqual(got.figures, JSON.parse(JSON.stringify(expected)));
      // these runs were saved before start seconds were recorded: availability falls back to completion seconds, and says so
      assert.equal(series.starts.length, 0);
      assert.equal(got.figures?.availabilityBasis, 'completion-second');
      // and the run's own copy (written by the same code, before the basis and degraded time were recorded) agrees
      const { degradedS: _d, longestDegradedS: _l, ...older } = got.figures!;
      const olderFaults = older.faults.map(({ errorRate: _e, degradedS: _fd, longestDegradedS: _fl, ...x }) => x);
      assert.deepEqual({ ...older, faults: olderFaults }, JSON.parse(JSON.stringify({ ...t.figures, availabilityBasis: 'completion-second' })));
    }
  }
  assert.equal(data.verdict.verdict, res.verdict.verdict);
  assert.ok(data.charts.length > 8);
  assert.ok(data.charts.every((c) => c.title.length > 0 && c.config.options.scales !== undefined));
});

test('figures fall back to run.json only when the series are missing', () => {
  const dir = join(tmp(), 'spike');
  cpSync(spike, dir, { recursive: true });
  rmSync(join(dir, 'targets', 'compose', 'load.ndjson'));
  const r = loadReportRun(dir);
  const compose = r.targets.find((t) => t.run.name === 'compose')!;
  const k8s = r.targets.find((t) => t.run.name === 'local-k8s')!;
  assert.equal(compose.figuresSource, 'run.json');
  assert.deepEqual(compose.figures, compose.run.figures);
  assert.equal(k8s.figuresSource, 'recomputed');
});

test('timeline.csv and summary.csv match the golden files', async () => {
  golden('timeline.csv', timelineCsv(timelineRows(readRun(spike))));
  const out = tmp();
  const res = await renderReport({ runDirs: [spike, rolling], outDir: out, pngLoader: noPng });
  golden('report-timeline.csv', readFileSync(res.csvPaths[0]!, 'utf8'));
  golden('summary.csv', readFileSync(res.csvPaths[1]!, 'utf8'));
});

test('timelineRows: one row per second per target with the documented columns', () => {
  const saved = readRun(spike);
  const rows = timelineRows(saved);
  const perTarget = saved.record.targets.map((t) => rows.filter((r) => r.target === t.name).length);
  assert.deepEqual(perTarget, saved.record.targets.map((t) => saved.series[t.name]!.load.length));
  const first = rows[0]!;
  assert.equal(first.t_s, 0);
  assert.equal(first.rps, (first.requests as number) - (first.failures as number));
});

test('verdict flips exactly at the gate boundary', () => {
  const run = loadReportRun(rolling);
  const k8s = run.targets.find((t) => t.run.kind === 'kubernetes')!;
  const worstP95 = Math.max(...k8s.figures!.windows.map((w) => w.p95Ms!));
  const at = decide([run], slo({ 'rolling-update': { gates: { p95Ms: worstP95 } } }));
  assert.equal(at.verdict, 'GO', at.reason);
  assert.equal(gatesFailedOf(at), false);
  const eps = 1e-9;
  const over = decide([run], slo({ 'rolling-update': { gates: { p95Ms: worstP95 - eps } } }));
  assert.equal(over.verdict, 'NO-GO');
  assert.equal(gatesFailedOf(over), true);
  const failed = over.failedGates;
  assert.ok(failed.length >= 1 && failed.every((g) => g.gate === 'p95Ms' && g.target === 'local-k8s'));
  assert.ok(Math.abs(failed[0]!.overBy! - eps) < 1e-6);
  assert.match(over.reason, /p95 latency in \w+: .* > .*over by/);
  // same at the error-rate and downtime boundaries
  const crash = loadReportRun(writeFixtureRun(tmp(), TEMP_FIXTURES.find((f) => f.scenario === 'node-crash')!));
  const ck = crash.targets.find((t) => t.run.kind === 'kubernetes')!.figures!;
  assert.equal(decide([crash], slo({ 'node-crash': { gates: { downtimeS: ck.downtimeS } } })).verdict, 'GO');
  assert.equal(decide([crash], slo({ 'node-crash': { gates: { downtimeS: ck.downtimeS - 0.5 } } })).verdict, 'NO-GO');
  const worstErr = Math.max(...ck.windows.map((w) => w.errorRate));
  assert.equal(decide([crash], slo({ 'node-crash': { gates: { errorRate: worstErr } } })).verdict, 'GO');
  assert.equal(decide([crash], slo({ 'node-crash': { gates: { errorRate: worstErr + 1e-9 - 2e-9 } } })).verdict, 'NO-GO');
});

test('per-target gates override the scenario gates', () => {
  const run = loadReportRun(spike);
  const v = decide([run], slo({ spike: { gates: { errorRate: 0.01 }, targets: { 'local-k8s': { errorRate: 0.5 } } } }));
  assert.equal(v.verdict, 'GO', v.reason);
  assert.ok(v.gates.some((g) => g.target === 'compose' && !g.pass), 'compose still judged by the scenario gate');
});

test('NO DATA without a Kubernetes target says in one line what to do next', async () => {
  const root = tmp();
  // named targets, none of them Kubernetes: the user did not ask for one
  const composeOnly = writeFixtureRun(root, { runId: 'c-only', scenario: 'spike', durationS: 20, targets: [{ name: 'compose', kind: 'compose', requestedBy: 'name' }] });
  const v = decide([loadReportRun(composeOnly)], slo({ spike: { gates: { p95Ms: 1000 } } }));
  assert.equal(v.verdict, 'NO DATA');
  assert.equal(v.reason, 'No Kubernetes target in these runs: add one to `--target` (`npx capbench targets` lists those usable here)');
  assert.deepEqual(v.deciding, []);
  assert.equal(gatesFailedOf(v), false);
  // a run saved before `requestedBy` existed: its skipped kind came from --target auto
  const skipped = writeFixtureRun(root, TEMP_FIXTURES.find((f) => f.runId === 'spike-60s-compose-only')!);
  const res = await renderReport({ runDirs: [skipped], outDir: join(root, 'r'), pngLoader: noPng });
  assert.equal(res.verdict.verdict, 'NO DATA');
  assert.equal(res.verdict.reason, 'No Kubernetes here: install kind');
  assert.equal(res.verdict.nextStep, 'install kind');
  assert.deepEqual(res.verdict.unavailable, [{ target: 'kind', kind: 'kubernetes', reason: 'kind is not installed' }]);
  assert.ok(!res.verdict.gates.some((g) => g.target === 'kind'), 'an unavailable target is not judged');
  const md = readFileSync(res.summaryMdPath, 'utf8');
  assert.match(md, /^## capbench: ℹ️ no verdict\n\nNo Kubernetes here: install kind\n/);
  assert.match(md, /^Not available here: kind \(kind is not installed\)$/m);
  assert.match(md, /^\| spike \| compose \|/m);
  assert.ok(!/^\| spike \| kind \|/m.test(md), 'no summary row for kind');
  // each target's entry and the run's connection model are named
  assert.match(md, /^Entry: compose — L7: HAProxy$/m);
  assert.match(md, /`spike-60s-compose-only` \(builtin, closed model, a new connection per iteration\)/);
  assert.match(readFileSync(res.htmlPath, 'utf8'), /entry: L7: HAProxy/);
});

test('two runs of one Kubernetes target through different entries (--k8s-entry) each name theirs', async () => {
  const root = tmp();
  const l4 = writeFixtureRun(root, { runId: 'crash-l4', scenario: 'spike', durationS: 20, targets: [{ name: 'local-k8s', kind: 'kubernetes', requestedBy: 'name' }] });
  const l7 = writeFixtureRun(root, { runId: 'crash-l7', scenario: 'spike', durationS: 20, targets: [{ name: 'local-k8s', kind: 'kubernetes', requestedBy: 'name', entry: 'L7: HAProxy in the cluster (--k8s-entry ingress)' }] });
  const res = await renderReport({ runDirs: [l4, l7], outDir: join(root, 'r'), pngLoader: noPng });
  const md = readFileSync(res.summaryMdPath, 'utf8');
  assert.match(md, /^Entry: local-k8s — L4: NodePort · local-k8s — L7: HAProxy in the cluster \(--k8s-entry ingress\)$/m);
});

test('an interrupted run renders, clearly marked', async () => {
  const out = tmp();
  const res = await renderReport({ runDirs: [interrupted], outDir: out, pngLoader: noPng });
  const html = readFileSync(res.htmlPath, 'utf8');
  assert.match(html, /<span class="tag warn">interrupted<\/span>/);
  assert.match(html, /This run is <b>interrupted<\/b>: interrupted by SIGINT/);
  const data = embedded(res.htmlPath);
  assert.equal(data.runs[0]!.status, 'interrupted');
  assert.ok(data.charts.length > 0);
  assert.match(readFileSync(res.summaryMdPath, 'utf8'), /\*\*interrupted\*\*/);
  assert.ok(res.verdict.notes.some((n) => /interrupted/.test(n)));
  // windows the run never reached are not judged
  assert.ok(!res.verdict.gates.some((g) => g.subject === 'after' && g.actual === null));
});

test('without canvas: one log line, the error in the result, and HTML, CSV and Markdown still written', async () => {
  const out = tmp();
  const lines: string[] = [];
  const res = await renderReport({ runDirs: [spike], outDir: out, pngLoader: noPng, log: (l) => lines.push(l) });
  const pngLines = lines.filter((l) => /PNG|png/.test(l));
  assert.equal(pngLines.length, 1);
  assert.match(pngLines[0]!, /^report: charts\/\*\.png not written — png: .*canvas: not installed \(test\).*; hint: /);
  assert.deepEqual(res.pngPaths, []);
  assert.deepEqual(res.failures.map((f) => [f.reporter, f.error?.exitCode]), [['png', 4]]);
  for (const p of [res.htmlPath, res.summaryMdPath, ...res.csvPaths]) assert.ok(existsSync(p), p);
  assert.equal(res.csvPaths.length, 3);
  assert.deepEqual(res.written, [...res.csvPaths, res.summaryMdPath, res.htmlPath]);
  // the page's footer promises only what was written
  assert.match(readFileSync(res.htmlPath, 'utf8'), /Files beside this page: timeline\.csv, summary\.csv, figures\.csv, summary\.md\.<\/p>/);
});

// canvas is an optional dependency npm drops silently when its build fails: missing, this
// fails loudly (no opt-out) — the PNG charts are part of what `bash scripts/setup.sh` sets up
test('with chartjs-node-canvas installed, key charts become PNGs', async () => {
  try {
    await import('chartjs-node-canvas');
  } catch (e) {
    assert.fail(`chartjs-node-canvas must load for the PNG charts (got: ${(e as Error).message.split('\n')[0]}); hint: bash scripts/setup.sh installs the Cairo packages and rebuilds canvas`);
  }
  const out = tmp();
  const res = await renderReport({ runDirs: [rolling], outDir: out });
  assert.ok(res.pngPaths.length >= 5);
  for (const p of res.pngPaths) assert.deepEqual([...readFileSync(p).subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.match(readFileSync(res.htmlPath, 'utf8'), new RegExp(`Files beside this page: timeline\\.csv, summary\\.csv, figures\\.csv, summary\\.md, charts/\\*\\.png \\(${res.pngPaths.length} charts\\)`));
});

test('default outDir is <first run dir>/report; summary.md links index.html relatively', async () => {
  const dir = join(tmp(), 'spike');
  cpSync(spike, dir, { recursive: true });
  const res = await renderReport({ runDirs: [dir], pngLoader: noPng });
  assert.equal(res.htmlPath, join(dir, 'report', 'index.html'));
  const md = readFileSync(res.summaryMdPath, 'utf8');
  assert.match(md, /\[index\.html\]\(index\.html\)/);
  assert.match(md, /\| scenario \| target \|/);
  assert.match(md, /### Failed gates/);
});

test('baseline: a regression beyond margin and floor is flagged; the same run is not', async () => {
  const root = tmp();
  const base = writeFixtureRun(root, { runId: 'base', scenario: 'rolling-update', durationS: 40, startedAt: '2025-01-14T10:00:00.000Z' });
  const same = writeFixtureRun(root, { runId: 'same', scenario: 'rolling-update', durationS: 40 });
  const slower = writeFixtureRun(root, {
    runId: 'slower',
    scenario: 'rolling-update',
    durationS: 40,
    targets: [{ name: 'compose', kind: 'compose' }, { name: 'local-k8s', kind: 'kubernetes', latencyFactor: 1.5 }],
  });
  const s = slo({ 'rolling-update': { gates: { p95Ms: 5000 } } }, { regressionMargin: 0.1 });
  const ok = decide([loadReportRun(same)], s, [loadReportRun(base)]);
  assert.ok(ok.regressions.length > 0);
  assert.ok(ok.regressions.every((r) => !r.regressed));
  const bad = decide([loadReportRun(slower)], s, [loadReportRun(base)]);
  const regs = bad.regressions.filter((r) => r.regressed);
  assert.ok(regs.length > 0 && regs.every((r) => r.target === 'local-k8s' && r.gate === 'p95Ms'));
  assert.equal(bad.verdict, 'GO');
  assert.equal(gatesFailedOf(bad), true, 'a candidate regression fails the CI job');
  // a huge margin tolerates it
  const lax = decide([loadReportRun(slower)], slo({ 'rolling-update': { gates: { p95Ms: 5000 } } }, { regressionMargin: 5 }), [loadReportRun(base)]);
  assert.ok(lax.regressions.every((r) => !r.regressed));
  const res = await renderReport({ runDirs: [slower], baselineDirs: [base], outDir: join(root, 'r'), pngLoader: noPng });
  assert.match(readFileSync(res.summaryMdPath, 'utf8'), /### Baseline regressions[\s\S]*p95 latency/);
});

test('regression floors: 0 → 1 failed request is not a regression', () => {
  const s = slo({ 'rolling-update': { gates: { failedRequestsDuringRollout: 10 } } });
  const base = loadReportRun(rolling);
  const cur = loadReportRun(rolling);
  const k8s = cur.targets.find((t) => t.run.kind === 'kubernetes')!;
  k8s.figures = { ...k8s.figures!, faults: k8s.figures!.faults.map((f) => ({ ...f, failedRequests: f.failedRequests + 1 })) };
  cur.saved.record = { ...cur.saved.record, runId: 'cur' };
  const r = decide([cur], s, [base]).regressions.find((x) => x.target === 'local-k8s' && x.gate === 'failedRequestsDuringRollout')!;
  assert.equal(r.baseline, 0);
  assert.equal(r.current, 1);
  assert.equal(r.regressed, false);
  k8s.figures = { ...k8s.figures, faults: k8s.figures.faults.map((f) => ({ ...f, failedRequests: 6 })) };
  assert.equal(decide([cur], s, [base]).regressions.find((x) => x.target === 'local-k8s' && x.gate === 'failedRequestsDuringRollout')!.regressed, true);
});

test('down-sampling keeps spikes (max per bucket) and at most 900 points', () => {
  const pts: Point[] = Array.from({ length: 3600 }, (_, i) => [i, i === 1234 ? 9999 : 10]);
  const d = downsample(pts, 'max');
  assert.ok(d.length <= 900);
  assert.equal(Math.max(...d.map((p) => p[1] ?? 0)), 9999);
  assert.deepEqual(downsample([[0, 1], [1, null]], 'max'), [[0, 1], [1, null]]);
});

test('embedded JSON cannot close its script element', () => {
  const s = scriptJson({ error: '</script><script>alert(1)</script>' });
  assert.ok(!s.includes('</script'));
  assert.deepEqual(JSON.parse(s), { error: '</script><script>alert(1)</script>' });
});

test('no run dirs is a usage error', async () => {
  await assert.rejects(renderReport({ runDirs: [] }), (e: unknown) => e instanceof HarnessError && e.exitCode === 2);
});
