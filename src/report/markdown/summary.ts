/**
 * summary.md: the verdict in Markdown for CI job summaries and PR comments.
 */
import type { ReportData } from '../data.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${Math.round(v)} ms`);
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${+(v * 100).toFixed(2)} %`);

/** `htmlLink` is the path of index.html relative to summary.md. */
export function renderSummaryMd(d: ReportData, htmlLink: string): string {
  const v = d.verdict;
  const icon = v.verdict === 'GO' ? '✅' : v.verdict === 'NO-GO' ? '❌' : '⚠️';
  const out: string[] = [];
  out.push(`## capbench: ${icon} ${v.verdict}`, '', cell(v.reason), '');
  out.push('| scenario | target | kind | run | gates | worst p95 | worst error rate | downtime | throughput |', '|---|---|---|---|---|---:|---:|---:|---:|');
  for (const r of d.runs) {
    for (const t of r.targets) {
      const tv = v.targets.find((x) => x.runId === r.runId && x.target === t.name);
      const f = t.figures;
      const ws = f ? (f.windows.length ? f.windows : [f.overall]) : [];
      const p95 = ws.reduce<number | null>((a, w) => (w.p95Ms !== null && (a === null || w.p95Ms > a) ? w.p95Ms : a), null);
      const err = ws.reduce<number | null>((a, w) => (a === null || w.errorRate > a ? w.errorRate : a), null);
      const res = tv ? (tv.result === 'pass' ? 'pass' : tv.result === 'fail' ? `**fail** (${tv.failed.length})` : 'no data') : '–';
      const status = r.status === 'completed' && t.status === 'completed' ? 'completed' : `**${r.status !== 'completed' ? r.status : t.status}**`;
      out.push(`| ${cell(r.scenario)} | ${cell(t.name)} | ${t.kind} | ${status} | ${res} | ${ms(p95)} | ${pct(err)} | ${f ? `${f.downtimeS} s` : '–'} | ${f ? `${f.overall.throughputRps.toFixed(1)} req/s` : '–'} |`);
    }
  }
  out.push('');
  if (v.failedGates.length) {
    out.push('### Failed gates', '');
    for (const g of v.failedGates) out.push(`- **${cell(g.scenario)} / ${cell(g.target)}**: ${cell(g.text)}`);
    out.push('');
  }
  const regs = v.regressions.filter((r) => r.regressed);
  if (v.regressions.length) {
    out.push('### Baseline regressions', '');
    if (regs.length === 0) out.push('No regression beyond the margin.');
    for (const r of regs) out.push(`- ${r.candidate ? '**' : ''}${cell(r.scenario)} / ${cell(r.target)}${r.candidate ? '**' : ''}: ${cell(r.text)} (baseline \`${r.baselineRunId}\`)${r.candidate ? '' : ' — not a Kubernetes target, informational'}`);
    out.push('');
  }
  if (v.notes.length) {
    out.push('### Notes', '');
    for (const n of v.notes) out.push(`- ${cell(n)}`);
    out.push('');
  }
  out.push(`Gates: \`${v.sloFile}\` · Full report: [index.html](${htmlLink}) · runs: ${d.runs.map((r) => `\`${r.runId}\``).join(', ')}`, '');
  return out.join('\n');
}
