import type { V1Node } from '@kubernetes/client-node';
import { HarnessError } from '../../model/index.ts';
import { TARGET_ENTRY, type K8sEntry } from '../entries.ts';
import type { Sampler } from '../../sampling/sampler.ts';
import { commandRunner, type CommandRunner } from '../command-runner.ts';
import { needLiveness, type RunIsAlive } from '../run-liveness.ts';
import type { DeployOptions, Env, Target, TargetCapabilities, Usability } from '../target.ts';
import { readClusterTiming, timingDescription } from './cluster-timing.ts';
import { LB_IMAGE, LOCAL_K8S_STATE, PUBLISHED_NODE_PORT, driverForContext, presetDriver, type Applier, type ClusterDriver, type PresetName } from './cluster-drivers.ts';
import { deployApp } from './deploy.ts';
import { applyObjects, errText } from './kube-client.ts';
import { KubeIngress } from './ingress.ts';
import { KubeRun } from './kube-run.ts';
import { kubeCleanup, kubeLeftovers, teardownRun } from './leftovers.ts';
import { checkContext, type ContextReport } from './context-check.ts';
import { APP_NAME, appSelector, namespaceFor, runSelector } from './manifests.ts';
import { kubeNodes } from './nodes.ts';
import { kubeReplicas } from './replicas.ts';
import { destructiveAllowed } from './safety.ts';
import { KubeSampler } from './sampler.ts';
import { kubeWorkloads } from './workloads.ts';

export { rolloutState } from './workloads.ts';

export interface KubernetesTargetOptions {
  /** a preset capbench creates clusters for; exclusive with `context` */
  preset?: PresetName;
  /** an existing kubeconfig context (plain `--context`) */
  context?: string;
  /** destructive faults on a context capbench did not create and that is not clearly local */
  allowDestructive?: boolean;
  /** the environment kind / minikube / docker / bash commands run with (the CLI passes its own); default none */
  env?: Env;
  /** runs those commands; default a real runner with `env`; tests inject a recording one */
  runner?: CommandRunner;
  /** server-side apply used by cluster bring-up (metrics-server); tests inject one */
  apply?: Applier;
  /**
   * true while the harness of a run is alive (the CLI passes the store's run lease): its
   * namespace is then no leftover. leftovers() and cleanup() refuse to work without it.
   */
  runIsAlive?: RunIsAlive;
  /** target name in reports; default the preset name, or `kubernetes` */
  name?: string;
  image?: string;
  /** default: Never for presets (images are loaded into the nodes), IfNotPresent for contexts */
  imagePullPolicy?: 'Never' | 'IfNotPresent' | 'Always';
  /**
   * `--base-url`: users' traffic goes there (an ingress, a LoadBalancer, a port-forward the
   * user runs) instead of the NodePort on 127.0.0.1; the NodePort is then allocated, not
   * pinned. The CLI has judged it (loopback or --allow-remote) before this is made.
   */
  baseUrl?: string;
  /**
   * `--k8s-entry`: users' traffic through the app Service's NodePort (`nodeport`, L4, the
   * default) or through HAProxy in the cluster (`ingress`, L7, as Compose's); not with `baseUrl`
   */
  entry?: K8sEntry;
  /** NodePort on 127.0.0.1 (of HAProxy's Service with `entry: ingress`); default: the preset's (kind/minikube 30080), allocated on local-k8s, 30080 on contexts */
  nodePort?: number;
  /** deploy: how long the Deployment may take to become available; default 180 000 */
  deployTimeoutMs?: number;
  /** scale: how long n pods may take to be ready and in the Service's endpoints; default 180 000 */
  scaleTimeoutMs?: number;
  /** namespace teardown wait (not fast); default 180 000 (1.20's namespace controller takes ~45–75 s) */
  teardownTimeoutMs?: number;
  replicas?: number;
  workCpuMs?: number;
  workUpstreamMs?: number;
}

/**
 * `kubernetes`: the app as a Deployment + NodePort Service + HPA + PDB in a namespace of
 * its own, on a preset cluster capbench creates (`local-k8s`, `kind`, `minikube`) or any
 * kubeconfig context. Users' traffic goes through the Service (NodePort on 127.0.0.1), or
 * with `entry: ingress` through HAProxy in the cluster (ingress.ts) on its own NodePort.
 * One file per concern beside this one: kube-run (client + the run's namespace), deploy,
 * nodes, workloads, replicas, leftovers, sampler.
 */
export class KubernetesTarget implements Target {
  readonly name: string;
  readonly kind = 'kubernetes' as const;
  private readonly runner: CommandRunner;
  private readonly driver: ClusterDriver | undefined;
  private readonly context: string | undefined;
  private readonly run: KubeRun;
  private caps: TargetCapabilities | null = null;
  private readonly entry: K8sEntry;
  private ingress: KubeIngress | null = null;
  /** the cluster's timing settings, read after deploy (describe() shows them) */
  private timing: Record<string, string | number> = {};

