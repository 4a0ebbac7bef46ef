/**
 * Regressions against baseline runs (`capbench report --baseline`): the same scenario and
 * target in the newest baseline run, per gate figure. With repetitions on either side a
 * regression is flagged only when the whole interval of the change (Hodges–Lehmann, current −
 * baseline) is worse than the gate's floor (src/measure/stats/baseline-regression.ts); one run
 * against one has no interval, so there the fixed margin decides. Pure.
 */
import { compareToBaseline } from '../../measure/stats/baseline-regression.ts';
import { pct } from '../../measure/stats/median-interval.ts';
import { GATE_INFO, GATE_KEYS, gatesFor, type GateKey, type SloConfig } from '../../scenario/slo-file.ts';
import { gateValue } from '../format.ts';
import { repetitionFigures, type ReportRun } from '../runs.ts';
import { gateValues } from './verdict.ts';

export interface Regression {
  runId: string;
  baselineRunId: string;
  scenario: string;
  target: string;
  candidate: boolean;
  gate: GateKey;
  subject: string | null;
  baseline: number | null;
  current: number | null;
  /** current − baseline (null when either is missing): the difference of medians, or the Hodges–Lehmann shift with repetitions */
  delta: number | null;
  /** the worsening the rule tolerates: single runs max(margin × |baseline|, floor); repetitions the floor */
  allowed: number | null;
  regressed: boolean;
  /**
   * `interval`: either side repeated — regressed only when the whole interval of current −
   * baseline lies above the floor (src/measure/stats/baseline-regression.ts); `single-run`:
   * one run against one has no interval, so the fixed margin decides
   */
  basis: 'interval' | 'single-run';
  /** repetitions on each side */
  n: number;
  nBaseline: number;
  text: string;
}

/** Baseline comparison: same scenario + target, the newest baseline run wins. */
export function findRegressions(runs: ReportRun[], baselines: ReportRun[], slo: SloConfig): Regression[] {
  const out: Regression[] = [];
  for (const run of runs) {
    const rec = run.saved.record;
    for (const t of run.targets) {
      if (t.figures === null) continue;
      const matches = baselines
        .filter((b) => b.saved.record.scenario === rec.scenario && b.saved.record.runId !== rec.runId)
        .flatMap((b) => b.targets.filter((bt) => bt.run.name === t.run.name && bt.figures !== null).map((bt) => ({ b, bt })))
        .sort((x, y) => y.b.saved.record.startedAt.localeCompare(x.b.saved.record.startedAt));
      const m = matches[0];
      if (!m) continue;
      const { gates, windows } = gatesFor(slo, rec.scenario, t.run.name);
      let keys = GATE_KEYS.filter((k) => gates[k] !== undefined);
      if (keys.length === 0) keys = ['p95Ms', 'errorRate', 'downtimeS'];
      for (const gate of keys) {
        const cur = gateValues(t.figures, gate, windows);
        const old = gateValues(m.bt.figures!, gate, windows);
        const curReps = repetitionFigures(t).map((f) => gateValues(f, gate, windows));
        const oldReps = repetitionFigures(m.bt).map((f) => gateValues(f, gate, windows));
        for (const c of cur) {
          const o = old.find((x) => x.subject === c.subject);
          if (!o) continue;
          const floor = slo.regressionFloors[gate];
          const what = `${GATE_INFO[gate].label}${c.subject === null ? '' : ` in ${c.subject}`}`;
          const pick = (reps: typeof curReps): number[] => reps.flatMap((vs) => vs.filter((x) => x.subject === c.subject && x.value !== null).map((x) => x.value!));
          const [now, then] = [pick(curReps), pick(oldReps)];
          let regressed = false;
          let delta: number | null = null;
          let allowed: number | null = null;
          let text: string;
          const basis = curReps.length > 1 || oldReps.length > 1 ? 'interval' as const : 'single-run' as const;
          if (o.value !== null && c.value === null) {
            regressed = true;
            text = `${what}: ${gateValue(gate, o.value)} → ${c.missing ?? 'none'}`;
          } else if (basis === 'interval' && now.length > 0 && then.length > 0) {
            // repetitions: only the interval of current − baseline may flag a regression
            const r = compareToBaseline({ baseline: then, current: now, direction: 'lower-is-better', marginAbs: floor });
            delta = r.shift.estimate;
            allowed = floor;
            regressed = r.verdict === 'regressed';
            const iv = r.shift.interval;
            const shown = iv === null ? gateValue(gate, delta) : `${gateValue(gate, delta)} [${gateValue(gate, iv.lower)}, ${gateValue(gate, iv.upper)}] (${pct(iv.coverage)})`;
            text = `${what}: ${gateValue(gate, o.value)} → ${gateValue(gate, c.value)} (medians, ${then.length} → ${now.length} runs); change ${shown}${regressed ? `, all of it worse than the floor ${gateValue(gate, floor)}` : r.verdict === 'cannot-tell' ? ' — cannot tell from so few runs' : ''}`;
          } else {
            if (o.value !== null && c.value !== null) {
              delta = c.value - o.value;
              allowed = Math.max(slo.regressionMargin * Math.abs(o.value), floor);
              regressed = delta > allowed;
            }
            text = regressed
              ? `${what}: ${gateValue(gate, o.value)} → ${gateValue(gate, c.value)} (worse by ${gateValue(gate, delta)}, allowed ${gateValue(gate, allowed)}; single runs, no interval)`
              : `${what}: ${gateValue(gate, o.value)} → ${gateValue(gate, c.value)}`;
          }
          out.push({
            runId: rec.runId,
            baselineRunId: m.b.saved.record.runId,
            scenario: rec.scenario,
            target: t.run.name,
            candidate: t.run.kind === 'kubernetes',
            gate,
            subject: c.subject,
            baseline: o.value,
            current: c.value,
            delta,
            allowed,
            regressed,
            basis,
            n: curReps.length,
            nBaseline: oldReps.length,
            text,
          });
        }
      }
    }
  }
  return out;
}
