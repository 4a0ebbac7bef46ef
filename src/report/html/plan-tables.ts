/**
 * The Plan section's tables besides the fit: users → rate → replicas per target, the HPA
 * recommendation against the shipped settings (both replayed over the spike), cost over a
 * day, the baseline check, and the self-checks (`--verify` and the hold-out). Each returns
 * '' when the plan has nothing for it. Pure; called by sections/plan.ts.
 */
import type { CapacityPlan, ReplayOutcome } from '../../model/index.ts';
import { count, ms, num, pct, pctPoints, rps, sec } from '../format.ts';
import { BOUND_TEXT, holdOutFacts, isPriced, money, REACH_MEANING, REACH_TEXT, sizeText, verificationError, VERDICT_TEXT } from '../plan/facts.ts';
import type { PlanChecks } from '../../model/plan-check.ts';
import { esc, escCode } from './parts.ts';

const REACH_CLASS = { probed: 'ok', interpolated: 'warn', 'beyond-probed': 'warn', extrapolated: 'warn', unreachable: 'bad' } as const;

const table = (cls: string, head: readonly string[], rows: readonly string[]): string =>
  `<table class="small ${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;

export function sizingTable(plan: CapacityPlan): string {
  const o = plan.options;
  const rows = plan.rows.map((r) => `<tr class="reach-${esc(r.reach)}"><td>${esc(r.target)}</td><td class="num">${esc(count(r.users))}</td><td class="num">${esc(rps(r.loadRps))}</td><td class="num">${esc(rps(r.neededRps))}</td><td class="num"><b>${esc(count(r.replicas))}</b></td><td class="num">${r.predictedRps === null ? '–' : `${esc(rps(r.predictedRps))} <span class="muted">[${esc(rps(r.predictedLowerRps))}]</span>`}</td><td>${esc(sizeText(r, o))}</td><td><span class="tag ${REACH_CLASS[r.reach]}">${esc(REACH_TEXT[r.reach])}</span></td><td class="muted">${esc(r.note)}</td></tr>`);
  return `${table('plan-rows', ['target', 'users', 'load', `needed (+${num(o.headroom * 100)} %)`, 'replicas', 'predicted [band lower end]', 'nodes / host', 'reach', 'note'], rows)}
<p class="muted">${esc(REACH_MEANING)}</p>`;
}

const settingsText = (o: ReplayOutcome): string => `min ${o.settings.minReplicas}, max ${o.settings.maxReplicas}, CPU ${num(o.settings.cpuPercent)} %`;
const replayText = (o: ReplayOutcome): string =>
  `${sec(o.overCapacityS)} over capacity · peak ${o.peakReplicas} pods · ${num(o.replicaSeconds)} pod-s · first scale-up after ${sec(o.scaleUpReactionS, 'never')} · worst p95 ${o.worstP95Ms === null ? 'beyond the probed loads' : ms(o.worstP95Ms)}`;

export function autoscalerTable(plan: CapacityPlan): string {
  if (plan.autoscaler.length === 0) return '';
  const rows = plan.autoscaler.flatMap((a) => [
    `<tr><td rowspan="2">${esc(a.target)}</td><td rowspan="2" class="num">${esc(count(a.users))}</td><td><span class="tag meas">recommended</span></td><td>${esc(settingsText(a.recommended))}</td><td>${esc(replayText(a.recommended))}</td><td rowspan="2" class="muted">pod start ${esc(sec(a.podStartDelayS))} (${esc(a.podStartFrom)})${a.measuredScaleUpReactionS === null ? '' : `; the spike run's first scale-up ${esc(sec(a.measuredScaleUpReactionS))} after the ramp began`}${a.note ? `; ${esc(a.note)}` : ''}</td></tr>`,
    `<tr><td><span class="tag">shipped</span></td><td>${esc(settingsText(a.current))}</td><td>${esc(replayText(a.current))}</td></tr>`,
  ]);
  return `<h4>Autoscaler (HPA): recommended against the shipped settings</h4>
<p class="muted">Both replayed second by second through the HPA algorithm over the spike scaled to each user count (15 s sync, 0.1 tolerance, the shipped behavior, metrics 15 s late). Over capacity: seconds in which the load per ready pod exceeds its capacity at SLO.</p>
${table('plan-hpa', ['target', 'users', 'HPA', 'settings', 'replayed over the spike', 'delays'], rows)}`;
}

export function costTable(plan: CapacityPlan): string {
  const c = plan.cost;
  if (c === undefined) return '';
  const priced = isPriced(c);
  const head = ['peak users', 'target', 'sized as', 'pod-hours / replicas', 'node-hours or host', ...(priced ? ['cost per day'] : [])];
  const cell = (v: number | null): string => (priced ? `<td class="num"><b>${esc(money(v))}</b></td>` : '');
  const rows = c.days.flatMap((d) => [
    ...d.kubernetes.flatMap((k) => [
      `<tr><td class="num">${esc(count(d.peakUsers))}</td><td>${esc(k.target)}</td><td>HPA min ${k.settings.minReplicas} max ${k.settings.maxReplicas}; nodes fixed for the peak</td><td class="num">${esc(num(k.podHours))} pod-h (peak ${k.peakPods})</td><td class="num">${k.fixedNodes} nodes × 24 h = ${esc(num(k.fixedNodeHours))} node-h</td>${cell(k.costFixed)}</tr>`,
      `<tr><td class="num">${esc(count(d.peakUsers))}</td><td>${esc(k.target)}</td><td>same; nodes follow the pods</td><td class="num">${esc(num(k.podHours))} pod-h</td><td class="num">${esc(num(k.followingNodeHours))} node-h</td>${cell(k.costFollowing)}</tr>`,
    ]),
    ...d.compose.map((x) => `<tr><td class="num">${esc(count(d.peakUsers))}</td><td>${esc(x.target)}</td><td>for the peak, all day</td><td class="num">${x.replicas} replicas</td><td class="num">one host, ${esc(num(x.hostCpuCores))} cores, 24 h</td>${cell(x.cost)}</tr>`),
  ]);
  if (rows.length === 0) return `<h4>Cost over a day</h4><p class="muted">No target has a size to cost (no reachable user count).</p>`;
  return `<h4>Cost over a day${priced ? '' : ' — resources only, no prices given'}</h4>
