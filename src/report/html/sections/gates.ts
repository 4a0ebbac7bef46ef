/**
 * Every failed gate, visible: first the Kubernetes targets' (they decide), then the other
 * targets' (for comparison, not part of the verdict); then baseline regressions and notes.
 */
import { GATE_INFO } from '../../../scenario/slo-file.ts';
import type { GateResult } from '../../verdict/verdict.ts';
import { esc, type HtmlSection } from '../parts.ts';

const list = (gs: readonly GateResult[]): string => `<ul>${gs.map((g) => `<li><b>${esc(g.scenario)} / ${esc(g.target)}</b>: ${esc(g.text)}</li>`).join('')}</ul>`;

export const gatesSection: HtmlSection = {
  id: 'gates',
  render(d) {
    const v = d.verdict;
    const others = v.gates.filter((g) => !g.candidate && g.outcome === 'FAIL');
    const regs = v.regressions.filter((r) => r.regressed);
    const parts: string[] = [];
    if (v.failedGates.length) parts.push(`<h3>Failed gates — Kubernetes (these decide the verdict)</h3>${list(v.failedGates)}`);
    if (v.inconclusiveGates.length) parts.push(`<h3>Undecided gates — Kubernetes (INCONCLUSIVE: the interval contains the limit)</h3>${list(v.inconclusiveGates)}`);
    const cs = v.comparisons.filter((c) => c.n > 1 || c.nAgainst > 1);
    if (cs.length) {
      parts.push(`<h3>Kubernetes against Compose</h3><p class="muted">Difference = Hodges–Lehmann shift (Kubernetes − Compose) with its distribution-free interval and achieved coverage; p = two-sided Mann–Whitney U; significant when p &lt; 0.05 and the interval excludes 0.</p>
<table class="compare"><thead><tr><th>scenario</th><th>target vs</th><th>figure</th><th>difference [interval]</th><th>p</th><th>significant</th></tr></thead><tbody>${cs.map((c) => `<tr><td>${esc(c.scenario)}</td><td>${esc(c.target)} vs ${esc(c.against)} <span class="muted">(${c.n} vs ${c.nAgainst} runs)</span></td><td>${esc(GATE_INFO[c.gate].label)}${c.subject ? ` (${esc(c.subject)})` : ''}</td><td class="num">${esc(c.text.split(': ').slice(1).join(': ').replace(/, p = .*$/, '').replace(/ — .*$/, ''))}</td><td class="num">${esc(c.p.toPrecision(2))}</td><td>${c.significant ? '<span class="tag bad">yes</span>' : 'no'}</td></tr>`).join('')}</tbody></table>`);
    }
    if (others.length) parts.push(`<h3>Failed gates — other targets (for comparison, not part of the verdict)</h3>${list(others)}`);
    if (v.regressions.length) {
      parts.push(`<h3>Against baseline</h3>${regs.length ? `<ul>${regs.map((r) => `<li class="${r.candidate ? 'bad' : ''}"><b>regression ${esc(r.scenario)} / ${esc(r.target)}</b>: ${esc(r.text)} <span class="muted">(baseline ${esc(r.baselineRunId)})</span></li>`).join('')}</ul>` : '<p>No regression beyond the margin.</p>'}
<details><summary>All compared figures (${v.regressions.length})</summary><table><thead><tr><th>scenario</th><th>target</th><th>figure</th><th>baseline → now</th><th>regressed</th></tr></thead><tbody>${v.regressions.map((r) => `<tr><td>${esc(r.scenario)}</td><td>${esc(r.target)}</td><td>${esc(GATE_INFO[r.gate].label)}${r.subject ? ` (${esc(r.subject)})` : ''}</td><td>${esc(r.text.split(': ').slice(1).join(': '))}</td><td>${r.regressed ? '<span class="tag bad">yes</span>' : 'no'}</td></tr>`).join('')}</tbody></table></details>`);
    }
    if (v.notes.length) parts.push(`<ul class="notes">${v.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
    if (parts.length === 0) return '';
    return `<section id="gates"><h2>Gates</h2>${parts.join('\n')}</section>`;
  },
};
