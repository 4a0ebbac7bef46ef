/**
 * The report's one number formatter: every figure a reader sees (HTML, Markdown, verdict
 * text, claims) goes through these, so 12,345 ms reads "12.3 s" everywhere. CSV files keep
 * raw numbers (machines read them) and do not use this.
 *
 * Rule: three significant digits, no trailing zeros, no exponent, no digit grouping; whole
 * numbers from 100 up. Durations under a second in ms, from a second up in s.
 */
import { summarise, summaryText } from '../measure/repeated-figures.ts';
import { medianInterval, pct as coverageText } from '../measure/stats/median-interval.ts';
import type { TargetFigures } from '../model/index.ts';
import { GATE_INFO, type GateKey } from '../scenario/slo-file.ts';

/** Shown where a figure has no value at all (nothing measured). */
export const NONE = '–';

const SIG3 = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3, useGrouping: false });

/** 3 significant digits below 100, whole numbers from 100: 0.0123 → "0.0123", 12.34 → "12.3", 1234.5 → "1235". */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 99.95) return String(Math.round(v));
  return SIG3.format(v);
}

/** A duration given in ms: "87.5 ms", "987 ms", "1.23 s", "12.3 s", "1235 s". */
export function ms(v: number | null | undefined, none = NONE): string {
  if (v === null || v === undefined) return none;
  if (Math.abs(v) >= 999.5) return `${num(v / 1000)} s`;
  return `${num(v)} ms`;
}

/** A duration given in s: "0.5 s", "24 s", "12.3 s". */
export function sec(v: number | null | undefined, none = NONE): string {
  if (v === null || v === undefined) return none;
  return `${num(v)} s`;
}

/** A fraction shown as percent: 0.0307 → "3.07 %", 0 → "0 %". */
export function pct(v: number | null | undefined, none = NONE): string {
  if (v === null || v === undefined) return none;
  return `${num(v * 100)} %`;
}

/**
 * A figure already in percent (a prediction error, a change), to one decimal — what the
 * plan's self-checks compare with ±20 %: -2.25e-10 → "0.0 %", 3.14 → "+3.1 %" when signed.
 */
export function pctPoints(v: number | null | undefined, o: { signed?: boolean } = {}, none = NONE): string {
  if (v === null || v === undefined) return none;
  const r = Math.round(v * 10) / 10 || 0;
  return `${o.signed && r > 0 ? '+' : ''}${r.toFixed(1)} %`;
}

/** Requests per second: "38.6 req/s". */
export function rps(v: number | null | undefined, none = NONE): string {
  if (v === null || v === undefined) return none;
  return `${num(v)} req/s`;
}

/** A count (requests, replicas): whole numbers as they are. */
export function count(v: number | null | undefined, none = NONE): string {
  if (v === null || v === undefined) return none;
  return Number.isInteger(v) ? String(v) : num(v);
}

/** A gate's figure in the gate's unit (GATE_INFO): the verdict's texts and the deciding figures. */
export function gateValue(gate: GateKey, v: number | null | undefined, none = 'none'): string {
  if (v === null || v === undefined) return none;
  switch (GATE_INFO[gate].unit) {
    case '%':
      return pct(v);
    case 'ms':
      return ms(v);
    case 's':
      return sec(v);
    case 'requests':
      return `${count(v)} requests`;
  }
}

/**
 * One figure of a target as the report shows it: the value of a single run, or over
 * repetitions `median [lower, upper] (n = …, coverage)` — the order-statistic interval of the
 * median with its achieved coverage (src/measure/repeated-figures.ts).
 */
export function figure(t: { figures: TargetFigures | null; figuresByRepetition: readonly TargetFigures[] }, pick: (f: TargetFigures) => number | null, fmt: (v: number | null) => string, o: { compactFor?: number } = {}): string {
  if (t.figuresByRepetition.length <= 1) return fmt(t.figures === null ? null : pick(t.figures));
  const s = summarise(t.figuresByRepetition.map(pick));
  // in a table under a line that states n and the coverage (figuresBasis): `587 ms [495 ms, 678 ms]`, n only where it differs
  if (o.compactFor !== undefined && s.lower !== null && s.upper !== null && s.n === o.compactFor && s.missing === 0) return `${fmt(s.median)} [${fmt(s.lower)}, ${fmt(s.upper)}]`;
  return summaryText(s, fmt);
}

/** What the figures of a run are, in one line: `single run, no interval` or `median [interval] (n) over 5 repetitions …`. */
export function figuresBasis(repetitions: number): string {
  return repetitions <= 1
    ? 'single run, no interval'
    : `each figure: median [interval] over ${repetitions} repetitions (n = ${repetitions} unless said) — the order-statistic interval of the median, covering it with ${coverageText(medianInterval(Array.from({ length: repetitions }, (_, i) => i)).interval!.coverage)} probability`;
}

/** A time on the run clock (t = 0 at load start), in s; events the sampler saw before load start read "before load". */
export function clockS(atMs: number): string {
  return atMs < 0 ? 'before load' : (atMs / 1000).toFixed(1);
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A recorded command line as a reader would type it: `capbench …` becomes `npx capbench …`, odd words are single-quoted. */
export function shellCommand(argv: readonly string[]): string {
  const words = argv[0] === 'capbench' ? ['npx', ...argv] : [...argv];
  return words.map((w) => (SHELL_SAFE.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
