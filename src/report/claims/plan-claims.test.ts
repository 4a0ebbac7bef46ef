/**
 * The seeds' sizing and cost claims against a saved capacity plan: filled with the plan's
 * figures, labelled as computed from measurements (cost only from a priced plan), otherwise a
 * sentence naming the commands that would compute them. Plans from synthetic capacity runs;
 * every expected figure is read from the saved plan.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writePlannedCapacityRuns } from '../../testing/plan-fixtures.ts';
import { pct } from '../format.ts';
import { computedLabel, money, PLAN_COMMANDS } from '../plan/facts.ts';
import { loadReportRun } from '../runs.ts';
import { claims, loadClaimsFile, parseClaims } from './claims.ts';

const root = mkdtempSync(join(tmpdir(), 'capbench-plan-claims-'));
const seeds = loadClaimsFile();
const byClaim = (got: ReturnType<typeof claims>, claimed: RegExp) => got.find((c) => claimed.test(c.claimed))!;

test('without a plan, the sizing and cost claims say which commands would compute them', () => {
  const { dirs } = writePlannedCapacityRuns(root, { prefix: 'noplan' });
  const run = loadReportRun(dirs[1]!); // the plan sits beside the first run only
  assert.equal(run.plan, undefined);
  const got = claims(seeds, [run]);
  for (const re of [/6 smaller nodes/, /\$800 fixed/, /saves 40–60 %/]) {
    const c = byClaim(got, re);
    assert.deepEqual(c.computed, []);
    assert.equal(c.unmeasured, `computed by a plan — no plan in these runs: ${PLAN_COMMANDS}`);
  }
  assert.match(byClaim(got, /2 → 10 pods/).unmeasured!, /^run spike \(`npx capbench run spike --quick`\); or computed by a plan — no plan in these runs: `npx capbench run capacity /);
});

test('an unpriced plan fills pods and nodes, labelled as computed; cost and saving say prices are missing', () => {
  const { dirs, plan } = writePlannedCapacityRuns(root, { prefix: 'unpriced' });
  const got = claims(seeds, [loadReportRun(dirs[0]!)]);
  const pods = byClaim(got, /2 → 10 pods/);
  assert.equal(pods.computed.length, 1);
  assert.equal(pods.computed[0]!.label, computedLabel('unpriced-0'));
  assert.equal(pods.computed[0]!.label, 'computed from measurements (plan of unpriced-0)');
  assert.equal(pods.unmeasured, 'run spike (`npx capbench run spike --quick`)', 'the spike still measures it: the claim says so beside the plan');
  for (const r of plan.rows.filter((x) => x.target === 'local-k8s')) {
    assert.ok(pods.computed[0]!.value.includes(r.replicas === null ? `${r.users} users → unreachable` : `${r.users} users → ${r.replicas} pods`), `${r.users} users`);
  }
  for (const a of plan.autoscaler) assert.ok(pods.computed[0]!.value.includes(`(HPA ${a.recommended.settings.minReplicas} → ${a.recommended.settings.maxReplicas}; shipped ${a.current.settings.minReplicas} → ${a.current.settings.maxReplicas})`));
  const nodes = byClaim(got, /6 smaller nodes/);
  const sized = plan.rows.filter((r) => r.target === 'local-k8s' && r.nodes !== null);
  assert.deepEqual(nodes.computed.map((x) => x.value.split(':')[0]), sized.map((r) => `${r.users} users`));
  for (const [i, r] of sized.entries()) assert.match(nodes.computed[i]!.value, new RegExp(`local-k8s ${r.nodes} nodes of 4 CPU \\(1 spare\\) vs compose one host, `));
  for (const re of [/\$800 fixed/, /saves 40–60 %/]) {
    const c = byClaim(got, re);
    assert.deepEqual(c.computed, []);
    assert.match(c.unmeasured!, /^computed by a plan — the plan of unpriced-0: it has no prices: re-run `npx capbench plan … --price-vcpu-hour X`/);
  }
});

test('a priced plan fills cost per day and the off-peak saving from its cost section', () => {
  const { dirs, plan } = writePlannedCapacityRuns(root, { prefix: 'priced', prices: { vcpuHour: 0.04 } });
  const got = claims(seeds, [loadReportRun(dirs[0]!)]);
  const cost = byClaim(got, /\$800 fixed/);
  const days = plan.cost!.days.filter((d) => d.kubernetes.length + d.compose.length > 0);
  assert.equal(cost.computed.length, days.length);
  for (const [i, d] of days.entries()) {
    const v = cost.computed[i]!.value;
    assert.ok(v.startsWith(`peak ${d.peakUsers} users, per day: `), v);
    for (const x of d.compose) assert.ok(v.includes(`${x.target} ${money(x.cost)} (one host for the peak)`), v);
    for (const k of d.kubernetes) assert.ok(v.includes(`${k.target} ${money(k.costFixed)} (nodes fixed) / ${money(k.costFollowing)} (nodes follow the pods)`), v);
  }
  const saving = byClaim(got, /saves 40–60 %/);
  const k8sDays = days.flatMap((d) => d.kubernetes.map((k) => ({ d, k })));
  assert.deepEqual(saving.computed.map((x) => x.value), k8sDays.map(({ d, k }) => `peak ${d.peakUsers} users, ${k.target}: saves ${pct(1 - k.costFollowing! / k.costFixed!)} (${money(k.costFollowing)} against ${money(k.costFixed)} per day)`));
  assert.ok(saving.computed.every((x) => x.label === computedLabel('priced-0')));
});

test('a claim names a run figure, a plan figure or both; a bad plan figure says which exist', () => {
  const c = parseClaims({ claims: [{ topic: 't', scenario: 'capacity', platform: 'kubernetes', claimed: '6 nodes', plan: 'nodes' }] }, 'f.yaml');
  assert.deepEqual(c.claims[0], { topic: 't', scenario: 'capacity', platform: 'kubernetes', claimed: '6 nodes', plan: 'nodes' });
  assert.throws(() => parseClaims({ claims: [{ topic: 't', scenario: 'capacity', platform: 'kubernetes', claimed: 'x', plan: 'racks' }] }, 'f.yaml'), /^HarnessError: f\.yaml: claims\[0\]\.plan must be one of replicas, nodes, cost, off-peak-saving \(got "racks"\)$|f\.yaml: claims\[0\]\.plan must be one of replicas, nodes, cost, off-peak-saving \(got "racks"\)/);
  assert.throws(() => parseClaims({ claims: [{ topic: 't', scenario: 'capacity', platform: 'kubernetes', claimed: 'x' }] }, 'f.yaml'), /f\.yaml: claims\[0\]\.measure must be an object \{ figure, window\? \} \(or a `plan:` figure\) \(got nothing\)/);
});
