import { execFile } from 'node:child_process';
import type { Env } from './target.ts';

/** What one external command did. `code` is 127 when the program was not found. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** extra environment on top of the runner's own (never replaces it) */
  env?: Record<string, string>;
  cwd?: string;
  /** kill the command after this long; result code is then 124 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs one external program with an argument array (never a shell string). Never rejects
 * for a non-zero exit: callers look at `code`. Injected in tests to record the calls.
 */
export interface CommandRunner {
  run(file: string, args: readonly string[], opts?: CommandOptions): Promise<CommandResult>;
}

/**
 * The real runner: `execFile`, no shell. Commands get `env` (the CLI passes its injected
 * `io.env`) plus each call's own `env` on top; nothing is read from `process.env` here.
 */
export function commandRunner(env: Env): CommandRunner {
  return {
    run(file, args, opts = {}) {
      return new Promise((resolve) => {
        execFile(
          file,
          [...args],
          {
            env: { ...env, ...opts.env },
            ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
            ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs }),
            ...(opts.signal === undefined ? {} : { signal: opts.signal }),
            maxBuffer: 64 * 1024 * 1024,
            encoding: 'utf8',
          },
          (err, stdout, stderr) => {
            if (err === null) return resolve({ code: 0, stdout, stderr });
            const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
            if (e.code === 'ENOENT') return resolve({ code: 127, stdout, stderr: `${file}: not found` });
            if (e.name === 'AbortError') return resolve({ code: 130, stdout, stderr: `${stderr}${file}: aborted` });
            if (e.killed === true) return resolve({ code: 124, stdout, stderr: `${stderr}${file}: timed out after ${opts.timeoutMs} ms` });
            resolve({ code: typeof e.code === 'number' ? e.code : 1, stdout, stderr: stderr === '' ? e.message : stderr });
          },
        );
      });
    },
  };
}

/** Last lines of a command's output, for error messages. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
