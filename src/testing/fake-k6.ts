/**
 * Test kit (used only by *.test.ts): writes a fake `k6` executable — a Node script — for
 * what real k6 cannot be made to do: print any version (an old one, garbage) and ignore
 * SIGINT. Everything real k6 can do is tested on real k6 (test/k6-driver.test.ts,
 * test/e2e/k6-local.test.ts).
 *
 *   k6 version   prints FAKE_K6_VERSION (default `k6 v1.3.0 (go1.23.5, linux/amd64)`)
 *   k6 run …     ignores SIGINT from the start, appends the lines of FAKE_K6_LINES (NDJSON,
 *                re-stamped with the current time) to the `--out json=` file, then waits
 *                until SIGKILLed — or, with FAKE_K6_EXIT=<code>, exits with that code
 * FAKE_K6_ARGS: a file each call's argv is appended to, as JSON.
 */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const script = String.raw`
const fs = require('fs');
const args = process.argv.slice(2);
const env = process.env;
if (env.FAKE_K6_ARGS) fs.appendFileSync(env.FAKE_K6_ARGS, JSON.stringify(args) + '\n');
if (args[0] === 'version') {
  process.stdout.write((env.FAKE_K6_VERSION || 'k6 v1.3.0 (go1.23.5, linux/amd64)') + '\n');
  process.exit(0);
}
process.on('SIGINT', () => {});
const out = args.find((a) => a.startsWith('json=')).slice('json='.length);
const lines = env.FAKE_K6_LINES ? fs.readFileSync(env.FAKE_K6_LINES, 'utf8').split('\n').filter(Boolean) : [];
const stamp = (l) => { const o = JSON.parse(l); if (o.type === 'Point') o.data.time = new Date().toISOString(); return JSON.stringify(o); };
if (lines.length) fs.appendFileSync(out, lines.map(stamp).join('\n') + '\n');
if (env.FAKE_K6_EXIT !== undefined) process.exit(Number(env.FAKE_K6_EXIT));
setInterval(() => {}, 1000);
`;

/** Write the fake as `<dir>/k6` (executable) and return its path. */
export async function writeFakeK6(dir?: string): Promise<string> {
  const d = dir ?? (await mkdtemp(path.join(tmpdir(), 'capbench-fake-k6-')));
  const file = path.join(d, 'k6');
  await writeFile(file, `#!${process.execPath}\n${script}`);
  await chmod(file, 0o755);
  return file;
}
