/**
 * The report of a run where Kubernetes could not be had (a new user's `npm run bench:spike`
 * without root or a cluster): targets `--target auto` could not use are named once, never
 * judged, tabulated or claimed for; targets named in `--target` keep their row and error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NO_KUBERNETES_FIXTURE, writeFixtureRun } from '../testing/report-fixtures.ts';
import type { ReportData } from './data.ts';
import { TARGET_COLORS, targetColor } from './html/charts.ts';
import { renderReport } from './index.ts';
import { PLAN_COMMANDS } from './plan/facts.ts';

const noPng = async (): Promise<never> => {
  throw new Error('canvas: not installed (test)');
};

function page(htmlPath: string): { visible: string; data: ReportData } {
  const html = readFileSync(htmlPath, 'utf8');
  const m = /<script type="application\/json" id="capbench-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m);
  return { visible: html.slice(0, html.indexOf('<script')), data: JSON.parse(m[1]!) as ReportData };
}

/** summary.csv as objects; its cells here hold no commas or quotes (asserted). */
function csvRows(path: string): Array<Record<string, string>> {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  assert.ok(!lines.some((l) => l.includes('"')));
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

const occurrences = (s: string, word: string): number => s.split(word).length - 1;

test('no Kubernetes here: one line with the next step, unavailable targets named once and never judged', async () => {
  const root = mkdtempSync(join(tmpdir(), 'capbench-unavailable-'));
  const dir = writeFixtureRun(root, NO_KUBERNETES_FIXTURE);
  const lines: string[] = [];
  const res = await renderReport({ runDirs: [dir], outDir: join(root, 'report'), pngLoader: noPng, log: (l) => lines.push(l) });
  const v = res.verdict;
  assert.equal(v.verdict, 'NO DATA');
  assert.equal(v.reason, 'No Kubernetes here: run `npx capbench cluster up local-k8s` as root, or install kind');
  assert.ok(lines.includes(`verdict: no verdict — ${v.reason}`), lines.join('\n'));
  assert.deepEqual(v.unavailable.map((u) => [u.target, u.reason]), [
    ['local-k8s', 'local-k8s cluster is not running (API=down)'],
    ['kind', 'kind is not installed'],
    ['minikube', 'minikube is not installed'],
    ['kubernetes', 'no kubeconfig context given'],
  ]);
  // not failed gates, not verdict rows
  assert.deepEqual([...new Set(v.gates.map((g) => g.target))], ['local', 'compose']);
  assert.deepEqual(v.targets.map((t) => t.target), ['local', 'compose']);
  assert.deepEqual(v.failedGates, []);

  // not summary rows
  const csv = csvRows(res.csvPaths[1]!);
  assert.deepEqual(csv.map((r) => [r.target, r.target_status]), [['local', 'completed'], ['compose', 'completed']]);

  const { visible, data } = page(res.htmlPath);
  assert.deepEqual(data.runs[0]!.targets.map((t) => t.name), ['local', 'compose']);
  assert.deepEqual(data.runs[0]!.unavailable.map((t) => t.name), ['local-k8s', 'kind', 'minikube', 'kubernetes']);
  // once, in the "not available here" line; no wall of "no data"
  const line = /<p class="unavailable">.*?<\/p>/.exec(visible)?.[0] ?? '';
  assert.equal(occurrences(visible, '<p class="unavailable">'), 1);
  for (const u of v.unavailable) assert.ok(line.includes(`${u.target} <span class="muted">(${u.reason})</span>`), u.target);
  const rest = visible.replace(line, '');
  assert.equal(occurrences(rest, 'minikube'), 0);
  assert.equal(occurrences(rest, 'kind is not installed'), 0);
  assert.equal(occurrences(visible.toLowerCase(), 'no data'), 0);
  assert.match(visible, /<p class="reason">No Kubernetes here: run <code>npx capbench cluster up local-k8s<\/code> as root, or install kind<\/p>/);
  assert.match(visible, /reproduce:<\/span> <code>npx capbench run spike --quick --target auto<\/code>/);

  // not in the claims table: only targets that produced data, and unmeasured claims say what would
  for (const c of data.claims) {
    assert.ok(c.measured.every((m) => m.target === 'compose' || m.target === 'local'), `${c.topic}: ${JSON.stringify(c.measured)}`);
    if (c.platform !== 'kubernetes') continue;
    const byRun = c.scenario === 'capacity' ? [] : [c.scenario === 'spike' ? 'no Kubernetes target produced it in these runs' : `run ${c.scenario} (\`npx capbench run ${c.scenario} --quick\`)`];
    const byPlan = c.scenario === 'capacity' || c.topic === 'scale-up during the spike' ? [`computed by a plan — no plan in these runs: ${PLAN_COMMANDS}`] : [];
    assert.equal(c.unmeasured, [...byRun, ...byPlan].join('; or '));
  }

  // Compose's failed gates are visible and named in summary.md; an event before load start has no absurd time
  const md = readFileSync(res.summaryMdPath, 'utf8');
  assert.match(md, /### Failed gates — other targets \(for comparison, not part of the verdict\)\n\n- \*\*spike \/ local\*\*: /);
  assert.match(md, /^- \*\*spike \/ compose\*\*: p95 latency in spike: /m);
  assert.match(visible, /Failed gates — other targets[\s\S]*<b>spike \/ compose<\/b>: p95 latency in spike/);
  assert.ok(!/-999999/.test(visible), 'no t = −999999.7 s');
  assert.match(visible, /<td class="num">before load<\/td><td>compose<\/td><td>replica-started<\/td>/);
});

test('a target named in --target keeps its row and its error; an auto target that was usable but failed too', async () => {
  const root = mkdtempSync(join(tmpdir(), 'capbench-unavailable-'));
  const dir = writeFixtureRun(root, {
    runId: 'named-failures',
    scenario: 'spike',
    durationS: 30,
    targets: [
      { name: 'compose', kind: 'compose', requestedBy: 'name' },
      { name: 'kind', kind: 'kubernetes', status: 'failed', requestedBy: 'name', error: 'kind: cluster must become ready within 300 s (got 1 of 4 nodes Ready)' },
      { name: 'minikube', kind: 'kubernetes', status: 'skipped', requestedBy: 'name', error: 'minikube is not installed' },
    ],
  });
  const res = await renderReport({ runDirs: [dir], outDir: join(root, 'report'), pngLoader: noPng });
  const v = res.verdict;
  assert.equal(v.verdict, 'NO DATA');
  assert.deepEqual(v.unavailable, []);
  assert.match(v.reason, /^the Kubernetes targets produced no measurements — kind: no figures: target failed \(kind: cluster must become ready within 300 s \(got 1 of 4 nodes Ready\)\); minikube: no figures: target skipped \(minikube is not installed\)$/);
  assert.deepEqual(v.targets.map((t) => [t.target, t.result]), [['compose', 'fail'], ['kind', 'no data'], ['minikube', 'no data']]);
  const csv = csvRows(res.csvPaths[1]!);
  assert.deepEqual(csv.map((r) => [r.target, r.target_status, r.gates]), [['compose', 'completed', 'fail'], ['kind', 'failed', 'no data'], ['minikube', 'skipped', 'no data']]);
  const { visible } = page(res.htmlPath);
  assert.match(visible, /failed: kind: cluster must become ready within 300 s/);
  assert.match(readFileSync(res.summaryMdPath, 'utf8'), /^\| spike \| kind \| kubernetes \| \*\*failed\*\*: kind: cluster must become ready/m);
});

test('every shipped target has its own colour', () => {
  const colours = Object.values(TARGET_COLORS);
  assert.equal(new Set(colours).size, colours.length);
  assert.notEqual(targetColor('kind'), targetColor('kubernetes'));
  for (const other of ['my-cluster', 'eks', 'gke-prod']) assert.ok(!colours.includes(targetColor(other)), other);
});
