/**
 * The capacity probe's acceptance against an app of known capacity: the fixture app serves
 * each request in 50 ms, one at a time per replica, queueing the rest — R = 20 req/s per
 * replica, μ = R × N in closed form (src/testing/fixture-app/capacity-model.ts). The real
 * orchestrator and builtin driver probe N = 1, 2, 3 on one deployment, time-scaled (5 s
 * steps, 1 s settling; ~2 minutes); the capacity at SLO must be within ±10 % of R × N.
 * Also: steps.csv and the timeline's step marks are written from the same steps.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BuiltinDriver } from '../src/load/builtin/builtin-driver.ts';
import type { CapacityStep, ReplicaCapacity } from '../src/model/index.ts';
import { Interrupt } from '../src/run/interrupt.ts';
import { runScenario, type RunProgressEvent } from '../src/run/run.ts';
import { readRun } from '../src/store/run-store.ts';
import { expectedCapacity } from '../src/testing/fixture-app/capacity-model.ts';
import { FixtureTarget } from '../src/testing/fixture-app/fixture-target.ts';

const mix = [{ ms: 50, weight: 1 }];

function describeSteps(r: ReplicaCapacity): string {
  const s = (x: CapacityStep): string => `${x.offeredRps}→${x.achievedRps.toFixed(1)} p95 ${x.p95Ms?.toFixed(0)} ${x.meetsSlo ? 'ok' : 'BROKEN'} ${x.bound}`;
  return `${r.replicas}: ${r.steps.map(s).join(' | ')} → ${r.capacityAtSloRps?.toFixed(1)} (${r.stoppedBy})`;
}

test('capacity at SLO is R × N within ±10 % for N = 1, 2, 3 on the fixture app (builtin driver)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'capbench-capacity-'));
  const events: RunProgressEvent[] = [];
  const outcome = await runScenario({
    scenario: 'capacity',
    quick: true,
    timeScale: 0.25,
    targets: 'local',
    driver: new BuiltinDriver('test'),
    model: 'open',
    outRoot: out,
    targetOptions: { env: {}, runIsAlive: () => false },
    interrupt: new Interrupt(),
    onProgress: (e) => events.push(e),
    command: ['capbench', 'run', 'capacity', '--quick', '--time-scale', '0.25', '--replicas', '1,2,3'],
    skipWarmUp: true,
    replicas: [1, 2, 3],
    createTarget: async () => new FixtureTarget({ name: 'local', config: { mix, concurrency: 1 } }),
  });
  assert.equal(outcome.firstError, null, outcome.firstError?.message);
  const run = outcome.record.targets[0]!;
  const c = run.capacity;
  assert.ok(c, 'run.json carries the capacity');
  const told = c.byReplicas.map(describeSteps).join('\n');
  assert.deepEqual(c.byReplicas.map((r) => r.replicas), [1, 2, 3], told);
  assert.equal(c.stepS, 5);
  assert.equal(c.settleS, 1);
  for (const r of c.byReplicas) {
    const want: number = expectedCapacity({ replicas: r.replicas, concurrency: 1, mix, latencyFactor: 1 }, c.slo.p95Ms).capacityAtSloRps;
    assert.equal(want, 20 * r.replicas);
    assert.ok(r.capacityAtSloRps !== null && Math.abs(r.capacityAtSloRps - want) <= 0.1 * want, `N=${r.replicas}: want ${want} ± 10 %\n${told}`);
    assert.equal(r.stoppedBy, 'slo-broken-twice', told);
    assert.ok(r.steps.every((s) => s.endS - s.startS === 5 && s.settleS === 1), told);
  }
  // the replica counts follow one another on one timeline, steps in order, never overlapping
  const all = c.byReplicas.flatMap((r) => r.steps);
  all.slice(1).forEach((s, i) => assert.ok(s.startS >= all[i]!.endS, told));

  const saved = readRun(outcome.runDir);
  assert.equal(saved.record.targets[0]!.capacity?.byReplicas.length, 3, 'run.json on disk has it too');
  const csv = readFileSync(join(outcome.runDir, 'steps.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + all.length, 'steps.csv: a header and one row per step');
  assert.match(csv[0]!, /^run_id,target,replicas,step,start_s,end_s,settle_s,offered_rps,achieved_rps,/);
  const timeline = readFileSync(join(outcome.runDir, 'timeline.csv'), 'utf8').trim().split('\n');
  const header = timeline[0]!.split(',');
  const at = (name: string): number => header.indexOf(name);
  assert.ok(at('capacity_replicas') > 0 && at('capacity_step') > 0, timeline[0]);
  const first = all[0]!;
  const row = timeline.slice(1).map((l) => l.split(',')).find((cells) => Number(cells[at('t_s')]) === first.startS)!;
  assert.deepEqual([row[at('capacity_replicas')], row[at('capacity_step')]], ['1', '0']);
  assert.ok(events.some((e) => e.kind === 'capacity-step'), 'each step is reported as it is judged');
});
