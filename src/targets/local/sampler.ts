import { readFileSync } from 'node:fs';
import type { Clock } from '../../model/clock.ts';
import type { PlatformEvent, PlatformSecond } from '../../model/index.ts';
import type { Sampler, SamplerSink } from '../../sampling/sampler.ts';
import { httpStatus } from '../net.ts';
import { running, type LocalReplica } from './deploy.ts';

/** CPU time a process has run, in ns (first field of /proc/<pid>/schedstat); null where unreadable. */
export function cpuTimeNs(pid: number, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): number | null {
  try {
    const ns = Number(read(`/proc/${pid}/schedstat`).split(' ')[0]);
    return Number.isFinite(ns) ? ns : null;
  } catch {
    return null;
  }
}

/**
 * Cores one process used between two readings: Δ CPU time / Δ wall time (both ns).
 * Keeps the last reading per key; the first reading of a key gives null.
 */
export class CpuMeter {
  private readonly last = new Map<string, { cpuNs: number; atNs: bigint }>();

  cores(key: string, cpuNs: number | null, atNs: bigint = process.hrtime.bigint()): number | null {
    if (cpuNs === null) {
      this.last.delete(key);
      return null;
    }
    const prev = this.last.get(key);
    this.last.set(key, { cpuNs, atNs });
    if (prev === undefined || atNs <= prev.atNs || cpuNs < prev.cpuNs) return null;
    return (cpuNs - prev.cpuNs) / Number(atNs - prev.atNs);
  }

  /** forget keys not in `keep` (stopped replicas) */
  retain(keep: ReadonlySet<string>): void {
    for (const k of this.last.keys()) if (!keep.has(k)) this.last.delete(k);
  }
}

/**
 * Polls each replica once a second: process alive = running, /readyz 200 = ready, and its
 * CPU from /proc/<pid>/schedstat (Linux; absent elsewhere). `cpuCores` is the sum over the
 * running replicas, given only when every one of them has a reading.
 */
export class LocalSampler implements Sampler {
  private timer: NodeJS.Timeout | null = null;
  private prev = new Map<string, { running: boolean; ready: boolean }>();
  private readonly cpu = new CpuMeter();

  constructor(private readonly replicas: () => LocalReplica[], private readonly desired: () => number) {}

  async start(clock: Clock, sink: SamplerSink): Promise<void> {
    let busy = false;
    const tick = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        const atMs = clock.nowMs();
        const states = await Promise.all(
          this.replicas().map(async (r) => {
            const up = running(r.proc);
            const ready = up && (await httpStatus(`http://127.0.0.1:${r.port}/readyz`, { timeoutMs: 800 })) === 200;
            const cores = up && r.proc?.pid !== undefined ? this.cpu.cores(`${r.name}/${r.proc.pid}`, cpuTimeNs(r.proc.pid)) : null;
            return { r, running: up, ready, cores };
          }),
        );
        const names = new Set(states.map((s) => s.r.name));
        for (const s of states) {
          const p = this.prev.get(s.r.name);
          const ev = (kind: PlatformEvent['kind']): void => sink.event({ atMs, kind, subject: s.r.name, detail: s.r.version });
          if (!p || p.running !== s.running) ev(s.running ? 'replica-started' : 'replica-stopped');
          if (!p || p.ready !== s.ready) ev(s.ready ? 'replica-ready' : 'replica-unready');
          this.prev.set(s.r.name, { running: s.running, ready: s.ready });
        }
        // scaled away: gone from the list
        for (const [name, p] of this.prev) {
          if (names.has(name)) continue;
          if (p.running) sink.event({ atMs, kind: 'replica-stopped', subject: name, detail: 'scaled down' });
          this.prev.delete(name);
        }
        this.cpu.retain(new Set(states.filter((s) => s.running && s.r.proc?.pid !== undefined).map((s) => `${s.r.name}/${s.r.proc?.pid}`)));
        const up = states.filter((s) => s.running);
        if (atMs >= 0) {
          const second: PlatformSecond = {
            t: Math.floor(atMs / 1000),
            desiredReplicas: this.desired(),
            runningReplicas: up.length,
            readyReplicas: states.filter((s) => s.ready).length,
            podsPerNode: { host: up.length },
            nodesReady: up.length > 0 ? 1 : 0,
            nodesTotal: 1,
          };
          if (up.length > 0 && up.every((s) => s.cores !== null)) {
            second.cpuCores = round3(up.reduce((sum, s) => sum + (s.cores ?? 0), 0));
            second.cpuCoresByReplica = Object.fromEntries(up.map((s) => [s.r.name, round3(s.cores ?? 0)]));
          }
          sink.second(second);
        }
      } finally {
        busy = false;
      }
    };
    await tick();
    this.timer = setInterval(() => void tick(), 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
