import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { Clock } from '../../model/clock.ts';
import { HarnessError, type PlatformSecond } from '../../model/index.ts';
import { FakeRunner } from '../../testing/fake-runner.ts';
import type { ServedBy } from '../net.ts';
import { ComposeTarget } from './compose-target.ts';
import { DEFAULT_COMPOSE_FILE } from './deploy.ts';

const PROJECT = 'capbench-run1';
const signal = new AbortController().signal;

/**
 * A Docker + Compose that keeps `n` healthy api containers and changes `n` on
 * `up … --scale api=N`; `httpGet` answers round-robin from their hostnames, as HAProxy does.
 */
function fakeStack(flavour: 'v1' | 'v2', o: { failScale?: string; failOnce?: string } = {}) {
  let n = 0;
  let failOnce = o.failOnce;
  const ids = (): string[] => Array.from({ length: n }, (_, i) => `c${i + 1}`);
  const runner = new FakeRunner((file, args) => {
    const a = args.join(' ');
    if (file === 'docker' && a === 'compose version --short') return flavour === 'v2' ? { stdout: '2.40.3' } : { code: 1, stderr: 'unknown command' };
    if (file === 'docker-compose' && a === 'version --short') return { stdout: '1.29.2' };
    if (file === 'docker' && a.startsWith('version')) return { stdout: '20.10.24' };
    if (file === 'docker' && a.startsWith('ps -a -q --no-trunc')) return { stdout: ids().join('\n') };
    if (file === 'docker' && args[0] === 'inspect') {
      return { stdout: JSON.stringify(ids().map((id) => ({ Id: `${id}full`, Name: `/${PROJECT}-api-${id}`, State: { Status: 'running', Running: true, Health: { Status: 'healthy' } }, Config: { Hostname: id, Env: ['APP_VERSION=v1'] } }))) };
    }
    const scale = args.indexOf('--scale');
    if (scale >= 0 && args.includes('up')) {
      if (o.failScale !== undefined && args.includes('--no-recreate')) return { code: 1, stderr: o.failScale };
      n = Number(args[scale + 1]!.split('=')[1]);
      if (failOnce !== undefined && args.includes('--no-recreate')) {
        const stderr = failOnce;
        failOnce = undefined;
        return { code: 1, stderr };
      }
    }
    return undefined;
  });
  let next = 0;
  const httpGet = async (url: string): Promise<ServedBy> => {
    if (url.endsWith('/readyz') && n > 0) return { status: 200, servedBy: ids()[next++ % n]! };
    return { status: 503, servedBy: null };
  };
  return { runner, httpGet, count: () => n };
}

function deployOpts() {
  return { runId: 'run1', appVersion: 'v1', hpa: { scaleUpStabilizationS: 0, scaleDownStabilizationS: 0 }, onProgress: () => undefined, signal };
}

describe('compose replicas', () => {
  it('v2: `docker compose … up -d --scale api=N --no-deps --no-recreate api`, done when exactly N answer through the lb', async () => {
    const s = fakeStack('v2');
    const t = new ComposeTarget({ runner: s.runner, httpGet: s.httpGet, port: 18200 });
    await t.deploy(deployOpts());
    assert.equal(s.count(), 2, 'deploy keeps the file\'s 2 replicas (--scale api=2)');
    const replicas = t.capabilities().replicas!;
    assert.equal(replicas.max, 32);
    await replicas.scale(5, signal);
    assert.equal(s.count(), 5);
    assert.deepEqual(s.runner.find('docker', 'compose', '--project-name').at(-1)?.args, ['compose', '--project-name', PROJECT, '--file', DEFAULT_COMPOSE_FILE, 'up', '-d', '--scale', 'api=5', '--no-deps', '--no-recreate', 'api']);
    await replicas.scale(1, signal);
    assert.equal(s.count(), 1);
    // a restore after a crash keeps the scaled count
    await t.capabilities().nodes!.restore('host');
    assert.deepEqual(s.runner.find('docker', 'compose', '--project-name').at(-1)?.args, ['compose', '--project-name', PROJECT, '--file', DEFAULT_COMPOSE_FILE, 'up', '-d', '--scale', 'api=1']);
  });

  it('the sampler reports the scaled count as desired', async () => {
    const s = fakeStack('v2');
    const docker = {
      listContainers: async () => [],
      getEvents: async () => new PassThrough(),
      getContainer: () => ({ stats: async () => new PassThrough() }),
    };
    const t = new ComposeTarget({ runner: s.runner, httpGet: s.httpGet, port: 18205, docker });
    await t.deploy(deployOpts());
    await t.capabilities().replicas!.scale(4, signal);
    const seconds: PlatformSecond[] = [];
    const clock = new Clock();
    clock.start();
    const sampler = t.sampler();
    await sampler.start(clock, { second: (x) => seconds.push(x), event: () => undefined });
    await sampler.stop();
    assert.equal(seconds[0]?.desiredReplicas, 4);
  });

  it('v1: the same arguments after `docker-compose`', async () => {
    const s = fakeStack('v1');
    const t = new ComposeTarget({ runner: s.runner, httpGet: s.httpGet, port: 18201 });
    await t.deploy(deployOpts());
    await t.capabilities().replicas!.scale(3, signal);
    assert.deepEqual(s.runner.find('docker-compose', '--project-name').at(-1)?.args, ['--project-name', PROJECT, '--file', DEFAULT_COMPOSE_FILE, 'up', '-d', '--scale', 'api=3', '--no-deps', '--no-recreate', 'api']);
  });

  it('an invalid count is a usage error naming the value and the limit, before any command runs', async () => {
    const s = fakeStack('v2');
    const t = new ComposeTarget({ runner: s.runner, httpGet: s.httpGet, port: 18202 });
    for (const bad of [0, 33, 1.5]) {
      await assert.rejects(t.capabilities().replicas!.scale(bad, signal), (e: unknown) => e instanceof HarnessError && e.exitCode === 2 && e.message === `compose: replicas must be an integer 1..32 (got ${bad})`);
    }
    assert.equal(s.runner.calls.length, 0);
  });

  it('a Compose failure rejects with Compose\'s own message', async () => {
    const s = fakeStack('v2', { failScale: 'Error response from daemon: Conflict. The container name is already in use' });
    const t = new ComposeTarget({ runner: s.runner, httpGet: s.httpGet, port: 18203 });
    await t.deploy(deployOpts());
    await assert.rejects(t.capabilities().replicas!.scale(4, signal), /compose: scale of api to 4 must succeed \(got exit 1: Error response from daemon: Conflict/);
  });

  it('Compose v2\'s "marked for removal" race on a scale-down is retried once', async () => {
    const s = fakeStack('v2', { failOnce: 'Error response from daemon: container is marked for removal and cannot be started' });
    const t = new ComposeTarget({ runner: s.runner, httpGet: s.httpGet, port: 18204 });
    await t.deploy(deployOpts());
    await t.capabilities().replicas!.scale(1, signal);
    assert.equal(s.runner.find('docker', 'compose', '--project-name').filter((c) => c.args.includes('--no-recreate')).length, 2);
    assert.equal(s.count(), 1);
  });
});
