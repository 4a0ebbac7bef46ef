import type { Clock, GeneratorHealthSecond, LoadSecond, PlatformEvent, PlatformSecond, StartSecond } from '../model/index.ts';
import type { SeriesWriter } from '../store/run-store.ts';

/**
 * A leg's series as they arrive: kept in memory for the figures and appended to the run
 * directory at once (an interrupted run stays readable). Platform events stamped before
 * load start are held until t=0 is known and then written with their true, negative,
 * offset from load start — never the clock's pre-start stamp.
 */
export class LegSeries {
  readonly load: LoadSecond[] = [];
  /** by start second (availability), about one request timeout behind `load` */
  readonly starts: StartSecond[] = [];
  private readonly platformByT = new Map<number, PlatformSecond>();
  private held: PlatformEvent[] = [];

  constructor(private readonly writer: SeriesWriter, private readonly clock: Clock) {}

  loadSecond(s: LoadSecond): void {
    this.release();
    this.load.push(s);
    this.writer.load(s);
  }

  startSecond(s: StartSecond): void {
    this.starts.push(s);
    this.writer.start(s);
  }

  /** The generator's health of one second: written only (the report judges it from the file). */
  healthSecond(h: GeneratorHealthSecond): void {
    this.writer.health(h);
  }

  /** Keeps the first observation of each second t ≥ 0; false when it was dropped. */
  platformSecond(s: PlatformSecond): boolean {
    if (s.t < 0 || this.platformByT.has(s.t)) return false;
    this.platformByT.set(s.t, s);
    this.writer.platform(s);
    return true;
  }

  event(e: PlatformEvent): void {
    const atMs = this.clock.offsetMs(e.atMs);
    if (atMs === null) {
      this.held.push(e);
      return;
    }
    this.release();
    this.writer.event({ ...e, atMs });
  }

  /**
   * The leg is over: events still held (load never started) are written relative to now,
   * the moment the leg stopped — the t=0 the load would have had. Idempotent.
   */
  close(): void {
    if (this.clock.started) return this.release();
    const nowMs = this.clock.nowMs();
    for (const e of this.held) this.writer.event({ ...e, atMs: e.atMs - nowMs });
    this.held = [];
  }

  platform(): PlatformSecond[] {
    return [...this.platformByT.values()].sort((a, b) => a.t - b.t);
  }

  private release(): void {
    if (this.held.length === 0) return;
    const held = this.held;
    this.held = [];
    for (const e of held) this.writer.event({ ...e, atMs: this.clock.offsetMs(e.atMs) ?? e.atMs });
  }
}