${table('plan-cost', head, rows)}
<ul class="muted">${c.notes.map((n) => `<li>${escCode(n)}</li>`).join('')}</ul>`;
}

export function regressionTable(plan: CapacityPlan): string {
  const r = plan.regressions;
  if (r === undefined) return '';
  if (r.length === 0) return '<h4>Against the baseline</h4><p class="muted">No target of this plan is in the baseline.</p>';
  const rows = r.map((x) => `<tr><td>${esc(x.target)}</td><td class="num">${esc(rps(x.lambdaRps))}</td><td class="num">${esc(rps(x.baselineLambdaRps))} [${esc(num(x.baselineRange[0]))}, ${x.baselineRange[1] === null ? '∞' : esc(num(x.baselineRange[1]))}]</td><td class="num">${esc(pctPoints(x.change * 100, { signed: true }))}</td><td>${esc(x.basis)}</td><td>${x.flagged ? '<span class="tag bad">regression</span>' : '<span class="tag ok">no</span>'}</td></tr>`);
  return `<h4>Against the baseline: per-replica capacity (λ)</h4>${table('plan-regressions', ['target', 'λ', 'baseline λ [95 % interval]', 'change', 'judged by', 'flag'], rows)}`;
}

const VERDICT_CLASS = { pass: 'ok', fail: 'bad', 'not-evidence': 'warn' } as const;

/** "not verified" and why, or the `--verify` measurement against the prediction; then the hold-out checks. */
export function checksBlock(c: PlanChecks): string {
  const v = c.verification;
  const m = v?.measured ?? null;
  const error = v === null ? null : verificationError(v);
  const head = v === null
    ? `<p class="plan-verification"><span class="tag warn">not verified</span> ${esc(c.verificationNote)} — <code>npx capbench plan … --verify --target &lt;target&gt;</code> measures it.</p>`
    : `<div class="plan-verification"><p><span class="tag ${VERDICT_CLASS[v.verdict]}">verified: ${VERDICT_TEXT[v.verdict]}</span> ${esc(v.target)}, ${esc(count(v.users))} users, ${v.replicas} replicas pinned: ${esc(v.reason)}</p>
<ul><li>predicted: ${esc(rps(v.predicted.rateRps))} offered (${esc(rps(v.offeredRps))} sent); capacity at ${v.replicas} replicas ${esc(rps(v.predicted.capacityRps))} [${esc(num(v.predicted.lowerRps))}, ${esc(num(v.predicted.upperRps))}]</li>
<li>measured${m === null ? ': nothing' : ` over ${esc(sec(m.measuredS))}, ${m.bound === 'app' ? esc(BOUND_TEXT.app) : `<b>${esc(BOUND_TEXT[m.bound])}</b>`}: ${esc(rps(m.throughputRps))}, ${esc(count(m.requests))} requests, p95 ${esc(ms(m.p95Ms))} (SLO ${esc(ms(v.slo.p95Ms))}), errors ${esc(pct(m.errorRate))} (SLO ${esc(pct(v.slo.errorRate))}); generator-bound ${esc(sec(m.generatorBoundS))}, host-bound ${esc(sec(m.hostBoundS))}`}</li>
${error === null ? '' : `<li>measured against the rate offered: ${esc(error)}${v.verdict === 'not-evidence' ? ' — no evidence either way' : ''}</li>`}<li class="muted">run: ${esc(v.runDir)}</li></ul></div>`;
  const holdOut = c.holdOut.map((h) => {
    const f = holdOutFacts(h);
    return `<li>hold-out ${esc(h.target)}: ${esc(f.prediction)}; ${esc(f.measured)} — ${f.ok === false ? `<b>${esc(f.reading)}</b>` : esc(f.reading)}</li>`;
  });
  const notes = c.holdOutNotes.map((n) => `<li class="muted">${escCode(n)}</li>`);
  return `${head}${holdOut.length + notes.length ? `<ul class="plan-holdout">${[...holdOut, ...notes].join('')}</ul>` : ''}`;
}
