import type { StartSecond } from '../model/index.ts';
import { encodeHistogram, newHistogram, recordMs, type Histogram } from '../measure/histogram.ts';

interface OpenStart {
  requests: number;
  failures: number;
  failuresByReason: Record<string, number>;
  histogram: Histogram | null;
  waiting: number;
  waitingFailures: number;
}

/**
 * Puts finished requests into the second they *started* in (DESIGN.md: availability is what
 * a user who arrived then got) and hands each start second to `emit`, in order and without
 * holes, once it is final. A request started in second t completes at the latest one timeout
 * after t ends, so t is final once completions `timeoutMs` + `latenessS` past its end have
 * been seen; until then it stays open (memory: one timeout's worth of seconds).
 * Used by LoadRecorder, which feeds it every outcome and the completion frontier.
 */
export class StartRecorder {
  private readonly open = new Map<number, OpenStart>();
  private emittedUpTo = -1;
  private maxStartT = -1;
  /** seconds between a start second's end and the completion second that makes it final */
  private readonly delayS: number;
  /** outcomes whose start second had already been written (not counted there) */
  lateOutcomes = 0;

  constructor(private readonly emit: (s: StartSecond) => void, timeoutMs: number, latenessS: number) {
    this.delayS = Math.ceil(Math.max(0, timeoutMs) / 1000) + 1 + latenessS;
  }

  private bucket(t: number): OpenStart {
    let b = this.open.get(t);
    if (!b) {
      b = { requests: 0, failures: 0, failuresByReason: {}, histogram: null, waiting: 0, waitingFailures: 0 };
      this.open.set(t, b);
    }
    return b;
  }

  /**
   * One finished request: started at `startMs`, ended at `endMs` (ms since load start),
   * `reason` null when it succeeded. Requests started before t=0 (warm-up) only count as
   * waiting in the seconds ≥ 0 they were still in flight.
   */
  record(startMs: number, endMs: number, durationMs: number, reason: string | null): void {
    const t = Math.floor(startMs / 1000);
    if (startMs >= 0) {
      if (t <= this.emittedUpTo) {
        this.lateOutcomes++;
        return;
      }
      const b = this.bucket(t);
      b.requests++;
      b.histogram ??= newHistogram();
      recordMs(b.histogram, durationMs);
      if (reason !== null) {
        b.failures++;
        b.failuresByReason[reason] = (b.failuresByReason[reason] ?? 0) + 1;
      }
      if (t > this.maxStartT) this.maxStartT = t;
    }
    // the seconds that began while this request was in flight: its user was waiting through them
    const last = Math.ceil(endMs / 1000) - 1;
    for (let s = Math.max(t + 1, this.emittedUpTo + 1, 0); s <= last; s++) {
      const b = this.bucket(s);
      b.waiting++;
      if (reason !== null) b.waitingFailures++;
    }
  }

  /** Completions up to second `frontierT` have been seen (up to the lateness): emit what is final. */
  advance(frontierT: number): void {
    this.flushBefore(frontierT - this.delayS);
  }

  /** Emit every start second < t, also empty ones. */
  flushBefore(t: number): void {
    for (let s = this.emittedUpTo + 1; s < t; s++) {
      const b = this.open.get(s);
      this.open.delete(s);
      this.emit({
        t: s,
        requests: b?.requests ?? 0,
        failures: b?.failures ?? 0,
        failuresByReason: b?.failuresByReason ?? {},
        histogram: b?.histogram ? encodeHistogram(b.histogram) : '',
        waiting: b?.waiting ?? 0,
        waitingFailures: b?.waitingFailures ?? 0,
      });
      this.emittedUpTo = s;
    }
  }

  /** End of load, every request finished: emit up to and including `lastT` (and any later start). */
  finish(lastT: number): void {
    this.flushBefore(Math.max(lastT, this.maxStartT) + 1);
  }
}
