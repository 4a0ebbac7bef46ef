import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { durationS, type Profile, type Slo } from '../../scenarios/lib/index.ts';
import { faults as faultRegistry, type FaultContext } from '../faults/index.ts';
import type { DriverName, LoadDriver } from '../load/driver.ts';
import { computeFigures, windowFigures } from '../measure/figures.ts';
import { HarnessError, RUN_SCHEMA_VERSION, type FaultWindow, type LoadSecond, type PlatformSecond, type RunRecord, type TargetRun } from '../model/index.ts';
import { loadPlan, type LoadPlan } from '../scenario/load-profile.ts';
import { timelineCsv, timelineRows } from '../measure/timeline-rows.ts';
import { releaseLease, takeLease } from '../store/run-lease.ts';
import { SeriesWriter, readRun, writeRunRecord } from '../store/run-store.ts';
import { createTarget, parseTargetList, type TargetOptions } from '../targets/registry.ts';
import type { Target } from '../targets/target.ts';
import { Clock } from '../model/clock.ts';
import { Interrupt } from './interrupt.ts';
import { harnessVersions, machineInfo } from './machine.ts';
import { TeardownStack } from './teardown-stack.ts';

export interface RunOptions {
  scenario: string;
  quick: boolean;
  timeScale?: number;
  /** `local,compose` or `auto` */
  targets: string;
  driver: LoadDriver;
  model: 'closed' | 'open';
  /** root for run directories (default reports/) */
  outRoot: string;
  targetOptions: TargetOptions;
  interrupt: Interrupt;
  log: (line: string) => void;
  command: string[];
  /** skip warm-up (tests) */
  skipWarmUp?: boolean;
  /** the run's SLO (time to recover, k6 thresholds); default the profile's */
  slo?: Slo;
}

export interface RunOutcome {
  runDir: string;
  record: RunRecord;
  /** first target error, if any target failed */
  firstError: HarnessError | Error | null;
}

