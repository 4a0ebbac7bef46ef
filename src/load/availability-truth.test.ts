/**
 * Ground truth, fast: simulated users (closed and open model) against a scripted outage of
 * known length — the app answers 503, or accepts and never answers until the window ends
 * (the dead node's connections reset), or never answers at all — with request timeouts of
 * 10 s and 60 s. Every request's start and end are known exactly; the outcomes go through
 * the drivers' LoadRecorder and computeFigures as a real run's do. The same matrix against
 * the fixture app with the builtin driver and real k6 is test/e2e/availability.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadSecond, StartSecond } from '../model/index.ts';
import { computeFigures } from '../measure/figures.ts';
import { LoadRecorder, type RequestOutcome } from './recorder.ts';

type OutageKind = '503' | 'stall' | 'stall-forever';

interface Sim {
  model: 'closed' | 'open';
  kind: OutageKind;
  outageStartS: number;
  outageS: number;
  timeoutMs: number;
  durationS: number;
  /** closed: VUs and think time; open: arrivals per second and the VU bound */
  vus?: number;
  thinkMs?: [number, number];
  rate?: number;
  maxVUs?: number;
  /** served latencies cycle through these, ms */
  mix: number[];
}

/** Deterministic PRNG (mulberry32), so a failing case is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the scripted app does with a request sent at `startMs`: when it ends and how. */
function serve(sim: Sim, startMs: number, n: number): Omit<RequestOutcome, 'atMs'> & { atMs: number } {
  const from = sim.outageStartS * 1000;
  const to = from + sim.outageS * 1000;
  const inOutage = startMs >= from && startMs < to;
  if (inOutage && sim.kind === '503') return { startMs, atMs: startMs + 1, durationMs: 1, status: 503 };
  if (inOutage) {
    const reset = sim.kind === 'stall' && to < startMs + sim.timeoutMs;
    const end = reset ? to : startMs + sim.timeoutMs;
    return { startMs, atMs: end, durationMs: end - startMs, status: 0, error: reset ? 'ECONNRESET' : 'timeout' };
  }
  const ms = sim.mix[n % sim.mix.length]!;
  return { startMs, atMs: startMs + ms, durationMs: ms, status: 200 };
}

