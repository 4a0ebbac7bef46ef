/** `capbench plan` as a user runs it: saved capacity runs in, a plan printed and written; bad input named. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { syntheticCapacityTarget, syntheticRun, writeSyntheticRun } from '../src/testing/capacity-run.ts';
import { cli, tempDir } from './cli-harness.ts';

const root = tempDir('capbench-plan-');
after(() => rmSync(root, { recursive: true, force: true }));
const USL = { lambdaRps: 40, sigma: 0.08, kappa: 0.001 };
const capRun = writeSyntheticRun(root, syntheticRun('capacity', [
  syntheticCapacityTarget({ name: 'compose', kind: 'compose', usl: USL, replicas: [1, 2, 3] }),
  syntheticCapacityTarget({ name: 'local-k8s', kind: 'kubernetes', usl: USL, replicas: [1, 2, 3] }),
]));
const spikeRun = writeSyntheticRun(root, syntheticRun('spike', []));
/** a spike run whose local-k8s pods took 12 s from being asked for to ready */
const spikeK8s = (() => {
  const rec = syntheticRun('spike', [{ name: 'local-k8s', kind: 'kubernetes', status: 'completed', description: {}, versions: {}, faults: [], notes: [] }], 'spike-k8s');
  const dir = writeSyntheticRun(root, rec);
  mkdirSync(join(dir, 'targets', 'local-k8s'), { recursive: true });
  const platform = [{ t: 0, desiredReplicas: 2, readyReplicas: 2 }, { t: 5, desiredReplicas: 4, readyReplicas: 2 }, { t: 17, desiredReplicas: 4, readyReplicas: 4 }];
  writeFileSync(join(dir, 'targets', 'local-k8s', 'platform.ndjson'), platform.map((x) => JSON.stringify(x)).join('\n') + '\n');
  return dir;
})();

