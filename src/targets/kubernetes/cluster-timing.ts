/**
 * The cluster's timing settings that decide what users see after a node crash and during a
 * spike — read from the cluster where it tells them, else the upstream default of its
 * version — so run.json and the report can explain the numbers:
 *   - node monitor grace period (kube-controller-manager): crash → node NotReady → the
 *     node's pods leave the Service's endpoints, ≤ one node monitor period later;
 *   - the app pods' NoExecute tolerations of not-ready/unreachable: NotReady → eviction →
 *     the ReplicaSet replaces the pods elsewhere;
 *   - the HPA sync period: how often the HPA looks at CPU.
 */
import { readFile } from 'node:fs/promises';
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeRun } from './kube-run.ts';

/** One setting: its value in seconds (null = unknown) and where it came from. */
export interface TimingSetting {
  s: number | null;
  source: string;
}

export interface ClusterTiming {
  nodeMonitorGracePeriod: TimingSetting;
  nodeMonitorPeriod: TimingSetting;
  /** the app pods' NoExecute toleration of node.kubernetes.io/unreachable (a crashed node) */
  podEvictionToleration: TimingSetting;
  hpaSyncPeriod: TimingSetting;
}

/** A Go duration as kube-controller-manager takes it (`50s`, `1m0s`, `500ms`, `1h`) in seconds; null when unreadable. */
export function goDurationS(text: string): number | null {
  const t = text.trim();
  if (t === '' || t === '0') return t === '0' ? 0 : null;
  let total = 0;
  let rest = t;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, 'µs': 1e-6, ns: 1e-9 };
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * unit[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return Math.round(total * 1000) / 1000;
}

/** The value of `--name` in a command line (`--name=v` or `--name v`); the last one wins, as with pflag. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  let v: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith(`--${name}=`)) v = a.slice(name.length + 3);
    else if (a === `--${name}` && i + 1 < args.length) v = args[i + 1];
  }
  return v;
}

/** `v1.20.2` → 20; null when unreadable */
export function minorOf(version: string): number | null {
  const m = /^v?1\.(\d+)/.exec(version.trim());
  return m ? Number(m[1]) : null;
}

/**
 * Upstream defaults of kube-controller-manager: --node-monitor-grace-period 40 s until
 * 1.31, 50 s since 1.32 (kube-controller-manager reference, kubernetes.io); node monitor
 * period 5 s; HPA sync period 15 s.
 */
export function upstreamDefaults(serverVersion: string): { graceS: number; monitorS: number; hpaSyncS: number } {
  const minor = minorOf(serverVersion);
  return { graceS: minor !== null && minor >= 32 ? 50 : 40, monitorS: 5, hpaSyncS: 15 };
}

/**
 * The settings from kube-controller-manager's command line (null when it could not be read:
 * a managed control plane hides it) and the app's pods, with the defaults of `serverVersion`
 * where the cluster does not say.
 */
export function clusterTiming(o: { serverVersion: string; controllerManagerArgs: readonly string[] | null; argsSource: string; appPods: readonly V1Pod[] }): ClusterTiming {
  const d = upstreamDefaults(o.serverVersion);
  const fromFlag = (flag: string, def: number): TimingSetting => {
    const raw = o.controllerManagerArgs === null ? undefined : flagValue(o.controllerManagerArgs, flag);
    const s = raw === undefined ? null : goDurationS(raw);
    if (s !== null) return { s, source: `--${flag}=${raw} (${o.argsSource})` };
    return { s: def, source: `upstream default for ${o.serverVersion}${o.controllerManagerArgs === null ? '; the controller manager\'s flags could not be read' : ', not set on the controller manager'}` };
  };
  return {
    nodeMonitorGracePeriod: fromFlag('node-monitor-grace-period', d.graceS),
    nodeMonitorPeriod: fromFlag('node-monitor-period', d.monitorS),
    podEvictionToleration: podToleration(o.appPods),
    hpaSyncPeriod: fromFlag('horizontal-pod-autoscaler-sync-period', d.hpaSyncS),
  };
}

