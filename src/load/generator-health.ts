/**
 * The load generator's own health, sampled once per second of the run clock: the harness
 * process's CPU and event-loop delay, the driver's in-flight requests, the k6 process's CPU,
 * and the machine's CPU busy and steal. One GeneratorHealthSecond per second, without holes;
 * src/measure/generator-bound.ts judges them.
 *
 * Cost: one timer per second that reads process.cpuUsage() and two small /proc files, plus
 * Node's event-loop delay monitor (a native timer every 20 ms; 10 ms would cost twice the CPU,
 * and the 50 ms bound does not need it). bench:self prints what it costs.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { GeneratorHealthSecond } from '../model/index.ts';
import { hostCpuPercent, parsePidStatTicks, parseProcStat, type HostCpuTicks } from './proc-stat.ts';

/**
 * What a load driver tells the health sampler about itself. The run passes one to
 * `LoadDriver.run` (LoadRunOptions.health); a driver calls what applies to it, at most once
 * each, and may ignore it altogether. Neither call blocks.
 */
export interface GeneratorHealthFeed {
  /** builtin driver, at load start: `read()` gives the requests in flight now; read once per second */
  inFlightGauge(read: () => number): void;
  /** k6 driver, when its child process has spawned: the pid whose CPU `/proc/<pid>/stat` gives */
  generatorPid(pid: number): void;
}

/** The part of perf_hooks' IntervalHistogram the sampler uses (values in ns). */
export interface LoopDelayMonitor {
  enable(): boolean;
  disable(): boolean;
  reset(): void;
  percentile(p: number): number;
  readonly max: number;
  readonly count: number;
}

/** Where readings come from: the real process and /proc by default, constructed ones in tests. */
export interface HealthReaders {
  /** user + system CPU time of this process so far, µs */
  processCpuUs(): number;
  /** a file's text, or null when it cannot be read (gone, not Linux) */
  readText(path: string): string | null;
  /** a new, disabled event-loop delay monitor sampling every `loopResolutionMs` */
  loopDelay(): LoopDelayMonitor;
  /** the monitor's sampling interval, ms: its values are time between samples, so this is subtracted */
  loopResolutionMs: number;
  /** clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux architecture Node supports) */
  ticksPerS: number;
}

const LOOP_RESOLUTION_MS = 20;

export const realHealthReaders: HealthReaders = {
  processCpuUs: () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  },
  readText: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  loopDelay: () => monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS }),
  loopResolutionMs: LOOP_RESOLUTION_MS,
  ticksPerS: 100,
};

/** The run clock as the sampler sees it (the run's Clock fits). */
export interface HealthClock {
  readonly started: boolean;
  /** ms since load start */
  nowMs(): number;
}

/** Call `fn` once, `ms` from now; returns a cancel function. */
export type After = (ms: number, fn: () => void) => () => void;

const realAfter: After = (ms, fn) => {
  const h = setTimeout(fn, ms);
  // the sampler must never keep a finished harness alive
  h.unref();
  return () => clearTimeout(h);
};

export interface GeneratorHealthSamplerOptions {
  clock: HealthClock;
  /** every finished second, in order, without holes */
  emit: (s: GeneratorHealthSecond) => void;
  readers?: HealthReaders;
  after?: After;
  /** how often to look whether load has started, ms (default 100) */
  startPollMs?: number;
}

interface Reading {
  atMs: number;
  cpuUs: number;
  host: HostCpuTicks | null;
}

const NS_PER_MS = 1e6;

/**
 * Samples the generator's health once per run-clock second from load start until `stop()`.
 * The orchestrator makes one per target and load, hands it to the driver as its
 * GeneratorHealthFeed, calls `start()` before the load and `stop()` after it.
 */
