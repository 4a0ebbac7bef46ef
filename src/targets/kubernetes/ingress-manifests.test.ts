import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { V1Node } from '@kubernetes/client-node';
import { describe, it } from 'node:test';
import { INGRESS_DIR, pickLbNode, renderIngressManifests } from './ingress-manifests.ts';
import { namespaceFor } from './manifests.ts';

const node = (name: string, labels: Record<string, string> = {}): V1Node => ({ metadata: { name, labels } });

describe('pickLbNode', () => {
  it('the control plane where there is one (kind)', () => {
    assert.equal(pickLbNode([node('capbench-worker'), node('capbench-control-plane', { 'node-role.kubernetes.io/master': '' }), node('capbench-worker2')]), 'capbench-control-plane');
    assert.equal(pickLbNode([node('b'), node('a', { 'node-role.kubernetes.io/control-plane': '' })]), 'a');
  });

  it('else the last node by name (local-k8s), so the busiest-lowest-name crash rule picks the same victim on an even spread', () => {
    assert.equal(pickLbNode([node('127.0.0.3'), node('127.0.0.4'), node('127.0.0.2')]), '127.0.0.4');
  });

  it('none on a cluster without nodes', () => {
    assert.equal(pickLbNode([]), undefined);
  });
});

describe('renderIngressManifests', () => {
  const objs = renderIngressManifests({ runId: 'r1', image: 'capbench/lb:2', imagePullPolicy: 'Never', nodeName: '127.0.0.4' });
  const byKind = Object.fromEntries(objs.map((o) => [o.kind, o as Record<string, any>]));

  it('ConfigMap, Deployment and Service named lb in the run\'s namespace, with the run-id and managed labels', () => {
    assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.name}`), ['ConfigMap/lb', 'Deployment/lb', 'Service/lb']);
    for (const o of objs) {
      assert.equal(o.metadata.namespace, namespaceFor('r1'));
      assert.equal(o.metadata.labels?.['capbench.run-id'], 'r1');
      assert.equal(o.metadata.labels?.['capbench.managed'], 'true');
      assert.equal(o.metadata.labels?.['app.kubernetes.io/name'], 'capbench-lb');
    }
  });

  it('the ConfigMap holds clusters/k8s/ingress/haproxy.cfg; a change of it rolls the pod', () => {
    assert.equal(byKind.ConfigMap!.data['haproxy.cfg'], readFileSync(`${INGRESS_DIR}haproxy.cfg`, 'utf8'));
    assert.match(byKind.Deployment!.spec.template.metadata.annotations['capbench.config-sha256'], /^[0-9a-f]{16}$/);
  });

  it('one HAProxy pinned to the chosen node (control-plane taints tolerated), the image and pull policy given', () => {
    const spec = byKind.Deployment!.spec;
    assert.equal(spec.replicas, 1);
    assert.deepEqual(spec.template.spec.nodeSelector, { 'kubernetes.io/hostname': '127.0.0.4' });
    assert.deepEqual(spec.template.spec.tolerations.map((t: { key: string }) => t.key), ['node-role.kubernetes.io/master', 'node-role.kubernetes.io/control-plane']);
    const c = spec.template.spec.containers[0];
    assert.equal(c.image, 'capbench/lb:2');
    assert.equal(c.imagePullPolicy, 'Never');
    assert.deepEqual(c.command, ['haproxy', '-W', '-db', '-f', '/etc/capbench-lb/haproxy.cfg']);
  });

  it('NodePorts for HTTP (allocated, or the one given) and the runtime API', () => {
    const ports = byKind.Service!.spec.ports;
    assert.deepEqual(ports.map((p: { name: string }) => p.name), ['http', 'runtime']);
    assert.equal('nodePort' in ports[0], false, 'allocated when none is given');
    const kind = renderIngressManifests({ runId: 'r1', image: 'capbench/lb:2', imagePullPolicy: 'Never', nodeName: 'cp', httpNodePort: 30080 });
    assert.equal((kind[2] as Record<string, any>).spec.ports[0].nodePort, 30080);
  });
});

describe('clusters/k8s/ingress/haproxy.cfg against Compose\'s (clusters/images/lb/haproxy.cfg)', () => {
  const lines = (f: string): string[] => readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const section = (ls: string[], head: string): string[] => {
    const at = ls.indexOf(head);
    assert.ok(at >= 0, `section ${head}`);
    const end = ls.findIndex((l, i) => i > at && /^(global|defaults|frontend|backend|resolvers)\b/.test(l));
    return ls.slice(at + 1, end < 0 ? undefined : end);
  };
  const k8s = lines(`${INGRESS_DIR}haproxy.cfg`);
  const compose = lines(fileURLToPath(new URL('../../../clusters/images/lb/haproxy.cfg', import.meta.url)));

  it('the same defaults: timeouts, retries 1, redispatch', () => {
    assert.deepEqual(section(k8s, 'defaults'), section(compose, 'defaults'));
  });

  it('the same balancing and health checks; 32 slots; only the address source differs (no DNS here)', () => {
    const be = section(k8s, 'backend api');
    const cbe = section(compose, 'backend api');
    for (const l of ['balance roundrobin', 'option httpchk GET /readyz', 'http-check expect status 200']) {
      assert.ok(be.includes(l) && cbe.includes(l), l);
    }
    const check = /check inter 1s fall 2 rise 1/;
    assert.ok(be.some((l) => l.startsWith('default-server') && check.test(l)) && cbe.some((l) => l.startsWith('default-server') && check.test(l)));
    assert.ok(be.includes('server-template api 32 127.0.0.1:8080 disabled'));
    assert.ok(cbe.some((l) => l.startsWith('server-template api 32 ')));
  });
});
