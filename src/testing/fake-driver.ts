/**
 * Test kit: a LoadDriver that sends no request. It starts the run clock, then for each
 * second of the profile advances the FakeTime by 1 s (fault timers and samplers fire on
 * the way) and hands over a LoadSecond shaped by `second(t)`, with a real HDR histogram.
 * It stops early, interrupted, when the signal aborts — as the real drivers do. Steps:
 * `warm-up`, `load.start`, `second <t>` after each second, `load.end`.
 */
import { durationS } from '../../scenarios/lib/index.ts';
import type { LoadDriver, LoadRunOptions, LoadRunResult, WarmUpOptions } from '../load/driver.ts';
import { encodeHistogram, newHistogram, recordMs } from '../measure/histogram.ts';
import type { LoadSecond } from '../model/index.ts';
import type { FakeTime } from './fake-clock.ts';
import type { StepLog } from './step-log.ts';

/** What users saw in one second: `requests` completed, `failures` of them failed, all at `latencyMs`. */
export interface FakeSecond {
  requests: number;
  failures?: number;
  latencyMs: number;
  vus?: number;
}

export interface FakeDriverOptions {
  time: FakeTime;
  log: StepLog;
  /** default: 50 requests at 20 ms, none failed, 10 VUs */
  second?: (t: number) => FakeSecond;
}

export function fakeLoadSecond(t: number, s: FakeSecond): LoadSecond {
  const h = newHistogram();
  for (let i = 0; i < s.requests; i++) recordMs(h, s.latencyMs);
  const failures = s.failures ?? 0;
  return {
    t,
    vus: s.vus ?? 10,
    requests: s.requests,
    failures,
    failuresByReason: failures > 0 ? { status_503: failures } : {},
    histogram: encodeHistogram(h),
    servedBy: {},
    versions: { v1: s.requests - failures },
  };
}

export class FakeDriver implements LoadDriver {
  readonly name = 'builtin' as const;
  /** the plans run() was given (tests: which SLO reached the driver) */
  readonly plans: LoadRunOptions['plan'][] = [];

  constructor(private readonly o: FakeDriverOptions) {}

  async version(): Promise<string> {
    return 'fake driver 1';
  }

  /** Takes the profile's warm-up time on the FakeTime (unless stopped first); records nothing. */
  async warmUp(opts: WarmUpOptions): Promise<void> {
    await this.o.log.step('warm-up');
    if (!opts.signal.aborted) await this.o.time.advance(opts.plan.profile.warmupS * 1000);
  }

  async run(opts: LoadRunOptions): Promise<LoadRunResult> {
    this.plans.push(opts.plan);
    await this.o.log.step('load.start');
    const totalS = durationS(opts.plan.profile);
    const shape = this.o.second ?? (() => ({ requests: 50, latencyMs: 20 }));
    opts.clock.start();
    let ran = 0;
    while (ran < totalS && !opts.signal.aborted) {
      await this.o.time.advance(1000);
      opts.onSecond(fakeLoadSecond(ran, shape(ran)));
      ran++;
      await this.o.log.step(`second ${ran - 1}`);
    }
    await this.o.log.step('load.end');
    return { durationS: ran, interrupted: ran < totalS, summary: {}, warnings: [] };
  }
}
