/**
 * One section per run: its targets side by side on one time axis (charts drawn in the
 * browser from the embedded specs), its notes, and its fault windows and platform events.
 */
import type { GeneratorValidity } from '../../../measure/generator-bound.ts';
import { isCapacityRun } from '../../capacity/facts.ts';
import type { ReportData, ReportRunData } from '../../data.ts';
import { clockS, num, pct } from '../../format.ts';
import { esc, statusTag, type HtmlSection } from '../parts.ts';

/** `local: generator INVALID — 12 of 60 s generator-bound (20.0 %), 3 s host-bound` */
function generatorLine(name: string, g: GeneratorValidity): string {
  const word = g.status === 'invalid' ? '<b>INVALID</b>' : g.status === 'unknown' ? 'health not recorded' : 'kept its schedule';
  return `${esc(name)}: generator ${word} — ${g.generatorBoundS} of ${g.seconds} s generator-bound (${esc(pct(g.generatorBoundShare))}), ${g.hostBoundS} s host-bound`;
}

/**
 * A Kubernetes target's timing settings as its run recorded them (grace period, eviction
 * toleration, HPA sync: what explains a node crash's numbers), and — for a crash whose node
 * came back before the pods could be evicted — that rescheduling was not exercised.
 */
export function timingLine(t: ReportRunData['targets'][number]): string | null {
  const desc = t.description;
  if (desc.nodeMonitorGracePeriod === undefined) return null;
  const parts = [`node monitor grace period ${desc.nodeMonitorGracePeriod}`, `eviction toleration ${desc.podEvictionToleration}`, `HPA sync ${desc.hpaSyncPeriod}`, String(desc.nodeCrashTiming)];
  const evictedBy = desc.nodeCrashEvictedByS;
  for (const f of t.faults) {
    if (f.kind !== 'node-crash' || f.endMs === undefined || typeof evictedBy !== 'number') continue;
    const downS = Math.round((f.endMs - f.startMs) / 1000);
    parts.push(downS >= evictedBy ? `the node was down ${downS} s, past eviction: the pods were rescheduled while it was down` : `the node was down ${downS} s, less than eviction (~${evictedBy} s): it came back before its pods were rescheduled`);
  }
  return `${esc(t.name)} cluster timing: ${parts.map(esc).join('; ')}`;
}

function runSection(d: ReportData, r: ReportRunData): string {
  const charts = d.charts.filter((c) => c.runId === r.runId && c.section === undefined);
  const rows: string[] = [];
  const byRow = new Map<string, typeof charts>();
  for (const c of charts) byRow.set(c.row, [...(byRow.get(c.row) ?? []), c]);
  for (const [row, cs] of byRow) {
    const cols = row === 'load' ? Math.min(cs.length, 2) : row === 'platform' ? 1 : Math.min(cs.length, 3);
    rows.push(`<div class="grid" style="grid-template-columns:repeat(${cols},minmax(0,1fr))">${cs.map((c) => `<figure class="chart"><div class="box${c.small ? ' small' : ''}"><canvas id="${esc(c.id)}" role="img" aria-label="${esc(c.title)}"></canvas></div></figure>`).join('')}</div>`);
  }
  const ev = d.events[r.runId] ?? {};
  const evRows = Object.entries(ev).flatMap(([t, es]) => es.map((e) => ({ t, e }))).sort((a, b) => a.e.atMs - b.e.atMs);
  const evHtml = `<details><summary>Platform events (${evRows.length}) and fault windows</summary>
<table class="small"><thead><tr><th>t (s)</th><th>target</th><th>event</th><th>subject</th><th>detail</th></tr></thead><tbody>
${r.targets.flatMap((t) => t.faults.map((f) => `<tr class="fault"><td class="num">${clockS(f.startMs)}–${f.endMs === undefined ? 'never ended' : clockS(f.endMs)}</td><td>${esc(t.name)}</td><td>fault window: ${esc(f.kind)}</td><td>${esc(f.subject)}</td><td>${esc(f.detail ?? '')}</td></tr>`)).join('')}
${evRows.map(({ t, e }) => `<tr><td class="num">${clockS(e.atMs)}</td><td>${esc(t)}</td><td>${esc(e.kind)}</td><td>${esc(e.subject ?? '')}</td><td>${esc(e.detail ?? '')}</td></tr>`).join('')}
</tbody></table></details>`;
  const notes = r.targets.flatMap((t) => t.notes.map((n) => `${t.name}: ${n}`));
  const timing = r.targets.map(timingLine).filter((l): l is string => l !== null);
  // a capacity run judges the generator per step (Capacity section), not by the run-wide INVALID rule
  const health = isCapacityRun(r) ? [] : r.targets.filter((t) => t.generator.seconds > 0).map((t) => generatorLine(t.name, t.generator));
  return `<section class="run" id="run-${esc(r.runId)}"><h2>${esc(r.scenario)} <span class="muted">run ${esc(r.runId)}</span> ${statusTag(r.status)}</h2>
${r.status !== 'completed' ? `<p class="banner">This run is <b>${esc(r.status)}</b>${r.reason ? `: ${esc(r.reason)}` : ''}. Charts and figures cover only the seconds that were measured.</p>` : ''}
<p class="muted">SLO of the profile: p95 ≤ ${esc(num(r.slo.p95Ms))} ms, error rate ≤ ${esc(pct(r.slo.errorRate))}. Windows: ${r.windows.map((w) => `${esc(w.name)} ${w.startS}–${w.endS} s`).join(' · ') || 'none'}. Shaded: fault windows; dotted verticals: platform events; dashed red: SLO. Click a chart to inspect that second.</p>
${r.repeat > 1 ? `<p class="muted">${r.repeat} repetitions of each target: the charts draw each target's first repetition that has figures; every repetition's series is in the run directory (<code>targets/&lt;target&gt;.rep&lt;k&gt;/</code>) and its figures in figures.csv.</p>` : ''}
${health.length ? `<p class="muted generator">${health.join(' · ')}</p>` : ''}
${timing.length ? `<p class="muted timing">${timing.join('<br>')}</p>` : ''}
${notes.length ? `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${charts.length ? rows.join('') : '<p class="banner">No series were saved for this run — nothing to chart.</p>'}
${evHtml}</section>`;
}

export const runsSection: HtmlSection = {
  id: 'runs',
  render(d) {
    return d.runs.map((r) => runSection(d, r)).join('\n');
  },
};
