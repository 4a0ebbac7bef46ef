// A node:test reporter beside `spec`: while the run goes, a line every 10 s in which no test
// finished (long end-to-end suites are otherwise silent for minutes); at the end, wall time
// and the slowest test files. Files run one at a time (run.mjs passes --test-concurrency=1),
// so a file's wall time is from the previous file's last result to its own last result
// (its imports and set-up included).
import { Transform } from 'node:stream';

const HEARTBEAT_MS = 10_000;
const SHOWN = 10;

export default function timingReporter() {
  const t0 = Date.now();
  let lastResult = Date.now();
  let done = 0;
  let lastName = '';
  const perFile = new Map();
  let current = null;
  let fileStart = Date.now();
  const fmt = (ms) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s` : `${(ms / 1000).toFixed(1)}s`);
  const stream = new Transform({
    writableObjectMode: true,
    transform(event, _enc, cb) {
      if (event.type === 'test:pass' || event.type === 'test:fail') {
        lastResult = Date.now();
        done++;
        lastName = event.data.name;
        const f = (event.data.file ?? '?').replace(`${process.cwd()}/`, '');
        if (f !== current) {
          if (current !== null) fileStart = perFile.get(current).end;
          current = f;
        }
        perFile.set(f, { end: lastResult, ms: lastResult - fileStart });
      }
      cb();
    },
    flush(cb) {
      clearInterval(timer);
      const rows = [...perFile].map(([f, v]) => [f, v.ms]).sort((a, b) => b[1] - a[1]).slice(0, SHOWN);
      this.push(`\n# wall time ${fmt(Date.now() - t0)}; slowest test files:\n`);
      for (const [f, ms] of rows) this.push(`#   ${fmt(ms).padStart(7)}  ${f}\n`);
      cb();
    },
  });
  const timer = setInterval(() => {
    const quiet = Date.now() - lastResult;
    if (quiet >= HEARTBEAT_MS) stream.push(`# … ${fmt(Date.now() - t0)} in, ${done} tests done, still running (last finished: ${lastName || 'none yet'}, ${fmt(quiet)} ago)\n`);
  }, HEARTBEAT_MS);
  timer.unref();
  return stream;
}
