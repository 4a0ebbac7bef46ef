/**
 * summary.md: the verdict in Markdown for CI job summaries and PR comments — the same top
 * block as the HTML page (verdict, deciding figures, reproduce command, what was not
 * available), the figures per scenario × target, and every failed gate by name.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCapacityRun, onlyCapacity } from '../capacity/facts.ts';
import { connectionsText } from '../../../scenarios/lib/index.ts';
import type { ReportData } from '../data.ts';
import { capacityTableMd, capacityTopMd } from './capacity.ts';
import { planMd } from './plan.ts';
import type { TargetFigures, WindowFigures } from '../../model/index.ts';
import { figure, figuresBasis, ms, pct, rps, sec } from '../format.ts';
import type { Reporter } from '../reporter.ts';
import { VERDICT_LOOK } from '../verdict/headline.ts';
import type { GateResult } from '../verdict/verdict.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const gateLine = (g: GateResult): string => `- **${cell(g.scenario)} / ${cell(g.target)}**: ${cell(g.text)}`;

/** One part of summary.md: its lines, or [] to leave it out. A new part is a new entry of MD_SECTIONS. */
export type MdSection = (d: ReportData, htmlLink: string) => string[];

const top: MdSection = (d) => {
  if (onlyCapacity(d.runs)) return capacityTopMd(d);
  const v = d.verdict;
  const look = VERDICT_LOOK[v.verdict];
  const out = [`## capbench: ${look.icon} ${look.badge}`, '', cell(look.headline(v)), ''];
  if (v.deciding.length) out.push(`Decided by — ${look.decidingCaption}:`, '', ...v.deciding.map(gateLine), '');
  const commands = [...new Set(d.runs.map((r) => r.reproduce).filter((c) => c !== ''))];
  if (commands.length) out.push(`Reproduce: ${commands.map((c) => `\`${c}\``).join(' · ')}`, '');
  if (v.unavailable.length) out.push(`Not available here: ${v.unavailable.map((u) => `${u.target} (${cell(u.reason)})`).join(' · ')}`, '');
  return out;
};

const table: MdSection = (d) => {
  const rows = d.runs.filter((r) => !isCapacityRun(r)).flatMap((r) =>
    r.targets.map((t) => {
      const c = { compactFor: r.repeat };
      const tv = d.verdict.targets.find((x) => x.runId === r.runId && x.target === t.name);
      const f = t.figures;
      // the worst window of each repetition, then median [interval] (n) over them
      const windowsOf = (x: TargetFigures): WindowFigures[] => (x.windows.length ? x.windows : [x.overall]);
      const p95 = figure(t, (x) => windowsOf(x).reduce<number | null>((a, w) => (w.p95Ms !== null && (a === null || w.p95Ms > a) ? w.p95Ms : a), null), ms, c);
      const err = figure(t, (x) => windowsOf(x).reduce<number | null>((a, w) => (a === null || w.errorRate > a ? w.errorRate : a), null), pct, c);
      const judged = tv ? (tv.result === 'pass' ? 'pass' : tv.result === 'fail' ? `**fail** (${tv.failed.length})` : tv.result === 'inconclusive' ? '**inconclusive**' : 'no data') : '–';
      const res = t.generator.status === 'invalid' ? `**INVALID** (generator-bound ${pct(t.generator.generatorBoundShare)}) · ${judged}` : judged;
      const status = r.status === 'completed' && t.status === 'completed' ? 'completed' : `**${r.status !== 'completed' ? r.status : t.status}**${t.error ? `: ${cell(t.error)}` : ''}`;
      return `| ${cell(r.scenario)} | ${cell(t.name)} | ${t.kind} | ${status} | ${res} | ${f ? p95 : '–'} | ${f ? err : '–'} | ${f ? figure(t, (x) => x.downtimeS, sec, c) : '–'} | ${f?.degradedS === undefined ? '–' : figure(t, (x) => x.degradedS ?? null, sec, c)} | ${f ? figure(t, (x) => x.overall.throughputRps, rps, c) : '–'} |`;
    }),
  );
  if (rows.length === 0) return [];
  const basis = [...new Set(d.runs.map((r) => figuresBasis(r.repeat)))].join(' · ');
  return [`Figures: ${basis}.`, '', '| scenario | target | kind | run | gates | worst p95 | worst error rate | downtime | degraded | throughput |', '|---|---|---|---|---|---:|---:|---:|---:|---:|', ...rows, ''];
};

/** How requests entered each target (L4/L7, retries), so a reader sees whether the sides met the same kind of balancer. */
const entries: MdSection = (d) => {
  // one item per target and entry: runs of one target through different entries (--k8s-entry) each show theirs
  const seen = new Set<string>();
  for (const r of d.runs) for (const t of r.targets) if (t.description['entry'] !== undefined) seen.add(`${cell(t.name)} — ${cell(String(t.description['entry']))}`);
  return seen.size === 0 ? [] : ['Entry: ' + [...seen].join(' · '), ''];
};

const gates: MdSection = (d) => {
  const v = d.verdict;
  const others = v.gates.filter((g) => !g.candidate && g.outcome === 'FAIL');
  const out: string[] = [];
  if (v.failedGates.length) out.push('### Failed gates — Kubernetes', '', ...v.failedGates.map(gateLine), '');
  if (v.inconclusiveGates.length) out.push('### Undecided gates — Kubernetes (INCONCLUSIVE: the interval contains the limit)', '', ...v.inconclusiveGates.map(gateLine), '');
  if (others.length) out.push('### Failed gates — other targets (for comparison, not part of the verdict)', '', ...others.map(gateLine), '');
  return out;
};

const regressions: MdSection = (d) => {
  const v = d.verdict;
  if (v.regressions.length === 0) return [];
  const regs = v.regressions.filter((r) => r.regressed);
  return [
    '### Baseline regressions',
    '',
    ...(regs.length === 0 ? ['No regression beyond the margin.'] : []),
    ...regs.map((r) => `- ${r.candidate ? '**' : ''}${cell(r.scenario)} / ${cell(r.target)}${r.candidate ? '**' : ''}: ${cell(r.text)} (baseline \`${r.baselineRunId}\`)${r.candidate ? '' : ' — not a Kubernetes target, informational'}`),
    '',
  ];
};

