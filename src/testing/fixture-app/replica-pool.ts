/**
 * Test kit: the fixture app's logical replicas. Load goes round-robin over the ready ones;
 * each serves at most `concurrency` requests at once and queues the rest FIFO, with service
 * times from the mix's cycle by its own request counter (so every replica sees the whole
 * mix, whatever N is). A replica's slots are kept as a min-heap of *scheduled* ends: the
 * next service starts at the earliest scheduled end, not when a timer happened to fire, so
 * throughput is exactly concurrency × 1000 / mean service ms per replica.
 */

/** Binary min-heap of numbers: a replica's busy slots by scheduled end (ms). */
class MinHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): number | undefined {
    return this.a[0];
  }
  push(x: number): void {
    const a = this.a;
    let i = a.push(x) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): number | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

export interface Replica {
  /** `fixture-1`, `fixture-2`, … (the x-served-by header) */
  readonly name: string;
  /** requests served since the last reset: the position in the mix's cycle */
  served: number;
  readonly busy: MinHeap;
  /** monotonic ms from which it gets traffic */
  readonly readyAt: number;
}

/** One admitted request's schedule, monotonic ms. */
export interface Slot {
  serviceMs: number;
  begin: number;
  end: number;
}

export class ReplicaPool {
  private replicas: Replica[] = [];
  private next = 0;

  get size(): number {
    return this.replicas.length;
  }

  /** Add replicas (getting traffic from `readyAt`) or remove the newest (what they queued still finishes). */
  resize(n: number, readyAt: number): void {
    while (this.replicas.length < n) this.replicas.push({ name: `fixture-${this.replicas.length + 1}`, served: 0, busy: new MinHeap(), readyAt });
    this.replicas.length = n;
  }

  ready(t: number): Replica[] {
    return this.replicas.filter((r) => r.readyAt <= t);
  }

  /** The next ready replica in round-robin order, or null when none is ready. */
  pick(t: number): Replica | null {
    const ready = this.ready(t);
    return ready.length === 0 ? null : ready[this.next++ % ready.length]!;
  }

  /** Queue a request arriving at `t` on `r`: its service time is the cycle's next × factor; it starts when a slot frees. */
  admit(r: Replica, t: number, cycle: readonly number[], factor: number, concurrency: number): Slot {
    const serviceMs = cycle[r.served++ % cycle.length]! * factor;
    while ((r.busy.peek() ?? Infinity) <= t) r.busy.pop();
    const begin = r.busy.size >= concurrency ? r.busy.pop()! : t;
    const end = begin + serviceMs;
    r.busy.push(end);
    return { serviceMs, begin, end };
  }

  /** Restart round-robin and every replica's cycle (their queues keep what is in them). */
  resetCounters(): void {
    this.next = 0;
    for (const r of this.replicas) r.served = 0;
  }
}
