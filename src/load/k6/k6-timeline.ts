/**
 * The k6 driver's sink: requests, VUs, dropped arrivals and version / served-by counts
 * (k6's `capbench_version` counter points, which arrive apart from the request points)
 * all go to the shared LoadRecorder, so k6 and the builtin driver make the same timeline.
 */
import type { LoadSecond } from '../../model/index.ts';
import { LoadRecorder, type RequestOutcome } from '../recorder.ts';
import type { K6PointSink } from './ndjson-parser.ts';

export class K6Timeline implements K6PointSink {
  readonly recorder: LoadRecorder;
  /** emitted seconds so far */
  seconds = 0;

  /**
   * @param emit every finished second, in order, without holes
   * @param latenessS how long a second stays open for late points (k6 flushes its JSON
   *   output about once a second, so the default leaves room for that)
   */
  constructor(emit: (s: LoadSecond) => void, latenessS = 3) {
    this.recorder = new LoadRecorder((s) => {
      this.seconds = s.t + 1;
      emit(s);
    }, latenessS);
  }

  /** version points (and outcomes) that arrived for a second already emitted */
  get lateVersionPoints(): number {
    return this.recorder.lateOutcomes;
  }

  record(o: RequestOutcome): void {
    this.recorder.record(o);
  }

  setVUs(atMs: number, vus: number): void {
    this.recorder.setVUs(atMs, vus);
  }

  dropped(atMs: number, count: number): void {
    this.recorder.dropped(atMs, count);
  }

  version(atMs: number, version: string, servedBy: string, count: number): void {
    this.recorder.countVersion(atMs, version, servedBy, count);
  }

  /** End of load: emit every second up to and including `lastT` (and any later one holding data). */
  finish(lastT: number): void {
    this.recorder.finish(lastT);
  }
}