/** Every request of the run, as the drivers would see them. */
function simulate(sim: Sim): RequestOutcome[] {
  const out: RequestOutcome[] = [];
  const endMs = sim.durationS * 1000;
  const rnd = rng(42);
  let n = 0;
  if (sim.model === 'closed') {
    const [lo, hi] = sim.thinkMs!;
    for (let vu = 0; vu < sim.vus!; vu++) {
      let at = (vu * 1000) / sim.vus!; // VUs start spread over the first second
      while (at < endMs) {
        const o = serve(sim, at, n++);
        out.push(o);
        at = o.atMs + lo + rnd() * (hi - lo);
      }
    }
  } else {
    const inFlightUntil: number[] = [];
    for (let at = 0; at < endMs; at += 1000 / sim.rate!) {
      const busy = inFlightUntil.filter((e) => e > at);
      inFlightUntil.length = 0;
      inFlightUntil.push(...busy);
      if (busy.length >= sim.maxVUs!) continue; // dropped: no VU free
      const o = serve(sim, at, n++);
      out.push(o);
      inFlightUntil.push(o.atMs);
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

function measure(sim: Sim, withStarts = true): ReturnType<typeof computeFigures> {
  const load: LoadSecond[] = [];
  const starts: StartSecond[] = [];
  const r = new LoadRecorder((s) => load.push(s), { starts: { timeoutMs: sim.timeoutMs, emit: (s) => starts.push(s) } });
  // users are active all along (what the completion-second fallback judges an empty second by)
  for (let t = 0; t < sim.durationS; t++) r.setVUs(t * 1000, sim.vus ?? sim.maxVUs!);
  for (const o of simulate(sim)) r.record(o);
  r.finish(sim.durationS - 1);
  return computeFigures({
    load,
    ...(withStarts ? { starts } : {}),
    platform: [],
    faults: [],
    windows: [],
    slo: { p95Ms: 500, errorRate: 0.01 },
    durationS: sim.durationS,
  });
}

const mix = [20, 20, 20, 20, 40, 40, 60, 80, 150, 300];

describe('downtime and longest outage match a scripted outage within ±1 s', () => {
  for (const kind of ['503', 'stall'] as const) {
    for (const outageS of [5, 20, 60]) {
      for (const timeoutMs of [10_000, 60_000]) {
        for (const model of ['closed', 'open'] as const) {
          const name = `${kind} for ${outageS} s, timeout ${timeoutMs / 1000} s, ${model} model`;
          it(name, () => {
            const durationS = 20 + outageS + timeoutMs / 1000 + 10;
            const sim: Sim = model === 'closed'
              ? { model, kind, outageStartS: 20, outageS, timeoutMs, durationS, vus: 8, thinkMs: [100, 400], mix }
              : { model, kind, outageStartS: 20, outageS, timeoutMs, durationS, rate: 10, maxVUs: 200, mix };
            const f = measure(sim);
            assert.equal(f.availabilityBasis, 'start-second');
            assert.ok(Math.abs(f.downtimeS - outageS) <= 1, `downtime ${f.downtimeS} s for a ${outageS} s outage`);
            assert.ok(Math.abs(f.longestOutageS - outageS) <= 1, `longest outage ${f.longestOutageS} s for a ${outageS} s outage`);
          });
        }
      }
    }
  }

  it('open model, an app that never answers (no reset at the end): still the scripted length', () => {
    const sim: Sim = { model: 'open', kind: 'stall-forever', outageStartS: 20, outageS: 20, timeoutMs: 60_000, durationS: 120, rate: 10, maxVUs: 1000, mix };
    const f = measure(sim);
    assert.ok(Math.abs(f.downtimeS - 20) <= 1, `downtime ${f.downtimeS}`);
  });

  it('open model with too few VUs to wait out the outage (arrivals dropped): still the scripted length', () => {
    const sim: Sim = { model: 'open', kind: 'stall', outageStartS: 20, outageS: 20, timeoutMs: 60_000, durationS: 120, rate: 10, maxVUs: 30, mix };
    const f = measure(sim);
    assert.ok(Math.abs(f.downtimeS - 20) <= 1, `downtime ${f.downtimeS}`);
  });

  it('closed model, an app that never answers and never resets: each user loses one timeout per request, the outage is still seen', () => {
    const sim: Sim = { model: 'closed', kind: 'stall-forever', outageStartS: 20, outageS: 20, timeoutMs: 10_000, durationS: 80, vus: 8, thinkMs: [100, 400], mix };
    const f = measure(sim);
    assert.ok(Math.abs(f.downtimeS - 20) <= 1, `downtime ${f.downtimeS}`);
  });

  it('closed model, never answers, timeout longer than the outage: users stuck until the timeout cannot see the app come back (a limit of the closed model)', () => {
    const sim: Sim = { model: 'closed', kind: 'stall-forever', outageStartS: 20, outageS: 5, timeoutMs: 60_000, durationS: 100, vus: 8, thinkMs: [100, 400], mix };
    const f = measure(sim);
    // every user waits 60 s for a request that then fails: those seconds are down
    assert.ok(Math.abs(f.downtimeS - 60) <= 1, `downtime ${f.downtimeS}`);
  });

  it('time to recover is measured from the outage start to the first good stretch of arrivals', () => {
    const sim: Sim = { model: 'open', kind: 'stall', outageStartS: 20, outageS: 20, timeoutMs: 60_000, durationS: 120, rate: 10, maxVUs: 1000, mix };
    const load: LoadSecond[] = [];
    const starts: StartSecond[] = [];
    const r = new LoadRecorder((s) => load.push(s), { starts: { timeoutMs: sim.timeoutMs, emit: (s) => starts.push(s) } });
    for (const o of simulate(sim)) r.record(o);
    r.finish(sim.durationS - 1);
    const f = computeFigures({ load, starts, platform: [], faults: [{ kind: 'node-crash', startMs: 20_000, endMs: 40_000, subject: 'n1' }], windows: [], slo: { p95Ms: 500, errorRate: 0.01 }, durationS: sim.durationS });
    assert.equal(f.faults[0]!.timeToRecoverS, 20);
  });
});
