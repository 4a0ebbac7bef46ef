/**
 * Real k6 for the tests (not a test file itself): every tested version (TESTED_K6_VERSIONS)
 * found in capbench's k6 cache — scripts/setup/k6.sh puts both there on the project's
 * machines, so CI runs every real-k6 test on v1.3.0 and v2.2.0 — else the one k6 the driver
 * would find (K6_BIN, PATH). Finding none fails the tests loudly, unless CAPBENCH_SKIP_K6=1
 * (README: opt-outs).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findK6, k6CacheDir, readK6Version, TESTED_K6_VERSIONS, versionTag, type K6Version } from '../src/load/k6/find-k6.ts';

export const skipK6: string | false = process.env['CAPBENCH_SKIP_K6'] === '1' ? 'CAPBENCH_SKIP_K6=1' : false;

export interface RealK6 {
  /** `v1.3.0` */
  tag: string;
  path: string;
  version: K6Version;
}

/** The real k6 binaries to test with (see above). Throws an Error saying what to run when there is none. */
export async function realK6s(env: NodeJS.ProcessEnv = process.env): Promise<RealK6[]> {
  const cache = k6CacheDir(env);
  const found: RealK6[] = [];
  for (const tag of TESTED_K6_VERSIONS) {
    const path = join(cache, tag, 'k6');
    if (!existsSync(path)) continue;
    const version = await readK6Version(path, env);
    if (versionTag(version) !== tag) throw new Error(`k6 tests: ${path} must be k6 ${tag} (got ${version.line}); hint: bash scripts/setup/k6.sh`);
    found.push({ tag, path, version });
  }
  if (found.length > 0) return found;
  try {
    const k = await findK6({ env });
    return [{ tag: versionTag(k.version), path: k.path, version: k.version }];
  } catch (e) {
    throw new Error(`k6 tests: real k6 must be installed (got none of ${TESTED_K6_VERSIONS.join(', ')} in ${cache}, and ${(e as Error).message})\n`
      + 'hint: bash scripts/setup/k6.sh — or CAPBENCH_SKIP_K6=1 to skip the k6 tests');
  }
}

/**
 * For a test file's top level: the binaries, or the error to fail with (one failing test
 * says it), or nothing under CAPBENCH_SKIP_K6=1.
 */
export async function realK6sOrError(): Promise<{ k6s: RealK6[]; missing: Error | null }> {
  if (skipK6) return { k6s: [], missing: null };
  try {
    return { k6s: await realK6s(), missing: null };
  } catch (e) {
    return { k6s: [], missing: e as Error };
  }
}
