/**
 * bench:self's side-by-side of load generators (printed, not a timed test). Against the same
 * minimal loopback server (scripts/bench-server.cjs), in one run, interleaved rounds of:
 * wrk (Debian's package, the C ceiling), real k6 of every tested version found in capbench's
 * k6 cache, and the builtin driver (the esbuild bundle in plain node, as a published build
 * runs it):
 *   throughput — 100 connections / VUs, no think time: requests/s and CPU per 1,000 requests;
 *   memory     — 2,000 VUs waiting on 2 s responses: peak RSS.
 * Every generator is its own process, measured the same way from outside: CPU = user + system
 * time of the process (bash's `times` after `wait`), peak RSS = VmHWM from /proc (Linux).
 * k6 runs bare (no --out): its lightest setting, so the ratios are the strict ones.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedK6, readK6Version, TESTED_K6_VERSIONS } from '../src/load/k6/find-k6.ts';

const K6_SCRIPT = fileURLToPath(new URL('./bench-k6.js', import.meta.url));

export interface Generator {
  name: string;
  /** the command line for `vus` connections for `seconds` against `url` */
  command: (vus: number, seconds: number, url: string, scratch: string) => string[];
  /** requests completed, from the generator's own output */
  requests: (stdout: string, scratch: string) => number;
}

export interface Measured {
  requests: number;
  cpuMs: number;
  peakRssKB: number;
}

/** bash runs the generator as a child, reports its pid on fd 3, waits, then its CPU times (`times`) on fd 3. */
const WRAP = '"$@" & echo "pid $!" >&3; wait $!; rc=$?; times >&3; exit $rc';

function seconds(t: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

/** Runs one generator to its end; CPU and peak RSS of its process. Rejects on a non-zero exit. */
export function measure(cmd: string[]): Promise<Measured & { stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', WRAP, 'measure', ...cmd], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let meta = '';
    let pid = 0;
    let peakRssKB = 0;
    const poll = setInterval(() => {
      if (pid === 0) return;
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (hwm) peakRssKB = Math.max(peakRssKB, Number(hwm[1]));
      } catch { /* exited between polls */ }
    }, 100);
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      meta += d.toString();
      const m = /^pid (\d+)$/m.exec(meta);
      if (m) pid = Number(m[1]);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      // `times`: the shell's own user/system, then its children's
      const lines = meta.trim().split('\n').filter((l) => /^\d+m[\d.]+s \d+m[\d.]+s$/.test(l));
      const [user, sys] = (lines[1] ?? '').split(' ');
      if (code !== 0) return reject(new Error(`${cmd.join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      resolve({ stdout, requests: 0, cpuMs: (seconds(user ?? '') + seconds(sys ?? '')) * 1000, peakRssKB });
    });
  });
}

/** The k6 binaries in capbench's k6 cache (scripts/setup/k6.sh), as generators; and the versions not found. */
export async function k6Generators(env: NodeJS.ProcessEnv): Promise<{ gens: Generator[]; missing: string[] }> {
  const cached = await cachedK6(env);
  const gens: Generator[] = [];
  const missing: string[] = [];
  for (const tag of TESTED_K6_VERSIONS) {
    const c = cached.find((x) => x.tag === tag);
    if (!c) {
      missing.push(tag);
      continue;
    }
    const v = await readK6Version(c.path, env);
    gens.push({
      name: `k6 ${tag}`,
      command: (vus, s, url, scratch) => [c.path, 'run', '--quiet', '--no-color', ...(v.major < 2 ? ['--address='] : []),
        '-e', `URL=${url}`, '-e', `VUS=${vus}`, '-e', `DURATION=${s}s`, `--summary-export=${join(scratch, 'k6-summary.json')}`, K6_SCRIPT],
      requests: (_out, scratch) => (JSON.parse(readFileSync(join(scratch, 'k6-summary.json'), 'utf8')) as { metrics: { http_reqs: { count: number } } }).metrics.http_reqs.count,
    });
  }
  return { gens, missing };
}

export const wrkGenerator: Generator = {
  name: 'wrk',
  command: (vus, s, url) => ['wrk', '-t2', `-c${vus}`, `-d${s}s`, '--timeout', '10s', url],
  requests: (out) => Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN),
};

interface Row { name: string; runs: Array<Measured & { seconds: number }> }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function runOne(g: Generator, vus: number, secs: number, url: string): Promise<Measured & { seconds: number }> {
  const scratch = mkdtempSync(join(tmpdir(), 'capbench-bench-gen-'));
  try {
    const m = await measure(g.command(vus, secs, url, scratch));
    return { ...m, requests: g.requests(m.stdout, scratch), seconds: secs };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `rounds` rounds of every generator, the order rotated each round so none always goes first. */
export async function interleaved(gens: Generator[], rounds: number, vus: number, secs: number, url: string, log: (l: string) => void): Promise<Row[]> {
  const rows: Row[] = gens.map((g) => ({ name: g.name, runs: [] }));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < gens.length; i++) {
      const k = (i + r) % gens.length;
      const m = await runOne(gens[k]!, vus, secs, url);
      rows[k]!.runs.push(m);
      log(`  round ${r + 1}: ${gens[k]!.name.padEnd(10)} ${(m.requests / secs).toFixed(0).padStart(7)} req/s, CPU ${(m.cpuMs / (m.requests / 1000)).toFixed(1)} ms/1000 req, peak RSS ${(m.peakRssKB / 1024).toFixed(0)} MB`);
    }
  }
  return rows;
}

export interface Summary { name: string; rps: number; cpuMsPer1k: number; rpsPerCore: number; peakRssMB: number; rssPerVuKB: number }

export function summarize(row: Row, vus: number): Summary {
  const rps = median(row.runs.map((m) => m.requests / m.seconds));
  const cpuMsPer1k = median(row.runs.map((m) => m.cpuMs / (m.requests / 1000)));
  const peakRssKB = median(row.runs.map((m) => m.peakRssKB));
  return { name: row.name, rps, cpuMsPer1k, rpsPerCore: 1_000_000 / cpuMsPer1k, peakRssMB: peakRssKB / 1024, rssPerVuKB: peakRssKB / vus };
}
