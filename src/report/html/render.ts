/**
 * index.html: one self-contained file (chart.js inlined, data embedded, no network) that
 * opens from disk. Tables are rendered here as HTML; charts are drawn in the browser from
 * the embedded chart specs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HarnessError } from '../../model/index.ts';
import { createRequire } from 'node:module';
import type { ReportData, ReportRunData, ReportTargetData } from '../data.ts';
import { GATE_INFO } from '../../scenario/slo-file.ts';
import { BANDS_PLUGIN_SOURCE } from './bands-plugin.ts';

let chartJsCache: string | undefined;
/** chart.js's UMD build from node_modules (the file name of chart.js 4.x). */
export function chartJsSource(): string {
  if (chartJsCache === undefined) {
    // chart.js 4.x ships its browser bundle as dist/chart.umd.js (older 4.x: chart.umd.min.js only)
    const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
    const file = ['chart.umd.js', 'chart.umd.min.js'].map((f) => join(dist, f)).find((f) => existsSync(f));
    if (!file) throw new HarnessError(`report: ${join(dist, 'chart.umd.js')} must exist (got no chart.js UMD bundle in ${dist})`, { code: 'missingEnvironment', hint: 'npm install' });
    chartJsCache = readFileSync(file, 'utf8');
  }
  return chartJsCache;
}

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
export function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${+(v * 100).toFixed(2)} %`);
const sec = (v: number | null | undefined, never = 'never'): string => (v === null ? never : v === undefined ? '–' : `${+v.toFixed(1)} s`);
const num = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : String(v));

function statusTag(status: string): string {
  const cls = status === 'completed' ? 'ok' : status === 'interrupted' || status === 'running' ? 'warn' : 'bad';
  return `<span class="tag ${cls}">${esc(status === 'running' ? 'interrupted (never finished)' : status)}</span>`;
}

function swatch(t: { name: string; color: string }): string {
  return `<span class="sw" style="background:${esc(t.color)}"></span>${esc(t.name)}`;
}

function windowsCell(t: ReportTargetData, pick: 'p95' | 'err'): string {
  const f = t.figures;
  if (!f) return '–';
  const ws = f.windows.length ? f.windows : [f.overall];
  return ws.map((w) => `<div><span class="muted">${esc(w.name)}</span> ${pick === 'p95' ? ms(w.p95Ms) : pct(w.errorRate)}</div>`).join('');
}

function summaryTable(d: ReportData): string {
  const rows: string[] = [];
  for (const r of d.runs) {
    for (const t of r.targets) {
      const f = t.figures;
      const tv = d.verdict.targets.find((x) => x.runId === r.runId && x.target === t.name);
      const res = tv?.result ?? '–';
      const faults = f?.faults ?? [];
      const ttr = faults.length === 0 ? '–' : faults.map((x) => sec(x.timeToRecoverS)).join(', ');
      const rollout = faults.filter((x) => x.window.kind === 'rolling-update');
      const failedRollout = rollout.length === 0 ? '–' : String(rollout.reduce((a, x) => a + x.failedRequests, 0));
      const scale = f?.scaleUpReactionS === undefined ? '–' : f.scaleUpReactionS === null ? (r.scenario === 'spike' ? 'no scale-up' : '–') : `${f.scaleUpReactionS} s`;
      rows.push(`<tr class="${res === 'fail' ? 'rowfail' : ''}">
