/**
 * The Capacity section of a capacity run (issue 12): the latency-against-throughput curve
 * (the chart performance engineers read first), capacity at SLO against replica count, the
 * table per target × replica count, and every step. And the top of the page when every run
 * is a capacity run: capacity per target and replicas instead of a GO/NO-GO, because the
 * probe breaks the SLO on purpose and the gates would judge that as a failure.
 */
import type { ReportData, ReportRunData } from '../../data.ts';
import { count, ms, pct, rps } from '../../format.ts';
import { anyFloor, BOUND_TEXT, capacityRow, headlineLine, isCapacityRun, onlyCapacity, sloText } from '../../capacity/facts.ts';
import { esc, escCode, swatch, type HtmlSection } from '../parts.ts';
import { verdictSection } from './verdict.ts';

const STYLE = `<style>.verdict.capacity{border-color:#1f6fb4}.verdict.capacity .badge{background:#1f6fb4;font-size:22px} .capacity-lines{margin:2px 0 6px;padding-left:20px} .capacity-lines li{font-size:16px} tr.excluded td{color:#888} tr.knee td{background:#fff8dc} tr.failed td{background:#fff6f5} table.capacity td:first-child{white-space:nowrap}</style>`;

const capacityRuns = (d: ReportData): ReportRunData[] => d.runs.filter(isCapacityRun);

function capacityTop(d: ReportData): string {
  const lines = capacityRuns(d).flatMap((r) => r.targets.map((t) => `<li>${escCode(headlineLine(t))}</li>`));
  const slos = [...new Set(capacityRuns(d).flatMap((r) => r.targets.flatMap((t) => (t.capacity ? [sloText(t.capacity.slo)] : []))))];
  const commands = [...new Set(d.runs.map((r) => r.reproduce).filter((c) => c !== ''))];
  const reproduce = commands.length === 0 ? '' : `<p class="reproduce"><span class="muted">reproduce:</span> ${commands.map((c) => `<code>${esc(c)}</code>`).join('<br>')}</p>`;
  const v = d.verdict;
  const unavailable = v.unavailable.length === 0 ? '' : `<p class="unavailable"><span class="muted">not available here:</span> ${v.unavailable.map((u) => `${esc(u.target)} <span class="muted">(${esc(u.reason)})</span>`).join(' · ')}</p>`;
  return `${STYLE}<section class="verdict capacity" id="verdict"><div class="badge">CAPACITY</div><div class="why">
<p class="reason">Capacity at SLO${slos.length ? ` (${esc(slos.join('; '))})` : ''} per target and replica count — no GO/NO-GO: a capacity run raises the load until the SLO breaks, so gates would judge nothing.</p>
<ul class="capacity-lines">${lines.join('')}</ul>${reproduce}${unavailable}
<p class="muted">${anyFloor(capacityRuns(d).flatMap((r) => r.targets)) ? '“≥”: a floor — the step after it was generator- or host-bound, so the app may carry more. ' : ''}For a go/no-go, run <code>npx capbench run all --target …</code>. <a href="#capacity">Curves and every step below.</a></p></div></section>`;
}

/** The top of the page: the verdict, or capacity when every run is a capacity run. */
export const topSection: HtmlSection = {
  id: 'verdict',
  render: (d, page) => (onlyCapacity(d.runs) ? capacityTop(d) : verdictSection.render(d, page)),
};

