/**
 * The `k6` LoadDriver: runs the real k6 binary on the scenario's entry file
 * (scenarios/<scenario>.ts, which builds its options from the same shared profile), tails
 * k6's NDJSON output while it runs and feeds the shared LoadRecorder, so k6 and the builtin
 * driver produce the same timeline.
 *
 * t=0: the moment the k6 process has started (Node's 'spawn' event) — `clock.start()` is
 * called there. Every k6 point is placed at `point time − wall-clock epoch of t=0`, so the
 * timeline, the samplers and the fault schedule share one clock. k6's own start-up (script
 * compile, VU init; typically well under a second) therefore shows as the first, lightly
 * loaded part of second 0; the summary records it as `firstPointAtMs`. Waiting for the
 * first point instead would place every point that k6 wrote before we read it (up to one
 * JSON flush, ~1 s) before t=0, where the recorder drops it.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../model/index.ts';
import type { LoadPlan } from '../../scenario/load-profile.ts';
import type { LoadDriver, LoadRunOptions, LoadRunResult, WarmUpOptions } from '../driver.ts';
import { findK6, type K6Binary } from './find-k6.ts';
import { K6_EXIT_CODES, runK6Process, type K6ProcessResult } from './k6-process.ts';
import { K6Timeline } from './k6-timeline.ts';
import { K6NdjsonParser } from './ndjson-parser.ts';
import { tailLines } from './tail-lines.ts';

export interface K6DriverOptions {
  /** how to find k6 (default: findK6() — K6_BIN, then PATH); called once, then cached */
  findK6?: () => Promise<K6Binary>;
  /** folder holding the k6 entry files `<scenario>.ts` (default: the repo's scenarios/) */
  scenariosDir?: string;
  /**
   * Warm-up. Default: k6 runs the entry file with WARMUP=1 (profile.warmupVUs for
   * profile.warmupS, nothing recorded). Pass another driver's warmUp to use that instead.
   */
  warmUp?: LoadDriver['warmUp'];
  /** environment for k6 (default process.env); BASE_URL etc. are passed with -e, not here */
  env?: NodeJS.ProcessEnv;
  /** after SIGINT, how long k6 may take to stop before SIGKILL, ms (default 10 000) */
  killGraceMs?: number;
  /** NDJSON poll interval while k6 runs, ms (default 100) */
  pollMs?: number;
}

/**
 * `-e` arguments that make the k6 entry file rebuild exactly the plan's profile:
 * PROFILE/TIME_SCALE/MODEL select it from scenarios/lib, SLO_* set its thresholds.
 */
export function k6PlanEnv(plan: LoadPlan, baseUrl: string): string[] {
  return [
    '-e', `BASE_URL=${baseUrl}`,
    '-e', `PROFILE=${plan.variant}`,
    '-e', `MODEL=${plan.model}`,
    '-e', `TIME_SCALE=${plan.timeScale}`,
    '-e', `SLO_P95_MS=${plan.slo.p95Ms}`,
    '-e', `SLO_ERROR_RATE=${plan.slo.errorRate}`,
  ];
}

const defaultScenariosDir = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

function exitName(code: number | null, sig: NodeJS.Signals | null): string {
  if (code === null) return `signal ${sig ?? '?'}`;
  const name = K6_EXIT_CODES[code];
  return name === undefined ? `code ${code}` : `code ${code} (${name})`;
}

export class K6Driver implements LoadDriver {
  readonly name = 'k6' as const;
  private binary: Promise<K6Binary> | undefined;
  private readonly scenariosDir: string;

  constructor(private readonly opts: K6DriverOptions = {}) {
    this.scenariosDir = opts.scenariosDir ?? defaultScenariosDir;
  }

  private k6(): Promise<K6Binary> {
    if (this.binary === undefined) {
      const p = (this.opts.findK6 ?? (() => findK6(this.opts.env === undefined ? {} : { env: this.opts.env })))();
      // a failed lookup is not cached: the user may install k6 and retry in the same process
      p.catch(() => { this.binary = undefined; });
      this.binary = p;
    }
    return this.binary;
  }

  private env(): NodeJS.ProcessEnv {
    // no anonymous usage report from a harness run
    return { ...(this.opts.env ?? process.env), K6_NO_USAGE_REPORT: 'true' };
  }

  private script(plan: LoadPlan): string {
    return path.join(this.scenariosDir, `${plan.scenario}.ts`);
  }

  /** `k6 v1.3.0 (go1.23.5, linux/amd64)`. Throws HarnessError when k6 is missing or too old. */
  async version(): Promise<string> {
    return (await this.k6()).version.line;
  }

  /** Runs k6 with WARMUP=1 (or the delegate given to the constructor); records nothing. */
  async warmUp(o: WarmUpOptions): Promise<void> {
    if (this.opts.warmUp) return this.opts.warmUp(o);
    if (o.signal.aborted) return;
    const k6 = await this.k6();
    const proc = runK6Process({
      bin: k6.path,
      args: ['run', '--quiet', '--no-color', '--no-summary', ...k6PlanEnv(o.plan, o.baseUrl), '-e', 'WARMUP=1', this.script(o.plan)],
      env: this.env(),
      signal: o.signal,
      killGraceMs: this.opts.killGraceMs ?? 10_000,
    });
    const r = await proc.done;
    if (r.aborted || r.exitCode === 0) return;
    throw this.failure('warm-up', r, undefined);
  }

