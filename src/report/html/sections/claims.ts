/**
 * Claims vs measurements: what the claims file (the seeds' claims by default) says, next to
 * what these runs measured — only targets that produced the figure — and, for sizing and cost
 * claims, what the capacity plans beside the runs computed (labelled so); a claim nobody
 * measured says which scenario (or plan) would.
 */
import { PLATFORM_LABEL } from '../../claims/claims.ts';
import { esc, escCode, type HtmlSection } from '../parts.ts';

export const claimsSection: HtmlSection = {
  id: 'claims',
  render(d) {
    if (d.claims.length === 0) return '';
    const scenarios = [...new Set(d.claims.map((c) => c.scenario))];
    const body = scenarios.map((s) => {
      const rows = d.claims.filter((c) => c.scenario === s).map((c) => `<tr><td>${esc(c.topic)}</td><td>${esc(PLATFORM_LABEL[c.platform])}</td><td class="claim">${esc(c.claimed)} <span class="tag claimtag">claim</span></td><td>${
        [
          ...c.measured.map((m) => `<div><span class="tag meas">measured</span> ${esc(m.target)}: <b>${esc(m.value)}</b>${m.interval ? ` <span class="interval">${esc(m.interval)}</span>` : ''} <span class="muted">run ${esc(m.runId)}</span></div>`),
          ...(c.unmeasured === undefined ? [] : [`<div class="muted">not measured — ${escCode(c.unmeasured)}</div>`]),
          ...c.computed.map((x) => `<div class="computed"><span class="tag calc">${esc(x.label)}</span> <b>${esc(x.value)}</b></div>`),
        ].join('')
      }</td></tr>`);
      return `<tr class="group"><th colspan="4">${esc(s)}</th></tr>${rows.join('')}`;
    });
    return `<section id="claims"><h2>Claims vs measurements</h2>
<p class="muted">The third column repeats what the migration proposal (“the seeds”) claimed (<code>${esc(d.claimsFile.split('/').slice(-3).join('/'))}</code>). Those are <b>claims, not measurements</b>. The last column is what these runs measured on this machine (in spike, the “spike” window is the one at 100 users), and for sizing and cost what a capacity plan computed from measured capacity — a prediction, labelled so.</p>
<table class="claims"><thead><tr><th>what</th><th>platform</th><th>claimed (not a measurement)</th><th>measured in these runs (or computed by a plan)</th></tr></thead><tbody>${body.join('')}</tbody></table></section>`;
  },
};
