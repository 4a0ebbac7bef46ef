import type { Informer, KubeConfig, KubernetesListObject, KubernetesObject, VersionApi } from '@kubernetes/client-node';
import { k8s } from './kube-lib.ts';
import type { Clock } from '../../model/clock.ts';
import type { Sampler, SamplerSink } from '../../sampling/sampler.ts';
import { errText, withTimeout } from './kube-client.ts';
import { PlatformView, type ObjectKind } from './platform-view.ts';
import { PodCpu, type PodMetricsListLike } from './pod-cpu.ts';

export interface KubeSamplerOptions {
  kc: KubeConfig;
  namespace: string;
  /** label selector of the run's objects (`capbench.run-id=<id>`) */
  runSelector: string;
  /** label selector of the app's pods */
  appSelector: string;
  /** discovered HPA apiVersion (autoscaling/v2 or v2beta2) */
  hpaApiVersion: string;
  /** delay before an informer that reported an error lists and watches again */
  restartDelayMs?: number;
  /** API liveness check period; a hung API server does not break watches for 30 s */
  healthPeriodMs?: number;
  /** metrics.k8s.io poll period for app CPU; default 5 000 */
  cpuPeriodMs?: number;
}

interface Source {
  kind: ObjectKind;
  informer: Informer<KubernetesObject>;
  ok: boolean;
  /** errors reported since start/restart began */
  errors: number;
  restartTimer: NodeJS.Timeout | null;
  lastError: string;
}

/**
 * Watches the run's Deployment, ReplicaSets, Pods and HPA and the cluster's Nodes with
 * informers (list + watch, re-listing when the watch expires) and reports one
 * PlatformSecond per second of the run clock plus PlatformEvents. App CPU (`cpuCores`,
 * `cpuCoresByReplica`) comes from metrics.k8s.io every few seconds (pod-cpu.ts); where that
 * API is not served, one `note` event says so and the field stays absent. When the API server
 * cannot be reached — an informer reported an error and has not re-listed yet, or the
 * liveness check fails — seconds are `gap: true` between a watch-gap-start and a
 * watch-gap-end event; nothing is filled in.
 */
export class KubeSampler implements Sampler {
  private sources: Source[] = [];
  private cpu: PodCpu | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastT = -1;
  private lastHealthOk = 0;
  private healthFailure = '';
  private view: PlatformView | null = null;
  private versionApi: VersionApi | null = null;
  /** initial list of every informer in progress: no gap verdict yet */
  private starting = false;

  constructor(private readonly o: KubeSamplerOptions) {}

