/**
 * One k6 child process: spawned with an argument array, stdout/stderr kept in full in log
 * files and as a ring of the last lines (for error messages), stopped on abort with SIGINT
 * (k6 then ends gracefully and writes its summary) and SIGKILL after a grace period.
 *
 * k6 runs in its own process group: a Ctrl-C in the terminal reaches capbench only, and
 * capbench sends k6 exactly one SIGINT. k6 treats a second SIGINT as a hard stop — it exits
 * 105 at once, without flushing its outputs or writing the summary export
 * (internal/cmd/common.go handleTestAbortSignals, v1.3.0 and v2.2.0) — and the terminal's
 * SIGINT plus capbench's would be two.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { HarnessError } from '../../model/index.ts';

export interface K6ProcessOptions {
  bin: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** aborting sends SIGINT, then SIGKILL after `killGraceMs` */
  signal: AbortSignal;
  killGraceMs: number;
  /** called once, when the process has started, with its pid */
  onSpawn?: (pid: number) => void;
  /** full stdout / stderr go here when given */
  stdoutLog?: string;
  stderrLog?: string;
  /** lines kept of each stream for messages (default 20) */
  tailLines?: number;
}

export interface K6ProcessResult {
  exitCode: number | null;
  /** the signal that ended the process, if any */
  exitSignal: NodeJS.Signals | null;
  /** the abort signal fired while it ran (we asked it to stop) */
  aborted: boolean;
  stdoutTail: string[];
  stderrTail: string[];
}

class Ring {
  private readonly lines: string[] = [];
  constructor(private readonly size: number) {}
  push(l: string): void {
    this.lines.push(l);
    if (this.lines.length > this.size) this.lines.shift();
  }
  get(): string[] {
    return [...this.lines];
  }
}

function collect(stream: Readable, ring: Ring, logPath: string | undefined): { closed: Promise<void> } {
  let log: WriteStream | undefined;
  if (logPath !== undefined) {
    log = createWriteStream(logPath);
    log.on('error', () => { /* a log file we cannot write must not stop the run; the ring still has the tail */ });
  }
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  rl.on('line', (l) => {
    ring.push(l);
    log?.write(`${l}\n`);
  });
  return {
    closed: new Promise((resolve) => {
      rl.on('close', () => {
        if (log) log.end(() => resolve());
        else resolve();
      });
    }),
  };
}

/**
 * Start k6 and resolve when it has exited and its output is drained. Rejects only when
 * the process cannot be started (HarnessError naming the binary); a non-zero exit is a
 * result, for the caller to judge.
 */
export function runK6Process(opts: K6ProcessOptions): { done: Promise<K6ProcessResult>; exited: () => boolean } {
  let hasExited = false;
  const done = new Promise<K6ProcessResult>((resolve, reject) => {
    const child = spawn(opts.bin, opts.args, {
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
    const size = opts.tailLines ?? 20;
    const out = new Ring(size);
    const err = new Ring(size);
    const outDone = collect(child.stdout, out, opts.stdoutLog);
    const errDone = collect(child.stderr, err, opts.stderrLog);
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), opts.killGraceMs);
    };
    let spawned = false;
    child.once('spawn', () => {
      spawned = true;
      opts.onSpawn?.(child.pid ?? -1);
      if (opts.signal.aborted) onAbort();
      else opts.signal.addEventListener('abort', onAbort, { once: true });
    });
    child.on('error', (e) => {
      // before 'spawn' = it never started (ENOENT, EACCES, ENOEXEC); later ones (a failed kill) change nothing
      if (!spawned) {
        hasExited = true;
        opts.signal.removeEventListener('abort', onAbort);
        reject(new HarnessError(`k6 driver: ${opts.bin} must be startable (got ${(e as NodeJS.ErrnoException).code ?? e.message})`, {
          code: 'missingEnvironment',
          hint: 'check K6_BIN / PATH: `k6 version` must work',
          cause: e,
        }));
      }
    });
    child.once('close', (code, sig) => {
      hasExited = true;
      if (killTimer) clearTimeout(killTimer);
      opts.signal.removeEventListener('abort', onAbort);
      void Promise.all([outDone.closed, errDone.closed]).then(() => {
        resolve({ exitCode: code, exitSignal: sig, aborted, stdoutTail: out.get(), stderrTail: err.get() });
      });
    });
  });
  return { done, exited: () => hasExited };
}
