/**
 * `npm run bench:self`: the harness measures itself and prints figures (not a timed test).
 *  1. builtin driver throughput: 100 VUs, no think time, against a minimal loopback server
 *     in a separate process (goal ≥ 15,000 req/s on 2 cores);
 *  2. builtin driver memory: 2,000 VUs waiting on slow responses (goal < 150 MB RSS);
 *  3. harness overhead while a run goes: CPU time per second of the harness process;
 *  4. report rendering of a 30-minute, 3 scenarios × 2 targets run (goal < 10 s, < 5 MB HTML).
 */
import { fork } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { profiles, type Profile } from '../scenarios/lib/index.ts';
import { BuiltinDriver } from '../src/load/builtin/builtin-driver.ts';
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
    plan: { ...loadPlan('spike', { quick: true, model: 'closed' }), profile: p },
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
async function inChild(part: string, how: 'bundle' | 'tsx'): Promise<void> {
  const child =
    how === 'bundle'
      ? fork(bundle(), ['--part', part, '--how', how], { stdio: 'inherit', execArgv: [] })
      : fork(fileURLToPath(import.meta.url), ['--part', part, '--how', how], { stdio: 'inherit', execArgv: process.execArgv });
  await new Promise<void>((resolve, reject) => child.once('exit', (c) => (c === 0 ? resolve() : reject(new Error(`bench part ${part} exited ${c}`)))));
}

let bundled: string | null = null;
function bundle(): string {
  if (bundled) return bundled;
  const dir = fileURLToPath(new URL('../.tmp/bench/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  copyFileSync(SERVER, join(dir, 'bench-server.cjs'));
  buildSync({ entryPoints: [fileURLToPath(import.meta.url)], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: join(dir, 'bench-self.mjs'), logLevel: 'error', external: ['./bench-report.ts'] });
  bundled = join(dir, 'bench-self.mjs');
  return bundled;
}
const HOW = process.argv.includes('--how') ? process.argv[process.argv.indexOf('--how') + 1] : 'tsx';

async function main(): Promise<void> {
  const part = process.argv[process.argv.indexOf('--part') + 1];
  if (process.argv.includes('--part') && part) return runPart(part);
  const cpu = cpus();
  console.log(`machine: ${cpu.length} cores (${cpu[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const p of ['throughput', 'memory', 'overhead']) await inChild(p, 'bundle');
  await inChild('run-overhead', 'tsx');
  await inChild('memory', 'tsx');
  await inChild('report', 'tsx');
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
      log: () => {},
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
