/**
 * Where the run clock's time comes from: real time in a run, a fake one in tests
 * (src/testing/fake-clock.ts) so orchestrator tests need no sleep.
 */
export interface TimeSource {
  /** monotonic milliseconds (performance.now() in real time) */
  nowMs(): number;
  /** wall-clock epoch milliseconds (Date.now() in real time) */
  epochMs(): number;
  /** call `fn` once, `ms` from now; returns a cancel function (idempotent) */
  after(ms: number, fn: () => void): () => void;
}

export const realTime: TimeSource = {
  nowMs: () => performance.now(),
  epochMs: () => Date.now(),
  after(ms, fn) {
    const h = setTimeout(fn, ms);
    return () => clearTimeout(h);
  },
};

/**
 * How far below zero `nowMs()` stamps before load start: t=0 is not known yet, so a
 * pre-start stamp is `ms since the clock was made − PRE_START_MS` — far negative, in time
 * order, and mapped to its true offset by `offsetMs()` once load has started.
 */
export const PRE_START_MS = 1e9;

/**
 * The run's one monotonic clock: t=0 is load start (the driver calls `start()`); samplers,
 * faults and the load all stamp with `nowMs()`, and faults fire on it with `at()`.
 */
export class Clock {
  private readonly origin: number;
  private startAt: number | null = null;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly time: TimeSource = realTime) {
    this.origin = time.nowMs();
  }

  /** Mark load start. Idempotent: the first call wins. Arms every `at()` waiting for it. */
  start(): void {
    if (this.startAt !== null) return;
    this.startAt = this.time.nowMs();
    const arms = [...this.waiting];
    this.waiting.clear();
    for (const arm of arms) arm();
  }

  get started(): boolean {
    return this.startAt !== null;
  }

  /** ms since load start; before start, a stamp far below zero (see PRE_START_MS). */
  nowMs(): number {
    const now = this.time.nowMs();
    return this.startAt === null ? now - this.origin - PRE_START_MS : now - this.startAt;
  }

  /**
   * The true offset from load start of a stamp `nowMs()` gave, before or after start
   * (pre-start stamps become negative offsets); null while load has not started.
   */
  offsetMs(stampMs: number): number | null {
    if (this.startAt === null) return null;
    return stampMs < -PRE_START_MS / 2 ? stampMs + PRE_START_MS - (this.startAt - this.origin) : stampMs;
  }

  /** wall-clock epoch ms of load start (for mapping k6 timestamps) */
  epochAtStart(): number | null {
    return this.startAt === null ? null : this.time.epochMs() - (this.time.nowMs() - this.startAt);
  }

  /**
   * Call `fn` once the clock reads `atMs` (waiting for load start first; at once when that
   * time has passed). Never early: a timer that fires ahead of the clock is re-armed.
   * Returns a cancel function (idempotent).
   */
  at(atMs: number, fn: () => void): () => void {
    let cancelTimer: (() => void) | null = null;
    let done = false;
    const arm = (): void => {
      const wait = atMs - this.nowMs();
      const fire = (): void => {
        if (done) return;
        if (this.nowMs() < atMs) return arm();
        done = true;
        fn();
      };
      // never synchronously inside at() or start(): the caller holds no cancel function yet
      if (wait <= 0) queueMicrotask(fire);
      else cancelTimer = this.time.after(wait, fire);
    };
    if (this.started) arm();
    else this.waiting.add(arm);
    return () => {
      done = true;
      this.waiting.delete(arm);
      cancelTimer?.();
    };
  }
}
