/**
 * The trust acceptance for generator health, end to end: a real run (orchestrator, builtin
 * driver, the fixture app as a Kubernetes candidate, real time) whose load generator is
 * deliberately starved — a busy loop holds the harness's event loop ~200 ms of every
 * ~250 ms — is saved with its health series, and the report's verdict is INVALID with the
 * reason, never GO. The starvation is far beyond every bound, so a busy machine only makes
 * it more so; the gates are loose, so only the generator can spoil the verdict.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BuiltinDriver } from '../src/load/builtin/builtin-driver.ts';
import { renderReport } from '../src/report/index.ts';
import { Interrupt } from '../src/run/interrupt.ts';
import { runScenario } from '../src/run/run.ts';
import { parseSlo } from '../src/scenario/slo-file.ts';
import { readRun } from '../src/store/run-store.ts';
import { FixtureTarget } from '../src/testing/fixture-app/fixture-target.ts';

function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* starve the loop on purpose */ }
}

test('a run with a starved load generator is saved with its health and judged INVALID, with the reason', async () => {
  const out = mkdtempSync(join(tmpdir(), 'capbench-starved-'));
  const loose = parseSlo({ scenarios: { spike: { gates: { p95Ms: 1e9, errorRate: 1 } } } }, 'loose-slo.yaml');
  let hog: NodeJS.Timeout | undefined;
  const outcome = await runScenario({
    scenario: 'spike',
    quick: true,
    timeScale: 0.05, // 9 s of load
    targets: 'local-k8s', // the fixture app stands in for it (a Kubernetes candidate)
    driver: new BuiltinDriver('test'),
    model: 'closed',
    outRoot: out,
    targetOptions: { env: {}, runIsAlive: () => false }, // unused: createTarget below makes the target
    interrupt: new Interrupt(),
    onProgress: (e) => {
      if (e.kind === 'load-start') hog = setInterval(() => busyFor(200), 50);
    },
    command: ['capbench', 'run', 'spike', '--quick', '--time-scale', '0.05'],
    skipWarmUp: true,
    createTarget: async () => new FixtureTarget({ name: 'local-k8s', kind: 'kubernetes' }),
  }).finally(() => clearInterval(hog));
  assert.equal(outcome.firstError, null);

  const saved = readRun(outcome.runDir);
  const load = saved.series['local-k8s']!.load;
  const health = saved.series['local-k8s']!.health;
  assert.ok(load.length >= 8, `${load.length} load seconds`);
  assert.deepEqual(health.slice(0, load.length).map((h) => h.t), load.map((s) => s.t), 'one health record per load second');

  const rep = await renderReport({ runDirs: [outcome.runDir], slo: loose, reporters: ['html', 'markdown'] });
  assert.equal(rep.verdict.verdict, 'INVALID', rep.verdict.reason);
  assert.match(rep.verdict.reason, /^Not evidence — spike\/local-k8s: the load generator could not keep its schedule in \d+ of \d+ s \(\d+\.\d % > 5 %\): .*event-loop delay p99 > 50 ms in \d+ s/);
  assert.equal(rep.gatesFailed, true);
});
