/**
 * The seeds' claims (the figures the migration proposal quoted), shown next to what the
 * runs measured. They are claims, never measurements: the report labels them so.
 */
import type { ReportRun } from './runs.ts';

export interface Claim {
  /** what is claimed, in words */
  topic: string;
  scenario: 'spike' | 'node-crash';
  /** which platform the claim is about */
  platform: 'compose' | 'kubernetes';
  claimed: string;
  /** the measured value for each target of that platform kind, formatted */
  measured: Array<{ runId: string; target: string; value: string }>;
}

type Pick = (r: ReportRun, target: ReportRun['targets'][number]) => string | null;

const ms = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : v >= 1000 ? `${+(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
const spikeWindow = (t: ReportRun['targets'][number]) => t.figures?.windows.find((w) => w.name === 'spike') ?? null;

const SEED_CLAIMS: Array<{ topic: string; scenario: Claim['scenario']; platform: Claim['platform']; claimed: string; pick: Pick }> = [
  { topic: 'average latency at 100 users', scenario: 'spike', platform: 'kubernetes', claimed: '2.1 s', pick: (_r, t) => ms(spikeWindow(t)?.avgMs) },
  { topic: 'average latency at 100 users', scenario: 'spike', platform: 'compose', claimed: '8.5 s', pick: (_r, t) => ms(spikeWindow(t)?.avgMs) },
  { topic: 'p95 latency at 100 users', scenario: 'spike', platform: 'kubernetes', claimed: '4.5 s', pick: (_r, t) => ms(spikeWindow(t)?.p95Ms) },
  { topic: 'p95 latency at 100 users', scenario: 'spike', platform: 'compose', claimed: '25 s', pick: (_r, t) => ms(spikeWindow(t)?.p95Ms) },
  { topic: 'error rate at 100 users', scenario: 'spike', platform: 'kubernetes', claimed: '0.3 %', pick: (_r, t) => { const w = spikeWindow(t); return w ? `${+(w.errorRate * 100).toFixed(2)} %` : null; } },
  { topic: 'error rate at 100 users', scenario: 'spike', platform: 'compose', claimed: '12 %', pick: (_r, t) => { const w = spikeWindow(t); return w ? `${+(w.errorRate * 100).toFixed(2)} %` : null; } },
  { topic: 'throughput at 100 users', scenario: 'spike', platform: 'kubernetes', claimed: '45 req/s', pick: (_r, t) => { const w = spikeWindow(t); return w ? `${+w.throughputRps.toFixed(1)} req/s` : null; } },
  { topic: 'throughput at 100 users', scenario: 'spike', platform: 'compose', claimed: '8 req/s', pick: (_r, t) => { const w = spikeWindow(t); return w ? `${+w.throughputRps.toFixed(1)} req/s` : null; } },
  {
    topic: 'scale-up during the spike', scenario: 'spike', platform: 'kubernetes', claimed: '2 → 10 pods in ~2 min',
    pick: (_r, t) => {
      const f = t.figures;
      if (!f || f.minReadyReplicas === null || f.peakReadyReplicas === null) return null;
      return `${f.minReadyReplicas} → ${f.peakReadyReplicas} ready pods, peak after ${f.timeToPeakReadyS === null ? '?' : `${f.timeToPeakReadyS} s`} (first scale-up after ${f.scaleUpReactionS === null ? 'never' : `${f.scaleUpReactionS} s`})`;
    },
  },
  { topic: 'downtime when a node crashes', scenario: 'node-crash', platform: 'kubernetes', claimed: '30–60 s', pick: (_r, t) => (t.figures ? `${t.figures.downtimeS} s down (longest outage ${t.figures.longestOutageS} s)` : null) },
  { topic: 'downtime when a node crashes', scenario: 'node-crash', platform: 'compose', claimed: 'total outage', pick: (_r, t) => (t.figures ? `${t.figures.downtimeS} s down (longest outage ${t.figures.longestOutageS} s)` : null) },
];

/** Seeds' claims with the matching measurements of these runs ('not measured' when no run fits). */
export function claims(runs: ReportRun[]): Claim[] {
  return SEED_CLAIMS.map((c) => {
    const measured: Claim['measured'] = [];
    for (const r of runs) {
      if (r.saved.record.scenario !== c.scenario) continue;
      for (const t of r.targets) {
        if (t.run.kind !== c.platform) continue;
        measured.push({ runId: r.saved.record.runId, target: t.run.name, value: c.pick(r, t) ?? 'no data' });
      }
    }
    return { topic: c.topic, scenario: c.scenario, platform: c.platform, claimed: c.claimed, measured };
  });
}
