/**
 * Test kit: the fixture app's fault windows — scripted ones relative to the clock start,
 * and the open-ended one a node crash opens (`faultNow` … `faultEnd`). Membership is
 * decided on the app's monotonic clock at a request's arrival (exact); `onEnd` runs once a
 * window has ended (at its scheduled end, never before) so the app can reset what it stalled.
 */
import type { FixtureFault, FixtureFaultKind, FixtureFaultWindow } from './fixture-config.ts';
import { runAt } from './run-at.ts';

export interface FaultWindow {
  readonly kind: FixtureFaultKind;
  readonly start: number;
  end: number;
  readonly source: 'script' | 'now';
  timer: { cancel(): void } | null;
  /** scripted windows: start and end as written, ms since the clock start (exact, no float round trip) */
  readonly scripted?: { startMs: number; endMs: number };
}

export class FaultWindows {
  private windows: FaultWindow[] = [];

  constructor(private readonly onEnd: (w: FaultWindow) => void) {}

  /** Replace the scripted windows by `faults` relative to `t0` (monotonic ms); ends the old ones. An open `now` window stays. */
  arm(t0: number, faults: readonly FixtureFault[]): void {
    const keep = this.windows.filter((w) => w.source === 'now');
    for (const w of this.windows) if (w.source === 'script') this.end(w);
    const scripted = faults.map((f): FaultWindow => {
      const startMs = f.startS * 1000;
      const endMs = (f.startS + f.lengthS) * 1000;
      return { kind: f.kind, start: t0 + startMs, end: t0 + endMs, source: 'script', timer: null, scripted: { startMs, endMs } };
    });
    for (const w of scripted) {
      w.timer = runAt(w.end, () => {
        w.timer = null;
        this.onEnd(w);
      });
    }
    this.windows = [...scripted, ...keep].sort((a, b) => a.start - b.start);
  }

  /** Open a window at `t` until close() (closing any open one first). */
  open(kind: FixtureFaultKind, t: number): void {
    this.close(t);
    this.windows.push({ kind, start: t, end: Infinity, source: 'now', timer: null });
  }

  /** Close the open `now` window at `t`. Idempotent. */
  close(t: number): void {
    for (const w of this.windows) {
      if (w.source !== 'now' || w.end !== Infinity) continue;
      w.end = t;
      this.onEnd(w);
    }
  }

  /** End every window (timers cancelled, onEnd called) and forget them. */
  clear(): void {
    for (const w of this.windows) this.end(w);
    this.windows = [];
  }

  private end(w: FaultWindow): void {
    w.timer?.cancel();
    w.timer = null;
    this.onEnd(w);
  }

  /** The window `t` falls in, if any. */
  at(t: number): FaultWindow | undefined {
    return this.windows.find((w) => w.start <= t && t < w.end);
  }

  /** The windows as they are, in ms relative to the clock (`rel`). */
  list(rel: (t: number) => number): FixtureFaultWindow[] {
    return this.windows.map((w) => ({
      kind: w.kind,
      startMs: w.scripted?.startMs ?? rel(w.start),
      endMs: w.scripted?.endMs ?? (Number.isFinite(w.end) ? rel(w.end) : null),
      source: w.source,
    }));
  }
}
