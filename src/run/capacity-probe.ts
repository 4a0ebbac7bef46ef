/**
 * The capacity probe: one leg per target that, after deploy and warm-up, pins the app to
 * each replica count in turn (scale, wait ready, settle — the same deployment, no
 * redeploy) and drives the capacity ladder at it until the SLO breaks twice, errors pass the
 * ceiling, the generator is bound twice, or the ladder's cap is reached.
 *
 * One driver run per replica count, its profile the ladder (from a step that suits the
 * count), stopped by aborting its signal: both drivers support exactly that — the builtin
 * driver stops its arrivals, k6 gets SIGINT and ends gracefully — and it costs one k6
 * start per replica count rather than one per step (k6 start-up and VU init would eat a
 * second or more of every step, and every step would need its own settling). Each driver
 * run has its own clock; its seconds are placed on the leg's clock (one timeline per
 * target) by the whole-second offset of its start, which starts on a whole second of the
 * leg's clock. Steps are placed from the run's first request (the driver's
 * `onFirstRequest`): k6 begins its schedule only after initialising its VUs, which took
 * up to ~3 s on a busy 2-core machine.
 */
import { join } from 'node:path';
import { capacityFromStep, ladderRates, type CapacityLadder } from '../../scenarios/lib/index.ts';
import { GeneratorHealthSampler } from '../load/generator-health.ts';
import { probeStop, replicaCapacity, startStep, stepFigures } from '../measure/capacity.ts';
import { computeFigures } from '../measure/figures.ts';
import { judgeSeconds } from '../measure/generator-bound.ts';
import { Clock, HarnessError, type CapacityStep, type GeneratorHealthSecond, type LoadSecond, type ProbeStop, type ReplicaCapacity, type ReplicasCapability, type TargetCapacity, type TimeSource } from '../model/index.ts';
import type { LoadPlan } from '../scenario/load-profile.ts';
import { drainedBelowMs, idleLatencyMs, waitDrained } from './capacity-drain.ts';
import { targetDir } from '../store/run-store.ts';
import type { Leg } from './legs.ts';
import { machineInfo } from './machine.ts';
import { bringUp, failed, newLive, tearDown, warmUp, type LegContext, type LegResult, type Live } from './run-leg.ts';

/** A driver run's clock: its start also starts the leg's clock (the first run's start is the leg's t=0). */
class DriverRunClock extends Clock {
  constructor(time: TimeSource, private readonly leg: Clock) {
    super(time);
  }

  override start(): void {
    super.start();
    this.leg.start();
  }
}

/** The capacity ladder of a plan; throws when the plan is not the capacity scenario. */
export function ladderOf(plan: LoadPlan): CapacityLadder {
  const ladder = plan.profile.capacity;
  if (ladder === undefined) throw new HarnessError(`capacity probe: the scenario must be capacity (got ${plan.scenario})`, { code: 'internal' });
  return ladder;
}

/** The target's replicas capability, or a usage error saying the probe cannot run there. */
export function replicasOf(leg: Leg): ReplicasCapability {
  const r = leg.target.capabilities().replicas;
  if (r === undefined) {
    throw new HarnessError(`run capacity: target ${leg.key} must be able to pin its replica count (got a target without the replicas capability)`, { code: 'usage', hint: 'run the capacity scenario on local, compose or a Kubernetes target' });
  }
  return r;
}

