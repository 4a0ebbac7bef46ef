/**
 * The README's two commands, in order, on a fresh clone of this checkout's HEAD — as a new
 * user runs them:
 *   1. `bash scripts/setup.sh --bench && npm run bench:spike` (time-scaled here: the quick
 *      profile as written is ~3 min of load per target). As root on Debian it sets up Docker,
 *      the images and the local Kubernetes, so the run ends in a verdict comparing Compose
 *      with local-k8s.
 *   2. `bash scripts/setup.sh && npm test` — the setup as written; of `npm test`, the parts a
 *      first setup could leave broken (the type check, which needs canvas's types, and the PNG
 *      test), not the whole suite again (this file is part of it).
 * Between the two, node_modules/canvas is removed, as it is when `--bench` ran `npm ci` before
 * the Cairo packages existed (canvas is optional and dropped silently when it cannot build):
 * the second setup must notice and reinstall it.
 *
 * Needs root, Docker and the npm registry; fails loudly without them unless
 * CAPBENCH_SKIP_DOCKER=1. With CAPBENCH_SKIP_K8S=1 the bench runs without local-k8s and the
 * verdict must say so in one line instead.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../cli-harness.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const skip = process.env.CAPBENCH_SKIP_DOCKER === '1' ? 'CAPBENCH_SKIP_DOCKER=1' : false;
const withK8s = process.env.CAPBENCH_SKIP_K8S !== '1';

function sh(cwd: string, cmd: string, args: string[], timeoutMs: number): { code: number | null; out: string; s: number } {
  const t0 = Date.now();
  // a test runner started inside a test runner must not think it reports to a parent
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env, maxBuffer: 64 * 2 ** 20 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  return { code: r.status, out, s: Math.round((Date.now() - t0) / 1000) };
}

const k8sUp = (cwd: string): boolean => sh(cwd, process.execPath, ['bin/capbench.js', 'targets'], 120_000).out.includes('usable    local-k8s');

describe('the README commands, in order, on a fresh clone', { skip, timeout: 40 * 60_000 }, () => {
  const clone = join(tempDir('capbench-fresh-'), 'capbench');
  const wasUp = k8sUp(REPO);
  after(() => {
    // leave the machine as the suite found it: the bench command starts local-k8s
    if (withK8s && !wasUp && existsSync(clone)) sh(clone, process.execPath, ['bin/capbench.js', 'cluster', 'down', 'local-k8s'], 5 * 60_000);
    rmSync(dirname(clone), { recursive: true, force: true });
  });

  it('command 1 ends in a verdict; command 2 repairs what command 1 could not install', () => {
    const c = sh(REPO, 'git', ['clone', '-q', REPO, clone], 120_000);
    assert.equal(c.code, 0, c.out);

    const setup1 = sh(clone, 'bash', ['scripts/setup.sh', '--bench'], 20 * 60_000);
    assert.equal(setup1.code, 0, setup1.out.slice(-4000));
    assert.match(setup1.out, /ready for npm run bench:spike/);
    const out = join(clone, 'reports');
    const bench = sh(clone, 'npm', ['run', 'bench:spike', '--', '--time-scale', '0.05', '--driver', 'builtin', '--out', out], 20 * 60_000);
    console.log(`# command 1: setup --bench ${setup1.s} s, bench:spike (time × 0.05) ${bench.s} s`);
    assert.equal(bench.code, 0, bench.out.slice(-4000));
    assert.match(bench.out, /\[local\] +\d+\/\d+ s/, 'progress lines while the load runs');
    const md = /^summary: (\/\S*summary\.md)$/m.exec(bench.out)?.[1];
    assert.ok(md && existsSync(md), `ends with the Markdown summary path:\n${bench.out.slice(-800)}`);
    const summary = readFileSync(md, 'utf8');
    if (withK8s) {
      assert.match(summary, /^## capbench: \S+ (GO|NO-GO)\b/m, `a GO or NO-GO:\n${summary.slice(0, 600)}`);
      for (const t of ['compose', 'local-k8s']) assert.match(summary, new RegExp(`\\| ${t} \\|`), `${t} in the summary`);
    } else {
      assert.match(summary, /no Kubernetes/i, 'says in one line that no Kubernetes target could be had');
    }

    rmSync(join(clone, 'node_modules', 'canvas'), { recursive: true, force: true });
    const setup2 = sh(clone, 'bash', ['scripts/setup.sh'], 30 * 60_000);
    assert.equal(setup2.code, 0, setup2.out.slice(-4000));
    assert.match(setup2.out, /npm ci \(the Cairo packages are installed now, canvas is not built\)/);
    assert.match(setup2.out, /canvas: built \(PNG charts on\)/);
    const typecheck = sh(clone, 'npm', ['run', 'typecheck'], 10 * 60_000);
    assert.equal(typecheck.code, 0, typecheck.out.slice(-4000));
    const png = sh(clone, process.execPath, ['scripts/test/run.mjs', 'src/report/report.test.ts'], 10 * 60_000);
    assert.equal(png.code, 0, png.out.slice(-4000));
    assert.doesNotMatch(png.out, /# SKIP|﹣/, 'no report test skipped (the PNG test must run)');
    console.log(`# command 2: setup ${setup2.s} s, typecheck ${typecheck.s} s, report tests ${png.s} s`);
  });
});
