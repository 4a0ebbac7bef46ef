/**
 * `capbench targets --context NAME`: can capbench run on this context, and if not, what is
 * missing — the API server's answer, the HPA API version, the metrics API the HPA scales on,
 * and every permission capbench uses, asked of the server as `kubectl auth can-i` does
 * (SelfSubjectAccessReview), each missing verb named.
 */
import { pickApiVersions, type ApiGroupList } from './discovery.ts';
import { errText } from './kube-client.ts';

/** One resource capbench touches and the verbs it uses on it (from the code that calls the API). */
export interface NeededAccess {
  /** API group ('' = core) */
  group: string;
  resource: string;
  verbs: readonly string[];
  namespaced: boolean;
  /** what capbench does with it, for the report line */
  why: string;
}

/**
 * Everything capbench does through the API: deploy is server-side apply (create + patch),
 * the sampler lists and watches, scale and rollout are patches, teardown deletes the run's
 * namespace, cleanup lists namespaces. Keep it in step with kube-client, deploy, sampler,
 * replicas, workloads and leftovers.
 */
export const NEEDED_ACCESS: readonly NeededAccess[] = [
  { group: '', resource: 'namespaces', verbs: ['create', 'patch', 'get', 'list', 'delete'], namespaced: false, why: 'a namespace per run; cleanup finds leftovers' },
  { group: '', resource: 'nodes', verbs: ['get', 'list', 'watch'], namespaced: false, why: 'node health and pods per node' },
  { group: 'apps', resource: 'deployments', verbs: ['create', 'patch', 'get', 'list', 'watch'], namespaced: true, why: 'the app; scale and rolling update are patches' },
  { group: 'apps', resource: 'replicasets', verbs: ['list', 'watch'], namespaced: true, why: 'rollout progress' },
  { group: '', resource: 'pods', verbs: ['get', 'list', 'watch'], namespaced: true, why: 'ready replicas, pods per node' },
  { group: '', resource: 'services', verbs: ['create', 'patch', 'get'], namespaced: true, why: 'the Service users reach' },
  { group: '', resource: 'endpoints', verbs: ['get'], namespaced: true, why: 'which pods serve' },
  { group: 'autoscaling', resource: 'horizontalpodautoscalers', verbs: ['create', 'patch', 'get', 'list', 'watch'], namespaced: true, why: 'the HPA; pinned for capacity steps' },
  { group: 'policy', resource: 'poddisruptionbudgets', verbs: ['create', 'patch'], namespaced: true, why: 'the PDB' },
  { group: 'metrics.k8s.io', resource: 'pods', verbs: ['list'], namespaced: true, why: 'app CPU per replica' },
];

export interface AccessQuestion {
  verb: string;
  group: string;
  resource: string;
  /** omitted for cluster-scoped resources */
  namespace?: string;
}

/** What the check asks of a context; KubeClient in production, a fake in tests. */
export interface ContextApi {
  readonly context: string;
  readonly server: string;
  /** server gitVersion; throws when the API does not answer */
  serverVersion(): Promise<string>;
  /** `GET /apis` */
  apiGroups(): Promise<ApiGroupList>;
  /** one read of pod metrics in `namespace` (metrics.k8s.io); throws when it does not answer */
  podMetrics(namespace: string): Promise<void>;
  /** a SelfSubjectAccessReview: may the current user do this? */
  canI(q: AccessQuestion): Promise<{ allowed: boolean; reason?: string }>;
}

export interface CheckLine {
  ok: boolean;
  /** what was checked (`API server`, `HPA API`, `deployments.apps`) */
  what: string;
  detail: string;
  hint?: string;
}

export interface ContextReport {
  context: string;
  lines: CheckLine[];
  /** the verbs denied, as `verb resource[.group]` */
  missingVerbs: string[];
  /** true when every line is ok */
  ok: boolean;
}

const qualified = (a: { group: string; resource: string }): string => (a.group === '' ? a.resource : `${a.resource}.${a.group}`);

/**
 * Runs every check of `api` (never throws: an answer that did not come is a failed line).
 * Namespaced permissions are asked for `namespace`, a namespace that does not exist yet —
 * as a run's new namespace, which only cluster-wide grants cover.
 */
