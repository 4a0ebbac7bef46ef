/**
 * Cost over a day: Kubernetes with the recommended HPA replayed second by second over a daily
 * traffic profile, against Compose sized for the day's peak (Compose does not autoscale).
 * Pure. Hours are read as a step function: the users of hour h hold for all of it.
 * Assumptions: the load of an hour is steady (no spike inside it); the CPU per request at the
 * knee holds; Kubernetes nodes are priced two ways — a fixed node count sized for the peak
 * pods, and a node count that follows the pods hour by hour (a cluster autoscaler, with no
 * delay); one spare node either way.
 */
import { HarnessError, mustBe } from '../model/errors.ts';
import { targetAt, type Stage } from '../../scenarios/lib/profile.ts';
import type { ComposeCost, HpaSettings, KubernetesCost, Prices } from '../model/plan.ts';
import { SHIPPED_BEHAVIOR } from './autoscaler-plan.ts';
import { replayHpa } from './hpa-replay.ts';

/** Users in each of the 24 hours of a day. */
export type DailyTraffic = readonly number[];

/**
 * The default day: the spike profile's shape (baseline, ramp, hold, drop, tail) stretched
 * over 24 hours, each hour the users at its middle, scaled so the peak is `peakUsers`.
 */
export function spikeShapedDay(startUsers: number, stages: readonly Stage[], peakUsers: number): number[] {
  const total = stages.reduce((n, s) => n + s.durationS, 0);
  const peak = Math.max(startUsers, ...stages.map((s) => s.target));
  return Array.from({ length: 24 }, (_, h) => (targetAt(startUsers, stages, ((h + 0.5) / 24) * total) / peak) * peakUsers);
}

/** Parses `hour,users` CSV (a header line allowed): 24 hours 0…23, each once, users ≥ 0. */
export function parseTraffic(text: string, file: string): number[] {
  const where = `--traffic ${file}`;
  const users = new Array<number | undefined>(24).fill(undefined);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  for (const [i, line] of lines.entries()) {
    const [h, u, extra] = line.split(',').map((c) => c.trim());
    if (i === 0 && !/^\d/.test(h ?? '')) continue;
    const hour = Number(h);
    const n = Number(u);
    if (extra !== undefined || !Number.isInteger(hour) || hour < 0 || hour > 23 || u === undefined || u === '' || !Number.isFinite(n) || n < 0) {
      throw new HarnessError(mustBe(where, `line ${JSON.stringify(line)}`, '`hour,users` with hour 0…23 and users ≥ 0', line), { code: 'badConfig', hint: 'e.g. lines `0,20` … `23,30`, one per hour' });
    }
    if (users[hour] !== undefined) throw new HarnessError(mustBe(where, `hour ${hour}`, 'given once', 'twice'), { code: 'badConfig', hint: 'one line per hour, 0…23' });
    users[hour] = n;
  }
  const missing = users.flatMap((u, h) => (u === undefined ? [h] : []));
  if (missing.length > 0) throw new HarnessError(mustBe(where, 'the hours', 'all of 0…23', `missing ${missing.join(', ')}`), { code: 'badConfig', hint: 'one line per hour, 0…23' });
  return users as number[];
}

export function kubernetesDayCost(a: {
  target: string; traffic: DailyTraffic; perUserRps: number; cpuMsPerRequest: number; podCpuRequestMillicores: number;
  settings: HpaSettings; podStartDelayS: number; metricDelayS: number; podsPerNode: number; nodeCpuCores: number; prices: Prices;
}): KubernetesCost {
  const demand = a.traffic.flatMap((u) => new Array<number>(3600).fill(u * a.perUserRps * a.cpuMsPerRequest));
  const hpa = { minReplicas: a.settings.minReplicas, maxReplicas: a.settings.maxReplicas, targetPerPod: (a.settings.cpuPercent / 100) * a.podCpuRequestMillicores, behavior: SHIPPED_BEHAVIOR };
  const start = Math.min(hpa.maxReplicas, Math.max(hpa.minReplicas, Math.ceil(demand[0]! / hpa.targetPerPod)));
  const r = replayHpa({ hpa, demand, initialReplicas: start, podStartDelayS: a.podStartDelayS, metricDelayS: a.metricDelayS });
  const podSeconds = r.seconds.reduce((n, s) => n + s.desiredReplicas, 0);
  const peakPods = Math.max(...r.seconds.map((s) => s.desiredReplicas));
  const nodesFor = (pods: number): number => Math.ceil(pods / a.podsPerNode) + 1;
  let followingNodeHours = 0;
  for (let h = 0; h < 24; h++) followingNodeHours += nodesFor(Math.max(...r.seconds.slice(h * 3600, (h + 1) * 3600).map((s) => s.desiredReplicas)));
  const fixedNodes = nodesFor(peakPods);
  const price = (nodeHours: number): number | null =>
    a.prices.nodeHour !== undefined ? nodeHours * a.prices.nodeHour : a.prices.vcpuHour !== undefined ? nodeHours * a.nodeCpuCores * a.prices.vcpuHour : null;
  return {
    target: a.target, settings: a.settings, podHours: podSeconds / 3600, peakPods, fixedNodes, fixedNodeHours: fixedNodes * 24, followingNodeHours,
    costFixed: price(fixedNodes * 24), costFollowing: price(followingNodeHours),
  };
}

export function composeDayCost(a: { target: string; peakReplicas: number; replicaCpu: number; balancerCpu: number; hostCpuCores: number; prices: Prices }): ComposeCost {
  const cores = a.peakReplicas * a.replicaCpu + a.balancerCpu;
  const cost = a.prices.hostHour !== undefined ? 24 * a.prices.hostHour : a.prices.vcpuHour !== undefined ? 24 * a.hostCpuCores * a.prices.vcpuHour : null;
  return { target: a.target, replicas: a.peakReplicas, hostCpuCores: cores, hostHours: 24, cost };
}
