/**
 * Synthetic capacity runs for tests of the plan (and anything reading `TargetRun.capacity`):
 * capacity at SLO per replica count from a known USL curve, optionally with a deterministic
 * multiplicative wobble per repetition. Clearly synthetic: no figure here was measured.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_SCHEMA_VERSION, type CapacityStep, type ReplicaCapacity, type RunRecord, type TargetRun } from '../model/index.ts';
import { uslThroughput } from '../plan/usl-model.ts';
import type { UslParams } from '../model/plan.ts';

export interface SyntheticCapacityTarget {
  name: string;
  kind: TargetRun['kind'];
  usl: UslParams;
  replicas: readonly number[];
  /** multiplicative wobble of each count's capacity (1 = none), e.g. 1.02 */
  wobble?: (replicas: number) => number;
  /** the knee step's p50 and CPU per replica (% of a core) */
  kneeP50Ms?: number | null;
  kneeCpuPercent?: number | null;
}

function kneeStep(capRps: number, p50Ms: number | null, cpu: number | null): CapacityStep {
  return {
    index: 0, startS: 0, endS: 20, settleS: 5, offeredRps: capRps, achievedRps: capRps, requests: Math.round(capRps * 15), failures: 0, errorRate: 0, dropped: 0,
    p50Ms, p95Ms: p50Ms === null ? null : p50Ms * 3, p99Ms: p50Ms === null ? null : p50Ms * 5, cpuPercentPerReplica: cpu, meetsSlo: true, bound: 'app', generatorBoundS: 0, hostBoundS: 0,
  };
}

export function syntheticCapacityTarget(t: SyntheticCapacityTarget): TargetRun {
  const byReplicas: ReplicaCapacity[] = t.replicas.map((n) => {
    const cap = uslThroughput(t.usl, n) * (t.wobble?.(n) ?? 1);
    const cpu = t.kneeCpuPercent === undefined ? 25 : t.kneeCpuPercent;
    return {
      replicas: n, steps: [kneeStep(cap, t.kneeP50Ms ?? 20, cpu)], stoppedBy: 'slo-broken-twice',
      capacityAtSloRps: cap, capacityIsLowerBound: false, saturationRps: cap * 1.1, cpuMsPerRequest: cpu === null ? null : (cpu * 10) / (cap / n), kneeStepIndex: 0,
    };
  });
  return {
    name: t.name, kind: t.kind, status: 'completed', requestedBy: 'name', description: {}, versions: {}, faults: [], notes: [],
    capacity: { stepS: 20, settleS: 5, growth: 1.25, startRps: 5, capRps: 10_000, errorCeiling: 0.2, slo: { p95Ms: 500, errorRate: 0.01 }, byReplicas },
  };
}

export function syntheticRun(scenario: string, targets: TargetRun[], runId = `synthetic-${scenario}`): RunRecord {
  return {
    schema: RUN_SCHEMA_VERSION, runId, scenario, variant: 'quick', model: 'open', driver: 'builtin', timeScale: 1, profile: {}, status: 'completed',
    startedAt: '2026-11-30T00:00:00.000Z', machine: { cores: 2, memoryMB: 1024, cpuModel: 'synthetic', os: 'linux', hostname: 'synthetic' }, versions: {}, targets, command: ['synthetic'],
  };
}

/** Write `record` as a run directory (run.json only) under `root`; returns its path. */
export function writeSyntheticRun(root: string, record: RunRecord): string {
  const dir = join(root, record.runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify(record, null, 2));
  return dir;
}
