/**
 * Temporary directories capbench makes for a process that may die without removing them
 * (today: one per `npm test` run, which every test's $TMPDIR points into). Each carries an
 * ownership marker — the maker's PID and that process's start time — so `npx capbench cleanup`
 * removes exactly these, and only once their maker is gone: never another tool's directory
 * that happens to share the `capbench-` prefix, never the directory of a run still going.
 */
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../model/index.ts';
import { procStartTime, sameProcessAlive } from './run-lease.ts';

/** the marker file inside an owned directory */
export const OWNER_FILE = '.capbench-owner.json';
/** every owned directory's name starts with this */
export const OWNED_PREFIX = 'capbench-';

interface Owner {
  pid: number;
  start: string | null;
  madeBy: string;
}

/**
 * Makes `<parent>/<prefix>XXXXXX` owned by this process; `madeBy` says what for (shown by
 * cleanup). `prefix` must start with `capbench-`. Returns the directory's path.
 */
export function makeOwnedTempDir(parent: string, prefix: string, madeBy: string): string {
  if (!prefix.startsWith(OWNED_PREFIX)) throw new HarnessError(`makeOwnedTempDir: prefix must start with ${OWNED_PREFIX} (got ${JSON.stringify(prefix)})`, { code: 'internal' });
  const dir = mkdtempSync(join(parent, prefix));
  const owner: Owner = { pid: process.pid, start: procStartTime(process.pid), madeBy };
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner));
  return dir;
}

/** The owner recorded in `dir`, or null when `dir` carries no well-formed marker (not ours). */
function ownerOf(dir: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    if (typeof o.pid !== 'number' || !Number.isInteger(o.pid) || typeof o.madeBy !== 'string') return null;
    return { pid: o.pid, start: typeof o.start === 'string' ? o.start : null, madeBy: o.madeBy };
  } catch {
    return null;
  }
}

/**
 * Removes every owned directory directly under `parent` whose maker is gone, and says which.
 * A directory without the marker, a symlink, or one whose maker still runs is left alone.
 * Called by `npx capbench cleanup`; idempotent.
 */
export function cleanupOwnedTempDirs(parent: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent).filter((n) => n.startsWith(OWNED_PREFIX)).sort();
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const name of names) {
    const dir = join(parent, name);
    try {
      if (!lstatSync(dir).isDirectory()) continue;
    } catch {
      continue;
    }
    const owner = ownerOf(dir);
    if (owner === null || sameProcessAlive(owner.pid, owner.start)) continue;
    rmSync(dir, { recursive: true, force: true });
    done.push(`temp dir ${dir} (${owner.madeBy}, pid ${owner.pid} gone): removed`);
  }
  return done;
}
