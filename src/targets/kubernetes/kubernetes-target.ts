import { setTimeout as sleep } from 'node:timers/promises';
import { httpStatus } from '../net.ts';
import { runIsAlive } from '../../store/run-lease.ts';
import type { KubeConfig, V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';
import { HarnessError } from '../../model/index.ts';
import type { Sampler } from '../../sampling/sampler.ts';
import { execFileRunner, type CommandRunner } from '../command-runner.ts';
import type { DeployOptions, NodesCapability, Target, TargetCapabilities, Usability, WorkloadsCapability } from '../target.ts';
import { APP_IMAGE, PUBLISHED_NODE_PORT, buildImages, driverForContext, presetDriver, type Applier, type ClusterDriver, type PresetName } from './cluster-drivers.ts';
import { KubeClient, applyObjects, errText, loadKubeConfig, statusOf } from './kube-client.ts';
import { KubeSampler } from './kube-sampler.ts';
import { APP_CONTAINER, APP_NAME, MANAGED_SELECTOR, appSelector, namespaceFor, renderManifests, runSelector, type KubeObject } from './manifests.ts';
import { deploymentRolledOut, nodeReady, podReady } from './platform-view.ts';
import { destructiveAllowed } from './safety.ts';

export interface KubernetesTargetOptions {
  /** a preset capbench creates clusters for; exclusive with `context` */
  preset?: PresetName;
  /** an existing kubeconfig context (plain `--context`) */
  context?: string;
  /** destructive faults on a context capbench did not create and that is not clearly local */
  allowDestructive?: boolean;
  /** runs kind / minikube / docker / bash commands; tests inject a recording runner */
  runner?: CommandRunner;
  /** server-side apply used by cluster bring-up (metrics-server); tests inject one */
  apply?: Applier;
  /** target name in reports; default the preset name, or `kubernetes` */
  name?: string;
  image?: string;
  /** default: Never for presets (images are loaded into the nodes), IfNotPresent for contexts */
  imagePullPolicy?: 'Never' | 'IfNotPresent' | 'Always';
  /** NodePort on 127.0.0.1; default: the preset's (kind/minikube 30080), allocated on local-k8s, 30080 on contexts */
  nodePort?: number;
  /** deploy: how long the Deployment may take to become available; default 180 000 */
  deployTimeoutMs?: number;
  /** namespace teardown wait (not fast); default 180 000 (1.20's namespace controller takes ~45–75 s) */
  teardownTimeoutMs?: number;
  replicas?: number;
  workCpuMs?: number;
  workUpstreamMs?: number;
}

function isControlPlane(n: V1Node): boolean {
  const l = n.metadata?.labels ?? {};
  return 'node-role.kubernetes.io/control-plane' in l || 'node-role.kubernetes.io/master' in l;
}

function podLine(p: V1Pod): string {
  const waiting = p.status?.containerStatuses?.map((c) => c.state?.waiting?.reason ?? c.state?.terminated?.reason).filter(Boolean) ?? [];
  const unsched = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  return `${p.metadata?.name} ${p.status?.phase ?? '?'}${podReady(p) ? ' ready' : ' not-ready'} on ${p.spec?.nodeName ?? '-'}${waiting.length ? ` (${waiting.join(', ')})` : ''}${unsched ? ` (unschedulable: ${unsched.message ?? unsched.reason})` : ''}`;
}

/**
 * `kubernetes`: the app as a Deployment + NodePort Service + HPA + PDB in a namespace of
 * its own, on a preset cluster capbench creates (`local-k8s`, `kind`, `minikube`) or any
 * kubeconfig context. Users' traffic goes through the Service (NodePort on 127.0.0.1).
 */
export class KubernetesTarget implements Target {
  readonly name: string;
  readonly kind = 'kubernetes' as const;
  private readonly runner: CommandRunner;
  private readonly driver: ClusterDriver | undefined;
  private readonly context: string | undefined;
  private client: KubeClient | null = null;
  private runId = '';
  private namespace = '';
  private port = 0;
  private hpaApiVersion = '';
  private log: (line: string) => void = () => undefined;

  constructor(private readonly o: KubernetesTargetOptions) {
    this.runner = o.runner ?? execFileRunner;
    const apply = o.apply ?? applyObjects;
    if (o.preset !== undefined && o.context !== undefined) {
      throw new HarnessError(`kubernetes: --context must not be combined with the ${o.preset} preset (got ${o.context})`, { code: 'usage', hint: `use --target ${o.preset}, or --target kubernetes --context ${o.context}` });
    }
    this.driver = o.preset !== undefined ? presetDriver(o.preset, this.runner, apply) : o.context !== undefined ? driverForContext(o.context, this.runner, apply) : undefined;
    this.context = this.driver?.context ?? o.context;
    this.name = o.name ?? o.preset ?? 'kubernetes';
  }

  /** the kubeconfig context this target uses (undefined: plain target without --context) */
  get contextName(): string | undefined {
    return this.context;
  }

  private get createdByCapbench(): boolean {
    return this.o.preset !== undefined;
  }

  private get nodePortWanted(): number | undefined {
    if (this.o.nodePort !== undefined) return this.o.nodePort;
    if (this.driver) return this.driver.nodePort;
    return PUBLISHED_NODE_PORT;
  }

  private async kubeConfig(): Promise<KubeConfig> {
    if (this.context === undefined) {
      throw new HarnessError('kubernetes: --context must name a kubeconfig context (got none)', { code: 'usage', hint: 'kubectl config get-contexts; then --target kubernetes --context NAME, or use --target local-k8s|kind|minikube' });
    }
    // a plain context is looked up in the default kubeconfig first; the preset's own file otherwise
    if (this.o.preset === undefined) {
      try {
        return await loadKubeConfig(this.context, undefined);
      } catch (e) {
        if (!this.driver) throw e;
      }
    }
    return loadKubeConfig(this.context, await this.driver?.kubeconfig());
  }

  private async api(): Promise<KubeClient> {
    this.client ??= await KubeClient.create(await this.kubeConfig());
    return this.client;
  }

  async probe(): Promise<Usability> {
    try {
      if (this.context === undefined) return { usable: false, reason: 'no kubeconfig context given', hint: 'pass --context NAME, or use --target local-k8s|kind|minikube' };
      if (this.driver && this.o.preset !== undefined) {
        const s = await this.driver.status();
        if (!s.up) return { usable: false, reason: s.reason, ...(s.hint ? { hint: s.hint } : {}) };
      }
      const c = await this.api();
      const v = await c.serverVersion(8000);
      return { usable: true, reason: `Kubernetes ${v} at ${c.server} (context ${c.context})` };
    } catch (e) {
      this.client = null;
      const hint = e instanceof HarnessError && e.hint ? e.hint : this.o.preset ? `capbench cluster up ${this.o.preset}` : 'check the context with `kubectl --context ' + (this.context ?? 'NAME') + ' get nodes`';
      const reason = e instanceof HarnessError ? e.message : `API of context ${this.context ?? '?'} does not answer: ${errText(e)}`;
      return { usable: false, reason, hint };
    }
  }

  async deploy(o: DeployOptions): Promise<void> {
    this.runId = o.runId;
    this.log = o.onProgress;
    this.namespace = namespaceFor(o.runId);
    const c = await this.api();
    let version: string;
    try {
      version = await c.serverVersion();
    } catch (e) {
      throw new HarnessError(`${this.name}: API server ${c.server} (context ${c.context}) must answer (got ${errText(e)})`, { code: 'missingEnvironment', hint: this.o.preset ? `capbench cluster up ${this.o.preset}` : 'check the cluster' });
    }
    this.log(`${this.name}: context ${c.context}, server ${c.server}, Kubernetes ${version}, namespace ${this.namespace}`);
    const image = this.o.image ?? APP_IMAGE;
    if (this.driver) {
      await buildImages(this.runner, this.log);
      await this.driver.loadImages([image], this.log);
    }
    if (o.signal.aborted) throw new HarnessError(`${this.name}: deploy interrupted`, { code: 'interrupted' });
    const apis = await c.apiVersions();
    this.hpaApiVersion = apis.hpa;
    const wantPort = this.nodePortWanted;
    const objects = renderManifests(
      {
        runId: o.runId,
        appVersion: o.appVersion,
        image,
        imagePullPolicy: this.o.imagePullPolicy ?? this.driver?.imagePullPolicy ?? 'IfNotPresent',
        hpa: o.hpa,
        ...(wantPort === undefined ? {} : { nodePort: wantPort }),
        ...(this.o.replicas === undefined ? {} : { replicas: this.o.replicas }),
        ...(this.o.workCpuMs === undefined ? {} : { workCpuMs: this.o.workCpuMs }),
        ...(this.o.workUpstreamMs === undefined ? {} : { workUpstreamMs: this.o.workUpstreamMs }),
      },
      apis,
    );
    this.log(`${this.name}: applying ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')} (${apis.hpa}, ${apis.pdb})`);
    for (const obj of objects) {
      try {
        await c.apply(obj);
      } catch (e) {
        const taken = obj.kind === 'Service' && statusOf(e) === 422 && /provided port is already allocated/.test(errText(e));
        throw new HarnessError(`${this.name}: ${obj.kind}/${obj.metadata.name} must apply (got ${errText(e)})`, {
          code: taken ? 'missingEnvironment' : 'internal',
          ...(taken ? { hint: `NodePort ${wantPort} is used by another Service; run \`capbench cleanup\` or delete that Service` } : {}),
        });
      }
    }
    await this.waitAvailable(this.o.deployTimeoutMs ?? 180_000, o.signal);
    const svc = await c.core.readNamespacedService({ name: APP_NAME, namespace: this.namespace });
    this.port = svc.spec?.ports?.[0]?.nodePort ?? 0;
    await this.waitReachable(30_000, o.signal);
  }

  private async appPods(): Promise<V1Pod[]> {
    const c = await this.api();
    return (await c.core.listNamespacedPod({ namespace: this.namespace, labelSelector: appSelector(this.runId) })).items;
  }

  private async readDeployment(): Promise<V1Deployment> {
    const c = await this.api();
    return c.apps.readNamespacedDeployment({ name: APP_NAME, namespace: this.namespace });
  }

  private async waitAvailable(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const end = Date.now() + timeoutMs;
    let last = 'no status yet';
    while (Date.now() < end && !signal.aborted) {
      try {
        const d = await this.readDeployment();
        const want = d.spec?.replicas ?? 1;
        last = `${d.status?.availableReplicas ?? 0}/${want} available, ${d.status?.readyReplicas ?? 0} ready`;
        if (deploymentRolledOut(d)) {
          this.log(`${this.name}: Deployment ${APP_NAME} available (${last})`);
          return;
        }
      } catch (e) {
        last = errText(e);
      }
      await sleep(1000);
    }
    if (signal.aborted) throw new HarnessError(`${this.name}: deploy interrupted`, { code: 'interrupted' });
    const pods = await this.appPods().catch((): V1Pod[] => []);
    throw new HarnessError(
      `${this.name}: Deployment ${this.namespace}/${APP_NAME} must become available within ${timeoutMs / 1000} s (got ${last}; pods: ${pods.map(podLine).join('; ') || 'none'})`,
      { code: 'missingEnvironment', hint: `kubectl --context ${this.context} -n ${this.namespace} describe pods` },
    );
  }

  private async waitReachable(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const end = Date.now() + timeoutMs;
    let status = 0;
    while (Date.now() < end && !signal.aborted) {
      status = await httpStatus(`${this.baseUrl()}/readyz`);
      if (status === 200) return;
      await sleep(500);
    }
    throw new HarnessError(`${this.name}: NodePort ${this.port} of Service ${APP_NAME} must answer on 127.0.0.1 (got ${status === 0 ? 'no answer' : `HTTP ${status}`} within ${timeoutMs / 1000} s)`, {
      code: 'missingEnvironment',
      hint: 'the cluster must publish the NodePort on 127.0.0.1 (kind: extraPortMappings as in clusters/kind/cluster.yaml; minikube: --ports 127.0.0.1:30080:30080); capbench never port-forwards to a single pod',
    });
  }

  baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  sampler(): Sampler {
    if (this.client === null || this.namespace === '') throw new HarnessError(`${this.name}: sampler() must be called after deploy (got no deployment)`, { code: 'internal' });
    return new KubeSampler({ kc: this.client.kc, namespace: this.namespace, runSelector: runSelector(this.runId), appSelector: appSelector(this.runId), hpaApiVersion: this.hpaApiVersion });
  }

  capabilities(): TargetCapabilities {
    const caps: TargetCapabilities = { workloads: this.workloads() };
    const driver = this.driver;
    if (driver && this.context !== undefined && destructiveAllowed(this.context, { createdByCapbench: this.createdByCapbench, allowDestructive: this.o.allowDestructive ?? false })) {
      caps.nodes = this.nodes(driver);
    }
    return caps;
  }

  private nodes(driver: ClusterDriver): NodesCapability {
    return {
      workers: async () => {
        const c = await this.api();
        const nodes = (await c.core.listNode()).items.filter((n) => !isControlPlane(n));
        const pods = this.namespace ? await this.appPods() : [];
        return nodes.map((n) => ({
          name: n.metadata?.name ?? '?',
          ready: nodeReady(n),
          appReplicas: pods.filter((p) => p.spec?.nodeName === n.metadata?.name && !p.metadata?.deletionTimestamp).length,
        }));
      },
      crash: async (node) => {
        this.log(`${this.name}: ${await this.where()}: crashing node ${node}`);
        await driver.crash(node);
      },
      restore: async (node) => {
        this.log(`${this.name}: ${await this.where()}: restoring node ${node}`);
        await driver.restore(node);
      },
      down: async () => {
        const down = new Set(await driver.machinesDown());
        try {
          const c = await this.api();
          for (const n of (await c.core.listNode()).items) if (!nodeReady(n)) down.add(n.metadata?.name ?? '?');
        } catch {
          // API unreachable: the driver's own account is all there is
        }
        return [...down].sort();
      },
    };
  }

  /** `context X (server URL)`, said before anything destructive */
  private async where(): Promise<string> {
    try {
      const c = await this.api();
      return `context ${c.context} (server ${c.server})`;
    } catch (e) {
      return `context ${this.context ?? '?'} (server unknown: ${errText(e)})`;
    }
  }

  private workloads(): WorkloadsCapability {
    return {
      rollOut: async (version) => {
        const c = await this.api();
        const patch: KubeObject = {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: APP_NAME, namespace: this.namespace },
          spec: { template: { spec: { containers: [{ name: APP_CONTAINER, env: [{ name: 'APP_VERSION', value: version }] }] } } },
        };
        await c.mergePatch(patch);
      },
      waitRolledOut: async (version, deadlineMs, signal) => {
        const end = Date.now() + deadlineMs;
        let last = 'no status yet';
        while (Date.now() < end && !signal.aborted) {
          try {
            const d = await this.readDeployment();
            const s = rolloutState(d, version);
            last = s.detail;
            if (s.state === 'done') return;
            if (s.state === 'failed') throw new HarnessError(`${this.name}: rollout to ${version} must progress (got ${s.detail})`, { code: 'internal' });
          } catch (e) {
            if (e instanceof HarnessError) throw e;
            last = errText(e);
          }
          await sleep(500);
        }
        throw new HarnessError(`${this.name}: rollout to ${version} must finish within ${deadlineMs / 1000} s (got ${last})`, { code: 'internal' });
      },
    };
  }

  async versions(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    try {
      const c = await this.api();
      out.kubernetes = await c.serverVersion();
      out.context = c.context;
      const nodes = (await c.core.listNode()).items;
      const uniq = (f: (n: V1Node) => string | undefined): string => [...new Set(nodes.map(f).filter((x): x is string => !!x))].join(', ');
      out.kubelet = uniq((n) => n.status?.nodeInfo?.kubeletVersion);
      out.containerRuntime = uniq((n) => n.status?.nodeInfo?.containerRuntimeVersion);
      out.nodeOs = uniq((n) => n.status?.nodeInfo?.osImage);
      out.nodes = String(nodes.length);
      out.hpaApi = this.hpaApiVersion;
    } catch (e) {
      out.kubernetes = `unknown (${errText(e)})`;
    }
    if (this.driver) Object.assign(out, await this.driver.versions().catch(() => ({})));
    return out;
  }

  describe(): Record<string, string | number> {
    return {
      ...(this.o.preset ? { preset: this.o.preset } : {}),
      context: this.context ?? '-',
      namespace: this.namespace || '-',
      replicas: this.o.replicas ?? 2,
      hpa: 'cpu 70 %, min 2, max 10',
      cpuRequestPerReplica: '100m',
      cpuLimitPerReplica: '250m',
      memoryPerReplica: '64Mi request / 128Mi limit',
      loadBalancer: `Service NodePort ${this.port || '?'} on 127.0.0.1 (kube-proxy)`,
      imagePullPolicy: this.o.imagePullPolicy ?? this.driver?.imagePullPolicy ?? 'IfNotPresent',
    };
  }

  async teardown(o: { fast: boolean }): Promise<void> {
    if (!this.namespace || !this.client) return;
    const c = this.client;
    const ns = this.namespace;
    const deleted = await c.deleteNamespace(ns).catch((e: unknown) => {
      throw new HarnessError(`${this.name}: namespace ${ns} must be deleted (got ${errText(e)})`, { code: 'internal', hint: 'run `capbench cleanup` once the cluster answers' });
    });
    if (!deleted || o.fast) return;
    const end = Date.now() + (this.o.teardownTimeoutMs ?? 180_000);
    while (Date.now() < end) {
      if (!(await c.namespaceExists(ns).catch(() => true))) return;
      await sleep(1000);
    }
    throw new HarnessError(`${this.name}: namespace ${ns} must be gone within ${(this.o.teardownTimeoutMs ?? 180_000) / 1000} s (got still terminating)`, { code: 'internal', hint: `kubectl --context ${this.context} get ns ${ns} -o yaml` });
  }

  private async leftoverNamespaces(): Promise<Array<{ name: string; runId: string; phase: string }>> {
    const c = await this.api();
    const list = await c.core.listNamespace({ labelSelector: MANAGED_SELECTOR });
    return list.items
      .filter((n) => n.metadata?.name !== this.namespace)
      .map((n) => ({ name: n.metadata?.name ?? '?', runId: n.metadata?.labels?.['capbench.run-id'] ?? '?', phase: n.status?.phase ?? '?' }))
      .filter((n) => !runIsAlive(n.runId)); // a live run's namespace is not a leftover
  }

  async leftovers(): Promise<string[]> {
    if (this.context === undefined) return [];
    const out: string[] = [];
    try {
      for (const n of await this.leftoverNamespaces()) out.push(`namespace ${n.name} (run ${n.runId}${n.phase === 'Terminating' ? ', terminating' : ''})`);
    } catch (e) {
      out.push(`cannot list namespaces on ${this.context}: ${errText(e)}`);
    }
    const nodes = this.capabilities().nodes;
    if (nodes) for (const n of await nodes.down().catch(() => [])) out.push(`node ${n} is down`);
    return out;
  }

  async cleanup(): Promise<string[]> {
    if (this.context === undefined) return [];
    const done: string[] = [];
    const nodes = this.capabilities().nodes;
    const where = await this.where();
    if (nodes && this.driver) {
      for (const n of await this.driver.machinesDown().catch(() => [])) {
        await nodes.restore(n);
        done.push(`${where}: node ${n} restored`);
      }
    }
    const c = await this.api();
    for (const n of await this.leftoverNamespaces()) {
      await c.deleteNamespace(n.name);
      done.push(`${where}: namespace ${n.name} (run ${n.runId}) ${n.phase === 'Terminating' ? 'already terminating' : 'deleted'}`);
    }
    return done;
  }
}

