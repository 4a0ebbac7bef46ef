/**
 * Import boundaries (Playwright's DEPS lists): each folder of src/ names the folders it may
 * import. The arrows point down — cli → run → {faults, load, targets, report, plan} →
 * {sampling, store, measure, scenario} → model — and production code never imports the
 * test kits in src/testing or a test file. scenarios/lib (plain data shared with k6) may be
 * imported from anywhere.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(SRC, '..');

/** folder → folders it may import (besides itself and scenarios/lib) */
export const DEPS: Record<string, readonly string[]> = {
  model: [],
  scenario: ['model'],
  measure: ['model'],
  store: ['model'],
  sampling: ['model'],
  targets: ['model', 'sampling'],
  load: ['model', 'scenario', 'measure'],
  faults: ['model'],
  report: ['model', 'scenario', 'measure', 'store'],
  plan: ['model', 'scenario', 'measure', 'store'],
  run: ['model', 'scenario', 'measure', 'store', 'sampling', 'targets', 'load', 'faults'],
  cli: ['model', 'scenario', 'measure', 'store', 'sampling', 'targets', 'load', 'faults', 'report', 'plan', 'run'],
  testing: ['*'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : n.endsWith('.ts') ? [p] : [];
  });
}

const isTest = (f: string): boolean => /\.(test|suite)\.ts$/.test(f);

/** Relative imports of a file: static `from '…'`, side-effect `import '…'` and dynamic `import('…')`. */
export function relativeImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)) out.push(m[1]!);
  return out;
}

/** The top folder of a path under src/ (`run` for src/run/run.ts), or a path outside src. */
function area(abs: string): string {
  const r = relative(SRC, abs);
  if (r.startsWith('..')) return relative(ROOT, abs).split('/').slice(0, 2).join('/');
  return r.includes('/') ? r.split('/')[0]! : '.';
}

/** Every import of production code that its folder's DEPS list does not allow. */
export function violations(files: string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (isTest(f)) continue;
    const from = area(f);
    const allowed = DEPS[from];
    for (const spec of relativeImports(read(f))) {
      const target = resolve(dirname(f), spec);
      const to = area(target);
      const where = `${relative(ROOT, f)} imports ${spec}`;
      if (allowed === undefined) {
        out.push(`${where}: folder src/${from} must be listed in DEPS (src/arch.test.ts)`);
        continue;
      }
      if (from !== 'testing' && (to === 'testing' || isTest(target))) {
        out.push(`${where}: production code must not import test kits or tests`);
        continue;
      }
      if (to === from || to === 'scenarios/lib' || allowed.includes('*') || allowed.includes(to)) continue;
      out.push(`${where}: src/${from} may import only ${[...allowed, 'scenarios/lib'].join(', ')} (got ${to})`);
    }
  }
  return out;
}

describe('import boundaries', () => {
  it('every folder of src/ has a DEPS entry', () => {
    const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
    assert.deepEqual(folders.filter((f) => DEPS[f] === undefined), []);
  });

  it('no import points up or sideways, and production code imports no test kit', () => {
    assert.deepEqual(violations(sourceFiles(SRC)), []);
  });

  it('the check sees static, dynamic and side-effect imports', () => {
    assert.deepEqual(relativeImports("import type { A } from '../a.ts';\nconst m = await import('./b.ts');\nimport './c.ts';\nimport x from 'yaml';"), ['../a.ts', './b.ts', './c.ts']);
  });

  it('flags an upward arrow and a test kit imported by production code', () => {
    // a synthetic file in src/measure, judged without writing it
    const probe = (code: string): string => violations([join(SRC, 'measure', 'probe.ts')], () => code).join('\n');
    assert.match(probe("import { runScenario } from '../run/run.ts';"), /src\/measure may import only model, scenarios\/lib \(got run\)/);
    assert.match(probe("import { FakeRunner } from '../testing/fake-runner.ts';"), /must not import test kits/);
    assert.equal(probe("import { ExitCode } from '../model/index.ts';\nimport { stringify } from 'csv-stringify/sync';"), '');
  });
});
