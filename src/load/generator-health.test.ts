import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GeneratorHealthSecond } from '../model/index.ts';
import { GeneratorHealthSampler, type HealthReaders, type LoopDelayMonitor } from './generator-health.ts';

/**
 * A machine made of numbers: real time moves only when the test says; timers fire on time
 * (`advanceTo`) or all at once, late (`jumpTo`, a blocked event loop).
 */
class FakeMachine {
  real = 0;
  startAt: number | null = null;
  cpuUs = 0;
  host = { user: 1000, system: 500, idle: 8000, iowait: 500, steal: 0 };
  pidTicks: number | null = null;
  procReadable = true;
  loop = { p99Ns: 0, maxNs: 0, count: 0, enabled: false, resets: 0 };
  private timers: Array<{ at: number; fn: () => void }> = [];

  readonly clock = {
    get started(): boolean {
      return machine().startAt !== null;
    },
    nowMs: (): number => this.real - (this.startAt ?? this.real),
  };

  readonly readers: HealthReaders = {
    processCpuUs: () => this.cpuUs,
    readText: (path) => {
      if (!this.procReadable) return null;
      if (path === '/proc/stat') {
        const h = this.host;
        return `cpu  ${h.user} 0 ${h.system} ${h.idle} ${h.iowait} 0 0 ${h.steal} 0 0\ncpu0 1 2 3 4\n`;
      }
      if (path === '/proc/4242/stat' && this.pidTicks !== null) return `4242 (k6) S 1 1 1 0 -1 0 0 0 0 0 ${this.pidTicks} 0 0 0 20 0 9 0 1 1 1`;
      return null;
    },
    loopDelay: (): LoopDelayMonitor => {
      const l = this.loop;
      return {
        enable: () => (l.enabled = true),
        disable: () => !(l.enabled = false),
        reset: () => void l.resets++,
        percentile: () => l.p99Ns,
        get max() {
          return l.maxNs;
        },
        get count() {
          return l.count;
        },
      };
    },
    loopResolutionMs: 10,
    ticksPerS: 100,
  };

  after = (ms: number, fn: () => void): (() => void) => {
    const t = { at: this.real + ms, fn };
    this.timers.push(t);
    return () => void (this.timers = this.timers.filter((x) => x !== t));
  };

  /** timers fire at their due time */
  advanceTo(real: number): void {
    for (;;) {
      const due = this.timers.filter((t) => t.at <= real).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.real = Math.max(this.real, due.at);
      due.fn();
    }
    this.real = real;
  }

  /** the loop was blocked: time moves, then every due timer fires late, now */
  jumpTo(real: number): void {
    this.real = real;
    this.advanceTo(real);
  }
}
let current: FakeMachine;
const machine = (): FakeMachine => current;

function setup(): { m: FakeMachine; out: GeneratorHealthSecond[]; s: GeneratorHealthSampler } {
  const m = (current = new FakeMachine());
  const out: GeneratorHealthSecond[] = [];
  const s = new GeneratorHealthSampler({ clock: m.clock, emit: (r) => out.push(r), readers: m.readers, after: m.after });
  return { m, out, s };
}

