import { errText } from './kube-client.ts';

/** A CPU quantity as metrics.k8s.io writes it (`123456n`, `250u`, `5m`, `1`, `0.5`) in cores; null when unreadable. */
export function cpuQuantityCores(q: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(n|u|m|)$/.exec(q.trim());
  if (!m) return null;
  const scale = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1 }[m[2] as 'n' | 'u' | 'm' | ''];
  return Number(m[1]) * scale;
}

/** The part of a metrics.k8s.io PodMetricsList read here. */
export interface PodMetricsListLike {
  items: Array<{ metadata: { name: string }; containers: Array<{ name: string; usage: { cpu: string } }> }>;
}

/** Cores per pod (its containers summed); pods with an unreadable quantity are left out. */
export function podCores(list: PodMetricsListLike): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of list.items) {
    let sum = 0;
    let ok = p.containers.length > 0;
    for (const c of p.containers) {
      const cores = cpuQuantityCores(c.usage.cpu);
      if (cores === null) ok = false;
      else sum += cores;
    }
    if (ok) out.set(p.metadata.name, sum);
  }
  return out;
}

export interface PodCpuOptions {
  /** lists PodMetrics of the run's namespace (client-node `Metrics.getPodMetrics`) */
  fetch: () => Promise<PodMetricsListLike>;
  /** called with each new reading, or null when readings stopped (failed or stale) */
  onReading: (byPod: Map<string, number> | null) => void;
  /** called once when metrics.k8s.io never answered: the reason cpuCores is absent */
  onUnavailable: (why: string) => void;
  /** poll period; default 5 000 (kubelets refresh pod CPU every 10–15 s) */
  periodMs?: number;
}

/**
 * Polls metrics.k8s.io for the CPU of the run's pods (metrics-server, or local-k8s's
 * metrics adapter, both fed by the kubelets' summaries) and hands each reading on. A
 * reading is carried until the next; after three failed polls in a row it is withdrawn
 * (null), so a stale figure is never reported as current.
 */
export class PodCpu {
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private everAnswered = false;
  private told = false;
  private stopped = false;

  constructor(private readonly o: PodCpuOptions) {}

  start(): void {
    const period = this.o.periodMs ?? 5000;
    let busy = false;
    const poll = async (): Promise<void> => {
      if (busy || this.stopped) return;
      busy = true;
      try {
        const byPod = podCores(await this.o.fetch());
        if (this.stopped) return;
        this.failures = 0;
        this.everAnswered = true;
        this.o.onReading(byPod);
      } catch (e) {
        if (this.stopped) return;
        this.failures++;
        if (this.failures >= 3) this.o.onReading(null);
        if (!this.everAnswered && !this.told) {
          this.told = true;
          this.o.onUnavailable(`metrics.k8s.io does not answer (${errText(e)}): app CPU (cpuCores) is not sampled until it does`);
        }
      } finally {
        busy = false;
      }
    };
    void poll();
    this.timer = setInterval(() => void poll(), period);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