export function newRunId(scenario: string, now = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${ts}-${scenario}-${randomBytes(2).toString('hex')}`;
}

/** Prints one progress line about every 10 s of load. */
class Progress {
  private lastPrint = -1;
  private window: LoadSecond[] = [];
  ready: PlatformSecond | null = null;
  constructor(private readonly target: string, private readonly totalS: number, private readonly log: (l: string) => void) {}
  second(s: LoadSecond): void {
    this.window.push(s);
    if (s.t - this.lastPrint >= 10 || s.t === this.totalS - 1) {
      const w = this.window;
      this.window = [];
      this.lastPrint = s.t;
      const f = windowFigures(w, 'progress', w[0]!.t, s.t + 1);
      const req = f.requests;
      const fail = f.failures;
      const span = Math.max(1, w.length);
      const replicas = this.ready ? ` · ready ${this.ready.readyReplicas ?? '?'}/${this.ready.desiredReplicas ?? this.ready.hpaDesiredReplicas ?? '?'}` : '';
      this.log(
        `[${this.target}] ${String(s.t + 1).padStart(4)}/${this.totalS} s · ${String(s.vus).padStart(3)} VUs · ${(req / span).toFixed(0).padStart(4)} req/s · p95 ${f.p95Ms === null ? '-' : f.p95Ms.toFixed(0)} ms · errors ${req === 0 ? '0.0' : ((100 * fail) / req).toFixed(1)} %${replicas}`,
      );
    }
  }
}

/**
 * The orchestrator: for each target in turn — probe, deploy, warm up, load + samplers on
 * one clock, faults on schedule, stop, tear down — saving series as they arrive so a run
 * interrupted at any point is still on disk and reportable.
 */
export async function runScenario(o: RunOptions): Promise<RunOutcome> {
  const plan = loadPlan(o.scenario, { quick: o.quick, model: o.model, ...(o.timeScale === undefined ? {} : { timeScale: o.timeScale }), ...(o.slo === undefined ? {} : { slo: o.slo }) });
  const profile = plan.profile;
  const { names, auto } = parseTargetList(o.targets);
  const faultDefs = profile.faults.map((f) => faultRegistry[f.kind]);

  // everything is checked before anything starts: usability, capabilities, leftovers
  const targets: Target[] = [];
  const skipped: TargetRun[] = [];
  for (const name of names) {
    const t = await createTarget(name, o.targetOptions);
    const u = await t.probe();
    if (!u.usable) {
      if (!auto) throw new HarnessError(`--target ${name}: must be usable here (got: ${u.reason})`, { code: 'missingEnvironment', ...(u.hint ? { hint: u.hint } : {}) });
      o.log(`skipping ${name}: ${u.reason}`);
      skipped.push({ name, kind: t.kind, status: 'skipped', requestedBy: auto ? 'auto' : 'name', error: u.reason, description: {}, versions: {}, faults: [], notes: [] });
      continue;
    }
    for (const f of faultDefs) f.check(t.capabilities(), name);
    const left = await t.leftovers();
    if (left.length > 0) {
      throw new HarnessError(`${name}: must be clean before a run (got leftovers of an earlier run: ${left.join('; ')})`, {
        code: 'missingEnvironment',
        hint: 'run `npx capbench cleanup` to restore nodes and remove them',
      });
    }
    targets.push(t);
  }
  if (targets.length === 0) throw new HarnessError(`--target ${o.targets}: no target is usable here`, { code: 'missingEnvironment', hint: 'run `npx capbench targets` to see why' });

  const runId = newRunId(profile.scenario);
  const runDir = resolve(o.outRoot, runId);
  mkdirSync(runDir, { recursive: true });
  takeLease(runId);
  try {
    return await runTargets(o, plan, runId, runDir, targets, skipped);
  } finally {
    releaseLease(runId);
  }
}

async function runTargets(o: RunOptions, plan: LoadPlan, runId: string, runDir: string, targets: Target[], skipped: TargetRun[]): Promise<RunOutcome> {
  const profile = plan.profile;
  const record: RunRecord = {
    schema: RUN_SCHEMA_VERSION,
    runId,
    scenario: profile.scenario,
    variant: profile.variant,
    model: o.model,
    driver: o.driver.name as DriverName,
    timeScale: o.timeScale ?? 1,
    profile,
    status: 'running',
    startedAt: new Date().toISOString(),
    machine: machineInfo(),
    versions: { ...(await harnessVersions()), driver: await o.driver.version() },
    targets: [...skipped],
    command: o.command,
  };
  writeRunRecord(runDir, record);
  o.log(`run ${runId}: ${profile.scenario} (${profile.variant}${record.timeScale !== 1 ? `, time × ${record.timeScale}` : ''}), ${durationS(profile)} s of load per target, driver ${o.driver.name}, ${o.model} model → ${runDir}`);

  let firstError: Error | null = null;
  for (const target of targets) {
    if (o.interrupt.interrupted) break;
    const tr = await runOneTarget(target, plan, runId, runDir, o);
    record.targets.push(tr.run);
    if (tr.error && !firstError) firstError = tr.error;
    writeRunRecord(runDir, record);
  }
  record.status = o.interrupt.interrupted ? 'interrupted' : record.targets.some((t) => t.status === 'failed') ? 'failed' : 'completed';
  if (o.interrupt.reason) record.reason = o.interrupt.reason;
  else if (firstError) record.reason = firstError.message;
  record.endedAt = new Date().toISOString();
  writeRunRecord(runDir, record);
  writeFileSync(join(runDir, 'timeline.csv'), timelineCsv(timelineRows(readRun(runDir))));
  return { runDir, record, firstError };
}

async function runOneTarget(target: Target, plan: LoadPlan, runId: string, runDir: string, o: RunOptions): Promise<{ run: TargetRun; error: Error | null }> {
  const profile = plan.profile;
  const log = o.log;
  const run: TargetRun = { name: target.name, kind: target.kind, status: 'completed', description: {}, versions: {}, faults: [], notes: [] };
  const writer = new SeriesWriter(runDir, target.name);
  const stack = new TeardownStack();
  const clock = new Clock();
  const load: LoadSecond[] = [];
  const platform = new Map<number, PlatformSecond>();
  const progress = new Progress(target.name, durationS(profile), log);
  const windows: FaultWindow[] = [];
  const faultCtrl = new AbortController();
  let error: Error | null = null;
  const onAbort = (): void => faultCtrl.abort();
  o.interrupt.signal.addEventListener('abort', onAbort);

  try {
    stack.push(`${target.name} teardown`, async (fast) => {
      log(`${target.name}: tearing down${fast ? ' (fast)' : ''}`);
      await target.teardown({ fast });
    });
    log(`${target.name}: deploying`);
    const t0 = performance.now();
    await target.deploy({ runId, appVersion: 'v1', hpa: profile.hpa, onProgress: log, signal: o.interrupt.signal });
    log(`${target.name}: ready at ${target.baseUrl()} after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    run.baseUrl = target.baseUrl();
    run.description = target.describe();
    run.versions = await target.versions();
    if (target.capabilities().nodes?.rebootDelayS !== undefined && profile.faults.some((f) => f.kind === 'node-crash')) {
      run.notes.push(`host crash: the host comes back ${target.capabilities().nodes!.rebootDelayS} s after the crash (configurable with --reboot-delay)`);
    }

    const sampler = target.sampler();
    await sampler.start(clock, {
      second: (s) => {
        if (s.t < 0 || platform.has(s.t)) return;
        platform.set(s.t, s);
        progress.ready = s;
        writer.platform(s);
      },
      event: (e) => writer.event(e),
    });
    stack.push(`${target.name} sampler`, () => sampler.stop());

    if (!o.skipWarmUp && profile.warmupS > 0 && !o.interrupt.interrupted) {
      log(`${target.name}: warming up for ${profile.warmupS} s with ${profile.warmupVUs} VUs (not measured)`);
      await o.driver.warmUp({ plan, baseUrl: target.baseUrl(), signal: o.interrupt.signal });
    }
    if (o.interrupt.interrupted) throw new HarnessError('interrupted before load started', { code: 'interrupted' });

    // faults on the run clock, recovered on schedule and again at teardown whatever happens
    const ctx: FaultContext = {
      caps: target.capabilities(),
      targetName: target.name,
      nowMs: () => clock.nowMs(),
      event: (e) => writer.event(e),
      log,
      signal: faultCtrl.signal,
    };
    const faultTasks = profile.faults.map(async (sched) => {
      const fault = faultRegistry[sched.kind];
      while (!faultCtrl.signal.aborted && (!clock.started || clock.nowMs() < sched.atS * 1000)) await sleep(50);
      if (faultCtrl.signal.aborted) return;
      const w = await fault.apply(ctx, sched);
      windows.push(w);
      run.faults = windows;
      stack.push(`${target.name} ${sched.kind} recover`, async () => {
        await fault.recover(ctx, w);
      });
      const after = fault.recoverAfterS(ctx, sched);
      if (after === null) return;
      const due = w.startMs + after * 1000;
      while (!faultCtrl.signal.aborted && clock.nowMs() < due) await sleep(100);
      if (faultCtrl.signal.aborted) return;
      await fault.recover(ctx, w);
    });
    const faultsDone = Promise.allSettled(faultTasks);

    log(`${target.name}: load starts (${profile.scenario}, ${durationS(profile)} s)`);
    const res = await o.driver.run({
      plan,
      baseUrl: target.baseUrl(),
      clock,
      signal: o.interrupt.signal,
      onSecond: (s) => {
        load.push(s);
        writer.load(s);
        progress.second(s);
      },
      outDir: join(writer.dir, 'driver'),
    });
    run.loadStartedAt = new Date(clock.epochAtStart() ?? Date.now()).toISOString();
    run.durationS = res.durationS;
    for (const w of res.warnings) run.notes.push(w);
    if (res.interrupted) run.status = 'interrupted';
    faultCtrl.abort();
    for (const r of await faultsDone) {
      if (r.status === 'rejected') throw r.reason;
    }
  } catch (e) {
    faultCtrl.abort();
    const err = e instanceof Error ? e : new Error(String(e));
    if (o.interrupt.interrupted) {
      run.status = 'interrupted';
    } else {
      run.status = 'failed';
      run.error = err.message;
      error = err;
      log(`${target.name}: failed: ${err.message}`);
    }
  } finally {
    o.interrupt.signal.removeEventListener('abort', onAbort);
    const errs = await stack.unwind(() => o.interrupt.fast, log);
    if (errs.length > 0) run.notes.push(...errs.map((e) => `teardown: ${e.message}`));
    for (const w of windows) {
      if (w.kind === 'node-crash') run.notes.push(`node ${w.subject} ${w.endMs === undefined ? 'was NOT restored — run `capbench cleanup`' : 'was restored'}`);
    }
  }
  run.faults = windows;
  run.figures = computeFigures({ load, platform: [...platform.values()].sort((a, b) => a.t - b.t), faults: windows, windows: profile.windows, slo: profile.slo });
  return { run, error };
}