/** Where a rollout to `version` stands: done, still going, or failed (progress deadline). */
export function rolloutState(d: V1Deployment, version: string): { state: 'done' | 'progressing' | 'failed'; detail: string } {
  const env = d.spec?.template?.spec?.containers?.find((c) => c.name === APP_CONTAINER)?.env?.find((e) => e.name === 'APP_VERSION')?.value;
  const s = d.status ?? {};
  const detail = `template ${env ?? '?'}, generation ${d.metadata?.generation ?? '?'} observed ${s.observedGeneration ?? '?'}, replicas ${s.replicas ?? 0} updated ${s.updatedReplicas ?? 0} available ${s.availableReplicas ?? 0} of ${d.spec?.replicas ?? 1}`;
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') return { state: 'failed', detail: `${detail}; ${progressing.message ?? 'progress deadline exceeded'}` };
  if (env === version && deploymentRolledOut(d)) return { state: 'done', detail };
  return { state: 'progressing', detail };
}

/** Target registry factory: preset name (`local-k8s`, `kind`, `minikube`) or `kubernetes` + context. */
export function createKubernetesTarget(name: PresetName | 'kubernetes', o: { context?: string; allowDestructive?: boolean }): KubernetesTarget {
  if (name === 'kubernetes') return new KubernetesTarget({ ...(o.context === undefined ? {} : { context: o.context }), allowDestructive: o.allowDestructive ?? false });
  return new KubernetesTarget({ preset: name, allowDestructive: o.allowDestructive ?? false });
}
