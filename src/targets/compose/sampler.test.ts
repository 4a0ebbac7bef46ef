import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type Dockerode from 'dockerode';
import type { PlatformEvent, PlatformSecond } from '../../model/index.ts';
import { Clock } from '../../model/clock.ts';
import { ComposeSampler, coresFromStats, eventKind, type DockerApi } from './sampler.ts';

test('coresFromStats: docker stats arithmetic', () => {
  const table: Array<[string, Parameters<typeof coresFromStats>[0], number | null]> = [
    ['half a core of 2', { cpu_stats: { cpu_usage: { total_usage: 1.5e9 }, system_cpu_usage: 12e9, online_cpus: 2 }, precpu_stats: { cpu_usage: { total_usage: 1e9 }, system_cpu_usage: 10e9 } }, 0.5],
    ['percpu length when online_cpus is absent', { cpu_stats: { cpu_usage: { total_usage: 2e9, percpu_usage: [0, 0, 0, 0] }, system_cpu_usage: 14e9 }, precpu_stats: { cpu_usage: { total_usage: 1e9 }, system_cpu_usage: 10e9 } }, 1],
    ['first sample: no precpu', { cpu_stats: { cpu_usage: { total_usage: 2e9 }, system_cpu_usage: 14e9, online_cpus: 2 }, precpu_stats: { cpu_usage: { total_usage: 0 } } }, null],
    ['no system delta', { cpu_stats: { cpu_usage: { total_usage: 2e9 }, system_cpu_usage: 10e9, online_cpus: 2 }, precpu_stats: { cpu_usage: { total_usage: 1e9 }, system_cpu_usage: 10e9 } }, null],
    ['empty', {}, null],
  ];
  for (const [name, s, want] of table) assert.equal(coresFromStats(s), want, name);
});

test('eventKind maps container actions', () => {
  assert.equal(eventKind('start'), 'replica-started');
  assert.equal(eventKind('die'), 'replica-stopped');
  assert.equal(eventKind('health_status: healthy'), 'replica-ready');
  assert.equal(eventKind('health_status: unhealthy'), 'replica-unready');
  assert.equal(eventKind('exec_start: node -e'), null);
});

function container(id: string, state: string, status: string): Dockerode.ContainerInfo {
  return { Id: id, Names: [`/p-api-${id}`], State: state, Status: status } as Dockerode.ContainerInfo;
}

class FakeDocker implements DockerApi {
  list: Dockerode.ContainerInfo[] | Error = [];
  listCalls: Dockerode.ContainerListOptions[] = [];
  eventsOpts: Dockerode.GetEventsOptions[] = [];
  readonly events = new PassThrough();
  readonly statsStreams = new Map<string, PassThrough>();
  async listContainers(opts: Dockerode.ContainerListOptions): Promise<Dockerode.ContainerInfo[]> {
    this.listCalls.push(opts);
    if (this.list instanceof Error) throw this.list;
    return this.list;
  }
  async getEvents(opts: Dockerode.GetEventsOptions): Promise<NodeJS.ReadableStream> {
    this.eventsOpts.push(opts);
    return this.events;
  }
  getContainer(id: string) {
    return {
      stats: async (): Promise<NodeJS.ReadableStream> => {
        const s = new PassThrough();
        this.statsStreams.set(id, s);
        return s;
      },
    };
  }
}

const stats = (cpu: number, sys: number) =>
  JSON.stringify({ cpu_stats: { cpu_usage: { total_usage: cpu }, system_cpu_usage: sys, online_cpus: 2 }, precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 1 } }) + '\n';

