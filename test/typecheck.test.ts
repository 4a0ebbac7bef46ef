/**
 * The type checks CI must pass: the harness (strict, `tsc --noEmit`) and the k6 scenarios
 * against k6's own types only (`tsc -p scenarios --noEmit`) — k6 strips types without
 * checking them, so this is the only place a wrong scenario type is caught.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const TSC = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

function tsc(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [TSC, ...args], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('type checks', () => {
  it('the harness: tsc --noEmit', () => {
    const r = tsc(['--noEmit']);
    assert.equal(r.code, 0, r.out);
  });
  it('the k6 scenarios, with k6 types only: tsc -p scenarios --noEmit', () => {
    const r = tsc(['-p', 'scenarios', '--noEmit']);
    assert.equal(r.code, 0, r.out);
  });
  it('the scenario files import nothing from Node', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dirs = ['scenarios', 'scenarios/lib', 'scenarios/k6'];
    for (const d of dirs) {
      for (const f of readdirSync(join(REPO, d)).filter((x) => x.endsWith('.ts'))) {
        const src = readFileSync(join(REPO, d, f), 'utf8');
        assert.doesNotMatch(src, /from ['"](node:|fs|path|os|child_process)/, `${d}/${f} must not import Node modules`);
      }
    }
  });
});
