import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunIsAlive } from '../run-liveness.ts';

/** where local runs record their PIDs, so `capbench cleanup` can end them after a SIGKILLed harness */
export const LOCAL_STATE_DIR = join(tmpdir(), 'capbench-local');

/** What a local run records: its processes and the harness process that started them. */
export interface LocalState {
  runId: string;
  pids: number[];
  harnessPid: number;
}

export function writeLocalState(s: LocalState, dir = LOCAL_STATE_DIR): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${s.runId}.json`), JSON.stringify(s));
}

/** true when `pid` is a process this harness started for `runId` (its environment says so). */
function isOurs(pid: number, runId: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`CAPBENCH_RUN_ID=${runId}`);
  } catch {
    return false;
  }
}

/** Parent PID of a live process, from /proc/<pid>/stat; null when it is gone or a zombie. */
export function parentPid(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state === 'Z' ? null : Number(ppid);
  } catch {
    return null;
  }
}

/**
 * Processes of earlier local runs whose harness is gone but which still live (and are ours).
 * The app and proxy processes are children of the harness that started them, so the kernel
 * itself says whether that harness lives: an orphan's parent is no longer the recorded
 * harness PID (it was re-parented), even when that PID has since been reused. No run lease
 * is needed, and a run of a test that holds none is never mistaken for a leftover.
 */
export function listLocalLeftovers(dir = LOCAL_STATE_DIR): Array<{ runId: string; pids: number[] }> {
  if (!existsSync(dir)) return [];
  const out: Array<{ runId: string; pids: number[] }> = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    let st: LocalState;
    try {
      st = JSON.parse(readFileSync(join(dir, f), 'utf8')) as LocalState;
    } catch {
      continue; // unreadable state file: not ours to judge
    }
    const ours = st.pids.filter((p) => parentPid(p) !== null && isOurs(p, st.runId));
    if (ours.some((p) => parentPid(p) === st.harnessPid)) continue; // that run is still going
    if (ours.length > 0) out.push({ runId: st.runId, pids: ours });
    else rmSync(join(dir, f), { force: true });
  }
  return out;
}

/**
 * Kills the processes of every local leftover and removes their state files, then removes
 * the app logs (`<run id>.log`) of runs that have ended: no state file (a run removes it at
 * teardown, after its processes stopped; cleanup removes a killed run's) and no live harness
 * (`runIsAlive`: a run opens its log a moment before it writes its state file). Returns what
 * was done, one line per item. Called by `npx capbench cleanup`; idempotent.
 */
export function cleanupLocal(runIsAlive: RunIsAlive, dir = LOCAL_STATE_DIR): string[] {
  const done: string[] = [];
  for (const l of listLocalLeftovers(dir)) {
    for (const pid of l.pids) process.kill(pid, 'SIGKILL');
    rmSync(join(dir, `${l.runId}.json`), { force: true });
    done.push(`local run ${l.runId}: killed ${l.pids.join(', ')}`);
  }
  if (!existsSync(dir)) return done;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
    const runId = f.slice(0, -'.log'.length);
    if (existsSync(join(dir, `${runId}.json`))) continue;
    if (runIsAlive(runId)) continue;
    rmSync(join(dir, f), { force: true });
    done.push(`local run ${runId}: app log ${join(dir, f)} removed`);
  }
  return done;
}