test('sampler: per-second replicas, CPU from stats streams, label-filtered events', async () => {
  const docker = new FakeDocker();
  docker.list = [container('a', 'running', 'Up 5 seconds (healthy)'), container('b', 'running', 'Up 1 second (health: starting)'), container('c', 'exited', 'Exited (137)')];
  const clock = new Clock();
  clock.start();
  const seconds: PlatformSecond[] = [];
  const events: PlatformEvent[] = [];
  const sampler = new ComposeSampler({ docker, runId: 'r1', service: 'api', desiredReplicas: () => 2 });
  await sampler.start(clock, { second: (s) => seconds.push(s), event: (e) => events.push(e) });

  assert.deepEqual(docker.listCalls[0], { all: true, filters: { label: ['capbench.run-id=r1', 'com.docker.compose.service=api'] } });
  assert.deepEqual(docker.eventsOpts[0]?.filters, { type: ['container'], label: ['capbench.run-id=r1'] });
  assert.deepEqual(seconds[0], { t: 0, desiredReplicas: 2, runningReplicas: 2, readyReplicas: 1, podsPerNode: { host: 2 } });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual([...docker.statsStreams.keys()], ['a', 'b'], 'one stats stream per running replica');

  docker.statsStreams.get('a')?.write(stats(0.25e9, 1e9 + 1));
  docker.statsStreams.get('b')?.write(stats(0.5e9, 1e9 + 1));
  const now = Date.now();
  docker.events.write(JSON.stringify({ Action: 'health_status: healthy', timeNano: now * 1e6, Actor: { ID: 'b', Attributes: { name: 'p-api-2', 'com.docker.compose.service': 'api' } } }) + '\n');
  docker.events.write(JSON.stringify({ Action: 'start', timeNano: now * 1e6, Actor: { ID: 'l', Attributes: { name: 'p-lb-1', 'com.docker.compose.service': 'lb' } } }) + '\n');
  docker.events.write(JSON.stringify({ Action: 'die', timeNano: now * 1e6 + 1, Actor: { ID: 'a', Attributes: { name: 'p-api-1', exitCode: '137', 'com.docker.compose.service': 'api' } } }));
  docker.events.write('\n');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events.map((e) => [e.kind, e.subject, e.detail]), [
    ['replica-ready', 'p-api-2', undefined],
    ['replica-stopped', 'p-api-1', 'exit 137'],
  ]);

  // the next second: CPU of both replicas summed (0.25 and 0.5 of a 2-core host's time = 0.5 + 1.0 cores)
  docker.list = [container('b', 'running', 'Up 2 seconds (healthy)')];
  await new Promise((r) => setTimeout(r, 1100));
  assert.deepEqual(seconds[1], { t: 1, desiredReplicas: 2, runningReplicas: 1, readyReplicas: 1, podsPerNode: { host: 1 }, cpuCores: 1, cpuCoresByReplica: { 'p-api-b': 1 } });
  assert.equal(docker.statsStreams.get('a')?.destroyed, true, 'stats stream of a stopped replica is closed');
  await sampler.stop();
  await sampler.stop();
  assert.equal(docker.statsStreams.get('b')?.destroyed, true);
  assert.equal(docker.events.destroyed, true);
});

test('sampler: a failing list is a gap second and a watch gap, never a throw', async () => {
  const docker = new FakeDocker();
  docker.list = new Error('connect ENOENT /var/run/docker.sock');
  const clock = new Clock();
  clock.start();
  const seconds: PlatformSecond[] = [];
  const events: PlatformEvent[] = [];
  const sampler = new ComposeSampler({ docker, runId: 'r1', service: 'api', desiredReplicas: () => 2 });
  await sampler.start(clock, { second: (s) => seconds.push(s), event: (e) => events.push(e) });
  assert.deepEqual(seconds, [{ t: 0, gap: true }]);
  assert.deepEqual(events.map((e) => [e.kind, e.subject]), [['watch-gap-start', 'containers']]);
  await sampler.stop();
});

test('sampler: CPU per replica by container name, summing to cpuCores; desired follows a scale', async () => {
  const docker = new FakeDocker();
  docker.list = [container('a', 'running', 'Up 5 seconds (healthy)'), container('b', 'running', 'Up 5 seconds (healthy)')];
  let desired = 2;
  const clock = new Clock();
  clock.start();
  const seconds: PlatformSecond[] = [];
  const sampler = new ComposeSampler({ docker, runId: 'r1', service: 'api', desiredReplicas: () => desired });
  await sampler.start(clock, { second: (s) => seconds.push(s), event: () => undefined });
  await new Promise((r) => setImmediate(r));
  docker.statsStreams.get('a')?.write(stats(0.25e9, 1e9 + 1));
  docker.statsStreams.get('b')?.write(stats(0.5e9, 1e9 + 1));
  desired = 3;
  await new Promise((r) => setTimeout(r, 1100));
  await sampler.stop();
  assert.deepEqual(seconds[1], {
    t: 1,
    desiredReplicas: 3,
    runningReplicas: 2,
    readyReplicas: 2,
    podsPerNode: { host: 2 },
    cpuCores: 1.5,
    cpuCoresByReplica: { 'p-api-a': 0.5, 'p-api-b': 1 },
  });
});
