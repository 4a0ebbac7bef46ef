/**
 * `capbench plan … --verify --target local --quick` end to end: a plan from synthetic
 * capacity runs (src/testing/capacity-run.ts — the plan's numbers are synthetic, the
 * verification's are measured), then the real local target deployed at the plan's replica
 * count and the predicted rate held for one quick step (~20 s of load). Needs a quiet
 * machine for PASS: on a saturated one the step is host- or generator-bound and the
 * verdict is NOT EVIDENCE, which this test accepts — a FAIL it does not (the rate is a
 * small share of what the reference app carries). Run under `flock -s /tmp/cb/quiet.lock`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { PlanVerification } from '../src/model/plan-check.ts';
import { meanThinkTimeMs } from '../src/plan/users-to-rate.ts';
import { readRun } from '../src/store/run-store.ts';
import { syntheticCapacityTarget, syntheticRun, writeSyntheticRun } from '../src/testing/capacity-run.ts';
import { spikeFull } from '../scenarios/lib/spike.ts';
import { cli, tempDir } from './cli-harness.ts';

const root = tempDir('capbench-plan-verify-');
after(() => rmSync(root, { recursive: true, force: true }));

/** λ = 15 req/s per replica: ~20 users (~20 req/s, 24 with 20 % headroom) need 2 replicas */
const USL = { lambdaRps: 15, sigma: 0.05, kappa: 0 };
const runs = [0.98, 1, 1.02].map((w, i) => writeSyntheticRun(root, syntheticRun('capacity', [syntheticCapacityTarget({ name: 'local', kind: 'local', usl: USL, replicas: [1, 2, 3], wobble: () => w })], `cap-${i}`)));
const perUserRps = 1000 / (meanThinkTimeMs(spikeFull.thinkTimeMs) + 20);
const users = Math.round(20 / perUserRps);

test('plan --verify --target local --quick: the plan\'s size deployed, its rate measured, predicted vs measured in plan.json and plan.md', { timeout: 120_000 }, async () => {
  const out = join(root, 'plan');
  const r = await cli(['plan', ...runs, '--users', `${users},${2 * users}`, '--out', out, '--verify', '--target', 'local', '--quick', '--verify-out', join(root, 'reports')], { cwd: root });
  const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as { verified: boolean; verification: PlanVerification | null; rows: Array<{ users: number; replicas: number; loadRps: number }> };
  const v = plan.verification;
  assert.ok(v, `plan.json has the verification\n${r.out}\n${r.err}`);
  const said = `${v.verdict}: ${v.reason}\n${r.out.slice(-3000)}\n${r.err}`;
  assert.equal(r.code, v.verdict === 'pass' ? 0 : 5, said);
  assert.notEqual(v.verdict, 'fail', said);
  assert.equal(plan.verified, true);

  const row = plan.rows.find((x) => x.users === users)!;
  assert.equal(v.users, users, 'the first --users count by default');
  assert.equal(v.replicas, row.replicas);
  assert.equal(v.replicas, 2, 'the plan sizes this load at 2 replicas');
  assert.equal(v.offeredRps, Math.round(row.loadRps));
  assert.ok(v.predicted.lowerRps <= v.predicted.capacityRps && v.predicted.capacityRps <= v.predicted.upperRps);

  // real measured figures: requests were made and timed over the step's measured seconds
  const m = v.measured;
  assert.ok(m, said);
  assert.equal(m.measuredS, 15, 'quick: 20 s held, the first 5 s settling');
  assert.ok(m.requests > 0 && m.throughputRps > 0, said);
  assert.ok(m.p95Ms !== null && m.p95Ms > 0, said);
  assert.equal(v.errorPct, (100 * (m.throughputRps - v.offeredRps)) / v.offeredRps);
  if (v.verdict === 'not-evidence') assert.match(v.reason, /^(generator|host)-bound/, said);

  // the verification run is saved like any run, marked so a plan never pools it
  assert.ok(existsSync(join(v.runDir, 'run.json')), v.runDir);
  const saved = readRun(v.runDir).record;
  const cap = saved.targets[0]!.capacity!;
  assert.deepEqual(cap.verifies, { users, predictedRps: row.loadRps });
  assert.deepEqual(cap.byReplicas.map((b) => [b.replicas, b.steps.length, b.steps[0]!.offeredRps]), [[2, 1, v.offeredRps]]);
  assert.equal(cap.byReplicas[0]!.steps[0]!.achievedRps, m.throughputRps);

  const md = readFileSync(join(out, 'plan.md'), 'utf8');
  assert.match(md, new RegExp(`\\*\\*Verification\\*\\* \\(local, ${users} users, 2 replicas pinned, ${v.offeredRps} req/s offered .*\\*\\*(PASS|NOT EVIDENCE)\\*\\*`));
  assert.match(md, /prediction error \(measured throughput vs the rate offered\): [-+]?\d+\.\d %/);
  assert.match(r.out, /## Self-checks/);
});
