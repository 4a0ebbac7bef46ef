/**
 * The top of the page, to be read in one glance: the verdict, the one or two figures that
 * decided it, the command that reproduces the run, and — once — the targets that were not
 * available here.
 */
import { GATE_INFO } from '../../../scenario/slo-file.ts';
import { pct } from '../../../measure/stats/median-interval.ts';
import { gateValue } from '../../format.ts';
import { VERDICT_LOOK } from '../../verdict/headline.ts';
import type { GateResult } from '../../verdict/verdict.ts';
import { esc, escCode, type HtmlSection } from '../parts.ts';

/** A deciding figure, value first: `3.94 %  error rate in spike · spike / local-k8s · limit 1 % · over by 2.94 %`. */
function decidingItem(g: GateResult, manyRuns: boolean): string {
  const where = `${esc(g.scenario)} / ${esc(g.target)}${manyRuns ? ` (run ${esc(g.runId)})` : ''}`;
  if (g.gate === 'data' || g.actual === null || g.limit === null) return `<li><b>${where}</b>: ${esc(g.text)}</li>`;
  const what = `${GATE_INFO[g.gate].label}${g.subject === null ? '' : ` in ${g.subject}`}`;
  const over = g.overBy === null ? '' : ` · over by ${gateValue(g.gate, g.overBy)}`;
  const spread = g.interval === null ? '' : ` <span class="muted">[${esc(gateValue(g.gate, g.interval.lower))}, ${esc(gateValue(g.gate, g.interval.upper))}] (n = ${g.n}, ${esc(pct(g.interval.coverage))})</span>`;
  const resolve = g.outcome === 'INCONCLUSIVE' ? ` · INCONCLUSIVE${g.toResolve?.runs ? `, about ${g.toResolve.runs} runs would likely resolve it` : ''}` : '';
  return `<li><span class="fig">${esc(gateValue(g.gate, g.actual))}</span>${spread} ${esc(what)} <span class="muted">· ${where} · limit ${esc(gateValue(g.gate, g.limit))}${esc(over)}${esc(resolve)}</span></li>`;
}

export const verdictSection: HtmlSection = {
  id: 'verdict',
  render(d) {
    const v = d.verdict;
    const look = VERDICT_LOOK[v.verdict];
    const more = v.failedGates.length - v.deciding.filter((g) => g.outcome === 'FAIL').length;
    const deciding = v.deciding.length === 0
      ? ''
      : `<div class="deciding"><span class="muted">deciding figures (${esc(look.decidingCaption)}):</span><ul>${v.deciding
          .map((g) => decidingItem(g, d.runs.length > 1))
          .join('')}${more > 0 ? `<li><a href="#gates">${more} more failed gate${more === 1 ? '' : 's'}</a></li>` : ''}</ul></div>`;
    const commands = [...new Set(d.runs.map((r) => r.reproduce).filter((c) => c !== ''))];
    const reproduce = commands.length === 0 ? '' : `<p class="reproduce"><span class="muted">reproduce:</span> ${commands.map((c) => `<code>${esc(c)}</code>`).join('<br>')}</p>`;
    const measured = [...new Set(d.runs.flatMap((r) => r.targets.filter((t) => t.figures !== null).map((t) => t.name)))];
    const comparison = v.verdict === 'NO DATA' && measured.length > 0 ? `<p class="muted">measured here: ${measured.map(esc).join(', ')} — their figures are below, for comparison.</p>` : '';
    const unavailable = v.unavailable.length === 0
      ? ''
      : `<p class="unavailable"><span class="muted">not available here:</span> ${v.unavailable.map((u) => `${esc(u.target)} <span class="muted">(${esc(u.reason)})</span>`).join(' · ')}</p>`;
    return `<section class="verdict ${look.cls}" id="verdict"><div class="badge">${esc(look.badge)}</div><div class="why">
<p class="reason">${escCode(look.headline(v))}</p>${deciding}${comparison}${reproduce}${unavailable}
<p class="muted">Gates: <code>${esc(v.sloFile)}</code>. GO needs every Kubernetes target to pass every gate of its scenario${d.runs.some((r) => r.repeat > 1) ? ' — with repetitions, the worse end of each interval' : ''}.</p></div></section>`;
  },
};
