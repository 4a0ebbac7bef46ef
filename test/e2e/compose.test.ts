/**
 * End to end on real Docker Compose (and local beside it): the quick spike, a host crash
 * and a rolling update through the CLI, as a user runs them, time-scaled to stay short —
 * on Compose v2 (`docker compose`), and on v1 (`docker-compose`) picked with CAPBENCH_COMPOSE
 * as a user would. v1 and v2 differ only in the Compose CLI the target calls, and
 * test/e2e/compose-target.test.ts drives every one of those calls (deploy, container names,
 * crash, restore, rollout, teardown) on both; so v1 runs one case here, the rolling update
 * (deploy, sampler, rollout, teardown through `docker-compose`, chosen by CAPBENCH_COMPOSE
 * from the CLI), not all three again (~2 min of CI). Fails when Docker or either Compose CLI
 * is absent, unless CAPBENCH_SKIP_DOCKER=1 (README: opt-outs).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readRun, type SavedRun } from '../../src/store/run-store.ts';
import { cli, tempDir } from '../cli-harness.ts';

const skip = process.env.CAPBENCH_SKIP_DOCKER === '1' ? 'CAPBENCH_SKIP_DOCKER=1' : false;

type Flavour = 'v2' | 'v1';
const CLI_NAME: Record<Flavour, RegExp> = { v2: /^docker compose 2\.\d+\.\d+/, v1: /^docker-compose 1\.\d+\.\d+/ };

async function run(flavour: Flavour, args: string[]): Promise<SavedRun> {
  const out = tempDir();
  const r = await cli([...args, '--driver', 'builtin', '--out', out], { env: { ...process.env, CAPBENCH_COMPOSE: flavour } });
  assert.equal(r.code, 0, `CAPBENCH_COMPOSE=${flavour} capbench ${args.join(' ')} → ${r.code}\n${r.err}\n${r.out}`);
  const saved = readRun(join(out, readdirSync(out)[0]!));
  const compose = saved.record.targets.find((t) => t.name === 'compose');
  assert.match(compose?.versions['compose'] ?? '', CLI_NAME[flavour], `the run used Compose ${flavour}`);
  return saved;
}

function labelled(kind: 'ps' | 'network', runId: string): string {
  const args = kind === 'ps' ? ['ps', '-aq', '--filter', `label=capbench.run-id=${runId}`] : ['network', 'ls', '-q', '--filter', `label=capbench.run-id=${runId}`];
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

for (const flavour of ['v2', 'v1'] as const) describe(`compose end to end, Compose ${flavour}`, { skip }, () => {
  // the spike (with local beside compose) and the host crash on v2 only: see the file's comment
  const targets = ['local', 'compose'];
  if (flavour === 'v2') it(`quick spike on ${targets.join(' and ')}: latency rises under 100 users at fixed replicas`, async () => {
    const saved = await run(flavour, ['run', 'spike', '--quick', '--time-scale', '0.25', '--target', targets.join(',')]);
    assert.equal(saved.record.status, 'completed');
    for (const name of targets) {
      const t = saved.record.targets.find((x) => x.name === name)!;
      assert.equal(t.status, 'completed', `${name}: ${t.error}`);
      const f = t.figures!;
      const base = f.windows.find((w) => w.name === 'baseline')!;
      const spike = f.windows.find((w) => w.name === 'spike')!;
      assert.ok(base.requests > 0 && spike.requests > base.requests, `${name}: more requests in the spike`);
      assert.ok(f.peakReadyReplicas === 2 && f.peakDesiredReplicas === 2, `${name}: replicas stay fixed at 2`);
      if (name === 'compose') {
        assert.ok(spike.p95Ms! > 2 * base.p95Ms!, `compose p95 rises under the spike: baseline ${base.p95Ms} ms → spike ${spike.p95Ms} ms`);
      }
    }
    assert.equal(labelled('ps', saved.record.runId), '', 'no container left');
    assert.equal(labelled('network', saved.record.runId), '', 'no network left');
  });

  if (flavour === 'v2') it('quick node crash on compose: the whole host goes down, a fault window and downtime', async () => {
    const saved = await run(flavour, ['run', 'node-crash', '--quick', '--time-scale', '0.25', '--target', 'compose', '--reboot-delay', '15', '--no-report']);
    const t = saved.record.targets[0]!;
    assert.equal(t.status, 'completed', t.error);
    assert.equal(t.faults.length, 1);
    const w = t.faults[0]!;
    assert.equal(w.kind, 'node-crash');
    assert.ok(w.endMs !== undefined && w.endMs - w.startMs >= 15_000, 'host came back after the reboot delay');
    assert.ok(t.figures!.downtimeS >= 10, `downtime ${t.figures!.downtimeS} s`);
    assert.ok(t.figures!.minReadyReplicas === 0, 'no replica was ready while the host was down');
    assert.ok(t.notes.some((n) => /comes back 15 s after/.test(n)), 'the reboot time is stated');
    assert.ok(t.figures!.faults[0]!.capacityBackS !== null, 'capacity came back');
    assert.equal(labelled('ps', saved.record.runId), '');
  });

  it('quick rolling update on compose: old and new versions served, rollout finishes', async () => {
    const saved = await run(flavour, ['run', 'rolling-update', '--quick', '--time-scale', '0.25', '--target', 'compose', '--no-report']);
    const t = saved.record.targets[0]!;
    assert.equal(t.status, 'completed', t.error);
    const w = t.faults[0]!;
    assert.equal(w.kind, 'rolling-update');
    assert.ok(w.endMs !== undefined, 'rollout finished');
    const versions = new Set(saved.series.compose!.load.flatMap((s) => Object.keys(s.versions)));
    assert.ok(versions.has('v1') && versions.has('v2'), `versions seen: ${[...versions]}`);
    const f = t.figures!.faults[0]!;
    assert.ok(f.rolloutDurationS !== null && f.rolloutDurationS > 0);
    assert.equal(labelled('ps', saved.record.runId), '');
  });
});
