/**
 * End to end on the local-k8s cluster: the replicas capability pins the Deployment to
 * 1 → 3 → 2 → 1 with the HPA out of the way (min = max = n); after every scale() fresh
 * connections through the NodePort are answered by exactly n pods, the sampler sees n
 * desired and ready (and the HPA wanting n), and app CPU per pod comes from metrics.k8s.io.
 * Runs only with CAPBENCH_K8S_E2E=1 and the cluster up: test/e2e/k8s.test.ts runs it inside
 * the cluster's lifecycle. Named *.suite.ts so `npm test` does not pick it up on its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlatformSecond } from '../../src/model/index.ts';
import { Clock } from '../../src/model/clock.ts';
import { KubernetesTarget } from '../../src/targets/kubernetes/kubernetes-target.ts';
import { getServedBy } from '../../src/targets/net.ts';

const enabled = process.env.CAPBENCH_K8S_E2E === '1';

describe('local-k8s replicas', () => {
  const skip = enabled ? false : 'set CAPBENCH_K8S_E2E=1 (with `npx capbench cluster up local-k8s` done) to run';
  it('pins the Deployment to 1 → 3 → 2 → 1; exactly that many pods answer through the NodePort', { skip, timeout: 600_000 }, async () => {
    const target = new KubernetesTarget({ preset: 'local-k8s', env: process.env });
    const usable = await target.probe();
    assert.ok(usable.usable, `local-k8s must be usable: ${usable.reason} (hint: ${usable.hint})`);
    const runId = `e2e-scale-${Date.now().toString(36)}`;
    const signal = new AbortController().signal;
    const seconds: PlatformSecond[] = [];
    const timings: string[] = [];
    try {
      await target.deploy({ runId, appVersion: 'v1', hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 30 }, onProgress: (l) => console.log(`# ${l}`), signal });
      const clock = new Clock();
      const sampler = target.sampler();
      await sampler.start(clock, { second: (s) => seconds.push(s), event: () => undefined });
      clock.start();
      try {
        const replicas = target.capabilities().replicas!;
        for (const n of [1, 3, 2, 1]) {
          const t0 = performance.now();
          await replicas.scale(n, signal);
          timings.push(`→${n} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
          // fresh connections (kube-proxy picks at random per connection): 20 per pod see every one of them
          const seen = new Set<string>();
          for (let i = 0; i < 20 * n; i++) {
            const r = await getServedBy(`${target.baseUrl()}/light`);
            assert.equal(r.status, 200, `at ${n}: GET /light → ${r.status}`);
            seen.add(r.servedBy ?? '?');
          }
          assert.equal(seen.size, n, `at ${n}: answered by ${[...seen].join(', ')}`);
          const from = seconds.length;
          const until = Date.now() + 20_000;
          const follows = (s: PlatformSecond): boolean => s.desiredReplicas === n && s.readyReplicas === n && s.runningReplicas === n;
          while (Date.now() < until && !seconds.slice(from).some(follows)) await sleep(250);
          assert.ok(seconds.slice(from).some(follows), `at ${n}: the sampler sees ${n} desired, running and ready (last ${JSON.stringify(seconds.at(-1))})`);
        }
        // the HPA, pinned to min = max = 1, wants 1 once it has metrics (it syncs every 15 s),
        // and metrics.k8s.io (refreshed every 10–15 s) gives the pod left running a CPU reading
        const done = (s: PlatformSecond | undefined): boolean => s?.hpaDesiredReplicas === 1 && s.cpuCoresByReplica !== undefined && s.desiredReplicas === 1;
        const until = Date.now() + 120_000;
        while (Date.now() < until && !done(seconds.at(-1))) await sleep(500);
        const last = seconds.at(-1)!;
        assert.ok(done(last), `the HPA wants the pinned 1 and app CPU is sampled (last ${JSON.stringify(last)})`);
        assert.equal(typeof last.cpuCores, 'number');
        assert.equal(Object.keys(last.cpuCoresByReplica!).length, 1);
      } finally {
        await sampler.stop();
      }
    } finally {
      await target.teardown({ fast: false });
      console.log(`# scale timings: ${timings.join(', ')}`);
    }
  });
});
