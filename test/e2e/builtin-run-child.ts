/**
 * One builtin-driver run in a process of its own, as `capbench run` would make it: the
 * availability e2e runs many at once, and in one shared process their event loops would
 * delay each other's latency timestamps. Input: argv[2] = JSON { plan, baseUrl, outDir, health }.
 * Over IPC it sends { ready } once loaded (compiling TypeScript is the costly part of a
 * start: the parent sends { go } when every run is ready, so no start-up lands in another
 * run's measurement), { t0EpochMs } as soon as load starts (the parent starts the fixture
 * app's clock then), and at the end { run: { load, starts, health, result } } (health: the
 * generator's own, sampled in this process as a run does, when asked for), then exits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BuiltinDriver } from '../../src/load/builtin/builtin-driver.ts';
import { GeneratorHealthSampler } from '../../src/load/generator-health.ts';
import { Clock, type GeneratorHealthSecond, type LoadSecond, type StartSecond } from '../../src/model/index.ts';
import type { LoadPlan } from '../../src/scenario/load-profile.ts';

const input = JSON.parse(process.argv[2] ?? '{}') as { plan: LoadPlan; baseUrl: string; outDir: string; health: boolean };
const send = (m: unknown): Promise<void> => new Promise((resolve, reject) => process.send!(m, (err: Error | null) => (err ? reject(err) : resolve())));

// the parent is gone (test aborted): stop rather than load an app nobody reads
process.on('disconnect', () => process.exit(1));

const go = new Promise<void>((resolve) => process.on('message', (m: { go?: boolean }) => m.go && resolve()));
await send({ ready: true });
await go;

const clock = new Clock();
const load: LoadSecond[] = [];
const starts: StartSecond[] = [];
const health: GeneratorHealthSecond[] = [];
const sampler = input.health ? new GeneratorHealthSampler({ clock, emit: (h) => health.push(h) }) : null;
sampler?.start();
const announced = (async () => {
  while (!clock.started) await sleep(1);
  await send({ t0EpochMs: clock.epochAtStart() });
})();
const result = await new BuiltinDriver('e2e').run({
  plan: input.plan,
  baseUrl: input.baseUrl,
  clock,
  signal: new AbortController().signal,
  onSecond: (s) => load.push(s),
  onStartSecond: (s) => starts.push(s),
  outDir: input.outDir,
  ...(sampler ? { health: sampler } : {}),
});
sampler?.stop();
await announced;
await send({ run: { load, starts, health, result } });
process.exit(0);
