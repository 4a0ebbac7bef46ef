import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { capacityHold, durationS, type ConnectionModel, type LoadModel, type Slo } from '../../scenarios/lib/index.ts';
import type { LoadDriver } from '../load/driver.ts';
import { timelineCsv, timelineRows } from '../measure/timeline-rows.ts';
import { realTime, type HarnessError, type RunRecord, type TimeSource } from '../model/index.ts';
import { loadPlan } from '../scenario/load-profile.ts';
import { releaseLease, takeLease } from '../store/run-lease.ts';
import { readRun, writeRunRecord } from '../store/run-store.ts';
import { createTarget, type TargetOptions } from '../targets/registry.ts';
import type { Interrupt } from './interrupt.ts';
import { capacityStepRows, capacityStepsCsv } from '../measure/capacity-steps-csv.ts';
import { checkReplicasFor, DEFAULT_REPLICAS, runCapacityLeg } from './capacity-probe.ts';
import { legsOf, type Leg } from './legs.ts';
import { prepareTargets, type TargetFactory } from './prepare-targets.ts';
import type { RunListener } from './progress-events.ts';
import { runLeg, type LegContext } from './run-leg.ts';
import { aggregateTargets, finishRunRecord, newRunId, newRunRecord } from './run-record.ts';

export { newRunId } from './run-record.ts';
export type { RunListener, RunProgressEvent } from './progress-events.ts';
export type { TargetFactory } from './prepare-targets.ts';

export interface RunOptions {
  /** scenario name (spike, node-crash, rolling-update) */
  scenario: string;
  /** the ~3-minute profile instead of the ~30-minute one */
  quick: boolean;
  /** scale every duration of the profile (default 1) */
  timeScale?: number;
  /** `local,compose` or `auto` (every usable target, unusable ones skipped) */
  targets: string;
  driver: LoadDriver;
  model: LoadModel;
  /** how users hold connections (default the profile's) */
  connections?: ConnectionModel;
  /** root for run directories (default reports/) */
  outRoot: string;
  targetOptions: TargetOptions;
  /** Ctrl-C: first = graceful stop, second = faster teardown (nodes are still restored) */
  interrupt: Interrupt;
  /** progress as it happens (the CLI prints it); called inline, must not throw */
  onProgress: RunListener;
  /** the exact command line, recorded in run.json */
  command: string[];
  /** skip warm-up (tests) */
  skipWarmUp?: boolean;
  /** the run's SLO (time to recover, k6 thresholds); default the profile's */
  slo?: Slo;
  /** how targets are made (default: the target registry; tests pass fakes) */
  createTarget?: TargetFactory;
  /** time source of every leg's clock (default real time; tests pass src/testing/fake-clock.ts) */
  time?: TimeSource;
  /** scenario capacity: the replica counts to probe, in order (default 1,2,4) */
  replicas?: readonly number[];
  /** `--repeat`: run every target this many times, interleaved (default 1) */
  repeat?: number;
  /** scenario capacity: hold this one rate (whole req/s) for one step instead of climbing the ladder (`plan --verify`) */
  holdRps?: number;
}

export interface RunOutcome {
  runDir: string;
  record: RunRecord;
  /** first target error, if any target failed */
  firstError: HarnessError | Error | null;
}

/**
 * The orchestrator: check every target, then run the legs (each target in turn, `repeat`
 * times interleaved: deploy,
 * warm up, load + samplers + faults on one clock, tear down), saving series as they arrive
 * so a run interrupted at any point is still on disk and reportable.
 */
export async function runScenario(o: RunOptions): Promise<RunOutcome> {
  const capacity = o.scenario === 'capacity';
  const ladderPlan = loadPlan(o.scenario, { quick: o.quick, model: capacity ? 'open' : o.model, ...(o.timeScale === undefined ? {} : { timeScale: o.timeScale }), ...(o.slo === undefined ? {} : { slo: o.slo }), ...(o.connections === undefined ? {} : { connections: o.connections }) });
  const plan = capacity && o.holdRps !== undefined ? { ...ladderPlan, profile: capacityHold(ladderPlan.profile, o.holdRps), holdRps: o.holdRps } : ladderPlan;
  const { targets, skipped } = await prepareTargets(o.targets, plan.profile.faults, { create: o.createTarget ?? createTarget, targetOptions: o.targetOptions, emit: o.onProgress });
  const time = o.time ?? realTime;
  const replicas = capacity ? o.replicas ?? DEFAULT_REPLICAS : null;
  if (replicas) checkReplicasFor(targets, replicas);

  const runId = newRunId(plan.scenario, new Date(time.epochMs()));
  const runDir = resolve(o.outRoot, runId);
  mkdirSync(runDir, { recursive: true });
  takeLease(runId);
  try {
    const repeat = o.repeat ?? 1;
    const record = await newRunRecord({ runId, plan, driver: o.driver, skipped, command: o.command, startedAt: new Date(time.epochMs()) });
    if (repeat > 1) record.repeat = repeat;
    writeRunRecord(runDir, record);
    o.onProgress({ kind: 'run-start', runId, runDir, scenario: plan.scenario, variant: plan.variant, timeScale: plan.timeScale, loadS: durationS(plan.profile), driver: o.driver.name, model: plan.model, connections: plan.connections });
    const ctx: LegContext = { plan, runId, runDir, driver: o.driver, interrupt: o.interrupt, emit: o.onProgress, time, skipWarmUp: o.skipWarmUp === true };
    const firstError = await runLegs(legsOf(targets, repeat), ctx, record, replicas);
    finishRunRecord(record, { interruptedBy: o.interrupt.interrupted ? o.interrupt.reason : null, firstError, endedAt: new Date(time.epochMs()) });
    record.aggregates = aggregateTargets(record.targets);
    writeRunRecord(runDir, record);
    writeFileSync(join(runDir, 'timeline.csv'), timelineCsv(timelineRows(readRun(runDir))));
    if (replicas) writeFileSync(join(runDir, 'steps.csv'), capacityStepsCsv(capacityStepRows([record])));
    o.onProgress({ kind: 'run-end', runDir, status: record.status });
    return { runDir, record, firstError };
  } finally {
    releaseLease(runId);
  }
}

/** Legs in order until one is interrupted; run.json rewritten after each. Returns the first failure. */
async function runLegs(legs: readonly Leg[], ctx: LegContext, record: RunRecord, replicas: readonly number[] | null): Promise<Error | null> {
  let firstError: Error | null = null;
  for (const [index, leg] of legs.entries()) {
    if (ctx.interrupt.interrupted) break;
    ctx.emit({ kind: 'leg-start', target: leg.key, repetition: leg.repetition, repetitions: leg.repetitions, index, count: legs.length });
    const { run, error } = replicas ? await runCapacityLeg(leg, ctx, replicas) : await runLeg(leg, ctx);
    record.targets.push(run);
    firstError ??= error;
    writeRunRecord(ctx.runDir, record);
  }
  return firstError;
}
