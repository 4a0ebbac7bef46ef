import type { FaultSchedule } from '../../scenarios/lib/index.ts';
import type { Clock, FaultWindow, PlatformEvent, TargetCapabilities } from '../model/index.ts';
import type { Fault, FaultContext, FaultKind, FaultNotice } from './fault.ts';
import { faults as defaultRegistry } from './registry.ts';

export interface FaultSchedulerOptions {
  /** the leg's run clock: faults fire at `atS` after load start */
  clock: Clock;
  /** the profile's fault schedule */
  schedule: readonly FaultSchedule[];
  caps: TargetCapabilities;
  targetName: string;
  /** platform events for the timeline (fault-apply, fault-recover, rollout-*) */
  event: (e: PlatformEvent) => void;
  notify: (n: FaultNotice) => void;
  /**
   * Called right after a fault was injected, with its recovery: the run puts it on its
   * teardown stack, so the fault is undone whatever happens next (recover is idempotent).
   */
  deferRecovery: (name: string, recover: () => Promise<void>) => void;
  /** Ctrl-C: no fault fires after it aborts */
  signal?: AbortSignal;
  /** fault kind → implementation (tests; default the faults registry) */
  registry?: Readonly<Record<FaultKind, Fault>>;
}

/**
 * Fires a leg's faults on the run clock with timers (no polling), recovers each on its
 * schedule, and hands every recovery to the teardown stack as soon as the fault is in.
 * Lifecycle: `arm()` before load starts → `stop()` when load ends (or fails) → after
 * teardown, `notesAfter()`.
 */
export class FaultScheduler {
  /** windows of the faults injected so far, in order (endMs filled in by recovery) */
  readonly windows: FaultWindow[] = [];
  private readonly registry: Readonly<Record<FaultKind, Fault>>;
  private readonly ctrl = new AbortController();
  private readonly ctx: FaultContext;
  private readonly cancels = new Set<() => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly errors: Error[] = [];
  private stopped = false;
  private readonly onAbort = (): void => this.cancelPending();

  constructor(private readonly o: FaultSchedulerOptions) {
    this.registry = o.registry ?? defaultRegistry;
    this.ctx = { caps: o.caps, targetName: o.targetName, nowMs: () => o.clock.nowMs(), event: o.event, notify: o.notify, signal: this.ctrl.signal };
  }

  /** Before the run starts: every scheduled fault's capability is there, else HarnessError (usage). */
  static check(schedule: readonly FaultSchedule[], caps: TargetCapabilities, targetName: string, registry: Readonly<Record<FaultKind, Fault>> = defaultRegistry): void {
    for (const s of schedule) registry[s.kind].check(caps, targetName);
  }

  /** Notes the report states before any fault fires (one set per fault kind). */
  notesBefore(): string[] {
    const kinds = [...new Set(this.o.schedule.map((s) => s.kind))];
    return kinds.flatMap((k) => this.registry[k].notesBefore(this.o.caps));
  }

  /** Set a timer per scheduled fault; they fire once the clock reaches `atS` (after load start). Call once. */
  arm(): void {
    if (this.o.signal?.aborted) return;
    this.o.signal?.addEventListener('abort', this.onAbort, { once: true });
    for (const s of this.o.schedule) this.timer(s.atS * 1000, () => this.fire(s));
  }

  /**
   * No fault fires or recovers on schedule after this (the teardown stack recovers them);
   * background waits are aborted; resolves once injections in progress have finished, so
   * their recoveries are on the teardown stack. Returns the faults' errors. Idempotent.
   */
  async stop(): Promise<Error[]> {
    this.stopped = true;
    this.cancelPending();
    this.o.signal?.removeEventListener('abort', this.onAbort);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.ctrl.abort();
    return [...this.errors];
  }

  /** Notes for the report once teardown has recovered what it could. */
  notesAfter(): string[] {
    return this.windows.flatMap((w) => this.registry[w.kind].notesAfter(w));
  }

  private cancelPending(): void {
    for (const c of this.cancels) c();
    this.cancels.clear();
  }

  private timer(atMs: number, fn: () => Promise<void>): void {
    const cancel = this.o.clock.at(atMs, () => {
      this.cancels.delete(cancel);
      if (this.stopped) return;
      const p = fn().catch((e: unknown) => void this.errors.push(e instanceof Error ? e : new Error(String(e))));
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    });
    this.cancels.add(cancel);
  }

  private async fire(s: FaultSchedule): Promise<void> {
    const fault = this.registry[s.kind];
    let w: FaultWindow;
    try {
      w = await fault.apply(this.ctx, s);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.o.notify({ kind: 'failed', fault: s.kind, subject: null, atMs: this.o.clock.nowMs(), summary: `${s.kind} could not be injected: ${err.message}` });
      throw err;
    }
    this.windows.push(w);
    this.o.deferRecovery(`${this.o.targetName} ${s.kind} recover`, () => fault.recover(this.ctx, w));
    const afterS = fault.recoverAfterS(this.ctx, s);
    if (afterS !== null && !this.stopped) this.timer(w.startMs + afterS * 1000, () => fault.recover(this.ctx, w));
  }
}
