/**
 * index.html: one self-contained file (chart.js inlined, data embedded, no network) that
 * opens from disk. The page is HTML_SECTIONS in order, each rendered from the report's data;
 * charts are drawn in the browser from the embedded chart specs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { HarnessError } from '../../model/index.ts';
import type { ReportData } from '../data.ts';
import { VERDICT_LOOK } from '../verdict/headline.ts';
import { BANDS_PLUGIN_SOURCE } from './bands-plugin.ts';
import { esc, type HtmlSection, type PageContext } from './parts.ts';
import { capacitySection, topSection } from './sections/capacity.ts';
import { claimsSection } from './sections/claims.ts';
import { gatesSection } from './sections/gates.ts';
import { planSection } from './sections/plan.ts';
import { runsSection } from './sections/runs.ts';
import { contextSection, summarySection } from './sections/summary.ts';

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

/** JSON safe inside a <script> element. */
export function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const inspectorSection: HtmlSection = {
  id: 'inspector',
  render: (d) => (d.runs.length === 0 ? '' : `<h2>Inspect a second</h2>
<p class="muted">Every target of the chosen run at one second, at full resolution (charts are down-sampled for display; figures and this table are not).</p>
<div id="inspector"><label>run <select id="inspect-run"></select></label><label>second <input id="inspect-t" type="number" min="0" step="1" value="0"></label>
<div id="inspect-out"></div></div>`),
};

/** The files beside the page — only those written (PNG charts as one entry with their count). */
const filesSection: HtmlSection = {
  id: 'files',
  render(_d, page) {
    const pngs = page.files.filter((f) => f.startsWith('charts/') && f.endsWith('.png'));
    const names = [...page.files.filter((f) => !pngs.includes(f)), ...(pngs.length ? [`charts/*.png (${pngs.length} charts)`] : [])];
    return names.length === 0 ? '' : `<p class="muted" id="files">Files beside this page: ${names.map(esc).join(', ')}.</p>`;
  },
};

/**
 * The page, top to bottom. A new section (Capacity, Plan) is a new entry here; the top
 * block stays first, so the page answers in one glance before anything else.
 */
export const HTML_SECTIONS: readonly HtmlSection[] = [topSection, summarySection, capacitySection, planSection, gatesSection, contextSection, claimsSection, runsSection, inspectorSection, filesSection];

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#f6f7f9}
main{max-width:1500px;margin:0 auto;padding:16px 24px}
h1{margin:8px 0 12px;font-size:22px} h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccd;padding-bottom:4px} h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;background:#fff;margin:6px 0 12px;width:100%} th,td{border:1px solid #dde;padding:4px 8px;vertical-align:top;text-align:left} th{background:#eef0f4;font-weight:600}
td.num{text-align:right;white-space:nowrap} .small{font-size:12px} .muted{color:#667;font-size:12px}
.tag{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600} .tag.ok{background:#d6f0dc;color:#1d6b32} .tag.bad{background:#f8d7d4;color:#a02518} .tag.warn{background:#fde9c4;color:#8a5a00}
.tag.claimtag{background:#ece3f7;color:#5b2c91} .tag.meas{background:#dbe8f7;color:#174a7c} .tag.calc{background:#e3f1e8;color:#1d5b35} td.claim{font-style:italic}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
.verdict{display:flex;gap:18px;align-items:center;padding:12px 16px;border-radius:6px;background:#fff;border:2px solid #999}
.verdict .badge{font-size:30px;font-weight:800;padding:6px 16px;border-radius:6px;color:#fff;background:#777;white-space:nowrap}
.verdict.go{border-color:#2e8b57}.verdict.go .badge{background:#2e8b57} .verdict.nogo{border-color:#c0392b}.verdict.nogo .badge{background:#c0392b} .verdict.nodata .badge{background:#8a6d1d}.verdict.nodata{border-color:#8a6d1d} .verdict.invalid{border-color:#6c3483}.verdict.invalid .badge{background:#6c3483;font-size:18px} .verdict.inconclusive{border-color:#b9770e}.verdict.inconclusive .badge{background:#b9770e;font-size:16px}
.reason{font-size:17px;font-weight:600;margin:0 0 6px} .verdict .why{min-width:0} .deciding ul{margin:2px 0 6px;padding-left:20px} .deciding .fig{font-size:17px;font-weight:700} .reproduce,.unavailable{margin:4px 0} .verdict.nodata .badge{font-size:18px} tr.group th{background:#f6f7f9;font-weight:600} tr.rowfail td{background:#fff6f5} li.bad{color:#a02518}
.banner{background:#fde9c4;border:1px solid #e0b35a;padding:6px 10px;border-radius:4px}
.grid{display:grid;gap:12px;margin:10px 0} figure.chart{margin:0;background:#fff;border:1px solid #dde;border-radius:4px;padding:6px} .box{position:relative;height:320px} .box.small{height:170px}
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
    if (!spec.section) cfg.options.onClick = function (ev, _els, chart) {
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
    html += '<div class="muted">events within ±5 s: ' + (ev.length ? ev.map(function (x) { return esc(x[0] + ' ' + (x[1].atMs < 0 ? 'before load' : (x[1].atMs / 1000).toFixed(1) + ' s') + ' ' + x[1].kind + ' ' + (x[1].subject || '')); }).join(' · ') : 'none') + '</div>';
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
export function renderHtml(d: ReportData, page: PageContext = { files: [] }): string {
  const title = `capbench report — ${VERDICT_LOOK[d.verdict.verdict].badge} — ${[...new Set(d.runs.map((r) => r.scenario))].join(', ')}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><main>
<h1>capbench report <span class="muted">generated ${esc(d.generatedAt)}</span></h1>
<div id="errors"></div>
${HTML_SECTIONS.map((s) => s.render(d, page)).filter((h) => h !== '').join('\n')}
</main>
<script type="application/json" id="capbench-data">${scriptJson(d)}</script>
<script>${chartJsSource().replace(/<\/script/gi, '<\\/script')}</script>
<script>var PLUGIN = ${BANDS_PLUGIN_SOURCE};${CLIENT}</script>
</body></html>
`;
}
