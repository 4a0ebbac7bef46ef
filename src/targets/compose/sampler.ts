import type Dockerode from 'dockerode';
import type { PlatformEvent, PlatformEventKind, PlatformSecond } from '../../model/index.ts';
import type { Clock } from '../../model/clock.ts';
import type { Sampler, SamplerSink } from '../../sampling/sampler.ts';
import { ContainerCpu, destroy, onLines } from './container-cpu.ts';
import { COMPOSE_SERVICE_LABEL, RUN_ID_LABEL } from './labels.ts';

export { coresFromStats } from './container-cpu.ts';

/** The part of the Docker Engine API the sampler uses (dockerode satisfies it; tests fake it). */
export interface DockerApi {
  listContainers(opts: Dockerode.ContainerListOptions): Promise<Dockerode.ContainerInfo[]>;
  getEvents(opts: Dockerode.GetEventsOptions): Promise<NodeJS.ReadableStream>;
  getContainer(id: string): { stats(opts: { stream: true }): Promise<NodeJS.ReadableStream> };
}

export interface ComposeSamplerOptions {
  docker: DockerApi;
  runId: string;
  /** the app service (its containers are the replicas) */
  service: string;
  /** replicas the run asks for now (the compose file's, or the last scale) */
  desiredReplicas: () => number;
  /** node name the containers run on (Compose has one: the Docker host) */
  nodeName?: string;
}

/** Maps a Docker container event action to a platform event kind; null = not interesting. */
export function eventKind(action: string): PlatformEventKind | null {
  if (action === 'start') return 'replica-started';
  if (action === 'die') return 'replica-stopped';
  if (action === 'health_status: healthy') return 'replica-ready';
  if (action === 'health_status: unhealthy') return 'replica-unready';
  return null;
}

interface DockerEvent {
  Action?: string;
  status?: string;
  id?: string;
  timeNano?: number;
  time?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/**
 * Compose platform sampler, through the Docker Engine API: once a second it lists the
 * run's containers (by run-id label) and reports running/healthy replicas of the app
 * service and their CPU — in total (`cpuCores`) and per container (`cpuCoresByReplica`),
 * given only when every running replica has a fresh sample (container-cpu.ts); Docker's event
 * stream (filtered by the run-id label) gives start/die/health events. Never throws after
 * `start`: an unanswered list is a `gap` second, a broken event stream is a watch gap.
 */
export class ComposeSampler implements Sampler {
  private readonly opts: ComposeSamplerOptions;
  private clock: Clock | null = null;
  private sink: SamplerSink | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private tickRunning: Promise<void> | null = null;
  private lastT = -1;
  private listGap = false;
  private eventsGap = false;
  private events: NodeJS.ReadableStream | null = null;
  private eventsRetry: NodeJS.Timeout | null = null;
  private lastEventEpochS = 0;
  private readonly seenEvents = new Set<string>();
  private readonly cpu: ContainerCpu;

  constructor(opts: ComposeSamplerOptions) {
    this.opts = opts;
    this.cpu = new ContainerCpu(opts.docker);
  }

  /** Starts the event watch and the per-second polling. Resolves once the first list has been tried. */
  async start(clock: Clock, sink: SamplerSink): Promise<void> {
    if (this.clock !== null) return;
    this.clock = clock;
    this.sink = sink;
    this.lastEventEpochS = Math.floor(Date.now() / 1000);
    await this.openEvents();
    await this.poll();
    this.schedule();
  }

