import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkContext, formatContextReport, NEEDED_ACCESS, type AccessQuestion, type ContextApi } from './context-check.ts';
import type { ApiGroupList } from './discovery.ts';

const GROUPS: ApiGroupList = {
  groups: [
    { name: 'apps', versions: [{ groupVersion: 'apps/v1' }] },
    { name: 'autoscaling', versions: [{ groupVersion: 'autoscaling/v2' }, { groupVersion: 'autoscaling/v1' }] },
    { name: 'policy', versions: [{ groupVersion: 'policy/v1' }] },
    { name: 'metrics.k8s.io', versions: [{ groupVersion: 'metrics.k8s.io/v1beta1' }] },
  ],
};

/** A fake API: denies the `verb resource[.group]` pairs given, records every question. */
function fakeApi(o: { deny?: string[]; groups?: ApiGroupList; metricsFail?: string; down?: boolean } = {}): ContextApi & { asked: AccessQuestion[] } {
  const asked: AccessQuestion[] = [];
  return {
    context: 'staging',
    server: 'https://10.0.0.1:6443',
    asked,
    serverVersion: async () => {
      if (o.down) throw new Error('connect ECONNREFUSED 10.0.0.1:6443');
      return 'v1.31.2';
    },
    apiGroups: async () => o.groups ?? GROUPS,
    podMetrics: async () => {
      if (o.metricsFail) throw new Error(o.metricsFail);
    },
    canI: async (q) => {
      asked.push(q);
      const name = q.group === '' ? q.resource : `${q.resource}.${q.group}`;
      return { allowed: !(o.deny ?? []).includes(`${q.verb} ${name}`) };
    },
  };
}

describe('checkContext', () => {
  it('everything allowed and served: ok, every needed verb asked once, namespaced ones in the new namespace', async () => {
    const api = fakeApi();
    const r = await checkContext(api, { namespace: 'capbench-permission-check' });
    assert.equal(r.ok, true, formatContextReport(r).join('\n'));
    assert.deepEqual(r.missingVerbs, []);
    assert.equal(api.asked.length, NEEDED_ACCESS.reduce((n, a) => n + a.verbs.length, 0));
    for (const q of api.asked) {
      const need = NEEDED_ACCESS.find((a) => a.resource === q.resource && a.group === q.group)!;
      assert.equal(q.namespace, need.namespaced ? 'capbench-permission-check' : undefined, `${q.verb} ${q.resource}`);
    }
    assert.deepEqual(r.lines.slice(0, 3).map((l) => [l.what, l.detail]), [
      ['API server', 'Kubernetes v1.31.2 at https://10.0.0.1:6443'],
      ['HPA API', 'autoscaling/v2 (PodDisruptionBudget policy/v1)'],
      ['metrics API', 'metrics.k8s.io/v1beta1 answers'],
    ]);
    assert.match(formatContextReport(r).at(-1)!, /capbench has what it needs/);
  });

  it('denied verbs: each one named, with the allowed ones beside it and a `kubectl auth can-i` hint', async () => {
    const r = await checkContext(fakeApi({ deny: ['watch deployments.apps', 'delete namespaces', 'create poddisruptionbudgets.policy', 'patch poddisruptionbudgets.policy'] }), { namespace: 'capbench-x' });
    assert.equal(r.ok, false);
    assert.deepEqual(r.missingVerbs, ['delete namespaces', 'watch deployments.apps', 'create poddisruptionbudgets.policy', 'patch poddisruptionbudgets.policy']);
    const dep = r.lines.find((l) => l.what === 'deployments.apps')!;
    assert.equal(dep.ok, false);
    assert.match(dep.detail, /^missing: watch in a new namespace \(capbench-x\) \(allowed: create patch get list\)/);
    assert.equal(dep.hint, 'kubectl --context staging auth can-i watch deployments.apps -n capbench-x');
    assert.equal(r.lines.find((l) => l.what === 'namespaces')!.hint, 'kubectl --context staging auth can-i delete namespaces');
    const text = formatContextReport(r);
    assert.match(text.at(-1)!, /: 3 check\(s\) failed; missing verbs: delete namespaces, watch deployments\.apps, create poddisruptionbudgets\.policy, patch poddisruptionbudgets\.policy/);
    assert.ok(text.some((l) => /^MISSING\s+poddisruptionbudgets\.policy\s+missing: create patch in a new namespace/.test(l)), text.join('\n'));
  });

  it('no metrics API: the HPA cannot scale; said with the fix', async () => {
    const r = await checkContext(fakeApi({ groups: { groups: GROUPS.groups.filter((g) => g.name !== 'metrics.k8s.io') } }), { namespace: 'capbench-x' });
    const m = r.lines.find((l) => l.what === 'metrics API')!;
    assert.equal(m.ok, false);
    assert.match(m.detail, /metrics\.k8s\.io is not served: the HPA cannot scale on CPU/);
    assert.match(m.hint ?? '', /metrics-server/);
    assert.equal(r.ok, false);
  });

  it('metrics API registered but not answering, and an HPA API too old: both lines fail with the reason', async () => {
    const groups = { groups: [...GROUPS.groups.filter((g) => g.name !== 'autoscaling'), { name: 'autoscaling', versions: [{ groupVersion: 'autoscaling/v1' }] }] };
    const r = await checkContext(fakeApi({ groups, metricsFail: '503 service unavailable' }), { namespace: 'capbench-x' });
    assert.match(r.lines.find((l) => l.what === 'metrics API')!.detail, /registered but does not answer \(503 service unavailable\)/);
    const hpa = r.lines.find((l) => l.what === 'HPA API')!;
    assert.equal(hpa.ok, false);
    assert.match(hpa.detail, /must serve autoscaling\/v2 or autoscaling\/v2beta2 \(got autoscaling\/v1\)/);
  });

  it('an API server that does not answer: one failed line, nothing else asked', async () => {
    const api = fakeApi({ down: true });
    const r = await checkContext(api, { namespace: 'capbench-x' });
    assert.deepEqual(r.lines.map((l) => [l.ok, l.what]), [[false, 'API server']]);
    assert.match(r.lines[0]!.detail, /https:\/\/10\.0\.0\.1:6443 does not answer \(connect ECONNREFUSED/);
    assert.equal(api.asked.length, 0);
  });
});
