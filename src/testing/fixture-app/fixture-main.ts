/**
 * Test kit: the fixture app's process entry. Started by the kit (fixture-app.ts) as
 * `node --import tsx fixture-main.ts PORT` with an IPC channel: it listens on
 * 127.0.0.1:PORT (0 = any free port), sends a FixtureHello, then answers FixtureRequests.
 * It exits when the kit says `stop`, on SIGTERM/SIGINT, and when the IPC channel closes
 * (the parent died), so it cannot outlive the test or harness that started it.
 * Without IPC (run by hand, for curl or `k6 run`), it prints its port and runs until ^C;
 * an optional second argument is a JSON FixtureConfig patch, and the clock (with the fault
 * script) starts at the first load request:
 *   node --import tsx src/testing/fixture-app/fixture-main.ts 18080 '{"replicas":2,"faults":[{"kind":"503","startS":5,"lengthS":5}]}'
 */
import { HarnessError } from '../../model/index.ts';
import type { FixtureConfig, FixtureHello, FixtureReply, FixtureRequest } from './fixture-config.ts';
import { FixtureServer } from './fixture-server.ts';

const arg = process.argv[2] ?? '0';
const port = Number(arg);
if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
  process.stderr.write(`fixture app: port must be an integer 0…65535 (got ${JSON.stringify(arg)})\n`);
  process.exit(2);
}

const app = new FixtureServer();
if (!process.send && process.argv[3] !== undefined) {
  try {
    app.control({ id: 0, op: 'configure', patch: JSON.parse(process.argv[3]) as Partial<FixtureConfig>, immediate: true });
    app.control({ id: 0, op: 'start', on: 'first-request' });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
}
let listening: number;
try {
  listening = await app.listen(port);
} catch (err) {
  process.stderr.write(`fixture app: 127.0.0.1:${port} must be free to listen on (got ${(err as Error).message})\n`);
  process.exit(3);
}

const stop = async (code: number): Promise<never> => {
  await app.close();
  process.exit(code);
};
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));

if (process.send) {
  const send = (m: FixtureHello | FixtureReply): void => {
    process.send?.(m);
  };
  process.on('disconnect', () => void stop(0));
  process.on('message', (m: FixtureRequest) => {
    try {
      const result = app.control(m);
      send({ id: m.id, ok: true, result: result ?? null });
      if (m.op === 'stop') setImmediate(() => void stop(0));
    } catch (err) {
      const msg = err instanceof HarnessError || err instanceof Error ? err.message : String(err);
      send({ id: m.id, ok: false, error: msg });
    }
  });
  send({ hello: 'fixture-app', port: listening, pid: process.pid });
} else {
  process.stdout.write(`fixture app on http://127.0.0.1:${listening} (pid ${process.pid}); ^C stops it\n`);
}