/** The unreachable NoExecute toleration of the app's pods (the DefaultTolerationSeconds admission adds 300 s when a pod sets none). */
export function podToleration(pods: readonly V1Pod[]): TimingSetting {
  const seconds = new Set<number | null>();
  for (const p of pods) {
    const t = p.spec?.tolerations?.find((x) => x.key === 'node.kubernetes.io/unreachable' && (x.effect === 'NoExecute' || x.effect === undefined));
    seconds.add(t === undefined ? null : (t.tolerationSeconds ?? null));
  }
  if (pods.length === 0) return { s: null, source: 'no app pods to read' };
  if (seconds.size > 1) return { s: Math.min(...[...seconds].filter((x): x is number => x !== null)), source: `the app pods differ: ${[...seconds].map((x) => (x === null ? 'none' : `${x} s`)).join(', ')}` };
  const only = [...seconds][0]!;
  return only === null ? { s: null, source: 'the app pods tolerate unreachable nodes forever (no tolerationSeconds): never evicted' } : { s: only, source: 'tolerationSeconds of node.kubernetes.io/unreachable on the app pods' };
}

/** What these settings mean for a node crash: when endpoints go, when pods are evicted (s after the crash). */
export function crashExpectation(t: ClusterTiming): { endpointsGoneS: [number, number] | null; evictedS: [number, number] | null } {
  const g = t.nodeMonitorGracePeriod.s;
  const p = t.nodeMonitorPeriod.s ?? 5;
  if (g === null) return { endpointsGoneS: null, evictedS: null };
  const tol = t.podEvictionToleration.s;
  return { endpointsGoneS: [g, g + p], evictedS: tol === null ? null : [g + tol, g + p + tol] };
}

/** The settings as entries of the target's description (saved in run.json, shown by the report). */
export function timingDescription(t: ClusterTiming): Record<string, string | number> {
  const sec = (x: TimingSetting): string => (x.s === null ? 'unknown' : `${x.s} s`);
  const e = crashExpectation(t);
  const range = (r: [number, number] | null): string => (r === null ? 'unknown' : `~${r[0]}–${r[1]} s`);
  return {
    nodeMonitorGracePeriod: `${sec(t.nodeMonitorGracePeriod)} (${t.nodeMonitorGracePeriod.source})`,
    nodeMonitorPeriod: `${sec(t.nodeMonitorPeriod)} (${t.nodeMonitorPeriod.source})`,
    podEvictionToleration: `${sec(t.podEvictionToleration)} (${t.podEvictionToleration.source})`,
    hpaSyncPeriod: `${sec(t.hpaSyncPeriod)} (${t.hpaSyncPeriod.source})`,
    nodeCrashTiming: `endpoints of a crashed node's pods removed ${range(e.endpointsGoneS)} after the crash, pods evicted and replaced from ${range(e.evictedS)}`,
    // the latest second each happens, for the report to hold against a crash's down time
    ...(e.endpointsGoneS === null ? {} : { nodeCrashEndpointsGoneByS: e.endpointsGoneS[1] }),
    ...(e.evictedS === null ? {} : { nodeCrashEvictedByS: e.evictedS[1] }),
  };
}

/**
 * kube-controller-manager's command line: on local-k8s (processes on this host) from
 * /proc/<pid>/cmdline; elsewhere from its static pod in kube-system (kubeadm, kind,
 * minikube). null when neither can be read (a managed control plane).
 */
export async function controllerManagerArgs(run: KubeRun, o: { localK8sStateDir?: string }): Promise<{ args: string[]; source: string } | null> {
  if (o.localK8sStateDir !== undefined) {
    try {
      const pid = (await readFile(`${o.localK8sStateDir}/pids/kube-controller-manager.pid`, 'utf8')).trim();
      const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
      if (args.length > 0) return { args, source: `kube-controller-manager pid ${pid} on this host` };
    } catch {
      // not running here: fall through to the API
    }
  }
  try {
    const c = await run.api();
    const pods = (await c.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'component=kube-controller-manager' })).items;
    const ct = pods[0]?.spec?.containers?.[0];
    if (ct) return { args: [...(ct.command ?? []), ...(ct.args ?? [])], source: `pod kube-system/${pods[0]!.metadata?.name}` };
  } catch {
    // no permission to read kube-system: defaults
  }
  return null;
}

/** Reads the timing settings of the run's cluster (after deploy: the app pods exist). Never throws. */
export async function readClusterTiming(run: KubeRun, o: { localK8sStateDir?: string }): Promise<ClusterTiming | null> {
  try {
    const c = await run.api();
    const [version, cm, pods] = await Promise.all([c.serverVersion(), controllerManagerArgs(run, o), run.appPods()]);
    return clusterTiming({ serverVersion: version, controllerManagerArgs: cm?.args ?? null, argsSource: cm?.source ?? '', appPods: pods });
  } catch {
    return null;
  }
}
