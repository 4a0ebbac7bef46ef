/**
 * Compare, don't just list: each Kubernetes target against the run's Compose target, per
 * figure (every gate's figure, per window or fault), over their repetitions — the
 * Hodges–Lehmann shift (Kubernetes − Compose) with its distribution-free interval, and the
 * two-sided Mann–Whitney U p-value (src/measure/stats/). A difference is significant when
 * p < 0.05 and the interval excludes 0. One run against one has no interval and p = 1: never
 * significant. Pure function of the ReportRuns.
 */
import { hodgesLehmannShift } from '../../measure/stats/hodges-lehmann.ts';
import { mannWhitneyU } from '../../measure/stats/mann-whitney.ts';
import { pct } from '../../measure/stats/median-interval.ts';
import { GATE_INFO, GATE_KEYS, type GateKey } from '../../scenario/slo-file.ts';
import { gateValue } from '../format.ts';
import { repetitionFigures, type ReportRun } from '../runs.ts';
import { gateValues } from './verdict.ts';

/** The p-value below which a difference is called significant. */
export const SIGNIFICANCE = 0.05;

export interface Comparison {
  runId: string;
  scenario: string;
  /** the Kubernetes target */
  target: string;
  /** the Compose target it is compared with */
  against: string;
  gate: GateKey;
  subject: string | null;
  /** repetitions with a value on each side */
  n: number;
  nAgainst: number;
  /** Hodges–Lehmann estimate of target − against, in the gate's unit */
  difference: number;
  /** its interval with the achieved coverage; null when none has positive coverage (1 run against 1) */
  interval: { lower: number; upper: number; coverage: number } | null;
  /** two-sided Mann–Whitney U */
  p: number;
  significant: boolean;
  /** `p95 latency in spike: +120 ms [+80 ms, +160 ms] (96.83 %), p = 0.0079 — significant` */
  text: string;
}

const signed = (gate: GateKey, v: number): string => `${v > 0 ? '+' : ''}${gateValue(gate, v)}`;

/** Every Kubernetes target × figure against the same run's Compose target (none without one). */
export function compareTargets(runs: readonly ReportRun[]): Comparison[] {
  const out: Comparison[] = [];
  for (const run of runs) {
    const rec = run.saved.record;
    const ref = run.targets.find((t) => t.run.kind === 'compose' && t.figures !== null);
    if (!ref) continue;
    for (const t of run.targets) {
      if (t.run.kind !== 'kubernetes' || t.figures === null) continue;
      for (const gate of GATE_KEYS) {
        const mine = repetitionFigures(t).map((f) => gateValues(f, gate, undefined));
        const theirs = repetitionFigures(ref).map((f) => gateValues(f, gate, undefined));
        const subjects = [...new Set(mine.flatMap((vs) => vs.map((v) => v.subject)))];
        for (const subject of subjects) {
          const pick = (reps: typeof mine): number[] => reps.flatMap((vs) => vs.filter((v) => v.subject === subject && v.value !== null).map((v) => v.value!));
          const a = pick(theirs);
          const b = pick(mine);
          if (a.length === 0 || b.length === 0) continue;
          const hl = hodgesLehmannShift(a, b);
          const p = mannWhitneyU(b, a).pTwoSided;
          const iv = hl.interval === null ? null : { lower: hl.interval.lower, upper: hl.interval.upper, coverage: hl.interval.coverage };
          const significant = p < SIGNIFICANCE && iv !== null && (iv.lower > 0 || iv.upper < 0);
          const what = `${GATE_INFO[gate].label}${subject === null ? '' : ` in ${subject}`}`;
          const shown = iv === null
            ? `${signed(gate, hl.estimate)} (${b.length} run against ${a.length}: no interval)`
            : `${signed(gate, hl.estimate)} [${signed(gate, iv.lower)}, ${signed(gate, iv.upper)}] (${pct(iv.coverage)}), p = ${p.toPrecision(2)}`;
          out.push({
            runId: rec.runId,
            scenario: rec.scenario,
            target: t.run.name,
            against: ref.run.name,
            gate,
            subject,
            n: b.length,
            nAgainst: a.length,
            difference: hl.estimate,
            interval: iv,
            p,
            significant,
            text: `${what}: ${shown} — ${significant ? 'significant' : 'no significant difference'}`,
          });
        }
      }
    }
  }
  return out;
}
