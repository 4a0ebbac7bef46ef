/**
 * End-to-end on the local-k8s cluster (clusters/local-k8s): deploy, NodePort load
 * balancing, sampler, HPA scale-up under a bounded CPU load, teardown. Runs only with
 * CAPBENCH_K8S_E2E=1 and the cluster up: test/e2e/k8s.test.ts runs it that way inside the
 * cluster's lifecycle (up → tests → down). Named *.suite.ts, not *.test.ts, so `npm test`
 * does not also pick it up on its own (where it could only skip).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlatformEvent, PlatformSecond } from '../../src/model/index.ts';
import { Clock } from '../../src/model/clock.ts';
import { KubeClient, loadKubeConfig } from '../../src/targets/kubernetes/kube-client.ts';
import { LocalK8sDriver } from '../../src/targets/kubernetes/cluster-drivers.ts';
import { commandRunner } from '../../src/targets/command-runner.ts';
import { KubernetesTarget } from '../../src/targets/kubernetes/kubernetes-target.ts';
import { APP_NAME, namespaceFor } from '../../src/targets/kubernetes/manifests.ts';

const enabled = process.env.CAPBENCH_K8S_E2E === '1';
const LOAD_MAX_MS = 90_000;
const CONCURRENCY = 40;

/** one GET on a fresh connection (no keep-alive), so kube-proxy picks a backend each time */
function servedBy(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' }, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.headers['x-served-by'] ?? '?')));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('local-k8s end to end', () => {
  const skip = enabled ? false : 'set CAPBENCH_K8S_E2E=1 (with `npx capbench cluster up local-k8s` done) to run';
  it('deploys, balances through the NodePort, scales with the HPA under load, tears down', { skip, timeout: 900_000 }, async () => {
    const log = (l: string): void => console.log(`# ${l}`);
    const target = new KubernetesTarget({ preset: 'local-k8s', env: process.env });
    const usable = await target.probe();
    assert.ok(usable.usable, `local-k8s must be usable: ${usable.reason} (hint: ${usable.hint})`);
    const runId = `e2e-${Date.now().toString(36)}`;
    const ac = new AbortController();
    const seconds: PlatformSecond[] = [];
    const events: PlatformEvent[] = [];
    const figures: Record<string, string | number> = {};
    const t0 = performance.now();
    try {
      await target.deploy({ runId, appVersion: 'v1', hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 30 }, onProgress: log, signal: ac.signal });
      figures.deployS = +((performance.now() - t0) / 1000).toFixed(1);
      assert.match(target.baseUrl(), /^http:\/\/127\.0\.0\.1:\d+$/);

      // both replicas answer through the Service (fresh connections: kube-proxy chooses per connection)
      const seen = new Set<string>();
      for (let i = 0; i < 60 && seen.size < 2; i++) seen.add(await servedBy(`${target.baseUrl()}/light`));
      assert.equal(seen.size, 2, `two replicas must answer via the NodePort (got ${[...seen].join(', ')})`);

      const clock = new Clock();
      const sampler = target.sampler();
      await sampler.start(clock, { second: (s) => seconds.push(s), event: (e) => events.push(e) });
      clock.start();
      try {
        const until = Date.now() + 20_000;
        while (Date.now() < until && !seconds.some((s) => s.readyReplicas === 2 && s.nodesReady !== undefined)) await sleep(200);
        assert.ok(seconds.some((s) => s.readyReplicas === 2), `sampler must see 2 ready replicas (got ${JSON.stringify(seconds.at(-1))})`);

        // bounded CPU load: ≤ 90 s of 40 concurrent /work requests, until the HPA raised desired > 2 and ready followed
        const loadStart = Date.now();
        let stop = false;
        let ok = 0;
        let failed = 0;
        const worker = async (): Promise<void> => {
          while (!stop && Date.now() - loadStart < LOAD_MAX_MS) {
            try {
              const r = await fetch(`${target.baseUrl()}/work`, { signal: AbortSignal.timeout(10_000) });
              await r.arrayBuffer();
              if (r.ok) ok++;
              else failed++;
            } catch {
              failed++;
            }
          }
        };
        const workers = Array.from({ length: CONCURRENCY }, worker);
        let scaledAtS: number | null = null;
        while (Date.now() - loadStart < LOAD_MAX_MS) {
          const last = seconds.at(-1);
          if (scaledAtS === null && last?.hpaDesiredReplicas !== undefined && last.hpaDesiredReplicas > 2) scaledAtS = (Date.now() - loadStart) / 1000;
          // ready follows: stop once every replica the HPA asked for is ready
          if (scaledAtS !== null && last?.hpaDesiredReplicas !== undefined && (last.readyReplicas ?? 0) >= last.hpaDesiredReplicas) break;
          await sleep(500);
        }
        stop = true;
        await Promise.all(workers);
        figures.loadS = +((Date.now() - loadStart) / 1000).toFixed(1);
        figures.requestsOk = ok;
        figures.requestsFailed = failed;
        figures.hpaScaledAfterS = scaledAtS ?? 'never';
        const firstAbove2 = seconds.find((s) => (s.readyReplicas ?? 0) > 2);
        const firstLoadSecond = seconds.find((s) => s.t >= 0);
        if (firstAbove2 && firstLoadSecond) figures.readyAbove2AtS = firstAbove2.t - firstLoadSecond.t;
        figures.peakDesired = Math.max(...seconds.map((s) => s.hpaDesiredReplicas ?? 0));
        figures.peakReady = Math.max(...seconds.map((s) => s.readyReplicas ?? 0));
        figures.peakCpuPercent = Math.max(...seconds.map((s) => s.hpaCpuPercent ?? 0));
        assert.ok(scaledAtS !== null, `the HPA must raise desired replicas above 2 within ${LOAD_MAX_MS / 1000} s (got ${JSON.stringify(seconds.at(-1))})`);
        assert.ok((figures.peakReady as number) > 2, `ready replicas must follow the HPA (got peak ${figures.peakReady})`);
        assert.ok(events.some((e) => e.kind === 'hpa-rescale'), 'an hpa-rescale event');
        assert.ok(events.some((e) => e.kind === 'pod-created') && events.some((e) => e.kind === 'pod-ready'), 'pod-created and pod-ready events');

        // the sampler's latest second agrees with what the API reports now
        const client = await KubeClient.create(await loadKubeConfig('capbench-local-k8s', await new LocalK8sDriver(commandRunner(process.env)).kubeconfig()));
        let agreed = false;
        let lastPair = '';
        for (let i = 0; i < 10 && !agreed; i++) {
          await sleep(1100);
          const d = await client.apps.readNamespacedDeployment({ name: APP_NAME, namespace: namespaceFor(runId) });
          const s = seconds.at(-1)!;
          lastPair = `sampler ${s.desiredReplicas}/${s.readyReplicas}/${s.availableReplicas}, API ${d.spec?.replicas}/${d.status?.readyReplicas ?? 0}/${d.status?.availableReplicas ?? 0}`;
          agreed = !s.gap && s.desiredReplicas === d.spec?.replicas && s.readyReplicas === (d.status?.readyReplicas ?? 0) && s.availableReplicas === (d.status?.availableReplicas ?? 0);
        }
        assert.ok(agreed, `sampler and API must agree (got ${lastPair})`);
        assert.ok(!seconds.some((s) => s.gap), 'no gap seconds while the API was up');
      } finally {
        await sampler.stop();
      }
    } finally {
      const t1 = performance.now();
      await target.teardown({ fast: false });
      figures.teardownS = +((performance.now() - t1) / 1000).toFixed(1);
      console.log(`# figures ${JSON.stringify(figures)}`);
      console.log(`# events ${events.map((e) => `${(e.atMs / 1000).toFixed(1)}s ${e.kind} ${e.subject ?? ''} ${e.detail ?? ''}`.trim()).join(' | ')}`);
    }
    const client = await KubeClient.create(await loadKubeConfig('capbench-local-k8s', await new LocalK8sDriver(commandRunner(process.env)).kubeconfig()));
    assert.equal(await client.namespaceExists(namespaceFor(runId)), false, 'teardown removes the namespace');
  });
});
