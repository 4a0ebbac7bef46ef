import { join } from 'node:path';
import { durationS } from '../../scenarios/lib/index.ts';
import { FaultScheduler } from '../faults/index.ts';
import type { LoadDriver } from '../load/driver.ts';
import { GeneratorHealthSampler } from '../load/generator-health.ts';
import { computeFigures } from '../measure/figures.ts';
import { Clock, HarnessError, type TargetRun, type TimeSource } from '../model/index.ts';
import { loadDurationS, type LoadPlan } from '../scenario/load-profile.ts';
import { SeriesWriter, targetDir } from '../store/run-store.ts';
import type { Interrupt } from './interrupt.ts';
import { LegSeries } from './leg-series.ts';
import type { Leg } from './legs.ts';
import type { RunListener } from './progress-events.ts';
import { TeardownStack } from './teardown-stack.ts';

/** What every leg of a run shares. */
export interface LegContext {
  plan: LoadPlan;
  runId: string;
  runDir: string;
  driver: LoadDriver;
  interrupt: Interrupt;
  emit: RunListener;
  /** time source of the leg's clock (real time, or a fake in tests) */
  time: TimeSource;
  skipWarmUp: boolean;
}

export interface LegResult {
  run: TargetRun;
  /** why the leg failed (null when it completed or was interrupted) */
  error: Error | null;
}

/** One leg while it runs (the capacity probe runs its legs with the same parts). */
export interface Live {
  leg: Leg;
  ctx: LegContext;
  run: TargetRun;
  clock: Clock;
  series: LegSeries;
  stack: TeardownStack;
  faults: FaultScheduler | null;
}

/**
 * One leg: deploy, warm up, load with the samplers and the fault schedule on one clock,
 * then tear down — everything set up is undone newest first (faults recovered, sampler
 * stopped, target torn down) whether the leg completed, failed or was interrupted. Never
 * throws: a failure is in the result, the series are on disk as they arrived.
 */
export async function runLeg(leg: Leg, ctx: LegContext): Promise<LegResult> {
  const live = newLive(leg, ctx);
  let error: Error | null = null;
  try {
    await bringUp(live);
    await warmUp(live);
    await loadWithFaults(live);
  } catch (e) {
    error = failed(live, e);
  } finally {
    await tearDown(live);
  }
  const { run, series } = live;
  const profile = ctx.plan.profile;
  run.faults = live.faults?.windows ?? [];
  run.figures = computeFigures({ load: series.load, starts: series.starts, platform: series.platform(), faults: run.faults, windows: profile.windows, slo: profile.slo, durationS: loadDurationS(profile, ctx.plan.model) });
  ctx.emit({ kind: 'leg-end', target: leg.key, status: run.status });
  return { run, error };
}

/** A leg about to start: its clock, its series on disk, an empty teardown stack. */
export function newLive(leg: Leg, ctx: LegContext): Live {
  const clock = new Clock(ctx.time);
  return {
    leg,
    ctx,
    run: { name: leg.target.name, kind: leg.target.kind, status: 'completed', description: {}, versions: {}, faults: [], notes: [], ...(leg.key === leg.target.name ? {} : { leg: leg.key, repetition: leg.repetition }) },
    clock,
    series: new LegSeries(new SeriesWriter(ctx.runDir, leg.key), clock),
    stack: new TeardownStack(),
    faults: null,
  };
}

