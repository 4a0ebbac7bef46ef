/**
 * `npm run bench:self`: the harness measures itself and prints figures (not a timed test).
 *  1. builtin driver throughput: 100 VUs, no think time, against a minimal loopback server
 *     in a separate process (goal ≥ 15,000 req/s on 2 cores);
 *  2. builtin driver memory: 2,000 VUs waiting on slow responses (goal < 150 MB RSS);
 *  3. harness overhead while a run goes: CPU time per second of the harness process;
 *  4. report rendering of a 30-minute, 3 scenarios × 2 targets run (goal < 10 s, < 5 MB HTML);
 *  5. the generators side by side (scripts/bench-generators.ts): wrk, real k6 1.x and 2.x and
 *     the builtin driver against one loopback server, interleaved rounds — requests/s, CPU per
 *     1,000 requests, peak RSS with 2,000 waiting VUs, and the ratios builtin ÷ k6, builtin ÷
 *     wrk against their goals;
 *  6. generator-health sampling: CPU per second it adds to an idle harness (goal ≤ 1 % of a core).
 */
import { fork } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { profiles, type Profile } from '../scenarios/lib/index.ts';
import { BuiltinDriver } from '../src/load/builtin/builtin-driver.ts';
import { GeneratorHealthSampler } from '../src/load/generator-health.ts';
import { Clock } from '../src/model/clock.ts';
import type { LoadSecond } from '../src/model/index.ts';
import { loadPlan } from '../src/scenario/load-profile.ts';

const SERVER = fileURLToPath(new URL('./bench-server.cjs', import.meta.url));
// (in the bundle, bench-server.cjs sits beside the bundle: same relative URL)

async function startServer(delayMs: number): Promise<{ port: number; stop: () => void }> {
  const child = fork(SERVER, [String(delayMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve(Number(m)));
    child.once('exit', (c) => reject(new Error(`bench server exited ${c}`)));
  });
  return { port, stop: () => child.kill('SIGTERM') };
}

function profile(vus: number, seconds: number, thinkMs: number): Profile {
  const base = profiles.spike.quick;
  return {
    ...base,
    startVUs: vus,
    stages: [{ durationS: seconds, target: vus }],
    thinkTimeMs: { min: thinkMs, max: thinkMs },
    requests: [{ name: 'hello', method: 'GET', path: '/', weight: 1 }],
    timeoutMs: 30_000,
  };
}

async function drive(p: Profile, port: number, onSecond: (s: LoadSecond) => void = () => {}): Promise<{ requests: number; failures: number; seconds: number; cpuMsPerS: number; peakRssMB: number }> {
  const driver = new BuiltinDriver('bench');
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await driver.run({
    // kept-alive connections: the bench measures the driver, not TCP set-up per request
    plan: { ...loadPlan('spike', { quick: true, model: 'closed', connections: 'per-vu' }), profile: { ...p, connections: 'per-vu' } },
    baseUrl: `http://127.0.0.1:${port}`,
    clock: new Clock(),
    signal: new AbortController().signal,
    onSecond,
    outDir: '/tmp',
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(rssTimer);
  const s = r.summary as { requests: number; failures: number };
  return { requests: s.requests, failures: s.failures, seconds: wallS, cpuMsPerS: (cpu.user + cpu.system) / 1000 / wallS, peakRssMB: peakRss / 2 ** 20 };
}

/**
 * Each measurement runs in a fresh process, so one does not inflate the next one's memory.
 * Driver parts run from an esbuild bundle in plain node — what a published build runs —
 * and, for comparison, under tsx (whose loader thread adds its own memory).
 */
async function inChild(part: string, how: 'bundle' | 'tsx', execArgv: string[] = []): Promise<void> {
  const child =
    how === 'bundle'
      ? fork(bundle(), ['--part', part, '--how', how], { stdio: 'inherit', execArgv })
      : fork(fileURLToPath(import.meta.url), ['--part', part, '--how', how], { stdio: 'inherit', execArgv: process.execArgv });
  await new Promise<void>((resolve, reject) => child.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`bench part ${part} exited ${c}`)))));
}