export class GeneratorHealthSampler implements GeneratorHealthFeed {
  /** what went wrong while sampling (a failing `emit`), for the run's notes */
  readonly warnings: string[] = [];
  private readonly readers: HealthReaders;
  private readonly after: After;
  private gauge: (() => number) | null = null;
  private pid: number | null = null;
  private k6: { ticks: number; atMs: number } | null = null;
  private last: Reading | null = null;
  private monitor: LoopDelayMonitor | null = null;
  private nextT = 0;
  private dueMs = 0;
  /** the part of the last tick's lateness that fell into the second not yet emitted, ms */
  private carryMs = 0;
  private cancel: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly o: GeneratorHealthSamplerOptions) {
    this.readers = o.readers ?? realHealthReaders;
    this.after = o.after ?? realAfter;
  }

  inFlightGauge(read: () => number): void {
    this.gauge = read;
  }

  generatorPid(pid: number): void {
    this.pid = pid;
    const ticks = this.pidTicks(pid);
    // read at spawn; a process too new to read has used no CPU yet
    this.k6 = { ticks: ticks ?? 0, atMs: this.o.clock.started ? this.o.clock.nowMs() : 0 };
  }

  /** Begin: enables the loop-delay monitor and waits for load start. Call once. Never blocks. */
  start(): void {
    if (this.monitor !== null || this.stopped) return;
    this.monitor = this.readers.loopDelay();
    this.monitor.enable();
    this.waitForStart();
  }

  /**
   * End: emits the seconds not yet emitted (the last one covering only its measured part)
   * and releases the monitor. Idempotent.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.cancel?.();
    if (this.last !== null) {
      const now = this.o.clock.nowMs();
      const endT = Math.ceil(now / 1000);
      if (endT > this.nextT && now > this.last.atMs) this.emitUpTo(now, endT, 0);
    }
    this.monitor?.disable();
  }

  private waitForStart(): void {
    if (this.stopped) return;
    if (!this.o.clock.started) {
      this.cancel = this.after(this.o.startPollMs ?? 100, () => this.waitForStart());
      return;
    }
    this.last = this.read(this.o.clock.nowMs());
    this.nextT = Math.max(0, Math.floor(this.last.atMs / 1000));
    this.monitor!.reset();
    this.arm();
  }

  private arm(): void {
    this.dueMs = (this.nextT + 1) * 1000;
    this.cancel = this.after(Math.max(0, this.dueMs - this.o.clock.nowMs()), () => this.tick());
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.o.clock.nowMs();
    const endT = Math.floor(now / 1000);
    // a timer may fire a hair before the clock reads its second: then only re-arm
    if (endT > this.nextT) this.emitUpTo(now, endT, now - this.dueMs);
    this.arm();
  }

  /** One interval [last, now] → one record for each second nextT … endT − 1 it completes. */
  private emitUpTo(now: number, endT: number, lateMs: number): void {
    const prev = this.last!;
    const cur = this.read(now);
    const spanMs = cur.atMs - prev.atMs;
    const m = this.monitor!;
    const seen = m.count > 0;
    // the monitor records the time between its samples: the delay is what exceeds its interval
    const res = this.readers.loopResolutionMs;
    const p99 = seen ? Math.max(0, m.percentile(99) / NS_PER_MS - res) : 0;
    const max = seen ? Math.max(0, m.max / NS_PER_MS - res) : 0;
    // the sampler's own tick is one more delay sample: a tick `lateMs` late means the loop was
    // stalled from its due time until now, and that stall reaches into the second now is in
    const stall = Math.max(lateMs, this.carryMs);
    this.carryMs = Math.max(0, Math.min(lateMs, now - endT * 1000));
    const host = prev.host !== null && cur.host !== null ? hostCpuPercent(prev.host, cur.host) : null;
    const k6CpuPercent = this.k6CpuPercent(now);
    const inFlight = this.gauge?.();
    const rec: Omit<GeneratorHealthSecond, 't'> = {
      spanMs: round(spanMs, 1),
      harnessCpuPercent: spanMs > 0 ? round((100 * (cur.cpuUs - prev.cpuUs)) / 1000 / spanMs, 1) : 0,
      loopDelayP99Ms: round(Math.max(p99, stall), 2),
      loopDelayMaxMs: round(Math.max(max, stall), 2),
      ...(inFlight === undefined ? {} : { inFlight }),
      ...(k6CpuPercent === null ? {} : { k6CpuPercent: round(k6CpuPercent, 1) }),
      hostBusyPercent: host === null ? null : round(host.busyPercent, 1),
      hostStealPercent: host === null ? null : round(host.stealPercent, 1),
    };
    this.last = cur;
    m.reset();
    for (let t = this.nextT; t < endT; t++) {
      try {
        this.o.emit({ t, ...rec });
      } catch (e) {
        if (this.warnings.length === 0) this.warnings.push(`generator health: second ${t} could not be saved (${(e as Error).message}); later failures not repeated`);
      }
    }
    this.nextT = endT;
  }

  private k6CpuPercent(now: number): number | null {
    if (this.pid === null || this.k6 === null) return null;
    const ticks = this.pidTicks(this.pid);
    if (ticks === null) return null;
    const spanMs = now - this.k6.atMs;
    const cpuMs = ((ticks - this.k6.ticks) * 1000) / this.readers.ticksPerS;
    this.k6 = { ticks, atMs: now };
    return spanMs > 0 ? (100 * cpuMs) / spanMs : null;
  }

  private pidTicks(pid: number): number | null {
    const text = this.readers.readText(`/proc/${pid}/stat`);
    return text === null ? null : parsePidStatTicks(text);
  }

  private read(atMs: number): Reading {
    const text = this.readers.readText('/proc/stat');
    return { atMs, cpuUs: this.readers.processCpuUs(), host: text === null ? null : parseProcStat(text) };
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
