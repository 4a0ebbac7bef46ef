/**
 * What a saved spike run measured about a Kubernetes target's autoscaling, for the plan:
 * the scale-up reaction (from its figures) and the pod start delay — from the first second
 * the desired replicas rose to the first second that many replicas were ready.
 */
import type { SavedRun } from '../store/run-store.ts';

export interface SpikeEvidence {
  target: string;
  /** spike start → first increase of desired replicas, s; null = none seen */
  scaleUpReactionS: number | null;
  /** desired replicas raised → that many ready, s; null = never seen */
  podStartDelayS: number | null;
}

export function spikeEvidence(run: SavedRun): SpikeEvidence[] {
  return run.record.targets
    .filter((t) => t.kind === 'kubernetes' && t.status === 'completed')
    .map((t) => {
      const platform = run.series[t.name]?.platform ?? [];
      let delay: number | null = null;
      let prev: number | undefined;
      for (const [i, s] of platform.entries()) {
        const want = s.desiredReplicas;
        if (want !== undefined && prev !== undefined && want > prev) {
          const ready = platform.slice(i).find((r) => (r.readyReplicas ?? 0) >= want);
          if (ready) delay = ready.t - s.t;
          break;
        }
        if (want !== undefined) prev = want;
      }
      return { target: t.name, scaleUpReactionS: t.figures?.scaleUpReactionS ?? null, podStartDelayS: delay };
    });
}
