// End-to-end against the real Docker daemon: build, deploy, crash, restore, roll out, tear down —
// once with Compose v2 (`docker compose`) and once with v1 (`docker-compose`).
// Fails when Docker or either Compose CLI is missing, unless CAPBENCH_SKIP_DOCKER=1 (then skipped
// with that reason).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlatformEvent, PlatformSecond } from '../../src/model/index.ts';
import { Clock } from '../../src/model/clock.ts';
import { commandRunner, tail } from '../../src/targets/command-runner.ts';

const execFileRunner = commandRunner(process.env);
import { dockerServerVersion } from '../../src/targets/compose/compose-cli.ts';
import { BUILD_SCRIPT, ComposeTarget } from '../../src/targets/compose/compose-target.ts';

const skip = process.env['CAPBENCH_SKIP_DOCKER'] === '1' ? 'CAPBENCH_SKIP_DOCKER=1' : false;

async function get(url: string): Promise<{ status: number; servedBy: string; version: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  return { status: res.status, servedBy: res.headers.get('x-served-by') ?? '', version: res.headers.get('x-app-version') ?? '' };
}

async function until<T>(what: string, timeoutMs: number, fn: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`e2e: ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** container names: v2 joins project, service and number with `-`, v1 with `_` */
const NAME_SEPARATOR = { v2: '-', v1: '_' } as const;
const CLI_NAME = { v2: 'docker compose', v1: 'docker-compose' } as const;

for (const flavour of ['v2', 'v1'] as const) test(`compose target end to end on real Docker, Compose ${flavour}`, { skip, timeout: 600_000 }, async (t) => {
  await dockerServerVersion(execFileRunner); // throws (fails the test) when Docker is absent
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const build = await execFileRunner.run(BUILD_SCRIPT, [], { timeoutMs: 30 * 60_000 });
  assert.equal(build.code, 0, tail(build.stderr));
  timings['images'] = performance.now() - t0;

  const runId = `e2e-${flavour}-${Date.now().toString(36)}`;
  const target = new ComposeTarget({ rebootDelayS: 0, env: process.env, composeCli: flavour });
  let tornDown = false;
  t.after(async () => {
    if (!tornDown) await target.teardown({ fast: true });
  });
  const probe = await target.probe();
  assert.equal(probe.usable, true, probe.reason);

  const progress: string[] = [];
  const t1 = performance.now();
  await target.deploy({
    runId,
    appVersion: 'v1',
    hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 0 },
    onProgress: (l) => progress.push(l),
    signal: new AbortController().signal,
  });
  timings['deployToReady'] = performance.now() - t1;
  assert.match(target.baseUrl(), /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(progress.some((l) => l.includes(`${CLI_NAME[flavour]} ${flavour === 'v2' ? '2.' : '1.'}`)), `deployed with ${CLI_NAME[flavour]}: ${progress[0]}`);
  // the harness finds its containers by label, whatever the CLI names them
  const names = await execFileRunner.run('docker', ['ps', '--filter', `label=capbench.run-id=${runId}`, '--format', '{{.Names}}']);
  const sep = NAME_SEPARATOR[flavour];
  assert.deepEqual(
    names.stdout.trim().split('\n').sort(),
    [`${target.projectName}${sep}api${sep}1`, `${target.projectName}${sep}api${sep}2`, `${target.projectName}${sep}lb${sep}1`],
    `container names of Compose ${flavour}`,
  );

  // both replicas serve through the lb
  const served = new Set<string>();
  for (let i = 0; i < 50 && served.size < 2; i++) {
    const r = await get(`${target.baseUrl()}/light`);
    assert.equal(r.status, 200);
    assert.equal(r.version, 'v1');
    served.add(r.servedBy);
  }
  assert.equal(served.size, 2, `x-served-by seen: ${[...served].join(', ')}`);

  const clock = new Clock();
  clock.start();
  const seconds: PlatformSecond[] = [];
  const events: PlatformEvent[] = [];
  const sampler = target.sampler();
  await sampler.start(clock, { second: (s) => seconds.push(s), event: (e) => events.push(e) });
  try {
    await until('sampler sees 2 ready replicas', 10_000, () => seconds.find((s) => s.readyReplicas === 2));
    await until('sampler reports CPU', 10_000, () => seconds.find((s) => typeof s.cpuCores === 'number'));

    const nodes = target.capabilities().nodes;
    assert.ok(nodes !== undefined);
    assert.deepEqual((await nodes.workers()).map((w) => [w.name, w.appReplicas, w.ready]), [['host', 2, true]]);
    const crashAt = seconds.length;
    const t2 = performance.now();
    await nodes.crash('host');
    await until('sampler sees 0 running after the crash', 10_000, () => seconds.slice(crashAt).find((s) => s.runningReplicas === 0));
    timings['crashToZero'] = performance.now() - t2;
    assert.deepEqual(await nodes.down(), ['host']);
    assert.equal((await get(`${target.baseUrl()}/light`).catch(() => ({ status: 0 }))).status === 200, false, 'nothing serves while the host is down');
    await until('replica-stopped events', 5_000, () => (events.some((e) => e.kind === 'replica-stopped') ? true : undefined));

    const restoreAt = seconds.length;
    const t3 = performance.now();
    await nodes.restore('host');
    await until('ready 2 after restore', 60_000, () => seconds.slice(restoreAt).find((s) => s.readyReplicas === 2));
    await until('lb answers after restore', 30_000, async () => ((await get(`${target.baseUrl()}/readyz`).catch(() => ({ status: 0 }))).status === 200 ? true : undefined));
    timings['restoreToReady'] = performance.now() - t3;
    assert.deepEqual(await nodes.down(), []);
    assert.ok(events.some((e) => e.kind === 'replica-ready'), 'replica-ready events after restore');

    const w = target.capabilities().workloads;
    assert.ok(w !== undefined);
    const t4 = performance.now();
    await w.rollOut('v2');
    await w.waitRolledOut('v2', 90_000, new AbortController().signal);
    timings['rollout'] = performance.now() - t4;
    const after = await until('v2 through the lb', 30_000, async () => {
      const r = await get(`${target.baseUrl()}/light`).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    });
    assert.equal(after.version, 'v2');
  } finally {
    await sampler.stop();
  }
  assert.ok(seconds.every((s, i) => i === 0 || s.t > (seconds[i - 1]?.t ?? -1)), 'one sample per second, increasing');

  const versions = await target.versions();
  assert.match(versions['docker'] ?? '', /\d+\.\d+/);
  assert.match(versions['compose'] ?? '', new RegExp(`^${CLI_NAME[flavour]} ${flavour === 'v2' ? 2 : 1}\\.\\d+\\.\\d+`));

  const t5 = performance.now();
  await target.teardown({ fast: false });
  timings['teardown'] = performance.now() - t5;
  tornDown = true;
  await target.teardown({ fast: true }); // idempotent
  for (const args of [['ps', '-a', '-q'], ['network', 'ls', '-q'], ['volume', 'ls', '-q']]) {
    const r = await execFileRunner.run('docker', [...args, '--filter', `label=capbench.run-id=${runId}`]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), '', `docker ${args.join(' ')} still lists objects of ${runId}`);
  }
  t.diagnostic(`timings (s): ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ')}`);
  t.diagnostic(`versions: ${JSON.stringify(versions)}`);
  t.diagnostic(`deploy progress: ${progress.join(' | ')}`);
});