describe('capbench plan', () => {
  it('prints the plan and writes plan.json, plan.csv, plan.md under <run>/plan', async () => {
    const r = await cli(['plan', capRun, '--users', '10,50', '--headroom', '0.1'], { cwd: root });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /# Capacity plan/);
    assert.match(r.out, /\| compose \| 10 \|/);
    assert.match(r.out, /\| local-k8s \| 50 \|/);
    for (const f of ['plan.json', 'plan.csv', 'plan.md']) {
      assert.ok(existsSync(join(capRun, 'plan', f)), f);
      assert.match(r.out, new RegExp(`plan: .*${f.replace('.', '\\.')}`));
    }
    const plan = JSON.parse(readFileSync(join(capRun, 'plan', 'plan.json'), 'utf8')) as { rows: Array<{ replicas: number | null }>; options: { headroom: number } };
    assert.equal(plan.rows.length, 4);
    assert.equal(plan.options.headroom, 0.1);
    assert.ok(plan.rows.every((row) => row.replicas !== null && row.replicas >= 1));
    assert.equal(readFileSync(join(capRun, 'plan', 'plan.csv'), 'utf8').trim().split('\n').length, 5);
  });

  it('recommends HPA settings for Kubernetes targets, with the pod start delay a spike run measured', async () => {
    const without = await cli(['plan', capRun, '--users', '50', '--out', join(root, 'p1')], { cwd: root });
    assert.equal(without.code, 0, without.err);
    assert.match(without.out, /## Autoscaler \(HPA\), replayed/);
    assert.match(without.out, /\| local-k8s \| 50 \| recommended \| min \d+, max \d+, CPU \d+ % \|/);
    assert.match(without.out, /pod start 30 s \(assumed \(no spike run given\)\)/);
    assert.doesNotMatch(without.out, /\| compose \| 50 \| recommended/);
    const withSpike = await cli(['plan', capRun, spikeK8s, '--users', '50', '--out', join(root, 'p2')], { cwd: root });
    assert.equal(withSpike.code, 0, withSpike.err);
    assert.match(withSpike.out, /local-k8s: pod start 12 s \(spike run\)/);
  });

  it('prices a day: the spike shape by default, or the given traffic', async () => {
    const plain = await cli(['plan', capRun, '--users', '50', '--out', join(root, 'p3')], { cwd: root });
    assert.equal(plain.code, 0, plain.err);
    assert.match(plain.out, /## Cost over a day/);
    assert.match(plain.out, /no prices given: resources only/);
    assert.match(plain.out, /spike profile's shape/);
    const csv = join(root, 'day.csv');
    writeFileSync(csv, 'hour,users\n' + Array.from({ length: 24 }, (_, h) => `${h},${h < 8 ? 5 : 40}`).join('\n'));
    const r = await cli(['plan', capRun, '--users', '10', '--traffic', csv, '--price-node-hour', '0.2', '--price-host-hour', '0.5', '--out', join(root, 'p4')], { cwd: root });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\| 40 \| compose \| for the peak, all day \| \d+ replicas \| one host, [\d.]+ cores used, 24 h \| 12\.00 \|/);
    assert.match(r.out, /\| 40 \| local-k8s \| HPA min \d+ max \d+ CPU \d+ %; nodes fixed \| [\d.]+ pod-h \(peak \d+\) \| \d+ nodes × 24 h = \d+ \| \d+\.\d\d \|/);
    assert.match(r.out, /traffic: .*day\.csv \(users per hour\)/);
    const plan = JSON.parse(readFileSync(join(root, 'p4', 'plan.json'), 'utf8')) as { cost: { days: Array<{ peakUsers: number; traffic: string }> } };
    assert.deepEqual(plan.cost.days.map((d) => [d.peakUsers, d.traffic]), [[40, 'file']]);
  });

  it('--baseline flags a drop in per-replica capacity; --fail-on-regression exits 5', async () => {
    const higher = writeSyntheticRun(root, syntheticRun('capacity', [
      syntheticCapacityTarget({ name: 'local-k8s', kind: 'kubernetes', usl: { ...USL, lambdaRps: 60 }, replicas: [1, 2, 3] }),
    ], 'baseline-capacity'));
    const r = await cli(['plan', capRun, '--users', '10', '--baseline', higher, '--fail-on-regression', '--out', join(root, 'p5')], { cwd: root });
    assert.equal(r.code, 5, r.err);
    assert.match(r.out, /## Against the baseline/);
    assert.match(r.out, /\| local-k8s \| 40\.0 req\/s \| 60\.0 req\/s \[60\.0, 60\.0\] \| -33\.3 % \| fixed margin \(the baseline band has no spread\) \| \*\*yes\*\* \|/);
    const same = await cli(['plan', capRun, '--users', '10', '--baseline', capRun, '--fail-on-regression', '--out', join(root, 'p6')], { cwd: root });
    assert.equal(same.code, 0, same.err);
    assert.match(same.out, /\| compose \| .* \| no \|/);
  });

  for (const [name, args, exit, pattern] of [
    ['two kinds of prices', ['--users', '10', '--price-vcpu-hour', '0.1', '--price-node-hour', '1'], 2, /not both/],
    ['a node price without a host price', ['--users', '10', '--price-node-hour', '1'], 2, /must be given together/],
    ['a missing traffic file', ['--users', '10', '--traffic', 'nope.csv'], 2, /--traffic nope\.csv must be a readable file/],
  ] as const) {
    it(`refuses ${name} (exit ${exit})`, async () => {
      const r = await cli(['plan', capRun, ...args], { cwd: root });
      assert.equal(r.code, exit, r.err);
      assert.match(r.err, pattern);
    });
  }

  for (const [name, args, exit, pattern] of [
    ['--users 0', ['--users', '0'], 2, /--users must be comma-separated numbers > 0 \(got "0"\)/],
    ['--users abc', ['--users', '10,abc'], 2, /--users must be comma-separated numbers > 0/],
    ['no --users', [], 2, /--users/],
    ['--headroom 9', ['--users', '10', '--headroom', '9'], 2, /--headroom must be a number in \[0, 5\]/],
  ] as const) {
    it(`refuses ${name} (exit ${exit})`, async () => {
      const r = await cli(['plan', capRun, ...args], { cwd: root });
      assert.equal(r.code, exit);
      assert.match(r.err, pattern);
    });
  }

  for (const [name, args, pattern] of [
    ['--verify without --target', ['--users', '10', '--verify'], /^capbench: --verify: must name the target to measure on with --target T \(got no --target\)/m],
    ['--verify --target not in the plan', ['--users', '10', '--verify', '--target', 'kind'], /--target: must be a target of the plan's capacity runs, one of compose, local-k8s \(got kind\)/],
    ['--target without --verify', ['--users', '10', '--target', 'compose'], /--target: must go with --verify/],
    ['--verify-users not one of --users', ['--users', '10,50', '--verify', '--target', 'compose', '--verify-users', '20'], /--verify-users: must be one of --users 10,50 \(got 20\)/],
    ['--quick without --verify', ['--users', '10', '--quick'], /--quick: must go with --verify/],
    ['--driver without --verify', ['--users', '10', '--driver', 'k6'], /--driver: must go with --verify/],
  ] as const) {
    it(`refuses ${name} (exit 2) before anything runs`, async () => {
      const r = await cli(['plan', capRun, ...args, '--out', join(root, 'pv'), '--verify-out', join(root, 'verify-runs')], { cwd: root });
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, pattern);
      assert.match(r.err, /hint: /);
      assert.ok(!existsSync(join(root, 'verify-runs')), 'no verification run was started');
    });
  }

  it('a plan without --verify says "not verified" (plan.json verification: null) and checks itself on the held-out count', async () => {
    const r = await cli(['plan', capRun, '--users', '10', '--out', join(root, 'p7')], { cwd: root });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\*\*Verification\*\*: not verified/);
    assert.match(r.out, /\*\*Hold-out\*\* compose: fit on 1, 2 replicas predicts [\d.]+ req\/s \[95 % band [\d.]+, [\d.]+\] at 3; measured [\d.]+ req\/s \(error [-+]?[\d.]+ %\) — within ±20 %/);
    const plan = JSON.parse(readFileSync(join(root, 'p7', 'plan.json'), 'utf8')) as { verification: unknown; holdOut: Array<{ target: string; fitOnCounts: number[]; predictedCount: number; within20pct: boolean | null }> };
    assert.equal(plan.verification, null);
    assert.deepEqual(plan.holdOut.map((h) => [h.target, h.fitOnCounts, h.predictedCount, h.within20pct]), [['compose', [1, 2], 3, true], ['local-k8s', [1, 2], 3, true]]);
  });

  it('refuses a run that is not a capacity run (exit 3) and says what to run', async () => {
    const r = await cli(['plan', spikeRun, '--users', '10'], { cwd: root });
    assert.equal(r.code, 3);
    assert.match(r.err, /must include a capacity run \(got \["spike"\]\)/);
    assert.match(r.err, /npx capbench run capacity/);
  });

  it('refuses a directory that is not a run (exit 2)', async () => {
    const r = await cli(['plan', join(root, 'nothing'), '--users', '10'], { cwd: root });
    assert.equal(r.code, 2);
  });
});
