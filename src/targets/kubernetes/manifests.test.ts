import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HarnessError } from '../../model/index.ts';
import { fillPlaceholders, labelValue, namespaceFor, renderManifests, type KubeObject } from './manifests.ts';

const V2 = { hpa: 'autoscaling/v2', pdb: 'policy/v1' } as const;
const V2BETA2 = { hpa: 'autoscaling/v2beta2', pdb: 'policy/v1beta1' } as const;
const RUN = '20250101-120000-spike-ab12';

function render(over: Partial<Parameters<typeof renderManifests>[0]> = {}, apis: typeof V2 | typeof V2BETA2 = V2): KubeObject[] {
  return renderManifests({ runId: RUN, appVersion: 'v1', image: 'capbench/app:v1', imagePullPolicy: 'Never', hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 300 }, ...over }, apis);
}
const byKind = (objs: KubeObject[], kind: string): any => objs.find((o) => o.kind === kind);

/** every string in an object tree */
function strings(x: unknown, out: string[] = []): string[] {
  if (typeof x === 'string') out.push(x);
  else if (Array.isArray(x)) x.forEach((v) => strings(v, out));
  else if (x && typeof x === 'object') Object.values(x).forEach((v) => strings(v, out));
  return out;
}

describe('renderManifests', () => {
  it('renders the five objects in apply order, namespace first, all in the run namespace', () => {
    const objs = render();
    assert.deepEqual(objs.map((o) => o.kind), ['Namespace', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    assert.equal(objs[0]!.metadata.name, 'capbench-20250101-120000-spike-ab12');
    for (const o of objs.slice(1)) assert.equal(o.metadata.namespace, 'capbench-20250101-120000-spike-ab12');
  });

  it('puts the run-id and managed labels on every object and on the pod template', () => {
    const objs = render();
    for (const o of objs) {
      assert.equal(o.metadata.labels?.['capbench.run-id'], RUN, `${o.kind} run-id label`);
      assert.equal(o.metadata.labels?.['capbench.managed'], 'true', `${o.kind} managed label`);
    }
    const d = byKind(objs, 'Deployment');
    assert.equal(d.spec.template.metadata.labels['capbench.run-id'], RUN);
    assert.equal(d.spec.selector.matchLabels['capbench.run-id'], RUN);
    assert.equal(byKind(objs, 'Service').spec.selector['capbench.run-id'], RUN);
    assert.equal(byKind(objs, 'PodDisruptionBudget').spec.selector.matchLabels['capbench.run-id'], RUN);
    assert.ok(!strings(objs).some((s) => s.includes('${')), 'no placeholder left');
  });

  it('HPA windows follow the profile: full 300 s, quick 30 s scale-down', () => {
    const full = byKind(render({ hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 300 } }), 'HorizontalPodAutoscaler');
    const quick = byKind(render({ hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 30 } }), 'HorizontalPodAutoscaler');
    assert.equal(full.spec.behavior.scaleDown.stabilizationWindowSeconds, 300);
    assert.equal(quick.spec.behavior.scaleDown.stabilizationWindowSeconds, 30);
    assert.equal(quick.spec.behavior.scaleUp.stabilizationWindowSeconds, 0);
    assert.deepEqual(quick.spec.behavior.scaleUp.policies, [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ]);
    assert.equal(quick.spec.minReplicas, 2);
    assert.equal(quick.spec.maxReplicas, 10);
    assert.equal(quick.spec.metrics[0].resource.target.averageUtilization, 70);
    assert.deepEqual(quick.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' });
  });

  it('takes the HPA and PDB apiVersions from discovery', () => {
    assert.equal(byKind(render({}, V2), 'HorizontalPodAutoscaler').apiVersion, 'autoscaling/v2');
    assert.equal(byKind(render({}, V2BETA2), 'HorizontalPodAutoscaler').apiVersion, 'autoscaling/v2beta2');
    assert.equal(byKind(render({}, V2), 'PodDisruptionBudget').apiVersion, 'policy/v1');
    assert.equal(byKind(render({}, V2BETA2), 'PodDisruptionBudget').apiVersion, 'policy/v1beta1');
    assert.equal(byKind(render(), 'PodDisruptionBudget').spec.minAvailable, 1);
  });

  it('Deployment: resources, probes, rolling update, graceful stop, spread, tolerations, env', () => {
    const d = byKind(render({ imagePullPolicy: 'Never', appVersion: 'v7' }), 'Deployment');
    assert.equal(d.spec.replicas, 2);
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    assert.equal(c.image, 'capbench/app:v1');
    assert.equal(c.imagePullPolicy, 'Never');
    assert.deepEqual(c.resources, { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } });
    assert.equal(c.readinessProbe.httpGet.path, '/readyz');
    assert.equal(c.readinessProbe.periodSeconds, 2);
    assert.equal(c.livenessProbe.httpGet.path, '/healthz');
    assert.deepEqual(c.lifecycle.preStop.exec.command, ['node', '-e', 'setTimeout(() => {}, 3000)']);
    assert.equal(pod.terminationGracePeriodSeconds, 30);
    assert.equal(pod.topologySpreadConstraints[0].topologyKey, 'kubernetes.io/hostname');
    assert.equal(pod.topologySpreadConstraints[0].whenUnsatisfiable, 'ScheduleAnyway');
    assert.deepEqual(
      pod.tolerations.map((t: any) => [t.key, t.effect, t.tolerationSeconds]),
      [
        ['node.kubernetes.io/not-ready', 'NoExecute', 30],
        ['node.kubernetes.io/unreachable', 'NoExecute', 30],
      ],
    );
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    assert.equal(env.APP_VERSION, 'v7');
    assert.deepEqual(env.REPLICA_NAME, { fieldRef: { fieldPath: 'metadata.name' } });
    for (const e of c.env) if ('value' in e) assert.equal(typeof e.value, 'string', `env ${e.name} is a string`);
  });

  it('imagePullPolicy per preset', () => {
    assert.equal(byKind(render({ imagePullPolicy: 'IfNotPresent' }), 'Deployment').spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  });

  it('Service: NodePort, fixed port when given, allocated (no nodePort key) otherwise', () => {
    const fixed = byKind(render({ nodePort: 30080 }), 'Service');
    assert.equal(fixed.spec.type, 'NodePort');
    assert.equal(fixed.spec.ports[0].nodePort, 30080);
    const any = byKind(render(), 'Service');
    assert.ok(!('nodePort' in any.spec.ports[0]));
  });

  it('refuses bad numbers', () => {
    assert.throws(() => render({ replicas: -1 }), HarnessError);
    assert.throws(() => render({ hpa: { scaleUpStabilizationS: 1.5, scaleDownStabilizationS: 30 } }), /SCALE_UP_STABILIZATION_S must be a non-negative integer/);
  });
});

describe('fillPlaceholders', () => {
  it('keeps types of whole placeholders, interpolates partial ones, drops nulls, refuses unknown names', () => {
    assert.deepEqual(fillPlaceholders({ a: '${N}', b: 'x-${S}-y', c: '${Z}', d: ['${S}'] }, { N: 3, S: 's', Z: null }, 't'), { a: 3, b: 'x-s-y', d: ['s'] });
    assert.throws(() => fillPlaceholders({ a: '${NOPE}' }, {}, 'tmpl'), /tmpl: placeholder \$\{NOPE\} must be one of/);
  });
  it('a value cannot change the structure (it is never parsed as YAML)', () => {
    assert.deepEqual(fillPlaceholders({ v: '${S}' }, { S: 'a\nb: c' }, 't'), { v: 'a\nb: c' });
  });
});

describe('names', () => {
  it('namespaceFor: DNS-1123 label, distinct for long ids', () => {
    for (const id of [RUN, 'X'.repeat(80), 'a_b.c', '---', 'Spike_Run 1']) {
      const ns = namespaceFor(id);
      assert.match(ns, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, ns);
      assert.ok(ns.length <= 63, ns);
    }
    assert.notEqual(namespaceFor('a'.repeat(60) + '1'), namespaceFor('a'.repeat(60) + '2'));
  });
  it('labelValue: valid label values', () => {
    for (const id of [RUN, 'x'.repeat(100), '-a-', 'a b/c']) {
      const v = labelValue(id);
      assert.match(v, /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, v);
      assert.ok(v.length <= 63, v);
    }
    assert.equal(labelValue(RUN), RUN);
  });
});
