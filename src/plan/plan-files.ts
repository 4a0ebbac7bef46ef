/**
 * Writes a capacity plan as plan.json (everything), plan.csv (a row per target × user count)
 * and plan.md (what a reader needs: the table, the fitted curve per target, the notes).
 * Called once by `capbench plan`; overwrites the three files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { AutoscalerPlan, CapacityPlan, PlanRow, TargetModel } from '../model/plan.ts';
import { checkLines } from './check-lines.ts';

const REACH_WORDS: Record<PlanRow['reach'], string> = {
  probed: 'a probed count with a measured capacity',
  interpolated: 'between the measured counts, not measured itself',
  'beyond-probed': 'beyond the measured counts (≤ 2×)',
  extrapolated: 'extrapolated',
  unreachable: 'cannot be reached by adding replicas',
};

const rps = (v: number | null): string => (v === null ? '—' : `${v.toFixed(1)} req/s`);

function rangeText(r: [number, number | null], digits: number): string {
  return `[${r[0].toFixed(digits)}, ${r[1] === null ? '∞' : r[1].toFixed(digits)}]`;
}

function modelLines(m: TargetModel): string[] {
  const f = m.fit;
  const probed = m.observations.map((o) => `${o.replicas}: ${o.throughputRps.map((v) => v.toFixed(1)).join(', ')}`).join(' · ');
  return [
    `### ${m.target} (${m.kind})`,
    '',
    `- measured capacity at SLO, req/s by replicas: ${probed}${m.lowerBoundCounts.length > 0 ? ` (a floor at ${m.lowerBoundCounts.join(', ')}: generator- or host-bound)` : ''}`,
    `- fit X(N) = λN / (1 + σ(N−1) + κN(N−1)): λ = ${f.params.lambdaRps.toFixed(1)} req/s ${rangeText(f.intervals.lambdaRps, 1)}, σ = ${f.params.sigma.toFixed(3)} ${rangeText(f.intervals.sigma, 3)}, κ = ${f.kappaFitted ? `${f.params.kappa.toFixed(4)} ${rangeText(f.intervals.kappa, 4)}` : '0 (not fitted: 2 replica counts)'}; R² ${f.rSquared.toFixed(3)}`,
    `- peak: ${f.peakReplicas === null ? 'none (κ = 0: throughput keeps rising towards λ/σ)' : `N* ≈ ${f.peakReplicas.toFixed(1)} replicas, ${rps(f.peakThroughputRps)}`}`,
    `- one user sends ${m.perUserRps.toFixed(3)} req/s (think ${m.thinkTimeMeanMs} ms + response ${m.responseMs.toFixed(0)} ms, ${m.responseFrom})`,
    ...(m.kind === 'kubernetes' ? [`- ${m.podsPerNode === null ? 'pods per node unknown (no pod CPU: pass --pod-cpu)' : `${m.podsPerNode} pods per node (pod CPU ${m.podCpuMillicores}m from ${m.podCpuFrom})`}`] : []),
    ...(f.note ? [`- note: ${f.note}`] : []),
    '',
  ];
}

function autoscalerLines(plan: CapacityPlan): string[] {
  if (plan.autoscaler.length === 0) return [];
  const set = (o: AutoscalerPlan['current']): string => `min ${o.settings.minReplicas}, max ${o.settings.maxReplicas}, CPU ${o.settings.cpuPercent} %`;
  const out = (o: AutoscalerPlan['current']): string => `${o.overCapacityS} s over capacity, peak ${o.peakReplicas} pods, ${o.replicaSeconds} pod-s, reacts after ${o.scaleUpReactionS ?? '—'} s, worst p95 ${o.worstP95Ms === null ? 'beyond the probed loads' : `${Math.round(o.worstP95Ms)} ms`}`;
  const head = ['target', 'users', 'HPA', 'settings', 'replayed over the spike'];
  const rows = plan.autoscaler.flatMap((a) => [
    [a.target, String(a.users), 'recommended', set(a.recommended), out(a.recommended)],
    [a.target, String(a.users), 'shipped', set(a.current), out(a.current)],
  ]);
  const delays = [...new Map(plan.autoscaler.map((a) => [a.target, a])).values()].map((a) =>
    `- ${a.target}: pod start ${a.podStartDelayS} s (${a.podStartFrom})${a.measuredScaleUpReactionS === null ? '' : `; the spike run measured the first scale-up ${a.measuredScaleUpReactionS} s after the ramp began`}${a.note ? `; ${a.note}` : ''}`);
  return [
    '## Autoscaler (HPA), replayed',
    '',
    'The spike profile scaled to each user count, replayed second by second through the HPA algorithm (15 s sync, 0.1 tolerance, the shipped scale-up/down behavior, metrics 15 s late); "over capacity" = a second in which the load per ready pod exceeds its capacity at SLO.',
    '',
    ...[head, head.map(() => '---'), ...rows].map((c) => `| ${c.join(' | ')} |`),
    '',
    ...delays,
    '',
  ];
}

function costLines(plan: CapacityPlan): string[] {
  const c = plan.cost;
  if (!c) return [];
  const money = (v: number | null): string => (v === null ? '—' : v.toFixed(2));
  const head = ['peak users', 'target', 'sized as', 'pod-hours / replicas', 'node-hours or host', 'cost per day'];
  const rows = c.days.flatMap((d) => [
    ...d.kubernetes.flatMap((k) => [
      [String(d.peakUsers), k.target, `HPA min ${k.settings.minReplicas} max ${k.settings.maxReplicas} CPU ${k.settings.cpuPercent} %; nodes fixed`, `${k.podHours.toFixed(1)} pod-h (peak ${k.peakPods})`, `${k.fixedNodes} nodes × 24 h = ${k.fixedNodeHours}`, money(k.costFixed)],
      [String(d.peakUsers), k.target, 'same; nodes follow the pods', `${k.podHours.toFixed(1)} pod-h`, `${k.followingNodeHours} node-h`, money(k.costFollowing)],
    ]),
    ...d.compose.map((x) => [String(d.peakUsers), x.target, 'for the peak, all day', `${x.replicas} replicas`, `one host, ${x.hostCpuCores.toFixed(2)} cores used, 24 h`, money(x.cost)]),
  ]);
  return [
    '## Cost over a day',
    '',
    ...[head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`),
    '',
    ...c.notes.map((n) => `- ${n}`),
    '',
  ];
}

function regressionLines(plan: CapacityPlan): string[] {
  const r = plan.regressions;
  if (!r) return [];
  const head = ['target', 'λ (per-replica capacity)', 'baseline λ [95 % interval]', 'change', 'judged by', 'regression'];
  const rows = r.map((x) => [x.target, rps(x.lambdaRps), `${rps(x.baselineLambdaRps)} ${rangeText(x.baselineRange, 1)}`, `${(x.change * 100).toFixed(1)} %`, x.basis, x.flagged ? '**yes**' : 'no']);
  return [
    '## Against the baseline',
    '',
    ...(r.length === 0 ? ['No target of this plan is in the baseline.'] : [head, head.map(() => '---'), ...rows].map((c) => `| ${c.join(' | ')} |`)),
    '',
  ];
}

export function planMarkdown(plan: CapacityPlan): string {
  const o = plan.options;
  const head = ['target', 'users', 'load', `needed (+${Math.round(o.headroom * 100)} %)`, 'replicas', 'predicted [lower]', 'nodes / host', 'reach', 'note'];
  const rows = plan.rows.map((r) => [
    r.target,
    String(r.users),
    rps(r.loadRps),
    rps(r.neededRps),
    r.replicas === null ? '—' : String(r.replicas),
    r.predictedRps === null ? '—' : `${r.predictedRps.toFixed(1)} [${(r.predictedLowerRps ?? 0).toFixed(1)}]`,
    r.nodes !== null ? `${r.nodes} nodes (${o.nodeCpuCores} CPU, ${o.nodeMemoryMiB} MiB; 1 spare)` : r.hostCpuCores !== null ? `${r.hostCpuCores.toFixed(2)} cores` : '—',
    REACH_WORDS[r.reach],
    r.note || '',
  ]);
  const table = [head, head.map(() => '---'), ...rows].map((c) => `| ${c.join(' | ')} |`);
  return [
    '# Capacity plan',
    '',
    `From: ${plan.runs.join(', ')}`,
    '',
    ...table,
    '',
    ...checkLines(plan),
    '## The fitted curves',
    '',
    ...plan.models.flatMap(modelLines),
    ...autoscalerLines(plan),
    ...costLines(plan),
    ...regressionLines(plan),
    '## Notes',
    '',
    ...plan.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

export function planCsv(plan: CapacityPlan): string {
  return stringify(
    plan.rows.map((r) => ({
      target: r.target,
      kind: r.kind,
      users: r.users,
      load_rps: r.loadRps.toFixed(3),
      needed_rps: r.neededRps.toFixed(3),
      replicas: r.replicas ?? '',
      reach: r.reach,
      predicted_rps: r.predictedRps?.toFixed(3) ?? '',
      predicted_lower_rps: r.predictedLowerRps?.toFixed(3) ?? '',
      nodes: r.nodes ?? '',
      host_cpu_cores: r.hostCpuCores ?? '',
      note: r.note,
    })),
    { header: true },
  );
}

/** Write plan.json, plan.csv, plan.md into `outDir` (made if missing); returns their paths. */
export function writePlanFiles(plan: CapacityPlan, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: Array<[string, string]> = [
    ['plan.json', JSON.stringify(plan, null, 2) + '\n'],
    ['plan.csv', planCsv(plan)],
    ['plan.md', planMarkdown(plan)],
  ];
  return files.map(([name, text]) => {
    const p = join(outDir, name);
    writeFileSync(p, text);
    return p;
  });
}
