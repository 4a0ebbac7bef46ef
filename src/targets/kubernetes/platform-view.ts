import type { PlatformEvent, PlatformEventKind, PlatformSecond } from '../../model/index.ts';

/** The fields of Kubernetes objects the view reads (raw watch JSON or client-node models). */
interface Meta {
  name?: string;
  generation?: number;
  deletionTimestamp?: unknown;
  annotations?: Record<string, string>;
}
interface Condition {
  type?: string;
  status?: string;
  reason?: string;
}
export interface DeploymentLike {
  metadata?: Meta;
  spec?: { replicas?: number; template?: unknown };
  status?: { observedGeneration?: number; replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number; conditions?: Condition[] };
}
export interface PodLike {
  metadata?: Meta;
  spec?: { nodeName?: string };
  status?: { phase?: string; reason?: string; conditions?: Condition[] };
}
export interface NodeLike {
  metadata?: Meta;
  status?: { conditions?: Condition[] };
}
export interface HpaLike {
  metadata?: Meta;
  status?: {
    desiredReplicas?: number;
    currentReplicas?: number;
    /** string in watch JSON, Date from client-node's typed list */
    lastScaleTime?: unknown;
    currentCPUUtilizationPercentage?: number;
    currentMetrics?: Array<{ type?: string; resource?: { name?: string; current?: { averageUtilization?: number } } }>;
  };
}
export interface ReplicaSetLike {
  metadata?: Meta;
}

export type ObjectKind = 'deployment' | 'replicaset' | 'pod' | 'hpa' | 'node';
export type Verb = 'add' | 'update' | 'delete';

function condTrue(conds: Condition[] | undefined, type: string): boolean {
  return conds?.some((c) => c.type === type && c.status === 'True') ?? false;
}

export function podReady(p: PodLike): boolean {
  return condTrue(p.status?.conditions, 'Ready');
}

export function nodeReady(n: NodeLike): boolean {
  return condTrue(n.status?.conditions, 'Ready');
}

function terminating(p: PodLike): boolean {
  return p.metadata?.deletionTimestamp !== undefined && p.metadata?.deletionTimestamp !== null;
}

/** HPA's desired replicas; 0 means the controller has not computed it yet (min is ≥ 1) */
export function hpaDesired(h: HpaLike | undefined): number | undefined {
  const d = h?.status?.desiredReplicas;
  return d === undefined || d === 0 ? undefined : d;
}

function scaleTime(h: HpaLike | undefined): number | undefined {
  const v = h?.status?.lastScaleTime;
  if (v === undefined || v === null) return undefined;
  const ms = new Date(v as string | Date).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** HPA's current CPU utilisation, v2/v2beta2 (currentMetrics) or v1 (currentCPUUtilizationPercentage). */
export function hpaCpuPercent(h: HpaLike): number | undefined {
  const m = h.status?.currentMetrics?.find((x) => x.type === 'Resource' && x.resource?.name === 'cpu');
  return m?.resource?.current?.averageUtilization ?? h.status?.currentCPUUtilizationPercentage ?? undefined;
}

/** rollout finished: controller saw the latest spec and every replica is updated and available */
export function deploymentRolledOut(d: DeploymentLike): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want
  );
}

