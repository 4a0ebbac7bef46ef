/**
 * The plan's cost section: for each planned peak, a day of traffic (the user's `--traffic`
 * or the spike's shape stretched over 24 h), Kubernetes targets with their recommended HPA
 * replayed over it, Compose targets sized for the peak. Priced only when prices are given.
 */
import { spikeFull } from '../../scenarios/lib/spike.ts';
import type { CapacityPlan, ComposeCost, CostSection, DayCost, KubernetesCost, PlanOptions, Prices } from '../model/plan.ts';
import { composeDayCost, kubernetesDayCost, spikeShapedDay } from './cost-plan.ts';

const METRIC_DELAY_S = 15;

export function planDayCosts(plan: CapacityPlan, o: PlanOptions, a: { traffic?: number[]; trafficFile?: string; prices: Prices }): CostSection {
  const peaks = a.traffic ? [Math.max(...a.traffic)] : [...o.users];
  const days = peaks.map((peakUsers): DayCost => {
    const hourlyUsers = a.traffic ?? spikeShapedDay(spikeFull.startVUs, spikeFull.stages, peakUsers);
    const kubernetes: KubernetesCost[] = [];
    const compose: ComposeCost[] = [];
    for (const m of plan.models) {
      const row = plan.rows.find((r) => r.target === m.target && r.users === peakUsers);
      if (!row || row.replicas === null) continue;
      if (m.kind === 'compose') {
        compose.push(composeDayCost({ target: m.target, peakReplicas: row.replicas, replicaCpu: o.composeReplicaCpu, balancerCpu: o.composeBalancerCpu, hostCpuCores: o.hostCpuCores, prices: a.prices }));
      }
      const hpa = plan.autoscaler.find((x) => x.target === m.target && x.users === peakUsers);
      if (m.kind === 'kubernetes' && hpa && m.cpuMsPerRequest !== null && m.podsPerNode !== null && m.podsPerNode > 0) {
        kubernetes.push(kubernetesDayCost({
          target: m.target, traffic: hourlyUsers, perUserRps: m.perUserRps, cpuMsPerRequest: m.cpuMsPerRequest, podCpuRequestMillicores: 100,
          settings: hpa.recommended.settings, podStartDelayS: hpa.podStartDelayS, metricDelayS: METRIC_DELAY_S, podsPerNode: m.podsPerNode, nodeCpuCores: o.nodeCpuCores, prices: a.prices,
        }));
      }
    }
    return { peakUsers, traffic: a.traffic ? 'file' : 'spike shape', hourlyUsers, kubernetes, compose };
  });
  const priced = a.prices.vcpuHour !== undefined || a.prices.nodeHour !== undefined || a.prices.hostHour !== undefined;
  const notes = [
    a.traffic ? `traffic: ${a.trafficFile ?? 'the given profile'} (users per hour)` : 'traffic: no --traffic given, so the spike profile\'s shape (baseline 10 %, peak, tail 20 %) stretched over 24 h, peaking at each user count',
    priced ? 'cost computed from the measured capacity and the replayed autoscaler, at the prices given' : 'no prices given: resources only (pass --price-vcpu-hour, or --price-node-hour and --price-host-hour)',
    'Kubernetes nodes two ways: fixed for the peak all day, or following the pods hour by hour (a cluster autoscaler without delay); one spare node either way',
  ];
  return { days, prices: a.prices, notes };
}