/** Wait `ms` on the run's time source; resolves early when `signal` aborts. */
function pause(time: TimeSource, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = (): void => {
      cancel();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const cancel = time.after(ms, done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * One target's capacity leg: deploy, warm up, each replica count in `replicas` in turn,
 * tear down (which restores what deploy set up). Never throws: a failure (scaling, the
 * driver) is in the result and in `capacity.byReplicas[].error`.
 */
export async function runCapacityLeg(leg: Leg, ctx: LegContext, replicas: readonly number[]): Promise<LegResult> {
  const live = newLive(leg, ctx);
  const ladder = ladderOf(ctx.plan);
  const slo = ctx.plan.slo;
  const capacity: TargetCapacity = {
    stepS: ladder.stepS, settleS: ladder.settleS, growth: ladder.growth, startRps: ladder.startRps, capRps: ladder.capRps,
    errorCeiling: ladder.errorCeiling, slo: { p95Ms: slo.p95Ms, errorRate: slo.errorRate }, byReplicas: [],
  };
  live.run.capacity = capacity;
  let error: Error | null = null;
  const health: GeneratorHealthSecond[] = [];
  try {
    const scaler = replicasOf(leg);
    await bringUp(live);
    live.run.description = { ...live.run.description, replicasProbed: replicas.join(',') };
    await warmUp(live);
    const sampler = new GeneratorHealthSampler({ clock: live.clock, emit: (h) => { health.push(h); live.series.healthSecond(h); }, after: (ms, fn) => ctx.time.after(ms, fn) });
    live.stack.push(`${leg.key} generator health`, async () => sampler.stop());
    sampler.start();
    const probeUrl = `${leg.target.baseUrl()}${ctx.plan.profile.requests[0]?.path ?? '/'}`;
    const idleMs = await idleLatencyMs(probeUrl);
    for (const [i, n] of replicas.entries()) {
      if (ctx.interrupt.interrupted) break;
      const r = await probeReplicaCount(live, { n, scaler, ladder, sampler, health, previous: capacity.byReplicas.at(-1) ?? null });
      capacity.byReplicas.push(r);
      ctx.emit({ kind: 'capacity-done', target: leg.key, replicas: n, stoppedBy: r.stoppedBy, capacityAtSloRps: r.capacityAtSloRps });
      if (r.stoppedBy === 'failed') throw new HarnessError(r.error ?? `${leg.key}: ${n} replicas failed`, { code: 'internal' });
      if (r.stoppedBy === 'interrupted' || i === replicas.length - 1) break;
      const deadlineMs = 3 * ctx.plan.profile.timeoutMs;
      if (idleMs !== null && !(await waitDrained(probeUrl, { idleMs, inARow: n, deadlineMs, signal: ctx.interrupt.signal })) && !ctx.interrupt.interrupted) {
        live.run.notes.push(`after ${n} replicas the app did not answer within ${Math.round(drainedBelowMs(idleMs))} ms again within ${deadlineMs / 1000} s: the next count's first steps may carry its backlog`);
      }
    }
    sampler.stop();
    if (ctx.interrupt.interrupted) live.run.status = 'interrupted';
  } catch (e) {
    error = failed(live, e);
  } finally {
    await tearDown(live);
  }
  finishFigures(live, capacity);
  ctx.emit({ kind: 'leg-end', target: leg.key, status: live.run.status });
  return { run: live.run, error };
}

interface CountInput {
  n: number;
  scaler: ReplicasCapability;
  ladder: CapacityLadder;
  sampler: GeneratorHealthSampler;
  health: readonly GeneratorHealthSecond[];
  previous: ReplicaCapacity | null;
}

/** One replica count: scale and settle, then the ladder until a stop rule says so. */
async function probeReplicaCount(live: Live, c: CountInput): Promise<ReplicaCapacity> {
  const { leg, ctx, clock: legClock, series } = live;
  const slo = ctx.plan.slo;
  const steps: CapacityStep[] = [];
  try {
    await c.scaler.scale(c.n, ctx.interrupt.signal);
  } catch (e) {
    if (ctx.interrupt.interrupted) return replicaCapacity(c.n, steps, 'interrupted', slo);
    return replicaCapacity(c.n, steps, 'failed', slo, `${leg.key}: scaling to ${c.n} replicas failed: ${(e as Error).message}`);
  }
  await pause(ctx.time, c.ladder.settleS * 1000, ctx.interrupt.signal);
  // a driver run starts on a whole second of the leg's clock, so its seconds map onto the leg's exactly
  if (legClock.started) await pause(ctx.time, (1000 - (legClock.nowMs() % 1000)) % 1000, ctx.interrupt.signal);
  if (ctx.interrupt.interrupted) return replicaCapacity(c.n, steps, 'interrupted', slo);

  const rates = ladderRates(c.ladder);
  const fromStep = startStep(rates, c.n, c.previous);
  const plan: LoadPlan = { ...ctx.plan, profile: capacityFromStep(ctx.plan.profile, fromStep), ...(fromStep > 0 ? { fromStep } : {}) };
  const stepCount = rates.length - fromStep;
  ctx.emit({ kind: 'capacity-replicas', target: leg.key, replicas: c.n, fromRps: rates[fromStep]! });

  const runClock = new DriverRunClock(ctx.time, legClock);
  const stop = new AbortController();
  const onInterrupt = (): void => stop.abort();
  ctx.interrupt.signal.addEventListener('abort', onInterrupt, { once: true });
  const cores = machineInfo().cores;
  const load: LoadSecond[] = [];
  let offsetS: number | null = null;
  // whole seconds from the run's t=0 to where its schedule began (k6: after VU init); steps are placed from there
  let scheduleS: number | null = null;
  let stoppedBy: ProbeStop | null = null;
  const offset = (): number => {
    offsetS ??= Math.round(((runClock.epochAtStart() ?? 0) - (legClock.epochAtStart() ?? 0)) / 1000);
    return offsetS;
  };
  const judge = (runT: number): void => {
    // step k is complete once the run's second (k + 1) × stepS − 1 has arrived (seconds come in order)
    const fromS = scheduleS ?? 0;
    while (stoppedBy === null && steps.length < stepCount && runT >= fromS + (steps.length + 1) * c.ladder.stepS - 1) {
      const k = steps.length;
      const startS = offset() + fromS + k * c.ladder.stepS;
      const endS = startS + c.ladder.stepS;
      const inStep = load.filter((s) => s.t >= startS && s.t < endS);
      const judged = judgeSeconds({ load: inStep, health: c.health.filter((h) => h.t >= startS && h.t < endS), driver: ctx.driver.name, cores });
      const step = stepFigures({ index: k, startS, endS, settleS: c.ladder.settleS, offeredRps: rates[fromStep + k]!, load: inStep, judged, platform: series.platform(), slo, replicas: c.n });
      steps.push(step);
      ctx.emit({ kind: 'capacity-step', target: leg.key, replicas: c.n, step });
      stoppedBy = probeStop(steps, c.ladder.errorCeiling);
      if (stoppedBy !== null) stop.abort();
    }
  };
  const totalS = stepCount * c.ladder.stepS;
  try {
    ctx.emit({ kind: 'load-start', target: leg.key, scenario: `${ctx.plan.scenario} × ${c.n}`, durationS: totalS });
    const res = await ctx.driver.run({
      plan,
      baseUrl: leg.target.baseUrl(),
      clock: runClock,
      signal: stop.signal,
      onSecond: (s) => {
        const shifted = { ...s, t: s.t + offset() };
        series.loadSecond(shifted);
        load.push(shifted);
        ctx.emit({ kind: 'load-second', target: leg.key, second: shifted, totalS: offset() + totalS });
        judge(s.t);
      },
      onStartSecond: (s) => series.startSecond({ ...s, t: s.t + offset() }),
      // floor: a step's window may start up to 1 s early (inside its settling), never end inside the next step
      onFirstRequest: (startMs) => { scheduleS = Math.max(0, Math.floor(startMs / 1000)); },
      outDir: join(targetDir(ctx.runDir, leg.key), 'driver', `replicas-${c.n}`),
      health: c.sampler,
    });
    live.run.notes.push(...res.warnings.map((w) => `${c.n} replicas: ${w}`));
    live.run.loadStartedAt ??= new Date(legClock.epochAtStart() ?? ctx.time.epochMs()).toISOString();
  } catch (e) {
    if (!ctx.interrupt.interrupted) return replicaCapacity(c.n, steps, 'failed', slo, `${leg.key}: load at ${c.n} replicas failed: ${(e as Error).message}`);
  } finally {
    ctx.interrupt.signal.removeEventListener('abort', onInterrupt);
  }
  return replicaCapacity(c.n, steps, ctx.interrupt.interrupted && stoppedBy === null ? 'interrupted' : stoppedBy ?? 'rate-cap', slo);
}

/** The leg's usual figures, one window per replica count (what the timeline report reads). */
function finishFigures(live: Live, capacity: TargetCapacity): void {
  const { series, run, ctx } = live;
  const lastT = series.load.at(-1)?.t;
  if (lastT === undefined) return;
  run.durationS = lastT + 1;
  const windows = capacity.byReplicas
    .filter((r) => r.steps.length > 0)
    .map((r) => ({ name: `${r.replicas} replica${r.replicas === 1 ? '' : 's'}`, startS: r.steps[0]!.startS, endS: r.steps.at(-1)!.endS }));
  run.figures = computeFigures({ load: series.load, starts: series.starts, platform: series.platform(), faults: [], windows, slo: ctx.plan.slo, durationS: lastT + 1 });
}

/** Replica counts the probe tries when `--replicas` is not given. */
export const DEFAULT_REPLICAS: readonly number[] = [1, 2, 4];

/**
 * Before anything starts: every target can pin its replica count, and every count is within
 * what it allows. Throws HarnessError (usage, exit 2) naming the flag, the value and the limit.
 */
export function checkReplicasFor(targets: ReadonlyArray<Pick<Leg['target'], 'name' | 'capabilities'>>, replicas: readonly number[]): void {
  for (const t of targets) {
    const cap = replicasOf({ target: t as Leg['target'], key: t.name, repetition: 0, repetitions: 1 });
    const over = replicas.filter((n) => n > cap.max);
    if (over.length > 0) {
      throw new HarnessError(`--replicas: ${over.join(', ')} must be ≤ ${cap.max}, the most target ${t.name} allows (got ${replicas.join(',')})`, {
        code: 'usage',
        hint: `e.g. --replicas ${replicas.filter((n) => n <= cap.max).join(',') || '1,2'}`,
      });
    }
  }
}