export async function checkContext(api: ContextApi, o: { namespace: string }): Promise<ContextReport> {
  const lines: CheckLine[] = [];
  const missingVerbs: string[] = [];
  const ctx = `--context ${api.context}`;
  let version: string;
  try {
    version = await api.serverVersion();
  } catch (e) {
    lines.push({ ok: false, what: 'API server', detail: `${api.server} does not answer (${errText(e)})`, hint: `kubectl ${ctx} get nodes` });
    return { context: api.context, lines, missingVerbs, ok: false };
  }
  lines.push({ ok: true, what: 'API server', detail: `Kubernetes ${version} at ${api.server}` });

  let groups: ApiGroupList | null = null;
  try {
    groups = await api.apiGroups();
    const v = pickApiVersions(groups, `context ${api.context}`);
    lines.push({ ok: true, what: 'HPA API', detail: `${v.hpa} (PodDisruptionBudget ${v.pdb})` });
  } catch (e) {
    lines.push({ ok: false, what: 'HPA API', detail: errText(e), hint: 'capbench needs autoscaling/v2 or v2beta2 (Kubernetes 1.18 or newer)' });
  }

  const metricsServed = groups?.groups.find((g) => g.name === 'metrics.k8s.io')?.versions.map((v) => v.groupVersion) ?? [];
  if (groups !== null && metricsServed.length === 0) {
    lines.push({ ok: false, what: 'metrics API', detail: 'metrics.k8s.io is not served: the HPA cannot scale on CPU and app CPU is not sampled', hint: `install metrics-server (clusters/kind/metrics-server.yaml is the manifest capbench applies on kind): kubectl ${ctx} apply -f clusters/kind/metrics-server.yaml` });
  } else if (groups !== null) {
    try {
      await api.podMetrics('kube-system');
      lines.push({ ok: true, what: 'metrics API', detail: `${metricsServed.join(', ')} answers` });
    } catch (e) {
      lines.push({ ok: false, what: 'metrics API', detail: `${metricsServed.join(', ')} is registered but does not answer (${errText(e)})`, hint: `kubectl ${ctx} get apiservice v1beta1.metrics.k8s.io` });
    }
  }

  for (const a of NEEDED_ACCESS) {
    const denied: string[] = [];
    const errors: string[] = [];
    for (const verb of a.verbs) {
      try {
        const r = await api.canI({ verb, group: a.group, resource: a.resource, ...(a.namespaced ? { namespace: o.namespace } : {}) });
        if (!r.allowed) denied.push(verb);
      } catch (e) {
        denied.push(verb);
        errors.push(errText(e));
      }
    }
    const name = qualified(a);
    for (const v of denied) missingVerbs.push(`${v} ${name}`);
    const scope = a.namespaced ? `in a new namespace (${o.namespace})` : 'cluster-wide';
    lines.push(
      denied.length === 0
        ? { ok: true, what: name, detail: `${a.verbs.join(' ')} ${scope} — ${a.why}` }
        : {
            ok: false,
            what: name,
            detail: `missing: ${denied.join(' ')} ${scope}${denied.length < a.verbs.length ? ` (allowed: ${a.verbs.filter((v) => !denied.includes(v)).join(' ')})` : ''} — ${a.why}${errors.length > 0 ? ` [the review failed: ${errors[0]}]` : ''}`,
            hint: `kubectl ${ctx} auth can-i ${denied[0]} ${name}${a.namespaced ? ` -n ${o.namespace}` : ''}`,
          },
    );
  }
  return { context: api.context, lines, missingVerbs, ok: lines.every((l) => l.ok) };
}

/** The report as the CLI prints it: one line per check, a hint under each failed one, then the verdict. */
export function formatContextReport(r: ContextReport): string[] {
  const out = [`context ${r.context}: API server, HPA API, metrics API, and permissions (SelfSubjectAccessReview, as \`kubectl auth can-i\`)`];
  for (const l of r.lines) {
    out.push(`${l.ok ? 'ok      ' : 'MISSING '}  ${l.what.padEnd(40)} ${l.detail}`);
    if (!l.ok && l.hint) out.push(`            hint: ${l.hint}`);
  }
  const failed = r.lines.filter((l) => !l.ok).length;
  out.push(
    r.ok
      ? `context ${r.context}: capbench has what it needs`
      : `context ${r.context}: ${failed} check(s) failed${r.missingVerbs.length > 0 ? `; missing verbs: ${r.missingVerbs.join(', ')}` : ''}`,
  );
  return out;
}
