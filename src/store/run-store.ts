/**
 * The saved-run format, written by the run and read by the report. Layout:
 *
 *   reports/<run-id>/run.json                       RunRecord (src/model/run.ts)
 *   reports/<run-id>/timeline.csv                   one row per second per target (written at the end)
 *   reports/<run-id>/targets/<target>/load.ndjson      LoadSecond per line, in order (by completion second)
 *   reports/<run-id>/targets/<target>/availability.ndjson  StartSecond per line, in order (by start
 *                                                   second; absent in runs saved before it existed)
 *   reports/<run-id>/targets/<target>/platform.ndjson  PlatformSecond per line, in order
 *   reports/<run-id>/targets/<target>/events.ndjson    PlatformEvent per line
 *   reports/<run-id>/targets/<target>/health.ndjson    GeneratorHealthSecond per line, in order
 *                                                   (the load generator's own health; absent in older runs)
 *   reports/<run-id>/targets/<target>/driver/          driver raw output (k6 NDJSON, summary)
 *   reports/<run-id>/report/                        index.html, summary.md, *.csv, charts/*.png
 *
 * Series are appended while the run goes, so an interrupted run is still readable.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HarnessError, RUN_SCHEMA_VERSION, legKeyOf, mustBe, type GeneratorHealthSecond, type LoadSecond, type PlatformEvent, type PlatformSecond, type RunRecord, type StartSecond } from '../model/index.ts';

export interface TargetSeries {
  load: LoadSecond[];
  /** by start second; empty for a run saved before they were recorded (figures then fall back to `load`) */
  starts: StartSecond[];
  platform: PlatformSecond[];
  events: PlatformEvent[];
  /** the generator's health per second; empty for a run saved before it was recorded */
  health: GeneratorHealthSecond[];
}

export interface SavedRun {
  dir: string;
  record: RunRecord;
  /** by leg key (`legKeyOf`): the target's name, or `<name>.rep<k>` in a repeated run */
  series: Record<string, TargetSeries>;
}

export function targetDir(runDir: string, target: string): string {
  return join(runDir, 'targets', target);
}

/** Appends series lines for one target as they arrive. */
export class SeriesWriter {
  readonly dir: string;
  constructor(runDir: string, target: string) {
    this.dir = targetDir(runDir, target);
    mkdirSync(join(this.dir, 'driver'), { recursive: true });
    for (const f of ['load.ndjson', 'availability.ndjson', 'platform.ndjson', 'events.ndjson', 'health.ndjson']) writeFileSync(join(this.dir, f), '');
  }
  load(s: LoadSecond): void {
    appendFileSync(join(this.dir, 'load.ndjson'), JSON.stringify(s) + '\n');
  }
  start(s: StartSecond): void {
    appendFileSync(join(this.dir, 'availability.ndjson'), JSON.stringify(s) + '\n');
  }
  platform(s: PlatformSecond): void {
    appendFileSync(join(this.dir, 'platform.ndjson'), JSON.stringify(s) + '\n');
  }
  event(e: PlatformEvent): void {
    appendFileSync(join(this.dir, 'events.ndjson'), JSON.stringify(e) + '\n');
  }
  health(h: GeneratorHealthSecond): void {
    appendFileSync(join(this.dir, 'health.ndjson'), JSON.stringify(h) + '\n');
  }
}

/** Atomically (re)write run.json. */
export function writeRunRecord(runDir: string, record: RunRecord): void {
  mkdirSync(runDir, { recursive: true });
  const tmp = join(runDir, '.run.json.tmp');
  writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
  renameSync(tmp, join(runDir, 'run.json'));
}

function readNdjson<T>(file: string, where: string): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a run killed mid-write leaves a truncated last line: skip only that one
      if (i < lines.length - 2) {
        throw new HarnessError(`${where}: line ${i + 1} must be JSON (got ${JSON.stringify(line.slice(0, 40))})`, {
          code: 'badConfig',
          hint: 'the run directory is corrupt; re-run the scenario',
        });
      }
    }
  });
  return out;
}

