import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { HarnessError } from '../../model/index.ts';
import { MANAGED_LABEL, RUN_ID_LABEL } from '../labels.ts';
import type { ApiVersions } from './discovery.ts';

export const K8S_DIR = fileURLToPath(new URL('../../../clusters/k8s/', import.meta.url));
/** the objects of one run, in apply order (namespace first) */
export const TEMPLATE_FILES = ['namespace.yaml', 'deployment.yaml', 'service.yaml', 'hpa.yaml', 'pdb.yaml'] as const;
/** name of the Deployment, Service, HPA and PDB inside the run's namespace */
export const APP_NAME = 'api';
export const APP_CONTAINER = 'app';
/** the label every app pod carries (with the run-id label) */
export const APP_LABEL = { key: 'app.kubernetes.io/name', value: 'capbench-app' } as const;

/** A Kubernetes object as plain JSON (what the templates render to). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

export interface ManifestOptions {
  runId: string;
  appVersion: string;
  image: string;
  imagePullPolicy: 'Never' | 'IfNotPresent' | 'Always';
  hpa: { scaleUpStabilizationS: number; scaleDownStabilizationS: number; min?: number; max?: number; cpuPercent?: number };
  /** fixed NodePort (kind publishes 30080); undefined = let the API server allocate one */
  nodePort?: number;
  replicas?: number;
  workCpuMs?: number;
  workUpstreamMs?: number;
  drainDelayMs?: number;
}

/**
 * Namespace of a run: `capbench-<short run id>`, a DNS-1123 label (≤ 63, [a-z0-9-]).
 * Long ids keep their tail plus a hash, so two runs never share a namespace.
 */
export function namespaceFor(runId: string): string {
  const clean = runId.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  if (clean.length > 0 && clean.length <= 40) return `capbench-${clean}`;
  const hash = createHash('sha256').update(runId).digest('hex').slice(0, 8);
  const tail = clean.slice(-30).replace(/^-+/, '');
  return `capbench-${tail}${tail === '' ? '' : '-'}${hash}`;
}

/** A run id as a label value (≤ 63, [A-Za-z0-9._-], alphanumeric at both ends). */
export function labelValue(runId: string): string {
  const clean = runId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (clean.length > 0 && clean.length <= 63) return clean;
  const hash = createHash('sha256').update(runId).digest('hex').slice(0, 8);
  return `${clean.slice(0, 54).replace(/[^A-Za-z0-9]+$/, '')}-${hash}`.replace(/^-/, '');
}

/** `capbench.run-id=<id>` — the one selector for everything a run created */
export function runSelector(runId: string): string {
  return `${RUN_ID_LABEL}=${labelValue(runId)}`;
}
export const MANAGED_SELECTOR = `${MANAGED_LABEL}=true`;
export function appSelector(runId: string): string {
  return `${APP_LABEL.key}=${APP_LABEL.value},${runSelector(runId)}`;
}

type Vars = Record<string, string | number | null>;
const PLACEHOLDER = /\$\{([A-Z0-9_]+)\}/g;

/**
 * Fill `${NAME}` placeholders in a parsed template. A string that is exactly one
 * placeholder takes the variable's type (number stays a number; null removes the key);
 * placeholders inside longer strings are interpolated. Unknown names throw.
 */
export function fillPlaceholders(node: unknown, vars: Vars, where: string): unknown {
  if (typeof node === 'string') {
    const whole = /^\$\{([A-Z0-9_]+)\}$/.exec(node);
    const get = (name: string): string | number | null => {
      if (!Object.hasOwn(vars, name)) throw new HarnessError(`${where}: placeholder \${${name}} must be one of ${Object.keys(vars).join(', ')} (got unknown)`, { code: 'internal' });
      return vars[name]!;
    };
    if (whole) return get(whole[1]!);
    return node.replace(PLACEHOLDER, (_, name: string) => String(get(name)));
  }
  if (Array.isArray(node)) return node.map((n) => fillPlaceholders(n, vars, where));
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      const filled = fillPlaceholders(v, vars, where);
      if (filled !== null) out[k] = filled;
    }
    return out;
  }
  return node;
}

function readTemplate(file: string, dir: string): unknown {
  return parse(readFileSync(`${dir}${file}`, 'utf8')) as unknown;
}

/**
 * The run's objects, rendered from clusters/k8s/*.yaml: namespace, Deployment, Service,
 * HPA (discovered apiVersion), PDB (discovered apiVersion). Every object carries the
 * run-id and managed labels. Pure apart from reading the templates.
 */
export function renderManifests(o: ManifestOptions, apis: ApiVersions, dir = K8S_DIR): KubeObject[] {
  const vars: Vars = {
    NAMESPACE: namespaceFor(o.runId),
    RUN_ID: labelValue(o.runId),
    REPLICAS: o.replicas ?? 2,
    IMAGE: o.image,
    IMAGE_PULL_POLICY: o.imagePullPolicy,
    APP_VERSION: o.appVersion,
    WORK_CPU_MS: String(o.workCpuMs ?? 20),
    WORK_UPSTREAM_MS: String(o.workUpstreamMs ?? 100),
    DRAIN_DELAY_MS: String(o.drainDelayMs ?? 1000),
    NODE_PORT: o.nodePort ?? null,
    HPA_MIN: o.hpa.min ?? 2,
    HPA_MAX: o.hpa.max ?? 10,
    HPA_CPU_PERCENT: o.hpa.cpuPercent ?? 70,
    SCALE_UP_STABILIZATION_S: o.hpa.scaleUpStabilizationS,
    SCALE_DOWN_STABILIZATION_S: o.hpa.scaleDownStabilizationS,
  };
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v === 'number' && (!Number.isInteger(v) || v < 0)) throw new HarnessError(`kubernetes manifests: ${k} must be a non-negative integer (got ${v})`, { code: 'badConfig' });
  }
  return TEMPLATE_FILES.map((f) => {
    const obj = fillPlaceholders(readTemplate(f, dir), vars, `clusters/k8s/${f}`) as KubeObject;
    if (obj.kind === 'HorizontalPodAutoscaler') obj.apiVersion = apis.hpa;
    if (obj.kind === 'PodDisruptionBudget') obj.apiVersion = apis.pdb;
    obj.metadata.labels = { ...obj.metadata.labels, [RUN_ID_LABEL]: labelValue(o.runId), [MANAGED_LABEL]: 'true' };
    return obj;
  });
}

/** Every document of a multi-document YAML file (e.g. the vendored metrics-server). */
export function readManifestFile(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}