  /** Ends polling and every stream. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.eventsRetry !== null) clearTimeout(this.eventsRetry);
    this.timer = null;
    this.eventsRetry = null;
    destroy(this.events);
    this.events = null;
    await this.tickRunning?.catch(() => undefined);
    this.cpu.stop();
  }

  private schedule(): void {
    if (this.stopped || this.clock === null) return;
    // poll just after each second boundary of the run clock
    const now = this.clock.nowMs();
    const delay = 1000 - (((now % 1000) + 1000) % 1000) + 20;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.tickRunning !== null) {
        // the previous list has not answered within a second: this second is not observed
        this.emitGap(Math.floor((this.clock?.nowMs() ?? -1) / 1000));
      } else {
        this.tickRunning = this.poll().finally(() => {
          this.tickRunning = null;
        });
      }
      this.schedule();
    }, delay);
    this.timer.unref?.();
  }

  private emitSecond(s: PlatformSecond): void {
    if (s.t < 0 || s.t <= this.lastT || this.sink === null) return;
    for (let t = this.lastT + 1; t < s.t; t++) if (t >= 0) this.safe(() => this.sink?.second({ t, gap: true }));
    this.lastT = s.t;
    this.safe(() => this.sink?.second(s));
  }

  private emitGap(t: number): void {
    this.emitSecond({ t, gap: true });
  }

  private emitEvent(kind: PlatformEventKind, atMs: number, subject?: string, detail?: string): void {
    if (this.sink === null || this.clock === null || !this.clock.started) return;
    const e: PlatformEvent = { atMs: Math.round(atMs), kind };
    if (subject !== undefined) e.subject = subject;
    if (detail !== undefined) e.detail = detail;
    this.safe(() => this.sink?.event(e));
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch {
      // a sink that throws must not stop the sampler
    }
  }

  private async poll(): Promise<void> {
    const clock = this.clock;
    if (clock === null || this.stopped) return;
    const t = Math.floor(clock.nowMs() / 1000);
    let list: Dockerode.ContainerInfo[];
    try {
      list = await this.opts.docker.listContainers({
        all: true,
        filters: { label: [`${RUN_ID_LABEL}=${this.opts.runId}`, `${COMPOSE_SERVICE_LABEL}=${this.opts.service}`] },
      });
    } catch (err) {
      if (!this.listGap) this.emitEvent('watch-gap-start', clock.nowMs(), 'containers', String((err as Error).message ?? err));
      this.listGap = true;
      this.emitGap(t);
      return;
    }
    if (this.stopped) return;
    if (this.listGap) this.emitEvent('watch-gap-end', clock.nowMs(), 'containers');
    this.listGap = false;

    const running = list.filter((c) => c.State === 'running');
    const ready = running.filter((c) => /\(healthy\)/.test(c.Status));
    this.cpu.sync(running.map((c) => c.Id));
    const s: PlatformSecond = {
      t,
      desiredReplicas: this.opts.desiredReplicas(),
      runningReplicas: running.length,
      readyReplicas: ready.length,
      podsPerNode: { [this.opts.nodeName ?? 'host']: running.length },
    };
    const cores = this.cpu.cores(running.map((c) => c.Id));
    if (cores !== null) {
      s.cpuCores = round3([...cores.values()].reduce((a, b) => a + b, 0));
      s.cpuCoresByReplica = Object.fromEntries(running.map((c) => [containerName(c), round3(cores.get(c.Id) ?? 0)]));
    }
    this.emitSecond(s);
  }

  private async openEvents(): Promise<void> {
    if (this.stopped) return;
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.opts.docker.getEvents({
        since: this.lastEventEpochS,
        filters: { type: ['container'], label: [`${RUN_ID_LABEL}=${this.opts.runId}`] },
      });
    } catch (err) {
      this.eventsFailed(String((err as Error).message ?? err));
      return;
    }
    if (this.stopped) return destroy(stream);
    this.events = stream;
    if (this.eventsGap) this.emitEvent('watch-gap-end', this.clock?.nowMs() ?? 0, 'events');
    this.eventsGap = false;
    onLines(stream, (line) => this.onEvent(line));
    let ended = false;
    const end = (why: string): void => {
      if (ended) return;
      ended = true;
      if (this.events === stream) this.events = null;
      this.eventsFailed(why);
    };
    stream.on('end', () => end('event stream ended'));
    stream.on('error', (err: Error) => end(err.message));
  }

  private eventsFailed(why: string): void {
    if (this.stopped) return;
    if (!this.eventsGap) this.emitEvent('watch-gap-start', this.clock?.nowMs() ?? 0, 'events', why);
    this.eventsGap = true;
    this.eventsRetry = setTimeout(() => {
      this.eventsRetry = null;
      void this.openEvents();
    }, 1000);
    this.eventsRetry.unref?.();
  }

  private onEvent(line: string): void {
    let ev: DockerEvent;
    try {
      ev = JSON.parse(line) as DockerEvent;
    } catch {
      return;
    }
    const action = ev.Action ?? ev.status ?? '';
    const attrs = ev.Actor?.Attributes ?? {};
    const epochMs = ev.timeNano !== undefined ? ev.timeNano / 1e6 : (ev.time ?? Date.now() / 1000) * 1000;
    this.lastEventEpochS = Math.max(this.lastEventEpochS, Math.floor(epochMs / 1000));
    const key = `${ev.timeNano ?? ev.time}|${ev.Actor?.ID ?? ev.id}|${action}`;
    if (this.seenEvents.has(key)) return; // re-sent after a reconnect with `since`
    this.seenEvents.add(key);
    if (this.seenEvents.size > 2000) this.seenEvents.delete(this.seenEvents.values().next().value as string);
    if (attrs[COMPOSE_SERVICE_LABEL] !== this.opts.service) return;
    const kind = eventKind(action);
    if (kind === null || this.clock === null) return;
    const atMs = this.clock.nowMs() - (Date.now() - epochMs);
    const detail = action === 'die' && attrs['exitCode'] !== undefined ? `exit ${attrs['exitCode']}` : undefined;
    this.emitEvent(kind, atMs, attrs['name'] ?? ev.Actor?.ID?.slice(0, 12), detail);
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** `/capbench-x_api_1` → `capbench-x_api_1`; the short id when the list has no name */
function containerName(c: Dockerode.ContainerInfo): string {
  return c.Names?.[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12);
}
