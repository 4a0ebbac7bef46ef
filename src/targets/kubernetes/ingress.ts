import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Pod } from '@kubernetes/client-node';
import { HarnessError, type PlatformEvent } from '../../model/index.ts';
import type { Clock } from '../../model/clock.ts';
import type { Sampler, SamplerSink } from '../../sampling/sampler.ts';
import { parseStat, runtimeCommand, type LbStats } from './haproxy-runtime.ts';
import { errText, statusOf } from './kube-client.ts';
import { podLine, type KubeRun } from './kube-run.ts';
import { LB_LABEL, LB_NAME, pickLbNode, renderIngressManifests } from './ingress-manifests.ts';
import { APP_NAME, runSelector } from './manifests.ts';
import { podReady } from './platform-view.ts';
import { SlotSync, type LbEvent } from './slot-sync.ts';

export interface KubeIngressOptions {
  image: string;
  imagePullPolicy: 'Never' | 'IfNotPresent' | 'Always';
  /** NodePort of the HTTP entry (kind and minikube publish 30080); undefined = allocated */
  httpNodePort: number | undefined;
  /**
   * where the runtime API's NodePort is reached: 127.0.0.1 where every NodePort answers there
   * (local-k8s: kube-proxy serves NodePorts on the loopback's own address only); undefined =
   * the address of HAProxy's node (kind and minikube publish only 30080 on 127.0.0.1; their
   * node containers are reachable from this host)
   */
  runtimeHost?: string;
  /** how often the slots follow the Endpoints and HAProxy's server states are read; default 500 */
  periodMs?: number;
}

/**
 * `--k8s-entry ingress`: HAProxy in the run's namespace (clusters/k8s/ingress/), pinned to
 * one node that node crashes leave alone, its slots kept equal to the app Service's ready
 * Endpoints by capbench through HAProxy's runtime API (slot-sync.ts). Everything it makes
 * lives in the run's namespace: deleting that removes it; `stop` ends the sync first.
 */
export class KubeIngress {
  /** node HAProxy runs on: never crashed by the node-crash fault */
  node = '';
  /** NodePort of the HTTP entry on 127.0.0.1 */
  httpPort = 0;
  private runtimeAt: { host: string; port: number } | null = null;
  private sync: SlotSync | null = null;
  private readonly listeners = new Set<(e: LbEvent) => void>();

  constructor(private readonly run: KubeRun, private readonly o: KubeIngressOptions) {}

  /** Applies the entry, waits for HAProxy and its runtime API, and starts filling its slots. Throws HarnessError. */
  async deploy(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const run = this.run;
    const c = await run.api();
    const node = pickLbNode((await c.core.listNode()).items);
    if (node === undefined) throw new HarnessError(`${run.name}: the cluster must have a node for the HAProxy entry (got none)`, { code: 'missingEnvironment' });
    this.node = node;
    const objects = renderIngressManifests({ runId: run.runId, image: this.o.image, imagePullPolicy: this.o.imagePullPolicy, nodeName: node, ...(this.o.httpNodePort === undefined ? {} : { httpNodePort: this.o.httpNodePort }) });
    run.log(`${run.name}: --k8s-entry ingress: applying ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')} (HAProxy pinned to node ${node}, which node crashes leave alone)`);
    for (const obj of objects) {
      try {
        await c.apply(obj);
      } catch (e) {
        const taken = obj.kind === 'Service' && statusOf(e) === 422 && /provided port is already allocated/.test(errText(e));
        throw new HarnessError(`${run.name}: ${obj.kind}/${obj.metadata.name} of the HAProxy entry must apply (got ${errText(e)})`, {
          code: taken ? 'missingEnvironment' : 'internal',
          ...(taken ? { hint: `NodePort ${this.o.httpNodePort} is used by another Service; run \`npx capbench cleanup\` or delete that Service` } : {}),
        });
      }
    }
    const pod = await this.waitPodReady(timeoutMs, signal);
    const svc = await c.core.readNamespacedService({ name: LB_NAME, namespace: run.namespace });
    const portOf = (name: string): number => svc.spec?.ports?.find((p) => p.name === name)?.nodePort ?? 0;
    this.httpPort = portOf('http');
    this.runtimeAt = { host: this.o.runtimeHost ?? pod.status?.hostIP ?? '', port: portOf('runtime') };
    await this.waitRuntime(30_000, signal);
    this.sync = new SlotSync({
      send: (cmd) => runtimeCommand(this.runtimeAt!.host, this.runtimeAt!.port, cmd),
      readEndpoints: async () => c.core.readNamespacedEndpoints({ name: APP_NAME, namespace: run.namespace }).catch((e: unknown) => (statusOf(e) === 404 ? null : Promise.reject(e))),
      onEvent: (e) => {
        for (const l of this.listeners) l(e);
      },
      onError: (m) => run.log(`${run.name}: HAProxy slot sync: ${m} (trying again)`),
    });
    await this.sync.tick();
    this.sync.start(this.o.periodMs ?? 500);
    run.log(`${run.name}: HAProxy entry on 127.0.0.1:${this.httpPort} (runtime API ${this.runtimeAt.host}:${this.runtimeAt.port}), ${this.sync.filled.size} slots filled from Service ${APP_NAME}'s endpoints`);
  }

