/**
 * The capacity probe's acceptance against an app of known capacity (the machine must be
 * quiet: on a saturated one the probe rightly marks its steps host- or generator-bound and
 * these tests fail saying so). The fixture app serves
 * each request in 50 ms, one at a time per replica, queueing the rest — R = 20 req/s per
 * replica, μ = R × N in closed form (src/testing/fixture-app/capacity-model.ts). The real
 * orchestrator and builtin driver probe N = 1, 2, 3 on one deployment, time-scaled (4 s
 * steps, 1 s settling; ~2 minutes); the capacity at SLO must be within ±10 % of R × N.
 * Also: steps.csv and the timeline's step marks are written from the same steps.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { BuiltinDriver } from '../src/load/builtin/builtin-driver.ts';
import type { LoadDriver } from '../src/load/driver.ts';
import { findK6 } from '../src/load/k6/find-k6.ts';
import { K6Driver } from '../src/load/k6/k6-driver.ts';
import { replicaCapacity } from '../src/measure/capacity.ts';
import type { CapacityStep, ReplicaCapacity, TargetCapacity } from '../src/model/index.ts';
import { Interrupt } from '../src/run/interrupt.ts';
import { runScenario, type RunProgressEvent } from '../src/run/run.ts';
import { readRun } from '../src/store/run-store.ts';
import { expectedCapacity } from '../src/testing/fixture-app/capacity-model.ts';
import { FixtureTarget } from '../src/testing/fixture-app/fixture-target.ts';
import { realK6sOrError, skipK6 } from './k6-kit.ts';

const { k6s, missing } = await realK6sOrError();

const mix = [{ ms: 50, weight: 1 }];

function describeSteps(r: ReplicaCapacity): string {
  const s = (x: CapacityStep): string => `${x.offeredRps}→${x.achievedRps.toFixed(1)} p95 ${x.p95Ms?.toFixed(0)} ${x.meetsSlo ? 'ok' : 'BROKEN'} ${x.bound}`;
  return `${r.replicas}: ${r.steps.map(s).join(' | ')} → ${r.capacityAtSloRps === null ? 'none' : r.capacityAtSloRps.toFixed(1)} (${r.stoppedBy})`;
}

/**
 * The builtin driver's probe of one replica (R = 20 req/s, 0.2 time scale), kept from the
 * first test for the k6 comparison below: that probe is exactly the one the comparison
 * needs (same fixture app, steps and driver), so it is not run a second time (~1 min).
 */
let builtinOneReplica: ReplicaCapacity | undefined;

