/** The HTML reporter: index.html, listing in its footer the files the reporters before it wrote. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter } from '../reporter.ts';
import { renderHtml } from './render.ts';

export const htmlReporter: Reporter = {
  writes: 'index.html',
  async write(ctx) {
    const path = join(ctx.outDir, 'index.html');
    writeFileSync(path, renderHtml(ctx.data, { files: ctx.written }));
    return [path];
  },
};
