/**
 * The Plan section: each capacity plan saved beside a run (`npx capbench plan` writes
 * `<run>/plan/plan.json`), rendered from that file — per target the USL fit (λ, σ, κ with
 * their 95 % intervals, N*) and its chart, the users → rate → replicas table with its reach,
 * nodes or host, the HPA recommendation against the shipped settings, cost over a day,
 * the baseline check, and whether the plan was verified. A plan.json that cannot be used is
 * one line saying why; no plan, no section.
 */
import type { CapacityPlan } from '../../../model/index.ts';
import { count, ms, num } from '../../format.ts';
import type { ReportData, ReportPlanData } from '../../data.ts';
import { computedLabel, fitFacts, rowsByTarget } from '../../plan/facts.ts';
import { planChartId } from '../plan-charts.ts';
import { autoscalerTable, checksBlock, costTable, regressionTable, sizingTable } from '../plan-tables.ts';
import { esc, escCode, type HtmlSection } from '../parts.ts';

const STYLE = `<style>
#plan .plan-target{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,2fr);gap:12px;align-items:start;margin:8px 0 14px}
#plan table.fit{width:auto} #plan table.fit th{white-space:nowrap} #plan h4{font-size:14px;margin:14px 0 4px}
#plan tr.reach-unreachable td{background:#fff6f5}
</style>`;

function targetBlock(p: ReportPlanData & { status: 'ok' }, plan: CapacityPlan): string {
  return rowsByTarget(plan).map(({ model: m }) => {
    const f = fitFacts(m);
    const probed = m.observations.map((o) => `${o.replicas}: ${o.throughputRps.map((v) => num(v)).join(', ')}`).join(' · ');
    const facts: Array<[string, string]> = [
      ['λ (per-replica capacity)', f.lambda],
      ['σ (contention)', f.sigma],
      ['κ (coherency)', f.kappa],
      ['peak', f.peak],
      ['R²', f.rSquared],
      ['measured, req/s by replicas', `${probed}${m.lowerBoundCounts.length ? ` (a floor at ${m.lowerBoundCounts.join(', ')}: generator- or host-bound)` : ''}`],
      ['one user sends', `${num(m.perUserRps)} req/s (think ${ms(m.thinkTimeMeanMs)} + response ${ms(m.responseMs)}, ${m.responseFrom})`],
      ...(m.kind === 'kubernetes' ? [['pods per node', m.podsPerNode === null ? 'unknown (no pod CPU: pass --pod-cpu)' : `${m.podsPerNode} (pod CPU ${m.podCpuMillicores}m, ${m.podCpuFrom ?? ''})`] as [string, string]] : []),
    ];
    const chart = m.fit.band && m.fit.band.length > 0
      ? `<figure class="chart"><div class="box" style="height:380px"><canvas id="${esc(planChartId(p.runId, m.target))}" role="img" aria-label="${esc(`${m.target}: the USL fit, its band and the measured capacity`)}"></canvas></div></figure>`
      : `<p class="banner">This plan.json has no fitted curve to draw (saved before plans kept it): re-run <code>npx capbench plan</code> on its runs.</p>`;
    return `<h4>${esc(m.target)} <span class="muted">(${esc(m.kind)})</span></h4>
<div class="plan-target"><div><table class="small fit"><tbody>${facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>
<p class="muted">X(N) = λN / (1 + σ(N−1) + κN(N−1)), least squares over every measured capacity at SLO; intervals: 95 % bootstrap.${m.fit.note ? ` ${esc(m.fit.note)}` : ''}</p></div>
${chart}</div>`;
  }).join('\n');
}

function onePlan(p: ReportPlanData): string {
  if (p.status === 'broken') {
    return `<p class="banner plan-broken">The plan beside run ${esc(p.runId)} cannot be shown: ${esc(p.problem)} — re-run <code>npx capbench plan</code> on its runs to rewrite it.</p>`;
  }
  const plan = p.plan;
  return `<h3>Plan of ${esc(p.runId)} <span class="muted">${esc(p.file)}</span></h3>
${plan.regressions?.some((r) => r.flagged) ? `<p><span class="tag bad">regression</span> per-replica capacity (λ) fell below the baseline's band: ${esc(plan.regressions.filter((r) => r.flagged).map((r) => r.target).join(', '))} — see “Against the baseline”.</p>` : ''}
<p><span class="tag calc">${esc(computedLabel(p.runId))}</span> From the capacity measured in ${esc(plan.runs.join(', '))}: a prediction, not a measurement at these sizes. Users ${esc(plan.options.users.map((u) => count(u)).join(', '))}; headroom ${esc(num(plan.options.headroom * 100))} %.</p>
${checksBlock(plan)}
${targetBlock(p, plan)}
<h4>Users → requests/s → replicas</h4>
${sizingTable(plan)}
${autoscalerTable(plan)}
${costTable(plan)}
${regressionTable(plan)}
${plan.notes.length ? `<ul class="muted notes">${plan.notes.map((n) => `<li>${escCode(n)}</li>`).join('')}</ul>` : ''}`;
}

export const planSection: HtmlSection = {
  id: 'plan',
  render(d: ReportData) {
    if (d.plans.length === 0) return '';
    return `${STYLE}<section id="plan"><h2>Plan — replicas, nodes, autoscaler and cost for the planned users</h2>
${d.plans.map(onePlan).join('\n')}</section>`;
  },
};
