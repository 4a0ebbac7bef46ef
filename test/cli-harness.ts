/** In-process CLI runs with captured output (Playwright/k6 style CLI tests). */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import type { Io } from '../src/cli/program.ts';
import type { Interrupt } from '../src/run/interrupt.ts';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** `io`: test seams of `run` (fake targets, driver, time source) — see Io in src/cli/program.ts. */
export async function cli(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; interrupt?: Interrupt; io?: Partial<Pick<Io, 'createTarget' | 'driver' | 'time'>> } = {}): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    env: o.env ?? process.env,
    cwd: o.cwd ?? process.cwd(),
    installSignalHandlers: false,
    exitCode: undefined,
    ...(o.interrupt ? { interrupt: o.interrupt } : {}),
    ...o.io,
  };
  const code = await main(args, io);
  return { code, out, err };
}

export function tempDir(prefix = 'capbench-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * `npx capbench cluster up|down PRESET` for an end-to-end suite's before/after hooks, asserting
 * it succeeded (the output's tail in the message). CAPBENCH_KEEP_CLUSTER=1 keeps the cluster for
 * debugging: `down` then does nothing and returns false.
 */
export async function clusterCli(verb: 'up' | 'down', preset: string): Promise<boolean> {
  if (verb === 'down' && process.env.CAPBENCH_KEEP_CLUSTER === '1') return false;
  const r = await cli(['cluster', verb, preset]);
  assert.equal(r.code, 0, r.err + r.out.slice(-3000));
  return true;
}
