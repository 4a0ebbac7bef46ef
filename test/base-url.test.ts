/**
 * `--base-url` through the CLI, in process on a fake Kubernetes target: with `--allow-remote`
 * the address is printed before anything starts and reaches the target factory; without it
 * a non-loopback URL stops the run before any target is made (exit 2). The URLs are never
 * loaded: the target and the driver are fakes (tests load loopback only).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeTime } from '../src/testing/fake-clock.ts';
import { FakeDriver } from '../src/testing/fake-driver.ts';
import { FakeTarget } from '../src/testing/fake-target.ts';
import { StepLog } from '../src/testing/step-log.ts';
import type { TargetOptions } from '../src/targets/registry.ts';
import { cli, tempDir } from './cli-harness.ts';

function fakes() {
  const time = new FakeTime();
  const log = new StepLog();
  const made: Array<{ name: string; o: TargetOptions }> = [];
  const createTarget = async (name: string, o: TargetOptions) => {
    made.push({ name, o });
    return new FakeTarget({ log, time, name, kind: 'kubernetes' });
  };
  const driver = new FakeDriver({ time, log: new StepLog(), second: () => ({ requests: 10, latencyMs: 5 }) });
  return { time, made, createTarget, driver };
}

const args = (extra: string[]) => ['run', 'spike', '--quick', '--time-scale', '0.1', '--target', 'kubernetes', '--context', 'staging', '--no-report', '--out', tempDir(), ...extra];

describe('--base-url and --allow-remote', () => {
  it('with --allow-remote: the address is the first line printed, and the kubernetes target gets it', async () => {
    const f = fakes();
    const r = await cli(args(['--base-url', 'https://app.staging.example/', '--allow-remote']), { io: { createTarget: f.createTarget, driver: f.driver, time: f.time } });
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out.split('\n')[0]!, /^load goes to https:\/\/app\.staging\.example — NOT this machine's loopback/);
    assert.deepEqual(f.made.map((m) => [m.name, m.o.baseUrl, m.o.context]), [['kubernetes', 'https://app.staging.example', 'staging']]);
  });

  it('a loopback --base-url needs no --allow-remote', async () => {
    const f = fakes();
    const r = await cli(args(['--base-url', 'http://127.0.0.2:8080']), { io: { createTarget: f.createTarget, driver: f.driver, time: f.time } });
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, /^load goes to http:\/\/127\.0\.0\.2:8080 \(--base-url, loopback\)$/m);
    assert.equal(f.made[0]!.o.baseUrl, 'http://127.0.0.2:8080');
  });

  it('without --allow-remote a remote URL is refused with exit 2 before any target is made', async () => {
    const f = fakes();
    const r = await cli(args(['--base-url', 'http://10.20.30.40:8080']), { io: { createTarget: f.createTarget, driver: f.driver, time: f.time } });
    assert.equal(r.code, 2, r.err + r.out);
    assert.match(r.err, /--base-url: http:\/\/10\.20\.30\.40:8080 must be a loopback address/);
    assert.equal(f.made.length, 0, 'no target was made');
    assert.doesNotMatch(r.out, /load goes to/);
  });
});