const comparisons: MdSection = (d) => {
  const cs = d.verdict.comparisons.filter((c) => c.n > 1 || c.nAgainst > 1);
  if (cs.length === 0) return [];
  return [
    '### Kubernetes against Compose',
    '',
    'Difference = Hodges–Lehmann shift (Kubernetes − Compose) with its distribution-free interval; p = two-sided Mann–Whitney U; significant when p < 0.05 and the interval excludes 0.',
    '',
    ...cs.map((c) => `- ${c.significant ? '**' : ''}${cell(c.scenario)} / ${cell(c.target)} vs ${cell(c.against)}${c.significant ? '**' : ''}: ${cell(c.text)}`),
    '',
  ];
};

const notes: MdSection = (d) => (d.verdict.notes.length ? ['### Notes', '', ...d.verdict.notes.map((n) => `- ${cell(n)}`), ''] : []);

const footer: MdSection = (d, htmlLink) => [`${onlyCapacity(d.runs) ? '' : `Gates: \`${d.verdict.sloFile}\` · `}Full report: [index.html](${htmlLink}) · runs: ${d.runs.map((r) => `\`${r.runId}\`${r.connections === undefined ? '' : ` (${r.driver}, ${r.model} model, ${connectionsText(r.connections)})`}`).join(', ')}`, ''];

export const MD_SECTIONS: readonly MdSection[] = [top, table, capacityTableMd, planMd, entries, gates, comparisons, regressions, notes, footer];

/** `htmlLink` is the path of index.html relative to summary.md. */
export function renderSummaryMd(d: ReportData, htmlLink: string): string {
  return MD_SECTIONS.flatMap((s) => s(d, htmlLink)).join('\n');
}

export const markdownReporter: Reporter = {
  writes: 'summary.md',
  async write(ctx) {
    const path = join(ctx.outDir, 'summary.md');
    writeFileSync(path, renderSummaryMd(ctx.data, 'index.html'));
    return [path];
  },
};