function stepsTable(r: ReportRunData): string {
  const rows = r.targets.flatMap((t) => (t.capacity?.byReplicas ?? []).flatMap((rc) => rc.steps.map((s) => {
    const cls = s.bound !== 'app' ? 'excluded' : s.index === rc.kneeStepIndex ? 'knee' : '';
    return `<tr class="${cls}"><td>${esc(t.name)}</td><td class="num">${rc.replicas}</td><td class="num">${s.index + 1}</td><td class="num">${s.startS}–${s.endS} s</td><td class="num">${rps(s.offeredRps)}</td><td class="num">${rps(s.achievedRps)}</td><td class="num">${ms(s.p50Ms)}</td><td class="num">${ms(s.p95Ms)}</td><td class="num">${ms(s.p99Ms)}</td><td class="num">${pct(s.errorRate)}</td><td class="num">${count(s.dropped)}</td><td class="num">${s.cpuPercentPerReplica === null ? 'not sampled' : `${esc(pct(s.cpuPercentPerReplica / 100))} of a core`}</td><td>${s.meetsSlo ? '<span class="tag ok">yes</span>' : '<span class="tag bad">no</span>'}</td><td>${esc(BOUND_TEXT[s.bound])}${s.bound !== 'app' ? ` <span class="muted">(${s.generatorBoundS} s generator-, ${s.hostBoundS} s host-bound)</span>` : ''}${s.index === rc.kneeStepIndex ? ' <b>knee</b>' : ''}</td></tr>`;
  })));
  if (rows.length === 0) return '';
  return `<details><summary>Every step (${rows.length}) — also in capacity-steps.csv</summary><table class="small steps"><thead><tr><th>target</th><th>replicas</th><th>step</th><th>seconds</th><th>offered</th><th>achieved</th><th>p50</th><th>p95</th><th>p99</th><th>errors</th><th>dropped</th><th>CPU per replica</th><th>meets SLO</th><th>bound</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

function runCapacity(d: ReportData, r: ReportRunData): string {
  const charts = d.charts.filter((c) => c.runId === r.runId && c.section === 'capacity');
  const figures = charts.map((c) => `<figure class="chart"><div class="box" style="height:420px"><canvas id="${esc(c.id)}" role="img" aria-label="${esc(c.title)}"></canvas></div></figure>`);
  const rows: string[] = [];
  const sentences: string[] = [];
  for (const t of r.targets) {
    const c = t.capacity;
    if (c === undefined || c.byReplicas.length === 0) {
      sentences.push(`${t.name}: no capacity was measured — target ${t.status}${t.error ? `: ${t.error}` : ''}.`);
      continue;
    }
    for (const rc of c.byReplicas) {
      const row = capacityRow(t.name, c, rc);
      if (row.failed) {
        rows.push(`<tr class="failed"><td>${swatch(t)}</td><td class="num">${rc.replicas}</td><td colspan="6">${esc(row.capacity)}</td></tr>`);
        continue;
      }
      rows.push(`<tr><td>${swatch(t)}</td><td class="num">${rc.replicas}</td><td class="${row.hasFigure ? 'num' : ''}">${row.hasFigure ? `<b>${esc(row.capacity)}</b>` : esc(row.capacity)}</td><td class="num">${esc(row.saturation)}</td><td class="num">${esc(row.cpuPerRequest)}</td><td>${esc(row.stoppedBy)}</td><td>${esc(row.boundBy)}</td><td class="muted">${esc(row.steps)}</td></tr>`);
    }
  }
  const settings = r.targets.find((t) => t.capacity)?.capacity;
  const how = settings
    ? `Each step held one arrival rate (open model) for ${settings.stepS} s, the first ${settings.settleS} s left out as settling; the rate started at ${esc(rps(settings.startRps))} and grew ×${settings.growth} per step, up to ${esc(rps(settings.capRps))}. A step meets the SLO when ${esc(sloText(settings.slo))}.`
    : '';
  const counts = r.targets.map((t) => `${t.name}: ${(t.capacity?.byReplicas ?? []).map((x) => x.replicas).join(', ') || 'none'}`).join('; ');
  const several = r.targets.some((t) => (t.capacity?.byReplicas.length ?? 0) > 1);
  const single = charts.length === 0 || charts.some((c) => c.id.endsWith('capacity-replicas'))
    ? ''
    : several
      ? `<p class="single">No target has a capacity figure at two replica counts or more (${esc(counts)}), so there is no curve of capacity against replicas.</p>`
      : `<p class="single">One replica count was measured per target (${esc(counts)}), so there is no curve of capacity against replicas: run with <code>--replicas 1,2,4</code> to see how capacity scales.</p>`;
  const table = rows.length === 0
    ? '<p class="banner">No target of this run has a capacity figure.</p>'
    : `<table class="capacity"><thead><tr><th>target</th><th>replicas</th><th>capacity at SLO</th><th>saturation</th><th>CPU per request</th><th>stopped by</th><th>bound of the deciding step</th><th>steps</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return `<h3>${esc(r.scenario)} <span class="muted">run ${esc(r.runId)}</span></h3>
<p class="muted">${how} Capacity at SLO: the highest achieved throughput meeting the SLO, interpolated between the last passing and the first failing app-bound step (“≥”: the first failing step was generator- or host-bound, so the figure is a floor). Saturation: the plateau of achieved throughput. CPU per request: app CPU per successful request at the knee. Generator- and host-bound steps are drawn as crosses and never counted.</p>
${charts.length ? `<div class="grid" style="grid-template-columns:${charts.length === 1 ? 'minmax(0,1fr)' : 'minmax(0,2fr) minmax(0,1fr)'}">${figures.join('')}</div>` : '<p class="banner">No step with a successful request was saved — nothing to chart.</p>'}
${single}
${table}
${sentences.length ? `<ul class="notes">${sentences.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>` : ''}
${stepsTable(r)}`;
}

export const capacitySection: HtmlSection = {
  id: 'capacity',
  render(d) {
    const runs = capacityRuns(d);
    if (runs.length === 0) return '';
    return `${onlyCapacity(d.runs) ? '' : STYLE}<section id="capacity"><h2>Capacity — the most each target carries at its SLO, per replica count</h2>
${runs.map((r) => runCapacity(d, r)).join('\n')}</section>`;
  },
};