function appVersionOf(template: unknown): string | undefined {
  const t = template as { spec?: { containers?: Array<{ env?: Array<{ name?: string; value?: string }> }> } } | undefined;
  for (const c of t?.spec?.containers ?? []) {
    const v = c.env?.find((e) => e.name === 'APP_VERSION')?.value;
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * What the sampler knows about the platform, fed by informer callbacks. Pure: it turns
 * object changes into PlatformEvents (via `emit`) and answers one PlatformSecond on
 * demand. Freshness is told from outside (`setFresh`); a stale view answers gap seconds.
 */
export class PlatformView {
  private deployment: DeploymentLike | undefined;
  private hpa: HpaLike | undefined;
  private readonly pods = new Map<string, PodLike>();
  private readonly nodes = new Map<string, NodeLike>();
  private readonly replicaSets = new Map<string, ReplicaSetLike>();
  private revision: number | undefined;
  private rolloutActive = false;
  private fresh = true;
  private podCpu: Map<string, number> | null = null;

  constructor(private readonly emit: (e: PlatformEvent) => void, private readonly now: () => number) {}

  private ev(kind: PlatformEventKind, subject: string | undefined, detail?: string): void {
    this.emit({ atMs: this.now(), kind, ...(subject === undefined ? {} : { subject }), ...(detail === undefined ? {} : { detail }) });
  }

  get isFresh(): boolean {
    return this.fresh;
  }

  /** mark the view fresh or stale; emits watch-gap-start / watch-gap-end on transitions */
  setFresh(fresh: boolean, why: string): void {
    if (fresh === this.fresh) return;
    this.fresh = fresh;
    this.ev(fresh ? 'watch-gap-end' : 'watch-gap-start', 'api-server', why);
  }

  /** the latest CPU per pod (cores) from metrics.k8s.io, or null when there is none (pod-cpu.ts) */
  setPodCpu(byPod: Map<string, number> | null): void {
    this.podCpu = byPod;
  }

  /** feed one informer callback; `initial` = part of the first list (no creation events) */
  apply(kind: ObjectKind, verb: Verb, obj: unknown, initial = false): void {
    switch (kind) {
      case 'deployment':
        return this.onDeployment(verb, obj as DeploymentLike, initial);
      case 'hpa':
        return this.onHpa(verb, obj as HpaLike);
      case 'pod':
        return this.onPod(verb, obj as PodLike, initial);
      case 'node':
        return this.onNode(verb, obj as NodeLike, initial);
      case 'replicaset': {
        const name = (obj as ReplicaSetLike).metadata?.name ?? '';
        if (verb === 'delete') this.replicaSets.delete(name);
        else this.replicaSets.set(name, obj as ReplicaSetLike);
      }
    }
  }

  private onDeployment(verb: Verb, d: DeploymentLike, initial: boolean): void {
    if (verb === 'delete') {
      this.deployment = undefined;
      return;
    }
    this.deployment = d;
    // a new revision = a new pod template (scaling changes the generation, never the revision);
    // comparing templates instead would trip over list (typed) vs watch (raw JSON) key order
    const rev = Number(d.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? NaN);
    if (Number.isFinite(rev)) {
      if (this.revision !== undefined && rev > this.revision && !initial) {
        this.rolloutActive = true;
        this.ev('rollout-start', `deployment/${d.metadata?.name ?? '?'}`, `APP_VERSION=${appVersionOf(d.spec?.template) ?? '?'} (revision ${rev})`);
      }
      this.revision = Math.max(rev, this.revision ?? rev);
    }
    if (this.rolloutActive && deploymentRolledOut(d)) {
      this.rolloutActive = false;
      this.ev('rollout-finish', `deployment/${d.metadata?.name ?? '?'}`, `${d.status?.updatedReplicas ?? 0} replicas updated and available`);
    }
  }

  private onHpa(verb: Verb, h: HpaLike): void {
    if (verb === 'delete') {
      this.hpa = undefined;
      return;
    }
    const seen = this.hpa !== undefined;
    const prev = hpaDesired(this.hpa);
    const cur = hpaDesired(h);
    // the HPA stamps lastScaleTime when it rescales; its first computed desired count may
    // already be a rescale (desired 0 → 6 while metrics were missing), so look at both
    const prevScale = scaleTime(this.hpa);
    const curScale = scaleTime(h);
    this.hpa = h;
    const rescaled = seen && curScale !== undefined && curScale !== prevScale;
    const changed = prev !== undefined && cur !== undefined && prev !== cur;
    if (rescaled || changed) {
      const cpu = hpaCpuPercent(h);
      const from = prev ?? h.status?.currentReplicas;
      this.ev('hpa-rescale', `hpa/${h.metadata?.name ?? '?'}`, `${from ?? '?'} → ${cur ?? '?'}${cpu === undefined ? '' : ` (cpu ${cpu} %)`}`);
    }
  }

  private onPod(verb: Verb, p: PodLike, initial: boolean): void {
    const name = p.metadata?.name ?? '';
    const prev = this.pods.get(name);
    if (verb === 'delete') {
      this.pods.delete(name);
      this.ev('pod-deleted', name, p.spec?.nodeName);
      return;
    }
    this.pods.set(name, p);
    if (prev === undefined && !initial) this.ev('pod-created', name, p.spec?.nodeName ?? 'unscheduled');
    const wasReady = prev ? podReady(prev) : initial ? podReady(p) : false;
    if (podReady(p) !== wasReady) this.ev(podReady(p) ? 'pod-ready' : 'replica-unready', name, p.spec?.nodeName);
    const evicted = p.status?.reason === 'Evicted' || condTrue(p.status?.conditions, 'DisruptionTarget');
    const wasEvicted = prev !== undefined && (prev.status?.reason === 'Evicted' || condTrue(prev.status?.conditions, 'DisruptionTarget'));
    const nodeDown = p.spec?.nodeName !== undefined && this.nodes.has(p.spec.nodeName) && !nodeReady(this.nodes.get(p.spec.nodeName)!);
    if (!initial && prev !== undefined) {
      if (evicted && !wasEvicted) this.ev('pod-evicted', name, `${p.spec?.nodeName ?? '?'}: ${p.status?.reason ?? 'DisruptionTarget'}`);
      else if (terminating(p) && !terminating(prev) && nodeDown && !evicted) this.ev('pod-evicted', name, `${p.spec?.nodeName}: node not ready`);
    }
  }

  private onNode(verb: Verb, n: NodeLike, initial: boolean): void {
    const name = n.metadata?.name ?? '';
    const prev = this.nodes.get(name);
    if (verb === 'delete') {
      this.nodes.delete(name);
      return;
    }
    this.nodes.set(name, n);
    const ready = nodeReady(n);
    if (prev === undefined) {
      if (!ready) this.ev('node-not-ready', name, initial ? 'not ready when sampling started' : 'joined not ready');
    } else if (nodeReady(prev) !== ready) {
      this.ev(ready ? 'node-ready' : 'node-not-ready', name);
    }
  }

  /** one second of what the platform does now; `{t, gap: true}` when the view is stale */
  second(t: number): PlatformSecond {
    if (!this.fresh) return { t, gap: true };
    const s: PlatformSecond = { t };
    const pods = [...this.pods.values()].filter((p) => !terminating(p) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const d = this.deployment;
    if (d) {
      s.desiredReplicas = d.spec?.replicas ?? 1;
      s.readyReplicas = d.status?.readyReplicas ?? 0;
      s.updatedReplicas = d.status?.updatedReplicas ?? 0;
      s.availableReplicas = d.status?.availableReplicas ?? 0;
    }
    s.runningReplicas = pods.filter((p) => p.status?.phase === 'Running').length;
    const hpaWants = hpaDesired(this.hpa);
    if (hpaWants !== undefined) s.hpaDesiredReplicas = hpaWants;
    const cpu = this.hpa ? hpaCpuPercent(this.hpa) : undefined;
    if (cpu !== undefined) s.hpaCpuPercent = cpu;
    const perNode: Record<string, number> = {};
    for (const n of this.nodes.keys()) perNode[n] = 0;
    for (const p of pods) if (p.spec?.nodeName) perNode[p.spec.nodeName] = (perNode[p.spec.nodeName] ?? 0) + 1;
    s.podsPerNode = perNode;
    s.nodesTotal = this.nodes.size;
    s.nodesReady = [...this.nodes.values()].filter(nodeReady).length;
    // app CPU only when every running pod has a reading (a pod gets one 10–30 s after it starts)
    const running = pods.filter((p) => p.status?.phase === 'Running').map((p) => p.metadata?.name ?? '');
    const podCpu = this.podCpu;
    if (podCpu !== null && running.every((n) => podCpu.has(n))) {
      const byPod = Object.fromEntries(running.map((n) => [n, Math.round(podCpu.get(n)! * 1000) / 1000]));
      s.cpuCores = Math.round(running.reduce((sum, n) => sum + podCpu.get(n)!, 0) * 1000) / 1000;
      s.cpuCoresByReplica = byPod;
    }
    return s;
  }
}
