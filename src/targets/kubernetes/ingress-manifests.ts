import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { V1Node } from '@kubernetes/client-node';
import { MANAGED_LABEL, RUN_ID_LABEL } from '../labels.ts';
import { fillPlaceholders, labelValue, namespaceFor, type KubeObject } from './manifests.ts';

export const INGRESS_DIR = fileURLToPath(new URL('../../../clusters/k8s/ingress/', import.meta.url));
/** name of the HAProxy Deployment, Service and ConfigMap inside the run's namespace */
export const LB_NAME = 'lb';
/** the pods of the entry */
export const LB_LABEL = { key: 'app.kubernetes.io/name', value: 'capbench-lb' } as const;

export interface IngressManifestOptions {
  runId: string;
  /** capbench/lb:2, built by clusters/images/build.sh */
  image: string;
  imagePullPolicy: 'Never' | 'IfNotPresent' | 'Always';
  /** the node HAProxy is pinned to (see pickLbNode) */
  nodeName: string;
  /** NodePort of the HTTP entry; undefined = allocated */
  httpNodePort?: number;
}

/**
 * The node HAProxy runs on: the control plane where the cluster has one (kind, minikube),
 * else the last node by name (local-k8s: 127.0.0.4), so the node-crash fault — which takes
 * the busiest other node, ties to the lowest name — crashes the node it would crash without
 * the entry whenever app pods are spread evenly. Undefined for a cluster without nodes.
 */
export function pickLbNode(nodes: readonly V1Node[]): string | undefined {
  const names = (ns: readonly V1Node[]): string[] => ns.map((n) => n.metadata?.name ?? '').filter((n) => n !== '').sort();
  const cp = nodes.filter((n) => {
    const l = n.metadata?.labels ?? {};
    return 'node-role.kubernetes.io/control-plane' in l || 'node-role.kubernetes.io/master' in l;
  });
  return names(cp)[0] ?? names(nodes).at(-1);
}

/**
 * The entry's objects: ConfigMap `lb` (haproxy.cfg), Deployment `lb` (1 HAProxy pinned to
 * `nodeName`), Service `lb` (NodePort for HTTP and for the runtime API), from
 * clusters/k8s/ingress/, with the run-id and managed labels. Pure apart from reading them.
 */
export function renderIngressManifests(o: IngressManifestOptions, dir = INGRESS_DIR): KubeObject[] {
  const cfg = readFileSync(`${dir}haproxy.cfg`, 'utf8');
  const vars = {
    NAMESPACE: namespaceFor(o.runId),
    RUN_ID: labelValue(o.runId),
    IMAGE: o.image,
    IMAGE_PULL_POLICY: o.imagePullPolicy,
    NODE_NAME: o.nodeName,
    HTTP_NODE_PORT: o.httpNodePort ?? null,
    // a changed configuration rolls the pod (a ConfigMap change alone would not)
    CONFIG_HASH: createHash('sha256').update(cfg).digest('hex').slice(0, 16),
  };
  const labels = { [LB_LABEL.key]: LB_LABEL.value, [RUN_ID_LABEL]: labelValue(o.runId), [MANAGED_LABEL]: 'true' };
  const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: LB_NAME, namespace: vars.NAMESPACE, labels }, data: { 'haproxy.cfg': cfg } };
  const rendered = ['deployment.yaml', 'service.yaml'].map((f) => {
    const obj = fillPlaceholders(parse(readFileSync(`${dir}${f}`, 'utf8')) as unknown, vars, `clusters/k8s/ingress/${f}`) as KubeObject;
    obj.metadata.labels = { ...obj.metadata.labels, ...labels };
    return obj;
  });
  return [configMap, ...rendered];
}
