/**
 * Report rendering benchmark (wired into `npm run bench:self`): a 30-minute run of each
 * scenario (spike, node-crash, rolling-update) on two targets, synthetic, rendered in full
 * (HTML, CSV, Markdown and PNGs when chartjs-node-canvas is installed).
 * Goals: under 10 s, index.html under 5 MB.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureRun } from '../src/testing/report-fixtures.ts';
import { renderReport } from '../src/report/index.ts';

export async function benchReport(): Promise<{ renderMs: number; htmlBytes: number; pngs: number; failed: string[] }> {
  const root = mkdtempSync(join(tmpdir(), 'capbench-bench-report-'));
  try {
    const dirs = (['spike', 'node-crash', 'rolling-update'] as const).map((scenario) =>
      writeFixtureRun(root, { runId: `bench-${scenario}-30min`, scenario, durationS: 1800 }),
    );
    const t0 = performance.now();
    const res = await renderReport({ runDirs: dirs, outDir: join(root, 'report') });
    const renderMs = performance.now() - t0;
    return { renderMs, htmlBytes: statSync(res.htmlPath).size, pngs: res.pngPaths.length, failed: res.failures.map((f) => `${f.reporter} (${f.error?.message ?? '?'})`) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && process.argv[1].endsWith('bench-report.ts')) {
  const r = await benchReport();
  console.log(`report bench: ${(r.renderMs / 1000).toFixed(2)} s, index.html ${(r.htmlBytes / 2 ** 20).toFixed(2)} MB, ${r.pngs} PNGs${r.failed.length ? `; reporters failed: ${r.failed.join('; ')}` : ''}`);
}
