import { setTimeout as sleep } from 'node:timers/promises';
import { durationS, pickRequest, targetAt, type ConnectionModel, type Profile, type RequestKind } from '../../../scenarios/lib/index.ts';
import type { LoadDriver, LoadRunOptions, LoadRunResult, WarmUpOptions } from '../driver.ts';
import { LoadRecorder, recorderOptionsFor } from '../recorder.ts';
import { LoadHttpClient } from './http-client.ts';

/** Weighted random pick of the profile's request mix (the same choice k6 makes). */
export function requestPicker(mix: readonly RequestKind[], rnd: () => number = Math.random): () => RequestKind {
  return () => pickRequest(mix, rnd());
}

function thinkMs(p: Profile): number {
  const { min, max } = p.thinkTimeMs;
  return min + Math.random() * (max - min);
}

const CONTROL_TICK_MS = 100;

/**
 * The builtin driver: Node, closed model (ramping VUs, each looping request → think time)
 * and open model (ramping arrival rate, bounded by maxVUs, arrivals beyond it counted as
 * dropped). Every outcome goes through the shared LoadRecorder.
 */
export class BuiltinDriver implements LoadDriver {
  readonly name = 'builtin' as const;

  constructor(private readonly harnessVersion: string) {}

  async version(): Promise<string> {
    return `capbench builtin ${this.harnessVersion} (node ${process.version})`;
  }

  async warmUp(opts: WarmUpOptions): Promise<void> {
    const p = opts.plan.profile;
    const clients = new UserClients(opts.baseUrl, p.timeoutMs, opts.plan.connections);
    const pick = requestPicker(p.requests);
    const end = performance.now() + p.warmupS * 1000;
    const vu = async (_: unknown, id: number): Promise<void> => {
      while (performance.now() < end && !opts.signal.aborted) {
        await clients.of(id).get(pick().path, () => -1);
        await sleep(Math.min(thinkMs(p), Math.max(0, end - performance.now()))).catch(() => undefined);
      }
    };
    try {
      await Promise.all(Array.from({ length: p.warmupVUs }, vu));
    } finally {
      await clients.closeAll();
    }
  }

  async run(opts: LoadRunOptions): Promise<LoadRunResult> {
    return opts.plan.model === 'open' ? this.runOpen(opts) : this.runClosed(opts);
  }

  private async runClosed(opts: LoadRunOptions): Promise<LoadRunResult> {
    const p = opts.plan.profile;
    const totalS = durationS(p);
    const maxVUs = Math.max(p.startVUs, ...p.stages.map((s) => s.target));
    const clients = new UserClients(opts.baseUrl, p.timeoutMs, opts.plan.connections);
    const recorder = new LoadRecorder(opts.onSecond, recorderOptionsFor(opts));
    const pick = requestPicker(p.requests);
    const clock = opts.clock;
    const now = (): number => clock.nowMs();
    const noThink = p.thinkTimeMs.max <= 0;

    let wanted = 0; // VUs the schedule wants now
    let stopping = false;
    let inFlight = 0;
    // VU slot i loops while i < wanted: lowering `wanted` retires the highest slots after their iteration
    const running = new Map<number, Promise<void>>();
    const vu = async (id: number): Promise<void> => {
      while (!stopping && id < wanted) {
        inFlight++;
        const o = await clients.of(id).get(pick().path, now);
        inFlight--;
        recorder.record(o);
        if (!noThink && !stopping && id < wanted) await sleep(thinkMs(p));
      }
      // a retired VU's connection goes with it (a VU started again later connects anew)
      if (!stopping) await clients.close(id);
    };
    const spawnUpTo = (n: number): void => {
      for (let id = 0; id < n; id++) {
        if (running.has(id)) continue;
        running.set(id, vu(id).finally(() => running.delete(id)));
      }
    };

    opts.health?.inFlightGauge(() => inFlight);
    clock.start();
    const startedPerf = performance.now();
    const endPerf = startedPerf + totalS * 1000;
    let interrupted = false;
    try {
      while (!opts.signal.aborted) {
        const tS = (performance.now() - startedPerf) / 1000;
        if (tS >= totalS) break;
        wanted = Math.round(targetAt(p.startVUs, p.stages, tS));
        spawnUpTo(wanted);
        recorder.setVUs(now(), running.size);
        await sleep(Math.min(CONTROL_TICK_MS, Math.max(1, endPerf - performance.now())));
      }
      interrupted = opts.signal.aborted;
    } finally {
      stopping = true;
      wanted = 0;
      await drain(running.values(), p, () => clients.closeAll());
    }
    const warnings = recorder.lateOutcomes > 0 ? [`${recorder.lateOutcomes} outcomes arrived after their second was written`] : [];
    if (recorder.lateStarts > 0) warnings.push(`${recorder.lateStarts} outcomes arrived after their start second was written`);
    return finishRun(recorder, totalS, now(), interrupted, { lateOutcomes: recorder.lateOutcomes, maxVUs }, warnings);
  }