<td>${esc(r.scenario)}${r.status !== 'completed' ? ` ${statusTag(r.status)}` : ''}</td>
<td>${swatch(t)}<div class="muted">${esc(t.kind)}</div></td>
<td><span class="tag ${res === 'pass' ? 'ok' : res === 'fail' ? 'bad' : 'warn'}">${esc(res)}</span>${tv && tv.failed.length ? `<div class="muted">${tv.failed.length} failed</div>` : ''}</td>
<td class="num">${windowsCell(t, 'p95')}</td>
<td class="num">${windowsCell(t, 'err')}</td>
<td class="num">${f ? `${f.downtimeS} s` : '–'}</td>
<td class="num">${f ? `${f.longestOutageS} s` : '–'}</td>
<td class="num">${ttr}</td>
<td class="num">${scale}</td>
<td class="num">${f ? `${num(f.peakReadyReplicas)}${f.peakDesiredReplicas !== null ? ` <span class="muted">/ ${f.peakDesiredReplicas} desired</span>` : ''}` : '–'}</td>
<td class="num">${failedRollout}</td>
<td class="num">${f ? `${f.overall.throughputRps.toFixed(1)} req/s` : '–'}<div class="muted">${f ? `${f.overall.requests} req, ${f.overall.failures} failed` : esc(t.status)}</div></td>
</tr>`);
    }
  }
  return `<table class="summary"><thead><tr><th>scenario</th><th>target</th><th>gates</th><th>p95 per window</th><th>error rate per window</th><th>downtime</th><th>longest outage</th><th>time to recover</th><th>scale-up reaction</th><th>peak ready replicas</th><th>failed during rollout</th><th>throughput (overall)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function contextTable(runs: ReportRunData[], title: string): string {
  if (runs.length === 0) return '';
  const rows = runs.map((r) => {
    const dur = r.endedAt ? `${Math.round((Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000)} s wall` : 'no end recorded';
    const versions = Object.entries(r.versions).map(([k, v]) => `${esc(k)} ${esc(v)}`).join(', ') || '–';
    const tv = r.targets.map((t) => `<div>${swatch(t)} ${statusTag(t.status)}${t.error ? ` <span class="muted">${esc(t.error)}</span>` : ''}${Object.keys(t.versions).length ? ` <span class="muted">${esc(Object.entries(t.versions).map(([k, v]) => `${k} ${v}`).join(', '))}</span>` : ''}${t.figuresSource === 'run.json' ? ' <span class="tag warn">figures from run.json (no series)</span>' : ''}</div>`).join('');
    return `<tr><td><code>${esc(r.runId)}</code><div class="muted">${esc(r.startedAt)} · ${dur}</div></td><td>${esc(r.scenario)} <span class="muted">${esc(r.variant)}${r.timeScale !== 1 ? ` ×${r.timeScale}` : ''}</span></td><td>${statusTag(r.status)}${r.reason ? `<div class="muted">${esc(r.reason)}</div>` : ''}</td><td>${esc(r.driver)} · ${esc(r.model)} model</td><td>${esc(r.machine?.cores)} cores · ${esc(Math.round((r.machine?.memoryMB ?? 0) / 1024))} GB<div class="muted">${esc(r.machine?.cpuModel)} · ${esc(r.machine?.os)}</div></td><td class="small">${versions}</td><td class="small">${tv}</td></tr>`;
  });
  return `<h3>${esc(title)}</h3><table><thead><tr><th>run</th><th>scenario</th><th>status</th><th>driver · load model</th><th>machine</th><th>versions</th><th>targets</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function claimsTable(d: ReportData): string {
  const rows = d.claims.map((c) => `<tr><td>${esc(c.topic)}</td><td>${esc(c.platform === 'kubernetes' ? 'Kubernetes' : 'Docker Compose')}</td><td class="claim">${esc(c.claimed)} <span class="tag claimtag">claim</span></td><td>${c.measured.length === 0 ? '<span class="muted">not measured in these runs</span>' : c.measured.map((m) => `<div><span class="tag meas">measured</span> ${esc(m.target)}: <b>${esc(m.value)}</b> <span class="muted">run ${esc(m.runId)}</span></div>`).join('')}</td></tr>`);
  return `<table class="claims"><thead><tr><th>what</th><th>platform</th><th>the seeds claimed (not a measurement)</th><th>these runs measured (${esc(d.claims[0]?.scenario === 'spike' ? 'spike window = 100 users' : '')})</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function verdictBlock(d: ReportData): string {
  const v = d.verdict;
  const cls = v.verdict === 'GO' ? 'go' : v.verdict === 'NO-GO' ? 'nogo' : 'nodata';
  const failed = v.failedGates.length
    ? `<h3>Failed gates (Kubernetes targets)</h3><ul>${v.failedGates.map((g) => `<li><b>${esc(g.scenario)} / ${esc(g.target)}</b>: ${esc(g.text)}</li>`).join('')}</ul>`
    : '';
  const other = v.gates.filter((g) => !g.candidate && !g.pass);
  const otherHtml = other.length ? `<details><summary>Gates failed by non-Kubernetes targets (${other.length}) — for comparison, not part of the verdict</summary><ul>${other.map((g) => `<li>${esc(g.scenario)} / ${esc(g.target)}: ${esc(g.text)}</li>`).join('')}</ul></details>` : '';
  const regs = v.regressions.filter((r) => r.regressed);
  const regHtml = v.regressions.length
    ? `<h3>Against baseline</h3>${regs.length ? `<ul>${regs.map((r) => `<li class="${r.candidate ? 'bad' : ''}"><b>regression ${esc(r.scenario)} / ${esc(r.target)}</b>: ${esc(r.text)} <span class="muted">(baseline ${esc(r.baselineRunId)})</span></li>`).join('')}</ul>` : '<p>No regression beyond the margin.</p>'}
<details><summary>All compared figures (${v.regressions.length})</summary><table><thead><tr><th>scenario</th><th>target</th><th>figure</th><th>baseline → now</th><th>regressed</th></tr></thead><tbody>${v.regressions.map((r) => `<tr><td>${esc(r.scenario)}</td><td>${esc(r.target)}</td><td>${esc(GATE_INFO[r.gate].label)}${r.subject ? ` (${esc(r.subject)})` : ''}</td><td>${esc(r.text.split(': ').slice(1).join(': '))}</td><td>${r.regressed ? '<span class="tag bad">yes</span>' : 'no'}</td></tr>`).join('')}</tbody></table></details>`
    : '';
  const notes = v.notes.length ? `<ul class="notes">${v.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  return `<section class="verdict ${cls}"><div class="badge">${esc(v.verdict)}</div><div><p class="reason">${esc(v.reason)}</p><p class="muted">Gates: <code>${esc(v.sloFile)}</code>. GO needs every Kubernetes target to pass every gate of its scenario.</p></div></section>${failed}${otherHtml}${regHtml}${notes}`;
}

function runSection(d: ReportData, r: ReportRunData): string {
  const charts = d.charts.filter((c) => c.runId === r.runId);
  const rows: string[] = [];
  const byRow = new Map<string, typeof charts>();
  for (const c of charts) byRow.set(c.row, [...(byRow.get(c.row) ?? []), c]);
  for (const [row, cs] of byRow) {
    const cols = row === 'load' || row === 'platform' ? 1 : Math.min(cs.length, 3);
    rows.push(`<div class="grid" style="grid-template-columns:repeat(${row === 'load' ? Math.min(cs.length, 2) : cols},minmax(0,1fr))">${cs.map((c) => `<figure class="chart"><div class="box"><canvas id="${esc(c.id)}" role="img" aria-label="${esc(c.title)}"></canvas></div></figure>`).join('')}</div>`);
  }
  const ev = d.events[r.runId] ?? {};
  const evRows = Object.entries(ev).flatMap(([t, es]) => es.map((e) => ({ t, e }))).sort((a, b) => a.e.atMs - b.e.atMs);
  const evHtml = `<details><summary>Platform events (${evRows.length}) and fault windows</summary>
<table class="small"><thead><tr><th>t (s)</th><th>target</th><th>event</th><th>subject</th><th>detail</th></tr></thead><tbody>
${r.targets.flatMap((t) => t.faults.map((f) => `<tr class="fault"><td class="num">${(f.startMs / 1000).toFixed(1)}–${f.endMs === undefined ? 'never ended' : (f.endMs / 1000).toFixed(1)}</td><td>${esc(t.name)}</td><td>fault window: ${esc(f.kind)}</td><td>${esc(f.subject)}</td><td>${esc(f.detail ?? '')}</td></tr>`)).join('')}
${evRows.map(({ t, e }) => `<tr><td class="num">${(e.atMs / 1000).toFixed(1)}</td><td>${esc(t)}</td><td>${esc(e.kind)}</td><td>${esc(e.subject ?? '')}</td><td>${esc(e.detail ?? '')}</td></tr>`).join('')}
</tbody></table></details>`;
  const notes = r.targets.flatMap((t) => t.notes.map((n) => `${t.name}: ${n}`));
  return `<section class="run" id="run-${esc(r.runId)}"><h2>${esc(r.scenario)} <span class="muted">run ${esc(r.runId)}</span> ${statusTag(r.status)}</h2>
${r.status !== 'completed' ? `<p class="banner">This run is <b>${esc(r.status)}</b>${r.reason ? `: ${esc(r.reason)}` : ''}. Charts and figures cover only the seconds that were measured.</p>` : ''}
<p class="muted">SLO of the profile: p95 ≤ ${esc(r.slo.p95Ms)} ms, error rate ≤ ${esc(r.slo.errorRate * 100)} %. Windows: ${r.windows.map((w) => `${esc(w.name)} ${w.startS}–${w.endS} s`).join(' · ') || 'none'}. Shaded: fault windows; dotted verticals: platform events; dashed red: SLO. Click a chart to inspect that second.</p>
${notes.length ? `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${charts.length ? rows.join('') : '<p class="banner">No series were saved for this run — nothing to chart.</p>'}
${evHtml}</section>`;
}

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#f6f7f9}
main{max-width:1500px;margin:0 auto;padding:16px 24px}
h1{margin:8px 0 12px;font-size:22px} h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccd;padding-bottom:4px} h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;background:#fff;margin:6px 0 12px;width:100%} th,td{border:1px solid #dde;padding:4px 8px;vertical-align:top;text-align:left} th{background:#eef0f4;font-weight:600}
td.num{text-align:right;white-space:nowrap} .small{font-size:12px} .muted{color:#667;font-size:12px}
.tag{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600} .tag.ok{background:#d6f0dc;color:#1d6b32} .tag.bad{background:#f8d7d4;color:#a02518} .tag.warn{background:#fde9c4;color:#8a5a00}
.tag.claimtag{background:#ece3f7;color:#5b2c91} .tag.meas{background:#dbe8f7;color:#174a7c} td.claim{font-style:italic}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
.verdict{display:flex;gap:18px;align-items:center;padding:12px 16px;border-radius:6px;background:#fff;border:2px solid #999}
.verdict .badge{font-size:30px;font-weight:800;padding:6px 16px;border-radius:6px;color:#fff;background:#777;white-space:nowrap}
.verdict.go{border-color:#2e8b57}.verdict.go .badge{background:#2e8b57} .verdict.nogo{border-color:#c0392b}.verdict.nogo .badge{background:#c0392b} .verdict.nodata .badge{background:#8a6d1d}.verdict.nodata{border-color:#8a6d1d}
.reason{font-size:15px;margin:0 0 4px} tr.rowfail td{background:#fff6f5} li.bad{color:#a02518}
.banner{background:#fde9c4;border:1px solid #e0b35a;padding:6px 10px;border-radius:4px}
.grid{display:grid;gap:12px;margin:10px 0} figure.chart{margin:0;background:#fff;border:1px solid #dde;border-radius:4px;padding:6px} .box{position:relative;height:320px}
#inspector{background:#fff;border:1px solid #dde;padding:8px 12px;border-radius:4px} #inspector select,#inspector input{font:inherit;margin-right:8px}
#inspect-out table{width:auto} tr.fault td{background:#f3eefa} #errors{color:#a02518;font-weight:600}
`;

const CLIENT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('capbench-data').textContent);
  var errBox = document.getElementById('errors');
  Chart.register(PLUGIN);
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  window.capbenchCharts = {};
  data.charts.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) return;
    var cfg = spec.config;
    cfg.options.responsive = true;
    cfg.options.maintainAspectRatio = false;
    cfg.options.onClick = function (ev, _els, chart) {
      var t = Math.floor(chart.scales.x.getValueForPixel(ev.x));
      inspect(spec.runId, null, t);
    };
    try { window.capbenchCharts[spec.id] = new Chart(el, cfg); }
    catch (e) { errBox.textContent += 'chart ' + spec.id + ' failed: ' + e.message + ' '; }
  });

  var runSel = document.getElementById('inspect-run'), tgtSel = document.getElementById('inspect-target'), tIn = document.getElementById('inspect-t'), out = document.getElementById('inspect-out');
  function esc(s) { return String(s == null ? '' : s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }
  data.runs.forEach(function (r) { var o = document.createElement('option'); o.value = r.runId; o.textContent = r.scenario + ' — ' + r.runId; runSel.appendChild(o); });
  function fillTargets() {
    if (!tgtSel) return;
    tgtSel.innerHTML = '';
    Object.keys(data.timeline[runSel.value] || {}).forEach(function (t) { var o = document.createElement('option'); o.value = t; o.textContent = t; tgtSel.appendChild(o); });
  }
  function show() {
    var run = runSel.value, t = Number(tIn.value), targets = Object.keys(data.timeline[run] || {});
    var html = '<table class="small"><thead><tr><th>target</th>';
    var cols = targets.length ? data.timeline[run][targets[0]].columns : [];
    cols.forEach(function (c) { html += '<th>' + esc(c) + '</th>'; });
    html += '</tr></thead><tbody>';
    targets.forEach(function (tg) {
      var tl = data.timeline[run][tg], row = null;
      for (var i = 0; i < tl.rows.length; i++) if (tl.rows[i][0] === t) { row = tl.rows[i]; break; }
      html += '<tr><td>' + esc(tg) + '</td>' + (row ? row.map(function (v) { return '<td class="num">' + esc(v === '' ? '–' : v) + '</td>'; }).join('') : '<td colspan="' + cols.length + '">no data in second ' + t + '</td>') + '</tr>';
    });
    html += '</tbody></table>';
    var ev = [];
    targets.forEach(function (tg) { (data.events[run][tg] || []).forEach(function (e) { if (Math.abs(e.atMs / 1000 - t) <= 5) ev.push([tg, e]); }); });
    html += '<div class="muted">events within ±5 s: ' + (ev.length ? ev.map(function (x) { return esc(x[0] + ' ' + (x[1].atMs / 1000).toFixed(1) + ' s ' + x[1].kind + ' ' + (x[1].subject || '')); }).join(' · ') : 'none') + '</div>';
    out.innerHTML = html;
  }
  function inspect(runId, target, t) {
    runSel.value = runId; fillTargets(); if (target && tgtSel) tgtSel.value = target; tIn.value = String(t); show();
    document.getElementById('inspector').scrollIntoView({ behavior: 'instant', block: 'nearest' });
  }
  runSel.onchange = function () { fillTargets(); show(); }; if (tgtSel) tgtSel.onchange = show; tIn.oninput = show;
  if (data.runs.length) { runSel.value = data.runs[0].runId; fillTargets(); tIn.value = '0'; show(); }
})();
`;

/** The whole page. */
export function renderHtml(d: ReportData): string {
  const title = `capbench report — ${d.verdict.verdict} — ${[...new Set(d.runs.map((r) => r.scenario))].join(', ')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><main>
<h1>capbench report <span class="muted">generated ${esc(d.generatedAt)}</span></h1>
<div id="errors"></div>
${verdictBlock(d)}
<h2>Summary per scenario × target</h2>
${summaryTable(d)}
${contextTable(d.runs, 'Runs: machine, versions, driver and load model')}
${contextTable(d.baselines, 'Baseline runs')}
<h2>Claims vs measurements</h2>
<p class="muted">The left column repeats what the migration proposal (“the seeds”) claimed. Those are <b>claims, not measurements</b>. The right column is what these runs measured on this machine.</p>
${claimsTable(d)}
${d.runs.map((r) => runSection(d, r)).join('\n')}
<h2>Inspect a second</h2>
<p class="muted">Every target of the chosen run at one second, at full resolution (charts are down-sampled for display; figures and this table are not).</p>
<div id="inspector"><label>run <select id="inspect-run"></select></label><label>second <input id="inspect-t" type="number" min="0" step="1" value="0"></label>
<div id="inspect-out"></div></div>
<p class="muted">Files beside this page: summary.md, summary.csv, timeline.csv (every second of every target), charts/*.png.</p>
</main>
<script type="application/json" id="capbench-data">${scriptJson(d)}</script>
<script>${chartJsSource().replace(/<\/script/gi, '<\\/script')}</script>
<script>var PLUGIN = ${BANDS_PLUGIN_SOURCE};${CLIENT}</script>
</body></html>
`;
}
