/**
 * summary.md's part of a capacity run: the same table as the HTML Capacity section (target,
 * replicas, capacity at SLO, saturation, CPU per request, stopped by, bound of the deciding
 * step), and the top block when every run is a capacity run (capacity per target, no GO/NO-GO).
 */
import type { ReportData } from '../data.ts';
import { anyFloor, capacityRow, headlineLine, isCapacityRun, sloText } from '../capacity/facts.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function capacityTopMd(d: ReportData): string[] {
  const runs = d.runs.filter(isCapacityRun);
  const slos = [...new Set(runs.flatMap((r) => r.targets.flatMap((t) => (t.capacity ? [sloText(t.capacity.slo)] : []))))];
  const out = [
    '## capbench: 📈 CAPACITY',
    '',
    `Capacity at SLO${slos.length ? ` (${cell(slos.join('; '))})` : ''} per target and replica count — no GO/NO-GO: a capacity run raises the load until the SLO breaks, so gates would judge nothing.`,
    '',
    ...runs.flatMap((r) => r.targets.map((t) => `- ${cell(headlineLine(t))}`)),
    '',
    ...(anyFloor(runs.flatMap((r) => r.targets)) ? ['“≥”: a floor — the step after it was generator- or host-bound, so the app may carry more.', ''] : []),
  ];
  const commands = [...new Set(d.runs.map((r) => r.reproduce).filter((c) => c !== ''))];
  if (commands.length) out.push(`Reproduce: ${commands.map((c) => `\`${c}\``).join(' · ')}`, '');
  if (d.verdict.unavailable.length) out.push(`Not available here: ${d.verdict.unavailable.map((u) => `${u.target} (${cell(u.reason)})`).join(' · ')}`, '');
  return out;
}

export function capacityTableMd(d: ReportData): string[] {
  const runs = d.runs.filter(isCapacityRun);
  if (runs.length === 0) return [];
  const out = ['### Capacity', ''];
  for (const r of runs) {
    if (runs.length > 1) out.push(`Run \`${r.runId}\`:`, '');
    const rows: string[] = [];
    const sentences: string[] = [];
    for (const t of r.targets) {
      const c = t.capacity;
      if (c === undefined || c.byReplicas.length === 0) {
        sentences.push(`- ${cell(t.name)}: no capacity was measured — target ${t.status}${t.error ? `: ${cell(t.error)}` : ''}.`);
        continue;
      }
      for (const rc of c.byReplicas) {
        const x = capacityRow(t.name, c, rc);
        rows.push(x.failed
          ? `| ${cell(t.name)} | ${rc.replicas} | ${cell(x.capacity)} | – | – | – | – |`
          : `| ${cell(t.name)} | ${rc.replicas} | ${x.hasFigure ? `**${cell(x.capacity)}**` : cell(x.capacity)} | ${cell(x.saturation)} | ${cell(x.cpuPerRequest)} | ${cell(x.stoppedBy)} | ${cell(x.boundBy)} |`);
      }
    }
    if (rows.length > 0) out.push('| target | replicas | capacity at SLO | saturation | CPU per request | stopped by | bound of the deciding step |', '|---|---:|---:|---:|---:|---|---|', ...rows, '');
    else out.push('No target of this run has a capacity figure.', '');
    if (sentences.length) out.push(...sentences, '');
  }
  out.push('Every step: `capacity-steps.csv`.', '');
  return out;
}
