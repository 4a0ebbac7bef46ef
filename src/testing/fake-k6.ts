/**
 * Test kit (used only by *.test.ts): writes a fake `k6` executable — a Node script — that
 * answers `version` and imitates `k6 run` closely enough to drive the K6Driver end to end:
 * it writes NDJSON lines (copied from the recorded fixture, re-stamped with the current
 * time) to the `--out json=` file, the summary export, stderr lines and an exit code.
 */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * FAKE_K6_MODE:
 *   ok          all lines, summary export, exit 0
 *   thresholds  half the lines, a pause (a line split across two writes), the rest, exit 99
 *   script-error 25 lines of noise then "script error" on stderr, exit 107
 *   sigint      half the lines, then waits; on SIGINT writes the rest and exits 105
 *   deaf        half the lines, then ignores SIGINT forever (needs SIGKILL)
 * FAKE_K6_VERSION  what `k6 version` prints; FAKE_K6_LINES file of NDJSON lines;
 * FAKE_K6_SUMMARY  file copied to --summary-export; FAKE_K6_ARGS file: each call's argv appended as JSON.
 */
const script = String.raw`
const fs = require('fs');
const args = process.argv.slice(2);
const env = process.env;
if (env.FAKE_K6_ARGS) fs.appendFileSync(env.FAKE_K6_ARGS, JSON.stringify(args) + '\n');
if (args[0] === 'version') {
  process.stdout.write((env.FAKE_K6_VERSION || 'k6 v1.3.0 (go1.23.5, linux/amd64)') + '\n');
  process.exit(0);
}
const mode = env.FAKE_K6_MODE || 'ok';
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? args[outIdx + 1].replace(/^json=/, '') : null;
const sumArg = args.find((a) => a.startsWith('--summary-export='));
const summary = sumArg ? sumArg.slice('--summary-export='.length) : null;
const lines = env.FAKE_K6_LINES ? fs.readFileSync(env.FAKE_K6_LINES, 'utf8').split('\n').filter(Boolean) : [];
const stamp = (l) => { const o = JSON.parse(l); if (o.type === 'Point') o.data.time = new Date().toISOString(); return JSON.stringify(o); };
const write = (ls) => { if (out && ls.length) fs.appendFileSync(out, ls.map(stamp).join('\n') + '\n'); };
const half = Math.floor(lines.length / 2);
const finish = (code) => {
  if (summary && env.FAKE_K6_SUMMARY) fs.copyFileSync(env.FAKE_K6_SUMMARY, summary);
  process.exit(code);
};
if (mode === 'ok') { write(lines); finish(0); }
else if (mode === 'thresholds') {
  write(lines.slice(0, half));
  const split = stamp(lines[half]);
  fs.appendFileSync(out, split.slice(0, 30));
  setTimeout(() => {
    fs.appendFileSync(out, split.slice(30) + '\n');
    write(lines.slice(half + 1));
    process.stderr.write('time="x" level=error msg="thresholds on metrics \'http_req_duration\' have been crossed"\n');
    finish(99);
  }, 300);
}
else if (mode === 'script-error') {
  for (let i = 0; i < 25; i++) process.stderr.write('noise ' + i + '\n');
  process.stderr.write('script error\n');
  process.exit(107);
}
else if (mode === 'sigint' || mode === 'deaf') {
  write(lines.slice(0, half));
  process.on('SIGINT', () => {
    if (mode === 'deaf') return;
    write(lines.slice(half));
    process.stderr.write('stopping k6 in response to signal...\n');
    finish(105);
  });
  setInterval(() => {}, 1000);
}
`;

/** Write the fake as `<dir>/k6` (executable) and return its path. */
export async function writeFakeK6(dir?: string): Promise<string> {
  const d = dir ?? (await mkdtemp(path.join(tmpdir(), 'capbench-fake-k6-')));
  const file = path.join(d, 'k6');
  await writeFile(file, `#!${process.execPath}\n${script}`);
  await chmod(file, 0o755);
  return file;
}
