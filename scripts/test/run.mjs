#!/usr/bin/env node
// capbench's test command (`npm test`, `npm run test:unit`): node's built-in runner over every
// *.test.ts under src/ and test/, spec output, plus scripts/test/timing-reporter.mjs, which
// prints a line while a long suite is silent and, at the end, the slowest files — so the CI
// budget stays visible. Files run one at a time: the end-to-end suites share one Docker
// daemon and one cluster, and CI has 2 cores.
//   node scripts/test/run.mjs            every test
//   node scripts/test/run.mjs --unit     only src/ (unit tests beside the code), no browser test
//   node scripts/test/run.mjs FILE…      just these files
// Every test's $TMPDIR is one directory of this run, $TMPDIR/capbench-tests-XXXXXX, marked as
// this process's (src/store/owned-temp-dirs.ts): what the tests leave there (run dirs,
// screenshots, app logs) stays to be looked at, and `npx capbench cleanup` removes it once
// this run has ended — never another tool's files, never a run still going.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const unit = args.includes('--unit');
const given = args.filter((a) => a !== '--unit');

function find(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (n === 'fixtures' || n === 'node_modules') return [];
    return statSync(p).isDirectory() ? find(p) : n.endsWith('.test.ts') ? [relative(root, p)] : [];
  });
}

let files = given.length > 0 ? given : [...find(join(root, 'src')), ...find(join(root, 'test'))].sort();
if (unit) files = files.filter((f) => f.startsWith('src/') && !f.endsWith('browser.test.ts'));

const { makeOwnedTempDir } = await tsImport('../../src/store/owned-temp-dirs.ts', import.meta.url);
const testTmp = makeOwnedTempDir(tmpdir(), 'capbench-tests-', 'npm test');

const reporter = fileURLToPath(new URL('./timing-reporter.mjs', import.meta.url));
const child = spawn(process.execPath, [
  '--import', 'tsx', '--test', '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  `--test-reporter=${reporter}`, '--test-reporter-destination=stderr',
  ...files,
], { cwd: root, stdio: 'inherit', env: { ...process.env, TMPDIR: testTmp } });
const forward = (sig) => () => child.kill(sig);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
child.on('exit', (code, sig) => {
  process.stderr.write(`# the tests' temporary files: ${testTmp} (npx capbench cleanup removes them)\n`);
  process.exit(code ?? (sig === 'SIGINT' ? 130 : 1));
});