test('capacity at SLO is R × N within ±10 % for N = 1, 2, 3 on the fixture app (builtin driver)', async () => {
  const out = mkdtempSync(join(tmpdir(), 'capbench-capacity-'));
  const events: RunProgressEvent[] = [];
  const outcome = await runScenario({
    scenario: 'capacity',
    quick: true,
    timeScale: 0.2,
    targets: 'local',
    driver: new BuiltinDriver('test'),
    model: 'open',
    outRoot: out,
    targetOptions: { env: {}, runIsAlive: () => false },
    interrupt: new Interrupt(),
    onProgress: (e) => events.push(e),
    command: ['capbench', 'run', 'capacity', '--quick', '--time-scale', '0.2', '--replicas', '1,2,3'],
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
  assert.equal(c.stepS, 4);
  assert.equal(c.settleS, 1);
  for (const r of c.byReplicas) {
    const want: number = expectedCapacity({ replicas: r.replicas, concurrency: 1, mix, latencyFactor: 1 }, c.slo.p95Ms).capacityAtSloRps;
    assert.equal(want, 20 * r.replicas);
    assert.ok(r.capacityAtSloRps !== null && Math.abs(r.capacityAtSloRps - want) <= 0.1 * want, `N=${r.replicas}: want ${want} ± 10 %\n${told}`);
    assert.equal(r.stoppedBy, 'slo-broken-twice', told);
    assert.ok(r.steps.every((s) => s.endS - s.startS === 4 && s.settleS === 1), told);
  }
  builtinOneReplica = c.byReplicas[0];
  // the replica counts follow one another on one timeline, steps in order, never overlapping
  const all = c.byReplicas.flatMap((r) => r.steps);
  all.slice(1).forEach((s, i) => assert.ok(s.startS >= all[i]!.endS, told));

  const saved = readRun(outcome.runDir);
  assert.equal(saved.record.targets[0]!.capacity?.byReplicas.length, 3, 'run.json on disk has it too');
  const csv = readFileSync(join(outcome.runDir, 'steps.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + all.length, 'steps.csv: a header and one row per step');
  assert.match(csv[0]!, /^run_id,target,kind,replicas,step,start_s,end_s,settle_s,offered_rps,achieved_rps,/);
  const timeline = readFileSync(join(outcome.runDir, 'timeline.csv'), 'utf8').trim().split('\n');
  const header = timeline[0]!.split(',');
  const at = (name: string): number => header.indexOf(name);
  assert.ok(at('capacity_replicas') > 0 && at('capacity_step') > 0, timeline[0]);
  const first = all[0]!;
  const row = timeline.slice(1).map((l) => l.split(',')).find((cells) => Number(cells[at('t_s')]) === first.startS)!;
  assert.deepEqual([row[at('capacity_replicas')], row[at('capacity_step')]], ['1', '1'], 'steps numbered from 1, as in the report');
  assert.ok(events.some((e) => e.kind === 'capacity-step'), 'each step is reported as it is judged');
});

/** One probe of the fixture app (R = 1000 / serviceMs req/s per replica) with `driver`; returns its capacity. */
async function probe(driver: LoadDriver, o: { serviceMs: number; timeScale: number; replicas: number[]; onProgress?: (e: RunProgressEvent) => void }): Promise<TargetCapacity> {
  const outcome = await runScenario({
    scenario: 'capacity', quick: true, timeScale: o.timeScale, targets: 'local', driver, model: 'open',
    outRoot: mkdtempSync(join(tmpdir(), 'capbench-capacity-')), targetOptions: { env: {}, runIsAlive: () => false }, interrupt: new Interrupt(),
    onProgress: o.onProgress ?? (() => {}), command: ['capbench', 'run', 'capacity'], skipWarmUp: true, replicas: o.replicas,
    createTarget: async () => new FixtureTarget({ name: 'local', config: { mix: [{ ms: o.serviceMs, weight: 1 }], concurrency: 1 } }),
  });
  assert.equal(outcome.firstError, null, outcome.firstError?.message);
  return outcome.record.targets[0]!.capacity!;
}

function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* starve the loop on purpose */ }
}

test('a step whose generator was starved is generator-bound and never counts as capacity', async () => {
  // R = 10/s, 4 s steps (settling 1 s): 5, 6, 8, 10, 12 … req/s; step 3 (10 req/s, [12, 16) s) is starved
  const timers: NodeJS.Timeout[] = [];
  let hog: NodeJS.Timeout | undefined;
  const c = await probe(new BuiltinDriver('test'), {
    serviceMs: 100, timeScale: 0.2, replicas: [1],
    onProgress: (e) => {
      if (e.kind !== 'load-start') return;
      timers.push(setTimeout(() => { hog = setInterval(() => busyFor(200), 50); }, 12_200));
      timers.push(setTimeout(() => clearInterval(hog), 15_500));
    },
  }).finally(() => { timers.forEach(clearTimeout); clearInterval(hog); });
  const r = c.byReplicas[0]!;
  const told = describeSteps(r);
  const starved = r.steps[3];
  assert.ok(starved, told);
  assert.equal(starved.bound, 'generator', told);
  assert.ok(starved.generatorBoundS >= 2, told);
  assert.ok(r.steps.filter((s) => s.index !== 3).slice(0, 4).every((s) => s.bound === 'app'), `only the starved step is bound\n${told}`);
  assert.notEqual(r.kneeStepIndex, 3, told);
  // the figures are what the app-bound steps alone say
  const without = replicaCapacity(1, r.steps.filter((s) => s.index !== 3), r.stoppedBy, c.slo);
  assert.equal(r.capacityAtSloRps, without.capacityAtSloRps, told);
  assert.equal(r.kneeStepIndex, without.kneeStepIndex, told);
});

describe('the k6 driver probes the same capacity as the builtin one', { skip: skipK6 }, () => {
  if (missing) it('real k6 is installed', () => { throw missing; });
  for (const k6 of k6s) {
    it(`k6 ${k6.tag}: within ±10 % of the builtin driver`, async () => {
      // the builtin probe of N = 1 in the first test, already checked there to be R = 20 ± 10 %
      const builtin = builtinOneReplica;
      assert.ok(builtin?.capacityAtSloRps, 'the builtin probe of one replica (the first test) ran and found a capacity');
      const env = { ...process.env, K6_BIN: k6.path };
      const driver = new K6Driver({ env, findK6: () => findK6({ env }), warmUp: async () => {} });
      const r = (await probe(driver, { serviceMs: 50, timeScale: 0.2, replicas: [1] })).byReplicas[0]!;
      const told = `k6: ${describeSteps(r)}\nbuiltin: ${describeSteps(builtin)}`;
      assert.ok(r.capacityAtSloRps !== null && Math.abs(r.capacityAtSloRps - builtin.capacityAtSloRps) <= 0.1 * builtin.capacityAtSloRps, told);
      assert.ok(r.steps.every((s) => s.endS - s.startS === 4), told);
    });
  }
});

test('a target whose scaling fails fails with the platform\'s message; the other target goes on', async () => {
  class NoScale extends FixtureTarget {
    override capabilities(): ReturnType<FixtureTarget['capabilities']> {
      const caps = super.capabilities();
      return { ...caps, replicas: { max: 32, scale: async () => { throw new Error('service "api" cannot be scaled: no capacity left on node-1'); } } };
    }
  }
  const outcome = await runScenario({
    scenario: 'capacity', quick: true, timeScale: 0.1, targets: 'compose,local', driver: new BuiltinDriver('test'), model: 'open',
    outRoot: mkdtempSync(join(tmpdir(), 'capbench-capacity-')), targetOptions: { env: {}, runIsAlive: () => false }, interrupt: new Interrupt(),
    onProgress: () => {}, command: ['capbench', 'run', 'capacity'], skipWarmUp: true, replicas: [1],
    createTarget: async (name) => (name === 'compose' ? new NoScale({ name, kind: 'compose' }) : new FixtureTarget({ name, config: { mix: [{ ms: 100, weight: 1 }], concurrency: 1 } })),
  });
  const [compose, local] = outcome.record.targets;
  assert.equal(compose?.status, 'failed');
  assert.match(compose?.error ?? '', /^compose: scaling to 1 replicas failed: service "api" cannot be scaled: no capacity left on node-1$/);
  assert.equal(compose?.capacity?.byReplicas[0]?.stoppedBy, 'failed');
  assert.equal(compose?.capacity?.byReplicas[0]?.error, compose?.error);
  assert.match(outcome.firstError?.message ?? '', /no capacity left on node-1/);
  assert.equal(local?.status, 'completed', local?.error);
  assert.ok(local?.capacity?.byReplicas[0]?.steps.length, 'the other target was probed');
});
