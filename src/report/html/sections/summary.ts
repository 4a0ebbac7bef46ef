/**
 * Figures per scenario × target (only targets the report shows: the unavailable ones are
 * named once at the top), then each run's context: machine, versions, driver, targets.
 */
import { isCapacityRun, onlyCapacity } from '../../capacity/facts.ts';
import { connectionsText } from '../../../../scenarios/lib/index.ts';
import type { ReportData, ReportRunData, ReportTargetData } from '../../data.ts';
import type { TargetFigures, WindowFigures } from '../../../model/index.ts';
import { count, figure, figuresBasis, ms, pct, rps, sec } from '../../format.ts';
import { esc, statusTag, swatch, type HtmlSection } from '../parts.ts';

function windowsCell(t: ReportTargetData, pick: 'p95' | 'err', c: { compactFor: number }): string {
  const f = t.figures;
  if (!f) return '–';
  const ws = f.windows.length ? f.windows : [f.overall];
  const inWindow = (x: TargetFigures, name: string): WindowFigures | undefined => (x.windows.length ? x.windows.find((w) => w.name === name) : x.overall);
  return ws.map((w) => `<div><span class="muted">${esc(w.name)}</span> ${esc(pick === 'p95' ? figure(t, (x) => inWindow(x, w.name)?.p95Ms ?? null, ms, c) : figure(t, (x) => inWindow(x, w.name)?.errorRate ?? null, pct, c))}</div>`).join('');
}

