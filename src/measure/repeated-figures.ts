/**
 * Figures of repeated runs: every figure of a target's repetitions as median [interval] (n)
 * (DESIGN.md "Repeated runs"). The interval is the order-statistic interval of the median
 * (stats/median-interval.ts), with the coverage it achieves — 3 runs reach 75 %, 5 reach
 * 93.75 %, 6 the first 95 %. Pure: no I/O.
 *
 * A figure is named by its path in TargetFigures (`overall.p95Ms`, `windows.spike.p95Ms`,
 * `downtimeS`, `faults.node-crash.timeToRecoverS`; a second fault of a kind is `#2`), found by
 * walking the figures, so a figure added to TargetFigures is summarised without a change here.
 */
import type { FigureSummary, TargetFigures } from '../model/index.ts';
import { medianInterval, pct } from './stats/median-interval.ts';

/** The interval every summary uses, in words (run.json and the report say it once). */
export const INTERVAL_METHOD = 'order-statistic interval of the median (distribution-free; its achieved coverage is stated: 3 runs 75 %, 5 runs 93.75 %, 6 or more ≥ 95 %)';

type Leaf = (path: string, value: number | null, set: (v: number | null) => void) => void;

/** Calls `visit` for every numeric (or null) figure of `f`, with its path. Fields that are not figures (names, bounds, bases) are skipped. */
function walk(node: unknown, prefix: string, visit: Leaf): void {
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(obj)) {
    if (NOT_FIGURES.has(key)) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value === null || typeof value === 'number') {
      visit(path, value, (v) => (obj[key] = v));
    } else if (Array.isArray(value)) {
      const seen = new Map<string, number>();
      for (const item of value) {
        const name = itemName(item);
        if (name === null) continue;
        const k = (seen.get(name) ?? 0) + 1;
        seen.set(name, k);
        walk(item, `${path}.${k === 1 ? name : `${name}#${k}`}`, visit);
      }
    } else if (typeof value === 'object') {
      walk(value, path, visit);
    }
  }
}

/** Bounds and labels: the same in every repetition, never summarised. */
const NOT_FIGURES = new Set(['name', 'startS', 'endS', 'window', 'availabilityBasis']);

/** A window by its name, a fault by its kind. */
function itemName(item: unknown): string | null {
  if (item === null || typeof item !== 'object') return null;
  const o = item as { name?: unknown; window?: { kind?: unknown } };
  if (typeof o.name === 'string') return o.name;
  if (typeof o.window?.kind === 'string') return o.window.kind;
  return null;
}

/** Every figure of `f` by path. */
export function flattenFigures(f: TargetFigures): Map<string, number | null> {
  const out = new Map<string, number | null>();
  walk(f, '', (path, value) => out.set(path, value));
  return out;
}

/**
 * One figure over repetitions: median and order-statistic interval of the values that exist.
 * The median is null when most repetitions have no value (e.g. most never recovered).
 */
export function summarise(values: ReadonlyArray<number | null>): FigureSummary {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const missing = values.length - present.length;
  const base = { n: present.length, missing, values: [...values] };
  if (present.length === 0) return { ...base, median: null, lower: null, upper: null, coverage: null, method: 'single-run' };
  const e = medianInterval(present);
  const median = missing > present.length ? null : e.median;
  if (e.interval === null) return { ...base, median, lower: null, upper: null, coverage: null, method: 'single-run' };
  return { ...base, median, lower: e.interval.lower, upper: e.interval.upper, coverage: e.interval.coverage, method: 'order-statistic' };
}

/** Every figure of the repetitions (same scenario, same target) by path; a path missing in a repetition counts as no value there. */
export function summariseFigures(reps: readonly TargetFigures[]): Record<string, FigureSummary> {
  const flat = reps.map(flattenFigures);
  const paths = [...new Set(flat.flatMap((m) => [...m.keys()]))];
  return Object.fromEntries(paths.map((p) => [p, summarise(flat.map((m) => m.get(p) ?? null))]));
}

/**
 * The figures of the repetitions with every figure replaced by its median across them: what
 * a table shows as the central value. The first repetition's shape (windows, faults) is kept.
 */
export function medianFigures(reps: readonly TargetFigures[]): TargetFigures {
  if (reps.length === 1) return reps[0]!;
  const summaries = summariseFigures(reps);
  const out = structuredClone(reps[0]!) as TargetFigures;
  walk(out, '', (path, _v, set) => set(summaries[path]?.median ?? null));
  return out;
}

/** `1.2 [1.1, 1.4] (n = 5, 93.75 %)` with the caller's formatter; one value: that value only. */
export function summaryText(s: FigureSummary, fmt: (v: number | null) => string): string {
  const spread = intervalText(s, fmt);
  return spread === '' ? fmt(s.median) : `${fmt(s.median)} ${spread}`;
}

/** The part after the median: `[1.1, 1.4] (n = 5, 93.75 %)`; '' for one value. */
export function intervalText(s: FigureSummary, fmt: (v: number | null) => string): string {
  const without = s.missing > 0 ? `, ${s.missing} without` : '';
  if (s.method === 'single-run' || s.lower === null || s.upper === null) return s.n + s.missing <= 1 ? '' : `(n = ${s.n}${without})`;
  return `[${fmt(s.lower)}, ${fmt(s.upper)}] (n = ${s.n}, ${pct(s.coverage!)}${without})`;
}