let bundled: string | null = null;
function bundle(): string {
  if (bundled) return bundled;
  const dir = fileURLToPath(new URL('../.tmp/bench/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  copyFileSync(SERVER, join(dir, 'bench-server.cjs'));
  buildSync({ entryPoints: [fileURLToPath(import.meta.url)], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: join(dir, 'bench-self.mjs'), logLevel: 'error', external: ['./bench-report.ts', './bench-generators.ts'] });
  bundled = join(dir, 'bench-self.mjs');
  return bundled;
}
const HOW = process.argv.includes('--how') ? process.argv[process.argv.indexOf('--how') + 1] : 'tsx';

async function main(): Promise<void> {
  const part = process.argv[process.argv.indexOf('--part') + 1];
  if (part === 'gen-builtin') return genBuiltin();
  if (process.argv.includes('--part') && part) return runPart(part);
  const cpu = cpus();
  console.log(`machine: ${cpu.length} cores (${cpu[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  // `npm run bench:self -- --generators` prints only the side-by-side of the generators
  if (process.argv.includes('--generators')) return generators();
  for (const p of ['throughput', 'memory', 'overhead']) await inChild(p, 'bundle');
  // collected before each window, so a garbage collection does not land in one side only
  await inChild('health', 'bundle', ['--expose-gc']);
  await inChild('run-overhead', 'tsx');
  await inChild('memory', 'tsx');
  await inChild('report', 'tsx');
  await generators();
}

/** The builtin driver as one generator process (run by `generators()` from the bundle): prints {"requests":n}. */
async function genBuiltin(): Promise<void> {
  const arg = (n: string): number => Number(process.argv[process.argv.indexOf(n) + 1]);
  const r = await drive(profile(arg('--vus'), arg('--seconds'), 0), arg('--port'));
  console.log(JSON.stringify({ requests: r.requests }));
}

const THROUGHPUT = { vus: 100, seconds: 8, rounds: 3 };
const MEMORY = { vus: 2000, seconds: 10, rounds: 2 };

async function generators(): Promise<void> {
  const { interleaved, k6Generators, summarize, wrkGenerator } = await import('./bench-generators.ts');
  const { execFileSync } = await import('node:child_process');
  const builtin = {
    name: 'builtin',
    command: (vus: number, s: number, url: string) => [process.execPath, bundle(), '--part', 'gen-builtin', '--vus', String(vus), '--seconds', String(s), '--port', new URL(url).port],
    requests: (out: string) => (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { requests: number }).requests,
  };
  const { gens: k6s, missing } = await k6Generators(process.env);
  let hasWrk = true;
  try { execFileSync('wrk', ['--version'], { stdio: 'ignore' }); } catch (e) { hasWrk = (e as { status?: number }).status !== undefined; }
  const gens = [...(hasWrk ? [wrkGenerator] : []), ...k6s, builtin];
  console.log(`generators side by side: ${gens.map((g) => g.name).join(', ')}${hasWrk ? '' : ' (wrk not installed: apt-get install -y wrk)'}${missing.length > 0 ? ` (k6 ${missing.join(', ')} not in the cache: bash scripts/setup/k6.sh)` : ''}`);
  const rows: Record<string, { t?: ReturnType<typeof summarize>; m?: ReturnType<typeof summarize> }> = {};
  for (const [what, cfg, delayMs] of [['throughput', THROUGHPUT, 0], ['memory', MEMORY, 2000]] as const) {
    console.log(`${what}: ${cfg.vus} connections/VUs${delayMs > 0 ? ` waiting on ${delayMs / 1000} s responses` : ', no think time'}, ${cfg.seconds} s each, ${cfg.rounds} interleaved rounds`);
    const srv = await startServer(delayMs);
    try {
      for (const row of await interleaved(gens, cfg.rounds, cfg.vus, cfg.seconds, `http://127.0.0.1:${srv.port}/`, (l) => console.log(l))) {
        rows[row.name] = { ...rows[row.name], [what === 'throughput' ? 't' : 'm']: summarize(row, cfg.vus) };
      }
    } finally {
      srv.stop();
    }
  }
  console.log(`\n${'generator'.padEnd(11)}${'req/s'.padStart(9)}${'CPU ms/1000 req'.padStart(17)}${'req/s per core'.padStart(16)}${'peak RSS, 2000 VUs'.padStart(20)}${'RSS per VU'.padStart(12)}`);
  for (const g of gens) {
    const { t, m } = rows[g.name] ?? {};
    console.log(`${g.name.padEnd(11)}${(t?.rps ?? NaN).toFixed(0).padStart(9)}${(t?.cpuMsPer1k ?? NaN).toFixed(1).padStart(17)}${(t?.rpsPerCore ?? NaN).toFixed(0).padStart(16)}${`${(m?.peakRssMB ?? NaN).toFixed(0)} MB`.padStart(20)}${`${(m?.rssPerVuKB ?? NaN).toFixed(0)} KB`.padStart(12)}`);
  }
  const b = rows['builtin'];
  const ratio = (x: number, y: number): string => `${(x / y).toFixed(2)}×`;
  const goal = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  for (const k of k6s) {
    const r = rows[k.name];
    if (!b?.t || !b.m || !r?.t || !r.m) continue;
    const perCore = b.t.rpsPerCore / r.t.rpsPerCore;
    const mem = b.m.rssPerVuKB / r.m.rssPerVuKB;
    console.log(`builtin ÷ ${k.name}: requests/s per core ${ratio(b.t.rpsPerCore, r.t.rpsPerCore)} (goal ≥ 3×: ${goal(perCore >= 3)}), requests/s ${ratio(b.t.rps, r.t.rps)}, memory per VU ${ratio(b.m.rssPerVuKB, r.m.rssPerVuKB)} (goal ≤ 0.10×: ${goal(mem <= 0.1)})`);
  }
  const w = rows['wrk'];
  if (b?.t && w?.t) {
    console.log(`builtin ÷ wrk: requests/s per core ${ratio(b.t.rpsPerCore, w.t.rpsPerCore)} (goal ≥ 0.5×: ${goal(b.t.rpsPerCore / w.t.rpsPerCore >= 0.5)}), requests/s ${ratio(b.t.rps, w.t.rps)}`);
  }
  console.log('(medians of the rounds; CPU = user + system time of the generator process; the server shares the cores)');
}

