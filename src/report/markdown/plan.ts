/**
 * summary.md's Plan block: per plan saved beside a run, whether it was verified, each target's
 * fit in one line, the replicas for each planned user count with their reach, and the hold-out
 * checks; the HTML Plan section has the rest (charts, HPA, cost). A plan.json that cannot be used is one line.
 */
import type { ReportData } from '../data.ts';
import { count, rps } from '../format.ts';
import { BOUND_TEXT, computedLabel, fitFacts, holdOutFacts, isPriced, money, REACH_TEXT, rowsByTarget, sizeText, verificationError, VERDICT_TEXT } from '../plan/facts.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function planMd(d: ReportData): string[] {
  if (d.plans.length === 0) return [];
  const out = ['### Plan', ''];
  for (const p of d.plans) {
    if (p.status === 'broken') {
      out.push(`- The plan beside run \`${p.runId}\` cannot be shown: ${cell(p.problem)} — re-run \`npx capbench plan\` on its runs.`, '');
      continue;
    }
    const plan = p.plan;
    const v = plan.verification;
    const error = v === null ? null : verificationError(v);
    const bound = v?.measured && v.measured.bound !== 'app' ? `; the measurement was ${BOUND_TEXT[v.measured.bound]}` : '';
    out.push(
      `Plan of \`${p.runId}\` — ${computedLabel(p.runId)}; ${v === null ? `**not verified** (${cell(plan.verificationNote)})` : `verified: **${VERDICT_TEXT[v.verdict]}** (${cell(v.reason)}${error === null ? '' : `; measured against the rate offered ${error}`}${bound})`}.`,
      '',
      ...rowsByTarget(plan).map(({ model }) => {
        const f = fitFacts(model);
        return `- ${cell(model.target)}: λ ${cell(f.lambda)}, σ ${cell(f.sigma)}, κ ${cell(f.kappa)}; peak ${cell(f.peak)}`;
      }),
      '',
      '| target | users | needed | replicas | nodes / host | reach |',
      '|---|---:|---:|---:|---|---|',
      ...plan.rows.map((r) => `| ${cell(r.target)} | ${count(r.users)} | ${rps(r.neededRps)} | ${count(r.replicas)} | ${cell(sizeText(r, plan.options))} | ${REACH_TEXT[r.reach]} |`),
      '',
    );
    const holdOut = [
      ...plan.holdOut.map((h) => {
        const f = holdOutFacts(h);
        return `- Hold-out ${cell(h.target)}: ${f.prediction}; ${f.measured} — ${f.ok === false ? `**${f.reading}**` : cell(f.reading)}`;
      }),
      ...plan.holdOutNotes.map((n) => `- ${cell(n)}`),
    ];
    if (holdOut.length) out.push(...holdOut, '');
    const flagged = (plan.regressions ?? []).filter((r) => r.flagged);
    if (flagged.length) out.push(`**Regression**: per-replica capacity below the baseline's band — ${flagged.map((r) => cell(r.target)).join(', ')}.`, '');
    if (isPriced(plan.cost)) {
      const lines = plan.cost.days.flatMap((day) => [
        ...day.kubernetes.map((k) => `${cell(k.target)} ${money(k.costFixed)} (nodes fixed) / ${money(k.costFollowing)} (nodes follow pods)`),
        ...day.compose.map((x) => `${cell(x.target)} ${money(x.cost)}`),
      ].map((s) => `peak ${count(day.peakUsers)} users: ${s}`));
      if (lines.length) out.push(`Cost per day: ${lines.join(' · ')}.`, '');
    }
  }
  return out;
}
