/**
 * Which runs are alive. A run holds a lease file (its harness PID and that process's start
 * time) from start to end; a run whose harness is gone — finished, crashed or SIGKILLed —
 * has no live lease, so what it left behind is a leftover. Cleanup never touches the
 * objects of a run whose harness is still running.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LEASE_DIR = join(tmpdir(), 'capbench-runs');

/** Start time of a process (clock ticks since boot), to tell a PID reused by another process. */
export function procStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** true when `pid` is still the very process that started at `start`. */
export function sameProcessAlive(pid: number, start: string | null): boolean {
  const now = procStartTime(pid);
  return now !== null && now === start;
}

function leaseFile(runId: string): string {
  return join(LEASE_DIR, `${runId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

/** Mark `runId` as alive (this process). */
export function takeLease(runId: string): void {
  mkdirSync(LEASE_DIR, { recursive: true });
  writeFileSync(leaseFile(runId), JSON.stringify({ runId, pid: process.pid, start: procStartTime(process.pid) }));
}

export function releaseLease(runId: string): void {
  rmSync(leaseFile(runId), { force: true });
}

/** true while the harness that runs `runId` is alive. */
export function runIsAlive(runId: string): boolean {
  const f = leaseFile(runId);
  if (!existsSync(f)) return false;
  try {
    const l = JSON.parse(readFileSync(f, 'utf8')) as { pid: number; start: string | null };
    if (sameProcessAlive(l.pid, l.start)) return true;
  } catch {
    // unreadable lease: treat the run as gone
  }
  rmSync(f, { force: true });
  return false;
}
