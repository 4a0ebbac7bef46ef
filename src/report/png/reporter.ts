/**
 * PNG charts via chartjs-node-canvas, loaded lazily: it needs the native `canvas` module,
 * which may not build on every machine. When it cannot load, the PNG reporter fails alone
 * (one log line, recorded in the report's result) and the other outputs are written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bandsPlugin } from '../html/bands-plugin.ts';
import type { ChartSpec } from '../html/charts.ts';
import { HarnessError } from '../../model/index.ts';
import type { Reporter } from '../reporter.ts';

/** Renders one chart.js configuration to PNG bytes. */
export interface PngRenderer {
  render(config: ChartSpec['config'], width: number, height: number): Promise<Buffer>;
}

/** Makes a PngRenderer; throws when the native pieces are unavailable. */
export type PngLoader = () => Promise<PngRenderer>;

export const defaultPngLoader: PngLoader = async () => {
  const mod = (await import('chartjs-node-canvas')) as unknown as {
    ChartJSNodeCanvas: new (o: { width: number; height: number; backgroundColour?: string; plugins?: { modern?: unknown[] } }) => {
      renderToBuffer(c: unknown, mime?: string): Promise<Buffer>;
    };
  };
  const plugin = bandsPlugin();
  const canvases = new Map<string, InstanceType<typeof mod.ChartJSNodeCanvas>>();
  return {
    async render(config, width, height) {
      const key = `${width}x${height}`;
      let c = canvases.get(key);
      if (!c) {
        c = new mod.ChartJSNodeCanvas({ width, height, backgroundColour: 'white' });
        canvases.set(key, c);
      }
      const cfg = { ...config, options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 1 }, plugins: [plugin] };
      return c.renderToBuffer(cfg, 'image/png');
    },
  };
};

/**
 * The PNG reporter: the key charts as `<outDir>/charts/<id>.png`. Throws (isolated by
 * runReporters) when chartjs-node-canvas or its native canvas cannot load; writes nothing
 * when no run has series to chart.
 */
export function pngReporter(loader: PngLoader = defaultPngLoader): Reporter {
  return {
    writes: 'charts/*.png',
    async write(ctx) {
      const key = ctx.data.charts.filter((c) => c.key);
      if (key.length === 0) return [];
      let renderer: PngRenderer;
      try {
        renderer = await loader();
      } catch (e) {
        const msg = ((e as Error).message ?? String(e)).split('\n')[0];
        throw new HarnessError(`png: chartjs-node-canvas and its native canvas must load for PNG charts (got ${msg})`, {
          code: 'missingEnvironment',
          hint: 'install the Cairo packages (see scripts/setup.sh), then `npm rebuild canvas`',
          cause: e,
        });
      }
      const dir = join(ctx.outDir, 'charts');
      mkdirSync(dir, { recursive: true });
      const paths: string[] = [];
      for (const c of key) {
        const p = join(dir, `${c.id}.png`);
        writeFileSync(p, await renderer.render(structuredClone(c.config), 1200, 420));
        paths.push(p);
      }
      return paths;
    },
  };
}