describe('GeneratorHealthSampler', () => {
  it('waits for load start, then emits one record per run-clock second with CPU, loop delay, in-flight and host figures', () => {
    const { m, out, s } = setup();
    s.start();
    assert.equal(m.loop.enabled, true);
    s.inFlightGauge(() => 7);
    m.advanceTo(120);
    assert.equal(out.length, 0);
    m.startAt = 150; // load starts; the sampler sees it at its next 100 ms look (real 200 = t 50)
    m.advanceTo(1000);
    // during t 50 … 1000 (950 ms): 475 ms of CPU, host 190 ticks of which 95 idle and 19 steal
    m.cpuUs += 475_000;
    m.host.user += 76;
    m.host.steal += 19;
    m.host.idle += 95;
    m.loop.p99Ns = 13e6; // the monitor's values include its 10 ms interval
    m.loop.maxNs = 18e6;
    m.loop.count = 95;
    m.advanceTo(1150);
    assert.deepEqual(out, [{ t: 0, spanMs: 950, harnessCpuPercent: 50, loopDelayP99Ms: 3, loopDelayMaxMs: 8, inFlight: 7, hostBusyPercent: 50, hostStealPercent: 10 }]);
    assert.ok(m.loop.resets >= 2, 'the monitor is reset at the baseline and after each read');
  });

  it('a tick that comes late (blocked loop) fills every second it spans, its lateness as their loop delay', () => {
    const { m, out, s } = setup();
    m.startAt = 0;
    s.start();
    m.advanceTo(1000);
    m.loop.p99Ns = 12e6;
    m.loop.maxNs = 14e6;
    m.loop.count = 60;
    m.cpuUs += 2_500_000;
    m.jumpTo(3500); // the tick due at t=2000 runs at t=3500
    assert.deepEqual(out.map((r) => r.t), [0, 1, 2]);
    const late = out.slice(1);
    for (const r of late) {
      assert.equal(r.spanMs, 2500);
      assert.equal(r.loopDelayP99Ms, 1500);
      assert.equal(r.loopDelayMaxMs, 1500);
      assert.equal(r.harnessCpuPercent, 100);
    }
    m.advanceTo(3900);
    s.stop();
    assert.deepEqual(out.map((r) => r.t), [0, 1, 2, 3], 'stop emits the measured part of the last second');
    assert.equal(out[3]!.spanMs, 400);
    assert.equal(out[3]!.loopDelayP99Ms, 500, 'the stall reached 500 ms into second 3');
    assert.equal(m.loop.enabled, false);
    s.stop();
    assert.equal(out.length, 4, 'stop is idempotent');
  });

  it('a tick 120 ms late is a 120 ms stall in the second it was due and in the next; an on-time tick keeps the monitor figures', () => {
    const { m, out, s } = setup();
    m.startAt = 0;
    s.start();
    m.loop.p99Ns = 12e6;
    m.loop.maxNs = 15e6;
    m.loop.count = 90;
    m.jumpTo(1120);
    assert.equal(out[0]!.loopDelayP99Ms, 120);
    m.advanceTo(2000);
    assert.equal(out[1]!.loopDelayP99Ms, 120);
    m.advanceTo(3000);
    assert.deepEqual([out[2]!.loopDelayP99Ms, out[2]!.loopDelayMaxMs], [2, 5]);
  });

  it('k6: CPU of the pid the driver gives, from /proc/<pid>/stat ticks', () => {
    const { m, out, s } = setup();
    m.startAt = 0;
    s.start();
    m.pidTicks = 3;
    s.generatorPid(4242);
    m.advanceTo(900);
    m.pidTicks = 153; // 150 ticks = 1.5 s of CPU in 1 s
    m.advanceTo(1000);
    assert.equal(out[0]!.k6CpuPercent, 150);
    assert.equal('inFlight' in out[0]!, false, 'no gauge given, no in-flight figure');
    m.pidTicks = null; // k6 has exited
    m.advanceTo(2000);
    assert.equal('k6CpuPercent' in out[1]!, false);
  });

  it('where /proc cannot be read, host figures are null and nothing else is lost', () => {
    const { m, out, s } = setup();
    m.procReadable = false;
    m.startAt = 0;
    s.start();
    m.cpuUs = 100_000;
    m.advanceTo(1000);
    assert.equal(out[0]!.hostBusyPercent, null);
    assert.equal(out[0]!.hostStealPercent, null);
    assert.equal(out[0]!.harnessCpuPercent, 10);
  });

  it('a failing emit is kept as a warning, sampling goes on', () => {
    const m = (current = new FakeMachine());
    let calls = 0;
    const s = new GeneratorHealthSampler({ clock: m.clock, emit: () => { calls++; throw new Error('disk full'); }, readers: m.readers, after: m.after });
    m.startAt = 0;
    s.start();
    m.advanceTo(3000);
    assert.equal(calls, 3);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0]!, /second 0 could not be saved \(disk full\)/);
  });

  it('stopped before load started: emits nothing, leaves no timer behind', () => {
    const { m, out, s } = setup();
    s.start();
    m.advanceTo(300);
    s.stop();
    m.startAt = 400;
    m.advanceTo(5000);
    assert.deepEqual(out, []);
  });
});