  /**
   * Runs the scenario under k6 until it ends or `signal` aborts. Exit 0 and 99 (thresholds
   * crossed) are results; an abort is a result with `interrupted: true`; any other exit is
   * a HarnessError carrying k6's last stderr lines (the seconds measured so far have
   * already been handed to onSecond).
   */
  async run(o: LoadRunOptions): Promise<LoadRunResult> {
    const k6 = await this.k6();
    await mkdir(o.outDir, { recursive: true });
    const ndjson = path.join(o.outDir, 'k6.ndjson');
    const summaryExport = path.join(o.outDir, 'summary-export.json');
    const stderrLog = path.join(o.outDir, 'k6-stderr.log');
    // stale output from an earlier run would be tailed as if it were this run's
    await Promise.all([ndjson, summaryExport].map((f) => rm(f, { force: true })));
    const args = [
      'run', '--quiet', '--no-color',
      ...k6PlanEnv(o.plan, o.baseUrl),
      '--out', `json=${ndjson}`,
      `--summary-export=${summaryExport}`,
      this.script(o.plan),
    ];

    // o.signal or a failure to read k6's output stops k6
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    if (o.signal.aborted) stop.abort();
    else o.signal.addEventListener('abort', onAbort, { once: true });
    let t0Epoch = Number.NaN;
    const timeline = new K6Timeline(o.onSecond);
    const parser = new K6NdjsonParser(timeline, () => t0Epoch);
    const proc = runK6Process({
      bin: k6.path,
      args,
      env: this.env(),
      cwd: o.outDir,
      signal: stop.signal,
      killGraceMs: this.opts.killGraceMs ?? 10_000,
      stdoutLog: path.join(o.outDir, 'k6-stdout.log'),
      stderrLog,
      onSpawn: () => {
        o.clock.start();
        t0Epoch = o.clock.epochAtStart() ?? Date.now();
      },
    });

    let tailError: unknown;
    const tailing = (async () => {
      try {
        for await (const l of tailLines(ndjson, { finished: proc.exited, pollMs: this.opts.pollMs ?? 100 })) parser.line(l);
      } catch (err) {
        tailError = err;
        // without its output the run measures nothing: stop k6 rather than load blind
        stop.abort();
      }
      parser.end();
    })();

    let r: K6ProcessResult;
    try {
      r = await proc.done;
    } finally {
      o.signal.removeEventListener('abort', onAbort);
    }
    await tailing;

    const lastT = parser.stats.lastPointEpochMs === null ? -1 : Math.floor((parser.stats.lastPointEpochMs - t0Epoch) / 1000);
    timeline.finish(lastT);

    if (tailError !== undefined) {
      throw new HarnessError(`k6 driver: k6's output ${ndjson} must be readable and recordable while k6 runs (got ${(tailError as Error).message}); k6 was stopped`, { code: 'internal', cause: tailError });
    }
    // stopped on request: whatever k6's exit (105 after SIGINT, a signal after SIGKILL), the data so far is the result
    const interrupted = r.aborted && r.exitCode !== 0;
    const thresholdsCrossed = r.exitCode === 99;
    if (!interrupted && r.exitCode !== 0 && r.exitCode !== 99) throw this.failure('run', r, stderrLog);

    const warnings = [...parser.warnings];
    const late = timeline.recorder.lateOutcomes + timeline.lateVersionPoints;
    if (late > 0) warnings.push(`k6 driver: ${late} points arrived after their second was emitted and were not counted`);
    let exported: unknown = null;
    try {
      exported = JSON.parse(await readFile(summaryExport, 'utf8'));
    } catch (err) {
      warnings.push(`k6 driver: no summary export at ${summaryExport} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})${interrupted ? ' — k6 was stopped' : ''}`);
    }
    const firstPointAtMs = parser.stats.firstPointEpochMs === null ? null : parser.stats.firstPointEpochMs - t0Epoch;
    return {
      durationS: timeline.seconds,
      interrupted,
      warnings,
      summary: {
        k6Version: k6.version.line,
        k6Path: k6.path,
        args,
        exitCode: r.exitCode,
        exitSignal: r.exitSignal,
        thresholdsCrossed,
        timeScale: o.plan.timeScale,
        t0: 'k6 process spawn',
        firstPointAtMs,
        ndjson,
        summaryExportPath: summaryExport,
        summaryExport: exported,
        parse: { ...parser.stats },
        requests: timeline.recorder.totalRequests,
        failures: timeline.recorder.totalFailures,
        lateOutcomes: timeline.recorder.lateOutcomes,
        lateVersionPoints: timeline.lateVersionPoints,
      },
    };
  }

  private failure(what: string, r: K6ProcessResult, stderrLog: string | undefined): HarnessError {
    const lines = r.stderrTail.length > 0 ? r.stderrTail : r.stdoutTail;
    const shown = lines.length > 0 ? `:\n${lines.map((l) => `  ${l}`).join('\n')}` : ' (no output)';
    return new HarnessError(`k6 driver: k6 ${what} must exit 0 or 99 (got ${exitName(r.exitCode, r.exitSignal)})${shown}`, {
      code: 'internal',
      hint: stderrLog === undefined ? 'run the same k6 command by hand to see the whole output' : `full k6 output: ${stderrLog}`,
    });
  }
}
