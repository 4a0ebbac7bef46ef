/**
 * Test kit: runScenario wired to fakes — FakeTarget(s), FakeDriver and one FakeTime — so an
 * orchestrator test runs a whole scenario in milliseconds, with every step of every fake
 * in one StepLog and every progress event collected.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Interrupt } from '../run/interrupt.ts';
import { runScenario, type RunOptions, type RunOutcome, type RunProgressEvent } from '../run/run.ts';
import { readRun, type SavedRun } from '../store/run-store.ts';
import { FakeTime } from './fake-clock.ts';
import { FakeDriver, type FakeSecond } from './fake-driver.ts';
import { FakeTarget, type FakeTargetOptions } from './fake-target.ts';
import { StepLog } from './step-log.ts';

export interface FakeRunOptions {
  scenario?: string;
  /** default 0.2: node-crash quick = 36 s of load, crash at 6 s for 22 s; warm-up 2 s */
  timeScale?: number;
  /** `--target` (default `local`); each name gets a FakeTarget */
  targets?: string;
  /** per target name: options of its FakeTarget (label defaults to the name when several) */
  target?: Record<string, Partial<FakeTargetOptions>>;
  second?: (t: number) => FakeSecond;
  run?: Partial<RunOptions>;
}

export interface FakeRun {
  time: FakeTime;
  log: StepLog;
  interrupt: Interrupt;
  events: RunProgressEvent[];
  driver: FakeDriver;
  targets: Map<string, FakeTarget>;
  outRoot: string;
  /** run the scenario; resolves with the outcome and the run directory read back */
  run(): Promise<RunOutcome & { saved: SavedRun }>;
}

export function fakeRun(o: FakeRunOptions = {}): FakeRun {
  const time = new FakeTime();
  const log = new StepLog();
  const interrupt = new Interrupt();
  const events: RunProgressEvent[] = [];
  const driver = new FakeDriver({ time, log, ...(o.second ? { second: o.second } : {}) });
  const targets = new Map<string, FakeTarget>();
  const spec = o.targets ?? 'local';
  const several = spec.includes(',');
  const outRoot = mkdtempSync(join(tmpdir(), 'capbench-fake-run-'));
  const options: RunOptions = {
    scenario: o.scenario ?? 'node-crash',
    quick: true,
    timeScale: o.timeScale ?? 0.2,
    targets: spec,
    driver,
    model: 'closed',
    outRoot,
    targetOptions: { env: {}, runIsAlive: () => false },
    interrupt,
    onProgress: (e) => events.push(e),
    command: ['capbench', 'run', 'fake'],
    time,
    createTarget: async (name) => {
      const t = new FakeTarget({ log, time, name, ...(several ? { label: name } : {}), ...o.target?.[name] });
      targets.set(name, t);
      return t;
    },
    ...o.run,
  };
  return {
    time,
    log,
    interrupt,
    events,
    driver,
    targets,
    outRoot,
    async run() {
      const outcome = await runScenario(options);
      return { ...outcome, saved: readRun(outcome.runDir) };
    },
  };
}
