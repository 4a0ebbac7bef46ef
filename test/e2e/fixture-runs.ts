/**
 * Runs of capbench's load drivers against a fixture app (src/testing/fixture-app), for the
 * end-to-end suites that compare them with the app's own log (availability.test.ts) or with
 * each other (k6-parity.test.ts). Not a test file itself.
 *  - `k6Entry` writes a k6 entry file for one profile (the repo's entry files only know the
 *    named profiles);
 *  - `builtinChild` runs the builtin driver in a process of its own (builtin-run-child.ts),
 *    as `capbench run` would;
 *  - `runK6` runs the k6 driver in this process (k6 measures in its own process).
 * With `health: true` both record the generator's health per second (GeneratorHealthSampler),
 * so a suite can tell a generator that could not keep its schedule from a difference between
 * drivers (off by default: 24 samplers in one process are not free).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Profile } from '../../scenarios/lib/index.ts';
import { GeneratorHealthSampler } from '../../src/load/generator-health.ts';
import { K6Driver } from '../../src/load/k6/k6-driver.ts';
import type { LoadRunResult } from '../../src/load/driver.ts';
import { Clock, type GeneratorHealthSecond, type LoadSecond, type StartSecond } from '../../src/model/index.ts';
import type { LoadPlan } from '../../src/scenario/load-profile.ts';
import type { FixtureApp } from '../../src/testing/fixture-app/index.ts';
import type { RealK6 } from '../k6-kit.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./builtin-run-child.ts', import.meta.url));

/** What one driver run measured, and the generator's health per second. */
export interface FixtureRun {
  load: LoadSecond[];
  starts: StartSecond[];
  /** empty unless asked for (`health: true`) */
  health: GeneratorHealthSecond[];
  result: LoadRunResult;
}

/**
 * How the fixture app's clock (and its fault script) starts: with the run's load (`load`,
 * the default: t = 0 of the app is t = 0 of the run clock), or left to the caller (`none`,
 * e.g. after `app.start({ on: 'first-request' })`).
 */
export type AppClock = 'load' | 'none';

/**
 * A k6 entry file `<scenario>.ts` in `dir` for one profile: k6 options from
 * scenarios/k6/common.ts's buildOptions, one request + think time (closed model) per
 * iteration as common.ts's own iteration does. `reuseConnections: false` (the default) sets
 * noConnectionReuse: Go's HTTP client silently resends a GET when a kept-alive connection
 * closes before any response byte, so with keep-alive k6 would see a reset stall as one slow
 * success instead of a failure.
 */
export function k6Entry(dir: string, p: Profile, o: { reuseConnections?: boolean } = {}): void {
  const rel = (f: string): string => relative(dir, join(REPO, f));
  const reuse = o.reuseConnections ?? false;
  writeFileSync(join(dir, `${p.scenario}.ts`), `
import http from 'k6/http';
import { sleep } from 'k6';
import { buildOptions } from '${rel('scenarios/k6/common.ts')}';
import { pickRequest, type LoadModel, type Profile } from '${rel('scenarios/lib/index.ts')}';
const profile: Profile = ${JSON.stringify(p)};
const model = (__ENV.MODEL ?? 'closed') as LoadModel;
export const options = { ...buildOptions(profile, model, false)${reuse ? '' : ', noConnectionReuse: true'} };
export default function (): void {
  const req = pickRequest(profile.requests, Math.random());
  http.request(req.method, __ENV.BASE_URL + req.path, null, { timeout: '${p.timeoutMs}ms', tags: { name: req.name } });
  if (model === 'closed') sleep((profile.thinkTimeMs.min + Math.random() * (profile.thinkTimeMs.max - profile.thinkTimeMs.min)) / 1000);
}
`);
}

/** A builtin-driver run in a process of its own (builtin-run-child.ts), loaded and waiting for `go()`. */
export interface BuiltinChild {
  ready: Promise<void>;
  go(): void;
  result: Promise<FixtureRun>;
}

export function builtinChild(plan: LoadPlan, app: FixtureApp, dir: string, o: { appClock?: AppClock; health?: boolean } = {}): BuiltinChild {
  const input = { plan, baseUrl: app.baseUrl, outDir: join(dir, 'driver'), health: o.health ?? false };
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CHILD, JSON.stringify(input)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // messages arrive before the channel closes; 'exit' alone may come first
  const exited = Promise.all([once(child, 'exit'), once(child, 'disconnect')]).then(([e]) => e);
  let aligned: Promise<void> = Promise.resolve();
  let out: FixtureRun | null = null;
  let isReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => { isReady = resolve; });
  child.on('message', (m: { ready?: boolean; t0EpochMs?: number; run?: FixtureRun }) => {
    if (m.ready) isReady();
    // the app's clock (and its scripted outage) starts with the run's load
    if (m.t0EpochMs !== undefined && (o.appClock ?? 'load') === 'load') aligned = app.start({ atEpochMs: m.t0EpochMs });
    if (m.run) out = m.run;
  });
  const result = (async () => {
    const [code] = await exited;
    await aligned;
    if (code !== 0 || out === null) throw new Error(`builtin run child: must exit 0 with its seconds (got exit ${code}, ${out === null ? 'no result' : 'a result'})`);
    return out;
  })();
  result.catch(() => isReady()); // a child that died before it was ready must not hold the others
  return { ready, go: () => child.send({ go: true }), result };
}

/** The k6 driver in this process on a generated entry file (k6Entry with `reuseConnections`). */
export async function runK6(plan: LoadPlan, app: FixtureApp, k6: RealK6, dir: string, o: { appClock?: AppClock; reuseConnections?: boolean; health?: boolean } = {}): Promise<FixtureRun> {
  const entryDir = join(dir, 'scenarios');
  mkdirSync(entryDir, { recursive: true });
  k6Entry(entryDir, plan.profile, o.reuseConnections === undefined ? {} : { reuseConnections: o.reuseConnections });
  const driver = new K6Driver({ findK6: async () => ({ path: k6.path, version: k6.version, source: 'K6_BIN' }), scenariosDir: entryDir, warmUp: async () => {} });
  const load: LoadSecond[] = [];
  const starts: StartSecond[] = [];
  const health: GeneratorHealthSecond[] = [];
  const clock = new Clock();
  const ac = new AbortController();
  const aligned = (o.appClock ?? 'load') === 'load' ? app.startWithClock(clock, ac.signal) : Promise.resolve();
  const sampler = o.health ? new GeneratorHealthSampler({ clock, emit: (h) => health.push(h) }) : null;
  sampler?.start();
  try {
    const result = await driver.run({ plan, baseUrl: app.baseUrl, clock, signal: ac.signal, onSecond: (s) => load.push(s), onStartSecond: (s) => starts.push(s), outDir: join(dir, 'driver'), ...(sampler ? { health: sampler } : {}) });
    return { load, starts, health, result };
  } finally {
    sampler?.stop();
    ac.abort();
    await aligned;
  }
}