  constructor(private readonly o: KubernetesTargetOptions) {
    const env = o.env ?? {};
    this.runner = o.runner ?? commandRunner(env);
    const apply = o.apply ?? applyObjects;
    if (o.preset !== undefined && o.context !== undefined) {
      throw new HarnessError(`kubernetes: --context must not be combined with the ${o.preset} preset (got ${o.context})`, { code: 'usage', hint: `use --target ${o.preset}, or --target kubernetes --context ${o.context}` });
    }
    this.driver = o.preset !== undefined ? presetDriver(o.preset, this.runner, apply, env) : o.context !== undefined ? driverForContext(o.context, this.runner, apply, env) : undefined;
    this.context = this.driver?.context ?? o.context;
    this.name = o.name ?? o.preset ?? 'kubernetes';
    this.entry = o.entry ?? 'nodeport';
    if (this.entry === 'ingress' && o.baseUrl !== undefined) {
      throw new HarnessError(`--k8s-entry: ingress must not be combined with --base-url (got --base-url ${o.baseUrl})`, { code: 'usage', hint: 'drop --base-url to measure through capbench\'s in-cluster HAProxy, or drop --k8s-entry to measure your own path' });
    }
    this.run = new KubeRun({ name: this.name, preset: o.preset, context: this.context, driver: this.driver, ...(o.baseUrl === undefined ? {} : { baseUrl: o.baseUrl }) });
  }

  /** the kubeconfig context this target uses (undefined: plain target without --context) */
  get contextName(): string | undefined {
    return this.context;
  }

  async probe(): Promise<Usability> {
    try {
      if (this.context === undefined) return { usable: false, reason: 'no kubeconfig context given', hint: 'pass --context NAME, or use --target local-k8s|kind|minikube' };
      if (this.driver && this.o.preset !== undefined) {
        const s = await this.driver.status();
        if (!s.up) return { usable: false, reason: s.reason, ...(s.hint ? { hint: s.hint } : {}) };
      }
      const c = await this.run.api();
      const v = await c.serverVersion(8000);
      return { usable: true, reason: `Kubernetes ${v} at ${c.server} (context ${c.context})` };
    } catch (e) {
      this.run.reset();
      const hint = e instanceof HarnessError && e.hint ? e.hint : this.o.preset ? `npx capbench cluster up ${this.o.preset}` : 'check the context with `kubectl --context ' + (this.context ?? 'NAME') + ' get nodes`';
      const reason = e instanceof HarnessError ? e.message : `API of context ${this.context ?? '?'} does not answer: ${errText(e)}`;
      return { usable: false, reason, hint };
    }
  }

  /**
   * `npx capbench targets --context NAME`: whether this context has what a run needs (API
   * server, HPA API, metrics API, every permission), each missing thing named. Never throws
   * for a context that does not answer: that is a failed line. Called by the CLI only.
   */
  async checkContext(): Promise<ContextReport> {
    const c = await this.run.api();
    return checkContext(c, { namespace: namespaceFor('permission-check') });
  }

  async deploy(o: DeployOptions): Promise<void> {
    const wantPort = this.o.nodePort ?? (this.o.baseUrl !== undefined ? undefined : this.driver ? this.driver.nodePort : PUBLISHED_NODE_PORT);
    const pullPolicy = this.o.imagePullPolicy ?? this.driver?.imagePullPolicy ?? 'IfNotPresent';
    // with the HAProxy entry, its Service takes the published NodePort and the app's gets an allocated one
    this.ingress = this.entry === 'ingress' ? new KubeIngress(this.run, { image: LB_IMAGE, imagePullPolicy: pullPolicy, httpNodePort: wantPort, ...(this.driver && this.driver.nodePort === undefined ? { runtimeHost: '127.0.0.1' } : {}) }) : null;
    await deployApp(this.run, o, {
      runner: this.runner,
      image: this.o.image,
      imagePullPolicy: pullPolicy,
      nodePort: this.ingress ? undefined : wantPort,
      ...(this.ingress ? { ingress: this.ingress } : {}),
      replicas: this.o.replicas,
      workCpuMs: this.o.workCpuMs,
      workUpstreamMs: this.o.workUpstreamMs,
      deployTimeoutMs: this.o.deployTimeoutMs ?? 180_000,
    });
    const localK8s = this.driver?.preset === 'local-k8s' ? { localK8sStateDir: this.o.env?.['CAPBENCH_K8S_STATE'] ?? LOCAL_K8S_STATE } : {};
    const timing = await readClusterTiming(this.run, localK8s);
    if (timing) {
      this.timing = timingDescription(timing);
      o.onProgress(`${this.name}: timing: node monitor grace ${this.timing.nodeMonitorGracePeriod}; eviction toleration ${this.timing.podEvictionToleration}; HPA sync ${this.timing.hpaSyncPeriod}; ${this.timing.nodeCrashTiming}`);
    }
  }

  baseUrl(): string {
    return this.run.url;
  }

