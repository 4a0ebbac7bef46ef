/** The run's one monotonic clock. t=0 is load start; before start, `nowMs()` is negative-free 0-based on creation. */
export class Clock {
  private readonly origin = performance.now();
  private startAt: number | null = null;

  /** Mark load start. Idempotent: the first call wins. */
  start(): void {
    if (this.startAt === null) this.startAt = performance.now();
  }

  get started(): boolean {
    return this.startAt !== null;
  }

  /** ms since load start; negative before it (warm-up, deploy). */
  nowMs(): number {
    const now = performance.now();
    return this.startAt === null ? -(1e9 - (now - this.origin)) : now - this.startAt;
  }

  /** wall-clock epoch ms of load start (for mapping k6 timestamps) */
  epochAtStart(): number | null {
    return this.startAt === null ? null : Date.now() - (performance.now() - this.startAt);
  }
}
