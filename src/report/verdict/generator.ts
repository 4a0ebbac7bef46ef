/**
 * The generator's part of the verdict: a run whose load generator could not keep its
 * schedule in more than 5 % of the seconds (src/measure/generator-bound.ts) is not
 * evidence — INVALID, never GO — and the verdict says which target, how many seconds, and
 * why. Pure function of the ReportRuns.
 */
import { GENERATOR_BOUNDS, type GeneratorBoundCause } from '../../measure/generator-bound.ts';
import type { ReportRun } from '../runs.ts';

export interface GeneratorJudgement {
  /** set when at least one measured target of the runs is INVALID; `reason` holds `nextStep` too */
  invalid: { reason: string; nextStep: string } | null;
  /** one line per INVALID target, for a verdict decided before the generator (NO DATA) */
  invalidTargets: string[];
  /** host-bound seconds, health not recorded, invalid baselines: said once each */
  notes: string[];
}

const NEXT_STEP: Record<GeneratorBoundCause, string> = {
  'loop-delay': 'give the load generator CPU of its own (a quieter machine, fewer users per harness, or `--driver k6`)',
  'generator-cpu': 'give the load generator CPU of its own (a quieter machine, fewer users per harness, or `--driver k6`)',
  'dropped-arrivals': "raise the profile's maxVUs (arrivals found every VU busy, so the planned rate was never offered)",
};

export function judgeGenerators(runs: readonly ReportRun[], baselines: readonly ReportRun[] = []): GeneratorJudgement {
  const notes: string[] = [];
  const bad: string[] = [];
  const causes = new Set<GeneratorBoundCause>();
  for (const run of runs) {
    const rec = run.saved.record;
    for (const t of run.targets) {
      const g = t.generator;
      const where = `${rec.scenario}/${t.run.name}`;
      if (t.figures === null || g.seconds === 0) continue;
      if (g.status === 'invalid') {
        bad.push(`${where}: ${g.reason}`);
        for (const c of Object.keys(g.byCause) as GeneratorBoundCause[]) if (g.byCause[c] > 0) causes.add(c);
      } else if (g.status === 'unknown') {
        notes.push(`${where}: the generator's health was not recorded (run saved before it existed) — judged on dropped arrivals only`);
      } else if (g.generatorBoundS > 0) {
        notes.push(`${where}: the load generator could not keep its schedule in ${g.generatorBoundS} of ${g.seconds} s (${(100 * g.generatorBoundShare).toFixed(1)} %, within the ${100 * GENERATOR_BOUNDS.invalidShare} % a valid run allows)`);
      }
      if (g.hostBoundS > 0) notes.push(`${where}: the machine's CPU was ≥ ${GENERATOR_BOUNDS.hostBusyPercent} % busy in ${g.hostBoundS} of ${g.seconds} s (host-bound: app and generator shared a saturated machine)`);
    }
  }
  for (const b of baselines) {
    for (const t of b.targets) {
      if (t.generator.status === 'invalid') notes.push(`baseline ${b.saved.record.runId} ${b.saved.record.scenario}/${t.run.name} is INVALID (${t.generator.reason}): a regression against it is not evidence`);
    }
  }
  if (bad.length === 0) return { invalid: null, invalidTargets: [], notes };
  const steps = [...new Set([...causes].map((c) => NEXT_STEP[c]))];
  const nextStep = `${steps.join('; and ')}, then run the same command again`;
  return { invalid: { reason: `Not evidence — ${bad.join('; ')}. Next: ${nextStep}`, nextStep }, invalidTargets: bad.map((b) => `INVALID, not evidence — ${b}`), notes };
}
