/**
 * The load generator's own health, one record per second of load, for one target: was the
 * generator able to keep its schedule, or did it (or the machine it runs on) run out of
 * CPU? Written beside the load timeline (`health.ndjson`), judged by
 * src/measure/generator-bound.ts, drawn under each target in the report.
 *
 * Dropped arrivals are not repeated here: they are `LoadSecond.dropped` of the same second
 * (the builtin driver's arrivals with no free VU; k6's `dropped_iterations`).
 */
export interface GeneratorHealthSecond {
  /** second index on the run clock, 0 = first second of load (same t as LoadSecond) */
  t: number;
  /**
   * length of the measured interval this record describes, ms — about 1000; longer when the
   * sampler's own tick came late (a blocked event loop): then every second the interval
   * spans gets the same figures
   */
  spanMs: number;
  /**
   * CPU time of the harness process over the interval, % of one core (user + system from
   * `process.cpuUsage()`; 100 = one core fully busy; above 100 when GC or libuv threads add
   * to the main thread). With the builtin driver this is the load generator itself.
   */
  harnessCpuPercent: number;
  /**
   * p99 of the harness's event-loop delay over the interval, ms (`perf_hooks`
   * `monitorEventLoopDelay` at 20 ms resolution, the resolution subtracted: a stall of D ms
   * reads as D − 20 … D; with about 50 samples a second this is the second's worst stall). The sampler's own tick
   * counts as one more sample: a tick that ran late means the loop was stalled from its due
   * time on, and that stall is counted in the second it was due and every second it reached.
   */
  loopDelayP99Ms: number;
  /** largest event-loop delay of the interval, ms */
  loopDelayMaxMs: number;
  /**
   * requests the driver had in flight when the second ended; absent when the driver does not
   * report it (k6: its active VUs are `LoadSecond.vus`)
   */
  inFlight?: number;
  /**
   * CPU time of the k6 process over the interval, % of one core (utime + stime from
   * `/proc/<pid>/stat`; k6 uses every core, so up to 100 × cores); absent when the driver is
   * not k6 or the process could not be read
   */
  k6CpuPercent?: number;
  /**
   * the machine's CPU busy over the interval, % of all cores' time (from `/proc/stat`
   * deltas: everything but idle and iowait, steal included); null where /proc/stat cannot be
   * read (not Linux)
   */
  hostBusyPercent: number | null;
  /**
   * the machine's CPU steal over the interval, % of all cores' time (time its virtual CPUs
   * waited for the hypervisor; part of hostBusyPercent); null where /proc/stat cannot be read
   */
  hostStealPercent: number | null;
}