function summaryTable(d: ReportData): string {
  const rows: string[] = [];
  for (const r of d.runs.filter((x) => !isCapacityRun(x))) {
    // n and the coverage are said once above the table; a cell says n only where it differs
    const c = { compactFor: r.repeat };
    for (const t of r.targets) {
      const f = t.figures;
      const tv = d.verdict.targets.find((x) => x.runId === r.runId && x.target === t.name);
      const res = tv?.result ?? '–';
      const faults = f?.faults ?? [];
      const ttr = faults.length === 0 ? '–' : faults.map((_x, i) => esc(figure(t, (y) => y.faults[i]?.timeToRecoverS ?? null, (v) => sec(v, 'never'), c))).join(', ');
      const rollout = faults.filter((x) => x.window.kind === 'rolling-update');
      const failedRollout = rollout.length === 0 ? '–' : count(rollout.reduce((a, x) => a + x.failedRequests, 0));
      const scale = f?.scaleUpReactionS === undefined ? '–' : f.scaleUpReactionS === null ? (r.scenario === 'spike' ? 'no scale-up' : '–') : esc(figure(t, (x) => x.scaleUpReactionS, sec, c));
      rows.push(`<tr class="${res === 'fail' ? 'rowfail' : ''}">
<td>${esc(r.scenario)}${r.status !== 'completed' ? ` ${statusTag(r.status)}` : ''}</td>
<td>${swatch(t)}<div class="muted">${esc(t.kind)}</div></td>
<td><span class="tag ${res === 'pass' ? 'ok' : res === 'fail' ? 'bad' : 'warn'}">${esc(res)}</span>${tv && tv.failed.length ? `<div class="muted">${tv.failed.length} failed</div>` : ''}${!f && t.error ? `<div class="muted">${esc(t.status)}: ${esc(t.error)}</div>` : ''}</td>
<td class="num">${windowsCell(t, 'p95', c)}</td>
<td class="num">${windowsCell(t, 'err', c)}</td>
<td class="num">${f ? esc(figure(t, (x) => x.downtimeS, sec, c)) : '–'}</td>
<td class="num">${f ? esc(figure(t, (x) => x.longestOutageS, sec, c)) : '–'}</td>
<td class="num">${degradedCell(t, c)}</td>
<td class="num">${ttr}</td>
<td class="num">${scale}</td>
<td class="num">${f ? `${count(f.peakReadyReplicas)}${f.peakDesiredReplicas !== null ? ` <span class="muted">/ ${count(f.peakDesiredReplicas)} desired</span>` : ''}` : '–'}</td>
<td class="num">${failedRollout}</td>
<td class="num">${f ? esc(figure(t, (x) => x.overall.throughputRps, rps, c)) : '–'}<div class="muted">${f ? `${count(f.overall.requests)} req, ${count(f.overall.failures)} failed` : esc(t.status)}</div></td>
</tr>`);
    }
  }
  return `<table class="summary"><thead><tr><th>scenario</th><th>target</th><th>gates</th><th>p95 per window</th><th>error rate per window</th><th>downtime</th><th>longest outage</th><th>degraded (error rate over the SLO's)</th><th>time to recover</th><th>scale-up reaction</th><th>peak ready replicas</th><th>failed during rollout</th><th>throughput (overall)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Machine, versions, driver and targets of each run (also used for the baseline runs). */
function contextTable(runs: readonly ReportRunData[], title: string): string {
  if (runs.length === 0) return '';
  const rows = runs.map((r) => {
    const dur = r.endedAt ? `${sec(Math.round((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000))} wall` : 'no end recorded';
    const versions = Object.entries(r.versions).map(([k, v]) => `${esc(k)} ${esc(v)}`).join(', ') || '–';
    const tv = r.targets.map((t) => `<div>${swatch(t)} ${statusTag(t.status)}${t.error ? ` <span class="muted">${esc(t.error)}</span>` : ''}${Object.keys(t.versions).length ? ` <span class="muted">${esc(Object.entries(t.versions).map(([k, v]) => `${k} ${v}`).join(', '))}</span>` : ''}${t.description['entry'] !== undefined ? `<div class="muted">entry: ${esc(t.description['entry'])}</div>` : ''}${t.figuresSource === 'run.json' ? ' <span class="tag warn">figures from run.json (no series)</span>' : ''}${t.figures?.availabilityBasis === 'completion-second' && !isCapacityRun(r) ? ' <span class="tag warn">downtime by completion second (saved before start seconds were recorded)</span>' : ''}</div>`).join('');
    return `<tr><td><code>${esc(r.runId)}</code><div class="muted">${esc(r.startedAt)} · ${dur}</div>${r.reproduce ? `<div class="small"><code>${esc(r.reproduce)}</code></div>` : ''}</td><td>${esc(r.scenario)} <span class="muted">${esc(r.variant)}${r.timeScale !== 1 ? ` ×${r.timeScale}` : ''}</span></td><td>${statusTag(r.status)}${r.reason ? `<div class="muted">${esc(r.reason)}</div>` : ''}</td><td>${esc(r.driver)} · ${esc(r.model)} model${r.connections === undefined ? '' : `<div class="muted">${esc(connectionsText(r.connections))}</div>`}</td><td>${esc(r.machine?.cores)} cores · ${esc(Math.round((r.machine?.memoryMB ?? 0) / 1024))} GB<div class="muted">${esc(r.machine?.cpuModel)} · ${esc(r.machine?.os)}</div></td><td class="small">${versions}</td><td class="small">${tv}</td></tr>`;
  });
  return `<h3>${esc(title)}</h3><table><thead><tr><th>run</th><th>scenario</th><th>status</th><th>driver · load model</th><th>machine</th><th>versions</th><th>targets</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Degraded seconds, the longest stretch, and each fault window's error rate. */
function degradedCell(t: ReportTargetData, c: { compactFor?: number }): string {
  const f = t.figures;
  if (!f || f.degradedS === undefined) return '–';
  const rates = f.faults.map((_x, i) => figure(t, (y) => y.faults[i]?.errorRate ?? null, pct, c));
  return `${esc(figure(t, (x) => x.degradedS ?? null, sec, c))} <span class="muted">(longest ${esc(figure(t, (x) => x.longestDegradedS ?? null, sec, c))})</span>${rates.length ? `<div class="muted">${esc(rates.join(', '))} failed during the fault</div>` : ''}`;
}

export const summarySection: HtmlSection = {
  id: 'summary',
  render: (d) => (onlyCapacity(d.runs) ? '' : `<section id="summary"><h2>Summary per scenario × target</h2>\n<p class="muted basis">${[...new Set(d.runs.filter((r) => !isCapacityRun(r)).map((r) => figuresBasis(r.repeat)))].map(esc).join(' · ')}</p>\n${summaryTable(d)}</section>`),
};

export const contextSection: HtmlSection = {
  id: 'context',
  render: (d) => `<section id="context">${contextTable(d.runs, 'Runs: machine, versions, driver and load model')}\n${contextTable(d.baselines, 'Baseline runs')}</section>`,
};
