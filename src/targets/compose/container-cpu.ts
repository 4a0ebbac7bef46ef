import type { DockerApi } from './sampler.ts';

/** CPU stats older than this are not used for a second's cpuCores. */
const STATS_FRESH_MS = 2500;

interface StatsWatch {
  stream: NodeJS.ReadableStream | null;
  cores: number | null;
  atPerfMs: number;
}

interface CpuUsage {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** Cores used between two Docker stats samples (`docker stats` arithmetic); null = not computable. */
export function coresFromStats(s: { cpu_stats?: CpuUsage; precpu_stats?: CpuUsage }): number | null {
  const cur = s.cpu_stats;
  const pre = s.precpu_stats;
  const cpu = (cur?.cpu_usage?.total_usage ?? NaN) - (pre?.cpu_usage?.total_usage ?? NaN);
  const sys = (cur?.system_cpu_usage ?? NaN) - (pre?.system_cpu_usage ?? NaN);
  if (!(pre?.system_cpu_usage) || !Number.isFinite(cpu) || !Number.isFinite(sys) || sys <= 0 || cpu < 0) return null;
  const online = cur?.online_cpus || cur?.cpu_usage?.percpu_usage?.length || 1;
  return (cpu / sys) * online;
}

export function destroy(stream: NodeJS.ReadableStream | null): void {
  (stream as unknown as { destroy?: () => void } | null)?.destroy?.();
}

/** Calls `onLine` for each complete line of an NDJSON stream. */
export function onLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.on('data', (chunk: Buffer | string) => {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line !== '') onLine(line);
    }
  });
}

/**
 * CPU of each running app container, from one Docker stats stream per container (the
 * daemon sends a sample about once a second). `sync` opens streams for new containers and
 * closes those of stopped ones; `cores` answers the latest fresh figure per container.
 */
export class ContainerCpu {
  private readonly stats = new Map<string, StatsWatch>();
  private stopped = false;

  constructor(private readonly docker: DockerApi) {}

  /** Per-container cores, or null when a container in `ids` has no fresh sample yet. */
  cores(ids: readonly string[]): Map<string, number> | null {
    const out = new Map<string, number>();
    const now = performance.now();
    for (const id of ids) {
      const w = this.stats.get(id);
      if (w === undefined || w.cores === null || now - w.atPerfMs > STATS_FRESH_MS) return null;
      out.set(id, w.cores);
    }
    return out;
  }

  sync(runningIds: readonly string[]): void {
    if (this.stopped) return;
    const want = new Set(runningIds);
    for (const [id, w] of this.stats) {
      if (!want.has(id)) {
        destroy(w.stream);
        this.stats.delete(id);
      }
    }
    for (const id of want) {
      if (this.stats.has(id)) continue;
      const w: StatsWatch = { stream: null, cores: null, atPerfMs: 0 };
      this.stats.set(id, w);
      this.docker
        .getContainer(id)
        .stats({ stream: true })
        .then((stream) => {
          if (this.stopped || this.stats.get(id) !== w) return destroy(stream);
          w.stream = stream;
          onLines(stream, (line) => {
            try {
              const cores = coresFromStats(JSON.parse(line) as Parameters<typeof coresFromStats>[0]);
              if (cores !== null) {
                w.cores = cores;
                w.atPerfMs = performance.now();
              }
            } catch {
              // a torn line: the next one comes within a second
            }
          });
          const end = (): void => {
            if (this.stats.get(id) === w) this.stats.delete(id); // re-opened on the next sync if still running
          };
          stream.on('end', end);
          stream.on('error', end);
        })
        .catch(() => {
          if (this.stats.get(id) === w) this.stats.delete(id);
        });
    }
  }

  /** Closes every stream. Idempotent. */
  stop(): void {
    this.stopped = true;
    for (const w of this.stats.values()) destroy(w.stream);
    this.stats.clear();
  }
}