  async start(clock: Clock, sink: SamplerSink): Promise<void> {
    this.stopped = false;
    this.starting = true;
    this.lastHealthOk = Date.now();
    const view = new PlatformView((e) => sink.event(e), () => clock.nowMs());
    this.view = view;
    const lib = await k8s();
    this.versionApi = this.o.kc.makeApiClient(lib.VersionApi);
    const objects = lib.KubernetesObjectApi.makeApiClient(this.o.kc);
    const ns = this.o.namespace;
    const [hpaGroup, hpaVersion] = this.o.hpaApiVersion.split('/') as [string, string];
    const defs: Array<{ kind: ObjectKind; path: string; apiVersion: string; k8sKind: string; namespaced: boolean; selector?: string }> = [
      { kind: 'node', path: '/api/v1/nodes', apiVersion: 'v1', k8sKind: 'Node', namespaced: false },
      // the app's Deployment only (the HAProxy entry of `--k8s-entry ingress` is a Deployment of the run too)
      { kind: 'deployment', path: `/apis/apps/v1/namespaces/${ns}/deployments`, apiVersion: 'apps/v1', k8sKind: 'Deployment', namespaced: true, selector: this.o.appSelector },
      { kind: 'replicaset', path: `/apis/apps/v1/namespaces/${ns}/replicasets`, apiVersion: 'apps/v1', k8sKind: 'ReplicaSet', namespaced: true, selector: this.o.appSelector },
      { kind: 'pod', path: `/api/v1/namespaces/${ns}/pods`, apiVersion: 'v1', k8sKind: 'Pod', namespaced: true, selector: this.o.appSelector },
      { kind: 'hpa', path: `/apis/${hpaGroup}/${hpaVersion}/namespaces/${ns}/horizontalpodautoscalers`, apiVersion: this.o.hpaApiVersion, k8sKind: 'HorizontalPodAutoscaler', namespaced: true, selector: this.o.runSelector },
    ];
    for (const d of defs) {
      const list = (): Promise<KubernetesListObject<KubernetesObject>> =>
        withTimeout(objects.list(d.apiVersion, d.k8sKind, d.namespaced ? ns : undefined, undefined, undefined, undefined, undefined, d.selector), 15_000, `list ${d.k8sKind}`);
      const informer = lib.makeInformer<KubernetesObject>(this.o.kc, d.path, list, d.selector);
      const src: Source = { kind: d.kind, informer, ok: false, errors: 0, restartTimer: null, lastError: '' };
      let initial = true;
      informer.on('add', (obj) => view.apply(d.kind, 'add', obj, initial));
      informer.on('update', (obj) => view.apply(d.kind, 'update', obj));
      informer.on('delete', (obj) => view.apply(d.kind, 'delete', obj));
      informer.on('error', (err: unknown) => this.onError(src, err));
      this.sources.push(src);
      await this.startSource(src);
      initial = false;
    }
    this.starting = false;
    this.updateFreshness();
    const metrics = new lib.Metrics(this.o.kc);
    this.cpu = new PodCpu({
      fetch: () => withTimeout(metrics.getPodMetrics(ns), 10_000, 'list PodMetrics') as Promise<PodMetricsListLike>,
      onReading: (byPod) => view.setPodCpu(byPod),
      onUnavailable: (why) => sink.event({ atMs: clock.nowMs(), kind: 'note', subject: 'metrics.k8s.io', detail: why }),
      ...(this.o.cpuPeriodMs === undefined ? {} : { periodMs: this.o.cpuPeriodMs }),
    });
    this.cpu.start();
    const period = this.o.healthPeriodMs ?? 2000;
    let checking = false;
    this.healthTimer = setInterval(() => {
      if (checking) return;
      checking = true;
      void this.checkHealth(period).finally(() => (checking = false));
    }, period);
    const tick = (): void => {
      const now = clock.nowMs();
      if (now < 0) return;
      const t = Math.floor(now / 1000);
      if (t <= this.lastT) return;
      this.lastT = t;
      this.updateFreshness();
      sink.second(view.second(t));
    };
    this.tickTimer = setInterval(tick, 100);
  }

  private async startSource(src: Source): Promise<void> {
    const before = src.errors;
    try {
      await src.informer.start();
    } catch (e) {
      this.onError(src, e);
    }
    if (src.errors === before && !this.stopped) src.ok = true;
    this.updateFreshness();
  }

  private onError(src: Source, err: unknown): void {
    if (this.stopped) return; // stop() aborts the watches: not a gap
    src.errors++;
    src.ok = false;
    src.lastError = errText(err);
    this.updateFreshness();
    if (this.stopped || src.restartTimer) return;
    src.restartTimer = setTimeout(() => {
      src.restartTimer = null;
      if (!this.stopped) void this.startSource(src);
    }, this.o.restartDelayMs ?? 1000);
  }

  private async checkHealth(periodMs: number): Promise<void> {
    try {
      if (!this.versionApi) throw new Error('not started');
      await withTimeout(this.versionApi.getCode(), Math.max(1000, periodMs), 'GET /version');
      this.lastHealthOk = Date.now();
      this.healthFailure = '';
    } catch (e) {
      this.healthFailure = errText(e);
    }
    this.updateFreshness();
  }

  private updateFreshness(): void {
    if (!this.view || this.starting) return;
    const period = this.o.healthPeriodMs ?? 2000;
    const down = this.sources.filter((s) => !s.ok);
    const healthStale = Date.now() - this.lastHealthOk > 2 * period + 500;
    const fresh = down.length === 0 && !healthStale;
    const why = fresh
      ? 'watches resumed'
      : [...down.map((s) => `${s.kind} watch: ${s.lastError || 'not connected'}`), ...(healthStale ? [`API liveness: ${this.healthFailure || 'no answer'}`] : [])].join('; ');
    this.view.setFresh(fresh, why);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cpu?.stop();
    this.cpu = null;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.tickTimer = null;
    this.healthTimer = null;
    for (const s of this.sources) {
      if (s.restartTimer) clearTimeout(s.restartTimer);
      s.restartTimer = null;
      await s.informer.stop().catch(() => undefined);
    }
    this.sources = [];
  }
}
