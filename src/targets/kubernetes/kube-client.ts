import { existsSync } from 'node:fs';
import type { ApisApi, AppsV1Api, AuthorizationV1Api, CoreV1Api, KubeConfig, KubernetesObject, KubernetesObjectApi, VersionApi } from '@kubernetes/client-node';
import { HarnessError } from '../../model/index.ts';
import { pickApiVersions, type ApiGroupList, type ApiVersions } from './discovery.ts';
import { k8s, type K8sLib } from './kube-lib.ts';
import type { KubeObject } from './manifests.ts';

/** field manager of every server-side apply capbench does */
export const FIELD_MANAGER = 'capbench';

/** Load a kubeconfig (a file, or the default rules) and select `context`; throws when it is missing. */
export async function loadKubeConfig(context: string, file: string | undefined): Promise<KubeConfig> {
  const kc = new (await k8s()).KubeConfig();
  if (file !== undefined) {
    if (!existsSync(file)) throw new HarnessError(`kubernetes: kubeconfig ${file} must exist (got missing)`, { code: 'missingEnvironment', hint: 'bring the cluster up first: npx capbench cluster up <preset>' });
    kc.loadFromFile(file);
  } else {
    kc.loadFromDefault();
  }
  if (kc.getContextObject(context) === null) {
    const have = kc.getContexts().map((c) => c.name);
    throw new HarnessError(`kubernetes: context ${JSON.stringify(context)} must exist in the kubeconfig (got: ${have.join(', ') || 'no contexts'})`, {
      code: 'missingEnvironment',
      hint: file === undefined ? 'check `kubectl config get-contexts` (KUBECONFIG / ~/.kube/config)' : `check ${file}`,
    });
  }
  kc.setCurrentContext(context);
  return kc;
}

/** HTTP status of a client-node error (ApiException.code), or undefined. */
export function statusOf(e: unknown): number | undefined {
  if (e !== null && typeof e === 'object') {
    const o = e as { code?: unknown; statusCode?: unknown };
    if (typeof o.code === 'number') return o.code;
    if (typeof o.statusCode === 'number') return o.statusCode;
  }
  return undefined;
}

/** short text of a client-node error (ApiException bodies are long) */
export function errText(e: unknown): string {
  if (e !== null && typeof e === 'object' && 'body' in e) {
    const body = (e as { body?: unknown }).body;
    try {
      const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: string };
      if (parsed?.message) return `${statusOf(e) ?? ''} ${parsed.message}`.trim();
    } catch {
      // not JSON: fall through
    }
  }
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}

/** Resolves `p`, or rejects after `ms` (client-node requests have no per-call timeout). */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The API clients of one context, plus the few generic operations the target needs. */
export class KubeClient {
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  private readonly apis: ApisApi;
  private readonly version: VersionApi;
  private readonly authz: AuthorizationV1Api;
  private discovered: ApiVersions | null = null;

  private constructor(private readonly lib: K8sLib, readonly kc: KubeConfig) {
    this.objects = lib.KubernetesObjectApi.makeApiClient(kc);
    this.core = kc.makeApiClient(lib.CoreV1Api);
    this.apps = kc.makeApiClient(lib.AppsV1Api);
    this.apis = kc.makeApiClient(lib.ApisApi);
    this.version = kc.makeApiClient(lib.VersionApi);
    this.authz = kc.makeApiClient(lib.AuthorizationV1Api);
  }

  static async create(kc: KubeConfig): Promise<KubeClient> {
    return new KubeClient(await k8s(), kc);
  }

  get context(): string {
    return this.kc.getCurrentContext();
  }

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '?';
  }

  /** server gitVersion; throws when the API does not answer within `timeoutMs` */
  async serverVersion(timeoutMs = 10_000): Promise<string> {
    const v = await withTimeout(this.version.getCode(), timeoutMs, `GET ${this.server}/version`);
    return v.gitVersion;
  }

  /** HPA / PDB versions from `GET /apis` (cached per client) */
  async apiVersions(): Promise<ApiVersions> {
    if (this.discovered) return this.discovered;
    this.discovered = pickApiVersions(await this.apiGroups(), `kubernetes ${this.context}`);
    return this.discovered;
  }

  /** `GET /apis`: the groups and versions this server serves */
  async apiGroups(): Promise<ApiGroupList> {
    return (await withTimeout(this.apis.getAPIVersions(), 15_000, `GET ${this.server}/apis`)) as unknown as ApiGroupList;
  }

  /** one read of pod metrics (metrics.k8s.io) in `namespace`; throws when it does not answer */
  async podMetrics(namespace: string): Promise<void> {
    await withTimeout(new this.lib.Metrics(this.kc).getPodMetrics(namespace), 10_000, 'list PodMetrics');
  }

  /** a SelfSubjectAccessReview, as `kubectl auth can-i`: may the current user do this? */
  async canI(q: { verb: string; group: string; resource: string; namespace?: string }): Promise<{ allowed: boolean; reason?: string }> {
    const r = await withTimeout(
      this.authz.createSelfSubjectAccessReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: q } } }),
      10_000,
      `SelfSubjectAccessReview ${q.verb} ${q.resource}`,
    );
    return { allowed: r.status?.allowed === true, ...(r.status?.reason ? { reason: r.status.reason } : {}) };
  }

  /** server-side apply (creates or updates; capbench owns the fields it sets) */
  async apply(obj: KubeObject): Promise<void> {
    await this.objects.patch(obj as unknown as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, this.lib.PatchStrategy.ServerSideApply);
  }

  /** strategic-merge patch of part of an object */
  async mergePatch(obj: KubeObject): Promise<void> {
    await this.objects.patch(obj as unknown as KubernetesObject, undefined, undefined, FIELD_MANAGER, undefined, this.lib.PatchStrategy.StrategicMergePatch);
  }

  /** delete a namespace (idempotent); false when it was already gone */
  async deleteNamespace(name: string): Promise<boolean> {
    try {
      await this.core.deleteNamespace({ name, propagationPolicy: 'Background' });
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      if (statusOf(e) === 409) return true; // already terminating
      throw e;
    }
  }

  async namespaceExists(name: string): Promise<boolean> {
    try {
      await this.core.readNamespace({ name });
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw e;
    }
  }
}

/** The Applier the cluster drivers use: server-side apply of each object on `context`. */
export async function applyObjects(context: string, kubeconfig: string | undefined, objects: KubeObject[]): Promise<void> {
  const client = await KubeClient.create(await loadKubeConfig(context, kubeconfig));
  for (const o of objects) await client.apply(o);
}
