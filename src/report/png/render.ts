/**
 * PNG charts via chartjs-node-canvas, loaded lazily: it needs the native `canvas` module,
 * which may not build on every machine. When it cannot load, PNGs are skipped with one
 * log line and the rest of the report renders.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bandsPlugin } from '../html/bands-plugin.ts';
import type { ChartSpec } from '../html/charts.ts';

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

/** Write the key charts as `<outDir>/charts/<id>.png`. Returns the paths ([] when PNGs are unavailable). */
export async function renderPngs(charts: ChartSpec[], outDir: string, log: (line: string) => void, loader: PngLoader = defaultPngLoader): Promise<string[]> {
  const key = charts.filter((c) => c.key);
  if (key.length === 0) return [];
  let renderer: PngRenderer;
  try {
    renderer = await loader();
  } catch (e) {
    const msg = ((e as Error).message ?? String(e)).split('\n')[0];
    log(`report: PNG charts skipped — chartjs-node-canvas/canvas unavailable (${msg}); hint: npm install --include=optional chartjs-node-canvas`);
    return [];
  }
  const dir = join(outDir, 'charts');
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const c of key) {
    const p = join(dir, `${c.id}.png`);
    writeFileSync(p, await renderer.render(structuredClone(c.config), 1200, 420));
    paths.push(p);
  }
  return paths;
}
