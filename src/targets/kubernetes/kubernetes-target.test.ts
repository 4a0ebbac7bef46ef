import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import { HarnessError } from '../../model/index.ts';
import { FakeRunner } from '../../testing/fake-runner.ts';
import { KubernetesTarget, createKubernetesTarget, rolloutState } from './kubernetes-target.ts';

const noApply = async (): Promise<void> => undefined;

describe('KubernetesTarget safety', () => {
  const table: Array<[string, ConstructorParameters<typeof KubernetesTarget>[0], boolean]> = [
    ['local-k8s preset', { preset: 'local-k8s' }, true],
    ['kind preset', { preset: 'kind' }, true],
    ['minikube preset', { preset: 'minikube' }, true],
    ['context kind-dev', { context: 'kind-dev' }, true],
    ['context minikube', { context: 'minikube' }, true],
    ['context capbench-local-k8s', { context: 'capbench-local-k8s' }, true],
    ['context prod (no way to crash its machines, and not allowed)', { context: 'prod' }, false],
    ['context prod with --allow-destructive (still no crash mechanism known)', { context: 'prod', allowDestructive: true }, false],
  ];
  for (const [name, o, nodes] of table) {
    it(`${name}: nodes capability ${nodes ? 'offered' : 'absent'}; workloads and replicas (max 32) always`, () => {
      const t = new KubernetesTarget({ ...o, runner: new FakeRunner(), apply: noApply });
      assert.equal(t.capabilities().nodes !== undefined, nodes);
      assert.ok(t.capabilities().workloads);
      assert.equal(t.capabilities().replicas?.max, 32);
      assert.equal(t.kind, 'kubernetes');
    });
  }

  it('crash on a kind-* context kills the node container, saying context and server first', async () => {
    const runner = new FakeRunner();
    const t = new KubernetesTarget({ context: 'kind-dev', runner, apply: noApply });
    await t.capabilities().nodes!.crash('dev-worker2');
    await t.capabilities().nodes!.restore('dev-worker2');
    assert.deepEqual(runner.lines(), ['docker kill dev-worker2', 'docker start dev-worker2']);
  });

  it('names: preset name, or kubernetes for a context', () => {
    assert.equal(createKubernetesTarget('kind', {}).name, 'kind');
    assert.equal(createKubernetesTarget('kubernetes', { context: 'prod' }).name, 'kubernetes');
    assert.equal(createKubernetesTarget('minikube', {}).contextName, 'capbench');
    assert.equal(createKubernetesTarget('local-k8s', {}).contextName, 'capbench-local-k8s');
  });

  it('--k8s-entry: nodeport by default, named in describe(); ingress named as the L7 entry; ingress with --base-url is a usage error', () => {
    const d = new KubernetesTarget({ preset: 'local-k8s', runner: new FakeRunner() }).describe();
    assert.equal(d.k8sEntry, 'nodeport');
    assert.match(String(d.entry), /^L4: Service NodePort/);
    const i = createKubernetesTarget('kind', { entry: 'ingress' }).describe();
    assert.equal(i.k8sEntry, 'ingress');
    assert.match(String(i.entry), /^L7: HAProxy in the cluster/);
    assert.match(String(i.loadBalancer), /^HAProxy \(capbench\/lb:2, Deployment lb, 1 replica\) on node \? — never the crashed node/);
    assert.throws(() => createKubernetesTarget('kubernetes', { context: 'kind-x', baseUrl: 'http://127.0.0.2:8080', entry: 'ingress' }), (e: HarnessError) => e.exitCode === 2 && /--k8s-entry: ingress must not be combined with --base-url/.test(e.message));
  });

  it('a preset and a context together are a usage error', () => {
    assert.throws(() => new KubernetesTarget({ preset: 'kind', context: 'prod' }), (e: HarnessError) => e.exitCode === 2);
  });

  it('probe: no context → unusable with a hint; preset cluster down → unusable with `cluster up`', async () => {
    const none = await new KubernetesTarget({ runner: new FakeRunner() }).probe();
    assert.equal(none.usable, false);
    assert.match(none.hint ?? '', /--context/);
    const down = await new KubernetesTarget({ preset: 'kind', runner: new FakeRunner(() => ({ stdout: 'other\n' })), apply: noApply }).probe();
    assert.deepEqual([down.usable, down.hint], [false, 'npx capbench cluster up kind']);
    const lk = await new KubernetesTarget({ preset: 'local-k8s', runner: new FakeRunner(() => ({ code: 1, stdout: 'API=down\n' })) }).probe();
    assert.deepEqual([lk.usable, lk.hint], [false, 'npx capbench cluster up local-k8s']);
  });

  it('leftovers and cleanup need the run liveness the CLI injects', async () => {
    const t = new KubernetesTarget({ context: 'kind-dev', runner: new FakeRunner(), apply: noApply });
    await assert.rejects(t.leftovers(), /leftovers and cleanup need runIsAlive/);
    await assert.rejects(t.cleanup(), /leftovers and cleanup need runIsAlive/);
  });

  it('--base-url: users\' traffic goes there instead of the NodePort, and describe() says so', () => {
    const t = createKubernetesTarget('kubernetes', { context: 'staging', baseUrl: 'http://127.0.0.2:8080' });
    assert.equal(t.baseUrl(), 'http://127.0.0.2:8080');
    assert.match(String(t.describe().loadBalancer), /^--base-url http:\/\/127\.0\.0\.2:8080 \(the user's path/);
    const plain = createKubernetesTarget('kubernetes', { context: 'staging' });
    assert.match(plain.baseUrl(), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(String(plain.describe().loadBalancer), /^Service NodePort/);
  });

  it('teardown before deploy is a no-op', async () => {
    await new KubernetesTarget({ preset: 'kind', runner: new FakeRunner(), apply: noApply }).teardown({ fast: true });
  });
});

describe('rolloutState', () => {
  const dep = (version: string, s: { gen: number; obs: number; replicas: number; updated: number; available: number; want?: number }, progressing?: { status: string; reason: string }): V1Deployment =>
    ({
      metadata: { generation: s.gen },
      spec: { replicas: s.want ?? 2, selector: {}, template: { spec: { containers: [{ name: 'app', env: [{ name: 'APP_VERSION', value: version }] }] } } },
      status: { observedGeneration: s.obs, replicas: s.replicas, updatedReplicas: s.updated, availableReplicas: s.available, ...(progressing ? { conditions: [{ type: 'Progressing', ...progressing }] } : {}) },
    }) as V1Deployment;
  it('done only when the template has the version and every replica is updated and available', () => {
    assert.equal(rolloutState(dep('v1', { gen: 1, obs: 1, replicas: 2, updated: 2, available: 2 }), 'v2').state, 'progressing');
    assert.equal(rolloutState(dep('v2', { gen: 2, obs: 1, replicas: 2, updated: 2, available: 2 }), 'v2').state, 'progressing');
    assert.equal(rolloutState(dep('v2', { gen: 2, obs: 2, replicas: 3, updated: 2, available: 3 }), 'v2').state, 'progressing');
    assert.equal(rolloutState(dep('v2', { gen: 2, obs: 2, replicas: 2, updated: 2, available: 2 }), 'v2').state, 'done');
  });
  it('failed at the progress deadline', () => {
    const s = rolloutState(dep('v2', { gen: 2, obs: 2, replicas: 3, updated: 1, available: 2 }, { status: 'False', reason: 'ProgressDeadlineExceeded' }), 'v2');
    assert.equal(s.state, 'failed');
  });
});
