import { connectionsText } from '../../scenarios/lib/index.ts';
import { windowFigures } from '../measure/figures.ts';
import type { CapacityStep, LoadSecond, PlatformSecond } from '../model/index.ts';
import type { RunProgressEvent } from '../run/run.ts';

/** Seconds of load between two progress lines. */
export const PROGRESS_EVERY_S = 10;

/** The progress line of one stretch of load seconds (`[local]   10/180 s ·  10 VUs · …`). */
export function loadLine(target: string, seconds: readonly LoadSecond[], totalS: number, ready: PlatformSecond | null): string {
  const last = seconds[seconds.length - 1]!;
  const f = windowFigures(seconds, 'progress', seconds[0]!.t, last.t + 1);
  const req = f.requests;
  const span = Math.max(1, seconds.length);
  const replicas = ready ? ` · ready ${ready.readyReplicas ?? '?'}/${ready.desiredReplicas ?? ready.hpaDesiredReplicas ?? '?'}` : '';
  return (
    `[${target}] ${String(last.t + 1).padStart(4)}/${totalS} s · ${String(last.vus).padStart(3)} VUs · ${(req / span).toFixed(0).padStart(4)} req/s` +
    ` · p95 ${f.p95Ms === null ? '-' : f.p95Ms.toFixed(0)} ms · errors ${req === 0 ? '0.0' : ((100 * f.failures) / req).toFixed(1)} %${replicas}`
  );
}

/**
 * Turns a run's progress events into the lines the CLI prints: what each leg is doing, and
 * one line about every 10 s of load (second, VUs, req/s, p95, errors, ready replicas).
 * Create one per `capbench run`; `on` is the run's listener.
 */
export class ProgressPrinter {
  private readonly legs = new Map<string, { window: LoadSecond[]; lastPrintT: number; ready: PlatformSecond | null }>();

  constructor(private readonly print: (line: string) => void) {}

  readonly on = (e: RunProgressEvent): void => {
    const line = this.line(e);
    if (line !== null) this.print(line);
  };

  private leg(target: string): { window: LoadSecond[]; lastPrintT: number; ready: PlatformSecond | null } {
    let l = this.legs.get(target);
    if (!l) this.legs.set(target, (l = { window: [], lastPrintT: -1, ready: null }));
    return l;
  }

  private line(e: RunProgressEvent): string | null {
    switch (e.kind) {
      case 'run-start':
        return `run ${e.runId}: ${e.scenario} (${e.variant}${e.timeScale !== 1 ? `, time × ${e.timeScale}` : ''}), ${e.loadS} s of load per target, driver ${e.driver}, ${e.model} model, ${connectionsText(e.connections)} → ${e.runDir}`;
      case 'target-skipped':
        return `skipping ${e.target}: ${e.reason}`;
      case 'leg-start':
        this.legs.delete(e.target);
        return e.repetitions > 1 ? `${e.target}: repetition ${e.repetition + 1} of ${e.repetitions} (leg ${e.index + 1} of ${e.count})` : null;
      case 'deploying':
        return `${e.target}: deploying`;
      case 'deploy-progress':
        return e.line;
      case 'ready':
        return `${e.target}: ready at ${e.baseUrl} after ${(e.afterMs / 1000).toFixed(1)} s`;
      case 'warm-up':
        return `${e.target}: warming up for ${e.durationS} s with ${e.vus} VUs (not measured)`;
      case 'load-start':
        return `${e.target}: load starts (${e.scenario}, ${e.durationS} s)`;
      case 'load-second':
        return this.loadSecond(e.target, e.second, e.totalS);
      case 'platform-second':
        this.leg(e.target).ready = e.second;
        return null;
      case 'fault':
        return `${e.target}: ${e.notice.summary}`;
      case 'capacity-replicas':
        return `${e.target}: ${e.replicas} replica(s) ready; steps from ${e.fromRps} req/s`;
      case 'capacity-step':
        return capacityStepLine(e.target, e.replicas, e.step);
      case 'capacity-done':
        return `${e.target}: ${e.replicas} replica(s): capacity at SLO ${e.capacityAtSloRps === null ? 'none' : `${e.capacityAtSloRps.toFixed(1)} req/s`} (stopped: ${e.stoppedBy})`;
      case 'leg-failed':
        return `${e.target}: failed: ${e.message}`;
      case 'teardown':
        return `${e.target}: tearing down${e.fast ? ' (fast)' : ''}`;
      case 'teardown-step-failed':
        return `teardown: ${e.step} failed: ${e.message}`;
      case 'leg-end':
      case 'run-end':
        return null;
    }
  }

  private loadSecond(target: string, s: LoadSecond, totalS: number): string | null {
    const l = this.leg(target);
    l.window.push(s);
    if (s.t - l.lastPrintT < PROGRESS_EVERY_S && s.t !== totalS - 1) return null;
    const line = loadLine(target, l.window, totalS, l.ready);
    l.window = [];
    l.lastPrintT = s.t;
    return line;
  }
}

/** One judged capacity step: offered → achieved, p95, errors, SLO, bound. */
function capacityStepLine(target: string, replicas: number, s: CapacityStep): string {
  const p95 = s.p95Ms === null ? '–' : `${Math.round(s.p95Ms)} ms`;
  const bound = s.bound === 'app' ? '' : `, ${s.bound}-bound`;
  return `${target}: ×${replicas} step ${s.index}: ${s.offeredRps} req/s offered → ${s.achievedRps.toFixed(1)} achieved, p95 ${p95}, errors ${(100 * s.errorRate).toFixed(1)} %${s.meetsSlo ? '' : ', SLO broken'}${bound}`;
}
