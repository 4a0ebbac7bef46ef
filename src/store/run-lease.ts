/**
 * Which runs are alive. A run holds a lease file (its harness PID and that process's start
 * time) from start to end; a run whose harness is gone — finished, crashed or SIGKILLed —
 * has no live lease, so what it left behind is a leftover. Cleanup never touches the
 * objects of a run whose harness is still running.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Machine-wide, not under $TMPDIR: what a lease protects (containers, namespaces, nodes) is
 * shared by every process on the machine, so a harness with another $TMPDIR — each `npm test`
 * run has its own — must still see the leases of every run going here.
 */
export const LEASE_DIR = '/tmp/capbench-runs';

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

function leaseFile(runId: string, dir = LEASE_DIR): string {
  return join(dir, `${runId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

/** Mark `runId` as alive (this process). */
export function takeLease(runId: string, dir = LEASE_DIR): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(leaseFile(runId, dir), JSON.stringify({ runId, pid: process.pid, start: procStartTime(process.pid) }));
}

export function releaseLease(runId: string, dir = LEASE_DIR): void {
  rmSync(leaseFile(runId, dir), { force: true });
}

/** The harness PID of a lease file while that very process lives; null when it is gone or the file is unreadable. */
function liveHolder(file: string): number | null {
  try {
    const l = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; start: string | null };
    return sameProcessAlive(l.pid, l.start) ? l.pid : null;
  } catch {
    return null; // unreadable lease: treat the run as gone
  }
}

/** true while the harness that runs `runId` is alive. A stale lease found on the way is removed. */
export function runIsAlive(runId: string, dir = LEASE_DIR): boolean {
  const f = leaseFile(runId, dir);
  if (!existsSync(f)) return false;
  if (liveHolder(f) !== null) return true;
  rmSync(f, { force: true });
  return false;
}

/**
 * Removes the leases of runs whose harness is gone (SIGKILLed, or the machine rebooted: a
 * finished run releases its own) and says which; a live run's lease is never touched.
 * Called by `npx capbench cleanup`; idempotent.
 */
export function cleanupStaleLeases(dir = LEASE_DIR): string[] {
  if (!existsSync(dir)) return [];
  const done: string[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, f);
    if (liveHolder(file) !== null) continue;
    rmSync(file, { force: true });
    done.push(`run lease ${f.slice(0, -'.json'.length)}: its harness is gone, lease ${file} removed`);
  }
  return done;
}
