/**
 * Test kit: a TimeSource whose time moves only when a test (or the FakeDriver) says so.
 * `advance(ms)` fires every timer that falls due, in time order, and lets the promise
 * chains they start run before the next one — so a run's seconds, fault timers and
 * recoveries happen in milliseconds of real time, deterministically.
 */
import type { TimeSource } from '../model/clock.ts';

interface Timer {
  id: number;
  atMs: number;
  fn: () => void;
}

/** One turn of the event loop: every pending microtask (promise continuation) runs first. */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

export class FakeTime implements TimeSource {
  private now = 0;
  private nextId = 0;
  private readonly timers = new Map<number, Timer>();

  constructor(private readonly epochAtZeroMs = Date.UTC(2026, 0, 1)) {}

  nowMs(): number {
    return this.now;
  }

  epochMs(): number {
    return this.epochAtZeroMs + this.now;
  }

  after(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.set(id, { id, atMs: this.now + Math.max(0, ms), fn });
    return () => void this.timers.delete(id);
  }

  /** timers not yet fired */
  get pending(): number {
    return this.timers.size;
  }

  /** Move time forward by `ms`, firing due timers in order (ties: first armed first). */
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    await settle();
    for (;;) {
      const due = [...this.timers.values()].filter((t) => t.atMs <= until).sort((a, b) => a.atMs - b.atMs || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers.delete(due.id);
      this.now = due.atMs;
      due.fn();
      await settle();
    }
    this.now = until;
    await settle();
  }
}
