/**
 * End to end: the replicas capability on the local and the compose target. Each scales
 * 1 → 3 → 2 → 1; after every scale() the app answers through the target's entry from
 * exactly that many replicas (x-served-by), and the sampler follows (desired, ready, CPU
 * per replica). Compose runs with v2 (`docker compose`) and v1 (`docker-compose`). The compose
 * half fails when Docker or either Compose CLI is absent, unless CAPBENCH_SKIP_DOCKER=1.
 * Prints the time each scale took (diagnostics), for the capacity probe's planning.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HarnessError, type PlatformSecond } from '../../src/model/index.ts';
import { Clock } from '../../src/model/clock.ts';
import { commandRunner } from '../../src/targets/command-runner.ts';
import { detectCompose } from '../../src/targets/compose/compose-cli.ts';
import { ComposeTarget } from '../../src/targets/compose/compose-target.ts';
import { LocalTarget } from '../../src/targets/local/local-target.ts';
import type { Target } from '../../src/targets/target.ts';

const skipDocker = process.env['CAPBENCH_SKIP_DOCKER'] === '1' ? 'CAPBENCH_SKIP_DOCKER=1' : false;
const STEPS = [1, 3, 2, 1];

/** x-served-by of `requests` sequential GETs (each answer must be 200) */
async function servedBy(baseUrl: string, requests: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < requests; i++) {
    const r = await fetch(`${baseUrl}/light`, { signal: AbortSignal.timeout(5000) });
    await r.arrayBuffer();
    assert.equal(r.status, 200, `GET /light → ${r.status}`);
    seen.add(r.headers.get('x-served-by') ?? '?');
  }
  return seen;
}

async function scaleThrough(t: Target, diagnostic: (s: string) => void): Promise<void> {
  const replicas = t.capabilities().replicas;
  assert.ok(replicas, `${t.name} offers the replicas capability`);
  const seconds: PlatformSecond[] = [];
  const clock = new Clock();
  clock.start();
  const sampler = t.sampler();
  await sampler.start(clock, { second: (s) => seconds.push(s), event: () => undefined });
  const timings: string[] = [];
  try {
    for (const n of STEPS) {
      const t0 = performance.now();
      await replicas.scale(n, new AbortController().signal);
      timings.push(`→${n} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      // round robin: 4 requests per replica reach every one of them, and only them
      const seen = await servedBy(t.baseUrl(), 4 * n);
      assert.equal(seen.size, n, `${t.name} at ${n}: answered by ${[...seen].join(', ')}`);
      const from = seconds.length;
      const deadline = Date.now() + 8000;
      while (Date.now() < deadline && !seconds.slice(from).some((s) => s.desiredReplicas === n && s.readyReplicas === n && s.runningReplicas === n)) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const s = seconds.slice(from).find((x) => x.desiredReplicas === n && x.readyReplicas === n && x.runningReplicas === n);
      assert.ok(s, `${t.name} at ${n}: the sampler sees ${n} desired, running and ready (last ${JSON.stringify(seconds.at(-1))})`);
    }
    const cpu = seconds.filter((s) => s.cpuCoresByReplica !== undefined).at(-1);
    assert.ok(cpu?.cpuCoresByReplica && typeof cpu.cpuCores === 'number', `${t.name}: CPU per replica sampled (last ${JSON.stringify(seconds.at(-1))})`);
    const sum = Object.values(cpu.cpuCoresByReplica).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - cpu.cpuCores) < 0.01, `per-replica CPU sums to cpuCores (${sum} vs ${cpu.cpuCores})`);
  } finally {
    await sampler.stop();
  }
  for (const bad of [0, replicas.max + 1, 1.5]) {
    await assert.rejects(replicas.scale(bad, new AbortController().signal), (e: unknown) => {
      assert.ok(e instanceof HarnessError && e.exitCode === 2, String(e));
      assert.match(e.message, new RegExp(`replicas must be an integer 1\\.\\.${replicas.max} \\(got ${bad}\\)`));
      return true;
    });
  }
  diagnostic(`${t.name} scale timings: ${timings.join(', ')}`);
}

function deployOpts(runId: string) {
  return { runId, appVersion: 'v1', hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 0 }, onProgress: () => undefined, signal: new AbortController().signal };
}

describe('replicas capability end to end', { timeout: 300_000 }, () => {
  it('local: 1 → 3 → 2 → 1 replica processes behind the proxy', async (t) => {
    const target = new LocalTarget({ env: process.env });
    try {
      await target.deploy(deployOpts(`e2e-scale-${Date.now().toString(36)}`));
      await scaleThrough(target, (s) => t.diagnostic(s));
    } finally {
      await target.teardown({ fast: true });
    }
  });

  // both Compose CLIs, as test/e2e/compose.test.ts runs them: v2 (`docker compose`) and v1 (`docker-compose`)
  for (const flavour of ['v2', 'v1'] as const) {
    it(`compose ${flavour}: 1 → 3 → 2 → 1 api containers behind HAProxy`, { skip: skipDocker }, async (t) => {
      const found = await detectCompose(commandRunner(process.env), flavour).catch((e: Error) => e);
      assert.ok(!(found instanceof Error), `Compose ${flavour} must be installed (got ${found instanceof Error ? found.message : ''}); set CAPBENCH_SKIP_DOCKER=1 to skip`);
      const target = new ComposeTarget({ env: process.env, composeCli: flavour });
      const probe = await target.probe();
      assert.equal(probe.usable, true, probe.reason);
      assert.match(probe.reason, flavour === 'v2' ? /docker compose \d/ : /docker-compose \d/);
      try {
        await target.deploy(deployOpts(`e2e-scale-${flavour}-${Date.now().toString(36)}`));
        await scaleThrough(target, (s) => t.diagnostic(`${flavour}: ${s}`));
      } finally {
        await target.teardown({ fast: true });
      }
    });
  }
});
