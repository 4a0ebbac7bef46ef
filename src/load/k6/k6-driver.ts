/**
 * The `k6` LoadDriver: runs the real k6 binary (v1.x or v2.x; k6-args.ts says where they
 * differ) on the scenario's entry file (scenarios/<scenario>.ts, which builds its options
 * from the same shared profile), tails k6's NDJSON output while it runs and feeds the shared
 * LoadRecorder, so k6 and the builtin driver produce the same timeline. The user's own k6
 * outputs (K6_OUT, --k6-out) run beside capbench's.
 *
 * t=0: the moment the k6 process has started (Node's 'spawn' event) — `clock.start()` is
 * called there. Every k6 point is placed at `point time − wall-clock epoch of t=0`, so the
 * timeline, the samplers and the fault schedule share one clock. k6's own start-up (script
 * compile, VU init; typically well under a second) therefore shows as the first, lightly
 * loaded part of second 0; the result records it as `firstPointAtMs`. Waiting for the
 * first point instead would place every point that k6 wrote before we read it (k6 flushes
 * its JSON output every 200 ms) before t=0, where the recorder drops it.
 *
 * Besides k6's own files, the driver writes `k6-result.json` into its output directory: the
 * k6 version and path, the arguments, the exit code and what it means.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../../model/index.ts';
import type { LoadPlan } from '../../scenario/load-profile.ts';
import type { LoadDriver, LoadRunOptions, LoadRunResult, WarmUpOptions } from '../driver.ts';
import { LoadRecorder, recorderOptionsFor } from '../recorder.ts';
import { findK6, type K6Binary } from './find-k6.ts';
import { checkK6Env, K6_EXIT_CODES, k6Outputs, k6RunArgs } from './k6-args.ts';
import { runK6Process, type K6ProcessResult } from './k6-process.ts';
import { K6NdjsonParser } from './ndjson-parser.ts';
import { tailLines } from './tail-lines.ts';

export interface K6DriverOptions {
  /**
   * Warm-up: not measured, so it needs no k6 start — selectDriver passes the builtin
   * driver's warm-up.
   */
  warmUp: LoadDriver['warmUp'];
  /** how to find k6 (default: findK6() — K6_BIN, PATH, the cache); called once, then cached */
  findK6?: () => Promise<K6Binary>;
  /** folder holding the k6 entry files `<scenario>.ts` (default: the repo's scenarios/) */
  scenariosDir?: string;
  /** environment for k6 (default process.env); BASE_URL etc. are passed with -e, not here */
  env?: NodeJS.ProcessEnv;
  /** the user's extra k6 outputs (`--k6-out`), run beside K6_OUT's and capbench's */
  outputs?: readonly string[];
  /** after SIGINT, how long k6 may take to stop before SIGKILL, ms (default 10 000) */
  killGraceMs?: number;
  /** NDJSON poll interval while k6 runs, ms (default 100) */
  pollMs?: number;
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
  private readonly k6Env: NodeJS.ProcessEnv;
  private readonly outputs: string[];

  /** Throws HarnessError (usage / badConfig) on bad outputs or a K6_* variable that would change the load. */
  constructor(private readonly opts: K6DriverOptions) {
    this.scenariosDir = opts.scenariosDir ?? defaultScenariosDir;
    const env = opts.env ?? process.env;
    checkK6Env(env);
    this.outputs = k6Outputs(env, opts.outputs);
    // no anonymous usage report from a harness run
    this.k6Env = { ...env, K6_NO_USAGE_REPORT: 'true' };
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

  private script(plan: LoadPlan): string {
    return path.join(this.scenariosDir, `${plan.scenario}.ts`);
  }

  /** `k6 v1.3.0 (go1.23.5, linux/amd64)`. Throws HarnessError when k6 is missing or too old. */
  async version(): Promise<string> {
    return (await this.k6()).version.line;
  }

  /** The warm-up given to the constructor; records nothing. */
  warmUp(o: WarmUpOptions): Promise<void> {
    return this.opts.warmUp(o);
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
    const resultFile = path.join(o.outDir, 'k6-result.json');
    // stale output from an earlier run would be tailed as if it were this run's
    await Promise.all([ndjson, summaryExport, resultFile].map((f) => rm(f, { force: true })));
    const args = k6RunArgs({ version: k6.version, plan: o.plan, baseUrl: o.baseUrl, ndjson, summaryExport, script: this.script(o.plan), outputs: this.outputs });

    // o.signal or a failure to read k6's output stops k6
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    if (o.signal.aborted) stop.abort();
    else o.signal.addEventListener('abort', onAbort, { once: true });
    let t0Epoch = Number.NaN;
    let seconds = 0;
    const recorder = new LoadRecorder((s) => {
      seconds = s.t + 1;
      o.onSecond(s);
    }, recorderOptionsFor(o));
    const parser = new K6NdjsonParser(recorder, () => t0Epoch);
    const proc = runK6Process({
      bin: k6.path,
      args,
      env: this.k6Env,
      cwd: o.outDir,
      signal: stop.signal,
      killGraceMs: this.opts.killGraceMs ?? 10_000,
      stdoutLog: path.join(o.outDir, 'k6-stdout.log'),
      stderrLog,
      onSpawn: (pid) => {
        o.clock.start();
        t0Epoch = o.clock.epochAtStart() ?? Date.now();
        o.health?.generatorPid(pid);
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
    recorder.finish(lastT);

    if (tailError !== undefined) {
      throw new HarnessError(`k6 driver: k6's output ${ndjson} must be readable and recordable while k6 runs (got ${(tailError as Error).message}); k6 was stopped`, { code: 'internal', cause: tailError });
    }
    // stopped on request: whatever k6's exit (105 after SIGINT, a signal after SIGKILL), the data so far is the result
    const interrupted = r.aborted && r.exitCode !== 0;
    const thresholdsCrossed = r.exitCode === 99;
    const summary: Record<string, unknown> = {
      k6Version: k6.version.line,
      k6Path: k6.path,
      k6Source: k6.source,
      args,
      exitCode: r.exitCode,
      exitSignal: r.exitSignal,
      exitMeaning: exitName(r.exitCode, r.exitSignal),
      stoppedByCapbench: r.aborted,
      thresholdsCrossed,
      outputs: this.outputs,
      timeScale: o.plan.timeScale,
      t0: 'k6 process spawn',
      firstPointAtMs: parser.stats.firstPointEpochMs === null ? null : parser.stats.firstPointEpochMs - t0Epoch,
      ndjson,
      summaryExportPath: summaryExport,
      parse: { ...parser.stats },
      requests: recorder.totalRequests,
      failures: recorder.totalFailures,
      lateOutcomes: recorder.lateOutcomes,
    };
    await writeFile(resultFile, `${JSON.stringify(summary, null, 2)}\n`);
    if (!interrupted && r.exitCode !== 0 && r.exitCode !== 99) throw this.failure(r, stderrLog);

    const warnings = [...parser.warnings];
    if (thresholdsCrossed) {
      const said = r.stderrTail.map((l) => /msg="(thresholds on metrics [^"]*)"/.exec(l)?.[1]).find((m) => m !== undefined);
      warnings.push(`k6 driver: k6 exited 99: ${said ?? 'thresholds crossed'} (k6's own check of the SLO; the report's gates judge the run)`);
    }
    if (recorder.lateOutcomes > 0) warnings.push(`k6 driver: ${recorder.lateOutcomes} points arrived after their second was emitted and were not counted`);
    if (recorder.lateStarts > 0) warnings.push(`k6 driver: ${recorder.lateStarts} requests arrived after their start second was emitted and were not counted there`);
    let exported: unknown = null;
    try {
      exported = JSON.parse(await readFile(summaryExport, 'utf8'));
    } catch (err) {
      warnings.push(`k6 driver: no summary export at ${summaryExport} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})${interrupted ? ' — k6 was stopped' : ''}`);
    }
    return { durationS: seconds, interrupted, warnings, summary: { ...summary, summaryExport: exported } };
  }

  private failure(r: K6ProcessResult, stderrLog: string): HarnessError {
    const lines = r.stderrTail.length > 0 ? r.stderrTail : r.stdoutTail;
    const shown = lines.length > 0 ? `:\n${lines.map((l) => `  ${l}`).join('\n')}` : ' (no output)';
    return new HarnessError(`k6 driver: k6 run must exit 0 or 99 (got ${exitName(r.exitCode, r.exitSignal)})${shown}`, {
      code: 'internal',
      hint: `full k6 output: ${stderrLog}`,
    });
  }
}
