/**
 * The report's Plan section (issue 13): rendered from `<run>/plan/plan.json` as `capbench plan`
 * writes it, built here from synthetic capacity runs (src/testing/plan-fixtures.ts). Every
 * figure asserted is read from the saved plan, never invented; a missing or unreadable plan is
 * no section, a broken one one line, never a crash.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CapacityPlan } from '../model/index.ts';
import { capacityRegressions } from '../plan/plan-regression.ts';
import { golden } from '../testing/golden.ts';
import { PLAN_FIXTURE_USL, writePlannedCapacityRuns } from '../testing/plan-fixtures.ts';
import type { ReportData } from './data.ts';
import { count, rps } from './format.ts';
import { planChartId } from './html/plan-charts.ts';
import { renderReport } from './index.ts';
import { computedLabel, fitFacts, money, REACH_TEXT, sizeText } from './plan/facts.ts';
import { planFileOf } from './plan/saved-plan.ts';
import { esc } from './html/parts.ts';

const root = mkdtempSync(join(tmpdir(), 'capbench-plan-report-'));
const noPng = async (): Promise<never> => {
  throw new Error('canvas: not installed (test)');
};
const NONSENSE = /NaN|Infinity|undefined|\bnull\b|\[object/;

async function report(dirs: string[], name: string): Promise<{ visible: string; data: ReportData; md: string; plan: string }> {
  const res = await renderReport({ runDirs: dirs, outDir: join(root, name), pngLoader: noPng, now: new Date('2025-01-15T12:00:00.000Z') });
  const html = readFileSync(res.htmlPath, 'utf8');
  const m = /<script type="application\/json" id="capbench-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m);
  const visible = html.slice(0, html.indexOf('<script'));
  const start = visible.indexOf('<section id="plan">');
  return { visible, data: JSON.parse(m[1]!) as ReportData, md: readFileSync(res.summaryMdPath, 'utf8'), plan: start < 0 ? '' : visible.slice(start, visible.indexOf('</section>', start)) };
}

const saved = (dir: string): CapacityPlan => JSON.parse(readFileSync(planFileOf(dir), 'utf8')) as CapacityPlan;

test('a plan beside a capacity run: the section shows the fit, the sizes with their reach, HPA and the notes, all from plan.json', async () => {
  const { dirs } = writePlannedCapacityRuns(root, { prefix: 'unpriced' });
  const { visible, data, md, plan: section } = await report([dirs[0]!], 'unpriced');
  const plan = saved(dirs[0]!);
  assert.equal(data.plans.length, 1);
  assert.equal(data.plans[0]!.status, 'ok');
  assert.deepEqual(data.plans[0]!.status === 'ok' && data.plans[0]!.plan, plan);
  assert.ok(section.length > 0, 'a Plan section');
  assert.ok(visible.indexOf('id="capacity"') < visible.indexOf('id="plan"'), 'after Capacity');
  assert.ok(!NONSENSE.test(section), 'no NaN, null or undefined');
  assert.ok(section.includes(esc(computedLabel('unpriced-0'))));
  assert.match(section, /not verified/);
  for (const m of plan.models) {
    const f = fitFacts(m);
    for (const v of [f.lambda, f.sigma, f.kappa, f.peak]) assert.ok(section.includes(esc(v)), `${m.target}: ${v}`);
    assert.ok(section.includes(`id="${planChartId('unpriced-0', m.target)}"`), `${m.target}: a chart`);
  }
  for (const r of plan.rows) {
    const row = `<td>${esc(r.target)}</td><td class="num">${r.users}</td><td class="num">${esc(rps(r.loadRps))}</td><td class="num">${esc(rps(r.neededRps))}</td><td class="num"><b>${esc(count(r.replicas))}</b></td>`;
    assert.ok(section.includes(row), `${r.target} × ${r.users} users`);
    assert.ok(section.includes(esc(sizeText(r, plan.options))));
    assert.ok(section.includes(`>${esc(REACH_TEXT[r.reach])}<`));
  }
  assert.deepEqual([...new Set(plan.rows.map((r) => r.reach))].sort(), ['beyond-probed', 'extrapolated', 'probed', 'unreachable'], 'the fixture covers every reach');
  for (const a of plan.autoscaler) {
    for (const o of [a.recommended, a.current]) assert.ok(section.includes(`min ${o.settings.minReplicas}, max ${o.settings.maxReplicas}`), `${a.target} × ${a.users}`);
  }
  assert.match(section, /Cost over a day — resources only, no prices given/);
  assert.ok(!section.includes('cost per day'), 'no cost column without prices');
  for (const n of plan.notes) assert.ok(section.includes(esc(n).replace(/`([^`]+)`/g, '<code>$1</code>')), n);
  golden('plan-summary.md', md.slice(md.indexOf('### Plan'), md.indexOf('Full report:')));
});

test('the chart draws plan.json\'s band, the measured figures and each planned size', async () => {
  const { dirs } = writePlannedCapacityRuns(root, { prefix: 'chart' });
  const { data } = await report([dirs[0]!], 'chart');
  const plan = saved(dirs[0]!);
  const charts = data.charts.filter((c) => c.section === 'plan');
  assert.deepEqual(charts.map((c) => c.id), plan.models.map((m) => planChartId('chart-0', m.target)));
  for (const [i, m] of plan.models.entries()) {
    const ds = charts[i]!.config.data.datasets;
    const of = (re: RegExp) => ds.find((d) => re.test(String(d.label)))!.data as Array<[number, number]>;
    const span = of(/^USL fit/).length;
    const band = m.fit.band!.slice(0, span);
    assert.equal(band[band.length - 1]!.replicas, span);
    assert.deepEqual(of(/^USL fit/), band.map((b) => [b.replicas, b.throughputRps]));
    assert.deepEqual(of(/lower end/), band.map((b) => [b.replicas, b.lowerRps]));
    assert.deepEqual(of(/upper end/), band.map((b) => [b.replicas, b.upperRps]));
    assert.deepEqual(of(/^measured/), m.observations.flatMap((o) => o.throughputRps.map((v) => [o.replicas, v])));
    const planned = plan.rows.filter((r) => r.target === m.target && r.replicas !== null);
    assert.deepEqual(of(/^planned/), planned.map((r) => [r.replicas, r.neededRps]));
    assert.ok(planned.every((r) => r.replicas! <= span), 'every planned size is inside the chart');
    assert.ok(span >= 2 * Math.max(...m.observations.map((o) => o.replicas)));
  }
});

test('a priced plan: the cost table; a baseline with more per-replica capacity: the regression flag', async () => {
  const base = writePlannedCapacityRuns(root, { prefix: 'baseline', usl: { ...PLAN_FIXTURE_USL, lambdaRps: PLAN_FIXTURE_USL.lambdaRps * 1.5 } });
  const { dirs, plan } = writePlannedCapacityRuns(root, { prefix: 'priced', prices: { vcpuHour: 0.04 } });
  plan.regressions = capacityRegressions(plan, base.plan);
  writeFileSync(planFileOf(dirs[0]!), JSON.stringify(plan));
  const { plan: section, md } = await report([dirs[0]!], 'priced');
  assert.ok(section.includes('<th>cost per day</th>'));
  for (const d of plan.cost!.days) {
    for (const k of d.kubernetes) for (const v of [k.costFixed, k.costFollowing]) assert.ok(section.includes(`<b>${money(v)}</b>`), `${k.target} ${v}`);
    for (const x of d.compose) assert.ok(section.includes(`<b>${money(x.cost)}</b>`), `${x.target} ${x.cost}`);
  }
  assert.ok(plan.regressions.every((r) => r.flagged), 'the fixture regresses every target');
  assert.match(section, /<span class="tag bad">regression<\/span> per-replica capacity/);
  assert.match(md, /\*\*Regression\*\*: per-replica capacity below the baseline's band — local-k8s, compose\./);
});

test('a verified plan shows the measurement against the prediction; the hold-out checks beside it', async () => {
  const { dirs, plan } = writePlannedCapacityRuns(root, { prefix: 'verified' });
  const row = plan.rows.find((r) => r.target === 'local-k8s' && r.reach === 'probed')!;
  // a synthetic verification record, shaped as `plan --verify` saves it: the report only shows it
  const verification = {
    target: row.target, users: row.users, replicas: row.replicas, runDir: 'reports/verify-1', offeredRps: Math.round(row.loadRps), errorPct: 0, reason: 'the SLO held at the predicted rate',
    verdict: 'pass', predicted: { rateRps: row.loadRps, capacityRps: row.predictedRps, lowerRps: row.predictedLowerRps, upperRps: row.predictedRps },
    measured: { throughputRps: row.loadRps, p95Ms: 40, errorRate: 0, requests: 1000, measuredS: 20, generatorBoundS: 0, hostBoundS: 0, bound: 'app' }, slo: { p95Ms: 500, errorRate: 0.01 },
  };
  writeFileSync(planFileOf(dirs[0]!), JSON.stringify({ ...plan, verification, holdOut: [], holdOutNotes: ['compose: fewer than 3 replica counts'] }));
  const { plan: section, md } = await report([dirs[0]!], 'verified');
  assert.ok(!section.includes('not verified'));
  assert.match(section, /verified: PASS<\/span> local-k8s, \d+ users, \d+ replicas pinned: the SLO held at the predicted rate/);
  assert.match(section, /compose: fewer than 3 replica counts/);
  assert.match(md, /verified: \*\*PASS\*\* \(the SLO held at the predicted rate; measured against the rate offered 0\.0 %\)/);
});

test('a generator-bound verification and a hold-out on a floor read "no verdict", never PASS/FAIL; errors print rounded to 0.1 %', async () => {
  const { dirs, plan } = writePlannedCapacityRuns(root, { prefix: 'bound' });
  const row = plan.rows.find((r) => r.target === 'local-k8s' && r.reach === 'probed')!;
  const [held, free] = plan.holdOut;
  assert.ok(held && free, 'the fixture has a hold-out check per target');
  // synthetic self-checks shaped as `plan --verify` and the hold-out save them: the report only shows them
  const verification = {
    target: row.target, users: row.users, replicas: row.replicas, runDir: 'reports/verify-2', offeredRps: Math.round(row.loadRps), errorPct: -2.25e-10, reason: 'the load generator fell behind its schedule',
    verdict: 'not-evidence', predicted: { rateRps: row.loadRps, capacityRps: row.predictedRps, lowerRps: row.predictedLowerRps, upperRps: row.predictedRps },
    measured: { throughputRps: row.loadRps, p95Ms: 40, errorRate: 0, requests: 1000, measuredS: 20, generatorBoundS: 12, hostBoundS: 0, bound: 'generator' }, slo: { p95Ms: 500, errorRate: 0.01 },
  };
  const floor = { ...held, errorPct: 12.3456, within20pct: null, boundNote: 'the measured capacity at 4 replicas is only a floor: the step after its knee was host-bound' };
  const missing = { ...free, measured: null, errorPct: null, within20pct: null, boundNote: null };
  writeFileSync(planFileOf(dirs[0]!), JSON.stringify({ ...plan, verification, holdOut: [floor, missing] }));
  const { plan: section, md } = await report([dirs[0]!], 'bound');
  assert.ok(!NONSENSE.test(section), 'no NaN, null or undefined');
  assert.match(section, /verified: NOT EVIDENCE<\/span>/);
  assert.match(section, /<b>generator-bound: the load generator, not the app, limited it<\/b>/);
  assert.match(section, /measured against the rate offered: 0\.0 % — no evidence either way/);
  assert.ok(!section.includes('0.000'), 'no unrounded error');
  assert.match(section, /\(error \+12\.3 %, against a figure that is no evidence\) — no verdict: the measured capacity at 4 replicas is only a floor: the step after its knee was host-bound<\/li>/);
  assert.match(section, /nothing measured — no verdict: no measured figure to compare with<\/li>/);
  assert.ok(!/within ±20 %/.test(section), 'no pass/fail reading without evidence');
  assert.match(md, /verified: \*\*NOT EVIDENCE\*\* \(the load generator fell behind its schedule; measured against the rate offered 0\.0 %; the measurement was generator-bound/);
  assert.match(md, /- Hold-out local-k8s: .*\(error \+12\.3 %, against a figure that is no evidence\) — no verdict: the measured capacity at 4 replicas is only a floor/);
});

test('no plan: no section; unreadable: no section; broken: one line saying what is wrong, and the rest of the report', async () => {
  const { dirs, plan } = writePlannedCapacityRuns(root, { prefix: 'broken' });
  const file = planFileOf(dirs[0]!);
  rmSync(file);
  let r = await report([dirs[0]!], 'none');
  assert.equal(r.plan, '');
  assert.deepEqual(r.data.plans, []);
  mkdirSync(file); // a directory where the file should be: unreadable
  r = await report([dirs[0]!], 'unreadable');
  assert.equal(r.plan, '');
  rmSync(file, { recursive: true });
  const cases: Array<[string, RegExp]> = [
    ['{"runs": [', /plan\.json: must be JSON \(got /],
    ['{"runs": 5}', /plan\.json: plan\.runs must be a list \(got 5\)/],
    [JSON.stringify({ ...plan, models: [{ target: 'x' }] }), /plan\.json: plan\.models\[0\]\.kind must be one of local, compose, kubernetes \(got nothing\)/],
  ];
  for (const [text, re] of cases) {
    writeFileSync(file, text);
    r = await report([dirs[0]!], 'broken');
    assert.match(r.plan, re);
    assert.match(r.plan, /<p class="banner plan-broken">The plan beside run broken-0 cannot be shown: /);
    assert.match(r.md, /- The plan beside run `broken-0` cannot be shown: /);
    assert.match(r.visible, /id="capacity"/, 'the rest of the report is there');
    assert.equal(r.data.charts.filter((c) => c.section === 'plan').length, 0);
  }
});