async function runPart(part: string): Promise<void> {
  if (part === 'throughput') {
    const srv = await startServer(0);
    try {
      const secs = 10;
      const r = await drive(profile(100, secs, 0), srv.port);
      const rps = r.requests / secs;
      console.log(`[${HOW}] builtin throughput: 100 VUs, no think time, ${secs} s: ${r.requests} requests, ${r.failures} failed, ${rps.toFixed(0)} req/s (goal ≥ 15000: ${rps >= 15000 ? 'met' : 'NOT met'}), driver CPU ${(r.cpuMsPerS / 10).toFixed(0)} %`);
    } finally {
      srv.stop();
    }
  }
  // memory with 2000 idle-waiting VUs (server answers after 2 s)
  if (part === 'memory') {
    const srv = await startServer(2000);
    try {
      if (global.gc) global.gc();
      const r = await drive(profile(2000, 10, 0), srv.port);
      console.log(`[${HOW}] builtin memory: 2000 VUs waiting on 2 s responses, 10 s: peak RSS ${r.peakRssMB.toFixed(0)} MB (goal < 150: ${r.peakRssMB < 150 ? 'met' : 'NOT met'}), ${r.requests} requests`);
    } finally {
      srv.stop();
    }
  }
  // harness overhead at the spike's peak load shape (100 VUs, 1 s think time): CPU per second
  if (part === 'overhead') {
    const srv = await startServer(50);
    try {
      const r = await drive(profile(100, 10, 1000), srv.port);
      console.log(`[${HOW}] harness overhead: 100 VUs with 1 s think time, 10 s: ${(r.requests / 10).toFixed(0)} req/s, ${r.cpuMsPerS.toFixed(1)} ms CPU per second (${(r.cpuMsPerS / 10).toFixed(1)} % of one core)`);
    } finally {
      srv.stop();
    }
  }
  // generator-health sampling: the same idle process with and without the sampler (writing
  // its records as a run does), in alternating windows after a warm-up so start-up work and
  // drift of a busy machine fall on both sides; the difference is what sampling costs
  if (part === 'health') {
    const { appendFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'capbench-health-')), 'health.ndjson');
    const windowS = 3;
    const pairs = 5;
    const idleCpuMs = async (withSampler: boolean): Promise<number> => {
      global.gc?.();
      await new Promise((r) => setTimeout(r, 200));
      const clock = new Clock();
      const sampler = new GeneratorHealthSampler({ clock, emit: (h) => appendFileSync(file, JSON.stringify(h) + '\n') });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      if (withSampler) sampler.start();
      clock.start();
      await new Promise((r) => setTimeout(r, windowS * 1000));
      sampler.stop();
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000 / ((performance.now() - t0) / 1000);
    };
    await idleCpuMs(false); // warm-up: module loading and JIT of this part
    const diffs: number[] = [];
    let without = 0;
    let withS = 0;
    for (let i = 0; i < pairs; i++) {
      const a = await idleCpuMs(false);
      const b = await idleCpuMs(true);
      without += a / pairs;
      withS += b / pairs;
      diffs.push(b - a);
    }
    const cost = withS - without;
    console.log(`[${HOW}] generator-health sampling: ${cost.toFixed(2)} ms CPU per second (${(cost / 10).toFixed(2)} % of one core; goal ≤ 1 %: ${cost <= 10 ? 'met' : 'NOT met'}) — idle process ${without.toFixed(2)} ms/s without, ${withS.toFixed(2)} ms/s with; ${pairs} alternating pairs of ${windowS} s, differences ${Math.min(...diffs).toFixed(2)} … ${Math.max(...diffs).toFixed(2)} ms/s`);
  }
  // the whole harness during a real run (local target, quick spike × 0.2): driver, sampler,
  // series writer and progress, as CPU time of the harness process per second of run
  if (part === 'run-overhead') {
    const { runScenario } = await import('../src/run/run.ts');
    const { Interrupt } = await import('../src/run/interrupt.ts');
    const { runIsAlive } = await import('../src/store/run-lease.ts');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const oc = await runScenario({
      scenario: 'spike',
      quick: true,
      timeScale: 0.2,
      targets: 'local',
      driver: new BuiltinDriver('bench'),
      model: 'closed',
      outRoot: mkdtempSync(join(tmpdir(), 'capbench-bench-')),
      targetOptions: { env: process.env, runIsAlive },
      interrupt: new Interrupt(),
      onProgress: () => {},
      command: ['bench:self'],
      skipWarmUp: true,
    });
    const wallS = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(cpu0);
    const f = oc.record.targets[0]?.figures?.overall;
    console.log(`[tsx] harness during a run: local target, quick spike × 0.2 (${wallS.toFixed(0)} s incl. deploy/teardown, ${f?.requests ?? 0} requests): ${((c.user + c.system) / 1000 / wallS).toFixed(1)} ms CPU per second of run (${((c.user + c.system) / 10 / 1000 / wallS).toFixed(1)} % of one core) — driver, sampler, series writer`);
    return;
  }
  if (part !== 'report') return;
  try {
    const { benchReport } = (await import('./bench-report.ts')) as { benchReport: () => Promise<{ renderMs: number; htmlBytes: number }> };
    const r = await benchReport();
    console.log(`report: 30-min run, 3 scenarios × 2 targets: rendered in ${(r.renderMs / 1000).toFixed(2)} s (goal < 10: ${r.renderMs < 10_000 ? 'met' : 'NOT met'}), HTML ${(r.htmlBytes / 2 ** 20).toFixed(2)} MB (goal < 5: ${r.htmlBytes < 5 * 2 ** 20 ? 'met' : 'NOT met'})`);
  } catch (e) {
    console.log(`report bench: not available (${(e as Error).message})`);
  }
}

await main();
