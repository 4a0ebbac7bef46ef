/**
 * The acceptance of `--repeat`, end to end: real runs (orchestrator, builtin driver, real
 * time) of the spike scenario on two fixture apps — one standing in for Compose, one for a
 * Kubernetes candidate — each target 5 times, interleaved, then the report's verdict and
 * comparisons. The app's latency is one fixed service time (100 ms, no queueing), so the p95
 * in the spike window is ~100 ms plus the loopback's overhead:
 *  - identical apps: no significant difference in that p95, and no NO-GO (the gate at
 *    150 ms passes on both);
 *  - the candidate's latency doubled by the fixture (latencyFactor 2, ~200 ms): a significant
 *    difference (5 against 5 fully separated: Mann–Whitney p = 2/252 ≈ 0.008) and NO-GO on
 *    exactly that gate.
 * Time scale 0.02: 3.6 s of load per leg, 10 legs per run.
 * The identical case is a statistical claim: under no difference, the exact 5-against-5 test
 * calls one figure significant at p < 0.05 in 3.2 % of runs (its false-alarm rate), which is
 * why only the gated figure is asserted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BuiltinDriver } from '../src/load/builtin/builtin-driver.ts';
import { renderReport } from '../src/report/index.ts';
import { Interrupt } from '../src/run/interrupt.ts';
import { runScenario } from '../src/run/run.ts';
import { parseSlo } from '../src/scenario/slo-file.ts';
import { FixtureTarget } from '../src/testing/fixture-app/fixture-target.ts';

const slo = parseSlo({ scenarios: { spike: { windows: ['spike'], gates: { p95Ms: 150, errorRate: 0.05 } } } }, 'repeat-slo.yaml');

async function repeatedRun(k8sLatencyFactor: number) {
  const out = mkdtempSync(join(tmpdir(), 'capbench-repeat-'));
  const outcome = await runScenario({
    scenario: 'spike',
    quick: true,
    timeScale: 0.02,
    repeat: 5,
    targets: 'compose,local-k8s', // fixture apps stand in for both
    driver: new BuiltinDriver('test'),
    model: 'closed',
    outRoot: out,
    targetOptions: { env: {}, runIsAlive: () => false }, // unused: createTarget makes the targets
    interrupt: new Interrupt(),
    onProgress: () => {},
    command: ['capbench', 'run', 'spike', '--quick', '--repeat', '5'],
    skipWarmUp: true,
    createTarget: async (name) => new FixtureTarget({
      name,
      kind: name === 'compose' ? 'compose' : 'kubernetes',
      config: { mix: [{ ms: 100, weight: 1 }], concurrency: 1000, latencyFactor: name === 'compose' ? 1 : k8sLatencyFactor },
    }),
  });
  assert.equal(outcome.firstError, null);
  assert.deepEqual(outcome.record.targets.map((t) => t.leg), ['compose.rep1', 'local-k8s.rep1', 'local-k8s.rep2', 'compose.rep2', 'compose.rep3', 'local-k8s.rep3', 'local-k8s.rep4', 'compose.rep4', 'compose.rep5', 'local-k8s.rep5']);
  assert.deepEqual(outcome.record.aggregates!.map((a) => [a.target, a.repetitions]), [['compose', 5], ['local-k8s', 5]]);
  const rep = await renderReport({ runDirs: [outcome.runDir], slo, reporters: ['markdown', 'csv'] });
  assert.notEqual(rep.verdict.verdict, 'INVALID', `the generator must keep its schedule for the runs to be evidence: ${rep.verdict.reason}`);
  const p95 = rep.verdict.comparisons.find((c) => c.target === 'local-k8s' && c.gate === 'p95Ms' && c.subject === 'spike');
  assert.ok(p95, 'p95 in spike compared');
  assert.deepEqual([p95.against, p95.n, p95.nAgainst], ['compose', 5, 5]);
  return { verdict: rep.verdict, p95 };
}

describe('--repeat 5: compare, don\'t just list', () => {
  it('two identical targets: no significant difference, no NO-GO', async () => {
    const { verdict, p95 } = await repeatedRun(1);
    assert.equal(p95.significant, false, p95.text);
    assert.notEqual(verdict.verdict, 'NO-GO', verdict.reason);
    const gate = verdict.gates.find((g) => g.target === 'local-k8s' && g.gate === 'p95Ms')!;
    assert.equal(gate.n, 5);
    assert.ok(gate.interval !== null && gate.interval.coverage === 0.9375, JSON.stringify(gate.interval));
  });

  it('the candidate\'s latency doubled: a significant difference and NO-GO on that gate', async () => {
    const { verdict, p95 } = await repeatedRun(2);
    assert.equal(p95.significant, true, p95.text);
    assert.ok(p95.difference > 50 && p95.interval!.lower > 0, p95.text);
    assert.ok(p95.p < 0.05, p95.text);
    assert.equal(verdict.verdict, 'NO-GO', verdict.reason);
    assert.deepEqual(verdict.failedGates.map((g) => [g.target, g.gate, g.subject, g.outcome]), [['local-k8s', 'p95Ms', 'spike', 'FAIL']]);
    assert.equal(verdict.gates.find((g) => g.target === 'compose' && g.gate === 'p95Ms')!.outcome, 'PASS');
  });
});