  private async runOpen(opts: LoadRunOptions): Promise<LoadRunResult> {
    const p = opts.plan.profile;
    const totalS = durationS({ stages: p.rateStages });
    const client = new LoadHttpClient(opts.baseUrl, Math.max(1, p.maxVUs), p.timeoutMs, opts.plan.connections === 'per-iteration');
    const recorder = new LoadRecorder(opts.onSecond, recorderOptionsFor(opts));
    const pick = requestPicker(p.requests);
    const clock = opts.clock;
    const now = (): number => clock.nowMs();
    let inFlight = 0;
    let dropped = 0;
    const running = new Set<Promise<void>>();

    opts.health?.inFlightGauge(() => inFlight);
    clock.start();
    const startedPerf = performance.now();
    let owed = 0;
    let last = startedPerf;
    let interrupted = false;
    try {
      while (!opts.signal.aborted) {
        const nowPerf = performance.now();
        const tS = (nowPerf - startedPerf) / 1000;
        if (tS >= totalS) break;
        owed += (targetAt(p.startRate, p.rateStages, tS) * (nowPerf - last)) / 1000;
        last = nowPerf;
        while (owed >= 1) {
          owed -= 1;
          if (inFlight >= p.maxVUs) {
            dropped++;
            recorder.dropped(now());
            continue;
          }
          inFlight++;
          const pr = client.get(pick().path, now).then((o) => {
            recorder.record(o);
            inFlight--;
          });
          running.add(pr);
          void pr.finally(() => running.delete(pr));
        }
        recorder.setVUs(now(), inFlight);
        await sleep(10);
      }
      interrupted = opts.signal.aborted;
    } finally {
      await drain(running, p, () => client.close());
    }
    const warnings = dropped > 0 ? [`${dropped} arrivals dropped: maxVUs ${p.maxVUs} were all busy`] : [];
    return finishRun(recorder, totalS, now(), interrupted, { dropped, maxVUs: p.maxVUs }, warnings);
  }
}

/** In-flight requests finish (bounded by the request timeout), then the connections close. */
async function drain(running: Iterable<Promise<void>>, p: Profile, close: () => Promise<void>): Promise<void> {
  await Promise.race([Promise.allSettled([...running]), sleep(p.timeoutMs + 1000, undefined, { ref: false })]);
  await close();
}

/**
 * One client per closed-model VU, each with a single connection: per-vu keeps it alive for
 * the VU's life, per-iteration opens a new one for every request (an iteration is one
 * request). A shared pool would hand an idle VU's request to whichever connection is free,
 * so per-vu would open only as many connections as requests were ever in flight at once.
 */
class UserClients {
  private readonly byVu = new Map<number, LoadHttpClient>();

  constructor(private readonly baseUrl: string, private readonly timeoutMs: number, private readonly connections: ConnectionModel) {}

  of(id: number): LoadHttpClient {
    let c = this.byVu.get(id);
    if (c === undefined) {
      c = new LoadHttpClient(this.baseUrl, 1, this.timeoutMs, this.connections === 'per-iteration');
      this.byVu.set(id, c);
    }
    return c;
  }

  async close(id: number): Promise<void> {
    const c = this.byVu.get(id);
    this.byVu.delete(id);
    await c?.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.byVu.values()];
    this.byVu.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}

/** Emit the last seconds and describe the run the same way for both models. */
function finishRun(recorder: LoadRecorder, totalS: number, nowMs: number, interrupted: boolean, extra: Record<string, number>, warnings: string[]): LoadRunResult {
  const ranS = Math.min(totalS, Math.ceil(nowMs / 1000));
  recorder.finish(ranS - 1);
  return { durationS: ranS, interrupted, summary: { requests: recorder.totalRequests, failures: recorder.totalFailures, ...extra }, warnings };
}
