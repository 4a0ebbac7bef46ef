import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../model/index.ts';
import type { ReportData } from './data.ts';
import { renderReport } from './index.ts';
import { runReporters, type Reporter } from './reporter.ts';
import { parseReporterNames, reporterNames } from './reporters.ts';

const spike = fileURLToPath(new URL('../../test/fixtures/runs/spike-60s', import.meta.url));
const noPng = async (): Promise<never> => {
  throw new Error('canvas: not installed (test)');
};
const tmp = (): string => mkdtempSync(join(tmpdir(), 'capbench-reporter-'));

test('runReporters: a throwing reporter is logged and recorded; the ones after it still write and see only what was written', async () => {
  const out = tmp();
  const seen: string[][] = [];
  const writer = (file: string): Reporter => ({
    writes: file,
    async write(ctx) {
      seen.push([...ctx.written]);
      writeFileSync(join(ctx.outDir, file), 'x');
      return [join(ctx.outDir, file)];
    },
  });
  const broken: Reporter = {
    writes: 'broken.txt',
    async write() {
      throw new Error('disk full\nsecond line');
    },
  };
  const lines: string[] = [];
  const outcomes = await runReporters([['a', writer('a.txt')], ['b', broken], ['c', writer('c.txt')]], { data: {} as ReportData, runs: [], outDir: out, log: (l) => lines.push(l) });
  assert.deepEqual(outcomes.map((o) => [o.reporter, o.paths.length, o.error?.message]), [
    ['a', 1, undefined],
    ['b', 0, 'report: broken.txt must be written (got disk full)'],
    ['c', 1, undefined],
  ]);
  assert.ok(outcomes[1]!.error instanceof HarnessError);
  assert.deepEqual(lines, ['report: broken.txt not written — disk full']);
  assert.deepEqual(seen, [[], ['a.txt']]);
  assert.ok(existsSync(join(out, 'c.txt')));
});

test('renderReport: a writer that fails for real (summary.md is a directory) costs only its own file', async () => {
  const out = tmp();
  mkdirSync(join(out, 'summary.md'));
  const lines: string[] = [];
  const res = await renderReport({ runDirs: [spike], outDir: out, pngLoader: noPng, log: (l) => lines.push(l) });
  assert.deepEqual(res.failures.map((f) => f.reporter), ['png', 'markdown']);
  assert.match(res.failures[1]!.error!.message, /^report: summary\.md must be written \(got EISDIR/);
  assert.ok(lines.some((l) => /^report: summary\.md not written — EISDIR/.test(l)), lines.join('\n'));
  assert.deepEqual(res.outputs.filter((o) => !o.error).map((o) => o.reporter), ['csv', 'html']);
  for (const p of [res.htmlPath, ...res.csvPaths]) assert.ok(existsSync(p), p);
  assert.match(readFileSync(res.htmlPath, 'utf8'), /Files beside this page: timeline\.csv, summary\.csv, figures\.csv\.<\/p>/);
  assert.equal(res.verdict.verdict, 'NO-GO', 'the verdict does not depend on which files were written');
});

test('reporters by name: a subset runs in registry order; an unknown name lists the valid ones', async () => {
  assert.deepEqual(reporterNames, ['csv', 'png', 'markdown', 'html']);
  assert.deepEqual(parseReporterNames(['html', 'csv']), ['csv', 'html']);
  assert.throws(() => parseReporterNames(['html', 'pdf'], '--reporter'), (e: unknown) => e instanceof HarnessError && e.exitCode === 2 && e.message === '--reporter: unknown reporter "pdf"; valid: csv, png, markdown, html');
  const out = tmp();
  const res = await renderReport({ runDirs: [spike], outDir: out, reporters: ['csv'] });
  assert.deepEqual(res.outputs.map((o) => o.reporter), ['csv']);
  assert.deepEqual(res.written, res.csvPaths);
  assert.ok(!existsSync(res.htmlPath));
});
