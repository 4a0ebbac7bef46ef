/**
 * The verdict and report on repeated runs, on synthetic saved runs (src/testing/report-fixtures.ts)
 * whose repetitions differ by known latency factors: gates judged on intervals (PASS /
 * FAIL / INCONCLUSIVE), Kubernetes against Compose per figure, --baseline by intervals, and
 * every output showing median [interval] (n).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSlo } from '../scenario/slo-file.ts';
import { writeFixtureRun, type FixtureTarget } from '../testing/report-fixtures.ts';
import type { ReportData } from './data.ts';
import { renderReport } from './index.ts';
import { loadReportRun } from './runs.ts';
import { decide } from './verdict/verdict.ts';
import { judgeRepeated } from './verdict/repeated-gate.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'capbench-repeat-verdict-'));
const JITTER_A = [1, 1.03, 0.97, 1.01, 0.99];
const JITTER_B = [0.98, 1.02, 1, 0.96, 1.04];
const loose = parseSlo({ scenarios: { spike: { gates: { p95Ms: 1e9, errorRate: 1 } } } }, 'loose.yaml');

function run(root: string, runId: string, o: { k8s?: Partial<FixtureTarget>; compose?: Partial<FixtureTarget>; repeat?: number; startedAt?: string } = {}) {
  return writeFixtureRun(root, {
    runId,
    scenario: 'spike',
    durationS: 60,
    repeat: o.repeat ?? 5,
    ...(o.startedAt ? { startedAt: o.startedAt } : {}),
    targets: [{ name: 'compose', kind: 'compose', latencyByRepetition: JITTER_A, ...o.compose }, { name: 'local-k8s', kind: 'kubernetes', latencyByRepetition: JITTER_B, ...o.k8s }],
  });
}

describe('judgeRepeated', () => {
  it('single run: by its value; repetitions: by the interval, a repetition without a value keeps it from PASS', () => {
    assert.equal(judgeRepeated([90], 100).outcome, 'PASS');
    assert.equal(judgeRepeated([110], 100).interval, null);
    assert.equal(judgeRepeated([80, 90, 95], 100).outcome, 'PASS');
    assert.equal(judgeRepeated([101, 120, 130], 100).outcome, 'FAIL');
    const mixed = judgeRepeated([80, 90, 120], 100);
    assert.deepEqual([mixed.outcome, mixed.interval!.coverage], ['INCONCLUSIVE', 0.75]);
    const never = judgeRepeated([80, null, 90], 100);
    assert.equal(never.outcome, 'INCONCLUSIVE');
    assert.equal(never.interval!.upper, null);
    assert.equal(never.toResolve!.runs, null);
    assert.equal(judgeRepeated([null, null], 100).outcome, 'FAIL');
  });
});

describe('verdict on repeated runs', () => {
  it('5 against 5 of the same app: each gate judged on 5 runs (93.75 % interval), no significant difference, GO', () => {
    const r = loadReportRun(run(tmp(), 'same', { compose: { simulateAs: 'kubernetes' } }), loose);
    assert.equal(r.targets.length, 2);
    assert.deepEqual(r.targets.map((t) => t.repetitions.length), [5, 5]);
    const v = decide([r], loose);
    assert.equal(v.verdict, 'GO', v.reason);
    const g = v.gates.find((x) => x.target === 'local-k8s' && x.gate === 'p95Ms')!;
    assert.deepEqual([g.n, g.interval!.coverage, g.outcome], [5, 0.9375, 'PASS']);
    assert.match(g.text, /\[.+, .+\] \(n = 5, 93\.75 %\) ≤/);
    const p95 = v.comparisons.filter((c) => c.gate === 'p95Ms');
    assert.ok(p95.length >= 1);
    for (const c of p95) assert.equal(c.significant, false, c.text);
  });

  it('Kubernetes twice as slow: the p95 difference is significant (5 vs 5 separated: p = 2/252), with its Hodges–Lehmann interval above 0', () => {
    const v = decide([loadReportRun(run(tmp(), 'slow', { compose: { simulateAs: 'kubernetes' }, k8s: { latencyFactor: 2 } }), loose)], loose);
    const c = v.comparisons.find((x) => x.gate === 'p95Ms' && x.subject === 'spike')!;
    assert.equal(c.significant, true, c.text);
    assert.ok(Math.abs(c.p - 2 / 252) < 1e-9, String(c.p));
    assert.ok(c.interval!.lower > 0 && c.difference > 0);
    assert.equal(c.interval!.coverage > 0.95, true);
  });

  it('a limit inside the interval: INCONCLUSIVE, never GO or NO-GO, with the runs likely to resolve it', () => {
    const root = tmp();
    const dir = run(root, 'edge', { k8s: { latencyByRepetition: [0.8, 0.9, 1, 1.1, 1.2] } });
    const probe = decide([loadReportRun(dir, loose)], loose).gates.find((g) => g.target === 'local-k8s' && g.gate === 'p95Ms' && g.subject === 'spike')!;
    const limit = Math.round(probe.actual! * 1.05);
    assert.ok(probe.interval!.upper! > limit && probe.interval!.lower! < limit, `limit ${limit} inside ${JSON.stringify(probe.interval)}`);
    const edge = parseSlo({ scenarios: { spike: { windows: ['spike'], gates: { p95Ms: limit } } } }, 'edge.yaml');
    const v = decide([loadReportRun(dir, edge)], edge);
    assert.equal(v.verdict, 'INCONCLUSIVE', v.reason);
    assert.equal(v.failedGates.length, 0);
    assert.deepEqual(v.inconclusiveGates.map((g) => [g.target, g.subject]), [['local-k8s', 'spike']]);
    const runs = v.inconclusiveGates[0]!.toResolve!.runs;
    assert.ok(runs !== null && runs > 5, String(runs));
    assert.match(v.nextStep!, runs! <= 20 ? new RegExp(`run again with \`--repeat ${runs}\``) : /more than `--repeat` allows \(20\)/);
    assert.equal(v.targets.find((t) => t.target === 'local-k8s')!.result, 'inconclusive');
  });

  it('--baseline with repetitions: a 50 % slower p95 is a regression (the interval of the change is above the floor); the same app again is not', () => {
    const root = tmp();
    const base = loadReportRun(run(root, 'base', { repeat: 3, startedAt: '2025-01-14T10:00:00.000Z' }), loose);
    const same = decide([loadReportRun(run(root, 'same', { repeat: 3, k8s: { latencyByRepetition: [1.01, 0.99, 1] } }), loose)], loose, [base]);
    const slower = decide([loadReportRun(run(root, 'slower', { repeat: 3, k8s: { latencyFactor: 1.5 } }), loose)], loose, [base]);
    const reg = (v: typeof same) => v.regressions.find((r) => r.target === 'local-k8s' && r.gate === 'p95Ms' && r.subject === 'spike')!;
    assert.deepEqual([reg(slower).basis, reg(slower).regressed], ['interval', true]);
    assert.match(reg(slower).text, /3 → 3 runs\); change .+ \[.+, .+\] \(90 %\)/);
    assert.deepEqual([reg(same).basis, reg(same).regressed], ['interval', false]);
  });
});

describe('report on repeated runs', () => {
  it('summary.md, the page and figures.csv show median [interval] (n); a single run says "single run, no interval"', async () => {
    const root = tmp();
    const rep = await renderReport({ runDirs: [run(root, 'five', { k8s: { latencyFactor: 2 } })], slo: loose, reporters: ['html', 'markdown', 'csv'], outDir: join(root, 'out') });
    const md = readFileSync(rep.summaryMdPath!, 'utf8');
    assert.match(md, /Figures: each figure: median \[interval\] over 5 repetitions \(n = 5 unless said\) — the order-statistic interval of the median, covering it with 93\.75 % probability/);
    assert.match(md, /\| spike \| local-k8s \| kubernetes \| completed \| pass \| [\d.]+ (ms|s) \[[\d.]+ (ms|s), [\d.]+ (ms|s)\] \| /);
    assert.match(md, /### Kubernetes against Compose/);
    assert.match(md, /\*\*spike \/ local-k8s vs compose\*\*: p95 latency in baseline: \+.* — significant/);
    const html = readFileSync(rep.htmlPath!, 'utf8');
    assert.match(html, /\(n = 5, 93\.75 %\)/);
    assert.match(html, /<h3>Kubernetes against Compose<\/h3>/);
    const data = JSON.parse(/<script type="application\/json" id="capbench-data">(.*?)<\/script>/s.exec(html)![1]!) as ReportData;
    const p95Claim = data.claims.find((c) => c.topic.startsWith('p95') && c.platform === 'kubernetes')!;
    assert.match(p95Claim.measured[0]!.interval!, /^\[[\d.]+ (ms|s), [\d.]+ (ms|s)\] \(n = 5, 93\.75 %\)$/);
    const csv = readFileSync(rep.csvPaths.find((p) => p.endsWith('figures.csv'))!, 'utf8').split('\n');
    assert.equal(csv[0], 'run_id,scenario,target,kind,figure,n,missing,median,lower,upper,coverage,interval,values');
    const p95 = csv.find((l) => l.startsWith('five,spike,local-k8s,kubernetes,windows.spike.p95Ms,'))!.split(',');
    assert.deepEqual([p95[5], p95[10], p95[11]], ['5', '0.9375', 'order-statistic']);
    assert.equal(p95[12]!.split(' ').length, 5);

    const single = await renderReport({ runDirs: [run(root, 'one', { repeat: 1 })], slo: loose, reporters: ['markdown'], outDir: join(root, 'out1') });
    assert.match(readFileSync(single.summaryMdPath!, 'utf8'), /Figures: single run, no interval\./);
  });
});
