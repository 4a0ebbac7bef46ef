/**
 * The reporter registry: name → factory. A name without code does not compile (the names
 * are the keys); an unknown name from the outside lists the valid ones. Order is the order
 * the reporters run in: index.html last, so its footer lists only files that were written.
 */
import { unknownName } from '../model/index.ts';
import { csvReporter } from './csv/reporter.ts';
import { htmlReporter } from './html/reporter.ts';
import { markdownReporter } from './markdown/summary.ts';
import { pngReporter, type PngLoader } from './png/reporter.ts';
import type { Reporter } from './reporter.ts';

/** What a factory may use (tests replace native pieces here). */
export interface ReporterOptions {
  /** replaces chartjs-node-canvas */
  pngLoader?: PngLoader;
}

export const reporterFactories = {
  csv: (_o: ReporterOptions) => csvReporter,
  png: (o: ReporterOptions) => pngReporter(o.pngLoader),
  markdown: (_o: ReporterOptions) => markdownReporter,
  html: (_o: ReporterOptions) => htmlReporter,
} satisfies Record<string, (o: ReporterOptions) => Reporter>;

export type ReporterName = keyof typeof reporterFactories;
export const reporterNames = Object.keys(reporterFactories) as ReporterName[];

/** Names from the outside (a flag, a config file) checked against the registry, in registry order. */
export function parseReporterNames(names: readonly string[], where = 'report'): ReporterName[] {
  for (const n of names) {
    if (!Object.hasOwn(reporterFactories, n)) throw unknownName(where, 'reporter', n, reporterNames);
  }
  return reporterNames.filter((n) => names.includes(n));
}

/** The chosen reporters (default: all), built and in registry order. */
export function buildReporters(o: ReporterOptions, only: readonly ReporterName[] = reporterNames): Array<readonly [ReporterName, Reporter]> {
  return reporterNames.filter((n) => only.includes(n)).map((n) => [n, reporterFactories[n](o)] as const);
}
