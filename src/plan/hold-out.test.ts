import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapacityStep, RunRecord } from '../model/index.ts';
import { syntheticCapacityTarget, syntheticRun } from '../testing/capacity-run.ts';
import { holdOutCheck, holdOutChecks } from './hold-out.ts';
import { uslThroughput } from './usl-model.ts';

/** κ = 0: a fit on 1–3 (σ and κ) and on 1–2 (σ only) both contain the true curve */
const AMDAHL = { lambdaRps: 40, sigma: 0.1, kappa: 0 };
const WOBBLE = [0.98, 1, 1.02];
const runsOf = (usl: typeof AMDAHL, replicas: number[], wobble = WOBBLE): RunRecord[] =>
  wobble.map((w, i) => syntheticRun('capacity', [syntheticCapacityTarget({ name: 'compose', kind: 'compose', usl, replicas, wobble: () => w })], `cap-${i}`));
/** the observations buildCapacityPlan would give the model */
const modelOf = (runs: RunRecord[]): { target: string; observations: Array<{ replicas: number; throughputRps: number[] }> } => {
  const by = new Map<number, number[]>();
  for (const r of runs) for (const c of r.targets[0]!.capacity!.byReplicas) if (c.capacityAtSloRps !== null) by.set(c.replicas, [...(by.get(c.replicas) ?? []), c.capacityAtSloRps]);
  return { target: 'compose', observations: [...by.entries()].sort((a, b) => a[0] - b[0]).map(([replicas, throughputRps]) => ({ replicas, throughputRps })) };
};
const OPTS = { resamples: 200 };
/** the runs with count `n` generator-bound throughout: no capacity at SLO measured there */
const generatorBoundAt = (n: number, runs: RunRecord[]): RunRecord[] => runs.map((r) => {
  const at = r.targets[0]!.capacity!.byReplicas.find((b) => b.replicas === n)!;
  at.capacityAtSloRps = null;
  at.steps = at.steps.map((s) => ({ ...s, bound: 'generator' as const, generatorBoundS: 15 }));
  return r;
});

describe('holdOutCheck', () => {
  it('a fit on 1–2 (σ only) predicts 3 of a known Amdahl curve, within ±20 % and close to the truth', () => {
    const runs = runsOf(AMDAHL, [1, 2, 3]);
    const c = holdOutCheck(modelOf(runs), runs, OPTS);
    assert.ok(typeof c !== 'string', String(c));
    assert.deepEqual(c.fitOnCounts, [1, 2]);
    assert.equal(c.predictedCount, 3);
    const truth = uslThroughput(AMDAHL, 3);
    assert.ok(Math.abs(c.predicted - truth) / truth < 0.02, `predicted ${c.predicted}, truth ${truth}`);
    assert.ok(Math.abs(c.measured! - truth) < 1e-9, 'measured = the mean of the wobbled observations = the truth');
    assert.ok(c.band[0] <= c.predicted && c.predicted <= c.band[1]);
    assert.ok(Math.abs(c.errorPct!) < 2, `error ${c.errorPct}`);
    assert.equal(c.within20pct, true);
    assert.equal(c.boundNote, null);
  });

  it('a fit on 1–3 predicts 4 when the curve peaks (κ > 0) — and flags a prediction off by more than 20 %', () => {
    const usl = { lambdaRps: 50, sigma: 0.05, kappa: 0.02 };
    const runs = runsOf(usl, [1, 2, 3, 4]);
    const c = holdOutCheck(modelOf(runs), runs, OPTS);
    assert.ok(typeof c !== 'string', String(c));
    assert.deepEqual(c.fitOnCounts, [1, 2, 3]);
    assert.ok(Math.abs(c.predicted - uslThroughput(usl, 4)) / uslThroughput(usl, 4) < 0.05, `predicted ${c.predicted}`);
    assert.equal(c.within20pct, true);

    // the largest count measured at 60 % of the curve: a fit on the others overshoots by ~67 %
    const off = runsOf(usl, [1, 2, 3, 4]).map((r) => {
      const at4 = r.targets[0]!.capacity!.byReplicas.find((b) => b.replicas === 4)!;
      at4.capacityAtSloRps = at4.capacityAtSloRps! * 0.6;
      return r;
    });
    const bad = holdOutCheck(modelOf(off), off, OPTS);
    assert.ok(typeof bad !== 'string');
    assert.ok(bad.errorPct! > 50, `error ${bad.errorPct}`);
    assert.equal(bad.within20pct, false);
  });

  it('says the held-out figure is a floor, and which bound, instead of a verdict', () => {
    const host: CapacityStep = { ...syntheticCapacityTarget({ name: 'x', kind: 'compose', usl: AMDAHL, replicas: [1] }).capacity!.byReplicas[0]!.steps[0]!, index: 1, bound: 'host', hostBoundS: 12, meetsSlo: false };
    const runs = runsOf(AMDAHL, [1, 2, 3]).map((r) => {
      const at3 = r.targets[0]!.capacity!.byReplicas.find((b) => b.replicas === 3)!;
      at3.capacityIsLowerBound = true;
      at3.steps.push(host);
      return r;
    });
    const c = holdOutCheck(modelOf(runs), runs, OPTS);
    assert.ok(typeof c !== 'string');
    assert.equal(c.within20pct, null);
    assert.match(c.boundNote!, /only a floor.*host-bound/);
    assert.notEqual(c.errorPct, null, 'the error is still shown beside the note');
  });

  it('says why when the largest count measured no capacity at all (generator-bound)', () => {
    const runs = generatorBoundAt(3, runsOf(AMDAHL, [1, 2, 3]));
    const c = holdOutCheck(modelOf(runs), runs, OPTS);
    assert.ok(typeof c !== 'string');
    assert.equal(c.measured, null);
    assert.equal(c.within20pct, null);
    assert.match(c.boundNote!, /no capacity at SLO was measured at 3 replicas: 3 of its steps were generator-bound/);
  });

  it('needs three replica counts; fewer give a note, never a check', () => {
    const runs = runsOf(AMDAHL, [1, 2]);
    const { holdOut, holdOutNotes } = holdOutChecks([modelOf(runs)], runs, OPTS);
    assert.deepEqual(holdOut, []);
    assert.match(holdOutNotes[0]!, /compose: no hold-out check — it needs capacity at SLO at 3 or more replica counts \(got 1, 2\)/);
  });

  it('names why a probed count has no capacity when that leaves too few for a check', () => {
    const runs = generatorBoundAt(1, runsOf(AMDAHL, [1, 2, 3]));
    const c = holdOutCheck(modelOf(runs), runs, OPTS);
    assert.equal(typeof c, 'string');
    assert.match(String(c), /\(got 2, 3\); no capacity at SLO was measured at 1 replica: 3 of its steps were generator-bound/);
  });
});