  private async waitPodReady(timeoutMs: number, signal: AbortSignal): Promise<V1Pod> {
    const c = await this.run.api();
    const end = Date.now() + timeoutMs;
    let pods: V1Pod[] = [];
    while (Date.now() < end && !signal.aborted) {
      pods = (await c.core.listNamespacedPod({ namespace: this.run.namespace, labelSelector: `${LB_LABEL.key}=${LB_LABEL.value},${runSelector(this.run.runId)}` }).catch(() => ({ items: [] as V1Pod[] }))).items;
      const ready = pods.find((p) => podReady(p) && !p.metadata?.deletionTimestamp && p.status?.hostIP);
      if (ready) return ready;
      await sleep(500);
    }
    if (signal.aborted) throw new HarnessError(`${this.run.name}: deploy interrupted`, { code: 'interrupted' });
    throw new HarnessError(`${this.run.name}: the HAProxy entry (Deployment ${LB_NAME}) must be ready within ${timeoutMs / 1000} s (got pods: ${pods.map(podLine).join('; ') || 'none'})`, {
      code: 'missingEnvironment',
      hint: `kubectl --context ${this.run.o.context} -n ${this.run.namespace} describe pods -l ${LB_LABEL.key}=${LB_LABEL.value}; the image capbench/lb:2 comes from clusters/images/build.sh`,
    });
  }

  private async waitRuntime(timeoutMs: number, signal: AbortSignal): Promise<void> {
    const at = this.runtimeAt!;
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end && !signal.aborted) {
      try {
        if (/Name: HAProxy/.test(await runtimeCommand(at.host, at.port, 'show info'))) return;
      } catch (e) {
        last = errText(e);
      }
      await sleep(500);
    }
    throw new HarnessError(`${this.run.name}: HAProxy's runtime API must answer at ${at.host}:${at.port} (NodePort of Service ${LB_NAME} on HAProxy's node) within ${timeoutMs / 1000} s (got ${last || 'no answer'})`, {
      code: 'missingEnvironment',
      hint: 'capbench must reach that NodePort from this host (local-k8s: on 127.0.0.1; kind/minikube: on the node container\'s address); use --k8s-entry nodeport otherwise',
    });
  }

  /** HAProxy's counters since it started (requests in, retries, per-pod requests); throws when it does not answer. */
  async stats(): Promise<LbStats> {
    if (this.runtimeAt === null) throw new Error('HAProxy entry not deployed');
    return parseStat(await runtimeCommand(this.runtimeAt.host, this.runtimeAt.port, 'show stat'));
  }

  /**
   * The entry's part of the sampler: endpoint and health-check events as the sync sees them,
   * on the run clock, and at stop one `note` with HAProxy's counters (server-side evidence
   * that users' requests went through it, and how often it retried).
   */
  sampler(): Sampler {
    let listener: ((e: LbEvent) => void) | null = null;
    let out: { clock: Clock; sink: SamplerSink } | null = null;
    return {
      start: async (clock, sink) => {
        out = { clock, sink };
        listener = (e) => sink.event({ atMs: clock.nowMs(), kind: e.kind, subject: e.subject, detail: e.detail } satisfies PlatformEvent);
        this.listeners.add(listener);
      },
      stop: async () => {
        if (listener) this.listeners.delete(listener);
        listener = null;
        const o = out;
        out = null;
        if (o === null) return;
        const detail = await this.stats().then(statsText, (e: unknown) => `HAProxy counters could not be read: ${errText(e)}`);
        o.sink.event({ atMs: o.clock.nowMs(), kind: 'note', subject: LB_NAME, detail });
      },
    };
  }

  /** Stops the slot sync (before the namespace goes). Idempotent. */
  async stop(): Promise<void> {
    const s = this.sync;
    this.sync = null;
    await s?.stop();
  }
}

/** `HAProxy since deploy: 1234 requests in; 1230 sent to pods (api1=410 …); 3 connection retries, 2 redispatches, 0 5xx` */
export function statsText(s: LbStats): string {
  const sent = Object.values(s.byServer).reduce((a, b) => a + b, 0);
  const per = Object.entries(s.byServer).map(([k, v]) => `${k}=${v}`).join(' ');
  return `HAProxy since deploy: ${s.frontendRequests} requests in; ${sent} sent to pods (${per}); ${s.retries} connection retries, ${s.redispatches} redispatches, ${s.responses5xx} 5xx`;
}