/** Deploy (teardown pushed first), describe, start the sampler, prepare the fault schedule. */
export async function bringUp(live: Live): Promise<void> {
  const { leg, ctx, run, stack, series, clock } = live;
  const { target, key } = leg;
  stack.push(`${key} teardown`, async (fast) => {
    ctx.emit({ kind: 'teardown', target: key, fast });
    await target.teardown({ fast });
  });
  ctx.emit({ kind: 'deploying', target: key });
  const t0 = ctx.time.nowMs();
  const profile = ctx.plan.profile;
  await target.deploy({ runId: ctx.runId, appVersion: 'v1', hpa: profile.hpa, onProgress: (line) => ctx.emit({ kind: 'deploy-progress', target: key, line }), signal: ctx.interrupt.signal });
  ctx.emit({ kind: 'ready', target: key, baseUrl: target.baseUrl(), afterMs: ctx.time.nowMs() - t0 });
  run.baseUrl = target.baseUrl();
  run.description = target.describe();
  run.versions = await target.versions();

  live.faults = new FaultScheduler({
    clock,
    schedule: profile.faults,
    caps: target.capabilities(),
    targetName: key,
    event: (e) => series.event(e),
    notify: (notice) => ctx.emit({ kind: 'fault', target: key, notice }),
    deferRecovery: (name, recover) => stack.push(name, () => recover()),
    signal: ctx.interrupt.signal,
  });
  run.notes.push(...live.faults.notesBefore());

  const sampler = target.sampler();
  stack.push(`${key} sampler`, () => sampler.stop());
  await sampler.start(clock, {
    second: (s) => {
      if (series.platformSecond(s)) ctx.emit({ kind: 'platform-second', target: key, second: s });
    },
    event: (e) => series.event(e),
  });
}

export async function warmUp({ leg, ctx }: Live): Promise<void> {
  const profile = ctx.plan.profile;
  if (!ctx.skipWarmUp && profile.warmupS > 0 && !ctx.interrupt.interrupted) {
    ctx.emit({ kind: 'warm-up', target: leg.key, durationS: profile.warmupS, vus: profile.warmupVUs });
    await ctx.driver.warmUp({ plan: ctx.plan, baseUrl: leg.target.baseUrl(), signal: ctx.interrupt.signal });
  }
  if (ctx.interrupt.interrupted) throw new HarnessError('interrupted before load started', { code: 'interrupted' });
}

/** The load, with the faults armed on the same clock; a fault's error fails the leg once load is over. */
async function loadWithFaults(live: Live): Promise<void> {
  const { leg, ctx, run, clock, series } = live;
  const key = leg.key;
  const totalS = durationS(ctx.plan.profile);
  live.faults!.arm();
  // the generator's own health, one record per second of load, beside the load timeline
  const health = new GeneratorHealthSampler({ clock, emit: (h) => series.healthSecond(h), after: (ms, fn) => ctx.time.after(ms, fn) });
  live.stack.push(`${key} generator health`, async () => health.stop());
  health.start();
  ctx.emit({ kind: 'load-start', target: key, scenario: ctx.plan.scenario, durationS: totalS });
  const res = await ctx.driver.run({
    plan: ctx.plan,
    baseUrl: leg.target.baseUrl(),
    clock,
    signal: ctx.interrupt.signal,
    onSecond: (s) => {
      series.loadSecond(s);
      ctx.emit({ kind: 'load-second', target: key, second: s, totalS });
    },
    onStartSecond: (s) => series.startSecond(s),
    outDir: join(targetDir(ctx.runDir, key), 'driver'),
    health,
  });
  health.stop();
  run.notes.push(...health.warnings);
  run.loadStartedAt = new Date(clock.epochAtStart() ?? ctx.time.epochMs()).toISOString();
  run.durationS = res.durationS;
  run.notes.push(...res.warnings);
  if (res.interrupted) run.status = 'interrupted';
  const [faultError] = await live.faults!.stop();
  if (faultError) throw faultError;
}

/** Classify what stopped the leg: Ctrl-C is not a failure. Returns the error when it failed. */
export function failed({ leg, ctx, run }: Live, e: unknown): Error | null {
  if (ctx.interrupt.interrupted) {
    run.status = 'interrupted';
    return null;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  run.status = 'failed';
  run.error = err.message;
  ctx.emit({ kind: 'leg-failed', target: leg.key, message: err.message });
  return err;
}

/** Stop the faults (in-flight injections finish, so their recovery is on the stack), then unwind. */
export async function tearDown({ leg, ctx, run, stack, series, faults }: Live): Promise<void> {
  await faults?.stop();
  const errors = await stack.unwind(
    () => ctx.interrupt.fast,
    (step, err) => ctx.emit({ kind: 'teardown-step-failed', target: leg.key, step, message: err.message }),
  );
  run.notes.push(...errors.map((e) => `teardown: ${e.message}`));
  if (faults) run.notes.push(...faults.notesAfter());
  series.close();
}