/**
 * Read a saved run. One rule for exit codes: an argument that does not name a run directory
 * (nothing there, or a directory without run.json — e.g. `reports` itself) is a usage error
 * (2); a run directory whose files are corrupt is bad data (3). Both name the path.
 */
export function readRun(dir: string): SavedRun {
  const runDir = resolve(dir);
  const runJson = join(runDir, 'run.json');
  if (!existsSync(runDir)) {
    throw new HarnessError(`report: run directory ${dir} must exist (got nothing at ${runDir})`, {
      code: 'usage',
      hint: 'list saved runs with `ls reports/`, or make one with `npm run bench:spike`',
    });
  }
  if (!existsSync(runJson)) {
    const runs = statSync(runDir).isDirectory()
      ? readdirSync(runDir).filter((n) => existsSync(join(runDir, n, 'run.json'))).sort().reverse()
      : [];
    throw new HarnessError(`report: ${runJson} must exist (got ${runs.length > 0 ? `a folder of ${runs.length} runs, not a run` : 'a directory without run.json'})`, {
      code: 'usage',
      hint: runs.length > 0 ? `pass one run, e.g. \`npx capbench report ${join(dir, runs[0]!)}\` (the newest)` : 'pass a directory made by `npx capbench run`, e.g. reports/<run-id>',
    });
  }
  let record: RunRecord;
  try {
    record = JSON.parse(readFileSync(runJson, 'utf8')) as RunRecord;
  } catch (e) {
    throw new HarnessError(`report: ${runJson} must be valid JSON (got ${(e as Error).message})`, {
      code: 'badConfig',
      hint: 'the run directory is corrupt; re-run the scenario',
    });
  }
  if (record === null || typeof record !== 'object' || record.schema !== RUN_SCHEMA_VERSION || !Array.isArray(record.targets)) {
    throw new HarnessError(mustBe(`report: ${runJson}`, 'schema', `${RUN_SCHEMA_VERSION} with a targets list`, (record as { schema?: unknown } | null)?.schema), {
      code: 'badConfig',
      hint: 'this run was written by another capbench version; re-run the scenario',
    });
  }
  record.targets.forEach((t, i) => {
    if (typeof t?.name !== 'string' || !/^[a-z0-9-]+$/.test(t.name)) {
      throw new HarnessError(mustBe(`report: ${runJson}`, `targets[${i}].name`, 'a target name', t?.name), { code: 'badConfig', hint: 'the run directory is corrupt; re-run the scenario' });
    }
  });
  for (const key of ['runId', 'scenario'] as const) {
    if (typeof record[key] !== 'string') {
      throw new HarnessError(mustBe(`report: ${runJson}`, key, 'a string', record[key]), { code: 'badConfig', hint: 'the run directory is corrupt; re-run the scenario' });
    }
  }
  const series: Record<string, TargetSeries> = {};
  for (const t of record.targets) {
    const key = legKeyOf(t);
    if (!/^[a-z0-9-]+(\.rep[0-9]+)?$/.test(key)) {
      throw new HarnessError(mustBe(`report: ${runJson}`, `leg of ${t.name}`, 'a target name, or <name>.rep<k>', key), { code: 'badConfig', hint: 'the run directory is corrupt; re-run the scenario' });
    }
    const d = targetDir(runDir, key);
    series[key] = {
      load: readNdjson<LoadSecond>(join(d, 'load.ndjson'), join(d, 'load.ndjson')),
      starts: readNdjson<StartSecond>(join(d, 'availability.ndjson'), join(d, 'availability.ndjson')),
      platform: readNdjson<PlatformSecond>(join(d, 'platform.ndjson'), join(d, 'platform.ndjson')),
      events: readNdjson<PlatformEvent>(join(d, 'events.ndjson'), join(d, 'events.ndjson')),
      health: readNdjson<GeneratorHealthSecond>(join(d, 'health.ndjson'), join(d, 'health.ndjson')),
    };
  }
  return { dir: runDir, record, series };
}
