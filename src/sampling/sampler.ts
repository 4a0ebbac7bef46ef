import type { PlatformEvent, PlatformSecond } from '../model/index.ts';
import type { Clock } from '../model/clock.ts';

export interface SamplerSink {
  /** one platform observation per second, t = second index since load start (negatives dropped by the run) */
  second(s: PlatformSecond): void;
  event(e: PlatformEvent): void;
}

/**
 * A Sampler watches a target while load runs and reports platform series and events.
 * `start` returns once watching has begun (it may do an initial list); `stop` is idempotent
 * and resolves when every watch/poll has ended. A sampler never throws after start:
 * it reports what it could not see as `gap` seconds and watch-gap events.
 */
export interface Sampler {
  start(clock: Clock, sink: SamplerSink): Promise<void>;
  stop(): Promise<void>;
}
