/**
 * The plan's "Self-checks" section in plan.md and the printout: `--verify` (predicted vs
 * measured, or "not verified" and why) and the hold-out check per target. Called by
 * planMarkdown; pure.
 */
import type { CheckVerdict, HoldOutCheck, PlanChecks, PlanVerification } from '../model/plan-check.ts';

const VERDICT_WORDS: Record<CheckVerdict, string> = { pass: 'PASS', fail: 'FAIL', 'not-evidence': 'NOT EVIDENCE' };

const signed = (v: number): string => {
  const r = Math.round(v * 10) / 10;
  return `${r > 0 ? '+' : ''}${(r === 0 ? 0 : r).toFixed(1)} %`;
};

function verificationLines(v: PlanVerification | null, note: string): string[] {
  if (v === null) return [`- **Verification**: not verified — ${note} (\`npx capbench plan … --verify --target T\` deploys one and measures it)`];
  const m = v.measured;
  const p = v.predicted;
  return [
    `- **Verification** (${v.target}, ${v.users} users, ${v.replicas} replicas pinned, ${v.offeredRps} req/s offered for the plan's predicted ${p.rateRps.toFixed(1)} req/s): **${VERDICT_WORDS[v.verdict]}** — ${v.reason}`,
    `  - predicted capacity at ${v.replicas} replicas: ${p.capacityRps.toFixed(1)} req/s [95 % band ${p.lowerRps.toFixed(1)}, ${p.upperRps.toFixed(1)}]`,
    m === null
      ? '  - measured: nothing'
      : `  - measured over ${m.measuredS} s: ${m.throughputRps.toFixed(1)} req/s, p95 ${m.p95Ms === null ? '—' : `${Math.round(m.p95Ms)} ms`} (SLO ${v.slo.p95Ms} ms), errors ${(100 * m.errorRate).toFixed(2)} % (SLO ${(100 * v.slo.errorRate).toFixed(2)} %), ${m.requests} requests; generator-bound ${m.generatorBoundS} s, host-bound ${m.hostBoundS} s`,
    ...(v.errorPct === null ? [] : [`  - prediction error (measured throughput vs the rate offered): ${signed(v.errorPct)}`]),
    `  - the run: ${v.runDir}`,
  ];
}

function holdOutLine(h: HoldOutCheck): string {
  const head = `- **Hold-out** ${h.target}: fit on ${h.fitOnCounts.join(', ')} replicas predicts ${h.predicted.toFixed(1)} req/s [95 % band ${h.band[0].toFixed(1)}, ${h.band[1].toFixed(1)}] at ${h.predictedCount}`;
  const measured = h.measured === null ? 'nothing measured' : `measured ${h.measured.toFixed(1)} req/s${h.errorPct === null ? '' : ` (error ${signed(h.errorPct)})`}`;
  const verdict = h.within20pct === null ? `no verdict: ${h.boundNote ?? 'no measured figure to compare with'}` : h.within20pct ? 'within ±20 %' : '**not** within ±20 %';
  return `${head}; ${measured} — ${verdict}`;
}

/** The section's lines (ends with a blank line). */
export function checkLines(plan: PlanChecks): string[] {
  return [
    '## Self-checks',
    '',
    ...verificationLines(plan.verification, plan.verificationNote),
    ...plan.holdOut.map(holdOutLine),
    ...plan.holdOutNotes.map((n) => `- ${n}`),
    '',
  ];
}