  sampler(): Sampler {
    const client = this.run.existingClient;
    if (client === null || this.run.namespace === '') throw new HarnessError(`${this.name}: sampler() must be called after deploy (got no deployment)`, { code: 'internal' });
    const kube = new KubeSampler({ kc: client.kc, namespace: this.run.namespace, runSelector: runSelector(this.run.runId), appSelector: appSelector(this.run.runId), hpaApiVersion: this.run.hpaApiVersion });
    const lb = this.ingress?.sampler();
    if (lb === undefined) return kube;
    return {
      start: async (clock, sink) => {
        await kube.start(clock, sink);
        await lb.start(clock, sink);
      },
      stop: async () => {
        await lb.stop();
        await kube.stop();
      },
    };
  }

  capabilities(): TargetCapabilities {
    if (this.caps) return this.caps;
    const caps: TargetCapabilities = { workloads: kubeWorkloads(this.run), replicas: kubeReplicas(this.run, { timeoutMs: this.o.scaleTimeoutMs ?? 180_000 }) };
    const driver = this.driver;
    if (driver && this.context !== undefined && destructiveAllowed(this.context, { createdByCapbench: this.o.preset !== undefined, allowDestructive: this.o.allowDestructive ?? false })) {
      caps.nodes = kubeNodes(this.run, driver);
    }
    this.caps = caps;
    return caps;
  }

  async versions(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    try {
      const c = await this.run.api();
      out.kubernetes = await c.serverVersion();
      out.context = c.context;
      const nodes = (await c.core.listNode()).items;
      const uniq = (f: (n: V1Node) => string | undefined): string => [...new Set(nodes.map(f).filter((x): x is string => !!x))].join(', ');
      out.kubelet = uniq((n) => n.status?.nodeInfo?.kubeletVersion);
      out.containerRuntime = uniq((n) => n.status?.nodeInfo?.containerRuntimeVersion);
      out.nodeOs = uniq((n) => n.status?.nodeInfo?.osImage);
      out.nodes = String(nodes.length);
      out.hpaApi = this.run.hpaApiVersion;
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
      namespace: this.run.namespace || '-',
      replicas: this.o.replicas ?? 2,
      hpa: 'cpu 70 %, min 2, max 10',
      cpuRequestPerReplica: '100m',
      cpuLimitPerReplica: '250m',
      memoryPerReplica: '64Mi request / 128Mi limit',
      k8sEntry: this.o.baseUrl === undefined ? this.entry : 'base-url',
      loadBalancer:
        this.o.baseUrl !== undefined
          ? `--base-url ${this.o.baseUrl} (the user's path: ingress, LoadBalancer or port-forward) to Service ${APP_NAME}`
          : this.entry === 'ingress'
            ? `HAProxy (${LB_IMAGE}, Deployment lb, 1 replica) on node ${this.ingress?.node || '?'} — never the crashed node — NodePort ${this.run.port || '?'} on 127.0.0.1; its slots follow Service ${APP_NAME}'s endpoints (filled by capbench through HAProxy's runtime API)`
            : `Service NodePort ${this.run.port || '?'} on 127.0.0.1 (kube-proxy)`,
      entry: this.o.baseUrl !== undefined ? 'as the --base-url path is (ingress, LoadBalancer or port-forward): not known to capbench' : this.entry === 'ingress' ? TARGET_ENTRY.ingress : TARGET_ENTRY.nodePort,
      imagePullPolicy: this.o.imagePullPolicy ?? this.driver?.imagePullPolicy ?? 'IfNotPresent',
      ...this.timing,
    };
  }

  /** Deletes the run's namespace — Deployment, HPA (pinned or not) and all. Idempotent. */
  async teardown(o: { fast: boolean }): Promise<void> {
    await this.ingress?.stop();
    await teardownRun(this.run, o.fast, this.o.teardownTimeoutMs ?? 180_000);
  }

  async leftovers(): Promise<string[]> {
    if (this.context === undefined) return [];
    return kubeLeftovers(this.run, needLiveness(this.name, this.o.runIsAlive), this.capabilities().nodes);
  }

  async cleanup(): Promise<string[]> {
    if (this.context === undefined) return [];
    return kubeCleanup(this.run, needLiveness(this.name, this.o.runIsAlive), this.capabilities().nodes, this.driver);
  }
}

/** Target registry factory: preset name (`local-k8s`, `kind`, `minikube`) or `kubernetes` + context. */
export function createKubernetesTarget(name: PresetName | 'kubernetes', o: { context?: string; baseUrl?: string; allowDestructive?: boolean; env?: Env; runIsAlive?: RunIsAlive; entry?: K8sEntry }): KubernetesTarget {
  const common = { allowDestructive: o.allowDestructive ?? false, ...(o.env === undefined ? {} : { env: o.env }), ...(o.runIsAlive === undefined ? {} : { runIsAlive: o.runIsAlive }), ...(o.entry === undefined ? {} : { entry: o.entry }) };
  if (name === 'kubernetes') return new KubernetesTarget({ ...(o.context === undefined ? {} : { context: o.context }), ...(o.baseUrl === undefined ? {} : { baseUrl: o.baseUrl }), ...common });
  return new KubernetesTarget({ preset: name, ...common });
}
